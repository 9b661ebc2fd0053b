// The audit formatter and hasher against Vault's own vectors (audit/hashstructure_test.go,
// audit/format_jsonx_test.go) and an independent HMAC computed with node:crypto.
import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  AuditSalt,
  buildRequestEntry,
  buildResponseEntry,
  clientId,
  type FormatterConfig,
  hashData,
  parseFormatterOptions,
  serializeEntry,
  toJsonx,
} from '../../src/audit/index.js'
import { nobleCrypto } from '../../src/crypto/noble.js'
import { nodeCrypto } from '../../src/crypto/node.js'
import { VaultError } from '../../src/errors.js'

// Vault's tests store the salt "foo" and hash with it.
const salt = new AuditSalt(nodeCrypto, 'foo')
const H = (s: string) => salt.hash(s)
const independent = (key: string, s: string) =>
  `hmac-sha256:${createHmac('sha256', key).update(s).digest('hex')}`

const JSON_DEFAULTS: FormatterConfig = parseFormatterOptions({})
const CTX = { time: '2024-01-01T00:00:00.123Z', clientId: '' }

describe('HMAC of values (salt.GetIdentifiedHMAC)', () => {
  it.each([
    ['foo', 'hmac-sha256:08ba357e274f528065766c770a639abf6809b39ccfd37c2a3157c7f51954da0a'],
    ['bar', 'hmac-sha256:f9320baf0249169e73850cd6156ded0106e2bb6ad8cab01b7bbbebe6d1065317'],
    ['flimflam', 'hmac-sha256:7c9c6fe666d0af73b3ebcfbfabe6885015558213208e6635ba104047b22f6390'],
  ])('%s with salt "foo" is Vault’s vector', (value, expected) => {
    expect(H(value)).toBe(expected)
    expect(independent('foo', value)).toBe(expected)
  })

  it('is the same through both crypto providers, for unicode too', () => {
    const key = '0b1a5c3e-6f2d-4c1b-9a7e-2f4d8c6b1e3a'
    for (const v of ['', 'p@ss wörd 🔑', 'x'.repeat(1000)]) {
      const a = new AuditSalt(nodeCrypto, key).hash(v)
      expect(new AuditSalt(nobleCrypto, key).hash(v)).toBe(a)
      expect(a).toBe(independent(key, v))
    }
  })
})

