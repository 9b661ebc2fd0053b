/**
 * `DatabaseClient`: a thin typed layer over `request()` for one database mount (what `vault read
 * database/creds/readonly` and friends call). Every call goes through the vault's one pipeline: token,
 * ACL, audit, lease registration.
 *
 * @module
 */
import type { RequestMethod, VaultRequest, VaultResponse } from '../../core/request.js'
import { VaultError } from '../../errors.js'

/** The request function a typed client sends through (normally `vault.request`). */
export type RequestFn = (req: VaultRequest) => Promise<VaultResponse>

/**
 * A connection's settings (`POST <mount>/config/:name`). Plugin-specific keys pass through.
 *
 * @example
 * ```ts
 * const input: DatabaseConfigInput = { plugin_name: 'postgresql-database-plugin', connection_url: 'postgresql://{{username}}:{{password}}@db:5432/app', username: 'vault', password: 's3cret', allowed_roles: ['readonly'] }
 * ```
 */
export interface DatabaseConfigInput {
  plugin_name: string
  connection_url?: string
  username?: string
  password?: string
  allowed_roles?: string[] | string
  verify_connection?: boolean
  password_policy?: string
  username_template?: string
  root_rotation_statements?: string[]
  max_open_connections?: number
  max_idle_connections?: number
  max_connection_lifetime?: number | string
  [key: string]: unknown
}

/**
 * A dynamic role (`POST <mount>/roles/:name`). TTLs in seconds or as duration strings.
 *
 * @example
 * ```ts
 * const role: DatabaseRoleInput = { db_name: 'appdb', creation_statements: ['CREATE ROLE "{{name}}" …'], default_ttl: '1h', max_ttl: '24h' }
 * ```
 */
export interface DatabaseRoleInput {
  db_name: string
  creation_statements?: string[]
  revocation_statements?: string[]
  rollback_statements?: string[]
  renew_statements?: string[]
  default_ttl?: number | string
  max_ttl?: number | string
  credential_type?: 'password'
  credential_config?: Record<string, string>
}

/**
 * A static role (`POST <mount>/static-roles/:name`).
 *
 * @example
 * ```ts
 * const role: DatabaseStaticRoleInput = { db_name: 'appdb', username: 'reporting', rotation_period: '24h' }
 * ```
 */
export interface DatabaseStaticRoleInput {
  db_name: string
  username: string
  rotation_period: number | string
  rotation_statements?: string[]
  credential_type?: 'password'
  credential_config?: Record<string, string>
}

/**
 * Dynamic credentials and their lease.
 *
 * @example
 * ```ts
 * const c: DatabaseCreds = { username: 'v-token-readonly-…', password: 'A1a-…', leaseId: 'database/creds/readonly/…', leaseDuration: 3600, renewable: true }
 * ```
 */
export interface DatabaseCreds {
  username: string
  password: string
  leaseId: string
  /** Seconds. */
  leaseDuration: number
  renewable: boolean
}

/**
 * A static role's current credentials.
 *
 * @example
 * ```ts
 * const s: DatabaseStaticCreds = { username: 'reporting', password: '…', lastVaultRotation: '2024-01-01T00:00:00Z', rotationPeriod: 86400, ttl: 86400 }
 * ```
 */
export interface DatabaseStaticCreds {
  username: string
  password: string
  /** RFC 3339. */
  lastVaultRotation: string
  /** Seconds. */
  rotationPeriod: number
  /** Seconds until the next rotation. */
  ttl: number
}

/**
 * Typed access to one database mount.
 *
 * @example
 * ```ts
 * const db = new DatabaseClient((req) => vault.request(req), 'database', token)
 * await db.configure('appdb', { plugin_name: 'postgresql-database-plugin', connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/app', username: 'vault', password: 's3cret', allowed_roles: 'readonly' })
 * await db.writeRole('readonly', { db_name: 'appdb', creation_statements: ['CREATE ROLE "{{name}}" WITH LOGIN PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\';'], default_ttl: '1h', max_ttl: '24h' })
 * const { username, password, leaseId } = await db.creds('readonly')
 * await db.renew(leaseId)
 * await db.revoke(leaseId) // the user is dropped
 * ```
 */
export class DatabaseClient {
  /** The mount path, without leading or trailing slashes. */
  readonly mount: string
  readonly #request: RequestFn
  readonly #token: string | undefined

  constructor(request: RequestFn, mount: string, token?: string) {
    if (typeof request !== 'function') throw new TypeError('DatabaseClient needs a request function')
    const m = String(mount ?? '').replace(/^\/+|\/+$/g, '')
    if (m === '') throw new TypeError('DatabaseClient needs a mount path')
    this.#request = request
    this.mount = m
    this.#token = token
  }

