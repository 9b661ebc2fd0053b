/**
 * Signatures with a transit key (keysutil `SignWithOptions` / `VerifySignatureWithOptions`): ECDSA
 * over a digest (ASN.1 DER or JWS `r ‖ s`), pure Ed25519 (plain or derived from a context), and RSA-PSS
 * / PKCS #1 v1.5 with Go's salt-length rules. Every primitive runs through the mount's
 * {@link CryptoProvider}.
 *
 * @module
 */
import { bigintToBytes, bytesToBigint, derInt, readAll, readTlv, seq, TAG } from '../../crypto/der.js'
import { hashInfo } from '../../crypto/hashes.js'
import type { CryptoProvider, HashName } from '../../crypto/provider.js'
import { rsaPublicFromSpki } from '../../crypto/rsa.js'
import { TransitError, TransitInternalError, TransitUserError } from './errors.js'
import { Base64Error, decodeRawUrl, decodeStd, encodeRawUrl, encodeStd } from './go-base64.js'
import { derUnsigned } from './key-encoding.js'
import {
  curveBits,
  curveOf,
  type HashType,
  isEcdsa,
  isRsa,
  type Marshaling,
  supportsSigning,
} from './key-types.js'
import { ERR_TOO_OLD, getKey, getKeyEntry, splitVersioned, versionPrefix } from './operations.js'
import { isPrivateKeyMissing, type KeyEntry, type Policy } from './policy.js'

/**
 * The Ed25519 seed and public key of a (non-derived) version, memoized per key entry so the provider
 * sees the same byte arrays on every call and can keep its parsed key objects.
 */
const ed25519Keys = new WeakMap<KeyEntry, { seed?: Uint8Array; publicKey: Uint8Array }>()

function ed25519KeysOf(entry: KeyEntry): { seed?: Uint8Array; publicKey: Uint8Array } {
  let keys = ed25519Keys.get(entry)
  if (!keys) {
    keys = {
      ...(entry.key && entry.key.length >= 32 ? { seed: entry.key.subarray(0, 32) } : {}),
      publicKey: decodeStd(entry.publicKey),
    }
    ed25519Keys.set(entry, keys)
  }
  return keys
}

/** Options of {@link sign} and {@link verifySignature} (keysutil `SigningOptions`). */
export interface SigningOptions {
  hash: HashType
  marshaling: Marshaling
  /** Go's PSS salt length: 0 = auto (maximum when signing, detected when verifying), -1 = hash size. */
  saltLength: number
  /** `pss` (default) or `pkcs1v15`; empty means `pss`. */
  sigAlgorithm: string
  /** The unhashed input, when the caller did not prehash it (the portable provider's RSA needs it). */
  message?: Uint8Array
}

function rsaHashSize(hash: HashType): number {
  return hash === 'none' ? 0 : hashInfo(hash).size
}

function maxPssSalt(bits: number, hash: HashType): number {
  return Math.floor((bits - 1 + 7) / 8) - 2 - rsaHashSize(hash)
}

function validPssSalt(bits: number, hash: HashType, salt: number): boolean {
  return salt >= -1 && salt <= maxPssSalt(bits, hash)
}

function encodeSignature(sig: Uint8Array, marshaling: Marshaling): string {
  return marshaling === 'jws' ? encodeRawUrl(sig) : encodeStd(sig)
}

/**
 * keysutil `SignWithOptions`: signs `input` — the digest for ECDSA and RSA, the message for Ed25519 —
 * with version `ver` (0 = latest). Returns `vault:v<ver>:<base64>` (base64url without padding for
 * `jws`), and for derived Ed25519 keys the derived public key.
 *
 * @throws {TransitUserError} / {@link TransitInternalError} / {@link TransitError} as keysutil.
 */
