/**
 * An AppRole role as stored (Vault's `roleStorageEntry`), its role-ID index, and the rules every write
 * of a role goes through (`setRoleEntry`: at least one constraint, a role ID used by one role only).
 *
 * Storage (the mount's view, behind the barrier):
 *
 * | key | what |
 * |---|---|
 * | `role/<lower-cased name>` | the {@link RoleEntry} |
 * | `role_id/<salted role ID>` | `{ name }`: which role a role ID logs in to |
 *
 * @module
 */
import { InvalidRequestError, type VaultError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import type { Storage } from '../../storage/view.js'
import { fromUtf8, utf8 } from '../../util/encoding.js'
import { newTokenParams, type TokenParams } from '../token/token-fields.js'
import { type AppRoleContext, createHmac, plainError } from './context.js'
import { accessorPrefixFor, SECRET_ID_PREFIX, type SecretIdPrefix } from './secret-id.js'

/** Roles, by lower-cased name. */
export const ROLE_PREFIX = 'role/'
/** Role ID → role name index, keyed by the salted role ID. */
const ROLE_ID_PREFIX = 'role_id/'

/** A stored role. Durations in seconds. */
export interface RoleEntry extends TokenParams {
  /** The role's name (lower-cased; not stored, set on load). */
  name: string
  /** The credential a client presents at login, with a secret ID when `bind_secret_id`. */
  role_id: string
  /** The role's key for the HMACs of its secret IDs (a UUID, never returned). */
  hmac_key: string
  /** Deprecated `policies` (kept when given, shown on read). */
  policies: string[]
  secret_id_num_uses: number
  /** 0 = secret IDs never expire. */
  secret_id_ttl: number
  bind_secret_id: boolean
  /** Deprecated `bound_cidr_list` (moved into `secret_id_bound_cidrs` on load). */
  bound_cidr_list: string[] | null
  /** Addresses allowed to log in; `null` when never set (Vault shows `null`). */
  secret_id_bound_cidrs: string[] | null
  /** Deprecated `period`. */
  period: number
  lower_case_role_name: boolean
  /** `secret_id/`, or `secret_id_local/` for `local_secret_ids` roles. */
  secret_id_prefix: SecretIdPrefix
}

/**
 * A fresh role: new HMAC key, lower-cased name, Vault's zero values (the create handler applies the
 * request's fields and defaults).
 *
 * @example
 * ```ts
 * const role = newRole('myapp', uuid())
 * ```
 */
export function newRole(name: string, hmacKey: string): RoleEntry {
  return {
    ...newTokenParams(),
    name: name.toLowerCase(),
    role_id: '',
    hmac_key: hmacKey,
    policies: [],
    secret_id_num_uses: 0,
    secret_id_ttl: 0,
    bind_secret_id: false,
    bound_cidr_list: null,
    secret_id_bound_cidrs: null,
    period: 0,
    lower_case_role_name: true,
    secret_id_prefix: SECRET_ID_PREFIX,
  }
}

/**
 * Reads a role (Vault's `roleEntry`), with its upgrades: legacy `bound_cidr_list` becomes
 * `secret_id_bound_cidrs`, legacy `period` / `policies` feed the token fields when those are unset.
 * `null` when there is none.
 *
 * @example
 * ```ts
 * const role = await loadRole(req.storage, 'MyApp') // reads role/myapp
 * ```
 */
export async function loadRole(storage: Storage, name: string): Promise<RoleEntry | null> {
  const raw = await storage.get(ROLE_PREFIX + name.toLowerCase())
  if (!raw) return null
  const stored = JSON.parse(fromUtf8(raw)) as Partial<RoleEntry>
  const role: RoleEntry = { ...newRole(name, ''), ...stored }
  if (role.bound_cidr_list && role.bound_cidr_list.length > 0) {
    role.secret_id_bound_cidrs = role.bound_cidr_list
    role.bound_cidr_list = null
  }
  if (role.token_period === 0 && role.period > 0) role.token_period = role.period
  if (role.token_policies.length === 0 && role.policies.length > 0) role.token_policies = role.policies
  role.name = role.lower_case_role_name ? name.toLowerCase() : name
  return role
}

/**
 * Vault's `validateRoleConstraints`: a role must bind something — a secret ID or a CIDR list.
 *
 * @example
 * ```ts
 * hasConstraint({ ...role, bind_secret_id: false, secret_id_bound_cidrs: null }) // false
 * ```
 */
export function hasConstraint(role: RoleEntry): boolean {
  return (
    role.bind_secret_id ||
    (role.bound_cidr_list?.length ?? 0) > 0 ||
    (role.secret_id_bound_cidrs?.length ?? 0) > 0 ||
    role.token_bound_cidrs.length > 0
  )
}

/** Salted key of a role ID's index entry. */
function roleIdKey(ctx: AppRoleContext, roleId: string): string {
  return ROLE_ID_PREFIX + ctx.saltId(roleId)
}

/**
 * The role a role ID belongs to (Vault's `roleIDEntry`), or `null`.
 *
 * @example
 * ```ts
 * const index = await roleIdEntry(ctx, req.storage, roleId) // { name: 'myapp' }
 * ```
 */
export async function roleIdEntry(
  ctx: AppRoleContext,
  storage: Storage,
  roleId: string,
): Promise<{ name: string } | null> {
  if (roleId === '') return null
  const raw = await storage.get(roleIdKey(ctx, roleId))
  return raw ? (JSON.parse(fromUtf8(raw)) as { name: string }) : null
}

/**
 * Writes a role index entry (Vault's `setRoleIDEntry`).
 *
 * @example
 * ```ts
 * await setRoleIdEntry(ctx, req.storage, role.role_id, role.name)
 * ```
 */
export async function setRoleIdEntry(
  ctx: AppRoleContext,
  storage: Storage,
  roleId: string,
  name: string,
): Promise<void> {
  await storage.put(roleIdKey(ctx, roleId), utf8(JSON.stringify({ name })))
}

/**
 * Removes a role ID's index entry.
 *
 * @example
 * ```ts
 * await deleteRoleIdEntry(ctx, req.storage, role.role_id)
 * ```
 */
export async function deleteRoleIdEntry(
  ctx: AppRoleContext,
  storage: Storage,
  roleId: string,
): Promise<void> {
  if (roleId !== '') await storage.delete(roleIdKey(ctx, roleId))
}

/**
 * Persists a role and its role-ID index (Vault's `setRoleEntry`): the role must have a constraint; its
 * role ID may not belong to another role; a changed role ID's old index goes. A refusal is Vault's plain
 * error (500), or 400 when the request already carries warnings (`warned`), as Vault's status mapping
 * does.
 *
 * @example
 * ```ts
 * await setRoleEntry(ctx, req.storage, role, previousRoleId)
 * ```
 * @throws {VaultError} `at least one constraint should be enabled on the role`, `role_id already in use`.
 */
export async function setRoleEntry(
  ctx: AppRoleContext,
  storage: Storage,
  role: RoleEntry,
  previousRoleId: string,
  warned = false,
): Promise<void> {
  const refuse = (message: string): never => {
    throw warned ? new InvalidRequestError(message) : plainError(message)
  }
  if (!hasConstraint(role)) refuse('at least one constraint should be enabled on the role')
  const index = await roleIdEntry(ctx, storage, role.role_id)
  if (index && index.name !== role.name) refuse('role_id already in use')
  if (previousRoleId !== '' && previousRoleId !== role.role_id) {
    await deleteRoleIdEntry(ctx, storage, previousRoleId)
  }
  const { name, ...stored } = role
  await storage.put(ROLE_PREFIX + name.toLowerCase(), utf8(JSON.stringify(stored)))
  if (previousRoleId !== '' && previousRoleId === role.role_id) return
  await setRoleIdEntry(ctx, storage, role.role_id, name)
}

/**
 * The HMAC of the role's name under its key: the folder its secret IDs live in.
 *
 * @throws {VaultError} 500 `failed to create HMAC of role_name: …`.
 */
export function roleNameHmac(ctx: AppRoleContext, role: RoleEntry): string {
  try {
    return createHmac(ctx.crypto, role.hmac_key, role.name)
  } catch (e) {
    throw plainError(`failed to create HMAC of role_name: ${(e as Error).message}`, e)
  }
}

/**
 * Deletes every secret ID of a role, with their accessors (Vault's `flushRoleSecrets`; Vault leaves the
 * accessors to tidy).
 *
 * @example
 * ```ts
 * await flushRoleSecrets(ctx, req.storage, role)
 * ```
 */
export async function flushRoleSecrets(
  ctx: AppRoleContext,
  storage: Storage,
  role: RoleEntry,
): Promise<void> {
  const folder = `${role.secret_id_prefix}${roleNameHmac(ctx, role)}/`
  const accessorPrefix = accessorPrefixFor(role.secret_id_prefix)
  for (const hmac of await storage.list(folder)) {
    await ctx.locks.run(`secret/${hmac}`, async () => {
      const raw = await storage.get(folder + hmac)
      if (raw) {
        const accessor = (JSON.parse(fromUtf8(raw)) as { secret_id_accessor?: string }).secret_id_accessor
        if (accessor) await storage.delete(accessorPrefix + ctx.saltId(accessor))
      }
      await storage.delete(folder + hmac)
    })
  }
}

/** Vault's `role "x" does not exist`, as a plain error (500). */
export function roleMissing(name: string): VaultError {
  return plainError(`role ${goQuote(name)} does not exist`)
}
