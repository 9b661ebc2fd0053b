/**
 * The barrier's AEAD framing, shared by the barrier (which prefixes a 4-byte term) and the seal layer
 * (which stores the root key encrypted under the unseal key without a term).
 *
 * ```
 * version u8 (0x02) ‖ 12-byte random nonce ‖ AES-GCM ciphertext ‖ 16-byte tag      AAD = path (UTF-8)
 * ```
 *
 * Version `0x01` (no AAD) is accepted for reading, as Vault does; it is never written.
 *
 * @module
 */

import type { CryptoProvider } from '../crypto/provider.js'
import { BarrierError } from '../errors.js'

/** Version byte of values encrypted without additional data (Vault's `AESGCMVersion1`); read-only. */
export const AEAD_VERSION_1 = 0x01
/** Version byte of values bound to their storage path by AAD (Vault's `AESGCMVersion2`); written. */
export const AEAD_VERSION_2 = 0x02
/** GCM nonce length in bytes. */
export const NONCE_SIZE = 12
/** GCM tag length in bytes. */
export const TAG_SIZE = 16

const encoder = new TextEncoder()
// Scratch space for encoding AAD without allocating on the hot path. Safe because every provider call
// is synchronous: the bytes are consumed before anything else can run.
const aadScratch = new Uint8Array(1024)

/** The UTF-8 bytes of `path`, in shared scratch space when short enough (consume synchronously). */
function aadOf(path: string): Uint8Array {
  if (path.length * 3 <= aadScratch.length) {
    const { written } = encoder.encodeInto(path, aadScratch)
    return aadScratch.subarray(0, written)
  }
  return encoder.encode(path)
}

/**
 * Encrypts `plaintext` into a fresh buffer laid out as `[offset reserved bytes] ‖ 0x02 ‖ nonce ‖ ct‖tag`.
 * The caller fills the reserved bytes (the barrier writes its term there).
 *
 * @internal
 */
export function sealFramed(
  crypto: CryptoProvider,
  key: Uint8Array,
  path: string,
  plaintext: Uint8Array,
  offset: number,
): Uint8Array {
  const nonce = crypto.randomBytes(NONCE_SIZE)
  const sealed = crypto.aesGcmEncrypt(key, nonce, plaintext, aadOf(path))
  const out = new Uint8Array(offset + 1 + NONCE_SIZE + sealed.length)
  out[offset] = AEAD_VERSION_2
  out.set(nonce, offset + 1)
  out.set(sealed, offset + 1 + NONCE_SIZE)
  return out
}

/**
 * Opens a blob framed as `[offset bytes] ‖ version ‖ nonce ‖ ct‖tag` (the caller has already read the
 * `offset` prefix). Never returns unauthenticated plaintext.
 *
 * @throws {BarrierError} too short, unknown version byte, or authentication failure.
 * @internal
 */
export function openFramed(
  crypto: CryptoProvider,
  key: Uint8Array,
  path: string,
  blob: Uint8Array,
  offset: number,
): Uint8Array {
  if (blob.length < offset + 1 + NONCE_SIZE + TAG_SIZE) throw new BarrierError('invalid cipher length')
  const version = blob[offset]
  if (version !== AEAD_VERSION_2 && version !== AEAD_VERSION_1)
    throw new BarrierError('version bytes mis-match')
  const nonce = blob.subarray(offset + 1, offset + 1 + NONCE_SIZE)
  const sealed = blob.subarray(offset + 1 + NONCE_SIZE)
  try {
    return version === AEAD_VERSION_2
      ? crypto.aesGcmDecrypt(key, nonce, sealed, aadOf(path))
      : crypto.aesGcmDecrypt(key, nonce, sealed)
  } catch (cause) {
    throw new BarrierError('decryption failed: cipher: message authentication failed', { cause })
  }
}

/**
 * Encrypts `plaintext` under `key` (16, 24 or 32 bytes) bound to `path`: `0x02 ‖ nonce ‖ ct‖tag`, with a
 * fresh random nonce. The seal layer uses it to store the root key under the unseal key.
 *
 * @example
 * ```ts
 * const blob = aeadSeal(nodeCrypto, unsealKey, 'core/hsm/barrier-unseal-keys', rootKey)
 * aeadOpen(nodeCrypto, unsealKey, 'core/hsm/barrier-unseal-keys', blob) // rootKey
 * ```
 */
export function aeadSeal(
  crypto: CryptoProvider,
  key: Uint8Array,
  path: string,
  plaintext: Uint8Array,
): Uint8Array {
  return sealFramed(crypto, key, path, plaintext, 0)
}

/**
 * Opens a blob made by {@link aeadSeal} (or a version-1 blob without AAD).
 *
 * @example
 * ```ts
 * const rootKey = aeadOpen(nodeCrypto, unsealKey, 'core/hsm/barrier-unseal-keys', blob)
 * ```
 * @throws {BarrierError} the blob is too short, has an unknown version byte, or does not authenticate
 *   under `key` and `path` (wrong key, tampered, or moved); the seal layer maps this to an invalid key.
 */
export function aeadOpen(
  crypto: CryptoProvider,
  key: Uint8Array,
  path: string,
  blob: Uint8Array,
): Uint8Array {
  return openFramed(crypto, key, path, blob, 0)
}
