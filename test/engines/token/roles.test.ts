// auth/token/roles and create/:role_name: Vault's tokenStoreRoleCreateUpdate / tokenStoreRoleRead and
// the role branch of handleCreateCommon (allowed/disallowed policies with globs, orphan, renewable,
// period, explicit max TTL, token_type, path_suffix, bound CIDRs, legacy aliases).
import { describe, expect, it } from 'vitest'
import { formatAuth } from '../../../src/engines/token/index.js'
import { call, createToken, HOUR, rejection, setup } from './helpers.js'

const DEFAULT_ROLE = {
  allowed_entity_aliases: null,
  allowed_policies: [],
  allowed_policies_glob: [],
  disallowed_policies: [],
  disallowed_policies_glob: [],
  explicit_max_ttl: 0,
  name: 'web',
  orphan: false,
  path_suffix: '',
  period: 0,
  renewable: true,
  token_explicit_max_ttl: 0,
  token_no_default_policy: false,
  token_period: 0,
  token_type: 'default-service',
}

describe('roles: CRUD', () => {
  it('create with defaults, read back with Vault’s keys (sorted), list, delete', async () => {
    const h = await setup()
    expect(await call(h, 'update', 'roles/web')).toBeNull()
    const read = await call(h, 'read', 'roles/web')
    expect(read?.data).toEqual(DEFAULT_ROLE)
    expect(Object.keys(read?.data ?? {})).toEqual(Object.keys(DEFAULT_ROLE))
    await call(h, 'update', 'roles/db')
    expect((await call(h, 'list', 'roles'))?.data).toEqual({ keys: ['db', 'web'] })
    expect(await call(h, 'delete', 'roles/web')).toBeNull()
    expect(await call(h, 'read', 'roles/web')).toBeNull()
    expect((await call(h, 'list', 'roles'))?.data).toEqual({ keys: ['db'] })
  })

  it('every field round-trips; lists are sanitized', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/web', {
      allowed_policies: 'Web, db,web',
      disallowed_policies: ['Admin', 'admin'],
      allowed_policies_glob: 'dev-*',
      disallowed_policies_glob: '*-root',
      orphan: true,
      renewable: false,
      path_suffix: 'v02',
      token_period: '2h',
      token_explicit_max_ttl: '10h',
      token_type: 'service',
      token_bound_cidrs: '10.0.0.0/8,127.0.0.1/32',
      token_no_default_policy: true,
      token_num_uses: 3,
      allowed_entity_aliases: 'Bob,*-svc',
    })
    expect((await call(h, 'read', 'roles/web'))?.data).toEqual({
      allowed_entity_aliases: ['*-svc', 'bob'],
      allowed_policies: ['db', 'web'],
      allowed_policies_glob: ['dev-*'],
      disallowed_policies: ['admin'],
      disallowed_policies_glob: ['*-root'],
      explicit_max_ttl: 0,
      name: 'web',
      orphan: true,
      path_suffix: 'v02',
      period: 0,
      renewable: false,
      token_bound_cidrs: ['10.0.0.0/8', '127.0.0.1'],
      token_explicit_max_ttl: 10 * HOUR,
      token_no_default_policy: true,
      token_num_uses: 3,
      token_period: 2 * HOUR,
      token_type: 'service',
    })
  })

  it('update changes only what is sent', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/web', { allowed_policies: 'web', renewable: false })
    await call(h, 'update', 'roles/web', { orphan: true })
    expect((await call(h, 'read', 'roles/web'))?.data).toMatchObject({
      allowed_policies: ['web'],
      renewable: false,
      orphan: true,
    })
  })

  it('legacy aliases: period, explicit_max_ttl, bound_cidrs fill the token_* fields; both → warning', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/old', { period: '1h', explicit_max_ttl: '5h', bound_cidrs: '10.0.0.1' })
    expect((await call(h, 'read', 'roles/old'))?.data).toMatchObject({
      period: HOUR,
      token_period: HOUR,
      explicit_max_ttl: 5 * HOUR,
      token_explicit_max_ttl: 5 * HOUR,
      bound_cidrs: ['10.0.0.1'],
      token_bound_cidrs: ['10.0.0.1'],
    })
    const resp = await call(h, 'update', 'roles/old', {
      period: '1h',
      token_period: '2h',
      explicit_max_ttl: '1h',
      token_explicit_max_ttl: '3h',
      bound_cidrs: '10.0.0.1',
      token_bound_cidrs: '10.0.0.2',
    })
    expect(resp?.warnings).toEqual([
      "Both 'token_period' and deprecated 'period' value supplied, ignoring the deprecated value",
      "Both 'token_bound_cidrs' and deprecated 'bound_cidrs' value supplied, ignoring the deprecated value",
      "Both 'token_explicit_max_ttl' and deprecated 'explicit_max_ttl' value supplied, ignoring the deprecated value",
    ])
    const data = (await call(h, 'read', 'roles/old'))?.data
    expect(data).toMatchObject({
      period: 0,
      token_period: 2 * HOUR,
      explicit_max_ttl: 0,
      token_explicit_max_ttl: 3 * HOUR,
    })
    expect(data?.bound_cidrs).toBeUndefined()
  })

  it('explicit max above the mount max: a warning', async () => {
    const h = await setup({ maxTtl: HOUR })
    const resp = await call(h, 'update', 'roles/big', { token_explicit_max_ttl: '2h' })
    expect(resp?.warnings).toEqual([
      'Given explicit max TTL of 7200 is greater than system/mount allowed value of 3600 seconds; until this is fixed attempting to create tokens against this role will result in an error',
    ])
  })

  it('validation errors, worded as Vault', async () => {
    const h = await setup()
    const write = (data: Record<string, unknown>) => rejection(() => call(h, 'update', 'roles/bad', data))
    expect((await write({ token_type: 'odd' })).errors).toEqual(['invalid \'token_type\' value "odd"'])
    expect((await write({ token_type: null })).errors).toEqual(["Invalid 'token_type' value: null"])
    expect((await write({ path_suffix: '!!' })).errors).toEqual([
      'given role path suffix contains invalid characters; must match \\w[\\w-.]+\\w',
    ])
    // Vault's pattern needs three characters at least, and is not anchored.
    expect((await write({ path_suffix: 'v1' })).errors).toEqual([
      'given role path suffix contains invalid characters; must match \\w[\\w-.]+\\w',
    ])
    expect((await write({ path_suffix: 'a..b' })).errors).toEqual([
      'error registering path suffix: path cannot contain parent references',
    ])
    expect((await write({ token_bound_cidrs: 'nonsense' })).errors).toEqual([
      'error parsing role fields: error parsing address "nonsense": Unable to convert "nonsense" to an IPv4 or IPv6 address, or a UNIX Socket',
    ])
    expect((await write({ bound_cidrs: 'nonsense' })).errors).toEqual([
      'error parsing bound_cidrs: error parsing address "nonsense": Unable to convert "nonsense" to an IPv4 or IPv6 address, or a UNIX Socket',
    ])
    expect((await write({ token_num_uses: -1 })).errors).toEqual([
      "error parsing role fields: 'token_num_uses' cannot be negative",
    ])
    expect((await write({ token_type: 'batch' })).errors).toEqual([
      "'token_type' cannot be 'batch' when role is set to generate non-orphan tokens",
    ])
    expect((await write({ token_type: 'batch', orphan: true })).errors).toEqual([
      "'token_type' cannot be 'batch' when role is set to generate renewable tokens",
    ])
    expect(
      (await write({ token_type: 'batch', orphan: true, renewable: false, token_period: 60 })).errors,
    ).toEqual(["'token_type' cannot be 'batch' when role is set to generate periodic tokens"])
    expect(
      (await write({ token_type: 'batch', orphan: true, renewable: false, token_explicit_max_ttl: 60 }))
        .errors,
    ).toEqual(["'token_type' cannot be 'batch' when role is set to generate tokens with an explicit max TTL"])
    // An existing default-batch role cannot become periodic.
    await call(h, 'update', 'roles/db', { token_type: 'default-batch' })
    expect((await rejection(() => call(h, 'update', 'roles/db', { token_period: 60 }))).errors).toEqual([
      "error parsing role fields: 'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
    ])
  })
})

