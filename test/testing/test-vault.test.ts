// startTestVault: an isolated in-memory Vault HTTP API per call, on a free loopback port, with mounts
// made up front and an optional manual clock the test drives.
import nodeVault from 'node-vault'
import { describe, expect, it } from 'vitest'
import { ManualClock, startTestVault } from '../../src/testing/server.js'

describe('startTestVault', () => {
  it("serves Vault's API on a loopback port with a known root token and KV v2 at secret/", async () => {
    const t = await startTestVault()
    try {
      expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(t.token).toBe('root')
      expect(t.env).toEqual({ VAULT_ADDR: t.url, VAULT_TOKEN: 'root' })
      const client = nodeVault({ endpoint: t.url, token: t.token })
      await client.write('secret/data/a', { data: { b: 'c' } })
      // Same state in-process and over HTTP.
      expect((await t.vault.kv('secret', { token: t.token }).get('a'))?.data).toEqual({ b: 'c' })
    } finally {
      await t.close()
    }
  })

  it('gives each call its own vault and port', async () => {
    const [a, b] = await Promise.all([
      startTestVault({ rootToken: 'ta' }),
      startTestVault({ rootToken: 'tb' }),
    ])
    try {
      expect(a.url).not.toBe(b.url)
      await nodeVault({ endpoint: a.url, token: 'ta' }).write('secret/data/only-a', { data: { x: 1 } })
      const res = await fetch(`${b.url}/v1/secret/data/only-a`, { headers: { 'X-Vault-Token': 'tb' } })
      expect(res.status).toBe(404)
      expect(
        (await fetch(`${b.url}/v1/secret/data/only-a`, { headers: { 'X-Vault-Token': 'ta' } })).status,
      ).toBe(403)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('creates the mounts asked for', async () => {
    const t = await startTestVault({
      mounts: { 'kv1/': { type: 'kv', options: { version: '1' } }, '/team/': 'kv' },
    })
    try {
      const mounts = await (
        await fetch(`${t.url}/v1/sys/mounts`, { headers: { 'X-Vault-Token': t.token } })
      ).json()
      expect(mounts.data['kv1/']).toMatchObject({ type: 'kv', options: { version: '1' } })
      expect(mounts.data['team/']).toMatchObject({ type: 'kv' })
    } finally {
      await t.close()
    }
  })

  it('fails clearly for a mount that cannot be made', async () => {
    await expect(startTestVault({ mounts: { 'x/': 'no-such-engine' } })).rejects.toMatchObject({
      statusCode: 400,
    })
  })

  it('runs on a manual clock the test advances: tokens expire without waiting', async () => {
    const t = await startTestVault({ clock: 'manual' })
    try {
      expect(t.clock).toBeInstanceOf(ManualClock)
      const client = nodeVault({ endpoint: t.url, token: t.token })
      const created = await client.tokenCreate({ policies: ['default'], ttl: '1h' })
      const token = created.auth.client_token
      const lookup = () =>
        fetch(`${t.url}/v1/auth/token/lookup-self`, { headers: { 'X-Vault-Token': token } })
      expect((await lookup()).status).toBe(200)
      await t.clock.advance('59m')
      expect((await (await lookup()).json()).data.ttl).toBe(60)
      await t.clock.advance('2m')
      await t.vault.leases.idle()
      expect((await lookup()).status).toBe(403)
    } finally {
      await t.close()
    }
  })

  it('closes: the port stops answering, the vault is sealed, close() twice is fine', async () => {
    const t = await startTestVault()
    await t.close()
    await t.close()
    expect(t.vault.sealed).toBe(true)
    await expect(fetch(`${t.url}/v1/sys/health`)).rejects.toThrow()
  })
})
