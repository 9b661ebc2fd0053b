/**
 * A lease as stored behind the barrier (Vault's `leaseEntry`), and the pure rules over it: can it be
 * renewed, what `sys/leases/lookup` shows, which revocation errors are worth retrying, and how a
 * revocation error is worded so that it never carries a secret.
 *
 * @module
 */

import { VaultError } from '../../errors.js'
import { rfc3339 } from '../../util/encoding.js'
import type { AuthInfo, SecretInfo } from '../logical.js'
import type { TokenType } from '../token-store.js'

/** Lease entries, keyed by lease ID, below the barrier (Vault's `sys/expire/id/`). */
export const LEASE_ENTRY_PREFIX = 'sys/expire/id/'
/**
 * Secondary index, so revoking a token finds the leases it created (Vault's `sys/expire/token/`):
 * `<salted token ID>/<salted lease ID>` → the lease ID.
 */
export const LEASE_TOKEN_INDEX_PREFIX = 'sys/expire/token/'

/** Vault's `maxIrrevocableErrorLength`: a stored revocation error is cut to this many characters. */
export const MAX_REVOKE_ERROR_LENGTH = 240

/** What a secret's lease remembers of the backend's `secret` block. */
export interface StoredSecret {
  /** TTL granted at the last issue or renewal, seconds. */
  ttl: number
  /** The backend's max TTL, seconds (0 = the mount's). */
  max_ttl: number
  renewable: boolean
  /** Backend-private data (`secret_type` among it); handed back on renew and revoke only. */
  internal_data: Record<string, unknown> | null
}

/** What a token's lease remembers of the token. */
export interface StoredAuth {
  /** TTL granted at the last issue or renewal, seconds. */
  ttl: number
  renewable: boolean
  /** For tokens made by a login: the auth method's answer, handed back to it on renewal. */
  login?: StoredLoginAuth
}

/**
 * What a login token's lease keeps of the auth method's `auth` (Vault keeps the whole `Auth` in the lease
 * entry): the method's renew handler gets it back, e.g. AppRole's `role_name` in the internal data and
 * userpass's `username` in the metadata. Durations in seconds. Behind the barrier, like every lease.
 */
export interface StoredLoginAuth {
  policies: string[]
  token_policies: string[]
  metadata: Record<string, string> | null
  internal_data: Record<string, unknown> | null
  display_name: string
  max_ttl: number
  explicit_max_ttl: number
  period: number
  num_uses: number
  no_default_policy: boolean
  bound_cidrs: string[]
}

/**
 * The stored form of a login's `auth`.
 *
 * @example
 * ```ts
 * storedLoginAuth({ policies: ['default', 'web'], metadata: { username: 'bob' } }).metadata // { username: 'bob' }
 * ```
 */
export function storedLoginAuth(auth: AuthInfo): StoredLoginAuth {
  return {
    policies: [...(auth.policies ?? [])],
    token_policies: [...(auth.tokenPolicies ?? auth.policies ?? [])],
    metadata: auth.metadata ? { ...auth.metadata } : null,
    internal_data: auth.internalData ? structuredClone(auth.internalData) : null,
    display_name: auth.displayName ?? '',
    max_ttl: auth.maxTtl ?? 0,
    explicit_max_ttl: auth.explicitMaxTtl ?? 0,
    period: auth.period ?? 0,
    num_uses: auth.numUses ?? 0,
    no_default_policy: auth.noDefaultPolicy ?? false,
    bound_cidrs: [...(auth.boundCidrs ?? [])],
  }
}

/**
 * The `auth` a renewal hands back to the auth method that made a login token (`req.auth`): what the
 * method returned at login, with the TTL granted at the last issue or renewal. The client token is not
 * included (Vault passes it only to the token store).
 *
 * @example
 * ```ts
 * loginAuthOf(entry)?.internalData // { role_name: 'myapp' }
 * ```
 */
