/**
 * `vault.login`: typed logins over `request()` — AppRole and userpass — answering the new token and
 * Vault's `auth` block. Logins are ordinary unauthenticated requests through the one pipeline.
 *
 * @module
 */
import type { ConnectionInfo } from '../core/logical.js'
import type { AuthBlock } from '../core/request.js'
import type { RequestFn } from '../engines/kv/client.js'
import { InternalError } from '../errors.js'

/** A successful login: the client token and the full `auth` block. */
export interface LoginResult {
  /** The client token (`auth.client_token`). */
  token: string
  auth: AuthBlock
}

/** Credentials of an AppRole login. */
export interface AppRoleCredentials {
  roleId: string
  /** Required unless the role has `bind_secret_id=false`. */
  secretId?: string
  /** Where AppRole is enabled, below `auth/`. Default `approle`. */
  mount?: string
  /** The caller's address, for CIDR-bound roles and secret IDs (the HTTP server fills it in). */
  connection?: ConnectionInfo
}

/** Options of a userpass login. */
export interface UserpassLoginOptions {
  /** Where userpass is enabled, below `auth/`. Default `userpass`. */
  mount?: string
  /** The caller's address, for CIDR-bound users. */
  connection?: ConnectionInfo
}

function trimMount(mount: string): string {
  const m = mount.replace(/^\/+|\/+$/g, '')
  if (m === '') throw new TypeError('login needs a mount path')
  return m
}

/**
 * Logins, by method. Get one with `vault.login`.
 *
 * @example
 * ```ts
 * const { token } = await vault.login.appRole({ roleId, secretId })
 * await vault.withToken(token).kv('secret').get('myapp/stripe')
 * ```
 */
export class LoginClient {
  readonly #request: RequestFn

  constructor(request: RequestFn) {
    if (typeof request !== 'function') throw new TypeError('LoginClient needs a request function')
    this.#request = request
  }

  /**
   * Logs in with AppRole (`POST auth/<mount>/login`).
   *
   * @example
   * ```ts
   * const { token, auth } = await vault.login.appRole({ roleId: '8c6f…', secretId: 'e3b0…' })
   * auth.policies // ['default', 'myapp']
   * ```
   * @throws {VaultError} 400 `invalid role or secret ID` (and Vault's other login errors).
   */
  appRole(credentials: AppRoleCredentials): Promise<LoginResult> {
    const mount = trimMount(credentials.mount ?? 'approle')
    return this.#login(
      `auth/${mount}/login`,
      {
        role_id: credentials.roleId,
        ...(credentials.secretId !== undefined ? { secret_id: credentials.secretId } : {}),
      },
      credentials.connection,
    )
  }

  /**
   * Logs in with a username and password (`POST auth/<mount>/login/:username`).
   *
   * @example
   * ```ts
   * const { token } = await vault.login.userpass('bob', 'correct horse battery staple')
   * ```
   * @throws {VaultError} 400 `invalid username or password`.
   */
  userpass(username: string, password: string, options: UserpassLoginOptions = {}): Promise<LoginResult> {
    const mount = trimMount(options.mount ?? 'userpass')
    return this.#login(
      `auth/${mount}/login/${encodeURIComponent(username)}`,
      { password },
      options.connection,
    )
  }

  async #login(
    path: string,
    data: Record<string, unknown>,
    connection?: ConnectionInfo,
  ): Promise<LoginResult> {
    const resp = await this.#request({ method: 'POST', path, data, ...(connection ? { connection } : {}) })
    const auth = resp.auth
    if (!auth?.client_token) throw new InternalError('login answered without a token')
    return { token: auth.client_token, auth }
  }
}
