/**
 * Transit key types and what each supports — keysutil's `KeyType` methods, one predicate each — plus
 * the hash and marshaling names the signing endpoints accept.
 *
 * @module
 */
import type { EcdsaCurve, HashName } from '../../crypto/provider.js'

/** Every key type transit creates. `xchacha20-poly1305` is OpenBao's; the rest are Vault's. */
export type KeyType =
  | 'aes128-gcm96'
  | 'aes256-gcm96'
  | 'chacha20-poly1305'
  | 'xchacha20-poly1305'
  | 'ed25519'
  | 'ecdsa-p256'
  | 'ecdsa-p384'
  | 'ecdsa-p521'
  | 'rsa-2048'
  | 'rsa-3072'
  | 'rsa-4096'
  | 'hmac'

/** Every {@link KeyType}. */
export const KEY_TYPES: readonly KeyType[] = Object.freeze([
  'aes128-gcm96',
  'aes256-gcm96',
  'chacha20-poly1305',
  'xchacha20-poly1305',
  'ed25519',
  'ecdsa-p256',
  'ecdsa-p384',
  'ecdsa-p521',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'hmac',
])

/**
 * True for a known key type name.
 *
 * @example
 * ```ts
 * isKeyType('aes256-gcm96') // true
 * ```
 */
export function isKeyType(name: unknown): name is KeyType {
  return typeof name === 'string' && (KEY_TYPES as readonly string[]).includes(name)
}

const AEAD: readonly KeyType[] = ['aes128-gcm96', 'aes256-gcm96', 'chacha20-poly1305', 'xchacha20-poly1305']
const RSA: readonly KeyType[] = ['rsa-2048', 'rsa-3072', 'rsa-4096']
const ECDSA: readonly KeyType[] = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521']

/** A symmetric AEAD type (AES-GCM, (X)ChaCha20-Poly1305). */
export const isAead = (t: KeyType): boolean => AEAD.includes(t)
/** An RSA type. */
export const isRsa = (t: KeyType): boolean => RSA.includes(t)
/** An ECDSA type. */
export const isEcdsa = (t: KeyType): boolean => ECDSA.includes(t)

/** keysutil `EncryptionSupported` / `DecryptionSupported`: the AEADs and RSA. */
export const supportsEncryption = (t: KeyType): boolean => isAead(t) || isRsa(t)
/** keysutil `SigningSupported`: ECDSA, Ed25519, RSA. */
export const supportsSigning = (t: KeyType): boolean => isEcdsa(t) || isRsa(t) || t === 'ed25519'
/** keysutil `HashSignatureInput`: ECDSA and RSA sign a digest of the input. */
export const hashesSignatureInput = (t: KeyType): boolean => isEcdsa(t) || isRsa(t)
/** keysutil `DerivationSupported`: the AEADs and Ed25519. */
export const supportsDerivation = (t: KeyType): boolean => isAead(t) || t === 'ed25519'
/** keysutil `AssociatedDataSupported`: the AEADs. */
export const supportsAssociatedData = (t: KeyType): boolean => isAead(t)
/** keysutil `ImportPublicKeySupported`: the asymmetric types. */
export const supportsPublicKeyImport = (t: KeyType): boolean => isEcdsa(t) || isRsa(t) || t === 'ed25519'
/** keysutil `PaddingSchemesSupported`: RSA. */
export const supportsPaddingSchemes = (t: KeyType): boolean => isRsa(t)

/**
 * The ECDSA curve of a type.
 *
 * @example
 * ```ts
 * curveOf('ecdsa-p384') // 'p384'
 * ```
 */
export function curveOf(t: KeyType): EcdsaCurve {
  return t === 'ecdsa-p384' ? 'p384' : t === 'ecdsa-p521' ? 'p521' : 'p256'
}

/** Go's `elliptic.Curve.Params().Name` for a type (the `name` in key info). */
export function curveName(t: KeyType): string {
  return t === 'ecdsa-p384' ? 'P-384' : t === 'ecdsa-p521' ? 'P-521' : 'P-256'
}

/** Curve size in bits (521 for P-521). */
export function curveBits(t: KeyType): number {
  return t === 'ecdsa-p384' ? 384 : t === 'ecdsa-p521' ? 521 : 256
}

/**
 * The RSA modulus size of a type in bits.
 *
 * @example
 * ```ts
 * rsaBitsOf('rsa-3072') // 3072
 * ```
 */
export function rsaBitsOf(t: KeyType): number {
  return t === 'rsa-4096' ? 4096 : t === 'rsa-3072' ? 3072 : 2048
}

/** Symmetric key length in bytes for the AEAD types (16 for AES-128, 32 otherwise). */
export function aeadKeySize(t: KeyType): number {
  return t === 'aes128-gcm96' ? 16 : 32
}

/** AEAD nonce length: 24 for XChaCha20-Poly1305, 12 otherwise. */
export function aeadNonceSize(t: KeyType): number {
  return t === 'xchacha20-poly1305' ? 24 : 12
}

/** The Go `crypto/cipher` / `chacha20poly1305` message on an AEAD open failure. */
export function aeadOpenFailure(t: KeyType): string {
  return t.startsWith('aes')
    ? 'cipher: message authentication failed'
    : 'chacha20poly1305: message authentication failed'
}

/** Bytes an HMAC key may have (keysutil `HmacMinKeySize`, `HmacMaxKeySize`). */
export const HMAC_MIN_KEY_SIZE = 32
export const HMAC_MAX_KEY_SIZE = 512

/** Hash names as the sign/verify/hmac endpoints accept them (keysutil `HashTypeMap`), incl. `none`. */
export type HashType = HashName | 'none'

/**
 * keysutil `HashTypeMap` lookup.
 *
 * @example
 * ```ts
 * parseHashType('sha2-512') // 'sha2-512'
 * parseHashType('md5')      // undefined
 * ```
 */
export function parseHashType(name: string): HashType | undefined {
  const all: readonly string[] = [
    'none',
    'sha1',
    'sha2-224',
    'sha2-256',
    'sha2-384',
    'sha2-512',
    'sha3-224',
    'sha3-256',
    'sha3-384',
    'sha3-512',
  ]
  return all.includes(name) ? (name as HashType) : undefined
}

/** Signature marshaling (keysutil `MarshalingTypeMap`). */
export type Marshaling = 'asn1' | 'jws'

/**
 * Vault's `parsePaddingSchemeArg`: `oaep` or `pkcs1v15`, for RSA keys only.
 *
 * @throws {Error} with Vault's message (`unknown padding scheme: …` /
 *   `unsupported key type … for padding scheme`).
 * @example
 * ```ts
 * parsePaddingScheme('rsa-2048', 'pkcs1v15') // 'pkcs1v15'
 * ```
 */
export function parsePaddingScheme(type: KeyType, scheme: string): 'oaep' | 'pkcs1v15' {
  if (scheme !== 'oaep' && scheme !== 'pkcs1v15') throw new Error(`unknown padding scheme: ${scheme}`)
  if (!supportsPaddingSchemes(type)) throw new Error(`unsupported key type ${type} for padding scheme`)
  return scheme
}