describe('hashData (HashStructure)', () => {
  it('hashes every string value, recursively, never keys, numbers, booleans or null', () => {
    const out = hashData({ foo: 'bar', n: 1, b: true, z: null, list: ['bar', 2], deep: { foo: ['bar'] } }, H)
    expect(out).toEqual({
      b: true,
      deep: { foo: [H('bar')] },
      foo: H('bar'),
      list: [H('bar'), 2],
      n: 1,
      z: null,
    })
    expect(Object.keys(out)).toEqual(['b', 'deep', 'foo', 'list', 'n', 'z']) // Go writes maps sorted
  })

  it('keeps non-HMAC keys clear, at any depth, including the lists under them (TestHashRequest)', () => {
    expect(hashData({ foo: 'bar', baz: 'foobar', private_key_type: 'rsa' }, H, ['baz'])).toEqual({
      foo: 'hmac-sha256:f9320baf0249169e73850cd6156ded0106e2bb6ad8cab01b7bbbebe6d1065317',
      baz: 'foobar',
      private_key_type: 'hmac-sha256:995230dca56fffd310ff591aa404aab52b2abb41703c787cfa829eceb4595bf1',
    })
    expect(hashData({ a: { keep: ['x', { keep: 'y', other: 'z' }] } }, H, ['keep'])).toEqual({
      a: { keep: ['x', { keep: 'y', other: H('z') }] },
    })
  })

  it('matches Vault’s nested vectors (TestHashResponse)', () => {
    const nested = hashData(
      {
        foo: {
          first: { write_json: 'bar', read_json: 'baz' },
          second: { nested: { write_json: 'war', read_json: 'waz' } },
        },
      },
      H,
      ['write_json'],
    )
    expect(nested).toEqual({
      foo: {
        first: {
          write_json: 'bar',
          read_json: 'hmac-sha256:57fe23dcea29b442ce536b9486b53999513079c8850b2c4ac83bb48529a00bfe',
        },
        second: {
          nested: {
            write_json: 'war',
            read_json: 'hmac-sha256:5c69f2a46b323680e94d5a0f50b3347a5dfeb8382db7ff38dfaae1516f8a142c',
          },
        },
      },
    })
    const keyInfo = hashData(
      {
        key_info: {
          random_string: {
            name: 'test',
            num_member_entities: 0,
            num_parent_groups: 0,
            deeply_nested_map: { random_array: ['item', 'another_item'] },
          },
        },
        keys: 'random_string',
      },
      H,
    )
    expect(keyInfo).toEqual({
      key_info: {
        random_string: {
          deeply_nested_map: {
            random_array: [
              'hmac-sha256:5a4325952fec282c8dbfd0242cca5d018a210bb629e9ebc9278f58b5f4d73db1',
              'hmac-sha256:0176bac06c07b7ccb59bda70be3cf50f5560d25328bf8043796d24be71177d2d',
            ],
          },
          name: 'hmac-sha256:3a5c1437614283a4c557670f3196c56d34dbc5109f2bf3db73e631cb1370a4e2',
          num_member_entities: 0,
          num_parent_groups: 0,
        },
      },
      keys: 'hmac-sha256:c735e47de746c4b6607851f5aa107ebac9c53d8af0c807009c150672d6388609',
    })
  })

  it('copies as JSON would: Dates clear (as Vault’s time.Time), bytes as base64 (hashed), undefined dropped', () => {
    const out = hashData(
      { at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600)), raw: new Uint8Array([1, 2]), u: undefined },
      H,
    )
    expect(out).toEqual({ at: '2024-01-02T03:04:05.6Z', raw: H('AQI=') })
    expect('u' in out).toBe(false)
    const src = { a: ['x'] }
    hashData(src, H)
    expect(src).toEqual({ a: ['x'] }) // the input is never modified
  })

  it('refuses cyclic data', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => hashData(cyclic, H)).toThrow(/cycle/)
  })
})

describe('parseFormatterOptions', () => {
  it('has Vault’s defaults', () => {
    expect(parseFormatterOptions({ file_path: 'x' })).toEqual({
      raw: false,
      hmacAccessor: true,
      elideListResponses: false,
      format: 'json',
      prefix: '',
    })
    expect(
      parseFormatterOptions({
        log_raw: 'T',
        hmac_accessor: '0',
        elide_list_responses: 'TRUE',
        format: 'jsonx',
        prefix: '>',
      }),
    ).toEqual({ raw: true, hmacAccessor: false, elideListResponses: true, format: 'jsonx', prefix: '>' })
  })

  it.each([
    [{ format: 'xml' }, 'unknown format type "xml"'],
    [{ log_raw: 'yes' }, 'strconv.ParseBool: parsing "yes": invalid syntax'],
    [{ hmac_accessor: '' }, 'strconv.ParseBool: parsing "": invalid syntax'],
  ])('%o → 400 %s', (options, message) => {
    try {
      parseFormatterOptions(options)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(VaultError)
      expect((e as VaultError).statusCode).toBe(400)
      expect((e as VaultError).message).toBe(message)
    }
  })
})

const token = {
  policies: ['default', 'app'],
  meta: { user: 'bob', team: 'x' },
  display_name: 'token-bob',
  type: 'service' as const,
  ttl: 3600,
  creation_time: 1704067200,
  entity_id: '',
  num_uses: 0,
}

