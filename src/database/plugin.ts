/**
 * The database plugin interface, in the spirit of Vault's `dbplugin` v5 (`sdk/database/dbplugin/v5`):
 * the database secrets engine drives any database through these five calls, so adding a database is
 * writing one object. vaultlet ships `postgresql-database-plugin` (`vaultlet/database/postgres`) and the
 * `mysql-*-database-plugin`s (`vaultlet/database/mysql`); {@link databasePluginConformance} in
 * `conformance.ts` is the suite every plugin runs.
 *
 * Rules every plugin keeps:
 * - `initialize` stores nothing outside the plugin; what it returns as `config` is what the engine saves
 *   (and hands back on the next `initialize`).
 * - `newUser` either creates the user completely or leaves nothing behind (rolls back, runs the
 *   rollback statements, drops what was made).
 * - `deleteUser` succeeds when the user does not exist.
 * - No error message ever carries a password (the root one or a generated one): plugins redact them.
 *
 * @module
 */

/** A kind of credential (Vault's `CredentialType`). vaultlet's plugins manage passwords. */
export type CredentialType = 'password' | 'rsa_private_key' | 'client_certificate'

/** Statements to run, each element possibly several `;`-separated statements. */
export interface Statements {
  commands: string[]
}

/** `initialize`'s input: the connection details as configured (`config/:name` minus the engine's own keys). */
export interface InitializeRequest {
  config: Record<string, unknown>
  /** Connect now and fail if the database cannot be reached. */
  verifyConnection: boolean
}

/** `initialize`'s output: the configuration to save. */
export interface InitializeResponse {
  config: Record<string, unknown>
}

/** What a plugin may put into a generated username (Vault's `UsernameMetadata`). */
export interface UsernameConfig {
  /** The requesting token's display name (e.g. `token`, `userpass-bob`). */
  displayName: string
  /** The role's name. */
  roleName: string
}

/** `newUser`'s input. */
export interface NewUserRequest {
  usernameConfig: UsernameConfig
  statements: Statements
  rollbackStatements: Statements
  credentialType: CredentialType
  password: string
  /** When the user must stop working (ms since the epoch). */
  expiration: number
}

/** `newUser`'s output. */
export interface NewUserResponse {
  username: string
}

/** A password change. */
export interface ChangePassword {
  newPassword: string
  statements: Statements
}

/** An expiration change (renewal). */
export interface ChangeExpiration {
  /** ms since the epoch. */
  newExpiration: number
  statements: Statements
}

/** `updateUser`'s input: at least one change. */
export interface UpdateUserRequest {
  username: string
  credentialType?: CredentialType
  password?: ChangePassword
  expiration?: ChangeExpiration
}

/** `deleteUser`'s input: no statements = the plugin's default revocation. */
export interface DeleteUserRequest {
  username: string
  statements: Statements
}

/**
 * A database the engine manages users in (Vault's `dbplugin.Database`).
 *
 * @example
 * ```ts
 * const db: DatabasePlugin = postgresPlugin()
 * await db.initialize({ config: { connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1/app', username: 'vault', password: 's3cret' }, verifyConnection: true })
 * const { username } = await db.newUser({ usernameConfig: { displayName: 'token', roleName: 'ro' }, statements: { commands: ['CREATE ROLE "{{name}}" LOGIN PASSWORD \'{{password}}\''] }, rollbackStatements: { commands: [] }, credentialType: 'password', password: 'A1a-…', expiration: Date.now() + 3600_000 })
 * await db.deleteUser({ username, statements: { commands: [] } })
 * await db.close()
 * ```
 */
export interface DatabasePlugin {
  /** Vault's `Type()`: `pgx`, `mysql`. */
  readonly type: string
  /**
   * Validates and applies the configuration; connects when `verifyConnection`.
   *
   * @throws {DatabaseError} on a bad configuration or an unreachable database.
   */
  initialize(req: InitializeRequest): Promise<InitializeResponse>
  /**
   * Creates a user, or leaves nothing behind.
   *
   * @throws {DatabaseError} e.g. `empty creation statements`, `failed to execute query: …`.
   */
  newUser(req: NewUserRequest): Promise<NewUserResponse>
  /** Changes a user's password and/or expiration. */
  updateUser(req: UpdateUserRequest): Promise<void>
  /** Removes a user; succeeds when there is none. */
  deleteUser(req: DeleteUserRequest): Promise<void>
  /** Closes the connections. Idempotent. */
  close(): Promise<void>
}

/** What the engine hands a plugin factory. */
export interface DatabasePluginContext {
  /** The vault's clock (ms): username templates' `unix_time` and friends read it. */
  now: () => number
}

/** Builds a fresh, uninitialized plugin instance. */
export type DatabasePluginFactory = (
  context: DatabasePluginContext,
) => DatabasePlugin | Promise<DatabasePlugin>

/**
 * An error from a database plugin. Its message is safe to show: passwords are redacted
 * (`[password]`), and no driver error object (which may hold the SQL text) is kept as `cause`.
 *
 * @example
 * ```ts
 * throw new DatabaseError('failed to execute query: ERROR: permission denied to create role (SQLSTATE 42501)')
 * ```
 */
export class DatabaseError extends Error {
  override name = 'DatabaseError'
  /** The driver's error code, when it had one (`42501`, `ER_ACCESS_DENIED_ERROR`, `ECONNREFUSED`). */
  readonly code: string | undefined

  constructor(message: string, code?: string) {
    super(message)
    this.code = code
  }
}

/** Vault's `dbutil.ErrEmptyCreationStatement`. */
export const ERR_EMPTY_CREATION_STATEMENT = 'empty creation statements'
