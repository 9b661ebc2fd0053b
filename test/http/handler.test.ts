// createHandler: the HTTP translation over Web Request/Response, checked against Vault's http package
// (handler.go: getTokenFromReq, requestWrapInfo, isForm, parseQuery, parseFormRequest, respondOk,
// respondError; logical.go: buildLogicalRequestNoAuth, PATCH content type; help.go; go-cleanhttp's
// PrintablePathCheckHandler) and Go's encoding/json (Decoder wording, Encoder's HTML escaping and final
// newline). A recording vault shows what the pipeline is asked; a real dev vault shows what comes back.
import { beforeAll, describe, expect, it } from 'vitest'
import type { RawResponse, VaultRequest } from '../../src/core/request.js'
import { createHandler } from '../../src/http/index.js'
import { Vault } from '../../src/index.node.js'

/** A vault that records requests and answers 200 `{}` (or what `answer` says). */
function recorder(answer: RawResponse = { status: 200, body: {} }) {
  const seen: VaultRequest[] = []
  return {
    seen,
    handle: async (req: VaultRequest) => {
      seen.push(req)
      return answer
    },
  }
}

const url = (path: string) => `http://vault.test${path}`
const bytes = (s: string) => new TextEncoder().encode(s)

describe('what the pipeline is asked', () => {
  it('strips /v1/, takes the token from X-Vault-Token first, then Authorization: Bearer', async () => {
    const v = recorder()
    const h = createHandler(v)
    await h(
      new Request(url('/v1/secret/data/a'), {
        headers: { 'X-Vault-Token': 't1', Authorization: 'Bearer t2' },
      }),
    )
    await h(new Request(url('/v1/secret/data/a'), { headers: { Authorization: 'Bearer   t2  ' } }))
    await h(new Request(url('/v1/secret/data/a'), { headers: { Authorization: 'Basic abc' } }))
    expect(v.seen.map((r) => [r.method, r.path, r.token])).toEqual([
      ['GET', 'secret/data/a', 't1'],
      ['GET', 'secret/data/a', 't2'],
      ['GET', 'secret/data/a', undefined],
    ])
    // Header names arrive lower-cased; the pipeline drops the token headers itself.
    expect(v.seen[2]?.headers?.authorization).toEqual(['Basic abc'])
  })

  it('turns the query string into data for GET, DELETE, LIST and HEAD (repeated keys → arrays)', async () => {
    const v = recorder()
    const h = createHandler(v)
    for (const method of ['GET', 'DELETE', 'LIST', 'HEAD']) {
      await h(new Request(url('/v1/x?a=1&b=2&b=3&c=&d=%2Fslash+space&help='), { method }))
    }
    for (const r of v.seen) {
      expect(r.data).toEqual({ a: '1', b: ['2', '3'], c: '', d: '/slash space' })
    }
    expect(v.seen.map((r) => r.method)).toEqual(['GET', 'DELETE', 'LIST', 'HEAD'])
  })

  it('passes ?list=true on to the pipeline, which turns it into a list', async () => {
    const v = recorder()
    await createHandler(v)(new Request(url('/v1/secret/metadata?list=true')))
    expect(v.seen[0]).toMatchObject({ method: 'GET', path: 'secret/metadata', data: { list: 'true' } })
  })

  it('skips query pairs Go cannot parse (a ; separator, a bad escape)', async () => {
    const v = recorder()
    await createHandler(v)(new Request(url('/v1/x?a=1;b=2&c=%zz&d=4')))
    expect(v.seen[0]?.data).toEqual({ d: '4' })
  })

  it('reads POST and PUT bodies as JSON, whatever the content type', async () => {
    const v = recorder()
    const h = createHandler(v)
    await h(
      new Request(url('/v1/x'), {
        method: 'POST',
        body: '{"a":1,"b":[true,null]} trailing bytes are ignored',
      }),
    )
    await h(
      new Request(url('/v1/x'), {
        method: 'PUT',
        body: bytes('  {"a":"x"}'),
        headers: { 'Content-Type': 'text/plain' },
      }),
    )
    await h(new Request(url('/v1/x'), { method: 'PUT' }))
    await h(new Request(url('/v1/x'), { method: 'PUT', body: 'null' }))
    expect(v.seen.map((r) => r.data)).toEqual([{ a: 1, b: [true, null] }, { a: 'x' }, undefined, undefined])
  })

  it('reads forms when the content type says so and the body does not look like JSON', async () => {
    const v = recorder()
    const h = createHandler(v)
    const form = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }
    await h(new Request(url('/v1/x'), { method: 'PUT', headers: form, body: 'a=1&b=2&b=3&c=x+y%21' }))
    await h(new Request(url('/v1/x'), { method: 'PUT', headers: form, body: ' {"a":"json"}' }))
    expect(v.seen.map((r) => r.data)).toEqual([{ a: '1', b: '2,3', c: 'x y!' }, { a: 'json' }])
    const bad = await h(new Request(url('/v1/x'), { method: 'PUT', headers: form, body: 'a=%zz' }))
    expect(bad.status).toBe(400)
    expect(await bad.text()).toBe('{"errors":["error parsing form data"]}\n')
  })

  it('parses X-Vault-Wrap-TTL as a duration or seconds', async () => {
    const v = recorder()
    const h = createHandler(v)
    for (const ttl of ['300', '5m', '1h30m', '2d', '0']) {
      await h(new Request(url('/v1/x'), { headers: { 'X-Vault-Wrap-TTL': ttl } }))
    }
    expect(v.seen.map((r) => r.wrapTtl)).toEqual([300, 300, 5400, 172800, undefined])
  })

  it.each([
    ['abc', 'time: invalid duration "abc"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['1.5', 'time: missing unit in duration "1.5"'],
    ['-5m', 'requested wrap ttl cannot be negative'],
  ])('X-Vault-Wrap-TTL %j → 400 %j', async (ttl, message) => {
    const res = await createHandler(recorder())(
      new Request(url('/v1/x'), { headers: { 'X-Vault-Wrap-TTL': ttl } }),
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ errors: [`error parsing X-Vault-Wrap-TTL header: ${message}`] })
  })

  it('ignores X-Vault-Request and passes other headers through', async () => {
    const v = recorder()
    await createHandler(v)(
      new Request(url('/v1/x'), { headers: { 'X-Vault-Request': 'true', 'X-Custom': 'c' } }),
    )
    expect(v.seen[0]?.headers).toMatchObject({ 'x-vault-request': ['true'], 'x-custom': ['c'] })
  })

  it('passes where the request came from', async () => {
    const v = recorder()
    await createHandler(v)(new Request(url('/v1/x')), { remoteAddress: '10.1.2.3', remotePort: 5555 })
    expect(v.seen[0]?.connection).toEqual({ remoteAddress: '10.1.2.3', remotePort: 5555 })
  })

  it('maps ?help=1 to the help operation (sent as method HELP)', async () => {
    const v = recorder({ status: 200, body: { help: 'text' } })
    const res = await createHandler(v)(
      new Request(url('/v1/sys/mounts?help=1'), { headers: { 'X-Vault-Token': 't' } }),
    )
    expect(v.seen[0]).toMatchObject({ method: 'HELP', path: 'sys/mounts', token: 't' })
    expect(await res.json()).toEqual({ help: 'text' })
  })
})

