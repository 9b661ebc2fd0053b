/**
 * The `Vault` class: storage adapter → barrier → seal, the mount table and router, the token store,
 * and the one request pipeline every door (in-process, typed helpers, HTTP) goes through.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3'
import { AuditBroker } from './audit/broker.js'
import { isAuditedPath } from './audit/pipeline.js'
import { AuditTrail } from './audit/trail.js'
import type { AuditDeviceFactory } from './audit/types.js'
import { Barrier } from './barrier/barrier.js'
import { LoginClient } from './client/login.js'
import { TokenScope } from './client/with-token.js'
import { type Clock, systemClock } from './clock.js'
import {
  ExpirationManager,
  type ExpirationOptions,
  type LeaseRouteRequest,
} from './core/expiration/expiration-manager.js'
import { GenerateRoot } from './core/generate-root.js'
import type { Backend, ConnectionInfo, LogicalRequest, LogicalResponse, Operation } from './core/logical.js'
import { createLoginToken } from './core/login.js'
import { type MountInput, MountService, SYSTEM_DEFAULT_TTL } from './core/mount-service.js'
import { type MountEntry, routePrefix } from './core/mounts.js'
import { PolicyStore } from './core/policy-store.js'
import { Rekey } from './core/rekey.js'
import type { RawResponse, VaultRequest, VaultResponse } from './core/request.js'
import { RollbackManager } from './core/rollback.js'
import type { Route } from './core/router.js'
import { type InitOptions, type InitResult, SealManager, type SealStatus } from './core/seal-manager.js'
import { decodeKeyShare } from './core/shares.js'
import { type TokenEntry, TokenStore } from './core/token-store.js'
import { ResponseWrapper } from './core/wrapping.js'
import { getDefaultCrypto } from './crypto/index.js'
import type { CryptoProvider } from './crypto/provider.js'
import { createAppRoleBackend } from './engines/approle/index.js'
import { createCubbyholeBackend } from './engines/cubbyhole/index.js'
import { DatabaseClient } from './engines/database/client.js'
import { createDatabaseBackend } from './engines/database/index.js'
import { KvClient, type KvClientOptions } from './engines/kv/client.js'
import { createKvBackend } from './engines/kv/index.js'
import { EngineRegistry } from './engines/registry.js'
import type { SystemCore } from './engines/sys/core.js'
import { createSystemBackend } from './engines/sys/index.js'
import { createOperatorBackend, OPERATOR_PATHS } from './engines/sys/operator.js'
import { wrappedEnvelope } from './engines/sys/wrapping.js'
import { createTokenBackend, formatAuth, type TokenCore, tokenAddressAllowed } from './engines/token/index.js'
import { TransitClient } from './engines/transit/client.js'
import { createTransitBackend } from './engines/transit/index.js'
import { createUserpassBackend, type PasswordHasher } from './engines/userpass/index.js'
import {
  errorToHttp,
  InternalError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  SealedError,
  UnsupportedOperationError,
  UnsupportedPathError,
  VaultError,
} from './errors.js'
import type { VaultEvents } from './events.js'
import { parseDuration } from './framework/duration.js'
import { type Seal, ShamirSeal } from './seal/seal.js'
import type { StorageAdapter } from './storage/adapter.js'
import { MemoryStorage } from './storage/memory.js'
import { StorageView } from './storage/view.js'
import { fromUtf8, toHex, utf8, uuid } from './util/encoding.js'

/** Cluster name and ID, created at first unseal (behind the barrier). */
const CLUSTER_INFO_PATH = 'core/cluster/local/info'
/** The token store's storage, as in Vault. */
const TOKEN_STORE_PREFIX = 'sys/token/'
/** ACL policies, as in Vault. */
const POLICY_STORE_PREFIX = 'sys/policy/'

/** Options of `new Vault()`. */
export interface VaultOptions {
  /** Where the (encrypted) data lives. Default: a new {@link MemoryStorage}. */
  storage?: StorageAdapter
  /** What protects the root key. Default: a new {@link ShamirSeal}. */
  seal?: Seal
  /** Crypto provider. Default: `node:crypto` on Node (through the package's `node` export), else noble. */
  crypto?: CryptoProvider
  /** Time source. Default: the wall clock. Tests pass a `ManualClock` from `vaultlet/testing`. */
  clock?: Clock
  /** System default lease TTL (seconds or duration string). Default `768h`. */
  defaultLeaseTtl?: number | string
  /** System max lease TTL (seconds or duration string). Default `768h`. */
  maxLeaseTtl?: number | string
  /** Tuning of the lease manager (revocation retries, batch size); Vault's values by default. */
  leases?: LeaseOptions
  /**
   * How the `userpass` auth method hashes passwords. Default: scrypt N=2^15, r=8, p=1 (`scryptHasher`)
   * over this vault's crypto provider. Parameters are stored with each hash, so they can change.
   */
  passwordHasher?: PasswordHasher
  /** Audit devices: device types beyond the defaults (`file` on Node), by type name. */
  audit?: { deviceTypes?: Record<string, AuditDeviceFactory> }
}

/**
 * Tuning of the lease manager. A failed revocation of an expired lease is retried after
 * `2^attempt × revokeRetryBase` (± `revokeRetryJitter` of it); after `maxRevokeAttempts` failures the
 * lease is irrevocable.
 *
 * @example
 * ```ts
 * const vault = await Vault.dev({ leases: { revokeRetryBase: '1s', maxRevokeAttempts: 3, revokeRetryJitter: 0 } })
 * ```
 */
export interface LeaseOptions extends Omit<ExpirationOptions, 'revokeRetryBase' | 'yieldFn'> {
  /** Base of the retry backoff (seconds or duration string). Default `10s`, as Vault. */
  revokeRetryBase?: number | string
}

