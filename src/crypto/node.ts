/**
 * The Node {@link CryptoProvider}: OpenSSL through `node:crypto` (AES-NI, constant-time GHASH). Import it
 * from `vaultlet/crypto/node`; it is the default on Node. Every method returns a plain `Uint8Array`, never
 * a `Buffer`, so results compare equal (`.constructor` included) to `nobleCrypto`'s.
 *
 * @module
 */

import * as nc from 'node:crypto'
import { promisify } from 'node:util'
import {
  aaesKey,
  abytes,
  achachaArgs,
  agcmArgs,
  ahkdfLength,
  anumber,
  CHACHA_AUTH_FAILED,
  GCM_AUTH_FAILED,
  GCM_TAG_LENGTH,
  POLY1305_TAG_LENGTH,
} from './asserts.js'
import { ecdsaGenerateKey, ecdsaPublicKey, ecdsaSign, ecdsaVerify } from './ecdsa.js'
import { type HashName, hashInfo } from './hashes.js'
import { kwpUnwrap, kwpWrap } from './kwp.js'
import type { CryptoProvider } from './provider.js'
import {
  emePkcs1v15Decode,
  emsaPkcs1v15Encode,
  emsaPssEncode,
  emsaPssVerify,
  RSA_DECRYPTION_ERROR,
  type RsaPublicNumbers,
  rsaPublicFromPkcs8,
  rsaPublicFromSpki,
} from './rsa.js'

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

const generateKeyPair = promisify(nc.generateKeyPair)

function nodeHash(name: HashName): string {
  return hashInfo(name).node
}

function digestOf(hash: HashName, data: Uint8Array): Uint8Array {
  return toPlain(nc.createHash(nodeHash(hash)).update(data).digest())
}

function randomOf(length: number): Uint8Array {
  return nc.randomFillSync(new Uint8Array(anumber(length, 'length')))
}

function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const cipher = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: POLY1305_TAG_LENGTH })
  if (aad !== undefined) cipher.setAAD(aad, { plaintextLength: plaintext.length })
  const body = cipher.update(plaintext)
  cipher.final()
  const tag = cipher.getAuthTag()
  const out = new Uint8Array(body.length + tag.length)
  out.set(body, 0)
  out.set(tag, body.length)
  return out
}

function chachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  const split = sealed.length - POLY1305_TAG_LENGTH
  const decipher = nc.createDecipheriv('chacha20-poly1305', key, nonce, {
    authTagLength: POLY1305_TAG_LENGTH,
  })
  decipher.setAuthTag(sealed.subarray(split))
  if (aad !== undefined) decipher.setAAD(aad, { plaintextLength: split })
  const body = decipher.update(sealed.subarray(0, split))
  try {
    decipher.final()
  } catch (cause) {
    body.fill(0) // unauthenticated plaintext never leaves this function
    throw new Error(CHACHA_AUTH_FAILED, { cause })
  }
  const out = new Uint8Array(body)
  body.fill(0)
  return out
}

/** "expand 32-byte k": the ChaCha20 constants (RFC 8439 §2.3), as little-endian words. */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const

/**
 * HChaCha20 (draft-irtf-cfrg-xchacha §2.2) from OpenSSL's raw ChaCha20 stream. OpenSSL takes a 16-byte
 * IV (32-bit little-endian block counter ‖ 96-bit nonce) that lands in state words 12..15 exactly where
 * HChaCha20 puts its 16-byte nonce. One keystream block is `rounds(state) + state`; HChaCha20's output is
 * `rounds(state)` words 0..3 and 12..15, so subtracting the known input words (the constants and the
 * nonce) from the keystream recovers it. No key-dependent word is subtracted.
 */
