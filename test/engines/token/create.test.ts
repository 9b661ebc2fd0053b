// auth/token/create, create-orphan: Vault's handleCreateCommon (vault/token_store.go) — policy
// resolution, sudo-only parameters, batch restrictions, TTL rules (sdk/framework/lease.go CalculateTTL),
// the auth block (http/logical.go Auth, reference §3.2) and Vault's error wording.
import { describe, expect, it } from 'vitest'
import { formatAuth } from '../../../src/engines/token/index.js'
import { call, createToken, DEFAULT_TTL, HOUR, rejection, setup } from './helpers.js'

describe('create: the auth block', () => {
  it('has Vault’s keys, in Vault’s order', async () => {
    const h = await setup({ policies: ['web'] })
    const { id, resp } = await createToken(h, { policies: ['web'], meta: { user: 'armon' } })
    const auth = formatAuth(resp.auth ?? {})
    expect(Object.keys(auth)).toEqual([
      'client_token',
      'accessor',
      'policies',
      'token_policies',
      'metadata',
      'lease_duration',
      'renewable',
      'entity_id',
      'token_type',
      'orphan',
      'mfa_requirement',
      'num_uses',
    ])
    const entry = await h.tokens.lookup(id)
    expect(auth).toEqual({
      client_token: id,
      accessor: entry?.accessor,
      policies: ['default', 'web'],
      token_policies: ['default', 'web'],
      metadata: { user: 'armon' },
      lease_duration: DEFAULT_TTL,
      renewable: true,
      entity_id: '',
      token_type: 'service',
      orphan: false,
      mfa_requirement: null,
      num_uses: 0,
    })
    expect(resp.data).toBeNull()
    expect(resp.warnings).toBeUndefined()
    expect(entry).toMatchObject({ parent: 'root', path: 'auth/token/create', display_name: 'token' })
  })

  it('metadata is null when none was given; identity policies only when present', () => {
    expect(formatAuth({ policies: ['a'], tokenPolicies: ['a'] }).metadata).toBeNull()
    const withIdentity = formatAuth({ tokenPolicies: ['a'], identityPolicies: ['g'] })
    expect(withIdentity.policies).toEqual(['a', 'g'])
    expect(withIdentity.identity_policies).toEqual(['g'])
    expect('token_policies' in formatAuth({ policies: [] })).toBe(false)
  })
})

