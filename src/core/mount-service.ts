/**
 * Mounting, unmounting, tuning and moving backends: the mount tables (secrets and auth), their
 * persistence behind the barrier, and the router they feed. `sys/mounts` and `sys/auth` are thin
 * layers over this.
 *
 * @module
 */
import type { Clock } from '../clock.js'
import type { CryptoProvider } from '../crypto/provider.js'
import type { EngineKind, EngineRegistry } from '../engines/registry.js'
import { InvalidRequestError, VaultError } from '../errors.js'
import { goQuote, parseDuration } from '../framework/duration.js'
import { type Storage, StorageView } from '../storage/view.js'
import { uuid } from '../util/encoding.js'
import { KeyedLock } from '../util/lock.js'
import type { Backend, SystemView } from './logical.js'
import {
  AUTH_TABLE_PATH,
  LIST_CONFIG_KEYS,
  loadTable,
  MOUNT_TABLE_PATH,
  type MountConfig,
  type MountEntry,
  mountAccessor,
  PROTECTED_MOUNTS,
  routePrefix,
  sanitizeMountPath,
  saveTable,
  storagePrefix,
  UNTUNABLE_MOUNTS,
} from './mounts.js'
import { type PasswordPolicySource, passwordPolicySource } from './password-policy.js'
import { type Route, Router } from './router.js'

/** Vault's system default and max lease TTL: 768h (32 days). */
export const SYSTEM_DEFAULT_TTL = 768 * 3600

/** What a caller asks for when enabling a mount (`sys/mounts/:path`, `sys/auth/:path`). */
export interface MountInput {
  path: string
  type: string
  description?: string
  /** TTLs as seconds or duration strings (`"1h"`), `"system"` or 0 for the system default. */
  config?: Partial<Record<keyof MountConfig, unknown>>
  options?: Record<string, string> | null
  local?: boolean
  seal_wrap?: boolean
  external_entropy_access?: boolean
}

/** What can be tuned (`sys/mounts/:path/tune`). */
export interface TuneInput {
  default_lease_ttl?: string | number
  max_lease_ttl?: string | number
  description?: string
  options?: Record<string, string>
  audit_non_hmac_request_keys?: string[]
  audit_non_hmac_response_keys?: string[]
  listing_visibility?: string
  passthrough_request_headers?: string[]
  allowed_response_headers?: string[]
  token_type?: string
}

/** A finished or running `sys/remount`. */
export interface MigrationInfo {
  source_mount: string
  target_mount: string
  status: 'in-progress' | 'success' | 'failure'
}

/** Hooks the mount service calls into the rest of the core. */
export interface MountHooks {
  mounted?(entry: MountEntry): void
  unmounted?(entry: MountEntry): void
  tuned?(entry: MountEntry): void
  remounted?(from: string, to: string): void
  /** Before a mount goes away or moves: revoke its leases (the lease manager hooks in here). */
  beforeUnmount?(entry: MountEntry): Promise<void>
}

/** Options of a {@link MountService}. */
export interface MountServiceOptions {
  barrier: Storage
  registry: EngineRegistry
  clock: Clock
  crypto: CryptoProvider
  /** System default lease TTL, seconds. */
  defaultLeaseTtl: number
  /** System max lease TTL, seconds. */
  maxLeaseTtl: number
  hooks?: MountHooks
}

const TABLE_PATHS = { mounts: MOUNT_TABLE_PATH, auth: AUTH_TABLE_PATH } as const
const KIND: Record<MountEntry['table'], EngineKind> = { mounts: 'secret', auth: 'auth' }

/**
 * Owns both mount tables and the router. Every change is persisted before it is acknowledged.
 */
export class MountService {
  readonly router = new Router()
  private tables: Record<MountEntry['table'], MountEntry[]> = { mounts: [], auth: [] }
  private readonly lock = new KeyedLock()
  private readonly migrations = new Map<string, MigrationInfo>()

  constructor(private readonly opts: MountServiceOptions) {}

  /** Effective default TTL of an entry. */
  defaultTtl(entry: MountEntry): number {
    return entry.config.default_lease_ttl || this.opts.defaultLeaseTtl
  }

  /** Effective max TTL of an entry. */
  maxTtl(entry: MountEntry): number {
    return entry.config.max_lease_ttl || this.opts.maxLeaseTtl
  }

