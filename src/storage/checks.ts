/**
 * Boundary checks every storage adapter applies, in one place (noble-style named asserts).
 *
 * @module
 */
import type { StorageOp } from './adapter.js'

/** Throws `TypeError` unless `key` is a string. */
export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new TypeError('storage key must be a string')
}

/** Throws `TypeError` unless `value` is a `Uint8Array`. */
export function assertValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError('storage value must be a Uint8Array')
}

/** Throws `TypeError` unless `prefix` is `''` or ends in `/`. */
export function assertPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.endsWith('/'))) {
    throw new TypeError('storage list prefix must be "" or end in "/"')
  }
}

/**
 * Validates a batch before anything is applied and returns copies of its operations (values copied,
 * so later changes to the caller's arrays cannot reach storage).
 *
 * @throws {TypeError} a malformed operation.
 */
export function checkBatch(ops: unknown): StorageOp[] {
  if (!Array.isArray(ops)) throw new TypeError('storage batch must be an array of operations')
  return ops.map((op: StorageOp) => {
    assertKey(op?.key)
    if (op.op === 'delete') return { op: 'delete', key: op.key }
    if (op.op !== 'put') throw new TypeError('storage batch operation must be "put" or "delete"')
    assertValue(op.value)
    return { op: 'put', key: op.key, value: new Uint8Array(op.value) }
  })
}
