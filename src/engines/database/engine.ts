/**
 * The state one database mount shares between its paths: storage, connections, the static-role
 * rotation queue, per-role locks, password generation, and the background work `idle()` waits for.
 *
 * @module
 */
import type { SystemView } from '../../core/logical.js'
import { generatePassword, type PasswordPolicySource } from '../../core/password-policy.js'
import type { DatabasePluginFactory } from '../../database/plugin.js'
import { redactSecrets } from '../../database/sql-plugin.js'
import type { StorageView } from '../../storage/view.js'
import { KeyedLock } from '../../util/lock.js'
import { Connections } from './connections.js'
import { RotationQueue } from './rotation.js'
import {
  assertAllowedRole,
  type DatabaseConfig,
  failure,
  type RoleEntry,
  readRole,
  requireConfig,
  STATIC_ROLE_PREFIX,
  STATIC_WAL_PREFIX,
} from './storage.js'

/** A message from the engine's background work (rotations, recovery); never carries a password. */
export interface DatabaseLogEntry {
  level: 'info' | 'warn' | 'error'
  message: string
  /** Role or connection name, when there is one. */
  name?: string
}

/** Options of {@link databaseBackendFactory}. */
export interface DatabaseBackendOptions {
  /**
   * Plugins by `plugin_name`, added to (and overriding) the built-in ones: how a host adds a database or
   * injects a driver (`{ 'postgresql-database-plugin': () => postgresPlugin({ driver: pg }) }`).
   */
  plugins?: Record<string, DatabasePluginFactory>
  /**
   * Where `password_policy` names are looked up. Default: the mount's system view, when the core
   * provides `generatePasswordFromPolicy` there.
   */
  passwordPolicies?: PasswordPolicySource
  /** Receives background events (failed rotations, recoveries). Default: none. */
  logger?: (entry: DatabaseLogEntry) => void
  /** Delay before a failed static rotation is retried, seconds (Vault: 10). */
  rotationRetrySeconds?: number
}

/** Vault's `defaultQueueTickSeconds`: the shortest rotation period a static role may have. */
export const MIN_ROTATION_PERIOD = 5

/** The shared state of one mount. */
export class DatabaseEngine {
  readonly connections: Connections
  readonly locks = new KeyedLock()
  readonly queue: RotationQueue
  readonly #background = new Set<Promise<unknown>>()
  readonly #options: DatabaseBackendOptions

  constructor(
    readonly storage: StorageView,
    readonly system: SystemView,
    plugins: Readonly<Record<string, DatabasePluginFactory>>,
    options: DatabaseBackendOptions,
  ) {
    this.#options = options
    this.connections = new Connections(plugins, { now: () => system.clock.now() })
    this.queue = new RotationQueue({
      clock: system.clock,
      retrySeconds: options.rotationRetrySeconds ?? 10,
      rotate: (name) => this.rotateStatic(name, 'queue'),
      track: (p) => this.track(p),
    })
  }

  /** The clock's time, ms. */
  now(): number {
    return this.system.clock.now()
  }

  log(entry: DatabaseLogEntry): void {
    try {
      this.#options.logger?.(entry)
    } catch {
      // A logger's failure is not the engine's.
    }
  }

