/**
 * The request and response shapes of the one pipeline: Vault's HTTP API as data.
 *
 * @module
 */
import type { ConnectionInfo } from './logical.js'

/** HTTP-style method; `LIST` is Vault's list verb. */
/** `HELP` is what the HTTP door sends for `?help=1` (Vault's help operation). */
export type RequestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'LIST' | 'HEAD' | 'HELP'

/**
 * A request to the vault: what an HTTP request to `/v1/<path>` carries.
 *
 * @example
 * ```ts
 * await vault.request({ method: 'GET', path: 'sys/mounts', token: vault.rootToken })
 * ```
 */
export interface VaultRequest {
  method: RequestMethod | Lowercase<RequestMethod>
  /** Path below `/v1/`, e.g. `sys/mounts` or `secret/data/app`. A leading `/` is ignored. */
  path: string
  /** JSON body (POST/PUT/PATCH) or query parameters (GET/LIST/DELETE). */
  data?: Record<string, unknown>
  /** The client token (`X-Vault-Token`). Without one, only unauthenticated paths answer. */
  token?: string
  /** Extra request headers (names are lower-cased). */
  headers?: Record<string, string | string[]>
  /** Response wrapping TTL (`X-Vault-Wrap-TTL`), seconds or a duration string. */
  wrapTtl?: string | number
  /** The caller's address, for CIDR-bound tokens and roles. */
  connection?: ConnectionInfo
}

/** `wrap_info` of a wrapped response. */
export interface WrapInfo {
  token: string
  accessor: string
  ttl: number
  creation_time: string
  creation_path: string
  wrapped_accessor?: string
}

/** The `auth` block of a login or token-creation response. */
export interface AuthBlock {
  client_token: string
  accessor: string
  policies: string[]
  token_policies: string[]
  identity_policies?: string[]
  metadata: Record<string, string> | null
  lease_duration: number
  renewable: boolean
  entity_id: string
  token_type: string
  orphan: boolean
  mfa_requirement: null
  num_uses: number
}

/**
 * Vault's response envelope, field for field. `sys/` endpoints that Vault answers with a bare object
 * (`sys/init`, `sys/seal-status`, `sys/health` …) put that object in `data`.
 */
export interface VaultResponse<T = Record<string, unknown>> {
  request_id: string
  lease_id: string
  renewable: boolean
  lease_duration: number
  data: T | null
  wrap_info: WrapInfo | null
  warnings: string[] | null
  auth: AuthBlock | null
  mount_type: string
  /** Some legacy `sys/` answers repeat `data`'s keys at the top level, as Vault's do. */
  [topLevel: string]: unknown
}

/** What the HTTP door writes: a status and a JSON body (`null` for 204). */
export interface RawResponse {
  status: number
  body: Record<string, unknown> | null
}
