/**
 * Where leases live behind the barrier: entries at `sys/expire/id/<lease id>` and the by-token index at
 * `sys/expire/token/<salted token>/<salted lease id>` (Vault's layout). The lease manager reads and
 * writes through this and nothing else.
 *
 * @module
 */
import { type Storage, StorageView } from '../../storage/view.js'
import { fromUtf8, utf8 } from '../../util/encoding.js'
import type { TokenType } from '../token-store.js'
import { LEASE_ENTRY_PREFIX, LEASE_TOKEN_INDEX_PREFIX, type LeaseEntry } from './lease-entry.js'

/**
 * Lease entries and the token index.
 *
 * @example
 * ```ts
 * const store = new LeaseStore(barrier, (s) => tokens.saltedId(s))
 * await store.persist(entry)
 * await store.putIndex(tokens.saltedId(token), entry.lease_id)
 * await store.indexed(tokens.saltedId(token)) // [entry.lease_id]
 * ```
 */
export class LeaseStore {
  readonly #entries: StorageView
  readonly #index: StorageView

  /** `salt` is the token store's salted-ID function (index keys never hold a clear ID). */
  constructor(
    storage: Storage,
    private readonly salt: (value: string) => string,
  ) {
    this.#entries = new StorageView(storage, LEASE_ENTRY_PREFIX)
    this.#index = new StorageView(storage, LEASE_TOKEN_INDEX_PREFIX)
  }

  /** The entry of `leaseId`, or `null`. */
  async load(leaseId: string): Promise<LeaseEntry | null> {
    if (typeof leaseId !== 'string' || leaseId === '') return null
    const raw = await this.#entries.getJSON<Partial<LeaseEntry>>(leaseId)
    return raw ? normalize(raw, leaseId) : null
  }

  /** Writes an entry. */
  persist(le: LeaseEntry): Promise<void> {
    return this.#entries.putJSON(le.lease_id, le)
  }

  /** Deletes an entry. */
  delete(leaseId: string): Promise<void> {
    return this.#entries.delete(leaseId)
  }

  /** One level of lease IDs below `prefix` (`''` or ending in `/`). */
  list(prefix: string): Promise<string[]> {
    return this.#entries.list(prefix)
  }

  /** Every lease ID below `prefix`, recursively (Vault's `CollectKeys`). */
  async collect(prefix: string): Promise<string[]> {
    const out: string[] = []
    const walk = async (p: string): Promise<void> => {
      for (const key of await this.#entries.list(p)) {
        if (key.endsWith('/')) await walk(p + key)
        else out.push(p + key)
      }
    }
    await walk(prefix)
    return out
  }

  /** Files `leaseId` under the token whose salted ID is `indexToken`. */
  putIndex(indexToken: string, leaseId: string): Promise<void> {
    return this.#index.put(this.#indexKey(indexToken, leaseId), utf8(leaseId))
  }

  /** Removes `leaseId` from the token's index. */
  deleteIndex(indexToken: string, leaseId: string): Promise<void> {
    return this.#index.delete(this.#indexKey(indexToken, leaseId))
  }

  /** The lease IDs filed under a token (its salted ID). */
  async indexed(indexToken: string): Promise<string[]> {
    const prefix = `${indexToken}/`
    const out: string[] = []
    for (const key of await this.#index.list(prefix)) {
      if (key.endsWith('/')) continue
      const raw = await this.#index.get(prefix + key)
      if (raw) out.push(fromUtf8(raw))
    }
    return out
  }

  #indexKey(indexToken: string, leaseId: string): string {
    return `${indexToken}/${this.salt(leaseId)}`
  }
}

/** Fills fields an older or partial entry may lack. */
function normalize(raw: Partial<LeaseEntry>, leaseId: string): LeaseEntry {
  return {
    lease_id: raw.lease_id ?? leaseId,
    client_token_salted: raw.client_token_salted ?? '',
    token_type: (raw.token_type ?? '') as TokenType | '',
    index_token: raw.index_token ?? '',
    path: raw.path ?? '',
    data: raw.data ?? null,
    secret: raw.secret ?? null,
    auth: raw.auth ?? null,
    issue_time: raw.issue_time ?? 0,
    expire_time: raw.expire_time ?? 0,
    last_renewal_time: raw.last_renewal_time ?? 0,
    token_expire_time: raw.token_expire_time ?? 0,
    revoke_err: raw.revoke_err ?? '',
    version: 1,
  }
}
