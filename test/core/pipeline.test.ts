// The request pipeline every door goes through: authentication, routing, verbs, lists, the response
// envelope, error statuses and bodies. Follows https://developer.hashicorp.com/vault/api-docs (HTTP API
// conventions: verbs, LIST, 204/404 bodies, the envelope, error format), checked against Vault's
// http/logical.go (buildLogicalRequest, respondLogical), routing/router.go and sdk/framework/backend.go.
// sys/key-status and sys/rotate follow …/api-docs/system/key-status and …/system/rotate.
import { describe, expect, it } from 'vitest'
import { NotFoundError, Vault, VaultError, type VaultRequest } from '../../src/index.node.js'
import { BOOM_MESSAGE, type EchoEngine, echoEngine } from '../support/echo-engine.js'

const ROOT = 'root'
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const ENVELOPE_KEYS = [
  'request_id',
  'lease_id',
  'renewable',
  'lease_duration',
  'data',
  'wrap_info',
  'warnings',
  'auth',
  'mount_type',
]
const UNSUPPORTED_PATH = '1 error occurred:\n\t* unsupported path\n\n'
const UNSUPPORTED_OPERATION = '1 error occurred:\n\t* unsupported operation\n\n'

type Method = VaultRequest['method']

/** A dev vault with `echo/` mounted. */
async function setup(): Promise<{ vault: Vault; echo: EchoEngine }> {
  const vault = await Vault.dev({ rootToken: ROOT })
  const echo = echoEngine()
  vault.engines.register(echo)
  await vault.request({ method: 'POST', path: 'sys/mounts/echo', data: { type: 'echo' }, token: ROOT })
  return { vault, echo }
}

function call(vault: Vault, method: Method, path: string, data?: Record<string, unknown>) {
  return vault.request({ method, path, token: ROOT, ...(data ? { data } : {}) })
}

function raw(vault: Vault, method: Method, path: string, data?: Record<string, unknown>) {
  return vault.handle({ method, path, token: ROOT, ...(data ? { data } : {}) })
}

describe('authentication', () => {
  it('no token: 403 permission denied, and the backend never sees the request', async () => {
    const { vault, echo } = await setup()
    for (const path of ['sys/mounts', 'echo/foo']) {
      expect(await vault.handle({ method: 'GET', path })).toEqual({
        status: 403,
        body: { errors: ['permission denied'] },
      })
    }
    expect(await vault.handle({ method: 'POST', path: 'echo/foo', data: { value: 'x' } })).toEqual({
      status: 403,
      body: { errors: ['permission denied'] },
    })
    expect(echo.calls).toEqual([])
  })

  it.each(['hvs.AAAAAAAAAAAAAAAAAAAAAAAA', 'root2', ''])('an unknown token (%j) is a 403', async (token) => {
    const { vault, echo } = await setup()
    const err = await vault.request({ method: 'GET', path: 'echo/foo', token }).catch((e) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err).toMatchObject({
      code: 'ERR_PERMISSION_DENIED',
      statusCode: 403,
      errors: ['permission denied'],
    })
    expect(echo.calls).toEqual([])
  })

  it('without a token an unmounted path is a 403 too: the 404 is only for callers who may ask', async () => {
    const { vault } = await setup()
    expect(await vault.handle({ method: 'GET', path: 'x/y' })).toEqual({
      status: 403,
      body: { errors: ['permission denied'] },
    })
  })

  it('the token headers are never passed to the backend', async () => {
    const { vault, echo } = await setup()
    await vault.request({
      method: 'GET',
      path: 'echo/info',
      token: ROOT,
      headers: { 'X-Vault-Token': ROOT, Authorization: `Bearer ${ROOT}`, 'X-Custom': 'kept' },
    })
    expect(echo.calls).toHaveLength(1)
  })
})

