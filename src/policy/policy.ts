/**
 * Vault's ACL policy language: parsing a policy's HCL or JSON text into path rules, with Vault's
 * validation and messages (`vault/policy.go` `parseACLPolicyWithTemplating` / `parsePaths`; OpenBao's
 * `internal/vault/policy/policy.go`).
 *
 * A policy is a list of `path` stanzas. Each stanza's path is a pattern: a trailing `*` makes it a
 * prefix glob (only as the last character), a `+` segment matches exactly one path segment, and
 * `{{identity.…}}` templates mark it as templated. See {@link ACL} for how rules are matched.
 *
 * @module
 */
import { InvalidRequestError, type VaultErrorOptions } from '../errors.js'
import { goQuote, parseDuration } from '../framework/duration.js'
import {
  type DecodeNode,
  decodeAny,
  decodeParamMap,
  decodeString,
  decodeStringSlice,
  filterItems,
} from './decode.js'
import { parseHcl } from './hcl.js'
import { type HclItem, type HclNode, type HclPos, HclSyntaxError } from './hcl-ast.js'

/** A capability a path stanza can grant (`deny` takes every other one away). */
export type Capability =
  | 'deny'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'list'
  | 'sudo'
  | 'patch'
  | 'subscribe'
  | 'recover'

/**
 * The bit of each capability in {@link PathRules.capabilitiesBitmap}, in Vault's order
 * (`DenyCapabilityInt = 1 << 0` …). `subscribe` (event subscriptions) and `recover` (snapshot
 * recovery) are accepted as Vault accepts them; no vaultlet operation needs them yet.
 */
export const CAPABILITY_BITS: Readonly<Record<Capability, number>> = Object.freeze({
  deny: 1 << 0,
  create: 1 << 1,
  read: 1 << 2,
  update: 1 << 3,
  delete: 1 << 4,
  list: 1 << 5,
  sudo: 1 << 6,
  patch: 1 << 7,
  subscribe: 1 << 8,
  recover: 1 << 9,
})

/** One `path` stanza, normalized. */
export interface PathRules {
  /**
   * The pattern as matched: leading `/` stripped; for a prefix rule without `+` segments the trailing
   * `*` is removed (`secret/*` → `secret/`, `isPrefix`); a rule with `+` segments keeps its `*`.
   */
  readonly path: string
  /** `true` when the pattern ended in `*` and has no `+` segments: a prefix match on {@link path}. */
  readonly isPrefix: boolean
  /** `true` when the pattern has a `+` segment (Vault's test: it is `+`, starts `+/` or contains `/+`). */
  readonly hasSegmentWildcards: boolean
  /** The capabilities as written (legacy `policy` mapped in); just `['deny']` when `deny` is present. */
  readonly capabilities: readonly Capability[]
  /** {@link capabilities} as bits ({@link CAPABILITY_BITS}). */
  readonly capabilitiesBitmap: number
  /** `allowed_parameters`, keys lower-cased; an empty list allows any value. */
  readonly allowedParameters: ReadonlyMap<string, readonly unknown[]>
  /** `denied_parameters`, keys lower-cased; an empty list denies any value. */
  readonly deniedParameters: ReadonlyMap<string, readonly unknown[]>
  /** `required_parameters`, as written. */
  readonly requiredParameters: readonly string[]
  /** `min_wrapping_ttl` in seconds (0 = none). */
  readonly minWrappingTtl: number
  /** `max_wrapping_ttl` in seconds (0 = none). */
  readonly maxWrappingTtl: number
  /**
   * `true` when the path holds `{{…}}` identity templates. Such a stanza only applies once its template
   * is resolved against the token's entity; vaultlet has no identity store yet, so the {@link ACL}
   * drops every templated stanza (as Vault does when a template cannot be resolved).
   */
  readonly templated: boolean
}

/** A parsed ACL policy. */
export interface Policy {
  /** The policy's name (as given to {@link parsePolicy}; callers normalize it). */
  readonly name: string
  /** The text it was parsed from. */
  readonly raw: string
  /** The stanzas, in order; the same pattern may appear more than once (the ACL merges them). */
  readonly paths: readonly PathRules[]
  /** `true` when any stanza is {@link PathRules.templated}. */
  readonly templated: boolean
}

