/**
 * A backend declared as data (Vault's `framework.Backend`): paths routed in declaration order, fields
 * parsed and validated before handlers run, help generated from the declarations, secret types with
 * renew/revoke.
 *
 * @module
 */
import type {
  Backend,
  ExistenceResult,
  LogicalRequest,
  LogicalResponse,
  SpecialPaths,
} from '../core/logical.js'
import { InvalidRequestError, UnsupportedOperationError, UnsupportedPathError } from '../errors.js'
import { FieldData, type FieldSchema } from './fields.js'
import {
  type CompiledPath,
  compilePath,
  matchPath,
  type OperationHandler,
  type PathDefinition,
  pathHelp,
} from './path.js'

/**
 * A kind of secret a backend hands out with a lease (Vault's `framework.Secret`). The lease manager
 * calls back `renew` and `revoke`, selected by the `secret_type` kept in the lease's internal data.
 *
 * @example
 * ```ts
 * const creds: SecretType = {
 *   type: 'creds',
 *   defaultDuration: 3600,
 *   renew: async (req) => ({ secret: { ...req.secret, ttl: 3600 } }),
 *   revoke: async (req) => { await dropUser(req.secret?.internalData?.username); return null },
 * }
 * ```
 */
export interface SecretType {
  /** Unique within the backend; stored with each lease as `secret_type`. */
  type: string
  /** Schema for the `FieldData` handed to renew/revoke (over the request data). */
  fields?: Record<string, FieldSchema>
  /** Default lease TTL, seconds (0 = the mount's default). */
  defaultDuration?: number
  /** Renews a lease; without it the secret is not renewable. */
  renew?: OperationHandler
  /** Revokes a lease. */
  revoke?: OperationHandler
}

/**
 * Everything a {@link FrameworkBackend} is made of.
 *
 * @example
 * ```ts
 * const options: FrameworkBackendOptions = { type: 'kv', paths: [pathConfig, pathData], help: 'Key/value secrets.' }
 * ```
 */
export interface FrameworkBackendOptions {
  type: string
  /** Routed in declaration order: the first full match wins. */
  paths: PathDefinition[]
  secrets?: SecretType[]
  specialPaths?: SpecialPaths
  /** Backend-level help, shown on a `help` request at the mount root. */
  help?: string
  initialize?: () => Promise<void>
  cleanup?: () => Promise<void>
  /** Renews a login token issued by this auth method (Vault's `AuthRenew`); without it renew is refused. */
  authRenew?: OperationHandler
  /** Runs on each `rollback` (periodic) request (Vault's `PeriodicFunc`). */
  periodicFunc?: (req: LogicalRequest) => Promise<void>
}

/**
 * Builds the response for a new leased secret of `secret`'s type (Vault's `Secret.Response`): the TTL
 * defaults to the type's `defaultDuration`, `renewable` is set when the type can renew, and `secret_type`
 * is recorded in the internal data so renew/revoke find their way back.
 *
 * @example
 * ```ts
 * return secretResponse(creds, { username, password }, { username })
 * // { data: { username, password }, secret: { ttl: 3600, renewable: true, internalData: { username, secret_type: 'creds' } } }
 * ```
 */
export function secretResponse(
  secret: SecretType,
  data: Record<string, unknown>,
  internal: Record<string, unknown> = {},
): LogicalResponse {
  return {
    data,
    secret: {
      ttl: secret.defaultDuration ?? 0,
      renewable: secret.renew !== undefined,
      internalData: { ...internal, secret_type: secret.type },
    },
  }
}

/** Go's `%v` of a `[]string`: `[a b]`. */
function goList(items: string[]): string {
  return `[${items.join(' ')}]`
}

function indent(count: number, text: string): string {
  if (text === '') return ''
  const prefix = ' '.repeat(count)
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n')
}