/** Options of {@link Vault.dev}. */
export interface DevOptions extends Omit<VaultOptions, 'seal'> {
  /** The root token's ID (like `vault server -dev -dev-root-token-id`). Default: a random `hvs.` token. */
  rootToken?: string
}

/**
 * Sys paths whose answers Vault also copies to the top level of the JSON body (legacy compatibility).
 * Vault registers them on Go's ServeMux, where a pattern ending in `/` (`/v1/sys/mounts/`) covers its
 * whole subtree: `sys/mounts/secret` and `sys/mounts/secret/tune` are injected too.
 */
const TOP_LEVEL_DATA =
  /^sys\/((audit|auth|mounts|policy|config\/auditing\/request-headers)(\/.*)?|audit-hash\/.*|config\/cors|capabilities(-accessor|-self)?|ha-status|key-status|rekey\/backup|rekey\/recovery-key-backup|remount|rotate|wrapping\/wrap)$/

/** Paths that take a wrapping token, validated before token lookup (Vault's request handling). */
const WRAPPING_TOKEN_PATHS = new Set(['sys/wrapping/lookup', 'sys/wrapping/unwrap', 'sys/wrapping/rewrap'])

const METHOD_OPERATION: Record<string, Operation> = {
  GET: 'read',
  HEAD: 'read',
  POST: 'update',
  PUT: 'update',
  DELETE: 'delete',
  PATCH: 'patch',
  LIST: 'list',
  HELP: 'help',
}

/**
 * An embeddable Vault core.
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * const vault = await Vault.dev()
 * const res = await vault.request({ method: 'GET', path: 'sys/mounts', token: vault.rootToken })
 * console.log(Object.keys(res.data ?? {})) // ['sys/']
 * ```
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * import { FileStorage } from 'vaultlet/storage/file'
 * const vault = new Vault({ storage: new FileStorage('/var/lib/app/vault') })
 * const { keys, rootToken } = await vault.init({ secretShares: 5, secretThreshold: 3 })
 * await vault.unseal(keys[0]); await vault.unseal(keys[3]); await vault.unseal(keys[4])
 * ```
 */
export class Vault extends EventEmitter<VaultEvents> {
  /** Mountable engine and auth-method types. Register your own before mounting them. */
  readonly engines = new EngineRegistry()
  readonly storage: StorageAdapter
  readonly crypto: CryptoProvider
  readonly clock: Clock
  readonly sealType: Seal
  /** Dev mode only: the root token. */
  rootToken?: string
  /** Dev mode only: the single unseal key (hex). */
  unsealKey?: string

  readonly #barrier: Barrier
  readonly #seal: SealManager
  readonly #mounts: MountService
  readonly #tokens: TokenStore
  readonly #leases: ExpirationManager
  readonly #policies: PolicyStore
  readonly #wrapper: ResponseWrapper
  readonly #rollback: RollbackManager
  readonly #rekey: Rekey
  readonly #rekeyRecovery: Rekey
  readonly #generateRoot: GenerateRoot
  readonly #operator: Backend
  readonly #audit: AuditBroker
  #cluster: { name: string; id: string } | null = null

