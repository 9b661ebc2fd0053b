/**
 * A small, strict HTTP/1.1 request parser (RFC 9112) for the Node listener.
 *
 * Why hand-written: Vault clients send the non-standard `LIST` verb, and Node's built-in server parser
 * (llhttp) answers it with a 400 before any handler runs (`http.METHODS` has no `LIST`). The npm
 * registry has no maintained HTTP/1.1 *server* parser that accepts arbitrary method tokens without a
 * framework around it: `http-parser-js` (the legacy pure-JS parser) checks methods against Node's list
 * and is lenient where request smuggling lives; `llparse`/`llhttp` generate C; `hyper-express` and
 * `uWebSockets.js` are native servers with their own method tables; `undici` is a client. A request
 * parser is small when it only has to be strict, so it lives here — over raw `net`/`tls` sockets.
 *
 * Strict means ambiguous framing is refused, never guessed (each refusal closes the connection):
 * - `Content-Length` together with `Transfer-Encoding` → 400; `Content-Length` values that differ or are
 *   not plain digits → 400; a `Transfer-Encoding` other than exactly `chunked` → 501 (a coding we do not
 *   implement) or 400 (malformed, or `chunked` not last); `Transfer-Encoding` on HTTP/1.0 → 400;
 * - chunk sizes that are not 1–16 hex digits, bad chunk extensions, data not followed by CRLF → 400;
 * - a bare LF or a bare CR anywhere in the head, whitespace between a field name and its colon,
 *   obs-fold (a line starting with whitespace), a field name that is not a token, a field value with a
 *   control character → 400;
 * - a head over `maxHeadSize` or more than `maxHeaders` fields → 431; a request line over 8 KiB → 414;
 * - HTTP/1.1 without exactly one `Host` (or an invalid one) → 400; a major version other than 1 → 505;
 * - a request target that is not origin-form (`/path?query`, visible ASCII, no `#` or `\`) → 400;
 * - `Expect` other than `100-continue` → 417.
 * Empty lines before a request line are skipped (RFC 9112 §2.2). Pipelined requests stay queued in the
 * parser, in order, until the connection asks for the next one.
 *
 * @module
 */

/** A request the parser refused; the connection answers `status` and closes. */
export class HttpParseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'HttpParseError'
  }
}

/** How the body of a request is framed. */
export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' }

/** A parsed request head. */
export interface RequestHead {
  method: string
  /** The origin-form request target, as sent (`/v1/sys/health?standbyok=true`). */
  target: string
  version: '1.0' | '1.1'
  /** Header fields in order; names lower-cased, values without surrounding whitespace (latin1). */
  headers: Array<[string, string]>
  /** The `Host` field (`''` when absent on HTTP/1.0). */
  host: string
  /** Whether the connection stays open after this request (HTTP/1.1 unless `Connection: close`). */
  keepAlive: boolean
  /** `Expect: 100-continue` on an HTTP/1.1 request with a body. */
  expectContinue: boolean
  body: BodyFraming
}

/** Limits of the parser. */
export interface ParserLimits {
  /** Largest head (request line and header fields) in bytes. Default 64 KiB. */
  maxHeadSize?: number
  /** Most header fields (and trailer fields) per request. Default 100. */
  maxHeaders?: number
}

/** Longest request line (RFC 9112 recommends supporting at least 8000 octets). */
const MAX_REQUEST_LINE = 8 * 1024
/** Longest chunk-size line, extensions included. */
const MAX_CHUNK_LINE = 4 * 1024

const CR = 0x0d
const LF = 0x0a

