/**
 * `auth/token/renew`, `auth/token/renew-self`, `auth/token/renew-accessor`: extend a token's lease, as
 * Vault's `handleRenew` → `ExpirationManager.RenewToken` → the token store's `authRenew` do.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import type { TokenEntry } from '../../core/token-store.js'
import { InvalidRequestError, VaultError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import type { FieldSchema } from '../../framework/fields.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { tokenByAccessor } from './accessors.js'
import { tokenAuth } from './auth.js'
import type { TokenContext } from './core.js'
import { loadRole } from './roles.js'
import { calculateTtl } from './ttl.js'

const INCREMENT: FieldSchema = {
  type: 'duration',
  default: 0,
  description: 'The desired increment in seconds to the token expiration',
}

/**
 * The period and explicit max TTL a renewal applies (Vault's `authRenew`): the role's current values
 * for role tokens, else the token's own.
 */
async function renewalLimits(
  req: LogicalRequest,
  entry: TokenEntry,
): Promise<{ period: number; explicitMaxTtl: number }> {
  if (entry.role === '') return { period: entry.period, explicitMaxTtl: entry.explicit_max_ttl }
  const role = await loadRole(req.storage, entry.role)
  if (!role) {
    const message = `original token role ${goQuote(entry.role)} could not be found, not renewing`
    throw new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
  }
  return { period: role.token_period, explicitMaxTtl: role.token_explicit_max_ttl }
}

/**
 * Renews a token: the new TTL is the increment if given, else the TTL of the last issue/renewal
 * (periodic tokens: always the period), never past issue time + max TTL.
 */
async function renew(
  ctx: TokenContext,
  req: LogicalRequest,
  id: string,
  increment: number,
): Promise<LogicalResponse | null> {
  if (id === '') throw new InvalidRequestError('missing token ID')
  const { tokens, clock } = ctx.core
  const entry = await tokens.lookup(id)
  if (!entry) throw new InvalidRequestError('token not found')
  if (entry.type === 'batch') throw new InvalidRequestError('batch tokens cannot be renewed')
  // Vault's lease checks (leaseEntry.renewable): no lease, never expires, expired, not renewable.
  if (entry.issue_time === 0) throw new InvalidRequestError('invalid lease ID')
  if (entry.expire_time === 0) throw new InvalidRequestError('lease is not renewable')
  const now = clock.now()
  if (entry.expire_time <= now) throw new InvalidRequestError('lease expired')
  if (!entry.renewable) throw new InvalidRequestError('lease is not renewable')

  if (ctx.core.renewLogin && !entry.path.startsWith('auth/token/')) {
    // A login token: its auth method decides (Vault's RenewToken routes to the method's AuthRenew).
    const renewal = await ctx.core.renewLogin(entry, increment, req.connection)
    if (!renewal) return null
    return {
      data: null,
      auth: tokenAuth(renewal.entry, renewal.ttl, true, {
        period: renewal.auth.period ?? 0,
        explicitMaxTtl: renewal.auth.explicitMaxTtl ?? 0,
      }),
      ...(renewal.warnings.length > 0 ? { warnings: renewal.warnings } : {}),
    }
  }

  const limits = await renewalLimits(req, entry)
  const lastIssue = entry.last_renewal_time || entry.issue_time
  const previousTtl = Math.round((entry.expire_time - lastIssue) / 1000)
  const { ttl, warnings } = calculateTtl({
    system: ctx.system,
    now,
    increment,
    backendTtl: previousTtl,
    period: limits.period,
    explicitMaxTtl: limits.explicitMaxTtl,
    startTime: entry.issue_time,
  })
  const updated = (await tokens.setExpiry(entry, now + ttl * 1000, { renewal: true })) ?? entry
  return {
    data: null,
    auth: tokenAuth(updated, ttl, true, limits),
    ...(warnings.length > 0 ? { warnings } : {}),
  }
}

/** The renew paths. */
export function renewPaths(ctx: TokenContext): PathDefinition[] {
  const byToken: OperationHandler = (req, d) =>
    renew(ctx, req, d.get<string>('token'), d.get<number>('increment'))
  return [
    definePath({
      pattern: 'renew-accessor',
      fields: {
        accessor: { type: 'string', description: 'Accessor of the token to renew (request body)' },
        increment: INCREMENT,
      },
      operations: {
        update: async (req, d) => {
          const entry = await tokenByAccessor(ctx, d)
          const resp = await renew(ctx, req, entry.id, d.get<number>('increment'))
          // Someone holding only the accessor never learns the token.
          if (resp?.auth) resp.auth.clientToken = ''
          return resp
        },
      },
      synopsis:
        'This endpoint will renew a token associated with the given accessor and its properties. Response will not contain the token ID.',
    }),
    definePath({
      pattern: 'renew-self',
      fields: {
        token: { type: 'string', description: 'Token to renew (unused, does not need to be set)' },
        increment: INCREMENT,
      },
      operations: { update: (req, d) => renew(ctx, req, req.clientToken, d.get<number>('increment')) },
      synopsis: 'This endpoint will renew the token used to call it and prevent expiration.',
    }),
    definePath({
      pattern: 'renew',
      fields: {
        token: { type: 'string', description: 'Token to renew (request body)' },
        increment: INCREMENT,
      },
      operations: { update: byToken },
      synopsis: 'This endpoint will renew the given token and prevent expiration.',
    }),
  ]
}

/**
 * The backend's `authRenew` (Vault's `TokenStore.authRenew`), for the lease manager: hands back the
 * auth with the period and explicit max TTL that apply (the role's for role tokens).
 */
export function authRenew(ctx: TokenContext): OperationHandler {
  return async (req) => {
    if (!req.auth) throw new InvalidRequestError('request auth is nil')
    const entry = await ctx.core.tokens.lookup(req.auth.clientToken ?? '')
    if (!entry) {
      const message = 'no token entry found during lookup'
      throw new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
    }
    const limits = await renewalLimits(req, entry)
    return { auth: { ...req.auth, period: limits.period, explicitMaxTtl: limits.explicitMaxTtl } }
  }
}
