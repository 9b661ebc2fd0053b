/**
 * The portable {@link CryptoProvider}: audited `@noble/*` primitives, Web Crypto's
 * `crypto.getRandomValues`, and Web Crypto's `crypto.subtle` for the RSA private-key operations noble
 * does not cover. Runs anywhere (Node, Deno, Bun, browsers, workers); no `node:` imports.
 *
 * @module
 */

import { ecb, gcm } from '@noble/ciphers/aes.js'
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { equalBytes } from '@noble/ciphers/utils.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha1 } from '@noble/hashes/legacy.js'
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js'
import { sha3_224, sha3_256, sha3_384, sha3_512 } from '@noble/hashes/sha3.js'
import {
  aaesKey,
  abytes,
  achachaArgs,
  agcmArgs,
  ahkdfLength,
  anumber,
  CHACHA_AUTH_FAILED,
  GCM_AUTH_FAILED,
  unsupported,
} from './asserts.js'
import { ecdsaGenerateKey, ecdsaPublicKey, ecdsaSign, ecdsaVerify } from './ecdsa.js'
import { type HashName, hashInfo } from './hashes.js'
import { kwpUnwrap, kwpWrap } from './kwp.js'
import type { CryptoProvider, RsaEncryptionPadding } from './provider.js'
import {
  emePkcs1v15Encode,
  emsaPkcs1v15Encode,
  emsaPssVerify,
  RSA_DECRYPTION_ERROR,
  rsaPublicFromSpki,
  rsaPublicOp,
} from './rsa.js'

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

const HASHES = {
  sha1,
  'sha2-224': sha224,
  'sha2-256': sha256,
  'sha2-384': sha384,
  'sha2-512': sha512,
  'sha3-224': sha3_224,
  'sha3-256': sha3_256,
  'sha3-384': sha3_384,
  'sha3-512': sha3_512,
} as const

function hashFn(name: HashName) {
  hashInfo(name) // validates the name
  return HASHES[name]
}

const PROVIDER = 'noble'

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new Error(unsupported(PROVIDER, 'RSA (no Web Crypto crypto.subtle in this runtime)'))
  return s
}

/** Imported Web Crypto keys, per DER buffer and usage, so repeated operations skip the import. */
const keyCache = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>()

function importRsa(
  der: Uint8Array,
  format: 'pkcs8' | 'spki',
  algorithm: 'RSA-OAEP' | 'RSA-PSS' | 'RSASSA-PKCS1-v1_5',
  hash: string,
  usage: KeyUsage,
): Promise<CryptoKey> {
  let byUse = keyCache.get(der)
  if (!byUse) {
    byUse = new Map()
    keyCache.set(der, byUse)
  }
  const id = `${format}/${algorithm}/${hash}/${usage}`
  let key = byUse.get(id)
  if (!key) {
    key = subtle().importKey(format, buffer(der), { name: algorithm, hash }, false, [usage])
    key.catch(() => byUse.delete(id))
    byUse.set(id, key)
  }
  return key
}

function subtleHash(hash: HashName | 'none', what: string): string {
  const name = hash === 'none' ? undefined : hashInfo(hash).subtle
  if (!name) throw new Error(unsupported(PROVIDER, `${what} with hash ${hash}`))
  return name
}

/** A copy backed by a plain `ArrayBuffer`, as Web Crypto's `BufferSource` requires. */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.slice()
}

function nonZeroRandom(n: number): Uint8Array {
  const out = randomBytes(n)
  for (let i = 0; i < n; i++) {
    while (out[i] === 0) out[i] = randomBytes(1)[0]!
  }
  return out
}

// noble's cipher objects refuse a second call (misuse guard), so each AES block gets its own instance.
function blockEncrypt(kek: Uint8Array) {
  aaesKey(kek)
  return (block: Uint8Array) => ecb(kek, { disablePadding: true }).encrypt(block)
}

function blockDecrypt(kek: Uint8Array) {
  aaesKey(kek)
  return (block: Uint8Array) => ecb(kek, { disablePadding: true }).decrypt(block)
}

function openChacha(open: () => Uint8Array): Uint8Array {
  try {
    return open()
  } catch (cause) {
    throw new Error(CHACHA_AUTH_FAILED, { cause })
  }
}

