// AppRole secret IDs (api-docs/auth/approle: "Generate New Secret ID", "List Secret ID Accessors",
// "Read AppRole Secret ID", "Destroy AppRole Secret ID", "Read/Destroy AppRole Secret ID Accessor",
// "Create Custom AppRole Secret ID", "Tidy Tokens"; Vault's approle path_role.go
// handleRoleSecretIDCommon / pathRoleSecretID*, validation.go, path_tidy_user_id.go), and the accessor
// isolation of CVE-2023-24999.
import { describe, expect, it } from 'vitest'
import { type AuthHarness, authVault, rejection } from '../auth/helpers.js'

async function withRole(data: Record<string, unknown> = {}): Promise<AuthHarness> {
  const h = await authVault()
  await h.call('POST', 'sys/auth/approle', { type: 'approle' })
  await h.call('POST', 'auth/approle/role/web', data)
  return h
}

const base = 'auth/approle/role/web'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Generated {
  secret_id: string
  secret_id_accessor: string
  secret_id_ttl: number
  secret_id_num_uses: number
}

async function generate(
  h: AuthHarness,
  data: Record<string, unknown> = {},
  role = 'web',
): Promise<Generated> {
  return (await h.call<Generated>('POST', `auth/approle/role/${role}/secret-id`, data)).data as Generated
}

