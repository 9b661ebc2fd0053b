/**
 * The `userpass` auth method (Vault's `builtin/credential/userpass`): users with a password and token
 * settings; `login/:username` is unauthenticated.
 *
 * Storage (the mount's view, behind the barrier): `user/<name>` → the user, with its password's scrypt
 * hash (never the password).
 *
 * @module
 */
import type { BackendConfig } from '../../core/logical.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { KeyedLock } from '../../util/lock.js'
import { loginPaths, userpassRenew } from './login.js'
import { passwordPaths } from './password.js'
import { type PasswordHasher, scryptHasher } from './password-hasher.js'
import { policyPaths } from './policies.js'
import type { UserpassContext } from './user.js'
import { userPaths } from './users.js'

export {
  DEFAULT_SCRYPT_PARAMS,
  type PasswordHasher,
  type ScryptHasherOptions,
  type ScryptKdf,
  type ScryptParams,
  scryptHasher,
} from './password-hasher.js'
export type { UserEntry } from './user.js'

/** Options of {@link createUserpassBackend}. */
export interface UserpassOptions {
  /** How passwords are hashed. Default: scrypt N=2^15, r=8, p=1 over the mount's crypto provider. */
  hasher?: PasswordHasher
}

/**
 * Builds a userpass backend for one mount. The vault registers it as the auth type `userpass`.
 *
 * @example
 * ```ts
 * vault.engines.register({ type: 'userpass-fast', kind: 'auth', factory: (c) => createUserpassBackend(c, { hasher }) })
 * ```
 */
export function createUserpassBackend(
  config: BackendConfig,
  options: UserpassOptions = {},
): FrameworkBackend {
  const ctx: UserpassContext = {
    hasher: options.hasher ?? scryptHasher({ crypto: config.system.crypto }),
    locks: new KeyedLock(),
  }
  return new FrameworkBackend({
    type: 'userpass',
    help: 'The "userpass" credential provider allows authentication using a combination of a username and password. No additional factors are supported.\n\nThe username/password combination is configured using the "users/" endpoints by a user with root access. Authentication is then done by supplying the two fields for "login".',
    specialPaths: { unauthenticated: ['login/*'] },
    paths: [...userPaths(ctx), ...policyPaths(ctx), ...passwordPaths(ctx), ...loginPaths(ctx)],
    authRenew: userpassRenew,
  })
}
