// KV v2 metadata (api-docs/secret/kv/kv-v2: "List secrets", "Read secret metadata", "Create/Update
// metadata", "Patch metadata", "Delete metadata and all versions"; Vault's path_metadata.go).
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { adapterKeys, call, errorBody, kvV2, policyToken, raw } from './helpers.js'

const T0 = '2024-01-01T00:00:00Z'
const PREFIX = 'custom_metadata validation failed'
const one = (msg: string) => `1 error occurred:\n\t* ${msg}\n\n`

describe('KV v2 read secret metadata (api-docs/secret/kv/kv-v2)', () => {
  it('shows settings, versions and attribution', async () => {
    const clock = new ManualClock()
    const vault = await kvV2({ clock })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await clock.advance('1m')
    await call(vault, 'POST', 'secret/data/s', { data: { a: 2 } })
    await call(vault, 'DELETE', 'secret/data/s')
    expect((await call(vault, 'GET', 'secret/metadata/s')).data).toEqual({
      cas_required: false,
      created_time: T0,
      current_version: 2,
      custom_metadata: null,
      delete_version_after: '0s',
      last_updated_by: { actor: 'root', operation: 'delete' },
      max_versions: 0,
      oldest_version: 0,
      updated_time: '2024-01-01T00:01:00Z',
      versions: {
        '1': {
          created_by: { actor: 'root', operation: 'create' },
          created_time: T0,
          deleted_by: null,
          deletion_time: '',
          destroyed: false,
        },
        '2': {
          created_by: { actor: 'root', operation: 'update' },
          created_time: '2024-01-01T00:01:00Z',
          deleted_by: { actor: 'root', operation: 'delete' },
          deletion_time: '2024-01-01T00:01:00Z',
          destroyed: false,
        },
      },
    })
  })

  it('a key without metadata: 404', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'GET', 'secret/metadata/nope')).toEqual(errorBody(404))
  })
})

describe('KV v2 create/update metadata (api-docs/secret/kv/kv-v2)', () => {
  it('creates a record without versions (204); data reads stay 404 until a write', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    expect(
      await raw(vault, 'POST', 'secret/metadata/s', {
        max_versions: 5,
        cas_required: true,
        delete_version_after: '3h25m19s',
        custom_metadata: { foo: 'abc', bar: 123 },
      }),
    ).toEqual({ status: 204, body: null })
    expect((await call(vault, 'GET', 'secret/metadata/s')).data).toMatchObject({
      cas_required: true,
      created_time: T0,
      updated_time: T0,
      current_version: 0,
      custom_metadata: { foo: 'abc', bar: '123' },
      delete_version_after: '3h25m19s',
      max_versions: 5,
      versions: {},
    })
    expect(await raw(vault, 'GET', 'secret/data/s')).toEqual(errorBody(404))
  })

  it('changes no version; fields left out keep their value; empty custom_metadata reads null', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await call(vault, 'POST', 'secret/metadata/s', { custom_metadata: { owner: 'x' }, max_versions: 3 })
    await call(vault, 'POST', 'secret/metadata/s', { cas_required: true })
    let meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect(meta).toMatchObject({
      current_version: 1,
      custom_metadata: { owner: 'x' },
      max_versions: 3,
      cas_required: true,
    })
    await call(vault, 'POST', 'secret/metadata/s', { custom_metadata: {} })
    meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect(meta.custom_metadata).toBeNull()
  })

  it('a write without any setting writes nothing (the key is not created)', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'POST', 'secret/metadata/s', {})).toEqual({ status: 204, body: null })
    expect((await raw(vault, 'GET', 'secret/metadata/s')).status).toBe(404)
  })

  it('cas_required false under a mount that requires it: 200 with a warning', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/config', { cas_required: true })
    const res = await raw(vault, 'POST', 'secret/metadata/s', { cas_required: false })
    expect(res).toMatchObject({
      status: 200,
      body: {
        data: null,
        warnings: [
          '"cas_required" set to false, but is mandated by backend config. This value will be ignored.',
        ],
      },
    })
  })

  it('a negative delete_version_after is refused', async () => {
    const vault = await kvV2()
    const res = await raw(vault, 'POST', 'secret/metadata/s', { delete_version_after: '-1h' })
    expect(res.status).toBe(400)
    expect((res.body!.errors as string[])[0]).toContain('"delete_version_after"')
  })
})

