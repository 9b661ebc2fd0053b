import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/testing/index.js'

describe('ManualClock', () => {
  it('starts at a fixed instant and only moves when advanced', async () => {
    const clock = new ManualClock()
    expect(clock.now()).toBe(Date.UTC(2024, 0, 1))
    await clock.advance(1500)
    expect(clock.now()).toBe(Date.UTC(2024, 0, 1) + 1500)
    await clock.advance('1h30m')
    expect(clock.now()).toBe(Date.UTC(2024, 0, 1) + 1500 + 5_400_000)
  })

  it('fires due timers in time order, each seeing its own due time, and not the others', async () => {
    const clock = new ManualClock(0)
    const fired: [string, number][] = []
    clock.setTimeout(() => fired.push(['b', clock.now()]), 2000)
    clock.setTimeout(() => fired.push(['a', clock.now()]), 1000)
    clock.setTimeout(() => fired.push(['late', clock.now()]), 10_000)
    const cancelled = clock.setTimeout(() => fired.push(['cancelled', clock.now()]), 500)
    cancelled.cancel()
    await clock.advance(5000)
    expect(fired).toEqual([
      ['a', 1000],
      ['b', 2000],
    ])
    expect(clock.now()).toBe(5000)
    expect(clock.pendingTimers).toBe(1)
  })

  it('fires timers scheduled by timers when they fall inside the advance', async () => {
    const clock = new ManualClock(0)
    const fired: number[] = []
    clock.setTimeout(() => {
      fired.push(clock.now())
      clock.setTimeout(() => fired.push(clock.now()), 1000)
    }, 1000)
    await clock.advance(2500)
    expect(fired).toEqual([1000, 2000])
  })

  it('refuses to go backwards', async () => {
    await expect(new ManualClock().advance(-1)).rejects.toBeInstanceOf(RangeError)
  })
})
