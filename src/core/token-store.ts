/**
 * The token store (Vault's `TokenStore`): creates, looks up, uses up, renews and revokes tokens.
 *
 * Storage, under the store's view (`sys/token/` behind the barrier):
 *
 * | key | what |
 * |---|---|
 * | `salt` | 32 random bytes: the HMAC key every storage key below is derived with |
 * | `batch-key` | AES-256 key that seals batch tokens (never leaves the barrier) |
 * | `id/<salted id>` | the {@link TokenEntry}, JSON |
 * | `accessor/<salted accessor>` | `{ salted_id, accessor }`: accessor → token index |
 * | `parent/<salted parent>/<salted child>` | empty: the parent → child index revocation walks |
 *
 * A salted ID is `h` + hex HMAC-SHA256(salt, id): the clear token ID is never a storage key and never
 * appears in a value other than its own entry (which the barrier encrypts).
 *
 * Expiry: a token's `expire_time` is checked against the injected clock at every lookup, so an expired
 * token is never returned. Inside a `Vault` the lease manager owns expiry: every service token gets a
 * lease when it is created ({@link TokenStore.onCreate}), the lease's timer revokes the token tree, and
 * every change of `expire_time` goes through {@link TokenStore.setExpiry}, whose
 * {@link TokenStore.onExpiryChange} listeners move the lease. A store used on its own (no lease manager)
 * revokes an expired token lazily, the first time it is looked up
 * ({@link TokenStore.revokeExpiredOnLookup}).
 *
 * Batch-token sealing lives in `batch-token.ts`; the parent-index walks (tree revocation, orphaning,
 * tidy) in `token-tree.ts`.
 *
 * @module
 */
import type { Clock } from '../clock.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { InvalidRequestError, PermissionDeniedError } from '../errors.js'
import type { StorageView } from '../storage/view.js'
import { randomBase62, toBase64, toHex, utf8 } from '../util/encoding.js'
import { KeyedLock } from '../util/lock.js'
import { BatchTokenSealer, isBatchToken } from './batch-token.js'
import type { AuthInfo } from './logical.js'
import { TOKEN_REVOCATION_PENDING, TokenTree } from './token-tree.js'

export { BATCH_TOKEN_PREFIX, isBatchToken } from './batch-token.js'
export { TOKEN_REVOCATION_PENDING } from './token-tree.js'

/** Salt for hashing token IDs and accessors, created once (behind the barrier). */
const SALT_KEY = 'salt'
/** Token entries, keyed by the salted hash of the token ID. */
const ID_PREFIX = 'id/'
/** Accessor index: salted hash of an accessor → salted hash of its token ID. */
const ACCESSOR_PREFIX = 'accessor/'

/** Service tokens: `hvs.` + 24 base62 characters. */
export const SERVICE_TOKEN_PREFIX = 'hvs.'
/** Vault's legacy service prefix, refused for custom IDs. */
const LEGACY_SERVICE_PREFIX = 's.'

/** Policies that can never be put on a token (Vault's `nonAssignablePolicies`). */
export const NON_ASSIGNABLE_POLICIES: readonly string[] = Object.freeze([
  'response-wrapping',
  'control-group',
])

/** A token type as stored: service tokens are persisted, batch tokens are not. */
export type TokenType = 'service' | 'batch'

/**
 * A token, as Vault's `TokenEntry`. Durations are seconds; `creation_time` is Unix seconds; the lease
 * times (`issue_time`, `expire_time`, `last_renewal_time`) are milliseconds since the epoch.
 */
