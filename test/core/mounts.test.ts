// Secrets engine mounts through the pipeline: enable, list, read, route, disable, tune, remount, and the
// mount table's persistence. Shapes, messages and status codes follow
// https://developer.hashicorp.com/vault/api-docs/system/mounts and …/system/remount, checked against
// Vault's logical_system.go / mount.go (handleMount, handleUnmount, handleTuneReadCommon,
// handleTuneWriteCommon, handleRemount).
import { describe, expect, it } from 'vitest'
import {
  MemoryStorage,
  type StorageAdapter,
  Vault,
  VaultError,
  type VaultRequest,
} from '../../src/index.node.js'
import { type EchoEngine, echoEngine } from '../support/echo-engine.js'

const ROOT = 'root'
/** Vault's system default (and max) lease TTL: 768h. */
const SYSTEM_TTL = 2764800

type Method = VaultRequest['method']

async function setup(): Promise<{ vault: Vault; echo: EchoEngine }> {
  const vault = await Vault.dev({ rootToken: ROOT })
  const echo = echoEngine()
  vault.engines.register(echo)
  return { vault, echo }
}

function call(vault: Vault, method: Method, path: string, data?: Record<string, unknown>) {
  return vault.request({ method, path, token: ROOT, ...(data ? { data } : {}) })
}

function raw(vault: Vault, method: Method, path: string, data?: Record<string, unknown>) {
  return vault.handle({ method, path, token: ROOT, ...(data ? { data } : {}) })
}

async function enableEcho(vault: Vault, path = 'echo', extra: Record<string, unknown> = {}) {
  return raw(vault, 'POST', `sys/mounts/${path}`, { type: 'echo', ...extra })
}

/** Every key of the adapter with its (encrypted) bytes, walked recursively. */
async function snapshot(storage: StorageAdapter): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (prefix: string): Promise<void> => {
    for (const k of await storage.list(prefix)) {
      if (k.endsWith('/')) await walk(prefix + k)
      else out[prefix + k] = Buffer.from((await storage.get(prefix + k))!).toString('hex')
    }
  }
  await walk('')
  return out
}

async function mountTable(vault: Vault): Promise<Record<string, Record<string, unknown>>> {
  return (await call(vault, 'GET', 'sys/mounts')).data as Record<string, Record<string, unknown>>
}

const MOUNT_KEYS = [
  'accessor',
  'config',
  'deprecation_status',
  'description',
  'external_entropy_access',
  'local',
  'options',
  'plugin_version',
  'running_plugin_version',
  'running_sha256',
  'seal_wrap',
  'type',
  'uuid',
]