describe('create/:role_name', () => {
  it('unknown role: 400', async () => {
    const h = await setup()
    expect((await rejection(() => createToken(h, {}, { path: 'create/nope' }))).errors).toEqual([
      'unknown role nope',
    ])
  })

  it('allowed policies: default set when none asked; requests must fit the list or its globs', async () => {
    const h = await setup({ policies: ['web', 'db', 'dev-a'] })
    await call(h, 'update', 'roles/web', { allowed_policies: 'web,db', allowed_policies_glob: 'dev-*' })
    // A non-sudo caller with no policies at all can still get the role's.
    const caller = (await createToken(h, { policies: ['nothing'] })).id
    const asCaller = { token: caller, sudo: false, path: 'create/web' }
    const all = await createToken(h, {}, asCaller)
    expect(all.resp.auth?.policies).toEqual(['db', 'default', 'web'])
    expect(await h.tokens.lookup(all.id)).toMatchObject({
      role: 'web',
      path: 'auth/token/create/web',
      parent: caller,
    })
    const globbed = await createToken(h, { policies: ['dev-a', 'web'] }, asCaller)
    expect(globbed.resp.auth?.policies).toEqual(['default', 'dev-a', 'web'])
    const err = await rejection(() => createToken(h, { policies: ['web', 'admin'] }, asCaller))
    expect(err.errors).toEqual([
      'token policies (["admin" "default" "web"]) must be subset of the role\'s allowed policies (["db" "default" "web"]) or glob policies (["dev-*"])',
    ])
  })

  it('disallowed policies (and globs) are refused; default is not added when disallowed', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/ro', {
      disallowed_policies: 'admin',
      disallowed_policies_glob: '*-root,default',
    })
    const caller = (await createToken(h, { policies: ['web', 'admin', 'db-root'] })).id
    const as = { token: caller, sudo: false, path: 'create/ro' }
    expect((await rejection(() => createToken(h, { policies: ['admin'] }, as))).errors).toEqual([
      'token policy "admin" is disallowed by this role',
    ])
    expect((await rejection(() => createToken(h, { policies: ['db-root'] }, as))).errors).toEqual([
      'token policy "db-root" is disallowed by this role',
    ])
    const ok = await createToken(h, { policies: ['web'] }, as)
    expect(ok.resp.auth?.policies).toEqual(['web'])
    // Nothing requested, no allowed list: the parent's — which includes a disallowed one.
    expect((await rejection(() => createToken(h, {}, as))).errors).toEqual([
      'token policy "admin" is disallowed by this role',
    ])
  })

  it('orphan roles make orphans without sudo; path_suffix lands in the path', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/o', { orphan: true, path_suffix: 'rev1', allowed_policies: 'web' })
    const caller = (await createToken(h, { policies: ['x'] })).id
    const { id, resp } = await createToken(h, {}, { token: caller, sudo: false, path: 'create/o' })
    expect(formatAuth(resp.auth ?? {}).orphan).toBe(true)
    expect(await h.tokens.lookup(id)).toMatchObject({ parent: '', path: 'auth/token/create/o/rev1' })
  })

  it('renewable:false on the role wins; num uses: the lower non-zero', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/r', { renewable: false, token_num_uses: 5 })
    const a = await createToken(h, { policies: ['web'], renewable: true }, { path: 'create/r' })
    expect(a.resp.auth).toMatchObject({ renewable: false, numUses: 5 })
    const b = await createToken(h, { policies: ['web'], num_uses: 2 }, { path: 'create/r' })
    expect(b.resp.auth?.numUses).toBe(2)
    const c = await createToken(h, { policies: ['web'], num_uses: 9 }, { path: 'create/r' })
    expect(c.resp.auth?.numUses).toBe(5)
  })

  it('period and explicit max: the role’s, or the lesser of role and request with a warning', async () => {
    const h = await setup({ policies: ['web'] })
    await call(h, 'update', 'roles/p', { token_period: '2h', token_explicit_max_ttl: '10h' })
    const a = await createToken(h, { policies: ['web'] }, { path: 'create/p' })
    expect(a.resp.auth).toMatchObject({ ttl: 2 * HOUR, period: 2 * HOUR, explicitMaxTtl: 10 * HOUR })
    expect(a.resp.warnings).toBeUndefined()
    const b = await createToken(
      h,
      { policies: ['web'], period: '1h', explicit_max_ttl: '20h' },
      { path: 'create/p' },
    )
    expect(b.resp.auth).toMatchObject({ ttl: HOUR, period: HOUR, explicitMaxTtl: 10 * HOUR })
    expect(b.resp.warnings).toEqual([
      'Explicit max TTL specified both during creation call and in role; using the lesser value of 36000 seconds',
      'Period specified both during creation call and in role; using the lesser value of 3600 seconds',
    ])
  })

  it('token_type: batch roles force batch; default-batch lets the request choose', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/b', { token_type: 'batch', orphan: true, renewable: false })
    const forced = await createToken(h, { policies: ['web'], type: 'service' }, { path: 'create/b' })
    expect(forced.id.startsWith('hvb.')).toBe(true)
    await call(h, 'update', 'roles/db', { token_type: 'default-batch' })
    expect((await createToken(h, { policies: ['web'] }, { path: 'create/db' })).id.startsWith('hvb.')).toBe(
      true,
    )
    expect(
      (await createToken(h, { policies: ['web'], type: 'service' }, { path: 'create/db' })).id.startsWith(
        'hvs.',
      ),
    ).toBe(true)
    await call(h, 'update', 'roles/s', { token_type: 'service' })
    expect(
      (await createToken(h, { policies: ['web'], type: 'batch' }, { path: 'create/s' })).id.startsWith(
        'hvs.',
      ),
    ).toBe(true)
  })

  it('bound CIDRs come from the role (not the parent)', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/net', { token_bound_cidrs: '192.168.0.0/16' })
    const { id } = await createToken(h, { policies: ['web'] }, { path: 'create/net' })
    expect((await h.tokens.lookup(id))?.bound_cidrs).toEqual(['192.168.0.0/16'])
  })

  it('entity aliases: must be allowed by the role (identity is not there yet)', async () => {
    const h = await setup()
    await call(h, 'update', 'roles/e', { allowed_entity_aliases: 'bob-*' })
    expect(
      (await rejection(() => createToken(h, { entity_alias: 'alice' }, { path: 'create/e' }))).errors,
    ).toEqual(["invalid 'entity_alias' value"])
    expect(
      (await rejection(() => createToken(h, { entity_alias: 'Bob-1' }, { path: 'create/e' }))).errors,
    ).toEqual(['failed to create or fetch entity from given entity alias'])
  })
})