describe('KV v2 custom_metadata limits (api-docs/secret/kv/kv-v2)', () => {
  it('at most 64 keys', async () => {
    const vault = await kvV2()
    const custom = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']))
    expect(await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: custom })).toEqual(
      errorBody(400, one(`${PREFIX}: payload must contain at most 64 keys, provided 65`)),
    )
    const ok = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']))
    expect((await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: ok })).status).toBe(204)
  })

  it('keys of 1..128 bytes, values of 1..512 bytes; every violation is listed', async () => {
    const vault = await kvV2()
    const long = 'k'.repeat(129)
    expect(await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { [long]: 'v' } })).toEqual(
      errorBody(400, one(`${PREFIX}: length of key "${long}" is 129 but must be 0 < len(key) <= 128`)),
    )
    expect(await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { a: '' } })).toEqual(
      errorBody(400, one(`${PREFIX}: length of value for key "a" is 0 but must be 0 < len(value) <= 512`)),
    )
    const res = await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { '': 'x'.repeat(513) } })
    expect(res).toEqual(
      errorBody(
        400,
        `2 errors occurred:\n\t* ${PREFIX}: length of key "" is 0 but must be 0 < len(key) <= 128\n\t* ${PREFIX}: length of value for key "" is 513 but must be 0 < len(value) <= 512\n\n`,
      ),
    )
    // Lengths are in UTF-8 bytes, as Go's len().
    expect(
      (await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { é: 'é'.repeat(256) } })).status,
    ).toBe(204)
    expect(
      (await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { é: 'é'.repeat(257) } })).status,
    ).toBe(400)
  })

  it('printable characters only', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { 'a\tb': 'v' } })).toEqual(
      errorBody(400, one(`${PREFIX}: key "a\\tb" (a\tb) contains unprintable characters`)),
    )
    expect(await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { a: 'x\u0000' } })).toEqual(
      errorBody(400, one(`${PREFIX}: value for key "a" contains unprintable characters`)),
    )
  })

  it('values must be strings (numbers and bools are converted; objects and lists are refused)', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'POST', 'secret/metadata/s', { custom_metadata: { a: { b: 'c' } } })).toEqual(
      errorBody(
        400,
        `${PREFIX}: '' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[b:c]'`,
      ),
    )
    await call(vault, 'POST', 'secret/metadata/s', { custom_metadata: { n: 1, t: true } })
    expect((await call(vault, 'GET', 'secret/metadata/s')).data?.custom_metadata).toEqual({ n: '1', t: '1' })
  })
})

describe('KV v2 patch metadata (api-docs/secret/kv/kv-v2)', () => {
  it('merges settings; custom_metadata entries merge and null removes one', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/metadata/s', { max_versions: 5, custom_metadata: { a: '1', b: '2' } })
    expect(
      await raw(vault, 'PATCH', 'secret/metadata/s', {
        cas_required: true,
        delete_version_after: '1h',
        custom_metadata: { b: null, c: '3' },
      }),
    ).toEqual({ status: 204, body: null })
    expect((await call(vault, 'GET', 'secret/metadata/s')).data).toMatchObject({
      max_versions: 5,
      cas_required: true,
      delete_version_after: '1h0m0s',
      custom_metadata: { a: '1', c: '3' },
    })
    await call(vault, 'PATCH', 'secret/metadata/s', { custom_metadata: null })
    expect((await call(vault, 'GET', 'secret/metadata/s')).data?.custom_metadata).toBeNull()
  })

  it('a key without metadata: 404', async () => {
    const vault = await kvV2()
    expect((await raw(vault, 'PATCH', 'secret/metadata/nope', { max_versions: 1 })).status).toBe(404)
  })

  it('validates custom_metadata as a write does', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/metadata/s', { max_versions: 5 })
    expect(await raw(vault, 'PATCH', 'secret/metadata/s', { custom_metadata: { a: '' } })).toEqual(
      errorBody(400, one(`${PREFIX}: length of value for key "a" is 0 but must be 0 < len(value) <= 512`)),
    )
  })
})

