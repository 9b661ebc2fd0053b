/**
 * A transit key's versions and derived keys — the keysutil `Policy` methods the operations share:
 * version lookup, HKDF-SHA256 key derivation, convergent versions, HMAC keys, and the
 * `vault:v<N>:` prefix. Errors are keysutil's, kind and wording.
 *
 * @module
 */
import type { CryptoProvider } from '../../crypto/provider.js'
import { TransitError, TransitInternalError, TransitUserError } from './errors.js'
import { supportsDerivation } from './key-types.js'
import { KDF_HKDF_SHA256, type KeyEntry, type Policy } from './policy.js'

/** keysutil `ErrTooOld`. */
export const ERR_TOO_OLD = 'ciphertext or signature version is disallowed by policy (too old)'
/** keysutil's missing-context message. */
export const ERR_MISSING_CONTEXT =
  "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key"
/** The template prefix (keysutil `DefaultVersionTemplate`, `vault:v{{version}}:`). */
const PREFIX = 'vault:v'

/**
 * `vault:v<ver>:`.
 *
 * @example
 * ```ts
 * versionPrefix(2) // 'vault:v2:'
 * ```
 */
export function versionPrefix(ver: number): string {
  return `${PREFIX}${ver}:`
}

/** keysutil `safeGetKeyEntry`. */
export function getKeyEntry(p: Policy, ver: number): KeyEntry {
  const e = p.keys[String(ver)]
  if (!e) throw new TransitUserError('no such key version')
  return e
}

/**
 * keysutil `DeriveKey`: HKDF-SHA256 with the version's key as IKM, `salt` as salt and the context as
 * info, reading `numBytes`. For Ed25519 the first 32 derived bytes are the seed of the derived key
 * pair, which is returned as Go's 64-byte private key (seed ‖ public key).
 *
 * @throws {TransitUserError} / {@link TransitInternalError} with keysutil's messages.
 */
export function deriveKey(
  p: Policy,
  crypto: CryptoProvider,
  context: Uint8Array,
  salt: Uint8Array,
  ver: number,
  numBytes: number,
): Uint8Array {
  if (!supportsDerivation(p.type))
    throw new TransitUserError(`derivation not supported for key type ${p.type}`)
  if (p.latestVersion === 0) throw new TransitInternalError('unable to access the key; no key versions found')
  if (ver <= 0 || ver > p.latestVersion) throw new TransitUserError('invalid key version')
  if (context.length === 0) throw new TransitUserError(ERR_MISSING_CONTEXT)
  const entry = getKeyEntry(p, ver)
  if (p.kdf !== KDF_HKDF_SHA256) throw new TransitInternalError('unsupported key derivation mode')
  const ikm = entry.key ?? new Uint8Array()
  if (p.type === 'ed25519') {
    const seed = crypto.hkdfSha256(ikm, salt, context, 32)
    const pub = crypto.ed25519PublicKey(seed)
    const out = new Uint8Array(64)
    out.set(seed, 0)
    out.set(pub, 32)
    return out
  }
  return crypto.hkdfSha256(ikm, salt, context, numBytes)
}

/** keysutil `GetKey`: the version's key, or the one derived from `context` for derived policies. */
export function getKey(
  p: Policy,
  crypto: CryptoProvider,
  context: Uint8Array,
  ver: number,
  numBytes: number,
) {
  if (!p.derived) return getKeyEntry(p, ver).key ?? new Uint8Array()
  return deriveKey(p, crypto, context, new Uint8Array(), ver, numBytes)
}

/** keysutil `convergentVersion`: the scheme of one version (0 when the policy is not convergent). */
export function convergentVersionOf(p: Policy, ver: number): number {
  if (!p.convergentEncryption) return 0
  let v = p.convergentVersion === 0 ? 1 : p.convergentVersion
  const e = p.keys[String(ver)]
  if (e && e.convergentVersion !== 0) v = e.convergentVersion
  return v
}

/** Splits `vault:v<N>:<rest>` as keysutil does; `kind` names it in errors (`ciphertext`, `signature`). */
export function splitVersioned(
  value: string,
  kind: 'ciphertext' | 'signature',
): { ver: number; rest: string } {
  if (!value.startsWith(PREFIX)) throw new TransitUserError(`invalid ${kind}: no prefix`)
  const tail = value.slice(PREFIX.length)
  const colon = tail.indexOf(':')
  if (colon < 0) throw new TransitUserError(`invalid ${kind}: wrong number of fields`)
  const ver = goAtoi(tail.slice(0, colon))
  if (ver === undefined) throw new TransitUserError(`invalid ${kind}: version number could not be decoded`)
  return { ver, rest: tail.slice(colon + 1) }
}

/**
 * Go's `strconv.Atoi`: optional sign, decimal digits, within int64; `undefined` otherwise.
 *
 * @example
 * ```ts
 * goAtoi('+7') // 7
 * ```
 */
export function goAtoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined
  const n = Number(s)
  if (!Number.isSafeInteger(n)) return undefined
  return n
}

/**
 * keysutil `HMACKey`: the version's HMAC key (the key itself for the `hmac` type).
 *
 * @throws {TransitError} / {@link TransitUserError} with keysutil's messages.
 */
export function hmacKeyOf(p: Policy, ver: number): Uint8Array {
  if (ver < 0) throw new TransitError('key version does not exist (cannot be negative)')
  if (ver > p.latestVersion) {
    throw new TransitError(`key version does not exist; latest key version is ${p.latestVersion}`)
  }
  const e = getKeyEntry(p, ver)
  if (p.type === 'hmac') return e.key ?? new Uint8Array()
  if (!e.hmacKey) throw new TransitError('no HMAC key exists for that key version')
  return e.hmacKey
}
