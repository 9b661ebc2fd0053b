/**
 * Runtime-neutral RSA helpers shared by both providers: key containers (PKCS #8, PKCS #1,
 * SubjectPublicKeyInfo), the RFC 8017 encodings (EMSA-PSS, EMSA-PKCS1-v1_5, EME-PKCS1-v1_5, MGF1), and
 * the RSA *public* operation over bigints. The private operation never happens here: it is
 * `node:crypto` (OpenSSL, blinded) or Web Crypto, so no secret exponent ever meets JavaScript's
 * variable-time bigint arithmetic. The public operation only sees public values.
 *
 * @module
 */
import {
  bigintToBytes,
  bytesToBigint,
  DER_NULL,
  DerError,
  derBitString,
  derInt,
  derOid,
  derUnsigned,
  oidToString,
  readAll,
  readTlv,
  seq,
  TAG,
  tlv,
} from './der.js'
import { type HashName, hashInfo } from './hashes.js'

/** rsaEncryption (PKCS #1). */
const OID_RSA = '1.2.840.113549.1.1.1'
/** id-RSASSA-PSS: PKCS #8 containers some tools emit for RSA keys meant for PSS. */
const OID_RSA_PSS = '1.2.840.113549.1.1.10'

/** An RSA public key as numbers. */
export interface RsaPublicNumbers {
  n: bigint
  e: bigint
  /** Modulus length in bits. */
  bits: number
  /** Modulus length in bytes (`k` in RFC 8017). */
  size: number
}

/** The message both providers use for any RSA decryption failure, as Go words it. */
export const RSA_DECRYPTION_ERROR = 'crypto/rsa: decryption error'
/** Go's message for a plaintext or encoded message that does not fit the modulus. */
export const RSA_MESSAGE_TOO_LONG = 'crypto/rsa: message too long for RSA key size'

function numbers(n: bigint, e: bigint): RsaPublicNumbers {
  const bits = n.toString(2).length
  return { n, e, bits, size: Math.ceil(bits / 8) }
}

/**
 * The PKCS #1 `RSAPrivateKey` inside a PKCS #8 container (rsaEncryption or id-RSASSA-PSS).
 *
 * @throws {DerError} if `pkcs8` is not an RSA PKCS #8 key.
 * @example
 * ```ts
 * const pkcs1 = rsaPkcs1FromPkcs8(pkcs8) // for a "RSA PRIVATE KEY" PEM
 * ```
 */
export function rsaPkcs1FromPkcs8(pkcs8: Uint8Array): Uint8Array {
  const outer = readTlv(pkcs8, TAG.SEQUENCE)
  if (outer.rest.length !== 0) throw new DerError('trailing data')
  const [version, algorithm, key] = readAll(outer.content)
  if (!version || version.tag !== TAG.INTEGER || !algorithm || !key || key.tag !== TAG.OCTET_STRING) {
    throw new DerError('not a PKCS #8 private key')
  }
  const oid = oidToString(readTlv(algorithm.content, TAG.OID).content)
  if (oid !== OID_RSA && oid !== OID_RSA_PSS) throw new DerError('not an RSA key')
  return key.content
}

/**
 * A PKCS #8 (rsaEncryption) container for a PKCS #1 `RSAPrivateKey`.
 *
 * @example
 * ```ts
 * const pkcs8 = rsaPkcs8FromPkcs1(pkcs1)
 * ```
 */
export function rsaPkcs8FromPkcs1(pkcs1: Uint8Array): Uint8Array {
  return seq(derInt(0n), seq(derOid(OID_RSA), DER_NULL), tlv(TAG.OCTET_STRING, pkcs1))
}

/**
 * The public numbers of a PKCS #8 RSA private key.
 *
 * @throws {DerError} on a malformed key.
 * @example
 * ```ts
 * rsaPublicFromPkcs8(pkcs8).bits // 2048
 * ```
 */
export function rsaPublicFromPkcs8(pkcs8: Uint8Array): RsaPublicNumbers {
  const inner = readTlv(rsaPkcs1FromPkcs8(pkcs8), TAG.SEQUENCE)
  const [, n, e] = readAll(inner.content)
  if (!n || n.tag !== TAG.INTEGER || !e || e.tag !== TAG.INTEGER) throw new DerError('not an RSAPrivateKey')
  return numbers(bytesToBigint(derUnsigned(n.content)), bytesToBigint(derUnsigned(e.content)))
}

/**
 * SubjectPublicKeyInfo DER of RSA public numbers.
 *
 * @example
 * ```ts
 * const spki = rsaSpki(rsaPublicFromPkcs8(pkcs8))
 * ```
 */