describe('KV v2 delete metadata and all versions (api-docs/secret/kv/kv-v2)', () => {
  it('removes the record and every version from storage; 204 also when nothing is there', async () => {
    const vault = await kvV2()
    const before = (await adapterKeys(vault, 'logical/')).length
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 2 } })
    expect((await adapterKeys(vault, 'logical/')).length).toBe(before + 3)
    expect(await raw(vault, 'DELETE', 'secret/metadata/s')).toEqual({ status: 204, body: null })
    expect((await adapterKeys(vault, 'logical/')).length).toBe(before)
    expect(await raw(vault, 'GET', 'secret/metadata/s')).toEqual(errorBody(404))
    expect(await raw(vault, 'GET', 'secret/data/s', { version: 1 })).toEqual(errorBody(404))
    expect(await raw(vault, 'DELETE', 'secret/metadata/s')).toEqual({ status: 204, body: null })
  })
})

describe('KV v2 list secrets (api-docs/secret/kv/kv-v2)', () => {
  it('lists keys and folders one level down, sorted; empty is 404', async () => {
    const vault = await kvV2()
    for (const k of ['app/db', 'app/web/tls', 'app/web/ssh', 'top', 'b']) {
      await call(vault, 'POST', `secret/data/${k}`, { data: { a: 1 } })
    }
    expect((await call(vault, 'LIST', 'secret/metadata')).data).toEqual({ keys: ['app/', 'b', 'top'] })
    expect((await call(vault, 'LIST', 'secret/metadata/app/')).data).toEqual({ keys: ['db', 'web/'] })
    expect((await call(vault, 'LIST', 'secret/metadata/app/web')).data).toEqual({ keys: ['ssh', 'tls'] })
    expect((await call(vault, 'GET', 'secret/metadata/app', { list: true })).data).toEqual({
      keys: ['db', 'web/'],
    })
    expect(await raw(vault, 'LIST', 'secret/metadata/nothing')).toEqual(errorBody(404))
  })

  it('a key that is also a folder appears both ways; deleted keys are listed unless exclude_deleted', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/app', { data: { a: 1 } })
    await call(vault, 'POST', 'secret/data/app/db', { data: { a: 1 } })
    await call(vault, 'POST', 'secret/data/gone', { data: { a: 1 } })
    await call(vault, 'DELETE', 'secret/data/gone')
    expect((await call(vault, 'LIST', 'secret/metadata')).data).toEqual({ keys: ['app', 'app/', 'gone'] })
    expect((await call(vault, 'LIST', 'secret/metadata', { exclude_deleted: true })).data).toEqual({
      keys: ['app', 'app/'],
    })
  })

  it('listing is not filtered by policy: a list grant on the folder shows every key', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/team/a', { data: { a: 1 } })
    await call(vault, 'POST', 'secret/data/team/b', { data: { a: 1 } })
    const token = await policyToken(
      vault,
      'lister',
      'path "secret/metadata/team/" { capabilities = ["list"] }',
    )
    expect((await call(vault, 'LIST', 'secret/metadata/team', undefined, token)).data).toEqual({
      keys: ['a', 'b'],
    })
    expect((await raw(vault, 'GET', 'secret/data/team/a', undefined, token)).status).toBe(403)
  })
})