/**
 * A policy text Vault would refuse: HTTP 400 `failed to parse policy: …`. For syntax errors, `line`
 * and `column` say where (1-based; 0 when the error has no position).
 */
export class PolicyParseError extends InvalidRequestError {
  readonly line: number
  readonly column: number

  constructor(detail: string, line = 0, column = 0, options: VaultErrorOptions = {}) {
    super(`failed to parse policy: ${detail}`, options)
    this.line = line
    this.column = column
  }
}

const TOP_LEVEL_KEYS = new Set(['name', 'path'])

const PATH_KEYS = new Set([
  'comment',
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'subscribe_event_types',
])

/** Legacy `policy = "…"` values and the capabilities they stand for. */
const LEGACY_POLICIES: Readonly<Record<string, readonly Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
}

/** go-multierror's message for a list of errors. */
function multiError(errors: readonly string[]): string {
  if (errors.length === 1) return `1 error occurred:\n\t* ${errors[0]}\n\n`
  return `${errors.length} errors occurred:\n\t${errors.map((e) => `* ${e}`).join('\n\t')}\n\n`
}

/** The outcome of Vault's `hclutil.CheckHCLKeys`. */
interface KeyCheck {
  /** One message per key not allowed. */
  readonly errors: string[]
  /** Where the first offending key is (line 0 when none). */
  readonly line: number
  readonly column: number
}

/**
 * Vault's `hclutil.CheckHCLKeys`: the messages for keys not in `valid`, or (a string) why the keys
 * cannot be checked.
 */
function checkKeys(node: HclNode, valid: ReadonlySet<string>): KeyCheck | string {
  if (node.kind !== 'object') {
    return `cannot check HCL keys of type ${node.kind === 'list' ? '*ast.ListType' : '*ast.LiteralType'}`
  }
  const errors: string[] = []
  let first: HclPos | undefined
  for (const item of node.items) {
    const key = item.keys[0]
    if (key === undefined || valid.has(key.value)) continue
    first ??= key.pos
    // Vault prints the line of `=` (0 for block syntax); we print the key's own line there.
    errors.push(`invalid key ${goQuote(key.value)} on line ${(item.assign ?? key.pos).line}`)
  }
  return { errors, line: first?.line ?? 0, column: first?.column ?? 0 }
}

/**
 * Vault's `identitytpl` validity check (ACL mode): does the string hold `{{…}}` templates, and are the
 * braces balanced?
 *
 * @throws {Error} `unbalanced templating characters`
 */
function hasTemplating(s: string): boolean {
  const pieces = s.split('{{')
  if (pieces[0]?.includes('}}')) throw new Error('unbalanced templating characters')
  for (let i = 1; i < pieces.length; i++) {
    if (pieces[i]!.split('}}').length !== 2) throw new Error('unbalanced templating characters')
  }
  return pieces.length > 1
}

/** Go's `ParseDurationSecond` on a decoded HCL value, in whole seconds. */
function wrappingTtl(
  field: string,
  raw: unknown,
  fail: (detail: string, cause: unknown) => PolicyParseError,
): number {
  let seconds: number
  try {
    if (typeof raw === 'number') seconds = parseDuration(Math.trunc(raw))
    else if (typeof raw === 'string') {
      seconds = parseDuration(raw)
      // Sub-second durations would truncate to 0 (= no bound); keep them a bound, rounded up to 1s.
      if (seconds === 0 && /[1-9]/.test(raw) && !raw.trim().startsWith('-')) seconds = 1
    } else throw new InvalidRequestError('could not parse duration from input')
  } catch (e) {
    throw fail(`error parsing ${field}: ${(e as Error).message}`, e)
  }
  return seconds
}

interface RawStanza {
  policy: string
  capabilities: string[]
  allowed?: Map<string, unknown[]>
  denied?: Map<string, unknown[]>
  required: string[]
  minTtl?: unknown
  maxTtl?: unknown
}

/**
 * Decodes the fields of one stanza body (HCL's `DecodeObject` into `PathRules`): each known key,
 * repeated keys accumulated.
 */