describe('enable and list (POST/GET sys/mounts)', () => {
  it('enables a mount: 204, then sys/mounts lists it with Vault’s keys, sorted, TTLs in seconds', async () => {
    const { vault } = await setup()
    const res = await enableEcho(vault, 'echo', {
      description: 'an echo',
      config: { default_lease_ttl: '1h', max_lease_ttl: '2h' },
    })
    expect(res).toEqual({ status: 204, body: null })

    const list = await raw(vault, 'GET', 'sys/mounts')
    expect(list.status).toBe(200)
    const body = list.body as Record<string, unknown> & { data: Record<string, Record<string, unknown>> }
    expect(Object.keys(body.data).sort()).toEqual(['cubbyhole/', 'echo/', 'secret/', 'sys/'])
    const echo = body.data['echo/']!
    expect(Object.keys(echo)).toEqual(MOUNT_KEYS)
    expect(echo).toMatchObject({
      type: 'echo',
      description: 'an echo',
      local: false,
      seal_wrap: false,
      external_entropy_access: false,
      options: null,
      plugin_version: '',
      running_sha256: '',
    })
    expect(echo.accessor).toMatch(/^echo_[0-9a-f]{8}$/)
    expect(echo.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(echo.config).toEqual({ default_lease_ttl: 3600, force_no_cache: false, max_lease_ttl: 7200 })
    expect(Object.keys(echo.config as object)).toEqual([
      'default_lease_ttl',
      'force_no_cache',
      'max_lease_ttl',
    ])
    expect(body.data['sys/']).toMatchObject({ type: 'system', options: null })
    // Legacy sys routes repeat data at the top level of the body.
    expect(body['echo/']).toEqual(echo)
    expect(body['sys/']).toEqual(body.data['sys/'])
    expect(body.mount_type).toBe('system')
  })

  it('an unset TTL lists as 0 (system default); the path gets its trailing slash', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'plain/')
    const table = await mountTable(vault)
    expect(table['plain/']!.config).toEqual({ default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 })
  })

  it('reads one mount (GET sys/mounts/:path), data also at the top level', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo', { description: 'd' })
    const res = await raw(vault, 'GET', 'sys/mounts/echo')
    expect(res.status).toBe(200)
    const body = res.body as Record<string, unknown>
    const table = await mountTable(vault)
    expect(body.data).toEqual(table['echo/'])
    expect(body.type).toBe('echo')
    expect(body.accessor).toBe(table['echo/']!.accessor)
  })

  it('reading a path with no mount is a 400 "No secret engine mount at <p>"', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'GET', 'sys/mounts/nope')).toEqual({
      status: 400,
      body: { errors: ['No secret engine mount at nope/'] },
    })
  })

  it('kv-v2 is an alias for kv with options.version 2', async () => {
    const { vault } = await setup()
    expect((await raw(vault, 'POST', 'sys/mounts/k2', { type: 'kv-v2' })).status).toBe(204)
    expect((await raw(vault, 'POST', 'sys/mounts/k1', { type: 'kv-v1' })).status).toBe(204)
    const table = await mountTable(vault)
    expect(table['k2/']).toMatchObject({ type: 'kv', options: { version: '2' } })
    expect(table['k1/']).toMatchObject({ type: 'kv', options: { version: '1' } })
    expect(table['k2/']!.accessor).toMatch(/^kv_[0-9a-f]{8}$/)
  })

  it('passes options and its mount point to the backend factory', async () => {
    const { vault, echo } = await setup()
    await enableEcho(vault, 'echo')
    const table = await mountTable(vault)
    expect(echo.configs.at(-1)).toMatchObject({
      mountPath: 'echo/',
      type: 'echo',
      uuid: table['echo/']!.uuid,
      accessor: table['echo/']!.accessor,
      options: {},
    })
  })
})

describe('routing to a mount', () => {
  it('POST then GET echo/foo reach the backend; the envelope names the mount type', async () => {
    const { vault, echo } = await setup()
    await enableEcho(vault)
    expect(await raw(vault, 'POST', 'echo/foo', { value: 'bar' })).toEqual({ status: 204, body: null })
    const res = await call(vault, 'GET', 'echo/foo')
    expect(res.data).toEqual({ value: 'bar' })
    expect(res.mount_type).toBe('echo')
    expect(echo.calls.map((c) => [c.operation, c.path, c.mountPoint, c.mountType])).toEqual([
      ['create', 'foo', 'echo/', 'echo'],
      ['read', 'foo', 'echo/', 'echo'],
    ])
  })

  it('the existence check turns the first write into create, later ones into update', async () => {
    const { vault, echo } = await setup()
    await enableEcho(vault)
    await call(vault, 'POST', 'echo/foo', { value: 'a' })
    await call(vault, 'PUT', 'echo/foo', { value: 'b' })
    await call(vault, 'POST', 'echo/other', { value: 'c' })
    expect(echo.writes).toEqual(['create', 'update', 'create'])
    expect((await call(vault, 'GET', 'echo/foo')).data).toEqual({ value: 'b' })
  })

  it('each mount has its own storage view: the same key on two mounts holds two values', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'one')
    await enableEcho(vault, 'two')
    await call(vault, 'POST', 'one/k', { value: '1' })
    await call(vault, 'POST', 'two/k', { value: '2' })
    expect((await call(vault, 'GET', 'one/k')).data).toEqual({ value: '1' })
    expect((await call(vault, 'GET', 'two/k')).data).toEqual({ value: '2' })
    const table = await mountTable(vault)
    expect(await vault.storage.list(`logical/${table['one/']!.uuid}/`)).toEqual(['items/'])
  })

  it('a nested mount wins over its parent by longest prefix', async () => {
    const { vault, echo } = await setup()
    await enableEcho(vault, 'a/b')
    await call(vault, 'POST', 'a/b/k', { value: 'v' })
    expect(echo.calls.at(-1)).toMatchObject({ mountPoint: 'a/b/', path: 'k' })
  })
})

