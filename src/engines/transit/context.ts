/**
 * What every transit path handler shares: the mount's crypto provider and clock, and its keys.
 *
 * @module
 */
import type { Clock } from '../../clock.js'
import type { CryptoProvider } from '../../crypto/provider.js'
import type { LockManager } from './lock-manager.js'

/** The per-mount state transit's paths close over. */
export interface TransitContext {
  readonly crypto: CryptoProvider
  readonly clock: Clock
  readonly keys: LockManager
}

/**
 * An object with its keys in Go's JSON order for maps (sorted), as Vault's response `data` is.
 *
 * @example
 * ```ts
 * sorted({ b: 1, a: 2 }) // { a: 2, b: 1 }
 * ```
 */
export function sorted<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(obj).sort()) out[k] = obj[k]
  return out as T
}
