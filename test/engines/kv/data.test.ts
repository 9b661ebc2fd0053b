// KV v2 data (api-docs/secret/kv/kv-v2: "Read secret version", "Create/Update secret", "Patch secret",
// "Delete latest version of secret"; Vault's path_data.go).
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { call, errorBody, kvV2, raw } from './helpers.js'

const T0 = '2024-01-01T00:00:00Z'

function versionMeta(version: number, extra: Record<string, unknown> = {}) {
  return { created_time: T0, custom_metadata: null, deletion_time: '', destroyed: false, version, ...extra }
}

describe('KV v2 create/update secret (api-docs/secret/kv/kv-v2)', () => {
  it('a write answers the new version metadata; versions count up from 1', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    const first = await raw(vault, 'POST', 'secret/data/my-secret', { data: { foo: 'bar', zip: 'zap' } })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      lease_id: '',
      lease_duration: 0,
      renewable: false,
      data: versionMeta(1),
    })
    const second = await call(vault, 'PUT', 'secret/data/my-secret', { data: { foo: 'baz' }, options: {} })
    expect(second.data).toEqual(versionMeta(2))
  })

  it('missing data: 400 no data provided', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'POST', 'secret/data/s', { foo: 'bar' })).toEqual(
      errorBody(400, 'no data provided'),
    )
  })

  it('data must be an object: 400 from the existence check (which validates fields first, as in Vault)', async () => {
    const vault = await kvV2()
    const res = await raw(vault, 'POST', 'secret/data/s', { data: 'text' })
    expect(res).toEqual(
      errorBody(
        400,
        `error converting input for field "data": '' expected type 'map[string]interface {}', got unconvertible type 'string'`,
      ),
    )
  })

  it('cas 0 writes only a new key; cas N only over version N', async () => {
    const vault = await kvV2()
    expect((await raw(vault, 'POST', 'secret/data/s', { data: { a: 1 }, options: { cas: 0 } })).status).toBe(
      200,
    )
    expect(await raw(vault, 'POST', 'secret/data/s', { data: { a: 2 }, options: { cas: 0 } })).toEqual(
      errorBody(400, 'check-and-set parameter did not match the current version'),
    )
    expect((await raw(vault, 'POST', 'secret/data/s', { data: { a: 2 }, options: { cas: 1 } })).status).toBe(
      200,
    )
    // Weakly typed, as Vault decodes it: a numeric string is a number.
    expect(
      (await raw(vault, 'POST', 'secret/data/s', { data: { a: 3 }, options: { cas: '2' } })).status,
    ).toBe(200)
  })

  it('an unparsable cas: 400 error parsing check-and-set parameter', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'POST', 'secret/data/s', { data: { a: 1 }, options: { cas: 'one' } })).toEqual(
      errorBody(400, 'error parsing check-and-set parameter'),
    )
  })

  it('cas_required on the mount or the key: 400 check-and-set parameter required for this call', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/metadata/k', { cas_required: true })
    expect(await raw(vault, 'POST', 'secret/data/k', { data: { a: 1 } })).toEqual(
      errorBody(400, 'check-and-set parameter required for this call'),
    )
    expect((await raw(vault, 'POST', 'secret/data/k', { data: { a: 1 }, options: { cas: 0 } })).status).toBe(
      200,
    )
    await call(vault, 'POST', 'secret/data/other', { data: { a: 1 } })
    await call(vault, 'POST', 'secret/config', { cas_required: true })
    expect(await raw(vault, 'POST', 'secret/data/other', { data: { a: 1 } })).toEqual(
      errorBody(400, 'check-and-set parameter required for this call'),
    )
  })

  it('a soft-deleted key keeps its version: cas must match it', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await call(vault, 'DELETE', 'secret/data/s')
    expect((await raw(vault, 'POST', 'secret/data/s', { data: { a: 2 }, options: { cas: 0 } })).status).toBe(
      400,
    )
    expect((await raw(vault, 'POST', 'secret/data/s', { data: { a: 2 }, options: { cas: 1 } })).status).toBe(
      200,
    )
  })
})

