// userpass (api-docs/auth/userpass: "Create/Update User", "Read User", "Delete User", "Update Password
// on User", "Update Policies on User", "List Users", "Login"; Vault's userpass path_users.go,
// path_user_password.go, path_user_policies.go, path_login.go).
import { describe, expect, it } from 'vitest'
import { type AuthHarness, authVault, putPolicy, rejection } from '../auth/helpers.js'

async function userpass(): Promise<AuthHarness> {
  const h = await authVault()
  await h.call('POST', 'sys/auth/userpass', { type: 'userpass' })
  return h
}

const INVALID = ['invalid username or password']

describe('userpass users', () => {
  it('create (password required), read (token fields only, never the hash), list, delete', async () => {
    const h = await userpass()
    const missing = await rejection(h.call('POST', 'auth/userpass/users/bob', { token_policies: 'x' }))
    expect([missing.statusCode, missing.errors]).toEqual([400, ['missing password']])
    const created = await h.vault.handle({
      method: 'POST',
      path: 'auth/userpass/users/Bob',
      data: { password: 'pw', token_policies: 'web,db', token_ttl: '1h', token_bound_cidrs: '10.0.0.0/8' },
      token: 'root',
    })
    expect(created.status).toBe(204)
    const read = await h.call('GET', 'auth/userpass/users/bob')
    expect(read.data).toEqual({
      token_bound_cidrs: ['10.0.0.0/8'],
      token_explicit_max_ttl: 0,
      token_max_ttl: 0,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['web', 'db'],
      token_ttl: 3600,
      token_type: 'default',
    })
    expect(JSON.stringify(read)).not.toMatch(/password|scrypt/)
    await h.call('POST', 'auth/userpass/users/alice', { password: 'pw2' })
    expect((await h.call('LIST', 'auth/userpass/users')).data?.keys).toEqual(['alice', 'bob'])
    expect(
      (await h.vault.handle({ method: 'DELETE', path: 'auth/userpass/users/BOB', token: 'root' })).status,
    ).toBe(204)
    expect((await h.call('LIST', 'auth/userpass/users')).data?.keys).toEqual(['alice'])
    expect((await rejection(h.call('GET', 'auth/userpass/users/bob'))).statusCode).toBe(404)
  })

  it('update without a password keeps it; an explicit empty one is refused; token field errors', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw' })
    await h.call('POST', 'auth/userpass/users/bob', { token_ttl: '2h' })
    expect((await h.vault.login.userpass('bob', 'pw')).auth.lease_duration).toBe(7200)
    const empty = await rejection(h.call('POST', 'auth/userpass/users/bob', { password: '' }))
    expect([empty.statusCode, empty.errors]).toEqual([400, ['missing password']])
    const ttl = await rejection(
      h.call('POST', 'auth/userpass/users/bob', { token_ttl: '2h', token_max_ttl: '1h' }),
    )
    expect([ttl.statusCode, ttl.errors]).toEqual([
      400,
      ["'token_ttl' cannot be greater than 'token_max_ttl'"],
    ])
    const type = await rejection(h.call('POST', 'auth/userpass/users/bob', { token_type: 'default-service' }))
    expect(type.errors).toEqual(['invalid \'token_type\' value "default-service"'])
  })

  it('legacy fields feed the token fields and read back', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/old', {
      password: 'pw',
      policies: 'B,a',
      ttl: '1h',
      max_ttl: '2h',
      bound_cidrs: '10.0.0.1',
    })
    expect((await h.call('GET', 'auth/userpass/users/old')).data).toMatchObject({
      policies: ['a', 'b'],
      token_policies: ['a', 'b'],
      ttl: 3600,
      token_ttl: 3600,
      max_ttl: 7200,
      token_max_ttl: 7200,
      bound_cidrs: ['10.0.0.1'],
      token_bound_cidrs: ['10.0.0.1'],
    })
  })

  it('users/:name/password resets the password', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'old' })
    expect(
      (
        await h.vault.handle({
          method: 'POST',
          path: 'auth/userpass/users/bob/password',
          data: { password: 'new' },
          token: 'root',
        })
      ).status,
    ).toBe(204)
    expect((await rejection(h.vault.login.userpass('bob', 'old'))).errors).toEqual(INVALID)
    expect((await h.vault.login.userpass('bob', 'new')).token).toMatch(/^hvs\./)
    const missing = await rejection(h.call('POST', 'auth/userpass/users/bob/password', {}))
    expect([missing.statusCode, missing.errors]).toEqual([400, ['missing password']])
    const unknown = await rejection(h.call('POST', 'auth/userpass/users/nobody/password', { password: 'x' }))
    expect([unknown.statusCode, unknown.errors]).toEqual([500, ['username does not exist']])
  })

  it('users/:name/policies replaces the token policies', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw', token_policies: 'a' })
    await h.call('POST', 'auth/userpass/users/bob/policies', { token_policies: 'Web, db' })
    expect((await h.call('GET', 'auth/userpass/users/bob')).data?.token_policies).toEqual(['db', 'web'])
    await h.call('POST', 'auth/userpass/users/bob/policies', { policies: 'legacy' })
    expect((await h.call('GET', 'auth/userpass/users/bob')).data).toMatchObject({
      policies: ['legacy'],
      token_policies: ['legacy'],
    })
    expect((await h.vault.login.userpass('bob', 'pw')).auth.policies).toEqual(['default', 'legacy'])
    const unknown = await rejection(
      h.call('POST', 'auth/userpass/users/nobody/policies', { token_policies: 'x' }),
    )
    expect([unknown.statusCode, unknown.errors]).toEqual([500, ['username does not exist']])
  })
})

