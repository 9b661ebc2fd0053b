/**
 * What KV v2 stores about a key (Vault's `KeyMetadata`, `VersionMetadata`, `Configuration`, `Version`
 * and `Attribution` messages, kept as JSON behind the barrier) and the rules that move it: adding a
 * version slides the `max_versions` window, `delete_version_after` schedules a deletion time, and the
 * views clients see (`created_time`, `deletion_time`, `destroyed`, `version`, `custom_metadata`).
 *
 * Times are stored as milliseconds since the epoch (the clock's resolution) and shown as Go's
 * RFC3339Nano in UTC; `null` is Go's nil timestamp, shown as `""`.
 *
 * @module
 */
import type { LogicalRequest } from '../../core/logical.js'
import { formatDuration } from '../../framework/duration.js'
import { rfc3339 } from '../../util/encoding.js'

/**
 * Versions kept per key when neither the key nor the mount sets `max_versions` (Vault's default).
 *
 * @example
 * ```ts
 * Math.max(meta.max_versions, config.max_versions) || DEFAULT_MAX_VERSIONS // 10 when both are 0
 * ```
 */
export const DEFAULT_MAX_VERSIONS = 10

/**
 * The `delete_version_after` value meaning "disabled on the whole mount" (Vault stores `-1s`).
 *
 * @example
 * ```ts
 * config.delete_version_after === DELETE_VERSION_AFTER_DISABLED // no version gets a deletion time
 * ```
 */
export const DELETE_VERSION_AFTER_DISABLED = -1

/**
 * Who did something to a key (Vault's `Attribution`; empty fields are omitted, as Go's `omitempty`).
 *
 * @example
 * ```ts
 * const by: Attribution = { actor: 'root', operation: 'create' }
 * ```
 */
export interface Attribution {
  actor?: string
  operation?: string
  entity_id?: string
  client_id?: string
}

/**
 * One version's bookkeeping (Vault's `VersionMetadata`).
 *
 * @example
 * ```ts
 * const vm: VersionMetadata = { created_time: Date.now(), deletion_time: null, destroyed: false, created_by: null, deleted_by: null }
 * ```
 */
export interface VersionMetadata {
  /** ms since the epoch. */
  created_time: number | null
  /** ms since the epoch; the version reads as deleted once this time has come. */
  deletion_time: number | null
  destroyed: boolean
  created_by: Attribution | null
  deleted_by: Attribution | null
}

/**
 * A key's metadata record (Vault's `KeyMetadata`). It exists from the first write (or metadata write)
 * until `DELETE metadata/:path`, even when every version is deleted.
 *
 * @example
 * ```ts
 * const meta = newKeyMetadata('app/db')
 * meta.current_version // 0
 * ```
 */
export interface KeyMetadata {
  key: string
  /** Version number (as a string key) → its metadata; versions outside the window are gone. */
  versions: Record<string, VersionMetadata>
  current_version: number
  oldest_version: number
  created_time: number | null
  updated_time: number | null
  /** 0 = the mount's setting. */
  max_versions: number
  cas_required: boolean
  /** Seconds; 0 = the mount's setting. */
  delete_version_after: number
  /** `null` when empty (proto3 maps decode empty as nil). */
  custom_metadata: Record<string, string> | null
  last_updated_by: Attribution | null
}

/**
 * The mount-wide settings of `config` (Vault's `Configuration`).
 *
 * @example
 * ```ts
 * const config: KvConfig = { max_versions: 5, cas_required: true, delete_version_after: null }
 * ```
 */
export interface KvConfig {
  /** 0 = {@link DEFAULT_MAX_VERSIONS}. */
  max_versions: number
  cas_required: boolean
  /** Seconds; `null` = unset, {@link DELETE_VERSION_AFTER_DISABLED} = disabled for every key. */
  delete_version_after: number | null
}

/**
 * One stored version (Vault's `Version`): the secret's data and its times.
 *
 * @example
 * ```ts
 * const v: StoredVersion = { data: { password: 'x' }, created_time: Date.now(), deletion_time: null }
 * ```
 */
export interface StoredVersion {
  data: Record<string, unknown>
  created_time: number
  deletion_time: number | null
}

/**
 * An empty metadata record for `key`, as Vault starts one on a first write.
 *
 * @example
 * ```ts
 * newKeyMetadata('app').versions // {}
 * ```
 */
export function newKeyMetadata(key: string, now: number | null = null): KeyMetadata {
  return {
    key,
    versions: {},
    current_version: 0,
    oldest_version: 0,
    created_time: now,
    updated_time: now,
    max_versions: 0,
    cas_required: false,
    delete_version_after: 0,
    custom_metadata: null,
    last_updated_by: null,
  }
}

/**
 * Adds the next version and moves the `max_versions` window (Vault's `KeyMetadata.AddVersion`): the
 * effective maximum is the larger of the key's and the mount's setting, else 10; once
 * `current_version − oldest_version` reaches it, the oldest versions leave the metadata.
 *
 * @returns the new version's metadata, and the highest version number whose data must now be removed
 *   from storage (0 = none).
 * @example
 * ```ts
 * const { vm, versionToDelete } = addVersion(meta, Date.now(), null, config.max_versions)
 * ```
 */
