/**
 * `sys/wrapping/wrap`, `unwrap`, `lookup`, `rewrap` (api-docs/system/wrapping-*).
 *
 * @module
 */
import type { LogicalResponse } from '../../core/logical.js'
import type { WrapInfo } from '../../core/request.js'
import type { ResponseWrapper } from '../../core/wrapping.js'
import { InvalidRequestError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'

/** The envelope of a wrapped response: only `wrap_info` is filled in. */
export function wrappedEnvelope(info: WrapInfo): Record<string, unknown> {
  return {
    request_id: '',
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: info,
    warnings: null,
    auth: null,
    mount_type: '',
  }
}

/** Paths of the wrapping API. */
export function wrappingPaths(wrapper: () => ResponseWrapper): PathDefinition[] {
  const tokenField = { token: { type: 'string' as const } }
  return [
    definePath({
      pattern: 'wrapping/wrap',
      takesArbitraryInput: true,
      operations: {
        update: async (req) => {
          if (!req.wrapTtl) throw new InvalidRequestError('endpoint requires response wrapping to be used')
          return { data: { ...req.data } }
        },
      },
      synopsis: 'Wraps the request body in a single-use token.',
    }),
    definePath({
      pattern: 'wrapping/unwrap',
      fields: tokenField,
      operations: {
        update: async (req, d): Promise<LogicalResponse> => {
          const token = d.get<string>('token') || req.clientToken
          const original = await wrapper().unwrap(token)
          const empty = original.data == null && original.auth == null && original.wrap_info == null
          return { data: original, bare: true, httpStatus: empty ? 204 : 200 }
        },
      },
      synopsis: 'Returns a wrapped response once and revokes its wrapping token.',
    }),
    definePath({
      pattern: 'wrapping/lookup',
      fields: tokenField,
      operations: {
        update: async (req, d) => ({
          data: { ...(await wrapper().lookup(d.get<string>('token') || req.clientToken)) },
        }),
        read: async (req, d) => ({
          data: { ...(await wrapper().lookup(d.get<string>('token') || req.clientToken)) },
        }),
      },
      synopsis: 'Creation path, time and TTL of a wrapping token, without spending it.',
    }),
    definePath({
      pattern: 'wrapping/rewrap',
      fields: tokenField,
      operations: {
        update: async (req, d): Promise<LogicalResponse> => {
          const info = await wrapper().rewrap(d.get<string>('token') || req.clientToken, req.displayName)
          return { data: wrappedEnvelope(info), bare: true }
        },
      },
      synopsis: 'Moves a wrapped response to a new wrapping token.',
    }),
  ]
}
