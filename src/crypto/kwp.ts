/**
 * AES Key Wrap with Padding (RFC 5649, NIST SP 800-38F "KWP"), written by hand over a single-block AES
 * function that each provider supplies.
 *
 * Why by hand: Vault's bring-your-own-key import wraps the key material with KWP (Tink's `subtle.KWP`)
 * under an RSA-OAEP-wrapped ephemeral AES-256 key. Web Crypto only has RFC 3394 AES-KW, which cannot
 * wrap lengths that are not a multiple of 8 (PKCS #8 keys usually are not). Writing the ~40 lines of
 * RFC 5649 once, over each provider's own AES block cipher (`node:crypto` ECB / `@noble/ciphers` ECB),
 * keeps both providers byte-identical by construction. The tests check it against the RFC 5649 §6
 * vectors and cross-check it against OpenSSL's `id-aes256-wrap-pad` and noble's `aeskwp`.
 *
 * @module
 */

/** One AES block operation (16 bytes in, 16 bytes out) under a fixed key. */
export type BlockFn = (block: Uint8Array) => Uint8Array

/** RFC 5649 §3: the 32-bit constant of the Alternative Initial Value. */
const AIV_CONSTANT = [0xa6, 0x59, 0x59, 0xa6] as const

/** The message both providers throw when an unwrap fails its integrity check. */
export const KWP_UNWRAP_FAILED = 'kwp: unwrap failed'

/**
 * Wraps `plaintext` (1 to 2^32-1 bytes) with the given AES block-encrypt function (RFC 5649 §4.1).
 *
 * @throws {RangeError} on an empty plaintext.
 * @example
 * ```ts
 * const wrapped = kwpWrap(plaintext, (b) => aesEcbEncryptBlock(kek, b))
 * ```
 */
export function kwpWrap(plaintext: Uint8Array, encrypt: BlockFn): Uint8Array {
  const mli = plaintext.length
  if (mli === 0 || mli > 0xffffffff) throw new RangeError('"plaintext" expected 1 to 2^32-1 bytes')
  const n = Math.ceil(mli / 8)
  // A = AIV (constant ‖ 32-bit big-endian MLI); P zero-padded to a multiple of 8 bytes.
  const a = new Uint8Array(8)
  a.set(AIV_CONSTANT, 0)
  new DataView(a.buffer).setUint32(4, mli, false)
  const r = new Uint8Array(n * 8)
  r.set(plaintext, 0)
  if (n === 1) {
    // §4.1: a single 64-bit block is encrypted together with the AIV in one AES operation.
    const block = new Uint8Array(16)
    block.set(a, 0)
    block.set(r, 8)
    return encrypt(block)
  }
  // Otherwise the RFC 3394 wrapping process W (§2.2.1), with the AIV as initial value.
  const block = new Uint8Array(16)
  for (let j = 0; j <= 5; j++) {
    for (let i = 1; i <= n; i++) {
      block.set(a, 0)
      block.set(r.subarray((i - 1) * 8, i * 8), 8)
      const b = encrypt(block)
      a.set(b.subarray(0, 8), 0)
      xorCounter(a, n * j + i)
      r.set(b.subarray(8, 16), (i - 1) * 8)
    }
  }
  const out = new Uint8Array(8 + r.length)
  out.set(a, 0)
  out.set(r, 8)
  return out
}

/**
 * Unwraps RFC 5649 output with the given AES block-decrypt function (§4.2), checking the AIV, the
 * length indicator and the zero padding.
 *
 * @throws {Error} `kwp: unwrap failed` on any integrity failure (one message for every cause).
 * @throws {RangeError} when `wrapped` is not 16 bytes or a longer multiple of 8.
 * @example
 * ```ts
 * const key = kwpUnwrap(wrapped, (b) => aesEcbDecryptBlock(kek, b))
 * ```
 */
export function kwpUnwrap(wrapped: Uint8Array, decrypt: BlockFn): Uint8Array {
  if (wrapped.length < 16 || wrapped.length % 8 !== 0) {
    throw new RangeError('"wrapped" expected a multiple of 8 bytes, at least 16')
  }
  const n = wrapped.length / 8 - 1
  const a = new Uint8Array(8)
  let r: Uint8Array
  if (n === 1) {
    const b = decrypt(wrapped.subarray(0, 16))
    a.set(b.subarray(0, 8), 0)
    r = b.slice(8, 16)
  } else {
    // The RFC 3394 unwrapping process W^-1 (§2.2.2).
    a.set(wrapped.subarray(0, 8), 0)
    r = wrapped.slice(8)
    const block = new Uint8Array(16)
    for (let j = 5; j >= 0; j--) {
      for (let i = n; i >= 1; i--) {
        xorCounter(a, n * j + i)
        block.set(a, 0)
        block.set(r.subarray((i - 1) * 8, i * 8), 8)
        const b = decrypt(block)
        a.set(b.subarray(0, 8), 0)
        r.set(b.subarray(8, 16), (i - 1) * 8)
      }
    }
  }
  // §3: check the constant, that 8(n-1) < MLI <= 8n, and that the padding is zero. Accumulate every
  // check into one flag so the failure cause is not observable from the result.
  let bad = 0
  for (let i = 0; i < 4; i++) bad |= a[i]! ^ AIV_CONSTANT[i]!
  const mli = new DataView(a.buffer).getUint32(4, false)
  const lengthOk = mli > 8 * (n - 1) && mli <= 8 * n
  let padding = 0
  for (let i = 0; i < r.length; i++) padding |= i >= mli ? r[i]! : 0
  if (bad !== 0 || !lengthOk || padding !== 0) {
    r.fill(0)
    throw new Error(KWP_UNWRAP_FAILED)
  }
  const out = r.slice(0, mli)
  r.fill(0)
  return out
}

/** A ^= t, with t as a 64-bit big-endian integer (RFC 3394 §2.2.1). */
function xorCounter(a: Uint8Array, t: number): void {
  for (let k = 7; k >= 0 && t > 0; k--) {
    a[k]! ^= t & 0xff
    t = Math.floor(t / 256)
  }
}
