/**
 * The KV v1 → v2 upgrade (Vault's `upgrade.go`). Tuning a v1 mount to `options.version: "2"` reloads
 * the backend; the v2 backend then finds v1 entries at the root of its storage view and moves each one
 * into the versioned layout as version 1 of its key. A new mount, or one with nothing to move, is
 * marked done at once; otherwise the move runs in the background and, until it finishes, every request
 * answers 400 `Upgrading from non-versioned to versioned data…`.
 *
 * @module
 */
import { addVersion, newKeyMetadata } from './key-metadata.js'
import { UPGRADE_PATH, type VersionedKv } from './versioned.js'

/** What the upgrade canary holds. */
interface UpgradeInfo {
  /** ms since the epoch. */
  started_time: number
  done: boolean
}

/** Every leaf key of the view outside the v2 prefix: the v1 entries still to move. */
async function collectV1Keys(kv: VersionedKv): Promise<string[]> {
  const out: string[] = []
  const walk = async (prefix: string): Promise<void> => {
    for (const name of await kv.storage.list(prefix)) {
      const full = prefix + name
      if (full.startsWith(kv.prefix)) continue
      if (name.endsWith('/')) await walk(full)
      else out.push(full)
    }
  }
  await walk('')
  return out
}

/** Moves one v1 entry to version 1 of its v2 key (Vault's `upgradeKey`), under the key's lock. */
async function upgradeKey(kv: VersionedKv, key: string, now: number): Promise<void> {
  await kv.locks.run(key, async () => {
    const raw = await kv.storage.getJSON<Record<string, unknown>>(key)
    if (raw === null) return
    await kv.putVersion(key, 1, { data: raw, created_time: now, deletion_time: null })
    const meta = newKeyMetadata(key)
    meta.last_updated_by = { actor: 'kv_upgrade', operation: 'upgrade' }
    // Vault adds the version with a window of 1: oldest_version becomes 1.
    addVersion(meta, now, null, 1)
    await kv.writeKeyMetadata(meta)
    await kv.storage.delete(key)
  })
}

/**
 * Runs at backend start: nothing when the canary says done; marks done at once when there is nothing
 * to move; otherwise sets `kv.upgrading` and moves the keys in the background. A failure leaves the
 * backend refusing requests, as Vault's does (the next start resumes: moved keys are no longer at the
 * root).
 *
 * @returns `finished`, a promise that settles when the upgrade has finished (or failed, or been
 *   cancelled); wrapped so that awaiting the start does not await the whole move.
 * @example
 * ```ts
 * const { finished } = await startUpgrade(kv, () => cancelled)
 * await finished
 * ```
 */
export async function startUpgrade(
  kv: VersionedKv,
  cancelled: () => boolean,
): Promise<{ finished: Promise<void> }> {
  const canary = `${kv.prefix}${UPGRADE_PATH}`
  const info = await kv.storage.getJSON<UpgradeInfo>(canary)
  if (info?.done) return { finished: Promise.resolve() }
  await kv.setup()
  const keys = await collectV1Keys(kv)
  const started: UpgradeInfo = { started_time: kv.now(), done: false }
  if (keys.length === 0) {
    await kv.storage.putJSON(canary, { ...started, done: true })
    return { finished: Promise.resolve() }
  }
  kv.upgrading = true
  const run = async (): Promise<void> => {
    await kv.storage.putJSON(canary, started)
    for (const key of keys) {
      if (cancelled()) return
      await upgradeKey(kv, key, kv.now())
    }
    await kv.storage.putJSON(canary, { ...started, done: true })
    kv.upgrading = false
  }
  // Errors are swallowed on purpose: the flag stays up and the backend keeps answering "upgrading".
  return { finished: run().catch(() => undefined) }
}
