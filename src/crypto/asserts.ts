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

/** The message both providers throw when a ChaCha20-Poly1305 / XChaCha20-Poly1305 tag does not verify. */
export const CHACHA_AUTH_FAILED = 'chacha20-poly1305: authentication failed'

/** Poly1305 tag length in bytes. */
export const POLY1305_TAG_LENGTH = 16

/**
 * Asserts the arguments shared by (X)ChaCha20-Poly1305 seal and open: a 32-byte key, a 12-byte (or
 * 24-byte for XChaCha) nonce, the data (at least one tag long when `sealed`), and optional AAD.
 *
 * @throws TypeError on a non-`Uint8Array` argument; RangeError on a wrong length.
 * @example
 * ```ts
 * achachaArgs(key, nonce, 24, sealed, aad, true)
 * ```
 */
export function achachaArgs(
  key: unknown,
  nonce: unknown,
  nonceLength: 12 | 24,
  data: unknown,
  aad: unknown,
  sealed: boolean,
): void {
  abytes(key, 'key', 32)
  abytes(nonce, 'nonce', nonceLength)
  const d = abytes(data, sealed ? 'sealed' : 'plaintext')
  if (sealed && d.length < POLY1305_TAG_LENGTH) {
    throw new RangeError(
      `"sealed" expected at least ${POLY1305_TAG_LENGTH} bytes (the tag), got length=${d.length}`,
    )
  }
  if (aad !== undefined) abytes(aad, 'aad')
}

/**
 * Asserts an HKDF output length: 1 to 255 × 32 bytes (RFC 5869 §2.3 for SHA-256).
 *
 * @throws TypeError / RangeError on a bad length.
 * @example
 * ```ts
 * ahkdfLength(64)
 * ```
 */
export function ahkdfLength(length: unknown): number {
  const n = anumber(length, 'length')
  if (n < 1 || n > 255 * 32) throw new RangeError(`"length" expected 1 to ${255 * 32}, got ${n}`)
  return n
}

/**
 * Message of the error a provider throws for an operation it cannot perform.
 *
 * @example
 * ```ts
 * throw new Error(unsupported('noble', 'RSA PKCS #1 v1.5 decryption'))
 * ```
 */
export function unsupported(provider: string, what: string): string {
  return `unsupported: ${what} is not available in the ${provider} crypto provider`
}
