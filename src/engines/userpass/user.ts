/**
 * A userpass user as stored (Vault's `UserEntry`): the token fields, the password hash (PHC string, see
 * `password-hasher.ts`) and the deprecated fields the token fields replaced. Stored at
 * `user/<lower-cased name>` in the mount's view, behind the barrier.
 *
 * @module
 */
import type { Storage } from '../../storage/view.js'
import { fromUtf8, utf8 } from '../../util/encoding.js'
import type { KeyedLock } from '../../util/lock.js'
import { newTokenParams, type TokenParams } from '../token/token-fields.js'
import type { PasswordHasher } from './password-hasher.js'

/** Users, by lower-cased name. */
export const USER_PREFIX = 'user/'

/** A stored user. Durations in seconds. */
export interface UserEntry extends TokenParams {
  /** The password's hash with its algorithm and parameters; never returned. */
  password_hash: string
  /** Deprecated `policies` (kept when given, shown on read). */
  policies: string[]
  /** Deprecated `ttl`. */
  ttl: number
  /** Deprecated `max_ttl`. */
  max_ttl: number
  /** Deprecated `bound_cidrs`. */
  bound_cidrs: string[]
}

/** What every path of the backend shares. */
export interface UserpassContext {
  readonly hasher: PasswordHasher
  /** Per-user locks: writes to one user are read-modify-write sequences. */
  readonly locks: KeyedLock
}

/**
 * A fresh user: no password, default token settings.
 *
 * @example
 * ```ts
 * const user = newUser()
 * ```
 */
export function newUser(): UserEntry {
  return { ...newTokenParams(), password_hash: '', policies: [], ttl: 0, max_ttl: 0, bound_cidrs: [] }
}

/**
 * Reads a user, with Vault's upgrade of the deprecated fields (`ttl` → `token_ttl`… when those are
 * unset); `null` when there is none.
 *
 * @example
 * ```ts
 * const user = await loadUser(req.storage, 'Bob') // reads user/bob
 * ```
 */
export async function loadUser(storage: Storage, name: string): Promise<UserEntry | null> {
  const raw = await storage.get(USER_PREFIX + name.toLowerCase())
  if (!raw) return null
  const user: UserEntry = { ...newUser(), ...(JSON.parse(fromUtf8(raw)) as Partial<UserEntry>) }
  if (user.token_ttl === 0 && user.ttl > 0) user.token_ttl = user.ttl
  if (user.token_max_ttl === 0 && user.max_ttl > 0) user.token_max_ttl = user.max_ttl
  if (user.token_policies.length === 0 && user.policies.length > 0) user.token_policies = user.policies
  if (user.token_bound_cidrs.length === 0 && user.bound_cidrs.length > 0) {
    user.token_bound_cidrs = user.bound_cidrs
  }
  return user
}

/**
 * Writes a user under its lower-cased name.
 *
 * @example
 * ```ts
 * await saveUser(req.storage, 'bob', user)
 * ```
 */
export async function saveUser(storage: Storage, name: string, user: UserEntry): Promise<void> {
  await storage.put(USER_PREFIX + name.toLowerCase(), utf8(JSON.stringify(user)))
}
