/**
 * The lease manager (Vault's `ExpirationManager`): every leased secret and every service token has a
 * lease that can be looked up, renewed and revoked, and that is revoked when it expires.
 *
 * Storage, behind the barrier:
 *
 * | key | what |
 * |---|---|
 * | `sys/expire/id/<lease id>` | the {@link LeaseEntry}, JSON |
 * | `sys/expire/token/<salted token>/<salted lease id>` | the lease ID: the leases a token created |
 *
 * In memory there is only the expiry queue (lease ID and expire time per lease, in a binary heap under
 * one timer), the irrevocable leases, and retry counters of leases whose revocation is failing. Entries
 * are read from storage when needed. On unseal the queue is rebuilt from storage in the background, in
 * batches (leases that expired while sealed are revoked promptly, also in batches); on seal the timer
 * stops and the queue is dropped, and nothing is revoked.
 *
 * Revocation goes back to the mount that issued the secret (a `revoke` request with the lease's secret
 * to that mount's backend); a token's lease revokes the token's tree in the token store. An expiry whose
 * revocation fails is retried with exponential backoff — `2^attempt × base ± jitter`, Vault's
 * `revokeExponentialBackoff` — and after the last attempt (or at once when the backend says the request
 * itself is wrong) the lease is marked irrevocable: kept in storage with its error, listed and counted,
 * removable with `revoke-force`.
 *
 * @module
 */