describe('KV v2 read secret version (api-docs/secret/kv/kv-v2)', () => {
  it('reads the latest version, or ?version=N, with its metadata', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    await call(vault, 'POST', 'secret/data/my-secret', { data: { foo: 'bar' } })
    await call(vault, 'POST', 'secret/data/my-secret', { data: { foo: 'baz', n: { deep: true } } })
    expect(await call(vault, 'GET', 'secret/data/my-secret')).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: { data: { foo: 'baz', n: { deep: true } }, metadata: versionMeta(2) },
      warnings: null,
      mount_type: 'kv',
    })
    expect((await call(vault, 'GET', 'secret/data/my-secret', { version: '1' })).data).toEqual({
      data: { foo: 'bar' },
      metadata: versionMeta(1),
    })
  })

  it('times are UTC RFC3339 as Go prints them (trailing zeros dropped)', async () => {
    const clock = new ManualClock(Date.UTC(2018, 2, 22, 2, 24, 6, 940))
    const vault = await kvV2({ clock })
    const res = await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    expect(res.data?.created_time).toBe('2018-03-22T02:24:06.94Z')
  })

  it('a key never written, or a version that does not exist: 404 with an empty errors list', async () => {
    const vault = await kvV2()
    expect(await raw(vault, 'GET', 'secret/data/nope')).toEqual(errorBody(404))
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    expect(await raw(vault, 'GET', 'secret/data/s', { version: 7 })).toEqual(errorBody(404))
  })

  it('a soft-deleted version is 404 whose body is the full envelope with data null and the metadata', async () => {
    const clock = new ManualClock()
    const vault = await kvV2({ clock })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await clock.advance('1s')
    expect(await raw(vault, 'DELETE', 'secret/data/s')).toEqual({ status: 204, body: null })
    const res = await vault.handle({ method: 'GET', path: 'secret/data/s', token: 'root' })
    expect(res.status).toBe(404)
    expect(res.body).not.toHaveProperty('errors')
    expect(res.body).toMatchObject({
      lease_id: '',
      data: { data: null, metadata: versionMeta(1, { deletion_time: '2024-01-01T00:00:01Z' }) },
      warnings: null,
      mount_type: 'kv',
    })
    expect(typeof res.body?.request_id).toBe('string')
  })

  it('a destroyed version is 404 with destroyed: true in the body', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await call(vault, 'PUT', 'secret/destroy/s', { versions: [1] })
    const res = await vault.handle({ method: 'GET', path: 'secret/data/s', token: 'root' })
    expect(res).toMatchObject({
      status: 404,
      body: { data: { data: null, metadata: versionMeta(1, { destroyed: true }) } },
    })
  })

  it('custom_metadata of the key is returned with every version', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/metadata/s', { custom_metadata: { owner: 'jdoe' } })
    const written = await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    expect(written.data?.custom_metadata).toEqual({ owner: 'jdoe' })
    const read = await call(vault, 'GET', 'secret/data/s')
    expect((read.data!.metadata as Record<string, unknown>).custom_metadata).toEqual({ owner: 'jdoe' })
  })

  it('a bad version parameter is a 400 field validation error', async () => {
    const vault = await kvV2()
    const res = await raw(vault, 'GET', 'secret/data/s', { version: 'latest' })
    expect(res.status).toBe(400)
    expect((res.body!.errors as string[])[0]).toMatch(
      /^Field validation failed: error converting input for field "version"/,
    )
  })
})

