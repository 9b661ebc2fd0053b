// KvClient: the typed layer over request() for KV mounts (the calls `vault kv …` makes,
// api-docs/secret/kv/kv-v2 and kv-v1).
import { describe, expect, it } from 'vitest'
import { KvClient } from '../../../src/engines/kv/index.js'
import { VaultError } from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { call, kvV2, kvVault, mountKv, policyToken } from './helpers.js'

async function client(token = 'root') {
  const vault = await kvV2({ clock: new ManualClock() })
  return { vault, kv: new KvClient((req) => vault.request(req), 'secret', token) }
}

describe('KvClient on a KV v2 mount', () => {
  it('put / get / patch / versions', async () => {
    const { kv } = await client()
    expect(await kv.put('app/db', { user: 'u', password: 'p' })).toMatchObject({
      version: 1,
      destroyed: false,
    })
    expect(await kv.put('app/db', { user: 'u', password: 'q' }, { cas: 1 })).toMatchObject({ version: 2 })
    await expect(kv.put('app/db', { x: 1 }, { cas: 1 })).rejects.toMatchObject({
      statusCode: 400,
      errors: ['check-and-set parameter did not match the current version'],
    })
    expect(await kv.patch('app/db', { password: null, extra: 'e' })).toMatchObject({ version: 3 })
    expect(await kv.get('app/db')).toEqual({
      data: { user: 'u', extra: 'e' },
      metadata: {
        created_time: '2024-01-01T00:00:00Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 3,
      },
    })
    expect((await kv.get<{ password: string }>('app/db', { version: 1 }))?.data?.password).toBe('p')
    expect(await kv.get('nope')).toBeNull()
  })

  it('delete / undelete / destroy', async () => {
    const { kv } = await client()
    await kv.put('s', { a: 1 })
    await kv.put('s', { a: 2 })
    await kv.delete('s')
    const deleted = await kv.get('s')
    // The pipeline may hand back the 404 body (data null + metadata) or surface the 404 as an error.
    if (deleted !== null) expect(deleted).toMatchObject({ data: null, metadata: { version: 2 } })
    await kv.undelete('s', [2])
    expect((await kv.get('s'))?.data).toEqual({ a: 2 })
    await kv.delete('s', { versions: [1] })
    await kv.destroy('s', [2])
    const meta = await kv.metadata('s')
    expect(meta?.versions['1']?.deletion_time).not.toBe('')
    expect(meta?.versions['2']?.destroyed).toBe(true)
  })

  it('metadata / writeMetadata / patchMetadata / deleteMetadata / list / subkeys', async () => {
    const { kv } = await client()
    await kv.put('team/a', { user: 'u', db: { host: 'h' } })
    await kv.put('team/b/c', { x: 1 })
    expect(await kv.writeMetadata('team/a', { max_versions: 3, custom_metadata: { owner: 'jdoe' } })).toEqual(
      [],
    )
    await kv.patchMetadata('team/a', { custom_metadata: { owner: null, team: 'core' } })
    expect(await kv.metadata('team/a')).toMatchObject({ max_versions: 3, custom_metadata: { team: 'core' } })
    expect(await kv.list('team')).toEqual(['a', 'b/'])
    expect(await kv.list('empty')).toEqual([])
    expect(await kv.subkeys('team/a')).toMatchObject({ subkeys: { user: null, db: { host: null } } })
    expect((await kv.subkeys('team/a', { depth: 1 }))?.subkeys).toEqual({ user: null, db: null })
    await kv.deleteMetadata('team/a')
    expect(await kv.metadata('team/a')).toBeNull()
    expect(await kv.subkeys('team/a')).toBeNull()
  })

  it('config / writeConfig', async () => {
    const { kv } = await client()
    await kv.writeConfig({ max_versions: 4, cas_required: true, delete_version_after: '1h' })
    expect(await kv.config()).toEqual({ cas_required: true, delete_version_after: '1h0m0s', max_versions: 4 })
    const warnings = await kv.writeMetadata('k', { cas_required: false })
    expect(warnings).toEqual([
      '"cas_required" set to false, but is mandated by backend config. This value will be ignored.',
    ])
  })

  it('goes through the ACL with its token', async () => {
    const { vault } = await client()
    await call(vault, 'POST', 'secret/data/app/x', { data: { a: 1 } })
    const token = await policyToken(vault, 'r', 'path "secret/data/app/*" { capabilities = ["read"] }')
    const kv = new KvClient((req) => vault.request(req), '/secret/', token)
    expect((await kv.get('app/x'))?.data).toEqual({ a: 1 })
    await expect(kv.put('app/x', { a: 2 })).rejects.toBeInstanceOf(VaultError)
    await expect(kv.metadata('app/x')).rejects.toMatchObject({ statusCode: 403 })
  })
})

describe('KvClient on a KV v1 mount', () => {
  it('get / put / delete / list; v2-only methods refuse', async () => {
    const vault = await kvVault()
    await mountKv(vault, 'kv', '1')
    const kv = new KvClient((req) => vault.request(req), 'kv', 'root', { version: 1 })
    expect(await kv.put('a/b', { v: 1, ttl: '1h' })).toBeNull()
    const got = await kv.get('a/b')
    expect(got).toMatchObject({ data: { v: 1, ttl: '1h' }, metadata: null })
    expect(typeof got?.leaseDuration).toBe('number')
    expect(await kv.list('a')).toEqual(['b'])
    await kv.delete('a/b')
    expect(await kv.get('a/b')).toBeNull()
    await expect(kv.patch('a/b', {})).rejects.toThrow('KvClient.patch() needs a KV version 2 mount')
    await expect(kv.delete('a/b', { versions: [1] })).rejects.toThrow(TypeError)
  })

  it('checks its arguments', () => {
    const request = async () => {
      throw new Error('unused')
    }
    expect(() => new KvClient(request, '')).toThrow('KvClient needs a mount path')
    expect(() => new KvClient(request, 'kv', undefined, { version: 3 as 2 })).toThrow(
      'unsupported KV version 3',
    )
  })
})
