/**
 * Irrevocable leases as `sys/leases/count` and `GET sys/leases?type=irrevocable` report them (Vault's
 * `getIrrevocableLeaseCounts`, `listIrrevocableLeases`). The lease manager keeps the few irrevocable
 * leases in memory (restored from storage on unseal); these functions shape the answers.
 *
 * @module
 */

/** What the lease manager remembers of an irrevocable lease. */
export interface IrrevocableLease {
  /** Expire time, ms. */
  expireTime: number
  /** The revocation error stored on the lease (never a secret). */
  error: string
}

/** Vault's `MaxIrrevocableLeasesToReturn`: the default cap of the irrevocable list. */
export const MAX_IRREVOCABLE_LEASES_TO_RETURN = 10_000

/** Vault's warning when the irrevocable list was cut at its limit. */
export const MAX_IRREVOCABLE_LEASES_WARNING =
  'Command halted because many irrevocable leases were found. To emit the entire list, re-run the command with force set true.'

/** Vault's placeholder for a lease whose mount is gone. */
export const MOUNT_ACCESSOR_NOT_FOUND = 'mount-accessor-not-found'

/**
 * `{ lease_count, counts }`: the irrevocable leases, and how many per mount accessor.
 *
 * @example
 * ```ts
 * irrevocableCounts(leases, (id) => 'kv_1234abcd') // { lease_count: 2, counts: { kv_1234abcd: 2 } }
 * ```
 */
export function irrevocableCounts(
  leases: ReadonlyMap<string, IrrevocableLease>,
  accessorOf: (leaseId: string) => string | undefined,
): { lease_count: number; counts: Record<string, number> } {
  const counts: Record<string, number> = {}
  for (const id of leases.keys()) {
    const accessor = accessorOf(id) ?? MOUNT_ACCESSOR_NOT_FOUND
    counts[accessor] = (counts[accessor] ?? 0) + 1
  }
  return { lease_count: leases.size, counts }
}

/**
 * `{ lease_count, leases: [{ lease_id, mount_id, error }] }`, sorted by expire time then lease ID; at
 * most `limit` leases unless `limit` is `'none'` (then a warning says the list was cut).
 *
 * @example
 * ```ts
 * irrevocableList(leases, accessorOf, 10_000).data.leases[0] // { lease_id: 'db/creds/ro/…', mount_id: 'database_…', error: '…' }
 * ```
 */
export function irrevocableList(
  leases: ReadonlyMap<string, IrrevocableLease>,
  accessorOf: (leaseId: string) => string | undefined,
  limit: number | 'none',
): { data: Record<string, unknown>; warning?: string } {
  const sorted = [...leases.entries()].sort(
    ([a, x], [b, y]) => x.expireTime - y.expireTime || (a < b ? -1 : a > b ? 1 : 0),
  )
  const cut = limit !== 'none' && sorted.length > limit
  const shown = cut ? sorted.slice(0, limit) : sorted
  const data = {
    lease_count: shown.length,
    leases: shown.map(([id, lease]) => ({
      lease_id: id,
      mount_id: accessorOf(id) ?? MOUNT_ACCESSOR_NOT_FOUND,
      error: lease.error,
    })),
  }
  return cut ? { data, warning: MAX_IRREVOCABLE_LEASES_WARNING } : { data }
}