  private systemView(entry: MountEntry): SystemView {
    return {
      clock: this.opts.clock,
      crypto: this.opts.crypto,
      defaultLeaseTtl: () => this.defaultTtl(entry),
      maxLeaseTtl: () => this.maxTtl(entry),
      generatePasswordFromPolicy: (name) => this.passwordPolicies.generatePasswordFromPolicy(name),
    }
  }

  /** Password policies live in the system view's storage (`sys/password_policy/<name>`), as in Vault. */
  private get passwordPolicies(): PasswordPolicySource {
    return passwordPolicySource(new StorageView(this.opts.barrier, 'sys/'))
  }

  /**
   * Loads both tables after unseal and mounts every entry; writes the default mounts on first use.
   * `defaults` are the singleton mounts the core always has (sys/, cubbyhole/, token/ …).
   */
  async setup(defaults: MountInput[], authDefaults: MountInput[]): Promise<void> {
    for (const table of ['mounts', 'auth'] as const) {
      let entries = await loadTable(this.opts.barrier, TABLE_PATHS[table])
      const wanted = table === 'mounts' ? defaults : authDefaults
      const missing = wanted.filter((d) => !entries.some((e) => e.path === sanitizeMountPath(d.path)))
      if (missing.length > 0) {
        entries = [...entries, ...missing.map((d) => this.newEntry(table, d))]
        await saveTable(this.opts.barrier, TABLE_PATHS[table], entries)
      }
      this.tables[table] = entries
      for (const entry of entries) await this.attach(entry)
    }
  }

  /** Stops every backend and forgets the tables (on seal). */
  async teardown(): Promise<void> {
    const routes = this.router.clear()
    this.tables = { mounts: [], auth: [] }
    for (const r of routes) await r.backend.cleanup?.().catch(() => undefined)
  }

  /** Entries of a table, in mount order. */
  entries(table: MountEntry['table']): readonly MountEntry[] {
    return this.tables[table]
  }

  /** The route serving `path`. */
  match(path: string): Route | undefined {
    return this.router.match(path)
  }

  /** The entry mounted exactly at `path` (route prefix, e.g. `secret/` or `auth/userpass/`), if any. */
  entryAt(routePath: string): MountEntry | undefined {
    return this.router.get(sanitizeMountPath(routePath))?.entry
  }

  private newEntry(table: MountEntry['table'], input: MountInput): MountEntry {
    const config = parseMountConfig(input.config ?? {}, table)
    const def = this.opts.registry.get(KIND[table], input.type)
    return {
      table,
      path: sanitizeMountPath(input.path),
      type: input.type,
      description: input.description ?? '',
      uuid: uuid(),
      accessor: mountAccessor(input.type, table, (n) => this.opts.crypto.randomBytes(n)),
      config,
      options: input.options ?? null,
      local: input.local ?? false,
      seal_wrap: input.seal_wrap ?? false,
      external_entropy_access: input.external_entropy_access ?? false,
      plugin_version: '',
      running_plugin_version: def?.version ?? 'v0.1.0+builtin.vaultlet',
    }
  }

  private async attach(entry: MountEntry): Promise<Route> {
    const def = this.opts.registry.get(KIND[entry.table], entry.type)
    if (!def) throw new InvalidRequestError(`plugin not found in the catalog: ${entry.type}`)
    const storage = new StorageView(this.opts.barrier, storagePrefix(entry))
    const backend: Backend = await def.factory({
      storage,
      system: this.systemView(entry),
      mountPath: routePrefix(entry),
      type: entry.type,
      uuid: entry.uuid,
      accessor: entry.accessor,
      options: entry.options ?? {},
    })
    await backend.initialize?.()
    return this.router.mount(entry, backend, storage)
  }

