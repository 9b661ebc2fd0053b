// The Node listener over raw sockets: Vault's LIST verb, keep-alive, pipelining, Expect: 100-continue,
// chunked bodies, and the refusals that close request-smuggling holes (RFC 9112 §6.1, §6.3, §7.1:
// ambiguous framing is refused and the connection closed, never guessed). After every bad request the
// server must still answer the next client. Status lines and header sets are checked byte for byte where
// Vault (Go's net/http) documents them: header fields sorted by name, JSON bodies ending in "\n".
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen, serve } from '../../src/http/node.js'
import { Vault } from '../../src/index.node.js'
import { closedWithin, exchange, headerOf, openSocket, parseResponses } from './support.js'

const ROOT = 'root'
let vault: Vault
let server: Awaited<ReturnType<typeof listen>>
let port: number

beforeAll(async () => {
  vault = await Vault.dev({ rootToken: ROOT })
  await vault.request({ method: 'POST', path: 'secret/data/app', data: { data: { k: 'v' } }, token: ROOT })
  server = await listen(vault, { port: 0, headersTimeout: 400, idleTimeout: 600, requestTimeout: 1500 })
  port = server.port
})
afterAll(async () => {
  await server.close()
  await vault.close()
})

/** The server still answers a fresh client. */
async function stillServing(): Promise<void> {
  const res = await fetch(`${server.url}/v1/sys/health`)
  expect(res.status).toBe(200)
  await res.text()
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`

describe('verbs and framing Vault clients use', () => {
  it('answers LIST (which node:http refuses) with the keys, exactly as Vault writes it', async () => {
    const { responses } = await exchange(
      port,
      'LIST /v1/secret/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: root\r\n\r\n',
      { responses: 1 },
    )
    const [res] = responses
    expect(res?.status).toBe(200)
    expect(res?.head).toMatch(
      /^HTTP\/1\.1 200 OK\r\nCache-Control: no-store\r\nContent-Length: \d+\r\nContent-Type: application\/json\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n\r\n$/,
    )
    expect(res?.body.endsWith('}\n')).toBe(true)
    expect(JSON.parse(res?.body ?? '').data).toEqual({ keys: ['app'] })
  })

  it('answers GET ?list=true the same way', async () => {
    const { responses } = await exchange(
      port,
      get('/v1/secret/metadata?list=true', 'X-Vault-Token: root\r\n'),
      {
        responses: 1,
      },
    )
    expect(JSON.parse(responses[0]?.body ?? '').data).toEqual({ keys: ['app'] })
  })

  it('writes a path outside /v1/ as Vault does: 404 {"errors":[]} and a newline', async () => {
    const { responses } = await exchange(port, get('/ui/'), { responses: 1 })
    expect(responses[0]?.status).toBe(404)
    expect(responses[0]?.body).toBe('{"errors":[]}\n')
  })

  it('keeps a connection alive across requests', async () => {
    const socket = await openSocket(port)
    let raw = ''
    socket.on('data', (d) => {
      raw += d.toString('latin1')
    })
    const waitFor = async (n: number) => {
      for (let i = 0; i < 100 && (raw.match(/HTTP\/1\.1 /g)?.length ?? 0) < n; i++) {
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    socket.write(get('/v1/sys/health'))
    await waitFor(1)
    socket.write(get('/v1/secret/data/app', 'X-Vault-Token: root\r\n'))
    await waitFor(2)
    const responses = parseResponses(raw)
    expect(responses.map((r) => r.status)).toEqual([200, 200])
    expect(responses.every((r) => headerOf(r, 'connection') === undefined)).toBe(true)
    socket.destroy()
  })

  it('answers pipelined requests in order', async () => {
    const { responses } = await exchange(
      port,
      get('/v1/sys/health') +
        'LIST /v1/secret/metadata HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\n\r\n' +
        get('/v1/nope', 'X-Vault-Token: root\r\n') +
        'HEAD /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n' +
        'POST /v1/secret/data/pipe HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nContent-Length: 20\r\n\r\n{"data":{"p":"one"}}' +
        get('/v1/secret/data/pipe', 'X-Vault-Token: root\r\n'),
      { responses: 6, bodiless: [3] },
    )
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 200, 200, 200])
    expect(JSON.parse(responses[1]?.body ?? '').data.keys).toContain('app')
    expect(JSON.parse(responses[2]?.body ?? '').errors).toEqual([
      'no handler for route "nope". route entry not found.',
    ])
    expect(responses[3]?.body).toBe('')
    expect(JSON.parse(responses[5]?.body ?? '').data.data).toEqual({ p: 'one' })
  })

  it('half-closed clients get answers to everything they sent', async () => {
    const { responses, closed } = await exchange(port, get('/v1/sys/health') + get('/v1/sys/seal-status'), {
      end: true,
    })
    expect(responses.map((r) => r.status)).toEqual([200, 200])
    expect(closed).toBe(true)
  })

  it('sends 100 Continue before reading a body announced with Expect: 100-continue', async () => {
    const socket = await openSocket(port)
    let raw = ''
    socket.on('data', (d) => {
      raw += d.toString('latin1')
    })
    const body = '{"data":{"e":"1"}}'
    socket.write(
      `PUT /v1/secret/data/expect HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`,
    )
    for (let i = 0; i < 100 && !raw.includes('\r\n\r\n'); i++) await new Promise((r) => setTimeout(r, 10))
    expect(raw).toBe('HTTP/1.1 100 Continue\r\n\r\n')
    socket.write(body)
    for (let i = 0; i < 100 && !raw.includes('"version":1'); i++) await new Promise((r) => setTimeout(r, 10))
    expect(parseResponses(raw.slice('HTTP/1.1 100 Continue\r\n\r\n'.length))[0]?.status).toBe(200)
    socket.destroy()
  })

  it('refuses an expectation other than 100-continue with 417', async () => {
    const { responses, closed } = await exchange(port, get('/v1/sys/health', 'Expect: something\r\n'))
    expect(responses[0]?.status).toBe(417)
    expect(closed).toBe(true)
  })

  it('reads chunked bodies, with chunk extensions and trailer fields', async () => {
    const json = '{"data":{"c":"chunked"}}'
    const { responses } = await exchange(
      port,
      [
        'POST /v1/secret/data/chunked HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nTransfer-Encoding: chunked\r\n\r\n',
        `a;name=value\r\n${json.slice(0, 10)}\r\n`,
        `${(json.length - 10).toString(16)};q="x y"\r\n${json.slice(10)}\r\n`,
        '0\r\nX-Trailer: ok\r\n\r\n',
        get('/v1/secret/data/chunked', 'X-Vault-Token: root\r\n'),
      ],
      { responses: 2 },
    )
    expect(responses.map((r) => r.status)).toEqual([200, 200])
    expect(JSON.parse(responses[1]?.body ?? '').data.data).toEqual({ c: 'chunked' })
  })

  it('treats HTTP/1.0 as close-by-default and honours its keep-alive', async () => {
    const closing = await exchange(port, 'GET /v1/sys/health HTTP/1.0\r\n\r\n')
    expect(closing.responses[0]?.status).toBe(200)
    expect(headerOf(closing.responses[0]!, 'connection')).toBe('close')
    expect(closing.closed).toBe(true)
    const kept = await exchange(port, 'GET /v1/sys/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', {
      responses: 1,
    })
    expect(headerOf(kept.responses[0]!, 'connection')).toBe('keep-alive')
  })

  it('answers Connection: close and then closes', async () => {
    const { responses, closed } = await exchange(port, get('/v1/sys/health', 'Connection: close\r\n'))
    expect(responses).toHaveLength(1)
    expect(headerOf(responses[0]!, 'connection')).toBe('close')
    expect(closed).toBe(true)
  })

  it('treats method names case-sensitively, as Go does', async () => {
    const { responses } = await exchange(port, 'get /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n', {
      responses: 1,
    })
    expect(responses[0]?.status).toBe(405)
    expect(responses[0]?.body).toBe('{"errors":[]}\n')
  })
})

/** Sends `request`, expects one refusal with `status`, the connection closed, and the server alive. */
async function refused(request: string | string[], status: number): Promise<string> {
  const { responses, closed } = await exchange(port, request)
  expect(responses.map((r) => r.status)).toEqual([status])
  expect(headerOf(responses[0]!, 'connection')).toBe('close')
  expect(closed).toBe(true)
  await stillServing()
  return responses[0]?.body ?? ''
}

describe('ambiguous framing is refused, never guessed (request smuggling)', () => {
  // A request that would reach secret/data/smuggled if any framing were guessed.
  const smuggled = 'GET /v1/secret/data/app HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\n\r\n'

  it('Content-Length together with Transfer-Encoding → 400, nothing after it is read', async () => {
    const body = await refused(
      `POST /v1/sys/wrapping/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
      400,
    )
    expect(body).toBe('400 Bad Request: both Transfer-Encoding and Content-Length')
  })

  it('Transfer-Encoding before Content-Length, any case → 400', async () => {
    await refused(
      `POST /v1/sys/health HTTP/1.1\r\nHost: x\r\ntransfer-encoding: CHUNKED\r\ncontent-length: 0\r\n\r\n${smuggled}`,
      400,
    )
  })

  it('differing Content-Length values → 400; identical repeats are one length', async () => {
    await refused(
      `POST /v1/sys/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 51\r\n\r\n`,
      400,
    )
    await refused(`POST /v1/sys/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 5\r\n\r\n`, 400)
    const { responses } = await exchange(
      port,
      'PUT /v1/secret/data/same HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nContent-Length: 11\r\nContent-Length: 11\r\n\r\n{"data":{}}',
      { responses: 1 },
    )
    expect(responses[0]?.status).toBe(200)
  })

  it.each(['+5', '-1', '0x5', '5.0', '1 2', '', '1234567890123456'])(
    'Content-Length %j → 400',
    async (cl) => {
      await refused(`POST /v1/sys/health HTTP/1.1\r\nHost: x\r\nContent-Length: ${cl}\r\n\r\n12345`, 400)
    },
  )

  it.each([
    ['gzip, chunked', 501],
    ['chunked, chunked', 501],
    ['chunked, gzip', 400],
    ['gzip', 400],
    ['xchunked', 400],
    ['chunked;q=1', 400],
    ['chunked,', 400],
  ])('Transfer-Encoding %j → %i', async (te, status) => {
    await refused(
      `POST /v1/sys/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n0\r\n\r\n`,
      status,
    )
  })

  it('Transfer-Encoding on HTTP/1.0 → 400', async () => {
    await refused('POST /v1/sys/health HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400)
  })

  it.each(['zz', '-1', '0x5', ' 5', '5 5', '12345678901234567', '5;', '5;a=', '5;a="b'])(
    'chunk size line %j → 400',
    async (line) => {
      await refused(
        `POST /v1/secret/data/x HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nTransfer-Encoding: chunked\r\n\r\n${line}\r\nhello\r\n0\r\n\r\n`,
        400,
      )
    },
  )

  it('chunk data not followed by CRLF → 400', async () => {
    await refused(
      'POST /v1/secret/data/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n',
      400,
    )
  })

  it('a bare LF as a line ending → 400', async () => {
    await refused('GET /v1/sys/health HTTP/1.1\nHost: x\n\n', 400)
    await refused('GET /v1/sys/health HTTP/1.1\r\nHost: x\n\r\n', 400)
    await refused(
      'POST /v1/secret/data/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n',
      400,
    )
  })

  it('a bare CR in the head → 400', async () => {
    await refused('GET /v1/sys/health HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n', 400)
  })

  it('whitespace between a field name and its colon → 400', async () => {
    await refused('GET /v1/sys/health HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello', 400)
    await refused('GET /v1/sys/health HTTP/1.1\r\nHost : x\r\n\r\n', 400)
  })

  it('obs-fold (a continuation line) → 400', async () => {
    await refused('GET /v1/sys/health HTTP/1.1\r\nHost: x\r\nX-Vault-Token: a\r\n b\r\n\r\n', 400)
  })

  it.each([
    ['X@Name: v', 'invalid header name'],
    [': v', 'malformed header line'],
    ['NoColon', 'malformed header line'],
    ['X-Name: a\x00b', 'invalid header value'],
    ['X-Name: a\x7fb', 'invalid header value'],
    ['X-Name: a\x01b', 'invalid header value'],
  ])('field line %j → 400 (%s)', async (line, reason) => {
    const body = await refused(`GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n${line}\r\n\r\n`, 400)
    expect(body).toBe(`400 Bad Request: ${reason}`)
  })

  it('a head over 64 KiB → 431; more than 100 fields → 431; a request line over 8 KiB → 414', async () => {
    await refused(get('/v1/sys/health', `X-Big: ${'a'.repeat(65 * 1024)}\r\n`), 431)
    await refused(get('/v1/sys/health', Array.from({ length: 101 }, (_, i) => `X-${i}: v\r\n`).join('')), 431)
    await refused(get(`/v1/sys/health?${'a'.repeat(9000)}`), 414)
  })

  it('HTTP/1.1 without Host, or with two → 400', async () => {
    await refused('GET /v1/sys/health HTTP/1.1\r\n\r\n', 400)
    await refused('GET /v1/sys/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400)
    await refused('GET /v1/sys/health HTTP/1.1\r\nHost: a b\r\n\r\n', 400)
  })

  it.each([
    'GET http://127.0.0.1/v1/sys/health HTTP/1.1',
    'OPTIONS * HTTP/1.1',
    'CONNECT 127.0.0.1:8200 HTTP/1.1',
    'GET /v1/sys/health#frag HTTP/1.1',
    'GET /v1/sys\\health HTTP/1.1',
    'GET /v1/sys/h\xe9alth HTTP/1.1',
    'GET  /v1/sys/health HTTP/1.1',
    'GET /v1/sys/health  HTTP/1.1',
    'GET /v1/sys/health HTTP/1.1 ',
    'GET /v1/sys/health',
    'G(T /v1/sys/health HTTP/1.1',
  ])('request line %j → 400 (origin-form only, single spaces)', async (line) => {
    await refused(`${line}\r\nHost: x\r\n\r\n`, 400)
  })

  it('HTTP/2.0 on this listener → 505; HTTP/1.2 is answered as 1.1', async () => {
    await refused('GET /v1/sys/health HTTP/2.0\r\nHost: x\r\n\r\n', 505)
    const { responses } = await exchange(port, 'GET /v1/sys/health HTTP/1.2\r\nHost: x\r\n\r\n', {
      responses: 1,
    })
    expect(responses[0]?.status).toBe(200)
  })

  it('skips empty lines before a request line', async () => {
    const { responses } = await exchange(port, `\r\n\r\n${get('/v1/sys/health')}`, { responses: 1 })
    expect(responses[0]?.status).toBe(200)
  })
})

