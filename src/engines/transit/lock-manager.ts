/**
 * Where a mount's keys live in memory (keysutil `LockManager`): a cache of published policies in front
 * of storage, a per-key lock for every change (create, rotate, configure, trim, import, backup,
 * restore, delete), and automatic rotation.
 *
 * Concurrency: one process thread interleaves at every `await`. Readers (encrypt, decrypt, sign…) take
 * the cached policy object as a snapshot and never wait; writers run one at a time per key under a
 * {@link KeyedLock}, change a clone, persist it, and only then publish it to the cache. A reader
 * therefore always sees a whole policy, before or after a change, never half of one.
 *
 * Automatic rotation (`auto_rotate_period`) happens on access: loading a key whose latest version is
 * older than its period rotates it first (under the key's lock, against the injected clock), so the
 * request that follows already uses the new version. {@link LockManager.rotateDueKeys} does the same
 * for every key and backs the backend's `periodicFunc` (Vault's rollback-driven check, at most hourly).
 *
 * @module
 */
import type { Clock } from '../../clock.js'
import type { CryptoProvider } from '../../crypto/provider.js'
import type { StorageView } from '../../storage/view.js'
import { toBase64, utf8 } from '../../util/encoding.js'
import { KeyedLock } from '../../util/lock.js'
import { TransitError } from './errors.js'
import { Base64Error, decodeStd } from './go-base64.js'
import { isAead, isEcdsa, isRsa, type KeyType } from './key-types.js'
import {
  addVersion,
  archiveFromJSON,
  archivePath,
  archiveToJSON,
  clonePolicy,
  generateEntry,
  loadArchive,
  loadPolicy,
  type NewPolicyOptions,
  newPolicy,
  type Policy,
  persistPolicy,
  policyFromJSON,
  policyPath,
  policyToJSON,
} from './policy.js'

/** The least-recently-used cache of published policies; size 0 = unbounded (Vault's default). */
class PolicyCache {
  #map = new Map<string, Policy>()
  #size: number

  constructor(size: number) {
    this.#size = size
  }

  get size(): number {
    return this.#size
  }

  get(name: string): Policy | undefined {
    const p = this.#map.get(name)
    if (p && this.#size > 0) {
      this.#map.delete(name)
      this.#map.set(name, p)
    }
    return p
  }

  set(name: string, p: Policy): void {
    this.#map.delete(name)
    this.#map.set(name, p)
    while (this.#size > 0 && this.#map.size > this.#size) {
      const oldest = this.#map.keys().next().value as string
      this.#map.delete(oldest)
    }
  }

  delete(name: string): void {
    this.#map.delete(name)
  }

  clear(size: number): void {
    this.#map.clear()
    this.#size = size
  }

  values(): IterableIterator<Policy> {
    return this.#map.values()
  }
}

/** The result of {@link LockManager.getOrCreate}. */
export interface Upserted {
  policy: Policy
  /** `true` when this call created the key. */
  upserted: boolean
}

/** Manages one mount's keys. */
export class LockManager {
  readonly #crypto: CryptoProvider
  readonly #clock: Clock
  readonly #lock = new KeyedLock()
  readonly #cache: PolicyCache
  #checkAutoRotateAfter = 0

  constructor(crypto: CryptoProvider, clock: Clock, cacheSize = 0) {
    this.#crypto = crypto
    this.#clock = clock
    this.#cache = new PolicyCache(cacheSize)
  }

  /** The current cache size (0 = unbounded). */
  get cacheSize(): number {
    return this.#cache.size
  }

  /** Empties the cache and sets its size (keysutil `InitCache`). */
  initCache(size: number): void {
    this.#cache.clear(size)
  }

  /**
   * Zero-fills the key material of every cached policy and empties the cache (on seal and unmount:
   * keys leave memory with the barrier's keys).
   */
  wipe(): void {
    for (const p of this.#cache.values()) {
      for (const e of Object.values(p.keys)) {
        for (const bytes of [e.key, e.hmacKey, e.ecD, e.rsaKey]) bytes?.fill(0)
      }
    }
    this.#cache.clear(this.#cache.size)
  }

