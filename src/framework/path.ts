/**
 * Endpoints as data (Vault's `framework.Path`): a pattern with named captures, typed fields, one handler
 * per operation, an optional existence check and help text.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse, Operation } from '../core/logical.js'
import { FIELD_TYPES, type FieldData, type FieldSchema, fieldTypeName } from './fields.js'

/**
 * Handles one operation on a path. Gets the request and its parsed fields; returns a response, or `null`
 * for "nothing" (404 on read, 204 otherwise). Throw `VaultError`s for Vault's error statuses.
 *
 * @example
 * ```ts
 * const read: OperationHandler = async (req, data) => {
 *   const role = await req.storage.getJSON(`role/${data.get<string>('name')}`)
 *   return role === null ? null : { data: role as Record<string, unknown> }
 * }
 * ```
 */
export type OperationHandler = (req: LogicalRequest, data: FieldData) => Promise<LogicalResponse | null>

/**
 * An operation with documentation (Vault's `PathOperation`).
 *
 * @example
 * ```ts
 * const op: OperationDefinition = { handler: readRole, summary: 'Read a role.' }
 * ```
 */
export interface OperationDefinition {
  handler: OperationHandler
  summary?: string
  description?: string
  deprecated?: boolean
}

/** Operations a path can declare; `renew`, `revoke` and `rollback` belong to secrets and the backend. */
export type PathOperation = Exclude<Operation, 'renew' | 'revoke' | 'rollback'>

const PATH_OPERATIONS: readonly PathOperation[] = [
  'create',
  'read',
  'update',
  'delete',
  'list',
  'patch',
  'help',
]

/**
 * One endpoint of a backend (Vault's `framework.Path`).
 *
 * @example
 * ```ts
 * const roles: PathDefinition = {
 *   pattern: `roles/${genericNameRegex('name')}`,
 *   fields: { name: { type: 'string' }, ttl: { type: 'duration' } },
 *   operations: { read: readRole, update: { handler: writeRole, summary: 'Create or update a role.' } },
 *   synopsis: 'Manage roles.',
 * }
 * ```
 */
export interface PathDefinition {
  /**
   * A regex source, anchored `^…$` implicitly. Named groups `(?<name>…)` (Go's `(?P<name>…)` is
   * accepted too) become field values and must be declared in `fields`; a group that does not
   * participate in the match yields `''`, as in Vault.
   */
  pattern: string
  fields?: Record<string, FieldSchema>
  operations: Partial<Record<PathOperation, OperationHandler | OperationDefinition>>
  /** Does the target exist? Lets the ACL tell `create` from `update`. */
  existenceCheck?: (req: LogicalRequest, data: FieldData) => Promise<boolean>
  /** The endpoint accepts fields beyond `fields` (e.g. KV data): no unknown-parameter warning. */
  takesArbitraryInput?: boolean
  /** One line, shown in help. */
  synopsis?: string
  /** Long form, shown in help. */
  description?: string
  /** Shown in documentation only. */
  deprecated?: boolean
}

/**
 * A {@link PathDefinition} ready for routing: compiled regex, capture names, handlers by operation.
 *
 * @example
 * ```ts
 * const compiled = compilePath(definePath({ pattern: 'config', operations: {} }))
 * compiled.regex.test('config') // true
 * ```
 */
export interface CompiledPath {
  readonly definition: PathDefinition
  /** The anchored pattern as shown in help (`^roles/…$`). */
  readonly route: string
  readonly regex: RegExp
  readonly captureNames: readonly string[]
  readonly fields: Readonly<Record<string, FieldSchema>>
  readonly handlers: Readonly<Partial<Record<PathOperation, OperationHandler>>>
}

const compiled = new WeakMap<PathDefinition, CompiledPath>()

/**
 * Walks a regex source outside escapes and character classes: rewrites Go's `(?P<` as `(?<` and
 * collects the names of named groups.
 */
function scanPattern(source: string): { source: string; names: string[] } {
  let out = ''
  const names: string[] = []
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? ''
    if (c === '\\') {
      out += c + (source[i + 1] ?? '')
      i++
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      out += c
      continue
    }
    if (c === '[') {
      inClass = true
      out += c
      continue
    }
    const goStyle = source.startsWith('(?P<', i)
    if (goStyle || (source.startsWith('(?<', i) && source[i + 3] !== '=' && source[i + 3] !== '!')) {
      const start = i + (goStyle ? 4 : 3)
      const end = source.indexOf('>', start)
      if (end > start) {
        const name = source.slice(start, end)
        names.push(name)
        out += `(?<${name}>`
        i = end
        continue
      }
    }
    out += c
  }
  return { source: out, names }
}

/** Strips a leading `^` and an unescaped trailing `$`; anchoring is applied around the whole pattern. */
function stripAnchors(source: string): string {
  let s = source.startsWith('^') ? source.slice(1) : source
  if (s.endsWith('$')) {
    const backslashes = /\\*$/.exec(s.slice(0, -1))?.[0].length ?? 0
    if (backslashes % 2 === 0) s = s.slice(0, -1)
  }
  return s
}

/**
 * Validates a path definition and compiles it (cached per definition object).
 *
 * @example
 * ```ts
 * const p = compilePath({ pattern: 'keys/(?<name>\\w+)', fields: { name: { type: 'string' } }, operations: {} })
 * p.captureNames // ['name']
 * ```
 * @throws {TypeError} on an empty or invalid pattern, a named capture not declared in `fields`, an unknown
 *   field type, or an operation that is not a function.
 */
