// KV v2 version management (api-docs/secret/kv/kv-v2: "Delete secret versions", "Undelete secret
// versions", "Destroy secret versions", "Read secret subkeys"; Vault's path_delete.go, path_destroy.go,
// path_subkeys.go).
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { adapterKeys, call, errorBody, kvV2, raw } from './helpers.js'

async function threeVersions(clock = new ManualClock()) {
  const vault = await kvV2({ clock })
  for (let i = 1; i <= 3; i++) await call(vault, 'POST', 'secret/data/s', { data: { i } })
  return { vault, clock }
}

async function versionState(vault: Awaited<ReturnType<typeof kvV2>>, n: number) {
  const meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
  return (meta.versions as Record<string, { deletion_time: string; destroyed: boolean }>)[String(n)]
}

describe('KV v2 delete secret versions (api-docs/secret/kv/kv-v2)', () => {
  it('soft-deletes the listed versions (list or comma-separated string); 204', async () => {
    const { vault } = await threeVersions()
    expect(await raw(vault, 'POST', 'secret/delete/s', { versions: [1, 3] })).toEqual({
      status: 204,
      body: null,
    })
    expect((await raw(vault, 'GET', 'secret/data/s', { version: 1 })).status).toBe(404)
    expect((await raw(vault, 'GET', 'secret/data/s', { version: 2 })).status).toBe(200)
    expect((await raw(vault, 'GET', 'secret/data/s')).status).toBe(404)
    await call(vault, 'POST', 'secret/delete/s', { versions: '2' })
    expect((await raw(vault, 'GET', 'secret/data/s', { version: 2 })).status).toBe(404)
  })

  it('no versions: 400 No version number provided', async () => {
    const { vault } = await threeVersions()
    expect(await raw(vault, 'POST', 'secret/delete/s', {})).toEqual(
      errorBody(400, 'No version number provided'),
    )
    expect(await raw(vault, 'POST', 'secret/delete/s', { versions: [] })).toEqual(
      errorBody(400, 'No version number provided'),
    )
  })

  it('keeps the first deletion time; unknown versions and missing keys are ignored', async () => {
    const { vault, clock } = await threeVersions()
    await call(vault, 'POST', 'secret/delete/s', { versions: [1] })
    await clock.advance('1h')
    await call(vault, 'POST', 'secret/delete/s', { versions: [1, 99] })
    expect((await versionState(vault, 1))?.deletion_time).toBe('2024-01-01T00:00:00Z')
    expect(await raw(vault, 'POST', 'secret/delete/nope', { versions: [1] })).toEqual({
      status: 204,
      body: null,
    })
  })
})

describe('KV v2 undelete secret versions (api-docs/secret/kv/kv-v2)', () => {
  it('restores soft-deleted versions', async () => {
    const { vault } = await threeVersions()
    await call(vault, 'DELETE', 'secret/data/s')
    expect(await raw(vault, 'POST', 'secret/undelete/s', { versions: [3] })).toEqual({
      status: 204,
      body: null,
    })
    expect((await call(vault, 'GET', 'secret/data/s')).data?.data).toEqual({ i: 3 })
    expect((await versionState(vault, 3))?.deletion_time).toBe('')
  })

  it('no versions: 400 No version number provided', async () => {
    const { vault } = await threeVersions()
    expect(await raw(vault, 'POST', 'secret/undelete/s', { versions: [] })).toEqual(
      errorBody(400, 'No version number provided'),
    )
  })

  it('cannot bring back a destroyed version', async () => {
    const { vault } = await threeVersions()
    await call(vault, 'PUT', 'secret/destroy/s', { versions: [2] })
    await call(vault, 'POST', 'secret/undelete/s', { versions: [2] })
    expect(await versionState(vault, 2)).toMatchObject({ destroyed: true })
    expect((await raw(vault, 'GET', 'secret/data/s', { version: 2 })).status).toBe(404)
  })

  it('restarts delete_version_after from now', async () => {
    const { vault, clock } = await threeVersions()
    await call(vault, 'POST', 'secret/delete/s', { versions: [1] })
    await call(vault, 'POST', 'secret/metadata/s', { delete_version_after: '10m' })
    await clock.advance('1h')
    await call(vault, 'POST', 'secret/undelete/s', { versions: [1] })
    expect((await versionState(vault, 1))?.deletion_time).toBe('2024-01-01T01:10:00Z')
    expect((await call(vault, 'GET', 'secret/metadata/s')).data?.last_updated_by).toEqual({
      actor: 'root',
      operation: 'undelete',
    })
  })
})

describe('KV v2 destroy secret versions (api-docs/secret/kv/kv-v2)', () => {
  it('removes the data from storage for good and marks the versions destroyed', async () => {
    const { vault } = await threeVersions()
    const before = (await adapterKeys(vault, 'logical/')).length
    expect(await raw(vault, 'PUT', 'secret/destroy/s', { versions: '1,2' })).toEqual({
      status: 204,
      body: null,
    })
    expect((await adapterKeys(vault, 'logical/')).length).toBe(before - 2)
    expect(await versionState(vault, 1)).toMatchObject({ destroyed: true })
    expect(await versionState(vault, 2)).toMatchObject({ destroyed: true })
    expect((await call(vault, 'GET', 'secret/data/s')).data?.data).toEqual({ i: 3 })
  })

  it('no versions: 400 no version number provided (lower case, as Vault)', async () => {
    const { vault } = await threeVersions()
    expect(await raw(vault, 'POST', 'secret/destroy/s', {})).toEqual(
      errorBody(400, 'no version number provided'),
    )
  })
})

describe('KV v2 read secret subkeys (api-docs/secret/kv/kv-v2)', () => {
  const secret = { foo: 'abc', bar: { baz: 'def', qux: { quux: 1 } }, quuz: {}, list: [1, 2] }

  it('replaces every leaf (values, lists, empty objects) by null', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    await call(vault, 'POST', 'secret/data/s', { data: secret })
    expect((await call(vault, 'GET', 'secret/subkeys/s')).data).toEqual({
      metadata: {
        created_time: '2024-01-01T00:00:00Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      },
      subkeys: { foo: null, bar: { baz: null, qux: { quux: null } }, quuz: null, list: null },
    })
  })

  it('depth cuts nesting (top-level keys are depth 1; 0 = no limit); version picks a version', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: secret })
    await call(vault, 'POST', 'secret/data/s', { data: { only: 'this' } })
    expect((await call(vault, 'GET', 'secret/subkeys/s', { depth: 1, version: 1 })).data?.subkeys).toEqual({
      foo: null,
      bar: null,
      quuz: null,
      list: null,
    })
    expect(
      (await call(vault, 'GET', 'secret/subkeys/s', { depth: '2', version: '1' })).data?.subkeys,
    ).toEqual({
      foo: null,
      bar: { baz: null, qux: null },
      quuz: null,
      list: null,
    })
    expect((await call(vault, 'GET', 'secret/subkeys/s')).data?.subkeys).toEqual({ only: null })
  })

  it('missing key or version: 404; deleted version: 404 with the metadata in the body', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'GET', 'secret/subkeys/nope')).toEqual(errorBody(404))
    await call(vault, 'POST', 'secret/data/s', { data: secret })
    expect(await raw(vault, 'GET', 'secret/subkeys/s', { version: 9 })).toEqual(errorBody(404))
    await call(vault, 'DELETE', 'secret/data/s')
    const res = await raw(vault, 'GET', 'secret/subkeys/s')
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ data: { subkeys: null, metadata: { version: 1, destroyed: false } } })
    expect(res.body).not.toHaveProperty('errors')
  })
})
