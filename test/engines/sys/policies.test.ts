// sys/policies/acl and the legacy sys/policy (api-docs/system/policies, api-docs/system/policy).
import { describe, expect, it } from 'vitest'
import { Vault } from '../../../src/index.node.js'

const POLICY = 'path "secret/*" {\n  capabilities = ["read", "list"]\n}\n'

async function dev() {
  const vault = await Vault.dev({ rootToken: 'root' })
  const call = (method: string, path: string, data?: Record<string, unknown>, token = 'root') =>
    vault.handle({ method: method as 'GET', path, ...(data ? { data } : {}), token })
  return { vault, call }
}

describe('sys/policies/acl (api-docs/system/policies)', () => {
  it('writes (204), reads {name, policy}, lists with root, deletes', async () => {
    const { call } = await dev()
    expect(await call('PUT', 'sys/policies/acl/app', { policy: POLICY })).toEqual({ status: 204, body: null })
    const read = await call('GET', 'sys/policies/acl/app')
    expect(read.status).toBe(200)
    expect((read.body as { data: unknown }).data).toEqual({ name: 'app', policy: POLICY })
    const list = await call('LIST', 'sys/policies/acl')
    expect((list.body as { data: unknown }).data).toEqual({ keys: ['app', 'default', 'root'] })
    expect(await call('DELETE', 'sys/policies/acl/app')).toEqual({ status: 204, body: null })
    expect(await call('GET', 'sys/policies/acl/app')).toEqual({ status: 404, body: { errors: [] } })
  })

  it('the default policy exists after init, with Vault’s paths, and cannot be deleted', async () => {
    const { call } = await dev()
    const read = await call('GET', 'sys/policies/acl/default')
    const text = (read.body as { data: { policy: string } }).data.policy
    for (const p of [
      'auth/token/lookup-self',
      'auth/token/renew-self',
      'sys/capabilities-self',
      'cubbyhole/*',
      'sys/wrapping/unwrap',
    ]) {
      expect(text).toContain(`path "${p}"`)
    }
    expect(await call('DELETE', 'sys/policies/acl/default')).toEqual({
      status: 400,
      body: { errors: ['cannot delete default policy'] },
    })
  })

  it('root reads as an empty policy; cannot be written or deleted, whatever the case or spacing', async () => {
    const { call } = await dev()
    expect((await call('GET', 'sys/policies/acl/root')).body).toMatchObject({
      data: { name: 'root', policy: '' },
    })
    for (const name of ['root', 'ROOT', ' Root ']) {
      expect(
        await call('PUT', `sys/policies/acl/${encodeURIComponent(name).replace(/%20/g, ' ')}`, {
          policy: POLICY,
        }),
      ).toEqual({
        status: 400,
        body: { errors: ['cannot update "root" policy'] },
      })
    }
    expect(await call('DELETE', 'sys/policies/acl/root')).toEqual({
      status: 400,
      body: { errors: ['cannot delete "root" policy'] },
    })
  })

  it('response-wrapping can be neither written nor read', async () => {
    const { call } = await dev()
    expect((await call('PUT', 'sys/policies/acl/response-wrapping', { policy: POLICY })).body).toEqual({
      errors: ['cannot update "response-wrapping" policy'],
    })
    expect((await call('GET', 'sys/policies/acl/response-wrapping')).status).toBe(404)
  })

  it('lower-cases names with a warning', async () => {
    const { call } = await dev()
    const res = await call('PUT', 'sys/policies/acl/MyApp', { policy: POLICY })
    expect(res.status).toBe(200)
    expect((res.body as { warnings: string[] }).warnings).toEqual(['policy name was converted to myapp'])
    expect((await call('GET', 'sys/policies/acl/myapp')).status).toBe(200)
  })

  it('accepts base64-encoded policy text', async () => {
    const { call } = await dev()
    await call('PUT', 'sys/policies/acl/b64', { policy: Buffer.from(POLICY).toString('base64') })
    expect((await call('GET', 'sys/policies/acl/b64')).body).toMatchObject({ data: { policy: POLICY } })
  })

  it('an empty or unparsable policy is refused and changes nothing', async () => {
    const { call } = await dev()
    await call('PUT', 'sys/policies/acl/app', { policy: POLICY })
    expect(await call('PUT', 'sys/policies/acl/app', { policy: '' })).toEqual({
      status: 400,
      body: { errors: ["'policy' parameter not supplied or empty"] },
    })
    const bad = await call('PUT', 'sys/policies/acl/app', { policy: 'path "x" { capabilities = ["fly"] }' })
    expect(bad.status).toBe(400)
    expect((bad.body as { errors: string[] }).errors[0]).toMatch(/^failed to parse policy: /)
    expect((await call('GET', 'sys/policies/acl/app')).body).toMatchObject({ data: { policy: POLICY } })
  })

  it('needs a token allowed by the ACL', async () => {
    const { call } = await dev()
    expect((await call('PUT', 'sys/policies/acl/app', { policy: POLICY }, '')).status).toBe(403)
  })
})

describe('sys/policy, the legacy API (api-docs/system/policy)', () => {
  it('lists keys and policies, reads rules, accepts rules with a deprecation warning', async () => {
    const { call } = await dev()
    await call('PUT', 'sys/policy/app', { policy: POLICY })
    const list = await call('GET', 'sys/policy')
    expect(list.body).toMatchObject({
      keys: ['app', 'default', 'root'],
      policies: ['app', 'default', 'root'],
      data: { keys: ['app', 'default', 'root'], policies: ['app', 'default', 'root'] },
    })
    expect((await call('GET', 'sys/policy/app')).body).toMatchObject({ data: { name: 'app', rules: POLICY } })
    const viaRules = await call('PUT', 'sys/policy/other', { rules: POLICY })
    expect((viaRules.body as { warnings: string[] }).warnings).toEqual([
      "'rules' is deprecated, please use 'policy' instead",
    ])
    expect(await call('DELETE', 'sys/policy/other')).toEqual({ status: 204, body: null })
  })
})
