/**
 * Secret IDs as stored (Vault's `secretIDStorageEntry`) and their accessors: registration, reads,
 * deletion, and what a lookup shows. The secret ID itself is never stored, only its HMAC under the
 * role's key; an accessor maps (by its salted hash) to that HMAC, so an accessor can find a secret ID
 * only inside the folder of the role it is asked through (CVE-2023-24999).
 *
 * Storage (the mount's view, behind the barrier):
 *
 * | key | what |
 * |---|---|
 * | `secret_id/<role name HMAC>/<secret ID HMAC>` | the {@link SecretIdEntry} (`secret_id_local/` for local roles) |
 * | `accessor/<salted accessor>` | `{ secret_id_hmac }` (`accessor_local/` for local roles) |
 *
 * @module
 */
import type { Storage } from '../../storage/view.js'
import { fromUtf8, rfc3339, utf8, uuid } from '../../util/encoding.js'
import { type AppRoleContext, createHmac, plainError } from './context.js'
import type { RoleEntry } from './role.js'

/** Secret IDs of ordinary roles. */
export const SECRET_ID_PREFIX = 'secret_id/'
/** Secret IDs of `local_secret_ids` roles (cluster-local in Vault; the same here, with no replication). */
export const SECRET_ID_LOCAL_PREFIX = 'secret_id_local/'
/** Where a role's secret IDs live. */
export type SecretIdPrefix = typeof SECRET_ID_PREFIX | typeof SECRET_ID_LOCAL_PREFIX

const ACCESSOR_PREFIX = 'accessor/'
const ACCESSOR_LOCAL_PREFIX = 'accessor_local/'

/**
 * The accessor folder that goes with a secret-ID folder.
 *
 * @example
 * ```ts
 * accessorPrefixFor('secret_id_local/') // 'accessor_local/'
 * ```
 */
export function accessorPrefixFor(prefix: SecretIdPrefix): string {
  return prefix === SECRET_ID_LOCAL_PREFIX ? ACCESSOR_LOCAL_PREFIX : ACCESSOR_PREFIX
}

/** A stored secret ID. Times in ms since the epoch (0 = none), TTL in seconds. */
export interface SecretIdEntry {
  secret_id_accessor: string
  /** Logins left; 0 = unlimited. */
  secret_id_num_uses: number
  secret_id_ttl: number
  creation_time: number
  /** When it expires; 0 = never. */
  expiration_time: number
  last_updated_time: number
  /** Copied into the token's metadata at login (and shown by lookups). */
  metadata: Record<string, string>
  /** Addresses allowed to log in with it. */
  cidr_list: string[]
  /** Addresses the issued tokens are bound to (overrides the role's). */
  token_bound_cidrs: string[]
}

/** The storage key of a secret ID. */
export function secretIdKey(role: RoleEntry, roleHmac: string, secretHmac: string): string {
  return `${role.secret_id_prefix}${roleHmac}/${secretHmac}`
}

/**
 * HMAC of a secret ID under the role's key.
 *
 * @throws {VaultError} 500 `failed to create HMAC of secret_id: …` (e.g. longer than 4096 bytes).
 */
export function secretIdHmac(ctx: AppRoleContext, role: RoleEntry, secretId: string): string {
  try {
    return createHmac(ctx.crypto, role.hmac_key, secretId)
  } catch (e) {
    throw plainError(`failed to create HMAC of secret_id: ${(e as Error).message}`, e)
  }
}

/**
 * Reads a secret-ID entry; `null` when there is none.
 *
 * @example
 * ```ts
 * const entry = await loadSecretId(req.storage, secretIdKey(role, roleHmac, secretHmac))
 * ```
 */
export async function loadSecretId(storage: Storage, key: string): Promise<SecretIdEntry | null> {
  const raw = await storage.get(key)
  if (!raw) return null
  const entry = JSON.parse(fromUtf8(raw)) as Partial<SecretIdEntry>
  return {
    secret_id_accessor: entry.secret_id_accessor ?? '',
    secret_id_num_uses: entry.secret_id_num_uses ?? 0,
    secret_id_ttl: entry.secret_id_ttl ?? 0,
    creation_time: entry.creation_time ?? 0,
    expiration_time: entry.expiration_time ?? 0,
    last_updated_time: entry.last_updated_time ?? 0,
    metadata: entry.metadata ?? {},
    cidr_list: entry.cidr_list ?? [],
    token_bound_cidrs: entry.token_bound_cidrs ?? [],
  }
}

/**
 * Writes a secret-ID entry.
 *
 * @example
 * ```ts
 * await saveSecretId(req.storage, key, { ...entry, secret_id_num_uses: entry.secret_id_num_uses - 1 })
 * ```
 */
