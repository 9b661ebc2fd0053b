/**
 * Password policies (Vault's `sys/policies/password` and `helper/random`): a small HCL language that
 * says how long a generated password is and which characters it must contain, and the generator that
 * draws passwords from it — plus Vault's default generator, used wherever no policy is named.
 *
 * ```hcl
 * length = 20
 * rule "charset" {
 *   charset   = "abcdefghijklmnopqrstuvwxyz"
 *   min-chars = 1
 * }
 * rule "charset" {
 *   charset   = "0123456789"
 *   min-chars = 2
 * }
 * ```
 *
 * The candidate alphabet is the union of every rule's charset (de-duplicated, sorted by code point);
 * candidates are drawn from the CSPRNG without modulo bias and redrawn until every rule passes, for at
 * most one second (Vault's `StringGenerator`). Policies are stored as
 * `password_policy/<name>` → `{"policy": "<hcl>"}` in the system backend's storage, as in Vault.
 *
 * @module
 */
import { InvalidRequestError } from '../errors.js'
import { parseHcl } from '../policy/hcl.js'
import type { HclItem, HclNode } from '../policy/hcl-ast.js'
import type { Storage } from '../storage/view.js'
import { fromBase64, fromUtf8, utf8 } from '../util/encoding.js'

/** One `rule "charset"` block: at least `minChars` characters of the password come from `charset`. */
export interface CharsetRule {
  readonly type: 'charset'
  /** The characters (code points), in the order written. */
  readonly charset: readonly string[]
  /** Minimum number of characters from `charset` (0 = no minimum; the charset still joins the alphabet). */
  readonly minChars: number
}

/** A parsed password policy. */
export interface PasswordPolicy {
  readonly length: number
  readonly rules: readonly CharsetRule[]
}

/** Vault's bounds on a stored policy's length (`minPasswordLength` / `maxPasswordLength`). */
export const MIN_PASSWORD_LENGTH = 4
export const MAX_PASSWORD_LENGTH = 100

/** The storage key of a named policy in the system backend's storage (Vault's `getPasswordPolicyKey`). */
export const passwordPolicyKey = (name: string): string => `password_policy/${name}`

const chars = (s: string): string[] => [...s]

/**
 * Vault's default generator (`random.DefaultStringGenerator`): 20 characters from `[a-zA-Z0-9-]`, at
 * least one lowercase letter, one uppercase letter, one digit and one `-`.
 */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = Object.freeze({
  length: 20,
  rules: Object.freeze([
    { type: 'charset', charset: chars('abcdefghijklmnopqrstuvwxyz'), minChars: 1 },
    { type: 'charset', charset: chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minChars: 1 },
    { type: 'charset', charset: chars('0123456789'), minChars: 1 },
    { type: 'charset', charset: ['-'], minChars: 1 },
  ] as CharsetRule[]),
})

/** A policy that cannot be parsed or used; the message is Vault's. */
export class PasswordPolicyError extends Error {
  override name = 'PasswordPolicyError'
}

/** Go's multierror text. */
function multiError(errors: string[]): string {
  const head = errors.length === 1 ? '1 error occurred:' : `${errors.length} errors occurred:`
  return `${head}\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`
}

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrintable(c: string): boolean {
  return c === ' ' || !/[\p{C}\p{Z}]/u.test(c)
}

/** The sorted, de-duplicated union of the rules' charsets (Vault's `getChars`). */
export function policyAlphabet(policy: PasswordPolicy): string[] {
  const set = new Set<string>()
  for (const r of policy.rules) for (const c of r.charset) set.add(c)
  return [...set].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0))
}

/**
 * Vault's `validateConfig`: the length is positive and fits the rules' minimums, and the alphabet is
 * non-empty and printable.
 *
 * @throws {PasswordPolicyError} with Vault's multierror text.
 */
export function validatePasswordPolicy(policy: PasswordPolicy): void {
  const errors: string[] = []
  const minLen = policy.rules.reduce((n, r) => n + r.minChars, 0)
  if (policy.length <= 0) errors.push('length must be > 0')
  else if (policy.length < minLen) {
    errors.push(`specified rules require at least ${minLen} characters but ${policy.length} is specified`)
  }
  const alphabet = policyAlphabet(policy)
  if (alphabet.length === 0) errors.push('no charset specified')
  else if (!alphabet.every(isPrintable)) errors.push('non-printable character in charset')
  if (errors.length > 0) throw new PasswordPolicyError(multiError(errors))
}