/**
 * A {@link Backend} built from path declarations (Vault's `framework.Backend`).
 *
 * - `handleRequest` routes to the first path whose pattern matches the whole request path (404
 *   `unsupported path` when none does), merges path captures over body fields, answers `help` from the
 *   declarations, refuses undeclared operations (405), validates fields before the handler runs
 *   (400 `Field validation failed: …`) and warns about parameters the path does not declare.
 * - `renew` / `revoke` of a secret go to the {@link SecretType} named by the lease's `secret_type`;
 *   `renew` of a login goes to `authRenew`; `rollback` runs `periodicFunc`.
 *
 * @example
 * ```ts
 * const backend = new FrameworkBackend({
 *   type: 'hello',
 *   paths: [
 *     definePath({
 *       pattern: `greet/${genericNameRegex('name')}`,
 *       fields: { name: { type: 'string' }, excited: { type: 'bool' } },
 *       operations: {
 *         read: async (_req, data) => ({
 *           data: { greeting: `hello ${data.get('name')}${data.get('excited') ? '!' : ''}` },
 *         }),
 *       },
 *       synopsis: 'Say hello.',
 *     }),
 *   ],
 * })
 * await backend.handleRequest({ ...req, operation: 'read', path: 'greet/world' }) // { data: { greeting: 'hello world' } }
 * ```
 * @throws {TypeError} from the constructor on an invalid path declaration or duplicate secret type.
 */
export class FrameworkBackend implements Backend {
  readonly type: string
  readonly specialPaths: SpecialPaths | undefined
  /** The compiled paths, in routing order. */
  readonly paths: readonly CompiledPath[]
  readonly secrets: readonly SecretType[]
  private readonly options: FrameworkBackendOptions

  constructor(options: FrameworkBackendOptions) {
    this.options = options
    this.type = options.type
    this.specialPaths = options.specialPaths
    this.paths = Object.freeze(options.paths.map(compilePath))
    const seen = new Set<string>()
    for (const s of options.secrets ?? []) {
      if (typeof s.type !== 'string' || s.type === '')
        throw new TypeError('secret type must be a non-empty string')
      if (seen.has(s.type)) throw new TypeError(`duplicate secret type "${s.type}"`)
      seen.add(s.type)
    }
    this.secrets = Object.freeze([...(options.secrets ?? [])])
  }

  /**
   * The path serving `path`, with its captures, or `null` (Vault's `Route`).
   *
   * @example
   * ```ts
   * backend.route('greet/world')?.captures // { name: 'world' }
   * ```
   */
  route(path: string): { path: CompiledPath; captures: Record<string, string> } | null {
    for (const p of this.paths) {
      const captures = matchPath(p, path)
      if (captures) return { path: p, captures }
    }
    return null
  }

  /**
   * The secret type named `type`, if declared (Vault's `Backend.Secret`).
   *
   * @example
   * ```ts
   * backend.secret('creds')?.defaultDuration // 3600
   * ```
   */
  secret(type: string): SecretType | undefined {
    return this.secrets.find((s) => s.type === type)
  }

  /**
   * Handles one request routed to this mount.
   *
   * @example
   * ```ts
   * await backend.handleRequest({ ...req, operation: 'help', path: 'greet/world' }) // { data: { help: 'Request: …' } }
   * ```
   * @throws {UnsupportedPathError} 404 when no path matches.
   * @throws {UnsupportedOperationError} 405 when the path does not declare the operation.
   * @throws {InvalidRequestError} 400 when a field does not parse, or a renew/revoke cannot be served.
   */
  async handleRequest(req: LogicalRequest): Promise<LogicalResponse | null> {
    switch (req.operation) {
      case 'renew':
      case 'revoke':
        return this.handleRevokeRenew(req)
      case 'rollback':
        if (this.options.periodicFunc) await this.options.periodicFunc(req)
        return null
    }
    if (req.path === '' && req.operation === 'help') return this.rootHelp()

    const matched = this.route(req.path)
    if (!matched) throw new UnsupportedPathError()
    const { path, captures } = matched
    const def = path.definition

    // The URL's captures take priority over body fields of the same name.
    const raw: Record<string, unknown> = {}
    const ignored: string[] = []
    for (const [k, v] of Object.entries(req.data ?? {})) {
      if (v === undefined) continue
      raw[k] = v
      if (!def.takesArbitraryInput && !Object.hasOwn(path.fields, k)) ignored.push(k)
    }
    const replaced: string[] = []
    for (const [k, v] of Object.entries(captures)) {
      if (raw[k] !== undefined && raw[k] !== null) replaced.push(k)
      raw[k] = v
    }

    let handler = path.handlers[req.operation as keyof typeof path.handlers]
    if (!handler && req.operation === 'help') {
      handler = async () => ({ data: { help: pathHelp(path, req.path), see_also: null } })
    }
    if (!handler) throw new UnsupportedOperationError()

    const data = new FieldData(path.fields, raw)
    if (req.operation !== 'help') {
      try {
        data.validate()
      } catch (e) {
        if (e instanceof InvalidRequestError) {
          throw new InvalidRequestError(`Field validation failed: ${e.message}`, { cause: e })
        }
        throw e
      }
    }

    const resp = (await handler(req, data)) ?? null
    // As in Vault, warnings ride on a response; a handler returning nothing gets none.
    if (resp === null) return null
    const warnings = [...(resp.warnings ?? [])]
    if (ignored.length > 0) {
      warnings.push(`Endpoint ignored these unrecognized parameters: ${goList(ignored.sort())}`)
    }
    if (replaced.length > 0) {
      warnings.push(
        `Endpoint replaced the value of these parameters with the values captured from the endpoint's path: ${goList(replaced.sort())}`,
      )
    }
    return warnings.length > (resp.warnings?.length ?? 0) ? { ...resp, warnings } : resp
  }

