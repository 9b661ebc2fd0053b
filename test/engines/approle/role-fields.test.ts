// The per-field role endpoints (api-docs/auth/approle: "Read/Update/Delete AppRole policies",
// "…secret-id-num-uses", "…secret-id-ttl", "…token-ttl", "…token-max-ttl", "…bind-secret-id",
// "…secret-id-bound-cidrs", "…token-bound-cidrs", "…period", "…token-num-uses", "…local-secret-ids",
// "Read/Update AppRole Role ID"; Vault's approle path_role.go pathRole*Read/Update/Delete).
import { describe, expect, it } from 'vitest'
import { type AuthHarness, authVault, rejection } from '../auth/helpers.js'

async function withRole(data: Record<string, unknown> = {}): Promise<AuthHarness> {
  const h = await authVault()
  await h.call('POST', 'sys/auth/approle', { type: 'approle' })
  await h.call('POST', 'auth/approle/role/web', data)
  return h
}

const base = 'auth/approle/role/web'

/** [suffix, field, value to set, value read back, value after delete, missing-field message] */
const SIMPLE: [string, string, unknown, unknown, unknown, string][] = [
  ['secret-id-num-uses', 'secret_id_num_uses', 7, 7, 0, 'missing secret_id_num_uses'],
  ['secret-id-ttl', 'secret_id_ttl', '10m', 600, 0, 'missing secret_id_ttl'],
  ['token-num-uses', 'token_num_uses', 3, 3, 0, 'missing token_num_uses'],
  ['token-ttl', 'token_ttl', '20m', 1200, 0, 'missing token_ttl'],
  ['token-max-ttl', 'token_max_ttl', '2h', 7200, 0, 'missing token_max_ttl'],
  ['bind-secret-id', 'bind_secret_id', false, false, true, 'missing bind_secret_id'],
]