export function loginAuthOf(le: Pick<LeaseEntry, 'auth'>): AuthInfo | null {
  const stored = le.auth
  if (!stored?.login) return null
  const l = stored.login
  return {
    policies: [...l.policies],
    tokenPolicies: [...l.token_policies],
    ...(l.metadata ? { metadata: { ...l.metadata } } : {}),
    ...(l.internal_data ? { internalData: structuredClone(l.internal_data) } : {}),
    displayName: l.display_name,
    ttl: stored.ttl,
    maxTtl: l.max_ttl,
    explicitMaxTtl: l.explicit_max_ttl,
    period: l.period,
    numUses: l.num_uses,
    noDefaultPolicy: l.no_default_policy,
    boundCidrs: [...l.bound_cidrs],
    renewable: stored.renewable,
  }
}

/**
 * A lease entry, as stored at `sys/expire/id/<lease id>`. Times are ms since the epoch (0 = none).
 *
 * Unlike Vault, which keeps the creating token in clear, the entry keeps only its salted ID (HMAC under
 * the token store's salt): enough to index, to check ownership and to look the token up, and nothing a
 * reader of the entry could use as a credential.
 */
export interface LeaseEntry {
  lease_id: string
  /** Salted ID of the token that created the lease; for a token's own lease, of that token. */
  client_token_salted: string
  /** Type of that token (`''` when unknown). */
  token_type: TokenType | ''
  /** Salted ID of the token whose index lists this lease (`''`: token leases, orphan batch tokens). */
  index_token: string
  /** Full request path that created the lease (mount prefix included). */
  path: string
  /** The response data the secret was issued with; handed back to the backend on renew and revoke. */
  data: Record<string, unknown> | null
  secret: StoredSecret | null
  auth: StoredAuth | null
  issue_time: number
  expire_time: number
  last_renewal_time: number
  /** For leases created with a batch token: that token's expiry (leases never outlive it). */
  token_expire_time: number
  /** Set once revocation has failed for good: the lease is irrevocable. Never holds a secret. */
  revoke_err: string
  version: 1
}

/**
 * Why a lease cannot be renewed, in Vault's words and order (`leaseEntry.renewable`), or `null` when it
 * can. `now` is ms.
 *
 * @example
 * ```ts
 * renewRefusal(entry, clock.now()) // 'lease expired'
 * ```
 */
export function renewRefusal(le: LeaseEntry | null, now: number): string | null {
  if (!le) return 'lease not found'
  if (le.revoke_err !== '') return 'lease is expired and has failed previous revocation attempts'
  if (le.expire_time === 0) return 'lease is not renewable'
  // Leases of batch tokens renew up to the token's expiry (Vault skips the remaining checks).
  if (le.token_type === 'batch') return null
  if (le.expire_time <= now) return 'lease expired'
  if (le.secret && !le.secret.renewable) return 'lease is not renewable'
  if (le.auth && !le.auth.renewable) return 'lease is not renewable'
  return null
}

/**
 * Seconds left as Vault's `leaseEntry.ttl` counts them: against the current time rounded to the second.
 *
 * @example
 * ```ts
 * ttlLeft(entry, clock.now()) // 3599
 * ```
 */
export function ttlLeft(le: LeaseEntry, now: number): number {
  return Math.trunc((le.expire_time - Math.round(now / 1000) * 1000) / 1000)
}

/**
 * The data of `sys/leases/lookup` (keys in the order Go writes the map: sorted). `revoke_error` is
 * present on irrevocable leases only.
 *
 * @example
 * ```ts
 * lookupData(entry, clock.now())
 * // { expire_time: '2024-01-01T01:00:00Z', id: 'db/creds/ro/…', issue_time: '2024-01-01T00:00:00Z',
 * //   last_renewal: null, renewable: true, ttl: 3600 }
 * ```
 */
export function lookupData(le: LeaseEntry, now: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    expire_time: le.expire_time ? rfc3339(le.expire_time) : null,
    id: le.lease_id,
    issue_time: rfc3339(le.issue_time),
    last_renewal: le.last_renewal_time ? rfc3339(le.last_renewal_time) : null,
    renewable: renewRefusal(le, now) === null,
  }
  if (le.revoke_err !== '') data.revoke_error = le.revoke_err
  data.ttl = le.expire_time ? ttlLeft(le, now) : 0
  return data
}