describe("what the handler answers on its own (as Vault's HTTP layer does)", () => {
  const h = createHandler(recorder())

  it('404 {"errors":[]} outside /v1/', async () => {
    for (const path of ['/', '/v1', '/v2/sys/health', '/ui/']) {
      const res = await h(new Request(url(path)))
      expect(res.status).toBe(404)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(await res.text()).toBe('{"errors":[]}\n')
    }
  })

  it('400 with an empty body for a path with a non-printable character', async () => {
    const res = await h(new Request(url('/v1/secret/a%01b')))
    expect(res.status).toBe(400)
    expect(await res.text()).toBe('')
  })

  it('405 {"errors":[]} for verbs Vault does not know', async () => {
    for (const method of ['OPTIONS', 'FOO', 'list']) {
      const res = await h(new Request(url('/v1/x'), { method }))
      expect(res.status).toBe(405)
      expect(await res.text()).toBe('{"errors":[]}\n')
    }
  })

  it("PATCH needs application/merge-patch+json: 415 with Vault's message, or Go's mime error", async () => {
    const patch = (contentType?: string) =>
      h(
        new Request(url('/v1/x'), {
          method: 'PATCH',
          body: bytes('{}'),
          ...(contentType === undefined ? {} : { headers: { 'Content-Type': contentType } }),
        }),
      )
    const wrong = await patch('application/json; charset=utf-8')
    expect(wrong.status).toBe(415)
    expect(await wrong.json()).toEqual({
      errors: ['PATCH requires Content-Type of application/merge-patch+json, provided application/json'],
    })
    const none = await patch()
    expect(none.status).toBe(400)
    expect(await none.json()).toEqual({ errors: ['mime: no media type'] })
    expect((await (await patch('text/')).json()).errors).toEqual(['mime: expected token after slash'])
    expect((await (await patch('a/b c')).json()).errors).toEqual([
      'mime: unexpected content after media subtype',
    ])
    expect(await (await patch('Application/Merge-Patch+JSON')).json()).toEqual({})
  })

  it.each([
    ['{"data":', 'unexpected EOF'],
    ['{"a" 1}', "invalid character '1' after object key"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,2]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"text"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['42', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":"\\x"}', "invalid character 'x' in string escape code"],
  ])('malformed JSON %j → 400 "failed to parse JSON input: %s"', async (body, message) => {
    const res = await h(new Request(url('/v1/x'), { method: 'POST', body }))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ errors: [`failed to parse JSON input: ${message}`] })
  })

  it('refuses JSON nested deeper than maxJsonDepth', async () => {
    const deep = createHandler(recorder(), { maxJsonDepth: 3 })
    const ok = await deep(new Request(url('/v1/x'), { method: 'POST', body: '{"a":{"b":{}}}' }))
    expect(ok.status).toBe(200)
    const res = await deep(new Request(url('/v1/x'), { method: 'POST', body: '{"a":{"b":{"c":{}}}}' }))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      errors: ['failed to parse JSON input: JSON input exceeds the maximum nesting depth of 3'],
    })
    // The default (500) stops a stack-exhausting body before JSON.parse sees it.
    const bomb = `${'['.repeat(100_000)}`
    const res2 = await createHandler(recorder())(
      new Request(url('/v1/x'), { method: 'POST', body: `{"a":${bomb}` }),
    )
    expect(res2.status).toBe(400)
  })

  it('413 past maxRequestSize, whether announced or streamed', async () => {
    const small = createHandler(recorder(), { maxRequestSize: 16 })
    const announced = await small(
      new Request(url('/v1/x'), { method: 'PUT', body: '{"a":"0123456789abcdef"}' }),
    )
    expect(announced.status).toBe(413)
    expect(await announced.text()).toBe(
      '{"errors":["failed to parse JSON input: http: request body too large"]}\n',
    )
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes('{"a":"'))
        c.enqueue(bytes('0123456789abcdef"}'))
        c.close()
      },
    })
    const streamed = await small(
      new Request(url('/v1/x'), { method: 'PUT', body: stream, duplex: 'half' } as RequestInit & {
        duplex: string
      }),
    )
    expect(streamed.status).toBe(413)
  })

  it('escapes <, > and & in JSON as Go does, and ends bodies with a newline', async () => {
    const v = recorder({ status: 400, body: { errors: ['a <b> & c'] } })
    const res = await createHandler(v)(new Request(url('/v1/x')))
    expect(await res.text()).toBe('{"errors":["a \\u003cb\\u003e \\u0026 c"]}\n')
  })

  it('204 without a body, HEAD without a body', async () => {
    const none = await createHandler(recorder({ status: 204, body: null }))(
      new Request(url('/v1/x'), { method: 'DELETE' }),
    )
    expect(none.status).toBe(204)
    expect(none.headers.get('content-type')).toBe('application/json')
    expect(await none.text()).toBe('')
    const head = await createHandler(recorder({ status: 200, body: { a: 1 } }))(
      new Request(url('/v1/sys/health'), { method: 'HEAD' }),
    )
    expect(await head.text()).toBe('')
  })
})