describe('request entries', () => {
  it('has Vault’s shape: time first, keys sorted, token and accessor HMAC’d, data HMAC’d', () => {
    const entry = buildRequestEntry(
      {
        id: 'req-1',
        operation: 'update',
        path: 'secret/data/app',
        mountPoint: 'secret/',
        mountType: 'kv',
        mountAccessor: 'kv_1234abcd',
        mountRunningVersion: 'v0.1.0+builtin.vaultlet',
        mountClass: 'secret',
        data: { data: { password: 'hunter2', port: 5432 } },
        clientToken: 'hvs.secret',
        clientTokenAccessor: 'acc-1',
        tokenEntry: token,
        policyResults: { allowed: true, grantingPolicies: ['app'] },
        remoteAddress: '10.0.0.7',
        remotePort: 51234,
        wrapTtl: 300,
      },
      JSON_DEFAULTS,
      H,
      { ...CTX, clientId: 'cid' },
    )
    expect(Object.keys(entry)).toEqual(['time', 'auth', 'request', 'type'])
    expect(entry).toEqual({
      time: '2024-01-01T00:00:00.123Z',
      auth: {
        accessor: H('acc-1'),
        client_token: H('hvs.secret'),
        display_name: 'token-bob',
        metadata: { team: 'x', user: 'bob' },
        policies: ['default', 'app'],
        policy_results: {
          allowed: true,
          granting_policies: [{ name: 'app', namespace_id: 'root', type: 'acl' }],
        },
        token_issue_time: '2024-01-01T00:00:00Z',
        token_policies: ['default', 'app'],
        token_ttl: 3600,
        token_type: 'service',
      },
      request: {
        client_id: 'cid',
        client_token: H('hvs.secret'),
        client_token_accessor: H('acc-1'),
        data: { data: { password: H('hunter2'), port: 5432 } },
        id: 'req-1',
        mount_accessor: 'kv_1234abcd',
        mount_class: 'secret',
        mount_point: 'secret/',
        mount_running_version: 'v0.1.0+builtin.vaultlet',
        mount_type: 'kv',
        namespace: { id: 'root' },
        operation: 'update',
        path: 'secret/data/app',
        remote_address: '10.0.0.7',
        remote_port: 51234,
        wrap_ttl: 300,
      },
      type: 'request',
    })
    const line = serializeEntry(entry, JSON_DEFAULTS)
    expect(line.endsWith('}\n')).toBe(true)
    expect(line).not.toContain('hunter2')
    expect(line).not.toContain('hvs.secret')
    expect(line).not.toContain('acc-1')
    expect(JSON.parse(line)).toEqual(entry)
  })

  it('an unauthenticated request has token_type "default" and nothing else of a caller', () => {
    const entry = buildRequestEntry(
      {
        id: 'r',
        operation: 'update',
        path: 'auth/userpass/login/bob',
        data: { password: 'pw' },
        policyResults: { allowed: true },
      },
      JSON_DEFAULTS,
      H,
      CTX,
    )
    expect(entry.auth).toEqual({ policy_results: { allowed: true }, token_type: 'default' })
    expect(entry.request?.data).toEqual({ password: H('pw') })
  })

  it('hmac_accessor=false leaves accessors clear; log_raw hashes nothing', () => {
    const input = {
      id: 'r',
      operation: 'read',
      path: 'p',
      clientToken: 't',
      clientTokenAccessor: 'a',
      data: { k: 'v' },
    }
    const noAcc = buildRequestEntry(input, { ...JSON_DEFAULTS, hmacAccessor: false }, H, CTX)
    expect(noAcc.auth?.accessor).toBe('a')
    expect(noAcc.request?.client_token_accessor).toBe('a')
    expect(noAcc.request?.client_token).toBe(H('t'))
    const raw = buildRequestEntry(input, { ...JSON_DEFAULTS, raw: true }, H, CTX)
    expect(raw.auth?.client_token).toBe('t')
    expect(raw.request?.data).toEqual({ k: 'v' })
  })

  it('logs the error text in the clear, and omits empty fields', () => {
    const entry = buildRequestEntry(
      {
        id: 'r',
        operation: 'read',
        path: 'secret/x',
        clientToken: 'bad',
        error: 'permission denied',
        data: {},
      },
      JSON_DEFAULTS,
      H,
      CTX,
    )
    expect(entry.error).toBe('permission denied')
    expect(entry.request).toEqual({
      client_token: H('bad'),
      id: 'r',
      namespace: { id: 'root' },
      operation: 'read',
      path: 'secret/x',
    })
  })

  it('uses the mount’s audit_non_hmac_request_keys', () => {
    const entry = buildRequestEntry(
      {
        id: 'r',
        operation: 'update',
        path: 'p',
        data: { role: 'web', secret: 's' },
        nonHmacRequestKeys: ['role'],
      },
      JSON_DEFAULTS,
      H,
      CTX,
    )
    expect(entry.request?.data).toEqual({ role: 'web', secret: H('s') })
  })
})

