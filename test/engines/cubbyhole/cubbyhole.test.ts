// The cubbyhole engine (api-docs/secret/cubbyhole, docs/secrets/cubbyhole).
import { describe, expect, it } from 'vitest'
import { Vault } from '../../../src/index.node.js'

async function twoTokens() {
  const vault = await Vault.dev({ rootToken: 'root' })
  const mk = async () =>
    (
      await vault.request({
        method: 'POST',
        path: 'auth/token/create',
        data: { policies: ['default'] },
        token: 'root',
      })
    ).auth!.client_token
  return { vault, a: await mk(), b: await mk() }
}

describe('cubbyhole (api-docs/secret/cubbyhole)', () => {
  it('is mounted by default as a local cubbyhole mount', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    const mounts = await vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })
    expect(mounts.data?.['cubbyhole/']).toMatchObject({ type: 'cubbyhole', local: true })
  })

  it('write, read, list, delete within one token', async () => {
    const { vault, a } = await twoTokens()
    expect(
      await vault.handle({ method: 'POST', path: 'cubbyhole/app/key', data: { v: 's3cret' }, token: a }),
    ).toEqual({
      status: 204,
      body: null,
    })
    expect((await vault.request({ method: 'GET', path: 'cubbyhole/app/key', token: a })).data).toEqual({
      v: 's3cret',
    })
    expect((await vault.request({ method: 'LIST', path: 'cubbyhole/app', token: a })).data).toEqual({
      keys: ['key'],
    })
    expect((await vault.request({ method: 'LIST', path: 'cubbyhole/', token: a })).data).toEqual({
      keys: ['app/'],
    })
    await vault.request({ method: 'DELETE', path: 'cubbyhole/app/key', token: a })
    expect((await vault.handle({ method: 'GET', path: 'cubbyhole/app/key', token: a })).status).toBe(404)
  })

  it('is private: neither another token nor root can read it', async () => {
    const { vault, a, b } = await twoTokens()
    await vault.request({ method: 'POST', path: 'cubbyhole/k', data: { v: 1 }, token: a })
    expect((await vault.handle({ method: 'GET', path: 'cubbyhole/k', token: b })).status).toBe(404)
    expect((await vault.handle({ method: 'GET', path: 'cubbyhole/k', token: 'root' })).status).toBe(404)
  })

  it('is destroyed with its token', async () => {
    const { vault, a } = await twoTokens()
    await vault.request({ method: 'POST', path: 'cubbyhole/k', data: { v: 1 }, token: a })
    const before = await countKeys(vault)
    await vault.request({ method: 'POST', path: 'auth/token/revoke', data: { token: a }, token: 'root' })
    expect(await countKeys(vault)).toBeLessThan(before)
    const mounts = await vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })
    const uuid = (mounts.data as Record<string, { uuid: string }>)['cubbyhole/']!.uuid
    expect((await allKeys(vault)).filter((k) => k.startsWith(`logical/${uuid}/`))).toEqual([])
  })

  it('a write without data is refused', async () => {
    const { vault, a } = await twoTokens()
    expect(await vault.handle({ method: 'POST', path: 'cubbyhole/k', data: {}, token: a })).toEqual({
      status: 400,
      body: { errors: ['missing data fields'] },
    })
  })
})

async function allKeys(vault: Vault, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const k of await vault.storage.list(prefix)) {
    if (k.endsWith('/')) out.push(...(await allKeys(vault, prefix + k)))
    else out.push(prefix + k)
  }
  return out
}
async function countKeys(vault: Vault) {
  return (await allKeys(vault)).length
}
