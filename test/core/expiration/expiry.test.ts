// Expiry: leases and tokens are revoked when their TTL runs out, by one timer over a queue; a token's
// revocation takes the leases it (and its children) created; a failing revocation is retried with
// Vault's backoff — (2^attempt × base) ± jitter, 6 attempts (expiration.go: revokeExponentialBackoff,
// maxRevokeAttempts, errIsUnrecoverable, markLeaseIrrevocable, maxIrrevocableErrorLength = 240) — and
// then the lease is irrevocable: kept, listed, counted (logical_system.go handleLeaseList,
// handleLeaseCount), removable with revoke-force.
import { describe, expect, it } from 'vitest'
import { PASSWORD, recordEvents, setup } from './support.js'

describe('secrets expire on time', () => {
  it('the backend’s revoke runs when the TTL runs out, not before; lease:expired', async () => {
    const { issue, clock, engine, vault, raw } = await setup()
    const events = recordEvents(vault)
    const { lease_id } = await issue('web')
    await clock.advance('59m59s')
    await vault.leases.idle()
    expect(engine.control.calls).toEqual([])
    await clock.advance('1s')
    await vault.leases.idle()
    expect(engine.control.calls).toEqual([
      expect.objectContaining({ operation: 'revoke', leaseId: lease_id, at: Date.UTC(2024, 0, 1, 1) }),
    ])
    expect(events.at(-1)).toEqual(['lease:expired', { leaseId: lease_id }])
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id })).status).toBe(400)
  })

  it('a renewal moves the expiry', async () => {
    const { issue, clock, engine, vault, call } = await setup()
    const { lease_id } = await issue('web')
    await clock.advance('50m')
    await call('PUT', 'sys/leases/renew', { lease_id, increment: '1h' })
    await clock.advance('10m')
    await vault.leases.idle()
    expect(engine.control.calls.filter((c) => c.operation === 'revoke')).toEqual([])
    await clock.advance('50m')
    await vault.leases.idle()
    expect(engine.control.calls.filter((c) => c.operation === 'revoke')).toHaveLength(1)
  })

  it('one timer for all leases, whatever their number', async () => {
    const { issue, clock, vault } = await setup()
    const before = clock.pendingTimers
    for (let i = 0; i < 50; i++) await issue(`r${i % 5}`, undefined, undefined, { ttl: 60 + i })
    expect(vault.leases.pending).toBe(50)
    expect(clock.pendingTimers - before).toBeLessThanOrEqual(1)
    await clock.advance('2m')
    await vault.leases.idle()
    expect(vault.leases.pending).toBe(0)
  })

  it('many leases due at the same instant are all revoked (in batches)', async () => {
    const { issue, clock, engine, vault } = await setup({ leases: { batchSize: 16 } })
    for (let i = 0; i < 200; i++) await issue('web', undefined, undefined, { ttl: 60 })
    await clock.advance('60s')
    await vault.leases.idle()
    expect(engine.control.calls).toHaveLength(200)
    expect(vault.leases.pending).toBe(0)
  })
})