describe('response entries', () => {
  const base = {
    id: 'r',
    operation: 'update',
    path: 'auth/token/create',
    clientToken: 'hvs.root',
    tokenEntry: token,
  }

  it('HMACs the new token in response.auth, keeps lease IDs, warnings, policies clear', () => {
    const entry = buildResponseEntry(
      {
        ...base,
        response: {
          request_id: 'r',
          lease_id: 'database/creds/ro/abc',
          renewable: true,
          lease_duration: 60,
          data: { username: 'v-user', password: 'p4ss', ttl: 60 },
          wrap_info: null,
          warnings: ['careful'],
          auth: {
            client_token: 'hvs.new',
            accessor: 'new-acc',
            policies: ['default'],
            token_policies: ['default'],
            metadata: null,
            lease_duration: 768,
            renewable: true,
            entity_id: '',
            token_type: 'service',
            orphan: false,
            mfa_requirement: null,
            num_uses: 0,
          },
          mount_type: 'token',
        },
      },
      JSON_DEFAULTS,
      H,
      CTX,
    )
    expect(Object.keys(entry)).toEqual(['time', 'auth', 'request', 'response', 'type'])
    expect(entry.auth?.client_token).toBe(H('hvs.root'))
    expect(entry.response).toEqual({
      auth: {
        accessor: H('new-acc'),
        client_token: H('hvs.new'),
        policies: ['default'],
        token_policies: ['default'],
        token_ttl: 768,
        token_type: 'service',
      },
      data: { password: H('p4ss'), ttl: 60, username: H('v-user') },
      secret: { lease_id: 'database/creds/ro/abc' },
      warnings: ['careful'],
    })
  })

  it('a login is logged with the new token’s auth at the top, as Vault does', () => {
    const entry = buildResponseEntry(
      {
        id: 'r',
        operation: 'update',
        path: 'auth/userpass/login/bob',
        data: { password: 'pw' },
        policyResults: { allowed: true },
        response: {
          request_id: 'r',
          data: null,
          auth: {
            client_token: 'hvs.new',
            accessor: 'a',
            policies: ['default'],
            lease_duration: 60,
            token_type: 'service',
            metadata: { username: 'bob' },
          },
        },
      },
      JSON_DEFAULTS,
      H,
      CTX,
    )
    expect(entry.auth).toEqual({
      accessor: H('a'),
      client_token: H('hvs.new'),
      metadata: { username: 'bob' },
      policies: ['default'],
      token_ttl: 60,
      token_type: 'service',
    })
    expect(entry.response?.auth).toEqual(entry.auth)
  })

  it('HMACs wrap_info token (always) and accessors (when hmac_accessor), as TestHashResponse', () => {
    const wrapped = {
      request_id: '',
      data: null,
      wrap_info: {
        token: 'bar',
        accessor: 'flimflam',
        ttl: 60,
        creation_time: '2024-01-01T00:00:00Z',
        creation_path: 'auth/token/create',
        wrapped_accessor: 'bar',
      },
    }
    const entry = buildResponseEntry({ ...base, response: wrapped }, JSON_DEFAULTS, H, CTX)
    expect(entry.response?.wrap_info).toEqual({
      accessor: 'hmac-sha256:7c9c6fe666d0af73b3ebcfbfabe6885015558213208e6635ba104047b22f6390',
      creation_path: 'auth/token/create',
      creation_time: '2024-01-01T00:00:00Z',
      token: 'hmac-sha256:f9320baf0249169e73850cd6156ded0106e2bb6ad8cab01b7bbbebe6d1065317',
      ttl: 60,
      wrapped_accessor: 'hmac-sha256:f9320baf0249169e73850cd6156ded0106e2bb6ad8cab01b7bbbebe6d1065317',
    })
    const noAcc = buildResponseEntry(
      { ...base, response: wrapped },
      { ...JSON_DEFAULTS, hmacAccessor: false },
      H,
      CTX,
    )
    expect(noAcc.response?.wrap_info?.accessor).toBe('flimflam')
    expect(noAcc.response?.wrap_info?.wrapped_accessor).toBe('bar')
    expect(noAcc.response?.wrap_info?.token).toBe(H('bar'))
  })

  it('logs a bare object (operator endpoints) as data, and honours audit_non_hmac_response_keys', () => {
    const entry = buildResponseEntry(
      { ...base, response: { started: true, nonce: 'n-1', otp: 'secret' }, nonHmacResponseKeys: ['nonce'] },
      JSON_DEFAULTS,
      H,
      CTX,
    )
    expect(entry.response?.data).toEqual({ nonce: 'n-1', otp: H('secret'), started: true })
  })

  it('elide_list_responses replaces keys and key_info by their counts on list operations only', () => {
    const response = {
      request_id: 'r',
      data: { keys: ['a', 'b', 'c'], key_info: { a: {}, b: {} }, other: 'x' },
    }
    const cfg = { ...JSON_DEFAULTS, elideListResponses: true }
    const listed = buildResponseEntry({ ...base, operation: 'list', response }, cfg, H, CTX)
    expect(listed.response?.data).toEqual({ key_info: 2, keys: 3, other: H('x') })
    const read = buildResponseEntry({ ...base, operation: 'read', response }, cfg, H, CTX)
    expect(read.response?.data?.keys).toEqual([H('a'), H('b'), H('c')])
  })
})

