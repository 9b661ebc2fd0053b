/**
 * The token fields every auth method shares (Vault's `sdk/helper/tokenutil`): `token_ttl`,
 * `token_max_ttl`, `token_policies`, `token_bound_cidrs`, `token_explicit_max_ttl`,
 * `token_no_default_policy`, `token_num_uses`, `token_period`, `token_type` — their schema, parsing with
 * Vault's checks and wording, what a read shows, the login `auth` they produce, and the upgrade of the
 * deprecated fields they replaced (`policies`, `period`, `ttl`, `max_ttl`, `bound_cidrs`…). AppRole
 * roles, userpass users and token roles all use them; Vault's `policyutil` helpers that go with them
 * (`ParsePolicies`, `EquivalentPolicies`) live here too.
 *
 * Stored form: snake_case keys as Vault's JSON, durations in seconds.
 *
 * @module
 */
import type { AuthInfo } from '../../core/logical.js'
import { sanitizePolicies } from '../../core/token-store.js'
import { goQuote } from '../../framework/duration.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { parseAddresses } from './cidr.js'

/**
 * The token type an auth method asks for: `default` leaves it to the mount's tuning (`token_type` of
 * `sys/auth/:path/tune`); token roles also store `default-service` / `default-batch`.
 */
export type TokenParamsType = 'default' | 'service' | 'batch' | 'default-service' | 'default-batch'

/** The shared token settings of a role or user (Vault's `tokenutil.TokenParams`); durations in seconds. */
export interface TokenParams {
  /** Addresses / CIDRs the issued tokens may be used from, in `go-sockaddr` form. */
  token_bound_cidrs: string[]
  token_explicit_max_ttl: number
  token_max_ttl: number
  token_no_default_policy: boolean
  token_num_uses: number
  token_period: number
  /** As given (Vault keeps the raw list; the core sanitizes at login). */
  token_policies: string[]
  token_type: TokenParamsType
  token_ttl: number
}

/**
 * Fresh token settings: everything zero, type `default`.
 *
 * @example
 * ```ts
 * const user = { ...newTokenParams(), password_hash: '' }
 * ```
 */
export function newTokenParams(): TokenParams {
  return {
    token_bound_cidrs: [],
    token_explicit_max_ttl: 0,
    token_max_ttl: 0,
    token_no_default_policy: false,
    token_num_uses: 0,
    token_period: 0,
    token_policies: [],
    token_type: 'default',
    token_ttl: 0,
  }
}

/**
 * Vault's `tokenutil.DeprecationText`.
 *
 * @example
 * ```ts
 * deprecationText('token_policies')
 * // 'Use "token_policies" instead. If this and "token_policies" are both specified, only "token_policies" will be used.'
 * ```
 */
export function deprecationText(param: string): string {
  const q = goQuote(param)
  return `Use ${q} instead. If this and ${q} are both specified, only ${q} will be used.`
}

/** The token fields' schema (Vault's `tokenutil.TokenFields`). */
export const TOKEN_FIELDS: Readonly<Record<string, FieldSchema>> = Object.freeze({
  token_bound_cidrs: {
    type: 'commaStringSlice',
    description:
      'Comma separated string or JSON list of CIDR blocks. If set, specifies the blocks of IP addresses which are allowed to use the generated token.',
  },
  token_explicit_max_ttl: {
    type: 'duration',
    description:
      'If set, tokens created via this role carry an explicit maximum TTL. During renewal, the current maximum TTL values of the role and the mount are not checked for changes, and any updates to these values will have no effect on the token being renewed.',
  },
  token_max_ttl: { type: 'duration', description: 'The maximum lifetime of the generated token' },
  token_no_default_policy: {
    type: 'bool',
    description: "If true, the 'default' policy will not automatically be added to generated tokens",
  },
  token_period: {
    type: 'duration',
    description:
      'If set, tokens created via this role will have no max lifetime; instead, their renewal period will be fixed to this value. This takes an integer number of seconds, or a string duration (e.g. "24h").',
  },
  token_policies: { type: 'commaStringSlice', description: 'Comma-separated list of policies' },
  token_type: {
    type: 'string',
    default: 'default-service',
    description: 'The type of token to generate, service or batch',
  },
  token_ttl: { type: 'duration', description: 'The initial ttl of the token to generate' },
  token_num_uses: {
    type: 'int',
    description: 'The maximum number of times a token may be used, a value of zero means unlimited',
  },
})

