// sys/leases/lookup (PUT and LIST), sys/leases/renew[/:id] and the legacy sys/renew[/:id]: shapes,
// status codes and wording from Vault's logical_system.go (handleLeaseLookup, handleLeaseLookupList,
// handleRenew), expiration.go (Renew, leaseEntry.renewable) and sdk/framework/lease.go (CalculateTTL:
// max TTL counted from the original issue time), plus vaultlet's ownership rule (lease created by the
// caller's token, or `update` on the lease's path).
import { describe, expect, it } from 'vitest'
import { recordEvents, setup } from './support.js'

const HOUR = 3600

describe('sys/leases/lookup', () => {
  it('PUT with lease_id: Vault’s keys, sorted; times RFC 3339; ttl in seconds', async () => {
    const { issue, call, clock } = await setup()
    const { lease_id } = await issue('web')
    await clock.advance('10m')
    const res = await call('PUT', 'sys/leases/lookup', { lease_id })
    expect(res.data).toEqual({
      expire_time: '2024-01-01T01:00:00Z',
      id: lease_id,
      issue_time: '2024-01-01T00:00:00Z',
      last_renewal: null,
      renewable: true,
      ttl: 3000,
    })
    expect(Object.keys(res.data ?? {})).toEqual([
      'expire_time',
      'id',
      'issue_time',
      'last_renewal',
      'renewable',
      'ttl',
    ])
  })

  it('missing lease_id: 400 lease_id must be specified; unknown: 400 invalid lease', async () => {
    const { raw } = await setup()
    expect(await raw('PUT', 'sys/leases/lookup', {})).toEqual({
      status: 400,
      body: { errors: ['lease_id must be specified'] },
    })
    expect(await raw('PUT', 'sys/leases/lookup', { lease_id: 'leasey/creds/web/nope' })).toEqual({
      status: 400,
      body: { errors: ['invalid lease'] },
    })
  })

  it('the default policy may look leases up', async () => {
    const { issue, call, token } = await setup()
    const { lease_id } = await issue('web')
    const user = await token(['default'])
    expect((await call('PUT', 'sys/leases/lookup', { lease_id }, user)).data?.id).toBe(lease_id)
  })

  it('LIST sys/leases/lookup/:prefix lists one level (sudo); empty → 404', async () => {
    const { issue, call, raw, token } = await setup()
    const a = await issue('web')
    const b = await issue('db')
    // The dev root token has no lease (sys/init root tokens never do).
    expect((await call('LIST', 'sys/leases/lookup/')).data?.keys).toEqual(['leasey/'])
    const child = await token(['default'])
    expect(child).toBeTruthy()
    expect((await call('LIST', 'sys/leases/lookup/')).data?.keys).toEqual(['auth/', 'leasey/'])
    expect((await call('LIST', 'sys/leases/lookup/leasey/creds')).data?.keys).toEqual(['db/', 'web/'])
    expect((await call('LIST', 'sys/leases/lookup/leasey/creds/web/')).data?.keys).toEqual([
      a.lease_id.split('/').at(-1),
    ])
    expect((await call('GET', 'sys/leases/lookup/leasey/creds/db', { list: true })).data?.keys).toEqual([
      b.lease_id.split('/').at(-1),
    ])
    expect(await raw('LIST', 'sys/leases/lookup/nothing/')).toEqual({ status: 404, body: { errors: [] } })
    const user = await token(['default'])
    const denied = await raw('LIST', 'sys/leases/lookup/leasey/', undefined, user)
    expect(denied.status).toBe(403)
  })
})

