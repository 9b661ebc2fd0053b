/**
 * The MySQL plugins (`vaultlet/database/mysql`): `mysql-database-plugin` and the legacy-username
 * variants `mysql-aurora-database-plugin`, `mysql-rds-database-plugin`, `mysql-legacy-database-plugin`,
 * over the `mysql2` driver (an optional peer dependency, loaded on first connection or injected). They
 * serve MariaDB as well.
 *
 * Behaviour follows Vault's plugin (`builtin/database/mysql`): default username templates
 * `{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}`
 * (legacy variants: `{{ printf "v-%s-%s" (.RoleName | truncate 4) (random 20) | truncate 16 }}`);
 * revocation without statements is `REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{{name}}'@'%'; DROP USER
 * '{{name}}'@'%'` when the user exists in `mysql.user`; password changes default to `ALTER USER
 * '{{username}}'@'%' IDENTIFIED BY '{{password}}';`; renewals change nothing. MySQL commits DDL
 * implicitly, so a creation that fails half-way is undone by the rollback statements and then, if the
 * user is still there, by the default revocation. Values are escaped for their place in the SQL
 * (backslashes too, unless the server runs with `NO_BACKSLASH_ESCAPES`).
 *
 * `connection_url` is Go's DSN as Vault takes it (`{{username}}:{{password}}@tcp(127.0.0.1:3306)/db`,
 * `unix(/run/mysqld/mysqld.sock)`) or a `mysql://` URL.
 *
 * @module
 */
import { DatabaseError, type DatabasePlugin } from './plugin.js'
import {
  loadDriver,
  type SqlConnectionSettings,
  SqlDatabasePlugin,
  type SqlPluginOptions,
  type SqlPool,
  type SqlRow,
  type SqlSession,
} from './sql-plugin.js'
import { MYSQL_DIALECT, quoteLiteral, type SqlDialect } from './statements.js'

/** Vault's `DefaultUserNameTemplate` for `mysql-database-plugin`. */
export const MYSQL_DEFAULT_USERNAME_TEMPLATE =
  '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}'

/** Vault's `DefaultLegacyUserNameTemplate` (aurora, rds, legacy: 16-character names). */
export const MYSQL_LEGACY_USERNAME_TEMPLATE =
  '{{ printf "v-%s-%s" (.RoleName | truncate 4) (random 20) | truncate 16 }}'

/** The plugin names and their default username templates. */
export const MYSQL_PLUGINS: Readonly<Record<string, string>> = Object.freeze({
  'mysql-database-plugin': MYSQL_DEFAULT_USERNAME_TEMPLATE,
  'mysql-aurora-database-plugin': MYSQL_LEGACY_USERNAME_TEMPLATE,
  'mysql-rds-database-plugin': MYSQL_LEGACY_USERNAME_TEMPLATE,
  'mysql-legacy-database-plugin': MYSQL_LEGACY_USERNAME_TEMPLATE,
})

/** A `mysql2/promise` connection taken from a pool. */
export interface MysqlConnectionLike {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>
  beginTransaction(): Promise<void>
  commit(): Promise<void>
  rollback(): Promise<void>
  release(): void
  destroy?(): void
}

/** The part of a `mysql2/promise` pool this plugin uses. */
export interface MysqlPoolLike {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>
  getConnection(): Promise<MysqlConnectionLike>
  end(): Promise<void>
  on?(event: 'error', listener: (err: Error) => void): unknown
}

/** The part of `mysql2/promise` this plugin uses. */
export interface MysqlDriver {
  createPool(config: Record<string, unknown>): MysqlPoolLike
}

/** Options of {@link mysqlPlugin}. */
export interface MysqlPluginOptions extends SqlPluginOptions {
  /** Which plugin: sets the default username template. Default `mysql-database-plugin`. */
  pluginName?: string
  /** The `mysql2/promise` module (or a loader). Default: `import('mysql2/promise')` on first connection. */
  driver?: MysqlDriver | (() => Promise<MysqlDriver>)
}

/** The connection fields of a Go MySQL DSN or a `mysql://` URL (before the engine's substitutions). */
export interface MysqlAddress {
  user: string
  password: string
  host?: string
  port?: number
  socketPath?: string
  database: string
  params: Record<string, string>
}

/**
 * Parses Go's MySQL DSN (`[user[:password]@][net[(addr)]]/dbname[?k=v&…]`, as `go-sql-driver/mysql`'s
 * `ParseDSN`) or a `mysql://user:pass@host:port/db` URL.
 *
 * @example
 * ```ts
 * parseMysqlDsn('vault:pw@tcp(127.0.0.1:3306)/app') // { user: 'vault', password: 'pw', host: '127.0.0.1', port: 3306, database: 'app', params: {} }
 * ```
 * @throws {DatabaseError} `unable to parse connectionURL: …`.
 */
