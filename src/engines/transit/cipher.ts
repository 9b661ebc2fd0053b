/**
 * Encryption and decryption with a transit key (keysutil `EncryptWithFactory` / `DecryptWithFactory`):
 * AEAD (AES-GCM, ChaCha20-Poly1305, XChaCha20-Poly1305) with random or convergent (version 3) nonces,
 * and RSA (OAEP-SHA256 or PKCS #1 v1.5), in Vault's `vault:v<N>:<base64>` format. Every primitive runs
 * through the mount's {@link CryptoProvider}.
 *
 * @module
 */
import type { CryptoProvider } from '../../crypto/provider.js'
import { TransitInternalError, TransitUserError } from './errors.js'
import { decodeStd, encodeStd } from './go-base64.js'
import { aeadKeySize, aeadNonceSize, aeadOpenFailure, isAead, supportsEncryption } from './key-types.js'
import {
  convergentVersionOf,
  ERR_TOO_OLD,
  getKey,
  getKeyEntry,
  splitVersioned,
  versionPrefix,
} from './operations.js'
import type { Policy } from './policy.js'

/** Options of {@link encrypt} and {@link decrypt}. */
export interface CipherOptions {
  /** Base64 associated data (AEAD types). */
  associatedData?: string
  /** RSA padding (`oaep`, the default, or `pkcs1v15`). */
  paddingScheme?: 'oaep' | 'pkcs1v15'
}

function associatedDataOf(opts: CipherOptions): Uint8Array | undefined {
  if (!opts.associatedData) return undefined
  try {
    return decodeStd(opts.associatedData)
  } catch (e) {
    throw new TransitInternalError(
      `unable to get associated_data/additional_data from factory[0]: ${(e as Error).message}`,
    )
  }
}

function aeadSeal(
  p: Policy,
  crypto: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  pt: Uint8Array,
  aad?: Uint8Array,
) {
  switch (p.type) {
    case 'chacha20-poly1305':
      return crypto.chacha20Poly1305Encrypt(key, nonce, pt, aad)
    case 'xchacha20-poly1305':
      return crypto.xchacha20Poly1305Encrypt(key, nonce, pt, aad)
    default:
      return crypto.aesGcmEncrypt(key, nonce, pt, aad)
  }
}

function aeadOpen(
  p: Policy,
  crypto: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  ct: Uint8Array,
  aad?: Uint8Array,
) {
  switch (p.type) {
    case 'chacha20-poly1305':
      return crypto.chacha20Poly1305Decrypt(key, nonce, ct, aad)
    case 'xchacha20-poly1305':
      return crypto.xchacha20Poly1305Decrypt(key, nonce, ct, aad)
    default:
      return crypto.aesGcmDecrypt(key, nonce, ct, aad)
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const part of parts) total += part.length
  const out = new Uint8Array(total)
  let off = 0
  for (const part of parts) {
    out.set(part, off)
    off += part.length
  }
  return out
}

/**
 * keysutil `EncryptWithFactory`: encrypts base64 `plaintext` (or bytes a caller already decoded) with
 * version `ver` (0 = latest) and
 * returns `vault:v<ver>:<base64>`. AEAD payload: nonce ‖ ciphertext ‖ tag; the nonce is random, or —
 * for convergent keys (scheme 3) — `HMAC-SHA256(k[enc:enc+32], plaintext)` truncated to the nonce size,
 * where `k` is the HKDF output for the context. RSA: RSA-OAEP(SHA-256) or PKCS #1 v1.5.
 *
 * @throws {TransitUserError} / {@link TransitInternalError} with keysutil's messages.
 */
