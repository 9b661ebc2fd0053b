/**
 * `LIST auth/token/accessors`: every token accessor. A root-protected path (`accessors*`): listing can
 * feed a denial of service, so it needs `sudo` besides `list`. Also the accessor resolution the
 * `*-accessor` endpoints share.
 *
 * @module
 */
import type { TokenEntry } from '../../core/token-store.js'
import { InvalidRequestError, PermissionDeniedError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { TokenContext } from './core.js'

/**
 * The valid token behind the request's `accessor` field, as `lookup-accessor` and `renew-accessor`
 * resolve it.
 *
 * @example
 * ```ts
 * const entry = await tokenByAccessor(ctx, d)
 * ```
 * @throws {InvalidRequestError} `missing accessor` when the field is empty, `invalid accessor` when no
 *   valid token has it.
 */
export async function tokenByAccessor(ctx: TokenContext, d: FieldData): Promise<TokenEntry> {
  const accessor = d.get<string>('accessor')
  if (accessor === '') throw new InvalidRequestError('missing accessor')
  const entry = await ctx.core.tokens.lookupByAccessor(accessor)
  if (!entry) throw new InvalidRequestError('invalid accessor')
  return entry
}

/** The accessors path (Vault's pattern `accessors/$`: list requests carry the trailing slash). */
export function accessorPaths(ctx: TokenContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'accessors/',
      operations: {
        list: async (req) => {
          // The pipeline enforces sudo on root paths; refuse here too, so a missing flag fails closed.
          if (req.sudo !== true) throw new PermissionDeniedError()
          return { data: { keys: await ctx.core.tokens.listAccessors() } }
        },
      },
      synopsis:
        "List token accessors, which can then be be used to iterate and discover their properties or revoke them. Because this can be used to cause a denial of service, this endpoint requires 'sudo' capability in addition to 'list'.",
    }),
  ]
}
