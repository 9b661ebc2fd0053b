/**
 * `keys/:name/config`: minimum decryption/encryption versions, deletion, one-way `exportable` and
 * `allow_plaintext_backup`, and `auto_rotate_period` (Vault's `pathKeysConfigWrite`).
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import type { TransitContext } from './context.js'
import { asServerError, errorResponse } from './errors.js'
import { formatKeyPolicy } from './keys.js'
import type { Policy } from './policy.js'

/** A refusal raised inside the locked update: nothing is persisted and the caller gets a 400. */
class Refusal extends Error {}

/** `keys/:name/config`. */
export function pathKeysConfig(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${genericNameRegex('name')}/config`,
    fields: {
      name: { type: 'string', description: 'Name of the key' },
      min_decryption_version: {
        type: 'int',
        description: 'If set, the minimum version of the key allowed to be decrypted.',
      },
      min_encryption_version: {
        type: 'int',
        description:
          'If set, the minimum version of the key allowed to be used for encryption; or for signing keys, to be used for signing. If set to zero, only the latest version of the key is allowed.',
      },
      deletion_allowed: { type: 'bool', description: 'Whether to allow deletion of the key' },
      exportable: {
        type: 'bool',
        description: 'Enables export of the key. Once set, this cannot be disabled.',
      },
      allow_plaintext_backup: {
        type: 'bool',
        description:
          'Enables taking a backup of the named key in plaintext format. Once set, this cannot be disabled.',
      },
      auto_rotate_period: {
        type: 'duration',
        description:
          'Amount of time the key should live before being automatically rotated. A value of 0 disables automatic rotation for the key.',
      },
    },
    operations: {
      update: {
        summary: 'Configure a named encryption key',
        handler: async (req, d) => {
          const name = d.get<string>('name')
          let warning = ''
          const apply = (p: Policy): boolean => {
            let changed = false
            const [minDec, hasMinDec] = d.getOk<number>('min_decryption_version')
            if (hasMinDec) {
              let v = minDec!
              if (v < 0) throw new Refusal('min decryption version cannot be negative')
              if (v === 0) {
                v = 1
                warning = 'since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1'
              }
              if (v !== p.minDecryptionVersion) {
                if (v > p.latestVersion) {
                  throw new Refusal(
                    `cannot set min decryption version of ${v}, latest key version is ${p.latestVersion}`,
                  )
                }
                p.minDecryptionVersion = v
                changed = true
              }
            }
            const [minEnc, hasMinEnc] = d.getOk<number>('min_encryption_version')
            if (hasMinEnc) {
              const v = minEnc!
              if (v < 0) throw new Refusal('min encryption version cannot be negative')
              if (v !== p.minEncryptionVersion) {
                if (v > p.latestVersion) {
                  throw new Refusal(
                    `cannot set min encryption version of ${v}, latest key version is ${p.latestVersion}`,
                  )
                }
                p.minEncryptionVersion = v
                changed = true
              }
            }
            // Checked on the final picture, after each value was applied on its own.
            if (p.minEncryptionVersion > 0 && p.minEncryptionVersion < p.minDecryptionVersion) {
              throw new Refusal(
                `cannot set min encryption/decryption values; min encryption version of ${p.minEncryptionVersion} must be greater than or equal to min decryption version of ${p.minDecryptionVersion}`,
              )
            }
            const [deletion, hasDeletion] = d.getOk<boolean>('deletion_allowed')
            if (hasDeletion && deletion !== p.deletionAllowed) {
              p.deletionAllowed = deletion!
              changed = true
            }
            if (p.minDecryptionVersion === 0) {
              p.minDecryptionVersion = 1
              changed = true
            }
            // exportable and allow_plaintext_backup are one-way: false never unsets them.
            const [exportable, hasExportable] = d.getOk<boolean>('exportable')
            if (hasExportable && exportable && !p.exportable) {
              p.exportable = true
              changed = true
            }
            const [backup, hasBackup] = d.getOk<boolean>('allow_plaintext_backup')
            if (hasBackup && backup && !p.allowPlaintextBackup) {
              p.allowPlaintextBackup = true
              changed = true
            }
            const [period, hasPeriod] = d.getOk<number>('auto_rotate_period')
            if (hasPeriod) {
              if (period !== 0 && period! < 3600) {
                throw new Refusal('auto rotate period must be 0 to disable or at least an hour')
              }
              if (period !== p.autoRotatePeriod) {
                p.autoRotatePeriod = period!
                changed = true
              }
            }
            if (!changed) return false
            if (p.minAvailableVersion > p.minEncryptionVersion) {
              throw new Refusal('min encryption version should not be less than min available version')
            }
            if (p.minAvailableVersion > p.minDecryptionVersion) {
              throw new Refusal('min decryption version should not be less then min available version')
            }
            return true
          }
          let updated: Policy | null
          try {
            updated = await ctx.keys.update(req.storage, name, apply)
          } catch (e) {
            if (e instanceof Refusal) throw errorResponse(e.message)
            throw asServerError(e)
          }
          if (!updated) throw errorResponse(`no existing key named ${name} could be found`)
          const resp = formatKeyPolicy(updated, ctx.crypto)
          if (warning !== '') resp.warnings = [warning]
          return resp
        },
      },
    },
    synopsis: 'Configure a named encryption key',
    description: `This path is used to configure the named key. Currently, this
supports adjusting the minimum version of the key allowed to
be used for decryption via the min_decryption_version parameter.`,
  })
}
