/**
 * The static-role rotation queue (Vault's `credRotationQueue` and its ticker): each static role's next
 * rotation time, under one timer of the mount's clock.
 *
 * Vault polls its priority queue every 5 seconds; vaultlet sets one timer on the injected clock for the
 * earliest due role and rotates every role that is due when it fires, one after another. So rotations
 * happen on time (not up to 5 s late), tests drive them with a manual clock, and nothing runs between
 * due times. A failed rotation is retried after `retrySeconds` (Vault: 10 s). `stop()` (on unmount and
 * seal) cancels the timer; the queue is rebuilt from storage when the backend initializes.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../../clock.js'

/** What the queue needs. */
export interface RotationQueueDeps {
  clock: Clock
  retrySeconds: number
  /** Rotates one role (and reschedules it through `set` / `retry`). */
  rotate: (name: string) => Promise<void>
  /** Registers background work, so the engine's `idle()` can wait for it. */
  track: (p: Promise<unknown>) => Promise<unknown>
}

/** Due times of static roles, ms since the epoch, under one timer. */
export class RotationQueue {
  readonly #due = new Map<string, number>()
  readonly #deps: RotationQueueDeps
  #timer: TimerHandle | null = null
  #timerAt = Number.POSITIVE_INFINITY
  #running: Promise<void> | null = null
  #stopped = true

  constructor(deps: RotationQueueDeps) {
    this.#deps = deps
  }

  /** Starts (or restarts) scheduling. */
  start(): void {
    this.#stopped = false
    this.#arm()
  }

  /** Cancels the timer; queued roles are forgotten. */
  stop(): void {
    this.#stopped = true
    this.#timer?.cancel()
    this.#timer = null
    this.#timerAt = Number.POSITIVE_INFINITY
    this.#due.clear()
  }

  /** Roles in the queue. */
  get size(): number {
    return this.#due.size
  }

  /** When `name` rotates next (ms), if queued. */
  dueAt(name: string): number | undefined {
    return this.#due.get(name)
  }

  /** Schedules `name` at `at` (ms). */
  set(name: string, at: number): void {
    this.#due.set(name, at)
    this.#arm()
  }

  /** Schedules a retry of `name` after the retry delay. */
  retry(name: string): void {
    this.set(name, this.#deps.clock.now() + this.#deps.retrySeconds * 1000)
  }

  delete(name: string): void {
    this.#due.delete(name)
  }

  /** Starts the rotations that are due now, if none are running (the engine's `idle()` calls it). */
  kick(): void {
    if (this.#stopped || this.#running) return
    const now = this.#deps.clock.now()
    for (const at of this.#due.values()) {
      if (at <= now) {
        this.#fire()
        return
      }
    }
  }

  #arm(): void {
    if (this.#stopped) return
    let next = Number.POSITIVE_INFINITY
    for (const at of this.#due.values()) next = Math.min(next, at)
    if (next === this.#timerAt && this.#timer) return
    this.#timer?.cancel()
    this.#timer = null
    this.#timerAt = next
    if (next === Number.POSITIVE_INFINITY) return
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = null
      this.#timerAt = Number.POSITIVE_INFINITY
      this.#fire()
    }, next - this.#deps.clock.now())
  }

  #fire(): void {
    if (this.#stopped) return
    if (this.#running) return
    this.#running = this.#drain().finally(() => {
      this.#running = null
      this.#arm()
    })
    this.#deps.track(this.#running)
  }

  /** Rotates every due role, earliest first, until none is due. */
  async #drain(): Promise<void> {
    for (;;) {
      if (this.#stopped) return
      const now = this.#deps.clock.now()
      let name: string | undefined
      let earliest = Number.POSITIVE_INFINITY
      for (const [n, at] of this.#due) {
        if (at <= now && at < earliest) {
          earliest = at
          name = n
        }
      }
      if (name === undefined) return
      // Taken off first: the rotation puts it back with its next time (or a retry).
      this.#due.delete(name)
      await this.#deps.rotate(name).catch(() => this.retry(name as string))
    }
  }
}
