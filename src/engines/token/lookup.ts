/**
 * `auth/token/lookup` (read with `?token=`, or update), `auth/token/lookup-self` (read, update) and
 * `auth/token/lookup-accessor` (update): a token's properties, as Vault's `handleLookup` shows them.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import type { TokenEntry } from '../../core/token-store.js'
import { InvalidRequestError, PermissionDeniedError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { rfc3339 } from '../../util/encoding.js'
import { tokenByAccessor } from './accessors.js'
import type { TokenContext } from './core.js'

/**
 * A token's lookup data, keys sorted as Go writes Vault's map: `accessor, creation_time, creation_ttl,
 * display_name, entity_id, expire_time, explicit_max_ttl, id, issue_time, meta, num_uses, orphan, path,
 * policies, renewable, ttl, type`, plus `bound_cidrs`, `last_renewal`/`last_renewal_time`, `period` and
 * `role` when set. `parent` is deliberately left out. Tokens without a lease (root tokens from `sys/init`)
 * have no `issue_time` nor `renewable`, `expire_time: null` and `ttl: 0`.
 *
 * @example
 * ```ts
 * lookupData(entry, clock.now()).ttl // seconds left
 * ```
 */
export function lookupData(entry: TokenEntry, now: number): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: entry.creation_time,
    creation_ttl: entry.ttl,
    display_name: entry.display_name,
    entity_id: entry.entity_id,
    expire_time: null,
    explicit_max_ttl: entry.explicit_max_ttl,
    id: entry.id,
    meta: entry.meta,
    num_uses: entry.num_uses,
    orphan: entry.parent === '',
    path: entry.path,
    policies: entry.policies,
    ttl: 0,
    type: entry.type,
  }
  if (entry.role !== '') data.role = entry.role
  if (entry.period !== 0) data.period = entry.period
  if (entry.bound_cidrs.length > 0) data.bound_cidrs = entry.bound_cidrs
  // The lease's times (Vault's FetchLeaseTimesByToken); batch tokens carry theirs in the token.
  if (entry.issue_time > 0) {
    if (entry.last_renewal_time > 0) {
      data.last_renewal_time = Math.floor(entry.last_renewal_time / 1000)
      data.last_renewal = rfc3339(entry.last_renewal_time)
    }
    if (entry.expire_time > 0) {
      data.expire_time = rfc3339(entry.expire_time)
      data.ttl = Math.trunc((entry.expire_time - Math.round(now / 1000) * 1000) / 1000)
    }
    data.renewable =
      entry.type === 'service' && entry.expire_time > 0 && now < entry.expire_time && entry.renewable
    data.issue_time = rfc3339(entry.issue_time)
  }
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Vault's `handleLookup`: `id` empty means the caller's own token. */
async function lookup(ctx: TokenContext, req: LogicalRequest, id: string): Promise<LogicalResponse> {
  const tokenId = id === '' ? req.clientToken : id
  if (tokenId === '') throw new InvalidRequestError('missing token ID')
  const entry = await ctx.core.tokens.lookup(tokenId, { tainted: true })
  if (!entry) throw new PermissionDeniedError('bad token')
  return { data: lookupData(entry, ctx.core.clock.now()) }
}

/** The lookup paths. */
export function lookupPaths(ctx: TokenContext): PathDefinition[] {
  const byToken = (req: LogicalRequest, d: { get<T>(n: string): T }) =>
    lookup(ctx, req, d.get<string>('token'))
  const self = (req: LogicalRequest) => lookup(ctx, req, req.clientToken)
  return [
    definePath({
      pattern: 'lookup',
      fields: { token: { type: 'string', description: 'Token to lookup (POST request body)' } },
      operations: { read: byToken, update: byToken },
      synopsis: 'This endpoint will lookup a token and its properties.',
    }),
    definePath({
      pattern: 'lookup-accessor',
      fields: {
        accessor: { type: 'string', description: 'Accessor of the token to look up (request body)' },
      },
      operations: {
        update: async (req, d) => {
          const entry = await tokenByAccessor(ctx, d)
          const resp = await lookup(ctx, req, entry.id)
          // The token ID itself is never shown to someone who only holds the accessor.
          if (resp.data) resp.data.id = ''
          return resp
        },
      },
      synopsis:
        'This endpoint will lookup a token associated with the given accessor and its properties. Response will not contain the token ID.',
    }),
    definePath({
      pattern: 'lookup-self',
      fields: {
        token: { type: 'string', description: 'Token to look up (unused, does not need to be set)' },
      },
      operations: { read: self, update: self },
      synopsis: 'This endpoint will lookup a token and its properties.',
    }),
  ]
}
