/**
 * What the SQL plugins share (Vault's `connutil.SQLConnectionProducer` plus the common shape of its SQL
 * plugins): the connection settings, the username template, running statement lists in a transaction,
 * leaving nothing behind when a creation fails, and redacting passwords from every error. The
 * PostgreSQL and MySQL plugins add their driver, dialect and defaults.
 *
 * @module
 */
import { parseDuration } from '../framework/duration.js'
import {
  DatabaseError,
  type DatabasePlugin,
  type DeleteUserRequest,
  ERR_EMPTY_CREATION_STATEMENT,
  type InitializeRequest,
  type InitializeResponse,
  type NewUserRequest,
  type NewUserResponse,
  type UpdateUserRequest,
} from './plugin.js'
import { renderStatements, type SqlDialect } from './statements.js'
import { formatGoTime, StringTemplate } from './template.js'

/** One row of a query result. */
export type SqlRow = Record<string, unknown>

/** A connection (or a transaction on one). */
export interface SqlSession {
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>
}

/** A pool of connections to one database, as the SQL plugins use it. */
export interface SqlPool extends SqlSession {
  /** Runs `fn` in a transaction on one connection: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** The connection settings every SQL plugin reads (Vault's names). */
export interface SqlConnectionSettings {
  connectionUrl: string
  username: string
  password: string
  disableEscaping: boolean
  maxOpenConnections: number
  maxIdleConnections: number
  /** Seconds; 0 = unlimited. */
  maxConnectionLifetime: number
  usernameTemplate: string
  /** The whole configuration, for plugin-specific keys. */
  raw: Record<string, unknown>
}

/** Vault's `expirationFormat` (`2006-01-02 15:04:05-0700`), in UTC. */
export const EXPIRATION_FORMAT = '2006-01-02 15:04:05-0700'

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v))

function int(v: unknown, name: string): number {
  if (v === undefined || v === null || v === '') return 0
  const n = typeof v === 'number' ? v : Number(String(v))
  if (!Number.isInteger(n)) throw new DatabaseError(`invalid ${name}: expected an integer`)
  return n
}

function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v
  const s = str(v).toLowerCase()
  return s === '1' || s === 't' || s === 'true'
}

/**
 * Reads the common connection settings (Vault's `SQLConnectionProducer.Init`): `connection_url`
 * required, `max_open_connections` 4 by default, `max_idle_connections` 0 → the open limit (and never
 * above it), `max_connection_lifetime` `0s`.
 *
 * @throws {DatabaseError} `connection_url cannot be empty`, `username and/or password cannot contain the
 *   template variables`, `invalid max_connection_lifetime: …`.
 */
export function readConnectionSettings(
  config: Record<string, unknown>,
  defaultTemplate: string,
): SqlConnectionSettings {
  const connectionUrl = str(config.connection_url)
  if (connectionUrl === '') throw new DatabaseError('connection_url cannot be empty')
  const username = str(config.username)
  const password = str(config.password)
  if (/\{\{(username|password)\}\}/.test(username) || /\{\{(username|password)\}\}/.test(password)) {
    throw new DatabaseError('username and/or password cannot contain the template variables')
  }
  let maxOpen = int(config.max_open_connections, 'max_open_connections')
  if (maxOpen <= 0) maxOpen = 4
  let maxIdle = int(config.max_idle_connections, 'max_idle_connections')
  if (maxIdle === 0 || maxIdle > maxOpen) maxIdle = maxOpen
  let lifetime: number
  try {
    lifetime = parseDuration(config.max_connection_lifetime ?? '0s')
  } catch (e) {
    throw new DatabaseError(`invalid max_connection_lifetime: ${(e as Error).message}`)
  }
  return {
    connectionUrl,
    username,
    password,
    disableEscaping: bool(config.disable_escaping),
    maxOpenConnections: maxOpen,
    maxIdleConnections: maxIdle,
    maxConnectionLifetime: lifetime,
    usernameTemplate: str(config.username_template) || defaultTemplate,
    raw: config,
  }
}

/**
 * Cuts every secret out of a message (`[password]`). Secrets of 4 characters or more go wherever they
 * appear; shorter ones only where they stand as a whole word, so a one-letter password does not eat
 * every such letter of the message.
 *
 * @example
 * ```ts
 * redactSecrets('login failed for pw hunter2', ['hunter2']) // 'login failed for pw [password]'
 * ```
 */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s === '') continue
    if (s.length >= 4) out = out.split(s).join('[password]')
    else {
      const escaped = s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      out = out.replace(new RegExp(`(?<![\\w])${escaped}(?![\\w])`, 'g'), '[password]')
    }
  }
  return out
}

/**
 * Loads an optional peer dependency, or fails with a message that says what to install.
 *
 * @throws {DatabaseError} `<plugin> needs the "<pkg>" package: install it with npm install <pkg>`.
 */
