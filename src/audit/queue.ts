/**
 * A device's write queue: records reach the device in the order they were pushed, one `write` at a
 * time. While a write is in flight, later records wait and go out together in the next `write` (group
 * commit), so a slow sink costs one round trip per batch, not per record.
 *
 * @module
 */
import type { AuditDevice, AuditRecord } from './types.js'

interface PendingRecord {
  kind: 'record'
  record: AuditRecord
  resolve: () => void
  reject: (err: unknown) => void
}

interface PendingOp {
  kind: 'op'
  op: () => Promise<void>
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * Serializes one device's writes (and its reopen/close, which wait for the writes queued before them).
 *
 * @example
 * ```ts
 * const queue = new WriteQueue(device)
 * await Promise.all([queue.push(a), queue.push(b)]) // a is written before b
 * await queue.run(() => device.reopen!())           // after a and b
 * ```
 */
export class WriteQueue {
  readonly #device: AuditDevice
  readonly #maxBatch: number
  readonly #items: (PendingRecord | PendingOp)[] = []
  #running = false
  #idle: Promise<void> = Promise.resolve()
  #wake: (() => void) | null = null

  constructor(device: AuditDevice, maxBatch = 512) {
    this.#device = device
    this.#maxBatch = maxBatch
  }

  /** Records waiting or in flight. */
  get size(): number {
    return this.#items.length
  }

  /** Queues a record; resolves once the device wrote it, rejects if it did not. */
  push(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#items.push({ kind: 'record', record, resolve, reject })
      this.#start()
    })
  }

  /** Runs `op` once every record queued before it is written (or failed). */
  run(op: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#items.push({ kind: 'op', op, resolve, reject })
      this.#start()
    })
  }

  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void> {
    return this.#idle
  }

  #start(): void {
    if (this.#running) return
    this.#running = true
    this.#idle = new Promise<void>((resolve) => {
      this.#wake = resolve
    })
    void this.#loop()
  }

  async #loop(): Promise<void> {
    while (this.#items.length > 0) {
      const head = this.#items[0]!
      if (head.kind === 'op') {
        this.#items.shift()
        try {
          await head.op()
          head.resolve()
        } catch (err) {
          head.reject(err)
        }
        continue
      }
      let n = 1
      while (n < this.#items.length && n < this.#maxBatch && this.#items[n]!.kind === 'record') n++
      const batch = this.#items.splice(0, n) as PendingRecord[]
      try {
        await this.#device.write(batch.map((p) => p.record))
        for (const p of batch) p.resolve()
      } catch (err) {
        for (const p of batch) p.reject(err)
      }
    }
    this.#running = false
    this.#wake?.()
    this.#wake = null
  }
}
