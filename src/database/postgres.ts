/**
 * `postgresql-database-plugin` (`vaultlet/database/postgres`): PostgreSQL over the `pg` driver, an
 * optional peer dependency loaded the first time a connection is opened (or injected).
 *
 * Behaviour follows Vault's plugin (`builtin/database/postgresql`): the default username template
 * `{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}`;
 * statements run in one transaction; renewals default to `ALTER ROLE "{{name}}" VALID UNTIL
 * '{{expiration}}';`, password changes to `ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}';`;
 * revocation without statements revokes the role's privileges on the schemas it has grants in, on
 * `public` and on the current database, then `DROP ROLE IF EXISTS`; `password_authentication =
 * scram-sha-256` sends a SCRAM verifier instead of the clear password. vaultlet adds: values are
 * escaped for their place in the SQL (see `statements.ts`), and a username longer than PostgreSQL's
 * 63-byte name limit is refused (PostgreSQL would silently truncate it, and the lease would then name a
 * role that does not exist).
 *
 * `connection_url` is a URL (`postgresql://{{username}}:{{password}}@host:5432/db?sslmode=disable`,
 * `{{username}}`/`{{password}}` percent-encoded unless `disable_escaping`) or a libpq key/value string
 * (`host=… user={{username}} password={{password}} dbname=…`).
 *
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js'
import { pbkdf2 } from '@noble/hashes/pbkdf2.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { toBase64, utf8 } from '../util/encoding.js'
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
import { POSTGRES_DIALECT, quoteIdentifier, type SqlDialect } from './statements.js'

/** The plugin's name in `config/:name {plugin_name}`. */
export const POSTGRES_PLUGIN_NAME = 'postgresql-database-plugin'

/** Vault's `defaultUserNameTemplate` for PostgreSQL. */
export const POSTGRES_DEFAULT_USERNAME_TEMPLATE =
  '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}'

/** PostgreSQL's longest name, in bytes (`NAMEDATALEN - 1`). */
const MAX_NAME_BYTES = 63

/** The part of a `pg` client this plugin uses. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: SqlRow[] }>
  release(err?: Error | boolean): void
}

/** The part of a `pg.Pool` this plugin uses. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: SqlRow[] }>
  connect(): Promise<PgClientLike>
  end(): Promise<void>
  on?(event: 'error', listener: (err: Error) => void): unknown
}

/** The part of the `pg` module this plugin uses: its `Pool` class. */
export interface PgDriver {
  Pool: new (config: Record<string, unknown>) => PgPoolLike
}

/** Options of {@link postgresPlugin}. */
export interface PostgresPluginOptions extends SqlPluginOptions {
  /** The `pg` module (or a loader of it). Default: `import('pg')` on first connection. */
  driver?: PgDriver | (() => Promise<PgDriver>)
}

/**
 * A SCRAM-SHA-256 verifier for `password`, as PostgreSQL stores it (RFC 5802/7677, 4096 iterations,
 * 16-byte salt) — what `password_authentication = scram-sha-256` sends instead of the password.
 *
 * @example
 * ```ts
 * scramSha256Verifier('secret') // 'SCRAM-SHA-256$4096:…$…:…'
 * ```
 */
export function scramSha256Verifier(password: string, salt?: Uint8Array): string {
  const s = salt ?? globalThis.crypto.getRandomValues(new Uint8Array(16))
  const iterations = 4096
  const salted = pbkdf2(sha256, utf8(password), s, { c: iterations, dkLen: 32 })
  const clientKey = hmac(sha256, salted, utf8('Client Key'))
  const storedKey = sha256(clientKey)
  const serverKey = hmac(sha256, salted, utf8('Server Key'))
  return `SCRAM-SHA-256$${iterations}:${toBase64(s)}$${toBase64(storedKey)}:${toBase64(serverKey)}`
}

/** Parses a libpq `key=value` connection string (values may be single-quoted with `\` escapes). */
export function parseKeyValueDsn(dsn: string): Record<string, string> {
  const out: Record<string, string> = {}
  let i = 0
  const skip = () => {
    while (i < dsn.length && /\s/.test(dsn[i] as string)) i++
  }
  while (i < dsn.length) {
    skip()
    if (i >= dsn.length) break
    const eq = dsn.indexOf('=', i)
    if (eq < 0) throw new DatabaseError('invalid connection_url: missing "=" after a key')
    const key = dsn.slice(i, eq).trim()
    i = eq + 1
    skip()
    let value = ''
    if (dsn[i] === "'") {
      i++
      while (i < dsn.length && dsn[i] !== "'") {
        if (dsn[i] === '\\') i++
        value += dsn[i] ?? ''
        i++
      }
      if (dsn[i] !== "'") throw new DatabaseError('invalid connection_url: unterminated quoted value')
      i++
    } else {
      while (i < dsn.length && !/\s/.test(dsn[i] as string)) {
        if (dsn[i] === '\\') i++
        value += dsn[i] ?? ''
        i++
      }
    }
    out[key] = value
  }
  return out
}