export async function loadDriver<T>(plugin: string, pkg: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer()
  } catch (e) {
    const code = (e as { code?: string }).code
    const message = (e as Error).message ?? ''
    if (
      code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (module|package)/.test(message)
    ) {
      throw new DatabaseError(`${plugin} needs the "${pkg}" package: install it with npm install ${pkg}`)
    }
    throw e
  }
}

/** Options every SQL plugin takes. */
export interface SqlPluginOptions {
  /** The time source for `{{expiration}}`-free parts (username templates' `unix_time`). Default `Date.now`. */
  now?: () => number
}

/**
 * The common part of the SQL plugins. Subclasses provide the driver (`openPool`), the dialect, error
 * formatting and the database-specific defaults.
 */
export abstract class SqlDatabasePlugin implements DatabasePlugin {
  abstract readonly type: string
  protected settings: SqlConnectionSettings | null = null
  protected template: StringTemplate | null = null
  #pool: SqlPool | null = null
  #opening: Promise<SqlPool> | null = null
  #closed = false
  protected readonly now: () => number

  constructor(
    /** The plugin's name, for messages (`postgresql-database-plugin`). */
    protected readonly pluginName: string,
    protected readonly defaultUsernameTemplate: string,
    options: SqlPluginOptions = {},
  ) {
    this.now = options.now ?? Date.now
  }

  /** The dialect used to render statements. */
  protected abstract dialect(): SqlDialect
  /** Opens a pool for the settings (loading the driver). */
  protected abstract openPool(settings: SqlConnectionSettings): Promise<SqlPool>
  /** A driver error as Vault's drivers word it (before redaction). */
  protected abstract describeError(err: unknown): { message: string; code?: string }
  /** Does the user exist? */
  protected abstract userExists(db: SqlSession, username: string): Promise<boolean>
  /** The plugin's default revocation. */
  protected abstract defaultDeleteUser(db: SqlPool, username: string): Promise<void>
  /** Default statements for a password change (`{{username}}`, `{{password}}`). */
  protected abstract readonly defaultRotationStatements: string[]
  /** Default renew statements; `null` = renewals change nothing in this database. */
  protected abstract readonly defaultRenewStatements: string[] | null
  /** Check a generated username (length limits); throw a {@link DatabaseError} to refuse it. */
  protected checkUsername(_username: string): void {}
  /** The password as it goes into statements (PostgreSQL may send a SCRAM verifier). */
  protected passwordForStatements(password: string): string {
    return password
  }
  /** Prefix of a failed password change's message (Vault's drivers differ). */
  protected readonly passwordChangePrefix: string = 'failed to execute query: '
  /** Called once the pool is open (e.g. to read the SQL mode). */
  protected async onConnect(_pool: SqlPool): Promise<void> {}

  /** Secret strings to redact from messages. */
  protected secrets(extra: readonly string[] = []): string[] {
    const out = [...extra]
    const pw = this.settings?.password
    if (pw) out.push(pw, encodeURIComponent(pw))
    return out.filter((s) => s.length > 0).sort((a, b) => b.length - a.length)
  }

  /** An error with every secret cut out (Vault's `DatabaseErrorSanitizerMiddleware`). */
  protected fail(prefix: string, err: unknown, extra: readonly string[] = []): DatabaseError {
    if (err instanceof DatabaseError && prefix === '') return this.redact(err, extra)
    const { message, code } =
      err instanceof DatabaseError ? { message: err.message, code: err.code } : this.describeError(err)
    return this.redact(new DatabaseError(prefix + message, code), extra)
  }

  protected redact(err: DatabaseError, extra: readonly string[] = []): DatabaseError {
    const message = redactSecrets(err.message, this.secrets(extra))
    return message === err.message ? err : new DatabaseError(message, err.code)
  }

  async initialize(req: InitializeRequest): Promise<InitializeResponse> {
    const settings = readConnectionSettings(req.config, this.defaultUsernameTemplate)
    let template: StringTemplate
    try {
      template = new StringTemplate(settings.usernameTemplate, { now: this.now })
    } catch (e) {
      throw new DatabaseError(`unable to initialize username template: ${(e as Error).message}`)
    }
    try {
      template.generate({ DisplayName: '', RoleName: '' })
    } catch (e) {
      throw new DatabaseError(`invalid username template: ${(e as Error).message}`)
    }
    await this.configure(settings)
    await this.#closePool()
    this.settings = settings
    this.template = template
    this.#closed = false
    if (req.verifyConnection) {
      try {
        const pool = await this.pool()
        await pool.query('SELECT 1')
      } catch (e) {
        await this.#closePool()
        throw this.fail('error verifying connection: ', e)
      }
    }
    return { config: req.config }
  }

  /** Plugin-specific validation of the configuration, before anything connects. */
  protected async configure(_settings: SqlConnectionSettings): Promise<void> {}

