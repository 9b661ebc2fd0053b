/**
 * One HTTP/1.1 connection of the Node listener: bytes from the socket go through the strict
 * {@link RequestParser}; each request is dispatched once its head is in (its body arrives meanwhile);
 * answers are written in request order — a pipelined request waits in the parser until the one before
 * it has been answered. Keep-alive, `Expect: 100-continue`, timeouts and graceful shutdown live here.
 *
 * @module
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { HttpParseError, type RequestHead, RequestParser } from './http1.js'
import { BodyTooLargeError, type HttpOutput } from './translate.js'

/** A request handed to the dispatcher: the parsed head and its body, read on demand. */
export interface IncomingHttpRequest {
  head: RequestHead
  /** The whole body; rejects with `BodyTooLargeError` past the limit. */
  body(): Promise<Uint8Array>
  remoteAddress?: string
  remotePort?: number
}

/** Answers one request. Must not throw (a throw becomes a 500). */
export type Dispatch = (req: IncomingHttpRequest) => Promise<HttpOutput>

/** Connection limits and timeouts (milliseconds). */
export interface ConnectionOptions {
  maxRequestSize: number
  maxHeadSize: number
  maxHeaders: number
  headersTimeout: number
  requestTimeout: number
  idleTimeout: number
}

/** Stop reading from the socket while this much is buffered behind a request being answered. */
const PIPELINE_HIGH_WATER = 1024 * 1024

