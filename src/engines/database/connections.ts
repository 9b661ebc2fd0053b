/**
 * The engine's connections: one initialized plugin (with its pool) per configured connection name,
 * opened on first use, replaced when the configuration changes, closed on `reset`, delete, unmount and
 * seal (Vault's `connections` map with `GetConnection` / `ClearConnection`). The built-in plugin names
 * map to their modules, loaded only when a connection of that kind is configured.
 *
 * @module
 */
import type { DatabasePlugin, DatabasePluginContext, DatabasePluginFactory } from '../../database/plugin.js'
import type { StorageView } from '../../storage/view.js'
import { type DatabaseConfig, failure, requireConfig } from './storage.js'

/**
 * The plugins vaultlet ships, by `plugin_name`. Each loads its module (and that module its driver) on
 * first use, so a host that never configures MySQL never loads `mysql2`.
 */
export const BUILTIN_PLUGINS: Readonly<Record<string, DatabasePluginFactory>> = Object.freeze({
  'postgresql-database-plugin': async ({ now }) =>
    (await import('../../database/postgres.js')).postgresPlugin({ now }),
  'mysql-database-plugin': async ({ now }) =>
    (await import('../../database/mysql.js')).mysqlPlugin({ pluginName: 'mysql-database-plugin', now }),
  'mysql-aurora-database-plugin': async ({ now }) =>
    (await import('../../database/mysql.js')).mysqlPlugin({
      pluginName: 'mysql-aurora-database-plugin',
      now,
    }),
  'mysql-rds-database-plugin': async ({ now }) =>
    (await import('../../database/mysql.js')).mysqlPlugin({ pluginName: 'mysql-rds-database-plugin', now }),
  'mysql-legacy-database-plugin': async ({ now }) =>
    (await import('../../database/mysql.js')).mysqlPlugin({
      pluginName: 'mysql-legacy-database-plugin',
      now,
    }),
})

/** A plugin in use, counted so that closing it waits for the calls in flight. */
export class PluginInstance {
  #inflight = 0
  #drained: (() => void) | null = null
  #closed = false

  constructor(
    readonly name: string,
    readonly id: number,
    readonly plugin: DatabasePlugin,
  ) {}

  get closed(): boolean {
    return this.#closed
  }

  /** Runs `fn` with the plugin; a close waits for it. */
  async run<T>(fn: (plugin: DatabasePlugin) => Promise<T>): Promise<T> {
    this.#inflight++
    try {
      return await fn(this.plugin)
    } finally {
      this.#inflight--
      if (this.#inflight === 0) this.#drained?.()
    }
  }

  /** Closes the plugin once the calls in flight are done. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#inflight > 0) await new Promise<void>((resolve) => (this.#drained = resolve))
    await this.plugin.close().catch(() => undefined)
  }
}

/** The connection cache of one mount. */
export class Connections {
  readonly #byName = new Map<string, PluginInstance>()
  readonly #opening = new Map<string, Promise<PluginInstance>>()
  #seq = 0

  constructor(
    private readonly plugins: Readonly<Record<string, DatabasePluginFactory>>,
    private readonly context: DatabasePluginContext,
  ) {}

  /**
   * A fresh, uninitialized plugin for `pluginName`.
   *
   * @throws {Error} `invalid database version: plugin not found in the catalog: <name>`.
   */
  async create(pluginName: string): Promise<DatabasePlugin> {
    const factory = Object.hasOwn(this.plugins, pluginName) ? this.plugins[pluginName] : undefined
    if (!factory) throw new Error(`invalid database version: plugin not found in the catalog: ${pluginName}`)
    return factory(this.context)
  }

  /** Installs an initialized plugin under `name`, closing the one it replaces. */
  async put(name: string, plugin: DatabasePlugin): Promise<PluginInstance> {
    const inst = new PluginInstance(name, ++this.#seq, plugin)
    const old = this.#byName.get(name)
    this.#byName.set(name, inst)
    this.#opening.delete(name)
    await old?.close()
    return inst
  }

  /**
   * The connection `name`, initialized from storage on first use (Vault's `GetConnection`).
   *
   * @throws {VaultError} 500: no such configuration, unknown plugin, or the database is unreachable.
   */
  async get(storage: StorageView, name: string): Promise<PluginInstance> {
    const existing = this.#byName.get(name)
    if (existing && !existing.closed) return existing
    let opening = this.#opening.get(name)
    if (!opening) {
      opening = this.#open(storage, name).finally(() => {
        if (this.#opening.get(name) === opening) this.#opening.delete(name)
      })
      this.#opening.set(name, opening)
    }
    return opening
  }

  async #open(storage: StorageView, name: string): Promise<PluginInstance> {
    const config: DatabaseConfig = await requireConfig(storage, name)
    let plugin: DatabasePlugin
    try {
      plugin = await this.create(config.plugin_name)
    } catch (e) {
      throw failure(`unable to create database instance: ${(e as Error).message}`, e)
    }
    try {
      await plugin.initialize({ config: config.connection_details, verifyConnection: true })
    } catch (e) {
      await plugin.close().catch(() => undefined)
      throw failure((e as Error).message, e)
    }
    const current = this.#byName.get(name)
    if (current && !current.closed) {
      // Someone installed a newer one meanwhile.
      await plugin.close().catch(() => undefined)
      return current
    }
    const inst = new PluginInstance(name, ++this.#seq, plugin)
    this.#byName.set(name, inst)
    return inst
  }

  /** Closes and forgets the connection `name` (Vault's `ClearConnection`). */
  async clear(name: string): Promise<void> {
    const inst = this.#byName.get(name)
    this.#byName.delete(name)
    const opening = this.#opening.get(name)
    this.#opening.delete(name)
    await inst?.close()
    if (opening) await (await opening.catch(() => null))?.close()
  }

  /** Closes and forgets `inst` if it is still the current connection of its name. */
  async clearIf(inst: PluginInstance): Promise<void> {
    if (this.#byName.get(inst.name) === inst) this.#byName.delete(inst.name)
    await inst.close()
  }

  /** Closes every connection (unmount, seal). */
  async closeAll(): Promise<void> {
    const all = [...this.#byName.values()]
    const opening = [...this.#opening.values()]
    this.#byName.clear()
    this.#opening.clear()
    await Promise.all([
      ...all.map((i) => i.close()),
      ...opening.map(async (p) => (await p.catch(() => null))?.close()),
    ])
  }

  /** Names with an open connection. */
  get open(): string[] {
    return [...this.#byName.keys()]
  }
}