describe('Vault errors over the wire keep the connection usable', () => {
  it('answers bad input with Vault statuses and bodies, then serves the next request on the same connection', async () => {
    const sealedVault = await Vault.dev({ rootToken: ROOT })
    await sealedVault.seal()
    const sealed = await listen(sealedVault, { port: 0 })
    try {
      const put = (path: string, body: string, extra = '') =>
        `PUT ${path} HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`
      const { responses } = await exchange(
        port,
        put('/v1/secret/data/x', '{"data":') +
          'DELETE /v1/secret/data/x HTTP/1.1\r\nHost: x\r\n\r\n' +
          get('/v1/nope/x', 'X-Vault-Token: root\r\n') +
          'FROB /v1/secret/data/x HTTP/1.1\r\nHost: x\r\n\r\n' +
          put('/v1/secret/data/x', '{}', 'X-Vault-Wrap-TTL: soon\r\n') +
          'PATCH /v1/secret/data/x HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' +
          get('/v1/sys/health'),
        { responses: 7 },
      )
      expect(responses.map((r) => [r.status, r.body])).toEqual([
        [400, '{"errors":["failed to parse JSON input: unexpected EOF"]}\n'],
        [403, '{"errors":["permission denied"]}\n'],
        [404, '{"errors":["no handler for route \\"nope/x\\". route entry not found."]}\n'],
        [405, '{"errors":[]}\n'],
        [400, '{"errors":["error parsing X-Vault-Wrap-TTL header: time: invalid duration \\"soon\\""]}\n'],
        [
          415,
          '{"errors":["PATCH requires Content-Type of application/merge-patch+json, provided application/json"]}\n',
        ],
        [200, expect.stringContaining('"sealed":false')],
      ])
      const down = await exchange(
        sealed.port,
        get('/v1/secret/data/x', 'X-Vault-Token: root\r\n') + get('/v1/sys/health'),
        {
          responses: 2,
        },
      )
      expect(down.responses.map((r) => [r.status, r.body])).toEqual([
        [503, '{"errors":["Vault is sealed"]}\n'],
        [503, expect.stringContaining('"sealed":true')],
      ])
    } finally {
      await sealed.close()
      await sealedVault.close()
    }
  })
})