  #call(method: RequestMethod, path: string, data?: Record<string, unknown>): Promise<VaultResponse> {
    return this.#request({
      method,
      path,
      ...(data === undefined ? {} : { data }),
      ...(this.#token === undefined ? {} : { token: this.#token }),
    })
  }

  async #read(path: string): Promise<Record<string, unknown> | null> {
    try {
      return (await this.#call('GET', `${this.mount}/${path}`)).data
    } catch (e) {
      if (e instanceof VaultError && e.statusCode === 404) return null
      throw e
    }
  }

  async #list(path: string): Promise<string[]> {
    try {
      const res = await this.#call('LIST', `${this.mount}/${path}`)
      return (res.data?.keys as string[] | undefined) ?? []
    } catch (e) {
      if (e instanceof VaultError && e.statusCode === 404) return []
      throw e
    }
  }

  /**
   * Creates or updates a connection; returns Vault's warnings (e.g. a password written into
   * `connection_url`).
   *
   * @throws {VaultError} 400 `error creating database object: …` when the plugin refuses the settings or
   *   cannot connect.
   */
  async configure(name: string, config: DatabaseConfigInput): Promise<string[]> {
    const res = await this.#call('POST', `${this.mount}/config/${name}`, { ...config })
    return res.warnings ?? []
  }

  /** A connection's settings without its password; `null` if none. */
  readConfig(name: string): Promise<Record<string, unknown> | null> {
    return this.#read(`config/${name}`)
  }

  /** Connection names. */
  listConfigs(): Promise<string[]> {
    return this.#list('config')
  }

  async deleteConfig(name: string): Promise<void> {
    await this.#call('DELETE', `${this.mount}/config/${name}`)
  }

  /** Closes the connection's pool and opens a new one. */
  async reset(name: string): Promise<void> {
    await this.#call('POST', `${this.mount}/reset/${name}`)
  }

  /**
   * Rotates the connection user's password; afterwards only the engine knows it.
   *
   * @throws {VaultError} 500 `unable to rotate root credentials: no password in configuration`, …
   */
  async rotateRoot(name: string): Promise<void> {
    await this.#call('POST', `${this.mount}/rotate-root/${name}`)
  }

  async writeRole(name: string, role: DatabaseRoleInput): Promise<void> {
    await this.#call('POST', `${this.mount}/roles/${name}`, { ...role })
  }

  readRole(name: string): Promise<Record<string, unknown> | null> {
    return this.#read(`roles/${name}`)
  }

  listRoles(): Promise<string[]> {
    return this.#list('roles')
  }

  async deleteRole(name: string): Promise<void> {
    await this.#call('DELETE', `${this.mount}/roles/${name}`)
  }

  /**
   * New credentials for a dynamic role, with their lease.
   *
   * @throws {VaultError} 400 `unknown role: <name>`; 500 `"<name>" is not an allowed role`, or the
   *   database's error (nothing is left behind).
   */
  async creds(role: string): Promise<DatabaseCreds> {
    const res = await this.#call('GET', `${this.mount}/creds/${role}`)
    const data = res.data ?? {}
    return {
      username: String(data.username ?? ''),
      password: String(data.password ?? ''),
      leaseId: res.lease_id,
      leaseDuration: res.lease_duration,
      renewable: res.renewable,
    }
  }

  /** Renews a credentials lease (`sys/leases/renew`); returns the new lease duration, seconds. */
  async renew(leaseId: string, increment?: number | string): Promise<number> {
    const res = await this.#call('PUT', 'sys/leases/renew', {
      lease_id: leaseId,
      ...(increment === undefined ? {} : { increment }),
    })
    return res.lease_duration
  }

  /** Revokes a credentials lease now (`sys/leases/revoke`): the database user is removed. */
  async revoke(leaseId: string): Promise<void> {
    await this.#call('PUT', 'sys/leases/revoke', { lease_id: leaseId })
  }

  async writeStaticRole(name: string, role: DatabaseStaticRoleInput): Promise<void> {
    await this.#call('POST', `${this.mount}/static-roles/${name}`, { ...role })
  }

  readStaticRole(name: string): Promise<Record<string, unknown> | null> {
    return this.#read(`static-roles/${name}`)
  }

  listStaticRoles(): Promise<string[]> {
    return this.#list('static-roles')
  }

  async deleteStaticRole(name: string): Promise<void> {
    await this.#call('DELETE', `${this.mount}/static-roles/${name}`)
  }

  /**
   * A static role's current credentials.
   *
   * @throws {VaultError} 400 `unknown role: <name>`.
   */
  async staticCreds(name: string): Promise<DatabaseStaticCreds> {
    const data = (await this.#call('GET', `${this.mount}/static-creds/${name}`)).data ?? {}
    return {
      username: String(data.username ?? ''),
      password: String(data.password ?? ''),
      lastVaultRotation: String(data.last_vault_rotation ?? ''),
      rotationPeriod: Number(data.rotation_period ?? 0),
      ttl: Number(data.ttl ?? 0),
    }
  }

  /** Rotates a static role's password now. */
  async rotateRole(name: string): Promise<void> {
    await this.#call('POST', `${this.mount}/rotate-role/${name}`)
  }
}