export interface TokenEntry {
  /** The token itself (kept behind the barrier only, as in Vault). */
  id: string
  /** 24 base62 characters; `''` for batch tokens. */
  accessor: string
  /** The parent token's ID, `''` for orphans. */
  parent: string
  /** Sanitized: lower-case, trimmed, de-duplicated, sorted; `['root']` alone for root tokens. */
  policies: string[]
  /** The path that created the token, e.g. `auth/token/create` (token lease IDs start with it). */
  path: string
  meta: Record<string, string> | null
  display_name: string
  /** Uses left; 0 = unlimited; {@link TOKEN_REVOCATION_PENDING} = used up, revoked after this request. */
  num_uses: number
  /** Unix seconds. */
  creation_time: number
  /** TTL granted at creation, seconds (0 = never expires: root tokens only). */
  ttl: number
  explicit_max_ttl: number
  period: number
  type: TokenType
  /** Token role that created it, `''` when none. */
  role: string
  /** Source addresses allowed to use the token (CIDRs or addresses); empty = anywhere. */
  bound_cidrs: string[]
  /** Derived: `parent === ''`. */
  orphan: boolean
  renewable: boolean
  /** Identity entity; `''` until identity lands. */
  entity_id: string
  /** Per-token cubbyhole storage prefix (random, so it reveals nothing about the token); `''` for batch. */
  cubbyhole_id: string
  /**
   * When the token's lease was registered, ms; `0` when it has none (root tokens made by `sys/init` and
   * `sys/generate-root`, as in Vault: they never expire and cannot be renewed).
   */
  issue_time: number
  /** When the token expires, ms; `0` = never. */
  expire_time: number
  /** Last renewal, ms; `0` = never renewed. */
  last_renewal_time: number
}

/** Options for a root token. */
export interface RootTokenOptions {
  /** A caller-chosen token ID (dev mode's `rootToken`). */
  id?: string
}

/**
 * What {@link TokenStore.create} needs: everything already resolved by the caller (the `auth/token/`
 * backend, or a login) — policies chosen, TTL calculated. The store sanitizes policies, generates the
 * ID, accessor and cubbyhole ID, and persists.
 */
export interface TokenCreateParams {
  policies: string[]
  /** Creation path, e.g. `auth/token/create`. */
  path: string
  /** Parent token ID; omitted or `''` for an orphan. The parent must exist. */
  parent?: string
  /**
   * A caller-chosen ID (service tokens only). May not start with `hvs.` or `s.`, nor contain `.`;
   * must be unused.
   */
  id?: string
  meta?: Record<string, string> | null
  /** Default `token`. */
  displayName?: string
  numUses?: number
  /** Seconds; 0 only for root tokens (never expire). */
  ttl?: number
  explicitMaxTtl?: number
  period?: number
  /** Default `service`. */
  type?: TokenType
  role?: string
  boundCidrs?: string[]
  /** Default `true` (forced `false` for batch tokens and tokens without a TTL). */
  renewable?: boolean
  entityId?: string
  /**
   * The `auth` an auth method returned for the login that creates this token. Not part of the token: it
   * is handed to the {@link TokenStore.onCreate} hooks, and the lease manager keeps it with the token's
   * lease, so that a renewal can go back to the method with it (Vault's lease entry `Auth`).
   */
  auth?: AuthInfo
}

/** Options of {@link TokenStore.lookup}. */
export interface LookupOptions {
  /**
   * Also return a token on its last use or being revoked (`num_uses` = -1), as Vault's tainted lookups
   * do: `lookup-self` on a token's last use still answers.
   */
  tainted?: boolean
}

/** Result of {@link TokenStore.use}. */
export interface TokenUse {
  /** The entry after this use (`num_uses` decremented, or -1 on the last use). */
  entry: TokenEntry
  /** `true` on the last use: revoke the token (and its tree) once the request has completed. */
  revokeAfterRequest: boolean
}

/** What {@link TokenStore.tidy} cleaned up. */
export interface TidyResult {
  /** `parent/…` entries removed because the child or the parent no longer exists. */
  parentIndexesRemoved: number
  /** Children of a vanished parent turned into orphans. */
  orphaned: number
  /** `accessor/…` entries removed because their token no longer exists. */
  accessorsRemoved: number
}

/** Called for every token revoked, before its entry is deleted (leases, cubbyhole). May throw: revocation stops. */
export type RevokeHook = (entry: TokenEntry) => Promise<void> | void

/** Called after a token's `expire_time` changed (creation aside); awaited by {@link TokenStore.setExpiry}. */
export type ExpiryListener = (entry: TokenEntry) => unknown

/**
 * Called for every service token created through {@link TokenStore.create}, after it is stored (the lease
 * manager registers the token's lease), with the login's `auth` when a login created it. A hook that
 * throws undoes the creation: the token is revoked and the error is rethrown.
 */
export type CreateHook = (entry: TokenEntry, context: { auth?: AuthInfo }) => Promise<void> | void

interface AccessorIndex {
  salted_id: string
  accessor?: string
}

