/**
 * The `database` secrets engine (api-docs/secret/databases): dynamic credentials — a new database user
 * per `creds/:role` read, as a lease that renewal extends and revocation or expiry removes — and static
 * roles, existing users whose passwords the engine rotates on schedule. Databases plug in through the
 * {@link DatabasePlugin} interface; PostgreSQL and MySQL/MariaDB ship built in, their drivers loaded only
 * when a connection of that kind is configured.
 *
 * | path | what |
 * |---|---|
 * | `config/:name`, `LIST config`, `reset/:name`, `rotate-root/:name` | connections |
 * | `roles/:name`, `LIST roles`, `creds/:name` | dynamic roles and their credentials |
 * | `static-roles/:name`, `LIST static-roles`, `static-creds/:name`, `rotate-role/:name` | static roles |
 *
 * Connections are pooled per configuration and closed on `reset`, delete, unmount and seal (the
 * backend's cleanup). Static rotations run on one timer of the mount's clock (see `rotation.ts`), stopped
 * by cleanup and rebuilt from storage on initialize; the periodic `rollback` request also nudges it.
 *
 * @module
 */
import type { BackendConfig } from '../../core/logical.js'
import type { DatabasePluginFactory } from '../../database/plugin.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { configPaths } from './config.js'
import { BUILTIN_PLUGINS } from './connections.js'
import { credsPath, credsSecret } from './creds.js'
import { type DatabaseBackendOptions, DatabaseEngine } from './engine.js'
import { rolePaths } from './roles.js'
import { recoverRootRotations, rotateRootPath } from './rotate-root.js'
import { staticRolePaths } from './static-roles.js'
import { readRole, STATIC_ROLE_PREFIX } from './storage.js'

export type {
  ChangeExpiration,
  ChangePassword,
  CredentialType,
  DatabasePlugin,
  DatabasePluginContext,
  DatabasePluginFactory,
  DeleteUserRequest,
  InitializeRequest,
  InitializeResponse,
  NewUserRequest,
  NewUserResponse,
  Statements,
  UpdateUserRequest,
  UsernameConfig,
} from '../../database/plugin.js'
export { DatabaseError } from '../../database/plugin.js'
export {
  DatabaseClient,
  type DatabaseConfigInput,
  type DatabaseCreds,
  type DatabaseRoleInput,
  type DatabaseStaticCreds,
  type DatabaseStaticRoleInput,
} from './client.js'
export { redactConnectionUrl } from './config.js'
export { BUILTIN_PLUGINS } from './connections.js'
export { SECRET_CREDS_TYPE } from './creds.js'
export type { DatabaseBackendOptions, DatabaseLogEntry } from './engine.js'

const HELP = `The database backend supports using many different databases
as secret backends, including but not limited to:
mysql, mariadb, postgres

After mounting this backend, configure it using the endpoints within
the "database/config/" path.`

/**
 * A mounted database engine.
 *
 * @example
 * ```ts
 * const backend = new DatabaseBackend(config)
 * await backend.initialize() // loads the static-role rotation queue
 * await backend.idle()       // waits for rotations that are due
 * ```
 */
export class DatabaseBackend extends FrameworkBackend {
  readonly #engine: DatabaseEngine

  constructor(config: BackendConfig, options: DatabaseBackendOptions = {}) {
    const plugins: Record<string, DatabasePluginFactory> = { ...BUILTIN_PLUGINS, ...(options.plugins ?? {}) }
    const engine = new DatabaseEngine(config.storage, config.system, plugins, options)
    const secret = credsSecret(engine)
    super({
      type: config.type,
      help: HELP,
      secrets: [secret],
      paths: [
        ...configPaths(engine),
        ...rolePaths(engine),
        credsPath(engine, secret),
        ...staticRolePaths(engine),
        rotateRootPath(engine),
      ],
      initialize: async () => {
        engine.queue.start()
        for (const name of await config.storage.list(STATIC_ROLE_PREFIX)) {
          if (name.endsWith('/')) continue
          const account = (await readRole(config.storage, STATIC_ROLE_PREFIX, name))?.static_account
          if (account) engine.queue.set(name, account.last_vault_rotation + account.rotation_period * 1000)
        }
        engine.track(recoverRootRotations(engine))
      },
      cleanup: () => engine.shutdown(),
      // The rotation queue runs on its own clock timer; the core's periodic rollback request (Vault's
      // PeriodicFunc) only nudges it, in case a due rotation is waiting.
      periodicFunc: async () => {
        engine.queue.kick()
      },
    })
    this.#engine = engine
  }

  /**
   * Resolves when the background work is done: rotations due by the clock's time, and recovery after
   * initialization. Tests call it after advancing a manual clock.
   *
   * @example
   * ```ts
   * await clock.advance('24h')
   * await backend.idle() // static roles due within the day have been rotated
   * ```
   */
  idle(): Promise<void> {
    return this.#engine.idle()
  }

  /** Connection names with an open pool (for tests and diagnostics). */
  get openConnections(): string[] {
    return this.#engine.connections.open
  }

  /** When static role `name` rotates next (ms since the epoch), if it is queued. */
  nextRotation(name: string): number | undefined {
    return this.#engine.queue.dueAt(name)
  }
}

/**
 * A factory for database mounts with options: extra or replacement plugins (custom databases, injected
 * drivers), the password-policy source, a logger for background events.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { postgresPlugin } from 'vaultlet/database/postgres'
 * vault.engines.register({
 *   type: 'database',
 *   kind: 'secret',
 *   factory: databaseBackendFactory({ plugins: { 'postgresql-database-plugin': () => postgresPlugin({ driver: pg }) } }),
 * })
 * ```
 */
export function databaseBackendFactory(
  options: DatabaseBackendOptions = {},
): (config: BackendConfig) => DatabaseBackend {
  return (config) => new DatabaseBackend(config, options)
}

/**
 * Builds a `database` backend for one mount, with the built-in plugins.
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * import { createDatabaseBackend } from 'vaultlet/engines/database'
 * const vault = await Vault.dev({ rootToken: 'root' })
 * vault.engines.register({ type: 'database', kind: 'secret', factory: createDatabaseBackend })
 * await vault.request({ method: 'POST', path: 'sys/mounts/database', data: { type: 'database' }, token: 'root' })
 * await vault.request({ method: 'POST', path: 'database/config/appdb', token: 'root', data: {
 *   plugin_name: 'postgresql-database-plugin', allowed_roles: 'readonly',
 *   connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/app', username: 'vault', password: 's3cret' } })
 * ```
 */
export function createDatabaseBackend(config: BackendConfig): DatabaseBackend {
  return new DatabaseBackend(config)
}
