/**
 * `delete/:path` and `undelete/:path` of KV v2 (api-docs/secret/kv/kv-v2: delete and undelete secret
 * versions): soft deletion of chosen versions, and its undoing. Destroyed versions are left alone.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { attribution, isDeleted, scheduledDeletion } from './key-metadata.js'
import { secretKey, type VersionedKv } from './versioned.js'

function versionsOf(d: FieldData): number[] {
  const versions = d.get<number[]>('versions')
  if (versions.length === 0) throw new InvalidRequestError('No version number provided')
  return versions
}

function deleteVersions(kv: VersionedKv) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    const versions = versionsOf(d)
    return kv.locks.run(key, async () => {
      const meta = await kv.getKeyMetadata(key)
      if (meta === null) return null
      const by = attribution(req)
      const now = kv.now()
      for (const n of versions) {
        const vm = meta.versions[String(n)]
        // Unknown, destroyed or already deleted versions keep their state.
        if (vm === undefined || vm.destroyed || isDeleted(vm, now)) continue
        vm.deletion_time = now
        vm.deleted_by = by
      }
      meta.last_updated_by = by
      await kv.writeKeyMetadata(meta)
      return null
    })
  }
}

function undeleteVersions(kv: VersionedKv) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    const versions = versionsOf(d)
    const config = await kv.config()
    return kv.locks.run(key, async () => {
      const meta = await kv.getKeyMetadata(key)
      if (meta === null) return null
      const now = kv.now()
      for (const n of versions) {
        const vm = meta.versions[String(n)]
        if (vm === undefined || vm.destroyed) continue
        // delete_version_after starts again from now, as in Vault.
        vm.deletion_time = scheduledDeletion(config, meta, now)
        vm.deleted_by = null
      }
      meta.last_updated_by = attribution(req, 'undelete')
      await kv.writeKeyMetadata(meta)
      return null
    })
  }
}

/**
 * The `delete/:path` and `undelete/:path` endpoints (`versions`: a list or comma-separated string).
 * Neither has an existence check: both need `update`.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'kv', paths: [...deletePaths(kv)] })
 * ```
 */
export function deletePaths(kv: VersionedKv): PathDefinition[] {
  return [
    definePath({
      pattern: 'delete/(?<path>.*)',
      fields: {
        path: { type: 'string', description: 'Location of the secret.' },
        versions: {
          type: 'commaIntSlice',
          description:
            'The versions to be archived. The versioned data will not be deleted, but it will no longer be returned in normal get requests.',
        },
      },
      operations: {
        update: { handler: kv.guard(deleteVersions(kv)), summary: 'Soft-delete versions of a secret.' },
      },
      synopsis: 'Marks one or more versions as deleted in the KV store.',
      description:
        'Deletes the data for the provided version and path in the key-value store. The versioned data will not be fully removed, but marked as deleted and will no longer be returned in normal get requests. This operation can be undone.',
    }),
    definePath({
      pattern: 'undelete/(?<path>.*)',
      fields: {
        path: { type: 'string', description: 'Location of the secret.' },
        versions: {
          type: 'commaIntSlice',
          description:
            'The versions to unarchive. The versions will be restored and their data will be returned on normal get requests.',
        },
      },
      operations: {
        update: { handler: kv.guard(undeleteVersions(kv)), summary: 'Restore soft-deleted versions.' },
      },
      synopsis: 'Undeletes one or more versions from the KV store.',
      description:
        'Undeletes the data for the provided version and path in the key-value store. This restores the data, allowing it to be returned on get requests.',
    }),
  ]
}
