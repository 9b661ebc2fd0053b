/**
 * `login/:username`: checks a user's password and answers with the `auth` the core turns into a token;
 * and the renewal of those tokens (Vault's userpass `path_login.go`).
 *
 * Brute-force and enumeration safety, next to the logic it protects: an unknown user's password is
 * checked against the hasher's dummy hash, so a login does the same KDF work — and gives the same
 * answer, 400 `invalid username or password` — whether the user exists or not.
 *
 * @module
 */
import type { LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError, PermissionDeniedError, VaultError } from '../../errors.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { remoteAddrAllowed } from '../token/cidr.js'
import { equivalentPolicies, populateTokenAuth } from '../token/token-fields.js'
import { loadUser, type UserpassContext } from './user.js'

/** A plain (500) error with Vault's text, as Vault's `fmt.Errorf` answers. */
function plainError(message: string): VaultError {
  return new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
}

const INVALID = 'invalid username or password'

/** The login path. */
export function loginPaths(ctx: UserpassContext): PathDefinition[] {
  return [
    definePath({
      pattern: `login/${genericNameRegex('username')}`,
      fields: {
        username: { type: 'string', description: 'Username of the user.' },
        password: { type: 'string', description: 'Password for this user.' },
      },
      operations: {
        update: async (req, d): Promise<LogicalResponse> => {
          const username = d.get<string>('username').toLowerCase()
          const password = d.get<string>('password')
          if (password === '') throw plainError('missing password')
          const user = await loadUser(req.storage, username)
          // The same KDF work either way: the dummy hash stands in for an unknown user's.
          const matches = await ctx.hasher.verify(password, user?.password_hash || ctx.hasher.dummy)
          if (!user || !matches) throw new InvalidRequestError(INVALID)
          if (user.token_bound_cidrs.length > 0) {
            // Vault logs "token bound CIDRs found but no connection information available for validation".
            if (!remoteAddrAllowed(user.token_bound_cidrs, req.connection?.remoteAddress)) {
              throw new PermissionDeniedError()
            }
          }
          return {
            auth: {
              ...populateTokenAuth(user),
              metadata: { username },
              displayName: username,
            },
          }
        },
      },
      synopsis: 'Log in with a username and password.',
      description: 'This endpoint authenticates using a username and password.',
    }),
  ]
}

/**
 * Renewal of a userpass token (Vault's `pathLoginRenew`): the user must still exist (else nothing is
 * renewed) with the same policies (else `policies have changed, not renewing`); the user's current
 * TTL, max TTL and period apply.
 */
export const userpassRenew: OperationHandler = async (req) => {
  const auth = req.auth
  const username = auth?.metadata?.username ?? ''
  if (!auth || username === '') throw plainError('missing username')
  const user = await loadUser(req.storage, username)
  if (!user) return null
  if (!equivalentPolicies(user.token_policies, auth.tokenPolicies ?? null)) {
    throw plainError('policies have changed, not renewing')
  }
  return { auth: { ...auth, period: user.token_period, ttl: user.token_ttl, maxTtl: user.token_max_ttl } }
}
