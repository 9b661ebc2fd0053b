/**
 * Tiny named boundary asserts shared by the crypto providers (in the style of noble's `abytes` /
 * `anumber`): a wrong type throws `TypeError`, a wrong size throws `RangeError`. Messages name the
 * argument and its length, never its content.
 *
 * @module
 */

/** AES key lengths in bytes: AES-128, AES-192, AES-256. */
const AES_KEY_LENGTHS: readonly number[] = [16, 24, 32]
/** The only GCM nonce length we accept (96 bits, the fast and recommended path of SP 800-38D). */
export const GCM_NONCE_LENGTH = 12
/** GCM tag length in bytes; always the full 128 bits. */
export const GCM_TAG_LENGTH = 16

/** The message of the error both providers throw when an AES-GCM tag does not verify. */
export const GCM_AUTH_FAILED = 'aes-gcm: authentication failed'

/** True for a `Uint8Array`, including a Node `Buffer` (a subclass) and views from another realm. */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array' && 'BYTES_PER_ELEMENT' in value)
  )
}

/**
 * Asserts `value` is a byte array (of exactly `length` bytes, when given).
 *
 * @throws TypeError if `value` is not a `Uint8Array`; RangeError on a wrong length.
 * @example
 * ```ts
 * abytes(nonce, 'nonce', 12)
 * ```
 */
export function abytes(value: unknown, title: string, length?: number): Uint8Array {
  if (!isBytes(value)) throw new TypeError(`"${title}" expected Uint8Array, got type=${typeof value}`)
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`"${title}" expected Uint8Array of length ${length}, got length=${value.length}`)
  }
  return value
}

/**
 * Asserts `n` is a safe integer ≥ 0.
 *
 * @throws TypeError if `n` is not a number; RangeError if it is not a non-negative safe integer.
 * @example
 * ```ts
 * anumber(32, 'length')
 * ```
 */
export function anumber(n: unknown, title: string): number {
  if (typeof n !== 'number') throw new TypeError(`"${title}" expected number, got type=${typeof n}`)
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`"${title}" expected integer >= 0, got ${n}`)
  return n
}

/**
 * Asserts `key` is an AES key: 16, 24 or 32 bytes.
 *
 * @throws TypeError if not a `Uint8Array`; RangeError on any other length.
 * @example
 * ```ts
 * aaesKey(new Uint8Array(32))
 * ```
 */
export function aaesKey(key: unknown): Uint8Array {
  const k = abytes(key, 'key')
  if (!AES_KEY_LENGTHS.includes(k.length)) {
    throw new RangeError(`"key" expected Uint8Array of length 16, 24 or 32, got length=${k.length}`)
  }
  return k
}

/**
 * Asserts the arguments shared by AES-GCM encrypt and decrypt: an AES key, a 12-byte nonce, the data
 * (at least one tag long when `sealed`), and optional AAD.
 *
 * @throws TypeError on a non-`Uint8Array` argument; RangeError on a wrong length.
 * @example
 * ```ts
 * agcmArgs(key, nonce, sealed, aad, true)
 * ```
 */
export function agcmArgs(key: unknown, nonce: unknown, data: unknown, aad: unknown, sealed: boolean): void {
  aaesKey(key)
  abytes(nonce, 'nonce', GCM_NONCE_LENGTH)
  const d = abytes(data, sealed ? 'sealed' : 'plaintext')
  if (sealed && d.length < GCM_TAG_LENGTH) {
    throw new RangeError(
      `"sealed" expected at least ${GCM_TAG_LENGTH} bytes (the tag), got length=${d.length}`,
    )
  }
  if (aad !== undefined) abytes(aad, 'aad')
}