describe('approle per-field role endpoints', () => {
  for (const [suffix, field, value, readBack, afterDelete, missing] of SIMPLE) {
    it(`${suffix}: read, update, delete (reset), and errors`, async () => {
      // A CIDR constraint, so that bind_secret_id=false is a valid role.
      const h = await withRole({ token_bound_cidrs: '10.0.0.1' })
      const path = `${base}/${suffix}`
      await h.call('POST', path, { [field]: value })
      expect((await h.call('GET', path)).data).toEqual({ [field]: readBack })
      expect((await h.call('GET', base)).data?.[field]).toEqual(readBack)
      await h.call('DELETE', path)
      expect((await h.call('GET', path)).data).toEqual({ [field]: afterDelete })
      const err = await rejection(h.call('POST', path, {}))
      expect([err.statusCode, err.errors]).toEqual([400, [missing]])
      // A role that does not exist: read 404, update 404 unsupported path, delete 204.
      expect((await rejection(h.call('GET', `auth/approle/role/none/${suffix}`))).statusCode).toBe(404)
      const upd = await rejection(h.call('POST', `auth/approle/role/none/${suffix}`, { [field]: value }))
      expect([upd.statusCode, upd.errors]).toEqual([404, ['1 error occurred:\n\t* unsupported path\n\n']])
      const del = await h.vault.handle({
        method: 'DELETE',
        path: `auth/approle/role/none/${suffix}`,
        token: 'root',
      })
      expect(del.status).toBe(204)
    })
  }

  it('secret-id-num-uses cannot be negative; token-ttl / token-max-ttl keep their order', async () => {
    const h = await withRole({ token_ttl: '1h', token_max_ttl: '2h' })
    const neg = await rejection(h.call('POST', `${base}/secret-id-num-uses`, { secret_id_num_uses: -1 }))
    expect(neg.errors).toEqual(['secret_id_num_uses cannot be negative'])
    const ttl = await rejection(h.call('POST', `${base}/token-ttl`, { token_ttl: '3h' }))
    expect([ttl.statusCode, ttl.errors]).toEqual([
      400,
      ['token_ttl should not be greater than token_max_ttl'],
    ])
    const max = await rejection(h.call('POST', `${base}/token-max-ttl`, { token_max_ttl: '30m' }))
    expect([max.statusCode, max.errors]).toEqual([
      400,
      ['token_max_ttl should be greater than or equal to token_ttl'],
    ])
  })

  it('bind-secret-id=false without another constraint is refused (setRoleEntry)', async () => {
    const h = await withRole()
    const err = await rejection(h.call('POST', `${base}/bind-secret-id`, { bind_secret_id: false }))
    expect([err.statusCode, err.errors]).toEqual([
      500,
      ['at least one constraint should be enabled on the role'],
    ])
    expect((await h.call('GET', `${base}/bind-secret-id`)).data).toEqual({ bind_secret_id: true })
  })

  it('policies: token_policies (legacy policies mirrored when both given), read, delete', async () => {
    const h = await withRole({ token_policies: 'a' })
    expect((await h.call('GET', `${base}/policies`)).data).toEqual({ token_policies: ['a'] })
    await h.call('POST', `${base}/policies`, { token_policies: 'Web, db' })
    expect((await h.call('GET', `${base}/policies`)).data).toEqual({ token_policies: ['db', 'web'] })
    await h.call('POST', `${base}/policies`, { policies: 'old' })
    expect((await h.call('GET', `${base}/policies`)).data).toEqual({
      policies: ['old'],
      token_policies: ['old'],
    })
    await h.call('POST', `${base}/policies`, { policies: 'x', token_policies: 'y' })
    expect((await h.call('GET', `${base}/policies`)).data).toEqual({ policies: ['y'], token_policies: ['y'] })
    await h.call('DELETE', `${base}/policies`)
    expect((await h.call('GET', `${base}/policies`)).data).toEqual({ token_policies: [] })
    const err = await rejection(h.call('POST', `${base}/policies`, {}))
    expect(err.errors).toEqual(['missing token_policies'])
  })

  it('period: token_period or legacy period, capped by the mount max', async () => {
    const h = await withRole()
    await h.call('POST', `${base}/period`, { token_period: '1h' })
    expect((await h.call('GET', `${base}/period`)).data).toEqual({ token_period: 3600 })
    await h.call('POST', `${base}/period`, { period: '2h' })
    expect((await h.call('GET', `${base}/period`)).data).toEqual({ period: 7200, token_period: 7200 })
    await h.call('DELETE', `${base}/period`)
    expect((await h.call('GET', `${base}/period`)).data).toEqual({ token_period: 0 })
    expect((await rejection(h.call('POST', `${base}/period`, {}))).errors).toEqual(['missing period'])
    const over = await rejection(h.call('POST', `${base}/period`, { token_period: '800h' }))
    // Vault prints the deprecated `period` (0 here) in this message.
    expect([over.statusCode, over.errors]).toEqual([
      400,
      ['period of "0s" is greater than the backend\'s maximum lease TTL of "768h0m0s"'],
    ])
  })

  it('secret-id-bound-cidrs and bound-cidr-list: CIDRs only, null when unset', async () => {
    const h = await withRole()
    expect((await h.call('GET', `${base}/secret-id-bound-cidrs`)).data).toEqual({
      secret_id_bound_cidrs: null,
    })
    await h.call('POST', `${base}/secret-id-bound-cidrs`, {
      secret_id_bound_cidrs: '10.0.0.0/8, 127.0.0.1/32',
    })
    expect((await h.call('GET', `${base}/secret-id-bound-cidrs`)).data).toEqual({
      secret_id_bound_cidrs: ['10.0.0.0/8', '127.0.0.1/32'],
    })
    const bare = await rejection(
      h.call('POST', `${base}/secret-id-bound-cidrs`, { secret_id_bound_cidrs: '10.0.0.1' }),
    )
    expect([bare.statusCode, bare.errors]).toEqual([
      400,
      ['failed to validate CIDR blocks: invalid CIDR address: 10.0.0.1'],
    ])
    const empty = await rejection(
      h.call('POST', `${base}/secret-id-bound-cidrs`, { secret_id_bound_cidrs: [] }),
    )
    expect(empty.errors).toEqual(['missing bound_cidr_list'])
    await h.call('DELETE', `${base}/secret-id-bound-cidrs`)
    expect((await h.call('GET', `${base}/secret-id-bound-cidrs`)).data).toEqual({
      secret_id_bound_cidrs: null,
    })
    // The deprecated endpoint writes secret_id_bound_cidrs; its own (legacy) field reads null, with a warning.
    await h.call('POST', `${base}/bound-cidr-list`, { bound_cidr_list: '192.168.0.0/16' })
    expect((await h.call('GET', base)).data?.secret_id_bound_cidrs).toEqual(['192.168.0.0/16'])
    const legacy = await h.call('GET', `${base}/bound-cidr-list`)
    expect(legacy.data).toEqual({ bound_cidr_list: null })
    expect(legacy.warnings).toEqual([
      'The "bound_cidr_list" field is deprecated and will be removed. Please use "secret_id_bound_cidrs" instead.',
    ])
    await h.call('DELETE', `${base}/bound-cidr-list`)
  })

  it('token-bound-cidrs: addresses or CIDRs, normalized', async () => {
    const h = await withRole()
    expect((await h.call('GET', `${base}/token-bound-cidrs`)).data).toEqual({ token_bound_cidrs: null })
    await h.call('POST', `${base}/token-bound-cidrs`, { token_bound_cidrs: ['10.0.0.1/32', '10.0.0.0/8'] })
    expect((await h.call('GET', `${base}/token-bound-cidrs`)).data).toEqual({
      token_bound_cidrs: ['10.0.0.1', '10.0.0.0/8'],
    })
    const bad = await rejection(h.call('POST', `${base}/token-bound-cidrs`, { token_bound_cidrs: 'nope' }))
    expect([bad.statusCode, bad.errors]).toEqual([
      400,
      [
        'failed to parse token_bound_cidrs: error parsing address "nope": Unable to convert "nope" to an IPv4 or IPv6 address, or a UNIX Socket',
      ],
    ])
    await h.call('DELETE', `${base}/token-bound-cidrs`)
    expect((await h.call('GET', `${base}/token-bound-cidrs`)).data).toEqual({ token_bound_cidrs: null })
  })

  it('local-secret-ids is read-only', async () => {
    const h = await withRole()
    expect((await h.call('GET', `${base}/local-secret-ids`)).data).toEqual({ local_secret_ids: false })
    expect((await rejection(h.call('POST', `${base}/local-secret-ids`, {}))).statusCode).toBe(405)
  })

  it('role-id: read; update (missing role_id refused; a taken one refused)', async () => {
    const h = await withRole()
    await h.call('POST', 'auth/approle/role/other', { role_id: 'taken' })
    await h.call('POST', `${base}/role-id`, { role_id: 'custom-1' })
    expect((await h.call('GET', `${base}/role-id`)).data).toEqual({ role_id: 'custom-1' })
    expect((await rejection(h.call('POST', `${base}/role-id`, {}))).errors).toEqual(['missing role_id'])
    const taken = await rejection(h.call('POST', `${base}/role-id`, { role_id: 'taken' }))
    expect([taken.statusCode, taken.errors]).toEqual([500, ['role_id already in use']])
    // The new role ID logs in; the old one no longer does.
    const secretId = (await h.call('POST', `${base}/secret-id`)).data?.secret_id as string
    expect((await h.vault.login.appRole({ roleId: 'custom-1', secretId })).token).toMatch(/^hvs\./)
    await h.call('POST', `${base}/role-id`, { role_id: 'custom-2' })
    expect((await rejection(h.vault.login.appRole({ roleId: 'custom-1', secretId }))).errors).toEqual([
      'invalid role or secret ID',
    ])
    expect((await rejection(h.call('GET', 'auth/approle/role/none/role-id'))).statusCode).toBe(404)
  })
})
