// AppRole login and its tokens (api-docs/auth/approle "Login With AppRole"; Vault's approle
// path_login.go pathLoginUpdate / pathLoginRenew; request_handling.go handleLoginRequest /
// LoginCreateToken / RegisterAuth; router.go token type; expiration.go RenewToken).
import { describe, expect, it } from 'vitest'
import { type AuthHarness, authVault, putPolicy, rejection } from '../auth/helpers.js'

const INVALID = ['invalid role or secret ID']

async function setup(role: Record<string, unknown> = {}, mount = 'approle') {
  const h = await authVault()
  await h.call('POST', `sys/auth/${mount}`, { type: 'approle' })
  await h.call('POST', `auth/${mount}/role/myapp`, { token_policies: 'myapp', ...role })
  const roleId = (await h.call('GET', `auth/${mount}/role/myapp/role-id`)).data?.role_id as string
  const secret = async (data: Record<string, unknown> = {}) =>
    (await h.call('POST', `auth/${mount}/role/myapp/secret-id`, data)).data as {
      secret_id: string
      secret_id_accessor: string
    }
  return { h, roleId, secret, mount }
}

function login(h: AuthHarness, roleId: string, secretId?: string, remoteAddress?: string, mount = 'approle') {
  return h.vault.login.appRole({
    roleId,
    ...(secretId !== undefined ? { secretId } : {}),
    mount,
    ...(remoteAddress ? { connection: { remoteAddress } } : {}),
  })
}