describe('create: policies', () => {
  it('root with no policies makes another non-expiring root token (inherits the parent’s)', async () => {
    const h = await setup()
    const { id, resp } = await createToken(h)
    expect(resp.auth).toMatchObject({ policies: ['root'], ttl: 0, renewable: false })
    expect(await h.tokens.lookup(id)).toMatchObject({ policies: ['root'], expire_time: 0 })
  })

  it('are sanitized: trimmed, lower-cased, de-duplicated, sorted, default added for sudo callers', async () => {
    const h = await setup({ policies: ['web', 'db'] })
    const { resp } = await createToken(h, { policies: [' Web ', 'WEB', 'db'] })
    expect(resp.auth?.policies).toEqual(['db', 'default', 'web'])
  })

  it('root in the list collapses it to root', async () => {
    const h = await setup()
    const { resp } = await createToken(h, { policies: ['web', 'root'] })
    expect(resp.auth?.policies).toEqual(['root'])
  })

  it('nonexistent policies only warn', async () => {
    const h = await setup({ policies: ['web'] })
    const { resp } = await createToken(h, { policies: ['web', 'ghost', 'zz'] })
    expect(resp.warnings).toEqual(['Policy "ghost" does not exist', 'Policy "zz" does not exist'])
  })

  it('no_default_policy leaves default out', async () => {
    const h = await setup({ policies: ['web'] })
    const { resp } = await createToken(h, { policies: ['web'], no_default_policy: true })
    expect(resp.auth?.policies).toEqual(['web'])
  })

  it('non-sudo callers: subset of the parent’s, default only if the parent has it', async () => {
    const h = await setup({ policies: ['web', 'db'] })
    const parent = (await createToken(h, { policies: ['web', 'db'] })).id
    const asParent = { token: parent, sudo: false }

    const inherit = await createToken(h, {}, asParent)
    expect(inherit.resp.auth?.policies).toEqual(['db', 'default', 'web'])
    const subset = await createToken(h, { policies: ['web'] }, asParent)
    expect(subset.resp.auth?.policies).toEqual(['default', 'web'])
    // `default` does not count in the subset check.
    const withDefault = await createToken(h, { policies: ['default', 'db'] }, asParent)
    expect(withDefault.resp.auth?.policies).toEqual(['db', 'default'])

    const err = await rejection(() => createToken(h, { policies: ['web', 'admin'] }, asParent))
    expect(err).toMatchObject({ statusCode: 400, errors: ['child policies must be subset of parent'] })

    const noDefaultParent = (await createToken(h, { policies: ['web'], no_default_policy: true })).id
    const child = await createToken(h, { policies: ['web'] }, { token: noDefaultParent, sudo: false })
    expect(child.resp.auth?.policies).toEqual(['web'])
  })

  it('a sudo caller is not limited to its own policies', async () => {
    const h = await setup({ policies: ['web', 'admin'] })
    const parent = (await createToken(h, { policies: ['web'] })).id
    const { resp } = await createToken(h, { policies: ['admin'] }, { token: parent, sudo: true })
    expect(resp.auth?.policies).toEqual(['admin', 'default'])
  })

  it('root tokens only from a root parent, never as batch', async () => {
    const h = await setup({ policies: ['web'] })
    const parent = (await createToken(h, { policies: ['web'] })).id
    expect(
      await rejection(() => createToken(h, { policies: ['root'] }, { token: parent, sudo: true })),
    ).toMatchObject({
      statusCode: 400,
      errors: ['root tokens may not be created without parent token being root'],
    })
    expect((await rejection(() => createToken(h, { policies: ['root'], type: 'batch' }))).errors).toEqual([
      'batch tokens cannot be root tokens',
    ])
  })

  it('response-wrapping and control-group cannot be assigned', async () => {
    const h = await setup()
    for (const p of ['response-wrapping', 'control-group']) {
      expect((await rejection(() => createToken(h, { policies: [p] }))).errors).toEqual([
        `cannot assign policy "${p}"`,
      ])
    }
  })
})

describe('create: parent, orphans, sudo-only parameters', () => {
  it('create-orphan needs no sudo; no_parent does', async () => {
    const h = await setup({ policies: ['web'] })
    const parent = (await createToken(h, { policies: ['web'] })).id
    const orphan = await createToken(h, {}, { token: parent, sudo: false, path: 'create-orphan' })
    expect(formatAuth(orphan.resp.auth ?? {}).orphan).toBe(true)
    expect(await h.tokens.lookup(orphan.id)).toMatchObject({ parent: '', path: 'auth/token/create-orphan' })

    expect(
      await rejection(() => createToken(h, { no_parent: true }, { token: parent, sudo: false })),
    ).toMatchObject({
      statusCode: 400,
      errors: ['root or sudo privileges required to create orphan token'],
    })
    const sudoOrphan = await createToken(h, { no_parent: true, policies: ['web'] })
    expect(formatAuth(sudoOrphan.resp.auth ?? {}).orphan).toBe(true)
  })

  it('custom IDs need sudo and come with Vault’s warning', async () => {
    const h = await setup({ policies: ['web'] })
    const parent = (await createToken(h, { policies: ['web'] })).id
    expect(
      (await rejection(() => createToken(h, { id: 'mine' }, { token: parent, sudo: false }))).errors,
    ).toEqual(['root or sudo privileges required to specify token id'])
    const { id, resp } = await createToken(h, { id: 'mine', policies: ['web'] })
    expect(id).toBe('mine')
    expect(resp.warnings).toEqual([
      'Supplying a custom ID for the token uses the weaker SHA1 hashing instead of the more secure SHA2-256 HMAC for token obfuscation. SHA1 hashed tokens on the wire leads to less secure lookups.',
    ])
    expect((await rejection(() => createToken(h, { id: 'mine', policies: ['web'] }))).errors).toEqual([
      'cannot create a token with a duplicate ID',
    ])
    expect((await rejection(() => createToken(h, { id: 'hvs.x' }))).errors).toEqual([
      "custom token ID cannot have the 'hvs.' prefix",
    ])
  })

  it('periodic tokens need sudo', async () => {
    const h = await setup({ policies: ['web'] })
    const parent = (await createToken(h, { policies: ['web'] })).id
    expect(
      (await rejection(() => createToken(h, { period: '1h' }, { token: parent, sudo: false }))).errors,
    ).toEqual(['root or sudo privileges required to create periodic token'])
    const { id, resp } = await createToken(h, { period: '1h', policies: ['web'] })
    expect(resp.auth?.ttl).toBe(HOUR)
    expect(await h.tokens.lookup(id)).toMatchObject({ period: HOUR, ttl: HOUR })
  })

  it('parents that cannot create: unknown, batch, limited uses', async () => {
    const h = await setup({ policies: ['web'] })
    expect((await rejection(() => createToken(h, {}, { token: 'nobody' }))).errors).toEqual([
      'parent token lookup failed: no parent found',
    ])
    const batch = (await createToken(h, { policies: ['web'], type: 'batch' })).id
    expect((await rejection(() => createToken(h, {}, { token: batch }))).errors).toEqual([
      'batch tokens cannot create more tokens',
    ])
    const limited = (await createToken(h, { policies: ['web'], num_uses: 3 })).id
    expect((await rejection(() => createToken(h, {}, { token: limited }))).errors).toEqual([
      'restricted use token cannot generate child tokens',
    ])
  })

  it('children inherit the parent’s entity and bound CIDRs', async () => {
    const h = await setup({ policies: ['web'] })
    const parent = (await createToken(h, { policies: ['web'] })).id
    await h.tokens.store({ ...(await h.tokens.lookup(parent))!, bound_cidrs: ['10.0.0.0/8'] })
    const kid = await createToken(h, { policies: ['web'] }, { token: parent })
    expect((await h.tokens.lookup(kid.id))?.bound_cidrs).toEqual(['10.0.0.0/8'])
    const orphan = await createToken(h, { policies: ['web'] }, { token: parent, path: 'create-orphan' })
    expect((await h.tokens.lookup(orphan.id))?.bound_cidrs).toEqual([])
  })
})

