/**
 * Opaque storage keys for KV v2 metadata (Vault's `keysutil.EncryptedKeyStorageWrapper`). The barrier
 * encrypts values but not keys; Vault therefore stores each key's metadata under a path whose every
 * segment is encrypted deterministically ("convergent" encryption), so the storage adapter never sees a
 * secret's name while `LIST metadata/…` can still walk folders and decrypt the names it finds.
 *
 * Per segment: `k = HMAC-SHA256(metadataKey, "kv-metadata-path\0" ‖ parent path)`,
 * `nonce = HMAC-SHA256(k, segment)[0..12)`, `name = hex(nonce ‖ AES-256-GCM(k, nonce, segment))`. The
 * same segment under the same parent always encrypts to the same name; under another parent it does
 * not. Vault derives its key from a transit-style policy and writes the ciphertext in base62; the
 * construction differs, the property is the same.
 *
 * @module
 */
import type { CryptoProvider } from '../../crypto/provider.js'
import { fromHex, fromUtf8, toHex, utf8 } from '../../util/encoding.js'

const NONCE_SIZE = 12
/** Bounded caches: cleared when full (simple, and enough to keep hot keys hot). */
const MAX_CACHED = 16_384

/**
 * Encrypts and decrypts metadata paths below a storage prefix.
 *
 * @example
 * ```ts
 * const keys = new EncryptedKeyPaths(crypto, metadataKey, `${uuid}/metadata/`)
 * keys.encryptPath('app/db')     // '<uuid>/metadata/5f0c…/91ab…'
 * keys.decryptName('app', '91ab…') // 'db'
 * ```
 */
export class EncryptedKeyPaths {
  readonly #crypto: CryptoProvider
  readonly #key: Uint8Array
  readonly #derived = new Map<string, Uint8Array>()
  readonly #paths = new Map<string, string>()
  readonly #names = new Map<string, string>()

  constructor(
    crypto: CryptoProvider,
    key: Uint8Array,
    /** Storage prefix of the metadata tree, ending in `/`. */
    readonly prefix: string,
  ) {
    if (key.length !== 32) throw new TypeError('metadata key must be 32 bytes')
    if (!prefix.endsWith('/')) throw new TypeError('metadata prefix must end in "/"')
    this.#crypto = crypto
    this.#key = key
  }

  /**
   * The storage key of `path`'s metadata (`''` / `'/'` give the prefix itself). Empty segments are
   * dropped, as Go's `path.Clean` would.
   *
   * @example
   * ```ts
   * keys.encryptPath('app/db/') === keys.encryptPath('app/db') // true
   * ```
   */
  encryptPath(path: string): string {
    const cached = this.#paths.get(path)
    if (cached !== undefined) return cached
    let out = this.prefix
    let context = ''
    const segments = path.split('/').filter((s) => s !== '')
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as string
      const k = this.#contextKey(context)
      const nonce = this.#crypto.hmacSha256(k, utf8(segment)).subarray(0, NONCE_SIZE)
      const sealed = this.#crypto.aesGcmEncrypt(k, nonce, utf8(segment))
      out += (i === 0 ? '' : '/') + toHex(nonce) + toHex(sealed)
      context = context === '' ? segment : `${context}/${segment}`
    }
    remember(this.#paths, path, out)
    return out
  }

  /**
   * The clear name of one stored segment found under `parent` (a clear path, `''` for the root).
   *
   * @throws {Error} when the name was not written by this key (tampered or foreign entry).
   */
  decryptName(parent: string, name: string): string {
    const context = parent
      .split('/')
      .filter((s) => s !== '')
      .join('/')
    const cacheKey = `${context}\0${name}`
    const cached = this.#names.get(cacheKey)
    if (cached !== undefined) return cached
    const bytes = fromHex(name)
    if (bytes === null || bytes.length < NONCE_SIZE + 16) throw new Error('could not decode key')
    const plain = this.#crypto.aesGcmDecrypt(
      this.#contextKey(context),
      bytes.subarray(0, NONCE_SIZE),
      bytes.subarray(NONCE_SIZE),
    )
    const segment = fromUtf8(plain)
    remember(this.#names, cacheKey, segment)
    return segment
  }

  #contextKey(context: string): Uint8Array {
    let k = this.#derived.get(context)
    if (k === undefined) {
      k = this.#crypto.hmacSha256(this.#key, utf8(`kv-metadata-path\0${context}`))
      remember(this.#derived, context, k)
    }
    return k
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_CACHED) map.clear()
  map.set(key, value)
}