// ---------------------------------------------------------------------------------------------------
// Parsing

function literal(node: HclNode): string | number | boolean | undefined {
  return node.kind === 'literal' ? node.value : undefined
}

function goType(node: HclNode): string {
  if (node.kind === 'list') return '[]interface {}'
  if (node.kind === 'object') return '[]map[string]interface {}'
  return typeof node.value === 'number'
    ? Number.isInteger(node.value)
      ? 'int'
      : 'float64'
    : typeof node.value === 'boolean'
      ? 'bool'
      : 'string'
}

/** mapstructure's strict int decode, with its wording. */
function decodeInt(name: string, node: HclNode): number {
  const v = literal(node)
  if (typeof v === 'number' && Number.isInteger(v)) return v
  const shown = v === undefined ? '' : `, value: '${String(v)}'`
  throw new PasswordPolicyError(
    `1 error(s) decoding:\n\n* '${name}' expected type 'int', got unconvertible type '${goType(node)}'${shown}`,
  )
}

/** The `{ … }` bodies of a rule, whichever way HCL or its JSON form wrote them. */
function ruleBodies(item: HclItem): Array<{ type: string; body: HclItem[] }> {
  const out: Array<{ type: string; body: HclItem[] }> = []
  const [, typeKey, ...rest] = item.keys
  if (typeKey) {
    // `rule "charset" { … }`
    if (rest.length > 0 || item.value.kind !== 'object') {
      throw new PasswordPolicyError('unable to get rule info: rule info cannot be empty')
    }
    out.push({ type: typeKey.value, body: item.value.items })
    return out
  }
  // JSON: `"rule": [{"charset": {…}}]` or `"rule": {"charset": {…}}`
  const values = item.value.kind === 'list' ? item.value.items : [item.value]
  for (const v of values) {
    if (v.kind !== 'object') throw new PasswordPolicyError('unable to get rule info: rule is empty')
    const first = v.items[0]
    if (!first) throw new PasswordPolicyError('unable to get rule info: rule is empty')
    const type = first.keys[0]?.value ?? ''
    if (first.keys.length > 1) {
      out.push({ type, body: [{ ...first, keys: first.keys.slice(1) }] })
      continue
    }
    const bodies = first.value.kind === 'list' ? first.value.items : [first.value]
    const body = bodies[0]
    if (body?.kind !== 'object') {
      throw new PasswordPolicyError('unable to get rule info: rule info cannot be empty')
    }
    out.push({ type, body: body.items })
  }
  return out
}

function parseCharsetRule(body: HclItem[]): CharsetRule {
  let charset: string[] = []
  let minChars = 0
  for (const item of body) {
    const key = item.keys[0]?.value
    if (key === 'charset') {
      const v = literal(item.value)
      if (typeof v !== 'string') {
        throw new PasswordPolicyError(
          `failed to parse charset restriction: 1 error(s) decoding:\n\n* 'charset' expected a slice, got '${goType(item.value)}'`,
        )
      }
      charset = chars(v)
    } else if (key === 'min-chars') {
      try {
        minChars = decodeInt('min-chars', item.value)
      } catch (e) {
        throw new PasswordPolicyError(`failed to parse charset restriction: ${(e as Error).message}`)
      }
    }
  }
  return { type: 'charset', charset, minChars }
}

/**
 * Parses a password policy's HCL (or JSON) text and validates it (Vault's `random.ParsePolicy`).
 *
 * @example
 * ```ts
 * const p = parsePasswordPolicy('length = 12\nrule "charset" { charset = "abc" min-chars = 1 }')
 * p.length // 12
 * ```
 * @throws {PasswordPolicyError} with Vault's wording (`unable to decode: …`, `unable to parse rules: …`,
 *   `1 error occurred:\n\t* length must be > 0\n\n`, …).
 */
