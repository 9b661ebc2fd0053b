/**
 * What the `sys/` backends may reach of the core. The system backend is the one backend allowed past
 * its storage view: it is the operator's handle on the core itself.
 *
 * @module
 */
import type { AuditBroker } from '../../audit/broker.js'
import type { Barrier } from '../../barrier/barrier.js'
import type { Clock } from '../../clock.js'
import type { ExpirationManager } from '../../core/expiration/expiration-manager.js'
import type { GenerateRoot } from '../../core/generate-root.js'
import type { Operation } from '../../core/logical.js'
import type { MountService } from '../../core/mount-service.js'
import type { PolicyStore } from '../../core/policy-store.js'
import type { Rekey } from '../../core/rekey.js'
import type { InitOptions, InitResult, SealManager, SealStatus } from '../../core/seal-manager.js'
import type { TokenEntry, TokenStore } from '../../core/token-store.js'
import type { ResponseWrapper } from '../../core/wrapping.js'

/** The core as the system backends see it. */
export interface SystemCore {
  readonly sealManager: SealManager
  readonly rekey: Rekey
  readonly rekeyRecovery: Rekey
  readonly generateRoot: GenerateRoot
  readonly mounts: MountService
  readonly policies: PolicyStore
  readonly tokens: TokenStore
  readonly wrapper: () => ResponseWrapper
  readonly barrier: Barrier
  readonly clock: Clock
  /** The lease manager (`sys/leases/*`). */
  readonly leases: ExpirationManager
  /** The audit broker (`sys/audit*`, `sys/config/auditing/*`). */
  readonly audit: AuditBroker
  /**
   * Do the token's policies allow `operation` on `path` (no parameters, no wrapping)? Used where a
   * handler must check a capability on a path other than the request's (lease ownership).
   */
  allowed(entry: TokenEntry, path: string, operation: Operation): Promise<boolean>
  /** Initializes the vault; emits `initialized`. */
  init(options: InitOptions): Promise<InitResult>
  /** Submits an unseal share (auto-unseal seals ignore it); emits `unsealed` on success. */
  submitUnsealKey(key?: Uint8Array): Promise<void>
  /** Seals; emits `sealed`. */
  seal(): Promise<void>
  /** Rotates the barrier key; emits `keyRotated`. */
  rotate(): Promise<{ term: number }>
  status(): Promise<SealStatus>
  clusterInfo(): { name: string; id: string } | null
}