/**
 * The token fields' schema, optionally restricted to `allowed` (Vault's
 * `AddTokenFieldsWithAllowList`), to spread into a path's fields.
 *
 * @example
 * ```ts
 * definePath({ pattern: 'users/(?<username>\\w+)', fields: { username: { type: 'string' }, ...tokenFields() }, operations })
 * ```
 */
export function tokenFields(allowed?: readonly string[]): Record<string, FieldSchema> {
  const out: Record<string, FieldSchema> = {}
  for (const [name, schema] of Object.entries(TOKEN_FIELDS)) {
    if (!allowed || allowed.includes(name)) out[name] = schema
  }
  return out
}

/**
 * Vault's `TokenParams.ParseTokenFields`: applies the token fields present in `d` to `t`, with Vault's
 * checks in Vault's order. With `parseType: false` the caller handles `token_type` itself (token roles
 * accept `default-service` / `default-batch`). Fields the path does not declare are skipped.
 *
 * @example
 * ```ts
 * try { parseTokenFields(role, d) } catch (e) { throw new InvalidRequestError((e as Error).message) }
 * ```
 * @throws {Error} with Vault's message, e.g. `'token_ttl' cannot be greater than 'token_max_ttl'` or
 *   `invalid 'token_type' value "x"`; the caller decides the status (400 everywhere in Vault).
 */
export function parseTokenFields(t: TokenParams, d: FieldData, options: { parseType?: boolean } = {}): void {
  const [cidrs, hasCidrs] = d.getOk<string[]>('token_bound_cidrs')
  if (hasCidrs) t.token_bound_cidrs = parseAddresses(cidrs ?? [])
  const [explicitMax, hasExplicitMax] = d.getOk<number>('token_explicit_max_ttl')
  if (hasExplicitMax) t.token_explicit_max_ttl = explicitMax ?? 0
  const [maxTtl, hasMaxTtl] = d.getOk<number>('token_max_ttl')
  if (hasMaxTtl) t.token_max_ttl = maxTtl ?? 0
  if (t.token_max_ttl < 0) throw new Error("'token_max_ttl' cannot be negative")
  const [noDefault, hasNoDefault] = d.getOk<boolean>('token_no_default_policy')
  if (hasNoDefault) t.token_no_default_policy = noDefault ?? false
  const [period, hasPeriod] = d.getOk<number>('token_period')
  if (hasPeriod) t.token_period = period ?? 0
  if (t.token_period < 0) throw new Error("'token_period' cannot be negative")
  const [policies, hasPolicies] = d.getOk<string[]>('token_policies')
  if (hasPolicies) t.token_policies = policies ?? []
  if (options.parseType !== false) {
    const [type, hasType] = d.getOk<string>('token_type')
    if (hasType) {
      switch (type) {
        case '':
        case 'default':
          t.token_type = 'default'
          break
        case 'service':
        case 'batch':
          t.token_type = type
          break
        default:
          throw new Error(`invalid 'token_type' value ${goQuote(String(type))}`)
      }
    }
  }
  const [numUses, hasNumUses] = d.getOk<number>('token_num_uses')
  if (hasNumUses) t.token_num_uses = numUses ?? 0
  if (t.token_num_uses < 0) throw new Error("'token_num_uses' cannot be negative")
  if (t.token_type === 'batch' || t.token_type === 'default-batch') {
    if (t.token_period !== 0) {
      throw new Error(
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
      )
    }
    if (t.token_num_uses !== 0) {
      throw new Error(
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
      )
    }
  }
  const [ttl, hasTtl] = d.getOk<number>('token_ttl')
  if (hasTtl) t.token_ttl = ttl ?? 0
  if (t.token_ttl < 0) throw new Error("'token_ttl' cannot be negative")
  if (t.token_ttl > 0 && t.token_max_ttl > 0 && t.token_ttl > t.token_max_ttl) {
    throw new Error("'token_ttl' cannot be greater than 'token_max_ttl'")
  }
}

