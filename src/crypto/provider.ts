/**
 * The crypto seam. Everything that encrypts, hashes, signs or draws random bytes goes through a
 * {@link CryptoProvider}: the barrier, the seal, and the transit engine. Two implementations agree byte
 * for byte wherever the algorithm is deterministic (cross-tested): `nobleCrypto` (portable: `@noble/*`
 * and Web Crypto for RSA) and `nodeCrypto` (`node:crypto`, AES-NI, constant time; the default on Node).
 *
 * @module
 */
import type { HashName } from './hashes.js'

export type { HashName } from './hashes.js'

/**
 * A NIST curve for ECDSA: P-256, P-384 or P-521.
 *
 * @example
 * ```ts
 * const d = crypto.ecdsaGenerateKey('p384' satisfies EcdsaCurve)
 * ```
 */
export type EcdsaCurve = 'p256' | 'p384' | 'p521'

/**
 * RSA encryption padding: RSAES-OAEP (with its hash for both the label hash and MGF1, and an optional
 * label) or RSAES-PKCS1-v1_5.
 *
 * @example
 * ```ts
 * await crypto.rsaEncrypt(spki, plaintext, { padding: 'oaep', hash: 'sha2-256' })
 * ```
 */
export type RsaEncryptionPadding =
  | { padding: 'oaep'; hash: HashName; label?: Uint8Array }
  | { padding: 'pkcs1v15' }

/**
 * RSA signature options shared by sign and verify.
 *
 * @example
 * ```ts
 * const o: RsaSignatureOptions = { scheme: 'pss', hash: 'sha2-256', digest: crypto.digest('sha2-256', msg) }
 * ```
 */
export interface RsaSignatureOptions {
  /** RSASSA-PSS (MGF1 with the same hash) or RSASSA-PKCS1-v1_5. */
  scheme: 'pss' | 'pkcs1v15'
  /**
   * The hash that produced `digest`. `'none'` (PKCS #1 v1.5 only) signs `digest` as is, without a
   * DigestInfo, as Go's `SignPKCS1v15` does with hash 0.
   */
  hash: HashName | 'none'
  /** The message digest that is signed (Go's `rsa.Sign*` take the digest, not the message). */
  digest: Uint8Array
}

/**
 * Options of {@link CryptoProvider.rsaSign}.
 *
 * @example
 * ```ts
 * await crypto.rsaSign(pkcs8, { scheme: 'pss', hash: 'sha2-256', digest, saltLength: 32, message })
 * ```
 */
export interface RsaSignOptions extends RsaSignatureOptions {
  /** PSS salt length in bytes (ignored for PKCS #1 v1.5). */
  saltLength?: number
  /**
   * The message `digest` was computed from, when the caller has it (not for prehashed input). A
   * provider whose RSA backend hashes by itself (Web Crypto) needs it.
   */
  message?: Uint8Array
}

/**
 * Options of {@link CryptoProvider.rsaVerify}.
 *
 * @example
 * ```ts
 * await crypto.rsaVerify(spki, sig, { scheme: 'pss', hash: 'sha2-256', digest, saltLength: 'auto' })
 * ```
 */
export interface RsaVerifyOptions extends RsaSignatureOptions {
  /** PSS salt length in bytes, or `'auto'` to accept any (recovered from the encoding). */
  saltLength?: number | 'auto'
}

/**
 * AEAD, MAC, hash, KDF, key-wrap, signature and random-number primitives.
 *
 * Symmetric primitives and Ed25519/ECDSA are synchronous: both implementations are, and the barrier's
 * hot path stays free of needless promise hops. RSA methods return promises, because Web Crypto (the
 * portable provider's RSA backend) is asynchronous.
 *
 * Errors: malformed arguments throw `TypeError` / `RangeError` naming the argument (never its content);
 * a failed AEAD open or key unwrap throws an `Error` with a fixed message; an operation a provider
 * cannot perform throws an `Error` whose message starts with `unsupported:`.
 *
 * @example
 * ```ts
 * const crypto: CryptoProvider = getDefaultCrypto()
 * const sealed = crypto.chacha20Poly1305Encrypt(key, crypto.randomBytes(12), plaintext)
 * ```
 */
export interface CryptoProvider {
  /** `node` or `noble`. */
  readonly name: string
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array
  /**
   * AES-GCM encrypt with a 16/24/32-byte key and a 12-byte nonce. Returns ciphertext ‖ 16-byte tag.
   */
  aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array
  /**
   * AES-GCM decrypt of ciphertext ‖ tag. Throws (never returns wrong plaintext) if the tag does not verify.
   */
  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array
  /** HMAC-SHA256. */
  hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array
  /** SHA-256. */
  sha256(message: Uint8Array): Uint8Array
  /** Constant-time equality of two byte strings (false, early, only on differing lengths). */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean

