// auth/token/ through the whole pipeline (vault.request / vault.handle), root-driven: the envelope with
// its `auth` block (reference §3.2), lookups (§3.3), renew, revoke, accessors, tidy, num_uses counted
// by the pipeline. These run once the core mounts the token backend at auth/token/; until then they are
// skipped (the backend itself is covered by the other files in this folder).
import { describe, expect, it } from 'vitest'
import { Vault } from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'

const ROOT = 'root'

async function dev(): Promise<{ vault: Vault; clock: ManualClock }> {
  const clock = new ManualClock()
  const vault = await Vault.dev({ rootToken: ROOT, clock })
  return { vault, clock }
}

const probe = await (await dev()).vault.handle({ method: 'GET', path: 'auth/token/lookup-self', token: ROOT })
const wired = probe.status === 200

describe.skipIf(!wired)('auth/token/ through the pipeline', () => {
  it('create: Vault’s envelope and auth block', async () => {
    const { vault } = await dev()
    const res = await vault.handle({
      method: 'POST',
      path: 'auth/token/create',
      token: ROOT,
      data: { policies: ['default'], ttl: '1h', meta: { user: 'armon' } },
    })
    expect(res.status).toBe(200)
    const body = res.body as Record<string, unknown>
    expect(body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      mount_type: 'token',
    })
    const auth = body.auth as unknown as Record<string, unknown>
    expect(Object.keys(auth)).toEqual([
      'client_token',
      'accessor',
      'policies',
      'token_policies',
      'metadata',
      'lease_duration',
      'renewable',
      'entity_id',
      'token_type',
      'orphan',
      'mfa_requirement',
      'num_uses',
    ])
    expect(auth).toMatchObject({
      policies: ['default'],
      token_policies: ['default'],
      metadata: { user: 'armon' },
      lease_duration: 3600,
      renewable: true,
      entity_id: '',
      token_type: 'service',
      orphan: false,
      mfa_requirement: null,
      num_uses: 0,
    })
    expect(String(auth.client_token)).toMatch(/^hvs\./)
  })

  it('lookup-self, lookup?token=, renew, revoke', async () => {
    const { vault, clock } = await dev()
    const created = await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      token: ROOT,
      data: { policies: ['default'], ttl: '1h' },
    })
    const token = String(created.auth?.client_token)
    const self = await vault.request({ method: 'GET', path: 'auth/token/lookup-self', token: ROOT })
    expect(self.data).toMatchObject({ id: ROOT, policies: ['root'], path: 'auth/token/root' })
    const looked = await vault.request({
      method: 'GET',
      path: 'auth/token/lookup',
      token: ROOT,
      data: { token },
    })
    expect(looked.data).toMatchObject({ id: token, ttl: 3600, renewable: true })
    await clock.advance('30m')
    const renewed = await vault.request({
      method: 'POST',
      path: 'auth/token/renew',
      token: ROOT,
      data: { token },
    })
    expect(renewed.auth?.lease_duration).toBe(3600)
    expect(
      (await vault.handle({ method: 'POST', path: 'auth/token/revoke', token: ROOT, data: { token } }))
        .status,
    ).toBe(204)
    expect(
      await vault.handle({ method: 'POST', path: 'auth/token/lookup', token: ROOT, data: { token } }),
    ).toEqual({
      status: 403,
      body: { errors: ['bad token'] },
    })
  })

  it('LIST accessors (sudo: root), tidy 202', async () => {
    const { vault } = await dev()
    const list = await vault.request({ method: 'LIST', path: 'auth/token/accessors', token: ROOT })
    expect((list.data as { keys: string[] }).keys).toHaveLength(1)
    const tidy = await vault.handle({ method: 'POST', path: 'auth/token/tidy', token: ROOT })
    expect(tidy.status).toBe(202)
  })

  it('num_uses: the pipeline spends a use per request and revokes after the last', async () => {
    const { vault } = await dev()
    const created = await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      token: ROOT,
      data: { num_uses: 2 },
    })
    const token = String(created.auth?.client_token)
    const first = await vault.request({ method: 'GET', path: 'auth/token/lookup-self', token })
    expect(first.data?.num_uses).toBe(1)
    const second = await vault.request({ method: 'GET', path: 'auth/token/lookup-self', token })
    expect(second.data?.num_uses).toBe(-1)
    expect((await vault.handle({ method: 'GET', path: 'auth/token/lookup-self', token })).status).toBe(403)
  })

  it('expiry follows the vault’s clock', async () => {
    const { vault, clock } = await dev()
    const created = await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      token: ROOT,
      data: { ttl: '1h', policies: ['default'] },
    })
    const token = String(created.auth?.client_token)
    await clock.advance('1h')
    expect(
      (await vault.handle({ method: 'POST', path: 'auth/token/lookup', token: ROOT, data: { token } }))
        .status,
    ).toBe(403)
  })
})
