// The expiry queue's binary heap, against a sorted reference, and the scheduler's one timer and batches.
import { describe, expect, it } from 'vitest'
import { ExpiryScheduler } from '../../../src/core/expiration/expiry-scheduler.js'
import { LeaseQueue } from '../../../src/core/expiration/lease-queue.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('LeaseQueue', () => {
  it('pops in time order, whatever the insertion order', () => {
    const q = new LeaseQueue()
    const rand = prng(1)
    const ref = new Map<string, number>()
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(rand() * 1000)
      q.set(`l${i}`, t)
      ref.set(`l${i}`, t)
    }
    expect(q.size).toBe(5000)
    let last = -1
    for (let i = 0; i < 5000; i++) {
      const t = q.peekTime() as number
      const id = q.pop() as string
      expect(ref.get(id)).toBe(t)
      expect(t).toBeGreaterThanOrEqual(last)
      last = t
    }
    expect(q.pop()).toBeUndefined()
    expect(q.peekTime()).toBeUndefined()
  })

  it('moves and deletes entries anywhere in the heap (random operations vs a reference)', () => {
    const q = new LeaseQueue()
    const rand = prng(7)
    const ref = new Map<string, number>()
    for (let step = 0; step < 20_000; step++) {
      const id = `l${Math.floor(rand() * 500)}`
      const r = rand()
      if (r < 0.5) {
        const t = Math.floor(rand() * 10_000)
        q.set(id, t)
        ref.set(id, t)
      } else if (r < 0.8) {
        expect(q.delete(id)).toBe(ref.delete(id))
      } else if (ref.size > 0) {
        const min = Math.min(...ref.values())
        expect(q.peekTime()).toBe(min)
        const popped = q.pop() as string
        expect(ref.get(popped)).toBe(min)
        ref.delete(popped)
      }
      expect(q.size).toBe(ref.size)
    }
    for (const [id, t] of ref) {
      expect(q.has(id)).toBe(true)
      expect(q.timeOf(id)).toBe(t)
    }
    const drained: number[] = []
    while (q.size > 0) {
      drained.push(q.peekTime() as number)
      q.pop()
    }
    expect(drained).toEqual([...ref.values()].sort((a, b) => a - b))
  })

  it('clear empties it', () => {
    const q = new LeaseQueue()
    for (let i = 0; i < 3000; i++) q.set(`l${i}`, i)
    q.clear()
    expect(q.size).toBe(0)
    expect(q.has('l1')).toBe(false)
    q.set('a', 1)
    expect(q.pop()).toBe('a')
  })
})

describe('ExpiryScheduler', () => {
  it('one timer, re-armed only for an earlier head; due items in bounded batches with yields', async () => {
    const clock = new ManualClock()
    const expired: string[] = []
    let yields = 0
    const s = new ExpiryScheduler({
      clock,
      batchSize: 10,
      expire: async (id) => {
        expired.push(id)
      },
      yieldFn: async () => {
        yields++
      },
    })
    s.start()
    const now = clock.now()
    for (let i = 0; i < 95; i++) s.set(`late${i}`, now + 60_000)
    expect(clock.pendingTimers).toBe(1)
    s.set('early', now + 1000)
    expect(clock.pendingTimers).toBe(1)
    await clock.advance(1000)
    await s.idle()
    expect(expired).toEqual(['early'])
    await clock.advance(59_000)
    await s.idle()
    expect(expired).toHaveLength(96)
    expect(yields).toBe(1 + 10) // one batch for `early`, ten for the 95
    expect(clock.pendingTimers).toBe(0)
  })

  it('stop: no timer, nothing fires, the queue is dropped', async () => {
    const clock = new ManualClock()
    const expired: string[] = []
    const s = new ExpiryScheduler({ clock, expire: async (id) => void expired.push(id) })
    s.start()
    s.set('a', clock.now() + 1000)
    s.stop()
    expect(clock.pendingTimers).toBe(0)
    s.set('b', clock.now() + 1000) // ignored while stopped
    await clock.advance(5000)
    await s.idle()
    expect(expired).toEqual([])
    expect(s.queue.size).toBe(0)
  })

  it('expiries beyond a host timer’s range re-arm instead of firing early', async () => {
    const clock = new ManualClock()
    const expired: string[] = []
    const s = new ExpiryScheduler({ clock, expire: async (id) => void expired.push(id) })
    s.start()
    const far = clock.now() + 40 * 24 * 3600 * 1000 // 40 days: past 2^31 − 1 ms
    s.set('far', far)
    await clock.advance('768h')
    await s.idle()
    expect(expired).toEqual([])
    expect(clock.pendingTimers).toBe(1)
    await clock.advance('192h')
    await s.idle()
    expect(expired).toEqual(['far'])
  })
})
