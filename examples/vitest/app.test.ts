// A test suite for code that talks to Vault over HTTP, against vaultlet's fake Vault (see
// global-setup.ts). Runs with `npx tsx examples/testing-with-vitest.ts`.
import { ManualClock, startTestVault } from 'vaultlet/testing/server'
import { describe, expect, inject, it } from 'vitest'
import { databasePassword } from './app.js'

const vault = inject('vault')

async function put(path: string, data: Record<string, unknown>, env = vault): Promise<void> {
  const res = await fetch(`${env.VAULT_ADDR}/v1/secret/data/${path}`, {
    method: 'PUT',
    headers: { 'X-Vault-Token': env.VAULT_TOKEN },
    body: JSON.stringify({ data }),
  })
  expect(res.status).toBe(200)
}

describe('databasePassword', () => {
  it('reads the password from the shared test vault', async () => {
    await put('myapp/db', { password: 'from-global-setup' })
    expect(await databasePassword(vault)).toBe('from-global-setup')
  })

  it('fails clearly when the secret is missing (a vault of its own for this test)', async () => {
    const t = await startTestVault()
    try {
      await expect(databasePassword(t.env)).rejects.toThrow('vault answered 404: {"errors":[]}')
    } finally {
      await t.close()
    }
  })

  it('fails when its token has expired — time moved by the test, not waited for', async () => {
    const t = await startTestVault({ clock: 'manual' })
    try {
      expect(t.clock).toBeInstanceOf(ManualClock)
      await put('myapp/db', { password: 'p' }, t.env)
      const created = await fetch(`${t.url}/v1/auth/token/create`, {
        method: 'POST',
        headers: { 'X-Vault-Token': t.token },
        body: JSON.stringify({ policies: ['default'], ttl: '1h' }),
      })
      const token: string = (await created.json()).auth.client_token
      await t.clock.advance('2h')
      await t.vault.leases.idle()
      await expect(databasePassword({ VAULT_ADDR: t.url, VAULT_TOKEN: token })).rejects.toThrow('403')
    } finally {
      await t.close()
    }
  })
})