function decodeStanza(body: HclNode): RawStanza {
  const out: RawStanza = { policy: '', capabilities: [], required: [] }
  const items = body.kind === 'object' ? body.items : []
  const each = (key: string, fn: (n: DecodeNode) => void) => {
    const matched = filterItems(items, key)
    const children = matched.filter((i) => i.keys.length > 0)
    if (children.length > 0) fn({ kind: 'items', items: children })
    for (const m of matched) {
      if (m.keys.length > 0) continue
      fn(m.value.kind === 'object' ? { kind: 'items', items: m.value.items } : m.value)
    }
  }
  each('policy', (n) => {
    out.policy = decodeString('root.Policy', n)
  })
  each('capabilities', (n) => {
    out.capabilities = decodeStringSlice('root.Capabilities', n, out.capabilities)
  })
  each('allowed_parameters', (n) => {
    out.allowed ??= new Map()
    decodeParamMap('root.allowed_parameters', n, out.allowed)
  })
  each('denied_parameters', (n) => {
    out.denied ??= new Map()
    decodeParamMap('root.denied_parameters', n, out.denied)
  })
  each('required_parameters', (n) => {
    out.required = decodeStringSlice('root.required_parameters', n, out.required)
  })
  each('min_wrapping_ttl', (n) => {
    out.minTtl = decodeAny('root.min_wrapping_ttl', n, 'struct')
  })
  each('max_wrapping_ttl', (n) => {
    out.maxTtl = decodeAny('root.max_wrapping_ttl', n, 'struct')
  })
  each('mfa_methods', (n) => decodeStringSlice('root.mfa_methods', n))
  each('subscribe_event_types', (n) => decodeStringSlice('root.subscribe_event_types', n))
  // `comment` is not decoded; `control_group` (Vault Enterprise) is accepted and ignored.
  return out
}

function lowerKeys(m: Map<string, unknown[]> | undefined): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>()
  if (m !== undefined) for (const [k, v] of m) out.set(k.toLowerCase(), v)
  return out
}

const EMPTY_MAP: ReadonlyMap<string, readonly unknown[]> = new Map()

function parseStanza(item: HclItem): PathRules {
  const key = item.keys[0]?.value ?? 'path'
  const prefix = `path ${goQuote(key)}:`
  // Errors that have no position of their own point at the stanza's path.
  const at = item.keys[0]?.pos ?? item.value.pos
  const fail = (detail: string, cause?: unknown) =>
    new PolicyParseError(detail, at.line, at.column, cause === undefined ? {} : { cause })

  let templated: boolean
  try {
    templated = hasTemplating(key)
  } catch (e) {
    throw fail(`failed to validate policy templating: ${(e as Error).message}`, e)
  }

  const keys = checkKeys(item.value, PATH_KEYS)
  if (typeof keys === 'string') throw fail(`${prefix} ${keys}`)
  if (keys.errors.length > 0) {
    throw new PolicyParseError(multiError(keys.errors.map((e) => `${prefix} ${e}`)), keys.line, keys.column)
  }

  let raw: RawStanza
  try {
    raw = decodeStanza(item.value)
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e
    throw new PolicyParseError(`${prefix} ${e.message}`, e.line, e.column, { cause: e })
  }

  let path = key.startsWith('/') ? key.slice(1) : key
  if (path.includes('+*')) {
    throw fail(`path ${goQuote(path)}: invalid use of wildcards ('+*' is forbidden)`)
  }
  const hasSegmentWildcards = path === '+' || path.includes('/+') || path.startsWith('+/')
  let isPrefix = false
  if (path.endsWith('*') && !hasSegmentWildcards) {
    path = path.slice(0, -1)
    isPrefix = true
  }

  let capabilities: string[] = raw.capabilities
  if (raw.policy !== '') {
    const legacy = Object.hasOwn(LEGACY_POLICIES, raw.policy) ? LEGACY_POLICIES[raw.policy] : undefined
    if (legacy === undefined) throw fail(`path ${goQuote(key)}: invalid policy ${goQuote(raw.policy)}`)
    capabilities = raw.policy === 'deny' ? ['deny'] : [...capabilities, ...legacy]
  }

  const base = { path, isPrefix, hasSegmentWildcards, templated }
  let bitmap = 0
  for (const cap of capabilities) {
    if (cap === 'deny') {
      // `deny` discards everything else in the stanza, parameters and wrapping TTLs included.
      return {
        ...base,
        capabilities: ['deny'],
        capabilitiesBitmap: CAPABILITY_BITS.deny,
        allowedParameters: EMPTY_MAP,
        deniedParameters: EMPTY_MAP,
        requiredParameters: [],
        minWrappingTtl: 0,
        maxWrappingTtl: 0,
      }
    }
    const bit = Object.hasOwn(CAPABILITY_BITS, cap) ? CAPABILITY_BITS[cap as Capability] : undefined
    if (bit === undefined) throw fail(`path ${goQuote(key)}: invalid capability ${goQuote(cap)}`)
    bitmap |= bit
  }

  const minWrappingTtl = raw.minTtl === undefined ? 0 : wrappingTtl('min_wrapping_ttl', raw.minTtl, fail)
  const maxWrappingTtl = raw.maxTtl === undefined ? 0 : wrappingTtl('max_wrapping_ttl', raw.maxTtl, fail)
  if (minWrappingTtl !== 0 && maxWrappingTtl !== 0 && maxWrappingTtl < minWrappingTtl) {
    throw fail('max_wrapping_ttl cannot be less than min_wrapping_ttl')
  }

  return {
    ...base,
    capabilities: capabilities as Capability[],
    capabilitiesBitmap: bitmap,
    allowedParameters: lowerKeys(raw.allowed),
    deniedParameters: lowerKeys(raw.denied),
    requiredParameters: raw.required,
    minWrappingTtl,
    maxWrappingTtl,
  }
}

