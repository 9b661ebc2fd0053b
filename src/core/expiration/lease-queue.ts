/**
 * The expiry queue: a binary min-heap of lease IDs keyed by expire time, with an ID → slot index so a
 * lease can be moved or removed in O(log n). It is the only per-lease state the lease manager keeps in
 * memory (entries stay in storage), so it is laid out flat: the IDs in one array, the times in a
 * `Float64Array`, the slots in a `Map` — no object per lease.
 *
 * @module
 */

const INITIAL_CAPACITY = 1024

/**
 * A min-heap of `(id, time)` pairs; each ID appears at most once.
 *
 * @example
 * ```ts
 * const q = new LeaseQueue()
 * q.set('db/creds/ro/a', 2000)
 * q.set('db/creds/ro/b', 1000)
 * q.peekTime() // 1000
 * q.pop()      // 'db/creds/ro/b'
 * q.set('db/creds/ro/a', 500) // moves it
 * q.delete('db/creds/ro/a')   // true
 * ```
 */
export class LeaseQueue {
  #ids: string[] = []
  #times = new Float64Array(INITIAL_CAPACITY)
  readonly #slot = new Map<string, number>()

  /** Number of queued IDs. */
  get size(): number {
    return this.#ids.length
  }

  /** `true` when `id` is queued. */
  has(id: string): boolean {
    return this.#slot.has(id)
  }

  /** The time `id` is queued for, or `undefined`. */
  timeOf(id: string): number | undefined {
    const i = this.#slot.get(id)
    return i === undefined ? undefined : this.#times[i]
  }

  /** The earliest time in the queue, or `undefined` when empty. */
  peekTime(): number | undefined {
    return this.#ids.length === 0 ? undefined : this.#times[0]
  }

  /** The ID with the earliest time, or `undefined` when empty. */
  peek(): string | undefined {
    return this.#ids[0]
  }

  /** Queues `id` for `time`, or moves it there when already queued. */
  set(id: string, time: number): void {
    const at = this.#slot.get(id)
    if (at !== undefined) {
      const old = this.#times[at] as number
      this.#times[at] = time
      if (time < old) this.#up(at)
      else if (time > old) this.#down(at)
      return
    }
    const i = this.#ids.length
    if (i === this.#times.length) {
      const grown = new Float64Array(this.#times.length * 2)
      grown.set(this.#times)
      this.#times = grown
    }
    this.#ids.push(id)
    this.#times[i] = time
    this.#slot.set(id, i)
    this.#up(i)
  }

  /** Removes and returns the ID with the earliest time. */
  pop(): string | undefined {
    const top = this.#ids[0]
    if (top === undefined) return undefined
    this.#removeAt(0)
    return top
  }

  /** Removes `id`; `false` when it was not queued. */
  delete(id: string): boolean {
    const i = this.#slot.get(id)
    if (i === undefined) return false
    this.#removeAt(i)
    return true
  }

  /** Empties the queue and releases its memory. */
  clear(): void {
    this.#ids = []
    this.#times = new Float64Array(INITIAL_CAPACITY)
    this.#slot.clear()
  }

  /** Every queued ID, in no particular order. */
  ids(): IterableIterator<string> {
    return this.#slot.keys()
  }

  #removeAt(i: number): void {
    const ids = this.#ids
    const removed = ids[i] as string
    const last = ids.length - 1
    this.#slot.delete(removed)
    if (i === last) {
      ids.pop()
      return
    }
    const moved = ids.pop() as string
    ids[i] = moved
    this.#times[i] = this.#times[last] as number
    this.#slot.set(moved, i)
    // The moved element may belong above or below its new slot.
    if (i > 0 && (this.#times[i] as number) < (this.#times[(i - 1) >> 1] as number)) this.#up(i)
    else this.#down(i)
  }

  #up(i: number): void {
    const ids = this.#ids
    const times = this.#times
    const id = ids[i] as string
    const time = times[i] as number
    while (i > 0) {
      const parent = (i - 1) >> 1
      const pt = times[parent] as number
      if (pt <= time) break
      const pid = ids[parent] as string
      ids[i] = pid
      times[i] = pt
      this.#slot.set(pid, i)
      i = parent
    }
    ids[i] = id
    times[i] = time
    this.#slot.set(id, i)
  }

  #down(i: number): void {
    const ids = this.#ids
    const times = this.#times
    const n = ids.length
    const id = ids[i] as string
    const time = times[i] as number
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      let child = left
      if (right < n && (times[right] as number) < (times[left] as number)) child = right
      const ct = times[child] as number
      if (ct >= time) break
      const cid = ids[child] as string
      ids[i] = cid
      times[i] = ct
      this.#slot.set(cid, i)
      i = child
    }
    ids[i] = id
    times[i] = time
    this.#slot.set(id, i)
  }
}