/**
 * The `@noble/*` provider (name `noble`): AES-GCM, (X)ChaCha20-Poly1305 and AES-ECB (for RFC 5649 key
 * wrap) from `@noble/ciphers`; SHA-1/SHA-2/SHA-3, HMAC and HKDF from `@noble/hashes`; Ed25519 and
 * ECDSA from `@noble/curves`; randomness from `crypto.getRandomValues`. RSA private-key operations use
 * Web Crypto, so they cover what Web Crypto covers: key generation, RSA-OAEP with SHA-1/SHA-256/
 * SHA-384/SHA-512, and signatures over a message with those hashes. RSA public-key operations
 * (verification of every scheme and hash, PKCS #1 v1.5 encryption) run on bigints over public values.
 * Byte-for-byte identical to `nodeCrypto` for every deterministic primitive.
 *
 * @throws TypeError / RangeError on malformed arguments (see each method); `aesGcmDecrypt` throws an
 * `Error` (`aes-gcm: authentication failed`) when the tag does not verify; operations Web Crypto cannot
 * do (prehashed RSA signatures, SHA-224/SHA-3 with RSA, PKCS #1 v1.5 decryption) throw an `Error`
 * starting with `unsupported:`.
 * @example
 * ```ts
 * const key = nobleCrypto.randomBytes(32)
 * const nonce = nobleCrypto.randomBytes(12)
 * const sealed = nobleCrypto.aesGcmEncrypt(key, nonce, new TextEncoder().encode('hi'), aad)
 * nobleCrypto.aesGcmDecrypt(key, nonce, sealed, aad) // Uint8Array [104, 105]
 * ```
 */