describe('enable errors (api-docs/system/mounts)', () => {
  it.each(['sys', 'sys/x', 'auth/x', 'cubbyhole', 'identity', 'audit', 'audit/file'])(
    'refuses the protected path %s with 403 cannot mount "<p>/"',
    async (path) => {
      const { vault } = await setup()
      expect(await enableEcho(vault, path)).toEqual({
        status: 403,
        body: { errors: [`cannot mount "${path}/"`] },
      })
    },
  )

  it('refuses the singleton type system with 403', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'POST', 'sys/mounts/sys2', { type: 'system' })).toEqual({
      status: 403,
      body: { errors: ['mount type of "system" is not mountable'] },
    })
  })

  it('refuses an unknown type with 400 plugin not found in the catalog', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'POST', 'sys/mounts/x', { type: 'nope' })).toEqual({
      status: 400,
      body: { errors: ['plugin not found in the catalog: nope'] },
    })
  })

  it.each([{}, { type: '' }])('refuses a missing type (%j) with 400', async (data) => {
    const { vault } = await setup()
    expect(await raw(vault, 'POST', 'sys/mounts/x', data)).toEqual({
      status: 400,
      body: { errors: ['backend type must be specified as a string'] },
    })
  })

  it('refuses options.version on a type other than kv', async () => {
    const { vault } = await setup()
    expect(await enableEcho(vault, 'echo', { options: { version: '2' } })).toEqual({
      status: 400,
      body: { errors: ['secrets engine "echo" does not allow setting a version'] },
    })
  })

  it('refuses a path under an existing mount with 409', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo')
    const err = await call(vault, 'POST', 'sys/mounts/echo/sub', { type: 'echo' }).catch((e) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err).toMatchObject({
      statusCode: 409,
      code: 'ERR_PATH_IN_USE',
      errors: ['path is already in use at echo/'],
    })
    expect(await enableEcho(vault, 'echo')).toEqual({
      status: 409,
      body: { errors: ['path is already in use at echo/'] },
    })
  })

  it('refuses a path above an existing mount with 409', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'a/b')
    expect(await enableEcho(vault, 'a')).toEqual({
      status: 409,
      body: { errors: ['path is already in use at a/b/'] },
    })
  })

  it('a sibling that only shares a name prefix is not a conflict', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo')
    expect((await enableEcho(vault, 'echoes')).status).toBe(204)
  })

  it.each([
    [
      { default_lease_ttl: '2h', max_lease_ttl: '1h' },
      'given default lease TTL greater than given max lease TTL',
    ],
    [{ default_lease_ttl: 'abc' }, 'unable to parse default TTL of abc: time: invalid duration "abc"'],
    [{ max_lease_ttl: '5x' }, 'unable to parse max TTL of 5x: time: unknown unit "x" in duration "5x"'],
    [
      { default_lease_ttl: '769h' },
      `given default lease TTL greater than system max lease TTL of ${SYSTEM_TTL}`,
    ],
  ])('refuses config %j with 400', async (config, message) => {
    const { vault } = await setup()
    expect(await enableEcho(vault, 'echo', { config })).toEqual({ status: 400, body: { errors: [message] } })
  })

  it('a default above the system max is fine when the mount sets its own max', async () => {
    const { vault } = await setup()
    expect(
      (await enableEcho(vault, 'echo', { config: { default_lease_ttl: '800h', max_lease_ttl: '900h' } }))
        .status,
    ).toBe(204)
  })

  it('a failed enable changes nothing: same table, same bytes in storage, no event, no backend built', async () => {
    const { vault, echo } = await setup()
    vault.engines.register({
      type: 'broken',
      kind: 'secret',
      factory: () => {
        throw new Error('factory failed')
      },
    })
    await enableEcho(vault, 'a/b')
    const built = echo.configs.length
    const before = await snapshot(vault.storage)
    const tableBefore = await mountTable(vault)
    const events: unknown[] = []
    vault.on('mounted', (e) => events.push(e))

    const attempts: [string, Record<string, unknown>][] = [
      ['sys/mounts/sys/x', { type: 'echo' }],
      ['sys/mounts/auth/x', { type: 'echo' }],
      ['sys/mounts/x', { type: 'system' }],
      ['sys/mounts/x', { type: 'nope' }],
      ['sys/mounts/x', {}],
      ['sys/mounts/x', { type: 'echo', options: { version: '2' } }],
      ['sys/mounts/a', { type: 'echo' }],
      ['sys/mounts/a/b/c', { type: 'echo' }],
      ['sys/mounts/x', { type: 'echo', config: { default_lease_ttl: '2h', max_lease_ttl: '1h' } }],
      ['sys/mounts/x', { type: 'echo', config: { default_lease_ttl: 'soon' } }],
      ['sys/mounts/x', { type: 'broken' }],
    ]
    for (const [path, data] of attempts) {
      const res = await raw(vault, 'POST', path, data)
      expect(res.status, `${path} ${JSON.stringify(data)}`).toBeGreaterThanOrEqual(400)
    }
    expect(await mountTable(vault)).toEqual(tableBefore)
    expect(await snapshot(vault.storage)).toEqual(before)
    expect(events).toEqual([])
    expect(echo.configs.length).toBe(built)
    expect((await raw(vault, 'GET', 'x/anything')).status).toBe(404)
  })

  it('a factory that throws a plain Error answers 500 internal error', async () => {
    const { vault } = await setup()
    vault.engines.register({
      type: 'broken',
      kind: 'secret',
      factory: () => {
        throw new Error('secret detail')
      },
    })
    expect(await raw(vault, 'POST', 'sys/mounts/x', { type: 'broken' })).toEqual({
      status: 500,
      body: { errors: ['internal error'] },
    })
  })
})

