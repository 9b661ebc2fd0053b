/**
 * `destroy/:path` of KV v2 (api-docs/secret/kv/kv-v2: destroy secret versions): the data of chosen
 * versions is removed from storage for good; their metadata stays, marked `destroyed`.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { secretKey, type VersionedKv } from './versioned.js'

function destroyVersions(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    const versions = d.get<number[]>('versions')
    // Vault words this one in lower case, unlike delete/undelete.
    if (versions.length === 0) throw new InvalidRequestError('no version number provided')
    return kv.locks.run(key, async () => {
      const meta = await kv.getKeyMetadata(key)
      if (meta === null) return null
      for (const n of versions) {
        const vm = meta.versions[String(n)]
        if (vm !== undefined) vm.destroyed = true
      }
      await kv.writeKeyMetadata(meta)
      for (const n of versions) await kv.deleteVersion(key, n)
      return null
    })
  }
}

/**
 * The `destroy/:path` endpoint (`versions`: a list or comma-separated string). No existence check:
 * it needs `update`.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'kv', paths: [destroyPath(kv)] })
 * ```
 */
export function destroyPath(kv: VersionedKv): PathDefinition {
  return definePath({
    pattern: 'destroy/(?<path>.*)',
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      versions: {
        type: 'commaIntSlice',
        description: 'The versions to destroy. Their data will be permanently deleted.',
      },
    },
    operations: {
      update: { handler: kv.guard(destroyVersions(kv)), summary: 'Permanently remove versions of a secret.' },
    },
    synopsis: 'Permanently removes one or more versions in the KV store',
    description:
      'Permanently removes the specified version data for the provided key and version numbers from the key-value store.',
  })
}