export async function sign(
  p: Policy,
  crypto: CryptoProvider,
  ver: number,
  context: Uint8Array,
  input: Uint8Array,
  opts: SigningOptions,
): Promise<{ signature: string; publicKey?: Uint8Array }> {
  if (!supportsSigning(p.type)) throw new TransitError(`message signing not supported for key type ${p.type}`)
  if (ver === 0) ver = p.latestVersion
  else if (ver < 0) throw new TransitUserError('requested version for signing is negative')
  else if (ver > p.latestVersion) {
    throw new TransitUserError('requested version for signing is higher than the latest key version')
  } else if (p.minEncryptionVersion > 0 && ver < p.minEncryptionVersion) {
    throw new TransitUserError(
      'requested version for signing is less than the minimum encryption key version',
    )
  }
  const entry = getKeyEntry(p, ver)
  if (isPrivateKeyMissing(entry)) {
    throw new TransitUserError('requested version for signing does not contain a private part')
  }
  let sig: Uint8Array
  let publicKey: Uint8Array | undefined
  if (isEcdsa(p.type)) {
    const raw = crypto.ecdsaSign(curveOf(p.type), entry.ecD!, input)
    sig = opts.marshaling === 'jws' ? raw : ecdsaDer(raw)
  } else if (p.type === 'ed25519') {
    let seed: Uint8Array
    if (p.derived) {
      let key: Uint8Array
      try {
        key = getKey(p, crypto, context, ver, 32)
      } catch (e) {
        throw new TransitInternalError(`error deriving key: ${(e as Error).message}`)
      }
      publicKey = key.slice(32, 64)
      seed = key.subarray(0, 32)
    } else {
      seed = ed25519KeysOf(entry).seed!
    }
    if (opts.hash === 'sha2-512') {
      throw new TransitUserError(
        'error generating Ed25519 options: hash algorithm of SHA2 512 is not supported feature',
      )
    }
    sig = crypto.ed25519Sign(seed, input)
  } else {
    const pkcs8 = entry.rsaKey!
    const bits = rsaPublicFromSpki(entry.rsaPublicKey!).bits
    const scheme = opts.sigAlgorithm === '' ? 'pss' : opts.sigAlgorithm
    if (scheme === 'pss') {
      if (!validPssSalt(bits, opts.hash, opts.saltLength)) {
        throw new TransitUserError(`requested salt length ${opts.saltLength} is invalid`)
      }
      const hash = opts.hash as HashName
      const saltLength =
        opts.saltLength === 0
          ? maxPssSalt(bits, hash)
          : opts.saltLength === -1
            ? rsaHashSize(hash)
            : opts.saltLength
      sig = await unsupportedAsError(
        crypto.rsaSign(pkcs8, {
          scheme: 'pss',
          hash,
          digest: input,
          saltLength,
          ...(opts.message ? { message: opts.message } : {}),
        }),
      )
    } else if (scheme === 'pkcs1v15') {
      try {
        sig = await unsupportedAsError(
          crypto.rsaSign(pkcs8, {
            scheme: 'pkcs1v15',
            hash: opts.hash,
            digest: input,
            ...(opts.message ? { message: opts.message } : {}),
          }),
        )
      } catch (e) {
        if (e instanceof RangeError) throw new TransitError(e.message)
        throw e
      }
    } else {
      throw new TransitInternalError(`unsupported rsa signature algorithm ${scheme}`)
    }
  }
  return {
    signature: versionPrefix(ver) + encodeSignature(sig, opts.marshaling),
    ...(publicKey ? { publicKey } : {}),
  }
}

/** A provider's `unsupported:` refusal (what its backend cannot do) as a plain keysutil-style error. */
async function unsupportedAsError<T>(p: Promise<T>): Promise<T> {
  try {
    return await p
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('unsupported:'))
      throw new TransitError(e.message, { cause: e })
    throw e
  }
}

/** ASN.1 `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` of `r ‖ s`. */
function ecdsaDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2
  return seq(derInt(raw.subarray(0, half)), derInt(raw.subarray(half)))
}

/** `r ‖ s` at the curve's size from the integers, or `null` when they cannot be a valid signature. */
function fixedRs(r: bigint, s: bigint, size: number): Uint8Array | null {
  const limit = 1n << BigInt(size * 8)
  if (r <= 0n || s <= 0n || r >= limit || s >= limit) return null
  const out = new Uint8Array(size * 2)
  out.set(bigintToBytes(r, size), 0)
  out.set(bigintToBytes(s, size), size)
  return out
}

