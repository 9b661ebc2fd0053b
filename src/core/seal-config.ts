/**
 * Seal configuration: how many shares, what threshold. Stored in the clear (it must be read while
 * sealed), in Vault's JSON shape.
 *
 * @module
 */
import { InvalidRequestError } from '../errors.js'
import type { StorageAdapter } from '../storage/adapter.js'
import { fromUtf8, utf8 } from '../util/encoding.js'

export { RECOVERY_CONFIG_PATH, SEAL_CONFIG_PATH } from '../barrier/barrier.js'

/** Vault's `SealConfig`. */
export interface SealConfig {
  type: string
  secret_shares: number
  secret_threshold: number
  pgp_keys: string[] | null
  nonce: string
  backup: boolean
  stored_shares: number
}

/** Reads a seal configuration; `null` when absent. */
export async function readSealConfig(storage: StorageAdapter, path: string): Promise<SealConfig | null> {
  const raw = await storage.get(path)
  return raw ? (JSON.parse(fromUtf8(raw)) as SealConfig) : null
}

/** Writes a seal configuration. */
export async function writeSealConfig(
  storage: StorageAdapter,
  path: string,
  config: SealConfig,
): Promise<void> {
  await storage.put(path, utf8(JSON.stringify(config)))
}

/**
 * Validates shares/threshold with Vault's rules and messages (`SealConfig.Validate`):
 * 1 ≤ threshold ≤ shares ≤ 255, and threshold ≥ 2 whenever shares > 1.
 */
export function validateShares(shares: number, threshold: number): void {
  if (!Number.isInteger(shares) || shares < 1) throw new InvalidRequestError('shares must be at least one')
  if (!Number.isInteger(threshold) || threshold < 1)
    throw new InvalidRequestError('threshold must be at least one')
  if (shares > 1 && threshold === 1) {
    throw new InvalidRequestError('threshold must be greater than one for multiple shares')
  }
  if (shares > 255) throw new InvalidRequestError('shares must be less than 256')
  if (threshold > 255) throw new InvalidRequestError('threshold must be less than 256')
  if (threshold > shares) throw new InvalidRequestError('threshold cannot be larger than shares')
}