describe('disable (DELETE sys/mounts/:path)', () => {
  it('204; the mount’s data is deleted and its path no longer routes', async () => {
    const { vault } = await setup()
    await enableEcho(vault)
    await call(vault, 'POST', 'echo/foo', { value: 'bar' })
    await call(vault, 'POST', 'echo/baz', { value: 'qux' })
    const { uuid } = (await mountTable(vault))['echo/'] as { uuid: string }
    expect(await vault.storage.list('logical/')).toContain(`${uuid}/`)

    expect(await raw(vault, 'DELETE', 'sys/mounts/echo')).toEqual({ status: 204, body: null })
    expect(await vault.storage.list('logical/')).not.toContain(`${uuid}/`)
    expect(await vault.storage.list(`logical/${uuid}/`)).toEqual([])
    expect(await mountTable(vault)).not.toHaveProperty(['echo/'])
    expect(await raw(vault, 'GET', 'echo/foo')).toEqual({
      status: 404,
      body: { errors: ['no handler for route "echo/foo". route entry not found.'] },
    })
  })

  it('re-enabling the same path starts empty, with a new uuid and accessor', async () => {
    const { vault } = await setup()
    await enableEcho(vault)
    await call(vault, 'POST', 'echo/foo', { value: 'bar' })
    const first = (await mountTable(vault))['echo/']!
    await call(vault, 'DELETE', 'sys/mounts/echo')
    await enableEcho(vault)
    const second = (await mountTable(vault))['echo/']!
    expect(second.uuid).not.toBe(first.uuid)
    expect(second.accessor).not.toBe(first.accessor)
    expect((await raw(vault, 'GET', 'echo/foo')).status).toBe(404)
  })

  it('disabling a path with no mount is a 204 (Vault does not reveal whether it existed)', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'DELETE', 'sys/mounts/nothing-here')).toEqual({ status: 204, body: null })
    await enableEcho(vault)
    // A path below a mount is not that mount.
    expect(await raw(vault, 'DELETE', 'sys/mounts/echo/deeper')).toEqual({ status: 204, body: null })
    expect(await mountTable(vault)).toHaveProperty(['echo/'])
  })

  it('sys/ cannot be disabled', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'DELETE', 'sys/mounts/sys')).toEqual({
      status: 400,
      body: { errors: ['cannot unmount "sys/"'] },
    })
    expect(await mountTable(vault)).toHaveProperty(['sys/'])
  })
})