describe('limits and timeouts', () => {
  it('refuses a declared body over 32 MiB with Vault 413 before reading it, then closes', async () => {
    const { responses, closed } = await exchange(
      port,
      `PUT /v1/secret/data/big HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nContent-Length: ${32 * 1024 * 1024 + 1}\r\nExpect: 100-continue\r\n\r\n`,
    )
    expect(responses.map((r) => r.status)).toEqual([413])
    expect(responses[0]?.body).toBe(
      '{"errors":["failed to parse JSON input: http: request body too large"]}\n',
    )
    expect(closed).toBe(true)
    await stillServing()
  })

  it('refuses a chunked body once it passes the limit', async () => {
    const small = await listen(vault, { port: 0, maxRequestSize: 1024 })
    try {
      const chunk = `400\r\n${'a'.repeat(1024)}\r\n`
      const { responses, closed } = await exchange(small.port, [
        'POST /v1/secret/data/big HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nTransfer-Encoding: chunked\r\n\r\n',
        chunk,
        chunk,
      ])
      expect(responses.map((r) => r.status)).toEqual([413])
      expect(closed).toBe(true)
      const form = await exchange(small.port, [
        `POST /v1/sys/policy/x HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2048\r\n\r\n`,
      ])
      expect(form.responses[0]?.body).toBe('{"errors":["error parsing form data"]}\n')
    } finally {
      await small.close()
    }
  })

  it('answers 408 and closes when a head does not arrive within headersTimeout', async () => {
    const { responses, closed } = await exchange(port, 'GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n', {
      timeout: 3000,
    })
    expect(responses.map((r) => r.status)).toEqual([408])
    expect(closed).toBe(true)
  })

  it('closes an idle keep-alive connection after idleTimeout, silently', async () => {
    const socket = await openSocket(port)
    let raw = ''
    socket.on('data', (d) => {
      raw += d.toString()
    })
    expect(await closedWithin(socket, 2000)).toBe(true)
    expect(raw).toBe('')
  })

  it('closes a connection whose body stalls past requestTimeout', async () => {
    const socket = await openSocket(port)
    socket.write(
      'PUT /v1/secret/data/slow HTTP/1.1\r\nHost: x\r\nX-Vault-Token: root\r\nContent-Length: 10\r\n\r\n{"da',
    )
    expect(await closedWithin(socket, 3000)).toBe(true)
    await stillServing()
  })
})

