/**
 * The HTTP translation itself: one HTTP request in, one `vault.handle()` call, one HTTP response out —
 * what Vault's `http` package does around `core.HandleRequest` (`handler.go`, `logical.go`, `help.go`),
 * and nothing more. Both adapters call it: {@link createHandler} (Web `Request`/`Response`) and the
 * Node listener (`vaultlet/http/node`, straight from its own parser), so they cannot drift apart.
 *
 * In Vault's order:
 * 1. a path with a non-printable character → 400, empty body (`go-cleanhttp`);
 * 2. a path outside `/v1/` → 404 `{"errors":[]}`;
 * 3. `?help=<anything>` → the `help` operation;
 * 4. the verb picks where data comes from: the query string (GET, DELETE, LIST, HEAD), a JSON or form
 *    body (POST, PUT), a JSON merge-patch body (PATCH); any other verb → 405 `{"errors":[]}`;
 * 5. the token (`X-Vault-Token`, else `Authorization: Bearer`), the wrap TTL (`X-Vault-Wrap-TTL`);
 * 6. `vault.handle()`; its status and body are written as Go's JSON encoder writes them.
 *
 * @module
 */
import type { ConnectionInfo } from '../core/logical.js'
import type { RawResponse, VaultRequest } from '../core/request.js'
import { parseDuration } from '../framework/duration.js'
import {
  formData,
  hasNonPrintable,
  parseMediaType,
  parseQuery,
  queryData,
  UrlEscapeError,
  urlUnescape,
} from './go-url.js'
import { decodeJsonBody, encodeGoJson, JsonBodyError } from './json.js'

/** Vault's default `max_request_size`: 32 MiB. */
export const DEFAULT_MAX_REQUEST_SIZE = 32 * 1024 * 1024
/** Vault's default `max_json_depth` (listener setting, Vault ≥ 1.16.25/1.18.14/1.19.9/1.20.3). */
export const DEFAULT_MAX_JSON_DEPTH = 500
/** What Vault's `PATCH` requires. */
const MERGE_PATCH = 'application/merge-patch+json'
/** How many body bytes Vault looks at to tell a form from JSON. */
const FORM_SNIFF_BYTES = 512

/** What the HTTP door needs of a vault: its `handle()`. */
export interface VaultHandle {
  handle(req: VaultRequest): Promise<RawResponse>
}

/** Limits of the HTTP door. */
export interface HttpLimits {
  /**
   * Largest request body in bytes (Vault's listener `max_request_size`). Default 32 MiB; `0` or less
   * turns the limit off, as in Vault.
   */
  maxRequestSize?: number
  /** Deepest nesting of objects and arrays in a JSON body. Default 500 (Vault's `max_json_depth`). */
  maxJsonDepth?: number
}

/** The body was larger than `maxRequestSize` (Go's `http: request body too large`). */
export class BodyTooLargeError extends Error {
  constructor() {
    super('http: request body too large')
    this.name = 'BodyTooLargeError'
  }
}

/**
 * One HTTP request as the translation reads it.
 *
 * @internal
 */
export interface HttpInput {
  method: string
  /** The path as sent, percent-encoded, starting with `/`. */
  pathname: string
  /** The query string without `?`, percent-encoded. */
  search: string
  /** Header fields in order, names lower-cased; a repeated field appears once per line. */
  headers: ReadonlyArray<readonly [string, string]>
  /** The whole body. Rejects with {@link BodyTooLargeError} past the limit. Called at most once. */
  body(): Promise<Uint8Array>
  connection?: ConnectionInfo
}

/**
 * One HTTP response: status, header fields (canonical names) and the body (`null`: none).
 *
 * @internal
 */
export interface HttpOutput {
  status: number
  headers: Array<[string, string]>
  body: string | Uint8Array | null
}

const JSON_HEADERS: ReadonlyArray<[string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Content-Type', 'application/json'],
]

/** A JSON answer with Vault's two headers. */
export function jsonOutput(status: number, body: unknown): HttpOutput {
  return {
    status,
    headers: JSON_HEADERS.map(([k, v]) => [k, v]),
    body: body === null ? null : encodeGoJson(body),
  }
}

/** Vault's error shape, `{"errors":[…]}`. */
export function errorOutput(status: number, errors: string[] = []): HttpOutput {
  return jsonOutput(status, { errors })
}

/** Vault's `413` for a body past `max_request_size`, worded by how the body was being read. */
export function tooLargeOutput(form: boolean): HttpOutput {
  return errorOutput(413, [
    form ? 'error parsing form data' : 'failed to parse JSON input: http: request body too large',
  ])
}

function header(input: HttpInput, name: string): string | undefined {
  for (const [k, v] of input.headers) if (k === name) return v
  return undefined
}

/** Vault's `getTokenFromReq`: `X-Vault-Token`, else the first `Authorization: Bearer …` value, trimmed. */
function tokenOf(input: HttpInput): string | undefined {
  const direct = header(input, 'x-vault-token')
  if (direct) return direct
  for (const [k, v] of input.headers) {
    if (k === 'authorization' && v.startsWith('Bearer ')) return v.slice(7).trim()
  }
  return undefined
}

function headersRecord(input: HttpInput): Record<string, string | string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of input.headers) {
    const list = out[k]
    if (list) list.push(v)
    else out[k] = [v]
  }
  return out
}

