/**
 * The hash functions a provider offers by name, with the facts both providers share: output sizes,
 * block sizes and DER object identifiers (for PKCS #1 v1.5 DigestInfo). Names are Vault's
 * (`sha2-256`, `sha3-512`…).
 *
 * @module
 */

/**
 * A hash function, named as Vault names it.
 *
 * @example
 * ```ts
 * crypto.digest('sha3-256' satisfies HashName, data)
 * ```
 */
export type HashName =
  | 'sha1'
  | 'sha2-224'
  | 'sha2-256'
  | 'sha2-384'
  | 'sha2-512'
  | 'sha3-224'
  | 'sha3-256'
  | 'sha3-384'
  | 'sha3-512'

/**
 * Every {@link HashName}.
 *
 * @example
 * ```ts
 * HASH_NAMES.includes('sha2-512') // true
 * ```
 */
export const HASH_NAMES: readonly HashName[] = Object.freeze([
  'sha1',
  'sha2-224',
  'sha2-256',
  'sha2-384',
  'sha2-512',
  'sha3-224',
  'sha3-256',
  'sha3-384',
  'sha3-512',
])

interface HashInfo {
  /** Digest length in bytes. */
  size: number
  /** The OID of the algorithm (FIPS 180-4 / FIPS 202 registrations under 2.16.840.1.101.3.4.2). */
  oid: string
  /** `node:crypto`'s name. */
  node: string
  /** Web Crypto's name, when Web Crypto has it. */
  subtle?: string
}

const INFO: Record<HashName, HashInfo> = {
  sha1: { size: 20, oid: '1.3.14.3.2.26', node: 'sha1', subtle: 'SHA-1' },
  'sha2-224': { size: 28, oid: '2.16.840.1.101.3.4.2.4', node: 'sha224' },
  'sha2-256': { size: 32, oid: '2.16.840.1.101.3.4.2.1', node: 'sha256', subtle: 'SHA-256' },
  'sha2-384': { size: 48, oid: '2.16.840.1.101.3.4.2.2', node: 'sha384', subtle: 'SHA-384' },
  'sha2-512': { size: 64, oid: '2.16.840.1.101.3.4.2.3', node: 'sha512', subtle: 'SHA-512' },
  'sha3-224': { size: 28, oid: '2.16.840.1.101.3.4.2.7', node: 'sha3-224' },
  'sha3-256': { size: 32, oid: '2.16.840.1.101.3.4.2.8', node: 'sha3-256' },
  'sha3-384': { size: 48, oid: '2.16.840.1.101.3.4.2.9', node: 'sha3-384' },
  'sha3-512': { size: 64, oid: '2.16.840.1.101.3.4.2.10', node: 'sha3-512' },
}

/**
 * True for a supported hash name.
 *
 * @example
 * ```ts
 * isHashName('sha2-256') // true
 * ```
 */
export function isHashName(name: unknown): name is HashName {
  return typeof name === 'string' && Object.hasOwn(INFO, name)
}

/**
 * Facts about a hash: digest size, OID, `node:crypto` name, Web Crypto name (if any).
 *
 * @throws {TypeError} for an unknown name.
 * @example
 * ```ts
 * hashInfo('sha3-256').size // 32
 * ```
 */
export function hashInfo(name: HashName): Readonly<HashInfo> {
  if (!isHashName(name)) throw new TypeError(`"hash" expected one of ${HASH_NAMES.join(', ')}`)
  return INFO[name]
}
