/**
 * `vaultlet/http/node`: Vault's HTTP API on a Node TCP (or TLS) listener.
 *
 * Node's built-in `http` server cannot be used: its parser refuses the `LIST` verb that Vault clients
 * (the Vault CLI, `node-vault`, `hvac`…) send, with a 400 before any handler runs. So this listener
 * reads HTTP/1.1 from `net`/`tls` sockets with a small strict parser (see `http1.ts`), and writes
 * answers itself: keep-alive, pipelining (answered in order), `Expect: 100-continue`, Content-Length
 * and chunked bodies, Vault's listener timeouts, graceful close.
 *
 * @module
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TlsOptions } from 'node:tls'
import { Connection, type Dispatch, type IncomingHttpRequest } from './connection.js'
import type { FetchHandler } from './handler.js'
import {
  DEFAULT_MAX_REQUEST_SIZE,
  errorOutput,
  type HttpLimits,
  type HttpOutput,
  tooLargeOutput,
  translate,
  type VaultHandle,
} from './translate.js'

/** Options of {@link serve} and {@link listen}. Times are in milliseconds. */
export interface ServeOptions extends HttpLimits {
  /** TCP port. Default 8200, as Vault; `0` picks a free one. */
  port?: number
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string
  /** Serve HTTPS with this key and certificate (PEM); other `tls` options pass through. */
  tls?: { key: string | Uint8Array; cert: string | Uint8Array } & Omit<TlsOptions, 'key' | 'cert'>
  /** Largest request head (request line and header fields). Default 64 KiB; larger → 431. */
  maxHeaderSize?: number
  /** Most header fields per request. Default 100; more → 431. */
  maxHeaders?: number
  /** A request head must be complete this long after its first byte. Default 10 s (Vault's `http_read_header_timeout`). */
  headersTimeout?: number
  /** A whole request (head and body) must arrive within this. Default 30 s (Vault's `http_read_timeout`). */
  requestTimeout?: number
  /** An idle keep-alive connection is closed after this. Default 5 min (Vault's `http_idle_timeout`). */
  idleTimeout?: number
  /** `close()` destroys connections still busy after this. Default 10 s. */
  shutdownTimeout?: number
}

/** A running listener. */
export interface HttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8200` (what `VAULT_ADDR` should be). */
  url: string
  /** The bound address. */
  address: string
  /** The bound port (useful with `port: 0`). */
  port: number
  /**
   * Stops accepting connections, closes idle keep-alive connections, lets requests in flight finish
   * (their connections then close) and resolves when every connection is gone.
   */
  close(): Promise<void>
}

/** Strips hop-by-hop and framing headers from a handler's `Response`; the connection writes its own. */
async function fromResponse(res: Response): Promise<HttpOutput> {
  const headers: Array<[string, string]> = []
  res.headers.forEach((v, k) => {
    headers.push([k, v])
  })
  const body = res.body ? new Uint8Array(await res.arrayBuffer()) : null
  return { status: res.status, headers, body }
}

async function startServer(dispatch: Dispatch, options: ServeOptions): Promise<HttpServer> {
  const connections = new Set<Connection>()
  const connectionOptions = {
    maxRequestSize: options.maxRequestSize ?? DEFAULT_MAX_REQUEST_SIZE,
    maxHeadSize: options.maxHeaderSize ?? 64 * 1024,
    maxHeaders: options.maxHeaders ?? 100,
    headersTimeout: options.headersTimeout ?? 10_000,
    requestTimeout: options.requestTimeout ?? 30_000,
    idleTimeout: options.idleTimeout ?? 300_000,
  }
  let closing = false
  const onSocket = (socket: Socket) => {
    if (closing) {
      socket.destroy()
      return
    }
    const connection = new Connection(socket, dispatch, connectionOptions)
    connections.add(connection)
    socket.once('close', () => connections.delete(connection))
  }
  let server: Server
  if (options.tls) {
    const { key, cert, ...rest } = options.tls
    const tlsServer = createTlsServer(
      {
        ...rest,
        key: Buffer.from(key),
        cert: Buffer.from(cert),
        ALPNProtocols: ['http/1.1'],
        allowHalfOpen: true,
      },
      onSocket,
    )
    // A failed handshake concerns that client only.
    tlsServer.on('tlsClientError', (_err, socket) => socket.destroy())
    server = tlsServer
  } else {
    server = createNetServer({ allowHalfOpen: true, noDelay: true }, onSocket)
  }
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? 8200, host }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = server.address()
  if (!bound || typeof bound === 'string') throw new Error('listener has no TCP address')
  const urlHost =
    bound.family === 'IPv6' || bound.address.includes(':') ? `[${bound.address}]` : bound.address
  let closed: Promise<void> | undefined
  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${bound.port}`,
    address: bound.address,
    port: bound.port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true
        server.close(() => resolve())
        for (const c of connections) c.shutdown()
        const force = setTimeout(() => {
          for (const c of connections) c.destroy()
        }, options.shutdownTimeout ?? 10_000)
        force.unref?.()
        server.once('close', () => clearTimeout(force))
      })
      return closed
    },
  }
}

