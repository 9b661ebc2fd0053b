// The request parser on its own: the same bytes give the same requests however TCP splits them
// (byte by byte included), pipelined requests come out in order, and the refusals of RFC 9112 hold at
// every split point.
import { describe, expect, it } from 'vitest'
import { HttpParseError, type ParseEvent, parseHead, RequestParser } from '../../src/http/http1.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Feeds `text` in pieces of `size` bytes and collects requests as [method, target, body]. */
function parseAll(text: string, size: number): Array<[string, string, string]> {
  const p = new RequestParser()
  const bytes = enc.encode(text)
  const out: Array<[string, string, string]> = []
  let current: [string, string, string] | undefined
  for (let i = 0; i < bytes.length; i += size) {
    p.push(bytes.subarray(i, i + size))
    for (let e: ParseEvent | null = p.next(); e; e = p.next()) {
      if (e.type === 'head') current = [e.head.method, e.head.target, '']
      else if (e.type === 'data' && current) current[2] += dec.decode(e.bytes)
      else if (e.type === 'end' && current) out.push(current)
    }
  }
  return out
}

/** The status a parser refuses `text` with, fed in pieces of `size`; `null` if it accepts it. */
function refusal(text: string, size: number): number | null {
  const p = new RequestParser({ maxHeadSize: 1024, maxHeaders: 10 })
  const bytes = enc.encode(text)
  try {
    for (let i = 0; i < bytes.length; i += size) {
      p.push(bytes.subarray(i, i + size))
      while (p.next());
    }
    return null
  } catch (e) {
    if (e instanceof HttpParseError) return e.status
    throw e
  }
}

const stream =
  '\r\nLIST /v1/secret/metadata HTTP/1.1\r\nHost: x\r\n\r\n' +
  'POST /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{"a":1}' +
  'PUT /v1/b?c=d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"b\r\n5;ext=1\r\n":"c}\r\n0\r\nTrailer: t\r\n\r\n' +
  'GET /v1/c HTTP/1.0\r\n\r\n'

describe('RequestParser', () => {
  it.each([1, 2, 3, 7, 64, 100_000])('reads pipelined requests in order, fed %i bytes at a time', (size) => {
    expect(parseAll(stream, size)).toEqual([
      ['LIST', '/v1/secret/metadata', ''],
      ['POST', '/v1/a', '{"a":1}'],
      ['PUT', '/v1/b?c=d', '{"b":"c}'],
      ['GET', '/v1/c', ''],
    ])
  })

  it.each([1, 5, 1000])('refuses smuggling shapes whatever the split (%i bytes)', (size) => {
    const cases: Array<[string, number]> = [
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 400],
      ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501],
      ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfoo\r\n', 400],
      ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX', 400],
      ['GET / HTTP/1.1\r\nHost: x\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost: x\r\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost : x\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n', 400],
      [`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(2000)}\r\n\r\n`, 431],
      [`GET / HTTP/1.1\r\nHost: x\r\n${'A: b\r\n'.repeat(11)}\r\n`, 431],
      ['GET / HTTP/1.1\r\n\r\n', 400],
      ['GET / HTTP/3\r\nHost: x\r\n\r\n', 400],
    ]
    for (const [text, status] of cases) expect([text, refusal(text, size)]).toEqual([text, status])
  })

  it('says when it is between requests', () => {
    const p = new RequestParser()
    expect(p.betweenRequests).toBe(true)
    p.push(enc.encode('GET / HTTP/1.1\r\nHo'))
    expect(p.next()).toBeNull()
    expect(p.betweenRequests).toBe(false)
    p.push(enc.encode('st: x\r\n\r\n'))
    expect(p.next()?.type).toBe('head')
    expect(p.next()?.type).toBe('end')
    expect(p.betweenRequests).toBe(true)
    expect(p.buffered).toBe(0)
  })
})

describe('parseHead', () => {
  it('keeps field order and values, lower-cases names, trims optional whitespace', () => {
    const head = parseHead('PATCH /v1/x HTTP/1.1\r\nHost: h:8200\r\nX-A:  1 \r\nx-a: 2\r\nX-Empty:', 100)
    expect(head).toMatchObject({
      method: 'PATCH',
      target: '/v1/x',
      version: '1.1',
      host: 'h:8200',
      keepAlive: true,
    })
    expect(head.headers).toEqual([
      ['host', 'h:8200'],
      ['x-a', '1'],
      ['x-a', '2'],
      ['x-empty', ''],
    ])
  })

  it('works out keep-alive, 100-continue and framing', () => {
    expect(parseHead('GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, Close', 10).keepAlive).toBe(false)
    expect(parseHead('GET / HTTP/1.0', 10).keepAlive).toBe(false)
    expect(parseHead('GET / HTTP/1.0\r\nConnection: keep-alive', 10).keepAlive).toBe(true)
    const put = parseHead('PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 5', 10)
    expect([put.expectContinue, put.body]).toEqual([true, { kind: 'length', length: 5 }])
    // Nothing to continue when there is no body.
    expect(parseHead('GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue', 10).expectContinue).toBe(false)
    expect(parseHead('GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0', 10).body).toEqual({ kind: 'none' })
    expect(parseHead('GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked', 10).body).toEqual({
      kind: 'chunked',
    })
    expect(parseHead('GET / HTTP/1.1\r\nHost: [::1]:8200', 10).host).toBe('[::1]:8200')
  })
})