  constructor(options: VaultOptions = {}) {
    super()
    this.storage = options.storage ?? new MemoryStorage()
    this.crypto = options.crypto ?? getDefaultCrypto()
    this.clock = options.clock ?? systemClock
    this.sealType = options.seal ?? new ShamirSeal()
    if (this.sealType instanceof ShamirSeal) this.sealType.bind(this.crypto)
    const defaultTtl =
      options.defaultLeaseTtl === undefined ? SYSTEM_DEFAULT_TTL : parseDuration(options.defaultLeaseTtl)
    const maxTtl = options.maxLeaseTtl === undefined ? SYSTEM_DEFAULT_TTL : parseDuration(options.maxLeaseTtl)

    this.#barrier = new Barrier(this.storage, this.crypto, this.clock)
    this.#audit = new AuditBroker({
      storage: this.#barrier,
      crypto: this.crypto,
      clock: this.clock,
      ...(options.audit?.deviceTypes ? { deviceTypes: options.audit.deviceTypes } : {}),
      onDeviceError: (path, error, kind) =>
        this.emit('audit:failed', {
          path,
          kind,
          error: error instanceof Error ? error.message : String(error),
        }),
      onEnabled: (e) => this.emit('audit:enabled', { path: e.path, type: e.type }),
      onDisabled: (e) => this.emit('audit:disabled', { path: e.path, type: e.type }),
    })
    this.#tokens = new TokenStore(new StorageView(this.#barrier, TOKEN_STORE_PREFIX), this.crypto, this.clock)
    this.#policies = new PolicyStore(new StorageView(this.#barrier, POLICY_STORE_PREFIX))
    this.#rollback = new RollbackManager(
      this.clock,
      () => this.#mounts.router.all(),
      (route) =>
        this.#logical(
          uuid(),
          'rollback',
          '',
          route.prefix,
          {},
          {},
          null,
          route.entry.type,
          route.entry.accessor,
          undefined,
          0,
          route,
        ),
      (route, err) =>
        this.emit(
          'warning',
          `periodic work of ${route.prefix} failed: ${err instanceof Error ? err.message : 'error'}`,
        ),
    )
    this.#wrapper = new ResponseWrapper(this.#tokens, () => this.#cubbyholeView(), this.clock)
    const { revokeRetryBase, ...leaseOptions } = options.leases ?? {}
    this.#leases = new ExpirationManager(
      {
        storage: this.#barrier,
        tokens: this.#tokens,
        clock: this.clock,
        route: (req) => this.#leaseRequest(req),
        limits: (path) => {
          const route = this.#mounts.match(path)
          if (!route) return undefined
          return {
            defaultLeaseTtl: () => this.#mounts.defaultTtl(route.entry),
            maxLeaseTtl: () => this.#mounts.maxTtl(route.entry),
          }
        },
        mountAccessor: (leaseId) => this.#mounts.match(leaseId)?.entry.accessor,
        emit: (event, ...args) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
        warn: (message) => this.emit('warning', message),
      },
      {
        ...leaseOptions,
        ...(revokeRetryBase === undefined ? {} : { revokeRetryBase: parseDuration(revokeRetryBase) }),
      },
    )
    // The lease manager owns token expiry: every service token gets a lease whose timer revokes it,
    // token renewals move that lease, and a revoked token queues the revocation of its leases.
    this.#tokens.revokeExpiredOnLookup = false
    this.#tokens.onCreate((entry, { auth }) => this.#leases.registerToken(entry, auth))
    this.#tokens.onExpiryChange((entry) => this.#leases.tokenExpiryChanged(entry))
    this.#tokens.onRevoke((entry) => this.#leases.revokeByToken(entry))
    // A revoked token takes its cubbyhole with it.
    this.#tokens.onRevoke(async (entry) => {
      if (entry.cubbyhole_id) await this.#cubbyholeView().sub(`${entry.cubbyhole_id}/`).clear()
    })
    this.#mounts = new MountService({
      barrier: this.#barrier,
      registry: this.engines,
      clock: this.clock,
      crypto: this.crypto,
      defaultLeaseTtl: defaultTtl,
      maxLeaseTtl: maxTtl,
      hooks: {
        mounted: (e) => this.emit('mounted', { path: e.path, type: e.type, table: e.table }),
        unmounted: (e) => this.emit('unmounted', { path: e.path, type: e.type, table: e.table }),
        tuned: (e) => this.emit('tuned', { path: e.path }),
        remounted: (from, to) => this.emit('remounted', { from, to }),
        // Vault revokes a mount's leases before it goes away or moves (sync; a failure stops the unmount).
        beforeUnmount: (entry: MountEntry) => this.#leases.revokePrefix(routePrefix(entry), { sync: true }),
      },
    })
    this.#seal = new SealManager({
      storage: this.storage,
      barrier: this.#barrier,
      seal: this.sealType,
      crypto: this.crypto,
      postUnseal: () => this.#postUnseal(),
      preSeal: () => this.#preSeal(),
      createRootToken: async (id) => (await this.#tokens.createRootToken(id === undefined ? {} : { id })).id,
      clusterInfo: () => this.#cluster,
    })
    const rekeyDone = (recovery: boolean) => (n: number, t: number) =>
      this.emit('rekeyed', { secretShares: n, secretThreshold: t, recovery })
    this.#rekey = new Rekey(this.#seal, this.crypto, false, this.sealType.autoUnseal, rekeyDone(false))
    this.#rekeyRecovery = new Rekey(this.#seal, this.crypto, true, this.sealType.autoUnseal, rekeyDone(true))
    this.#generateRoot = new GenerateRoot(
      this.#seal,
      this.crypto,
      async () => (await this.#tokens.createRootToken()).id,
      () => this.emit('rootGenerated'),
    )
    const core = this.#systemCore()
    this.#operator = createOperatorBackend(core)
    this.engines.register({
      type: 'system',
      kind: 'secret',
      singleton: true,
      factory: () => createSystemBackend(core),
    })
    this.engines.register({
      type: 'cubbyhole',
      kind: 'secret',
      singleton: true,
      factory: createCubbyholeBackend,
    })
    this.engines.register({ type: 'kv', kind: 'secret', factory: createKvBackend })
    this.engines.register({ type: 'approle', kind: 'auth', factory: createAppRoleBackend })
    const passwordHasher = options.passwordHasher
    this.engines.register({
      type: 'userpass',
      kind: 'auth',
      factory: (config) => createUserpassBackend(config, passwordHasher ? { hasher: passwordHasher } : {}),
    })
    this.engines.register({ type: 'transit', kind: 'secret', factory: createTransitBackend })
    this.engines.register({ type: 'database', kind: 'secret', factory: createDatabaseBackend })
    const tokenCore: TokenCore = {
      tokens: this.#tokens,
      clock: this.clock,
      policyExists: (name) => this.#policies.exists(name),
      // Tokens an auth method made renew through that method (Vault's ExpirationManager.RenewToken).
      renewLogin: (entry, increment, connection) =>
        this.#leases.renewToken(entry, increment, connection ? { connection } : {}),
    }
    this.engines.register({
      type: 'token',
      kind: 'auth',
      singleton: true,
      factory: (config) => createTokenBackend(tokenCore, config),
    })
  }

  /**
   * The lease manager: every leased secret and every service token has a lease here. This is the
   * host's handle, outside the request pipeline and its ACL (like {@link Vault.seal}): clients use
   * `sys/leases/*`. Hosts and tests use it to wait for expiry work ({@link ExpirationManager.idle}) and
   * to read counters.
   *
   * @example
   * ```ts
   * const clock = new ManualClock()
   * const vault = await Vault.dev({ clock })
   * await clock.advance('1h')
   * await vault.leases.idle() // leases due within the hour have been revoked
   * vault.leases.pending      // leases still waiting to expire
   * ```
   */
  get leases(): ExpirationManager {
    return this.#leases
  }

  /**
   * The audit broker: register device types (`registerDeviceType`), rotate logs (`reopen()`, e.g. on
   * `SIGHUP`), wait for writes (`flush()`). Clients manage devices through `sys/audit/*`.
   */
  get audit(): AuditBroker {
    return this.#audit
  }

  /** The `cubbyhole/` mount's storage (per-token cubbyholes live below it). */
  #cubbyholeView(): StorageView {
    const route = this.#mounts.router.get('cubbyhole/')
    if (!route) throw new SealedError()
    return route.storage
  }

  /**
   * A development vault: in-memory, initialized with one unseal key, unsealed, root token known.
   * Emits a `warning` (on the next tick, once you can listen) that it is not for production.
   *
   * @example
   * ```ts
   * const vault = await Vault.dev({ rootToken: 'root' })
   * await vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })
   * ```
   */
  static async dev(options: DevOptions = {}): Promise<Vault> {
    const { rootToken, ...rest } = options
    const vault = new Vault(rest)
    const init = await vault.#seal.init({
      secretShares: 1,
      secretThreshold: 1,
      ...(rootToken ? { rootTokenId: rootToken } : {}),
    })
    await vault.unseal(init.keys[0]!)
    vault.rootToken = init.rootToken
    vault.unsealKey = init.keys[0]
    // As `vault server -dev`: KV version 2 at secret/.
    await vault.#mounts.mount('mounts', {
      path: 'secret/',
      type: 'kv',
      options: { version: '2' },
      description: 'key/value secret storage',
    })
    const warning =
      'You are running vaultlet in dev mode: all data is in memory, the vault is unsealed and the root token is known. Do not run it in production.'
    setTimeout(() => vault.emit('warning', warning), 0)
    return vault
  }

  /**
   * A typed client for the KV engine mounted at `mount` — a thin layer over {@link Vault.request},
   * so the token's policies apply as to any request.
   *
   * @example
   * ```ts
   * const kv = vault.kv('secret', { token })
   * await kv.put('myapp/stripe', { api_key: 'sk_live_…' })
   * const secret = await kv.get('myapp/stripe') // { data: { api_key: … }, metadata: { version: 1, … } }
   * ```
   */
  kv(mount: string, options: { token?: string } & KvClientOptions = {}): KvClient {
    const { token, ...rest } = options
    return new KvClient((r) => this.request(r), mount, token, rest)
  }

  /**
   * A typed client for the transit engine mounted at `mount` — a thin layer over {@link Vault.request}.
   *
   * @example
   * ```ts
   * await vault.request({ method: 'POST', path: 'sys/mounts/transit', data: { type: 'transit' }, token })
   * const transit = vault.transit('transit', { token })
   * await transit.createKey('orders')
   * const { ciphertext } = await transit.encrypt('orders', 'card-4242') // 'vault:v1:…'
   * const plaintext = await transit.decrypt('orders', ciphertext)        // .text() → 'card-4242'
   * ```
   */
  transit(mount = 'transit', options: { token?: string } = {}): TransitClient {
    return new TransitClient((r) => this.request(r), mount, options.token)
  }

  /**
   * Typed logins — AppRole and userpass — over {@link Vault.request}: each answers the new token and
   * Vault's `auth` block.
   *
   * @example
   * ```ts
   * const { token, auth } = await vault.login.appRole({ roleId, secretId })
   * auth.policies // ['default', 'myapp']
   * const { token: bobs } = await vault.login.userpass('bob', 'correct horse battery staple')
   * ```
   */
  get login(): LoginClient {
    return new LoginClient((r) => this.request(r))
  }

  /**
   * A handle whose requests all carry `token`: `request()` and `kv(mount)` with the token filled in.
   * The token's policies apply as to any request.
   *
   * @example
   * ```ts
   * const { token } = await vault.login.appRole({ roleId, secretId })
   * const app = vault.withToken(token)
   * const stripe = await app.kv('secret').get('myapp/stripe')
   * await app.request({ method: 'POST', path: 'auth/token/renew-self' })
   * ```
   * @throws {TypeError} for an empty token.
   */
  withToken(token: string): TokenScope {
    return new TokenScope((r) => this.request(r), token)
  }

  /**
   * A typed client for the database engine mounted at `mount` — a thin layer over {@link Vault.request}.
   *
   * @example
   * ```ts
   * const { username, password, leaseId } = await vault.database('database', { token }).creds('readonly')
   * ```
   */
  database(mount = 'database', options: { token?: string } = {}): DatabaseClient {
    return new DatabaseClient((r) => this.request(r), mount, options.token)
  }

  /** `true` while sealed. */
  get sealed(): boolean {
    return this.#barrier.sealed
  }

  /** `vault status`: the seal status. */
  status(): Promise<SealStatus> {
    return this.#seal.status()
  }

  /**
   * Initializes a new vault (`sys/init`). Shamir vaults stay sealed; auto-unseal vaults unseal.
   *
   * @throws {InvalidRequestError} bad share parameters, or already initialized.
   */
  async init(options: InitOptions = {}): Promise<InitResult> {
    const result = await this.#seal.init(options)
    this.emit('initialized', {
      secretShares: options.secretShares ?? options.recoveryShares ?? 5,
      secretThreshold: options.secretThreshold ?? options.recoveryThreshold ?? 3,
      sealType: this.sealType.type,
    })
    if (!this.#barrier.sealed) this.emit('unsealed')
    return result
  }

  /**
   * Submits one unseal key share (hex or base64, as `init` returned it). Returns the seal status;
   * `sealed` turns false on the threshold share. Auto-unseal vaults need no key.
   *
   * @throws {InvalidKeyError} the combined shares are wrong (progress is reset).
   */
  async unseal(key?: string | Uint8Array): Promise<SealStatus> {
    const bytes = key === undefined ? undefined : typeof key === 'string' ? decodeKeyShare(key) : key
    await this.#submitUnsealKey(bytes)
    return this.status()
  }

  async #submitUnsealKey(key: Uint8Array | undefined): Promise<void> {
    const wasSealed = this.#barrier.sealed
    await this.#seal.submitUnsealKey(key)
    if (wasSealed && !this.#barrier.sealed) this.emit('unsealed')
  }

  /** Seals the vault: keys are wiped from memory; every request answers 503 until unsealed. */
  async seal(): Promise<void> {
    const wasSealed = this.#barrier.sealed
    await this.#seal.seal()
    if (!wasSealed) this.emit('sealed')
  }

  /** Seals and releases the storage adapter. */
  async close(): Promise<void> {
    await this.seal()
    await this.storage.close?.()
  }

  #systemCore(): SystemCore {
    return {
      sealManager: this.#seal,
      rekey: this.#rekey,
      rekeyRecovery: this.#rekeyRecovery,
      generateRoot: this.#generateRoot,
      mounts: this.#mounts,
      policies: this.#policies,
      tokens: this.#tokens,
      wrapper: () => this.#wrapper,
      barrier: this.#barrier,
      clock: this.clock,
      leases: this.#leases,
      audit: this.#audit,
      allowed: async (entry, path, operation) =>
        (await this.#policies.acl(entry.policies)).allowOperation({ path, operation, data: {}, wrapTtl: 0 })
          .allowed,
      init: (options) => this.init(options),
      submitUnsealKey: (key) => this.#submitUnsealKey(key),
      seal: () => this.seal(),
      rotate: async () => {
        const { term } = await this.#barrier.rotate()
        this.emit('keyRotated', { term })
        return { term }
      },
      status: () => this.status(),
      clusterInfo: () => this.#cluster,
    }
  }

  async #postUnseal(): Promise<void> {
    await this.#tokens.setup()
    await this.#policies.setup()
    const raw = await this.#barrier.get(CLUSTER_INFO_PATH)
    if (raw) {
      this.#cluster = JSON.parse(fromUtf8(raw)) as { name: string; id: string }
    } else {
      this.#cluster = { name: `vault-cluster-${toHex(this.crypto.randomBytes(4))}`, id: uuid() }
      await this.#barrier.put(CLUSTER_INFO_PATH, utf8(JSON.stringify(this.#cluster)))
    }
    await this.#mounts.setup(this.#defaultMounts(), [
      { path: 'token/', type: 'token', description: 'token based credentials' },
    ])
    // Before the first request is served: the devices enabled before the seal log again.
    await this.#audit.setup()
    // Last: revocations route to mounted backends. The queue is rebuilt in the background.
    this.#leases.setup()
    this.#rollback.start()
  }

  #defaultMounts(): MountInput[] {
    return [
      {
        path: 'cubbyhole/',
        type: 'cubbyhole',
        description: 'per-token private secret storage',
        local: true,
      },
      {
        path: 'sys/',
        type: 'system',
        description: 'system endpoints used for control, policy and debugging',
      },
    ]
  }

  async #preSeal(): Promise<void> {
    // First: no lease may expire into a half-torn-down core. Nothing is revoked on seal.
    this.#leases.teardown()
    this.#rollback.stop()
    await this.#audit.teardown()
    this.#rekey.wipe()
    this.#rekeyRecovery.wipe()
    this.#generateRoot.cancel()
    await this.#mounts.teardown()
    this.#tokens.teardown()
    this.#policies.teardown()
    this.#cluster = null
  }

  /**
   * Sends a request through the pipeline and returns Vault's response envelope.
   *
   * @throws {VaultError} for every status ≥ 400, with Vault's `statusCode` and `errors`.
   *
   * @example
   * ```ts
   * const res = await vault.request({ method: 'POST', path: 'sys/mounts/kv', data: { type: 'kv' }, token })
   * ```
   */
  async request<T = Record<string, unknown>>(req: VaultRequest): Promise<VaultResponse<T>> {
    const { status, body, error } = await this.#dispatch(req)
    if (error) throw error
    if (status === 204 || body === null) return envelope(uuid(), null, '') as VaultResponse<T>
    if ('request_id' in body) {
      // An envelope with an error status (KV v2's deleted version: 404 with its metadata) is thrown,
      // carrying the envelope, so that every status ≥ 400 reaches in-process callers as a VaultError.
      if (status >= 400) {
        const [code, message] =
          status === 404
            ? (['ERR_NOT_FOUND', 'not found'] as const)
            : (['ERR_INVALID_REQUEST', `request failed with status ${status}`] as const)
        throw new VaultError(code, status, message, { errors: [], response: body })
      }
      return body as VaultResponse<T>
    }
    // Operator endpoints answer a bare object over HTTP; in-process it arrives as `data`.
    return envelope(uuid(), body, 'system') as VaultResponse<T>
  }

  /**
   * Sends a request and returns the HTTP status and JSON body Vault would answer with. Never throws:
   * errors become `{errors: [...]}` bodies. This is what the HTTP server writes.
   */
  async handle(req: VaultRequest): Promise<RawResponse> {
    const { status, body, error } = await this.#dispatch(req)
    if (error) {
      const mapped = errorToHttp(error)
      return { status: mapped.status, body: mapped.body }
    }
    return { status, body }
  }

  async #dispatch(req: VaultRequest): Promise<RawResponse & { error?: unknown }> {
    try {
      return await this.#pipeline(req)
    } catch (error) {
      return { status: 500, body: null, error: error instanceof VaultError ? error : wrapUnknown(error) }
    }
  }

  async #pipeline(req: VaultRequest): Promise<RawResponse> {
    const requestId = uuid()
    const method = String(req.method ?? '').toUpperCase()
    let operation = METHOD_OPERATION[method]
    // Vault's HTTP layer answers an unknown verb with a bare 405 `{"errors":[]}`.
    if (!operation) throw new UnsupportedOperationError({ errors: [] })
    const data: Record<string, unknown> = { ...(req.data ?? {}) }
    if (method === 'GET' && data.list !== undefined && data.list !== '') {
      // `?list=` is read with Go's strconv.ParseBool; an unparsable value is a 400 with no message.
      const list = parseGoBool(Array.isArray(data.list) ? data.list[0] : data.list)
      if (list === undefined) throw new InvalidRequestError('invalid list parameter', { errors: [] })
      if (list) {
        operation = 'list'
        delete data.list
      }
    }
    let path = normalizePath(req.path)
    // HEAD means something only on sys/health (api-docs/index: other verbs → 405).
    if (method === 'HEAD' && path !== 'sys/health') throw new UnsupportedOperationError({ errors: [] })
    if (operation === 'list' && !path.endsWith('/')) path += '/'
    const headers = normalizeHeaders(req.headers)
    const wrapTtl = req.wrapTtl === undefined || req.wrapTtl === '' ? 0 : parseDuration(req.wrapTtl)

    // Operator endpoints (init, unseal, seal-status, health, rekey, generate-root) answer while sealed
    // and authenticate by key shares, not tokens.
    if (OPERATOR_PATHS.test(path)) {
      // Vault audits generate-root (handleAuditNonLogical), not init/unseal/health/rekey; only unsealed.
      const trail = new AuditTrail(!this.#barrier.sealed && isAuditedPath(path) ? this.#audit : null, {
        id: requestId,
        operation,
        path,
        data,
        headers,
        remoteAddress: req.connection?.remoteAddress ?? '',
        remotePort: req.connection?.remotePort ?? 0,
      })
      try {
        await trail.request()
        const raw = await this.#operatorRequest(
          requestId,
          operation,
          path,
          data,
          headers,
          req,
          wrapTtl,
          method,
        )
        return await trail.response(raw)
      } catch (err) {
        throw await trail.failed(err)
      }
    }
    if (this.#barrier.sealed) throw new SealedError()
    const trail = new AuditTrail(isAuditedPath(path) ? this.#audit : null, {
      id: requestId,
      operation,
      path,
      data,
      clientToken: typeof req.token === 'string' ? req.token : '',
      headers,
      remoteAddress: req.connection?.remoteAddress ?? '',
      remotePort: req.connection?.remotePort ?? 0,
      wrapTtl,
    })
    try {
      return await trail.response(
        await this.#serve(requestId, operation, path, data, headers, req, wrapTtl, trail),
      )
    } catch (err) {
      throw await trail.failed(err)
    }
  }

  async #operatorRequest(
    requestId: string,
    operation: Operation,
    path: string,
    data: Record<string, unknown>,
    headers: Record<string, string[]>,
    req: VaultRequest,
    wrapTtl: number,
    method: string,
  ): Promise<RawResponse> {
    {
      const resp = await this.#operator.handleRequest(
        this.#logical(
          requestId,
          operation,
          path,
          'sys/',
          data,
          headers,
          null,
          'system',
          '',
          req.connection,
          wrapTtl,
        ),
      )
      const status = resp?.httpStatus ?? (resp?.data ? 200 : 204)
      // HEAD (sys/health) answers with the status only, as Vault's handleSysHealthHead.
      return { status, body: method === 'HEAD' ? null : (resp?.data ?? null) }
    }
  }

  /** The authenticated part of the pipeline: fills `trail.input`, logs the request before the handler. */
  async #serve(
    requestId: string,
    operation: Operation,
    path: string,
    data: Record<string, unknown>,
    headers: Record<string, string[]>,
    req: VaultRequest,
    wrapTtl: number,
    trail: AuditTrail,
  ): Promise<RawResponse> {
    const token = typeof req.token === 'string' ? req.token : ''
    if (WRAPPING_TOKEN_PATHS.has(path)) {
      // Vault checks the wrapping token before anything else on these paths.
      await this.#wrapper.validate(typeof data.token === 'string' && data.token !== '' ? data.token : token)
    }
    const route = this.#mounts.match(path)
    const relative = route ? path.slice(route.prefix.length) : path
    const special = route?.backend.specialPaths
    const unauthenticated = route !== undefined && matchesAny(special?.unauthenticated, relative)
    const rootPath = route !== undefined && matchesAny(special?.root, relative)
    // Unauthenticated paths (logins) do not look at the token at all, as in Vault.
    let entry = token && !unauthenticated ? await this.#tokens.lookup(token) : null
    if (route) {
      Object.assign(trail.input, {
        mountPoint: route.prefix,
        mountType: route.entry.type,
        mountAccessor: route.entry.accessor,
        mountRunningVersion: route.entry.running_plugin_version,
        mountClass: route.entry.table === 'auth' ? 'auth' : 'secret',
        nonHmacRequestKeys: route.entry.config.audit_non_hmac_request_keys ?? [],
        nonHmacResponseKeys: route.entry.config.audit_non_hmac_response_keys ?? [],
      })
    }
    if (unauthenticated) trail.input.clientToken = ''
    if (entry) {
      // As looked up, before this request uses it (Vault's remaining_uses).
      Object.assign(trail.input, { clientTokenAccessor: entry.accessor, tokenEntry: { ...entry } })
    }
    if (!entry && !unauthenticated) throw new PermissionDeniedError()
    // CIDR-bound tokens answer only from their networks (every token but non-expiring root ones).
    if (entry && !tokenAddressAllowed(entry, req.connection?.remoteAddress)) throw new PermissionDeniedError()

    if (!route) {
      // The ACL answers before the router: without a grant on the path a caller learns nothing.
      await this.#authorize(entry!, { path, operation, data, wrapTtl }, false, trail)
      await trail.request()
      throw new UnsupportedPathError(`no handler for route "${path}". route entry not found.`)
    }
    const lreq = this.#logical(
      requestId,
      operation,
      relative,
      route.prefix,
      data,
      headers,
      entry,
      route.entry.type,
      route.entry.accessor,
      req.connection,
      wrapTtl,
      route,
    )
    if (unauthenticated && token && path.startsWith('sys/internal/ui/')) {
      // The UI/CLI preflight endpoints answer anyone but show a token what its policies reach: they see
      // the token (not spending a use, no ACL on the endpoint itself), as Vault's handlers do.
      const caller = await this.#tokens.lookup(token)
      if (caller) lreq.tokenEntry = caller
    }
    if (operation === 'update' && route.backend.existenceCheck) {
      const { checkFound, exists } = await route.backend.existenceCheck(lreq)
      if (checkFound && !exists) lreq.operation = 'create'
    }
    let revokeAfterRequest = false
    if (entry) {
      // Vault counts a use before the ACL check: a denied request still spends it.
      const used = await this.#tokens.use(entry)
      entry = used.entry
      revokeAfterRequest = used.revokeAfterRequest
      lreq.tokenEntry = entry
      try {
        trail.input.operation = lreq.operation
        lreq.sudo = await this.#authorize(
          entry,
          { path, operation: lreq.operation, data, wrapTtl },
          rootPath,
          trail,
        )
      } catch (err) {
        if (revokeAfterRequest) await this.#tokens.revokeTree(entry.id)
        throw err
      }
    }
    trail.input.operation = lreq.operation
    if (unauthenticated) trail.input.policyResults = { allowed: true }
    try {
      // Fail closed: no device recorded the request ⇒ it is not served.
      await trail.request()
      let resp = await route.backend.handleRequest(lreq)
      // Help answers the backend's data as the whole body, as Vault's help handler does.
      if (lreq.operation === 'help') return { status: 200, body: resp?.data ?? { help: '' } }
      if (resp?.auth) {
        // A login (an unauthenticated path answering with `auth`) gets its token here; only the token
        // store may answer `auth` anywhere else (Vault: "unexpected Auth response for non-token backend").
        if (unauthenticated) resp = await this.#login(lreq, route, resp)
        else if (route.prefix !== 'auth/token/') throw new InternalError('unexpected auth response')
      }
      return await this.#respond(requestId, lreq, route, resp)
    } finally {
      if (revokeAfterRequest && entry) await this.#tokens.revokeTree(entry.id)
    }
  }

  /**
   * The lease fields of a response carrying a `secret` (Vault's request handling): a renewal shows the
   * lease it renewed; a KV mount's TTL is advisory (shown, never leased, unless the mount has
   * `leased_passthrough`); anything else gets a lease from the lease manager, with its TTL calculated
   * against the mount's limits. If the lease cannot be registered, the secret is revoked at its backend
   * and the request fails with 500.
   */
  async #lease(
    req: LogicalRequest,
    route: Route,
    resp: LogicalResponse,
  ): Promise<{ leaseId: string; renewable: boolean; ttl: number; warnings: string[] }> {
    const secret = resp.secret ?? {}
    const fullPath = route.prefix + req.path
    if (LEASE_RENEW_PATH.test(fullPath)) {
      return {
        leaseId: secret.leaseId ?? '',
        renewable: secret.renewable ?? false,
        ttl: secret.ttl ?? 0,
        warnings: [],
      }
    }
    const { type, options } = route.entry
    if ((type === 'kv' || type === 'generic') && options?.leased_passthrough !== 'true') {
      return { leaseId: '', renewable: false, ttl: secret.ttl ?? 0, warnings: [] }
    }
    try {
      if (!req.tokenEntry) throw new InternalError('cannot register a lease with an empty client token')
      return await this.#leases.register({
        path: fullPath,
        token: req.tokenEntry,
        secret,
        data: resp.data ?? null,
      })
    } catch (err) {
      if (err instanceof SealedError) throw err
      // Vault's Register rollback: the backend made a secret nobody will track; take it back.
      await this.#leaseRequest({ operation: 'revoke', path: fullPath, secret, data: resp.data ?? {} }).catch(
        () => undefined,
      )
      throw new InternalError('internal error', { cause: err })
    }
  }

  /**
   * The login flow's last step (Vault's `handleLoginRequest`): an auth method accepted the credentials
   * and answered `auth`; the core creates the token (see `core/login.ts`) and answers its auth block.
   * Only auth mounts other than `auth/token/` log in; a login may not hand out a leased secret.
   */
  async #login(req: LogicalRequest, route: Route, resp: LogicalResponse): Promise<LogicalResponse> {
    if (route.entry.table !== 'auth' || route.prefix === 'auth/token/' || resp.secret || !resp.auth) {
      throw new InternalError('unexpected login response')
    }
    const { auth, warnings } = await createLoginToken(
      { tokens: this.#tokens, clock: this.clock },
      {
        path: route.prefix + req.path,
        mount: route.entry,
        limits: {
          defaultLeaseTtl: () => this.#mounts.defaultTtl(route.entry),
          maxLeaseTtl: () => this.#mounts.maxTtl(route.entry),
        },
        auth: resp.auth,
      },
    )
    req.displayName = auth.displayName
    const allWarnings = [...(resp.warnings ?? []), ...warnings]
    return { ...resp, auth, ...(allWarnings.length > 0 ? { warnings: allWarnings } : {}) }
  }

  /** A renew or revoke from the lease manager, routed to the backend mounted at the lease's path. */
  async #leaseRequest(req: LeaseRouteRequest): Promise<LogicalResponse | null> {
    const route = this.#mounts.match(req.path)
    if (!route) throw new UnsupportedPathError(`no handler for route "${req.path}". route entry not found.`)
    const lreq = this.#logical(
      uuid(),
      req.operation,
      req.path.slice(route.prefix.length),
      route.prefix,
      req.data,
      {},
      null,
      route.entry.type,
      route.entry.accessor,
      req.connection,
      0,
      route,
    )
    lreq.secret = req.secret
    if (req.auth) lreq.auth = req.auth
    return route.backend.handleRequest(lreq)
  }

  /**
   * The ACL step: the token's policies must grant the operation's capability on the path (with
   * parameter and wrapping-TTL constraints), and `sudo` on root-protected paths. Returns whether the
   * caller has root privileges on the path.
   */
  async #authorize(
    entry: TokenEntry,
    req: { path: string; operation: Operation; data: Record<string, unknown>; wrapTtl: number },
    rootPath: boolean,
    trail?: AuditTrail,
  ): Promise<boolean> {
    const acl = await this.#policies.acl(entry.policies)
    const result = acl.allowOperation(req)
    const allowed = result.allowed && (!rootPath || result.rootPrivs)
    if (trail) {
      trail.input.policyResults = allowed
        ? { allowed, grantingPolicies: result.grantingPolicies }
        : { allowed: false }
    }
    if (!allowed) throw aclDenied()
    return result.rootPrivs
  }

  #logical(
    id: string,
    operation: Operation,
    path: string,
    mountPoint: string,
    data: Record<string, unknown>,
    headers: Record<string, string[]>,
    entry: TokenEntry | null,
    mountType: string,
    mountAccessor: string,
    connection: ConnectionInfo | undefined,
    wrapTtl: number,
    route?: Route,
  ): LogicalRequest {
    return {
      id,
      operation,
      path,
      mountPoint,
      mountType,
      mountAccessor,
      data,
      storage: route?.storage ?? new StorageView(this.#barrier, 'sys/'),
      clientToken: entry?.id ?? '',
      clientTokenAccessor: entry?.accessor ?? '',
      displayName: entry?.display_name ?? '',
      policies: entry?.policies ?? [],
      ...(entry ? { tokenEntry: entry } : {}),
      headers,
      ...(connection ? { connection } : {}),
      ...(wrapTtl ? { wrapTtl } : {}),
    }
  }

  async #respond(
    requestId: string,
    req: LogicalRequest,
    route: Route,
    resp: LogicalResponse | null,
  ): Promise<RawResponse> {
    const fullPath = route.prefix + req.path
    if (!resp) {
      if (req.operation === 'read' || req.operation === 'list') throw new NotFoundError()
      return { status: 204, body: null }
    }
    if (resp.bare) return { status: resp.httpStatus ?? 200, body: resp.data ?? null }
    const lease = resp.secret ? await this.#lease(req, route, resp) : null
    const allWarnings = [...(resp.warnings ?? []), ...(lease?.warnings ?? [])]
    const warnings = allWarnings.length ? allWarnings : null
    if (req.operation === 'list' && !warnings) {
      const keys = resp.data?.keys
      const onlyKeys = resp.data ? Object.keys(resp.data).every((k) => k === 'keys') : true
      if (onlyKeys && (!Array.isArray(keys) || keys.length === 0)) throw new NotFoundError()
    }
    let body: Record<string, unknown> = envelope(requestId, resp.data ?? null, route.entry.type)
    if (lease) {
      body.lease_id = lease.leaseId
      body.renewable = lease.renewable
      body.lease_duration = lease.ttl
    } else if (resp.leaseDuration !== undefined) {
      // KV v1's advisory ttl: shown as lease_duration, no lease (as Vault's passthrough).
      body.lease_duration = resp.leaseDuration
    }
    body.warnings = warnings
    if (resp.auth) body.auth = formatAuth(resp.auth)
    if (req.wrapTtl) {
      // Response wrapping: the whole answer goes into a single-use token's cubbyhole.
      const info = await this.#wrapper.wrap(body, {
        ttl: req.wrapTtl,
        creationPath: fullPath,
        displayName: req.displayName,
        ...(resp.auth?.accessor ? { wrappedAccessor: resp.auth.accessor } : {}),
      })
      return { status: 200, body: wrappedEnvelope(info) }
    }
    if (resp.data && TOP_LEVEL_DATA.test(fullPath)) {
      // As Vault's HTTPSysInjector writes it: data's keys first, then the envelope's (which win).
      body = { ...resp.data, ...body }
    }
    return { status: resp.httpStatus ?? 200, body }
  }
}

