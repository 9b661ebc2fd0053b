/**
 * `LIST auth/token/accessors`: every token accessor. A root-protected path (`accessors*`): listing can
 * feed a denial of service, so it needs `sudo` besides `list`.
 *
 * @module
 */
import { PermissionDeniedError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { TokenContext } from './core.js'

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
