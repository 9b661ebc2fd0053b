/**
 * `vaultlet/http`: Vault's HTTP API as a fetch-style handler over Web-standard `Request`/`Response`,
 * runtime-neutral. The Node listener (which also accepts Vault's `LIST` verb) is `vaultlet/http/node`.
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * import { createHandler } from 'vaultlet/http'
 *
 * const handler = createHandler(await Vault.dev({ rootToken: 'root' }))
 * const res = await handler(new Request('http://vault/v1/sys/health'))
 * console.log(res.status) // 200
 * ```
 *
 * @module
 */

export { createHandler, type FetchHandler, type HandlerOptions, type RequestInfo } from './handler.js'
export {
  BodyTooLargeError,
  DEFAULT_MAX_JSON_DEPTH,
  DEFAULT_MAX_REQUEST_SIZE,
  type HttpLimits,
  type VaultHandle,
} from './translate.js'
