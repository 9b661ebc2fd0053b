/**
 * The crypto seam. Everything that encrypts, hashes or draws random bytes goes through a
 * {@link CryptoProvider}: the barrier today, transit later. Two implementations agree byte for byte
 * (cross-tested): `nobleCrypto` (portable, `@noble/*`) and `nodeCrypto` (`node:crypto`, AES-NI,
 * constant time; the default on Node).
 *
 * @module
 */

/**
 * A small AEAD / HMAC / hash / random interface. All methods are synchronous: both implementations are
 * synchronous, and the barrier's hot path stays free of needless promise hops.
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
}
