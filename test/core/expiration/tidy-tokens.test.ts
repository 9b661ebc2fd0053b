// sys/leases/tidy (Vault's handleTidyLeases → ExpirationManager.Tidy: 202 with a warning, leases whose
// token no longer exists are force-revoked), renewals whose creating token is gone (Vault:
// `cannot renew lease, no valid associated token`), leases of batch tokens (bounded by the token's
// expiry, indexed under its parent), and the token store's lookup safety net.
import { describe, expect, it } from 'vitest'
import { ExpirationManager, type LeaseRouteRequest } from '../../../src/core/expiration/expiration-manager.js'
import { TokenStore } from '../../../src/core/token-store.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { StorageView } from '../../../src/storage/view.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { MapStorage } from '../../engines/token/helpers.js'
import { recordEvents, setup } from './support.js'

const HOUR = 3600

describe('sys/leases/tidy', () => {
  it('202 with Vault’s warning; force-revokes leases whose token is gone', async () => {
    const { issue, raw, token, policy, engine, vault } = await setup({
      leases: { revokeRetryBase: '1h', revokeRetryJitter: 0 },
    })
    await policy('app', 'path "leasey/creds/*" { capabilities = ["read"] }')
    const gone = await token(['app'], { ttl: '1h' })
    const alive = await token(['app'], { ttl: '1h' })
    const orphaned = await issue('a', gone)
    const kept = await issue('b', alive)
    // The backend cannot revoke: the token's revocation queues the lease, whose revocation then fails
    // and waits for a retry — a lease left behind by its token.
    engine.control.failRevoke = 1
    expect((await raw('POST', 'auth/token/revoke', { token: gone })).status).toBe(204)
    await vault.leases.idle()
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id: orphaned.lease_id })).status).toBe(200)

    const events = recordEvents(vault)
    const res = await raw('PUT', 'sys/leases/tidy')
    expect(res.status).toBe(202)
    expect(res.body?.warnings).toEqual([
      "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
    ])
    const result = await vault.leases.tidy() // joins the running tidy
    expect(result).toMatchObject({ invalidToken: 1, revoked: 1, errors: 0 })
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id: orphaned.lease_id })).status).toBe(400)
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id: kept.lease_id })).status).toBe(200)
    expect(events).toContainEqual(['lease:revoked', { leaseId: orphaned.lease_id, force: true }])
  })
})

describe('leases of batch tokens', () => {
  it('never outlive the token, and go with its parent', async () => {
    const { call, raw, token, policy, vault, engine, issue } = await setup()
    await policy(
      'app',
      'path "leasey/creds/*" { capabilities = ["read"] }\npath "auth/token/create" { capabilities = ["update"] }',
    )
    const parent = await token(['app'], { ttl: '2h' })
    const batch = await call(
      'POST',
      'auth/token/create',
      { policies: ['app'], type: 'batch', ttl: '10m' },
      parent,
    )
    const batchId = batch.auth?.client_token as string
    expect(batchId.startsWith('hvb.')).toBe(true)
    const res = await issue('web', batchId)
    expect(res.lease_duration).toBe(600)
    // Renewal is capped at the token's expiry too.
    const renewed = await call(
      'PUT',
      'sys/leases/renew',
      { lease_id: res.lease_id, increment: '1h' },
      batchId,
    )
    expect(renewed.lease_duration).toBe(600)
    expect((await raw('POST', 'auth/token/revoke', { token: parent })).status).toBe(204)
    await vault.leases.idle()
    expect(engine.control.calls.filter((c) => c.operation === 'revoke').map((c) => c.leaseId)).toEqual([
      res.lease_id,
    ])
  })
})