/** tchar (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** A field value: VCHAR, obs-text, SP and HTAB inside (no CTLs, no DEL). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
/** Origin-form: `/`, then visible ASCII without `#` (fragments are never sent) or `\` (ambiguous). */
const ORIGIN_FORM = /^\/[\x21-\x22\x24-\x5b\x5d-\x7e]*$/
/** `uri-host [ ":" port ]`: reg-name / IPv4 / IP-literal characters. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/
const REQUEST_LINE = /^([^ ]+) ([^ ]+) HTTP\/(\d)\.(\d)$/
/** chunk-size [ chunk-ext ]: up to 16 hex digits, then `;name[=value]` extensions. */
const CHUNK_LINE =
  /^([0-9A-Fa-f]{1,16})((?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*"))?)*)[ \t]*$/

const latin1 = new TextDecoder('latin1')

/** Parses one header or trailer line (`name: value`), refusing what RFC 9112 forbids. */
function parseFieldLine(line: string): [string, string] {
  if (line.startsWith(' ') || line.startsWith('\t')) throw new HttpParseError(400, 'obsolete line folding')
  const colon = line.indexOf(':')
  if (colon <= 0) throw new HttpParseError(400, 'malformed header line')
  const name = line.slice(0, colon)
  if (!TOKEN.test(name)) throw new HttpParseError(400, 'invalid header name')
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')
  if (!FIELD_VALUE.test(value)) throw new HttpParseError(400, 'invalid header value')
  return [name.toLowerCase(), value]
}

/** Comma-separated list elements of every value of `name`, trimmed. */
function listValues(headers: Array<[string, string]>, name: string): string[] {
  const out: string[] = []
  for (const [k, v] of headers) if (k === name) for (const part of v.split(',')) out.push(part.trim())
  return out
}

/**
 * Parses a request head (without its final empty line). Exported for tests.
 *
 * @throws {HttpParseError} on anything RFC 9112 lets a server refuse.
 */
export function parseHead(text: string, maxHeaders: number): RequestHead {
  const lines = text.split('\r\n')
  const requestLine = lines[0] ?? ''
  const m = REQUEST_LINE.exec(requestLine)
  if (!m) throw new HttpParseError(400, 'malformed request line')
  const [, method = '', target = '', major, minor] = m
  if (!TOKEN.test(method)) throw new HttpParseError(400, 'invalid method')
  // HTTP/1.x with a higher minor version is answered as 1.1 (RFC 9110 §2.5); other majors are not served.
  if (major !== '1') throw new HttpParseError(505, 'unsupported HTTP version')
  const version = minor === '0' ? '1.0' : '1.1'
  if (!ORIGIN_FORM.test(target)) throw new HttpParseError(400, 'request target must be in origin-form')
  if (lines.length - 1 > maxHeaders) throw new HttpParseError(431, 'too many header fields')
  const headers: Array<[string, string]> = []
  for (let i = 1; i < lines.length; i++) headers.push(parseFieldLine(lines[i] ?? ''))

  const hosts = headers.filter(([k]) => k === 'host')
  if (hosts.length > 1) throw new HttpParseError(400, 'too many Host headers')
  if (version === '1.1' && hosts.length === 0) throw new HttpParseError(400, 'missing required Host header')
  const host = hosts[0]?.[1] ?? ''
  if (!HOST.test(host)) throw new HttpParseError(400, 'malformed Host header')

  const te = listValues(headers, 'transfer-encoding')
  const cl = listValues(headers, 'content-length')
  let body: BodyFraming = { kind: 'none' }
  if (te.length > 0) {
    if (cl.length > 0) throw new HttpParseError(400, 'both Transfer-Encoding and Content-Length')
    if (version === '1.0') throw new HttpParseError(400, 'Transfer-Encoding on HTTP/1.0')
    const codings = te.map((c) => c.toLowerCase())
    if (codings.some((c) => !TOKEN.test(c))) throw new HttpParseError(400, 'malformed Transfer-Encoding')
    if (codings[codings.length - 1] !== 'chunked')
      throw new HttpParseError(400, 'chunked must be the final coding')
    if (codings.length !== 1) throw new HttpParseError(501, 'unsupported transfer encoding')
    body = { kind: 'chunked' }
  } else if (cl.length > 0) {
    if (cl.some((v) => !/^\d{1,15}$/.test(v))) throw new HttpParseError(400, 'bad Content-Length')
    const length = Number(cl[0])
    if (cl.some((v) => Number(v) !== length)) throw new HttpParseError(400, 'conflicting Content-Length')
    body = length > 0 ? { kind: 'length', length } : { kind: 'none' }
  }

  const connection = listValues(headers, 'connection').map((c) => c.toLowerCase())
  const keepAlive = version === '1.1' ? !connection.includes('close') : connection.includes('keep-alive')
  let expectContinue = false
  const expect = headers.find(([k]) => k === 'expect')
  if (expect && version === '1.1') {
    if (expect[1].toLowerCase() !== '100-continue') throw new HttpParseError(417, 'unsupported expectation')
    expectContinue = body.kind !== 'none'
  }
  return { method, target, version, headers, host, keepAlive, expectContinue, body }
}

/** What {@link RequestParser.next} found. */
export type ParseEvent =
  /** A complete head; the body follows (see `head.body`). */
  | { type: 'head'; head: RequestHead }
  /** Body bytes of the current request (may come in several events). */
  | { type: 'data'; bytes: Uint8Array }
  /** The current request's body is complete. */
  | { type: 'end' }

type State =
  | { s: 'head' }
  | { s: 'length'; left: number }
  | { s: 'chunk-size' }
  | { s: 'chunk-data'; left: number }
  | { s: 'chunk-crlf' }
  | { s: 'trailers'; count: number }
  | { s: 'end' }

/**
 * An incremental request parser for one connection: {@link RequestParser.push} bytes as they arrive,
 * {@link RequestParser.next} events out, in order. It parses only as far as the caller asks, so
 * pipelined requests wait in its buffer.
 *
 * @example
 * ```ts
 * const p = new RequestParser()
 * p.push(new TextEncoder().encode('LIST /v1/secret/metadata HTTP/1.1\r\nHost: x\r\n\r\n'))
 * p.next() // { type: 'head', head: { method: 'LIST', … } }
 * p.next() // { type: 'end' }
 * ```
 */
export class RequestParser {
  readonly #maxHead: number
  readonly #maxHeaders: number
  /** Buffered bytes live in #buf[#r, #w). */
  #buf = new Uint8Array(16 * 1024)
  #r = 0
  #w = 0
  #state: State = { s: 'head' }
  /** How far the search for the end of the current line or head got (relative to #r). */
  #scanned = 0
  /** End of the request line (relative to #r) once seen, else -1. */
  #requestLineEnd = -1

  constructor(limits: ParserLimits = {}) {
    this.#maxHead = limits.maxHeadSize ?? 64 * 1024
    this.#maxHeaders = limits.maxHeaders ?? 100
  }

  /** Bytes received and not yet parsed. */
  get buffered(): number {
    return this.#w - this.#r
  }

  /** `true` between requests: nothing of a next request has been parsed (bytes may be buffered). */
  get betweenRequests(): boolean {
    return this.#state.s === 'head' && this.#scanned === 0 && this.#requestLineEnd < 0
  }

  /** Adds received bytes (copied; the caller may reuse its buffer). */
  push(bytes: Uint8Array): void {
    const n = bytes.byteLength
    if (n === 0) return
    if (this.#w + n > this.#buf.byteLength) {
      const live = this.#w - this.#r
      if (live + n <= this.#buf.byteLength / 2) {
        this.#buf.copyWithin(0, this.#r, this.#w)
      } else {
        const grown = new Uint8Array(Math.max(this.#buf.byteLength * 2, live + n))
        grown.set(this.#buf.subarray(this.#r, this.#w))
        this.#buf = grown
      }
      this.#w = live
      this.#r = 0
    }
    this.#buf.set(bytes, this.#w)
    this.#w += n
  }

  /** Removes and returns (a copy of) the first `n` buffered bytes. */
  #take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#r, this.#r + n)
    this.#r += n
    if (this.#r === this.#w) this.#r = this.#w = 0
    return out
  }

  /** The byte at `i` from the front of the buffer, or -1. */
  #at(i: number): number {
    const j = this.#r + i
    return j < this.#w ? (this.#buf[j] as number) : -1
  }

  /**
   * Finds the end of the head (an empty line), refusing bare CR and bare LF and enforcing the size
   * limits. Returns the offset just past the empty line's CRLF, or -1 when more bytes are needed.
   */
  #headEnd(): number {
    const length = this.#w - this.#r
    for (let i = this.#scanned; i < length; i++) {
      const c = this.#at(i)
      if (c === LF) throw new HttpParseError(400, 'bare LF in request head')
      if (c !== CR) continue
      const d = this.#at(i + 1)
      if (d === -1) {
        this.#scanned = i
        return -1
      }
      if (d !== LF) throw new HttpParseError(400, 'bare CR in request head')
      if (this.#requestLineEnd < 0) {
        this.#requestLineEnd = i + 2
        if (i > MAX_REQUEST_LINE) throw new HttpParseError(414, 'request line too long')
      } else if (this.#at(i - 2) === CR && this.#at(i - 1) === LF) {
        this.#scanned = 0
        this.#requestLineEnd = -1
        if (i - 2 > this.#maxHead) throw new HttpParseError(431, 'request header fields too large')
        return i + 2
      }
      i++
    }
    this.#scanned = length
    if (this.#requestLineEnd < 0 && length > MAX_REQUEST_LINE)
      throw new HttpParseError(414, 'request line too long')
    if (length > this.#maxHead) throw new HttpParseError(431, 'request header fields too large')
    return -1
  }

  /** Finds the CRLF ending the line at the front. Returns the offset past it, or -1 when incomplete. */
  #lineEnd(limit: number, tooLong: () => HttpParseError): number {
    const length = this.#w - this.#r
    for (let i = this.#scanned; i < length; i++) {
      const c = this.#at(i)
      if (c === LF) throw new HttpParseError(400, 'bare LF')
      if (c !== CR) continue
      const d = this.#at(i + 1)
      if (d === -1) {
        this.#scanned = i
        return -1
      }
      if (d !== LF) throw new HttpParseError(400, 'bare CR')
      this.#scanned = 0
      return i + 2
    }
    this.#scanned = length
    if (length > limit) throw tooLong()
    return -1
  }

  /**
   * The next event, or `null` when more bytes are needed.
   *
   * @throws {HttpParseError} when the bytes cannot be a valid request; the connection must answer and
   *   close (the parser is not usable afterwards).
   */
  next(): ParseEvent | null {
    for (;;) {
      const st = this.#state
      switch (st.s) {
        case 'head': {
          // Empty lines before a request line are skipped (RFC 9112 §2.2).
          if (this.#scanned === 0 && this.#requestLineEnd < 0) {
            while (this.#at(0) === CR) {
              const d = this.#at(1)
              if (d === -1) return null
              if (d !== LF) throw new HttpParseError(400, 'bare CR in request head')
              this.#take(2)
            }
          }
          const end = this.#headEnd()
          if (end < 0) return null
          const head = parseHead(latin1.decode(this.#take(end)).slice(0, -4), this.#maxHeaders)
          this.#state =
            head.body.kind === 'length'
              ? { s: 'length', left: head.body.length }
              : head.body.kind === 'chunked'
                ? { s: 'chunk-size' }
                : { s: 'end' }
          return { type: 'head', head }
        }
        case 'end':
          this.#state = { s: 'head' }
          return { type: 'end' }
        case 'length': {
          const available = this.#w - this.#r
          if (available === 0) return null
          const n = Math.min(st.left, available)
          st.left -= n
          if (st.left === 0) this.#state = { s: 'end' }
          return { type: 'data', bytes: this.#take(n) }
        }
        case 'chunk-size': {
          const end = this.#lineEnd(MAX_CHUNK_LINE, () => new HttpParseError(400, 'chunk-size line too long'))
          if (end < 0) return null
          const m = CHUNK_LINE.exec(latin1.decode(this.#take(end)).slice(0, -2))
          if (!m) throw new HttpParseError(400, 'invalid chunk size')
          const size = Number.parseInt(m[1] ?? '', 16)
          if (!Number.isSafeInteger(size)) throw new HttpParseError(400, 'chunk too large')
          this.#state = size === 0 ? { s: 'trailers', count: 0 } : { s: 'chunk-data', left: size }
          continue
        }
        case 'chunk-data': {
          const available = this.#w - this.#r
          if (available === 0) return null
          const n = Math.min(st.left, available)
          st.left -= n
          if (st.left === 0) this.#state = { s: 'chunk-crlf' }
          return { type: 'data', bytes: this.#take(n) }
        }
        case 'chunk-crlf': {
          const a = this.#at(0)
          const b = this.#at(1)
          if ((a !== -1 && a !== CR) || (b !== -1 && b !== LF)) {
            throw new HttpParseError(400, 'chunk data not followed by CRLF')
          }
          if (b === -1) return null
          this.#take(2)
          this.#state = { s: 'chunk-size' }
          continue
        }
        case 'trailers': {
          const end = this.#lineEnd(this.#maxHead, () => new HttpParseError(431, 'trailer section too large'))
          if (end < 0) return null
          const line = latin1.decode(this.#take(end)).slice(0, -2)
          if (line === '') {
            this.#state = { s: 'head' }
            return { type: 'end' }
          }
          // Trailer fields are checked like header fields, then dropped: nothing reads them.
          parseFieldLine(line)
          st.count++
          if (st.count > this.#maxHeaders) throw new HttpParseError(431, 'too many trailer fields')
          continue
        }
      }
    }
  }
}
