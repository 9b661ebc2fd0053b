/**
 * `createHandler(vault)`: Vault's HTTP API as a fetch-style function, `(Request) => Promise<Response>`,
 * over Web-standard APIs only — mount it in any server that speaks `Request`/`Response` (Bun, Deno,
 * Hono, a service worker…). On Node, `vaultlet/http/node` serves it with a listener that accepts
 * Vault's `LIST` verb.
 *
 * @module
 */
import type { ConnectionInfo } from '../core/logical.js'
import {
  BodyTooLargeError,
  DEFAULT_MAX_REQUEST_SIZE,
  type HttpLimits,
  type HttpOutput,
  translate,
  type VaultHandle,
} from './translate.js'

/** Options of {@link createHandler}: the limits of the HTTP door. */
export type HandlerOptions = HttpLimits

/** Where a request came from, when the server knows (for CIDR-bound tokens and roles). */
export type RequestInfo = ConnectionInfo

/** A fetch-style handler: a Web `Request` in, a Web `Response` out. */
export type FetchHandler = (request: Request, info?: RequestInfo) => Promise<Response>

/** Reads a body stream to the end, refusing more than `max` bytes (`max <= 0`: no limit). */
async function readLimited(request: Request, max: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (max > 0 && declared !== null && /^\d+$/.test(declared) && Number(declared) > max) {
    await request.body?.cancel().catch(() => undefined)
    throw new BodyTooLargeError()
  }
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (max > 0 && size > max) {
      await reader.cancel().catch(() => undefined)
      throw new BodyTooLargeError()
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}

/** An {@link HttpOutput} as a Web `Response`. */
export function toResponse(output: HttpOutput): Response {
  return new Response(output.body as BodyInit | null, { status: output.status, headers: output.headers })
}

/**
 * Vault's HTTP API over a vault: `/v1/…` requests translated into `vault.handle()` calls, answers
 * written as Vault writes them. The handler adds no behaviour of its own beyond that translation —
 * verbs, tokens, wrapping, statuses and error bodies are the pipeline's, so a route that works
 * in-process works over HTTP.
 *
 * What it reads, as Vault does: `X-Vault-Token` (else `Authorization: Bearer …`), `X-Vault-Wrap-TTL`;
 * query strings as data for GET/DELETE/LIST (repeated keys → arrays; `?list=true` passed on), JSON
 * bodies (or forms with `Content-Type: application/x-www-form-urlencoded`) for POST/PUT, merge-patch
 * JSON for PATCH. Every answer has `Cache-Control: no-store` and `Content-Type: application/json`;
 * a 204 has no body.
 *
 * `LIST` is a non-standard verb: Web runtimes accept it in `Request`, but Node's built-in HTTP server
 * refuses it before any handler runs — use `listen()` from `vaultlet/http/node` there.
 *
 * @param vault anything with Vault's `handle()`: a `Vault` from `vaultlet`.
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * import { createHandler } from 'vaultlet/http'
 *
 * const vault = await Vault.dev({ rootToken: 'root' })
 * const handler = createHandler(vault)
 * const res = await handler(new Request('http://vault/v1/sys/mounts', { headers: { 'X-Vault-Token': 'root' } }))
 * console.log(res.status, (await res.json()).data['secret/'].type) // 200 'kv'
 * // Bun.serve({ fetch: (req, server) => handler(req, { remoteAddress: server.requestIP(req)?.address }) })
 * ```
 */
export function createHandler(vault: VaultHandle, options: HandlerOptions = {}): FetchHandler {
  const max = options.maxRequestSize ?? DEFAULT_MAX_REQUEST_SIZE
  return async (request, info) => {
    const url = new URL(request.url)
    const headers: Array<[string, string]> = []
    for (const [k, v] of request.headers) headers.push([k, v])
    const connection: ConnectionInfo = {}
    if (info?.remoteAddress !== undefined) connection.remoteAddress = info.remoteAddress
    if (info?.remotePort !== undefined) connection.remotePort = info.remotePort
    const output = await translate(
      vault,
      {
        method: request.method,
        pathname: url.pathname,
        search: url.search.slice(1),
        headers,
        body: () => readLimited(request, max),
        ...(info ? { connection } : {}),
      },
      options,
    )
    return toResponse(request.method === 'HEAD' ? { ...output, body: null } : output)
  }
}
