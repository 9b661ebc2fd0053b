/**
 * The `approle` auth method (Vault's `builtin/credential/approle`): machines log in with a role ID and a
 * secret ID. Roles carry the constraints (secret ID bound, CIDR lists) and the token settings; secret
 * IDs are issued per role, optionally limited in uses, time and source address. `login` is
 * unauthenticated.
 *
 * Files: `role.ts` / `secret-id.ts` (storage), `path-role.ts` (roles), `role-fields.ts` (per-field
 * endpoints and role-id), `path-secret-id.ts` (secret IDs and accessors), `login.ts`, `tidy.ts`.
 *
 * @module
 */
import type { BackendConfig } from '../../core/logical.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { appRoleContext } from './context.js'
import { appRoleRenew, loginPaths } from './login.js'
import { rolePaths } from './path-role.js'
import { secretIdPaths } from './path-secret-id.js'
import { roleFieldPaths } from './role-fields.js'
import { tidyPaths, tidySecretIds } from './tidy.js'

export type { RoleEntry } from './role.js'
export type { SecretIdEntry } from './secret-id.js'

/**
 * Builds an AppRole backend for one mount. The vault registers it as the auth type `approle`.
 *
 * @example
 * ```ts
 * await vault.request({ method: 'POST', path: 'sys/auth/approle', data: { type: 'approle' }, token })
 * ```
 */
export function createAppRoleBackend(config: BackendConfig): FrameworkBackend {
  const ctx = appRoleContext(config.system)
  return new FrameworkBackend({
    type: 'approle',
    help: "Any registered Role can authenticate itself with Vault. The credentials depends on the constraints that are set on the Role. One common required credential is the 'role_id' which is a unique identifier of the Role. It can be retrieved from the 'role/<appname>/role-id' endpoint.\n\nThe default constraint configuration is 'bind_secret_id', which requires the credential 'secret_id' to be presented during login. Refer to the documentation for other types of constraints.",
    specialPaths: { unauthenticated: ['login'] },
    paths: [
      ...rolePaths(ctx),
      ...roleFieldPaths(ctx),
      ...secretIdPaths(ctx),
      ...loginPaths(ctx),
      ...tidyPaths(ctx),
    ],
    authRenew: appRoleRenew,
    initialize: () => ctx.setup(config.storage),
    periodicFunc: async (req) => {
      await tidySecretIds(ctx, req.storage)
    },
  })
}
