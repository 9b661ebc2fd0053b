/**
 * Crypto providers and the process-wide default. The default is `nobleCrypto` (runtime-neutral); the Node
 * entry point swaps in `nodeCrypto` (`vaultlet/crypto/node`).
 *
 * @module
 */

import { nobleCrypto } from './noble.js'
import type { CryptoProvider } from './provider.js'

export { nobleCrypto } from './noble.js'
export type { CryptoProvider } from './provider.js'

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
  const methods = [
    'randomBytes',
    'aesGcmEncrypt',
    'aesGcmDecrypt',
    'hmacSha256',
    'sha256',
    'timingSafeEqual',
  ] as const
  if (
    typeof provider !== 'object' ||
    provider === null ||
    typeof provider.name !== 'string' ||
    methods.some((m) => typeof provider[m] !== 'function')
  ) {
    throw new TypeError('"provider" expected a CryptoProvider')
  }
  defaultCrypto = provider
}
