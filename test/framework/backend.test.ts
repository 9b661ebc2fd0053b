// Behaviour and wording follow openbao sdk/framework/backend.go (HandleRequest, HandleExistenceCheck,
// handleRevokeRenew), path.go (path help) and sdk/logical/error.go.
import { beforeEach, describe, expect, it } from 'vitest'
import type { LogicalRequest, Operation } from '../../src/core/logical.js'
import {
  InvalidRequestError,
  UnsupportedOperationError,
  UnsupportedPathError,
  VaultError,
} from '../../src/errors.js'
import { FrameworkBackend, secretResponse } from '../../src/framework/backend.js'
import { FieldData } from '../../src/framework/fields.js'
import { compilePath, definePath, matchPath } from '../../src/framework/path.js'
import {
  genericNameRegex,
  genericNameWithAtRegex,
  matchAllRegex,
  optionalEndsInSlash,
  optionalGenericNameRegex,
  optionalParamRegex,
} from '../../src/framework/patterns.js'
import { type Storage, StorageView } from '../../src/storage/view.js'

/** A trivial Map-backed Storage (one-level list, folders end in `/`). */
class MapStorage implements Storage {
  readonly data = new Map<string, Uint8Array>()
  async get(key: string): Promise<Uint8Array | null> {
    return this.data.get(key) ?? null
  }
  async put(key: string, value: Uint8Array): Promise<void> {
    this.data.set(key, value)
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key)
  }
  async list(prefix: string): Promise<string[]> {
    const out = new Set<string>()
    for (const k of this.data.keys()) {
      if (!k.startsWith(prefix)) continue
      const rest = k.slice(prefix.length)
      const i = rest.indexOf('/')
      out.add(i < 0 ? rest : rest.slice(0, i + 1))
    }
    return [...out].sort()
  }
}

let storage: StorageView

function request(
  operation: Operation,
  path: string,
  data: Record<string, unknown> = {},
  extra: Partial<LogicalRequest> = {},
): LogicalRequest {
  return {
    id: 'req-1',
    operation,
    path,
    mountPoint: 'test/',
    mountType: 'test',
    mountAccessor: '',
    data,
    storage,
    clientToken: '',
    clientTokenAccessor: '',
    displayName: '',
    policies: [],
    headers: {},
    ...extra,
  }
}

async function rejection(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(VaultError)
    return e as VaultError
  }
  throw new Error('expected a rejection')
}

const revoked: string[] = []

const creds = {
  type: 'creds',
  defaultDuration: 3600,
  fields: { username: { type: 'string' as const } },
  renew: async (req: LogicalRequest) => ({ secret: { ...req.secret, ttl: 7200 } }),
  revoke: async (req: LogicalRequest, data: FieldData) => {
    revoked.push(String(req.secret?.internalData?.username), data.get<string>('username'))
    return null
  },
}