export const nobleCrypto: CryptoProvider = {
  name: PROVIDER,

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

  digest(hash, message) {
    return hashFn(hash)(abytes(message, 'message'))
  },

  hmac(hash, key, message) {
    return hmac(hashFn(hash), abytes(key, 'key'), abytes(message, 'message'))
  },

  hkdfSha256(ikm, salt, info, length) {
    return hkdf(sha256, abytes(ikm, 'ikm'), abytes(salt, 'salt'), abytes(info, 'info'), ahkdfLength(length))
  },

  chacha20Poly1305Encrypt(key, nonce, plaintext, aad) {
    achachaArgs(key, nonce, 12, plaintext, aad, false)
    return chacha20poly1305(key, nonce, aad).encrypt(plaintext)
  },

  chacha20Poly1305Decrypt(key, nonce, sealed, aad) {
    achachaArgs(key, nonce, 12, sealed, aad, true)
    return openChacha(() => chacha20poly1305(key, nonce, aad).decrypt(sealed))
  },

  xchacha20Poly1305Encrypt(key, nonce, plaintext, aad) {
    achachaArgs(key, nonce, 24, plaintext, aad, false)
    return xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
  },

  xchacha20Poly1305Decrypt(key, nonce, sealed, aad) {
    achachaArgs(key, nonce, 24, sealed, aad, true)
    return openChacha(() => xchacha20poly1305(key, nonce, aad).decrypt(sealed))
  },

  aesKeyWrapPad(kek, plaintext) {
    return kwpWrap(abytes(plaintext, 'plaintext'), blockEncrypt(kek))
  },

  aesKeyUnwrapPad(kek, wrapped) {
    return kwpUnwrap(abytes(wrapped, 'wrapped'), blockDecrypt(kek))
  },

  ed25519PublicKey(seed) {
    return ed25519.getPublicKey(abytes(seed, 'seed', 32))
  },

  ed25519Sign(seed, message) {
    return ed25519.sign(abytes(message, 'message'), abytes(seed, 'seed', 32))
  },

  ed25519Verify(publicKey, message, signature) {
    abytes(publicKey, 'publicKey')
    abytes(message, 'message')
    abytes(signature, 'signature')
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      // zip215: false = RFC 8032 / RFC 8037 strict decoding, as OpenSSL and Go verify.
      return ed25519.verify(signature, message, publicKey, { zip215: false })
    } catch {
      return false
    }
  },

  ecdsaGenerateKey,
  ecdsaPublicKey,
  ecdsaSign,
  ecdsaVerify,

  async rsaGenerateKey(bits) {
    anumber(bits, 'bits')
    const pair = await subtle().generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: bits,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )
    return new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey))
  },

  async rsaEncrypt(publicKey, plaintext, options: RsaEncryptionPadding) {
    abytes(publicKey, 'publicKey')
    abytes(plaintext, 'plaintext')
    if (options.padding === 'pkcs1v15') {
      const pub = rsaPublicFromSpki(publicKey)
      return rsaPublicOp(pub, emePkcs1v15Encode(plaintext, pub.size, nonZeroRandom))
    }
    const key = await importRsa(
      publicKey,
      'spki',
      'RSA-OAEP',
      subtleHash(options.hash, 'RSA-OAEP'),
      'encrypt',
    )
    const params: RsaOaepParams = {
      name: 'RSA-OAEP',
      ...(options.label ? { label: buffer(options.label) } : {}),
    }
    return new Uint8Array(await subtle().encrypt(params, key, buffer(plaintext)))
  },

  async rsaDecrypt(privateKey, ciphertext, options) {
    abytes(privateKey, 'privateKey')
    abytes(ciphertext, 'ciphertext')
    if (options.padding === 'pkcs1v15') {
      throw new Error(
        unsupported(PROVIDER, 'RSA PKCS #1 v1.5 decryption (Web Crypto has no RSAES-PKCS1-v1_5)'),
      )
    }
    const key = await importRsa(
      privateKey,
      'pkcs8',
      'RSA-OAEP',
      subtleHash(options.hash, 'RSA-OAEP'),
      'decrypt',
    )
    const params: RsaOaepParams = {
      name: 'RSA-OAEP',
      ...(options.label ? { label: buffer(options.label) } : {}),
    }
    try {
      return new Uint8Array(await subtle().decrypt(params, key, buffer(ciphertext)))
    } catch (cause) {
      throw new Error(RSA_DECRYPTION_ERROR, { cause })
    }
  },

  async rsaSign(privateKey, options) {
    abytes(privateKey, 'privateKey')
    abytes(options.digest, 'digest')
    if (!options.message) {
      throw new Error(
        unsupported(PROVIDER, 'RSA signing of a prehashed digest (Web Crypto signs messages only)'),
      )
    }
    const hash = subtleHash(options.hash, 'RSA signing')
    if (options.scheme === 'pss') {
      const key = await importRsa(privateKey, 'pkcs8', 'RSA-PSS', hash, 'sign')
      const saltLength = anumber(options.saltLength ?? hashInfo(options.hash as HashName).size, 'saltLength')
      return new Uint8Array(
        await subtle().sign({ name: 'RSA-PSS', saltLength }, key, buffer(options.message)),
      )
    }
    const key = await importRsa(privateKey, 'pkcs8', 'RSASSA-PKCS1-v1_5', hash, 'sign')
    return new Uint8Array(await subtle().sign({ name: 'RSASSA-PKCS1-v1_5' }, key, buffer(options.message)))
  },

  async rsaVerify(publicKey, signature, options) {
    abytes(publicKey, 'publicKey')
    abytes(signature, 'signature')
    abytes(options.digest, 'digest')
    const pub = rsaPublicFromSpki(publicKey)
    if (signature.length !== pub.size) return false
    let em: Uint8Array
    try {
      em = rsaPublicOp(pub, signature)
    } catch {
      return false
    }
    if (options.scheme === 'pss') {
      if (options.hash === 'none') return false
      const digest = hashFn(options.hash)
      const emBits = pub.bits - 1
      const emLen = Math.ceil(emBits / 8)
      if (em.length > emLen && em.subarray(0, em.length - emLen).some((b) => b !== 0)) return false
      return emsaPssVerify(
        options.digest,
        em.subarray(em.length - emLen),
        emBits,
        options.saltLength ?? 'auto',
        digest,
      )
    }
    let expected: Uint8Array
    try {
      expected = emsaPkcs1v15Encode(options.hash, options.digest, pub.size)
    } catch {
      return false
    }
    return equalBytes(expected, em)
  },
}
