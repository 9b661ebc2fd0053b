/**
 * The ACL: the policies attached to a token, merged and indexed once, then asked per request whether
 * an operation on a path is allowed — Vault's `vault/acl.go` (`NewACL`, `AllowOperation`,
 * `Capabilities`, `CheckAllowedFromNonExactPaths`).
 *
 * Matching, per request path (leading `/` removed):
 * 1. an exact rule for the path wins outright; for `list`, next the exact rule for the path without its
 *    trailing `/`;
 * 2. otherwise the non-exact rules: the longest matching prefix (`*`) rule and every matching `+` rule
 *    compete, and only the highest-priority one applies. A candidate is lower priority when, in order:
 *    its first `+` or `*` comes earlier; it ends in `*` and the other does not; it has more `+`
 *    segments; it is shorter; it sorts lower;
 * 3. for `list` on a path ending in `/`, step 2 is tried first on the path without the slash, then on
 *    the path itself (hashicorp/vault#23874, October 2023, backported to 1.13–1.15; OpenBao tries
 *    the other order);
 * 4. no rule → denied. Capabilities of different patterns are never added together.
 *
 * Rules for the same pattern across policies are merged first: capabilities OR-ed, `deny` wins and
 * clears the parameter lists, wrapping TTL bounds take the smaller non-zero value, parameter lists are
 * merged (an empty list — any value — wins), required parameters unioned.
 *
 * @module
 */
import type { Operation } from '../core/logical.js'
import { InternalError } from '../errors.js'
import { parametersAllowed } from './params.js'
import { CAPABILITY_BITS, type Capability, type PathRules, type Policy } from './policy.js'
import { PrefixTree } from './radix.js'

/** The answer to {@link ACL.allowOperation}. */
export interface AclResult {
  /** The operation may proceed (root-protected paths also need {@link rootPrivs}). */
  allowed: boolean
  /** The deciding rule grants `sudo`, or the ACL is root. */
  rootPrivs: boolean
  /** The ACL holds the `root` policy. */
  isRoot: boolean
  /** The deciding rule's capabilities, sorted (`['root']` for root; `[]` when no rule decided). */
  capabilities: string[]
  /** Policies granting the needed capability on the deciding rule (`['root']` for root). */
  grantingPolicies: string[]
}

/** What {@link ACL.allowOperation} checks. */
export interface AclRequest {
  /** The request path, below the namespace (a leading `/` is ignored). */
  path: string
  operation: Operation
  /** The request's parameters, checked against parameter constraints. */
  data?: Readonly<Record<string, unknown>>
  /** The response-wrapping TTL asked for, in seconds (0 or absent = not wrapped). */
  wrapTtl?: number
}

/** Options of an {@link ACL}. */
export interface AclOptions {
  /**
   * Match list values in `allowed_parameters` / `denied_parameters` as Vault ≤ 1.20 did: the whole
   * value against each entry only (Vault's `VAULT_LEGACY_EXACT_MATCHING_ON_LIST`). Default `false`:
   * Vault 1.21's rules, where a list or comma-separated value is allowed when every element is, and
   * denied when any element is.
   */
  legacyListParameterMatching?: boolean
}

/** One policy's contribution of capabilities to a pattern. */
interface Grant {
  readonly policy: string
  readonly bitmap: number
}

/**
 * The merged permissions of one pattern (Vault's `ACLPermissions`). Parameter maps and the required
 * list are shared with the parsed rule until a merge has to change them (copy on write).
 */
interface Perms {
  bitmap: number
  minWrappingTtl: number
  maxWrappingTtl: number
  allowed: ReadonlyMap<string, readonly unknown[]>
  denied: ReadonlyMap<string, readonly unknown[]>
  required: readonly string[]
  /** Set once `allowed`, `denied` and `required` are this object's own copies. */
  own: OwnedParams | undefined
  /** Contributions in merge order (Vault's `GrantingPoliciesMap`, kept flat). */
  grants: Grant[]
  /** Sorted capability names, computed on first use. */
  names: string[] | undefined
  /** Granting policy names per capability bit, computed on first use. */
  granting: Map<number, string[]> | undefined
}