describe('tokens expire through their leases', () => {
  it('a token’s TTL revokes its tree, and the leases they created', async () => {
    const { issue, clock, engine, vault, raw, token, policy } = await setup()
    await policy(
      'app',
      'path "leasey/creds/*" { capabilities = ["read"] }\npath "auth/token/create" { capabilities = ["update"] }',
    )
    const parent = await token(['app'], { ttl: '1h' })
    const child = await token(['app'], { ttl: '3h' }, parent)
    const a = await issue('a', parent)
    const b = await issue('b', child)
    await clock.advance('59m')
    await vault.leases.idle()
    expect(engine.control.calls).toEqual([])
    await clock.advance('1m')
    await vault.leases.idle()
    for (const t of [parent, child]) {
      expect((await raw('GET', 'auth/token/lookup-self', undefined, t)).status).toBe(403)
    }
    expect(engine.control.calls.map((c) => c.leaseId).sort()).toEqual([a.lease_id, b.lease_id].sort())
    expect(await vault.leases.list('')).toEqual([])
  })

  it('revoking a token (auth/token/revoke) revokes the leases it and its children created', async () => {
    const { issue, engine, vault, raw, token, policy } = await setup()
    await policy(
      'app',
      'path "leasey/creds/*" { capabilities = ["read"] }\npath "auth/token/create" { capabilities = ["update"] }',
    )
    const parent = await token(['app'], { ttl: '1h' })
    const child = await token(['app'], { ttl: '1h' }, parent)
    const other = await token(['app'], { ttl: '1h' })
    const mine = [await issue('a', parent), await issue('b', child), await issue('c', child)]
    const kept = await issue('d', other)
    expect((await raw('POST', 'auth/token/revoke', { token: parent })).status).toBe(204)
    await vault.leases.idle()
    expect(engine.control.calls.map((c) => c.leaseId).sort()).toEqual(mine.map((m) => m.lease_id).sort())
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id: kept.lease_id })).status).toBe(200)
  })

  it('a renewed token lives on: its lease moves with it', async () => {
    const { clock, vault, raw, call, token } = await setup()
    const id = await token(['default'], { ttl: '1h' })
    await clock.advance('50m')
    await call('POST', 'auth/token/renew-self', { increment: '1h' }, id)
    const leaseId = vault.leases.tokenLeaseId({ id, path: 'auth/token/create' })
    expect((await call('PUT', 'sys/leases/lookup', { lease_id: leaseId })).data).toMatchObject({
      last_renewal: '2024-01-01T00:50:00Z',
      expire_time: '2024-01-01T01:50:00Z',
    })
    await clock.advance('59m')
    await vault.leases.idle()
    expect((await raw('GET', 'auth/token/lookup-self', undefined, id)).status).toBe(200)
    await clock.advance('1m')
    await vault.leases.idle()
    expect((await raw('GET', 'auth/token/lookup-self', undefined, id)).status).toBe(403)
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id: leaseId })).status).toBe(400)
  })
})

