/**
 * The request pipeline every door (in-process, typed helpers, HTTP) goes through: method and path
 * normalization, operator endpoints, audit, token lookup and use, the ACL, routing to the mounted
 * backend, logins, leases, response wrapping and Vault's response envelope.
 *
 * @module
 */

import type { AuditBroker } from '../audit/broker.js'
import { isAuditedPath } from '../audit/pipeline.js'
import { AuditTrail } from '../audit/trail.js'
import type { Barrier } from '../barrier/barrier.js'
import type { Clock } from '../clock.js'
import { OPERATOR_PATHS } from '../engines/sys/operator.js'
import { wrappedEnvelope } from '../engines/sys/wrapping.js'
import { formatAuth, tokenAddressAllowed } from '../engines/token/index.js'
import {
  errorToHttp,
  InternalError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  SealedError,
  UnsupportedOperationError,
  UnsupportedPathError,
  VaultError,
} from '../errors.js'
import { parseDuration } from '../framework/duration.js'
import { StorageView } from '../storage/view.js'
import { uuid } from '../util/encoding.js'
import type { ExpirationManager, LeaseRouteRequest } from './expiration/expiration-manager.js'
import type { Backend, ConnectionInfo, LogicalRequest, LogicalResponse, Operation } from './logical.js'
import { createLoginToken } from './login.js'
import type { MountService } from './mount-service.js'
import type { PolicyStore } from './policy-store.js'
import type { RawResponse, VaultRequest, VaultResponse } from './request.js'
import type { Route } from './router.js'
import type { TokenEntry, TokenStore } from './token-store.js'
import type { ResponseWrapper } from './wrapping.js'

/**
 * Sys paths whose answers Vault also copies to the top level of the JSON body (legacy compatibility).
 * Vault registers them on Go's ServeMux, where a pattern ending in `/` (`/v1/sys/mounts/`) covers its
 * whole subtree: `sys/mounts/secret` and `sys/mounts/secret/tune` are injected too.
 */
const TOP_LEVEL_DATA =
  /^sys\/((audit|auth|mounts|policy|config\/auditing\/request-headers)(\/.*)?|audit-hash\/.*|config\/cors|capabilities(-accessor|-self)?|ha-status|key-status|rekey\/backup|rekey\/recovery-key-backup|remount|rotate|wrapping\/wrap)$/

/** Paths that take a wrapping token, validated before token lookup (Vault's request handling). */
const WRAPPING_TOKEN_PATHS = new Set(['sys/wrapping/lookup', 'sys/wrapping/unwrap', 'sys/wrapping/rewrap'])

const METHOD_OPERATION: Record<string, Operation> = {
  GET: 'read',
  HEAD: 'read',
  POST: 'update',
  PUT: 'update',
  DELETE: 'delete',
  PATCH: 'patch',
  LIST: 'list',
  HELP: 'help',
}

/** The core services the {@link Pipeline} routes through, handed over by the `Vault` that owns them. */
export interface PipelineServices {
  /** The barrier: sealed state, and the `sys/` storage of requests without a mount. */
  barrier: Barrier
  /** The mount table and router. */
  mounts: MountService
  /** The token store: lookup, use, revocation, login tokens. */
  tokens: TokenStore
  /** ACL policies. */
  policies: PolicyStore
  /** The lease manager: registers the leases of secrets. */
  leases: ExpirationManager
  /** Response wrapping: wraps answers, validates wrapping tokens. */
  wrapper: ResponseWrapper
  /** The audit broker every audited request and response goes through. */
  audit: AuditBroker
  /** The operator endpoints (init, unseal, seal-status, health, rekey, generate-root). */
  operator: Backend
  /** Time source. */
  clock: Clock
}

/**
 * The one request pipeline of a `Vault`: turns a {@link VaultRequest} into Vault's response (envelope
 * or raw HTTP status and body). Internal: the `Vault` owns it and delegates `request()`/`handle()` to it.
 */
export class Pipeline {
  readonly #barrier: Barrier
  readonly #mounts: MountService
  readonly #tokens: TokenStore
  readonly #policies: PolicyStore
  readonly #leases: ExpirationManager
  readonly #wrapper: ResponseWrapper
  readonly #audit: AuditBroker
  readonly #operator: Backend
  readonly #clock: Clock

