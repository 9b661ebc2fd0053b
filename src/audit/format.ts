/**
 * Audit entries in Vault's shape (Vault's `audit/entry_formatter.go`, `audit/types.go`): what is
 * HMAC'd, what is omitted when empty, and how an entry becomes one line of JSON or JSONx.
 *
 * HMAC'd unless `log_raw`: the client token (`auth.client_token`, `request.client_token`), the
 * accessors when `hmac_accessor` (`auth.accessor`, `request.client_token_accessor`), every string value
 * (recursively; never keys) in `request.data` and `response.data` except under the mount's non-HMAC
 * keys, a response's `auth.client_token` (and `accessor`), `wrap_info.token` (and `accessor`,
 * `wrapped_accessor`), and audited headers configured with `hmac`. Never HMAC'd: numbers, booleans,
 * `null`, lease IDs, paths, policies, metadata, display names, addresses, the error string.
 *
 * @module
 */
import { InvalidRequestError } from '../errors.js'
import { goQuote } from '../framework/duration.js'
import { rfc3339 } from '../util/encoding.js'
import { byCodePoint, type Hasher, hashData } from './hash.js'
import { toJsonx } from './jsonx.js'
import type {
  AuditEntry,
  AuditEntryAuth,
  AuditEntryRequest,
  AuditEntryResponse,
  AuditFormat,
  AuditInput,
  AuditResponseInput,
} from './types.js'

/** How a device formats entries: the options every device type shares. */
export interface FormatterConfig {
  /** `log_raw`: nothing is HMAC'd. Default `false`. */
  raw: boolean
  /** `hmac_accessor`: accessors are HMAC'd. Default `true`. */
  hmacAccessor: boolean
  /** `elide_list_responses`: a list response's `keys` / `key_info` are replaced by their counts. */
  elideListResponses: boolean
  /** `format`: `json` (default) or `jsonx`. */
  format: AuditFormat
  /** `prefix`: written before each entry. */
  prefix: string
}

/**
 * Reads the options every device type shares (`format`, `prefix`, `log_raw`, `hmac_accessor`,
 * `elide_list_responses`), with Vault's defaults and error messages.
 *
 * @throws {InvalidRequestError} `unknown format type "xml"`, or Go's `strconv.ParseBool` message for
 *   a boolean that does not parse.
 * @example
 * ```ts
 * parseFormatterOptions({ file_path: '/var/log/vault.log', hmac_accessor: 'false' })
 * // { raw: false, hmacAccessor: false, elideListResponses: false, format: 'json', prefix: '' }
 * ```
 */
export function parseFormatterOptions(options: Readonly<Record<string, string>>): FormatterConfig {
  const format = options.format ?? 'json'
  if (format !== 'json' && format !== 'jsonx') {
    throw new InvalidRequestError(`unknown format type ${goQuote(format)}`)
  }
  return {
    raw: goBool(options.log_raw, false),
    hmacAccessor: goBool(options.hmac_accessor, true),
    elideListResponses: goBool(options.elide_list_responses, false),
    format,
    prefix: options.prefix ?? '',
  }
}

/** Go's `strconv.ParseBool`, with its error text. */
function goBool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false
  throw new InvalidRequestError(`strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`)
}

/** Per-call values shared by every device (computed once per hook call). */
export interface EntryContext {
  /** `time` of the entry, RFC 3339 with up to nanoseconds, UTC. */
  time: string
  /** `request.client_id`, `''` when the request carried no token. */
  clientId: string
  /** Audited headers after this device's formatting (`undefined`: none). */
  headers?: Record<string, string[]>
}

/**
 * Builds a request entry for one device.
 *
 * @example
 * ```ts
 * buildRequestEntry(input, config, salt.hash.bind(salt), { time: rfc3339(Date.now()), clientId: '' })
 * ```
 */
export function buildRequestEntry(
  input: AuditInput,
  config: FormatterConfig,
  hash: Hasher,
  ctx: EntryContext,
): AuditEntry {
  const h = config.raw ? null : hash
  const ordered: Record<string, unknown> = { time: ctx.time }
  ordered.auth = callerAuth(input, config, h)
  if (input.error) ordered.error = input.error
  ordered.request = requestBlock(input, config, h, ctx)
  ordered.type = 'request'
  return ordered as unknown as AuditEntry
}

/**
 * Builds a response entry for one device: the request block again, plus the answer.
 *
 * @example
 * ```ts
 * buildResponseEntry({ ...input, response: envelope }, config, hash, ctx)
 * ```
 */
export function buildResponseEntry(
  input: AuditResponseInput,
  config: FormatterConfig,
  hash: Hasher,
  ctx: EntryContext,
): AuditEntry {
  const h = config.raw ? null : hash
  const view = envelopeView(input.response)
  const ordered: Record<string, unknown> = { time: ctx.time }
  // A login (no caller token) is logged with the new token's auth, as Vault's handleLoginRequest
  // hands the login's auth back to the response audit.
  ordered.auth =
    !input.tokenEntry && !input.clientToken && isObject(view.auth)
      ? responseAuth(view.auth, config, h)
      : callerAuth(input, config, h)
  if (input.error) ordered.error = input.error
  ordered.request = requestBlock(input, config, h, ctx)
  ordered.response = responseBlock(input, view, config, h)
  ordered.type = 'response'
  return ordered as unknown as AuditEntry
}

