/**
 * Rebuilding the expiry queue after unseal (Vault's `ExpirationManager.Restore`): every lease entry is
 * read back from storage in batches, with a yield to the event loop between batches, so that a vault
 * with a million leases answers requests while it restores. Leases that expired while the vault was
 * sealed go into the queue already due and are revoked right away — in batches too.
 *
 * @module
 */
import { SealedError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import type { ExpiryScheduler } from './expiry-scheduler.js'
import type { IrrevocableLease } from './irrevocable.js'
import type { LeaseEntry } from './lease-entry.js'
import type { LeaseStore } from './lease-store.js'

/** What the restore needs of the lease manager. */
export interface RestoreHost {
  store: LeaseStore
  scheduler: ExpiryScheduler
  irrevocable: Map<string, IrrevocableLease>
  /** Leases a request touched since the restore began: their state is newer than what it reads. */
  touched: ReadonlySet<string>
  batchSize: number
  yieldFn: () => Promise<void>
  /** `false` once the vault was sealed again: the restore stops. */
  current(): boolean
  warn?(message: string): void
}

/**
 * Reads every lease back: irrevocable ones into `irrevocable`, expiring ones into the queue. A read
 * that fails is skipped with a warning (the lease stays in storage for the next unseal).
 *
 * @example
 * ```ts
 * await restoreLeases({ store, scheduler, irrevocable, touched, batchSize: 256, yieldFn, current: () => true })
 * ```
 */
export async function restoreLeases(host: RestoreHost): Promise<void> {
  let ids: string[]
  try {
    ids = await host.store.collect('')
  } catch (err) {
    if (host.current() && !(err instanceof SealedError)) {
      host.warn?.('could not list leases to restore; expiry runs only for new leases')
    }
    return
  }
  for (let i = 0; i < ids.length; i += host.batchSize) {
    if (!host.current()) return
    const batch = ids.slice(i, i + host.batchSize)
    await Promise.all(batch.map((id) => restoreOne(host, id)))
    await host.yieldFn()
  }
}

async function restoreOne(host: RestoreHost, id: string): Promise<void> {
  if (host.touched.has(id) || host.scheduler.queue.has(id)) return
  let le: LeaseEntry | null
  try {
    le = await host.store.load(id)
  } catch (err) {
    if (host.current() && !(err instanceof SealedError)) host.warn?.(`could not restore lease ${goQuote(id)}`)
    return
  }
  // A request may have renewed or revoked it while it was being read: that request's view wins.
  if (!le || !host.current() || host.touched.has(id)) return
  if (le.revoke_err !== '') {
    host.irrevocable.set(id, { expireTime: le.expire_time, error: le.revoke_err })
  } else if (le.expire_time > 0) {
    host.scheduler.set(id, le.expire_time)
  }
}