/**
 * Vault's `SanitizePolicies`: trims and lower-cases names, drops empty ones, collapses to `['root']` when
 * `root` is present, adds `default` when asked (and not root), de-duplicates and sorts.
 *
 * @example
 * ```ts
 * sanitizePolicies([' Web', 'web', 'DB'], true) // ['db', 'default', 'web']
 * sanitizePolicies(['web', 'root'], true)        // ['root']
 * ```
 */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  const cleaned = policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== '')
  if (cleaned.includes('root')) return ['root']
  if (addDefault && !cleaned.includes('default')) cleaned.push('default')
  return [...new Set(cleaned)].sort()
}

/**
 * Persists tokens under a storage view (`sys/token/`), keyed by salted hash.
 *
 * @example
 * ```ts
 * const tokens = new TokenStore(new StorageView(barrier, 'sys/token/'), crypto, clock)
 * await tokens.setup()
 * const child = await tokens.create({ policies: ['web'], path: 'auth/token/create', parent: root.id, ttl: 3600 })
 * await tokens.revokeTree(root.id) // child goes too
 * ```
 */
export class TokenStore {
  private salt: Uint8Array | null = null
  readonly #batch: BatchTokenSealer
  readonly #locks = new KeyedLock()
  readonly #tree: TokenTree
  readonly #revokeHooks: RevokeHook[] = []
  readonly #expiryListeners: ExpiryListener[] = []
  readonly #createHooks: CreateHook[] = []
  #tidy: Promise<TidyResult> | null = null
  /**
   * `true` (the default for a store on its own): a lookup that finds an expired token revokes it and its
   * tree on the spot. A `Vault` sets it to `false`, because its lease manager revokes expired tokens on
   * their timers; lookups still never return an expired token.
   */
  revokeExpiredOnLookup = true

