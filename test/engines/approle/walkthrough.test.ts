// The AppRole walk-through (Vault docs: auth/approle "Authentication" steps; api-docs/auth/approle;
// api-docs/system/auth): a policy, `sys/auth/approle`, a role with token_policies and token_ttl, its
// role ID, a secret ID, a login, a read allowed by the policy and refused everywhere else, and the token
// expiring after an hour of manual clock.
import { describe, expect, it } from 'vitest'
import { authVault, putPolicy, rejection } from '../auth/helpers.js'

describe('AppRole walk-through', () => {
  it('policy → enable → role → role-id → secret-id → login → read → refused elsewhere → expires', async () => {
    const h = await authVault()
    await putPolicy(h, 'myapp', 'path "secret/data/myapp/*" { capabilities = ["read"] }')
    await h.call('POST', 'sys/auth/approle', { type: 'approle' })
    await h.call('POST', 'auth/approle/role/myapp', { token_policies: 'myapp', token_ttl: '1h' })
    const roleId = (await h.call<{ role_id: string }>('GET', 'auth/approle/role/myapp/role-id')).data?.role_id
    const generated = await h.call<{ secret_id: string; secret_id_accessor: string }>(
      'POST',
      'auth/approle/role/myapp/secret-id',
    )
    const secretId = generated.data?.secret_id as string
    await h.vault.kv('secret', { token: 'root' }).put('myapp/stripe', { api_key: 'sk_live_123' })
    await h.vault.kv('secret', { token: 'root' }).put('other/db', { password: 'x' })

    const { token, auth } = await h.vault.login.appRole({ roleId: roleId as string, secretId })
    expect(token).toMatch(/^hvs\./)
    expect(auth).toMatchObject({
      client_token: token,
      policies: ['default', 'myapp'],
      token_policies: ['default', 'myapp'],
      metadata: { role_name: 'myapp' },
      lease_duration: 3600,
      renewable: true,
      entity_id: '',
      token_type: 'service',
      orphan: true,
      num_uses: 0,
    })
    expect(auth.accessor).toMatch(/^[A-Za-z0-9]{24}$/)

    const app = h.vault.withToken(token)
    const secret = await app.kv('secret').get('myapp/stripe')
    expect(secret?.data).toEqual({ api_key: 'sk_live_123' })
    const raw = await app.request({ method: 'GET', path: 'secret/data/myapp/stripe' })
    expect((raw.data as { data: unknown }).data).toEqual({ api_key: 'sk_live_123' })

    // Refused everywhere else: another key, a write, sys, the auth method's own admin paths.
    for (const [method, path] of [
      ['GET', 'secret/data/other/db'],
      ['POST', 'secret/data/myapp/stripe'],
      ['GET', 'sys/mounts'],
      ['GET', 'auth/approle/role/myapp'],
      ['POST', 'auth/approle/role/myapp/secret-id'],
      ['LIST', 'secret/metadata/myapp'],
    ] as const) {
      const err = await rejection(app.request({ method, path, data: { data: { api_key: 'x' } } }))
      expect(err.statusCode, `${method} ${path}`).toBe(403)
    }

    const self = (await app.request({ method: 'GET', path: 'auth/token/lookup-self' })).data
    expect(self).toMatchObject({
      display_name: 'approle',
      path: 'auth/approle/login',
      policies: ['default', 'myapp'],
      meta: { role_name: 'myapp' },
      ttl: 3600,
      creation_ttl: 3600,
      orphan: true,
      renewable: true,
      type: 'service',
    })

    // An hour of manual clock: the token's lease expires and revokes it.
    await h.clock.advance('59m59s')
    await h.vault.leases.idle()
    expect((await app.kv('secret').get('myapp/stripe'))?.data).toEqual({ api_key: 'sk_live_123' })
    await h.clock.advance('1s')
    await h.vault.leases.idle()
    expect((await rejection(app.kv('secret').get('myapp/stripe'))).statusCode).toBe(403)
    const lookup = await rejection(h.call('POST', 'auth/token/lookup-accessor', { accessor: auth.accessor }))
    expect(lookup.statusCode).toBe(400)
  })
})
