/**
 * Crypto providers and the process-wide default. The default is `nobleCrypto` (runtime-neutral); the Node
 * entry point swaps in `nodeCrypto` (`vaultlet/crypto/node`).
 *
 * @module
 */

import { nobleCrypto } from './noble.js'
import { CRYPTO_PROVIDER_METHODS, type CryptoProvider } from './provider.js'

export { HASH_NAMES, type HashName, hashInfo, isHashName } from './hashes.js'
export { nobleCrypto } from './noble.js'
export {
  CRYPTO_PROVIDER_METHODS,
  type CryptoProvider,
  type EcdsaCurve,
  type RsaEncryptionPadding,
  type RsaSignatureOptions,
  type RsaSignOptions,
  type RsaVerifyOptions,
} from './provider.js'

let defaultCrypto: CryptoProvider = nobleCrypto

/**
 * The provider used when none is passed explicitly.
 *
 * @example
 * ```ts
 * getDefaultCrypto().name // 'noble' (or 'node' through the Node entry point)
 * ```
 */
export function getDefaultCrypto(): CryptoProvider {
  return defaultCrypto
}

/**
 * Replaces the process-wide default provider.
 *
 * @throws TypeError if `provider` does not look like a {@link CryptoProvider}.
 * @example
 * ```ts
 * import { nodeCrypto } from 'vaultlet/crypto/node'
 * setDefaultCrypto(nodeCrypto)
 * ```
 */
export function setDefaultCrypto(provider: CryptoProvider): void {
  if (
    typeof provider !== 'object' ||
    provider === null ||
    typeof provider.name !== 'string' ||
    CRYPTO_PROVIDER_METHODS.some((m) => typeof provider[m] !== 'function')
  ) {
    throw new TypeError('"provider" expected a CryptoProvider')
  }
  defaultCrypto = provider
}