/** A non-exact candidate with what its priority is computed from (Vault's `wcPathDescr`). */
interface Candidate {
  readonly perms: Perms
  /** UTF-8 byte index of the first `+` (or of the `*`: the prefix length). */
  readonly firstWc: number
  /** Number of `+` segments. */
  readonly wildcards: number
  readonly isPrefix: boolean
  /** The pattern without its trailing `*`. */
  readonly wcPath: string
  /** UTF-8 byte length of `wcPath`. */
  readonly wcLen: number
}

/** A node of the segment trie holding the `+` rules. */
interface SegNode {
  lit: Map<string, SegNode> | undefined
  plus: SegNode | undefined
  /** A rule without trailing `*` ending here. */
  exact: Candidate | undefined
  /** Rules ending in `*` whose last segment (matched by string prefix) is the next one. */
  last: PrefixTree<Candidate> | undefined
}

const CAPABILITY_ORDER = Object.entries(CAPABILITY_BITS) as [Capability, number][]
const SORTED_CAPABILITIES = [...CAPABILITY_ORDER].sort(([a], [b]) => (a < b ? -1 : 1))

const OPERATION_BITS: Readonly<Partial<Record<Operation, number>>> = {
  read: CAPABILITY_BITS.read,
  list: CAPABILITY_BITS.list,
  update: CAPABILITY_BITS.update,
  delete: CAPABILITY_BITS.delete,
  create: CAPABILITY_BITS.create,
  patch: CAPABILITY_BITS.patch,
  // Internal operations re-use `update`, as in Vault.
  renew: CAPABILITY_BITS.update,
  revoke: CAPABILITY_BITS.update,
  rollback: CAPABILITY_BITS.update,
}

const PARAMETER_OPERATIONS: ReadonlySet<Operation> = new Set(['read', 'update', 'create', 'patch'])

const encoder = new TextEncoder()
function byteLength(s: string): number {
  // Fast path for ASCII.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length
  return s.length
}

/** Go's string `<`: byte-wise over UTF-8, i.e. code-point order. */
function codePointLess(a: string, b: string): boolean {
  const x = Array.from(a)
  const y = Array.from(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d !== 0) return d < 0
  }
  return x.length < y.length
}

/** Vault's priority order: is `a` lower priority than `b`? */
function isLower(a: Candidate, b: Candidate): boolean {
  if (a.firstWc !== b.firstWc) return a.firstWc < b.firstWc
  if (a.isPrefix !== b.isPrefix) return a.isPrefix
  if (a.wildcards !== b.wildcards) return a.wildcards > b.wildcards
  if (a.wcLen !== b.wcLen) return a.wcLen < b.wcLen
  return codePointLess(a.wcPath, b.wcPath)
}

function pick(best: Candidate | undefined, c: Candidate): Candidate {
  return best === undefined || isLower(best, c) ? c : best
}

function newPerms(rule: PathRules, policy: string): Perms {
  return {
    bitmap: rule.capabilitiesBitmap,
    minWrappingTtl: rule.minWrappingTtl,
    maxWrappingTtl: rule.maxWrappingTtl,
    allowed: rule.allowedParameters,
    denied: rule.deniedParameters,
    required: rule.requiredParameters,
    own: undefined,
    grants: [{ policy, bitmap: rule.capabilitiesBitmap }],
    names: undefined,
    granting: undefined,
  }
}

/** The parameter lists a merge may change. */
interface OwnedParams {
  readonly allowed: Map<string, readonly unknown[]>
  readonly denied: Map<string, readonly unknown[]>
  readonly required: string[]
}

/** Gives `perms` its own copies of the parameter lists before a merge changes them. */
function own(perms: Perms): OwnedParams {
  if (perms.own === undefined) {
    const o = {
      allowed: new Map(perms.allowed),
      denied: new Map(perms.denied),
      required: [...perms.required],
    }
    perms.own = o
    perms.allowed = o.allowed
    perms.denied = o.denied
    perms.required = o.required
  }
  return perms.own
}

/** Merges parameter lists per key: an empty list (any value) wins, otherwise the new values go first. */
function mergeParams(
  into: Map<string, readonly unknown[]>,
  from: ReadonlyMap<string, readonly unknown[]>,
): void {
  for (const [key, value] of from) {
    const existing = into.get(key)
    if (value.length === 0 || (existing !== undefined && existing.length === 0)) into.set(key, [])
    else into.set(key, [...value, ...(existing ?? [])])
  }
}