export function rsaSpki(pub: { n: bigint; e: bigint }): Uint8Array {
  return seq(seq(derOid(OID_RSA), DER_NULL), derBitString(seq(derInt(pub.n), derInt(pub.e))))
}

/**
 * The public numbers of an RSA SubjectPublicKeyInfo.
 *
 * @throws {DerError} if `spki` is not an RSA public key.
 * @example
 * ```ts
 * rsaPublicFromSpki(spki).size // 256 for RSA-2048
 * ```
 */
export function rsaPublicFromSpki(spki: Uint8Array): RsaPublicNumbers {
  const outer = readTlv(spki, TAG.SEQUENCE)
  if (outer.rest.length !== 0) throw new DerError('trailing data')
  const [algorithm, key] = readAll(outer.content)
  if (!algorithm || !key || key.tag !== TAG.BIT_STRING) throw new DerError('not a SubjectPublicKeyInfo')
  const oid = oidToString(readTlv(algorithm.content, TAG.OID).content)
  if (oid !== OID_RSA && oid !== OID_RSA_PSS) throw new DerError('not an RSA key')
  if (key.content[0] !== 0) throw new DerError('unused bits in key')
  const inner = readTlv(key.content.subarray(1), TAG.SEQUENCE)
  const [n, e] = readAll(inner.content)
  if (!n || n.tag !== TAG.INTEGER || !e || e.tag !== TAG.INTEGER) throw new DerError('not an RSAPublicKey')
  return numbers(bytesToBigint(derUnsigned(n.content)), bytesToBigint(derUnsigned(e.content)))
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod
    b = (b * b) % mod
    e >>= 1n
  }
  return result
}

/**
 * RSAEP / RSAVP1 (RFC 8017 §5.1.1, §5.2.2): `x^e mod n` as `k` bytes. Public values only.
 *
 * @throws {RangeError} if `x` is not `k` bytes or is not below the modulus.
 * @example
 * ```ts
 * const em = rsaPublicOp(pub, signature) // then check the encoding
 * ```
 */
export function rsaPublicOp(pub: RsaPublicNumbers, x: Uint8Array): Uint8Array {
  if (x.length !== pub.size) throw new RangeError('"input" expected the modulus length')
  const m = bytesToBigint(x)
  if (m >= pub.n) throw new RangeError('"input" out of range')
  return bigintToBytes(modPow(m, pub.e, pub.n), pub.size)
}

/** A digest function for the encodings below. */
export type DigestFn = (data: Uint8Array) => Uint8Array

