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
  /**
   * A lease was registered: a leased secret was issued (`token: false`, `path` = the request path), or a
   * service token was created (`token: true`, `path` = its creation path). `ttl` in seconds (0 = a
   * token that never expires).
   *
   * @example
   * ```ts
   * vault.on('lease:created', ({ leaseId, ttl }) => console.log(`${leaseId} for ${ttl}s`))
   * ```
   */
  'lease:created': [{ leaseId: string; path: string; ttl: number; token: boolean }]
  /** A lease was renewed (`sys/leases/renew`, or a token renewal); `ttl` is the new TTL in seconds. */
  'lease:renewed': [{ leaseId: string; ttl: number }]
  /**
   * A lease was revoked on request and is gone: `sys/leases/revoke` (sync), `revoke-prefix`,
   * `revoke-force` (`force: true`: the backend may have failed), an unmount, tidy, or its token being
   * revoked (for a token's own lease). Each removed lease emits exactly one of `lease:revoked` and
   * `lease:expired`.
   */
  'lease:revoked': [{ leaseId: string; force: boolean }]
  /**
   * The expiry queue revoked a lease and it is gone: its TTL ran out, or it was queued for revocation
   * (`sync=false`, or the token that created it was revoked).
   */
  'lease:expired': [{ leaseId: string }]
  /**
   * An expired lease could not be revoked after its last attempt (or the backend refused the request
   * outright): it stays in storage, listed by `GET sys/leases?type=irrevocable`, until `revoke-force`.
   * `error` is the stored revocation error (at most 240 characters, never a secret value).
   */
  'lease:irrevocable': [{ leaseId: string; error: string; attempts: number }]
  /** An audit device was enabled (`sys/audit/:path`). */
  'audit:enabled': [{ path: string; type: string }]
  /** An audit device was disabled. */
  'audit:disabled': [{ path: string; type: string }]
  /**
   * An audit device failed to write an entry (`kind` `request`/`response`), to reopen, to load at
   * unseal (`setup`) or to close; the other devices carried on. `error` names paths, never a secret.
   */
  'audit:failed': [
    { path: string; kind: 'request' | 'response' | 'reopen' | 'setup' | 'close'; error: string },
  ]
}