function makeBackend(): FrameworkBackend {
  return new FrameworkBackend({
    type: 'test',
    help: 'A test backend.',
    secrets: [creds, { type: 'static', revoke: async () => null }],
    authRenew: async (req) => ({ auth: { ...req.auth, ttl: 60 } }),
    paths: [
      definePath({
        pattern: `roles${optionalEndsInSlash}`,
        operations: {
          list: async (req) => ({ data: { keys: await req.storage.list('role/') } }),
        },
        synopsis: 'List roles.',
      }),
      definePath({
        pattern: `roles/${genericNameRegex('name')}`,
        fields: {
          name: { type: 'string', description: 'Name of the role.' },
          ttl: { type: 'duration', default: '1h', description: 'Default TTL.' },
          allowed: { type: 'commaStringSlice', description: 'Allowed things.' },
          old: { type: 'bool', deprecated: true, description: 'Old flag.' },
        },
        existenceCheck: async (req, data) =>
          (await req.storage.get(`role/${data.get<string>('name')}`)) !== null,
        operations: {
          read: async (req, data) => {
            const role = await req.storage.getJSON<Record<string, unknown>>(
              `role/${data.get<string>('name')}`,
            )
            return role === null ? null : { data: role }
          },
          update: {
            summary: 'Create or update a role.',
            handler: async (req, data) => {
              await req.storage.putJSON(`role/${data.get<string>('name')}`, {
                ttl: data.get<number>('ttl'),
                allowed: data.get<string[]>('allowed'),
              })
              return null
            },
          },
          delete: async (req, data) => {
            await req.storage.delete(`role/${data.get<string>('name')}`)
            return null
          },
        },
        synopsis: 'Manage roles.',
        description: 'Roles define what credentials look like.',
      }),
      // Declared after roles/<name>: only reached for paths the earlier pattern does not match.
      definePath({
        pattern: `roles/${matchAllRegex('rest')}`,
        fields: { rest: { type: 'string' } },
        operations: { read: async (_req, data) => ({ data: { fallback: data.get('rest') } }) },
      }),
      definePath({
        pattern: `creds/${genericNameRegex('name')}`,
        fields: { name: { type: 'string' } },
        operations: {
          read: async (_req, data) =>
            secretResponse(
              creds,
              { username: `u-${data.get('name')}` },
              { username: `u-${data.get('name')}` },
            ),
        },
      }),
      definePath({
        pattern: `kv/${matchAllRegex('path')}`,
        fields: { path: { type: 'string' } },
        takesArbitraryInput: true,
        operations: { update: async (_req, data) => ({ data: { raw: data.raw } }) },
      }),
      definePath({
        pattern: `echo${optionalGenericNameRegex('name')}`,
        fields: { name: { type: 'string' }, n: { type: 'int' } },
        operations: {
          update: async (_req, data) => ({ data: { name: data.getOk('name'), n: data.get('n') } }),
          read: async () => ({ data: {}, warnings: ['handler warning'] }),
        },
      }),
    ],
  })
}

beforeEach(() => {
  storage = new StorageView(new MapStorage(), '')
  revoked.length = 0
})

describe('routing', () => {
  it('routes to the first matching path and passes captures', async () => {
    const b = makeBackend()
    expect(await b.handleRequest(request('update', 'roles/web', { ttl: '30m', allowed: 'a, b' }))).toBeNull()
    expect(await b.handleRequest(request('read', 'roles/web'))).toEqual({
      data: { ttl: 1800, allowed: ['a', 'b'] },
    })
    expect(await b.handleRequest(request('list', 'roles/'))).toEqual({ data: { keys: ['web'] } })
    expect(await b.handleRequest(request('list', 'roles'))).toEqual({ data: { keys: ['web'] } })
    // 'a/b' is not a generic name: falls through to the later catch-all.
    expect(await b.handleRequest(request('read', 'roles/a/b'))).toEqual({ data: { fallback: 'a/b' } })
    expect(b.route('roles/web')?.captures).toEqual({ name: 'web' })
    expect(b.route('nope')).toBeNull()
  })

  it('anchors patterns: a prefix or suffix match is not a match', async () => {
    const b = makeBackend()
    expect(b.route('xroles')).toBeNull()
    expect(b.route('creds/a/b')).toBeNull()
  })

  it('captures override body fields, with a warning', async () => {
    const b = makeBackend()
    const resp = await b.handleRequest(request('update', 'echo/alice', { name: 'mallory', n: '3' }))
    expect(resp?.data).toEqual({ name: ['alice', true], n: 3 })
    expect(resp?.warnings).toEqual([
      "Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [name]",
    ])
  })

  it('an optional capture that did not participate is set to ""', async () => {
    const b = makeBackend()
    const resp = await b.handleRequest(request('update', 'echo'))
    expect(resp?.data).toEqual({ name: ['', true], n: 0 })
    expect(resp?.warnings).toBeUndefined()
  })

  it('404 unsupported path', async () => {
    const err = await rejection(makeBackend().handleRequest(request('read', 'nope/x')))
    expect(err).toBeInstanceOf(UnsupportedPathError)
    expect(err.code).toBe('ERR_UNSUPPORTED_PATH')
    expect(err.statusCode).toBe(404)
    expect(err.errors[0]).toBe('1 error occurred:\n\t* unsupported path\n\n')
  })

  it('405 unsupported operation', async () => {
    const err = await rejection(makeBackend().handleRequest(request('delete', 'creds/x')))
    expect(err).toBeInstanceOf(UnsupportedOperationError)
    expect(err.code).toBe('ERR_UNSUPPORTED_OPERATION')
    expect(err.statusCode).toBe(405)
    expect(err.errors[0]).toBe('1 error occurred:\n\t* unsupported operation\n\n')
  })
})