export function parseMysqlDsn(dsn: string): MysqlAddress {
  if (/^mysql:\/\//i.test(dsn)) {
    let url: URL
    try {
      url = new URL(dsn)
    } catch {
      throw new DatabaseError('unable to parse connectionURL: invalid URL')
    }
    const params: Record<string, string> = {}
    url.searchParams.forEach((v, k) => {
      params[k] = v
    })
    return {
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 3306,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')),
      params,
    }
  }
  const slash = dsn.lastIndexOf('/')
  if (slash < 0)
    throw new DatabaseError(
      'unable to parse connectionURL: invalid DSN: missing the slash separating the database name',
    )
  const head = dsn.slice(0, slash)
  let tail = dsn.slice(slash + 1)
  const params: Record<string, string> = {}
  const q = tail.indexOf('?')
  if (q >= 0) {
    for (const pair of tail.slice(q + 1).split('&')) {
      if (pair === '') continue
      const eq = pair.indexOf('=')
      if (eq < 0)
        throw new DatabaseError(
          `unable to parse connectionURL: invalid DSN: missing the equal sign in ${pair}`,
        )
      params[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1))
    }
    tail = tail.slice(0, q)
  }
  const at = head.lastIndexOf('@')
  const userinfo = at >= 0 ? head.slice(0, at) : ''
  const netaddr = at >= 0 ? head.slice(at + 1) : head
  const colon = userinfo.indexOf(':')
  const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo
  const password = colon >= 0 ? userinfo.slice(colon + 1) : ''
  const out: MysqlAddress = { user, password, database: tail, params }
  const m = /^([a-z]*)(?:\((.*)\))?$/.exec(netaddr)
  if (!m)
    throw new DatabaseError(
      'unable to parse connectionURL: invalid DSN: network address not terminated (missing closing brace)',
    )
  const net = m[1] || 'tcp'
  const addr = m[2] ?? ''
  if (net === 'unix') out.socketPath = addr || '/tmp/mysql.sock'
  else {
    const first = (addr.split(',')[0] ?? '').trim() || '127.0.0.1:3306'
    const v6 = /^\[(.*)\](?::(\d+))?$/.exec(first)
    if (v6) {
      out.host = v6[1] as string
      out.port = v6[2] ? Number(v6[2]) : 3306
    } else {
      const i = first.lastIndexOf(':')
      out.host = i >= 0 ? first.slice(0, i) : first
      out.port = i >= 0 ? Number(first.slice(i + 1)) : 3306
    }
  }
  return out
}

/** The `mysql2` pool configuration for the plugin's settings. */
export function mysqlPoolConfig(settings: SqlConnectionSettings): Record<string, unknown> {
  const addr = parseMysqlDsn(settings.connectionUrl)
  const sub = (s: string) =>
    s.replaceAll('{{username}}', settings.username).replaceAll('{{password}}', settings.password)
  const config: Record<string, unknown> = {
    user: sub(addr.user),
    password: sub(addr.password),
    database: addr.database || undefined,
    connectionLimit: settings.maxOpenConnections,
    maxIdle: settings.maxIdleConnections,
    idleTimeout: 10_000,
    connectTimeout: addr.params.timeout
      ? Math.round(Number.parseFloat(addr.params.timeout) * 1000) || 10_000
      : 10_000,
    multipleStatements: false,
    supportBigNumbers: true,
    charset: 'utf8mb4',
  }
  if (addr.socketPath) config.socketPath = addr.socketPath
  else {
    config.host = addr.host
    config.port = addr.port
  }
  const raw = settings.raw
  const ca = raw.tls_ca ? String(raw.tls_ca) : ''
  const certKey = raw.tls_certificate_key ? String(raw.tls_certificate_key) : ''
  if (ca || certKey) {
    const skip = raw.tls_skip_verify === true || String(raw.tls_skip_verify) === 'true'
    config.ssl = {
      ...(ca ? { ca } : {}),
      ...(certKey ? { cert: certKey, key: certKey } : {}),
      ...(raw.tls_server_name ? { servername: String(raw.tls_server_name) } : {}),
      rejectUnauthorized: !skip,
    }
  }
  return config
}