describe('approle login', () => {
  it('is unauthenticated; answers Vault’s auth block, data null, no lease at the top level', async () => {
    const { h, roleId, secret } = await setup({ token_ttl: '1h' })
    const { secret_id } = await secret({ metadata: '{"team":"payments"}' })
    const raw = await h.vault.handle({
      method: 'POST',
      path: 'auth/approle/login',
      data: { role_id: roleId, secret_id },
    })
    expect(raw.status).toBe(200)
    const body = raw.body as Record<string, unknown>
    expect(body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      warnings: null,
    })
    expect(Object.keys(body.auth as object)).toEqual([
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
    expect(body.auth).toMatchObject({
      metadata: { team: 'payments', role_name: 'myapp' },
      lease_duration: 3600,
    })
  })

  it('refuses in Vault’s words, the same for every wrong credential', async () => {
    const { h, roleId, secret } = await setup()
    const { secret_id } = await secret()
    const cases: [Record<string, unknown>, string[]][] = [
      [{}, ['missing role_id']],
      [{ role_id: '  ' }, ['missing role_id']],
      [{ role_id: 'no-such-role-id', secret_id }, INVALID],
      [{ role_id: roleId }, ['missing secret_id']],
      [{ role_id: roleId, secret_id: 'wrong' }, INVALID],
    ]
    for (const [data, errors] of cases) {
      const raw = await h.vault.handle({ method: 'POST', path: 'auth/approle/login', data })
      expect([raw.status, raw.body], JSON.stringify(data)).toEqual([400, { errors }])
    }
    const long = await h.vault.handle({
      method: 'POST',
      path: 'auth/approle/login',
      data: { role_id: roleId, secret_id: 'x'.repeat(4097) },
    })
    expect(long).toEqual({
      status: 500,
      body: { errors: ['failed to create HMAC of secret_id: value is longer than maximum of 4096 bytes'] },
    })
  })

  it('brute force: a hundred wrong secret IDs are all refused alike; the right one still works', async () => {
    const { h, roleId, secret } = await setup()
    const { secret_id } = await secret()
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h.vault.handle({
          method: 'POST',
          path: 'auth/approle/login',
          data: { role_id: roleId, secret_id: `guess-${i}` },
        }),
      ),
    )
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify({ status: 400, body: { errors: INVALID } })]),
    )
    expect((await login(h, roleId, secret_id)).token).toMatch(/^hvs\./)
  })

  it('num_uses is exact under racing logins: n uses, n tokens, then the secret ID is gone', async () => {
    const { h, roleId, secret } = await setup({ secret_id_num_uses: 0 })
    for (const uses of [1, 3]) {
      const { secret_id, secret_id_accessor } = await secret({ num_uses: uses })
      const results = await Promise.allSettled(Array.from({ length: 25 }, () => login(h, roleId, secret_id)))
      const ok = results.filter((r) => r.status === 'fulfilled')
      expect(ok).toHaveLength(uses)
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as { errors: string[] }).errors).toEqual(INVALID)
      }
      const lookup = await rejection(
        h.call('POST', 'auth/approle/role/myapp/secret-id-accessor/lookup', {
          secret_id_accessor: secret_id_accessor,
        }),
      )
      expect(lookup.statusCode).toBe(404)
    }
  })

  it('each use is counted down in the lookup', async () => {
    const { h, roleId, secret } = await setup()
    const { secret_id } = await secret({ num_uses: 3 })
    await h.clock.advance('1m')
    await login(h, roleId, secret_id)
    const data = (await h.call('POST', 'auth/approle/role/myapp/secret-id/lookup', { secret_id })).data
    expect(data?.secret_id_num_uses).toBe(2)
    expect(data?.last_updated_time).not.toBe(data?.creation_time)
  })

  it('an expired secret ID is refused (and removed)', async () => {
    const { h, roleId, secret } = await setup({ secret_id_ttl: '10m' })
    const { secret_id } = await secret()
    await h.clock.advance('9m59s')
    expect((await login(h, roleId, secret_id)).token).toMatch(/^hvs\./)
    await h.clock.advance('1s')
    expect((await rejection(login(h, roleId, secret_id))).errors).toEqual(INVALID)
    const raw = await h.vault.handle({
      method: 'POST',
      path: 'auth/approle/role/myapp/secret-id/lookup',
      data: { secret_id },
      token: 'root',
    })
    expect(raw.status).toBe(204)
  })

  it('CIDR bindings: the role’s secret_id_bound_cidrs and the secret ID’s cidr_list', async () => {
    const { h, roleId, secret } = await setup({ secret_id_bound_cidrs: '10.0.0.0/8' })
    const { secret_id } = await secret()
    expect((await login(h, roleId, secret_id, '10.1.2.3')).token).toMatch(/^hvs\./)
    const outside = await rejection(login(h, roleId, secret_id, '11.0.0.1'))
    expect([outside.statusCode, outside.errors]).toEqual([
      400,
      ['source address "11.0.0.1" unauthorized by CIDR restrictions on the role: %!w(<nil>)'],
    ])
    const none = await rejection(login(h, roleId, secret_id))
    expect([none.statusCode, none.errors]).toEqual([500, ['failed to get connection information']])

    const listed = await secret({ cidr_list: '10.9.0.0/16' })
    expect((await login(h, roleId, listed.secret_id, '10.9.1.1')).token).toMatch(/^hvs\./)
    const off = await rejection(login(h, roleId, listed.secret_id, '10.8.1.1'))
    expect(off.errors).toEqual([
      'source address "10.8.1.1" unauthorized through CIDR restrictions on the secret ID',
    ])
    // With a use limit the use is spent before the address check, as in Vault.
    const limited = await secret({ cidr_list: '10.9.0.0/16', num_uses: 2 })
    const offLimited = await rejection(login(h, roleId, limited.secret_id, '10.8.1.1'))
    expect(offLimited.errors).toEqual([
      'source address "10.8.1.1" unauthorized by CIDR restrictions on the secret ID: %!w(<nil>)',
    ])
    expect((await login(h, roleId, limited.secret_id, '10.9.1.1')).token).toMatch(/^hvs\./)
    expect((await rejection(login(h, roleId, limited.secret_id, '10.9.1.1'))).errors).toEqual(INVALID)
  })

  it('bind_secret_id=false: the role ID alone, from the bound network', async () => {
    const { h, roleId } = await setup({ bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.0/8' })
    const { auth } = await login(h, roleId, undefined, '127.0.0.1')
    expect(auth.metadata).toEqual({ role_name: 'myapp' })
    expect((await rejection(login(h, roleId, undefined, '10.0.0.1'))).statusCode).toBe(400)
  })

  it('token_bound_cidrs bind the token; a secret ID’s own list overrides the role’s', async () => {
    const { h, roleId, secret } = await setup({ token_bound_cidrs: '10.0.0.0/8' })
    const a = await login(h, roleId, (await secret()).secret_id)
    const use = (token: string, remoteAddress?: string) =>
      h.vault.request({
        method: 'GET',
        path: 'auth/token/lookup-self',
        token,
        ...(remoteAddress ? { connection: { remoteAddress } } : {}),
      })
    expect((await use(a.token, '10.2.3.4')).data?.bound_cidrs).toEqual(['10.0.0.0/8'])
    expect((await rejection(use(a.token, '192.168.1.1'))).statusCode).toBe(403)
    expect((await rejection(use(a.token))).statusCode).toBe(403)
    const b = await login(h, roleId, (await secret({ token_bound_cidrs: '10.5.0.0/16' })).secret_id)
    expect((await use(b.token, '10.5.0.1')).data?.bound_cidrs).toEqual(['10.5.0.0/16'])
    expect((await rejection(use(b.token, '10.2.3.4'))).statusCode).toBe(403)
  })

  it('token settings: no default policy, num_uses, period, explicit max TTL, mount limits', async () => {
    const { h, roleId, secret } = await setup({
      token_no_default_policy: true,
      token_num_uses: 2,
      token_period: '30m',
      token_explicit_max_ttl: '2h',
    })
    await putPolicy(h, 'myapp', 'path "auth/token/lookup-self" { capabilities = ["read"] }')
    const { token, auth } = await login(h, roleId, (await secret()).secret_id)
    expect(auth).toMatchObject({
      policies: ['myapp'],
      token_policies: ['myapp'],
      num_uses: 2,
      lease_duration: 1800,
    })
    const self = (await h.call('GET', 'auth/token/lookup-self', undefined, { token })).data
    expect(self).toMatchObject({ period: 1800, explicit_max_ttl: 7200, num_uses: 1, policies: ['myapp'] })
    // The last use: the token is revoked after the request.
    await h.call('GET', 'auth/token/lookup-self', undefined, { token }).catch(() => undefined)
    expect((await rejection(h.call('GET', 'auth/token/lookup-self', undefined, { token }))).statusCode).toBe(
      403,
    )
  })

  it('TTL: the role’s token_ttl, clamped by token_max_ttl and the mount’s tuned max', async () => {
    const { h, roleId, secret } = await setup({ token_ttl: '3h', token_max_ttl: '4h' })
    expect((await login(h, roleId, (await secret()).secret_id)).auth.lease_duration).toBe(3 * 3600)
    await h.call('POST', 'sys/auth/approle/tune', { max_lease_ttl: '2h', default_lease_ttl: '1h' })
    const capped = await h.vault.request({
      method: 'POST',
      path: 'auth/approle/login',
      data: { role_id: roleId, secret_id: (await secret()).secret_id },
    })
    expect(capped.auth?.lease_duration).toBe(7200)
    expect(capped.warnings).toEqual([
      'TTL of "3h" exceeded the effective max_ttl of "2h"; TTL value is capped accordingly',
    ])
    await h.call('POST', 'auth/approle/role/myapp', { token_ttl: 0, token_max_ttl: 0 })
    expect((await login(h, roleId, (await secret()).secret_id)).auth.lease_duration).toBe(3600)
  })

  it('token type: the mount’s tuning against the role’s', async () => {
    const { h, roleId, secret } = await setup()
    const type = async () => (await login(h, roleId, (await secret()).secret_id)).auth
    expect((await type()).token_type).toBe('service')
    await h.call('POST', 'auth/approle/role/myapp', { token_type: 'batch' })
    const batch = await type()
    expect(batch).toMatchObject({ token_type: 'batch', accessor: '', renewable: false, orphan: true })
    expect(batch.client_token).toMatch(/^hvb\./)
    await h.call('POST', 'sys/auth/approle/tune', { token_type: 'service' })
    expect((await type()).token_type).toBe('service')
    await h.call('POST', 'sys/auth/approle/tune', { token_type: 'default-batch' })
    await h.call('POST', 'auth/approle/role/myapp', { token_type: 'default' })
    expect((await type()).token_type).toBe('batch')
    await h.call('POST', 'auth/approle/role/myapp', { token_type: 'service' })
    expect((await type()).token_type).toBe('service')
    await h.call('POST', 'sys/auth/approle/tune', { token_type: 'batch' })
    const forced = await type()
    expect(forced.token_type).toBe('batch')
    // A batch token works, and has no lease.
    const pending = h.vault.leases.pending
    const self = await h.call('GET', 'auth/token/lookup-self', undefined, { token: forced.client_token })
    expect(self.data?.type).toBe('batch')
    expect(h.vault.leases.pending).toBe(pending)
  })

  it('auth methods cannot create root tokens, nor hand out non-assignable policies', async () => {
    const { h, roleId, secret } = await setup({ token_policies: 'root' })
    const root = await rejection(login(h, roleId, (await secret()).secret_id))
    expect([root.statusCode, root.errors]).toEqual([400, ['auth methods cannot create root tokens']])
    await h.call('POST', 'auth/approle/role/myapp', { token_policies: 'response-wrapping' })
    const wrapping = await rejection(login(h, roleId, (await secret()).secret_id))
    expect([wrapping.statusCode, wrapping.errors]).toEqual([
      400,
      ['cannot assign policy "response-wrapping"'],
    ])
  })

  it('display name: the mount path with / → -', async () => {
    const { h, roleId, secret } = await setup({}, 'team/machines')
    const { token } = await login(h, roleId, (await secret()).secret_id, undefined, 'team/machines')
    const self = (await h.call('GET', 'auth/token/lookup-self', undefined, { token })).data
    expect(self).toMatchObject({ display_name: 'team-machines', path: 'auth/team/machines/login' })
  })

  it('renewal goes back to the role: its current TTLs apply; a deleted role stops renewals', async () => {
    const { h, roleId, secret } = await setup({ token_ttl: '1h', token_max_ttl: '3h' })
    const { token, auth } = await login(h, roleId, (await secret()).secret_id)
    await h.clock.advance('30m')
    const renewed = await h.call('POST', 'auth/token/renew-self', {}, { token })
    expect(renewed.auth).toMatchObject({
      client_token: token,
      lease_duration: 3600,
      policies: ['default', 'myapp'],
    })
    await h.call('POST', 'auth/approle/role/myapp', { token_ttl: '2h' })
    await h.clock.advance('30m')
    expect((await h.call('POST', 'auth/token/renew-self', {}, { token })).auth?.lease_duration).toBe(7200)
    // An increment, capped by the role's max counted from issue (3h − 1h elapsed).
    await h.clock.advance('1h')
    const capped = await h.call('POST', 'auth/token/renew', { token, increment: '5h' })
    expect(capped.auth?.lease_duration).toBe(3600)
    expect(capped.warnings).toEqual([
      'TTL of "5h" exceeded the effective max_ttl of "1h"; TTL value is capped accordingly',
    ])
    const byAccessor = await h.call('POST', 'auth/token/renew-accessor', {
      accessor: auth.accessor,
      increment: 60,
    })
    expect(byAccessor.auth).toMatchObject({ client_token: '', lease_duration: 60 })
    // The lease follows: it expires with the renewed TTL.
    await h.clock.advance('59s')
    await h.vault.leases.idle()
    expect((await h.call('GET', 'auth/token/lookup-self', undefined, { token })).data?.ttl).toBe(1)
    await h.call('POST', 'auth/token/renew-self', { increment: '10m' }, { token })
    await h.call('DELETE', 'auth/approle/role/myapp')
    const gone = await rejection(h.call('POST', 'auth/token/renew-self', {}, { token }))
    expect([gone.statusCode, gone.errors]).toEqual([
      500,
      ['failed to renew entry: role "myapp" does not exist during renewal'],
    ])
    await h.clock.advance('10m')
    await h.vault.leases.idle()
    expect((await rejection(h.call('GET', 'auth/token/lookup-self', undefined, { token }))).statusCode).toBe(
      403,
    )
  })

  it('periodic tokens renew to the period forever', async () => {
    const { h, roleId, secret } = await setup({ token_period: '1h' })
    const { token } = await login(h, roleId, (await secret()).secret_id)
    for (let i = 0; i < 30; i++) {
      await h.clock.advance('50m')
      await h.vault.leases.idle()
      expect(
        (await h.call('POST', 'auth/token/renew-self', { increment: '5h' }, { token })).auth?.lease_duration,
      ).toBe(3600)
    }
  })

  it('login responses can be wrapped; unwrapping gives the auth block', async () => {
    const { h, roleId, secret } = await setup()
    const wrapped = await h.vault.request({
      method: 'POST',
      path: 'auth/approle/login',
      data: { role_id: roleId, secret_id: (await secret()).secret_id },
      wrapTtl: '5m',
    })
    expect(wrapped.auth).toBeNull()
    const wrapInfo = wrapped.wrap_info as { token: string; creation_path: string; wrapped_accessor: string }
    expect(wrapInfo.creation_path).toBe('auth/approle/login')
    const unwrapped = await h.vault.request({
      method: 'POST',
      path: 'sys/wrapping/unwrap',
      token: wrapInfo.token,
    })
    expect(unwrapped.auth?.policies).toEqual(['default', 'myapp'])
    expect(unwrapped.auth?.accessor).toBe(wrapInfo.wrapped_accessor)
  })
})