describe('routing', () => {
  it('an unmounted path with a root token: 404 no handler for route', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'GET', 'x/y')).toEqual({
      status: 404,
      body: { errors: ['no handler for route "x/y". route entry not found.'] },
    })
  })

  it('a path inside a mount that no backend path matches: 404 unsupported path', async () => {
    const { vault, echo } = await setup()
    expect(await raw(vault, 'GET', 'echo/a/b')).toEqual({ status: 404, body: { errors: [UNSUPPORTED_PATH] } })
    expect(echo.calls.map((c) => c.path)).toEqual(['a/b'])
  })

  it('an operation the path does not declare: 405', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'DELETE', 'echo/info')).toEqual({
      status: 405,
      body: { errors: [UNSUPPORTED_OPERATION] },
    })
    expect(await raw(vault, 'PATCH', 'echo/foo', { value: 'x' })).toEqual({
      status: 405,
      body: { errors: [UNSUPPORTED_OPERATION] },
    })
  })

  it.each(['TRACE', 'OPTIONS', 'CONNECT', 'FOO', ''])(
    'an unknown method (%j) is a 405 with empty errors',
    async (method) => {
      const { vault, echo } = await setup()
      const res = await vault.handle({ method: method as Method, path: 'echo/foo', token: ROOT })
      expect(res).toEqual({ status: 405, body: { errors: [] } })
      expect(echo.calls).toEqual([])
    },
  )

  it('methods are case-insensitive', async () => {
    const { vault } = await setup()
    await vault.request({ method: 'post', path: 'echo/foo', data: { value: 'v' }, token: ROOT })
    expect((await vault.request({ method: 'get', path: 'echo/foo', token: ROOT })).data).toEqual({
      value: 'v',
    })
  })

  it('the mount path without its trailing slash reaches the mount root, as in Vault’s router', async () => {
    const { vault, echo } = await setup()
    // The root only lists: a read there is an unsupported operation, not an unmounted path.
    expect(await raw(vault, 'GET', 'echo')).toEqual({
      status: 405,
      body: { errors: [UNSUPPORTED_OPERATION] },
    })
    expect(echo.calls.at(-1)).toMatchObject({ operation: 'read', path: '', mountPoint: 'echo/' })
  })

  it('a leading / is accepted', async () => {
    const { vault, echo } = await setup()
    await call(vault, 'POST', '/echo/foo', { value: 'v' })
    expect((await call(vault, 'GET', '/echo/foo')).data).toEqual({ value: 'v' })
    expect(echo.calls.map((c) => c.path)).toEqual(['foo', 'foo'])
  })

  it.each([
    'echo/../sys/mounts',
    '../echo/foo',
    'echo/foo/..',
    'echo/./foo',
    'echo/.',
    'echo//foo',
    'echo/foo//',
    '//echo/foo',
    '',
    '/',
  ])('the path %j is refused with 400 before anything else runs', async (path) => {
    const { vault, echo } = await setup()
    const err = await vault.request({ method: 'GET', path, token: ROOT }).catch((e) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err).toMatchObject({ code: 'ERR_INVALID_REQUEST', statusCode: 400 })
    expect((await vault.handle({ method: 'POST', path, data: { value: 'x' }, token: ROOT })).status).toBe(400)
    expect(echo.calls).toEqual([])
  })
})

