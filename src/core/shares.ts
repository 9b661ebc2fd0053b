/**
 * Collecting key shares across requests, as unseal, rekey and generate-root do: progress, a nonce,
 * duplicates ignored or refused, and the key-string decoding Vault's HTTP handlers apply.
 *
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js'
import { InvalidRequestError } from '../errors.js'
import { combineShares } from '../seal/shamir.js'
import { fromBase64, fromHex } from '../util/encoding.js'

/** Shortest and longest key share Vault accepts (16-byte AES key … 32-byte key + 1 tag byte). */
export const MIN_KEY_LENGTH = 16
export const MAX_KEY_LENGTH = 33

/**
 * Decodes a key share string as Vault's handlers do: hex first; if that fails or has the wrong length,
 * standard base64. Throws Vault's 400 messages.
 */
export function decodeKeyShare(key: unknown): Uint8Array {
  if (typeof key !== 'string' || key === '') {
    throw new InvalidRequestError("'key' must be specified in request body as JSON")
  }
  const hex = fromHex(key)
  if (hex && hex.length >= MIN_KEY_LENGTH && hex.length <= MAX_KEY_LENGTH) return hex
  const b64 = fromBase64(key, true)
  if (!b64) throw new InvalidRequestError("'key' must be a valid hex or base64 string")
  return b64
}

/** Checks a decoded share's length (`key is shorter than minimum 16 bytes` …). */
export function checkKeyLength(key: Uint8Array, prefix = ''): void {
  if (key.length < MIN_KEY_LENGTH) {
    throw new InvalidRequestError(`${prefix}key is shorter than minimum ${MIN_KEY_LENGTH} bytes`)
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidRequestError(`${prefix}key is longer than maximum ${MAX_KEY_LENGTH} bytes`)
  }
}

/**
 * Shares collected toward a threshold. Holds copies and wipes them on `reset`.
 */
export class ShareCollector {
  private shares: Uint8Array[] = []

  constructor(private readonly crypto: CryptoProvider) {}

  /** How many distinct shares are held. */
  get progress(): number {
    return this.shares.length
  }

  /** `true` if an identical share is already held (compared in constant time). */
  has(share: Uint8Array): boolean {
    let found = false
    for (const s of this.shares) if (this.crypto.timingSafeEqual(s, share)) found = true
    return found
  }

  /** Adds a copy of `share`. */
  add(share: Uint8Array): void {
    this.shares.push(share.slice())
  }

  /**
   * Combines the held shares into the key: with a threshold of 1 the single share is the key itself
   * (Vault never splits a single share).
   */
  async combine(threshold: number): Promise<Uint8Array> {
    if (threshold === 1) return this.shares[0]!.slice()
    return combineShares(this.shares)
  }

  /** Wipes and forgets every share. */
  reset(): void {
    for (const s of this.shares) s.fill(0)
    this.shares = []
  }
}
