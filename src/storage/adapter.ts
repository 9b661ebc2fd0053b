/**
 * The storage seam. A {@link StorageAdapter} holds untrusted bytes by key; it never sees plaintext,
 * because everything above it goes through the barrier.
 *
 * @module
 */

/** One operation of a {@link StorageAdapter.batch}. */
export type StorageOp = { op: 'put'; key: string; value: Uint8Array } | { op: 'delete'; key: string }

/**
 * Where a vault keeps its bytes. Implementations must be safe for any key string (including `..`,
 * many `/`, and unicode) and must never write outside their own space.
 *
 * - `get` returns `null` for a missing key.
 * - `delete` of a missing key succeeds.
 * - `list(prefix)` lists one level below `prefix`: names of values directly under it, and names of
 *   "folders" (keys with more segments) with a trailing `/`; sorted, without duplicates. `prefix` is
 *   either `''` or ends in `/`.
 * - `batch`, when present, applies all operations atomically (all or none).
 *
 * A conformance suite every adapter should pass is exported from `vaultlet/testing`
 * (`storageAdapterConformance`).
 *
 * @example
 * ```ts
 * const s: StorageAdapter = new MemoryStorage()
 * await s.put('core/a', new Uint8Array([1]))
 * await s.list('core/') // ['a']
 * ```
 */
export interface StorageAdapter {
  /** A short name shown by `sys/seal-status` as `storage_type` (`inmem`, `file`, …). */
  readonly type: string
  get(key: string): Promise<Uint8Array | null>
  put(key: string, value: Uint8Array): Promise<void>
  delete(key: string): Promise<void>
  list(prefix: string): Promise<string[]>
  batch?(ops: StorageOp[]): Promise<void>
  /** Releases resources (file handles, connections). Optional. */
  close?(): Promise<void>
}
