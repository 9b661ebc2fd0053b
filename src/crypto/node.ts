/**
 * The Node {@link CryptoProvider}: OpenSSL through `node:crypto` (AES-NI, constant-time GHASH). Import it
 * from `vaultlet/crypto/node`; it is the default on Node. Every method returns a plain `Uint8Array`, never
 * a `Buffer`, so results compare equal (`.constructor` included) to `nobleCrypto`'s.
 *
 * @module
 */

import * as nc from 'node:crypto'
import { abytes, agcmArgs, anumber, GCM_AUTH_FAILED, GCM_TAG_LENGTH } from './asserts.js'
import type { CryptoProvider } from './provider.js'

type GcmAlgorithm = 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'

function gcmAlgorithm(key: Uint8Array): GcmAlgorithm {
  return key.length === 16 ? 'aes-128-gcm' : key.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm'
}

/**
 * A plain `Uint8Array` with the bytes of `buf`. A `Buffer` owning its whole `ArrayBuffer` is re-viewed
 * without a copy; a pooled or sliced one is copied, so no other bytes of the pool are reachable through
 * the result's `.buffer`.
 */
function toPlain(buf: Uint8Array): Uint8Array {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) {
    return new Uint8Array(buf.buffer, 0, buf.byteLength)
  }
  return new Uint8Array(buf) // copies; `slice` would keep the Buffer species
}

/**
 * The `node:crypto` provider (name `node`). Byte-for-byte identical to `nobleCrypto`, faster on large
 * values (AES-NI).
 *
 * @throws TypeError / RangeError on malformed arguments; `aesGcmDecrypt` throws an `Error`
 * (`aes-gcm: authentication failed`) when the tag does not verify.
 * @example
 * ```ts
 * import { nodeCrypto } from 'vaultlet/crypto/node'
 * const mac = nodeCrypto.hmacSha256(key, new TextEncoder().encode('message'))
 * ```
 */
export const nodeCrypto: CryptoProvider = {
  name: 'node',

  randomBytes(length) {
    anumber(length, 'length')
    return nc.randomFillSync(new Uint8Array(length))
  },

  aesGcmEncrypt(key, nonce, plaintext, aad) {
    agcmArgs(key, nonce, plaintext, aad, false)
    const cipher = nc.createCipheriv(gcmAlgorithm(key), key, nonce, { authTagLength: GCM_TAG_LENGTH })
    if (aad !== undefined) cipher.setAAD(aad)
    const body = cipher.update(plaintext)
    const tail = cipher.final() // always empty for GCM, kept for correctness
    const tag = cipher.getAuthTag()
    const out = new Uint8Array(body.length + tail.length + tag.length)
    out.set(body, 0)
    out.set(tail, body.length)
    out.set(tag, body.length + tail.length)
    return out
  },

  aesGcmDecrypt(key, nonce, sealed, aad) {
    agcmArgs(key, nonce, sealed, aad, true)
    const split = sealed.length - GCM_TAG_LENGTH
    const decipher = nc.createDecipheriv(gcmAlgorithm(key), key, nonce, { authTagLength: GCM_TAG_LENGTH })
    decipher.setAuthTag(sealed.subarray(split))
    if (aad !== undefined) decipher.setAAD(aad)
    const body = decipher.update(sealed.subarray(0, split))
    let tail: Uint8Array
    try {
      tail = decipher.final()
    } catch (cause) {
      body.fill(0) // unauthenticated plaintext never leaves this function
      throw new Error(GCM_AUTH_FAILED, { cause })
    }
    if (tail.length === 0) {
      const out = toPlain(body)
      if (out.buffer !== body.buffer) body.fill(0) // a pooled Buffer was copied: wipe the original
      return out
    }
    const out = new Uint8Array(body.length + tail.length)
    out.set(body, 0)
    out.set(tail, body.length)
    body.fill(0)
    return out
  },

  hmacSha256(key, message) {
    return toPlain(nc.createHmac('sha256', abytes(key, 'key')).update(abytes(message, 'message')).digest())
  },

  sha256(message) {
    return toPlain(nc.createHash('sha256').update(abytes(message, 'message')).digest())
  },

  timingSafeEqual(a, b) {
    abytes(a, 'a')
    abytes(b, 'b')
    if (a.length !== b.length) return false
    return nc.timingSafeEqual(a, b)
  },
}
