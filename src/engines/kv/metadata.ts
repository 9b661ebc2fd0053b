/**
 * `metadata/:path` of KV v2 (api-docs/secret/kv/kv-v2: list secrets, read, create/update, patch and
 * delete metadata and all versions): the per-key settings (`max_versions`, `cas_required`,
 * `delete_version_after`, `custom_metadata`), the version history, and the listing of keys.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError, NotFoundError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { customMetadata } from './custom-metadata.js'
import { type KeyMetadata, metadataView, newKeyMetadata, toUint32 } from './key-metadata.js'
import { secretKey, type VersionedKv } from './versioned.js'

const CAS_IGNORED_WARNING =
  '"cas_required" set to false, but is mandated by backend config. This value will be ignored.'

/** Empty custom metadata is stored as none, as Vault's proto3 maps decode it. */
function orNull(m: Record<string, string>): Record<string, string> | null {
  return Object.keys(m).length === 0 ? null : m
}

function listMetadata(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const prefix = d.get<string>('path')
    const keys = await kv.listKeys(prefix)
    if (!d.get<boolean>('exclude_deleted')) return { data: { keys } }
    const filtered: string[] = []
    for (const name of keys) {
      if (name.endsWith('/')) {
        filtered.push(name)
        continue
      }
      let meta: KeyMetadata | null
      try {
        meta = await kv.getKeyMetadata(secretKey(prefix + name))
      } catch {
        // Vault keeps a key it cannot read rather than hide a possibly valid one.
        filtered.push(name)
        continue
      }
      // Any deletion time on the current version, even a future one, excludes the key (as Vault).
      const current = meta?.versions[String(meta.current_version)]
      if (current !== undefined && current.deletion_time !== null) continue
      filtered.push(name)
    }
    return { data: { keys: filtered } }
  }
}

function readMetadata(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const meta = await kv.getKeyMetadata(secretKey(d.get<string>('path')))
    return meta === null ? null : { data: metadataView(meta) }
  }
}

function writeMetadata(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    if (key === '') throw new InvalidRequestError('missing path')
    const [maxVersions, mOk] = d.getOk<number>('max_versions')
    const [casRequired, cOk] = d.getOk<boolean>('cas_required')
    const [dva, dvaOk] = d.getOk<number>('delete_version_after')
    const [cmRaw, cmOk] = d.getOk<Record<string, unknown>>('custom_metadata')
    // Nothing to set: nothing is written (not even an empty record).
    if (!mOk && !cOk && !dvaOk && !cmOk) return null
    const config = await kv.config()
    const custom = cmOk ? customMetadata(cmRaw ?? {}, false) : null
    const resp: LogicalResponse | null =
      cOk && config.cas_required && casRequired === false ? { warnings: [CAS_IGNORED_WARNING] } : null
    await kv.locks.run(key, async () => {
      const now = kv.now()
      const meta = (await kv.getKeyMetadata(key)) ?? newKeyMetadata(key, now)
      if (mOk) meta.max_versions = toUint32(maxVersions ?? 0)
      if (cOk) meta.cas_required = casRequired === true
      if (dvaOk) meta.delete_version_after = dva ?? 0
      if (custom !== null) meta.custom_metadata = orNull(custom)
      await kv.writeKeyMetadata(meta)
    })
    return resp
  }
}

function patchMetadata(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    if (key === '') throw new InvalidRequestError('missing path')
    const [cmRaw, cmOk] = d.getOk<Record<string, unknown>>('custom_metadata')
    // `custom_metadata: null` removes the whole map (merge patch); `{k: null}` removes one key.
    const clearCustom = cmOk && d.raw.custom_metadata === null
    if (cmOk && !clearCustom) customMetadata(cmRaw ?? {}, true)
    const config = await kv.config()
    return kv.locks.run(key, async () => {
      const meta = await kv.getKeyMetadata(key)
      // Vault answers a bare 404 (no body).
      if (meta === null) throw new NotFoundError()
      const [casRequired, cOk] = d.getOk<boolean>('cas_required')
      const resp: LogicalResponse | null =
        cOk && config.cas_required && casRequired === false ? { warnings: [CAS_IGNORED_WARNING] } : null
      const [maxVersions, mOk] = d.getOk<number>('max_versions')
      const [dva, dvaOk] = d.getOk<number>('delete_version_after')
      if (mOk) meta.max_versions = toUint32(maxVersions ?? 0)
      if (cOk) meta.cas_required = casRequired === true
      if (dvaOk) meta.delete_version_after = dva ?? 0
      if (clearCustom) meta.custom_metadata = null
      else if (cmOk && cmRaw) {
        const merged: Record<string, string> = { ...(meta.custom_metadata ?? {}) }
        for (const [k, v] of Object.entries(cmRaw)) {
          if (v === null) delete merged[k]
        }
        Object.assign(merged, customMetadata(cmRaw, true))
        meta.custom_metadata = orNull(merged)
      }
      await kv.writeKeyMetadata(meta)
      return resp
    })
  }
}

function deleteMetadata(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    return kv.locks.run(key, async () => {
      const meta = await kv.getKeyMetadata(key)
      if (meta === null) return null
      for (const n of Object.keys(meta.versions)) await kv.deleteVersion(key, Number(n))
      await kv.deleteKeyMetadata(key)
      return null
    })
  }
}

/**
 * The `metadata/:path` endpoint (list, read, create/update, patch, delete). Its existence check is
 * "the key has a metadata record".
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'kv', paths: [metadataPath(kv)] })
 * ```
 */
export function metadataPath(kv: VersionedKv): PathDefinition {
  return definePath({
    pattern: 'metadata/(?<path>.*)',
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      exclude_deleted: {
        type: 'bool',
        default: false,
        description: 'If true, exclude keys where the current version is deleted when listing keys.',
        query: true,
      },
      cas_required: {
        type: 'bool',
        description:
          "If true the key will require the cas parameter to be set on all write requests. If false, the backend's configuration will be used.",
      },
      max_versions: {
        type: 'int',
        description:
          "The number of versions to keep. If not set, the backend's configured max version is used.",
      },
      delete_version_after: {
        type: 'duration',
        description:
          "The length of time before a version is deleted. If not set, the backend's configured delete_version_after is used. A zero duration clears the current setting. A negative duration will cause an error.",
      },
      custom_metadata: {
        type: 'map',
        description:
          'User-provided key-value pairs that are used to describe arbitrary and version-agnostic information about a secret.',
      },
    },
    existenceCheck: async (_req, d) => (await kv.getKeyMetadata(secretKey(d.get<string>('path')))) !== null,
    operations: {
      list: { handler: kv.guard(listMetadata(kv)), summary: 'List the keys below a path.' },
      read: { handler: kv.guard(readMetadata(kv)), summary: "Read a key's metadata and version history." },
      create: { handler: kv.guard(writeMetadata(kv)), summary: "Set a key's settings." },
      update: { handler: kv.guard(writeMetadata(kv)), summary: "Set a key's settings." },
      patch: { handler: kv.guard(patchMetadata(kv)), summary: "Patch a key's settings." },
      delete: {
        handler: kv.guard(deleteMetadata(kv)),
        summary: 'Delete the metadata and every version of a key, permanently.',
      },
    },
    synopsis: 'Configures settings for the KV store',
    description:
      'Reads information about a key in the key-value store (its versions and settings), writes key settings (max_versions, cas_required, delete_version_after, custom_metadata), lists keys, and permanently deletes a key with all its versions.',
  })
}
