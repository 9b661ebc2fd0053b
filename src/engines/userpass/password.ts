/**
 * `users/:username/password`: resets a user's password (Vault's userpass `path_user_password.go`).
 *
 * @module
 */
import { VaultError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { loadUser, saveUser, type UserpassContext } from './user.js'
import { setPassword } from './users.js'

/** The password path. */
export function passwordPaths(ctx: UserpassContext): PathDefinition[] {
  return [
    definePath({
      pattern: `users/${genericNameRegex('username')}/password`,
      fields: {
        username: { type: 'string', description: 'Username for this user.' },
        password: { type: 'string', description: 'Password for this user.' },
      },
      operations: {
        update: async (req, d) => {
          const username = d.get<string>('username').toLowerCase()
          return ctx.locks.run(username, async () => {
            const user = await loadUser(req.storage, username)
            // Vault answers this one with a plain error: 500.
            if (!user) throw userMissing()
            await setPassword(ctx, user, d.get<string>('password'))
            await saveUser(req.storage, username, user)
            return null
          })
        },
      },
      synopsis: "Reset user's password.",
      description: "This endpoint allows resetting the user's password.",
    }),
  ]
}

/** Vault's `username does not exist` (a plain error there, so 500). */
export function userMissing(): VaultError {
  const message = 'username does not exist'
  return new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
}