const KV_KEYS: Record<string, string> = {
  host: 'host',
  hostaddr: 'host',
  port: 'port',
  dbname: 'database',
  user: 'user',
  password: 'password',
  application_name: 'application_name',
  options: 'options',
}

/**
 * The `pg.Pool` configuration for the plugin's settings: the URL with `{{username}}`/`{{password}}`
 * filled in (percent-encoded unless `disable_escaping`), or the key/value string's fields.
 */
export function postgresPoolConfig(settings: SqlConnectionSettings): Record<string, unknown> {
  const base: Record<string, unknown> = {
    max: settings.maxOpenConnections,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 10_000,
    maxLifetimeSeconds: settings.maxConnectionLifetime,
    allowExitOnIdle: true,
    application_name: 'vaultlet',
  }
  const url = settings.connectionUrl.trim()
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const esc = settings.disableEscaping ? (s: string) => s : encodeURIComponent
    const connectionString = url
      .replaceAll('{{username}}', esc(settings.username))
      .replaceAll('{{password}}', esc(settings.password))
    return { ...base, connectionString }
  }
  const kv = parseKeyValueDsn(url)
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(kv)) {
    const value = v
      .replaceAll('{{username}}', settings.username)
      .replaceAll('{{password}}', settings.password)
    if (k === 'sslmode')
      out.ssl = value === 'disable' ? false : value === 'require' ? { rejectUnauthorized: false } : true
    else if (k === 'connect_timeout') out.connectionTimeoutMillis = Number(value) * 1000
    else if (KV_KEYS[k]) out[KV_KEYS[k] as string] = k === 'port' ? Number(value) : value
  }
  return out
}

function pgPool(pool: PgPoolLike): SqlPool {
  // An idle client's error (server restart) must not crash the process: the pool drops the client.
  pool.on?.('error', () => undefined)
  const session = (c: { query: PgPoolLike['query'] }): SqlSession => ({
    query: async (sql, params) => (await c.query(sql, params ? [...params] : undefined)).rows,
  })
  return {
    ...session(pool),
    async transaction(fn) {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        const result = await fn(session(client))
        await client.query('COMMIT')
        return result
      } catch (e) {
        try {
          await client.query('ROLLBACK')
        } catch (rollbackError) {
          broken = rollbackError as Error
        }
        throw e
      } finally {
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}

/**
 * Runs a catalog change again when PostgreSQL reports `tuple concurrently updated` (SQLSTATE XX000):
 * `GRANT`/`REVOKE` on one database or schema from concurrent sessions — many leases expiring at once —
 * race on the same catalog row, and the loser may simply try again.
 */
async function retryConcurrentUpdate<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (e) {
      const err = e as { code?: string; message?: string }
      if (i >= attempts || err.code !== 'XX000' || !/concurrently/.test(err.message ?? '')) throw e
      await new Promise((r) => setTimeout(r, 10 * i))
    }
  }
}

/**
 * The PostgreSQL plugin (Vault's `PostgreSQL`).
 *
 * @example
 * ```ts
 * const db = new PostgresPlugin()
 * await db.initialize({ config: { connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:5432/app', username: 'vault', password: 's3cret' }, verifyConnection: true })
 * ```
 */
export class PostgresPlugin extends SqlDatabasePlugin {
  readonly type = 'pgx'
  protected readonly defaultRotationStatements = ['ALTER ROLE "{{username}}" WITH PASSWORD \'{{password}}\';']
  protected readonly defaultRenewStatements = ['ALTER ROLE "{{name}}" VALID UNTIL \'{{expiration}}\';']
  readonly #driver: PostgresPluginOptions['driver']
  #scram = false

  constructor(options: PostgresPluginOptions = {}) {
    super(POSTGRES_PLUGIN_NAME, POSTGRES_DEFAULT_USERNAME_TEMPLATE, options)
    this.#driver = options.driver
  }

