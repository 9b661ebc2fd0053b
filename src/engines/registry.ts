/**
 * The engine registry: which secrets-engine and auth-method types can be mounted. Built-in types are
 * registered by the vault; a host registers its own with {@link EngineRegistry.register}.
 *
 * @module
 */
import type { BackendFactory } from '../core/logical.js'

/** Secrets engine (`sys/mounts`) or auth method (`sys/auth`). */
export type EngineKind = 'secret' | 'auth'

/** A mountable type. */
export interface EngineDefinition {
  /** Type name used in `sys/mounts/:path {type}`, e.g. `kv`, `transit`. */
  type: string
  kind: EngineKind
  factory: BackendFactory
  /** Reported as `running_plugin_version` (`v<semver>+builtin` for built-ins). */
  version?: string
  /** Exactly one instance, mounted by the core (sys, cubbyhole, token, identity): users cannot mount it. */
  singleton?: boolean
}

/**
 * Registered engine types, per kind.
 *
 * @example
 * ```ts
 * const vault = await Vault.dev()
 * vault.engines.register({ type: 'echo', kind: 'secret', factory: () => myEchoBackend })
 * await vault.request({ method: 'POST', path: 'sys/mounts/echo', data: { type: 'echo' }, token: vault.rootToken })
 * ```
 */
export class EngineRegistry {
  private readonly defs = new Map<string, EngineDefinition>()

  private static key(kind: EngineKind, type: string): string {
    return `${kind}:${type}`
  }

  /**
   * Adds a type. Throws `TypeError` if a type of that name and kind exists.
   */
  register(def: EngineDefinition): this {
    // `RegExp.test` stringifies its argument: check the type first, or `undefined` passes as "undefined".
    if (typeof def.type !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(def.type))
      throw new TypeError(`invalid engine type name "${String(def.type)}"`)
    if (def.kind !== 'secret' && def.kind !== 'auth')
      throw new TypeError(`invalid engine kind "${String(def.kind)}"`)
    if (typeof def.factory !== 'function')
      throw new TypeError(`engine type "${def.type}" has no factory function`)
    const key = EngineRegistry.key(def.kind, def.type)
    if (this.defs.has(key))
      throw new TypeError(`engine type "${def.type}" (${def.kind}) is already registered`)
    this.defs.set(key, def)
    return this
  }

  /** The definition of `type`, or `undefined`. */
  get(kind: EngineKind, type: string): EngineDefinition | undefined {
    return this.defs.get(EngineRegistry.key(kind, type))
  }

  /** Type names registered for `kind`, sorted. */
  types(kind: EngineKind): string[] {
    return [...this.defs.values()]
      .filter((d) => d.kind === kind)
      .map((d) => d.type)
      .sort()
  }
}