function parseEcdsaSignature(sigBytes: Uint8Array, marshaling: Marshaling, size: number): Uint8Array | null {
  if (marshaling === 'jws') {
    const half = Math.floor(sigBytes.length / 2)
    return fixedRs(bytesToBigint(sigBytes.subarray(0, half)), bytesToBigint(sigBytes.subarray(half)), size)
  }
  let r: bigint
  let s: bigint
  let rest: Uint8Array
  try {
    const outer = readTlv(sigBytes, TAG.SEQUENCE)
    rest = outer.rest
    const [ri, si, extra] = readAll(outer.content)
    if (!ri || !si || extra || ri.tag !== TAG.INTEGER || si.tag !== TAG.INTEGER) throw new Error('malformed')
    if (ri.content[0]! & 0x80 || si.content[0]! & 0x80) return null // negative: never valid
    r = bytesToBigint(derUnsigned(ri.content))
    s = bytesToBigint(derUnsigned(si.content))
  } catch {
    throw new TransitUserError('supplied signature is invalid')
  }
  if (rest.length !== 0) throw new TransitUserError('supplied signature contains extra data')
  return fixedRs(r, s, size)
}

/**
 * keysutil `VerifySignatureWithOptions`: verifies `vault:v<N>:<sig>` over `input` (digest for ECDSA
 * and RSA, message for Ed25519).
 *
 * @throws {TransitUserError} / {@link TransitInternalError} with keysutil's messages; a signature that
 *   is merely wrong is `false`.
 */
export async function verifySignature(
  p: Policy,
  crypto: CryptoProvider,
  context: Uint8Array,
  input: Uint8Array,
  signature: string,
  opts: SigningOptions,
): Promise<boolean> {
  if (!supportsSigning(p.type)) {
    throw new TransitUserError(`message verification not supported for key type ${p.type}`)
  }
  const { ver, rest } = splitVersioned(signature, 'signature')
  if (ver > p.latestVersion) throw new TransitUserError('invalid signature: version is too new')
  if (p.minDecryptionVersion > 0 && ver < p.minDecryptionVersion) throw new TransitUserError(ERR_TOO_OLD)
  let sigBytes: Uint8Array
  try {
    sigBytes = opts.marshaling === 'jws' ? decodeRawUrl(rest) : decodeStd(rest)
  } catch (e) {
    if (e instanceof Base64Error) throw new TransitUserError('invalid base64 signature value')
    throw e
  }
  if (isEcdsa(p.type)) {
    const entry = getKeyEntry(p, ver)
    const size = Math.ceil(curveBits(p.type) / 8)
    const rs = parseEcdsaSignature(sigBytes, opts.marshaling, size)
    return rs !== null && crypto.ecdsaVerify(curveOf(p.type), entry.ecPoint!, input, rs)
  }
  if (p.type === 'ed25519') {
    let pub: Uint8Array
    if (p.derived) {
      try {
        pub = getKey(p, crypto, context, ver, 32).slice(32, 64)
      } catch (e) {
        throw new TransitInternalError(`error deriving key: ${(e as Error).message}`)
      }
    } else {
      pub = ed25519KeysOf(getKeyEntry(p, ver)).publicKey
    }
    if (opts.hash === 'sha2-512') {
      throw new TransitUserError(
        'error generating Ed25519 options: hash algorithm of SHA2 512 is not supported feature',
      )
    }
    return crypto.ed25519Verify(pub, input, sigBytes)
  }
  if (!isRsa(p.type)) throw new TransitInternalError(`unsupported key type ${p.type}`)
  const entry = getKeyEntry(p, ver)
  const spki = entry.rsaPublicKey!
  const scheme = opts.sigAlgorithm === '' ? 'pss' : opts.sigAlgorithm
  if (scheme === 'pss') {
    const bits = rsaPublicFromSpki(spki).bits
    if (!validPssSalt(bits, opts.hash, opts.saltLength)) {
      throw new TransitUserError(`requested salt length ${opts.saltLength} is invalid`)
    }
    if (opts.hash === 'none') return false
    return crypto.rsaVerify(spki, sigBytes, {
      scheme: 'pss',
      hash: opts.hash,
      digest: input,
      saltLength:
        opts.saltLength === 0 ? 'auto' : opts.saltLength === -1 ? rsaHashSize(opts.hash) : opts.saltLength,
    })
  }
  if (scheme === 'pkcs1v15') {
    return crypto.rsaVerify(spki, sigBytes, { scheme: 'pkcs1v15', hash: opts.hash, digest: input })
  }
  throw new TransitInternalError(`unsupported rsa signature algorithm ${scheme}`)
}