describe('KV v2 max_versions (api-docs/secret/kv/kv-v2)', () => {
  it('defaults to 10: the 11th write drops version 1 and oldest_version advances', async () => {
    const vault = await kvV2()
    for (let i = 1; i <= 10; i++) await call(vault, 'POST', 'secret/data/s', { data: { i } })
    let meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect(meta).toMatchObject({ current_version: 10, oldest_version: 1 })
    expect(Object.keys(meta.versions as object)).toHaveLength(10)
    await call(vault, 'POST', 'secret/data/s', { data: { i: 11 } })
    meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect(meta).toMatchObject({ current_version: 11, oldest_version: 2 })
    expect(Object.keys(meta.versions as object).sort((a, b) => Number(a) - Number(b))).toEqual([
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
    ])
    expect(await raw(vault, 'GET', 'secret/data/s', { version: 1 })).toEqual(errorBody(404))
    expect((await call(vault, 'GET', 'secret/data/s', { version: 2 })).data?.data).toEqual({ i: 2 })
  })

  it('the larger of the key and the mount setting wins; lowering it trims on the next write', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/config', { max_versions: 2 })
    for (let i = 1; i <= 3; i++) await call(vault, 'POST', 'secret/data/s', { data: { i } })
    let meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect(Object.keys(meta.versions as object)).toEqual(['2', '3'])
    await call(vault, 'POST', 'secret/metadata/s', { max_versions: 4 })
    for (let i = 4; i <= 6; i++) await call(vault, 'POST', 'secret/data/s', { data: { i } })
    meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect(Object.keys(meta.versions as object)).toEqual(['3', '4', '5', '6'])
    await call(vault, 'POST', 'secret/metadata/s', { max_versions: 1 })
    await call(vault, 'POST', 'secret/config', { max_versions: 1 })
    await call(vault, 'POST', 'secret/data/s', { data: { i: 7 } })
    meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect(meta).toMatchObject({ current_version: 7, oldest_version: 7 })
    expect(Object.keys(meta.versions as object)).toEqual(['7'])
  })
})

describe('KV v2 delete_version_after (api-docs/secret/kv/kv-v2)', () => {
  it('a new version gets deletion_time = created + setting, and reads 404 once it has passed', async () => {
    const clock = new ManualClock()
    const vault = await kvV2({ clock })
    await call(vault, 'POST', 'secret/metadata/s', { delete_version_after: '1h' })
    const written = await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    expect(written.data).toEqual(versionMeta(1, { deletion_time: '2024-01-01T01:00:00Z' }))
    await clock.advance('59m')
    expect((await call(vault, 'GET', 'secret/data/s')).data?.data).toEqual({ a: 1 })
    await clock.advance('1m')
    const res = await raw(vault, 'GET', 'secret/data/s')
    expect(res).toMatchObject({ status: 404, body: { data: { data: null } } })
  })

  it('the smaller non-zero of mount and key wins; a disabled mount setting (-1s) turns it off', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    await call(vault, 'POST', 'secret/config', { delete_version_after: '2h' })
    await call(vault, 'POST', 'secret/metadata/short', { delete_version_after: '30m' })
    await call(vault, 'POST', 'secret/metadata/long', { delete_version_after: '5h' })
    expect((await call(vault, 'POST', 'secret/data/short', { data: { a: 1 } })).data?.deletion_time).toBe(
      '2024-01-01T00:30:00Z',
    )
    expect((await call(vault, 'POST', 'secret/data/long', { data: { a: 1 } })).data?.deletion_time).toBe(
      '2024-01-01T02:00:00Z',
    )
    expect((await call(vault, 'POST', 'secret/data/plain', { data: { a: 1 } })).data?.deletion_time).toBe(
      '2024-01-01T02:00:00Z',
    )
    await call(vault, 'POST', 'secret/config', { delete_version_after: '-1s' })
    expect((await call(vault, 'POST', 'secret/data/short', { data: { a: 2 } })).data?.deletion_time).toBe('')
  })
})