/** Vault's merge of a stanza into the permissions already held for the same pattern. */
function merge(existing: Perms, rule: PathRules, policy: string): void {
  const deny = CAPABILITY_BITS.deny
  if ((existing.bitmap & deny) !== 0) return
  if ((rule.capabilitiesBitmap & deny) !== 0) {
    existing.bitmap = deny
    existing.allowed = new Map()
    existing.denied = new Map()
    return
  }
  existing.bitmap |= rule.capabilitiesBitmap
  existing.grants.push({ policy, bitmap: rule.capabilitiesBitmap })
  if (
    rule.maxWrappingTtl > 0 &&
    (existing.maxWrappingTtl === 0 || rule.maxWrappingTtl < existing.maxWrappingTtl)
  ) {
    existing.maxWrappingTtl = rule.maxWrappingTtl
  }
  if (
    rule.minWrappingTtl > 0 &&
    (existing.minWrappingTtl === 0 || rule.minWrappingTtl < existing.minWrappingTtl)
  ) {
    existing.minWrappingTtl = rule.minWrappingTtl
  }
  const { allowedParameters, deniedParameters, requiredParameters } = rule
  if (allowedParameters.size === 0 && deniedParameters.size === 0 && requiredParameters.length === 0) return
  const mine = own(existing)
  mergeParams(mine.allowed, allowedParameters)
  mergeParams(mine.denied, deniedParameters)
  for (const p of requiredParameters) if (!mine.required.includes(p)) mine.required.push(p)
}

function names(perms: Perms): string[] {
  perms.names ??= capabilityNames(perms.bitmap)
  return perms.names
}

/** The policies that contributed `bit`, in merge order (duplicates kept, as Vault keeps them). */
function grantingPolicies(perms: Perms, bit: number): string[] {
  perms.granting ??= new Map()
  let list = perms.granting.get(bit)
  if (list === undefined) {
    list = perms.grants.filter((g) => (g.bitmap & bit) !== 0).map((g) => g.policy)
    perms.granting.set(bit, list)
  }
  return list
}

function capabilityNames(bitmap: number): string[] {
  return SORTED_CAPABILITIES.filter(([, bit]) => (bitmap & bit) !== 0).map(([name]) => name)
}

function newSegNode(): SegNode {
  return { lit: undefined, plus: undefined, exact: undefined, last: undefined }
}

/** The candidate for a `+` rule stored under `path` (which keeps its trailing `*`). */
function wcCandidate(path: string, perms: Perms): Candidate {
  const isPrefix = path.endsWith('*')
  const wcPath = isPrefix ? path.slice(0, -1) : path
  const plusAt = path.indexOf('+')
  return {
    perms,
    firstWc: byteLength(path.slice(0, plusAt)),
    wildcards: wcPath.split('/').filter((s) => s === '+').length,
    isPrefix,
    wcPath,
    wcLen: byteLength(wcPath),
  }
}

function deniedResult(): AclResult {
  return { allowed: false, rootPrivs: false, isRoot: false, capabilities: [], grantingPolicies: [] }
}

/**
 * The access control list of a token: its policies merged and indexed once, then queried per request.
 * Build one per set of policies (it is immutable); building is linear in the number of rules, a check
 * is proportional to the path's length (plus the `+` rules that share its segments).
 *
 * Templated stanzas (`{{identity.…}}`) are dropped: vaultlet has no identity store to resolve them
 * against yet, and Vault drops a stanza whose template it cannot resolve.
 *
 * @example
 * ```ts
 * const acl = new ACL([parsePolicy('app', 'path "secret/data/app/*" { capabilities = ["read"] }')])
 * acl.allowOperation({ path: 'secret/data/app/db', operation: 'read' }).allowed // true
 * acl.capabilities('secret/data/other') // ['deny']
 * ```
 */
export class ACL {
  readonly #root: boolean
  readonly #exact = new Map<string, Perms>()
  readonly #prefix = new PrefixTree<Candidate>()
  readonly #wc: SegNode = newSegNode()
  readonly #hasWc: boolean
  readonly #legacyParams: boolean
  /** Every glob and `+` rule with its merged permissions, for {@link ACL.hasAccessUnder}. */
  readonly #nonExactRules: [string, Perms][] = []

