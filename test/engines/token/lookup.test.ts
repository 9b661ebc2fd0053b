// auth/token/lookup, lookup-self, lookup-accessor: Vault's handleLookup / handleLookupSelf /
// handleUpdateLookupAccessor (vault/token_store.go) and the data shape of reference §3.3.
import { describe, expect, it } from 'vitest'
import { call, createToken, DEFAULT_TTL, HOUR, rejection, setup } from './helpers.js'

const SERVICE_KEYS = [
  'accessor',
  'creation_time',
  'creation_ttl',
  'display_name',
  'entity_id',
  'expire_time',
  'explicit_max_ttl',
  'id',
  'issue_time',
  'meta',
  'num_uses',
  'orphan',
  'path',
  'policies',
  'renewable',
  'ttl',
  'type',
]

describe('lookup', () => {
  it('a service token: Vault’s keys, sorted; parent never shown', async () => {
    const h = await setup({ policies: ['web'] })
    const { id } = await createToken(h, { policies: ['web'], meta: { user: 'armon' } })
    const entry = await h.tokens.lookup(id)
    await h.clock.advance('10s')
    const resp = await call(h, 'update', 'lookup', { token: id })
    expect(Object.keys(resp?.data ?? {})).toEqual(SERVICE_KEYS)
    expect(resp?.data).toEqual({
      accessor: entry?.accessor,
      creation_time: 1704067200,
      creation_ttl: DEFAULT_TTL,
      display_name: 'token',
      entity_id: '',
      expire_time: '2024-02-02T00:00:00Z',
      explicit_max_ttl: 0,
      id,
      issue_time: '2024-01-01T00:00:00Z',
      meta: { user: 'armon' },
      num_uses: 0,
      orphan: false,
      path: 'auth/token/create',
      policies: ['default', 'web'],
      renewable: true,
      ttl: DEFAULT_TTL - 10,
      type: 'service',
    })
  })

  it('GET lookup?token= works as well', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'] })
    expect((await call(h, 'read', 'lookup', { token: id }))?.data?.id).toBe(id)
  })

  it('without a token parameter: the caller’s own token', async () => {
    const h = await setup()
    expect((await call(h, 'read', 'lookup'))?.data?.id).toBe('root')
  })

  it('the sys/init root token: no lease, so no issue_time nor renewable; expire_time null, ttl 0', async () => {
    const h = await setup()
    const resp = await call(h, 'read', 'lookup-self')
    expect(resp?.data).toEqual({
      accessor: h.root.accessor,
      creation_time: 1704067200,
      creation_ttl: 0,
      display_name: 'root',
      entity_id: '',
      expire_time: null,
      explicit_max_ttl: 0,
      id: 'root',
      meta: null,
      num_uses: 0,
      orphan: true,
      path: 'auth/token/root',
      policies: ['root'],
      ttl: 0,
      type: 'service',
    })
  })

  it('optional keys: role, period, bound_cidrs, last renewal', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/ops', { token_bound_cidrs: '10.0.0.0/8' })
    const { id } = await createToken(h, { period: '1h' }, { path: 'create/ops' })
    await h.clock.advance('30m')
    await call(h, 'update', 'renew', { token: id })
    const data = (await call(h, 'update', 'lookup', { token: id }))?.data ?? {}
    expect(data).toMatchObject({
      role: 'ops',
      period: HOUR,
      bound_cidrs: ['10.0.0.0/8'],
      last_renewal_time: 1704067200 + 1800,
      last_renewal: '2024-01-01T00:30:00Z',
      ttl: HOUR,
    })
    expect(Object.keys(data)).toEqual([...Object.keys(data)].sort())
  })

  it('unknown, expired and revoked tokens: 403 bad token', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h' })
    for (const token of ['nope', 'hvb.garbage']) {
      expect(await rejection(() => call(h, 'update', 'lookup', { token }))).toMatchObject({
        statusCode: 403,
        code: 'ERR_PERMISSION_DENIED',
        errors: ['bad token'],
      })
    }
    await h.clock.advance('1h')
    expect((await rejection(() => call(h, 'update', 'lookup', { token: id }))).errors).toEqual(['bad token'])
  })

  it('lookup-self on a token’s last use still answers (num_uses -1), then the token is gone', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], num_uses: 1 })
    const entry = await h.tokens.lookup(id)
    const used = await h.tokens.use(entry!)
    expect(used.revokeAfterRequest).toBe(true)
    const resp = await call(h, 'read', 'lookup-self', {}, { token: id, sudo: false })
    expect(resp?.data?.num_uses).toBe(-1)
    await h.tokens.revokeTree(id)
    expect((await rejection(() => call(h, 'update', 'lookup', { token: id }))).errors).toEqual(['bad token'])
  })

  it('batch tokens: their own lease times, never renewable, no accessor', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], type: 'batch', ttl: '1h' })
    const data = (await call(h, 'update', 'lookup', { token: id }))?.data
    expect(data).toMatchObject({
      id,
      accessor: '',
      type: 'batch',
      renewable: false,
      ttl: HOUR,
      creation_ttl: HOUR,
      expire_time: '2024-01-01T01:00:00Z',
      issue_time: '2024-01-01T00:00:00Z',
      orphan: false,
    })
  })
})

describe('lookup-accessor', () => {
  it('same data, id blanked', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'] })
    const entry = await h.tokens.lookup(id)
    const byAccessor = await call(h, 'update', 'lookup-accessor', { accessor: entry?.accessor })
    const byToken = await call(h, 'update', 'lookup', { token: id })
    expect(byAccessor?.data).toEqual({ ...byToken?.data, id: '' })
  })

  it('errors: missing accessor, invalid accessor', async () => {
    const h = await setup()
    expect(await rejection(() => call(h, 'update', 'lookup-accessor', {}))).toMatchObject({
      statusCode: 400,
      errors: ['missing accessor'],
    })
    expect(await rejection(() => call(h, 'update', 'lookup-accessor', { accessor: 'nope' }))).toMatchObject({
      statusCode: 400,
      errors: ['invalid accessor'],
    })
  })
})
