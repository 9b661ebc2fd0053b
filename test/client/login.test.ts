// The typed doors over request(): vault.login.appRole / vault.login.userpass and vault.withToken.
import { describe, expect, it } from 'vitest'
import { LoginClient, TokenScope } from '../../src/index.node.js'
import { authVault, rejection } from '../engines/auth/helpers.js'

describe('vault.login and vault.withToken', () => {
  it('logs in at another mount path, answers { token, auth }', async () => {
    const h = await authVault()
    await h.call('POST', 'sys/auth/machines', { type: 'approle' })
    await h.call('POST', 'sys/auth/people', { type: 'userpass' })
    await h.call('POST', 'auth/machines/role/ci', {
      bind_secret_id: false,
      secret_id_bound_cidrs: '10.0.0.0/8',
    })
    await h.call('POST', 'auth/people/users/ann', { password: 'pw' })
    const roleId = (await h.call('GET', 'auth/machines/role/ci/role-id')).data?.role_id as string
    const m = await h.vault.login.appRole({
      roleId,
      mount: 'machines/',
      connection: { remoteAddress: '10.0.0.5' },
    })
    expect(m.token).toBe(m.auth.client_token)
    expect(m.auth.metadata).toEqual({ role_name: 'ci' })
    const p = await h.vault.login.userpass('ann', 'pw', { mount: '/people' })
    expect(p.auth.metadata).toEqual({ username: 'ann' })
    expect((await rejection(h.vault.login.userpass('ann', 'bad', { mount: 'people' }))).statusCode).toBe(400)
    expect(() => h.vault.login.appRole({ roleId, mount: '/' })).toThrow(TypeError)
  })

  it('withToken fills in its token (ignoring any other) for request() and kv()', async () => {
    const h = await authVault()
    await h.call('POST', 'sys/auth/userpass', { type: 'userpass' })
    await h.call('POST', 'auth/userpass/users/ann', { password: 'pw' })
    const { token } = await h.vault.login.userpass('ann', 'pw')
    const scope = h.vault.withToken(token)
    expect(scope).toBeInstanceOf(TokenScope)
    expect(scope.token).toBe(token)
    const self = await scope.request({
      method: 'GET',
      path: 'auth/token/lookup-self',
      token: 'root',
    } as never)
    expect(self.data?.display_name).toBe('userpass-ann')
    expect((await rejection(scope.kv('secret').get('x'))).statusCode).toBe(403)
    expect((await h.vault.withToken('root').kv('secret').put('x', { a: 1 }))?.version).toBe(1)
    expect(() => h.vault.withToken('')).toThrow(TypeError)
    expect(h.vault.login).toBeInstanceOf(LoginClient)
  })
})