function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const cipher = nc.createCipheriv('chacha20', key, nonce16)
  const ks = cipher.update(new Uint8Array(64))
  cipher.final()
  const ksView = new DataView(ks.buffer, ks.byteOffset, 64)
  const nonceView = new DataView(nonce16.buffer, nonce16.byteOffset, 16)
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 4; i++) {
    outView.setUint32(i * 4, (ksView.getUint32(i * 4, true) - SIGMA[i]!) >>> 0, true)
    const w = (ksView.getUint32(48 + i * 4, true) - nonceView.getUint32(i * 4, true)) >>> 0
    outView.setUint32(16 + i * 4, w, true)
  }
  ks.fill(0)
  return out
}

/** XChaCha20-Poly1305 = ChaCha20-Poly1305 under HChaCha20(key, nonce[0..16]) with nonce 0⁴ ‖ nonce[16..24]. */
function xchachaKeys(key: Uint8Array, nonce: Uint8Array): { subkey: Uint8Array; nonce12: Uint8Array } {
  const subkey = hchacha20(key, nonce.subarray(0, 16))
  const nonce12 = new Uint8Array(12)
  nonce12.set(nonce.subarray(16, 24), 4)
  return { subkey, nonce12 }
}

function ecbBlock(kek: Uint8Array, decrypt: boolean) {
  const algorithm = `aes-${aaesKey(kek).length * 8}-ecb`
  return (block: Uint8Array): Uint8Array => {
    const c = decrypt ? nc.createDecipheriv(algorithm, kek, null) : nc.createCipheriv(algorithm, kek, null)
    c.setAutoPadding(false)
    const out = new Uint8Array(c.update(block))
    c.final()
    return out
  }
}

/** Parsed key objects per DER buffer, so repeated operations skip the parse. */
const privateKeys = new WeakMap<Uint8Array, { key: nc.KeyObject; pub: RsaPublicNumbers }>()
const publicKeys = new WeakMap<Uint8Array, { key: nc.KeyObject; pub: RsaPublicNumbers }>()

function rsaPrivate(pkcs8: Uint8Array): { key: nc.KeyObject; pub: RsaPublicNumbers } {
  let entry = privateKeys.get(pkcs8)
  if (!entry) {
    const pub = rsaPublicFromPkcs8(pkcs8)
    entry = { key: nc.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }), pub }
    privateKeys.set(pkcs8, entry)
  }
  return entry
}

function rsaPublic(spki: Uint8Array): { key: nc.KeyObject; pub: RsaPublicNumbers } {
  let entry = publicKeys.get(spki)
  if (!entry) {
    const pub = rsaPublicFromSpki(spki)
    entry = { key: nc.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }), pub }
    publicKeys.set(spki, entry)
  }
  return entry
}

/** Left-pads `em` with zeros to `k` bytes (an EMSA-PSS encoding is one byte short when bits ≡ 1 mod 8). */
function padTo(em: Uint8Array, k: number): Uint8Array {
  if (em.length === k) return em
  const out = new Uint8Array(k)
  out.set(em, k - em.length)
  return out
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/** Parsed Ed25519 keys per byte array: a caller that passes the same array again skips the parse. */
const ed25519PrivateKeys = new WeakMap<Uint8Array, nc.KeyObject>()
const ed25519PublicKeys = new WeakMap<Uint8Array, nc.KeyObject>()

function ed25519Private(seed: Uint8Array): nc.KeyObject {
  abytes(seed, 'seed', 32)
  let key = ed25519PrivateKeys.get(seed)
  if (!key) {
    key = nc.createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    })
    ed25519PrivateKeys.set(seed, key)
  }
  return key
}

function ed25519Public(publicKey: Uint8Array): nc.KeyObject {
  let key = ed25519PublicKeys.get(publicKey)
  if (!key) {
    key = nc.createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    })
    ed25519PublicKeys.set(publicKey, key)
  }
  return key
}

