/**
 * What the database engine keeps in its mount's storage, under Vault's keys, and the small helpers the
 * path files share (errors, allowed-role globs).
 *
 * | key | what |
 * |---|---|
 * | `config/<name>` | a connection ({@link DatabaseConfig}): plugin, connection details (root password included) |
 * | `role/<name>` | a dynamic role ({@link RoleEntry}) |
 * | `static-role/<name>` | a static role ({@link RoleEntry} with `static_account`, current password included) |
 * | `wal/static/<name>` | a static rotation in flight: the new password, kept until the role is stored with it |
 * | `wal/root/<name>` | a root rotation in flight: the new root password, kept until the config is stored with it |
 *
 * @module
 */

import { globMatch } from '../../database/template.js'
import { VaultError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import type { Storage, StorageView } from '../../storage/view.js'

/** A connection configuration (Vault's `DatabaseConfig`). */
export interface DatabaseConfig {
  plugin_name: string
  plugin_version: string
  /** What the plugin was initialized with: `connection_url`, `username`, `password`, … */
  connection_details: Record<string, unknown>
  allowed_roles: string[]
  root_credentials_rotate_statements: string[]
  password_policy: string
}

/** Statements of a role (Vault's `dbplugin.Statements`). */
export interface RoleStatements {
  creation: string[]
  revocation: string[]
  rollback: string[]
  renewal: string[]
  rotation: string[]
}

/** A static role's account. */
export interface StaticAccount {
  username: string
  /** The current password (never shown by `static-roles/:name`, only by `static-creds/:name`). */
  password: string
  /** ms since the epoch; 0 before the first rotation. */
  last_vault_rotation: number
  /** Seconds. */
  rotation_period: number
}

/** A dynamic or static role (Vault's `roleEntry`). TTLs in seconds. */
export interface RoleEntry {
  db_name: string
  statements: RoleStatements
  default_ttl: number
  max_ttl: number
  credential_type: string
  credential_config: Record<string, unknown>
  static_account?: StaticAccount
}

export const CONFIG_PREFIX = 'config/'
export const ROLE_PREFIX = 'role/'
export const STATIC_ROLE_PREFIX = 'static-role/'
export const STATIC_WAL_PREFIX = 'wal/static/'
export const ROOT_WAL_PREFIX = 'wal/root/'

export const emptyStatements = (): RoleStatements => ({
  creation: [],
  revocation: [],
  rollback: [],
  renewal: [],
  rotation: [],
})

/**
 * A 500 carrying its message, as Vault answers a handler's plain error (connection failures, refused
 * roles, database errors). Never a 400: the lease manager retries these.
 */
export function failure(message: string, cause?: unknown): VaultError {
  return new VaultError('ERR_INTERNAL', 500, message, {
    errors: [message],
    ...(cause instanceof Error && cause.name === 'DatabaseError' ? { cause } : {}),
  })
}

export async function readConfig(storage: StorageView, name: string): Promise<DatabaseConfig | null> {
  const config = await storage.getJSON<DatabaseConfig>(CONFIG_PREFIX + name)
  return config ? normalizeConfig(config) : null
}

function normalizeConfig(c: Partial<DatabaseConfig>): DatabaseConfig {
  return {
    plugin_name: c.plugin_name ?? '',
    plugin_version: c.plugin_version ?? '',
    connection_details: c.connection_details ?? {},
    allowed_roles: c.allowed_roles ?? [],
    root_credentials_rotate_statements: c.root_credentials_rotate_statements ?? [],
    password_policy: c.password_policy ?? '',
  }
}

/**
 * Vault's `DatabaseConfig`: the configuration, or a 500 `failed to find entry for connection with name: "<n>"`.
 */
export async function requireConfig(storage: StorageView, name: string): Promise<DatabaseConfig> {
  const config = await readConfig(storage, name)
  if (!config) throw failure(`failed to find entry for connection with name: ${goQuote(name)}`)
  return config
}

export function writeConfig(storage: StorageView, name: string, config: DatabaseConfig): Promise<void> {
  return storage.putJSON(CONFIG_PREFIX + name, config)
}

export async function readRole(
  storage: StorageView,
  prefix: string,
  name: string,
): Promise<RoleEntry | null> {
  const role = await storage.getJSON<Partial<RoleEntry>>(prefix + name)
  if (!role) return null
  return {
    db_name: role.db_name ?? '',
    statements: { ...emptyStatements(), ...(role.statements ?? {}) },
    default_ttl: role.default_ttl ?? 0,
    max_ttl: role.max_ttl ?? 0,
    credential_type: role.credential_type ?? 'password',
    credential_config: role.credential_config ?? {},
    ...(role.static_account ? { static_account: role.static_account } : {}),
  }
}

/**
 * Is `role` allowed on the connection? `*` or a glob in `allowed_roles` (Vault's `StrListContainsGlob`);
 * an empty list allows nothing.
 *
 * @throws {VaultError} 500 `"<role>" is not an allowed role`.
 */
export function assertAllowedRole(config: DatabaseConfig, role: string): void {
  if (config.allowed_roles.includes('*')) return
  if (config.allowed_roles.some((g) => globMatch(g, role))) return
  throw failure(`${goQuote(role)} is not an allowed role`)
}

/** Keys below `prefix`, sorted, then `after` / `limit` paging as Vault's `ListPage`. */
export async function listPage(storage: Storage, prefix: string, after = '', limit = 0): Promise<string[]> {
  let keys = (await storage.list(prefix)).sort()
  if (after !== '') keys = keys.filter((k) => k > after)
  return limit > 0 ? keys.slice(0, limit) : keys
}