/** Renewals answer with the lease they renewed: it is not registered again (Vault's request handling). */
const LEASE_RENEW_PATH = /^sys\/(leases\/)?renew(\/|$)/

/** Vault's ACL denial: a multierror-shaped `permission denied` (403). */
function aclDenied(): PermissionDeniedError {
  const message = '1 error occurred:\n\t* permission denied\n\n'
  return new PermissionDeniedError(message, { errors: [message] })
}

function envelope(requestId: string, data: Record<string, unknown> | null, mountType: string): VaultResponse {
  return {
    request_id: requestId,
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
    mount_type: mountType,
  }
}

function wrapUnknown(error: unknown): VaultError {
  return new VaultError('ERR_INTERNAL', 500, 'internal error', { cause: error, errors: ['internal error'] })
}

/**
 * Strips a leading `/` and refuses paths that would be normalized into another path (`..`, `.`, empty
 * segments): a request names exactly one path.
 */
function normalizePath(path: unknown): string {
  if (typeof path !== 'string') throw new InvalidRequestError('missing request path')
  const p = path.startsWith('/') ? path.slice(1) : path
  const segments = (p.endsWith('/') ? p.slice(0, -1) : p).split('/')
  if (p === '' || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidRequestError(`invalid request path "${path}"`)
  }
  return p
}

/** Go's `strconv.ParseBool` (booleans pass through); `undefined` when unparsable. */
function parseGoBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v
  const s = String(v)
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false
  return undefined
}

function normalizeHeaders(headers: VaultRequest['headers']): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    const name = k.toLowerCase()
    if (name === 'x-vault-token' || name === 'authorization') continue
    out[name] = Array.isArray(v) ? v : [v]
  }
  return out
}

/** Vault's special-path globs: exact, or prefix when ending in `*`. */
function matchesAny(globs: string[] | undefined, path: string): boolean {
  return (globs ?? []).some((g) => (g.endsWith('*') ? path.startsWith(g.slice(0, -1)) : path === g))
}