export function compilePath(def: PathDefinition): CompiledPath {
  const cached = compiled.get(def)
  if (cached) return cached
  if (typeof def.pattern !== 'string' || def.pattern === '') {
    throw new TypeError('Routing pattern cannot be blank')
  }
  const { source, names } = scanPattern(stripAnchors(def.pattern))
  let regex: RegExp
  try {
    regex = new RegExp(`^(?:${source})$`)
  } catch (e) {
    throw new TypeError(`invalid path pattern ${JSON.stringify(def.pattern)}: ${(e as Error).message}`, {
      cause: e,
    })
  }
  const fields = def.fields ?? {}
  for (const [name, schema] of Object.entries(fields)) {
    if (!FIELD_TYPES.includes(schema?.type)) {
      throw new TypeError(`unknown field type ${JSON.stringify(schema?.type)} for field "${name}"`)
    }
  }
  for (const name of names) {
    if (!Object.hasOwn(fields, name)) {
      throw new TypeError(
        `capture group "${name}" of pattern ${JSON.stringify(def.pattern)} is not declared in fields`,
      )
    }
  }
  const handlers: Partial<Record<PathOperation, OperationHandler>> = {}
  for (const [op, value] of Object.entries(def.operations ?? {})) {
    if (!PATH_OPERATIONS.includes(op as PathOperation)) {
      throw new TypeError(
        `operation "${op}" cannot be declared on a path (pattern ${JSON.stringify(def.pattern)})`,
      )
    }
    const handler = typeof value === 'function' ? value : value?.handler
    if (typeof handler !== 'function') {
      throw new TypeError(
        `operation "${op}" of pattern ${JSON.stringify(def.pattern)} has no handler function`,
      )
    }
    handlers[op as PathOperation] = handler
  }
  if (def.existenceCheck !== undefined && typeof def.existenceCheck !== 'function') {
    throw new TypeError(`existenceCheck of pattern ${JSON.stringify(def.pattern)} must be a function`)
  }
  const result: CompiledPath = Object.freeze({
    definition: def,
    route: `^${source}$`,
    regex,
    captureNames: Object.freeze([...new Set(names)]),
    fields,
    handlers: Object.freeze(handlers),
  })
  compiled.set(def, result)
  return result
}

/**
 * Declares a path: validates it and pre-compiles its pattern, so mistakes surface when the backend
 * module loads rather than on the first request.
 *
 * @example
 * ```ts
 * export const pathRoles = definePath({
 *   pattern: `roles/${genericNameRegex('name')}`,
 *   fields: {
 *     name: { type: 'string', description: 'Name of the role.' },
 *     ttl: { type: 'duration', default: '1h', description: 'Default lease TTL.' },
 *   },
 *   existenceCheck: async (req, data) => (await req.storage.get(`role/${data.get('name')}`)) !== null,
 *   operations: {
 *     read: async (req, data) => ({ data: (await req.storage.getJSON(`role/${data.get('name')}`)) ?? {} }),
 *     update: { handler: writeRole, summary: 'Create or update a role.' },
 *   },
 *   synopsis: 'Manage roles.',
 * })
 * ```
 * @throws {TypeError} see {@link compilePath}.
 */
export function definePath(def: PathDefinition): PathDefinition {
  compilePath(def)
  return def
}

/**
 * Matches a request path against a compiled path.
 *
 * @returns the captures by name (`''` for groups that did not participate), or `null` when the path does
 *   not match entirely.
 * @example
 * ```ts
 * matchPath(compilePath(pathRoles), 'roles/web') // { name: 'web' }
 * ```
 */
export function matchPath(path: CompiledPath, requestPath: string): Record<string, string> | null {
  const m = path.regex.exec(requestPath)
  if (!m) return null
  const captures: Record<string, string> = {}
  for (const name of path.captureNames) captures[name] = m.groups?.[name] ?? ''
  return captures
}

/** Go's `indent` template helper: prefixes every line, drops trailing newlines. */
function indent(count: number, text: string): string {
  const prefix = ' '.repeat(count)
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines.map((l) => prefix + l.replace(/\r$/, '')).join('\n')
}

/**
 * The help text of one path, laid out as Vault's path help: request, matching route, synopsis,
 * `## PARAMETERS` (alphabetical, with Vault's type names) and `## DESCRIPTION`.
 *
 * @example
 * ```ts
 * pathHelp(compilePath(pathRoles), 'roles/web')
 * // 'Request:        roles/web\nMatching Route: ^roles/…$\n\nManage roles.\n\n## PARAMETERS\n…'
 * ```
 */
export function pathHelp(path: CompiledPath, requestPath: string): string {
  const def = path.definition
  const synopsis = def.synopsis?.trim() || '<no synopsis>'
  const description = def.description?.trim() || '<no description>'
  let out = `Request:        ${requestPath}\nMatching Route: ${path.route}\n\n${synopsis}\n\n`
  const keys = Object.keys(path.fields).sort()
  if (keys.length > 0) {
    out += '## PARAMETERS\n'
    for (const key of keys) {
      const schema = path.fields[key] as FieldSchema
      const text = schema.description?.trim() || '<no description>'
      out += `\n${indent(4, key)} (${fieldTypeName(schema.type)})\n\n`
      out += `${indent(8, schema.deprecated ? `(DEPRECATED) ${text}` : text)}\n`
    }
  }
  out += `\n## DESCRIPTION\n\n${description}\n`
  return out.trim()
}