describe('create: parameters', () => {
  it('display_name becomes token-<name>, sanitized', async () => {
    const h = await setup()
    const { id, resp } = await createToken(h, { display_name: 'My App!', policies: ['web'] })
    expect(resp.auth?.displayName).toBe('token-My-App')
    expect((await h.tokens.lookup(id))?.display_name).toBe('token-My-App')
  })

  it('meta accepts a map or k=v pairs', async () => {
    const h = await setup()
    const a = await createToken(h, { meta: { a: '1' }, policies: ['web'] })
    expect(a.resp.auth?.metadata).toEqual({ a: '1' })
    const b = await createToken(h, { meta: ['a=1', 'b=2'], policies: ['web'] })
    expect(b.resp.auth?.metadata).toEqual({ a: '1', b: '2' })
  })

  it('num_uses: counted, never negative', async () => {
    const h = await setup()
    const { resp } = await createToken(h, { num_uses: 5, policies: ['web'] })
    expect(resp.auth?.numUses).toBe(5)
    expect((await rejection(() => createToken(h, { num_uses: -1 }))).errors).toEqual([
      'number of uses cannot be negative',
    ])
  })

  it('type: service, batch, or an error', async () => {
    const h = await setup()
    const b = await createToken(h, { type: 'batch', policies: ['web'] })
    expect(b.id.startsWith('hvb.')).toBe(true)
    expect(formatAuth(b.resp.auth ?? {})).toMatchObject({
      accessor: '',
      token_type: 'batch',
      renewable: false,
      lease_duration: DEFAULT_TTL,
    })
    expect((await rejection(() => createToken(h, { type: 'weird' }))).errors).toEqual([
      "invalid 'token_type' value",
    ])
    for (const [field, value] of [
      ['num_uses', 3],
      ['period', '1h'],
      ['explicit_max_ttl', '1h'],
    ] as const) {
      expect((await rejection(() => createToken(h, { type: 'batch', [field]: value }))).errors).toEqual([
        `batch tokens cannot have "${field}" set`,
      ])
    }
    expect((await rejection(() => createToken(h, { type: 'batch', period: 'x' }))).errors).toEqual([
      '"period" value could not be parsed',
    ])
  })

  it('bad durations: Vault’s parse error, or must be positive', async () => {
    const h = await setup()
    expect((await rejection(() => createToken(h, { ttl: 'abc' }))).errors).toEqual([
      'time: invalid duration "abc"',
    ])
    expect((await rejection(() => createToken(h, { ttl: '-1h' }))).errors).toEqual(['ttl must be positive'])
    expect((await rejection(() => createToken(h, { lease: '-1h' }))).errors).toEqual([
      'lease must be positive',
    ])
    expect((await rejection(() => createToken(h, { period: '-1h' }))).errors).toEqual([
      'period must be positive',
    ])
    expect((await rejection(() => createToken(h, { explicit_max_ttl: '-1h' }))).errors).toEqual([
      'explicit_max_ttl must be positive',
    ])
  })

  it('entity_alias needs a role', async () => {
    const h = await setup()
    expect((await rejection(() => createToken(h, { entity_alias: 'bob' }))).errors).toEqual([
      "'entity_alias' is only allowed in combination with token role",
    ])
  })

  it('unknown parameters are ignored with Vault’s warning', async () => {
    const h = await setup()
    const { resp } = await createToken(h, { policies: ['web'], colour: 'blue' })
    expect(resp.warnings).toContain('Endpoint ignored these unrecognized parameters: [colour]')
  })
})