  constructor(
    private readonly view: StorageView,
    private readonly crypto: CryptoProvider,
    private readonly clock: Clock,
  ) {
    this.#batch = new BatchTokenSealer(crypto)
    this.#tree = new TokenTree({
      view,
      locks: this.#locks,
      revokeHooks: this.#revokeHooks,
      saltedId: (id) => this.saltedId(id),
      load: (salted) => this.#load(salted),
      write: (salted, entry) => this.#write(salted, entry),
      deleteAccessor: (accessor) => view.delete(ACCESSOR_PREFIX + this.saltedId(accessor)),
      deleteEntry: (salted) => view.delete(ID_PREFIX + salted),
    })
  }

  /** Loads the salt and batch key, creating them on first use. Call after unseal. */
  async setup(): Promise<void> {
    let salt = await this.view.get(SALT_KEY)
    if (!salt) {
      salt = this.crypto.randomBytes(32)
      await this.view.put(SALT_KEY, salt)
    }
    await this.#batch.load(this.view)
    this.salt = salt
  }

  /** Forgets the salt and batch key (on seal). */
  teardown(): void {
    this.salt?.fill(0)
    this.salt = null
    this.#batch.wipe()
    this.#tree.reset()
  }

  /**
   * Registers a hook run for every revoked token (the core uses it for leases and cubbyholes). Returns a
   * function that unregisters it.
   */
  onRevoke(hook: RevokeHook): () => void {
    this.#revokeHooks.push(hook)
    return () => {
      const i = this.#revokeHooks.indexOf(hook)
      if (i >= 0) this.#revokeHooks.splice(i, 1)
    }
  }

  /**
   * Registers a hook run for every service token created (the core registers the token's lease). Returns
   * a function that unregisters it.
   *
   * @example
   * ```ts
   * tokens.onCreate(async (entry) => leases.registerToken(entry))
   * ```
   */
  onCreate(hook: CreateHook): () => void {
    this.#createHooks.push(hook)
    return () => {
      const i = this.#createHooks.indexOf(hook)
      if (i >= 0) this.#createHooks.splice(i, 1)
    }
  }

  /** Registers a listener told after every change of a token's `expire_time`. Returns an unregister function. */
  onExpiryChange(listener: ExpiryListener): () => void {
    this.#expiryListeners.push(listener)
    return () => {
      const i = this.#expiryListeners.indexOf(listener)
      if (i >= 0) this.#expiryListeners.splice(i, 1)
    }
  }

  /** Vault's salted ID: `h` + hex HMAC-SHA256(salt, id). Used as the storage key and in token lease IDs. */
  saltedId(id: string): string {
    if (!this.salt) throw new TypeError('token store used while sealed')
    return `h${toHex(this.crypto.hmacSha256(this.salt, utf8(id)))}`
  }

  /**
   * Creates a root token: policy `root`, no TTL, no lease, orphan, path `auth/token/root`, as `sys/init`
   * and `sys/generate-root` do.
   */
  async createRootToken(options: RootTokenOptions = {}): Promise<TokenEntry> {
    const id = options.id ?? `${SERVICE_TOKEN_PREFIX}${randomBase62(24)}`
    if (options.id !== undefined) {
      if (id === '' || id.includes('\n')) throw new InvalidRequestError('invalid root token ID')
      if (await this.#load(this.saltedId(id))) {
        throw new InvalidRequestError('cannot create a token with a duplicate ID')
      }
    }
    const entry: TokenEntry = {
      id,
      accessor: randomBase62(24),
      parent: '',
      policies: ['root'],
      path: 'auth/token/root',
      meta: null,
      display_name: 'root',
      num_uses: 0,
      creation_time: Math.floor(this.clock.now() / 1000),
      ttl: 0,
      explicit_max_ttl: 0,
      period: 0,
      type: 'service',
      role: '',
      bound_cidrs: [],
      orphan: true,
      renewable: false,
      entity_id: '',
      cubbyhole_id: randomBase62(24),
      issue_time: 0,
      expire_time: 0,
      last_renewal_time: 0,
    }
    await this.store(entry)
    return entry
  }

  /**
   * Creates a token from resolved parameters (Vault's `TokenStore.create` plus the token's lease
   * registration): service tokens get `hvs.` + 24 base62 (or the custom ID), a 24-character accessor, a
   * random cubbyhole ID, and are persisted with their accessor and parent indexes; batch tokens are
   * sealed into their ID (`hvb.…`) and never persisted.
   *
   * @throws {InvalidRequestError} a refused custom ID (Vault's wording), a duplicate ID, a missing
   *   parent, or a batch token with root policy / uses / period / explicit max TTL.
   */
  async create(params: TokenCreateParams): Promise<TokenEntry> {
    const now = this.clock.now()
    const type = params.type ?? 'service'
    const policies = sanitizePolicies(params.policies, false)
    const ttl = params.ttl ?? 0
    if (!Number.isInteger(ttl) || ttl < 0) throw new TypeError('ttl must be a non-negative integer')
    const parent = params.parent ?? ''
    const entry: TokenEntry = {
      id: '',
      accessor: '',
      parent,
      policies,
      path: params.path,
      meta: params.meta ? { ...params.meta } : null,
      display_name: params.displayName ?? 'token',
      num_uses: params.numUses ?? 0,
      creation_time: Math.floor(now / 1000),
      ttl,
      explicit_max_ttl: params.explicitMaxTtl ?? 0,
      period: params.period ?? 0,
      type,
      role: params.role ?? '',
      bound_cidrs: [...(params.boundCidrs ?? [])],
      orphan: parent === '',
      renewable: type === 'service' && ttl > 0 && (params.renewable ?? true),
      entity_id: params.entityId ?? '',
      cubbyhole_id: '',
      issue_time: now,
      expire_time: ttl > 0 ? now + ttl * 1000 : 0,
      last_renewal_time: 0,
    }
    if (entry.path.includes('..')) throw new InvalidRequestError('path cannot contain parent references')
    if (ttl === 0 && !(policies.length === 1 && policies[0] === 'root')) {
      throw new InvalidRequestError('refusing to register a lease for a non-root token with no TTL')
    }

    if (type === 'batch') {
      if (policies.includes('root')) throw new InvalidRequestError('batch tokens cannot be root tokens')
      for (const [field, value] of [
        ['explicit_max_ttl', entry.explicit_max_ttl],
        ['num_uses', entry.num_uses],
        ['period', entry.period],
      ] as const) {
        if (value !== 0) throw new InvalidRequestError(`batch tokens cannot have "${field}" set`)
      }
      if (parent !== '' && !(await this.lookup(parent)))
        throw new InvalidRequestError('parent token not found')
      entry.id = this.#batch.seal(entry)
      return entry
    }
    if (type !== 'service') throw new InvalidRequestError(`cannot create a token of type ${String(type)}`)

    const custom = params.id !== undefined && params.id !== ''
    if (custom) {
      const id = params.id as string
      if (id.startsWith(SERVICE_TOKEN_PREFIX)) {
        throw new InvalidRequestError("custom token ID cannot have the 'hvs.' prefix")
      }
      if (id.startsWith(LEGACY_SERVICE_PREFIX)) {
        throw new InvalidRequestError("custom token ID cannot have the 's.' prefix")
      }
      if (id.includes('.')) throw new InvalidRequestError("custom token ID cannot have a '.' in the value")
      if (await this.#load(this.saltedId(id))) {
        throw new InvalidRequestError('cannot create a token with a duplicate ID')
      }
      entry.id = id
    } else {
      entry.id = `${SERVICE_TOKEN_PREFIX}${randomBase62(24)}`
    }
    entry.accessor = randomBase62(24)
    entry.cubbyhole_id = randomBase62(24)

    const salted = this.saltedId(entry.id)
    // As Vault's storeCommon: the parent index is written before the entry, so a failure leaves a
    // dangling index (tidied later) rather than a child that escapes its parent's revocation.
    if (parent !== '') {
      if (!(await this.lookup(parent))) throw new InvalidRequestError('parent token not found')
      await this.#tree.link(this.saltedId(parent), salted)
    }
    await this.store(entry)
    try {
      const context = params.auth ? { auth: params.auth } : {}
      for (const hook of [...this.#createHooks]) await hook(entry, context)
    } catch (err) {
      // As Vault when registering the token's lease fails: the token must not outlive the failure.
      await this.#tree.revokeTree(salted).catch(() => undefined)
      throw err
    }
    return entry
  }

  /** Persists an entry and, for tokens with an accessor, its accessor index. */
  async store(entry: TokenEntry): Promise<void> {
    const salted = this.saltedId(entry.id)
    if (entry.accessor !== '') {
      const index: AccessorIndex = { salted_id: salted, accessor: entry.accessor }
      await this.view.putJSON(ACCESSOR_PREFIX + this.saltedId(entry.accessor), index)
    }
    await this.#write(salted, entry)
  }

  /**
   * Looks a token up; `null` when unknown, used up (`num_uses` -1, unless `tainted`), expired, or when
   * its parent is no longer valid (a child never outlives its parent). An expired token is revoked with
   * its tree on the spot. The stored ID is compared in constant time, so a lookup reveals nothing through
   * timing beyond the hash-keyed read. Batch tokens are opened and checked the same way.
   */
  async lookup(id: string, options: LookupOptions = {}): Promise<TokenEntry | null> {
    return this.#lookup(id, options.tainted === true, 0)
  }

  async #lookup(id: string, tainted: boolean, depth: number): Promise<TokenEntry | null> {
    if (typeof id !== 'string' || id === '') return null
    // A parent chain longer than this can only come from tampered storage.
    if (depth > 256) return null
    if (isBatchToken(id)) {
      const entry = this.#batch.open(id)
      if (!entry || this.#expired(entry)) return null
      if (entry.parent !== '' && !(await this.#lookup(entry.parent, true, depth + 1))) return null
      return entry
    }
    const salted = this.saltedId(id)
    const entry = await this.#load(salted)
    if (!entry) return null
    if (!this.crypto.timingSafeEqual(utf8(entry.id), utf8(id))) return null
    if (entry.num_uses < 0 && !tainted) return null
    if (this.#expired(entry)) {
      if (this.revokeExpiredOnLookup) await this.#revokeLazily(salted)
      return null
    }
    if (entry.parent !== '' && !(await this.#lookup(entry.parent, true, depth + 1))) {
      // The parent expired (and its tree went with it) or is being revoked.
      if (this.revokeExpiredOnLookup) await this.#revokeLazily(salted)
      return null
    }
    return entry
  }

  /**
   * Looks a token up by its salted ID (as lease entries keep it), with the validity rules of
   * {@link TokenStore.lookup}; `null` when unknown or no longer valid.
   *
   * @example
   * ```ts
   * await tokens.lookupBySalted(tokens.saltedId(id)) // the entry, while the token is valid
   * ```
   */
  async lookupBySalted(salted: string, options: LookupOptions = {}): Promise<TokenEntry | null> {
    if (typeof salted !== 'string' || salted === '') return null
    const entry = await this.#load(salted)
    if (!entry || this.saltedId(entry.id) !== salted) return null
    return this.lookup(entry.id, options)
  }

  /**
   * Looks a token up by accessor, with the same validity rules as {@link TokenStore.lookup}; `null` when
   * unknown.
   */
  async lookupByAccessor(accessor: string, options: LookupOptions = {}): Promise<TokenEntry | null> {
    if (typeof accessor !== 'string' || accessor === '') return null
    const idx = await this.view.getJSON<AccessorIndex>(ACCESSOR_PREFIX + this.saltedId(accessor))
    if (!idx?.salted_id) return null
    const entry = await this.#load(idx.salted_id)
    if (!entry || entry.accessor !== accessor) return null
    return this.lookup(entry.id, options)
  }

  /** Every accessor in the index (`auth/token/accessors`), in storage order. */
  async listAccessors(): Promise<string[]> {
    const out: string[] = []
    for (const key of await this.view.list(ACCESSOR_PREFIX)) {
      if (key.endsWith('/')) continue
      const idx = await this.view.getJSON<AccessorIndex>(ACCESSOR_PREFIX + key)
      if (!idx) continue
      if (idx.accessor) {
        out.push(idx.accessor)
        continue
      }
      const entry = idx.salted_id ? await this.#load(idx.salted_id) : null
      if (entry?.accessor) out.push(entry.accessor)
    }
    return out
  }

  /**
   * Vault's `UseToken`: consumes one use of a limited-use token before its request is routed. On the
   * last use the entry is marked `num_uses: -1` (no lookup returns it any more) and the caller must
   * revoke the token once the request has completed. Unlimited tokens and batch tokens pass through.
   *
   * @throws {PermissionDeniedError} 403 when the token vanished or was used up since it was looked up
   *   (Vault: `token not found or fully used already`).
   */
  async use(entry: TokenEntry): Promise<TokenUse> {
    if (entry.type === 'batch' || entry.num_uses === 0) return { entry, revokeAfterRequest: false }
    const salted = this.saltedId(entry.id)
    return this.#locks.run(salted, async () => {
      const current = await this.#load(salted)
      if (
        !current ||
        current.num_uses < 0 ||
        this.#expired(current) ||
        !this.crypto.timingSafeEqual(utf8(current.id), utf8(entry.id))
      ) {
        throw new PermissionDeniedError()
      }
      current.num_uses = current.num_uses === 1 ? TOKEN_REVOCATION_PENDING : current.num_uses - 1
      await this.#write(salted, current)
      return { entry: current, revokeAfterRequest: current.num_uses === TOKEN_REVOCATION_PENDING }
    })
  }

  /**
   * Sets a token's expiry — the one way `expire_time` changes after creation. With `renewal`, also
   * records the renewal time. Tells the {@link TokenStore.onExpiryChange} listeners, unless `notify` is
   * `false` (the lease manager, renewing a login token's lease itself, has already moved the lease).
   *
   * @param expireTime ms since the epoch; 0 = never.
   * @returns the updated entry, or `null` when the token no longer exists.
   */
  async setExpiry(
    entry: TokenEntry,
    expireTime: number,
    options: { renewal?: boolean; notify?: boolean } = {},
  ): Promise<TokenEntry | null> {
    if (entry.type === 'batch') throw new InvalidRequestError('batch tokens cannot be renewed')
    const salted = this.saltedId(entry.id)
    const updated = await this.#locks.run(salted, async () => {
      const current = await this.#load(salted)
      if (!current) return null
      current.expire_time = expireTime
      if (options.renewal) current.last_renewal_time = this.clock.now()
      await this.#write(salted, current)
      return current
    })
    if (updated && options.notify !== false) {
      for (const listener of [...this.#expiryListeners]) await listener(updated)
    }
    return updated
  }

  /** Revokes a token and its whole tree (kept for callers of the first token store; see {@link TokenStore.revokeTree}). */
  async revoke(id: string): Promise<void> {
    await this.revokeTree(id)
  }

  /**
   * Revokes a token and every descendant, depth first (children before parents), with their accessor
   * and parent indexes; {@link TokenStore.onRevoke} hooks run for each. Unknown IDs and batch tokens
   * (never stored) are ignored.
   */
  async revokeTree(id: string): Promise<void> {
    if (typeof id !== 'string' || id === '' || isBatchToken(id)) return
    await this.#tree.revokeTree(this.saltedId(id))
  }

  /**
   * {@link TokenStore.revokeTree} by salted ID, for the lease manager (a token's lease keeps only the
   * salted ID). Unknown IDs are ignored.
   *
   * @example
   * ```ts
   * await tokens.revokeTreeBySalted(tokens.saltedId(id))
   * ```
   */
  async revokeTreeBySalted(salted: string): Promise<void> {
    if (typeof salted !== 'string' || salted === '') return
    await this.#tree.revokeTree(salted)
  }

  /**
   * Revokes one token and orphans its children: their `parent` is cleared and their index entries
   * removed. Unknown IDs and batch tokens are ignored.
   */
  async revokeOrphan(id: string): Promise<void> {
    if (typeof id !== 'string' || id === '' || isBatchToken(id)) return
    await this.#tree.revokeOne(this.saltedId(id), false)
  }

  /** `true` while a {@link TokenStore.tidy} runs. */
  get tidying(): boolean {
    return this.#tidy !== null
  }

  /**
   * Removes dangling indexes: parent-index entries whose child is gone (children of a vanished parent
   * become orphans) and accessor entries whose token is gone. A second call while one runs joins it.
   */
  tidy(): Promise<TidyResult> {
    if (!this.#tidy) {
      this.#tidy = this.#doTidy().finally(() => {
        this.#tidy = null
      })
    }
    return this.#tidy
  }

  async #doTidy(): Promise<TidyResult> {
    const { parentIndexesRemoved, orphaned } = await this.#tree.tidy()
    const result: TidyResult = { parentIndexesRemoved, orphaned, accessorsRemoved: 0 }
    for (const key of await this.view.list(ACCESSOR_PREFIX)) {
      if (key.endsWith('/')) continue
      const idx = await this.view.getJSON<AccessorIndex>(ACCESSOR_PREFIX + key)
      if (idx?.salted_id && (await this.#load(idx.salted_id))) continue
      await this.view.delete(ACCESSOR_PREFIX + key)
      result.accessorsRemoved++
    }
    return result
  }

  #expired(entry: TokenEntry): boolean {
    return entry.expire_time > 0 && this.clock.now() >= entry.expire_time
  }

  /** Revokes an expired token's tree; failures leave it marked and unusable, to be retried later. */
  async #revokeLazily(salted: string): Promise<void> {
    try {
      await this.#tree.revokeTree(salted)
    } catch {
      // The entry is marked revocation-pending, so no lookup returns it; the next lookup or the lease
      // manager retries the revocation.
    }
  }

  async #load(salted: string): Promise<TokenEntry | null> {
    const raw = await this.view.getJSON<Partial<TokenEntry>>(ID_PREFIX + salted)
    return raw ? normalize(raw) : null
  }

  async #write(salted: string, entry: TokenEntry): Promise<void> {
    entry.orphan = entry.parent === ''
    await this.view.putJSON(ID_PREFIX + salted, entry)
  }
}