describe('fields', () => {
  it('warns about unrecognized parameters, sorted, after handler warnings', async () => {
    const b = makeBackend()
    const resp = await b.handleRequest(request('read', 'echo', { zeta: 1, alpha: 2, n: 1 }))
    expect(resp?.warnings).toEqual([
      'handler warning',
      'Endpoint ignored these unrecognized parameters: [alpha zeta]',
    ])
  })

  it('a handler returning null gets no warnings (as in Vault)', async () => {
    const b = makeBackend()
    expect(await b.handleRequest(request('update', 'roles/web', { bogus: true }))).toBeNull()
  })

  it('takesArbitraryInput: no warning, raw data passed through', async () => {
    const b = makeBackend()
    const resp = await b.handleRequest(request('update', 'kv/a/b', { foo: 'bar', n: 1 }))
    expect(resp).toEqual({ data: { raw: { foo: 'bar', n: 1, path: 'a/b' } } })
  })

  it('400 on a field that does not parse, before the handler runs', async () => {
    const b = makeBackend()
    const err = await rejection(b.handleRequest(request('update', 'roles/web', { ttl: 'soon' })))
    expect(err).toBeInstanceOf(InvalidRequestError)
    expect(err.code).toBe('ERR_INVALID_REQUEST')
    expect(err.statusCode).toBe(400)
    expect(err.errors).toEqual([
      'Field validation failed: error converting input for field "ttl": time: invalid duration "soon"',
    ])
    expect(await storage.get('role/web')).toBeNull()

    const neg = await rejection(b.handleRequest(request('update', 'roles/web', { ttl: -5 })))
    expect(neg.message).toBe(
      `Field validation failed: error converting input for field "ttl": cannot provide negative value '-5'`,
    )
  })
})

describe('help', () => {
  it('path help lists the route, synopsis, parameters and description', async () => {
    const resp = await makeBackend().handleRequest(request('help', 'roles/web', { bogus: 1 }))
    const help = resp?.data?.help
    expect(help).toBe(
      [
        'Request:        roles/web',
        'Matching Route: ^roles/(?<name>\\w(([\\w\\-.]+)?\\w)?)$',
        '',
        'Manage roles.',
        '',
        '## PARAMETERS',
        '',
        '    allowed (slice)',
        '',
        '        Allowed things.',
        '',
        '    name (string)',
        '',
        '        Name of the role.',
        '',
        '    old (bool)',
        '',
        '        (DEPRECATED) Old flag.',
        '',
        '    ttl (duration (sec))',
        '',
        '        Default TTL.',
        '',
        '## DESCRIPTION',
        '',
        'Roles define what credentials look like.',
      ].join('\n'),
    )
  })

  it('help is always allowed, even without fields or text', async () => {
    const resp = await makeBackend().handleRequest(request('help', 'creds/x'))
    expect(resp?.data?.help).toContain('<no synopsis>\n\n## PARAMETERS')
    const list = await makeBackend().handleRequest(request('help', 'roles'))
    expect(list?.data?.help).toBe(
      'Request:        roles\nMatching Route: ^roles/?$\n\nList roles.\n\n\n## DESCRIPTION\n\n<no description>',
    )
  })

  it('root help lists every route', async () => {
    const resp = await makeBackend().handleRequest(request('help', ''))
    const help = String(resp?.data?.help)
    expect(help.startsWith('## DESCRIPTION\n\nA test backend.\n\n## PATHS')).toBe(true)
    expect(help).toContain('    ^roles/?$\n        List roles.')
    expect(help).toContain('    ^creds/')
  })
})

