// KV v2 under concurrent writers, and what reaches the storage adapter (api-docs/secret/kv/kv-v2
// check-and-set; Vault's per-key locks and salted/encrypted storage keys in backend.go).
import { describe, expect, it } from 'vitest'
import { fromUtf8 } from '../../../src/util/encoding.js'
import { adapterKeys, call, kvV2, raw } from './helpers.js'

describe('KV v2 concurrent writers (api-docs/secret/kv/kv-v2 check-and-set)', () => {
  it('two writers racing with the same cas: exactly one wins', async () => {
    const vault = await kvV2()
    for (let round = 0; round < 5; round++) {
      const key = `secret/data/race${round}`
      const results = await Promise.all([
        raw(vault, 'POST', key, { data: { who: 'a' }, options: { cas: 0 } }),
        raw(vault, 'POST', key, { data: { who: 'b' }, options: { cas: 0 } }),
      ])
      expect(results.map((r) => r.status).sort()).toEqual([200, 400])
      const loser = results.find((r) => r.status === 400)
      expect(loser?.body).toEqual({ errors: ['check-and-set parameter did not match the current version'] })
      expect((await call(vault, 'GET', `secret/metadata/race${round}`)).data?.current_version).toBe(1)
    }
  })

  it('many writers without cas: versions never collide, none is lost', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/config', { max_versions: 50 })
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => call(vault, 'POST', 'secret/data/busy', { data: { i } })),
    )
    const versions = results.map((r) => r.data?.version as number).sort((a, b) => a - b)
    expect(versions).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    const seen = new Set<number>()
    for (let v = 1; v <= 25; v++) {
      seen.add(((await call(vault, 'GET', 'secret/data/busy', { version: v })).data!.data as { i: number }).i)
    }
    expect(seen.size).toBe(25)
  })

  it('writers and patchers interleaved keep a linear history', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/mix', { data: { n: 0 } })
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(vault, 'PATCH', 'secret/data/mix', { data: { [`k${i}`]: i } }),
      ),
    )
    const latest = (await call(vault, 'GET', 'secret/data/mix')).data!
    expect((latest.metadata as { version: number }).version).toBe(11)
    expect(Object.keys(latest.data as object)).toHaveLength(11)
  })
})

describe('KV v2 storage layout (behind the barrier, names opaque)', () => {
  it('neither secret names nor values appear in the adapter, in keys or in bytes', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/myapp/db-password', { data: { value: 'hunter2-super-secret' } })
    await call(vault, 'POST', 'secret/metadata/myapp/db-password', {
      custom_metadata: { owner: 'jdoe-owner' },
    })
    const keys = await adapterKeys(vault)
    expect(keys.some((k) => /myapp|db-password/.test(k))).toBe(false)
    for (const k of keys) {
      const bytes = await vault.storage.get(k)
      const text = fromUtf8(bytes ?? new Uint8Array())
      expect(text).not.toMatch(/hunter2|jdoe-owner|myapp/)
    }
    // Vault's layout: logical/<mount uuid>/<mount uuid>/{metadata,versions,policy,salt,upgrading,…}.
    const v2 = keys.filter((k) => /^logical\/([0-9a-f-]{36})\/\1\//.test(k))
    const kinds = new Set(v2.map((k) => k.split('/')[3]))
    expect(kinds).toEqual(new Set(['metadata', 'versions', 'policy', 'salt', 'upgrading']))
  })

  it('data, salt and key survive seal and unseal', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/a/b', { data: { v: 1 } })
    await vault.seal()
    await vault.unseal(vault.unsealKey)
    expect((await call(vault, 'GET', 'secret/data/a/b')).data?.data).toEqual({ v: 1 })
    expect((await call(vault, 'LIST', 'secret/metadata/a')).data).toEqual({ keys: ['b'] })
    await call(vault, 'POST', 'secret/data/a/b', { data: { v: 2 } })
    expect((await call(vault, 'GET', 'secret/metadata/a/b')).data?.current_version).toBe(2)
  })

  it('two mounts keep separate namespaces', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'sys/mounts/other', { type: 'kv-v2' })
    await call(vault, 'POST', 'secret/data/same', { data: { m: 'secret' } })
    await call(vault, 'POST', 'other/data/same', { data: { m: 'other' } })
    expect((await call(vault, 'GET', 'secret/data/same')).data?.data).toEqual({ m: 'secret' })
    expect((await call(vault, 'GET', 'other/data/same')).data?.data).toEqual({ m: 'other' })
  })
})