export async function encrypt(
  p: Policy,
  crypto: CryptoProvider,
  ver: number,
  context: Uint8Array,
  plaintextB64: string | Uint8Array,
  opts: CipherOptions = {},
): Promise<string> {
  if (!supportsEncryption(p.type)) {
    throw new TransitUserError(`message encryption not supported for key type ${p.type}`)
  }
  let plaintext: Uint8Array
  if (typeof plaintextB64 !== 'string') {
    plaintext = plaintextB64
  } else {
    try {
      plaintext = decodeStd(plaintextB64)
    } catch (e) {
      throw new TransitUserError((e as Error).message)
    }
  }
  if (ver === 0) ver = p.latestVersion
  else if (ver < 0) throw new TransitUserError('requested version for encryption is negative')
  else if (ver > p.latestVersion) {
    throw new TransitUserError('requested version for encryption is higher than the latest key version')
  } else if (ver < p.minEncryptionVersion) {
    throw new TransitUserError(
      'requested version for encryption is less than the minimum encryption key version',
    )
  }
  let payload: Uint8Array
  if (isAead(p.type)) {
    const encBytes = aeadKeySize(p.type)
    const convergent = convergentVersionOf(p, ver)
    const hmacBytes = convergent > 2 ? 32 : 0
    if (p.convergentEncryption && convergent < 3) {
      throw new TransitUserError(
        `refusing to support decryption with old convergent encryption key: version ${convergent}`,
      )
    }
    const key = getKey(p, crypto, context, ver, encBytes + hmacBytes)
    if (key.length < encBytes + hmacBytes)
      throw new TransitInternalError('could not derive key, length too small')
    const encKey = key.subarray(0, encBytes)
    const nonceSize = aeadNonceSize(p.type)
    const aad = associatedDataOf(opts)
    const nonce = p.convergentEncryption
      ? crypto
          .hmac('sha2-256', key.subarray(encBytes, encBytes + hmacBytes), plaintext)
          .subarray(0, nonceSize)
      : crypto.randomBytes(nonceSize)
    payload = concat(nonce, aeadSeal(p, crypto, encKey, nonce, plaintext, aad))
  } else {
    const entry = getKeyEntry(p, ver)
    const publicKey = entry.rsaPublicKey
    if (!publicKey) throw new TransitInternalError('failed to RSA encrypt the plaintext: no public key')
    try {
      payload = await crypto.rsaEncrypt(
        publicKey,
        plaintext,
        opts.paddingScheme === 'pkcs1v15' ? { padding: 'pkcs1v15' } : { padding: 'oaep', hash: 'sha2-256' },
      )
    } catch (e) {
      throw new TransitInternalError(`failed to RSA encrypt the plaintext: ${(e as Error).message}`, {
        cause: e,
      })
    }
  }
  return versionPrefix(ver) + encodeStd(payload)
}

/**
 * keysutil `DecryptWithFactory`: decrypts `vault:v<N>:<base64>` and returns the base64 plaintext.
 *
 * @throws {TransitUserError} / {@link TransitInternalError} with keysutil's messages.
 */
export async function decrypt(
  p: Policy,
  crypto: CryptoProvider,
  context: Uint8Array,
  value: string,
  opts: CipherOptions = {},
): Promise<string> {
  return encodeStd(await decryptBytes(p, crypto, context, value, opts))
}

/**
 * {@link decrypt} without the final base64: the plaintext bytes (for rewrap, which re-encrypts them).
 *
 * @throws {TransitUserError} / {@link TransitInternalError} with keysutil's messages.
 */
export async function decryptBytes(
  p: Policy,
  crypto: CryptoProvider,
  context: Uint8Array,
  value: string,
  opts: CipherOptions = {},
): Promise<Uint8Array> {
  if (!supportsEncryption(p.type)) {
    throw new TransitUserError(`message decryption not supported for key type ${p.type}`)
  }
  let { ver, rest } = splitVersioned(value, 'ciphertext')
  if (ver === 0) ver = 1 // compatibility with the first implementation, where versions started at 0
  if (ver > p.latestVersion) throw new TransitUserError('invalid ciphertext: version is too new')
  if (p.minDecryptionVersion > 0 && ver < p.minDecryptionVersion) throw new TransitUserError(ERR_TOO_OLD)
  let decoded: Uint8Array
  try {
    decoded = decodeStd(rest)
  } catch {
    throw new TransitUserError('invalid ciphertext: could not decode base64')
  }
  let plain: Uint8Array
  if (isAead(p.type)) {
    const numBytes = aeadKeySize(p.type)
    const encKey = getKey(p, crypto, context, ver, numBytes)
    if (encKey.length !== numBytes)
      throw new TransitInternalError('could not derive enc key, length not correct')
    const aad = associatedDataOf(opts)
    const nonceSize = aeadNonceSize(p.type)
    if (decoded.length < nonceSize) throw new TransitUserError('invalid ciphertext length')
    const sealed = decoded.subarray(nonceSize)
    if (sealed.length < 16) throw new TransitUserError(aeadOpenFailure(p.type))
    try {
      plain = aeadOpen(p, crypto, encKey, decoded.subarray(0, nonceSize), sealed, aad)
    } catch {
      throw new TransitUserError(aeadOpenFailure(p.type))
    }
  } else {
    const entry = getKeyEntry(p, ver)
    if (!entry.rsaKey) {
      throw new TransitInternalError(
        'cannot decrypt ciphertext, key version does not have a private counterpart',
      )
    }
    try {
      plain = await crypto.rsaDecrypt(
        entry.rsaKey,
        decoded,
        opts.paddingScheme === 'pkcs1v15' ? { padding: 'pkcs1v15' } : { padding: 'oaep', hash: 'sha2-256' },
      )
    } catch (e) {
      throw new TransitInternalError(`failed to RSA decrypt the ciphertext: ${(e as Error).message}`, {
        cause: e,
      })
    }
  }
  return plain
}
