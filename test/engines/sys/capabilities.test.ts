// sys/capabilities, -self, -accessor (api-docs/system/capabilities*).
import { describe, expect, it } from 'vitest'
import { Vault } from '../../../src/index.node.js'

async function setup() {
  const vault = await Vault.dev({ rootToken: 'root' })
  await vault.request({
    method: 'PUT',
    path: 'sys/policies/acl/p',
    data: {
      policy:
        'path "secret/*" { capabilities = ["read", "list"] }\npath "secret/admin" { capabilities = ["deny"] }',
    },
    token: 'root',
  })
  const auth = (
    await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      data: { policies: ['p'] },
      token: 'root',
    })
  ).auth!
  return { vault, token: auth.client_token, accessor: auth.accessor }
}

describe('sys/capabilities', () => {
  it('answers per path (sorted), plus `capabilities` for a single path', async () => {
    const { vault, token } = await setup()
    const two = await vault.request({
      method: 'POST',
      path: 'sys/capabilities',
      data: { token, paths: ['secret/app', 'secret/admin'] },
      token: 'root',
    })
    expect(two.data).toEqual({ 'secret/app': ['list', 'read'], 'secret/admin': ['deny'] })
    const one = await vault.request({
      method: 'POST',
      path: 'sys/capabilities',
      data: { token, path: 'other' },
      token: 'root',
    })
    expect(one.data).toEqual({ other: ['deny'], capabilities: ['deny'] })
    expect(one.capabilities).toEqual(['deny'])
  })

  it('root has ["root"]', async () => {
    const { vault } = await setup()
    const res = await vault.request({
      method: 'POST',
      path: 'sys/capabilities',
      data: { token: 'root', paths: ['x'] },
      token: 'root',
    })
    expect(res.data?.capabilities).toEqual(['root'])
  })

  it.each([
    [{ paths: ['x'] }, 'missing token'],
    [{ token: 'nope', paths: ['x'] }, 'invalid token'],
    [{ token: 'root' }, 'paths must be supplied'],
  ])('%j → 400 %s', async (data, message) => {
    const { vault } = await setup()
    expect(await vault.handle({ method: 'POST', path: 'sys/capabilities', data, token: 'root' })).toEqual({
      status: 400,
      body: { errors: [message] },
    })
  })

  it('capabilities-self uses the calling token (allowed by the default policy)', async () => {
    const { vault, token } = await setup()
    const res = await vault.request({
      method: 'POST',
      path: 'sys/capabilities-self',
      data: { paths: ['secret/x'] },
      token,
    })
    expect(res.data?.capabilities).toEqual(['list', 'read'])
  })

  it('capabilities-accessor looks the token up by accessor', async () => {
    const { vault, accessor } = await setup()
    const res = await vault.request({
      method: 'POST',
      path: 'sys/capabilities-accessor',
      data: { accessor, paths: ['secret/x'] },
      token: 'root',
    })
    expect(res.data?.capabilities).toEqual(['list', 'read'])
    expect(
      await vault.handle({
        method: 'POST',
        path: 'sys/capabilities-accessor',
        data: { accessor: 'nope', paths: ['x'] },
        token: 'root',
      }),
    ).toEqual({ status: 400, body: { errors: ['invalid accessor'] } })
  })
})
