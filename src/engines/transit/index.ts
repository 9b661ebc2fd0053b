/**
 * The transit secrets engine — encryption as a service (api-docs/secret/transit). Applications send
 * plaintext and get `vault:v<N>:…` ciphertext back; keys never leave the vault unless made
 * exportable; rotation adds versions without breaking old ciphertext.
 *
 * The engine is a folder of one file per resource; this file lists them. Keys live only in the
 * mount's storage view (behind the barrier), cached in memory by a {@link LockManager}. Every
 * primitive goes through the mount's crypto provider (`config.system.crypto`); time comes from
 * `config.system.clock`.
 *
 * Automatic rotation: a key whose `auto_rotate_period` has passed is rotated when it is next used
 * (any request naming it), and by the backend's `periodicFunc`, which the framework runs on each
 * `rollback` request to the mount (Vault's rollback manager sends one a minute; it checks at most
 * hourly, as Vault does).
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * import { createTransitBackend } from 'vaultlet/engines/transit'
 * const vault = await Vault.dev({ rootToken: 'root' })
 * vault.engines.register({ type: 'transit', kind: 'secret', factory: createTransitBackend })
 * await vault.request({ method: 'POST', path: 'sys/mounts/transit', data: { type: 'transit' }, token: 'root' })
 * await vault.request({ method: 'POST', path: 'transit/keys/orders', token: 'root' })
 * const { data } = await vault.request({
 *   method: 'POST', path: 'transit/encrypt/orders', data: { plaintext: btoa('card-4242') }, token: 'root',
 * })
 * data?.ciphertext // 'vault:v1:…'
 * ```
 *
 * @module
 */
import type { Backend, BackendConfig } from '../../core/logical.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { pathBackup, pathRestore } from './backup.js'
import { pathByokExport } from './byok-export.js'
import { pathCacheConfig, storedCacheSize } from './cache-config.js'
import { pathConfigKeys } from './config-keys.js'
import type { TransitContext } from './context.js'
import { pathDatakey } from './datakey.js'
import { pathDecrypt } from './decrypt.js'
import { pathEncrypt } from './encrypt.js'
import { pathExport } from './export.js'
import { pathHash } from './hash.js'
import { pathHmac } from './hmac.js'
import { pathImport, pathImportVersion, pathWrappingKey } from './import.js'
import { pathKeys, pathListKeys } from './keys.js'
import { pathKeysConfig } from './keys-config.js'
import { LockManager } from './lock-manager.js'
import { pathRandom } from './random.js'
import { pathRewrap } from './rewrap.js'
import { pathRotate } from './rotate.js'
import { pathSign, pathVerify } from './sign-verify.js'
import { pathTrim } from './trim.js'

export { TransitClient } from './client.js'
export type { KeyType } from './key-types.js'
export { KEY_TYPES } from './key-types.js'

const HELP = `The transit backend provides encryption as a service. It does not store the data it
encrypts: it encrypts and decrypts data in transit, signs and verifies, computes HMACs and hashes,
generates random bytes and data keys, with named keys that never leave the vault unless exportable.`

/**
 * Builds a transit backend for one mount.
 *
 * @example
 * ```ts
 * vault.engines.register({ type: 'transit', kind: 'secret', factory: createTransitBackend })
 * ```
 */
export function createTransitBackend(config: BackendConfig): Backend {
  const keys = new LockManager(config.system.crypto, config.system.clock)
  const ctx: TransitContext = { crypto: config.system.crypto, clock: config.system.clock, keys }
  return new FrameworkBackend({
    type: 'transit',
    help: HELP,
    paths: [
      pathRotate(ctx),
      pathRewrap(ctx),
      pathWrappingKey(ctx),
      pathImport(ctx),
      pathImportVersion(ctx),
      pathKeys(ctx),
      pathListKeys(ctx),
      pathByokExport(ctx),
      pathExport(ctx),
      pathKeysConfig(ctx),
      pathEncrypt(ctx),
      pathDecrypt(ctx),
      pathDatakey(ctx),
      pathRandom(ctx),
      pathHash(ctx),
      pathHmac(ctx),
      pathSign(ctx),
      pathVerify(ctx),
      pathBackup(ctx),
      pathRestore(ctx),
      pathTrim(ctx),
      pathCacheConfig(ctx),
      pathConfigKeys(ctx),
    ],
    initialize: async () => {
      // The configured cache size applies from the start, as Vault reads it when the backend is built.
      const size = await storedCacheSize(config.storage)
      keys.initCache(size !== 0 && size < 10 ? 10 : size)
    },
    cleanup: async () => keys.wipe(),
    periodicFunc: async (req) => {
      await keys.rotateDueKeys(req.storage)
    },
  })
}