/**
 * Serves a fetch-style handler (`(Request, info) => Response`, e.g. from `createHandler`) over
 * HTTP/1.1 — including methods Node's own server refuses, such as Vault's `LIST`. Request bodies are
 * buffered (up to `maxRequestSize`) before the handler sees them.
 *
 * @example
 * ```ts
 * import { createHandler } from 'vaultlet/http'
 * import { serve } from 'vaultlet/http/node'
 * const server = await serve(createHandler(vault), { port: 0 })
 * console.log(server.url)
 * await server.close()
 * ```
 */
export function serve(handler: FetchHandler, options: ServeOptions = {}): Promise<HttpServer> {
  const scheme = options.tls ? 'https' : 'http'
  const dispatch: Dispatch = async (req: IncomingHttpRequest) => {
    const { head } = req
    const headers = new Headers()
    for (const [k, v] of head.headers) headers.append(k, v)
    let url: string
    try {
      url = new URL(`${scheme}://${head.host || 'localhost'}${head.target}`).href
    } catch {
      // A Host the URL parser refuses (the listener only checked its characters).
      return errorOutput(400)
    }
    let body: Uint8Array | null = null
    if (head.method !== 'GET' && head.method !== 'HEAD' && head.body.kind !== 'none') {
      try {
        body = await req.body()
      } catch {
        const form = /^\s*application\/x-www-form-urlencoded/i.test(headers.get('content-type') ?? '')
        return tooLargeOutput(form)
      }
    }
    let request: Request
    try {
      request = new Request(url, { method: head.method, headers, body: body as BodyInit | null })
    } catch {
      // Methods the Fetch standard forbids (CONNECT, TRACE, TRACK).
      return errorOutput(405)
    }
    const info = {
      ...(req.remoteAddress !== undefined ? { remoteAddress: req.remoteAddress } : {}),
      ...(req.remotePort !== undefined ? { remotePort: req.remotePort } : {}),
    }
    return fromResponse(await handler(request, info))
  }
  return startServer(dispatch, options)
}

/**
 * Listens for Vault's HTTP API (`/v1/…`) on a TCP port — what `vault server` does — answering with
 * `vault.handle()` through the same translation as `createHandler` (no `Request`/`Response` objects
 * in between). The remote address and port reach the pipeline (CIDR-bound tokens).
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * import { listen } from 'vaultlet/http/node'
 *
 * const vault = await Vault.dev({ rootToken: 'root' })
 * const server = await listen(vault, { port: 8200 })
 * console.log(`export VAULT_ADDR='${server.url}'`) // vault kv put secret/x a=1 now works
 * process.on('SIGTERM', () => server.close())
 * ```
 */
export function listen(vault: VaultHandle, options: ServeOptions = {}): Promise<HttpServer> {
  const dispatch: Dispatch = (req) => {
    const { head } = req
    // Parsed like `new URL(request.url)` in createHandler, so both doors read paths identically.
    const url = new URL(`http://localhost${head.target}`)
    return translate(
      vault,
      {
        method: head.method,
        pathname: url.pathname,
        search: url.search.slice(1),
        headers: head.headers,
        body: () => req.body(),
        connection: {
          ...(req.remoteAddress !== undefined ? { remoteAddress: req.remoteAddress } : {}),
          ...(req.remotePort !== undefined ? { remotePort: req.remotePort } : {}),
        },
      },
      options,
    )
  }
  return startServer(dispatch, options)
}