let dateCache = ''
let dateCacheSecond = -1
/** The `Date` header (RFC 9110 IMF-fixdate), computed once per second. */
function httpDate(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (second !== dateCacheSecond) {
    dateCacheSecond = second
    dateCache = new Date(now).toUTCString()
  }
  return dateCache
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) → `127.0.0.1`. */
function plainAddress(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

const VALID_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const VALID_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** The body of a request being received. */
interface BodyState {
  chunks: Uint8Array[]
  size: number
  complete: boolean
  tooLarge: boolean
  waiters: Array<{ resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>
}

export class Connection {
  readonly #socket: Socket
  readonly #dispatch: Dispatch
  readonly #options: ConnectionOptions
  readonly #parser: RequestParser
  /** The request being answered (head parsed, answer not yet written). */
  #current: { head: RequestHead; body: BodyState } | null = null
  /** No more requests on this connection: after the current answer, close. */
  #closeAfter = false
  /** The server is shutting down. */
  #shuttingDown = false
  /** The peer will send nothing more. */
  #peerEnded = false
  #dead = false
  #timer: ReturnType<typeof setTimeout> | undefined
  #waitingDrain = false

  constructor(socket: Socket, dispatch: Dispatch, options: ConnectionOptions) {
    this.#socket = socket
    this.#dispatch = dispatch
    this.#options = options
    this.#parser = new RequestParser({ maxHeadSize: options.maxHeadSize, maxHeaders: options.maxHeaders })
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('end', () => this.#onEnd())
    socket.on('error', () => this.destroy())
    socket.on('close', () => this.#onClose())
    socket.on('drain', () => {
      if (this.#waitingDrain) {
        this.#waitingDrain = false
        this.#pump()
      }
    })
    this.#armIdle()
  }

  /** `true` while nothing of a request is in progress (idle keep-alive connection). */
  get idle(): boolean {
    return !this.#current && this.#parser.buffered === 0 && this.#parser.betweenRequests
  }

  /** Graceful shutdown: an idle connection closes now, a busy one after its current answer. */
  shutdown(): void {
    this.#shuttingDown = true
    if (this.idle) this.destroy()
  }

  destroy(): void {
    this.#dead = true
    this.#clearTimer()
    this.#socket.destroy()
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(ms: number, onTimeout: () => void): void {
    this.#clearTimer()
    if (ms > 0) {
      this.#timer = setTimeout(onTimeout, ms)
      this.#timer.unref?.()
    }
  }

  /** Waiting for the first byte of the next request: close silently when it never comes. */
  #armIdle(): void {
    this.#arm(this.#options.idleTimeout, () => this.destroy())
  }

  #onData(chunk: Buffer): void {
    if (this.#dead) return
    const wasIdle = this.idle
    this.#parser.push(chunk)
    if (wasIdle && !this.#current) {
      // The first byte of a request: its head must be complete within headersTimeout.
      this.#arm(this.#options.headersTimeout, () => this.#fail(new HttpParseError(408, 'request timeout')))
    }
    if (this.#parser.buffered > PIPELINE_HIGH_WATER && this.#current?.body.complete) this.#socket.pause()
    this.#pump()
  }

  #onEnd(): void {
    this.#peerEnded = true
    // A half-closed client still gets the answers to what it sent.
    if (this.idle) this.#end()
    else this.#pump()
  }

  #onClose(): void {
    this.#dead = true
    this.#clearTimer()
    const body = this.#current?.body
    if (body && !body.complete) this.#rejectBody(body, new Error('connection closed'))
  }

  /** Parses as far as the request being answered allows, dispatching each new request. */
  #pump(): void {
    while (!this.#dead && !this.#waitingDrain) {
      const current = this.#current
      // While a request is being answered its body may still arrive; the next request waits.
      if (current && (current.body.complete || current.body.tooLarge)) return
      let event: ReturnType<RequestParser['next']>
      try {
        event = this.#parser.next()
      } catch (e) {
        if (e instanceof HttpParseError) {
          this.#fail(e)
          return
        }
        throw e
      }
      if (!event) {
        if (this.#peerEnded && !current && this.#parser.buffered > 0) this.destroy()
        return
      }
      if (event.type === 'head') this.#start(event.head)
      else if (event.type === 'data' && current) this.#addBody(current.body, event.bytes)
      else if (event.type === 'end' && current) this.#completeBody(current.body)
    }
  }

  #start(head: RequestHead): void {
    const body: BodyState = { chunks: [], size: 0, complete: false, tooLarge: false, waiters: [] }
    this.#current = { head, body }
    if (!head.keepAlive) this.#closeAfter = true
    const max = this.#options.maxRequestSize
    if (head.body.kind === 'length' && max > 0 && head.body.length > max) {
      // Refused before reading a byte of it; the rest of the connection is unreadable: close after.
      body.tooLarge = true
      this.#closeAfter = true
    } else if (head.expectContinue) {
      this.#socket.write('HTTP/1.1 100 Continue\r\n\r\n')
    }
    // The whole request (head and body) must arrive within requestTimeout.
    this.#arm(this.#options.requestTimeout, () => {
      if (this.#current?.body.complete) return
      this.destroy()
    })
    const remoteAddress = plainAddress(this.#socket.remoteAddress)
    const remotePort = this.#socket.remotePort
    const req: IncomingHttpRequest = {
      head,
      body: () => this.#readBody(body),
      ...(remoteAddress !== undefined ? { remoteAddress } : {}),
      ...(remotePort !== undefined ? { remotePort } : {}),
    }
    let answer: Promise<HttpOutput>
    try {
      answer = this.#dispatch(req)
    } catch (e) {
      answer = Promise.reject(e)
    }
    answer.then(
      (output) => this.#respond(head, output),
      () =>
        this.#respond(head, {
          status: 500,
          headers: [
            ['Cache-Control', 'no-store'],
            ['Content-Type', 'application/json'],
          ],
          body: '{"errors":["internal error"]}\n',
        }),
    )
  }

  #readBody(body: BodyState): Promise<Uint8Array> {
    if (body.tooLarge) return Promise.reject(new BodyTooLargeError())
    if (body.complete) return Promise.resolve(concat(body.chunks, body.size))
    return new Promise((resolve, reject) => body.waiters.push({ resolve, reject }))
  }

  #addBody(body: BodyState, bytes: Uint8Array): void {
    if (body.tooLarge) return
    body.size += bytes.byteLength
    const max = this.#options.maxRequestSize
    if (max > 0 && body.size > max) {
      body.tooLarge = true
      body.chunks = []
      this.#closeAfter = true
      this.#rejectBody(body, new BodyTooLargeError())
      return
    }
    body.chunks.push(bytes)
  }

  #completeBody(body: BodyState): void {
    body.complete = true
    const bytes = concat(body.chunks, body.size)
    for (const w of body.waiters.splice(0)) w.resolve(bytes)
  }

  #rejectBody(body: BodyState, error: Error): void {
    for (const w of body.waiters.splice(0)) w.reject(error)
  }

  /** Writes the answer to the current request, then goes on with the next one (or closes). */
  #respond(head: RequestHead, output: HttpOutput): void {
    if (this.#dead || this.#current?.head !== head) return
    const body = this.#current.body
    // An answer given before its request's body was read leaves the stream unparseable: close.
    if (!body.complete) this.#closeAfter = true
    // A client that half-closed still gets answers to every request it sent before that.
    const close = this.#closeAfter || this.#shuttingDown || (this.#peerEnded && this.#parser.buffered === 0)
    this.#write(head, output, close)
    this.#current = null
    if (close) {
      this.#end()
      return
    }
    this.#armIdle()
    if (this.#parser.buffered > 0) {
      this.#arm(this.#options.headersTimeout, () => this.#fail(new HttpParseError(408, 'request timeout')))
    }
    this.#socket.resume()
    this.#pump()
  }

  #write(head: RequestHead | null, output: HttpOutput, close: boolean): void {
    const status = output.status
    const bodyless = head?.method === 'HEAD' || status === 204 || status === 304 || status < 200
    const raw = bodyless || output.body === null ? null : output.body
    const bytes = raw === null ? null : typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw)
    const fields: Array<[string, string]> = []
    for (const [k, v] of output.headers) {
      const lower = k.toLowerCase()
      if (lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding') continue
      if (lower === 'date' || lower === 'keep-alive') continue
      // Never let a handler split the response.
      if (!VALID_NAME.test(k) || !VALID_VALUE.test(v)) continue
      fields.push([canonical(k), v])
    }
    if (bytes) fields.push(['Content-Length', String(bytes.byteLength)])
    else if (!bodyless) fields.push(['Content-Length', '0'])
    fields.push(['Date', httpDate()])
    if (close) fields.push(['Connection', 'close'])
    else if (head?.version === '1.0') fields.push(['Connection', 'keep-alive'])
    // Go writes header fields sorted by name; so do we.
    fields.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`
    for (const [k, v] of fields) text += `${k}: ${v}\r\n`
    text += '\r\n'
    this.#socket.cork()
    this.#socket.write(text, 'latin1')
    const ok = bytes ? this.#socket.write(bytes) : true
    this.#socket.uncork()
    if (!ok && !close) this.#waitingDrain = true
  }

  /** Refuses a malformed request the way Go's server does (`text/plain`, then close). */
  #fail(error: HttpParseError): void {
    if (this.#dead) return
    const current = this.#current
    if (current) this.#rejectBody(current.body, error)
    // Headers timeout on a connection that never sent a byte: just close.
    if (error.status === 408 && this.#parser.buffered === 0 && !current) {
      this.destroy()
      return
    }
    const phrase = STATUS_CODES[error.status] ?? 'Bad Request'
    this.#write(
      null,
      {
        status: error.status,
        headers: [['Content-Type', 'text/plain; charset=utf-8']],
        body: `${error.status} ${phrase}: ${error.message}`,
      },
      true,
    )
    this.#current = null
    this.#end()
  }

  /** Ends the connection after what was written is flushed; destroys it if the peer lingers. */
  #end(): void {
    if (this.#dead) return
    this.#dead = true
    this.#clearTimer()
    this.#socket.end()
    const linger = setTimeout(() => this.#socket.destroy(), 2000)
    linger.unref?.()
    this.#socket.once('close', () => clearTimeout(linger))
  }
}

/** `content-type` → `Content-Type`, as Go canonicalizes header names. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
