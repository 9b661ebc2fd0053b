/**
 * `data/:path` of KV v2 (api-docs/secret/kv/kv-v2: read, create/update, patch, delete secret versions):
 * every write or patch makes a new version, reads return one version with its metadata, delete
 * soft-deletes the latest version.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InternalError, InvalidRequestError, NotFoundError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { decodeInt } from '../../framework/weak-decode.js'
import {
  addVersion,
  attribution,
  isDeleted,
  type KeyMetadata,
  type KvConfig,
  newKeyMetadata,
  scheduledDeletion,
  versionView,
} from './key-metadata.js'
import { mergePatch } from './merge-patch.js'
import { secretKey, type VersionedKv } from './versioned.js'

/**
 * Checks the request's `options.cas` against the key (Vault's `validateCheckAndSetOption`): when
 * given it must equal `current_version` (0 = "the key must not exist yet"); when absent it is
 * required if the mount or the key sets `cas_required`.
 *
 * @example
 * ```ts
 * validateCas(d, await kv.config(), meta) // throws on mismatch
 * ```
 * @throws {InvalidRequestError} `error parsing check-and-set parameter`, `check-and-set parameter did not
 *   match the current version`, `check-and-set parameter required for this call`.
 */
export function validateCas(d: FieldData, config: KvConfig, meta: KeyMetadata): void {
  const [options, ok] = d.getOk<Record<string, unknown>>('options')
  if (ok && options !== undefined && Object.hasOwn(options, 'cas') && options.cas !== undefined) {
    let cas: number
    try {
      // mapstructure's WeakDecode into an int: numbers, numeric strings, bools; nil leaves 0.
      cas = options.cas === null ? 0 : decodeInt('', options.cas, 'int')
    } catch {
      throw new InvalidRequestError('error parsing check-and-set parameter')
    }
    if (cas !== meta.current_version) {
      throw new InvalidRequestError('check-and-set parameter did not match the current version')
    }
  } else if (config.cas_required || meta.cas_required) {
    throw new InvalidRequestError('check-and-set parameter required for this call')
  }
}

/**
 * Removes the data of versions that left the `max_versions` window (Vault's `cleanupOldVersions`),
 * oldest first, so that a failure part-way is retried on the next write. Walks down from
 * `versionToDelete` and stops at the first version already gone below the previous window.
 *
 * @returns a warning to attach to the response, or `''`.
 * @example
 * ```ts
 * const warning = await cleanupOldVersions(kv, 'app', versionToDelete, previousOldest)
 * ```
 */
export async function cleanupOldVersions(
  kv: VersionedKv,
  key: string,
  versionToDelete: number,
  previousOldest: number,
): Promise<string> {
  try {
    const doomed: number[] = []
    for (let i = versionToDelete; i > 0; i--) {
      if (await kv.hasVersion(key, i)) doomed.push(i)
      else if (i < previousOldest) break
    }
    for (let i = doomed.length - 1; i >= 0; i--) await kv.deleteVersion(key, doomed[i] as number)
    return ''
  } catch (e) {
    return `error occurred when cleaning up old versions, these will be cleaned up on next write: ${(e as Error).message}`
  }
}

/**
 * Writes `data` as the key's next version under the key lock; `meta` is the key's metadata as read
 * under that lock. Shared by write and patch.
 */
async function writeVersion(
  kv: VersionedKv,
  req: LogicalRequest,
  config: KvConfig,
  meta: KeyMetadata,
  data: Record<string, unknown>,
): Promise<LogicalResponse> {
  const now = kv.now()
  const deletion = scheduledDeletion(config, meta, now)
  await kv.putVersion(meta.key, meta.current_version + 1, {
    data,
    created_time: now,
    deletion_time: deletion,
  })
  meta.last_updated_by = attribution(req)
  const previousOldest = meta.oldest_version
  const { vm, versionToDelete } = addVersion(meta, now, deletion, config.max_versions)
  await kv.writeKeyMetadata(meta)
  const resp: LogicalResponse = { data: versionView(meta, meta.current_version, vm) }
  if (versionToDelete > 0) {
    const warning = await cleanupOldVersions(kv, meta.key, versionToDelete, previousOldest)
    if (warning) resp.warnings = [warning]
  }
  return resp
}

