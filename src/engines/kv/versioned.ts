/**
 * The state of one KV v2 mount (Vault's `versionedKVBackend`): its storage layout, the salt that makes
 * version keys opaque, the key that makes metadata paths opaque, the cached `config`, the per-key lock
 * every read-modify-write takes, and the upgrade flag.
 *
 * Storage layout inside the mount's view, under the mount's UUID as Vault lays it out (so that v1 data
 * at the root of the view and v2 data never collide during an upgrade):
 *
 * | key | holds |
 * |---|---|
 * | `<uuid>/config` | {@link KvConfig} |
 * | `<uuid>/salt` | 32 random bytes: HMAC key of version keys |
 * | `<uuid>/policy/metadata` | 32 random bytes: key of the metadata path encryption |
 * | `<uuid>/metadata/<enc>/<enc>…` | {@link KeyMetadata}, one per secret, path segments encrypted |
 * | `<uuid>/versions/<h[0:3]>/<h[3:]>` | {@link StoredVersion}, `h` = hex HMAC-SHA256(salt, `key|version`) |
 * | `<uuid>/upgrading` | `{ started_time, done }`: the v1 → v2 upgrade canary |
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse, SystemView } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import type { OperationHandler } from '../../framework/path.js'
import type { StorageView } from '../../storage/view.js'
import { toHex, utf8 } from '../../util/encoding.js'
import { KeyedLock } from '../../util/lock.js'
import { EncryptedKeyPaths } from './encrypted-keys.js'
import type { KeyMetadata, KvConfig, StoredVersion } from './key-metadata.js'

/** Mount-wide settings (`config`). */
const CONFIG_PATH = 'config'
/** HMAC key that turns `key|version` into an opaque version storage key. */
const SALT_PATH = 'salt'
/** Key of the metadata path encryption (Vault keeps its key policy at `policy/metadata`). */
const METADATA_KEY_PATH = 'policy/metadata'
/** Metadata records, one per secret, under encrypted path segments. */
const METADATA_PREFIX = 'metadata/'
/** Version data, one entry per version. */
const VERSION_PREFIX = 'versions/'
/**
 * Upgrade canary (below the v2 prefix): written when a v1 → v2 upgrade starts, `done` when it finishes.
 *
 * @example
 * ```ts
 * await view.getJSON(`${kv.prefix}${UPGRADE_PATH}`) // { started_time: 1704067200000, done: true }
 * ```
 */
export const UPGRADE_PATH = 'upgrading'

/**
 * Vault's answer (400) while the v1 → v2 upgrade runs (this node is the primary).
 *
 * @example
 * ```ts
 * if (kv.upgrading) throw new InvalidRequestError(UPGRADING_MESSAGE)
 * ```
 */
export const UPGRADING_MESSAGE =
  'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.'

/**
 * One mount's KV v2 state and storage helpers. Handlers receive it; nothing here knows about HTTP.
 *
 * @example
 * ```ts
 * const kv = new VersionedKv(config.storage, config.system, config.uuid)
 * await kv.setup()
 * const meta = await kv.getKeyMetadata('app/db')
 * ```
 */
export class VersionedKv {
  /** Serializes read-modify-write sequences per key (check-and-set, version numbering). */
  readonly locks = new KeyedLock()
  /** `true` while a v1 → v2 upgrade runs: requests get {@link UPGRADING_MESSAGE}. */
  upgrading = false
  /** Prefix of everything v2 stores: `<uuid>/`. */
  readonly prefix: string
  #salt: Uint8Array | null = null
  #keys: EncryptedKeyPaths | null = null
  #config: KvConfig | null = null
  #setup: Promise<void> | null = null

  constructor(
    readonly storage: StorageView,
    readonly system: SystemView,
    uuid: string,
  ) {
    if (!uuid) throw new TypeError('could not initialize versioned K/V Store, no UUID was provided')
    this.prefix = `${uuid}/`
  }

  /** The current time, ms, from the vault's clock. */
  now(): number {
    return this.system.clock.now()
  }