describe('tune (GET/POST sys/mounts/:path/tune)', () => {
  it('reads effective TTLs: the system default when unset, sorted keys', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo', { description: 'd' })
    const res = await raw(vault, 'GET', 'sys/mounts/echo/tune')
    expect(res.status).toBe(200)
    const data = (res.body as { data: Record<string, unknown> }).data
    expect(data).toEqual({
      default_lease_ttl: SYSTEM_TTL,
      description: 'd',
      force_no_cache: false,
      max_lease_ttl: SYSTEM_TTL,
    })
    expect(Object.keys(data)).toEqual(['default_lease_ttl', 'description', 'force_no_cache', 'max_lease_ttl'])
  })

  it('reads the mount’s own TTLs when set, and finds the mount from a path below it', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo', { config: { default_lease_ttl: '1h', max_lease_ttl: '2h' } })
    const res = await call(vault, 'GET', 'sys/mounts/echo/tune')
    expect(res.data).toMatchObject({ default_lease_ttl: 3600, max_lease_ttl: 7200 })
    expect((await call(vault, 'GET', 'sys/mounts/echo/x/tune')).data).toEqual(res.data)
  })

  it('tune of sys/ reads the system mount', async () => {
    const { vault } = await setup()
    const res = await call(vault, 'GET', 'sys/mounts/sys/tune')
    expect(res.data).toMatchObject({ default_lease_ttl: SYSTEM_TTL, max_lease_ttl: SYSTEM_TTL })
  })

  it('reading the tune of a path with no mount is a 400', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'GET', 'sys/mounts/nope/tune')).toEqual({
      status: 400,
      body: { errors: ['cannot fetch sysview for path "nope/"'] },
    })
  })

  it('writes TTLs (strings or seconds) and description: 204, then reads them back', async () => {
    const { vault } = await setup()
    await enableEcho(vault)
    expect(
      await raw(vault, 'POST', 'sys/mounts/echo/tune', {
        default_lease_ttl: '30m',
        max_lease_ttl: 7200,
        description: 'tuned',
      }),
    ).toEqual({ status: 204, body: null })
    expect((await call(vault, 'GET', 'sys/mounts/echo/tune')).data).toMatchObject({
      default_lease_ttl: 1800,
      max_lease_ttl: 7200,
      description: 'tuned',
    })
    const entry = (await mountTable(vault))['echo/']!
    expect(entry.config).toMatchObject({ default_lease_ttl: 1800, max_lease_ttl: 7200 })
    expect(entry.description).toBe('tuned')
  })

  it('"system" resets a TTL to the system default; an absent field keeps its value', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo', { config: { default_lease_ttl: '1h', max_lease_ttl: '2h' } })
    await call(vault, 'POST', 'sys/mounts/echo/tune', { default_lease_ttl: 'system' })
    expect((await call(vault, 'GET', 'sys/mounts/echo/tune')).data).toMatchObject({
      default_lease_ttl: SYSTEM_TTL,
      max_lease_ttl: 7200,
    })
    expect((await mountTable(vault))['echo/']!.config).toMatchObject({
      default_lease_ttl: 0,
      max_lease_ttl: 7200,
    })
    await call(vault, 'POST', 'sys/mounts/echo/tune', { max_lease_ttl: 'system' })
    expect((await mountTable(vault))['echo/']!.config).toMatchObject({
      default_lease_ttl: 0,
      max_lease_ttl: 0,
    })
  })

  it('refuses a max below the default with Vault’s message and changes nothing', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo', { config: { default_lease_ttl: '1h', max_lease_ttl: '2h' } })
    expect(await raw(vault, 'POST', 'sys/mounts/echo/tune', { max_lease_ttl: '30m' })).toEqual({
      status: 400,
      body: {
        errors: ['backend max lease TTL of 1800 would be less than backend default lease TTL of 3600'],
      },
    })
    expect(
      await raw(vault, 'POST', 'sys/mounts/echo/tune', { default_lease_ttl: '3h', description: 'no' }),
    ).toEqual({
      status: 400,
      body: {
        errors: ['backend max lease TTL of 7200 would be less than backend default lease TTL of 10800'],
      },
    })
    const entry = (await mountTable(vault))['echo/']!
    expect(entry.config).toMatchObject({ default_lease_ttl: 3600, max_lease_ttl: 7200 })
    expect(entry.description).toBe('')
  })

  it('refuses an unparsable TTL with 400', async () => {
    const { vault } = await setup()
    await enableEcho(vault)
    expect(await raw(vault, 'POST', 'sys/mounts/echo/tune', { default_lease_ttl: 'later' })).toEqual({
      status: 400,
      body: { errors: ['time: invalid duration "later"'] },
    })
  })

  it('refuses to tune sys/', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'POST', 'sys/mounts/sys/tune', { default_lease_ttl: '1h' })).toEqual({
      status: 400,
      body: { errors: ['cannot tune parameter default_lease_ttl of sys/'] },
    })
    expect(await raw(vault, 'POST', 'sys/mounts/sys/tune', { description: 'x' })).toEqual({
      status: 400,
      body: { errors: ['cannot tune parameter description of sys/'] },
    })
    expect((await call(vault, 'GET', 'sys/mounts/sys/tune')).data).toMatchObject({
      default_lease_ttl: SYSTEM_TTL,
    })
  })

  it('refuses to tune a path with no mount (400)', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'POST', 'sys/mounts/nope/tune', { default_lease_ttl: '1h' })).toEqual({
      status: 400,
      body: { errors: ['tune of path "nope/" failed: no mount entry found'] },
    })
  })

  it('kv options.version: 1 → 2 warns and reloads the backend; 2 → 1 is refused', async () => {
    const { vault } = await setup()
    await raw(vault, 'POST', 'sys/mounts/kv', { type: 'kv', options: { version: '1' } })
    await call(vault, 'POST', 'kv/keep', { value: 'me' })

    const up = await raw(vault, 'POST', 'sys/mounts/kv/tune', { options: { version: '2' } })
    expect(up.status).toBe(200)
    expect(up.body).toMatchObject({
      data: null,
      warnings: [
        'Upgrading mount from version 1 to version 2. This mount will be unavailable for a brief period and will resume service shortly.',
      ],
    })
    expect((await mountTable(vault))['kv/']!.options).toEqual({ version: '2' })
    // The reloaded backend upgrades the v1 data in the background; it answers "upgrading" meanwhile.
    let read = await raw(vault, 'GET', 'kv/data/keep')
    for (let i = 0; i < 50 && read.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 10))
      read = await raw(vault, 'GET', 'kv/data/keep')
    }
    expect((read.body as { data: { data: unknown } }).data.data).toEqual({ value: 'me' })

    expect(await raw(vault, 'POST', 'sys/mounts/kv/tune', { options: { version: '1' } })).toEqual({
      status: 400,
      body: { errors: ['cannot downgrade mount from version 2'] },
    })
    // Same version: nothing to do, no warning.
    expect(await raw(vault, 'POST', 'sys/mounts/kv/tune', { options: { version: '2' } })).toEqual({
      status: 204,
      body: null,
    })
    expect(await raw(vault, 'POST', 'sys/mounts/kv/tune', { options: { version: '3' } })).toEqual({
      status: 400,
      body: { errors: ['invalid version provided: 3'] },
    })
    expect((await mountTable(vault))['kv/']!.options).toEqual({ version: '2' })
  })

  it('tune read shows options when the mount has some', async () => {
    const { vault } = await setup()
    await raw(vault, 'POST', 'sys/mounts/kv', { type: 'kv-v2' })
    expect((await call(vault, 'GET', 'sys/mounts/kv/tune')).data).toMatchObject({ options: { version: '2' } })
  })
})

