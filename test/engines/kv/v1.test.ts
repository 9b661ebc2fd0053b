// KV version 1 (api-docs/secret/kv/kv-v1; Vault's vault-plugin-secrets-kv passthrough.go).
import { describe, expect, it } from 'vitest'
import { createKvBackend, PassthroughKvBackend } from '../../../src/engines/kv/index.js'
import { backendConfig, call, errorBody, kvVault, logical, mountKv, policyToken, raw } from './helpers.js'

async function v1(version: '1' | null = null) {
  const vault = await kvVault()
  await mountKv(vault, 'kv', version)
  return vault
}

describe('KV v1 mounts (api-docs/secret/kv/kv-v1)', () => {
  it('is the default when options.version is absent, as with "1" or type kv-v1', async () => {
    const vault = await kvVault()
    await mountKv(vault, 'a', null)
    await mountKv(vault, 'b', '1')
    await call(vault, 'POST', 'sys/mounts/c', { type: 'kv-v1' })
    for (const m of ['a', 'b', 'c']) {
      expect(await raw(vault, 'POST', `${m}/x`, { v: 1 })).toEqual({ status: 204, body: null })
      expect((await call(vault, 'GET', `${m}/x`)).data).toEqual({ v: 1 })
    }
    expect(createKvBackend(backendConfig({}))).toBeInstanceOf(PassthroughKvBackend)
  })
})

describe('KV v1 read / create-update / delete / list (api-docs/secret/kv/kv-v1)', () => {
  it('writes an arbitrary JSON object and reads it back verbatim, without a lease', async () => {
    const vault = await v1()
    const secret = { foo: 'bar', n: 3, nested: { a: [1, 2] }, ok: true }
    expect(await raw(vault, 'POST', 'kv/my-secret', secret)).toEqual({ status: 204, body: null })
    const res = await call(vault, 'GET', 'kv/my-secret')
    expect(res).toMatchObject({ lease_id: '', renewable: false, data: secret, mount_type: 'kv' })
  })

  it('a write replaces the whole secret (no merge)', async () => {
    const vault = await v1()
    await call(vault, 'POST', 'kv/s', { a: 1, b: 2 })
    await call(vault, 'PUT', 'kv/s', { c: 3 })
    expect((await call(vault, 'GET', 'kv/s')).data).toEqual({ c: 3 })
  })

  it('reading a missing secret is 404 with an empty errors list', async () => {
    const vault = await v1()
    expect(await raw(vault, 'GET', 'kv/nope')).toEqual(errorBody(404))
  })

  it('a write without data is refused: missing data fields', async () => {
    const vault = await v1()
    expect(await raw(vault, 'POST', 'kv/s', {})).toEqual(errorBody(400, 'missing data fields'))
  })

  it('a write at the mount root is refused: missing path', async () => {
    const vault = await v1()
    expect(await raw(vault, 'POST', 'kv/', { a: 1 })).toEqual(errorBody(400, 'missing path'))
  })

  it('delete answers 204, is idempotent, and the secret reads 404 afterwards', async () => {
    const vault = await v1()
    await call(vault, 'POST', 'kv/s', { a: 1 })
    expect(await raw(vault, 'DELETE', 'kv/s')).toEqual({ status: 204, body: null })
    expect(await raw(vault, 'DELETE', 'kv/s')).toEqual({ status: 204, body: null })
    expect((await raw(vault, 'GET', 'kv/s')).status).toBe(404)
  })

  it('lists keys and folders one level down; an empty list is 404', async () => {
    const vault = await v1()
    await call(vault, 'POST', 'kv/app/db', { a: 1 })
    await call(vault, 'POST', 'kv/app/web/tls', { a: 1 })
    await call(vault, 'POST', 'kv/top', { a: 1 })
    expect((await call(vault, 'LIST', 'kv/')).data).toEqual({ keys: ['app/', 'top'] })
    expect((await call(vault, 'LIST', 'kv/app')).data).toEqual({ keys: ['db', 'web/'] })
    expect((await call(vault, 'GET', 'kv/app', { list: 'true' })).data).toEqual({ keys: ['db', 'web/'] })
    expect(await raw(vault, 'LIST', 'kv/none')).toEqual(errorBody(404))
  })

  it('existence check: a new path needs create, an existing one update', async () => {
    const vault = await v1()
    const creator = await policyToken(vault, 'creator', 'path "kv/*" { capabilities = ["create", "read"] }')
    const updater = await policyToken(vault, 'updater', 'path "kv/*" { capabilities = ["update", "read"] }')
    expect((await raw(vault, 'POST', 'kv/new', { a: 1 }, creator)).status).toBe(204)
    expect((await raw(vault, 'POST', 'kv/new', { a: 2 }, creator)).status).toBe(403)
    expect((await raw(vault, 'POST', 'kv/new', { a: 2 }, updater)).status).toBe(204)
    expect((await raw(vault, 'POST', 'kv/other', { a: 1 }, updater)).status).toBe(403)
  })
})

describe('KV v1 ttl: an advisory lease_duration without a lease (api-docs/secret/kv/kv-v1)', () => {
  async function read(data: Record<string, unknown>) {
    const config = backendConfig({})
    const backend = createKvBackend(config)
    await backend.handleRequest(logical(config, 'create', 's', data))
    return backend.handleRequest(logical(config, 'read', 's'))
  }

  it('the ttl key sets leaseDuration; the data keeps it; no secret (so no lease) is returned', async () => {
    const resp = await read({ foo: 'bar', ttl: '1h' })
    expect(resp).toEqual({ data: { foo: 'bar', ttl: '1h' }, leaseDuration: 3600 })
    expect(resp?.secret).toBeUndefined()
  })

  it('lease is the fallback key; seconds as numbers work', async () => {
    expect((await read({ lease: 90 }))?.leaseDuration).toBe(90)
    expect((await read({ ttl: '30m', lease: 90 }))?.leaseDuration).toBe(1800)
  })

  it('without a ttl, or with one that does not parse, the mount default TTL applies', async () => {
    expect((await read({ foo: 'bar' }))?.leaseDuration).toBe(768 * 3600)
    expect((await read({ ttl: 'soon' }))?.leaseDuration).toBe(768 * 3600)
  })

  // Enable once the pipeline's #respond copies `leaseDuration` into `lease_duration` (lead's wiring).
  it('the envelope shows lease_duration = ttl with lease_id "" and renewable false', async () => {
    const vault = await v1()
    await call(vault, 'POST', 'kv/s', { foo: 'bar', ttl: '1h' })
    expect(await call(vault, 'GET', 'kv/s')).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 3600,
    })
  })
})