/** Fills fields an older stored entry may lack. */
function normalize(raw: Partial<TokenEntry>): TokenEntry {
  const parent = raw.parent ?? ''
  return {
    id: raw.id ?? '',
    accessor: raw.accessor ?? '',
    parent,
    policies: raw.policies ?? [],
    path: raw.path ?? '',
    meta: raw.meta ?? null,
    display_name: raw.display_name ?? '',
    num_uses: raw.num_uses ?? 0,
    creation_time: raw.creation_time ?? 0,
    ttl: raw.ttl ?? 0,
    explicit_max_ttl: raw.explicit_max_ttl ?? 0,
    period: raw.period ?? 0,
    type: raw.type ?? 'service',
    role: raw.role ?? '',
    bound_cidrs: raw.bound_cidrs ?? [],
    orphan: parent === '',
    renewable: raw.renewable ?? false,
    entity_id: raw.entity_id ?? '',
    cubbyhole_id: raw.cubbyhole_id ?? '',
    issue_time: raw.issue_time ?? 0,
    expire_time: raw.expire_time ?? 0,
    last_renewal_time: raw.last_renewal_time ?? 0,
  }
}

/** Base64 of random bytes: an opaque nonce for operator flows (unseal, rekey, generate-root). */
export function randomNonce(crypto: CryptoProvider): string {
  return toBase64(crypto.randomBytes(16))
}