describe('where requests come from', () => {
  it('passes the remote address and port to the pipeline (CIDR-bound tokens)', async () => {
    // Vault binds tokens to networks through a role's token_bound_cidrs.
    const create = async (cidr: string) => {
      const role = `net-${cidr.replace(/\W/g, '-')}`
      await vault.request({
        method: 'POST',
        path: `auth/token/roles/${role}`,
        data: { token_bound_cidrs: [cidr] },
        token: ROOT,
      })
      const res = await vault.request({
        method: 'POST',
        path: `auth/token/create/${role}`,
        data: { policies: ['default'] },
        token: ROOT,
      })
      return res.auth!.client_token
    }
    const local = await create('127.0.0.1/32')
    const elsewhere = await create('10.0.0.0/8')
    const lookup = (token: string) =>
      fetch(`${server.url}/v1/auth/token/lookup-self`, { headers: { 'X-Vault-Token': token } })
    expect((await lookup(local)).status).toBe(200)
    const denied = await lookup(elsewhere)
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ errors: ['permission denied'] })
  })

  it('serve() hands the address and port to a fetch-style handler', async () => {
    const s = await serve(async (req, info) => Response.json({ method: req.method, ...info }), { port: 0 })
    try {
      const { responses } = await exchange(s.port, 'LIST /anything HTTP/1.1\r\nHost: x\r\n\r\n', {
        responses: 1,
      })
      const body = JSON.parse(responses[0]?.body ?? '')
      expect(body.method).toBe('LIST')
      expect(body.remoteAddress).toBe('127.0.0.1')
      expect(typeof body.remotePort).toBe('number')
    } finally {
      await s.close()
    }
  })
})

