/**
 * A keyed async mutex. One process thread interleaves at every `await`; read-modify-write sequences
 * (unseal progress, check-and-set writes, use counts) run under a lock keyed by what they modify.
 *
 * Written by hand: it is a dozen lines over a promise chain, smaller than any dependency that does it.
 *
 * @module
 */

/** Serializes async critical sections per key. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>()

  /** Runs `fn` after every earlier `run` with the same key has settled. */
  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const tail = next.catch(() => undefined)
    this.tails.set(key, tail)
    try {
      return await next
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}
