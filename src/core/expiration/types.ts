/**
 * The lease manager's public shapes: what it needs of the core, its options, and what its methods take
 * and return.
 *
 * @module
 */
import type { Clock } from '../../clock.js'
import type { TtlLimits } from '../../engines/token/ttl.js'
import type { VaultEvents } from '../../events.js'
import type { Storage } from '../../storage/view.js'
import type { AuthInfo, ConnectionInfo, LogicalResponse, SecretInfo } from '../logical.js'
import type { TokenEntry, TokenStore } from '../token-store.js'

/** The lease events the manager emits on the vault. */
export type LeaseEventName =
  | 'lease:created'
  | 'lease:renewed'
  | 'lease:revoked'
  | 'lease:expired'
  | 'lease:irrevocable'

/** A renew or revoke the manager sends to the mount that issued a secret (or a login token). */
export interface LeaseRouteRequest {
  operation: 'renew' | 'revoke'
  /** The lease's full request path (mount prefix included). */
  path: string
  /** A secret's lease: the secret. */
  secret?: SecretInfo
  /** A login token's renewal: the auth the method returned at login (`req.auth`). */
  auth?: AuthInfo
  /** The data the secret was issued with. */
  data: Record<string, unknown>
  /** The renewing caller's address (a method may check it against its CIDR bindings). */
  connection?: ConnectionInfo
}

/** A renewed login token (`ExpirationManager.renewToken`). */
export interface TokenRenewal {
  /** The token entry with its new expiry. */
  entry: TokenEntry
  /** The TTL granted, seconds. */
  ttl: number
  /** The auth the method answered with (its period and explicit max TTL apply). */
  auth: AuthInfo
  /** Vault's TTL-capping warnings, and the method's own. */
  warnings: string[]
}

/** What the manager needs of the core. */
export interface ExpirationDeps {
  /** The barrier: entries live below `sys/expire/`. */
  storage: Storage
  tokens: TokenStore
  clock: Clock
  /** Sends a renew/revoke to the backend mounted at the path; throws `unsupported path` when none is. */
  route(req: LeaseRouteRequest): Promise<LogicalResponse | null>
  /** The TTL limits of the mount serving `path` (its tuned default and max, else the system's). */
  limits(path: string): TtlLimits | undefined
  /** The accessor of the mount serving a lease ID (for the irrevocable counts). */
  mountAccessor(leaseId: string): string | undefined
  emit<K extends LeaseEventName>(event: K, ...args: VaultEvents[K]): void
  /** Something an operator should know (a lease that could not be restored). Never a secret. */
  warn?(message: string): void
}

/** Tuning of the lease manager; Vault's values by default. */
export interface ExpirationOptions {
  /** Base of the revocation retry backoff, seconds. Default 10 (Vault's `revokeRetryBase`). */
  revokeRetryBase?: number
  /** Failed revocations of an expired lease before it is irrevocable. Default 6 (`maxRevokeAttempts`). */
  maxRevokeAttempts?: number
  /** Random spread of each backoff, as a fraction of it. Default 0.5 (±50%, as Vault). */
  revokeRetryJitter?: number
  /** Leases expired, restored or revoked per batch before yielding to the event loop. Default 256. */
  batchSize?: number
  /** How to yield between batches. Default `setImmediate` (or a 0 ms timeout). */
  yieldFn?: () => Promise<void>
}

/** The token a secret was issued to, as `ExpirationManager.register` needs it. */
export type LeaseToken = Pick<TokenEntry, 'id' | 'type' | 'parent' | 'expire_time'>

/** What `ExpirationManager.register` takes: the request's full path, its token and the secret. */
export interface RegisterInput {
  /** Full request path, mount prefix included (`db/creds/readonly`). */
  path: string
  token: LeaseToken
  /** The backend's `secret`: TTL and max TTL in seconds (0 = mount default / max), internal data. */
  secret: SecretInfo
  /** The response data, kept with the lease and handed back on renew and revoke. */
  data?: Record<string, unknown> | null
}

/** A registered lease: what the response envelope shows. */
export interface RegisteredLease {
  leaseId: string
  /** Seconds. */
  ttl: number
  renewable: boolean
  /** Vault's TTL-capping warnings. */
  warnings: string[]
}

/** Whose a lease is, for an ownership check before renew or revoke. */
export interface LeaseOwner {
  leaseId: string
  /** Full path that created the lease. */
  path: string
  /** Salted ID of the token that created it (of the token itself, for a token's lease). */
  clientTokenSalted: string
  /** `true` for a token's own lease. */
  token: boolean
}

/** Throws (e.g. 403) when the caller may not touch the lease. */
export type LeaseAuthorizer = (owner: LeaseOwner) => Promise<void>

/** What `ExpirationManager.tidy` did. */
export interface TidyLeasesResult {
  scanned: number
  /** Leases revoked because their token was empty. */
  emptyToken: number
  /** Leases revoked because their token no longer exists. */
  invalidToken: number
  revoked: number
  /** Leases that could not be read or revoked (left for the next tidy). */
  errors: number
}