  /** Keeps a background promise for {@link DatabaseEngine.idle}. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#background.add(p)
    p.finally(() => this.#background.delete(p)).catch(() => undefined)
    return p
  }

  /** Resolves when no background work (rotations due now, recovery) is running. */
  async idle(): Promise<void> {
    for (;;) {
      this.queue.kick()
      const pending = [...this.#background]
      if (pending.length === 0) return
      await Promise.allSettled(pending)
    }
  }

  /**
   * A password for a role or a root rotation: from `policy` (Vault's `GeneratePasswordFromPolicy`),
   * else Vault's default generator.
   *
   * @throws {VaultError} 500 `failed to generate password: …`.
   */
  async password(policy: string): Promise<string> {
    if (policy === '') return generatePassword()
    const source =
      this.#options.passwordPolicies ??
      ((this.system as SystemView & Partial<PasswordPolicySource>).generatePasswordFromPolicy
        ? (this.system as SystemView & PasswordPolicySource)
        : undefined)
    try {
      if (!source) throw new Error('password policies are not available to this mount')
      return await source.generatePasswordFromPolicy(policy)
    } catch (e) {
      throw failure(`failed to generate password: ${(e as Error).message}`)
    }
  }

  /** The password policy a role's credentials come from: the role's own, else the connection's. */
  static policyOf(role: RoleEntry, config: DatabaseConfig): string {
    const own = role.credential_config.password_policy
    return typeof own === 'string' && own !== '' ? own : config.password_policy
  }

  /**
   * Sets a new password on a static role's account and stores it (Vault's `setStaticAccount`). A
   * password generated for a rotation is written ahead (`wal/static/<name>`) and reused by the next
   * attempt if this one fails after the database may have taken it.
   *
   * @throws {VaultError} 500 with Vault's wording (`"<r>" is not an allowed role`, `error setting
   *   credentials: …`).
   */
  async setStaticAccount(name: string, role: RoleEntry): Promise<number> {
    const account = role.static_account
    if (!account) throw failure('input was empty when attempting to set credentials for static account')
    const config = await requireConfig(this.storage, role.db_name)
    assertAllowedRole(config, name)
    if (role.credential_type !== 'password') {
      throw failure(`unsupported credential_type: "${role.credential_type}"`)
    }
    const inst = await this.connections.get(this.storage, role.db_name)
    const wal = await this.storage.getJSON<{ new_password?: string; username?: string }>(
      STATIC_WAL_PREFIX + name,
    )
    let password = wal?.username === account.username ? (wal.new_password ?? '') : ''
    if (password === '') {
      password = await this.password(DatabaseEngine.policyOf(role, config))
      await this.storage.putJSON(STATIC_WAL_PREFIX + name, {
        new_password: password,
        username: account.username,
      })
    }
    try {
      await inst.run((db) =>
        db.updateUser({
          username: account.username,
          credentialType: 'password',
          password: { newPassword: password, statements: { commands: role.statements.rotation } },
        }),
      )
    } catch (e) {
      throw failure(`error setting credentials: ${redactSecrets((e as Error).message, [password])}`, e)
    }
    const now = this.now()
    role.static_account = { ...account, password, last_vault_rotation: now }
    await this.storage.putJSON(STATIC_ROLE_PREFIX + name, role)
    await this.storage.delete(STATIC_WAL_PREFIX + name)
    return now
  }

  /**
   * Rotates a static role now, under its lock, and reschedules it: the next rotation one period after
   * this one, or a retry after a failure (Vault's `rotateCredential`). From the queue, a role that is
   * gone is forgotten and a role not yet due is put back.
   */
  async rotateStatic(name: string, from: 'queue' | 'request'): Promise<void> {
    await this.locks.run(`role:${name}`, async () => {
      const role = await this.#staticRole(name)
      if (!role?.static_account) {
        this.queue.delete(name)
        return
      }
      const account = role.static_account
      if (from === 'queue') {
        const due = account.last_vault_rotation + account.rotation_period * 1000
        if (this.now() < due) {
          this.queue.set(name, due)
          return
        }
      }
      try {
        const at = await this.setStaticAccount(name, role)
        this.queue.set(name, at + account.rotation_period * 1000)
      } catch (e) {
        this.queue.retry(name)
        this.log({ level: 'error', name, message: `unable to rotate credentials: ${(e as Error).message}` })
        if (from === 'request') {
          throw failure(
            `unable to finish rotating credentials; retries will continue in the background but it is also safe to retry manually: ${(e as Error).message}`,
            e,
          )
        }
      }
    })
  }

  #staticRole(name: string): Promise<RoleEntry | null> {
    return readRole(this.storage, STATIC_ROLE_PREFIX, name)
  }

  /** Stops the queue and closes every connection (unmount, seal). */
  async shutdown(): Promise<void> {
    this.queue.stop()
    await this.connections.closeAll()
  }
}