  /**
   * @throws {InternalError} `other policies present along with root` when the `root` policy comes with
   *   others (Vault refuses such an ACL).
   */
  constructor(policies: readonly Policy[], options: AclOptions = {}) {
    this.#legacyParams = options.legacyListParameterMatching ?? false
    this.#root = policies.some((p) => p.name === 'root')
    if (this.#root && policies.length !== 1) throw new InternalError('other policies present along with root')

    const prefixRules = new Map<string, Perms>()
    const wcRules = new Map<string, Perms>()
    for (const policy of policies) {
      for (const rule of policy.paths) {
        if (rule.templated) continue
        const table = rule.hasSegmentWildcards ? wcRules : rule.isPrefix ? prefixRules : this.#exact
        const existing = table.get(rule.path)
        if (existing === undefined) table.set(rule.path, newPerms(rule, policy.name))
        else merge(existing, rule, policy.name)
      }
    }
    for (const [path, perms] of prefixRules) {
      const len = byteLength(path)
      this.#prefix.insert(path, {
        perms,
        firstWc: len,
        wildcards: 0,
        isPrefix: true,
        wcPath: path,
        wcLen: len,
      })
    }
    for (const [path, perms] of wcRules) this.#insertWc(wcCandidate(path, perms))
    this.#hasWc = wcRules.size > 0
    this.#nonExactRules = [...prefixRules, ...wcRules]
  }

  /**
   * Whether any rule grants something at or below `prefix` (Vault's `hasMountAccess`, used by
   * `sys/internal/ui/mounts/:path`): the prefix itself is not denied, or an exact, glob or `+` rule
   * below it grants a capability, or a glob above it does.
   *
   * @example
   * ```ts
   * new ACL([parsePolicy('p', 'path "secret/data/app/*" { capabilities = ["read"] }')]).hasAccessUnder('secret/') // true
   * ```
   */
  hasAccessUnder(prefix: string): boolean {
    if (this.#root) return true
    if (!this.capabilities(prefix).includes('deny')) return true
    const grants = (perms: Perms) => (perms.bitmap & CAPABILITY_BITS.deny) === 0 && names(perms).length > 0
    for (const [path, perms] of this.#exact) if (path.startsWith(prefix) && grants(perms)) return true
    for (const [path, perms] of this.#nonExactRules) if (path.startsWith(prefix) && grants(perms)) return true
    const above = this.#nonExact(prefix)
    return above !== undefined && grants(above)
  }

  /** `true` when this ACL holds the `root` policy: everything is allowed. */
  get isRoot(): boolean {
    return this.#root
  }

  #insertWc(c: Candidate): void {
    const parts = c.wcPath.split('/')
    const walk = c.isPrefix ? parts.length - 1 : parts.length
    let node = this.#wc
    for (let i = 0; i < walk; i++) {
      const seg = parts[i]!
      if (seg === '+') {
        node.plus ??= newSegNode()
        node = node.plus
      } else {
        node.lit ??= new Map()
        let next = node.lit.get(seg)
        if (next === undefined) {
          next = newSegNode()
          node.lit.set(seg, next)
        }
        node = next
      }
    }
    if (c.isPrefix) {
      node.last ??= new PrefixTree()
      node.last.insert(parts[parts.length - 1]!, c)
    } else node.exact = c
  }

  /** Every `+` rule matching `parts`, folded into the highest-priority one. */
  #matchWc(
    node: SegNode,
    parts: readonly string[],
    depth: number,
    best: Candidate | undefined,
  ): Candidate | undefined {
    if (depth === parts.length) return node.exact === undefined ? best : pick(best, node.exact)
    const seg = parts[depth]!
    if (node.last !== undefined) {
      const hit = node.last.longestPrefix(seg)
      if (hit !== undefined) best = pick(best, hit.value)
    }
    const lit = node.lit?.get(seg)
    if (lit !== undefined) best = this.#matchWc(lit, parts, depth + 1, best)
    if (node.plus !== undefined) best = this.#matchWc(node.plus, parts, depth + 1, best)
    return best
  }

  /** Vault's `CheckAllowedFromNonExactPaths` (not for bare mounts). */
  #nonExact(path: string): Perms | undefined {
    const prefix = this.#prefix.longestPrefix(path)?.value
    if (!this.#hasWc) return prefix?.perms
    return this.#matchWc(this.#wc, path.split('/'), 0, prefix)?.perms
  }

  /** The merged rule that decides for `path` under `op`, or `undefined`. */
  #lookup(path: string, op: Operation): Perms | undefined {
    const exact = this.#exact.get(path)
    if (exact !== undefined) return exact
    if (op !== 'list') return this.#nonExact(path)
    const trimmed = path.endsWith('/') ? path.slice(0, -1) : path
    return (
      this.#exact.get(trimmed) ??
      (trimmed !== path ? this.#nonExact(trimmed) : undefined) ??
      this.#nonExact(path)
    )
  }

  /**
   * Is `req.operation` on `req.path` allowed? Applies the deciding rule's capability, then its wrapping
   * TTL bounds (`max_wrapping_ttl` set: the request must be wrapped with a TTL ≤ max; `min_wrapping_ttl`
   * set: wrapped with a TTL ≥ min), then — for read, create, update and patch — its parameter
   * constraints. `help` is always allowed; `renew`, `revoke` and `rollback` need `update`.
   *
   * @example
   * ```ts
   * const acl = new ACL([parsePolicy('p', 'path "sys/seal" { capabilities = ["update", "sudo"] }')])
   * acl.allowOperation({ path: 'sys/seal', operation: 'update' }) // { allowed: true, rootPrivs: true, … }
   * ```
   */
  allowOperation(req: AclRequest): AclResult {
    if (this.#root) {
      return {
        allowed: true,
        rootPrivs: true,
        isRoot: true,
        capabilities: ['root'],
        grantingPolicies: ['root'],
      }
    }
    const op = req.operation
    if (op === 'help') return { ...deniedResult(), allowed: true }

    let path = req.path
    while (path.startsWith('/')) path = path.slice(1)
    const perms = this.#lookup(path, op)
    if (perms === undefined) return deniedResult()

    const result: AclResult = {
      allowed: false,
      rootPrivs: (perms.bitmap & CAPABILITY_BITS.sudo) !== 0,
      isRoot: false,
      capabilities: names(perms).slice(),
      grantingPolicies: [],
    }
    const bit = Object.hasOwn(OPERATION_BITS, op) ? OPERATION_BITS[op] : undefined
    if (bit === undefined || (perms.bitmap & bit) === 0) return result
    result.grantingPolicies = grantingPolicies(perms, bit).slice()

    const wrapTtl = req.wrapTtl ?? 0
    if (perms.maxWrappingTtl > 0 && (wrapTtl === 0 || wrapTtl > perms.maxWrappingTtl)) return result
    if (perms.minWrappingTtl > 0 && (wrapTtl === 0 || wrapTtl < perms.minWrappingTtl)) return result
    // Merging can leave max < min even though one stanza cannot.
    if (
      perms.minWrappingTtl !== 0 &&
      perms.maxWrappingTtl !== 0 &&
      perms.maxWrappingTtl < perms.minWrappingTtl
    ) {
      return result
    }

    if (PARAMETER_OPERATIONS.has(op)) {
      const rules = { allowed: perms.allowed, denied: perms.denied, required: perms.required }
      if (!parametersAllowed(rules, req.data, this.#legacyParams)) return result
    }
    result.allowed = true
    return result
  }

  /**
   * The capabilities on `path`, as `sys/capabilities` reports them: sorted, `['root']` for a root ACL,
   * `['deny']` when no rule matches or the rule denies. The path is looked up as for a `list`, so a
   * trailing `/` falls back to the rule without it.
   *
   * @example
   * ```ts
   * const acl = new ACL([parsePolicy('p', 'path "secret/*" { capabilities = ["read", "list"] }')])
   * acl.capabilities('secret/foo') // ['list', 'read']
   * acl.capabilities('other')      // ['deny']
   * ```
   */
  capabilities(path: string): string[] {
    if (this.#root) return ['root']
    let p = path
    while (p.startsWith('/')) p = p.slice(1)
    const perms = this.#lookup(p, 'list')
    if (perms === undefined || (perms.bitmap & CAPABILITY_BITS.deny) !== 0 || names(perms).length === 0) {
      return ['deny']
    }
    return names(perms).slice()
  }
}
