/**
 * `users/:username/policies`: replaces a user's token policies (Vault's userpass
 * `path_user_policies.go`).
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { deprecationText, parsePolicies } from '../token/token-fields.js'
import { userMissing } from './password.js'
import { loadUser, saveUser, type UserpassContext } from './user.js'

/** The policies path. */
export function policyPaths(ctx: UserpassContext): PathDefinition[] {
  return [
    definePath({
      pattern: `users/${genericNameRegex('username')}/policies`,
      fields: {
        username: { type: 'string', description: 'Username for this user.' },
        policies: {
          type: 'commaStringSlice',
          description: deprecationText('token_policies'),
          deprecated: true,
        },
        token_policies: { type: 'commaStringSlice', description: 'Comma-separated list of policies' },
      },
      operations: {
        update: async (req, d) => {
          const username = d.get<string>('username').toLowerCase()
          return ctx.locks.run(username, async () => {
            const user = await loadUser(req.storage, username)
            if (!user) throw userMissing()
            const [tokenPolicies, hasTokenPolicies] = d.getOk<string[]>('token_policies')
            const [policies, hasPolicies] = d.getOk<string[]>('policies')
            if (hasTokenPolicies) {
              user.token_policies = parsePolicies(tokenPolicies)
              user.policies = hasPolicies ? user.token_policies : []
            } else if (hasPolicies) {
              user.policies = parsePolicies(policies)
              user.token_policies = user.policies
            }
            await saveUser(req.storage, username, user)
            return null
          })
        },
      },
      synopsis: 'Update the policies associated with the username.',
      description: 'This endpoint allows updating the policies associated with the username.',
    }),
  ]
}
