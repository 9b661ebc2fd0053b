// KV v2 routing, existence checks and ACL (api-docs/secret/kv/kv-v2; docs/secrets/kv/kv-v2 "ACL
// rules"; Vault's backend.go pathInvalid, path_data.go and path_metadata.go existence checks).
import { describe, expect, it } from 'vitest'
import { call, errorBody, kvV2, policyToken, raw } from './helpers.js'

const DENIED = errorBody(403, '1 error occurred:\n\t* permission denied\n\n')
const invalid = (sub: string) =>
  `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${sub}' for this operation.`

describe('KV v2 paths outside the versioned API (api-docs/secret/kv/kv-v2)', () => {
  it('answer 404 with a warning naming the CLI command, in a success envelope (no errors)', async () => {
    const vault = await kvV2()
    const cases: [Parameters<typeof raw>[1], string, string][] = [
      ['GET', 'secret/foo', 'get'],
      ['POST', 'secret/foo', 'put'],
      ['PATCH', 'secret/foo', 'patch'],
      ['DELETE', 'secret/foo', 'delete'],
      ['LIST', 'secret/foo', 'list'],
      ['LIST', 'secret/', 'list'],
      ['GET', 'secret/data/', 'get'],
    ]
    for (const [method, path, sub] of cases) {
      const res = await raw(
        vault,
        method,
        path,
        method === 'POST' || method === 'PATCH' ? { a: 1 } : undefined,
      )
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.body).toMatchObject({ data: null, warnings: [invalid(sub)], mount_type: 'kv' })
      expect(res.body).not.toHaveProperty('errors')
    }
  })

  it('non-listing operations on the roots of data/ metadata/ delete/ undelete/ destroy/: 404 warning', async () => {
    const vault = await kvV2()
    for (const root of ['data', 'metadata', 'delete', 'undelete', 'destroy']) {
      const res = await raw(vault, 'GET', `secret/${root}`)
      expect(res).toMatchObject({
        status: 404,
        body: { warnings: ['Non-listing operations on the root of a K/V v2 mount are not supported.'] },
      })
    }
  })

  it('an operation a path does not serve: 405', async () => {
    const vault = await kvV2()
    expect((await raw(vault, 'DELETE', 'secret/config')).status).toBe(405)
    expect((await raw(vault, 'GET', 'secret/destroy/s')).status).toBe(405)
  })
})

describe('KV v2 existence checks: create vs update (api-docs/secret/kv/kv-v2)', () => {
  it('data/: the first write of a key needs create, later writes update (even when all versions are deleted)', async () => {
    const vault = await kvV2()
    const creator = await policyToken(vault, 'c', 'path "secret/data/*" { capabilities = ["create"] }')
    const updater = await policyToken(vault, 'u', 'path "secret/data/*" { capabilities = ["update"] }')
    expect(await raw(vault, 'POST', 'secret/data/new', { data: { a: 1 } }, updater)).toEqual(DENIED)
    expect((await raw(vault, 'POST', 'secret/data/new', { data: { a: 1 } }, creator)).status).toBe(200)
    expect(await raw(vault, 'POST', 'secret/data/new', { data: { a: 2 } }, creator)).toEqual(DENIED)
    expect((await raw(vault, 'POST', 'secret/data/new', { data: { a: 2 } }, updater)).status).toBe(200)
    await call(vault, 'DELETE', 'secret/data/new')
    expect(await raw(vault, 'POST', 'secret/data/new', { data: { a: 3 } }, creator)).toEqual(DENIED)
  })

  it('metadata/: create for a new record, update for an existing one', async () => {
    const vault = await kvV2()
    const creator = await policyToken(vault, 'c', 'path "secret/metadata/*" { capabilities = ["create"] }')
    expect((await raw(vault, 'POST', 'secret/metadata/k', { max_versions: 2 }, creator)).status).toBe(204)
    expect(await raw(vault, 'POST', 'secret/metadata/k', { max_versions: 3 }, creator)).toEqual(DENIED)
  })

  it('patch needs the patch capability', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    const writer = await policyToken(
      vault,
      'w',
      'path "secret/data/*" { capabilities = ["create", "update", "read"] }',
    )
    const patcher = await policyToken(vault, 'p', 'path "secret/data/*" { capabilities = ["patch"] }')
    expect(await raw(vault, 'PATCH', 'secret/data/s', { data: { a: 2 } }, writer)).toEqual(DENIED)
    expect((await raw(vault, 'PATCH', 'secret/data/s', { data: { a: 2 } }, patcher)).status).toBe(200)
  })
})

describe('KV v2 ACL on the real prefixes (docs/secrets/kv/kv-v2)', () => {
  it('path "secret/data/myapp/*" { capabilities = ["read"] } reads data, not metadata, and cannot write', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/myapp/x', { data: { password: 'p' } })
    const token = await policyToken(vault, 'p', 'path "secret/data/myapp/*" { capabilities = ["read"] }')
    expect((await call(vault, 'GET', 'secret/data/myapp/x', undefined, token)).data?.data).toEqual({
      password: 'p',
    })
    expect(await raw(vault, 'GET', 'secret/metadata/myapp/x', undefined, token)).toEqual(DENIED)
    expect(await raw(vault, 'POST', 'secret/data/myapp/x', { data: { password: 'q' } }, token)).toEqual(
      DENIED,
    )
    expect(await raw(vault, 'DELETE', 'secret/data/myapp/x', undefined, token)).toEqual(DENIED)
    expect(await raw(vault, 'GET', 'secret/data/other/x', undefined, token)).toEqual(DENIED)
    // The v1-style path is not what the policy names.
    expect(await raw(vault, 'GET', 'secret/myapp/x', undefined, token)).toEqual(DENIED)
  })

  it('delete/, undelete/ and destroy/ are separate grants (update on each prefix)', async () => {
    const vault = await kvV2()
    await call(vault, 'POST', 'secret/data/s', { data: { a: 1 } })
    const token = await policyToken(vault, 'd', 'path "secret/delete/*" { capabilities = ["update"] }')
    expect((await raw(vault, 'POST', 'secret/delete/s', { versions: [1] }, token)).status).toBe(204)
    expect(await raw(vault, 'POST', 'secret/undelete/s', { versions: [1] }, token)).toEqual(DENIED)
    expect(await raw(vault, 'PUT', 'secret/destroy/s', { versions: [1] }, token)).toEqual(DENIED)
  })
})
