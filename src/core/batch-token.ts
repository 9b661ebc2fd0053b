/**
 * Batch tokens: the whole (small) token entry sealed into the token ID, never persisted.
 *
 * Format: `hvb.` + base64url (no padding) of `version u8 ‖ nonce(12) ‖ AES-256-GCM(ciphertext+tag)`; the
 * plaintext is a positional JSON array of the entry's fields, the AAD a fixed label. The key is 32 random
 * bytes stored once under `batch-key` in the token store's view (behind the barrier), held in memory while
 * unsealed and wiped on seal. All crypto goes through the injected {@link CryptoProvider}.
 *
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js'
import type { StorageView } from '../storage/view.js'
import { fromBase64, fromUtf8, toBase64, utf8 } from '../util/encoding.js'
import type { TokenEntry } from './token-store.js'

/** The AES-256-GCM key batch tokens are sealed with, created once (behind the barrier). */
const BATCH_KEY = 'batch-key'

/** Batch tokens: `hvb.` + base64url of the sealed entry. */
export const BATCH_TOKEN_PREFIX = 'hvb.'
/** Vault's legacy batch prefix, still recognised. */
const LEGACY_BATCH_PREFIX = 'b.'

/** Additional data bound into every sealed batch token. */
const BATCH_AAD = utf8('vaultlet/batch-token')
/** Version byte of the sealed batch token layout: `version u8 ‖ nonce(12) ‖ ciphertext+tag`. */
const BATCH_VERSION = 1
const NONCE_LENGTH = 12

/**
 * `true` for IDs in batch-token form (`hvb.…`, legacy `b.…`).
 *
 * @example
 * ```ts
 * isBatchToken('hvb.AAEC…') // true
 * isBatchToken('hvs.x1y2…') // false
 * ```
 */
export function isBatchToken(id: string): boolean {
  return id.startsWith(BATCH_TOKEN_PREFIX) || id.startsWith(LEGACY_BATCH_PREFIX)
}

function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
}

function fromBase64Url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null
  return fromBase64(s.replace(/-/g, '+').replace(/_/g, '/'))
}

/**
 * Seals token entries into batch-token IDs and opens them again, with a key loaded from (or created in)
 * the token store's view. Used by the token store only.
 *
 * @example
 * ```ts
 * const batch = new BatchTokenSealer(crypto)
 * await batch.load(view)
 * const id = batch.seal(entry)  // 'hvb.…'
 * batch.open(id)                // the entry again (id set, no accessor, not renewable)
 * batch.wipe()
 * ```
 */
export class BatchTokenSealer {
  #key: Uint8Array | null = null

  constructor(private readonly crypto: CryptoProvider) {}

  /** Loads the key from `view`, creating and storing it on first use. */
  async load(view: StorageView): Promise<void> {
    let key = await view.get(BATCH_KEY)
    if (!key) {
      key = this.crypto.randomBytes(32)
      await view.put(BATCH_KEY, key)
    }
    this.#key = key
  }

  /** Zeroes and forgets the key (on seal). */
  wipe(): void {
    this.#key?.fill(0)
    this.#key = null
  }

  /**
   * Seals the fields a batch token carries into an `hvb.` ID.
   *
   * @throws {TypeError} while no key is loaded (sealed).
   */
  seal(entry: TokenEntry): string {
    if (!this.#key) throw new TypeError('token store used while sealed')
    // Positional, so the token stays short; the version byte in front lets the layout change later.
    const payload = [
      entry.parent,
      entry.policies,
      entry.path,
      entry.meta,
      entry.display_name,
      entry.creation_time,
      entry.ttl,
      entry.role,
      entry.entity_id,
      entry.bound_cidrs,
    ]
    const nonce = this.crypto.randomBytes(NONCE_LENGTH)
    const sealed = this.crypto.aesGcmEncrypt(this.#key, nonce, utf8(JSON.stringify(payload)), BATCH_AAD)
    const blob = new Uint8Array(1 + NONCE_LENGTH + sealed.length)
    blob[0] = BATCH_VERSION
    blob.set(nonce, 1)
    blob.set(sealed, 1 + NONCE_LENGTH)
    return BATCH_TOKEN_PREFIX + toBase64Url(blob)
  }

  /**
   * Opens a batch-token ID back into its entry; `null` when it is malformed, of another version, or does
   * not authenticate. Expiry is not checked here.
   *
   * @throws {TypeError} while no key is loaded (sealed).
   */
  open(id: string): TokenEntry | null {
    if (!this.#key) throw new TypeError('token store used while sealed')
    const body = id.startsWith(BATCH_TOKEN_PREFIX) ? id.slice(BATCH_TOKEN_PREFIX.length) : id.slice(2)
    const blob = fromBase64Url(body)
    if (!blob || blob.length < 1 + NONCE_LENGTH + 16 || blob[0] !== BATCH_VERSION) return null
    let payload: unknown
    try {
      const plain = this.crypto.aesGcmDecrypt(
        this.#key,
        blob.subarray(1, 1 + NONCE_LENGTH),
        blob.subarray(1 + NONCE_LENGTH),
        BATCH_AAD,
      )
      payload = JSON.parse(fromUtf8(plain))
    } catch {
      return null
    }
    if (!Array.isArray(payload) || payload.length !== 10) return null
    const [parent, policies, path, meta, displayName, creationTime, ttl, role, entityId, boundCidrs] =
      payload as [
        string,
        string[],
        string,
        Record<string, string> | null,
        string,
        number,
        number,
        string,
        string,
        string[],
      ]
    return {
      id,
      accessor: '',
      parent,
      policies,
      path,
      meta,
      display_name: displayName,
      num_uses: 0,
      creation_time: creationTime,
      ttl,
      explicit_max_ttl: 0,
      period: 0,
      type: 'batch',
      role,
      bound_cidrs: boundCidrs,
      orphan: parent === '',
      renewable: false,
      entity_id: entityId,
      cubbyhole_id: '',
      issue_time: creationTime * 1000,
      expire_time: ttl > 0 ? (creationTime + ttl) * 1000 : 0,
      last_renewal_time: 0,
    }
  }
}
