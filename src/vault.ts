/**
 * The `Vault` class: storage adapter → barrier → seal, the mount table and router, the token store,
 * and their lifecycle. Requests go through the one pipeline every door (in-process, typed helpers,
 * HTTP) shares: see `core/pipeline.ts`.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3'
import { AuditBroker } from './audit/broker.js'
import type { AuditDeviceFactory } from './audit/types.js'
import { Barrier } from './barrier/barrier.js'
import { LoginClient } from './client/login.js'
import { TokenScope } from './client/with-token.js'
import { type Clock, systemClock } from './clock.js'
import { ExpirationManager, type ExpirationOptions } from './core/expiration/expiration-manager.js'
import { GenerateRoot } from './core/generate-root.js'
import type { Backend } from './core/logical.js'
import { type MountInput, MountService, SYSTEM_DEFAULT_TTL } from './core/mount-service.js'
import { type MountEntry, routePrefix } from './core/mounts.js'
import { Pipeline } from './core/pipeline.js'
import { PolicyStore } from './core/policy-store.js'
import { Rekey } from './core/rekey.js'
import type { RawResponse, VaultRequest, VaultResponse } from './core/request.js'
import { RollbackManager } from './core/rollback.js'
import { type InitOptions, type InitResult, SealManager, type SealStatus } from './core/seal-manager.js'
import { decodeKeyShare } from './core/shares.js'
import { TokenStore } from './core/token-store.js'
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
import { createOperatorBackend } from './engines/sys/operator.js'
import { createTokenBackend, type TokenCore } from './engines/token/index.js'
import { TransitClient } from './engines/transit/client.js'
import { createTransitBackend } from './engines/transit/index.js'
import { createUserpassBackend, type PasswordHasher } from './engines/userpass/index.js'
import { SealedError } from './errors.js'
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
  readonly #pipeline: Pipeline
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
        this.#pipeline.logical(
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
        route: (req) => this.#pipeline.leaseRequest(req),
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
    this.#pipeline = new Pipeline({
      barrier: this.#barrier,
      mounts: this.#mounts,
      tokens: this.#tokens,
      policies: this.#policies,
      leases: this.#leases,
      wrapper: this.#wrapper,
      audit: this.#audit,
      operator: this.#operator,
      clock: this.clock,
    })
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
    return this.#pipeline.request<T>(req)
  }

  /**
   * Sends a request and returns the HTTP status and JSON body Vault would answer with. Never throws:
   * errors become `{errors: [...]}` bodies. This is what the HTTP server writes.
   */
  async handle(req: VaultRequest): Promise<RawResponse> {
    return this.#pipeline.handle(req)
  }
}