/** A lease manager over a bare token store (no hooks wired): storage states a vault would only reach after a crash. */
async function harness() {
  const clock = new ManualClock()
  const storage = new MapStorage()
  const tokens = new TokenStore(new StorageView(storage, 'sys/token/'), nodeCrypto, clock)
  await tokens.setup()
  const routed: LeaseRouteRequest[] = []
  const limits = { defaultLeaseTtl: () => 768 * HOUR, maxLeaseTtl: () => 768 * HOUR }
  const leases = new ExpirationManager({
    storage,
    tokens,
    clock,
    route: async (req) => {
      routed.push(req)
      return req.operation === 'renew' ? { secret: { ...req.secret, ttl: HOUR } } : null
    },
    limits: (path) => (path.startsWith('db/') ? limits : undefined),
    mountAccessor: () => 'db_1234',
    emit: () => undefined,
  })
  leases.setup()
  await leases.idle()
  return { clock, storage, tokens, leases, routed }
}

describe('the lease manager on its own', () => {
  it('renewing a lease whose token is gone: cannot renew lease, no valid associated token', async () => {
    const { tokens, leases } = await harness()
    const t = await tokens.create({ policies: ['app'], path: 'auth/token/create', ttl: HOUR })
    const { leaseId } = await leases.register({
      path: 'db/creds/ro',
      token: t,
      secret: { renewable: true, ttl: 600 },
    })
    expect((await leases.renew(leaseId, 60))?.secret?.ttl).toBe(60)
    await tokens.revokeTree(t.id) // no hook: the lease stays behind
    await expect(leases.renew(leaseId, 60)).rejects.toMatchObject({
      statusCode: 400,
      errors: ['cannot renew lease, no valid associated token'],
    })
    expect(await leases.tidy()).toEqual({ scanned: 1, emptyToken: 0, invalidToken: 1, revoked: 1, errors: 0 })
    expect(await leases.lookup(leaseId)).toBeNull()
  })

  it('keeps only the ID and expiry in memory: entries and the token index are in storage, keyed by salted IDs', async () => {
    const { tokens, leases, storage } = await harness()
    const t = await tokens.create({ policies: ['app'], path: 'auth/token/create', ttl: HOUR })
    const { leaseId } = await leases.register({
      path: 'db/creds/ro',
      token: t,
      secret: { ttl: 600, internalData: { username: 'u1' } },
      data: { password: 'p4ssw0rd' },
    })
    const salted = tokens.saltedId(t.id)
    expect(storage.keys('sys/expire/id/')).toEqual([`sys/expire/id/${leaseId}`])
    expect(storage.keys(`sys/expire/token/${salted}/`)).toEqual([
      `sys/expire/token/${salted}/${tokens.saltedId(leaseId)}`,
    ])
    // The clear token ID appears nowhere in the lease's storage.
    for (const key of storage.keys('sys/expire/')) {
      expect(key).not.toContain(t.id)
      expect(new TextDecoder().decode(storage.map.get(key))).not.toContain(t.id)
    }
    await leases.revoke(leaseId)
    expect(storage.keys('sys/expire/')).toEqual([])
  })

  it('register refuses a lease without a client token, or on a path with no mount (500)', async () => {
    const { leases } = await harness()
    const token = { id: '', type: 'service' as const, parent: '', expire_time: 0 }
    await expect(leases.register({ path: 'db/creds/ro', token, secret: {} })).rejects.toMatchObject({
      statusCode: 500,
    })
    await expect(
      leases.register({ path: 'nowhere/x', token: { ...token, id: 'hvs.x' }, secret: {} }),
    ).rejects.toMatchObject({ statusCode: 500 })
  })
})

describe('the token store’s lookup safety net', () => {
  it('with the lease manager in charge, an expired token is refused at lookup but left for its lease to revoke', async () => {
    const clock = new ManualClock()
    const storage = new MapStorage()
    const tokens = new TokenStore(new StorageView(storage, 'sys/token/'), nodeCrypto, clock)
    await tokens.setup()
    tokens.revokeExpiredOnLookup = false
    const t = await tokens.create({ policies: ['app'], path: 'auth/token/create', ttl: HOUR })
    await clock.advance('1h')
    expect(await tokens.lookup(t.id)).toBeNull()
    expect(storage.keys(`sys/token/id/${tokens.saltedId(t.id)}`)).toHaveLength(1)
  })
})
