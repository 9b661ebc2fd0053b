/**
 * The types {@link TransitClient} speaks: inputs, options, results and the {@link Plaintext} bytes.
 *
 * @module
 */
import { fromBase64, fromUtf8, toBase64, utf8 } from '../../util/encoding.js'

/**
 * Bytes, or text to be encoded as UTF-8.
 *
 * @example
 * ```ts
 * const input: BytesLike = 'card-4242' // or Uint8Array.of(1, 2, 3)
 * ```
 */
export type BytesLike = Uint8Array | string

/**
 * Base64 of bytes or UTF-8 text (internal to the client).
 *
 * @example
 * ```ts
 * b64('hi') // 'aGk='
 * ```
 */
export const b64 = (v: BytesLike): string => toBase64(typeof v === 'string' ? utf8(v) : v)

/**
 * Decodes a base64 answer field, refusing anything else (internal to the client).
 *
 * @example
 * ```ts
 * unb64('aGk=') // Uint8Array [104, 105]
 * ```
 */
export function unb64(s: unknown): Uint8Array {
  const out = typeof s === 'string' ? fromBase64(s) : null
  if (!out) throw new TypeError('transit answered a value that is not base64')
  return out
}

/**
 * Decrypted bytes, with {@link Plaintext.text} for UTF-8 content.
 *
 * @example
 * ```ts
 * const plain = await transit.decrypt('orders', ciphertext)
 * plain.text() // 'card-4242'
 * ```
 */
export class Plaintext extends Uint8Array {
  /**
   * The bytes decoded as UTF-8.
   *
   * @example
   * ```ts
   * new Plaintext(new TextEncoder().encode('hi')).text() // 'hi'
   * ```
   */
  text(): string {
    return fromUtf8(this)
  }
}

/**
 * Key info as `GET keys/:name` answers it.
 *
 * @example
 * ```ts
 * const info: KeyInfo | null = await transit.readKey('orders')
 * info?.min_decryption_version // 1
 * ```
 */
export interface KeyInfo {
  name: string
  type: string
  derived: boolean
  exportable: boolean
  allow_plaintext_backup: boolean
  deletion_allowed: boolean
  latest_version: number
  min_available_version: number
  min_decryption_version: number
  min_encryption_version: number
  supports_encryption: boolean
  supports_decryption: boolean
  supports_signing: boolean
  supports_derivation: boolean
  auto_rotate_period: number
  imported_key: boolean
  /** Version → creation time (unix seconds) for symmetric keys, or public key info for asymmetric ones. */
  keys?: Record<string, number | { name: string; public_key: string; creation_time: string }>
  [field: string]: unknown
}

/**
 * Options of {@link TransitClient.createKey}.
 *
 * @example
 * ```ts
 * const opts: CreateKeyOptions = { type: 'aes256-gcm96', derived: true, autoRotatePeriod: '720h' }
 * ```
 */
export interface CreateKeyOptions {
  type?: string
  derived?: boolean
  convergentEncryption?: boolean
  exportable?: boolean
  allowPlaintextBackup?: boolean
  /** Seconds or a duration string (`'24h'`). */
  autoRotatePeriod?: number | string
  /** HMAC keys only, bytes (32–512). */
  keySize?: number
}

/**
 * Options shared by encrypt, decrypt and rewrap.
 *
 * @example
 * ```ts
 * const opts: CipherOptions = { context: 'tenant-7', associatedData: 'order-17' }
 * ```
 */
export interface CipherOptions {
  /** Derivation context (required for derived keys). */
  context?: BytesLike
  /** Key version to encrypt with (0 = latest). */
  keyVersion?: number
  /** Associated data (AEAD keys). */
  associatedData?: BytesLike
  /** RSA keys: `oaep` (default) or `pkcs1v15`. */
  paddingScheme?: 'oaep' | 'pkcs1v15'
}

/**
 * One encryption result.
 *
 * @example
 * ```ts
 * const { ciphertext, keyVersion }: EncryptResult = await transit.encrypt('orders', 'x')
 * ```
 */
export interface EncryptResult {
  ciphertext: string
  keyVersion: number
}

/**
 * One item of a batch result: a value, or the item's own `error`.
 *
 * @example
 * ```ts
 * for (const r of await transit.encryptBatch('orders', items)) if (!r.ok) console.warn(r.reference, r.error)
 * ```
 */
export type BatchResult<T> =
  | ({ ok: true } & T & { reference: string })
  | { ok: false; error: string; reference: string }

/**
 * One item of a batch request.
 *
 * @example
 * ```ts
 * const item: BatchItem & { plaintext: string } = { plaintext: 'a', context: 'tenant-7', reference: 'row-1' }
 * ```
 */
export interface BatchItem {
  context?: BytesLike
  keyVersion?: number
  associatedData?: BytesLike
  /** Echoed back on the matching result. */
  reference?: string
}

/**
 * Options of {@link TransitClient.sign} and {@link TransitClient.verify}.
 *
 * @example
 * ```ts
 * const opts: SignOptions = { hashAlgorithm: 'sha2-384', signatureAlgorithm: 'pkcs1v15' }
 * ```
 */
export interface SignOptions {
  hashAlgorithm?: string
  prehashed?: boolean
  /** RSA: `pss` (default) or `pkcs1v15`. */
  signatureAlgorithm?: 'pss' | 'pkcs1v15'
  /** `asn1` (default) or `jws`. */
  marshalingAlgorithm?: 'asn1' | 'jws'
  /** RSA-PSS: `auto`, `hash` or a number of bytes. */
  saltLength?: 'auto' | 'hash' | number
  /** Derivation context (derived Ed25519 keys). */
  context?: BytesLike
  keyVersion?: number
}