/**
 * Vault's `PopulateTokenData`: the token fields as a read shows them (seconds; empty lists as `[]`).
 *
 * @example
 * ```ts
 * tokenData(newTokenParams()).token_type // 'default'
 * ```
 */
export function tokenData(t: TokenParams): Record<string, unknown> {
  return {
    token_bound_cidrs: [...t.token_bound_cidrs],
    token_explicit_max_ttl: t.token_explicit_max_ttl,
    token_max_ttl: t.token_max_ttl,
    token_no_default_policy: t.token_no_default_policy,
    token_num_uses: t.token_num_uses,
    token_period: t.token_period,
    token_policies: [...t.token_policies],
    token_type: t.token_type,
    token_ttl: t.token_ttl,
  }
}

/**
 * Vault's `PopulateTokenAuth`: the login `auth` the settings produce (renewable; the core applies
 * `default`, the mount's token type and TTL limits when it creates the token).
 *
 * @example
 * ```ts
 * return { auth: { ...populateTokenAuth(user), metadata: { username }, displayName: username } }
 * ```
 */
export function populateTokenAuth(t: TokenParams): AuthInfo {
  const type =
    t.token_type === 'default-service' ? 'service' : t.token_type === 'default-batch' ? 'batch' : t.token_type
  return {
    boundCidrs: [...t.token_bound_cidrs],
    explicitMaxTtl: t.token_explicit_max_ttl,
    maxTtl: t.token_max_ttl,
    noDefaultPolicy: t.token_no_default_policy,
    period: t.token_period,
    policies: [...t.token_policies],
    renewable: true,
    tokenType: type,
    ttl: t.token_ttl,
    numUses: t.token_num_uses,
  }
}

/**
 * Vault's `tokenutil.UpgradeValue`: a deprecated field and its `token_*` successor. Without the new
 * field, a given old value sets both; with it, the old one mirrors it if it was given too, else is
 * cleared. Returns `[old, new]`.
 *
 * @example
 * ```ts
 * ;[user.policies, user.token_policies] = upgradeValue(d, 'policies', 'token_policies', [user.policies, user.token_policies], [], parsePolicies)
 * ```
 */
export function upgradeValue<T>(
  d: FieldData,
  oldKey: string,
  newKey: string,
  values: [T, T],
  zero: T,
  convert: (raw: unknown) => T = (raw) => raw as T,
): [T, T] {
  let [oldVal, newVal] = values
  if (!d.getOk(newKey)[1]) {
    const [raw, ok] = d.getOk(oldKey)
    if (ok) {
      oldVal = convert(raw)
      newVal = oldVal
    }
  } else {
    oldVal = d.getOk(oldKey)[1] ? newVal : zero
  }
  return [oldVal, newVal]
}

/**
 * Vault's `policyutil.ParsePolicies`: a comma string or a list, sanitized (trimmed, lower-cased,
 * de-duplicated, sorted; `root` alone if present), without adding `default`.
 *
 * @example
 * ```ts
 * parsePolicies('Web, db') // ['db', 'web']
 * ```
 */
export function parsePolicies(raw: unknown): string[] {
  if (raw === null || raw === undefined) return ['default']
  const list = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw.map(String) : []
  return sanitizePolicies(list, false)
}

/**
 * Vault's `policyutil.EquivalentPolicies`: the same set of policies, ignoring `default` (which the core
 * may have added after the backend stored its list).
 *
 * @example
 * ```ts
 * equivalentPolicies(['web'], ['default', 'web']) // true
 * ```
 */
export function equivalentPolicies(a: readonly string[] | null, b: readonly string[] | null): boolean {
  const set = (l: readonly string[] | null) => [...new Set((l ?? []).filter((p) => p !== 'default'))].sort()
  const sa = set(a)
  const sb = set(b)
  return sa.length === sb.length && sa.every((p, i) => p === sb[i])
}
