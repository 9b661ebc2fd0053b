/**
 * HMAC of audit values (Vault's `salt.GetIdentifiedHMAC` and `audit/hashstructure.go`).
 *
 * Each device has a salt: a random UUID string kept behind the barrier in the device's storage view
 * at `salt`. A value `s` is logged as `hmac-sha256:` + hex(HMAC-SHA256(key = UTF-8 of the salt string,
 * message = UTF-8 of `s`)); `sys/audit-hash/:path` computes exactly that, so an operator can find a
 * known value in the log without the log holding it.
 *
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js'
import { rfc3339, toBase64, utf8 } from '../util/encoding.js'

/** The identifier Vault prefixes to every audit HMAC. */
export const HMAC_TYPE = 'hmac-sha256'

/** Lower-case hex of every byte value: the hot path of every audit entry. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

/** Maps a clear value to its logged form. */
export type Hasher = (value: string) => string

/**
 * A device's salt, loaded in memory while the vault is unsealed.
 *
 * @example
 * ```ts
 * const salt = new AuditSalt(nodeCrypto, 'foo')
 * salt.hash('foo') // 'hmac-sha256:08ba357e274f528065766c770a639abf6809b39ccfd37c2a3157c7f51954da0a'
 * ```
 */
export class AuditSalt {
  #key: Uint8Array
  readonly #crypto: CryptoProvider

  constructor(crypto: CryptoProvider, salt: string) {
    this.#crypto = crypto
    this.#key = utf8(salt)
  }

  /** `hmac-sha256:<hex>` of `value`. */
  hash(value: string): string {
    const mac = this.#crypto.hmacSha256(this.#key, utf8(value))
    let hex = `${HMAC_TYPE}:`
    for (const b of mac) hex += BYTE_HEX[b]
    return hex
  }

  /**
   * A hasher remembering what it hashed: an entry names the client token and its accessor twice
   * (`auth` and `request`), so each is HMAC'd once. Use one per entry.
   */
  memo(): Hasher {
    const seen = new Map<string, string>()
    return (value) => {
      let h = seen.get(value)
      if (h === undefined) {
        h = this.hash(value)
        seen.set(value, h)
      }
      return h
    }
  }

  /** Overwrites the key bytes (on seal and disable). */
  wipe(): void {
    this.#key.fill(0)
    this.#key = new Uint8Array(0)
  }
}

/**
 * A deep copy of a request's or response's `data`, as Vault's audit hashing makes it (a JSON round
 * trip, then `HashStructure`): keys sorted (Go writes maps sorted), `undefined` dropped, `Date`s as
 * RFC 3339 strings (left in the clear, as Vault leaves `time.Time` values), byte arrays as base64
 * strings; and, when `hash` is given, every string value replaced by its HMAC unless the nearest
 * enclosing object key is in `ignoredKeys` (so `["k"]` also keeps the strings of a list under `k`).
 * Numbers, booleans and `null` are never hashed; keys never are.
 *
 * @example
 * ```ts
 * hashData({ foo: 'bar', n: 1, baz: ['x'] }, (s) => `H(${s})`, ['baz'])
 * // { baz: ['x'], foo: 'H(bar)', n: 1 }
 * ```
 */
export function hashData(
  data: Readonly<Record<string, unknown>>,
  hash: Hasher | null,
  ignoredKeys: readonly string[] = [],
): Record<string, unknown> {
  const ignored = ignoredKeys.length > 0 ? new Set(ignoredKeys) : null
  return copyObject(data, hash, ignored, new Set())
}

function copyObject(
  obj: Readonly<Record<string, unknown>>,
  hash: Hasher | null,
  ignored: Set<string> | null,
  seen: Set<object>,
): Record<string, unknown> {
  if (seen.has(obj)) throw new TypeError('audit data contains a cycle')
  seen.add(obj)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(obj).sort(byCodePoint)) {
    const v = copyValue(obj[key], key, hash, ignored, seen)
    if (v !== undefined) out[key] = v
  }
  seen.delete(obj)
  return out
}

function copyValue(
  v: unknown,
  key: string,
  hash: Hasher | null,
  ignored: Set<string> | null,
  seen: Set<object>,
): unknown {
  switch (typeof v) {
    case 'string':
      return hash && !ignored?.has(key) ? hash(v) : v
    case 'number':
      return Number.isFinite(v) ? v : null
    case 'boolean':
      return v
    case 'bigint':
      return Number(v)
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (v === null) return null
  if (v instanceof Date) return rfc3339(v.getTime())
  if (v instanceof Uint8Array) return copyValue(toBase64(v), key, hash, ignored, seen)
  if (Array.isArray(v)) {
    if (seen.has(v)) throw new TypeError('audit data contains a cycle')
    seen.add(v)
    const out = v.map((item) => copyValue(item, key, hash, ignored, seen) ?? null)
    seen.delete(v)
    return out
  }
  const withJson = v as { toJSON?: () => unknown }
  if (typeof withJson.toJSON === 'function') return copyValue(withJson.toJSON(), key, hash, ignored, seen)
  return copyObject(v as Record<string, unknown>, hash, ignored, seen)
}

/** Go's `sort.Strings` order (by UTF-16 code unit, which matches bytes for the BMP). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Vault's client ID of a token without an entity (`TokenEntry.CreateClientID`): base64 of SHA-256 over
 * the sorted policies joined by `0x7f`, then `0x00` and the namespace ID (`root`). Tokens with an
 * entity use the entity ID.
 *
 * @example
 * ```ts
 * clientId({ policies: ['default', 'app'], entity_id: '' }, (b) => nodeCrypto.sha256(b))
 * ```
 */
export function clientId(
  token: { policies: readonly string[]; entity_id: string },
  sha256: (message: Uint8Array) => Uint8Array,
): string {
  if (token.entity_id) return token.entity_id
  const joined = `${[...token.policies]
    .sort(byCodePoint)
    .map((p) => `\x7f${p}`)
    .join('')}\x00root`
  return toBase64(sha256(utf8(joined.slice(1))))
}
