// Every request authorized as Vault authorizes it: token → policies → ACL, sudo on root paths,
// num_uses, unauthenticated paths (docs/concepts/policies, docs/concepts/tokens).
import { describe, expect, it } from 'vitest'
import { Vault } from '../../src/index.node.js'

async function setup(policy: string, tokenData: Record<string, unknown> = {}) {
  const vault = await Vault.dev({ rootToken: 'root' })
  await vault.request({ method: 'PUT', path: 'sys/policies/acl/p', data: { policy }, token: 'root' })
  const res = await vault.request({
    method: 'POST',
    path: 'auth/token/create',
    data: { policies: ['p'], ...tokenData },
    token: 'root',
  })
  return { vault, token: res.auth!.client_token }
}

const DENIED = { status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } }

describe('ACL in the pipeline (docs/concepts/policies)', () => {
  it('a granted capability passes; an ungranted one is 403 with Vault’s multierror', async () => {
    const { vault, token } = await setup('path "sys/mounts" { capabilities = ["read"] }')
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token })).status).toBe(200)
    expect(await vault.handle({ method: 'GET', path: 'sys/key-status', token })).toEqual(DENIED)
  })

  it('update ≠ create: the existence check decides which capability is needed', async () => {
    const { vault, token } = await setup('path "cubbyhole/*" { capabilities = ["update", "read"] }', {
      no_default_policy: true,
    })
    // Nothing there yet: POST is a create, which the policy does not grant.
    expect(await vault.handle({ method: 'POST', path: 'cubbyhole/x', data: { a: 1 }, token })).toEqual(DENIED)
  })

  it('root-protected paths need sudo: update alone is not enough for sys/rotate', async () => {
    const without = await setup('path "sys/rotate" { capabilities = ["update"] }')
    expect(await without.vault.handle({ method: 'POST', path: 'sys/rotate', token: without.token })).toEqual(
      DENIED,
    )
    const withSudo = await setup('path "sys/rotate" { capabilities = ["update", "sudo"] }')
    expect(
      (await withSudo.vault.handle({ method: 'POST', path: 'sys/rotate', token: withSudo.token })).status,
    ).toBe(204)
  })

  it('an unmounted path answers 403 to a token without a grant there, 404 to one with it', async () => {
    const { vault, token } = await setup('path "nowhere/*" { capabilities = ["read"] }')
    expect(await vault.handle({ method: 'GET', path: 'elsewhere/x', token })).toEqual(DENIED)
    expect((await vault.handle({ method: 'GET', path: 'nowhere/x', token })).status).toBe(404)
  })

  it('the default policy lets a token look itself up', async () => {
    const { vault, token } = await setup('path "x" { capabilities = ["read"] }')
    const res = await vault.request({ method: 'GET', path: 'auth/token/lookup-self', token })
    expect(res.data?.policies).toEqual(['default', 'p'])
  })

  it('a deleted policy still named on a token acts as empty', async () => {
    const { vault, token } = await setup('path "sys/mounts" { capabilities = ["read"] }')
    await vault.request({ method: 'DELETE', path: 'sys/policies/acl/p', token: 'root' })
    expect(await vault.handle({ method: 'GET', path: 'sys/mounts', token })).toEqual(DENIED)
  })

  it('policy changes apply to existing tokens at once', async () => {
    const { vault, token } = await setup('path "sys/mounts" { capabilities = ["deny"] }')
    expect(await vault.handle({ method: 'GET', path: 'sys/mounts', token })).toEqual(DENIED)
    await vault.request({
      method: 'PUT',
      path: 'sys/policies/acl/p',
      data: { policy: 'path "sys/mounts" { capabilities = ["read"] }' },
      token: 'root',
    })
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token })).status).toBe(200)
  })

  it('parameter constraints apply (allowed_parameters)', async () => {
    const { vault, token } = await setup(
      'path "sys/policies/acl/*" { capabilities = ["update"]\n allowed_parameters = { "policy" = ["path \\"a\\" { capabilities = [\\"read\\"] }"] } }',
    )
    const ok = await vault.handle({
      method: 'PUT',
      path: 'sys/policies/acl/q',
      data: { policy: 'path "a" { capabilities = ["read"] }' },
      token,
    })
    expect(ok.status).toBe(204)
    const other = await vault.handle({
      method: 'PUT',
      path: 'sys/policies/acl/q',
      data: { policy: 'path "b" { capabilities = ["read"] }' },
      token,
    })
    expect(other).toEqual(DENIED)
  })

  it('min_wrapping_ttl forces wrapping; max_wrapping_ttl bounds it', async () => {
    const { vault, token } = await setup(
      'path "sys/wrapping/wrap" { capabilities = ["update"]\n min_wrapping_ttl = "1m"\n max_wrapping_ttl = "10m" }',
    )
    const wrap = (wrapTtl?: string) =>
      vault.handle({
        method: 'POST',
        path: 'sys/wrapping/wrap',
        data: { a: 'b' },
        token,
        ...(wrapTtl ? { wrapTtl } : {}),
      })
    expect(await wrap()).toEqual(DENIED)
    expect(await wrap('30s')).toEqual(DENIED)
    expect(await wrap('1h')).toEqual(DENIED)
    expect((await wrap('5m')).status).toBe(200)
  })
})

