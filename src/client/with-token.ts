/**
 * `vault.withToken(token)`: a handle whose requests all carry one token — the shape application code
 * wants after a login.
 *
 * @module
 */
import type { VaultRequest, VaultResponse } from '../core/request.js'
import { KvClient, type KvClientOptions, type RequestFn } from '../engines/kv/client.js'

/** A request without its token: the handle fills it in. */
export type ScopedRequest = Omit<VaultRequest, 'token'>

/**
 * Requests made with one token. Get one with `vault.withToken(token)`.
 *
 * @example
 * ```ts
 * const app = vault.withToken(token)
 * const secret = await app.kv('secret').get('myapp/stripe')
 * await app.request({ method: 'POST', path: 'auth/token/renew-self' })
 * ```
 */
export class TokenScope {
  /** The token every request carries. */
  readonly token: string
  readonly #request: RequestFn

  constructor(request: RequestFn, token: string) {
    if (typeof request !== 'function') throw new TypeError('TokenScope needs a request function')
    if (typeof token !== 'string' || token === '') throw new TypeError('TokenScope needs a token')
    this.#request = request
    this.token = token
  }

  /**
   * Sends a request with this token (any `token` in `req` is ignored).
   *
   * @example
   * ```ts
   * const { data } = await app.request({ method: 'GET', path: 'auth/token/lookup-self' })
   * ```
   * @throws {VaultError} for every status ≥ 400, as `vault.request`.
   */
  request<T = Record<string, unknown>>(req: ScopedRequest): Promise<VaultResponse<T>> {
    return this.#request({ ...req, token: this.token }) as Promise<VaultResponse<T>>
  }

  /**
   * A KV client for `mount`, with this token.
   *
   * @example
   * ```ts
   * await app.kv('secret').put('myapp/config', { debug: 'false' })
   * ```
   */
  kv(mount: string, options: KvClientOptions = {}): KvClient {
    return new KvClient(this.#request, mount, this.token, options)
  }
}