  /**
   * Tells the core whether the target of a `create`/`update` exists, so the ACL can check `create` or
   * `update`. Paths without an existence check, and unmatched paths, answer `checkFound: false`.
   *
   * @example
   * ```ts
   * await backend.existenceCheck({ ...req, operation: 'update', path: 'roles/web' }) // { checkFound: true, exists: false }
   * ```
   * @throws {InvalidRequestError} 400 when a field does not parse.
   * @throws {TypeError} for an operation other than `create` / `update`.
   */
  async existenceCheck(req: LogicalRequest): Promise<ExistenceResult> {
    if (req.operation !== 'create' && req.operation !== 'update') {
      throw new TypeError(`incorrect operation type ${req.operation} for an existence check`)
    }
    const matched = this.route(req.path)
    const check = matched?.path.definition.existenceCheck
    if (!matched || !check) return { checkFound: false, exists: false }
    const raw: Record<string, unknown> = { ...(req.data ?? {}), ...matched.captures }
    const data = new FieldData(matched.path.fields, raw)
    data.validate()
    return { checkFound: true, exists: await check(req, data) }
  }

  /**
   * Runs the `initialize` option, if any.
   *
   * @example
   * ```ts
   * await backend.initialize()
   * ```
   */
  async initialize(): Promise<void> {
    await this.options.initialize?.()
  }

  /**
   * Runs the `cleanup` option, if any.
   *
   * @example
   * ```ts
   * await backend.cleanup()
   * ```
   */
  async cleanup(): Promise<void> {
    await this.options.cleanup?.()
  }

  private async handleRevokeRenew(req: LogicalRequest): Promise<LogicalResponse | null> {
    if (req.operation === 'renew' && req.auth) {
      if (!this.options.authRenew) throw new InvalidRequestError("this auth type doesn't support renew")
      return (await this.options.authRenew(req, new FieldData({}, req.data ?? {}))) ?? null
    }
    if (!req.secret) throw new InvalidRequestError('request has no secret')
    const secretType = req.secret.internalData?.secret_type
    const secret = typeof secretType === 'string' ? this.secret(secretType) : undefined
    if (!secret) throw new InvalidRequestError('secret is unsupported by this backend')
    const handler = req.operation === 'renew' ? secret.renew : secret.revoke
    if (!handler) throw new UnsupportedOperationError()
    return (await handler(req, new FieldData(secret.fields ?? {}, req.data ?? {}))) ?? null
  }

  private rootHelp(): LogicalResponse {
    const routes = this.paths.map((p) => ({ route: p.route, synopsis: p.definition.synopsis?.trim() ?? '' }))
    routes.sort((a, b) => (a.route < b.route ? -1 : a.route > b.route ? 1 : 0))
    let help = `## DESCRIPTION\n\n${this.options.help?.trim() ?? ''}\n\n## PATHS\n\n`
    help += 'Paths served by this backend. Ask for help on any path matching one of these patterns\n'
    help += 'to see its parameters; what your token may do there depends on its policies.\n\n'
    for (const r of routes) help += `${indent(4, r.route)}\n${indent(8, r.synopsis)}\n\n`
    return { data: { help: help.trim(), see_also: null } }
  }
}