  /**
   * Loads (creating on first use) the salt and the metadata key. Idempotent.
   *
   * @example
   * ```ts
   * await kv.setup()
   * ```
   */
  setup(): Promise<void> {
    this.#setup ??= (async () => {
      this.#salt = await this.#secret(SALT_PATH)
      const key = await this.#secret(METADATA_KEY_PATH)
      this.#keys = new EncryptedKeyPaths(this.system.crypto, key, `${this.prefix}${METADATA_PREFIX}`)
    })().catch((e) => {
      this.#setup = null
      throw e
    })
    return this.#setup
  }

  async #secret(path: string): Promise<Uint8Array> {
    const existing = await this.storage.get(this.prefix + path)
    if (existing && existing.length === 32) return existing
    const fresh = this.system.crypto.randomBytes(32)
    await this.storage.put(this.prefix + path, fresh)
    return fresh
  }

  async #ready(): Promise<EncryptedKeyPaths> {
    if (this.#keys === null) await this.setup()
    return this.#keys as EncryptedKeyPaths
  }

  /**
   * Wraps a handler with Vault's upgrade check: while upgrading, 400 {@link UPGRADING_MESSAGE}.
   *
   * @example
   * ```ts
   * operations: { read: kv.guard(readData) }
   * ```
   */
  guard(
    handler: (req: LogicalRequest, data: FieldData) => Promise<LogicalResponse | null>,
  ): OperationHandler {
    return (req, data) => {
      if (this.upgrading) throw new InvalidRequestError(UPGRADING_MESSAGE)
      return handler(req, data)
    }
  }

  /**
   * The mount-wide settings (cached; only this backend writes them).
   *
   * @example
   * ```ts
   * (await kv.config()).max_versions // 0 = default (10)
   * ```
   */
  async config(): Promise<KvConfig> {
    if (this.#config === null) {
      const stored = await this.storage.getJSON<Partial<KvConfig>>(this.prefix + CONFIG_PATH)
      this.#config = {
        max_versions: stored?.max_versions ?? 0,
        cas_required: stored?.cas_required ?? false,
        delete_version_after: stored?.delete_version_after ?? null,
      }
    }
    return { ...this.#config }
  }

  /**
   * Persists the mount-wide settings.
   *
   * @example
   * ```ts
   * await kv.writeConfig({ ...(await kv.config()), cas_required: true })
   * ```
   */
  async writeConfig(config: KvConfig): Promise<void> {
    await this.storage.putJSON(this.prefix + CONFIG_PATH, config)
    this.#config = { ...config }
  }

  /**
   * A key's metadata, or `null` when the key has none.
   *
   * @example
   * ```ts
   * (await kv.getKeyMetadata('app'))?.current_version
   * ```
   */
  async getKeyMetadata(key: string): Promise<KeyMetadata | null> {
    const keys = await this.#ready()
    return this.storage.getJSON<KeyMetadata>(keys.encryptPath(key))
  }

  /**
   * Persists a key's metadata under its (encrypted) path.
   *
   * @example
   * ```ts
   * await kv.writeKeyMetadata(meta)
   * ```
   */
  async writeKeyMetadata(meta: KeyMetadata): Promise<void> {
    const keys = await this.#ready()
    await this.storage.putJSON(keys.encryptPath(meta.key), meta)
  }

  /**
   * Removes a key's metadata record.
   *
   * @example
   * ```ts
   * await kv.deleteKeyMetadata('app')
   * ```
   */
  async deleteKeyMetadata(key: string): Promise<void> {
    const keys = await this.#ready()
    await this.storage.delete(keys.encryptPath(key))
  }

  /**
   * The clear names directly below `prefix` (`''` for the root), folders ending in `/`, sorted.
   *
   * @example
   * ```ts
   * await kv.listKeys('app/') // ['db', 'web/']
   * ```
   */
  async listKeys(prefix: string): Promise<string[]> {
    const keys = await this.#ready()
    const base = keys.encryptPath(prefix)
    const names = await this.storage.list(base.endsWith('/') ? base : `${base}/`)
    const out = names.map((name) =>
      name.endsWith('/') ? `${keys.decryptName(prefix, name.slice(0, -1))}/` : keys.decryptName(prefix, name),
    )
    return out.sort()
  }

  /**
   * The storage key of one version: opaque, derived from the key and the version number.
   *
   * @example
   * ```ts
   * kv.versionKey('app', 3) // '<uuid>/versions/1f3/…'
   * ```
   */
  versionKey(key: string, version: number): string {
    if (this.#salt === null) throw new TypeError('versioned K/V store used before setup()')
    const h = toHex(this.system.crypto.hmacSha256(this.#salt, utf8(`${key}|${version}`)))
    return `${this.prefix}${VERSION_PREFIX}${h.slice(0, 3)}/${h.slice(3)}`
  }

  /**
   * One version's stored data, or `null`.
   *
   * @example
   * ```ts
   * (await kv.getVersion('app', 1))?.data
   * ```
   */
  async getVersion(key: string, version: number): Promise<StoredVersion | null> {
    await this.#ready()
    return this.storage.getJSON<StoredVersion>(this.versionKey(key, version))
  }

  /**
   * Stores one version.
   *
   * @example
   * ```ts
   * await kv.putVersion('app', 2, { data, created_time: now, deletion_time: null })
   * ```
   */
  async putVersion(key: string, version: number, value: StoredVersion): Promise<void> {
    await this.#ready()
    await this.storage.putJSON(this.versionKey(key, version), value)
  }

  /**
   * Whether a version's data is still in storage (no decoding).
   *
   * @example
   * ```ts
   * await kv.hasVersion('app', 1) // false once trimmed or destroyed
   * ```
   */
  async hasVersion(key: string, version: number): Promise<boolean> {
    await this.#ready()
    return (await this.storage.get(this.versionKey(key, version))) !== null
  }

  /**
   * Removes one version's data.
   *
   * @example
   * ```ts
   * await kv.deleteVersion('app', 1)
   * ```
   */
  async deleteVersion(key: string, version: number): Promise<void> {
    await this.#ready()
    await this.storage.delete(this.versionKey(key, version))
  }
}

/**
 * The key a request names: the path capture with empty segments dropped (Vault cleans metadata paths
 * with `path.Clean`; vaultlet applies the same form to version keys so both always agree).
 *
 * @example
 * ```ts
 * secretKey('app/db/') // 'app/db'
 * ```
 * @throws {InvalidRequestError} `relative paths not supported` for `.` or `..` segments.
 */
export function secretKey(path: string): string {
  const segments = path.split('/').filter((s) => s !== '')
  if (segments.some((s) => s === '.' || s === '..'))
    throw new InvalidRequestError('relative paths not supported')
  return segments.join('/')
}