/**
 * Parses an ACL policy written in HCL or JSON, validating it exactly as Vault does, with Vault's
 * messages. Stanzas for the same pattern are kept apart here; the {@link ACL} merges them.
 *
 * - only `name` and `path` at the top level (`invalid key "x" on line N`);
 * - in a stanza: `capabilities`, legacy `policy` (`deny` | `read` | `write` | `sudo`),
 *   `allowed_parameters`, `denied_parameters`, `required_parameters`, `min_wrapping_ttl`,
 *   `max_wrapping_ttl`, `comment`; `mfa_methods`, `control_group` and `subscribe_event_types` are
 *   accepted and ignored;
 * - `deny` discards the stanza's other capabilities and its parameters.
 *
 * @example
 * ```ts
 * const p = parsePolicy('deploy', `
 *   path "secret/data/app/*" { capabilities = ["read", "list"] }
 *   path "secret/+/shared"   { capabilities = ["read"] }
 * `)
 * p.paths[0] // { path: 'secret/data/app/', isPrefix: true, capabilitiesBitmap: 36, … }
 * ```
 * @throws {PolicyParseError} (HTTP 400) `failed to parse policy: …`, e.g.
 *   `failed to parse policy: path "secret/foo": invalid capability "reed"` or, for syntax errors, with
 *   `line` and `column`: `failed to parse policy: At 2:31: literal not terminated`.
 */
export function parsePolicy(name: string, text: string): Policy {
  let root: HclNode
  try {
    root = parseHcl(text)
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e
    throw new PolicyParseError(e.message, e.line, e.column, { cause: e })
  }
  if (root.kind !== 'object') throw new PolicyParseError('does not contain a root object')

  const keys = checkKeys(root, TOP_LEVEL_KEYS) as KeyCheck
  if (keys.errors.length > 0) throw new PolicyParseError(multiError(keys.errors), keys.line, keys.column)

  // `name` is decoded as Vault decodes it (and must be a string), but the caller's name is the one kept.
  try {
    const names = filterItems(root.items, 'name')
    const children = names.filter((i) => i.keys.length > 0)
    if (children.length > 0) decodeString('root.name', { kind: 'items', items: children })
    for (const n of names) if (n.keys.length === 0) decodeString('root.name', n.value)
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e
    throw new PolicyParseError(e.message, e.line, e.column, { cause: e })
  }

  const paths = filterItems(root.items, 'path').map(parseStanza)
  return { name, raw: text, paths, templated: paths.some((p) => p.templated) }
}