describe('existence check', () => {
  it('reports checkFound and exists', async () => {
    const b = makeBackend()
    expect(await b.existenceCheck(request('update', 'roles/web'))).toEqual({
      checkFound: true,
      exists: false,
    })
    await b.handleRequest(request('update', 'roles/web'))
    expect(await b.existenceCheck(request('update', 'roles/web'))).toEqual({ checkFound: true, exists: true })
    expect(await b.existenceCheck(request('create', 'roles/other'))).toEqual({
      checkFound: true,
      exists: false,
    })
  })

  it('paths without a check and unmatched paths report checkFound: false', async () => {
    const b = makeBackend()
    expect(await b.existenceCheck(request('update', 'kv/a'))).toEqual({ checkFound: false, exists: false })
    expect(await b.existenceCheck(request('update', 'nope'))).toEqual({ checkFound: false, exists: false })
  })

  it('validates fields and refuses other operations', async () => {
    const b = makeBackend()
    const err = await rejection(b.existenceCheck(request('update', 'roles/web', { ttl: 'x' })))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe('error converting input for field "ttl": time: invalid duration "x"')
    await expect(b.existenceCheck(request('read', 'roles/web'))).rejects.toThrow(TypeError)
  })
})

describe('secrets and auth renewal', () => {
  it('secretResponse tags the secret type', async () => {
    const resp = await makeBackend().handleRequest(request('read', 'creds/app'))
    expect(resp).toEqual({
      data: { username: 'u-app' },
      secret: { ttl: 3600, renewable: true, internalData: { username: 'u-app', secret_type: 'creds' } },
    })
  })

  it('dispatches renew and revoke by secret_type', async () => {
    const b = makeBackend()
    const secret = { leaseId: 'test/creds/app/1', internalData: { secret_type: 'creds', username: 'u-app' } }
    expect(await b.handleRequest(request('renew', 'creds/app', {}, { secret }))).toEqual({
      secret: { ...secret, ttl: 7200 },
    })
    expect(
      await b.handleRequest(request('revoke', 'creds/app', { username: 'from-data' }, { secret })),
    ).toBeNull()
    expect(revoked).toEqual(['u-app', 'from-data'])
  })

  it('a secret type without renew refuses renewal (405)', async () => {
    const b = makeBackend()
    const secret = { internalData: { secret_type: 'static' } }
    const err = await rejection(b.handleRequest(request('renew', 'x', {}, { secret })))
    expect(err.statusCode).toBe(405)
    expect(await b.handleRequest(request('revoke', 'x', {}, { secret }))).toBeNull()
  })

  it('unknown or missing secret types are refused', async () => {
    const b = makeBackend()
    for (const internalData of [{ secret_type: 'nope' }, {}, { secret_type: 5 }]) {
      const err = await rejection(b.handleRequest(request('revoke', 'x', {}, { secret: { internalData } })))
      expect(err.statusCode).toBe(400)
      expect(err.message).toBe('secret is unsupported by this backend')
    }
    const none = await rejection(b.handleRequest(request('revoke', 'x')))
    expect(none.message).toBe('request has no secret')
  })

  it('renew with auth goes to authRenew, or is refused', async () => {
    const b = makeBackend()
    expect(await b.handleRequest(request('renew', 'login', {}, { auth: { policies: ['a'] } }))).toEqual({
      auth: { policies: ['a'], ttl: 60 },
    })
    const plain = new FrameworkBackend({ type: 'x', paths: [] })
    const err = await rejection(plain.handleRequest(request('renew', 'login', {}, { auth: {} })))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe("this auth type doesn't support renew")
  })

  it('rollback is a no-op unless periodicFunc is given', async () => {
    expect(await makeBackend().handleRequest(request('rollback', ''))).toBeNull()
    let ran = 0
    const b = new FrameworkBackend({
      type: 'x',
      paths: [],
      periodicFunc: async () => {
        ran++
      },
    })
    expect(await b.handleRequest(request('rollback', ''))).toBeNull()
    expect(ran).toBe(1)
  })

  it('initialize and cleanup run the options', async () => {
    const calls: string[] = []
    const b = new FrameworkBackend({
      type: 'x',
      paths: [],
      initialize: async () => {
        calls.push('init')
      },
      cleanup: async () => {
        calls.push('clean')
      },
    })
    await b.initialize()
    await b.cleanup()
    expect(calls).toEqual(['init', 'clean'])
  })
})

