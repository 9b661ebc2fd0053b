/**
 * `users/` (LIST) and `users/:username` (create, read, update, delete): the users allowed to log in,
 * with their password and token settings (Vault's userpass `path_users.go`).
 *
 * @module
 */
import { InvalidRequestError } from '../../errors.js'
import type { FieldSchema } from '../../framework/fields.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { parseAddresses } from '../token/cidr.js'
import {
  deprecationText,
  parsePolicies,
  parseTokenFields,
  tokenData,
  tokenFields,
  upgradeValue,
} from '../token/token-fields.js'
import { loadUser, newUser, saveUser, USER_PREFIX, type UserpassContext } from './user.js'

const USER_FIELDS: Record<string, FieldSchema> = {
  username: { type: 'string', description: 'Username for this user.' },
  password: { type: 'string', description: 'Password for this user.' },
  policies: { type: 'commaStringSlice', description: deprecationText('token_policies'), deprecated: true },
  ttl: { type: 'duration', description: deprecationText('token_ttl'), deprecated: true },
  max_ttl: { type: 'duration', description: deprecationText('token_max_ttl'), deprecated: true },
  bound_cidrs: {
    type: 'commaStringSlice',
    description: deprecationText('token_bound_cidrs'),
    deprecated: true,
  },
  ...tokenFields(),
}

const bad = (message: string): never => {
  throw new InvalidRequestError(message)
}

/**
 * Hashes a new password into `user` (Vault's `updateUserPassword`).
 *
 * @throws {InvalidRequestError} 400 `missing password`.
 */
export async function setPassword(
  ctx: UserpassContext,
  user: { password_hash: string },
  password: string,
): Promise<void> {
  if (password === '') bad('missing password')
  user.password_hash = await ctx.hasher.hash(password)
}

/** Vault's `pathUserWrite` / `userCreateUpdate`. */
function writeUser(ctx: UserpassContext): OperationHandler {
  return async (req, d) => {
    const username = d.get<string>('username').toLowerCase()
    if (req.operation === 'create' && d.get<string>('password') === '') bad('missing password')
    return ctx.locks.run(username, async () => {
      const user = (await loadUser(req.storage, username)) ?? newUser()
      try {
        parseTokenFields(user, d)
      } catch (e) {
        bad((e as Error).message)
      }
      const [password, hasPassword] = d.getOk<string>('password')
      if (hasPassword) await setPassword(ctx, user, password ?? '')
      ;[user.policies, user.token_policies] = upgradeValue(
        d,
        'policies',
        'token_policies',
        [user.policies, user.token_policies],
        [],
        parsePolicies,
      )
      ;[user.ttl, user.token_ttl] = upgradeValue(d, 'ttl', 'token_ttl', [user.ttl, user.token_ttl], 0)
      ;[user.max_ttl, user.token_max_ttl] = upgradeValue(
        d,
        'max_ttl',
        'token_max_ttl',
        [user.max_ttl, user.token_max_ttl],
        0,
      )
      try {
        ;[user.bound_cidrs, user.token_bound_cidrs] = upgradeValue(
          d,
          'bound_cidrs',
          'token_bound_cidrs',
          [user.bound_cidrs, user.token_bound_cidrs],
          [],
          (raw) => parseAddresses(raw as string[]),
        )
      } catch (e) {
        bad((e as Error).message)
      }
      await saveUser(req.storage, username, user)
      return null
    })
  }
}

/** The user paths: `users/` and `users/:username`. */
export function userPaths(ctx: UserpassContext): PathDefinition[] {
  const write = writeUser(ctx)
  return [
    definePath({
      pattern: 'users/?',
      operations: {
        list: async (req) => ({
          data: { keys: (await req.storage.list(USER_PREFIX)).filter((k) => !k.endsWith('/')) },
        }),
      },
      synopsis: 'Manage users allowed to authenticate.',
    }),
    definePath({
      pattern: `users/${genericNameRegex('username')}`,
      fields: USER_FIELDS,
      existenceCheck: async (req, d) => (await loadUser(req.storage, d.get<string>('username'))) !== null,
      operations: {
        read: async (req, d) => {
          const user = await loadUser(req.storage, d.get<string>('username'))
          if (!user) return null
          const data = tokenData(user)
          if (user.ttl > 0) data.ttl = user.ttl
          if (user.max_ttl > 0) data.max_ttl = user.max_ttl
          if (user.policies.length > 0) data.policies = data.token_policies
          if (user.bound_cidrs.length > 0) data.bound_cidrs = [...user.bound_cidrs]
          return { data: Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1))) }
        },
        create: write,
        update: write,
        delete: async (req, d) => {
          await req.storage.delete(USER_PREFIX + d.get<string>('username').toLowerCase())
          return null
        },
      },
      synopsis: 'Manage users allowed to authenticate.',
      description:
        'This endpoint allows you to create, read, update, and delete users that are allowed to authenticate. Deleting a user will not revoke auth for prior authenticated users with that name. To do this, do a revoke on "login/<username>" for the username you want revoked. If you don\'t need to revoke login immediately, then the next renew will cause the lease to expire.',
    }),
  ]
}
