// The rollback manager: a `rollback` request to every mount each minute, which runs the backends'
// periodic functions (Vault's RollbackManager / PeriodicFunc).
import { describe, expect, it } from 'vitest'
import { definePath, FrameworkBackend, Vault } from '../../src/index.node.js'
import { ManualClock } from '../../src/testing/index.js'

describe('rollback manager', () => {
  it('calls every mounted backend’s periodic function once a minute, only while unsealed', async () => {
    const clock = new ManualClock()
    const vault = await Vault.dev({ rootToken: 'root', clock })
    const calls: string[] = []
    vault.engines.register({
      type: 'ticker',
      kind: 'secret',
      factory: () =>
        new FrameworkBackend({
          type: 'ticker',
          paths: [definePath({ pattern: 'x', operations: { read: async () => null } })],
          periodicFunc: async (req) => {
            calls.push(req.mountPoint)
          },
        }),
    })
    await vault.request({ method: 'POST', path: 'sys/mounts/t1', data: { type: 'ticker' }, token: 'root' })
    await clock.advance('59s')
    expect(calls).toEqual([])
    await clock.advance('1s')
    expect(calls).toEqual(['t1/'])
    await clock.advance('2m')
    expect(calls).toEqual(['t1/', 't1/', 't1/'])
    await vault.seal()
    await clock.advance('5m')
    expect(calls).toHaveLength(3)
  })

  it('a failing periodic function is reported as a warning and does not stop the others', async () => {
    const clock = new ManualClock()
    const vault = await Vault.dev({ rootToken: 'root', clock })
    const warnings: string[] = []
    vault.on('warning', (w) => warnings.push(w))
    let good = 0
    const engine = (fail: boolean) => () =>
      new FrameworkBackend({
        type: 'p',
        paths: [],
        periodicFunc: async () => {
          if (fail) throw new Error('boom')
          good++
        },
      })
    vault.engines.register({ type: 'bad', kind: 'secret', factory: engine(true) })
    vault.engines.register({ type: 'good', kind: 'secret', factory: engine(false) })
    await vault.request({ method: 'POST', path: 'sys/mounts/a', data: { type: 'bad' }, token: 'root' })
    await vault.request({ method: 'POST', path: 'sys/mounts/b', data: { type: 'good' }, token: 'root' })
    await clock.advance('1m')
    expect(good).toBe(1)
    expect(warnings.some((w) => w.includes('periodic work of a/ failed'))).toBe(true)
  })
})