describe('failed revocations: retries, then irrevocable', () => {
  const options = { leases: { revokeRetryBase: '1s', revokeRetryJitter: 0 } }

  it('retried with exponential backoff (2^attempt × base), 6 attempts, then irrevocable with a safe error', async () => {
    const { issue, clock, engine, vault, call, raw } = await setup(options)
    const events = recordEvents(vault)
    const { lease_id } = await issue('web', undefined, undefined, { ttl: 60 })
    engine.control.failRevoke = 99
    engine.control.failRevokeWith = 'plain'
    await clock.advance('60s')
    await vault.leases.idle()
    for (const step of [2, 4, 8, 16, 32]) {
      await clock.advance(step * 1000 - 1)
      await vault.leases.idle()
      const before = engine.control.calls.length
      await clock.advance(1)
      await vault.leases.idle()
      expect(engine.control.calls.length).toBe(before + 1)
    }
    const start = Date.UTC(2024, 0, 1)
    expect(engine.control.calls.map((c) => (c.at - start) / 1000)).toEqual([60, 62, 66, 74, 90, 122])
    const error = 'out of retries: failed to revoke entry: internal error'
    expect(events.at(-1)).toEqual(['lease:irrevocable', { leaseId: lease_id, error, attempts: 6 }])
    // No more attempts.
    await clock.advance('24h')
    await vault.leases.idle()
    expect(engine.control.calls).toHaveLength(6)

    // Kept, looked up with its error, not renewable.
    const lookup = await call('PUT', 'sys/leases/lookup', { lease_id })
    expect(lookup.data).toMatchObject({ renewable: false, revoke_error: error })
    expect(JSON.stringify(lookup)).not.toContain(PASSWORD)
    expect(await raw('PUT', 'sys/leases/renew', { lease_id })).toEqual({
      status: 400,
      body: { errors: ['lease is expired and has failed previous revocation attempts'] },
    })
    // Counted and listed (GET sys/leases needs sudo).
    const mounts = await call('GET', 'sys/mounts/leasey')
    const accessor = mounts.data?.accessor as string
    expect((await call('GET', 'sys/leases/count', { type: 'irrevocable' })).data).toEqual({
      lease_count: 1,
      counts: { [accessor]: 1 },
    })
    expect((await call('GET', 'sys/leases', { type: 'irrevocable' })).data).toEqual({
      lease_count: 1,
      leases: [{ lease_id, mount_id: accessor, error }],
    })
    // A lazy revoke leaves it be; revoke-force removes it.
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id, sync: false })).status).toBe(202)
    await vault.leases.idle()
    expect(vault.leases.irrevocable).toBe(1)
    expect((await raw('PUT', 'sys/leases/revoke-force/leasey/creds/web')).status).toBe(204)
    expect(vault.leases.irrevocable).toBe(0)
    expect((await call('GET', 'sys/leases/count', { type: 'irrevocable' })).data).toEqual({
      lease_count: 0,
      counts: {},
    })
  })

  it('a revocation that succeeds on a retry: revoked, lease:expired', async () => {
    const { issue, clock, engine, vault } = await setup(options)
    const events = recordEvents(vault)
    const { lease_id } = await issue('web', undefined, undefined, { ttl: 60 })
    engine.control.failRevoke = 2
    await clock.advance('60s')
    await vault.leases.idle()
    await clock.advance('2s')
    await vault.leases.idle()
    await clock.advance('4s')
    await vault.leases.idle()
    expect(engine.control.calls).toHaveLength(3)
    expect(events.at(-1)).toEqual(['lease:expired', { leaseId: lease_id }])
    expect(vault.leases.pending).toBe(0)
  })

  it('an unrecoverable error (the backend says the request is wrong): irrevocable at once', async () => {
    const { issue, clock, engine, vault, call } = await setup(options)
    const { lease_id } = await issue('web', undefined, undefined, { ttl: 60 })
    engine.control.failRevoke = 99
    engine.control.failRevokeWith = 'invalid'
    await clock.advance('60s')
    await vault.leases.idle()
    expect(engine.control.calls).toHaveLength(1)
    expect((await call('PUT', 'sys/leases/lookup', { lease_id })).data?.revoke_error).toBe(
      'failed to revoke entry: role no longer exists',
    )
  })

  it('the stored error is cut to 240 characters and never carries the secret’s values', async () => {
    const { issue, clock, engine, vault, call } = await setup({
      leases: { ...options.leases, maxRevokeAttempts: 1 },
    })
    const { lease_id } = await issue('web', undefined, undefined, { ttl: 60 })
    engine.control.failRevoke = 99
    engine.control.failRevokeWith = 'leaky'
    await clock.advance('60s')
    await vault.leases.idle()
    const error = (await call('PUT', 'sys/leases/lookup', { lease_id })).data?.revoke_error as string
    expect(error).toHaveLength(240)
    expect(
      error.startsWith(
        'out of retries: failed to revoke entry: drop user [redacted] (password [redacted]) failed',
      ),
    ).toBe(true)
    expect(error).not.toContain(PASSWORD)
  })

  it('GET sys/leases: sudo, type=irrevocable only, limit (Vault’s processLimit and warning)', async () => {
    const { issue, clock, engine, vault, call, raw, token, policy } = await setup({
      leases: { ...options.leases, maxRevokeAttempts: 1 },
    })
    for (let i = 0; i < 3; i++) await issue('web', undefined, undefined, { ttl: 60 + i })
    engine.control.failRevoke = 99
    await clock.advance('63s')
    await vault.leases.idle()
    expect(vault.leases.irrevocable).toBe(3)
    const all = await call('GET', 'sys/leases', { type: 'IRREVOCABLE', limit: 'none' })
    expect(all.data?.lease_count).toBe(3)
    const cut = await call('GET', 'sys/leases', { type: 'irrevocable', limit: '2' })
    expect(cut.data?.lease_count).toBe(2)
    expect(cut.warnings).toEqual([
      'Command halted because many irrevocable leases were found. To emit the entire list, re-run the command with force set true.',
    ])
    // Sorted by expire time.
    const ids = ((all.data?.leases as { lease_id: string }[] | undefined) ?? []).map((l) => l.lease_id)
    expect(((cut.data?.leases as { lease_id: string }[] | undefined) ?? []).map((l) => l.lease_id)).toEqual(
      ids.slice(0, 2),
    )
    expect(await raw('GET', 'sys/leases', { type: 'irrevocable', limit: 'x' })).toEqual({
      status: 500,
      body: { errors: [`invalid 'limit' provided: strconv.Atoi: parsing "x": invalid syntax`] },
    })
    expect(await raw('GET', 'sys/leases', { type: 'irrevocable', limit: '0' })).toEqual({
      status: 500,
      body: { errors: ["limit must be 'none' or a positive integer"] },
    })
    expect(await raw('GET', 'sys/leases', { type: 'other' })).toEqual({ status: 404, body: { errors: [] } })
    expect(await raw('GET', 'sys/leases/count', { type: 'other' })).toEqual({
      status: 404,
      body: { errors: [] },
    })
    await policy('reader', 'path "sys/leases" { capabilities = ["read"] }')
    const user = await token(['reader'])
    expect((await raw('GET', 'sys/leases', { type: 'irrevocable' }, user)).status).toBe(403)
  })
})