describe('userpass login', () => {
  it('answers the auth block; the token is userpass-<name>, at auth/userpass/login/<name>', async () => {
    const h = await userpass()
    await putPolicy(h, 'web', 'path "secret/data/web/*" { capabilities = ["read"] }')
    await h.call('POST', 'auth/userpass/users/bob', {
      password: 'correct horse',
      token_policies: 'web',
      token_ttl: '30m',
    })
    const { token, auth } = await h.vault.login.userpass('Bob', 'correct horse')
    expect(auth).toMatchObject({
      policies: ['default', 'web'],
      token_policies: ['default', 'web'],
      metadata: { username: 'bob' },
      lease_duration: 1800,
      renewable: true,
      token_type: 'service',
      orphan: true,
    })
    expect((await h.call('GET', 'auth/token/lookup-self', undefined, { token })).data).toMatchObject({
      display_name: 'userpass-bob',
      // As Vault: the token's path is the request path as sent.
      path: 'auth/userpass/login/Bob',
      meta: { username: 'bob' },
    })
  })

  it('wrong password and unknown user: the same 400 in Vault’s words; missing password: 500', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw' })
    const wrong = await h.vault.handle({
      method: 'POST',
      path: 'auth/userpass/login/bob',
      data: { password: 'nope' },
    })
    const unknown = await h.vault.handle({
      method: 'POST',
      path: 'auth/userpass/login/eve',
      data: { password: 'nope' },
    })
    expect(wrong).toEqual({ status: 400, body: { errors: INVALID } })
    expect(unknown).toEqual(wrong)
    const missing = await h.vault.handle({ method: 'POST', path: 'auth/userpass/login/bob', data: {} })
    expect(missing).toEqual({ status: 500, body: { errors: ['missing password'] } })
  })

  it('brute force: wrong passwords are all refused alike, each after a full KDF', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw' })
    h.kdfCalls.length = 0
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.vault.handle({
          method: 'POST',
          path: `auth/userpass/login/${i % 2 ? 'bob' : 'eve'}`,
          data: { password: `guess-${i}` },
        }),
      ),
    )
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify({ status: 400, body: { errors: INVALID } })]),
    )
    expect(h.kdfCalls).toHaveLength(20)
  })

  it('an unknown user costs the same KDF work as a known one (the dummy hash)', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw' })
    const work = async (name: string, password: string) => {
      h.kdfCalls.length = 0
      await h.vault.handle({ method: 'POST', path: `auth/userpass/login/${name}`, data: { password } })
      return [...h.kdfCalls]
    }
    const known = await work('bob', 'pw')
    const wrong = await work('bob', 'nope')
    const unknown = await work('nobody', 'nope')
    expect(known).toEqual([{ N: 1024, r: 8, p: 1, dkLen: 32, saltLength: 16 }])
    expect(wrong).toEqual(known)
    expect(unknown).toEqual(known)
  })

  it('token_bound_cidrs: the login itself is refused (403) outside them', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw', token_bound_cidrs: '10.0.0.0/8' })
    const inside = await h.vault.login.userpass('bob', 'pw', { connection: { remoteAddress: '10.1.1.1' } })
    expect(inside.token).toMatch(/^hvs\./)
    const outside = await rejection(
      h.vault.login.userpass('bob', 'pw', { connection: { remoteAddress: '11.1.1.1' } }),
    )
    expect([outside.statusCode, outside.errors]).toEqual([403, ['permission denied']])
    expect((await rejection(h.vault.login.userpass('bob', 'pw'))).statusCode).toBe(403)
  })

  it('renewal re-checks the user: current TTLs; policies changed → refused; user gone → not renewed', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', {
      password: 'pw',
      token_policies: 'web',
      token_ttl: '1h',
    })
    const { token } = await h.vault.login.userpass('bob', 'pw')
    await h.call('POST', 'auth/userpass/users/bob', { token_ttl: '2h' })
    await h.clock.advance('10m')
    expect((await h.call('POST', 'auth/token/renew-self', {}, { token })).auth?.lease_duration).toBe(7200)
    await h.call('POST', 'auth/userpass/users/bob/policies', { token_policies: 'web,admin' })
    const changed = await rejection(h.call('POST', 'auth/token/renew-self', {}, { token }))
    expect([changed.statusCode, changed.errors]).toEqual([
      500,
      ['failed to renew entry: policies have changed, not renewing'],
    ])
    await h.call('POST', 'auth/userpass/users/bob/policies', { token_policies: 'web' })
    expect(
      (await h.call('POST', 'auth/token/renew-self', { increment: '30m' }, { token })).auth?.lease_duration,
    ).toBe(1800)
    await h.call('DELETE', 'auth/userpass/users/bob')
    const gone = await h.vault.handle({ method: 'POST', path: 'auth/token/renew-self', data: {}, token })
    expect(gone.status).toBe(204)
    expect((await h.call('GET', 'auth/token/lookup-self', undefined, { token })).data?.ttl).toBe(1800)
    await h.clock.advance('30m')
    await h.vault.leases.idle()
    expect((await rejection(h.call('GET', 'auth/token/lookup-self', undefined, { token }))).statusCode).toBe(
      403,
    )
  })

  it('a user’s token_max_ttl caps renewals from the login time', async () => {
    const h = await userpass()
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw', token_ttl: '1h', token_max_ttl: '90m' })
    const { token } = await h.vault.login.userpass('bob', 'pw')
    await h.clock.advance('50m')
    const resp = await h.call('POST', 'auth/token/renew-self', {}, { token })
    expect(resp.auth?.lease_duration).toBe(40 * 60)
    await h.clock.advance('40m')
    await h.vault.leases.idle()
    expect((await rejection(h.call('GET', 'auth/token/lookup-self', undefined, { token }))).statusCode).toBe(
      403,
    )
  })
})