/**
 * The `node:crypto` provider (name `node`). Byte-for-byte identical to `nobleCrypto` for every
 * deterministic primitive, faster on large values (AES-NI). Notes on what it builds on:
 *
 * - XChaCha20-Poly1305: OpenSSL has no XChaCha; HChaCha20 is recovered from one raw ChaCha20 block (see
 *   `hchacha20`) and the AEAD is OpenSSL's ChaCha20-Poly1305.
 * - RFC 5649 key wrap: the shared hand-written `kwp.ts` over OpenSSL's AES-ECB block.
 * - ECDSA: `@noble/curves` (as in `nobleCrypto`), because `node:crypto` cannot sign or verify a digest.
 * - RSA signatures: the RFC 8017 encodings of `rsa.ts` around OpenSSL's raw (blinded) RSA operation,
 *   so any hash, prehashed input, `none` and any PSS salt length work as in Go. PKCS #1 v1.5
 *   decryption likewise decodes the raw result in constant time, because Node refuses OpenSSL's
 *   `RSA_PKCS1_PADDING` decryption (CVE-2023-46809).
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

  digest(hash, message) {
    return digestOf(hash, abytes(message, 'message'))
  },

  hmac(hash, key, message) {
    return toPlain(
      nc.createHmac(nodeHash(hash), abytes(key, 'key')).update(abytes(message, 'message')).digest(),
    )
  },

  hkdfSha256(ikm, salt, info, length) {
    abytes(ikm, 'ikm')
    abytes(salt, 'salt')
    abytes(info, 'info')
    return new Uint8Array(nc.hkdfSync('sha256', ikm, salt, info, ahkdfLength(length)))
  },

  chacha20Poly1305Encrypt(key, nonce, plaintext, aad) {
    achachaArgs(key, nonce, 12, plaintext, aad, false)
    return chachaSeal(key, nonce, plaintext, aad)
  },

  chacha20Poly1305Decrypt(key, nonce, sealed, aad) {
    achachaArgs(key, nonce, 12, sealed, aad, true)
    return chachaOpen(key, nonce, sealed, aad)
  },

  xchacha20Poly1305Encrypt(key, nonce, plaintext, aad) {
    achachaArgs(key, nonce, 24, plaintext, aad, false)
    const { subkey, nonce12 } = xchachaKeys(key, nonce)
    try {
      return chachaSeal(subkey, nonce12, plaintext, aad)
    } finally {
      subkey.fill(0)
    }
  },

  xchacha20Poly1305Decrypt(key, nonce, sealed, aad) {
    achachaArgs(key, nonce, 24, sealed, aad, true)
    const { subkey, nonce12 } = xchachaKeys(key, nonce)
    try {
      return chachaOpen(subkey, nonce12, sealed, aad)
    } finally {
      subkey.fill(0)
    }
  },

  aesKeyWrapPad(kek, plaintext) {
    return kwpWrap(abytes(plaintext, 'plaintext'), ecbBlock(kek, false))
  },

  aesKeyUnwrapPad(kek, wrapped) {
    return kwpUnwrap(abytes(wrapped, 'wrapped'), ecbBlock(kek, true))
  },

  ed25519PublicKey(seed) {
    const spki = nc.createPublicKey(ed25519Private(seed)).export({ format: 'der', type: 'spki' })
    return new Uint8Array(spki.subarray(spki.length - 32))
  },

  ed25519Sign(seed, message) {
    return toPlain(nc.sign(null, abytes(message, 'message'), ed25519Private(seed)))
  },

  ed25519Verify(publicKey, message, signature) {
    abytes(publicKey, 'publicKey')
    abytes(message, 'message')
    abytes(signature, 'signature')
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      return nc.verify(null, message, ed25519Public(publicKey), signature)
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
    const { privateKey } = await generateKeyPair('rsa', {
      modulusLength: bits,
      publicExponent: 65537,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    })
    return toPlain(privateKey)
  },

  async rsaEncrypt(publicKey, plaintext, options) {
    abytes(plaintext, 'plaintext')
    const { key } = rsaPublic(abytes(publicKey, 'publicKey'))
    const out =
      options.padding === 'oaep'
        ? nc.publicEncrypt(
            {
              key,
              padding: nc.constants.RSA_PKCS1_OAEP_PADDING,
              oaepHash: nodeHash(options.hash),
              ...(options.label ? { oaepLabel: options.label } : {}),
            },
            plaintext,
          )
        : nc.publicEncrypt({ key, padding: nc.constants.RSA_PKCS1_PADDING }, plaintext)
    return toPlain(out)
  },

  async rsaDecrypt(privateKey, ciphertext, options) {
    abytes(ciphertext, 'ciphertext')
    const { key, pub } = rsaPrivate(abytes(privateKey, 'privateKey'))
    if (options.padding === 'oaep') {
      try {
        return toPlain(
          nc.privateDecrypt(
            {
              key,
              padding: nc.constants.RSA_PKCS1_OAEP_PADDING,
              oaepHash: nodeHash(options.hash),
              ...(options.label ? { oaepLabel: options.label } : {}),
            },
            ciphertext,
          ),
        )
      } catch (cause) {
        throw new Error(RSA_DECRYPTION_ERROR, { cause })
      }
    }
    if (ciphertext.length !== pub.size) throw new Error(RSA_DECRYPTION_ERROR)
    let em: Uint8Array
    try {
      em = nc.privateDecrypt({ key, padding: nc.constants.RSA_NO_PADDING }, ciphertext)
    } catch (cause) {
      throw new Error(RSA_DECRYPTION_ERROR, { cause })
    }
    const message = emePkcs1v15Decode(em)
    em.fill(0)
    if (message === null) throw new Error(RSA_DECRYPTION_ERROR)
    return message
  },

  async rsaSign(privateKey, options) {
    abytes(options.digest, 'digest')
    const { key, pub } = rsaPrivate(abytes(privateKey, 'privateKey'))
    let em: Uint8Array
    if (options.scheme === 'pss') {
      if (options.hash === 'none') throw new RangeError('"hash" none is only valid with pkcs1v15')
      const hash = options.hash
      if (options.digest.length !== hashInfo(hash).size)
        throw new RangeError('crypto/rsa: input must be hashed message')
      const salt = randomOf(anumber(options.saltLength ?? hashInfo(hash).size, 'saltLength'))
      em = padTo(
        emsaPssEncode(options.digest, pub.bits - 1, salt, (d) => digestOf(hash, d)),
        pub.size,
      )
    } else {
      em = emsaPkcs1v15Encode(options.hash, options.digest, pub.size)
    }
    // RSASP1: OpenSSL's private operation on the encoded message (RFC 8017 §5.2.1).
    return toPlain(nc.privateDecrypt({ key, padding: nc.constants.RSA_NO_PADDING }, em))
  },

  async rsaVerify(publicKey, signature, options) {
    abytes(signature, 'signature')
    abytes(options.digest, 'digest')
    const { key, pub } = rsaPublic(abytes(publicKey, 'publicKey'))
    if (signature.length !== pub.size) return false
    let em: Uint8Array
    try {
      // RSAVP1: OpenSSL's public operation (RFC 8017 §5.2.2); it refuses representatives >= n.
      em = nc.publicEncrypt({ key, padding: nc.constants.RSA_NO_PADDING }, signature)
    } catch {
      return false
    }
    if (options.scheme === 'pss') {
      if (options.hash === 'none') return false
      const hash = options.hash
      const emBits = pub.bits - 1
      const emLen = Math.ceil(emBits / 8)
      if (em.length > emLen && em.subarray(0, em.length - emLen).some((b) => b !== 0)) return false
      return emsaPssVerify(
        options.digest,
        em.subarray(em.length - emLen),
        emBits,
        options.saltLength ?? 'auto',
        (d) => digestOf(hash, d),
      )
    }
    let expected: Uint8Array
    try {
      expected = emsaPkcs1v15Encode(options.hash, options.digest, pub.size)
    } catch {
      return false
    }
    return nc.timingSafeEqual(expected, em)
  },
}