export function parsePasswordPolicy(text: string): PasswordPolicy {
  let root: { items: HclItem[] }
  try {
    root = parseHcl(text)
  } catch (e) {
    throw new PasswordPolicyError(`unable to decode: ${(e as Error).message}`)
  }
  let length = 0
  const rules: CharsetRule[] = []
  for (const item of root.items) {
    const key = item.keys[0]?.value
    if (key === 'length') {
      try {
        length = decodeInt('length', item.value)
      } catch (e) {
        throw new PasswordPolicyError(`failed to decode configuration: ${(e as Error).message}`)
      }
    } else if (key === 'rule') {
      let bodies: Array<{ type: string; body: HclItem[] }>
      try {
        bodies = ruleBodies(item)
      } catch (e) {
        throw new PasswordPolicyError(`unable to parse rules: ${(e as Error).message}`)
      }
      for (const { type, body } of bodies) {
        if (type !== 'charset') {
          throw new PasswordPolicyError(
            `unable to parse rules: unable to parse rule ${type}: unrecognized rule type ${type}`,
          )
        }
        try {
          rules.push(parseCharsetRule(body))
        } catch (e) {
          throw new PasswordPolicyError(
            `unable to parse rules: unable to parse rule charset: ${(e as Error).message}`,
          )
        }
      }
    }
  }
  const policy: PasswordPolicy = { length, rules }
  validatePasswordPolicy(policy)
  return policy
}

// ---------------------------------------------------------------------------------------------------
// Generation

/** Fills `buf` from the platform CSPRNG (Web Crypto). */
export type RandomSource = (buf: Uint8Array) => void

const webRandom: RandomSource = (buf) => {
  globalThis.crypto.getRandomValues(buf as Uint8Array<ArrayBuffer>)
}

/** Vault's `randomRunes`: `length` characters of `alphabet`, one byte each, rejection-sampled (no bias). */
function randomChars(alphabet: readonly string[], length: number, random: RandomSource): string[] {
  if (alphabet.length === 0) throw new PasswordPolicyError('no charset specified')
  if (alphabet.length > 256) throw new PasswordPolicyError('charset is too long: limited to 255 characters')
  const maxAllowed = Math.floor(256 / alphabet.length) * alphabet.length - 1
  const out: string[] = []
  const buf = new Uint8Array(Math.max(8, Math.ceil(length * 1.5)))
  while (out.length < length) {
    random(buf)
    for (const b of buf) {
      if (b > maxAllowed) continue
      out.push(alphabet[b % alphabet.length] as string)
      if (out.length === length) break
    }
  }
  return out
}

function passes(rule: CharsetRule, candidate: readonly string[]): boolean {
  if (rule.minChars <= 0) return true
  let count = 0
  for (const c of candidate) {
    if (rule.charset.includes(c) && ++count >= rule.minChars) return true
  }
  return false
}

/**
 * Draws a password from a policy: random candidates until one satisfies every rule, for at most
 * `timeoutMs` (Vault: one second).
 *
 * @example
 * ```ts
 * generatePassword(DEFAULT_PASSWORD_POLICY) // 'a8Xk-…' (20 characters)
 * ```
 * @throws {PasswordPolicyError} `timed out generating string`, or an invalid policy.
 */
export function generatePassword(
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
  options: { random?: RandomSource; timeoutMs?: number } = {},
): string {
  validatePasswordPolicy(policy)
  const alphabet = policyAlphabet(policy)
  const random = options.random ?? webRandom
  const deadline = Date.now() + (options.timeoutMs ?? 1000)
  for (;;) {
    const candidate = randomChars(alphabet, policy.length, random)
    if (policy.rules.every((r) => passes(r, candidate))) return candidate.join('')
    if (Date.now() > deadline) throw new PasswordPolicyError('timed out generating string')
  }
}

/**
 * Vault's check on `sys/policies/password/:name` writes: builds one password by hand from the rules'
 * minimums and fills it round-robin, so a policy whose rules cannot all hold is refused up front.
 *
 * @returns `true` when a test password satisfying every rule could be built.
 */