  protected dialect(): SqlDialect {
    return POSTGRES_DIALECT
  }

  protected override async configure(settings: SqlConnectionSettings): Promise<void> {
    const auth = settings.raw.password_authentication
    const value = auth === undefined || auth === null ? '' : String(auth)
    if (value !== '' && value !== 'password' && value !== 'scram-sha-256') {
      throw new DatabaseError(`'${value}' is not a valid password authentication type`)
    }
    this.#scram = value === 'scram-sha-256'
    postgresPoolConfig(settings) // validates a key/value string early
  }

  protected override passwordForStatements(password: string): string {
    return this.#scram ? scramSha256Verifier(password) : password
  }

  protected override checkUsername(username: string): void {
    if (utf8(username).length > MAX_NAME_BYTES) {
      throw new DatabaseError(
        `generated username is longer than PostgreSQL's ${MAX_NAME_BYTES}-byte limit for names; shorten the username_template`,
      )
    }
  }

  protected async openPool(settings: SqlConnectionSettings): Promise<SqlPool> {
    const driver =
      typeof this.#driver === 'function'
        ? await this.#driver()
        : (this.#driver ??
          (await loadDriver(POSTGRES_PLUGIN_NAME, 'pg', async () => {
            const mod = (await import('pg')) as unknown as { default?: PgDriver } & PgDriver
            return mod.default ?? mod
          })))
    return pgPool(new driver.Pool(postgresPoolConfig(settings)))
  }

  protected describeError(err: unknown): { message: string; code?: string } {
    const e = err as { message?: string; code?: string; severity?: string; errors?: unknown[] }
    if (e && typeof e.severity === 'string' && typeof e.code === 'string') {
      return { message: `${e.severity}: ${e.message} (SQLSTATE ${e.code})`, code: e.code }
    }
    if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
      // A socket error (ECONNREFUSED …); AggregateError carries several.
      const message =
        e.message || (Array.isArray(e.errors) ? String((e.errors[0] as Error)?.message ?? e.code) : e.code)
      return { message: `failed to connect: ${message}`, code: e.code }
    }
    return { message: e?.message ?? String(err) }
  }

  protected async userExists(db: SqlSession, username: string): Promise<boolean> {
    const rows = await db.query(
      'SELECT exists (SELECT rolname FROM pg_roles WHERE rolname=$1) AS "exists";',
      [username],
    )
    return rows[0]?.exists === true
  }

  /** Vault's `defaultDeleteUser`: revoke what can be revoked (failures collected), then drop the role. */
  protected async defaultDeleteUser(db: SqlPool, username: string): Promise<void> {
    if (!(await this.userExists(db, username))) return
    const u = quoteIdentifier(POSTGRES_DIALECT, username)
    const statements: string[] = []
    const schemas = await db.query(
      'SELECT DISTINCT table_schema FROM information_schema.role_column_grants WHERE grantee=$1;',
      [username],
    )
    for (const row of schemas) {
      const schema = quoteIdentifier(POSTGRES_DIALECT, String(row.table_schema))
      statements.push(`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${schema} FROM ${u};`)
      statements.push(`REVOKE USAGE ON SCHEMA ${schema} FROM ${u};`)
    }
    statements.push(`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM ${u};`)
    statements.push(`REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM ${u};`)
    statements.push(`REVOKE USAGE ON SCHEMA public FROM ${u};`)
    const current = await db.query('SELECT current_database() AS "db";')
    const dbname = current[0]?.db
    if (typeof dbname === 'string') {
      statements.push(`REVOKE CONNECT ON DATABASE ${quoteIdentifier(POSTGRES_DIALECT, dbname)} FROM ${u};`)
    }
    let last: unknown = null
    for (const q of statements) {
      try {
        await retryConcurrentUpdate(() => db.query(q))
      } catch (e) {
        last = e
      }
    }
    if (last !== null) throw this.fail('could not perform all revocation statements: ', last)
    await retryConcurrentUpdate(() => db.query(`DROP ROLE IF EXISTS ${u};`))
  }
}

/**
 * A new PostgreSQL plugin instance — the factory behind `postgresql-database-plugin`.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * const plugin = postgresPlugin({ driver: pg }) // an injected driver; default: import('pg') when needed
 * ```
 */
export function postgresPlugin(options: PostgresPluginOptions = {}): DatabasePlugin {
  return new PostgresPlugin(options)
}