describe('KV v2 delete latest version of secret (api-docs/secret/kv/kv-v2)', () => {
  it('soft-deletes only the latest version; a new write makes the key readable again', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 2 } })
    await call(vault, 'DELETE', 'secret/data/s')
    expect((await raw(vault, 'GET', 'secret/data/s')).status).toBe(404)
    expect((await call(vault, 'GET', 'secret/data/s', { version: 1 })).data?.data).toEqual({ a: 1 })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 3 } })
    expect((await call(vault, 'GET', 'secret/data/s')).data?.data).toEqual({ a: 3 })
  })

  it('is 204 and changes nothing on a missing key or an already deleted version', async () => {
    const clock = new ManualClock()
    const vault = await kvV2({ clock })
    expect(await raw(vault, 'DELETE', 'secret/data/nope')).toEqual({ status: 204, body: null })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await call(vault, 'DELETE', 'secret/data/s')
    await clock.advance('1h')
    await call(vault, 'DELETE', 'secret/data/s')
    const meta = (await call(vault, 'GET', 'secret/metadata/s')).data!
    expect((meta.versions as Record<string, { deletion_time: string }>)['1']?.deletion_time).toBe(T0)
  })
})

describe('KV v2 patch secret (api-docs/secret/kv/kv-v2)', () => {
  it('merges a JSON merge patch into the current version as a new version (null removes)', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    await call(vault, 'POST', 'secret/data/s', { data: { foo: 'bar', zip: 'zap', deep: { a: 1, b: 2 } } })
    const res = await call(vault, 'PATCH', 'secret/data/s', {
      data: { foo: 'baz', zip: null, deep: { b: null, c: 3 } },
    })
    expect(res.data).toEqual(versionMeta(2))
    expect((await call(vault, 'GET', 'secret/data/s')).data?.data).toEqual({
      foo: 'baz',
      deep: { a: 1, c: 3 },
    })
    expect((await call(vault, 'GET', 'secret/data/s', { version: 1 })).data?.data).toEqual({
      foo: 'bar',
      zip: 'zap',
      deep: { a: 1, b: 2 },
    })
  })

  it('honours cas and cas_required', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    expect(await raw(vault, 'PATCH', 'secret/data/s', { data: { a: 2 }, options: { cas: 0 } })).toEqual(
      errorBody(400, 'check-and-set parameter did not match the current version'),
    )
    expect((await raw(vault, 'PATCH', 'secret/data/s', { data: { a: 2 }, options: { cas: 1 } })).status).toBe(
      200,
    )
    await call(vault, 'POST', 'secret/config', { cas_required: true })
    expect(await raw(vault, 'PATCH', 'secret/data/s', { data: { a: 3 } })).toEqual(
      errorBody(400, 'check-and-set parameter required for this call'),
    )
  })

  it('missing data: 400 no data provided', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    expect(await raw(vault, 'PATCH', 'secret/data/s', { options: {} })).toEqual(
      errorBody(400, 'no data provided'),
    )
  })

  it('a key that does not exist, or has no current version: 404', async () => {
    const vault = await kvV2()
    expect((await raw(vault, 'PATCH', 'secret/data/nope', { data: { a: 1 } })).status).toBe(404)
    await call(vault, 'POST', 'secret/metadata/empty', { max_versions: 3 })
    expect((await raw(vault, 'PATCH', 'secret/data/empty', { data: { a: 1 } })).status).toBe(404)
  })

  it('a deleted or destroyed current version: 404 whose body carries the version metadata (flat)', async () => {
    const vault = await kvV2({ clock: new ManualClock() })
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    await call(vault, 'DELETE', 'secret/data/s')
    const deleted = await raw(vault, 'PATCH', 'secret/data/s', { data: { a: 2 } })
    expect(deleted).toMatchObject({ status: 404, body: { data: versionMeta(1, { deletion_time: T0 }) } })
    await call(vault, 'PUT', 'secret/destroy/s', { versions: '1' })
    const destroyed = await raw(vault, 'PATCH', 'secret/data/s', { data: { a: 2 } })
    expect(destroyed).toMatchObject({ status: 404, body: { data: { destroyed: true, version: 1 } } })
    expect((await call(vault, 'GET', 'secret/metadata/s')).data?.current_version).toBe(1)
  })
})