  /**
   * Enables a mount, with Vault's checks: protected paths (403), singleton types (403), unknown types
   * (400), overlapping paths (409), `options.version` only for kv.
   */
  mount(table: MountEntry['table'], input: MountInput): Promise<MountEntry> {
    return this.lock.run('mounts', async () => {
      const path = sanitizeMountPath(input.path)
      let type = input.type
      let options = input.options ?? null
      if (typeof type !== 'string' || type === '') {
        throw new InvalidRequestError('backend type must be specified as a string')
      }
      if (table === 'mounts') {
        if (type === 'kv-v1' || type === 'kv-v2') {
          options = { ...(options ?? {}), version: type === 'kv-v1' ? '1' : '2' }
          type = 'kv'
        } else if (type !== 'kv' && options?.version) {
          throw new InvalidRequestError(`secrets engine "${type}" does not allow setting a version`)
        }
        for (const p of PROTECTED_MOUNTS) {
          if (path.startsWith(p)) throw new VaultError('ERR_PERMISSION_DENIED', 403, `cannot mount "${path}"`)
        }
      } else {
        // Vault's handleEnableAuth / enableCredential. `token/` itself is refused by the conflict check.
        if (options?.version) {
          throw new InvalidRequestError(`auth method ${goQuote(type)} does not allow setting a version`)
        }
        if (type === 'token') throw new InvalidRequestError('token credential backend cannot be instantiated')
      }
      validateMountPath(path)
      const def = this.opts.registry.get(KIND[table], type)
      if (def?.singleton) {
        throw new VaultError('ERR_PERMISSION_DENIED', 403, `mount type of "${type}" is not mountable`)
      }
      if (!def) throw new InvalidRequestError(`plugin not found in the catalog: ${type}`)
      const entry = this.newEntry(table, { ...input, path, type, options })
      if (entry.config.max_lease_ttl === 0 && entry.config.default_lease_ttl > this.opts.maxLeaseTtl) {
        throw new InvalidRequestError(
          `given default lease TTL greater than system max lease TTL of ${this.opts.maxLeaseTtl}`,
        )
      }
      const conflict = this.router.conflict(routePrefix(entry))
      if (conflict !== undefined) {
        throw new VaultError(
          'ERR_PATH_IN_USE',
          409,
          `path is already in use at ${table === 'auth' ? conflict.replace(/^auth\//, '') : conflict}`,
        )
      }
      const route = await this.attach(entry)
      try {
        await saveTable(this.opts.barrier, TABLE_PATHS[table], [...this.tables[table], entry])
      } catch (err) {
        this.router.unmount(route.prefix)
        await route.backend.cleanup?.().catch(() => undefined)
        throw err
      }
      this.tables[table] = [...this.tables[table], entry]
      this.opts.hooks?.mounted?.(entry)
      return entry
    })
  }

  /**
   * Disables the mount at `path` and deletes its data. A path with no mount succeeds silently (Vault
   * does not reveal whether it existed).
   */
  unmount(table: MountEntry['table'], path: string): Promise<void> {
    return this.lock.run('mounts', async () => {
      const p = sanitizeMountPath(path)
      const entry = this.tables[table].find((e) => e.path === p)
      if (!entry) return
      if (this.opts.registry.get(KIND[table], entry.type)?.singleton) {
        throw new InvalidRequestError(
          table === 'auth' && entry.type === 'token'
            ? 'token credential backend cannot be disabled'
            : `cannot unmount "${p}"`,
        )
      }
      await this.opts.hooks?.beforeUnmount?.(entry)
      const remaining = this.tables[table].filter((e) => e !== entry)
      await saveTable(this.opts.barrier, TABLE_PATHS[table], remaining)
      this.tables[table] = remaining
      const route = this.router.unmount(routePrefix(entry))
      await route?.backend.cleanup?.().catch(() => undefined)
      await route?.storage.clear()
      this.opts.hooks?.unmounted?.(entry)
    })
  }