describe('num_uses (docs/concepts/tokens#token-use-limits)', () => {
  it('each request spends a use, denied ones too; the last use revokes the token', async () => {
    const { vault, token } = await setup('path "sys/mounts" { capabilities = ["read"] }', { num_uses: 3 })
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token })).status).toBe(200)
    expect((await vault.handle({ method: 'GET', path: 'sys/key-status', token })).status).toBe(403)
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token })).status).toBe(200)
    expect(await vault.handle({ method: 'GET', path: 'sys/mounts', token })).toEqual({
      status: 403,
      body: { errors: ['permission denied'] },
    })
  })
})

describe('unauthenticated paths', () => {
  it('sys/wrapping/lookup needs no token; sys/mounts does', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const wrapped = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/wrap',
      data: { a: 1 },
      wrapTtl: 60,
      token: 'root',
    })
    const res = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/lookup',
      data: { token: wrapped.wrap_info!.token },
    })
    expect(res.data).toMatchObject({ creation_path: 'sys/wrapping/wrap', creation_ttl: 60 })
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts' })).status).toBe(403)
  })
})

describe('property: a token never gets a capability none of its policies grants', () => {
  it('holds for random policies against sys/capabilities and real requests', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    let seed = 42
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const caps = ['read', 'list', 'update', 'create', 'delete', 'sudo', 'deny']
    const paths = [
      'sys/mounts',
      'sys/mounts/*',
      'sys/+/x',
      'sys/key-status',
      'sys/*',
      'cubbyhole/*',
      'auth/token/*',
    ]
    for (let round = 0; round < 15; round++) {
      const policy = Array.from({ length: 1 + rand(3) }, () => {
        const path = paths[rand(paths.length)]!
        const granted = caps.filter(() => rand(3) === 0)
        return { path, granted }
      })
      const hcl = policy
        .map((r) => `path "${r.path}" { capabilities = ${JSON.stringify(r.granted)} }`)
        .join('\n')
      await vault.request({
        method: 'PUT',
        path: `sys/policies/acl/r${round}`,
        data: { policy: hcl },
        token: 'root',
      })
      const token = (
        await vault.request({
          method: 'POST',
          path: 'auth/token/create',
          data: { policies: [`r${round}`], no_default_policy: true },
          token: 'root',
        })
      ).auth!.client_token
      const everGranted = new Set(policy.flatMap((r) => r.granted))
      for (const probe of [
        'sys/mounts',
        'sys/key-status',
        'sys/a/x',
        'cubbyhole/k',
        'auth/token/lookup-self',
      ]) {
        const got = (
          await vault.request({
            method: 'POST',
            path: 'sys/capabilities',
            data: { token, paths: [probe] },
            token: 'root',
          })
        ).data?.capabilities as string[]
        for (const c of got) if (c !== 'deny') expect(everGranted.has(c)).toBe(true)
      }
      if (!everGranted.has('read')) {
        expect((await vault.handle({ method: 'GET', path: 'sys/key-status', token })).status).toBe(403)
      }
    }
  })
})
