/**
 * The shapes of the audit system: what the pipeline hands the broker ({@link AuditInput}), what an
 * entry looks like once formatted ({@link AuditEntry}, Vault's JSON field for field), and the seam every
 * device type implements ({@link AuditDevice}, built by an {@link AuditDeviceFactory}).
 *
 * @module
 */
import type { TokenEntry } from '../core/token-store.js'

/**
 * The token a request carried, as the pipeline looked it up. A {@link TokenEntry} fits as is; only
 * these fields are read.
 */
export type AuditTokenInfo = Pick<
  TokenEntry,
  'policies' | 'meta' | 'display_name' | 'type' | 'ttl' | 'creation_time' | 'entity_id' | 'num_uses'
>

/** The ACL's verdict on the request (Vault's `policy_results`). */
export interface AuditPolicyResults {
  allowed: boolean
  /** Names of the ACL policies that granted the capability (`['root']` for root tokens). */
  grantingPolicies?: readonly string[]
}

/**
 * One request, as the pipeline knows it when it audits: everything Vault's `logical.LogInput` carries
 * that vaultlet has. Field names are camelCase; the entry written to devices uses Vault's snake_case.
 *
 * @example
 * ```ts
 * const input: AuditInput = {
 *   id: requestId, operation: 'read', path: 'secret/data/app',
 *   mountPoint: 'secret/', mountType: 'kv', mountAccessor: 'kv_1a2b3c4d', mountClass: 'secret',
 *   clientToken: token, clientTokenAccessor: entry.accessor, tokenEntry: entry,
 *   policyResults: { allowed: true, grantingPolicies: ['app'] },
 *   remoteAddress: '10.0.0.7', remotePort: 51234, headers: { 'user-agent': ['curl/8'] },
 * }
 * await vault.audit.logRequest(input)
 * ```
 */
export interface AuditInput {
  /** The request's UUID (`request_id` of the response). */
  id: string
  /** Vault's operation name: `read`, `create`, `update`, `delete`, `list`, `patch`, `help`, … */
  operation: string
  /** The full request path (`secret/data/app`, `auth/userpass/login/bob`, `sys/mounts`). */
  path: string
  /** The serving mount's path with trailing slash (`secret/`, `auth/userpass/`); empty when none. */
  mountPoint?: string
  /** The serving mount's type (`kv`, `userpass`, `system`). */
  mountType?: string
  mountAccessor?: string
  /** The mount's running plugin version (`running_plugin_version` of `sys/mounts`). */
  mountRunningVersion?: string
  /** `secret` for secrets mounts (including `sys/`), `auth` for auth methods. */
  mountClass?: 'secret' | 'auth' | string
  /** Request body / query, as the backend receives it. Every string in it is HMAC'd. */
  data?: Record<string, unknown> | null
  /** The token the caller presented (`''` when none), HMAC'd in the entry. */
  clientToken?: string
  /** The presented token's accessor, when it resolved to a token. */
  clientTokenAccessor?: string
  /** The presented token's entry, when it resolved to one (policies, metadata, display name, TTL…). */
  tokenEntry?: AuditTokenInfo | null
  /**
   * Uses the token had left when it was looked up (`remaining_uses`); default
   * `tokenEntry.num_uses` when positive.
   */
  remainingUses?: number
  /** The ACL's verdict. Unauthenticated paths (logins) pass `{ allowed: true }`, as Vault does. */
  policyResults?: AuditPolicyResults | null
  remoteAddress?: string
  remotePort?: number
  /** Response-wrapping TTL asked for, seconds. */
  wrapTtl?: number
  /**
   * Request headers, lower-cased names, token headers already removed. Only the headers configured
   * in `sys/config/auditing/request-headers` reach the entry (HMAC'd if so configured).
   */
  headers?: Readonly<Record<string, readonly string[]>>
  /** The mount's `audit_non_hmac_request_keys`: data keys whose string values stay in the clear. */
  nonHmacRequestKeys?: readonly string[]
  /** The mount's `audit_non_hmac_response_keys`. */
  nonHmacResponseKeys?: readonly string[]
  /**
   * The error the request ended with, as text (Vault's `OuterErr`, never HMAC'd): set on the request
   * entry of a denied request and on the response entry of any failed one. See `auditErrorOf`.
   */
  error?: string
}

/**
 * The answer as the client gets it: Vault's response envelope (`data`, `auth`, `lease_id`,
 * `warnings`, `wrap_info`), or a bare JSON object (operator endpoints), or `null` (204).
 */
export type AuditResponseBody = Readonly<Record<string, unknown>> | null

/** What {@link AuditBroker.logResponse} takes: the request's input plus its answer. */
export interface AuditResponseInput extends AuditInput {
  /**
   * The envelope the client receives (an object with `request_id` is read as an envelope; any other
   * object is logged as `response.data`, as Vault logs non-logical endpoints). `null`/absent = no body.
   */
  response?: AuditResponseBody
}