  constructor(services: PipelineServices) {
    this.#barrier = services.barrier
    this.#mounts = services.mounts
    this.#tokens = services.tokens
    this.#policies = services.policies
    this.#leases = services.leases
    this.#wrapper = services.wrapper
    this.#audit = services.audit
    this.#operator = services.operator
    this.#clock = services.clock
  }

  /**
   * Sends a request through the pipeline and returns Vault's response envelope (`Vault.request`).
   *
   * @throws {VaultError} for every status ≥ 400, with Vault's `statusCode` and `errors`.
   *
   * @example
   * ```ts
   * const res = await vault.request({ method: 'POST', path: 'sys/mounts/kv', data: { type: 'kv' }, token })
   * ```
   */
  async request<T = Record<string, unknown>>(req: VaultRequest): Promise<VaultResponse<T>> {
    const { status, body, error } = await this.#dispatch(req)
    if (error) throw error
    if (status === 204 || body === null) return envelope(uuid(), null, '') as VaultResponse<T>
    if ('request_id' in body) {
      // An envelope with an error status (KV v2's deleted version: 404 with its metadata) is thrown,
      // carrying the envelope, so that every status ≥ 400 reaches in-process callers as a VaultError.
      if (status >= 400) {
        const [code, message] =
          status === 404
            ? (['ERR_NOT_FOUND', 'not found'] as const)
            : (['ERR_INVALID_REQUEST', `request failed with status ${status}`] as const)
        throw new VaultError(code, status, message, { errors: [], response: body })
      }
      return body as VaultResponse<T>
    }
    // Operator endpoints answer a bare object over HTTP; in-process it arrives as `data`.
    return envelope(uuid(), body, 'system') as VaultResponse<T>
  }

  /**
   * Sends a request and returns the HTTP status and JSON body Vault would answer with. Never throws:
   * errors become `{errors: [...]}` bodies. This is what the HTTP server writes (`Vault.handle`).
   */
  async handle(req: VaultRequest): Promise<RawResponse> {
    const { status, body, error } = await this.#dispatch(req)
    if (error) {
      const mapped = errorToHttp(error)
      return { status: mapped.status, body: mapped.body }
    }
    return { status, body }
  }

