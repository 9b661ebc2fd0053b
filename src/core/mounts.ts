/**
 * The mount table: which backend serves which path prefix. Persisted behind the barrier; the in-memory
 * copy is a cache rebuilt on unseal.
 *
 * @module
 */
import type { Storage } from '../storage/view.js'
import { fromUtf8, toHex, utf8 } from '../util/encoding.js'

/** Storage path of the secrets mount table (behind the barrier). */
export const MOUNT_TABLE_PATH = 'core/mounts'
/** Storage path of the auth mount table (behind the barrier). */
export const AUTH_TABLE_PATH = 'core/auth'

/** A mount's tunable configuration; TTLs in seconds, 0 = system default. */
export interface MountConfig {
  default_lease_ttl: number
  max_lease_ttl: number
  force_no_cache: boolean
  audit_non_hmac_request_keys?: string[]
  audit_non_hmac_response_keys?: string[]
  listing_visibility?: string
  passthrough_request_headers?: string[]
  allowed_response_headers?: string[]
  /** Auth mounts only: `default-service`, `default-batch`, `service` or `batch`. */
  token_type?: string
}

/** One row of the mount table, as persisted. */
export interface MountEntry {
  table: 'mounts' | 'auth'
  /** Path with trailing slash, relative to the table (`secret/`; for auth, `userpass/`). */
  path: string
  type: string
  description: string
  uuid: string
  accessor: string
  config: MountConfig
  options: Record<string, string> | null
  local: boolean
  seal_wrap: boolean
  external_entropy_access: boolean
  plugin_version: string
  running_plugin_version: string
}

/** Mount config keys that hold lists of names (tunable, shown only when non-empty). */
export const LIST_CONFIG_KEYS = [
  'audit_non_hmac_request_keys',
  'audit_non_hmac_response_keys',
  'passthrough_request_headers',
  'allowed_response_headers',
] as const

/** Mount paths users can never mount at or move (Vault's `protectedMounts`). */
export const PROTECTED_MOUNTS = ['audit/', 'auth/', 'sys/', 'cubbyhole/', 'identity/']
/** Mounts that cannot be tuned (Vault's `untunableMounts`). */
export const UNTUNABLE_MOUNTS = ['cubbyhole/', 'sys/', 'audit/', 'identity/']

/** A fresh mount accessor, `<type>_<8 hex>` as Vault makes them (`auth_<type>_…` for auth mounts). */
export function mountAccessor(
  type: string,
  table: 'mounts' | 'auth',
  randomBytes: (n: number) => Uint8Array,
): string {
  return `${table === 'auth' ? 'auth_' : ''}${type}_${toHex(randomBytes(4))}`
}

/** Adds the trailing slash Vault adds to mount paths, and strips a leading one. */
export function sanitizeMountPath(path: string): string {
  let p = path.startsWith('/') ? path.slice(1) : path
  if (!p.endsWith('/')) p += '/'
  return p
}

/** The router-facing prefix of an entry (`auth/` + path for auth mounts). */
export function routePrefix(entry: MountEntry): string {
  return entry.table === 'auth' ? `auth/${entry.path}` : entry.path
}

/** The storage prefix of an entry's view (`logical/<uuid>/` or `auth/<uuid>/`), as Vault lays it out. */
export function storagePrefix(entry: MountEntry): string {
  if (entry.type === 'system') return 'sys/'
  return `${entry.table === 'auth' ? 'auth' : 'logical'}/${entry.uuid}/`
}

/** Reads a persisted table; empty when none was written yet. */
export async function loadTable(storage: Storage, path: string): Promise<MountEntry[]> {
  const raw = await storage.get(path)
  if (!raw) return []
  const parsed = JSON.parse(fromUtf8(raw)) as { entries: MountEntry[] }
  return parsed.entries
}

/** Writes a table. */
export async function saveTable(storage: Storage, path: string, entries: MountEntry[]): Promise<void> {
  await storage.put(
    path,
    utf8(JSON.stringify({ type: path === AUTH_TABLE_PATH ? 'auth' : 'mounts', entries })),
  )
}