  /** Applies `sys/mounts/:path/tune`; returns warnings (the KV upgrade notice). */
  tune(table: MountEntry['table'], path: string, input: TuneInput): Promise<string[]> {
    return this.lock.run('mounts', async () => {
      const routePath = table === 'auth' ? `auth/${sanitizeMountPath(path)}` : sanitizeMountPath(path)
      const untunable = UNTUNABLE_MOUNTS.find((p) => routePath.startsWith(p))
      if (untunable) {
        const allowed = ['audit_non_hmac_request_keys', 'audit_non_hmac_response_keys']
        const bad = Object.keys(input).find((k) => !allowed.includes(k))
        if (bad) throw new InvalidRequestError(`cannot tune parameter ${bad} of ${routePath}`)
      }
      const route = this.router.match(routePath)
      if (!route) throw new InvalidRequestError(`tune of path "${routePath}" failed: no mount entry found`)
      const entry = route.entry
      const next: MountEntry = structuredClone(entry)
      const warnings: string[] = []
      const ttl = (v: string | number | undefined, current: number): number =>
        v === undefined || v === '' ? current : v === 'system' ? 0 : parseDuration(v)
      const def = ttl(input.default_lease_ttl, entry.config.default_lease_ttl)
      const max = ttl(input.max_lease_ttl, entry.config.max_lease_ttl)
      if (def !== 0 && max !== 0 && max < def) {
        throw new InvalidRequestError(
          `backend max lease TTL of ${max} would be less than backend default lease TTL of ${def}`,
        )
      }
      next.config.default_lease_ttl = def
      next.config.max_lease_ttl = max
      if (input.description !== undefined) next.description = input.description
      for (const k of LIST_CONFIG_KEYS) {
        if (input[k] !== undefined) next.config[k] = input[k]
      }
      if (input.listing_visibility !== undefined) {
        if (!['', 'unauth', 'hidden'].includes(input.listing_visibility)) {
          throw new InvalidRequestError(`invalid listing_visibility ${input.listing_visibility}`)
        }
        next.config.listing_visibility = input.listing_visibility
      }
      if (input.token_type !== undefined) {
        if (table !== 'auth')
          throw new InvalidRequestError("'token_type' can only be modified on auth mounts")
        if (entry.type === 'token') {
          throw new InvalidRequestError("'token_type' cannot be set for 'token' or 'ns_token' auth mounts")
        }
        if (!['', 'default-service', 'default-batch', 'service', 'batch'].includes(input.token_type)) {
          throw new InvalidRequestError("invalid value for 'token_type'")
        }
        next.config.token_type = input.token_type || 'default-service'
      }
      let upgrade: [number, number] | null = null
      if (input.options && Object.keys(input.options).length > 0) {
        const options = { ...(entry.options ?? {}) }
        const requested = input.options.version
        if (requested !== undefined) {
          const current = Number.parseInt(entry.options?.version || '0', 10) || 0
          const wanted = Number.parseInt(requested, 10)
          if (wanted !== 1 && wanted !== 2)
            throw new InvalidRequestError(`invalid version provided: ${requested}`)
          if (current > wanted)
            throw new InvalidRequestError(`cannot downgrade mount from version ${current}`)
          if (current < wanted) upgrade = [current, wanted]
        }
        for (const [k, v] of Object.entries(input.options)) {
          if (v === '' && k !== 'version') delete options[k]
          else options[k] = v
        }
        next.options = options
      }
      await saveTable(
        this.opts.barrier,
        TABLE_PATHS[table],
        this.tables[table].map((e) => (e === entry ? next : e)),
      )
      Object.assign(entry, next) // the table, the route and the system view all hold `entry`
      if (upgrade) {
        // Reload the backend so it starts with its new options (KV v1 → v2).
        const old = this.router.unmount(route.prefix)
        await old?.backend.cleanup?.().catch(() => undefined)
        await this.attach(entry)
        warnings.push(
          `Upgrading mount from version ${upgrade[0]} to version ${upgrade[1]}. This mount will be unavailable for a brief period and will resume service shortly.`,
        )
      }
      this.opts.hooks?.tuned?.(entry)
      return warnings
    })
  }

  /**
   * Moves a mount (`sys/remount`), keeping its data (the storage view is keyed by UUID). Runs to the
   * end before answering; the migration ID reads back as `success` or `failure`.
   */
  remount(from: string, to: string): Promise<string> {
    return this.lock.run('mounts', async () => {
      if (!from || !to)
        throw new InvalidRequestError("both 'from' and 'to' path must be specified as a string")
      if (from !== from.trim())
        throw new InvalidRequestError("'from' path cannot contain trailing whitespace")
      if (to !== to.trim()) throw new InvalidRequestError("'to' path cannot contain trailing whitespace")
      const src = sanitizeMountPath(from)
      const dst = sanitizeMountPath(to)
      validateMountPath(dst, 'invalid destination mount: ')
      const isAuth = src.startsWith('auth/')
      // Only auth → non-auth has its own message; non-auth → auth/ hits the protected paths below.
      if (isAuth && !dst.startsWith('auth/')) {
        throw new InvalidRequestError(`cannot remount auth mount to non-auth mount "${dst}"`)
      }
      for (const p of isAuth ? ['auth/token/'] : PROTECTED_MOUNTS) {
        if (src.startsWith(p)) throw new InvalidRequestError(`cannot remount "${src}"`)
        // Vault formats this one with %+v for secrets mounts (no quotes) and %q for auth mounts.
        if (dst.startsWith(p))
          throw new InvalidRequestError(`cannot remount to destination ${isAuth ? `"${dst}"` : dst}`)
      }
      const route = this.router.get(src)
      if (!route) throw new InvalidRequestError(`no matching mount at "${src}"`)
      // The source itself counts: moving a mount onto or under its own path is refused, as in Vault.
      const clash = this.router.conflict(dst)
      if (clash !== undefined) throw new InvalidRequestError(`path already in use at "${clash}"`)
      const id = uuid()
      this.migrations.set(id, { source_mount: src, target_mount: dst, status: 'in-progress' })
      const table = route.entry.table
      try {
        await this.opts.hooks?.beforeUnmount?.(route.entry)
        const moved: MountEntry = { ...route.entry, path: table === 'auth' ? dst.slice('auth/'.length) : dst }
        const entries = this.tables[table].map((e) => (e === route.entry ? moved : e))
        await saveTable(this.opts.barrier, TABLE_PATHS[table], entries)
        this.tables[table] = entries
        this.router.unmount(route.prefix)
        await route.backend.cleanup?.().catch(() => undefined)
        await this.attach(moved)
        this.migrations.set(id, { source_mount: src, target_mount: dst, status: 'success' })
        this.opts.hooks?.remounted?.(src, dst)
      } catch (err) {
        this.migrations.set(id, { source_mount: src, target_mount: dst, status: 'failure' })
        throw err
      }
      return id
    })
  }