export function policyIsSatisfiable(policy: PasswordPolicy): boolean {
  const pick = (r: CharsetRule) => r.charset[Math.floor(Math.random() * r.charset.length)] as string
  const test: string[] = []
  for (const r of policy.rules) for (let j = 0; j < r.minChars; j++) test.push(pick(r))
  for (let i = test.length; i < policy.length; i++) {
    for (const r of policy.rules) {
      if (test.length >= policy.length) break
      if (r.charset.length > 0) test.push(pick(r))
    }
  }
  return policy.rules.every((r) => passes(r, test))
}

/**
 * Parses a policy text as `sys/policies/password/:name` accepts it: optionally base64-encoded, valid,
 * within Vault's length bounds and satisfiable.
 *
 * @example
 * ```ts
 * checkPasswordPolicyText('length = 8\nrule "charset" { charset = "ab" }') // { text: 'length = 8…', policy }
 * ```
 * @throws {InvalidRequestError} 400 with Vault's wording: `invalid password policy: …`, `passwords must be
 *   between 4 and 100 characters`, `unable to construct test password from provided policy: are the
 *   rules impossible?`.
 */
export function checkPasswordPolicyText(raw: string): { text: string; policy: PasswordPolicy } {
  let text = raw
  const decoded = fromBase64(raw.replace(/[\r\n]/g, ''), true)
  if (decoded !== null && raw !== '') {
    text = fromUtf8(decoded)
  }
  let policy: PasswordPolicy
  try {
    policy = parsePasswordPolicy(text)
  } catch (e) {
    throw new InvalidRequestError(`invalid password policy: ${(e as Error).message}`)
  }
  if (policy.length > MAX_PASSWORD_LENGTH || policy.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidRequestError(
      `passwords must be between ${MIN_PASSWORD_LENGTH} and ${MAX_PASSWORD_LENGTH} characters`,
    )
  }
  if (!policyIsSatisfiable(policy)) {
    throw new InvalidRequestError(
      'unable to construct test password from provided policy: are the rules impossible?',
    )
  }
  return { text, policy }
}

/** Reads a stored policy's text; `null` when there is no such policy. */
export async function readPasswordPolicy(storage: Storage, name: string): Promise<string | null> {
  const raw = await storage.get(passwordPolicyKey(name))
  if (raw === null) return null
  const entry = JSON.parse(fromUtf8(raw)) as { policy?: unknown }
  return typeof entry.policy === 'string' ? entry.policy : ''
}

/** Stores a policy's text (Vault's `passwordPolicyConfig`: `{"policy": "<hcl>"}`). */
export async function writePasswordPolicy(storage: Storage, name: string, text: string): Promise<void> {
  await storage.put(passwordPolicyKey(name), utf8(JSON.stringify({ policy: text })))
}

/**
 * Where a backend gets passwords from named policies (Vault's `SystemView.GeneratePasswordFromPolicy`).
 * The core lends one to backends through their system view.
 */
export interface PasswordPolicySource {
  /**
   * A password drawn from the named policy.
   *
   * @throws {Error} `missing password policy name`, `no password policy found`, `stored password policy is
   *   invalid: …`, `timed out generating string`.
   */
  generatePasswordFromPolicy(name: string): Promise<string>
}

/**
 * A {@link PasswordPolicySource} over the system backend's storage — what the core hands backends.
 *
 * @example
 * ```ts
 * const source = passwordPolicySource(new StorageView(barrier, 'sys/'))
 * await source.generatePasswordFromPolicy('db-strong')
 * ```
 */
export function passwordPolicySource(storage: Storage): PasswordPolicySource {
  return {
    async generatePasswordFromPolicy(name: string): Promise<string> {
      if (name === '') throw new PasswordPolicyError('missing password policy name')
      let text: string | null
      try {
        text = await readPasswordPolicy(storage, name)
      } catch (e) {
        throw new PasswordPolicyError(`failed to retrieve password policy: ${(e as Error).message}`)
      }
      if (text === null) throw new PasswordPolicyError('no password policy found')
      let policy: PasswordPolicy
      try {
        policy = parsePasswordPolicy(text)
      } catch (e) {
        throw new PasswordPolicyError(`stored password policy is invalid: ${(e as Error).message}`)
      }
      return generatePassword(policy)
    },
  }
}
