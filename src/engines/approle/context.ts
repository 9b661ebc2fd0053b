/**
 * What every AppRole path shares: the mount's salt, the locks, the HMACs that keep secret IDs out of
 * storage, and Vault's plain-error shape.
 *
 * Secret IDs are never stored: an entry is keyed by `HMAC-SHA256(role's hmac_key, secret ID)` under
 * `HMAC-SHA256(role's hmac_key, role name)` (Vault's per-role `HMACKey`). Role IDs and secret-ID accessors
 * are indexed by `HMAC-SHA256(mount salt, value)` (Vault salts them with the mount's salt).
 *
 * @module
 */
import type { Clock } from '../../clock.js'
import type { SystemView } from '../../core/logical.js'
import type { CryptoProvider } from '../../crypto/provider.js'
import { VaultError } from '../../errors.js'
import type { Storage } from '../../storage/view.js'
import { toHex, utf8 } from '../../util/encoding.js'
import { KeyedLock } from '../../util/lock.js'

/** The mount's salt for role-ID and accessor indexes, created once (Vault's `salt` entry). */
const SALT_KEY = 'salt'

/** Vault's `maxHmacInputLength`: role names and secret IDs longer than this are refused. */
export const MAX_HMAC_INPUT_LENGTH = 4096

/** The AppRole backend's shared state for one mount. */
export interface AppRoleContext {
  readonly crypto: CryptoProvider
  readonly clock: Clock
  /** The mount's TTL limits (secret-ID TTLs are capped by the mount's max). */
  readonly system: SystemView
  /** `role/<name>` for role read-modify-writes, `secret/<hmac>` for secret-ID uses and changes. */
  readonly locks: KeyedLock
  /** Salted index key of a role ID or accessor: hex HMAC-SHA256 under the mount's salt. */
  saltId(value: string): string
  /** Loads or creates the salt (at initialize). */
  setup(storage: Storage): Promise<void>
  /** The running secret-ID tidy, if any. */
  tidy: Promise<void> | null
}

/**
 * A fresh context.
 *
 * @example
 * ```ts
 * const ctx = appRoleContext(config.system)
 * await ctx.setup(config.storage)
 * ```
 */
export function appRoleContext(system: SystemView): AppRoleContext {
  let salt: Uint8Array | null = null
  return {
    crypto: system.crypto,
    clock: system.clock,
    system,
    locks: new KeyedLock(),
    tidy: null,
    saltId(value) {
      if (!salt) throw new TypeError('approle backend used before initialize')
      return toHex(system.crypto.hmacSha256(salt, utf8(value)))
    },
    async setup(storage) {
      let stored = await storage.get(SALT_KEY)
      if (!stored) {
        stored = system.crypto.randomBytes(32)
        await storage.put(SALT_KEY, stored)
      }
      salt = stored
    },
  }
}

/**
 * Vault's `createHMAC`: hex HMAC-SHA256 of `value` under `key`.
 *
 * @example
 * ```ts
 * createHmac(ctx.crypto, role.hmac_key, secretId) // '9f86d0…'
 * ```
 * @throws {Error} `invalid HMAC key`, `value is longer than maximum of 4096 bytes`.
 */
export function createHmac(crypto: CryptoProvider, key: string, value: string): string {
  if (key === '') throw new Error('invalid HMAC key')
  const bytes = utf8(value)
  if (bytes.length > MAX_HMAC_INPUT_LENGTH) {
    throw new Error(`value is longer than maximum of ${MAX_HMAC_INPUT_LENGTH} bytes`)
  }
  return toHex(crypto.hmacSha256(utf8(key), bytes))
}

/**
 * A 500 with Vault's text, as Vault answers a handler's plain `error` (`fmt.Errorf`).
 *
 * @example
 * ```ts
 * throw plainError(`role "${name}" does not exist`)
 * ```
 */
export function plainError(message: string, cause?: unknown): VaultError {
  return new VaultError('ERR_INTERNAL', 500, message, { errors: [message], ...(cause ? { cause } : {}) })
}
