// sys/internal/ui/mounts: the preflight `vault kv …` sends before reading a KV mount (the CLI reads
// options.version from it), visible per the caller's policies (Vault's hasMountAccess).
import { describe, expect, it } from 'vitest'
import { ACL, parsePolicy, Vault } from '../../../src/index.node.js'

async function tokenWith(vault: Vault, policy: string): Promise<string> {
  await vault.request({ method: 'PUT', path: 'sys/policies/acl/p', data: { policy }, token: 'root' })
  return (
    await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      data: { policies: ['p'], no_default_policy: true },
      token: 'root',
    })
  ).auth!.client_token
}

describe('sys/internal/ui/mounts/:path', () => {
  it('tells a token with access to a KV v2 path the mount, its version and path', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const token = await tokenWith(vault, 'path "secret/data/myapp/*" { capabilities = ["read"] }')
    const res = await vault.request({
      method: 'GET',
      path: 'sys/internal/ui/mounts/secret/myapp/stripe',
      token,
    })
    expect(res.data).toMatchObject({ type: 'kv', path: 'secret/', options: { version: '2' } })
  })

  it('refuses a token without access, no token, and a path with no mount, alike (403)', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const token = await tokenWith(vault, 'path "other/*" { capabilities = ["read"] }')
    const message =
      'preflight capability check returned 403, please ensure client\'s policies grant access to path "secret/x/"'
    for (const t of [token, undefined]) {
      expect(
        await vault.handle({
          method: 'GET',
          path: 'sys/internal/ui/mounts/secret/x',
          ...(t ? { token: t } : {}),
        }),
      ).toEqual({
        status: 403,
        body: { errors: [message] },
      })
    }
    expect(
      (await vault.handle({ method: 'GET', path: 'sys/internal/ui/mounts/nope/x', token: 'root' })).status,
    ).toBe(403)
  })

  it('does not spend a use of the caller’s token', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const token = (
      await vault.request({ method: 'POST', path: 'auth/token/create', data: { num_uses: 1 }, token: 'root' })
    ).auth!.client_token
    await vault.handle({ method: 'GET', path: 'sys/internal/ui/mounts/secret/x', token })
    expect((await vault.handle({ method: 'GET', path: 'auth/token/lookup-self', token })).status).toBe(200)
  })
})

describe('sys/internal/ui/mounts', () => {
  it('lists the mounts a token can reach, and unauth-listed ones to anyone', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const token = await tokenWith(vault, 'path "secret/data/*" { capabilities = ["read"] }')
    const mine = await vault.request({ method: 'GET', path: 'sys/internal/ui/mounts', token })
    expect(Object.keys((mine.data as { secret: object }).secret)).toEqual(['secret/'])
    const anyone = await vault.request({ method: 'GET', path: 'sys/internal/ui/mounts' })
    expect(anyone.data).toEqual({ secret: {}, auth: {} })
  })
})

describe('ACL.hasAccessUnder (Vault hasMountAccess)', () => {
  it.each([
    ['path "secret/data/app/*" { capabilities = ["read"] }', 'secret/', true],
    ['path "secret/data/app" { capabilities = ["read"] }', 'secret/', true],
    ['path "secret/+/app" { capabilities = ["read"] }', 'secret/', true],
    ['path "*" { capabilities = ["read"] }', 'secret/', true],
    ['path "secret/data/app/*" { capabilities = ["deny"] }', 'secret/', false],
    ['path "other/*" { capabilities = ["read"] }', 'secret/', false],
  ])('%s under %s → %s', (policy, prefix, expected) => {
    expect(new ACL([parsePolicy('p', policy)]).hasAccessUnder(prefix)).toBe(expected)
  })
})
