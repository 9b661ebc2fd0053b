/**
 * `keys/:name/trim`: deletes key versions below `min_available_version` for good (Vault's
 * `pathTrimUpdate`). They leave the archive, so no later `min_decryption_version` can bring them back.
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import type { TransitContext } from './context.js'
import { asServerError, errorResponse } from './errors.js'
import { formatKeyPolicy } from './keys.js'
import type { Policy } from './policy.js'

class Refusal extends Error {}

/** `keys/:name/trim`. */
export function pathTrim(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${genericNameRegex('name')}/trim`,
    fields: {
      name: { type: 'string', description: 'Name of the key' },
      min_available_version: {
        type: 'int',
        description: `The minimum available version for the key ring. All versions before this version will be
permanently deleted. This value can at most be equal to the lesser of
'min_decryption_version' and 'min_encryption_version'. This is not allowed
to be set when either 'min_encryption_version' or 'min_decryption_version'
is set to zero.`,
      },
    },
    operations: {
      update: {
        summary: 'Trim key versions of a named key',
        handler: async (req, d) => {
          const name = d.get<string>('name')
          let p: Policy | null
          try {
            p = await ctx.keys.update(req.storage, name, (draft) => {
              const [raw, ok] = d.getOk<number>('min_available_version')
              if (!ok) throw new Refusal('missing min_available_version')
              const v = raw!
              if (v < draft.minAvailableVersion)
                throw new Refusal('minimum available version cannot be decremented')
              if (draft.minEncryptionVersion === 0) {
                throw new Refusal(
                  'minimum available version cannot be set when minimum encryption version is not set',
                )
              }
              if (draft.minDecryptionVersion === 0) {
                throw new Refusal(
                  'minimum available version cannot be set when minimum decryption version is not set',
                )
              }
              if (v > draft.minEncryptionVersion) {
                // Vault's wording, typo included.
                throw new Refusal(
                  'minimum available version cannot be greater than minmum encryption version',
                )
              }
              if (v > draft.minDecryptionVersion) {
                throw new Refusal(
                  'minimum available version cannot be greater than minimum decryption version',
                )
              }
              if (v < 0) throw new Refusal('minimum available version cannot be negative')
              if (v === 0) throw new Refusal('minimum available version should be positive')
              draft.minAvailableVersion = v
            })
          } catch (e) {
            if (e instanceof Refusal) throw errorResponse(e.message)
            throw asServerError(e)
          }
          if (!p) throw errorResponse('invalid key name')
          return formatKeyPolicy(p, ctx.crypto)
        },
      },
    },
    synopsis: 'Trim key versions of a named key',
    description: `This path is used to trim key versions of a named key. Trimming only happens
from the lower end of version numbers.`,
  })
}