function readData(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    const requested = d.get<number>('version')
    // Without a read lock, a concurrent write may trim the version between the two reads: look again.
    for (let attempt = 0; ; attempt++) {
      const meta = await kv.getKeyMetadata(key)
      if (meta === null) return null
      const version = requested > 0 ? requested : meta.current_version
      const vm = meta.versions[String(version)]
      if (vm === undefined) return null
      const metadata = versionView(meta, version, vm)
      // A deleted or destroyed version answers 404 with the whole envelope as body (no `errors`).
      if (isDeleted(vm, kv.now()) || vm.destroyed) return { data: { data: null, metadata }, httpStatus: 404 }
      const stored = await kv.getVersion(key, version)
      if (stored === null) {
        if (attempt === 0) continue
        throw new InternalError('could not find version data')
      }
      return { data: { data: stored.data, metadata } }
    }
  }
}

function writeData(kv: VersionedKv) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    if (key === '') throw new InvalidRequestError('missing path')
    const config = await kv.config()
    const [data, ok] = d.getOk<Record<string, unknown>>('data')
    if (!ok || data === undefined) throw new InvalidRequestError('no data provided')
    return kv.locks.run(key, async () => {
      const meta = (await kv.getKeyMetadata(key)) ?? newKeyMetadata(key)
      validateCas(d, config, meta)
      return writeVersion(kv, req, config, meta, data)
    })
  }
}

function patchData(kv: VersionedKv) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    const [patch, ok] = d.getOk<Record<string, unknown>>('data')
    if (!ok || patch === undefined) throw new InvalidRequestError('no data provided')
    return kv.locks.run(key, async () => {
      const meta = await kv.getKeyMetadata(key)
      // Vault answers these with a bare 404 (no body).
      if (meta === null) throw new NotFoundError()
      const config = await kv.config()
      validateCas(d, config, meta)
      const current = meta.current_version
      const vm = meta.versions[String(current)]
      if (vm === undefined) throw new NotFoundError()
      if (isDeleted(vm, kv.now()) || vm.destroyed) {
        // As Vault: the 404 body carries the version's metadata, flat (not under `metadata`).
        return { data: versionView(meta, current, vm), httpStatus: 404 }
      }
      const stored = await kv.getVersion(key, current)
      if (stored === null) throw new InternalError('could not find version data')
      const patched = mergePatch(stored.data, patch) as Record<string, unknown>
      return writeVersion(kv, req, config, meta, patched)
    })
  }
}

function deleteData(kv: VersionedKv) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    return kv.locks.run(key, async () => {
      const meta = await kv.getKeyMetadata(key)
      if (meta === null) return null
      const latest = meta.versions[String(meta.current_version)]
      const now = kv.now()
      // Nothing to do when there is no latest version, or it is already deleted or destroyed.
      if (latest === undefined || latest.destroyed || isDeleted(latest, now)) return null
      const by = attribution(req)
      latest.deletion_time = now
      latest.deleted_by = by
      meta.last_updated_by = by
      await kv.writeKeyMetadata(meta)
      return null
    })
  }
}

/**
 * The `data/:path` endpoint. Its existence check is "the key has a metadata record" (even when every
 * version is deleted), so a first write needs `create` and later ones `update`.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'kv', paths: [dataPath(kv)] })
 * ```
 */
export function dataPath(kv: VersionedKv): PathDefinition {
  return definePath({
    pattern: 'data/(?<path>.*[^/])',
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      version: {
        type: 'int',
        description: 'If provided during a read, the value at the version number will be returned',
        query: true,
      },
      options: {
        type: 'map',
        description:
          'Options for writing a KV entry. Set the "cas" value to use a Check-And-Set operation. If not set the write will be allowed. If set to 0 a write will only be allowed if the key doesn\'t exist. If the index is non-zero the write will only be allowed if the key\'s current version matches the version specified in the cas parameter.',
      },
      data: { type: 'map', description: 'The contents of the data map will be stored and returned on read.' },
    },
    existenceCheck: async (_req, d) => (await kv.getKeyMetadata(secretKey(d.get<string>('path')))) !== null,
    operations: {
      read: { handler: kv.guard(readData(kv)), summary: 'Read a version of a secret.' },
      create: { handler: kv.guard(writeData(kv)), summary: 'Write a new version of a secret.' },
      update: { handler: kv.guard(writeData(kv)), summary: 'Write a new version of a secret.' },
      patch: { handler: kv.guard(patchData(kv)), summary: 'Patch the current version of a secret.' },
      delete: { handler: kv.guard(deleteData(kv)), summary: 'Soft-delete the latest version of a secret.' },
    },
    synopsis: 'Write, Patch, Read, and Delete data in the Key-Value Store.',
    description:
      'Each write or patch of a key creates a new version and keeps the previous ones (up to max_versions). A read returns the latest version unless "version" is given. Delete is a soft delete of the latest version and can be undone with undelete; destroy removes version data for good.',
  })
}