  async #dispatch(req: VaultRequest): Promise<RawResponse & { error?: unknown }> {
    try {
      return await this.#pipeline(req)
    } catch (error) {
      return { status: 500, body: null, error: error instanceof VaultError ? error : wrapUnknown(error) }
    }
  }

  async #pipeline(req: VaultRequest): Promise<RawResponse> {
    const requestId = uuid()
    const method = String(req.method ?? '').toUpperCase()
    let operation = METHOD_OPERATION[method]
    // Vault's HTTP layer answers an unknown verb with a bare 405 `{"errors":[]}`.
    if (!operation) throw new UnsupportedOperationError({ errors: [] })
    const data: Record<string, unknown> = { ...(req.data ?? {}) }
    if (method === 'GET' && data.list !== undefined && data.list !== '') {
      // `?list=` is read with Go's strconv.ParseBool; an unparsable value is a 400 with no message.
      const list = parseGoBool(Array.isArray(data.list) ? data.list[0] : data.list)
      if (list === undefined) throw new InvalidRequestError('invalid list parameter', { errors: [] })
      if (list) {
        operation = 'list'
        delete data.list
      }
    }
    let path = normalizePath(req.path)
    // HEAD means something only on sys/health (api-docs/index: other verbs → 405).
    if (method === 'HEAD' && path !== 'sys/health') throw new UnsupportedOperationError({ errors: [] })
    if (operation === 'list' && !path.endsWith('/')) path += '/'
    const headers = normalizeHeaders(req.headers)
    const wrapTtl = req.wrapTtl === undefined || req.wrapTtl === '' ? 0 : parseDuration(req.wrapTtl)

    // Operator endpoints (init, unseal, seal-status, health, rekey, generate-root) answer while sealed
    // and authenticate by key shares, not tokens.
    if (OPERATOR_PATHS.test(path)) {
      // Vault audits generate-root (handleAuditNonLogical), not init/unseal/health/rekey; only unsealed.
      const trail = new AuditTrail(!this.#barrier.sealed && isAuditedPath(path) ? this.#audit : null, {
        id: requestId,
        operation,
        path,
        data,
        headers,
        remoteAddress: req.connection?.remoteAddress ?? '',
        remotePort: req.connection?.remotePort ?? 0,
      })
      try {
        await trail.request()
        const raw = await this.#operatorRequest(
          requestId,
          operation,
          path,
          data,
          headers,
          req,
          wrapTtl,
          method,
        )
        return await trail.response(raw)
      } catch (err) {
        throw await trail.failed(err)
      }
    }
    if (this.#barrier.sealed) throw new SealedError()
    const trail = new AuditTrail(isAuditedPath(path) ? this.#audit : null, {
      id: requestId,
      operation,
      path,
      data,
      clientToken: typeof req.token === 'string' ? req.token : '',
      headers,
      remoteAddress: req.connection?.remoteAddress ?? '',
      remotePort: req.connection?.remotePort ?? 0,
      wrapTtl,
    })
    try {
      return await trail.response(
        await this.#serve(requestId, operation, path, data, headers, req, wrapTtl, trail),
      )
    } catch (err) {
      throw await trail.failed(err)
    }
  }

  async #operatorRequest(
    requestId: string,
    operation: Operation,
    path: string,
    data: Record<string, unknown>,
    headers: Record<string, string[]>,
    req: VaultRequest,
    wrapTtl: number,
    method: string,
  ): Promise<RawResponse> {
    {
      const resp = await this.#operator.handleRequest(
        this.logical(
          requestId,
          operation,
          path,
          'sys/',
          data,
          headers,
          null,
          'system',
          '',
          req.connection,
          wrapTtl,
        ),
      )
      const status = resp?.httpStatus ?? (resp?.data ? 200 : 204)
      // HEAD (sys/health) answers with the status only, as Vault's handleSysHealthHead.
      return { status, body: method === 'HEAD' ? null : (resp?.data ?? null) }
    }
  }

  /** The authenticated part of the pipeline: fills `trail.input`, logs the request before the handler. */
  async #serve(
    requestId: string,
    operation: Operation,
    path: string,
    data: Record<string, unknown>,
    headers: Record<string, string[]>,
    req: VaultRequest,
    wrapTtl: number,
    trail: AuditTrail,
  ): Promise<RawResponse> {
    const token = typeof req.token === 'string' ? req.token : ''
    if (WRAPPING_TOKEN_PATHS.has(path)) {
      // Vault checks the wrapping token before anything else on these paths.
      await this.#wrapper.validate(typeof data.token === 'string' && data.token !== '' ? data.token : token)
    }
    const route = this.#mounts.match(path)
    const relative = route ? path.slice(route.prefix.length) : path
    const special = route?.backend.specialPaths
    const unauthenticated = route !== undefined && matchesAny(special?.unauthenticated, relative)
    const rootPath = route !== undefined && matchesAny(special?.root, relative)
    // Unauthenticated paths (logins) do not look at the token at all, as in Vault.
    let entry = token && !unauthenticated ? await this.#tokens.lookup(token) : null
    if (route) {
      Object.assign(trail.input, {
        mountPoint: route.prefix,
        mountType: route.entry.type,
        mountAccessor: route.entry.accessor,
        mountRunningVersion: route.entry.running_plugin_version,
        mountClass: route.entry.table === 'auth' ? 'auth' : 'secret',
        nonHmacRequestKeys: route.entry.config.audit_non_hmac_request_keys ?? [],
        nonHmacResponseKeys: route.entry.config.audit_non_hmac_response_keys ?? [],
      })
    }
    if (unauthenticated) trail.input.clientToken = ''
    if (entry) {
      // As looked up, before this request uses it (Vault's remaining_uses).
      Object.assign(trail.input, { clientTokenAccessor: entry.accessor, tokenEntry: { ...entry } })
    }
    if (!entry && !unauthenticated) throw new PermissionDeniedError()
    // CIDR-bound tokens answer only from their networks (every token but non-expiring root ones).
    if (entry && !tokenAddressAllowed(entry, req.connection?.remoteAddress)) throw new PermissionDeniedError()

    if (!route) {
      // The ACL answers before the router: without a grant on the path a caller learns nothing.
      await this.#authorize(entry!, { path, operation, data, wrapTtl }, false, trail)
      await trail.request()
      throw new UnsupportedPathError(`no handler for route "${path}". route entry not found.`)
    }
    const lreq = this.logical(
      requestId,
      operation,
      relative,
      route.prefix,
      data,
      headers,
      entry,
      route.entry.type,
      route.entry.accessor,
      req.connection,
      wrapTtl,
      route,
    )
    if (unauthenticated && token && path.startsWith('sys/internal/ui/')) {
      // The UI/CLI preflight endpoints answer anyone but show a token what its policies reach: they see
      // the token (not spending a use, no ACL on the endpoint itself), as Vault's handlers do.
      const caller = await this.#tokens.lookup(token)
      if (caller) lreq.tokenEntry = caller
    }
    if (operation === 'update' && route.backend.existenceCheck) {
      const { checkFound, exists } = await route.backend.existenceCheck(lreq)
      if (checkFound && !exists) lreq.operation = 'create'
    }
    let revokeAfterRequest = false
    if (entry) {
      // Vault counts a use before the ACL check: a denied request still spends it.
      const used = await this.#tokens.use(entry)
      entry = used.entry
      revokeAfterRequest = used.revokeAfterRequest
      lreq.tokenEntry = entry
      try {
        trail.input.operation = lreq.operation
        lreq.sudo = await this.#authorize(
          entry,
          { path, operation: lreq.operation, data, wrapTtl },
          rootPath,
          trail,
        )
      } catch (err) {
        if (revokeAfterRequest) await this.#tokens.revokeTree(entry.id)
        throw err
      }
    }
    trail.input.operation = lreq.operation
    if (unauthenticated) trail.input.policyResults = { allowed: true }
    try {
      // Fail closed: no device recorded the request ⇒ it is not served.
      await trail.request()
      let resp = await route.backend.handleRequest(lreq)
      // Help answers the backend's data as the whole body, as Vault's help handler does.
      if (lreq.operation === 'help') return { status: 200, body: resp?.data ?? { help: '' } }
      if (resp?.auth) {
        // A login (an unauthenticated path answering with `auth`) gets its token here; only the token
        // store may answer `auth` anywhere else (Vault: "unexpected Auth response for non-token backend").
        if (unauthenticated) resp = await this.#login(lreq, route, resp)
        else if (route.prefix !== 'auth/token/') throw new InternalError('unexpected auth response')
      }
      return await this.#respond(requestId, lreq, route, resp)
    } finally {
      if (revokeAfterRequest && entry) await this.#tokens.revokeTree(entry.id)
    }
  }

  /**
   * The lease fields of a response carrying a `secret` (Vault's request handling): a renewal shows the
   * lease it renewed; a KV mount's TTL is advisory (shown, never leased, unless the mount has
   * `leased_passthrough`); anything else gets a lease from the lease manager, with its TTL calculated
   * against the mount's limits. If the lease cannot be registered, the secret is revoked at its backend
   * and the request fails with 500.
   */
  async #lease(
    req: LogicalRequest,
    route: Route,
    resp: LogicalResponse,
  ): Promise<{ leaseId: string; renewable: boolean; ttl: number; warnings: string[] }> {
    const secret = resp.secret ?? {}
    const fullPath = route.prefix + req.path
    if (LEASE_RENEW_PATH.test(fullPath)) {
      return {
        leaseId: secret.leaseId ?? '',
        renewable: secret.renewable ?? false,
        ttl: secret.ttl ?? 0,
        warnings: [],
      }
    }
    const { type, options } = route.entry
    if ((type === 'kv' || type === 'generic') && options?.leased_passthrough !== 'true') {
      return { leaseId: '', renewable: false, ttl: secret.ttl ?? 0, warnings: [] }
    }
    try {
      if (!req.tokenEntry) throw new InternalError('cannot register a lease with an empty client token')
      return await this.#leases.register({
        path: fullPath,
        token: req.tokenEntry,
        secret,
        data: resp.data ?? null,
      })
    } catch (err) {
      if (err instanceof SealedError) throw err
      // Vault's Register rollback: the backend made a secret nobody will track; take it back.
      await this.leaseRequest({ operation: 'revoke', path: fullPath, secret, data: resp.data ?? {} }).catch(
        () => undefined,
      )
      throw new InternalError('internal error', { cause: err })
    }
  }

  /**
   * The login flow's last step (Vault's `handleLoginRequest`): an auth method accepted the credentials
   * and answered `auth`; the core creates the token (see `core/login.ts`) and answers its auth block.
   * Only auth mounts other than `auth/token/` log in; a login may not hand out a leased secret.
   */
  async #login(req: LogicalRequest, route: Route, resp: LogicalResponse): Promise<LogicalResponse> {
    if (route.entry.table !== 'auth' || route.prefix === 'auth/token/' || resp.secret || !resp.auth) {
      throw new InternalError('unexpected login response')
    }
    const { auth, warnings } = await createLoginToken(
      { tokens: this.#tokens, clock: this.#clock },
      {
        path: route.prefix + req.path,
        mount: route.entry,
        limits: {
          defaultLeaseTtl: () => this.#mounts.defaultTtl(route.entry),
          maxLeaseTtl: () => this.#mounts.maxTtl(route.entry),
        },
        auth: resp.auth,
      },
    )
    req.displayName = auth.displayName
    const allWarnings = [...(resp.warnings ?? []), ...warnings]
    return { ...resp, auth, ...(allWarnings.length > 0 ? { warnings: allWarnings } : {}) }
  }

  /** A renew or revoke from the lease manager, routed to the backend mounted at the lease's path. */
  async leaseRequest(req: LeaseRouteRequest): Promise<LogicalResponse | null> {
    const route = this.#mounts.match(req.path)
    if (!route) throw new UnsupportedPathError(`no handler for route "${req.path}". route entry not found.`)
    const lreq = this.logical(
      uuid(),
      req.operation,
      req.path.slice(route.prefix.length),
      route.prefix,
      req.data,
      {},
      null,
      route.entry.type,
      route.entry.accessor,
      req.connection,
      0,
      route,
    )
    lreq.secret = req.secret
    if (req.auth) lreq.auth = req.auth
    return route.backend.handleRequest(lreq)
  }

  /**
   * The ACL step: the token's policies must grant the operation's capability on the path (with
   * parameter and wrapping-TTL constraints), and `sudo` on root-protected paths. Returns whether the
   * caller has root privileges on the path.
   */
  async #authorize(
    entry: TokenEntry,
    req: { path: string; operation: Operation; data: Record<string, unknown>; wrapTtl: number },
    rootPath: boolean,
    trail?: AuditTrail,
  ): Promise<boolean> {
    const acl = await this.#policies.acl(entry.policies)
    const result = acl.allowOperation(req)
    const allowed = result.allowed && (!rootPath || result.rootPrivs)
    if (trail) {
      trail.input.policyResults = allowed
        ? { allowed, grantingPolicies: result.grantingPolicies }
        : { allowed: false }
    }
    if (!allowed) throw aclDenied()
    return result.rootPrivs
  }

  /**
   * A backend's view of one request: the {@link LogicalRequest} for `path` (relative to `mountPoint`),
   * carrying the caller's token entry (if any), headers, connection and wrapping TTL. Without a route,
   * its storage is the barrier's `sys/` view. Also used by the `Vault` for rollback and lease requests.
   */
  logical(
    id: string,
    operation: Operation,
    path: string,
    mountPoint: string,
    data: Record<string, unknown>,
    headers: Record<string, string[]>,
    entry: TokenEntry | null,
    mountType: string,
    mountAccessor: string,
    connection: ConnectionInfo | undefined,
    wrapTtl: number,
    route?: Route,
  ): LogicalRequest {
    return {
      id,
      operation,
      path,
      mountPoint,
      mountType,
      mountAccessor,
      data,
      storage: route?.storage ?? new StorageView(this.#barrier, 'sys/'),
      clientToken: entry?.id ?? '',
      clientTokenAccessor: entry?.accessor ?? '',
      displayName: entry?.display_name ?? '',
      policies: entry?.policies ?? [],
      ...(entry ? { tokenEntry: entry } : {}),
      headers,
      ...(connection ? { connection } : {}),
      ...(wrapTtl ? { wrapTtl } : {}),
    }
  }

  async #respond(
    requestId: string,
    req: LogicalRequest,
    route: Route,
    resp: LogicalResponse | null,
  ): Promise<RawResponse> {
    const fullPath = route.prefix + req.path
    if (!resp) {
      if (req.operation === 'read' || req.operation === 'list') throw new NotFoundError()
      return { status: 204, body: null }
    }
    if (resp.bare) return { status: resp.httpStatus ?? 200, body: resp.data ?? null }
    const lease = resp.secret ? await this.#lease(req, route, resp) : null
    const allWarnings = [...(resp.warnings ?? []), ...(lease?.warnings ?? [])]
    const warnings = allWarnings.length ? allWarnings : null
    if (req.operation === 'list' && !warnings) {
      const keys = resp.data?.keys
      const onlyKeys = resp.data ? Object.keys(resp.data).every((k) => k === 'keys') : true
      if (onlyKeys && (!Array.isArray(keys) || keys.length === 0)) throw new NotFoundError()
    }
    let body: Record<string, unknown> = envelope(requestId, resp.data ?? null, route.entry.type)
    if (lease) {
      body.lease_id = lease.leaseId
      body.renewable = lease.renewable
      body.lease_duration = lease.ttl
    } else if (resp.leaseDuration !== undefined) {
      // KV v1's advisory ttl: shown as lease_duration, no lease (as Vault's passthrough).
      body.lease_duration = resp.leaseDuration
    }
    body.warnings = warnings
    if (resp.auth) body.auth = formatAuth(resp.auth)
    if (req.wrapTtl) {
      // Response wrapping: the whole answer goes into a single-use token's cubbyhole.
      const info = await this.#wrapper.wrap(body, {
        ttl: req.wrapTtl,
        creationPath: fullPath,
        displayName: req.displayName,
        ...(resp.auth?.accessor ? { wrappedAccessor: resp.auth.accessor } : {}),
      })
      return { status: 200, body: wrappedEnvelope(info) }
    }
    if (resp.data && TOP_LEVEL_DATA.test(fullPath)) {
      // As Vault's HTTPSysInjector writes it: data's keys first, then the envelope's (which win).
      body = { ...resp.data, ...body }
    }
    return { status: resp.httpStatus ?? 200, body }
  }
}