/** Vault's `policy_results` block. */
export interface AuditEntryPolicyResults {
  allowed: boolean
  granting_policies?: { name: string; namespace_id: string; type: string }[]
}

/** The `auth` block of an entry (request side: the caller; response side: a login's new token). */
export interface AuditEntryAuth {
  accessor?: string
  client_token?: string
  display_name?: string
  entity_id?: string
  identity_policies?: string[]
  metadata?: Record<string, unknown>
  num_uses?: number
  policies?: string[]
  policy_results?: AuditEntryPolicyResults
  remaining_uses?: number
  token_issue_time?: string
  token_policies?: string[]
  token_ttl?: number
  token_type?: string
}

/** The `request` block of an entry. */
export interface AuditEntryRequest {
  client_id?: string
  client_token?: string
  client_token_accessor?: string
  data?: Record<string, unknown>
  headers?: Record<string, string[]>
  id?: string
  mount_accessor?: string
  mount_class?: string
  mount_point?: string
  mount_running_version?: string
  mount_type?: string
  namespace?: { id: string; path?: string }
  operation?: string
  path?: string
  remote_address?: string
  remote_port?: number
  wrap_ttl?: number
}

/** The `response` block of a response entry. */
export interface AuditEntryResponse {
  auth?: AuditEntryAuth
  data?: Record<string, unknown>
  mount_accessor?: string
  mount_class?: string
  mount_point?: string
  mount_running_plugin_version?: string
  mount_type?: string
  redirect?: string
  secret?: { lease_id?: string }
  warnings?: string[]
  wrap_info?: {
    accessor?: string
    creation_path?: string
    creation_time?: string
    token?: string
    ttl?: number
    wrapped_accessor?: string
  }
}

/**
 * One audit entry, as written: Vault's JSON shape with empty fields omitted (`omitempty`), `time`
 * first and every other key in sorted order (as current Vault writes them).
 */
export interface AuditEntry {
  time?: string
  auth?: AuditEntryAuth
  error?: string
  request?: AuditEntryRequest
  response?: AuditEntryResponse
  type: 'request' | 'response'
}

/** A formatted entry handed to a device: the entry object and its serialized line. */
export interface AuditRecord {
  readonly type: 'request' | 'response'
  /** The entry after HMAC (a fresh object per device; the device may keep it). */
  readonly entry: AuditEntry
  /** `prefix` + the JSON (or JSONx) text + `\n`: exactly the bytes a file device appends. */
  readonly line: string
}

/** Output format of a device (`format` option). */
export type AuditFormat = 'json' | 'jsonx'

/**
 * One audit device instance: a sink for formatted records. The broker calls `write` one batch at a
 * time per device (never concurrently), in the order the hooks were called; the promise resolves once
 * the records are as durable as the device makes them, and rejects if any was not written.
 *
 * @example
 * ```ts
 * const memory: AuditDevice = {
 *   lines: [] as string[],
 *   async write(records) { for (const r of records) this.lines.push(r.line) },
 * } as AuditDevice & { lines: string[] }
 * ```
 */
export interface AuditDevice {
  write(records: readonly AuditRecord[]): Promise<void>
  /** Closes and reopens the underlying sink (log rotation, `SIGHUP`). */
  reopen?(): Promise<void>
  /** Releases the sink (disable, seal). */
  close?(): Promise<void>
}

/** What a device factory receives at enable (and at every unseal). */
export interface AuditDeviceConfig {
  /** The device's path with trailing slash (`file/`). */
  readonly path: string
  readonly type: string
  /** The device's options as enabled (strings, Vault's `options` map). */
  readonly options: Readonly<Record<string, string>>
  readonly format: AuditFormat
}

/**
 * Builds a device of one type from its options. Throw (an `InvalidRequestError` or any `Error`) for
 * bad options or a sink that cannot be opened: `sys/audit/:path` answers 400 with the message.
 *
 * @example
 * ```ts
 * vault.audit.registerDeviceType('memory', () => ({ async write(records) { store.push(...records) } }))
 * ```
 */
export type AuditDeviceFactory = (config: AuditDeviceConfig) => AuditDevice | Promise<AuditDevice>

/** An enabled device as persisted in the audit table (`core/audit`). */
export interface AuditTableEntry {
  table: 'audit'
  /** With trailing slash. */
  path: string
  type: string
  description: string
  uuid: string
  /** `audit_<type>_<8 hex>`. */
  accessor: string
  options: Record<string, string>
  local: boolean
}

/** What `enable` takes (the body of `PUT sys/audit/:path`). */
export interface AuditEnableInput {
  type: string
  description?: string
  options?: Record<string, string> | null
  local?: boolean
}

/** An enabled device as `GET sys/audit` shows it (keys sorted as Go writes them). */
export interface AuditDeviceInfo {
  description: string
  local: boolean
  options: Record<string, string>
  path: string
  type: string
}