/** The caller's `auth` block (Vault's `logical.Auth` built from the token entry). */
function callerAuth(input: AuditInput, config: FormatterConfig, h: Hasher | null): AuditEntryAuth {
  const te = input.tokenEntry ?? null
  const auth: Record<string, unknown> = {}
  const accessor = input.clientTokenAccessor ?? ''
  if (accessor) auth.accessor = h && config.hmacAccessor ? h(accessor) : accessor
  const token = input.clientToken ?? ''
  if (token) auth.client_token = h ? h(token) : token
  if (te?.display_name) auth.display_name = te.display_name
  if (te?.entity_id) auth.entity_id = te.entity_id
  if (te?.meta && Object.keys(te.meta).length > 0) auth.metadata = sortedStrings(te.meta)
  if (te && te.policies.length > 0) auth.policies = [...te.policies]
  const pr = input.policyResults
  if (pr) auth.policy_results = policyResults(pr.allowed, pr.grantingPolicies ?? [])
  const remaining = input.remainingUses ?? (te && te.num_uses > 0 ? te.num_uses : 0)
  if (remaining > 0) auth.remaining_uses = remaining
  if (te && te.creation_time > 0) auth.token_issue_time = rfc3339(te.creation_time * 1000)
  if (te && te.policies.length > 0) auth.token_policies = [...te.policies]
  if (te && te.ttl > 0) auth.token_ttl = te.ttl
  auth.token_type = te ? te.type : 'default'
  return auth as AuditEntryAuth
}

function policyResults(allowed: boolean, granting: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { allowed }
  if (granting.length > 0) {
    out.granting_policies = granting.map((name) => ({ name, namespace_id: 'root', type: 'acl' }))
  }
  return out
}

function requestBlock(
  input: AuditInput,
  config: FormatterConfig,
  h: Hasher | null,
  ctx: EntryContext,
): AuditEntryRequest {
  const r: Record<string, unknown> = {}
  if (ctx.clientId) r.client_id = ctx.clientId
  const token = input.clientToken ?? ''
  if (token) r.client_token = h ? h(token) : token
  const accessor = input.clientTokenAccessor ?? ''
  if (accessor) r.client_token_accessor = h && config.hmacAccessor ? h(accessor) : accessor
  if (input.data && Object.keys(input.data).length > 0) {
    const data = hashData(input.data, h, input.nonHmacRequestKeys)
    if (Object.keys(data).length > 0) r.data = data
  }
  if (ctx.headers && Object.keys(ctx.headers).length > 0) r.headers = ctx.headers
  if (input.id) r.id = input.id
  if (input.mountAccessor) r.mount_accessor = input.mountAccessor
  if (input.mountClass) r.mount_class = input.mountClass
  if (input.mountPoint) r.mount_point = input.mountPoint
  if (input.mountRunningVersion) r.mount_running_version = input.mountRunningVersion
  if (input.mountType) r.mount_type = input.mountType
  r.namespace = { id: 'root' }
  if (input.operation) r.operation = input.operation
  if (input.path) r.path = input.path
  if (input.remoteAddress) r.remote_address = input.remoteAddress
  if (input.remotePort) r.remote_port = input.remotePort
  if (input.wrapTtl) r.wrap_ttl = Math.trunc(input.wrapTtl)
  return r as AuditEntryRequest
}

/** Fields of an envelope the response block reads. */
interface EnvelopeView {
  data: unknown
  auth: unknown
  leaseId: string
  warnings: unknown
  wrapInfo: unknown
}

/** Reads an envelope (`request_id` present) or a bare object (logged as data). */
function envelopeView(body: Readonly<Record<string, unknown>> | null | undefined): EnvelopeView {
  if (!body) return { data: null, auth: null, leaseId: '', warnings: null, wrapInfo: null }
  if (!('request_id' in body)) return { data: body, auth: null, leaseId: '', warnings: null, wrapInfo: null }
  return {
    data: body.data,
    auth: body.auth,
    leaseId: typeof body.lease_id === 'string' ? body.lease_id : '',
    warnings: body.warnings,
    wrapInfo: body.wrap_info,
  }
}