describe('approle secret IDs', () => {
  it('generate: a UUID secret ID and accessor, with the role’s TTL and uses', async () => {
    const h = await withRole({ secret_id_ttl: '10m', secret_id_num_uses: 5 })
    const g = await generate(h)
    expect(g.secret_id).toMatch(UUID)
    expect(g.secret_id_accessor).toMatch(UUID)
    expect(Object.keys(g)).toEqual(['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl'])
    expect(g).toMatchObject({ secret_id_ttl: 600, secret_id_num_uses: 5 })
  })

  it('generate: ttl / num_uses may lower the role’s, never raise them; a TTL above the mount max is capped', async () => {
    const h = await withRole({ secret_id_ttl: '10m', secret_id_num_uses: 5 })
    expect(await generate(h, { ttl: '5m', num_uses: 2 })).toMatchObject({
      secret_id_ttl: 300,
      secret_id_num_uses: 2,
    })
    const cases: [Record<string, unknown>, string][] = [
      [{ ttl: '20m' }, "ttl cannot be longer than the role's secret_id_ttl"],
      [{ ttl: 0 }, "ttl cannot be longer than the role's secret_id_ttl"],
      [{ num_uses: 6 }, "num_uses cannot be higher than the role's secret_id_num_uses"],
      [{ num_uses: 0 }, "num_uses cannot be higher than the role's secret_id_num_uses"],
      [{ num_uses: -1 }, 'num_uses cannot be negative'],
    ]
    for (const [data, message] of cases) {
      const err = await rejection(h.call('POST', `${base}/secret-id`, data))
      expect([err.statusCode, err.errors], JSON.stringify(data)).toEqual([400, [message]])
    }
    await h.call('POST', 'auth/approle/role/free', {})
    expect(await generate(h, { ttl: '1000h', num_uses: 9 }, 'free')).toMatchObject({
      secret_id_ttl: 2764800,
      secret_id_num_uses: 9,
    })
    expect(await generate(h, {}, 'free')).toMatchObject({ secret_id_ttl: 0, secret_id_num_uses: 0 })
  })

  it('generate: refused for a missing role (404) and for bind_secret_id=false roles', async () => {
    const h = await withRole()
    const missing = await rejection(h.call('POST', 'auth/approle/role/none/secret-id', {}))
    expect([missing.statusCode, missing.errors]).toEqual([404, ['role "none" does not exist']])
    await h.call('POST', 'auth/approle/role/nobind', {
      bind_secret_id: false,
      secret_id_bound_cidrs: '10.0.0.0/8',
    })
    const nobind = await rejection(h.call('POST', 'auth/approle/role/nobind/secret-id', {}))
    expect([nobind.statusCode, nobind.errors]).toEqual([400, ['bind_secret_id is not set on the role']])
  })

  it('generate: cidr_list and token_bound_cidrs must be CIDRs within the role’s', async () => {
    const h = await withRole({ secret_id_bound_cidrs: '10.0.0.0/8', token_bound_cidrs: '10.1.0.0/16' })
    await generate(h, { cidr_list: '10.2.0.0/16', token_bound_cidrs: '10.1.2.0/24' })
    const outside = await rejection(h.call('POST', `${base}/secret-id`, { cidr_list: '11.0.0.0/16' }))
    expect([outside.statusCode, outside.errors]).toEqual([
      500,
      [
        'failed to verify subset relationship between CIDR blocks on the role ["10.0.0.0/8"] and CIDR blocks on the secret ID ["11.0.0.0/16"]: %!w(<nil>)',
      ],
    ])
    const tokenOutside = await rejection(
      h.call('POST', `${base}/secret-id`, { token_bound_cidrs: '10.2.0.0/24' }),
    )
    expect(tokenOutside.errors[0]).toContain('CIDR blocks on the role ["10.1.0.0/16"]')
    const notCidr = await rejection(h.call('POST', `${base}/secret-id`, { cidr_list: '10.0.0.1' }))
    expect([notCidr.statusCode, notCidr.errors]).toEqual([
      500,
      ['failed to validate CIDR blocks: invalid CIDR address: 10.0.0.1'],
    ])
    const notTokenCidr = await rejection(
      h.call('POST', `${base}/secret-id`, { token_bound_cidrs: '10.1.0.1' }),
    )
    expect(notTokenCidr.errors).toEqual([
      'failed to validate token CIDR blocks: invalid CIDR address: 10.1.0.1',
    ])
  })

  it('metadata: JSON, base64 JSON, or k=v pairs; bad metadata refused', async () => {
    const h = await withRole()
    const lookup = async (g: Generated) =>
      (await h.call('POST', `${base}/secret-id/lookup`, { secret_id: g.secret_id })).data?.metadata
    expect(await lookup(await generate(h, { metadata: '{"team":"payments","env":"prod"}' }))).toEqual({
      team: 'payments',
      env: 'prod',
    })
    expect(await lookup(await generate(h, { metadata: btoa('{"a":"b"}') }))).toEqual({ a: 'b' })
    expect(await lookup(await generate(h, { metadata: 'Team=Pay, x=y' }))).toEqual({ team: 'pay', x: 'y' })
    const bad = await rejection(h.call('POST', `${base}/secret-id`, { metadata: 'novalue' }))
    expect([bad.statusCode, bad.errors]).toEqual([
      400,
      ['failed to parse metadata: failed to parse the input: invalid <key,value> format'],
    ])
  })

  it('LIST shows the accessors; lookup shows the properties (Vault’s keys and times)', async () => {
    const h = await withRole({ secret_id_ttl: '1h' })
    const a = await generate(h, { cidr_list: '10.0.0.0/8' })
    const b = await generate(h)
    const keys = (await h.call('LIST', `${base}/secret-id`)).data?.keys as string[]
    expect([...keys].sort()).toEqual([a.secret_id_accessor, b.secret_id_accessor].sort())
    const data = (await h.call('POST', `${base}/secret-id/lookup`, { secret_id: a.secret_id })).data
    const created = new Date(h.clock.now()).toISOString().replace('.000Z', 'Z')
    const expires = new Date(h.clock.now() + 3600_000).toISOString().replace('.000Z', 'Z')
    expect(data).toEqual({
      cidr_list: ['10.0.0.0/8'],
      creation_time: created,
      expiration_time: expires,
      last_updated_time: created,
      metadata: {},
      secret_id_accessor: a.secret_id_accessor,
      secret_id_num_uses: 0,
      secret_id_ttl: 3600,
      token_bound_cidrs: [],
    })
    const byAccessor = await h.call('POST', `${base}/secret-id-accessor/lookup`, {
      secret_id_accessor: a.secret_id_accessor,
    })
    expect(byAccessor.data).toEqual(data)
    // Never expiring: Go's zero time.
    await h.call('POST', 'auth/approle/role/forever', {})
    const f = await generate(h, {}, 'forever')
    const fData = (
      await h.call('POST', 'auth/approle/role/forever/secret-id/lookup', { secret_id: f.secret_id })
    ).data
    expect(fData?.expiration_time).toBe('0001-01-01T00:00:00Z')
  })

  it('lookup / destroy errors: missing fields, unknown role (500), unknown secret ID (204)', async () => {
    const h = await withRole()
    const noId = await rejection(h.call('POST', `${base}/secret-id/lookup`, {}))
    expect([noId.statusCode, noId.errors]).toEqual([400, ['missing secret_id']])
    const noAcc = await rejection(h.call('POST', `${base}/secret-id-accessor/lookup`, {}))
    expect([noAcc.statusCode, noAcc.errors]).toEqual([400, ['missing secret_id_accessor']])
    const role = await rejection(
      h.call('POST', 'auth/approle/role/none/secret-id/lookup', { secret_id: 'x' }),
    )
    expect([role.statusCode, role.errors]).toEqual([500, ['role "none" does not exist']])
    const roleList = await rejection(h.call('LIST', 'auth/approle/role/none/secret-id'))
    expect([roleList.statusCode, roleList.errors]).toEqual([400, ['role "none" does not exist']])
    for (const path of ['secret-id/lookup', 'secret-id/destroy']) {
      const raw = await h.vault.handle({
        method: 'POST',
        path: `${base}/${path}`,
        data: { secret_id: 'nope' },
        token: 'root',
      })
      expect(raw.status, path).toBe(204)
    }
    const acc = await rejection(
      h.call('POST', `${base}/secret-id-accessor/lookup`, { secret_id_accessor: 'nope' }),
    )
    expect([acc.statusCode, acc.errors]).toEqual([
      404,
      ['failed to find accessor entry for secret_id_accessor: "nope"'],
    ])
    const accDestroy = await rejection(
      h.call('POST', `${base}/secret-id-accessor/destroy`, { secret_id_accessor: 'nope' }),
    )
    expect([accDestroy.statusCode, accDestroy.errors]).toEqual([
      500,
      ['failed to find accessor entry for secret_id_accessor: "nope"'],
    ])
  })

  it('destroy by secret ID (POST or DELETE) and by accessor: the secret ID no longer logs in', async () => {
    const h = await withRole()
    const roleId = (await h.call('GET', `${base}/role-id`)).data?.role_id as string
    const a = await generate(h)
    const b = await generate(h)
    const c = await generate(h)
    await h.call('POST', `${base}/secret-id/destroy`, { secret_id: a.secret_id })
    await h.vault.request({
      method: 'DELETE',
      path: `${base}/secret-id/destroy`,
      data: { secret_id: b.secret_id },
      token: 'root',
    })
    await h.call('DELETE', `${base}/secret-id-accessor/destroy`, { secret_id_accessor: c.secret_id_accessor })
    for (const g of [a, b, c]) {
      expect((await rejection(h.vault.login.appRole({ roleId, secretId: g.secret_id }))).errors).toEqual([
        'invalid role or secret ID',
      ])
    }
    expect((await rejection(h.call('LIST', `${base}/secret-id`))).statusCode).toBe(404)
  })

  it('CVE-2023-24999: an accessor (or secret ID) of one role can never read or destroy another role’s', async () => {
    const h = await withRole()
    await h.call('POST', 'auth/approle/role/other', {})
    const theirs = await generate(h, {}, 'other')
    const otherRoleId = (await h.call('GET', 'auth/approle/role/other/role-id')).data?.role_id as string
    // Through role "web": not found, not destroyed.
    const lookup = await h.vault.handle({
      method: 'POST',
      path: `${base}/secret-id-accessor/lookup`,
      data: { secret_id_accessor: theirs.secret_id_accessor },
      token: 'root',
    })
    expect(lookup.status).toBe(204)
    const destroy = await rejection(
      h.call('POST', `${base}/secret-id-accessor/destroy`, { secret_id_accessor: theirs.secret_id_accessor }),
    )
    expect([destroy.statusCode, destroy.errors]).toEqual([403, ['invalid secret id accessor']])
    const byId = await h.vault.handle({
      method: 'POST',
      path: `${base}/secret-id/destroy`,
      data: { secret_id: theirs.secret_id },
      token: 'root',
    })
    expect(byId.status).toBe(204)
    const lookupById = await h.vault.handle({
      method: 'POST',
      path: `${base}/secret-id/lookup`,
      data: { secret_id: theirs.secret_id },
      token: 'root',
    })
    expect(lookupById.status).toBe(204)
    // Still there, and still logs in to its own role.
    const still = await h.call('POST', 'auth/approle/role/other/secret-id-accessor/lookup', {
      secret_id_accessor: theirs.secret_id_accessor,
    })
    expect(still.data?.secret_id_accessor).toBe(theirs.secret_id_accessor)
    expect((await h.vault.login.appRole({ roleId: otherRoleId, secretId: theirs.secret_id })).token).toMatch(
      /^hvs\./,
    )
    // And a secret ID of "other" never logs in with web's role ID.
    const webRoleId = (await h.call('GET', `${base}/role-id`)).data?.role_id as string
    expect(
      (await rejection(h.vault.login.appRole({ roleId: webRoleId, secretId: theirs.secret_id }))).errors,
    ).toEqual(['invalid role or secret ID'])
  })

  it('custom-secret-id: the caller’s value, once; refused when empty or taken', async () => {
    const h = await withRole()
    const roleId = (await h.call('GET', `${base}/role-id`)).data?.role_id as string
    const resp = await h.call('POST', `${base}/custom-secret-id`, {
      secret_id: 'my-custom-secret',
      num_uses: 1,
    })
    expect(resp.data).toMatchObject({
      secret_id: 'my-custom-secret',
      secret_id_num_uses: 1,
      secret_id_ttl: 0,
    })
    const dup = await rejection(h.call('POST', `${base}/custom-secret-id`, { secret_id: 'my-custom-secret' }))
    expect([dup.statusCode, dup.errors]).toEqual([
      500,
      ['failed to store secret_id: SecretID is already registered'],
    ])
    const empty = await rejection(h.call('POST', `${base}/custom-secret-id`, {}))
    expect([empty.statusCode, empty.errors]).toEqual([400, ['missing secret_id']])
    expect((await h.vault.login.appRole({ roleId, secretId: 'my-custom-secret' })).token).toMatch(/^hvs\./)
  })

  it('tidy/secret-id: 202, removes expired secret IDs and dangling accessors', async () => {
    const h = await withRole({ secret_id_ttl: '10m' })
    const old = await generate(h)
    await h.clock.advance('5m')
    const fresh = await generate(h)
    await h.clock.advance('6m')
    const raw = await h.vault.handle({ method: 'POST', path: 'auth/approle/tidy/secret-id', token: 'root' })
    expect(raw.status).toBe(202)
    expect(raw.body?.warnings).toEqual([
      "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
    ])
    for (let i = 0; i < 50; i++) {
      const keys = (await h.call('LIST', `${base}/secret-id`).catch(() => ({ data: { keys: [] } }))).data
        ?.keys
      if (Array.isArray(keys) && keys.length === 1) break
      await new Promise((r) => setTimeout(r, 5))
    }
    expect((await h.call('LIST', `${base}/secret-id`)).data?.keys).toEqual([fresh.secret_id_accessor])
    const acc = await rejection(
      h.call('POST', `${base}/secret-id-accessor/lookup`, { secret_id_accessor: old.secret_id_accessor }),
    )
    expect(acc.statusCode).toBe(404)
  })
})
