// AppRole roles (api-docs/auth/approle "Create/Update AppRole", "Read AppRole", "List Roles",
// "Delete AppRole"; Vault's approle path_role.go pathRoleCreateUpdate / pathRoleRead / setRoleEntry;
// sdk/helper/tokenutil ParseTokenFields).
import { describe, expect, it } from 'vitest'
import { type AuthHarness, authVault, rejection } from '../auth/helpers.js'

async function approle(): Promise<AuthHarness> {
  const h = await authVault()
  await h.call('POST', 'sys/auth/approle', { type: 'approle' })
  return h
}

const DEFAULT_READ = {
  bind_secret_id: true,
  local_secret_ids: false,
  secret_id_bound_cidrs: null,
  secret_id_num_uses: 0,
  secret_id_ttl: 0,
  token_bound_cidrs: [],
  token_explicit_max_ttl: 0,
  token_max_ttl: 0,
  token_no_default_policy: false,
  token_num_uses: 0,
  token_period: 0,
  token_policies: [],
  token_ttl: 0,
  token_type: 'default',
}

describe('approle roles', () => {
  it('create with defaults; read shows every field, keys sorted, never the HMAC key', async () => {
    const h = await approle()
    expect(
      (await h.vault.handle({ method: 'POST', path: 'auth/approle/role/web', data: {}, token: 'root' }))
        .status,
    ).toBe(204)
    const read = await h.call('GET', 'auth/approle/role/web')
    expect(read.data).toEqual(DEFAULT_READ)
    expect(Object.keys(read.data ?? {})).toEqual(Object.keys(DEFAULT_READ).sort())
    expect(JSON.stringify(read)).not.toContain('hmac')
  })

  it('create with every field; update changes only what it names', async () => {
    const h = await approle()
    await h.call('POST', 'auth/approle/role/web', {
      bind_secret_id: true,
      secret_id_bound_cidrs: '10.0.0.0/8,192.168.0.0/16',
      secret_id_num_uses: 10,
      secret_id_ttl: '10m',
      token_policies: ['web', 'db'],
      token_ttl: '1h',
      token_max_ttl: '4h',
      token_period: 0,
      token_num_uses: 5,
      token_type: 'service',
      token_bound_cidrs: ['10.1.0.0/16', '127.0.0.1/32'],
      token_no_default_policy: true,
      token_explicit_max_ttl: '8h',
    })
    const read = await h.call('GET', 'auth/approle/role/web')
    expect(read.data).toEqual({
      ...DEFAULT_READ,
      secret_id_bound_cidrs: ['10.0.0.0/8', '192.168.0.0/16'],
      secret_id_num_uses: 10,
      secret_id_ttl: 600,
      token_policies: ['web', 'db'],
      token_ttl: 3600,
      token_max_ttl: 14400,
      token_num_uses: 5,
      token_type: 'service',
      token_bound_cidrs: ['10.1.0.0/16', '127.0.0.1'],
      token_no_default_policy: true,
      token_explicit_max_ttl: 28800,
    })
    await h.call('POST', 'auth/approle/role/web', { token_ttl: '30m' })
    expect((await h.call('GET', 'auth/approle/role/web')).data).toMatchObject({
      token_ttl: 1800,
      secret_id_num_uses: 10,
    })
  })

  it('names are case-insensitive (stored lower-case), LIST shows them, DELETE removes', async () => {
    const h = await approle()
    await h.call('POST', 'auth/approle/role/Web', {})
    await h.call('POST', 'auth/approle/role/db', {})
    expect((await h.call('LIST', 'auth/approle/role')).data?.keys).toEqual(['db', 'web'])
    expect((await h.call('GET', 'auth/approle/role/WEB')).data?.bind_secret_id).toBe(true)
    const raw = await h.vault.handle({ method: 'DELETE', path: 'auth/approle/role/WEB', token: 'root' })
    expect(raw.status).toBe(204)
    expect((await h.call('LIST', 'auth/approle/role')).data?.keys).toEqual(['db'])
    expect((await rejection(h.call('GET', 'auth/approle/role/web'))).statusCode).toBe(404)
    // Deleting a role that does not exist: 204.
    expect(
      (await h.vault.handle({ method: 'DELETE', path: 'auth/approle/role/none', token: 'root' })).status,
    ).toBe(204)
  })

  it('custom role_id; a role_id belongs to one role; changing it frees the old one', async () => {
    const h = await approle()
    await h.call('POST', 'auth/approle/role/a', { role_id: 'my-role-id' })
    expect((await h.call('GET', 'auth/approle/role/a/role-id')).data).toEqual({ role_id: 'my-role-id' })
    const clash = await rejection(h.call('POST', 'auth/approle/role/b', { role_id: 'my-role-id' }))
    expect([clash.statusCode, clash.errors]).toEqual([500, ['role_id already in use']])
    await h.call('POST', 'auth/approle/role/a', { role_id: 'other-id' })
    await h.call('POST', 'auth/approle/role/b', { role_id: 'my-role-id' })
    expect((await h.call('GET', 'auth/approle/role/b/role-id')).data).toEqual({ role_id: 'my-role-id' })
    const empty = await rejection(h.call('POST', 'auth/approle/role/c', { role_id: '' }))
    expect([empty.statusCode, empty.errors]).toEqual([
      400,
      ['invalid role_id supplied, or failed to generate a role_id'],
    ])
    // A generated role ID is a UUID.
    await h.call('POST', 'auth/approle/role/d', {})
    expect((await h.call('GET', 'auth/approle/role/d/role-id')).data?.role_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    )
  })

  it('at least one constraint: bind_secret_id, secret_id_bound_cidrs or token_bound_cidrs', async () => {
    const h = await approle()
    const err = await rejection(h.call('POST', 'auth/approle/role/open', { bind_secret_id: false }))
    expect([err.statusCode, err.errors]).toEqual([
      500,
      ['at least one constraint should be enabled on the role'],
    ])
    await h.call('POST', 'auth/approle/role/cidr', {
      bind_secret_id: false,
      secret_id_bound_cidrs: '10.0.0.0/8',
    })
    await h.call('POST', 'auth/approle/role/tok', { bind_secret_id: false, token_bound_cidrs: '10.0.0.1' })
    expect((await h.call('LIST', 'auth/approle/role')).data?.keys).toEqual(['cidr', 'tok'])
    // With a warning already on the response, Vault's status mapping makes the same refusal a 400.
    const warned = await rejection(
      h.call('POST', 'auth/approle/role/open', { bind_secret_id: false, token_type: 'default-service' }),
    )
    expect([warned.statusCode, warned.errors]).toEqual([
      400,
      ['at least one constraint should be enabled on the role'],
    ])
  })

  it('validation errors, in Vault’s words', async () => {
    const h = await approle()
    const cases: [Record<string, unknown>, number, string][] = [
      [{ secret_id_num_uses: -1 }, 400, 'secret_id_num_uses cannot be negative'],
      [{ token_num_uses: -1 }, 400, "'token_num_uses' cannot be negative"],
      [{ token_ttl: '2h', token_max_ttl: '1h' }, 400, "'token_ttl' cannot be greater than 'token_max_ttl'"],
      [{ token_type: 'odd' }, 400, 'invalid \'token_type\' value "odd"'],
      [
        { token_type: 'batch', token_period: 60 },
        400,
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens",
      ],
      [
        { token_type: 'batch', token_num_uses: 3 },
        400,
        "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
      ],
      [
        { token_bound_cidrs: 'bogus' },
        400,
        'error parsing address "bogus": Unable to convert "bogus" to an IPv4 or IPv6 address, or a UNIX Socket',
      ],
      [
        { secret_id_bound_cidrs: '10.0.0.1' },
        500,
        'failed to validate CIDR blocks: invalid CIDR address: 10.0.0.1',
      ],
      [
        { period: '800h' },
        400,
        'period of "800h0m0s" is greater than the backend\'s maximum lease TTL of "768h0m0s"',
      ],
    ]
    for (const [data, status, message] of cases) {
      const err = await rejection(h.call('POST', 'auth/approle/role/bad', data))
      expect([err.statusCode, err.errors], JSON.stringify(data)).toEqual([status, [message]])
    }
    const long = await rejection(h.call('POST', `auth/approle/role/${'a'.repeat(4097)}`, {}))
    expect([long.statusCode, long.errors]).toEqual([400, ['role_name is longer than maximum of 4096 bytes']])
    expect((await rejection(h.call('LIST', 'auth/approle/role'))).statusCode).toBe(404)
  })

  it('warnings: default-service / default-batch adjusted; token_max_ttl above the mount max', async () => {
    const h = await approle()
    const svc = await h.call('POST', 'auth/approle/role/a', { token_type: 'default-service' })
    expect(svc.warnings).toEqual(['default-service has no useful meaning; adjusting to service'])
    expect((await h.call('GET', 'auth/approle/role/a')).data?.token_type).toBe('service')
    const batch = await h.call('POST', 'auth/approle/role/b', { token_type: 'default-batch' })
    expect(batch.warnings).toEqual(['default-batch has no useful meaning; adjusting to batch'])
    const max = await h.call('POST', 'auth/approle/role/c', { token_max_ttl: '1000h' })
    expect(max.warnings).toEqual([
      "token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
    ])
  })

  it('local_secret_ids only at creation', async () => {
    const h = await approle()
    await h.call('POST', 'auth/approle/role/loc', { local_secret_ids: true })
    expect((await h.call('GET', 'auth/approle/role/loc')).data?.local_secret_ids).toBe(true)
    const err = await rejection(h.call('POST', 'auth/approle/role/loc', { local_secret_ids: false }))
    expect([err.statusCode, err.errors]).toEqual([
      400,
      ['local_secret_ids can only be modified during role creation'],
    ])
    // Local roles' secret IDs work like any others.
    const roleId = (await h.call('GET', 'auth/approle/role/loc/role-id')).data?.role_id as string
    const secretId = (await h.call('POST', 'auth/approle/role/loc/secret-id')).data?.secret_id as string
    expect((await h.vault.login.appRole({ roleId, secretId })).token).toMatch(/^hvs\./)
  })

  it('legacy fields: policies and period feed the token fields; read shows both', async () => {
    const h = await approle()
    await h.call('POST', 'auth/approle/role/old', {
      policies: 'B,a',
      period: '1h',
      bound_cidr_list: '10.0.0.0/8',
    })
    expect((await h.call('GET', 'auth/approle/role/old')).data).toMatchObject({
      policies: ['a', 'b'],
      token_policies: ['a', 'b'],
      period: 3600,
      token_period: 3600,
      secret_id_bound_cidrs: ['10.0.0.0/8'],
    })
    // token_* given too: only the token_* value counts; the legacy one mirrors it.
    await h.call('POST', 'auth/approle/role/both', { policies: 'x', token_policies: 'y' })
    expect((await h.call('GET', 'auth/approle/role/both')).data).toMatchObject({
      policies: ['y'],
      token_policies: ['y'],
    })
    // Setting token_* alone clears the legacy value.
    await h.call('POST', 'auth/approle/role/old', { token_period: 60 })
    const read = (await h.call('GET', 'auth/approle/role/old')).data ?? {}
    expect(read.token_period).toBe(60)
    expect(read.period).toBeUndefined()
  })

  it('deleting a role removes its secret IDs and role ID: logins with them fail', async () => {
    const h = await approle()
    await h.call('POST', 'auth/approle/role/web', {})
    const roleId = (await h.call('GET', 'auth/approle/role/web/role-id')).data?.role_id as string
    const secretId = (await h.call('POST', 'auth/approle/role/web/secret-id')).data?.secret_id as string
    await h.call('DELETE', 'auth/approle/role/web')
    await h.call('POST', 'auth/approle/role/web', { role_id: roleId })
    // Same name and role ID again: the old secret ID is gone (and the new role has a new HMAC key).
    expect((await rejection(h.vault.login.appRole({ roleId, secretId }))).errors).toEqual([
      'invalid role or secret ID',
    ])
  })
})