describe('over a real vault', () => {
  let vault: Vault
  let h: ReturnType<typeof createHandler>
  const root = { 'X-Vault-Token': 'root' }
  beforeAll(async () => {
    vault = await Vault.dev({ rootToken: 'root' })
    h = createHandler(vault)
  })

  it('writes, lists with LIST and ?list=true, reads, patches and deletes a KV v2 secret', async () => {
    const put = await h(
      new Request(url('/v1/secret/data/app'), { method: 'PUT', headers: root, body: '{"data":{"a":"1"}}' }),
    )
    expect(put.status).toBe(200)
    for (const req of [
      new Request(url('/v1/secret/metadata'), { method: 'LIST', headers: root }),
      new Request(url('/v1/secret/metadata/?list=true'), { headers: root }),
    ]) {
      expect((await (await h(req)).json()).data).toEqual({ keys: ['app'] })
    }
    const patched = await h(
      new Request(url('/v1/secret/data/app'), {
        method: 'PATCH',
        headers: { ...root, 'Content-Type': 'application/merge-patch+json' },
        body: '{"data":{"b":"2"}}',
      }),
    )
    expect(patched.status).toBe(200)
    const read = await (await h(new Request(url('/v1/secret/data/app'), { headers: root }))).json()
    expect(read.data.data).toEqual({ a: '1', b: '2' })
    const del = await h(new Request(url('/v1/secret/metadata/app'), { method: 'DELETE', headers: root }))
    expect(del.status).toBe(204)
    const gone = await h(new Request(url('/v1/secret/data/app'), { headers: root }))
    expect(gone.status).toBe(404)
    expect(await gone.text()).toBe('{"errors":[]}\n')
  })

  it("gives Vault's statuses and bodies for bad tokens, unknown paths, wrong verbs and a sealed vault", async () => {
    const noToken = await h(new Request(url('/v1/secret/data/x')))
    expect([noToken.status, await noToken.json()]).toEqual([403, { errors: ['permission denied'] }])
    const unknown = await h(new Request(url('/v1/nothing/here'), { headers: root }))
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { errors: ['no handler for route "nothing/here". route entry not found.'] },
    ])
    const head = await h(new Request(url('/v1/secret/data/x'), { method: 'HEAD', headers: root }))
    expect(head.status).toBe(405)
    const sealed = await Vault.dev({ rootToken: 'root' })
    await sealed.seal()
    const hs = createHandler(sealed)
    const res = await hs(new Request(url('/v1/secret/data/x'), { headers: root }))
    expect([res.status, await res.text()]).toEqual([503, '{"errors":["Vault is sealed"]}\n'])
    const health = await hs(new Request(url('/v1/sys/health')))
    expect(health.status).toBe(503)
    expect((await health.json()).sealed).toBe(true)
  })

  it('answers ?help=1 with the path help, once the pipeline has the help operation', async (ctx) => {
    const probe = await vault.handle({
      method: 'HELP' as VaultRequest['method'],
      path: 'secret/data/x',
      token: 'root',
    })
    if (probe.status === 405) ctx.skip()
    const res = await h(new Request(url('/v1/secret/data/x?help=1'), { headers: root }))
    expect(res.status).toBe(200)
    expect(typeof (await res.json()).help).toBe('string')
  })

  it('wraps a response with X-Vault-Wrap-TTL and unwraps it', async () => {
    await h(
      new Request(url('/v1/secret/data/w'), { method: 'PUT', headers: root, body: '{"data":{"w":"1"}}' }),
    )
    const wrapped = await (
      await h(new Request(url('/v1/secret/data/w'), { headers: { ...root, 'X-Vault-Wrap-TTL': '60s' } }))
    ).json()
    expect(wrapped.wrap_info.ttl).toBe(60)
    expect(wrapped.data).toBeNull()
    const unwrapped = await (
      await h(
        new Request(url('/v1/sys/wrapping/unwrap'), {
          method: 'POST',
          headers: { 'X-Vault-Token': wrapped.wrap_info.token },
        }),
      )
    ).json()
    expect(unwrapped.data.data).toEqual({ w: '1' })
  })
})
