/**
 * Time, injected. Everything in vaultlet that reads the time reads it from a {@link Clock}, so tests
 * advance a manual clock (see `vaultlet/testing`) instead of sleeping.
 *
 * @module
 */

/** A handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  /** Cancels the timer; a no-op once it has fired. */
  cancel(): void
}

/** The source of time for a vault. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Runs `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle
}

/**
 * The wall clock: `Date.now()` and the host's timers (unref'd on Node so a vault never keeps a process
 * alive).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms)) as unknown as { unref?: () => void }
    t.unref?.()
    return { cancel: () => clearTimeout(t as unknown as ReturnType<typeof setTimeout>) }
  },
}