describe('graceful close', () => {
  it('stops accepting, closes idle connections, lets the request in flight finish', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => {
      release = r
    })
    let started: () => void = () => undefined
    const inFlight = new Promise<void>((r) => {
      started = r
    })
    const s = await serve(
      async (req) => {
        if (new URL(req.url).pathname === '/slow') {
          started()
          await gate
        }
        return new Response('done')
      },
      { port: 0 },
    )
    const idle = await openSocket(s.port)
    idle.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n')
    await new Promise<void>((r) => idle.once('data', () => r()))
    const busy = exchange(s.port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    await inFlight
    let closed = false
    const closing = s.close().then(() => {
      closed = true
    })
    expect(await closedWithin(idle, 1000)).toBe(true)
    // No new connections once closing.
    await expect(openSocket(s.port)).rejects.toThrow()
    expect(closed).toBe(false)
    release()
    const answer = await busy
    expect(answer.responses[0]?.body).toBe('done')
    expect(headerOf(answer.responses[0]!, 'connection')).toBe('close')
    expect(answer.closed).toBe(true)
    await closing
  })

  it('listens on the port it was given, and refuses a port in use', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const taken = (blocker.address() as { port: number }).port
    await expect(listen(vault, { port: taken })).rejects.toThrow(/EADDRINUSE/)
    blocker.close()
  })
})
