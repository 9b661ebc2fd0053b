/**
 * `backup/:name` and `restore(/:name)`: a plaintext backup of a key — every version, archive included —
 * and its restore (Vault's `pathBackupRead` / `pathRestoreUpdate`). A backup needs both `exportable`
 * and `allow_plaintext_backup` on the key; both are one-way flags.
 *
 * The backup is base64 of JSON `{"policy": …, "archived_keys": {"keys": …}}` in vaultlet's stored
 * format (keysutil's field names; key material as base64 DER), so it restores into vaultlet, not Vault.
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex, optionalParamRegex } from '../../framework/patterns.js'
import type { TransitContext } from './context.js'
import { asServerError, errorResponse, serverError } from './errors.js'

/** `backup/:name`. */
export function pathBackup(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `backup/${genericNameRegex('name')}`,
    fields: { name: { type: 'string', description: 'Name of the key' } },
    operations: {
      read: {
        summary: 'Backup the named key',
        handler: async (req, d) => {
          try {
            return { data: { backup: await ctx.keys.backup(req.storage, d.get<string>('name')) } }
          } catch (e) {
            throw asServerError(e)
          }
        },
      },
    },
    synopsis: 'Backup the named key',
    description: 'This path is used to backup the named key.',
  })
}

/** `restore(/:name)`. */
export function pathRestore(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `restore${optionalParamRegex('name')}`,
    fields: {
      backup: {
        type: 'string',
        description:
          'Backed up key data to be restored. This should be the output from the `backup/` endpoint.',
      },
      name: { type: 'string', description: 'If set, this will be the name of the restored key.' },
      force: {
        type: 'bool',
        default: false,
        description:
          'If set and a key by the given name exists, force the restore operation and override the key.',
      },
    },
    operations: {
      update: {
        summary: 'Restore the named key',
        handler: async (req, d) => {
          const backup = d.get<string>('backup')
          if (backup === '') throw errorResponse("'backup' must be supplied")
          const name = d.get<string>('name')
          if (name.includes('/')) throw serverError('key names cannot be paths')
          try {
            await ctx.keys.restore(req.storage, name, backup, d.get<boolean>('force'))
          } catch (e) {
            throw asServerError(e)
          }
          return null
        },
      },
    },
    synopsis: 'Restore the named key',
    description: 'This path is used to restore the named key.',
  })
}
