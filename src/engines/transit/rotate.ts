/**
 * `keys/:name/rotate`: adds a new version of the key (Vault's `pathRotateWrite`).
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import type { TransitContext } from './context.js'
import { asServerError, errorResponse, TransitError } from './errors.js'
import { formatKeyPolicy } from './keys.js'
import { addVersion, generateEntry, type Policy } from './policy.js'

/**
 * Rotates a draft: a new version of the key's type, created now (keysutil `Rotate`).
 *
 * @throws {TransitError} for an imported key that does not allow rotation.
 * @example
 * ```ts
 * await ctx.keys.update(storage, 'orders', (draft) => rotatePolicy(draft, ctx))
 * ```
 */
export async function rotatePolicy(draft: Policy, ctx: TransitContext): Promise<void> {
  if (draft.imported && !draft.allowImportedKeyRotation) {
    throw new TransitError(`imported key ${draft.name} does not allow rotation within Vault`)
  }
  addVersion(draft, await generateEntry(draft, ctx.crypto, ctx.clock.now()))
  draft.imported = false
}

/** `keys/:name/rotate`. */
export function pathRotate(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${genericNameRegex('name')}/rotate`,
    fields: {
      name: { type: 'string', description: 'Name of the key' },
    },
    operations: {
      update: {
        summary: 'Rotate named encryption key',
        handler: async (req, d) => {
          let p: Policy | null
          try {
            p = await ctx.keys.update(req.storage, d.get<string>('name'), (draft) => rotatePolicy(draft, ctx))
          } catch (e) {
            throw asServerError(e)
          }
          if (!p) throw errorResponse('key not found')
          return formatKeyPolicy(p, ctx.crypto)
        },
      },
    },
    synopsis: 'Rotate named encryption key',
    description: `This path is used to rotate the named key. After rotation,
new encryption requests using this name will use the new key,
but decryption will still be supported for older versions.`,
  })
}