describe('remount (api-docs/system/remount)', () => {
  it('moves a mount with its data; the old path stops routing; the status reads success', async () => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo', { description: 'mine' })
    await call(vault, 'POST', 'echo/foo', { value: 'bar' })
    const before = (await mountTable(vault))['echo/']!

    const res = await raw(vault, 'POST', 'sys/remount', { from: 'echo', to: 'moved' })
    expect(res.status).toBe(200)
    const body = res.body as Record<string, unknown> & { data: { migration_id: string } }
    const id = body.data.migration_id
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(body.migration_id).toBe(id)
    expect(body.warnings).toHaveLength(1)

    expect((await call(vault, 'GET', 'moved/foo')).data).toEqual({ value: 'bar' })
    expect(await raw(vault, 'GET', 'echo/foo')).toEqual({
      status: 404,
      body: { errors: ['no handler for route "echo/foo". route entry not found.'] },
    })
    const table = await mountTable(vault)
    expect(table).not.toHaveProperty(['echo/'])
    expect(table['moved/']).toEqual(before)

    const status = await call(vault, 'GET', `sys/remount/status/${id}`)
    expect(status.data).toEqual({
      migration_id: id,
      migration_info: { source_mount: 'echo/', target_mount: 'moved/', status: 'success' },
    })
  })

  it('an unknown migration ID is a 404', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'GET', 'sys/remount/status/00000000-0000-0000-0000-000000000000')).toEqual({
      status: 404,
      body: { errors: [] },
    })
  })

  it.each([
    [{ from: 'echo' }, "both 'from' and 'to' path must be specified as a string"],
    [{ to: 'x' }, "both 'from' and 'to' path must be specified as a string"],
    [{ from: 'echo ', to: 'x' }, "'from' path cannot contain trailing whitespace"],
    [{ from: 'echo', to: ' x' }, "'to' path cannot contain trailing whitespace"],
    [{ from: 'sys', to: 'x' }, 'cannot remount "sys/"'],
    [{ from: 'echo', to: 'sys/x' }, 'cannot remount to destination sys/x/'],
    [{ from: 'echo', to: 'cubbyhole' }, 'cannot remount to destination cubbyhole/'],
    [{ from: 'echo', to: 'auth/x' }, 'cannot remount to destination auth/x/'],
    [{ from: 'nope', to: 'x' }, 'no matching mount at "nope/"'],
    [{ from: 'echo', to: 'other' }, 'path already in use at "other/"'],
    [{ from: 'echo', to: 'a' }, 'path already in use at "a/b/"'],
    [{ from: 'echo', to: 'other/deeper' }, 'path already in use at "other/"'],
    [{ from: 'echo', to: 'echo' }, 'path already in use at "echo/"'],
    [{ from: 'echo', to: 'echo/sub' }, 'path already in use at "echo/"'],
    [
      { from: 'echo', to: 'x//y' },
      "invalid destination mount: path 'x//y/' does not match cleaned path 'x/y/'",
    ],
  ])('refuses %j with 400 "%s" and changes nothing', async (data, message) => {
    const { vault } = await setup()
    await enableEcho(vault, 'echo')
    await enableEcho(vault, 'other')
    await enableEcho(vault, 'a/b')
    const before = await snapshot(vault.storage)
    expect(await raw(vault, 'POST', 'sys/remount', data)).toEqual({
      status: 400,
      body: { errors: [message] },
    })
    expect(await snapshot(vault.storage)).toEqual(before)
    expect(await mountTable(vault)).toHaveProperty(['echo/'])
  })
})