  /** The open pool (opened on first use). */
  protected async pool(): Promise<SqlPool> {
    if (this.#closed || !this.settings) throw new DatabaseError('plugin is not initialized')
    if (this.#pool) return this.#pool
    if (!this.#opening) {
      const settings = this.settings
      this.#opening = (async () => {
        const pool = await this.openPool(settings)
        try {
          await this.onConnect(pool)
        } catch (e) {
          await pool.close().catch(() => undefined)
          throw e
        }
        this.#pool = pool
        return pool
      })().finally(() => {
        this.#opening = null
      })
    }
    return this.#opening
  }

  async #closePool(): Promise<void> {
    const opening = this.#opening
    const pool = this.#pool ?? (opening ? await opening.catch(() => null) : null)
    this.#pool = null
    this.#opening = null
    await pool?.close().catch(() => undefined)
  }

  async newUser(req: NewUserRequest): Promise<NewUserResponse> {
    if (req.statements.commands.length === 0) throw new DatabaseError(ERR_EMPTY_CREATION_STATEMENT)
    if (!this.template) throw new DatabaseError('plugin is not initialized')
    let username: string
    try {
      username = this.template.generate({
        DisplayName: req.usernameConfig.displayName,
        RoleName: req.usernameConfig.roleName,
      })
    } catch (e) {
      throw new DatabaseError((e as Error).message)
    }
    this.checkUsername(username)
    const secrets = [req.password]
    const values = {
      name: username,
      username,
      password: this.passwordForStatements(req.password),
      expiration: formatGoTime(req.expiration, EXPIRATION_FORMAT),
    }
    const dialect = this.dialect()
    // Rendered before anything runs: a value that cannot be placed safely creates nothing.
    const queries = renderStatements(req.statements.commands, values, dialect)
    const db = await this.pool().catch((e) => {
      throw this.fail('unable to get connection: ', e, secrets)
    })
    try {
      await db.transaction(async (tx) => {
        for (const q of queries) await tx.query(q)
      })
    } catch (e) {
      const failure = this.fail('failed to execute query: ', e, [...secrets, values.password])
      await this.#undoCreate(db, username, req.rollbackStatements.commands, values)
      throw failure
    }
    return { username }
  }

  /**
   * After a failed creation: the transaction is rolled back already; statements that commit on their
   * own (MySQL's DDL) may have left a user, so the rollback statements run, and if the user still
   * exists the default revocation removes it. Errors here are swallowed: the creation's error is the one
   * reported.
   */
  async #undoCreate(
    db: SqlPool,
    username: string,
    rollback: readonly string[],
    values: Record<string, string>,
  ) {
    try {
      for (const q of renderStatements(rollback, values, this.dialect())) {
        await db.query(q).catch(() => undefined)
      }
      if (await this.userExists(db, username)) await this.defaultDeleteUser(db, username)
    } catch {
      // The database may be gone altogether; nothing more can be done here.
    }
  }

  async updateUser(req: UpdateUserRequest): Promise<void> {
    if (!req.username) throw new DatabaseError('missing username')
    if (!req.password && !req.expiration) throw new DatabaseError('no changes requested')
    if (req.password) {
      const pw = req.password.newPassword
      if (pw === '') throw new DatabaseError('missing password')
      const commands = req.password.statements.commands.length
        ? req.password.statements.commands
        : this.defaultRotationStatements
      const values = { name: req.username, username: req.username, password: this.passwordForStatements(pw) }
      await this.#runInTransaction(commands, values, this.passwordChangePrefix, [pw, values.password])
    }
    if (req.expiration) {
      const commands = req.expiration.statements.commands.length
        ? req.expiration.statements.commands
        : this.defaultRenewStatements
      if (commands === null) return
      const values = {
        name: req.username,
        username: req.username,
        expiration: formatGoTime(req.expiration.newExpiration, EXPIRATION_FORMAT),
      }
      await this.#runInTransaction(commands, values, '', [])
    }
  }

  async deleteUser(req: DeleteUserRequest): Promise<void> {
    const db = await this.pool().catch((e) => {
      throw this.fail('', e)
    })
    if (req.statements.commands.length === 0) {
      try {
        await this.defaultDeleteUser(db, req.username)
      } catch (e) {
        throw this.fail('', e)
      }
      return
    }
    await this.#runInTransaction(
      req.statements.commands,
      { name: req.username, username: req.username },
      '',
      [],
    )
  }

  async #runInTransaction(
    commands: readonly string[],
    values: Record<string, string>,
    prefix: string,
    secrets: readonly string[],
  ): Promise<void> {
    const queries = renderStatements(commands, values, this.dialect())
    const db = await this.pool().catch((e) => {
      throw this.fail('unable to get connection: ', e, secrets)
    })
    try {
      await db.transaction(async (tx) => {
        for (const q of queries) await tx.query(q)
      })
    } catch (e) {
      throw this.fail(prefix, e, secrets)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#closePool()
  }
}