describe('lists', () => {
  it('LIST answers the keys, sorted', async () => {
    const { vault, echo } = await setup()
    await call(vault, 'POST', 'echo/b', { value: '2' })
    await call(vault, 'POST', 'echo/a', { value: '1' })
    const res = await call(vault, 'LIST', 'echo/')
    expect(res.data).toEqual({ keys: ['a', 'b'] })
    expect(echo.calls.at(-1)).toMatchObject({ operation: 'list', path: '' })
  })

  it('LIST appends the trailing /', async () => {
    const { vault, echo } = await setup()
    await call(vault, 'POST', 'echo/a', { value: '1' })
    expect((await call(vault, 'LIST', 'echo')).data).toEqual({ keys: ['a'] })
    expect(echo.calls.at(-1)).toMatchObject({ operation: 'list', path: '' })
    expect((await raw(vault, 'LIST', 'echo/foo')).status).toBe(404)
    expect(echo.calls.at(-1)).toMatchObject({ operation: 'list', path: 'foo/' })
  })

  it.each([['true'], ['1'], ['t'], ['TRUE'], ['True'], [true]])(
    'GET with list=%j is a LIST; the flag is not passed on',
    async (list) => {
      const { vault, echo } = await setup()
      await call(vault, 'POST', 'echo/a', { value: '1' })
      expect((await call(vault, 'GET', 'echo', { list })).data).toEqual({ keys: ['a'] })
      expect(echo.calls.at(-1)).toMatchObject({ operation: 'list', path: '', data: {} })
    },
  )

  it('GET with list=false stays a read and keeps the parameter (the framework warns about it)', async () => {
    const { vault, echo } = await setup()
    await call(vault, 'POST', 'echo/a', { value: '1' })
    const res = await call(vault, 'GET', 'echo/a', { list: 'false' })
    expect(res.data).toEqual({ value: '1' })
    expect(res.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [list]'])
    expect(echo.calls.at(-1)).toMatchObject({ operation: 'read', path: 'a' })
  })

  it('GET with an unparsable list flag is a 400 with empty errors', async () => {
    const { vault, echo } = await setup()
    expect(await raw(vault, 'GET', 'echo/', { list: 'yes' })).toEqual({ status: 400, body: { errors: [] } })
    expect(echo.calls).toEqual([])
  })

  it('an empty list is a 404 with empty errors', async () => {
    const { vault, echo } = await setup()
    expect(await raw(vault, 'LIST', 'echo/')).toEqual({ status: 404, body: { errors: [] } })
    const err = await call(vault, 'LIST', 'echo/').catch((e) => e)
    expect(err).toBeInstanceOf(NotFoundError)
    expect(err).toMatchObject({ code: 'ERR_NOT_FOUND', statusCode: 404, errors: [] })
    expect(echo.calls.map((c) => c.operation)).toEqual(['list', 'list'])
  })
})

describe('responses without content', () => {
  it('a read of nothing is a 404 with empty errors', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'GET', 'echo/missing')).toEqual({ status: 404, body: { errors: [] } })
    await expect(call(vault, 'GET', 'echo/missing')).rejects.toMatchObject({ statusCode: 404, errors: [] })
  })

  it('a write or delete with nothing to return: 204 with no body; request() gives an envelope with data null', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'POST', 'echo/foo', { value: 'v' })).toEqual({ status: 204, body: null })
    const res = await call(vault, 'PUT', 'echo/foo', { value: 'w' })
    expect(Object.keys(res)).toEqual(ENVELOPE_KEYS)
    expect(res).toMatchObject({ data: null, warnings: null, auth: null, wrap_info: null, lease_id: '' })
    expect(res.request_id).toMatch(UUID_V4)
    expect(await raw(vault, 'DELETE', 'echo/foo')).toEqual({ status: 204, body: null })
    expect((await raw(vault, 'GET', 'echo/foo')).status).toBe(404)
  })
})