import { calculateTtl } from '../../engines/token/ttl.js'
import { InternalError, InvalidRequestError, SealedError, VaultError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import { randomBase62 } from '../../util/encoding.js'
import { KeyedLock } from '../../util/lock.js'
import type { AuthInfo, ConnectionInfo, LogicalResponse } from '../logical.js'
import type { TokenEntry } from '../token-store.js'
import { ExpiryScheduler, yieldToEventLoop } from './expiry-scheduler.js'
import {
  type IrrevocableLease,
  irrevocableCounts,
  irrevocableList,
  MAX_IRREVOCABLE_LEASES_TO_RETURN,
} from './irrevocable.js'
import {
  irrevocableError,
  isUnrecoverable,
  joinLeaseId,
  type LeaseEntry,
  loginAuthOf,
  lookupData,
  renewRefusal,
  safeErrorText,
  secretOf,
  storedLoginAuth,
} from './lease-entry.js'
import { LeaseStore } from './lease-store.js'
import { restoreLeases } from './restore.js'
import { tidyLeases } from './tidy.js'
import type {
  ExpirationDeps,
  ExpirationOptions,
  LeaseAuthorizer,
  LeaseOwner,
  RegisteredLease,
  RegisterInput,
  TidyLeasesResult,
  TokenRenewal,
} from './types.js'

export type * from './types.js'

type RevokeOutcome = 'none' | 'revoked' | 'pending'

interface RevokeMode {
  force?: boolean
  /** Called by the expiry queue: a lease renewed meanwhile is re-queued instead. */
  expiring?: boolean
  authorize?: LeaseAuthorizer | undefined
}

const owner = (le: LeaseEntry): LeaseOwner => ({
  leaseId: le.lease_id,
  path: le.path,
  clientTokenSalted: le.client_token_salted,
  token: le.auth !== null,
})

/**
 * The lease manager.
 *
 * @example
 * ```ts
 * const leases = new ExpirationManager({ storage: barrier, tokens, clock, route, limits, mountAccessor, emit })
 * leases.setup() // after unseal: restores the queue in the background
 * const { leaseId, ttl } = await leases.register({ path: 'db/creds/ro', token, secret: { ttl: 3600 } })
 * await leases.renew(leaseId, 600)
 * await leases.revoke(leaseId)
 * ```
 */
export class ExpirationManager {
  readonly #deps: ExpirationDeps
  readonly #store: LeaseStore
  readonly #scheduler: ExpiryScheduler
  readonly #locks = new KeyedLock()
  readonly #irrevocable = new Map<string, IrrevocableLease>()
  /** Failed revocation attempts of expired leases waiting for a retry. */
  readonly #retries = new Map<string, number>()
  /** Leases whose backend revocation is running (a token lease's own hook must not delete it). */
  readonly #revoking = new Set<string>()
  readonly #retryBase: number
  readonly #maxAttempts: number
  readonly #jitter: number
  readonly #batchSize: number
  readonly #yield: () => Promise<void>
  #generation = 0
  #restoring: Promise<void> | null = null
  /** While restoring: leases touched by requests, which the restore must not overwrite. */
  #touched: Set<string> | null = null
  #tidy: Promise<TidyLeasesResult> | null = null

  constructor(deps: ExpirationDeps, options: ExpirationOptions = {}) {
    this.#deps = deps
    this.#store = new LeaseStore(deps.storage, (value) => deps.tokens.saltedId(value))
    this.#retryBase = options.revokeRetryBase ?? 10
    this.#maxAttempts = Math.max(1, Math.floor(options.maxRevokeAttempts ?? 6))
    this.#jitter = Math.min(1, Math.max(0, options.revokeRetryJitter ?? 0.5))
    this.#batchSize = Math.max(1, Math.floor(options.batchSize ?? 256))
    this.#yield = options.yieldFn ?? yieldToEventLoop
    this.#scheduler = new ExpiryScheduler({
      clock: deps.clock,
      expire: (id) => this.#expire(id),
      batchSize: this.#batchSize,
      yieldFn: this.#yield,
    })
  }

  /** Leases waiting in the expiry queue (leases with an expiry, not irrevocable). */
  get pending(): number {
    return this.#scheduler.queue.size
  }

  /** Irrevocable leases. */
  get irrevocable(): number {
    return this.#irrevocable.size
  }

  /** `true` while the queue is being rebuilt from storage after unseal. */
  get restoring(): boolean {
    return this.#restoring !== null
  }

  /**
   * Starts the manager after unseal: the expiry timer runs, and the queue is rebuilt from storage in the
   * background (see {@link ExpirationManager.idle}).
   */
  setup(): void {
    this.#generation++
    this.#scheduler.start()
    const generation = this.#generation
    const touched = new Set<string>()
    this.#touched = touched
    this.#restoring = restoreLeases({
      store: this.#store,
      scheduler: this.#scheduler,
      irrevocable: this.#irrevocable,
      touched,
      batchSize: this.#batchSize,
      yieldFn: this.#yield,
      current: () => generation === this.#generation,
      ...(this.#deps.warn ? { warn: this.#deps.warn } : {}),
    }).finally(() => {
      if (this.#touched === touched) this.#touched = null
      if (generation === this.#generation) this.#restoring = null
    })
  }

  /** Stops everything on seal: no timer, no queue; leases stay in storage and nothing is revoked. */
  teardown(): void {
    this.#generation++
    this.#scheduler.stop()
    this.#irrevocable.clear()
    this.#retries.clear()
    this.#touched = null
    this.#restoring = null
  }

  /**
   * Resolves when the restore after unseal has finished and no due lease is waiting or being revoked
   * (it starts due work at once, so it also works with a manual clock that has not fired yet). Retries
   * scheduled for later do not count.
   *
   * @example
   * ```ts
   * await clock.advance('1h')
   * await vault.leases.idle() // every lease due within the hour is revoked (or waiting for a retry)
   * ```
   */
  async idle(): Promise<void> {
    for (;;) {
      const restoring = this.#restoring
      if (restoring) {
        await restoring
        continue
      }
      await this.#scheduler.idle()
      if (!this.#restoring) return
    }
  }

  /**
   * The lease ID of a token (`<creation path>/<salted token ID>`).
   *
   * @example
   * ```ts
   * leases.tokenLeaseId(entry) // 'auth/token/create/h3f9…'
   * ```
   */
  tokenLeaseId(entry: Pick<TokenEntry, 'id' | 'path'>): string {
    return joinLeaseId(entry.path, this.#deps.tokens.saltedId(entry.id))
  }

  /**
   * Registers a leased secret (Vault's `Register`): calculates its TTL against the mount's limits
   * (Vault's `CalculateTTL`: a zero TTL means the mount default, never "no expiry"), writes the entry and
   * the token index, and queues its expiry. A lease made with a batch token never outlives the token.
   *
   * @example
   * ```ts
   * await leases.register({ path: 'db/creds/ro', token, secret: { ttl: 0, renewable: true } })
   * // { leaseId: 'db/creds/ro/…', ttl: 2764800, renewable: true, warnings: [] } — 0 is the mount default
   * ```
   * @throws {VaultError} 500 when there is no client token, the path has no mount, or the TTL cannot be
   *   calculated.
   */
  async register(input: RegisterInput): Promise<RegisteredLease> {
    const { path, token, secret } = input
    if (!token.id) throw new InternalError('cannot register a lease with an empty client token')
    const limits = this.#deps.limits(path)
    if (!limits) throw new InternalError('unable to retrieve system view from router')
    const now = this.#deps.clock.now()
    const { ttl, warnings } = calculateTtl({
      system: limits,
      now,
      backendTtl: secret.ttl ?? 0,
      backendMaxTtl: secret.maxTtl ?? 0,
    })
    const tokens = this.#deps.tokens
    const leaseId = joinLeaseId(path, randomBase62(24))
    let expire = now + ttl * 1000
    const clientSalted = tokens.saltedId(token.id)
    let indexToken = clientSalted
    let tokenExpire = 0
    if (token.type === 'batch') {
      // Indexed under the parent, if any; bounded by the batch token's own expiry (Vault).
      indexToken = token.parent !== '' ? tokens.saltedId(token.parent) : ''
      tokenExpire = token.expire_time
      if (tokenExpire > 0 && expire > tokenExpire) expire = tokenExpire
    }
    const le: LeaseEntry = {
      lease_id: leaseId,
      client_token_salted: clientSalted,
      token_type: token.type,
      index_token: indexToken,
      path,
      data: input.data ?? null,
      secret: {
        ttl,
        max_ttl: secret.maxTtl ?? 0,
        renewable: secret.renewable ?? false,
        internal_data: secret.internalData ?? null,
      },
      auth: null,
      issue_time: now,
      expire_time: expire,
      last_renewal_time: 0,
      token_expire_time: tokenExpire,
      revoke_err: '',
      version: 1,
    }
    await this.#locks.run(leaseId, async () => {
      this.#touch(leaseId)
      try {
        await this.#store.persist(le)
        if (indexToken !== '') await this.#store.putIndex(indexToken, leaseId)
      } catch (err) {
        await this.#store.delete(leaseId).catch(() => undefined)
        throw err
      }
      this.#scheduler.set(leaseId, expire)
    })
    const granted = Math.round((expire - now) / 1000)
    this.#deps.emit('lease:created', { leaseId, path, ttl: granted, token: false })
    return { leaseId, ttl: granted, renewable: le.secret?.renewable ?? false, warnings }
  }

  /**
   * Registers a service token's lease (Vault's `RegisterAuth`): ID `<creation path>/<salted token ID>`,
   * expiring with the token (root tokens made without a TTL get a lease that never expires). Batch tokens
   * have no lease. A login's `auth` is kept with the lease for {@link ExpirationManager.renewToken}.
   */
  async registerToken(entry: TokenEntry, login?: AuthInfo): Promise<void> {
    if (entry.type !== 'service') return
    const salted = this.#deps.tokens.saltedId(entry.id)
    const leaseId = joinLeaseId(entry.path, salted)
    const le: LeaseEntry = {
      lease_id: leaseId,
      client_token_salted: salted,
      token_type: 'service',
      index_token: '',
      path: entry.path,
      data: null,
      secret: null,
      auth: {
        ttl: entry.ttl,
        renewable: entry.renewable,
        ...(login ? { login: storedLoginAuth(login) } : {}),
      },
      issue_time: entry.issue_time || this.#deps.clock.now(),
      expire_time: entry.expire_time,
      last_renewal_time: 0,
      token_expire_time: 0,
      revoke_err: '',
      version: 1,
    }
    await this.#locks.run(leaseId, async () => {
      this.#touch(leaseId)
      await this.#store.persist(le)
      if (le.expire_time > 0) this.#scheduler.set(leaseId, le.expire_time)
    })
    this.#deps.emit('lease:created', { leaseId, path: entry.path, ttl: entry.ttl, token: true })
  }

  /** Moves a token's lease after its expiry changed (a token renewal); see `TokenStore.onExpiryChange`. */
  async tokenExpiryChanged(entry: TokenEntry): Promise<void> {
    if (entry.type !== 'service') return
    const leaseId = this.tokenLeaseId(entry)
    const ttl = await this.#locks.run(leaseId, async () => {
      this.#touch(leaseId)
      const le = await this.#store.load(leaseId)
      if (!le) return null
      const from = entry.last_renewal_time || entry.issue_time
      const granted = entry.expire_time > 0 ? Math.round((entry.expire_time - from) / 1000) : 0
      le.expire_time = entry.expire_time
      le.last_renewal_time = entry.last_renewal_time
      if (le.auth) le.auth.ttl = granted
      await this.#store.persist(le)
      if (le.revoke_err === '' && le.expire_time > 0) this.#scheduler.set(leaseId, le.expire_time)
      else this.#scheduler.delete(leaseId)
      return granted
    })
    if (ttl !== null) this.#deps.emit('lease:renewed', { leaseId, ttl })
  }

  /**
   * Renews a login token (Vault's `RenewToken` for tokens an auth method made): the lease must be
   * renewable; the method that issued the token is asked (its `authRenew`, with the auth it returned at
   * login — it may refuse, e.g. when the role or user is gone, or answer with current TTLs); then the TTL
   * is calculated against that mount's limits from the lease's issue time, as at login. Returns `null`
   * when the method answers nothing (Vault then renews nothing and answers 204).
   *
   * @throws {InvalidRequestError} 400 `invalid lease ID`, `lease expired`, `lease is not renewable`.
   * @throws {VaultError} the method's refusal as `failed to renew entry: …` (its status kept, 500 for
   *   plain errors), or 500 `past the max TTL, cannot renew`.
   * @example
   * ```ts
   * const renewal = await leases.renewToken(entry, 3600)
   * renewal?.ttl // 3600, or less when capped (see renewal.warnings)
   * ```
   */
  async renewToken(
    entry: TokenEntry,
    increment = 0,
    options: { connection?: ConnectionInfo } = {},
  ): Promise<TokenRenewal | null> {
    const leaseId = this.tokenLeaseId(entry)
    const result = await this.#locks.run(leaseId, async () => {
      this.#touch(leaseId)
      const le = await this.#store.load(leaseId)
      if (!le?.auth) throw new InvalidRequestError('invalid lease ID')
      const now = this.#deps.clock.now()
      const refusal = renewRefusal(le, now)
      if (refusal !== null) throw new InvalidRequestError(refusal)
      const auth = loginAuthOf(le)
      if (!auth) throw new InvalidRequestError("this auth type doesn't support renew")
      let resp: LogicalResponse | null
      try {
        resp = await this.#deps.route({
          operation: 'renew',
          path: le.path,
          auth,
          data: {},
          ...(options.connection ? { connection: options.connection } : {}),
        })
      } catch (err) {
        if (err instanceof SealedError) throw err
        throw renewFailure(err)
      }
      if (!resp?.auth) return null
      const limits = this.#deps.limits(le.path)
      if (!limits) throw new InternalError('unable to retrieve system view from router')
      const renewed = resp.auth
      const { ttl, warnings } = calculateTtl({
        system: limits,
        now,
        increment,
        backendTtl: renewed.ttl ?? 0,
        period: renewed.period ?? 0,
        backendMaxTtl: renewed.maxTtl ?? 0,
        explicitMaxTtl: renewed.explicitMaxTtl ?? 0,
        startTime: le.issue_time,
      })
      const expire = now + ttl * 1000
      const updated = await this.#deps.tokens.setExpiry(entry, expire, { renewal: true, notify: false })
      if (!updated) throw new InvalidRequestError('invalid lease ID')
      le.auth = { ttl, renewable: le.auth.renewable, login: storedLoginAuth({ ...auth, ...renewed }) }
      le.expire_time = expire
      le.last_renewal_time = updated.last_renewal_time || now
      await this.#store.persist(le)
      this.#scheduler.set(leaseId, expire)
      return {
        entry: updated,
        ttl,
        auth: { ...auth, ...renewed, ttl },
        warnings: [...(resp.warnings ?? []), ...warnings],
      }
    })
    if (result) this.#deps.emit('lease:renewed', { leaseId, ttl: result.ttl })
    return result
  }

  /**
   * Renews a secret's lease (Vault's `Renew`): the issuing backend's renew handler is asked, then the
   * new TTL is `increment` if given, else what the backend returned, else the mount default — never past
   * the issue time plus the max TTL (with Vault's warnings). Returns the response for the envelope:
   * the backend's data and `secret` with `leaseId`, `ttl`, `renewable`.
   *
   * @throws {InvalidRequestError} 400 in Vault's words: `lease not found`, `lease expired`, `lease is not
   *   renewable`, `lease is expired and has failed previous revocation attempts`, `tokens cannot be renewed
   *   through this endpoint`, `cannot renew lease, no valid associated token`, `past the max TTL, cannot
   *   renew`, `failed to renew entry: …`.
   * @throws {PermissionDeniedError} from `authorize`.
   * @example
   * ```ts
   * const resp = await leases.renew(leaseId, 3600)
   * resp?.secret?.ttl // 3600, or less when capped (see resp.warnings)
   * ```
   */
  async renew(
    leaseId: string,
    increment = 0,
    options: { authorize?: LeaseAuthorizer } = {},
  ): Promise<LogicalResponse | null> {
    return this.#locks.run(leaseId, async () => {
      this.#touch(leaseId)
      const found = await this.#store.load(leaseId)
      if (found && options.authorize) await options.authorize(owner(found))
      const now = this.#deps.clock.now()
      const refusal = renewRefusal(found, now)
      if (refusal !== null) throw new InvalidRequestError(refusal)
      const le = found as LeaseEntry
      if (!le.secret) {
        throw new InvalidRequestError(
          le.auth
            ? 'tokens cannot be renewed through this endpoint'
            : 'lease does not correspond to a secret',
        )
      }
      if (!(await this.#creatorValid(le, now))) {
        throw new InvalidRequestError('cannot renew lease, no valid associated token')
      }
      const limits = this.#deps.limits(le.path)
      if (!limits) throw new InternalError('unable to retrieve system view from router')
      let resp: LogicalResponse | null
      try {
        resp = await this.#deps.route({
          operation: 'renew',
          path: le.path,
          secret: secretOf(le, increment),
          data: { ...(le.data ?? {}) },
        })
      } catch (err) {
        if (err instanceof SealedError) throw err
        throw new InvalidRequestError(`failed to renew entry: ${safeErrorText(err, le)}`, { cause: err })
      }
      if (!resp?.secret) return null
      let calculated: { ttl: number; warnings: string[] }
      try {
        calculated = calculateTtl({
          system: limits,
          now,
          increment,
          backendTtl: resp.secret.ttl ?? 0,
          backendMaxTtl: resp.secret.maxTtl ?? 0,
          startTime: le.issue_time,
        })
      } catch (err) {
        // Vault answers these (`past the max TTL, cannot renew`) as a 400.
        if (err instanceof VaultError) throw new InvalidRequestError(err.message, { cause: err })
        throw err
      }
      let ttl = calculated.ttl
      let expire = now + ttl * 1000
      if (le.token_type === 'batch' && le.token_expire_time > 0 && expire > le.token_expire_time) {
        expire = le.token_expire_time
        ttl = Math.round((expire - now) / 1000)
      }
      const previous = le.secret
      le.secret = {
        ttl,
        max_ttl: resp.secret.maxTtl ?? previous.max_ttl,
        renewable: resp.secret.renewable ?? previous.renewable,
        internal_data: resp.secret.internalData ?? previous.internal_data,
      }
      if (resp.data !== undefined) le.data = resp.data
      le.expire_time = expire
      le.last_renewal_time = now
      await this.#store.persist(le)
      this.#scheduler.set(leaseId, expire)
      this.#deps.emit('lease:renewed', { leaseId, ttl })
      const warnings = [...(resp.warnings ?? []), ...calculated.warnings]
      return {
        data: resp.data ?? null,
        secret: { leaseId, ttl, renewable: le.secret.renewable },
        ...(warnings.length > 0 ? { warnings } : {}),
      }
    })
  }

  /**
   * Revokes a lease (Vault's `Revoke`): the issuing backend revokes the secret (a token's lease revokes
   * the token tree), then the entry and its index go. An unknown lease succeeds. With `sync: false` the
   * lease is only marked expired and the queue revokes it (Vault's `LazyRevoke`), retrying on failure.
   *
   * @throws {InvalidRequestError} 400 `failed to revoke entry: …` (sync only; the lease stays).
   * @throws {PermissionDeniedError} from `authorize`.
   * @example
   * ```ts
   * await leases.revoke(leaseId)                  // revoked at the backend, entry gone
   * await leases.revoke(leaseId, { sync: false }) // queued; see idle()
   * ```
   */
  async revoke(
    leaseId: string,
    options: { sync?: boolean; authorize?: LeaseAuthorizer } = {},
  ): Promise<void> {
    if (options.sync === false) {
      await this.#lazyRevoke(leaseId, options.authorize)
      return
    }
    await this.#revokeNow(leaseId, { authorize: options.authorize })
  }

  /**
   * Revokes every lease whose ID starts with `prefix` (Vault's `RevokePrefix`): a prefix that is itself a
   * lease ID revokes that lease; otherwise it is a folder (`/` added). Token leases are named after the
   * token's creation path, so this also revokes tokens created below the prefix (with their trees).
   * `sync: false` queues the revocations; `force` ignores backend failures and removes the leases anyway
   * (Vault's `RevokeForce`, for leases whose backend can no longer revoke them).
   *
   * @throws {InvalidRequestError} 400 `failed to revoke "<id>" (<n> / <total>): …` (the first failure
   *   stops a non-forced synchronous run).
   * @example
   * ```ts
   * await leases.revokePrefix('db/creds/')                   // every lease of the role paths below
   * await leases.revokePrefix('db/', { force: true })        // even where the database refuses
   * await leases.revokePrefix('auth/token/create')           // tokens created there, with their trees
   * ```
   */
  async revokePrefix(prefix: string, options: { sync?: boolean; force?: boolean } = {}): Promise<void> {
    const sync = options.sync ?? true
    const force = options.force ?? false
    if (!prefix.endsWith('/')) {
      if (prefix !== '' && (await this.#store.load(prefix))) {
        if (!sync) return this.#lazyRevoke(prefix)
        try {
          await this.#revokeNow(prefix, { force })
        } catch (err) {
          throw prefixFailure(`failed to revoke ${goQuote(prefix)}`, err)
        }
        return
      }
      prefix = `${prefix}/`
    }
    const ids = await this.#store.collect(prefix === '/' ? '' : prefix)
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string
      if (!sync) {
        await this.#lazyRevoke(id)
      } else {
        try {
          await this.#revokeNow(id, { force })
        } catch (err) {
          throw prefixFailure(`failed to revoke ${goQuote(id)} (${i + 1} / ${ids.length})`, err)
        }
      }
      if ((i + 1) % this.#batchSize === 0) await this.#yield()
    }
  }

  /**
   * A token is being revoked (`TokenStore.onRevoke`): every lease it created is queued for revocation
   * (Vault's `RevokeByToken`, which marks them expired so that a failing backend never blocks a token's
   * revocation), and the token's own lease is removed.
   */
  async revokeByToken(entry: TokenEntry): Promise<void> {
    if (entry.type !== 'service') return
    const salted = this.#deps.tokens.saltedId(entry.id)
    for (const leaseId of await this.#store.indexed(salted)) await this.#lazyRevoke(leaseId)
    const own = joinLeaseId(entry.path, salted)
    if (this.#revoking.has(own)) return // its own lease is revoking it: that lease cleans up after
    const removed = await this.#locks.run(own, async () => {
      this.#touch(own)
      if (!(await this.#store.load(own))) return false
      await this.#store.delete(own)
      this.#forget(own)
      return true
    })
    if (removed) this.#deps.emit('lease:revoked', { leaseId: own, force: false })
  }

  /**
   * `sys/leases/lookup`: the lease's times, TTL left and renewability (Vault's keys), or `null` when
   * there is no such lease.
   */
  async lookup(leaseId: string): Promise<Record<string, unknown> | null> {
    const le = await this.#store.load(leaseId)
    return le ? lookupData(le, this.#deps.clock.now()) : null
  }

  /** One level of lease IDs below `prefix` (`''` or ending in `/`): suffixes, and folders ending in `/`. */
  list(prefix: string): Promise<string[]> {
    return this.#store.list(prefix)
  }

  /** `sys/leases/count?type=irrevocable`: `{ lease_count, counts }` by mount accessor. */
  irrevocableCounts(): { lease_count: number; counts: Record<string, number> } {
    return irrevocableCounts(this.#irrevocable, (id) => this.#deps.mountAccessor(id))
  }

  /**
   * `GET sys/leases?type=irrevocable`: `{ lease_count, leases }`, at most `limit` (default 10,000) unless
   * `'none'`, with Vault's warning when cut.
   */
  irrevocableList(limit: number | 'none' = MAX_IRREVOCABLE_LEASES_TO_RETURN): {
    data: Record<string, unknown>
    warning?: string
  } {
    return irrevocableList(this.#irrevocable, (id) => this.#deps.mountAccessor(id), limit)
  }

  /** `true` while a {@link ExpirationManager.tidy} runs. */
  get tidying(): boolean {
    return this.#tidy !== null
  }

  /**
   * Removes leases whose token no longer exists (Vault's `Tidy`): their backend revocation runs, failures
   * ignored. Waits for the restore to end first. A call while one runs joins it.
   */
  tidy(): Promise<TidyLeasesResult> {
    if (!this.#tidy) {
      this.#tidy = this.#doTidy().finally(() => {
        this.#tidy = null
      })
    }
    return this.#tidy
  }

  // ---------------------------------------------------------------------------------------------------

  async #doTidy(): Promise<TidyLeasesResult> {
    await this.idle()
    return tidyLeases({
      store: this.#store,
      tokens: this.#deps.tokens,
      clock: this.#deps.clock,
      batchSize: this.#batchSize,
      yieldFn: this.#yield,
      forceRevoke: async (id) => {
        // A token's lease still goes through the token store, which does nothing for a token that is
        // gone and revokes one that lingers expired.
        const outcome = await this.#revokeCommon(id, { force: true })
        if (outcome === 'revoked') this.#deps.emit('lease:revoked', { leaseId: id, force: true })
        return outcome === 'revoked'
      },
    })
  }

  /** The expiry queue reached `id`. */
  async #expire(id: string): Promise<void> {
    const generation = this.#generation
    try {
      const outcome = await this.#revokeCommon(id, { expiring: true })
      if (outcome === 'revoked') this.#deps.emit('lease:expired', { leaseId: id })
    } catch (err) {
      if (generation !== this.#generation || err instanceof SealedError) return
      try {
        await this.#revokeFailed(id, err)
      } catch {
        // Storage failed while recording the failure: try again after the first backoff.
        if (generation === this.#generation)
          this.#scheduler.set(id, this.#deps.clock.now() + this.#backoff(1))
      }
    }
  }

  /** An expired lease's revocation failed: retry later, or give up and mark it irrevocable. */
  async #revokeFailed(id: string, err: unknown): Promise<void> {
    const attempts = (this.#retries.get(id) ?? 0) + 1
    const outOfRetries = attempts >= this.#maxAttempts
    if (!outOfRetries && !isUnrecoverable(err)) {
      this.#retries.set(id, attempts)
      this.#scheduler.set(id, this.#deps.clock.now() + this.#backoff(attempts))
      return
    }
    const error = await this.#locks.run(id, async () => {
      const le = await this.#store.load(id)
      if (le === null || le.revoke_err !== '') return null
      le.revoke_err = irrevocableError(safeErrorText(err, le), outOfRetries)
      await this.#store.persist(le)
      this.#scheduler.delete(id)
      this.#retries.delete(id)
      this.#irrevocable.set(id, { expireTime: le.expire_time, error: le.revoke_err })
      return le.revoke_err
    })
    if (error !== null) this.#deps.emit('lease:irrevocable', { leaseId: id, error, attempts })
  }

  /** Vault's `revokeExponentialBackoff`: `2^attempt × base`, ± the jitter fraction of it; ms. */
  #backoff(attempt: number): number {
    const exp = 2 ** attempt * this.#retryBase * 1000
    return exp * (1 - this.#jitter + Math.random() * 2 * this.#jitter)
  }

  async #revokeNow(
    leaseId: string,
    mode: { force?: boolean; authorize?: LeaseAuthorizer | undefined },
  ): Promise<void> {
    const outcome = await this.#revokeCommon(leaseId, mode)
    if (outcome === 'revoked') this.#deps.emit('lease:revoked', { leaseId, force: mode.force ?? false })
  }

  /** Vault's `revokeCommon`, under the lease's lock. */
  #revokeCommon(leaseId: string, mode: RevokeMode): Promise<RevokeOutcome> {
    return this.#locks.run(leaseId, async () => {
      this.#touch(leaseId)
      const le = await this.#store.load(leaseId)
      if (!le) {
        this.#forget(leaseId)
        return 'none'
      }
      if (mode.authorize) await mode.authorize(owner(le))
      if (mode.expiring) {
        if (le.revoke_err !== '') return 'none'
        if (le.expire_time === 0 || le.expire_time > this.#deps.clock.now()) {
          // Renewed after the queue picked it up.
          if (le.expire_time > 0) this.#scheduler.set(leaseId, le.expire_time)
          return 'pending'
        }
      }
      this.#revoking.add(leaseId)
      try {
        await this.#revokeEntry(le)
      } catch (err) {
        if (!mode.force || err instanceof SealedError) throw err
      } finally {
        this.#revoking.delete(leaseId)
      }
      await this.#store.delete(leaseId)
      if (le.secret && le.index_token !== '') await this.#store.deleteIndex(le.index_token, leaseId)
      this.#forget(leaseId)
      return 'revoked'
    })
  }

  /** Vault's `revokeEntry`: the token tree for a token's lease, else the issuing backend's revoke. */
  async #revokeEntry(le: LeaseEntry): Promise<void> {
    if (le.auth) {
      if (le.token_type === 'batch') throw new InvalidRequestError('batch tokens cannot be revoked')
      try {
        await this.#deps.tokens.revokeTreeBySalted(le.client_token_salted)
      } catch (err) {
        if (err instanceof SealedError) throw err
        throw new VaultError('ERR_INTERNAL', 500, `failed to revoke token: ${safeErrorText(err, le)}`, {
          cause: err,
        })
      }
      return
    }
    try {
      await this.#deps.route({
        operation: 'revoke',
        path: le.path,
        secret: secretOf(le),
        data: { ...(le.data ?? {}) },
      })
    } catch (err) {
      if (err instanceof SealedError) throw err
      throw new InvalidRequestError(`failed to revoke entry: ${safeErrorText(err, le)}`, { cause: err })
    }
  }

  /** Vault's `lazyRevokeInternal`: mark the lease expired now; the queue revokes it. */
  async #lazyRevoke(leaseId: string, authorize?: LeaseAuthorizer): Promise<void> {
    await this.#locks.run(leaseId, async () => {
      this.#touch(leaseId)
      const le = await this.#store.load(leaseId)
      if (!le) return
      if (authorize) await authorize(owner(le))
      const now = this.#deps.clock.now()
      le.expire_time = now
      await this.#store.persist(le)
      // An irrevocable lease stays where it is: only revoke-force (or a sync revoke) removes it.
      if (le.revoke_err === '') this.#scheduler.set(leaseId, now)
    })
  }

  /** Is the token that created the lease still valid? (Vault: `no valid associated token`.) */
  async #creatorValid(le: LeaseEntry, now: number): Promise<boolean> {
    if (le.token_type === 'batch') {
      if (le.token_expire_time > 0 && le.token_expire_time <= now) return false
      return le.index_token === '' || (await this.#deps.tokens.lookupBySalted(le.index_token)) !== null
    }
    if (le.client_token_salted === '') return false
    return (await this.#deps.tokens.lookupBySalted(le.client_token_salted)) !== null
  }

  #touch(leaseId: string): void {
    this.#touched?.add(leaseId)
  }

  #forget(leaseId: string): void {
    this.#scheduler.delete(leaseId)
    this.#retries.delete(leaseId)
    this.#irrevocable.delete(leaseId)
  }
}

/**
 * An auth method refused a renewal: Vault's `failed to renew entry: …`, with the method's status (500 for
 * an error without one) and only its client-worded text.
 */
function renewFailure(err: unknown): VaultError {
  const message = `failed to renew entry: ${err instanceof VaultError ? err.message : 'internal error'}`
  const status = err instanceof VaultError ? err.statusCode : 500
  const code = err instanceof VaultError ? err.code : 'ERR_INTERNAL'
  return new VaultError(code, status, message, { cause: err, errors: [message] })
}

/** A prefix revocation's failure: 400 with Vault's `failed to revoke "<id>" (n / total): …`. */
function prefixFailure(what: string, err: unknown): VaultError {
  if (err instanceof SealedError) return err
  const message = err instanceof VaultError ? err.message : 'internal error'
  return new InvalidRequestError(`${what}: ${message}`, { cause: err })
}