describe('sys/leases/renew', () => {
  it('renews by body or URL (and the legacy sys/renew): the backend’s renew runs with the secret, the envelope shows the lease', async () => {
    const { issue, call, clock, engine, vault } = await setup()
    const events = recordEvents(vault)
    const { lease_id } = await issue('web')
    await clock.advance('30m')
    for (const [path, data] of [
      ['sys/leases/renew', { lease_id, increment: '2h' }],
      [`sys/leases/renew/${lease_id}`, { increment: 7200 }],
      ['sys/renew', { lease_id, increment: '2h' }],
      [`sys/renew/${lease_id}`, { increment: '2h' }],
    ] as const) {
      const res = await call('PUT', path, data)
      expect(res).toMatchObject({ lease_id, renewable: true, lease_duration: 2 * HOUR, warnings: null })
    }
    const renews = engine.control.calls.filter((c) => c.operation === 'renew')
    expect(renews).toHaveLength(4)
    expect(renews[0]).toMatchObject({
      path: 'creds/web',
      mountPoint: 'leasey/',
      leaseId: lease_id,
      increment: 7200,
      issueTime: Date.UTC(2024, 0, 1),
      internal: { username: 'v-web', secret_type: 'creds' },
    })
    const lookup = await call('PUT', 'sys/leases/lookup', { lease_id })
    expect(lookup.data).toMatchObject({
      last_renewal: '2024-01-01T00:30:00Z',
      expire_time: '2024-01-01T02:30:00Z',
      ttl: 2 * HOUR,
    })
    expect(events.filter(([n]) => n === 'lease:renewed')[0]).toEqual([
      'lease:renewed',
      { leaseId: lease_id, ttl: 2 * HOUR },
    ])
  })

  it('without an increment: the backend’s TTL, else the mount default', async () => {
    const { issue, call, engine } = await setup()
    const { lease_id } = await issue('web')
    engine.control.renewTtl = 900
    expect((await call('PUT', 'sys/leases/renew', { lease_id })).lease_duration).toBe(900)
    engine.control.renewTtl = 0
    expect((await call('PUT', 'sys/leases/renew', { lease_id })).lease_duration).toBe(768 * HOUR)
  })

  it('the max TTL counts from the ORIGINAL issue time, with Vault’s warning; past it: 400', async () => {
    const { issue, call, raw, clock } = await setup()
    await call('POST', 'sys/mounts/leasey/tune', { max_lease_ttl: '2h' })
    const { lease_id, lease_duration } = await issue('web', undefined, undefined, { ttl: '2h' })
    expect(lease_duration).toBe(2 * HOUR)
    await clock.advance('1h30m')
    const res = await call('PUT', 'sys/leases/renew', { lease_id, increment: '1h' })
    expect(res.lease_duration).toBe(1800)
    expect(res.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "30m"; TTL value is capped accordingly',
    ])
    await clock.advance('10m')
    const renewed = await call('PUT', 'sys/leases/renew', { lease_id, increment: '10m' })
    expect(renewed.lease_duration).toBe(600)
    expect(renewed.warnings).toBeNull()
    await clock.advance('5m')
    const capped = await call('PUT', 'sys/leases/renew', { lease_id, increment: '1h' })
    expect(capped.lease_duration).toBe(900)
    // The mount's max lowered below the lease's age: nothing left to grant.
    await call('POST', 'sys/mounts/leasey/tune', { max_lease_ttl: '1h' })
    expect(await raw('PUT', 'sys/leases/renew', { lease_id, increment: '1h' })).toEqual({
      status: 400,
      body: { errors: ['past the max TTL, cannot renew'] },
    })
  })

  it('a renewal can shorten the lease', async () => {
    const { issue, call } = await setup()
    const { lease_id } = await issue('web')
    expect((await call('PUT', 'sys/leases/renew', { lease_id, increment: 60 })).lease_duration).toBe(60)
  })

  it('refusals, in Vault’s words (400)', async () => {
    const { issue, call, raw, clock, vault, engine } = await setup()
    const expect400 = async (data: Record<string, unknown>, message: string) =>
      expect(await raw('PUT', 'sys/leases/renew', data)).toEqual({ status: 400, body: { errors: [message] } })
    await expect400({}, 'lease_id must be specified')
    await expect400({ lease_id: 'leasey/creds/web/nope' }, 'lease not found')
    const fixed = await call('GET', 'leasey/fixed/x')
    await expect400({ lease_id: fixed.lease_id }, 'lease is not renewable')
    const expiring = await issue('web', undefined, undefined, { ttl: 60 })
    // Its revocation fails, so the expired lease stays (waiting for a retry).
    engine.control.failRevoke = 1
    await clock.advance('61s')
    await vault.leases.idle()
    await expect400({ lease_id: expiring.lease_id }, 'lease expired')
    await clock.advance('30s') // the first retry: 2^1 × 10s ± 50%
    await vault.leases.idle()
    await expect400({ lease_id: expiring.lease_id }, 'lease not found')
  })

  it('token leases cannot be renewed here: tokens cannot be renewed through this endpoint', async () => {
    const { call, raw, token, vault } = await setup()
    const id = await token(['default'], { ttl: '1h' })
    const entry = await call('POST', 'auth/token/lookup', { token: id })
    const leaseId = vault.leases.tokenLeaseId({ id, path: entry.data?.path as string })
    expect(leaseId).toMatch(/^auth\/token\/create\/h[0-9a-f]{64}$/)
    expect(await raw('PUT', 'sys/leases/renew', { lease_id: leaseId })).toEqual({
      status: 400,
      body: { errors: ['tokens cannot be renewed through this endpoint'] },
    })
  })

  it('a backend renew failure: 400 failed to renew entry, the lease unchanged', async () => {
    const { issue, call, raw, engine } = await setup()
    const { lease_id } = await issue('web')
    engine.control.failRenew = 1
    expect(await raw('PUT', 'sys/leases/renew', { lease_id })).toEqual({
      status: 400,
      body: { errors: ['failed to renew entry: database is down'] },
    })
    expect((await call('PUT', 'sys/leases/lookup', { lease_id })).data?.last_renewal).toBeNull()
  })

  it('increment must parse as a duration', async () => {
    const { issue, raw } = await setup()
    const { lease_id } = await issue('web')
    const res = await raw('PUT', 'sys/leases/renew', { lease_id, increment: 'soon' })
    expect(res.status).toBe(400)
    expect(String((res.body?.errors as string[] | undefined)?.[0])).toMatch(
      /^Field validation failed: error converting input for field "increment"/,
    )
  })
})

