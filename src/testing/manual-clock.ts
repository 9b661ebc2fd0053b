/**
 * A clock that moves only when told to: tests advance it instead of sleeping.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../clock.js'
import { parseDuration } from '../framework/duration.js'

interface Timer {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

/**
 * A manual {@link Clock}. Timers fire, in time order, when {@link ManualClock.advance} passes their due
 * time.
 *
 * @example
 * ```ts
 * import { ManualClock } from 'vaultlet/testing'
 * const clock = new ManualClock()
 * const vault = await Vault.dev({ clock })
 * await clock.advance('1h') // leases and tokens due within the hour expire now
 * ```
 */
export class ManualClock implements Clock {
  #now: number
  #seq = 0
  #timers: Timer[] = []

  /** Starts at `start` (ms since epoch; default 2024-01-01T00:00:00Z, so tests are reproducible). */
  constructor(start = Date.UTC(2024, 0, 1)) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false }
    this.#timers.push(timer)
    return {
      cancel: () => {
        timer.cancelled = true
      },
    }
  }

  /** Number of timers still pending. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length
  }

  /**
   * Moves time forward by `by` — milliseconds as a number, or a Vault duration string (`'90s'`,
   * `'1h30m'`) — firing due timers in order, and letting promises they start settle between them.
   */
  async advance(by: number | string): Promise<void> {
    const ms = typeof by === 'number' ? by : parseDuration(by) * 1000
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('a clock only moves forward')
    const target = this.#now + ms
    for (;;) {
      const due = this.#timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      this.#timers = this.#timers.filter((t) => t !== due)
      this.#now = Math.max(this.#now, due.at)
      due.fn()
      await settle()
    }
    this.#now = target
    this.#timers = this.#timers.filter((t) => !t.cancelled)
    await settle()
  }
}

/** Lets queued microtasks and immediate callbacks run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}
