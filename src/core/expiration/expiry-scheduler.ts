/**
 * The expiry loop: one clock timer over a {@link LeaseQueue}, never one timer per lease. When the timer
 * fires, every lease that is due is handed to the expire callback in bounded batches, with a yield to
 * the event loop after each batch, so that a million leases due at the same instant never block the
 * process.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../../clock.js'
import { LeaseQueue } from './lease-queue.js'

/** Longest delay a host timer takes (2^31 − 1 ms, ~24.8 days); later expiries re-arm on wake-up. */
const MAX_TIMER_DELAY = 2_147_483_647

/**
 * Lets the event loop run: `setImmediate` where the runtime has it (Node, Bun), else a 0 ms timeout.
 * Never the injected clock: a manual clock would never fire it.
 *
 * @example
 * ```ts
 * for (const batch of batches) { await work(batch); await yieldToEventLoop() }
 * ```
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate
  return new Promise((resolve) => {
    if (typeof immediate === 'function') immediate(resolve)
    else setTimeout(resolve, 0)
  })
}

/** Options of an {@link ExpiryScheduler}. */
export interface ExpirySchedulerOptions {
  clock: Clock
  /** Called for each due lease (already removed from the queue). Must not throw. */
  expire: (id: string) => Promise<void>
  /** Leases handled concurrently per batch before yielding. Default 256. */
  batchSize?: number
  /** How to yield between batches. Default {@link yieldToEventLoop}. */
  yieldFn?: () => Promise<void>
}

/**
 * Owns the queue and the one timer. Stopped, it holds nothing and never fires.
 *
 * @example
 * ```ts
 * const scheduler = new ExpiryScheduler({ clock, expire: async (id) => revoke(id) })
 * scheduler.start()
 * scheduler.set('db/creds/ro/abc', clock.now() + 3600_000)
 * await scheduler.idle() // nothing due yet: resolves at once
 * ```
 */
export class ExpiryScheduler {
  readonly queue = new LeaseQueue()
  readonly #clock: Clock
  readonly #expire: (id: string) => Promise<void>
  readonly #batchSize: number
  readonly #yield: () => Promise<void>
  #active = false
  /** Bumped on stop, so a drain in flight ends at its next batch. */
  #generation = 0
  #timer: { handle: TimerHandle; at: number } | null = null
  #draining: Promise<void> | null = null

  constructor(options: ExpirySchedulerOptions) {
    this.#clock = options.clock
    this.#expire = options.expire
    this.#batchSize = Math.max(1, Math.floor(options.batchSize ?? 256))
    this.#yield = options.yieldFn ?? yieldToEventLoop
  }

  /** `true` between {@link ExpiryScheduler.start} and {@link ExpiryScheduler.stop}. */
  get active(): boolean {
    return this.#active
  }

  /** Starts firing (after unseal). */
  start(): void {
    this.#active = true
    this.#generation++
    this.#arm()
  }

  /** Stops the timer and forgets the queue (on seal). A drain in flight stops after its batch. */
  stop(): void {
    this.#active = false
    this.#generation++
    this.#cancel()
    this.queue.clear()
  }

  /** Queues `id` to expire at `at` (ms), or moves it. */
  set(id: string, at: number): void {
    if (!this.#active) return
    this.queue.set(id, at)
    this.#arm()
  }

  /** Takes `id` off the queue. */
  delete(id: string): void {
    this.queue.delete(id)
    // The timer may now be early; when it fires with nothing due it re-arms for the new head.
  }

  /** Resolves once nothing due is waiting or being expired (starting the work at once if needed). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#draining) {
        await this.#draining
        continue
      }
      const head = this.queue.peekTime()
      if (!this.#active || head === undefined || head > this.#clock.now()) return
      this.#kick()
    }
  }

  /** Arms the timer for the queue's head, unless one is already set for that time or earlier. */
  #arm(): void {
    if (!this.#active || this.#draining) return
    const head = this.queue.peekTime()
    if (head === undefined) {
      this.#cancel()
      return
    }
    if (this.#timer && this.#timer.at <= head) return
    this.#cancel()
    const now = this.#clock.now()
    const delay = Math.min(Math.max(0, head - now), MAX_TIMER_DELAY)
    const timer = {
      at: now + delay,
      handle: this.#clock.setTimeout(() => {
        if (this.#timer !== timer) return
        this.#timer = null
        this.#kick()
      }, delay),
    }
    this.#timer = timer
  }

  #cancel(): void {
    this.#timer?.handle.cancel()
    this.#timer = null
  }

  #kick(): void {
    if (!this.#active || this.#draining) return
    this.#cancel()
    const generation = this.#generation
    this.#draining = this.#drain(generation).finally(() => {
      this.#draining = null
      if (generation === this.#generation) this.#arm()
    })
  }

  async #drain(generation: number): Promise<void> {
    while (generation === this.#generation) {
      const now = this.#clock.now()
      const batch: string[] = []
      while (batch.length < this.#batchSize) {
        const head = this.queue.peekTime()
        if (head === undefined || head > now) break
        batch.push(this.queue.pop() as string)
      }
      if (batch.length === 0) return
      await Promise.all(batch.map((id) => this.#expire(id)))
      await this.#yield()
    }
  }
}
