/**
 * `sys/leases/tidy` (Vault's `ExpirationManager.Tidy`): walks every lease and removes those whose token
 * no longer exists — leases a failed or interrupted revocation left behind.
 *
 * @module
 */
import type { Clock } from '../../clock.js'
import type { TokenStore } from '../token-store.js'
import type { LeaseEntry } from './lease-entry.js'
import type { LeaseStore } from './lease-store.js'
import type { TidyLeasesResult } from './types.js'

/** What tidy needs of the lease manager. */
export interface TidyHost {
  store: LeaseStore
  tokens: TokenStore
  clock: Clock
  /** Leases handled between yields. */
  batchSize: number
  yieldFn: () => Promise<void>
  /** Revokes a lease, backend failures ignored; `true` when it was there and is gone. */
  forceRevoke(leaseId: string): Promise<boolean>
}

/**
 * Tidies every lease: one with no token, or whose token (for a batch token: its parent; an orphan batch
 * token: its expiry) is no longer valid, is force-revoked. Token validity is cached for the run.
 *
 * @example
 * ```ts
 * await tidyLeases(host) // { scanned: 3, emptyToken: 0, invalidToken: 1, revoked: 1, errors: 0 }
 * ```
 */
export async function tidyLeases(host: TidyHost): Promise<TidyLeasesResult> {
  const result: TidyLeasesResult = { scanned: 0, emptyToken: 0, invalidToken: 0, revoked: 0, errors: 0 }
  const valid = new Map<string, boolean>()
  const tokenValid = async (le: LeaseEntry): Promise<boolean> => {
    const token = le.token_type === 'batch' ? le.index_token : le.client_token_salted
    // An orphan batch token is valid until it expires.
    if (token === '') return le.token_expire_time === 0 || le.token_expire_time > host.clock.now()
    let ok = valid.get(token)
    if (ok === undefined) {
      ok = (await host.tokens.lookupBySalted(token, { tainted: true })) !== null
      valid.set(token, ok)
    }
    return ok
  }
  for (const id of await host.store.collect('')) {
    result.scanned++
    if (result.scanned % host.batchSize === 0) await host.yieldFn()
    try {
      const le = await host.store.load(id)
      if (!le) continue
      if (le.client_token_salted === '') result.emptyToken++
      else if (!(await tokenValid(le))) result.invalidToken++
      else continue
      if (await host.forceRevoke(id)) result.revoked++
    } catch {
      result.errors++
    }
  }
  return result
}