describe('ownership: who may renew or revoke a lease', () => {
  it('the token that created it may (the default policy grants sys/leases/renew)', async () => {
    const { issue, call, token, policy } = await setup()
    await policy('reader', 'path "leasey/creds/*" { capabilities = ["read"] }')
    const user = await token(['reader'])
    const { lease_id } = await issue('web', user)
    expect((await call('PUT', 'sys/leases/renew', { lease_id }, user)).lease_id).toBe(lease_id)
  })

  it('another token may not, knowing the ID is not enough: 403', async () => {
    const { issue, raw, token, policy } = await setup()
    await policy('reader', 'path "leasey/creds/*" { capabilities = ["read"] }')
    await policy('revoker', 'path "sys/leases/revoke" { capabilities = ["update"] }')
    const alice = await token(['reader'])
    const bob = await token(['reader', 'revoker'])
    const { lease_id } = await issue('web', alice)
    expect(await raw('PUT', 'sys/leases/renew', { lease_id }, bob)).toEqual({
      status: 403,
      body: { errors: ['permission denied'] },
    })
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id }, bob)).status).toBe(403)
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id, sync: false }, bob)).status).toBe(403)
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id }, alice)).status).toBe(403) // no ACL grant
  })

  it('a token with update on the lease’s path may, for that mount only', async () => {
    const { issue, call, raw, token, policy } = await setup({ mounts: ['leasey', 'other'] })
    await policy(
      'operator',
      'path "leasey/creds/*" { capabilities = ["update"] }\npath "sys/leases/*" { capabilities = ["update"] }',
    )
    const op = await token(['operator'])
    const mine = await issue('web')
    const theirs = await issue('web', undefined, 'other')
    expect((await call('PUT', 'sys/leases/renew', { lease_id: mine.lease_id }, op)).lease_id).toBe(
      mine.lease_id,
    )
    expect((await raw('PUT', 'sys/leases/renew', { lease_id: theirs.lease_id }, op)).status).toBe(403)
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id: theirs.lease_id }, op)).status).toBe(403)
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id: mine.lease_id }, op)).status).toBe(204)
  })
})