  /** Status of a `sys/remount` migration. */
  migration(id: string): MigrationInfo | undefined {
    return this.migrations.get(id)
  }
}

/** Vault's `validateMountPath`: the path must already be clean and printable. */
function validateMountPath(path: string, prefix = ''): void {
  const cleaned = `${cleanPath(path)}${path.endsWith('/') ? '/' : ''}`
  if (path !== cleaned) {
    throw new InvalidRequestError(`${prefix}path '${path}' does not match cleaned path '${cleaned}'`)
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path))
    throw new InvalidRequestError(`${prefix}path cannot contain non-printable characters`)
}

/** Go's `path.Clean`: drops empty and `.` segments, resolves `..`; `''` becomes `.`. */
function cleanPath(path: string): string {
  const rooted = path.startsWith('/')
  const out: string[] = []
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue
    if (s !== '..') out.push(s)
    else if (out.length > 0 && out.at(-1) !== '..') out.pop()
    else if (!rooted) out.push('..')
  }
  const cleaned = (rooted ? '/' : '') + out.join('/')
  return cleaned === '' ? '.' : cleaned
}

/** Parses a mount's `config` input into stored form (TTLs in seconds). */
export function parseMountConfig(
  input: Partial<Record<keyof MountConfig, unknown>>,
  table: MountEntry['table'],
): MountConfig {
  const ttl = (v: unknown, what: string): number => {
    if (v === undefined || v === '' || v === 'system' || v === 0) return 0
    try {
      return parseDuration(v)
    } catch (err) {
      throw new InvalidRequestError(`unable to parse ${what} TTL of ${String(v)}: ${(err as Error).message}`)
    }
  }
  const config: MountConfig = {
    default_lease_ttl: ttl(input.default_lease_ttl, 'default'),
    max_lease_ttl: ttl(input.max_lease_ttl, 'max'),
    force_no_cache: input.force_no_cache === true || input.force_no_cache === 'true',
  }
  if (config.max_lease_ttl !== 0 && config.default_lease_ttl > config.max_lease_ttl) {
    throw new InvalidRequestError('given default lease TTL greater than given max lease TTL')
  }
  const list = (v: unknown): string[] | undefined =>
    Array.isArray(v)
      ? v.map(String)
      : typeof v === 'string' && v !== ''
        ? v.split(',').map((s) => s.trim())
        : undefined
  for (const k of LIST_CONFIG_KEYS) {
    const v = list(input[k])
    if (v?.length) config[k] = v
  }
  if (input.listing_visibility !== undefined && input.listing_visibility !== '') {
    if (input.listing_visibility !== 'unauth' && input.listing_visibility !== 'hidden') {
      throw new InvalidRequestError(`invalid listing_visibility ${String(input.listing_visibility)}`)
    }
    config.listing_visibility = input.listing_visibility
  }
  if (table === 'auth') {
    const tokenType = input.token_type ?? ''
    if (!['', 'default-service', 'default-batch', 'service', 'batch'].includes(tokenType as string)) {
      throw new InvalidRequestError("invalid value for 'token_type'")
    }
    config.token_type = (tokenType as string) || 'default-service'
  }
  return config
}
