/**
 * Request-parameter constraints of a policy stanza (`required_parameters`, `denied_parameters`,
 * `allowed_parameters`), evaluated as Vault's `AllowOperation` evaluates them (`vault/acl.go`):
 *
 * 1. every required parameter must be present (looked up by its lower-cased name);
 * 2. a request without data is allowed;
 * 3. denied: the key `*` denies any data; a denied key with an empty list denies any value, otherwise
 *    the values listed;
 * 4. allowed: none listed allows all; only `*` allows all; otherwise every request key must be listed
 *    (or `*` be listed too) and, when its list is not empty, its value must match one entry.
 *
 * Value matching: a string entry globs a string value (`*x*` contains, `*x` suffix, `x*` prefix, else
 * equal; a one-character entry must be equal); other entries compare by deep equality; `null` matches
 * only `null`. Since Vault 1.21 a list value (or a comma-separated string) is also allowed when each
 * element is allowed and denied when any element is denied; `legacy` turns that off, as Vault's
 * `VAULT_LEGACY_EXACT_MATCHING_ON_LIST` does.
 *
 * Internal to the policy module.
 *
 * @module
 */

/** go-secure-stdlib `strutil.GlobbedStringsMatch`. */
export function globMatch(item: string, val: string): boolean {
  if (item.length < 2) return val === item
  const star0 = item.startsWith('*')
  const star1 = item.endsWith('*')
  if (star0 && star1) return val.includes(item.slice(1, -1))
  if (star0) return val.endsWith(item.slice(1))
  if (star1) return val.startsWith(item.slice(0, -1))
  return val === item
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Go's `reflect.DeepEqual` over JSON-like data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    for (const k of ka) if (!Object.hasOwn(b, k) || !deepEqual(a[k], b[k])) return false
    return true
  }
  return false
}

/** Vault's `valueInParameterList` (without the empty-list shortcut). */
function valueInList(v: unknown, list: readonly unknown[]): boolean {
  const value = v === undefined ? null : v
  for (const el of list) {
    if (el === null || el === undefined || value === null) {
      if ((el ?? null) === value) return true
    } else if (typeof el === 'string') {
      if (typeof value === 'string' && globMatch(el, value)) return true
    } else if (deepEqual(el, value)) return true
  }
  return false
}

/** go-secure-stdlib `parseutil.ParseCommaStringSlice` on a string, then `TrimStrings`. */
function commaSplit(s: string): string[] {
  return s === '' ? [] : s.split(',').map((p) => p.trim())
}

/** Vault's `valueInAllowedParameterList`. */
function allowedValue(v: unknown, list: readonly unknown[], legacy: boolean): boolean {
  if (list.length === 0 || valueInList(v, list)) return true
  if (legacy) return false
  if (Array.isArray(v)) return v.every((e) => valueInList(e, list))
  if (typeof v === 'string') return commaSplit(v).every((e) => valueInList(e, list))
  return false
}

/** Vault's `valueInDeniedParameterList`. */
function deniedValue(v: unknown, list: readonly unknown[], legacy: boolean): boolean {
  if (list.length === 0 || valueInList(v, list)) return true
  if (legacy) return false
  if (Array.isArray(v)) return v.some((e) => valueInList(e, list))
  if (typeof v === 'string') return commaSplit(v).some((e) => valueInList(e, list))
  return false
}

/** The parameter constraints of one (merged) rule. */
export interface ParameterRules {
  readonly allowed: ReadonlyMap<string, readonly unknown[]>
  readonly denied: ReadonlyMap<string, readonly unknown[]>
  readonly required: readonly string[]
}

/** Do the request's data satisfy the rule's parameter constraints? */
export function parametersAllowed(
  rules: ParameterRules,
  data: Readonly<Record<string, unknown>> | undefined,
  legacy: boolean,
): boolean {
  for (const p of rules.required) {
    if (data === undefined || !Object.hasOwn(data, p.toLowerCase())) return false
  }
  if (data === undefined) return true
  const keys = Object.keys(data)
  if (keys.length === 0) return true

  const { allowed, denied } = rules
  if (denied.size > 0) {
    if (denied.has('*')) return false
    for (const k of keys) {
      const list = denied.get(k.toLowerCase())
      if (list !== undefined && deniedValue(data[k], list, legacy)) return false
    }
  }

  if (allowed.size === 0) return true
  const allowedAll = allowed.has('*')
  if (allowed.size === 1 && allowedAll) return true
  for (const k of keys) {
    const list = allowed.get(k.toLowerCase())
    if (list === undefined) {
      if (!allowedAll) return false
    } else if (!allowedValue(data[k], list, legacy)) return false
  }
  return true
}