  /** Runs `fn` under the key's lock. */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(name, fn)
  }

  async #load(storage: StorageView, name: string): Promise<Policy | null> {
    const cached = this.#cache.get(name)
    if (cached) return cached
    const p = await loadPolicy(storage, name)
    if (p) this.#cache.set(name, p)
    return p
  }

  #rotationDue(p: Policy): boolean {
    if (p.autoRotatePeriod <= 0 || (p.imported && !p.allowImportedKeyRotation)) return false
    const latest = p.keys[String(p.latestVersion)]
    return latest !== undefined && this.#clock.now() > latest.time + p.autoRotatePeriod * 1000
  }

  /**
   * The published policy `name`, rotated first when its auto-rotate period has passed; `null` when
   * there is none.
   */
  async get(storage: StorageView, name: string): Promise<Policy | null> {
    const p = await this.#load(storage, name)
    if (!p || !this.#rotationDue(p)) return p
    return this.withLock(name, async () => {
      const current = await this.#load(storage, name)
      if (!current || !this.#rotationDue(current)) return current
      return this.#commit(storage, current, async (draft) => {
        addVersion(draft, await generateEntry(draft, this.#crypto, this.#clock.now()))
        draft.imported = false
      })
    })
  }

  /** Persists a changed clone of `p` and publishes it. */
  async #commit(
    storage: StorageView,
    p: Policy,
    change: (draft: Policy) => Promise<void> | void,
  ): Promise<Policy> {
    const draft = clonePolicy(p)
    await change(draft)
    await persistPolicy(storage, draft)
    this.#cache.set(draft.name, draft)
    return draft
  }

  /**
   * Changes policy `name` under its lock: `change` edits a draft (it may throw to abort, leaving
   * nothing changed); the draft is persisted and published, unless `change` returns `false`, in which
   * case nothing is written and the current policy is returned. `null` when the key does not exist.
   */
  async update(
    storage: StorageView,
    name: string,
    change: (draft: Policy) => unknown,
  ): Promise<Policy | null> {
    return this.withLock(name, async () => {
      const p = await this.#load(storage, name)
      if (!p) return null
      const draft = clonePolicy(p)
      if ((await change(draft)) === false) return p
      await persistPolicy(storage, draft)
      this.#cache.set(draft.name, draft)
      return draft
    })
  }

  /**
   * The policy, creating it (first version generated now) when missing — keysutil's upsert.
   *
   * @throws {TransitError} with keysutil's messages for invalid combinations.
   */
  async getOrCreate(storage: StorageView, o: NewPolicyOptions): Promise<Upserted> {
    const existing = await this.get(storage, o.name)
    if (existing) return { policy: existing, upserted: false }
    return this.withLock(o.name, async () => {
      const again = await this.#load(storage, o.name)
      if (again) return { policy: again, upserted: false }
      validateNew(o.type, Boolean(o.derived), Boolean(o.convergent))
      const p = newPolicy(o)
      addVersion(p, await generateEntry(p, this.#crypto, this.#clock.now()))
      await persistPolicy(storage, p)
      this.#cache.set(p.name, p)
      return { policy: p, upserted: true }
    })
  }

  /**
   * Creates an imported key from its first version (keysutil `ImportPolicy`).
   *
   * @param addFirst - adds the imported material to the new draft.
   */
  async createImported(
    storage: StorageView,
    o: NewPolicyOptions,
    addFirst: (draft: Policy) => Promise<void>,
  ) {
    return this.withLock(o.name, async () => {
      const p = (await this.#load(storage, o.name)) ?? newPolicy({ ...o, imported: true })
      return this.#commit(storage, p, addFirst)
    })
  }

  /**
   * Deletes a key and its archive (keysutil `DeletePolicy`).
   *
   * @throws {TransitError} `could not delete key; not found` / `deletion is not allowed for this key`.
   */
  async delete(storage: StorageView, name: string): Promise<void> {
    await this.withLock(name, async () => {
      const p = await this.#load(storage, name)
      if (!p) throw new TransitError('could not delete key; not found')
      if (!p.deletionAllowed) throw new TransitError('deletion is not allowed for this key')
      this.#cache.delete(name)
      await storage.delete(policyPath(name))
      await storage.delete(archivePath(name))
    })
  }

  /**
   * A plaintext backup of a key, recording `backup_info` (keysutil `BackupPolicy` / `Backup`).
   *
   * @throws {TransitError} with keysutil's messages.
   */
  async backup(storage: StorageView, name: string): Promise<string> {
    return this.withLock(name, async () => {
      const p = await this.#load(storage, name)
      if (!p) throw new TransitError(`key "${name}" not found`)
      if (!p.exportable) throw new TransitError('exporting is disallowed on the policy')
      if (!p.allowPlaintextBackup) throw new TransitError('plaintext backup is disallowed on the policy')
      const now = this.#clock.now()
      const saved = await this.#commit(storage, p, (draft) => {
        draft.backupInfo = { time: now, version: draft.latestVersion }
      })
      const archive = await loadArchive(storage, name)
      const json = JSON.stringify({ policy: policyToJSON(saved), archived_keys: archiveToJSON(archive) })
      return toBase64(utf8(json))
    })
  }

  /**
   * Restores a backup under `name` (or the name inside it), refusing an existing key unless `force`
   * (keysutil `RestorePolicy`).
   *
   * @throws {TransitError} with keysutil's messages.
   */
  async restore(storage: StorageView, name: string, backup: string, force: boolean): Promise<void> {
    let decoded: Uint8Array
    try {
      decoded = decodeStd(backup)
    } catch (e) {
      if (e instanceof Base64Error) throw new TransitError(e.message)
      throw e
    }
    let data: { policy?: unknown; archived_keys?: unknown }
    try {
      data = JSON.parse(new TextDecoder().decode(decoded))
    } catch (e) {
      throw new TransitError(`invalid character in backup: ${(e as Error).message}`)
    }
    if (typeof data !== 'object' || data === null || !data.policy) {
      throw new TransitError('backup did not contain a key policy')
    }
    const policy = policyFromJSON(data.policy)
    if (name !== '') policy.name = name
    const target = policy.name
    await this.withLock(target, async () => {
      const existing = await this.#load(storage, target)
      if (existing && !force) throw new TransitError(`key "${target}" already exists`)
      if (data.archived_keys) {
        await storage.putJSON(archivePath(target), archiveToJSON(archiveFromJSON(data.archived_keys)))
      }
      policy.restoreInfo = { time: this.#clock.now(), version: policy.latestVersion }
      await persistPolicy(storage, policy)
      this.#cache.set(target, policy)
    })
  }

  /**
   * Rotates every key whose auto-rotate period has passed (Vault's `autoRotateKeys`). Checks at most
   * once an hour of clock time, as Vault does.
   *
   * @returns the names of the keys that were rotated.
   */
  async rotateDueKeys(storage: StorageView): Promise<string[]> {
    const now = this.#clock.now()
    if (now < this.#checkAutoRotateAfter) return []
    this.#checkAutoRotateAfter = now + 3600_000
    const rotated: string[] = []
    const errors: string[] = []
    for (const name of await storage.list('policy/')) {
      if (name.endsWith('/')) continue
      try {
        const before = await this.#load(storage, name)
        const after = await this.get(storage, name)
        if (before && after && after.latestVersion !== before.latestVersion) rotated.push(name)
      } catch (e) {
        errors.push((e as Error).message)
      }
    }
    if (errors.length > 0) throw new TransitError(errors.join('; '))
    return rotated
  }
}

/** keysutil's upsert checks on a new key's type and flags. */
function validateNew(type: KeyType, derived: boolean, convergent: boolean): void {
  if (isAead(type)) {
    if (convergent && !derived)
      throw new TransitError('convergent encryption requires derivation to be enabled')
  } else if (isEcdsa(type) || isRsa(type) || type === 'hmac') {
    if (derived || convergent) {
      throw new TransitError(
        `key derivation and convergent encryption not supported for keys of type ${type}`,
      )
    }
  } else if (type === 'ed25519') {
    if (convergent) throw new TransitError(`convergent encryption not supported for keys of type ${type}`)
  } else {
    throw new TransitError(`unsupported key type ${type}`)
  }
}