export function addVersion(
  meta: KeyMetadata,
  created: number,
  deletion: number | null,
  configMaxVersions: number,
): { vm: VersionMetadata; versionToDelete: number } {
  const vm: VersionMetadata = {
    created_time: created,
    deletion_time: deletion,
    destroyed: false,
    created_by: meta.last_updated_by,
    deleted_by: null,
  }
  meta.current_version++
  meta.versions[String(meta.current_version)] = vm
  meta.updated_time = created
  if (meta.created_time === null) meta.created_time = created
  const max = Math.max(meta.max_versions, configMaxVersions) || DEFAULT_MAX_VERSIONS
  if (meta.current_version - meta.oldest_version >= max) {
    const versionToDelete = meta.current_version - max
    for (let i = meta.oldest_version; i <= versionToDelete; i++) delete meta.versions[String(i)]
    meta.oldest_version = versionToDelete + 1
    return { vm, versionToDelete }
  }
  return { vm, versionToDelete: 0 }
}

/**
 * When a version created at `creation` is deleted by `delete_version_after` (Vault's `deletionTime`):
 * creation plus the smaller non-zero of the mount's and the key's setting; `null` when both are 0.
 *
 * @example
 * ```ts
 * deletionTime(0, 3600, 60) // 60_000
 * deletionTime(0, 0, 0)     // null
 * ```
 */
export function deletionTime(creation: number, mountSeconds: number, keySeconds: number): number | null {
  if (mountSeconds === 0 && keySeconds === 0) return null
  let min = keySeconds
  if ((mountSeconds !== 0 && mountSeconds < min) || min === 0) min = mountSeconds
  return creation + min * 1000
}

/**
 * The deletion time a version written now gets under `config` and `meta`, or `null`.
 *
 * @example
 * ```ts
 * scheduledDeletion(config, meta, Date.now())
 * ```
 */
export function scheduledDeletion(config: KvConfig, meta: KeyMetadata, now: number): number | null {
  if (config.delete_version_after === DELETE_VERSION_AFTER_DISABLED) return null
  return deletionTime(now, config.delete_version_after ?? 0, meta.delete_version_after)
}

/**
 * Whether a version reads as deleted at `now`. Vault tests `deletion_time.Before(now)` on nanosecond
 * clocks; with millisecond clocks a deletion stamped in the same millisecond must count as past too.
 *
 * @example
 * ```ts
 * isDeleted({ ...vm, deletion_time: Date.now() }, Date.now()) // true
 * ```
 */
export function isDeleted(vm: VersionMetadata, now: number): boolean {
  return vm.deletion_time !== null && vm.deletion_time <= now
}

/**
 * A timestamp as Vault shows it: RFC3339Nano in UTC, `""` for none.
 *
 * @example
 * ```ts
 * timeString(Date.UTC(2024, 0, 1, 0, 0, 0, 120)) // '2024-01-01T00:00:00.12Z'
 * timeString(null)                                // ''
 * ```
 */
export function timeString(ms: number | null): string {
  return ms === null ? '' : rfc3339(ms)
}

/**
 * A version's metadata as data reads, writes and patches show it (keys in Go's sorted order).
 *
 * @example
 * ```ts
 * versionView(meta, 3, meta.versions['3']!)
 * // { created_time: '…', custom_metadata: null, deletion_time: '', destroyed: false, version: 3 }
 * ```
 */
export function versionView(
  meta: KeyMetadata,
  version: number,
  vm: VersionMetadata,
): Record<string, unknown> {
  return {
    created_time: timeString(vm.created_time),
    custom_metadata: meta.custom_metadata,
    deletion_time: timeString(vm.deletion_time),
    destroyed: vm.destroyed,
    version,
  }
}

/**
 * The body of `GET metadata/:path` (keys in Go's sorted order).
 *
 * @example
 * ```ts
 * metadataView(meta).current_version // 3
 * ```
 */
export function metadataView(meta: KeyMetadata): Record<string, unknown> {
  const versions: Record<string, unknown> = {}
  for (const [n, v] of Object.entries(meta.versions)) {
    versions[n] = {
      created_by: v.created_by,
      created_time: timeString(v.created_time),
      deleted_by: v.deleted_by,
      deletion_time: timeString(v.deletion_time),
      destroyed: v.destroyed,
    }
  }
  return {
    cas_required: meta.cas_required,
    created_time: timeString(meta.created_time),
    current_version: meta.current_version,
    custom_metadata: meta.custom_metadata,
    delete_version_after: formatDuration(meta.delete_version_after),
    last_updated_by: meta.last_updated_by,
    max_versions: meta.max_versions,
    oldest_version: meta.oldest_version,
    updated_time: timeString(meta.updated_time),
    versions,
  }
}

/**
 * Who is making `req` (Vault's `getAttribution`): the token's display name, the operation, and the
 * entity when the token has one.
 *
 * @example
 * ```ts
 * attribution(req) // { actor: 'root', operation: 'create' }
 * ```
 */
export function attribution(req: LogicalRequest, operation: string = req.operation): Attribution {
  const out: Attribution = {}
  if (req.displayName) out.actor = req.displayName
  if (operation) out.operation = operation
  const entity = req.tokenEntry?.entity_id
  if (entity) out.entity_id = entity
  return out
}

/**
 * Go's `uint32(x)` conversion of an `int` field (`max_versions`): negative values wrap.
 *
 * @example
 * ```ts
 * toUint32(-1) // 4294967295
 * ```
 */
export function toUint32(n: number): number {
  return n >>> 0
}