/** Vault's form sniffing (`isForm`): a form content type and a body that does not start like JSON. */
function isForm(head: Uint8Array, contentType: string): boolean {
  if (parseMediaType(contentType).type !== 'application/x-www-form-urlencoded') return false
  for (const c of head.subarray(0, FORM_SNIFF_BYTES)) {
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue
    return c !== 0x5b && c !== 0x7b
  }
  return true
}

/** A request-handling failure before the vault is asked: the HTTP answer to give. */
class Refused extends Error {
  constructor(readonly output: HttpOutput) {
    super('refused')
  }
}

async function readBody(input: HttpInput, form: () => boolean): Promise<Uint8Array> {
  try {
    return await input.body()
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw new Refused(tooLargeOutput(form()))
    // The client went away or sent a broken body (Vault: `error reading data`).
    throw new Refused(errorOutput(400, ['error reading data']))
  }
}

/** Vault's `parseJSONRequest`: the body's first JSON value, an object. */
function decodeJson(bytes: Uint8Array, maxDepth: number): Record<string, unknown> | undefined {
  try {
    return decodeJsonBody(bytes, maxDepth)
  } catch (e) {
    if (e instanceof JsonBodyError)
      throw new Refused(errorOutput(400, [`failed to parse JSON input: ${e.message}`]))
    throw e
  }
}

/** Vault's `buildLogicalRequestNoAuth`: the request data for this verb. */
async function requestData(
  input: HttpInput,
  method: string,
  query: ReturnType<typeof parseQuery>,
  maxDepth: number,
): Promise<Record<string, unknown> | undefined> {
  switch (method) {
    case 'GET':
    case 'DELETE':
    case 'LIST':
    case 'HEAD':
      return queryData(query.values)
    case 'POST':
    case 'PUT': {
      const contentType = header(input, 'content-type') ?? ''
      const formType = parseMediaType(contentType).type === 'application/x-www-form-urlencoded'
      const bytes = await readBody(input, () => formType)
      if (!isForm(bytes, contentType)) return decodeJson(bytes, maxDepth)
      // Go's ParseForm: the body's pairs, and an error from either the body or the URL's query.
      const body = parseQuery(new TextDecoder().decode(bytes))
      if (body.error !== undefined || query.error !== undefined) {
        throw new Refused(errorOutput(400, ['error parsing form data']))
      }
      return formData(body.values)
    }
    case 'PATCH': {
      const media = parseMediaType(header(input, 'content-type') ?? '')
      if (media.error !== undefined) throw new Refused(errorOutput(400, [media.error]))
      if (media.type !== MERGE_PATCH) {
        throw new Refused(
          errorOutput(415, [`PATCH requires Content-Type of ${MERGE_PATCH}, provided ${media.type}`]),
        )
      }
      return decodeJson(await readBody(input, () => false), maxDepth)
    }
    default:
      throw new Refused(errorOutput(405))
  }
}

/** `X-Vault-Wrap-TTL` as Vault reads it (`parseutil.ParseDurationSecond`), in seconds; 0 = none. */
function wrapTtl(input: HttpInput): number {
  const raw = header(input, 'x-vault-wrap-ttl')
  if (!raw) return 0
  let seconds: number
  try {
    seconds = parseDuration(raw)
  } catch (e) {
    throw new Refused(errorOutput(400, [`error parsing X-Vault-Wrap-TTL header: ${(e as Error).message}`]))
  }
  if (seconds < 0) {
    throw new Refused(
      errorOutput(400, ['error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative']),
    )
  }
  return seconds
}

/** The pipeline's answer as HTTP: Go's JSON encoding; no body for 204 or when there is none. */
function fromRaw(raw: RawResponse): HttpOutput {
  return jsonOutput(raw.status, raw.status === 204 ? null : raw.body)
}

/**
 * Translates one HTTP request into a `vault.handle()` call and its answer back into HTTP.
 *
 * @internal
 */
export async function translate(
  vault: VaultHandle,
  input: HttpInput,
  limits: HttpLimits = {},
): Promise<HttpOutput> {
  const maxDepth = limits.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH
  let path: string
  try {
    path = urlUnescape(input.pathname, false)
  } catch (e) {
    if (e instanceof UrlEscapeError) return errorOutput(400, [e.message])
    throw e
  }
  if (hasNonPrintable(path)) return { status: 400, headers: [], body: null }
  if (!path.startsWith('/v1/')) return errorOutput(404)
  const logicalPath = path.slice('/v1/'.length)
  const query = parseQuery(input.search)
  const token = tokenOf(input)
  const connection = input.connection

  if (query.values.get('help')?.[0] || input.method === 'HELP') {
    // Vault's help handler: the `help` operation on the path, with the caller's token.
    // `HELP` is not a `RequestMethod`; a pipeline without the help operation answers 405.
    const method = 'HELP' as VaultRequest['method']
    return fromRaw(
      await vault.handle({
        method,
        path: logicalPath,
        ...(token ? { token } : {}),
        ...(connection ? { connection } : {}),
      }),
    )
  }

  const method = input.method
  try {
    const data = await requestData(input, method, query, maxDepth)
    const ttl = wrapTtl(input)
    const req: VaultRequest = {
      method: method as VaultRequest['method'],
      path: logicalPath,
      headers: headersRecord(input),
    }
    if (data) req.data = data
    if (token) req.token = token
    if (ttl) req.wrapTtl = ttl
    if (connection) req.connection = connection
    return fromRaw(await vault.handle(req))
  } catch (e) {
    if (e instanceof Refused) return e.output
    throw e
  }
}