/** Renewals answer with the lease they renewed: it is not registered again (Vault's request handling). */
const LEASE_RENEW_PATH = /^sys\/(leases\/)?renew(\/|$)/

/** Vault's ACL denial: a multierror-shaped `permission denied` (403). */
function aclDenied(): PermissionDeniedError {
  const message = '1 error occurred:\n\t* permission denied\n\n'
  return new PermissionDeniedError(message, { errors: [message] })
}

function envelope(requestId: string, data: Record<string, unknown> | null, mountType: string): VaultResponse {
  return {
    request_id: requestId,
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
    mount_type: mountType,
  }
}

function wrapUnknown(error: unknown): VaultError {
  return new VaultError('ERR_INTERNAL', 500, 'internal error', { cause: error, errors: ['internal error'] })
}

/**
 * Strips a leading `/` and refuses paths that would be normalized into another path (`..`, `.`, empty
 * segments): a request names exactly one path.
 */
function normalizePath(path: unknown): string {
  if (typeof path !== 'string') throw new InvalidRequestError('missing request path')
  const p = path.startsWith('/') ? path.slice(1) : path
  const segments = (p.endsWith('/') ? p.slice(0, -1) : p).split('/')
  if (p === '' || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidRequestError(`invalid request path "${path}"`)
  }
  return p
}

/** Go's `strconv.ParseBool` (booleans pass through); `undefined` when unparsable. */
function parseGoBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  const s = String(v)
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false
  return undefined
}

function normalizeHeaders(headers: VaultRequest['headers']): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    const name = k.toLowerCase()
    if (name === 'x-vault-token' || name === 'authorization') continue
    out[name] = Array.isArray(v) ? v : [v]
  }
  return out
}

/** Vault's special-path globs: exact, or prefix when ending in `*`. */
function matchesAny(globs: string[] | undefined, path: string): boolean {
  return (globs ?? []).some((g) => (g.endsWith('*') ? path.startsWith(g.slice(0, -1)) : path === g))
}
