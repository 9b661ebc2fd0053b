/**
 * The contract between the core and backends (secrets engines and auth methods): the request a backend
 * receives, the response it returns, and the backend interface itself. Names follow Vault's
 * `sdk/logical` package.
 *
 * @module
 */
import type { Clock } from '../clock.js'
import type { CryptoProvider } from '../crypto/provider.js'
import type { StorageView } from '../storage/view.js'

/** A logical operation, as Vault names them. */
export type Operation =
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'list'
  | 'patch'
  | 'help'
  | 'renew'
  | 'revoke'
  | 'rollback'

/** Where a request came from; the HTTP server fills it in, in-process callers may. */
export interface ConnectionInfo {
  remoteAddress?: string
  remotePort?: number
}

/** A lease's secret as handed back to a backend on renew/revoke. */
export interface SecretInfo {
  /** Lease ID, when the secret has a lease. */
  leaseId?: string
  /** Requested TTL in seconds (0 = mount default). */
  ttl?: number
  /** Maximum TTL in seconds (0 = mount max). */
  maxTtl?: number
  renewable?: boolean
  /** Backend-private data kept with the lease (never returned to clients); `secret_type` selects the type. */
  internalData?: Record<string, unknown>
  /** Issue time, ms since epoch (set by the lease manager). */
  issueTime?: number
  /** On renew: the increment the caller asked for, seconds (0 = none). */
  increment?: number
}

/** A login's or token's auth block, as a backend returns it. */
export interface AuthInfo {
  policies?: string[]
  tokenPolicies?: string[]
  metadata?: Record<string, string>
  displayName?: string
  ttl?: number
  maxTtl?: number
  explicitMaxTtl?: number
  period?: number
  numUses?: number
  renewable?: boolean
  tokenType?: 'service' | 'batch' | 'default'
  boundCidrs?: string[]
  noDefaultPolicy?: boolean
  internalData?: Record<string, unknown>
  clientToken?: string
  accessor?: string
}

/**
 * A request as a backend sees it: the path is relative to the mount, the storage is the mount's own
 * view, and fields arrive raw in `data` (the framework parses them).
 */
export interface LogicalRequest {
  /** The request's UUID (`request_id` in the response). */
  id: string
  operation: Operation
  /** Path below the mount point, e.g. `data/myapp` for `secret/data/myapp`. */
  path: string
  /** The mount point with its trailing slash, e.g. `secret/`. */
  mountPoint: string
  mountType: string
  mountAccessor: string
  /** Request body / query, unparsed. */
  data: Record<string, unknown>
  /** The mount's own storage, behind the barrier. */
  storage: StorageView
  /** The caller's token (`''` when unauthenticated). */
  clientToken: string
  /** The caller token's accessor (`''` when none). */
  clientTokenAccessor: string
  /** The caller token's display name (`''` when none). */
  displayName: string
  /** Policies of the caller's token. */
  policies: string[]
  /**
   * The caller's token entry (`undefined` when unauthenticated). Backends read it; only the token store
   * changes tokens.
   */
  tokenEntry?: import('./token-store.js').TokenEntry
  /** `true` when the caller has root privileges (`sudo` or the root policy) on this request's path. */
  sudo?: boolean
  /** Request headers (lower-cased names), token headers removed. */
  headers: Record<string, string[]>
  connection?: ConnectionInfo
  /** Response-wrapping TTL asked for, seconds (0 = none). */
  wrapTtl?: number
  /** On renew/revoke of a secret lease: the secret. */
  secret?: SecretInfo
  /** On renew of a login token: its auth. */
  auth?: AuthInfo
}

/** A backend's answer. `null` from a handler means "nothing": 404 on read, 204 otherwise. */
export interface LogicalResponse {
  data?: Record<string, unknown> | null
  /** A secret that gets a lease (dynamic credentials). */
  secret?: SecretInfo
  /** A login's auth block: the core creates the token. */
  auth?: AuthInfo
  warnings?: string[]
  /**
   * Advisory `lease_duration` without a lease, as KV v1: seconds shown in the envelope's
   * `lease_duration`, with `lease_id: ""` and `renewable: false`; nothing is registered with the lease
   * manager and no TTL clamp applies.
   */
  leaseDuration?: number
  redirect?: string
  /** Overrides the HTTP status (202, 204, 404-with-body as KV v2 does, health codes…). */
  httpStatus?: number
  /** `true` for sys endpoints that answer a bare JSON object rather than Vault's envelope. */
  bare?: boolean
}

/** Paths of a backend that need special handling, as globs relative to the mount (`*` suffix = prefix). */
export interface SpecialPaths {
  /** Need `sudo` (root-protected). */
  root?: string[]
  /** Reachable without a token (login paths). */
  unauthenticated?: string[]
}

/** What the core lends a backend: time, crypto and the mount's effective TTLs. */
export interface SystemView {
  readonly clock: Clock
  readonly crypto: CryptoProvider
  /** Effective default lease TTL of the mount, seconds. */
  defaultLeaseTtl(): number
  /** Effective max lease TTL of the mount, seconds. */
  maxLeaseTtl(): number
  /**
   * A password generated from the named `sys/policies/password` policy (Vault's
   * `GeneratePasswordFromPolicy`). Throws when the policy does not exist.
   */
  generatePasswordFromPolicy?(name: string): Promise<string>
}

/** Everything a backend factory receives at mount time. */
export interface BackendConfig {
  /** The mount's storage view (`logical/<uuid>/` or `auth/<uuid>/`). */
  storage: StorageView
  system: SystemView
  /** Mount point with trailing slash. */
  mountPath: string
  type: string
  uuid: string
  accessor: string
  /** Mount options (`options` of `sys/mounts`), e.g. `{ version: '2' }` for KV. */
  options: Record<string, string>
}

/** Result of an existence check: did the path define one, and does the resource exist. */
export interface ExistenceResult {
  checkFound: boolean
  exists: boolean
}

/**
 * A secrets engine or auth method instance, mounted at one path. Usually built with the framework
 * (`FrameworkBackend`), but any object of this shape can be registered.
 */
export interface Backend {
  readonly type: string
  /** Handles a request routed to this mount. Throws `VaultError`s for Vault's error statuses. */
  handleRequest(req: LogicalRequest): Promise<LogicalResponse | null>
  /**
   * For `update` requests: tells the core whether the target exists, so the ACL checks `create` or
   * `update` as Vault does.
   */
  existenceCheck?(req: LogicalRequest): Promise<ExistenceResult>
  readonly specialPaths?: SpecialPaths
  /** Called after mount/unseal, before the first request. */
  initialize?(): Promise<void>
  /** Called on unmount and seal: close connections, stop timers. */
  cleanup?(): Promise<void>
}

/** Builds a backend for one mount. Registered in the engine registry under a type name. */
export type BackendFactory = (config: BackendConfig) => Backend | Promise<Backend>