export async function saveSecretId(storage: Storage, key: string, entry: SecretIdEntry): Promise<void> {
  await storage.put(key, utf8(JSON.stringify(entry)))
}

/**
 * The secret-ID HMAC an accessor points at (Vault's `secretIDAccessorEntry`), or `null`.
 *
 * @example
 * ```ts
 * const found = await accessorEntry(ctx, req.storage, accessor, role.secret_id_prefix)
 * ```
 */
export async function accessorEntry(
  ctx: AppRoleContext,
  storage: Storage,
  accessor: string,
  prefix: SecretIdPrefix,
): Promise<{ secret_id_hmac: string } | null> {
  if (accessor === '') return null
  const raw = await storage.get(accessorPrefixFor(prefix) + ctx.saltId(accessor))
  return raw ? (JSON.parse(fromUtf8(raw)) as { secret_id_hmac: string }) : null
}

/**
 * Deletes an accessor's index entry (Vault's `deleteSecretIDAccessorEntry`).
 *
 * @example
 * ```ts
 * await deleteAccessor(ctx, req.storage, entry.secret_id_accessor, role.secret_id_prefix)
 * ```
 */
export async function deleteAccessor(
  ctx: AppRoleContext,
  storage: Storage,
  accessor: string,
  prefix: SecretIdPrefix,
): Promise<void> {
  await storage.delete(accessorPrefixFor(prefix) + ctx.saltId(accessor))
}

/**
 * Vault's `deriveSecretIDTTL`: a TTL above the mount's max (or negative) becomes the mount's max; 0
 * stays 0 (never expires).
 *
 * @example
 * ```ts
 * deriveSecretIdTtl(ctx, 0) // 0
 * ```
 */
export function deriveSecretIdTtl(ctx: AppRoleContext, ttl: number): number {
  const max = ctx.system.maxLeaseTtl()
  return ttl < 0 || ttl > max ? max : ttl
}

/**
 * Registers a new secret ID (Vault's `registerSecretIDEntry`), under the secret ID's lock: refuses a
 * duplicate, sets the times (expiry from the derived TTL), creates the accessor and its index, then
 * the entry.
 *
 * @example
 * ```ts
 * const stored = await registerSecretId(ctx, req.storage, role, uuid(), { secret_id_num_uses: 0, … })
 * ```
 * @throws {VaultError} 500 `failed to store secret_id: SecretID is already registered`.
 */
export async function registerSecretId(
  ctx: AppRoleContext,
  storage: Storage,
  role: RoleEntry,
  roleHmac: string,
  secretId: string,
  entry: Omit<
    SecretIdEntry,
    'secret_id_accessor' | 'creation_time' | 'expiration_time' | 'last_updated_time'
  >,
): Promise<SecretIdEntry> {
  const hmac = secretIdHmac(ctx, role, secretId)
  const key = secretIdKey(role, roleHmac, hmac)
  return ctx.locks.run(`secret/${hmac}`, async () => {
    if (await storage.get(key)) throw plainError('failed to store secret_id: SecretID is already registered')
    const now = ctx.clock.now()
    const ttl = deriveSecretIdTtl(ctx, entry.secret_id_ttl)
    const stored: SecretIdEntry = {
      ...entry,
      secret_id_accessor: uuid(),
      creation_time: now,
      expiration_time: ttl !== 0 ? now + ttl * 1000 : 0,
      last_updated_time: now,
    }
    // The accessor first, as Vault: a secret ID without an accessor is treated as invalid.
    await storage.put(
      accessorPrefixFor(role.secret_id_prefix) + ctx.saltId(stored.secret_id_accessor),
      utf8(JSON.stringify({ secret_id_hmac: hmac })),
    )
    await saveSecretId(storage, key, stored)
    return stored
  })
}

/** Go's zero `time.Time` in JSON. */
const ZERO_TIME = '0001-01-01T00:00:00Z'

/**
 * What a secret-ID lookup shows (Vault's `ToResponseData`), keys sorted as Go writes a map.
 *
 * @example
 * ```ts
 * secretIdData(entry) // { cidr_list: [], creation_time: '2024-…', expiration_time: '0001-01-01T00:00:00Z', … }
 * ```
 */
export function secretIdData(entry: SecretIdEntry): Record<string, unknown> {
  const time = (ms: number) => (ms ? rfc3339(ms) : ZERO_TIME)
  return {
    cidr_list: [...entry.cidr_list],
    creation_time: time(entry.creation_time),
    expiration_time: time(entry.expiration_time),
    last_updated_time: time(entry.last_updated_time),
    metadata: { ...entry.metadata },
    secret_id_accessor: entry.secret_id_accessor,
    secret_id_num_uses: entry.secret_id_num_uses,
    secret_id_ttl: entry.secret_id_ttl,
    token_bound_cidrs: [...entry.token_bound_cidrs],
  }
}