describe('the envelope', () => {
  it('has exactly Vault’s keys, in Vault’s order', async () => {
    const { vault } = await setup()
    await call(vault, 'POST', 'echo/foo', { value: 'v' })
    const res = await raw(vault, 'GET', 'echo/foo')
    expect(res.status).toBe(200)
    const body = res.body as Record<string, unknown>
    expect(Object.keys(body)).toEqual(ENVELOPE_KEYS)
    expect(body).toEqual({
      request_id: expect.stringMatching(UUID_V4),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: { value: 'v' },
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'echo',
    })
  })

  it('request() answers the same envelope as handle(), with a fresh request_id each time', async () => {
    const { vault } = await setup()
    await call(vault, 'POST', 'echo/foo', { value: 'v' })
    const a = await call(vault, 'GET', 'echo/foo')
    const b = (await raw(vault, 'GET', 'echo/foo')).body as Record<string, unknown>
    expect(Object.keys(a)).toEqual(ENVELOPE_KEYS)
    expect({ ...a, request_id: '' }).toEqual({ ...b, request_id: '' })
    expect(a.request_id).not.toBe(b.request_id)
  })

  it('unknown fields come back as the framework’s warning, sorted', async () => {
    const { vault, echo } = await setup()
    const res = await call(vault, 'GET', 'echo/info', { zeta: '1', alpha: '2' })
    expect(res.warnings).toEqual(['Endpoint ignored these unrecognized parameters: [alpha zeta]'])
    expect(res.data).toEqual({ mount: 'echo/', options: {} })
    expect(echo.calls.at(-1)?.data).toEqual({ zeta: '1', alpha: '2' })
  })

  it('a write that answers nothing carries no warning (as in Vault, warnings ride on a response)', async () => {
    const { vault } = await setup()
    expect(await raw(vault, 'POST', 'echo/foo', { value: 'v', extra: 'x' })).toEqual({
      status: 204,
      body: null,
    })
  })
})

describe('errors', () => {
  it('every failure is a VaultError whose code, statusCode and errors match what handle() answers', async () => {
    const { vault } = await setup()
    const cases: [VaultRequest, string, number][] = [
      [{ method: 'GET', path: 'sys/mounts' }, 'ERR_PERMISSION_DENIED', 403],
      [{ method: 'GET', path: 'sys/mounts', token: 'nope' }, 'ERR_PERMISSION_DENIED', 403],
      [{ method: 'GET', path: 'x/y', token: ROOT }, 'ERR_UNSUPPORTED_PATH', 404],
      [{ method: 'GET', path: 'echo/a/b', token: ROOT }, 'ERR_UNSUPPORTED_PATH', 404],
      [{ method: 'DELETE', path: 'echo/info', token: ROOT }, 'ERR_UNSUPPORTED_OPERATION', 405],
      [{ method: 'FOO' as Method, path: 'echo/foo', token: ROOT }, 'ERR_UNSUPPORTED_OPERATION', 405],
      [{ method: 'GET', path: 'echo/missing', token: ROOT }, 'ERR_NOT_FOUND', 404],
      [{ method: 'LIST', path: 'echo/', token: ROOT }, 'ERR_NOT_FOUND', 404],
      [{ method: 'GET', path: 'echo/../x', token: ROOT }, 'ERR_INVALID_REQUEST', 400],
      [{ method: 'GET', path: 'echo/', data: { list: 'maybe' }, token: ROOT }, 'ERR_INVALID_REQUEST', 400],
      [
        { method: 'POST', path: 'sys/mounts/echo', data: { type: 'echo' }, token: ROOT },
        'ERR_PATH_IN_USE',
        409,
      ],
      [
        { method: 'POST', path: 'sys/mounts/sys', data: { type: 'echo' }, token: ROOT },
        'ERR_PERMISSION_DENIED',
        403,
      ],
      [{ method: 'GET', path: 'echo/boom', token: ROOT }, 'ERR_INTERNAL', 500],
    ]
    for (const [req, code, status] of cases) {
      const err = await vault.request(req).catch((e) => e)
      const label = `${req.method} ${req.path}`
      expect(err, label).toBeInstanceOf(VaultError)
      expect(err.code, label).toBe(code)
      expect(err.statusCode, label).toBe(status)
      expect(Array.isArray(err.errors), label).toBe(true)
      expect(await vault.handle(req), label).toEqual({ status, body: { errors: err.errors } })
    }
  })

  it('sealed: 503 Vault is sealed, with code ERR_SEALED', async () => {
    const { vault } = await setup()
    await vault.seal()
    const err = await call(vault, 'GET', 'echo/foo').catch((e) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err).toMatchObject({ code: 'ERR_SEALED', statusCode: 503, errors: ['Vault is sealed'] })
  })

  it('a handler that throws a plain Error: 500 internal error, and its message never leaks', async () => {
    const { vault } = await setup()
    const res = await raw(vault, 'GET', 'echo/boom')
    expect(res).toEqual({ status: 500, body: { errors: ['internal error'] } })
    const err = await call(vault, 'GET', 'echo/boom').catch((e) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err).toMatchObject({ code: 'ERR_INTERNAL', statusCode: 500, errors: ['internal error'] })
    expect(err.message).toBe('internal error')
    expect(JSON.stringify(err.errors)).not.toContain('hunter2')
    // The original stays available to the host for debugging, as the cause.
    expect((err.cause as Error).message).toBe(BOOM_MESSAGE)
    // The vault keeps serving.
    expect((await raw(vault, 'GET', 'echo/info')).status).toBe(200)
  })
})

