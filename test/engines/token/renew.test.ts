// auth/token/renew, renew-self, renew-accessor: Vault's handleRenew → ExpirationManager.RenewToken
// (leaseEntry.renewable checks) → TokenStore.authRenew → CalculateTTL (sdk/framework/lease.go).
import { describe, expect, it } from 'vitest'
import { formatAuth } from '../../../src/engines/token/index.js'
import { call, createToken, HOUR, rejection, setup } from './helpers.js'

describe('renew', () => {
  it('no increment: the TTL of the last issue/renewal again; the token lives on', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h' })
    await h.clock.advance('50m')
    const resp = await call(h, 'update', 'renew', { token: id })
    expect(resp?.auth).toMatchObject({ clientToken: id, ttl: HOUR, renewable: true })
    expect(resp?.warnings).toBeUndefined()
    await h.clock.advance('50m')
    expect(await h.tokens.lookup(id)).not.toBeNull()
    await h.clock.advance('10m')
    expect(await h.tokens.lookup(id)).toBeNull()
  })

  it('an increment sets the new TTL, and may shorten it', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h' })
    expect((await call(h, 'update', 'renew', { token: id, increment: '2h' }))?.auth?.ttl).toBe(2 * HOUR)
    expect((await call(h, 'update', 'renew', { token: id, increment: 60 }))?.auth?.ttl).toBe(60)
    // The next renewal without increment reuses the last granted TTL.
    expect((await call(h, 'update', 'renew', { token: id }))?.auth?.ttl).toBe(60)
    await h.clock.advance('61s')
    expect(await h.tokens.lookup(id)).toBeNull()
  })

  it('capped by the explicit max TTL counted from issue, with Vault’s warning', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h', explicit_max_ttl: '2h' })
    await h.clock.advance('50m')
    expect((await call(h, 'update', 'renew', { token: id, increment: '1h' }))?.auth?.ttl).toBe(HOUR)
    await h.clock.advance('50m')
    const resp = await call(h, 'update', 'renew', { token: id, increment: '1h' })
    expect(resp?.auth?.ttl).toBe(1200)
    expect(resp?.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "20m"; TTL value is capped accordingly',
    ])
    await h.clock.advance('19m59s')
    expect(await h.tokens.lookup(id)).not.toBeNull()
    await h.clock.advance('1s')
    expect(await h.tokens.lookup(id)).toBeNull()
  })

  it('capped by the mount max', async () => {
    const h = await setup({ maxTtl: 2 * HOUR })
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h' })
    await h.clock.advance('50m')
    await call(h, 'update', 'renew', { token: id })
    await h.clock.advance('50m')
    const resp = await call(h, 'update', 'renew', { token: id, increment: '1h' })
    expect(resp?.auth?.ttl).toBe(1200)
    expect(resp?.warnings?.[0]).toContain('exceeded the effective max_ttl of "20m"')
  })

  it('periodic tokens: always the period, increment ignored, renewable forever', async () => {
    const h = await setup({ maxTtl: 2 * HOUR })
    const { id } = await createToken(h, { policies: ['web'], period: '1h' })
    for (let i = 0; i < 5; i++) {
      await h.clock.advance('55m')
      expect((await call(h, 'update', 'renew', { token: id, increment: '10m' }))?.auth?.ttl).toBe(HOUR)
    }
    // 4h35m after creation, far past the 2h mount max.
    expect(await h.tokens.lookup(id)).not.toBeNull()
  })

  it('periodic with an explicit max: capped once the max is near', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], period: '1h', explicit_max_ttl: '90m' })
    await h.clock.advance('50m')
    const resp = await call(h, 'update', 'renew', { token: id })
    expect(resp?.auth?.ttl).toBe(2400)
    expect(resp?.warnings).toEqual([
      'TTL of "1h" exceeded the effective max_ttl of "40m"; TTL value is capped accordingly',
    ])
  })

  it('errors: missing token, unknown, batch, non-renewable, no lease', async () => {
    const h = await setup()
    expect(await rejection(() => call(h, 'update', 'renew', {}))).toMatchObject({
      statusCode: 400,
      errors: ['missing token ID'],
    })
    expect((await rejection(() => call(h, 'update', 'renew', { token: 'nope' }))).errors).toEqual([
      'token not found',
    ])
    const batch = (await createToken(h, { policies: ['web'], type: 'batch' })).id
    expect((await rejection(() => call(h, 'update', 'renew', { token: batch }))).errors).toEqual([
      'batch tokens cannot be renewed',
    ])
    const fixed = (await createToken(h, { policies: ['web'], renewable: false })).id
    expect((await rejection(() => call(h, 'update', 'renew', { token: fixed }))).errors).toEqual([
      'lease is not renewable',
    ])
    // A root token made through create has a lease but never expires.
    const root2 = (await createToken(h)).id
    expect((await rejection(() => call(h, 'update', 'renew', { token: root2 }))).errors).toEqual([
      'lease is not renewable',
    ])
    // The sys/init root token has no lease at all.
    expect((await rejection(() => call(h, 'update', 'renew-self', {}))).errors).toEqual(['invalid lease ID'])
  })

  it('role tokens renew with the role’s current period', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/periodic', { token_period: '1h' })
    const { id } = await createToken(h, { policies: ['web'] }, { path: 'create/periodic' })
    await call(h, 'update', 'roles/periodic', { token_period: '2h' })
    expect((await call(h, 'update', 'renew', { token: id }))?.auth?.ttl).toBe(2 * HOUR)
    await call(h, 'delete', 'roles/periodic')
    const err = await rejection(() => call(h, 'update', 'renew', { token: id }))
    expect(err).toMatchObject({
      statusCode: 500,
      errors: ['original token role "periodic" could not be found, not renewing'],
    })
  })
})

describe('renew-self and renew-accessor', () => {
  it('renew-self renews the caller', async () => {
    const h = await setup({ policies: ['web'] })
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h' })
    const resp = await call(h, 'update', 'renew-self', { increment: '3h' }, { token: id, sudo: false })
    expect(formatAuth(resp?.auth ?? {})).toMatchObject({
      client_token: id,
      lease_duration: 3 * HOUR,
      renewable: true,
      policies: ['default', 'web'],
      orphan: false,
    })
  })

  it('renew-accessor never reveals the token', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h' })
    const accessor = (await h.tokens.lookup(id))?.accessor
    const resp = await call(h, 'update', 'renew-accessor', { accessor, increment: '2h' })
    expect(resp?.auth).toMatchObject({ clientToken: '', accessor, ttl: 2 * HOUR })
    expect((await rejection(() => call(h, 'update', 'renew-accessor', {}))).errors).toEqual([
      'missing accessor',
    ])
    expect((await rejection(() => call(h, 'update', 'renew-accessor', { accessor: 'x' }))).errors).toEqual([
      'invalid accessor',
    ])
  })

  it('negative increments are refused by the field', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'] })
    const err = await rejection(() => call(h, 'update', 'renew', { token: id, increment: '-1h' }))
    expect(err.statusCode).toBe(400)
    expect(err.errors[0]).toMatch(/^Field validation failed/)
  })
})
