// Persistence: leases live behind the barrier (sys/expire/id/…) and the queue is rebuilt on unseal
// (Vault's ExpirationManager.Restore); timers stop on seal and nothing is revoked while sealed; leases
// that expired while sealed are revoked promptly after unseal; irrevocable leases stay irrevocable.
import { describe, expect, it } from 'vitest'
import { MemoryStorage, Vault } from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { leaseyEngine, ROOT } from './support.js'

/** A dev-like vault on given storage and clock, with leasey registered (and mounted on first open). */
async function open(storage: MemoryStorage, clock: ManualClock, unsealKey?: string) {
  const engine = leaseyEngine('leasey', clock)
  let vault: Vault
  let key = unsealKey
  if (!key) {
    vault = await Vault.dev({
      rootToken: ROOT,
      clock,
      storage,
      leases: { revokeRetryBase: '1s', revokeRetryJitter: 0 },
    })
    vault.engines.register(engine)
    await vault.request({ method: 'POST', path: 'sys/mounts/leasey', data: { type: 'leasey' }, token: ROOT })
    key = vault.unsealKey as string
  } else {
    vault = new Vault({ storage, clock, leases: { revokeRetryBase: '1s', revokeRetryJitter: 0 } })
    vault.engines.register(engine)
    await vault.unseal(key)
  }
  return { vault, engine, key }
}

describe('leases survive a restart', () => {
  it('written, then a NEW vault on the same storage expires them on time', async () => {
    const storage = new MemoryStorage()
    const clock = new ManualClock()
    const first = await open(storage, clock)
    const short = await first.vault.request({
      method: 'GET',
      path: 'leasey/creds/a',
      data: { ttl: '1h' },
      token: ROOT,
    })
    const long = await first.vault.request({
      method: 'GET',
      path: 'leasey/creds/b',
      data: { ttl: '3h' },
      token: ROOT,
    })
    await first.vault.close()

    const second = await open(storage, clock, first.key)
    await second.vault.leases.idle()
    expect(second.vault.leases.pending).toBe(2)
    await clock.advance('59m')
    await second.vault.leases.idle()
    expect(second.engine.control.calls).toEqual([])
    await clock.advance('1m')
    await second.vault.leases.idle()
    expect(second.engine.control.calls.map((c) => [c.leaseId, c.at])).toEqual([
      [short.lease_id, Date.UTC(2024, 0, 1, 1)],
    ])
    await clock.advance('2h')
    await second.vault.leases.idle()
    expect(second.engine.control.calls.map((c) => c.leaseId)).toEqual([short.lease_id, long.lease_id])
    // The first vault, sealed, revoked nothing.
    expect(first.engine.control.calls).toEqual([])
  })

  it('a renewal survives: the restored lease expires at its renewed time', async () => {
    const storage = new MemoryStorage()
    const clock = new ManualClock()
    const first = await open(storage, clock)
    const { lease_id } = await first.vault.request({ method: 'GET', path: 'leasey/creds/a', token: ROOT })
    await first.vault.request({
      method: 'PUT',
      path: 'sys/leases/renew',
      data: { lease_id, increment: '5h' },
      token: ROOT,
    })
    await first.vault.close()
    const second = await open(storage, clock, first.key)
    await clock.advance('4h59m')
    await second.vault.leases.idle()
    expect(second.engine.control.calls).toEqual([])
    await clock.advance('1m')
    await second.vault.leases.idle()
    expect(second.engine.control.calls).toHaveLength(1)
  })

  it('seal stops the timers: nothing is revoked while sealed; after unseal, what expired meanwhile is revoked at once', async () => {
    const storage = new MemoryStorage()
    const clock = new ManualClock()
    const { vault, engine, key } = await open(storage, clock)
    for (let i = 0; i < 30; i++) {
      await vault.request({ method: 'GET', path: 'leasey/creds/a', data: { ttl: 60 + i }, token: ROOT })
    }
    await vault.seal()
    expect(vault.leases.pending).toBe(0)
    await clock.advance('2h')
    expect(engine.control.calls).toEqual([])
    await vault.unseal(key)
    await vault.leases.idle()
    expect(engine.control.calls).toHaveLength(30)
    expect(engine.control.calls.every((c) => c.at === Date.UTC(2024, 0, 1, 2))).toBe(true)
    expect(vault.leases.pending).toBe(0)
  })

  it('token leases are restored too: a token expires on time after a restart', async () => {
    const storage = new MemoryStorage()
    const clock = new ManualClock()
    const first = await open(storage, clock)
    const created = await first.vault.request({
      method: 'POST',
      path: 'auth/token/create',
      data: { policies: ['default'], ttl: '1h' },
      token: ROOT,
    })
    const id = created.auth?.client_token as string
    await first.vault.close()
    const second = await open(storage, clock, first.key)
    await second.vault.leases.idle()
    expect(
      (await second.vault.handle({ method: 'GET', path: 'auth/token/lookup-self', token: id })).status,
    ).toBe(200)
    await clock.advance('1h')
    await second.vault.leases.idle()
    expect(
      (await second.vault.handle({ method: 'GET', path: 'auth/token/lookup-self', token: id })).status,
    ).toBe(403)
    expect(await second.vault.leases.list('')).toEqual([])
  })

  it('irrevocable leases stay irrevocable (and counted) after a restart; no retries resume', async () => {
    const storage = new MemoryStorage()
    const clock = new ManualClock()
    const first = await open(storage, clock)
    first.engine.control.failRevoke = 99
    first.engine.control.failRevokeWith = 'invalid'
    await first.vault.request({ method: 'GET', path: 'leasey/creds/a', data: { ttl: 60 }, token: ROOT })
    await clock.advance('60s')
    await first.vault.leases.idle()
    expect(first.vault.leases.irrevocable).toBe(1)
    await first.vault.close()
    const second = await open(storage, clock, first.key)
    await second.vault.leases.idle()
    expect(second.vault.leases.irrevocable).toBe(1)
    expect(second.vault.leases.pending).toBe(0)
    const count = await second.vault.request({
      method: 'GET',
      path: 'sys/leases/count',
      data: { type: 'irrevocable' },
      token: ROOT,
    })
    expect(count.data?.lease_count).toBe(1)
    expect(second.engine.control.calls).toEqual([])
  })

  it('the restore does not undo a request made while it runs', async () => {
    const storage = new MemoryStorage()
    const clock = new ManualClock()
    const first = await open(storage, clock)
    const leases: string[] = []
    for (let i = 0; i < 600; i++) {
      leases.push(
        (await first.vault.request({ method: 'GET', path: 'leasey/creds/a', token: ROOT })).lease_id,
      )
    }
    await first.vault.close()
    const second = await open(storage, clock, first.key)
    // The restore runs in the background, in batches; renew and revoke leases meanwhile.
    const last = leases.at(-1) as string
    await second.vault.request({
      method: 'PUT',
      path: 'sys/leases/renew',
      data: { lease_id: last, increment: '5h' },
      token: ROOT,
    })
    await second.vault.request({
      method: 'PUT',
      path: 'sys/leases/revoke',
      data: { lease_id: leases[0] },
      token: ROOT,
    })
    await second.vault.leases.idle()
    expect(second.vault.leases.pending).toBe(599)
    await clock.advance('1h')
    await second.vault.leases.idle()
    expect(second.vault.leases.pending).toBe(1)
    expect(await second.vault.leases.lookup(last)).toMatchObject({ expire_time: '2024-01-01T05:00:00Z' })
  })
})