/**
 * The secret a backend's renew or revoke handler receives for a lease (`req.secret`).
 *
 * @example
 * ```ts
 * secretOf(entry, 600) // { leaseId, ttl: 3600, maxTtl: 0, renewable: true, internalData: { secret_type: 'creds' }, issueTime, increment: 600 }
 * ```
 */
export function secretOf(le: LeaseEntry, increment = 0): SecretInfo {
  const secret = le.secret
  return {
    leaseId: le.lease_id,
    ttl: secret?.ttl ?? 0,
    maxTtl: secret?.max_ttl ?? 0,
    renewable: secret?.renewable ?? false,
    internalData: { ...(secret?.internal_data ?? {}) },
    issueTime: le.issue_time,
    increment,
  }
}

/**
 * Vault's `errIsUnrecoverable`: retrying cannot help when the backend says the request itself is wrong,
 * or there is no backend to ask. Such a failure makes the lease irrevocable at once.
 *
 * @example
 * ```ts
 * isUnrecoverable(new UnsupportedPathError()) // true
 * isUnrecoverable(new Error('timeout'))       // false: retried
 * ```
 */
export function isUnrecoverable(err: unknown): boolean {
  const cause = err instanceof VaultError && err.cause !== undefined ? err.cause : err
  return (
    cause instanceof VaultError &&
    (cause.code === 'ERR_INVALID_REQUEST' ||
      cause.code === 'ERR_UNSUPPORTED_OPERATION' ||
      cause.code === 'ERR_UNSUPPORTED_PATH')
  )
}

/**
 * A backend error as it may be shown and stored: a {@link VaultError}'s own `errors` (which are worded
 * for clients), anything else as `internal error` (a plain `Error` may carry anything, a password in a
 * connection string included) — and then every string value of the lease's data and internal data is
 * cut out, in case a backend put one in an error message anyway.
 *
 * @example
 * ```ts
 * safeErrorText(new Error('login failed for hunter2'), entry) // 'internal error'
 * ```
 */
export function safeErrorText(err: unknown, le: Pick<LeaseEntry, 'data' | 'secret'> | null): string {
  let text = 'internal error'
  if (err instanceof VaultError) {
    const parts = err.errors.filter((e) => e !== '')
    text = parts.length > 0 ? parts.join('; ') : err.message || text
  }
  const secrets: string[] = []
  collectStrings(le?.data, secrets, 0)
  collectStrings(le?.secret?.internal_data, secrets, 0)
  // Longest first, so a value containing a shorter one is cut whole.
  secrets.sort((a, b) => b.length - a.length)
  for (const s of secrets) text = text.split(s).join('[redacted]')
  return text
}

/** Collects string values (of at least 4 characters) below `value`, a few levels deep. */
function collectStrings(value: unknown, out: string[], depth: number): void {
  if (depth > 4 || value === null || value === undefined) return
  if (typeof value === 'string') {
    if (value.length >= 4) out.push(value)
    return
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const s = String(value)
    if (s.length >= 4) out.push(s)
    return
  }
  if (Array.isArray(value)) {
    for (const v of value) collectStrings(v, out, depth + 1)
    return
  }
  if (typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) collectStrings(v, out, depth + 1)
  }
}

/**
 * The revocation error recorded on an irrevocable lease: Vault's `out of retries: ` prefix when the
 * attempts ran out, cut to {@link MAX_REVOKE_ERROR_LENGTH} characters, `unknown` when empty.
 *
 * @example
 * ```ts
 * irrevocableError('failed to revoke entry: internal error', true) // 'out of retries: failed to revoke entry: internal error'
 * ```
 */
export function irrevocableError(message: string, outOfRetries: boolean): string {
  let text = outOfRetries ? `out of retries: ${message}` : message
  if (text === '') text = 'unknown'
  return text.length > MAX_REVOKE_ERROR_LENGTH ? text.slice(0, MAX_REVOKE_ERROR_LENGTH) : text
}

/**
 * `path.Join(a, b)` for a lease ID: one `/` between, none doubled.
 *
 * @example
 * ```ts
 * joinLeaseId('auth/token/create/', 'h12ab') // 'auth/token/create/h12ab'
 * ```
 */
export function joinLeaseId(path: string, suffix: string): string {
  return `${path.replace(/\/+$/, '')}/${suffix}`
}
