/**
 * The typed events a {@link Vault} emits (on `eventemitter3`).
 *
 * @module
 */

/** Event name → listener arguments. */
export interface VaultEvents {
  /** The vault was initialized (`sys/init`). */
  initialized: [{ secretShares: number; secretThreshold: number; sealType: string }]
  /** The vault was sealed. */
  sealed: []
  /** The vault was unsealed. */
  unsealed: []
  /** A secrets engine or auth method was mounted. */
  mounted: [{ path: string; type: string; table: 'mounts' | 'auth' }]
  /** A mount was removed. */
  unmounted: [{ path: string; type: string; table: 'mounts' | 'auth' }]
  /** A mount was tuned. */
  tuned: [{ path: string }]
  /** A mount was moved (`sys/remount`). */
  remounted: [{ from: string; to: string }]
  /** The barrier's data key was rotated (`sys/rotate`). */
  keyRotated: [{ term: number }]
  /** The unseal (or recovery) key was rekeyed. */
  rekeyed: [{ secretShares: number; secretThreshold: number; recovery: boolean }]
  /** A root token was generated through `sys/generate-root`. */
  rootGenerated: []
  /** Something an operator should know (dev mode, unsafe settings). Never carries a secret. */
  warning: [message: string]
}
