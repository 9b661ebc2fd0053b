/**
 * Shamir's secret sharing in Vault's share format, wrapping the independently audited
 * `shamir-secret-sharing` package (Privy, audited by Cure53 and Zellic).
 *
 * Format check (read in `node_modules/shamir-secret-sharing/esm/index.js`, v0.0.4): the package is a
 * port of Vault's `shamir/shamir.go`. Field GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1 (0x11B), using
 * log/exp tables copied from Vault's `shamir/tables.go` (generator 0xe5); add = XOR; Horner evaluation
 * of a fresh random polynomial of degree threshold-1 per secret byte with the secret byte as constant
 * term; Lagrange interpolation at x = 0 to combine. x coordinates are distinct, non-zero (a shuffle of
 * 1..255, CSPRNG-driven) and the x byte is appended as the LAST byte of each share, so a share is
 * `secret.length + 1` bytes — exactly Vault's `[y_0 … y_{n-1}, x]`. Shares split here combine in Vault and
 * vice versa (pinned by the hand-computed vectors in `test/seal/shamir.test.ts`).
 *
 * What this wrapper adds: Vault's argument checks and error messages (in Vault's order), and copies of
 * the inputs into plain `Uint8Array`s (the package checks `value.constructor === Uint8Array`, which a
 * Node `Buffer` fails), wiped after use.
 *
 * @module
 */

import { combine, split } from 'shamir-secret-sharing'
import { abytes } from '../crypto/asserts.js'
import { InvalidRequestError } from '../errors.js'

/** A copy of `bytes` whose constructor is exactly `Uint8Array`. */
function plainCopy(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length)
  out.set(bytes)
  return out
}

function aint(n: unknown, title: string): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new InvalidRequestError(`${title} must be an integer`)
  }
  return n
}

/**
 * Splits `secret` into `parts` shares, any `threshold` of which recover it (Vault's `shamir.Split`). Each
 * share is `secret.length + 1` bytes: the y values, then the share's x coordinate (random, distinct,
 * non-zero).
 *
 * @throws InvalidRequestError with Vault's message: `parts cannot be less than threshold`,
 * `parts cannot exceed 255`, `threshold must be at least 2`, `threshold cannot exceed 255`,
 * `cannot split an empty secret` (or `parts must be an integer` / `threshold must be an integer`).
 * @throws TypeError if `secret` is not a `Uint8Array`.
 * @example
 * ```ts
 * const shares = await splitSecret(unsealKey, 5, 3) // 5 × 33 bytes for a 32-byte key
 * await combineShares([shares[4]!, shares[0]!, shares[2]!]) // unsealKey
 * ```
 */
export async function splitSecret(
  secret: Uint8Array,
  parts: number,
  threshold: number,
): Promise<Uint8Array[]> {
  abytes(secret, 'secret')
  aint(parts, 'parts')
  aint(threshold, 'threshold')
  // Vault's checks, in Vault's order. With parts ≤ 255 and parts ≥ threshold, the `threshold cannot
  // exceed 255` branch is unreachable, in Vault as here; it is kept for fidelity.
  if (parts < threshold) throw new InvalidRequestError('parts cannot be less than threshold')
  if (parts > 255) throw new InvalidRequestError('parts cannot exceed 255')
  if (threshold < 2) throw new InvalidRequestError('threshold must be at least 2')
  if (threshold > 255) throw new InvalidRequestError('threshold cannot exceed 255')
  if (secret.length === 0) throw new InvalidRequestError('cannot split an empty secret')

  const copy = plainCopy(secret)
  try {
    return await split(copy, parts, threshold)
  } finally {
    copy.fill(0)
  }
}

/**
 * Recovers the secret from shares made by {@link splitSecret} (or by Vault), in any order (Vault's
 * `shamir.Combine`). Fewer than the threshold yields a wrong secret without an error — as in Vault, the
 * caller detects it when the recovered key fails to authenticate something.
 *
 * @throws InvalidRequestError with Vault's message: `less than two parts cannot be used to reconstruct
 * the secret`, `parts must be at least two bytes`, `all parts must be the same length`,
 * `duplicate part detected`; or `parts cannot exceed 255` for 256 parts (all x values including 0).
 * @throws TypeError if a share is not a `Uint8Array`.
 * @example
 * ```ts
 * const key = await combineShares([shareA, shareB, shareC])
 * ```
 */
export async function combineShares(shares: Uint8Array[]): Promise<Uint8Array> {
  if (!Array.isArray(shares)) throw new TypeError('"shares" expected an array of Uint8Array')
  for (const [i, s] of shares.entries()) abytes(s, `shares[${i}]`)
  if (shares.length < 2) {
    throw new InvalidRequestError('less than two parts cannot be used to reconstruct the secret')
  }
  const len = shares[0]!.length
  if (len < 2) throw new InvalidRequestError('parts must be at least two bytes')
  if (shares.some((s) => s.length !== len)) throw new InvalidRequestError('all parts must be the same length')
  const seen = new Set<number>()
  for (const s of shares) {
    const x = s[len - 1]!
    if (seen.has(x)) throw new InvalidRequestError('duplicate part detected')
    seen.add(x)
  }
  // Only reachable with exactly 256 parts holding every x in 0..255; Vault would interpolate them, the
  // package refuses more than 255, and no Split ever produces x = 0.
  if (shares.length > 255) throw new InvalidRequestError('parts cannot exceed 255')

  const copies = shares.map(plainCopy)
  try {
    return await combine(copies)
  } finally {
    for (const c of copies) c.fill(0)
  }
}