describe('barrier key: sys/key-status and sys/rotate (api-docs/system/key-status, …/system/rotate)', () => {
  it('sys/key-status answers term, install_time (RFC 3339) and encryptions, also at the top level', async () => {
    const { vault } = await setup()
    const res = await raw(vault, 'GET', 'sys/key-status')
    expect(res.status).toBe(200)
    const body = res.body as Record<string, unknown> & { data: Record<string, unknown> }
    expect(Object.keys(body.data)).toEqual(['encryptions', 'install_time', 'term'])
    expect(body.data.term).toBe(1)
    expect(body.data.encryptions).toEqual(expect.any(Number))
    expect(body.data.install_time).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/,
    )
    expect(Number.isFinite(Date.parse(body.data.install_time as string))).toBe(true)
    expect(body.term).toBe(1)
    expect(body.install_time).toBe(body.data.install_time)
    expect(body.mount_type).toBe('system')
  })

  it('sys/rotate: 204, the term goes up, keyRotated fires, and data written before still reads', async () => {
    const { vault } = await setup()
    await call(vault, 'POST', 'echo/before', { value: 'old' })
    const events: unknown[] = []
    vault.on('keyRotated', (e) => events.push(e))

    expect(await raw(vault, 'PUT', 'sys/rotate')).toEqual({ status: 204, body: null })
    expect(events).toEqual([{ term: 2 }])
    expect((await call(vault, 'GET', 'sys/key-status')).data).toMatchObject({ term: 2 })

    await call(vault, 'POST', 'echo/after', { value: 'new' })
    expect((await call(vault, 'GET', 'echo/before')).data).toEqual({ value: 'old' })
    expect((await call(vault, 'GET', 'echo/after')).data).toEqual({ value: 'new' })

    expect(await raw(vault, 'POST', 'sys/rotate')).toEqual({ status: 204, body: null })
    expect(events).toEqual([{ term: 2 }, { term: 3 }])

    // Both terms survive a seal/unseal.
    await vault.seal()
    await vault.unseal(vault.unsealKey!)
    expect((await call(vault, 'GET', 'sys/key-status')).data).toMatchObject({ term: 3 })
    expect((await call(vault, 'GET', 'echo/before')).data).toEqual({ value: 'old' })
    expect((await call(vault, 'GET', 'echo/after')).data).toEqual({ value: 'new' })
  })

  it('sys/rotate needs a token', async () => {
    const { vault } = await setup()
    expect(await vault.handle({ method: 'PUT', path: 'sys/rotate' })).toEqual({
      status: 403,
      body: { errors: ['permission denied'] },
    })
    expect((await call(vault, 'GET', 'sys/key-status')).data).toMatchObject({ term: 1 })
  })
})

describe('HEAD (api-docs/index)', () => {
  it('is 405 with empty errors anywhere but sys/health', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    expect(await vault.handle({ method: 'HEAD', path: 'sys/mounts', token: 'root' })).toEqual({
      status: 405,
      body: { errors: [] },
    })
    expect((await vault.handle({ method: 'HEAD', path: 'sys/health' })).status).toBe(200)
  })
})