function mysqlPool(pool: MysqlPoolLike): SqlPool {
  pool.on?.('error', () => undefined)
  const rowsOf = (result: [unknown, unknown]): SqlRow[] =>
    Array.isArray(result[0]) ? (result[0] as SqlRow[]) : []
  const session = (c: { query: MysqlPoolLike['query'] }): SqlSession => ({
    query: async (sql, params) => rowsOf(await c.query(sql, params ? [...params] : undefined)),
  })
  return {
    ...session(pool),
    async transaction(fn) {
      const conn = await pool.getConnection()
      let broken = false
      try {
        await conn.beginTransaction()
        const result = await fn(session(conn))
        await conn.commit()
        return result
      } catch (e) {
        try {
          await conn.rollback()
        } catch {
          broken = true
        }
        throw e
      } finally {
        if (broken && conn.destroy) conn.destroy()
        else conn.release()
      }
    },
    close: () => pool.end(),
  }
}

/**
 * The MySQL / MariaDB plugin (Vault's `MySQL`).
 *
 * @example
 * ```ts
 * const db = new MysqlPlugin({ pluginName: 'mysql-database-plugin' })
 * await db.initialize({ config: { connection_url: '{{username}}:{{password}}@tcp(127.0.0.1:3306)/', username: 'vault', password: 's3cret' }, verifyConnection: true })
 * ```
 */
export class MysqlPlugin extends SqlDatabasePlugin {
  readonly type = 'mysql'
  protected readonly defaultRotationStatements = [
    "ALTER USER '{{username}}'@'%' IDENTIFIED BY '{{password}}';",
  ]
  protected readonly defaultRenewStatements = null
  protected override readonly passwordChangePrefix = 'failed to change password: '
  readonly #driver: MysqlPluginOptions['driver']
  #dialect: SqlDialect = MYSQL_DIALECT

  constructor(options: MysqlPluginOptions = {}) {
    const name = options.pluginName ?? 'mysql-database-plugin'
    const template = MYSQL_PLUGINS[name]
    if (template === undefined) throw new DatabaseError(`unknown MySQL plugin ${JSON.stringify(name)}`)
    super(name, template, options)
    this.#driver = options.driver
  }

  protected dialect(): SqlDialect {
    return this.#dialect
  }

  protected override async configure(settings: SqlConnectionSettings): Promise<void> {
    mysqlPoolConfig(settings) // validates the DSN before anything connects
  }

  protected override async onConnect(pool: SqlPool): Promise<void> {
    const rows = await pool.query('SELECT @@SESSION.sql_mode AS mode')
    const mode = String(rows[0]?.mode ?? '')
    this.#dialect = mode.includes('NO_BACKSLASH_ESCAPES')
      ? { ...MYSQL_DIALECT, backslashEscapes: false }
      : MYSQL_DIALECT
  }

  protected async openPool(settings: SqlConnectionSettings): Promise<SqlPool> {
    const driver =
      typeof this.#driver === 'function'
        ? await this.#driver()
        : (this.#driver ??
          (await loadDriver(this.pluginName, 'mysql2', async () => {
            const mod = (await import('mysql2/promise')) as unknown as { default?: MysqlDriver } & MysqlDriver
            return mod.default ?? mod
          })))
    return mysqlPool(driver.createPool(mysqlPoolConfig(settings)))
  }

  protected describeError(err: unknown): { message: string; code?: string } {
    const e = err as {
      message?: string
      code?: string
      errno?: number
      sqlState?: string
      sqlMessage?: string
    }
    if (e && typeof e.errno === 'number' && typeof e.sqlMessage === 'string') {
      return {
        message: `Error ${e.errno} (${e.sqlState ?? 'HY000'}): ${e.sqlMessage}`,
        ...(e.code ? { code: e.code } : {}),
      }
    }
    if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
      return { message: `failed to connect: ${e.message || e.code}`, code: e.code }
    }
    return { message: e?.message ?? String(err) }
  }

  protected async userExists(db: SqlSession, username: string): Promise<boolean> {
    const rows = await db.query('SELECT EXISTS (SELECT user FROM mysql.user WHERE user = ?) AS e', [username])
    return Number(rows[0]?.e ?? 0) === 1
  }

  protected async defaultDeleteUser(db: SqlPool, username: string): Promise<void> {
    if (!(await this.userExists(db, username))) return
    await db.transaction(async (tx) => {
      for (const q of [
        `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${this.#literal(username)}@'%'`,
        `DROP USER ${this.#literal(username)}@'%'`,
      ]) {
        await tx.query(q)
      }
    })
  }

  #literal(value: string): string {
    return quoteLiteral(this.#dialect, value)
  }
}

/**
 * A new MySQL plugin instance.
 *
 * @example
 * ```ts
 * const plugin = mysqlPlugin({ pluginName: 'mysql-legacy-database-plugin' }) // 16-character usernames
 * ```
 */
export function mysqlPlugin(options: MysqlPluginOptions = {}): DatabasePlugin {
  return new MysqlPlugin(options)
}