function concat(...parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

/**
 * MGF1 (RFC 8017 §B.2.1).
 *
 * @example
 * ```ts
 * const mask = mgf1(sha256, seed, 223)
 * ```
 */
export function mgf1(hash: DigestFn, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length)
  const input = new Uint8Array(seed.length + 4)
  input.set(seed, 0)
  let off = 0
  for (let counter = 0; off < length; counter++) {
    new DataView(input.buffer).setUint32(seed.length, counter, false)
    const block = hash(input)
    out.set(block.subarray(0, Math.min(block.length, length - off)), off)
    off += block.length
  }
  return out
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of a message hash, with the given salt.
 *
 * @throws {RangeError} if the encoding does not fit `emBits` (key too small for hash and salt).
 * @example
 * ```ts
 * const em = emsaPssEncode(mHash, pub.bits - 1, salt, sha256)
 * ```
 */
export function emsaPssEncode(
  mHash: Uint8Array,
  emBits: number,
  salt: Uint8Array,
  hash: DigestFn,
): Uint8Array {
  const hLen = mHash.length
  const emLen = Math.ceil(emBits / 8)
  if (emLen < hLen + salt.length + 2) throw new RangeError('crypto/rsa: key size too small for PSS signature')
  const h = hash(concat(new Uint8Array(8), mHash, salt))
  const db = new Uint8Array(emLen - hLen - 1)
  db[emLen - salt.length - hLen - 2] = 0x01
  db.set(salt, emLen - salt.length - hLen - 1)
  const mask = mgf1(hash, h, db.length)
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!
  db[0]! &= 0xff >> (8 * emLen - emBits)
  return concat(db, h, Uint8Array.of(0xbc))
}

/**
 * EMSA-PSS-VERIFY (RFC 8017 §9.1.2). `saltLength` `'auto'` recovers the salt length from the encoding,
 * as Go's `rsa.PSSSaltLengthAuto` does on verification.
 *
 * @example
 * ```ts
 * emsaPssVerify(mHash, em, pub.bits - 1, 'auto', sha256) // true | false
 * ```
 */
export function emsaPssVerify(
  mHash: Uint8Array,
  em: Uint8Array,
  emBits: number,
  saltLength: number | 'auto',
  hash: DigestFn,
): boolean {
  const hLen = mHash.length
  const emLen = Math.ceil(emBits / 8)
  if (em.length !== emLen) return false
  if (emLen < hLen + (saltLength === 'auto' ? 0 : saltLength) + 2) return false
  if (em[emLen - 1] !== 0xbc) return false
  const topMask = 0xff >> (8 * emLen - emBits)
  const maskedDb = em.subarray(0, emLen - hLen - 1)
  const h = em.subarray(emLen - hLen - 1, emLen - 1)
  if ((maskedDb[0]! & ~topMask) !== 0) return false
  const db = mgf1(hash, h, maskedDb.length)
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDb[i]!
  db[0]! &= topMask
  let sLen: number
  if (saltLength === 'auto') {
    const one = db.indexOf(0x01)
    if (one < 0 || db.subarray(0, one).some((b) => b !== 0)) return false
    sLen = db.length - one - 1
  } else {
    sLen = saltLength
    const psLen = emLen - hLen - sLen - 2
    for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false
    if (db[psLen] !== 0x01) return false
  }
  const salt = db.subarray(db.length - sLen)
  const expected = hash(concat(new Uint8Array(8), mHash, salt))
  let diff = 0
  for (let i = 0; i < hLen; i++) diff |= expected[i]! ^ h[i]!
  return diff === 0
}

/**
 * The DER DigestInfo prefix of a hash (RFC 8017 §9.2 note 1), computed from its OID.
 *
 * @example
 * ```ts
 * digestInfoPrefix('sha2-256') // 3031300d060960864801650304020105000420
 * ```
 */
export function digestInfoPrefix(hash: HashName): Uint8Array {
  const info = hashInfo(hash)
  const full = seq(seq(derOid(info.oid), DER_NULL), tlv(TAG.OCTET_STRING, new Uint8Array(info.size)))
  return full.subarray(0, full.length - info.size)
}

/**
 * EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of a digest, `k` bytes long. With hash `'none'` the digest is used
 * as T directly, with no DigestInfo (Go's `SignPKCS1v15` with hash 0, Vault's `hash_algorithm=none`).
 *
 * @throws {RangeError} (`crypto/rsa: message too long for RSA key size`) when T does not fit.
 * @example
 * ```ts
 * const em = emsaPkcs1v15Encode('sha2-256', digest, 256)
 * ```
 */
export function emsaPkcs1v15Encode(hash: HashName | 'none', digest: Uint8Array, k: number): Uint8Array {
  if (hash !== 'none' && digest.length !== hashInfo(hash).size) {
    throw new RangeError('crypto/rsa: input must be hashed message')
  }
  const t = hash === 'none' ? digest : concat(digestInfoPrefix(hash), digest)
  if (k < t.length + 11) throw new RangeError(RSA_MESSAGE_TOO_LONG)
  const em = new Uint8Array(k).fill(0xff)
  em[0] = 0x00
  em[1] = 0x01
  em[k - t.length - 1] = 0x00
  em.set(t, k - t.length)
  return em
}

/**
 * EME-PKCS1-v1_5 encoding (RFC 8017 §7.2.1) of a message, `k` bytes long.
 *
 * @param randomNonZero - returns `n` random non-zero bytes.
 * @throws {RangeError} (`crypto/rsa: message too long for RSA key size`) when the message does not fit.
 * @example
 * ```ts
 * const em = emePkcs1v15Encode(message, 256, nonZeroRandom)
 * ```
 */
export function emePkcs1v15Encode(
  message: Uint8Array,
  k: number,
  randomNonZero: (n: number) => Uint8Array,
): Uint8Array {
  if (message.length > k - 11) throw new RangeError(RSA_MESSAGE_TOO_LONG)
  const em = new Uint8Array(k)
  em[1] = 0x02
  em.set(randomNonZero(k - message.length - 3), 2)
  em.set(message, k - message.length)
  return em
}

/**
 * EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2 step 3), scanning every byte so the time does not depend on
 * where (or whether) the separator is. `null` on any malformation.
 *
 * @example
 * ```ts
 * const message = emePkcs1v15Decode(em) // Uint8Array | null
 * ```
 */
export function emePkcs1v15Decode(em: Uint8Array): Uint8Array | null {
  let bad = em[0]! | (em[1]! ^ 0x02)
  let index = 0
  let looking = 1
  for (let i = 2; i < em.length; i++) {
    const isZero = em[i] === 0 ? 1 : 0
    index = looking & isZero ? i : index
    looking &= isZero ^ 1
  }
  bad |= looking
  // At least 8 bytes of non-zero padding: the separator cannot come before index 10.
  bad |= index < 10 ? 1 : 0
  return bad === 0 ? new Uint8Array(em.subarray(index + 1)) : null
}
