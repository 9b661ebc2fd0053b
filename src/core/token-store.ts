/**
 * The token store: tokens are persisted by a salted HMAC of their ID, never in the clear, and looked
 * up with a constant-time comparison. This is the core of Vault's `auth/token/` backend; its endpoints
 * are built on top of it.
 *
 * @module
 */
import type { Clock } from '../clock.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { InvalidRequestError } from '../errors.js'
import type { StorageView } from '../storage/view.js'
import { randomBase62, toBase64, toHex, utf8 } from '../util/encoding.js'

/** Salt for hashing token IDs and accessors, created once (behind the barrier). */
const SALT_KEY = 'salt'
/** Token entries, keyed by the salted hash of the token ID. */
const ID_PREFIX = 'id/'
/** Accessor index: salted hash of an accessor → salted hash of its token ID. */
const ACCESSOR_PREFIX = 'accessor/'

/** A stored token, as Vault's `TokenEntry`. Times are Unix seconds, TTLs seconds. */
export interface TokenEntry {
  /** The token itself (kept behind the barrier only, as in Vault). */
  id: string
  accessor: string
  parent: string
  policies: string[]
  path: string
  meta: Record<string, string> | null
  display_name: string
  num_uses: number
  creation_time: number
  ttl: number
  explicit_max_ttl: number
  period: number
  type: 'service' | 'batch'
  /** Per-token cubbyhole storage prefix (random, so it reveals nothing about the token). */
  cubbyhole_id: string
}

/** Options for a root token. */
export interface RootTokenOptions {
  /** A caller-chosen token ID (dev mode's `rootToken`). */
  id?: string
}

/**
 * Persists tokens under a storage view (`sys/token/`).
 */
export class TokenStore {
  private salt: Uint8Array | null = null

  constructor(
    private readonly view: StorageView,
    private readonly crypto: CryptoProvider,
    private readonly clock: Clock,
  ) {}

  /** Loads the salt, creating it on first use. Call after unseal. */
  async setup(): Promise<void> {
    let salt = await this.view.get(SALT_KEY)
    if (!salt) {
      salt = this.crypto.randomBytes(32)
      await this.view.put(SALT_KEY, salt)
    }
    this.salt = salt
  }

  /** Forgets the salt (on seal). */
  teardown(): void {
    this.salt?.fill(0)
    this.salt = null
  }

  /** Vault's salted ID: `h` + hex HMAC-SHA256(salt, id). Used as the storage key and in token lease IDs. */
  saltedId(id: string): string {
    if (!this.salt) throw new TypeError('token store used while sealed')
    return `h${toHex(this.crypto.hmacSha256(this.salt, utf8(id)))}`
  }

  /**
   * Creates a root token: policy `root`, no TTL, orphan, path `auth/token/root`, as `sys/init` and
   * `sys/generate-root` do.
   */
  async createRootToken(options: RootTokenOptions = {}): Promise<TokenEntry> {
    const id = options.id ?? `hvs.${randomBase62(24)}`
    if (options.id !== undefined) {
      if (id === '' || id.includes('\n')) throw new InvalidRequestError('invalid root token ID')
      if (await this.lookup(id)) throw new InvalidRequestError('cannot create a token with a duplicate ID')
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
      cubbyhole_id: randomBase62(24),
    }
    await this.store(entry)
    return entry
  }

  /** Persists an entry and its accessor index. */
  async store(entry: TokenEntry): Promise<void> {
    const salted = this.saltedId(entry.id)
    await this.view.putJSON(ID_PREFIX + salted, entry)
    await this.view.putJSON(ACCESSOR_PREFIX + this.saltedId(entry.accessor), { salted_id: salted })
  }

  /**
   * Looks a token up; `null` when unknown. The stored ID is compared in constant time, so a lookup
   * reveals nothing through timing beyond the hash-keyed read.
   */
  async lookup(id: string): Promise<TokenEntry | null> {
    if (typeof id !== 'string' || id === '') return null
    const entry = await this.view.getJSON<TokenEntry>(ID_PREFIX + this.saltedId(id))
    if (!entry) return null
    return this.crypto.timingSafeEqual(utf8(entry.id), utf8(id)) ? entry : null
  }

  /** Looks a token up by accessor; `null` when unknown. */
  async lookupByAccessor(accessor: string): Promise<TokenEntry | null> {
    if (typeof accessor !== 'string' || accessor === '') return null
    const idx = await this.view.getJSON<{ salted_id: string }>(ACCESSOR_PREFIX + this.saltedId(accessor))
    if (!idx) return null
    return this.view.getJSON<TokenEntry>(ID_PREFIX + idx.salted_id)
  }

  /** Removes a token and its accessor index. Unknown tokens are ignored. */
  async revoke(id: string): Promise<void> {
    const entry = await this.lookup(id)
    if (!entry) return
    await this.view.delete(ACCESSOR_PREFIX + this.saltedId(entry.accessor))
    await this.view.delete(ID_PREFIX + this.saltedId(id))
  }
}

/** Base64 of random bytes: an opaque nonce for operator flows (unseal, rekey, generate-root). */
export function randomNonce(crypto: CryptoProvider): string {
  return toBase64(crypto.randomBytes(16))
}
