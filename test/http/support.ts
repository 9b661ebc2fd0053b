// Raw HTTP/1.1 over a socket, for what fetch and node-vault cannot send: LIST with exact bytes,
// pipelining, smuggling attempts, half-written requests.
import { connect, type Socket } from 'node:net'

export interface RawResponse {
  status: number
  reason: string
  /** Header fields in order, names as sent. */
  headers: Array<[string, string]>
  body: string
  /** The exact bytes of the head (status line and fields, with the final CRLF CRLF). */
  head: string
}

/** The first value of header `name` (case-insensitive). */
export function headerOf(res: RawResponse, name: string): string | undefined {
  return res.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
}

/**
 * Splits a byte stream of HTTP/1.1 responses (Content-Length framed, or bodiless) into responses.
 * `bodiless` lists, by position, responses that have no body whatever their headers say (HEAD).
 */
export function parseResponses(raw: string, bodiless: number[] = []): RawResponse[] {
  const out: RawResponse[] = []
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n')
    if (end < 0) throw new Error(`incomplete response head: ${JSON.stringify(rest.slice(0, 200))}`)
    const head = rest.slice(0, end + 4)
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n')
    const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(statusLine)
    if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`)
    const headers = lines.map((l): [string, string] => {
      const i = l.indexOf(':')
      return [l.slice(0, i), l.slice(i + 1).trim()]
    })
    const status = Number(m[1])
    const lengthHeader = headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1]
    const noBody = bodiless.includes(out.length) || status === 204 || status === 304 || status < 200
    const length = noBody ? 0 : Number(lengthHeader ?? 0)
    const bodyStart = end + 4
    // Bodies here are ASCII/latin1 JSON or text, so string length = byte length.
    const body = rest.slice(bodyStart, bodyStart + length)
    rest = rest.slice(bodyStart + length)
    out.push({ status, reason: m[2] ?? '', headers, body, head })
  }
  return out
}

/** Opens a socket to the listener. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s))
    s.once('error', reject)
  })
}

/**
 * Sends `request` (string or chunks written one after another) and collects everything until the
 * server closes the connection, or until `responses` complete responses have arrived.
 */
export function exchange(
  port: number,
  request: string | Array<string | Buffer>,
  options: { responses?: number; bodiless?: number[]; end?: boolean; timeout?: number } = {},
): Promise<{ responses: RawResponse[]; raw: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let raw = ''
    let done = false
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      try {
        resolve({ responses: parseResponses(raw, options.bodiless), raw, closed })
      } catch (e) {
        reject(e)
      }
      socket.destroy()
    }
    const timer = setTimeout(() => finish(false), options.timeout ?? 3000)
    socket.on('data', (d) => {
      raw += d.toString('latin1')
      if (options.responses !== undefined) {
        try {
          if (parseResponses(raw, options.bodiless).length >= options.responses) finish(false)
        } catch {
          // not complete yet
        }
      }
    })
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    const parts = Array.isArray(request) ? request : [request]
    for (const p of parts) socket.write(p)
    if (options.end) socket.end()
  })
}

/** Waits for the socket to be closed by the server (or `ms` to pass: then `false`). */
export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true)
    const t = setTimeout(() => resolve(false), ms)
    socket.once('close', () => {
      clearTimeout(t)
      resolve(true)
    })
  })
}