describe('the mount table is persisted', () => {
  it('seal + unseal keeps the mount (same uuid, accessor, config) and its data', async () => {
    const { vault, echo } = await setup()
    await enableEcho(vault, 'echo', { config: { default_lease_ttl: '1h', max_lease_ttl: '2h' } })
    await call(vault, 'POST', 'echo/foo', { value: 'bar' })
    const before = await mountTable(vault)
    const built = echo.configs.length

    await vault.seal()
    await vault.unseal(vault.unsealKey!)
    expect(await mountTable(vault)).toEqual(before)
    expect((await call(vault, 'GET', 'echo/foo')).data).toEqual({ value: 'bar' })
    expect(echo.configs.length).toBe(built + 1)
  })

  it('a new Vault on the same storage, unsealed with the dev key, serves the mount and its data', async () => {
    const storage = new MemoryStorage()
    const first = await Vault.dev({ storage, rootToken: ROOT })
    first.engines.register(echoEngine())
    await enableEcho(first, 'echo', { description: 'kept' })
    await call(first, 'POST', 'echo/foo', { value: 'bar' })
    await call(first, 'POST', 'sys/mounts/echo/tune', { default_lease_ttl: '5m' })
    await call(first, 'POST', 'sys/remount', { from: 'echo', to: 'moved' })
    const before = await mountTable(first)
    await first.seal()

    const second = new Vault({ storage })
    second.engines.register(echoEngine())
    await second.unseal(first.unsealKey!)
    expect(await mountTable(second)).toEqual(before)
    expect((await call(second, 'GET', 'moved/foo')).data).toEqual({ value: 'bar' })
    expect((await call(second, 'GET', 'sys/mounts/moved/tune')).data).toMatchObject({
      default_lease_ttl: 300,
      description: 'kept',
    })
  })

  it('a disabled mount stays disabled after unseal', async () => {
    const { vault } = await setup()
    await enableEcho(vault)
    await call(vault, 'DELETE', 'sys/mounts/echo')
    await vault.seal()
    await vault.unseal(vault.unsealKey!)
    expect(await mountTable(vault)).not.toHaveProperty(['echo/'])
  })
})

describe('events', () => {
  it('emits mounted, tuned, remounted, unmounted', async () => {
    const { vault } = await setup()
    const events: [string, unknown][] = []
    vault.on('mounted', (e) => events.push(['mounted', e]))
    vault.on('tuned', (e) => events.push(['tuned', e]))
    vault.on('remounted', (e) => events.push(['remounted', e]))
    vault.on('unmounted', (e) => events.push(['unmounted', e]))

    await enableEcho(vault)
    await call(vault, 'POST', 'sys/mounts/echo/tune', { description: 'x' })
    await call(vault, 'POST', 'sys/remount', { from: 'echo', to: 'moved' })
    await call(vault, 'DELETE', 'sys/mounts/moved')
    await call(vault, 'DELETE', 'sys/mounts/moved') // nothing there: no event
    expect(events).toEqual([
      ['mounted', { path: 'echo/', type: 'echo', table: 'mounts' }],
      ['tuned', { path: 'echo/' }],
      ['remounted', { from: 'echo/', to: 'moved/' }],
      ['unmounted', { path: 'moved/', type: 'echo', table: 'mounts' }],
    ])
  })
})
