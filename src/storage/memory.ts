/**
 * An in-memory {@link StorageAdapter}: a `Map` from key to bytes. The default for tests, demos and
 * `dev` vaults; everything is lost when the process exits.
 *
 * @module
 */
import type { StorageAdapter, StorageOp } from './adapter.js'
import { assertKey, assertPrefix, assertValue, checkBatch } from './checks.js'

/**
 * Keeps every key in a `Map`. Values are copied on the way in and on the way out, so neither the array
 * passed to {@link MemoryStorage.put} nor one returned by {@link MemoryStorage.get} can change what is
 * stored.
 *
 * `list` scans every key (O(n) per call, then sorts the few names it returns): a few milliseconds for
 * 100k keys, which is plenty for the workloads an in-memory store serves. `batch` is atomic: all
 * operations are validated before the first one is applied, and applying is synchronous.
 *
 * @example
 * ```ts
 * const storage = new MemoryStorage()
 * await storage.put('core/seal-config', new TextEncoder().encode('{}'))
 * await storage.list('') // ['core/']
 * await storage.list('core/') // ['seal-config']
 * ```
 */
export class MemoryStorage implements StorageAdapter {
  readonly type = 'inmem'
  private readonly data = new Map<string, Uint8Array>()

  /**
   * Reads a copy of the value at `key`, or `null` when there is none.
   *
   * @throws {TypeError} when `key` is not a string.
   * @example
   * ```ts
   * await new MemoryStorage().get('missing') // null
   * ```
   */
  async get(key: string): Promise<Uint8Array | null> {
    assertKey(key)
    const value = this.data.get(key)
    return value === undefined ? null : new Uint8Array(value)
  }

  /**
   * Stores a copy of `value` at `key`, replacing any previous value.
   *
   * @throws {TypeError} when `key` is not a string or `value` not a `Uint8Array`.
   * @example
   * ```ts
   * await storage.put('a/b', new Uint8Array([1, 2, 3]))
   * ```
   */
  async put(key: string, value: Uint8Array): Promise<void> {
    assertKey(key)
    assertValue(value)
    this.data.set(key, new Uint8Array(value))
  }

  /**
   * Removes `key`; removing a missing key succeeds.
   *
   * @throws {TypeError} when `key` is not a string.
   * @example
   * ```ts
   * await storage.delete('a/b')
   * ```
   */
  async delete(key: string): Promise<void> {
    assertKey(key)
    this.data.delete(key)
  }

  /**
   * Lists one level below `prefix`: value names, and folder names with a trailing `/`; sorted, unique.
   *
   * @throws {TypeError} when `prefix` is neither `''` nor ends in `/`.
   * @example
   * ```ts
   * await storage.put('a/b', bytes)
   * await storage.put('a/c/d', bytes)
   * await storage.list('a/') // ['b', 'c/']
   * ```
   */
  async list(prefix: string): Promise<string[]> {
    assertPrefix(prefix)
    // A full scan per call; see the class comment for why that is acceptable here.
    const names = new Set<string>()
    for (const key of this.data.keys()) {
      if (!key.startsWith(prefix)) continue
      const rest = key.slice(prefix.length)
      const slash = rest.indexOf('/')
      names.add(slash === -1 ? rest : rest.slice(0, slash + 1))
    }
    return [...names].sort()
  }

  /**
   * Applies `ops` in order, atomically: when any operation is malformed, nothing is applied.
   *
   * @throws {TypeError} when an operation is malformed (nothing was changed).
   * @example
   * ```ts
   * await storage.batch([
   *   { op: 'put', key: 'core/keyring', value: keyring },
   *   { op: 'delete', key: 'core/old-keyring' },
   * ])
   * ```
   */
  async batch(ops: StorageOp[]): Promise<void> {
    const checked = checkBatch(ops)
    for (const op of checked) {
      if (op.op === 'put') this.data.set(op.key, op.value)
      else this.data.delete(op.key)
    }
  }
}