describe('definePath and patterns', () => {
  const noop = async () => null

  it('rejects a capture group not declared in fields', () => {
    expect(() =>
      definePath({ pattern: `roles/${genericNameRegex('name')}`, operations: { read: noop } }),
    ).toThrow(TypeError)
  })

  it('rejects blank or invalid patterns, unknown field types and bad operations', () => {
    expect(() => definePath({ pattern: '', operations: {} })).toThrow('Routing pattern cannot be blank')
    expect(() => definePath({ pattern: 'a(', operations: {} })).toThrow(TypeError)
    expect(() =>
      definePath({ pattern: 'a', fields: { x: { type: 'nope' as 'string' } }, operations: {} }),
    ).toThrow(TypeError)
    expect(() => definePath({ pattern: 'a', operations: { read: 'x' as never } })).toThrow(TypeError)
    expect(() => definePath({ pattern: 'a', operations: { renew: noop } as never })).toThrow(TypeError)
  })

  it('accepts Go-style (?P<name>…) groups and explicit anchors', () => {
    const p = compilePath(
      definePath({
        pattern: '^keys/(?P<name>[a-z]+)$',
        fields: { name: { type: 'string' } },
        operations: {},
      }),
    )
    expect(p.captureNames).toEqual(['name'])
    expect(p.route).toBe('^keys/(?<name>[a-z]+)$')
    expect(matchPath(p, 'keys/abc')).toEqual({ name: 'abc' })
    expect(matchPath(p, 'keys/ABC')).toBeNull()
  })

  it('anchors alternations as a whole', () => {
    const p = compilePath(definePath({ pattern: 'a|b', operations: {} }))
    expect(matchPath(p, 'a')).toEqual({})
    expect(matchPath(p, 'b')).toEqual({})
    expect(matchPath(p, 'ab')).toBeNull()
  })

  it('ignores lookbehinds and escaped parentheses when collecting captures', () => {
    const p = compilePath(definePath({ pattern: '(?<=x)a\\(?<notagroup>[(?<y>)]', operations: {} }))
    expect(p.captureNames).toEqual([])
  })

  it.each([
    [genericNameRegex('n'), ['web', 'a.b-c', 'a_b', 'x'], ['-a', 'a-', '.a', 'a/b', '', 'a@b']],
    [genericNameWithAtRegex('n'), ['jo@example.com', 'x'], ['@a', 'a@', 'a b']],
    [`x${optionalGenericNameRegex('n')}`, ['x', 'x/abc'], ['x/', 'xabc', 'x/-a']],
    [`x${optionalParamRegex('n')}`, ['x', 'x/a/b'], ['x/', 'xa']],
    [matchAllRegex('n'), ['', 'a/b/c'], []],
  ])('pattern %s', (pattern, good, bad) => {
    const p = compilePath({ pattern, fields: { n: { type: 'string' } }, operations: {} })
    for (const s of good) expect(matchPath(p, s), s).not.toBeNull()
    for (const s of bad) expect(matchPath(p, s), s).toBeNull()
  })

  it('duplicate secret types are rejected', () => {
    expect(
      () =>
        new FrameworkBackend({
          type: 'x',
          paths: [],
          secrets: [{ type: 'a' }, { type: 'a' }],
        }),
    ).toThrow(TypeError)
  })

  it('FieldData for secrets uses the secret schema', () => {
    expect(new FieldData(creds.fields, { username: 5 }).get('username')).toBe('5')
  })
})