function responseBlock(
  input: AuditResponseInput,
  view: EnvelopeView,
  config: FormatterConfig,
  h: Hasher | null,
): AuditEntryResponse {
  const r: Record<string, unknown> = {}
  const auth = isObject(view.auth) ? responseAuth(view.auth, config, h) : null
  if (auth) r.auth = auth
  if (isObject(view.data)) {
    let source: Readonly<Record<string, unknown>> = view.data
    if (config.elideListResponses && input.operation === 'list') source = elideList(source)
    const data = hashData(source, h, input.nonHmacResponseKeys)
    if (Object.keys(data).length > 0) r.data = data
  }
  if (input.mountAccessor) r.mount_accessor = input.mountAccessor
  if (input.mountClass) r.mount_class = input.mountClass
  if (input.mountPoint) r.mount_point = input.mountPoint
  if (input.mountRunningVersion) r.mount_running_plugin_version = input.mountRunningVersion
  if (input.mountType) r.mount_type = input.mountType
  if (view.leaseId) r.secret = { lease_id: view.leaseId }
  if (Array.isArray(view.warnings) && view.warnings.length > 0) r.warnings = view.warnings.map(String)
  if (isObject(view.wrapInfo)) r.wrap_info = wrapInfo(view.wrapInfo, config, h)
  return r as AuditEntryResponse
}

/** A login's or token creation's `auth` block (Vault's `AuthBlock`), with the token HMAC'd. */
function responseAuth(
  a: Readonly<Record<string, unknown>>,
  config: FormatterConfig,
  h: Hasher | null,
): AuditEntryAuth {
  const out: Record<string, unknown> = {}
  const accessor = str(a.accessor)
  if (accessor) out.accessor = h && config.hmacAccessor ? h(accessor) : accessor
  const token = str(a.client_token)
  if (token) out.client_token = h ? h(token) : token
  if (str(a.display_name)) out.display_name = a.display_name
  if (str(a.entity_id)) out.entity_id = a.entity_id
  if (Array.isArray(a.identity_policies) && a.identity_policies.length > 0) {
    out.identity_policies = a.identity_policies.map(String)
  }
  if (isObject(a.metadata) && Object.keys(a.metadata).length > 0) out.metadata = sortedStrings(a.metadata)
  if (typeof a.num_uses === 'number' && a.num_uses !== 0) out.num_uses = a.num_uses
  if (Array.isArray(a.policies) && a.policies.length > 0) out.policies = a.policies.map(String)
  if (str(a.token_issue_time)) out.token_issue_time = a.token_issue_time
  if (Array.isArray(a.token_policies) && a.token_policies.length > 0) {
    out.token_policies = a.token_policies.map(String)
  }
  const ttl = typeof a.token_ttl === 'number' ? a.token_ttl : a.lease_duration
  if (typeof ttl === 'number' && ttl !== 0) out.token_ttl = Math.trunc(ttl)
  out.token_type = str(a.token_type) || 'default'
  return out as AuditEntryAuth
}

/** Vault's `HashWrapInfo`: the token is always HMAC'd, the accessors when `hmac_accessor`. */
function wrapInfo(
  w: Readonly<Record<string, unknown>>,
  config: FormatterConfig,
  h: Hasher | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const accessor = str(w.accessor)
  const hashAccessor = h !== null && config.hmacAccessor
  const loggedAccessor = hashAccessor ? h(accessor) : accessor
  if (loggedAccessor) out.accessor = loggedAccessor
  if (str(w.creation_path)) out.creation_path = w.creation_path
  if (str(w.creation_time)) out.creation_time = w.creation_time
  const token = str(w.token)
  const loggedToken = h ? h(token) : token
  if (loggedToken) out.token = loggedToken
  if (typeof w.ttl === 'number' && w.ttl !== 0) out.ttl = Math.trunc(w.ttl)
  const wrapped = str(w.wrapped_accessor)
  if (wrapped) out.wrapped_accessor = hashAccessor ? h(wrapped) : wrapped
  return out
}

/** `elide_list_responses`: `keys` (a list) and `key_info` (an object) become their sizes. */
function elideList(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data }
  if (Array.isArray(out.keys)) out.keys = out.keys.length
  if (isObject(out.key_info)) out.key_info = Object.keys(out.key_info).length
  return out
}

function sortedStrings(m: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(m).sort(byCodePoint)) out[k] = m[k]
  return out
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/** Characters Go's JSON encoder escapes that `JSON.stringify` does not. */
const GO_HTML_ESCAPE = /[<>&\u2028\u2029]/g

/**
 * One entry as a device writes it: `prefix`, then the JSON (Go's encoding: `<`, `>`, `&`, U+2028 and
 * U+2029 escaped as `\u003c` …) or the JSONx, then a newline.
 *
 * @example
 * ```ts
 * serializeEntry({ type: 'request', error: 'a<b' }, { ...config, prefix: 'AUDIT: ' })
 * // 'AUDIT: {"type":"request","error":"a\\u003cb"}\n'
 * ```
 */
export function serializeEntry(
  entry: AuditEntry,
  config: Pick<FormatterConfig, 'format' | 'prefix'>,
): string {
  const body =
    config.format === 'jsonx'
      ? toJsonx(entry as unknown as Record<string, unknown>)
      : JSON.stringify(entry).replace(
          GO_HTML_ESCAPE,
          (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
        )
  return `${config.prefix}${body}\n`
}
