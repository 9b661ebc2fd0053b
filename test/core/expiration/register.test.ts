// Leases for secrets: the pipeline registers a backend's `secret` (Vault's request_handling.go: the
// `resp.Secret != nil` branch, ExpirationManager.Register in expiration.go), with the TTL from
// framework.CalculateTTL (sdk/framework/lease.go) against the mount's tuned default/max and the system
// max; lease IDs as `<request path>/<24 base62>` (vault-reference §5).
import { describe, expect, it } from 'vitest'
import { Vault } from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { leaseyEngine, PASSWORD, ROOT, recordEvents, rejection, setup } from './support.js'

const HOUR = 3600
const LEASE_ID = /^leasey\/creds\/web\/[0-9A-Za-z]{24}$/

describe('a secret with a lease', () => {
  it('gets a lease: lease_id, renewable and lease_duration in the envelope; the secret stays private', async () => {
    const { issue, engine } = await setup()
    const res = await issue('web')
    expect(res.lease_id).toMatch(LEASE_ID)
    expect(res.renewable).toBe(true)
    expect(res.lease_duration).toBe(HOUR)
    expect(res.data).toEqual({ username: 'v-web', password: PASSWORD })
    expect(res.warnings).toBeNull()
    // Nothing of the secret's internal data reaches the client.
    expect(JSON.stringify(res)).not.toContain('secret_type')
    expect(engine.control.calls).toEqual([])
  })

  it('lease IDs are unique per issue', async () => {
    const { issue } = await setup()
    const ids = new Set<string>()
    for (let i = 0; i < 20; i++) ids.add((await issue('web')).lease_id)
    expect(ids.size).toBe(20)
  })

  it('a secret type without renew is not renewable', async () => {
    const { call } = await setup()
    const res = await call('GET', 'leasey/fixed/x')
    expect(res).toMatchObject({ renewable: false, lease_duration: 600 })
    expect(res.lease_id).toMatch(/^leasey\/fixed\/x\/[0-9A-Za-z]{24}$/)
  })

  it('responses without a secret have no lease', async () => {
    const { call, vault } = await setup()
    const res = await call('GET', 'leasey/plain/x')
    expect(res).toMatchObject({ lease_id: '', renewable: false, lease_duration: 0 })
    expect(vault.leases.pending).toBe(0)
  })

  it('emits lease:created', async () => {
    const { vault, issue } = await setup()
    const events = recordEvents(vault)
    const res = await issue('web')
    expect(events).toEqual([
      ['lease:created', { leaseId: res.lease_id, path: 'leasey/creds/web', ttl: HOUR, token: false }],
    ])
  })

  it('is wrapped with the rest of the response when wrapping is asked for', async () => {
    const { vault } = await setup()
    const wrapped = await vault.request({ method: 'GET', path: 'leasey/creds/web', token: ROOT, wrapTtl: 60 })
    expect(wrapped.lease_id).toBe('')
    const res = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/unwrap',
      token: wrapped.wrap_info?.token as string,
    })
    expect(res.lease_id).toMatch(LEASE_ID)
    expect(res.lease_duration).toBe(HOUR)
  })
})

describe('TTLs (CalculateTTL)', () => {
  it('requested TTL wins over the backend default', async () => {
    const { issue } = await setup()
    expect((await issue('web', ROOT, 'leasey', { ttl: '10m' })).lease_duration).toBe(600)
  })

  it('a zero or missing TTL means the mount default — never "no expiry" (CVE-2021-32923)', async () => {
    const { issue, engine, call } = await setup()
    engine.control.defaultTtl = 0
    expect((await issue('web')).lease_duration).toBe(768 * HOUR)
    await call('POST', 'sys/mounts/leasey/tune', { default_lease_ttl: '2h' })
    expect((await issue('web')).lease_duration).toBe(2 * HOUR)
    expect((await issue('web', ROOT, 'leasey', { ttl: 0 })).lease_duration).toBe(2 * HOUR)
  })

  it('the mount max caps the TTL, with Vault’s warning', async () => {
    const { issue, call } = await setup()
    await call('POST', 'sys/mounts/leasey/tune', { max_lease_ttl: '30m' })
    const res = await issue('web')
    expect(res.lease_duration).toBe(1800)
    expect(res.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "30m"; TTL value is capped accordingly',
    ])
  })

  it('a backend max TTL lower than the mount max caps it', async () => {
    const { issue } = await setup()
    const res = await issue('web', ROOT, 'leasey', { ttl: '2h', max_ttl: '90m' })
    expect(res.lease_duration).toBe(5400)
    expect(res.warnings).toEqual([
      'TTL of "2h" exceeded the effective max_ttl of "1h30m"; TTL value is capped accordingly',
    ])
  })

  it('the system max caps mounts without their own', async () => {
    const { issue } = await setup({ maxLeaseTtl: '45m', defaultLeaseTtl: '45m' })
    const res = await issue('web')
    expect(res.lease_duration).toBe(2700)
    expect(res.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "45m"; TTL value is capped accordingly',
    ])
  })
})

describe('registration failures', () => {
  it('a secret issued on an unauthenticated path: 500 internal error, and the secret is revoked at its backend', async () => {
    const clock = new ManualClock()
    const vault = await Vault.dev({ rootToken: ROOT, clock })
    const engine = leaseyEngine('open', clock)
    const factory = engine.factory
    // The same engine, with every path reachable without a token.
    vault.engines.register({
      ...engine,
      factory: async (config) => {
        const backend = await factory(config)
        return Object.assign(Object.create(Object.getPrototypeOf(backend)), backend, {
          specialPaths: { unauthenticated: ['creds/*'] },
        })
      },
    })
    await vault.request({ method: 'POST', path: 'sys/mounts/open', data: { type: 'open' }, token: ROOT })
    const err = await rejection(() => vault.request({ method: 'GET', path: 'open/creds/web' }))
    expect(err.statusCode).toBe(500)
    expect(err.errors).toEqual(['internal error'])
    expect(engine.control.calls.map((c) => c.operation)).toEqual(['revoke'])
    expect(engine.control.calls[0]?.internal).toMatchObject({ username: 'v-web', secret_type: 'creds' })
    expect(vault.leases.pending).toBe(0)
  })
})

describe('KV mounts (advisory TTL)', () => {
  it('a kv/generic mount reports the TTL but registers no lease, unless leased_passthrough is set', async () => {
    const clock = new ManualClock()
    const vault = await Vault.dev({ rootToken: ROOT, clock })
    if (vault.engines.get('secret', 'generic')) return // a real engine owns the type name
    vault.engines.register(leaseyEngine('generic', clock))
    await vault.request({ method: 'POST', path: 'sys/mounts/g', data: { type: 'generic' }, token: ROOT })
    const res = await vault.request({ method: 'GET', path: 'g/creds/web', token: ROOT })
    expect(res).toMatchObject({ lease_id: '', renewable: false, lease_duration: HOUR })
    expect(vault.leases.pending).toBe(0)
    await vault.request({
      method: 'POST',
      path: 'sys/mounts/gl',
      data: { type: 'generic', options: { leased_passthrough: 'true' } },
      token: ROOT,
    })
    const leased = await vault.request({ method: 'GET', path: 'gl/creds/web', token: ROOT })
    expect(leased.lease_id).toMatch(/^gl\/creds\/web\/[0-9A-Za-z]{24}$/)
    expect(vault.leases.pending).toBe(1)
  })
})
