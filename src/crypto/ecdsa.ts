/**
 * ECDSA over P-256, P-384 and P-521 for both providers, on `@noble/curves`. Go's (and so Vault's)
 * ECDSA signs and verifies a *digest*; `node:crypto` and Web Crypto only sign messages they hash
 * themselves, so neither can serve prehashed input. One implementation for both providers also keeps
 * their signatures identical: nonces are RFC 6979 deterministic.
 *
 * @module
 */
import { p256, p384, p521 } from '@noble/curves/nist.js'
import { abytes } from './asserts.js'
import type { EcdsaCurve } from './provider.js'

const CURVES = { p256, p384, p521 } as const

/** Scalar / coordinate size in bytes of each curve. */
export const ECDSA_SIZES: Readonly<Record<EcdsaCurve, number>> = Object.freeze({
  p256: 32,
  p384: 48,
  p521: 66,
})

function curveOf(curve: EcdsaCurve) {
  const c = CURVES[curve]
  if (!c) throw new TypeError('"curve" expected p256, p384 or p521')
  return c
}

/**
 * A random private scalar for `curve` (from the platform CSPRNG).
 *
 * @example
 * ```ts
 * ecdsaGenerateKey('p256').length // 32
 * ```
 */
export function ecdsaGenerateKey(curve: EcdsaCurve): Uint8Array {
  return curveOf(curve).utils.randomSecretKey()
}

/**
 * The uncompressed SEC 1 public point of a private scalar.
 *
 * @throws {RangeError} if the scalar is not a valid private key for the curve.
 * @example
 * ```ts
 * ecdsaPublicKey('p256', d).length // 65
 * ```
 */
export function ecdsaPublicKey(curve: EcdsaCurve, privateKey: Uint8Array): Uint8Array {
  const c = curveOf(curve)
  abytes(privateKey, 'privateKey', ECDSA_SIZES[curve])
  if (!c.utils.isValidSecretKey(privateKey)) throw new RangeError('"privateKey" is not a valid scalar')
  return c.getPublicKey(privateKey, false)
}

/**
 * Signs a digest: `r ‖ s`, RFC 6979 nonces, S not normalized (as Go).
 *
 * @example
 * ```ts
 * const sig = ecdsaSign('p384', d, sha384(message))
 * ```
 */
export function ecdsaSign(curve: EcdsaCurve, privateKey: Uint8Array, digest: Uint8Array): Uint8Array {
  const c = curveOf(curve)
  abytes(privateKey, 'privateKey', ECDSA_SIZES[curve])
  abytes(digest, 'digest')
  return c.sign(digest, privateKey, { prehash: false, lowS: false })
}

/**
 * Verifies `r ‖ s` over a digest; high-S signatures verify, as in Go. Any malformed input is `false`.
 *
 * @example
 * ```ts
 * ecdsaVerify('p256', publicKey, digest, sig) // true
 * ```
 */
export function ecdsaVerify(
  curve: EcdsaCurve,
  publicKey: Uint8Array,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const c = curveOf(curve)
  abytes(publicKey, 'publicKey')
  abytes(digest, 'digest')
  abytes(signature, 'signature')
  if (signature.length !== 2 * ECDSA_SIZES[curve]) return false
  try {
    return c.verify(signature, digest, publicKey, { prehash: false, lowS: false })
  } catch {
    return false
  }
}