describe('create: TTLs', () => {
  it('no ttl: the mount default; the deprecated lease works too', async () => {
    const h = await setup({ defaultTtl: 2 * HOUR })
    expect((await createToken(h, { policies: ['web'] })).resp.auth?.ttl).toBe(2 * HOUR)
    expect((await createToken(h, { policies: ['web'], lease: '30m' })).resp.auth?.ttl).toBe(1800)
    expect((await createToken(h, { policies: ['web'], ttl: 90 })).resp.auth?.ttl).toBe(90)
  })

  it('capped by the mount max, with Vault’s warning', async () => {
    const h = await setup()
    const { resp } = await createToken(h, { policies: ['web'], ttl: '1000h' })
    expect(resp.auth?.ttl).toBe(DEFAULT_TTL)
    expect(resp.warnings).toContain(
      'TTL of "1000h" exceeded the effective max_ttl of "768h"; TTL value is capped accordingly',
    )
  })

  it('capped by the explicit max TTL', async () => {
    const h = await setup()
    const { id, resp } = await createToken(h, { policies: ['web'], ttl: '2h', explicit_max_ttl: '1h' })
    expect(resp.auth?.ttl).toBe(HOUR)
    expect(resp.warnings).toContain(
      'TTL of "2h" exceeded the effective max_ttl of "1h"; TTL value is capped accordingly',
    )
    expect(await h.tokens.lookup(id)).toMatchObject({ explicit_max_ttl: HOUR, ttl: HOUR })
  })

  it('a period larger than the max is capped, with Vault’s warning', async () => {
    const h = await setup({ maxTtl: 10 * HOUR })
    const { resp } = await createToken(h, { policies: ['web'], period: '24h' })
    expect(resp.auth?.ttl).toBe(10 * HOUR)
    expect(resp.warnings).toContain(
      'period of "24h" exceeded the effective max_ttl of "10h"; period value is capped accordingly',
    )
  })

  it('root tokens: non-expiring unless an explicit max is set; an expiring root cannot make a non-expiring one', async () => {
    const h = await setup()
    const bounded = await createToken(h, { explicit_max_ttl: '1h' })
    expect(bounded.resp.auth).toMatchObject({ policies: ['root'], ttl: HOUR, renewable: true })
    const err = await rejection(() => createToken(h, {}, { token: bounded.id }))
    expect(err.errors).toEqual(['expiring root tokens cannot create non-expiring root tokens'])
    const expiring = await createToken(h, { ttl: '1h' }, { token: bounded.id })
    expect(expiring.resp.auth?.ttl).toBe(HOUR)
  })

  it('the token expires with its TTL', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], ttl: '1h' })
    await h.clock.advance('59m')
    expect(await h.tokens.lookup(id)).not.toBeNull()
    await h.clock.advance('1m')
    expect(await h.tokens.lookup(id)).toBeNull()
  })
})

describe('create: routing', () => {
  it('only update: read is refused with 405', async () => {
    const h = await setup()
    const err = await rejection(() => call(h, 'read', 'create'))
    expect(err.statusCode).toBe(405)
  })
})
