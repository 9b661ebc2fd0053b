// Upgrading a KV v1 mount to v2 (api-docs/secret/kv/kv-v2 "Upgrading from version 1", docs/secrets/kv
// /kv-v2 "Upgrading from version 1"; Vault's upgrade.go).
import { describe, expect, it } from 'vitest'
import { createKvBackend, VersionedKvBackend } from '../../../src/engines/kv/index.js'
import type { Vault } from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { adapterKeys, backendConfig, call, errorBody, kvVault, logical, mountKv, raw } from './helpers.js'

const UPGRADING =
  'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.'

/** Waits (yielding to the event loop) until the mount answers something other than "upgrading". */
async function whenServing(vault: Vault, path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await raw(vault, 'GET', path)
    if (!(res.status === 400 && (res.body?.errors as string[] | undefined)?.[0] === UPGRADING)) return
    await new Promise((r) => setTimeout(r, 1))
  }
  throw new Error('upgrade did not finish')
}

describe('KV v1 → v2 upgrade by tuning options.version (api-docs/secret/kv/kv-v2)', () => {
  it('moves every v1 secret to version 1 of the same key, and removes the v1 entries', async () => {
    const vault = await kvVault({ clock: new ManualClock() })
    await mountKv(vault, 'kv', '1')
    await call(vault, 'POST', 'kv/top', { a: 1 })
    await call(vault, 'POST', 'kv/app/db', { user: 'u', ttl: '1h' })
    await call(vault, 'POST', 'kv/app/web/tls', { cert: 'c' })
    const uuid = (await call(vault, 'GET', 'sys/mounts')).data?.['kv/'] as { uuid: string }
    const tune = await call(vault, 'POST', 'sys/mounts/kv/tune', { options: { version: '2' } })
    expect(tune.warnings).toEqual([
      'Upgrading mount from version 1 to version 2. This mount will be unavailable for a brief period and will resume service shortly.',
    ])
    await whenServing(vault, 'kv/config')
    expect((await call(vault, 'GET', 'kv/data/top')).data).toEqual({
      data: { a: 1 },
      metadata: {
        created_time: '2024-01-01T00:00:00Z',
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      },
    })
    expect((await call(vault, 'GET', 'kv/data/app/db')).data?.data).toEqual({ user: 'u', ttl: '1h' })
    expect((await call(vault, 'GET', 'kv/data/app/web/tls')).data?.data).toEqual({ cert: 'c' })
    expect((await call(vault, 'GET', 'kv/metadata/app/db')).data).toMatchObject({
      current_version: 1,
      oldest_version: 1,
      last_updated_by: { actor: 'kv_upgrade', operation: 'upgrade' },
    })
    expect((await call(vault, 'LIST', 'kv/metadata/app')).data).toEqual({ keys: ['db', 'web/'] })
    // The old layout is gone: every key of the mount is now below <uuid>/<uuid>/.
    const keys = await adapterKeys(vault, `logical/${uuid.uuid}/`)
    expect(keys.every((k) => k.startsWith(`logical/${uuid.uuid}/${uuid.uuid}/`))).toBe(true)
    // The v1 paths now hit the versioned API's catch-all.
    expect((await raw(vault, 'GET', 'kv/top')).status).toBe(404)
    // Writes continue from version 1.
    expect(
      (await call(vault, 'POST', 'kv/data/top', { data: { a: 2 }, options: { cas: 1 } })).data?.version,
    ).toBe(2)
  })

  it('an empty v1 mount upgrades at once; a downgrade is refused', async () => {
    const vault = await kvVault()
    await mountKv(vault, 'kv', null)
    await call(vault, 'POST', 'sys/mounts/kv/tune', { options: { version: '2' } })
    expect((await raw(vault, 'GET', 'kv/config')).status).toBe(200)
    expect(await raw(vault, 'POST', 'sys/mounts/kv/tune', { options: { version: '1' } })).toEqual(
      errorBody(400, 'cannot downgrade mount from version 2'),
    )
  })

  it('while the move runs, every request answers 400 with Vault’s message; then it serves', async () => {
    const config = backendConfig({})
    const v1 = createKvBackend(config)
    for (const k of ['a', 'b/c', 'b/d/e']) await v1.handleRequest(logical(config, 'create', k, { v: k }))
    const v2 = createKvBackend({ ...config, options: { version: '2' } })
    expect(v2).toBeInstanceOf(VersionedKvBackend)
    await v2.initialize?.()
    await expect(v2.handleRequest(logical(config, 'read', 'data/a'))).rejects.toMatchObject({
      statusCode: 400,
      errors: [UPGRADING],
    })
    await expect(
      v2.handleRequest(logical(config, 'update', 'config', { max_versions: 1 })),
    ).rejects.toMatchObject({
      errors: [UPGRADING],
    })
    await (v2 as VersionedKvBackend).whenUpgraded()
    const read = await v2.handleRequest(logical(config, 'read', 'data/b/d/e'))
    expect(read?.data?.data).toEqual({ v: 'b/d/e' })
    // A restarted backend sees the canary and does not upgrade again.
    const again = createKvBackend({ ...config, options: { version: '2' } }) as VersionedKvBackend
    await again.initialize()
    expect((await again.handleRequest(logical(config, 'read', 'data/a')))?.data?.data).toEqual({ v: 'a' })
  })

  it('an interrupted upgrade resumes on the next start', async () => {
    const config = backendConfig({})
    const v1 = createKvBackend(config)
    for (const k of ['a', 'b', 'c']) await v1.handleRequest(logical(config, 'create', k, { v: k }))
    const first = createKvBackend({ ...config, options: { version: '2' } }) as VersionedKvBackend
    await first.initialize()
    await first.cleanup() // e.g. sealed or unmounted part-way: the move stops between keys
    await first.whenUpgraded()
    const second = createKvBackend({ ...config, options: { version: '2' } }) as VersionedKvBackend
    await second.initialize()
    await second.whenUpgraded()
    for (const k of ['a', 'b', 'c']) {
      expect((await second.handleRequest(logical(config, 'read', `data/${k}`)))?.data?.data).toEqual({ v: k })
    }
  })

  it('an unknown version in the options is refused by the factory', () => {
    expect(() => createKvBackend(backendConfig({ version: '3' }))).toThrow('invalid version provided: 3')
  })
})
