/**
 * The portable {@link CryptoProvider}: audited `@noble/*` primitives and Web Crypto's
 * `crypto.getRandomValues`. Runs anywhere (Node, Deno, Bun, browsers, workers); no `node:` imports.
 *
 * @module
 */

import { gcm } from '@noble/ciphers/aes.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { abytes, agcmArgs, anumber, GCM_AUTH_FAILED } from './asserts.js'
import type { CryptoProvider } from './provider.js'

/** `getRandomValues` refuses more than 65536 bytes per call (Web Crypto quota). */
const RANDOM_QUOTA = 65536

function randomBytes(length: number): Uint8Array {
  anumber(length, 'length')
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += RANDOM_QUOTA) {
    globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + RANDOM_QUOTA)))
  }
  return out
}

/**
 * The `@noble/*` provider (name `noble`): AES-GCM from `@noble/ciphers`, HMAC-SHA256 and SHA-256 from
 * `@noble/hashes`, randomness from `crypto.getRandomValues`. Byte-for-byte identical to `nodeCrypto`.
 *
 * @throws TypeError / RangeError on malformed arguments (see each method); `aesGcmDecrypt` throws an
 * `Error` (`aes-gcm: authentication failed`) when the tag does not verify.
 * @example
 * ```ts
 * const key = nobleCrypto.randomBytes(32)
 * const nonce = nobleCrypto.randomBytes(12)
 * const sealed = nobleCrypto.aesGcmEncrypt(key, nonce, new TextEncoder().encode('hi'), aad)
 * nobleCrypto.aesGcmDecrypt(key, nonce, sealed, aad) // Uint8Array [104, 105]
 * ```
 */
export const nobleCrypto: CryptoProvider = {
  name: 'noble',

  randomBytes,

  aesGcmEncrypt(key, nonce, plaintext, aad) {
    agcmArgs(key, nonce, plaintext, aad, false)
    return gcm(key, nonce, aad).encrypt(plaintext)
  },

  aesGcmDecrypt(key, nonce, sealed, aad) {
    agcmArgs(key, nonce, sealed, aad, true)
    try {
      return gcm(key, nonce, aad).decrypt(sealed)
    } catch (cause) {
      throw new Error(GCM_AUTH_FAILED, { cause })
    }
  },

  hmacSha256(key, message) {
    return hmac(sha256, abytes(key, 'key'), abytes(message, 'message'))
  },

  sha256(message) {
    return sha256(abytes(message, 'message'))
  },

  timingSafeEqual(a, b) {
    // noble's equalBytes: false early on differing lengths, otherwise an XOR-accumulate over every byte.
    return equalBytes(abytes(a, 'a'), abytes(b, 'b'))
  },
}