  /** The digest of `message` under a named hash (SHA-1, SHA-2, SHA-3). */
  digest(hash: HashName, message: Uint8Array): Uint8Array
  /** HMAC (RFC 2104) under a named hash. */
  hmac(hash: HashName, key: Uint8Array, message: Uint8Array): Uint8Array
  /** HKDF-SHA256 (RFC 5869): extract with `salt` (empty = zeros), expand with `info` to `length` bytes. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array
  /** ChaCha20-Poly1305 (RFC 8439) with a 32-byte key and 12-byte nonce. Returns ciphertext ‖ tag. */
  chacha20Poly1305Encrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array
  /** ChaCha20-Poly1305 open. Throws `chacha20-poly1305: authentication failed` on a bad tag. */
  chacha20Poly1305Decrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array
  /** XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) with a 32-byte key and 24-byte nonce. */
  xchacha20Poly1305Encrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array
  /** XChaCha20-Poly1305 open. Throws `chacha20-poly1305: authentication failed` on a bad tag. */
  xchacha20Poly1305Decrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad?: Uint8Array,
  ): Uint8Array
  /** AES key wrap with padding (RFC 5649) under a 16/24/32-byte KEK. */
  aesKeyWrapPad(kek: Uint8Array, plaintext: Uint8Array): Uint8Array
  /** RFC 5649 unwrap. Throws `kwp: unwrap failed` on an integrity failure. */
  aesKeyUnwrapPad(kek: Uint8Array, wrapped: Uint8Array): Uint8Array
  /** The Ed25519 public key (32 bytes) of a 32-byte seed (RFC 8032 §5.1.5). */
  ed25519PublicKey(seed: Uint8Array): Uint8Array
  /** A pure Ed25519 signature (RFC 8032 §5.1.6; deterministic) of `message` under a 32-byte seed. */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array
  /** Verifies a pure Ed25519 signature (RFC 8032 §5.1.7, canonical encodings only). Never throws. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
  /** A new random ECDSA private scalar, big-endian, padded to the curve's size (32/48/66 bytes). */
  ecdsaGenerateKey(curve: EcdsaCurve): Uint8Array
  /** The uncompressed SEC 1 public point (`04 ‖ X ‖ Y`) of a private scalar. */
  ecdsaPublicKey(curve: EcdsaCurve, privateKey: Uint8Array): Uint8Array
  /**
   * ECDSA over a digest (truncated to the order's bit length, as Go's `ecdsa.Sign` and FIPS 186-5 do),
   * with RFC 6979 deterministic nonces. Returns `r ‖ s`, each padded to the curve's size.
   */
  ecdsaSign(curve: EcdsaCurve, privateKey: Uint8Array, digest: Uint8Array): Uint8Array
  /** Verifies `r ‖ s` over a digest (high-S accepted, as Go does). Never throws. */
  ecdsaVerify(curve: EcdsaCurve, publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean
  /** A new RSA key of `bits` bits (public exponent 65537), as PKCS #8 DER. */
  rsaGenerateKey(bits: number): Promise<Uint8Array>
  /** RSA encryption under a SubjectPublicKeyInfo DER public key. */
  rsaEncrypt(publicKey: Uint8Array, plaintext: Uint8Array, options: RsaEncryptionPadding): Promise<Uint8Array>
  /** RSA decryption under a PKCS #8 DER private key. Throws `crypto/rsa: decryption error` on failure. */
  rsaDecrypt(
    privateKey: Uint8Array,
    ciphertext: Uint8Array,
    options: RsaEncryptionPadding,
  ): Promise<Uint8Array>
  /** An RSA signature of a digest under a PKCS #8 DER private key. */
  rsaSign(privateKey: Uint8Array, options: RsaSignOptions): Promise<Uint8Array>
  /** Verifies an RSA signature under a SubjectPublicKeyInfo DER public key. Never rejects on a bad signature. */
  rsaVerify(publicKey: Uint8Array, signature: Uint8Array, options: RsaVerifyOptions): Promise<boolean>
}

/**
 * The names of every method a {@link CryptoProvider} must have, for shape checks.
 *
 * @example
 * ```ts
 * CRYPTO_PROVIDER_METHODS.every((m) => typeof candidate[m] === 'function')
 * ```
 */
export const CRYPTO_PROVIDER_METHODS = [
  'randomBytes',
  'aesGcmEncrypt',
  'aesGcmDecrypt',
  'hmacSha256',
  'sha256',
  'timingSafeEqual',
  'digest',
  'hmac',
  'hkdfSha256',
  'chacha20Poly1305Encrypt',
  'chacha20Poly1305Decrypt',
  'xchacha20Poly1305Encrypt',
  'xchacha20Poly1305Decrypt',
  'aesKeyWrapPad',
  'aesKeyUnwrapPad',
  'ed25519PublicKey',
  'ed25519Sign',
  'ed25519Verify',
  'ecdsaGenerateKey',
  'ecdsaPublicKey',
  'ecdsaSign',
  'ecdsaVerify',
  'rsaGenerateKey',
  'rsaEncrypt',
  'rsaDecrypt',
  'rsaSign',
  'rsaVerify',
] as const satisfies readonly (keyof CryptoProvider)[]