describe('serialization', () => {
  it('escapes like Go’s encoder (<, >, &, U+2028, U+2029) and writes the prefix', () => {
    const line = serializeEntry(
      { type: 'request', error: 'a<b>&c\u2028' },
      { format: 'json', prefix: 'AUDIT: ' },
    )
    expect(line).toBe('AUDIT: {"type":"request","error":"a\\u003cb\\u003e\\u0026c\\u2028"}\n')
    expect(JSON.parse(line.slice('AUDIT: '.length)).error).toBe('a<b>&c\u2028')
  })

  it('JSONx matches Vault’s TestFormatJSONx_formatRequest conversion', () => {
    const xml = toJsonx({
      auth: { accessor: '', client_token: '', display_name: '', metadata: null, policies: ['root'] },
      error: 'this is an error',
      request: {
        client_token: '',
        client_token_accessor: '',
        data: null,
        id: '',
        operation: 'update',
        path: '/foo',
        remote_address: '127.0.0.1',
        wrap_ttl: 60,
      },
      type: 'request',
    })
    expect(xml).toBe(
      '<json:object name="auth"><json:string name="accessor"></json:string><json:string name="client_token"></json:string><json:string name="display_name"></json:string><json:null name="metadata" /><json:array name="policies"><json:string>root</json:string></json:array></json:object><json:string name="error">this is an error</json:string><json:object name="request"><json:string name="client_token"></json:string><json:string name="client_token_accessor"></json:string><json:null name="data" /><json:string name="id"></json:string><json:string name="operation">update</json:string><json:string name="path">/foo</json:string><json:string name="remote_address">127.0.0.1</json:string><json:number name="wrap_ttl">60</json:number></json:object><json:string name="type">request</json:string>',
    )
  })

  it('JSONx escapes names and values, writes booleans, and ends each entry with a newline', () => {
    const line = serializeEntry({ type: 'response', error: 'a<&"b' }, { format: 'jsonx', prefix: '' })
    expect(line).toBe(
      '<json:string name="error">a&lt;&amp;&#34;b</json:string><json:string name="type">response</json:string>\n',
    )
    expect(toJsonx({ 'a"b': true })).toBe('<json:boolean name="a&#34;b">true</json:boolean>')
  })
})

describe('clientId (TokenEntry.CreateClientID)', () => {
  it('is base64(SHA-256(sorted policies joined by 0x7f, 0x00, "root")) without an entity', () => {
    const expected = createHash('sha256').update('app\x7fdefault\x00root').digest('base64')
    expect(clientId({ policies: ['default', 'app'], entity_id: '' }, (b) => nodeCrypto.sha256(b))).toBe(
      expected,
    )
    expect(clientId({ policies: [], entity_id: '' }, (b) => nodeCrypto.sha256(b))).toBe(
      createHash('sha256').update('root').digest('base64'),
    )
    expect(clientId({ policies: ['x'], entity_id: 'ent-1' }, (b) => nodeCrypto.sha256(b))).toBe('ent-1')
  })
})
