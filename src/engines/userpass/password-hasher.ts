/**
 * Password hashing for userpass: a memory-hard KDF (scrypt, RFC 7914, from `@noble/hashes`) whose
 * parameters are stored with every hash, in the PHC string format
 * (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, unpadded base64), so the defaults can change without
 * invalidating stored passwords. Vault uses bcrypt (cost 10); scrypt at N=2^15, r=8, p=1 (32 MiB per
 * derivation) is the memory-hard equivalent with a standard, audited implementation in the dependency
 * we already have.
 *
 * The comparison goes through the crypto provider's constant-time equality. A password is never
 * compared, logged or stored in the clear.
 *
 * @module
 */
import { scryptAsync } from '@noble/hashes/scrypt.js'
import type { CryptoProvider } from '../../crypto/provider.js'
import { fromBase64, toBase64Raw, utf8 } from '../../util/encoding.js'

/**
 * Hashes and checks passwords. Implementations must do the same work in {@link PasswordHasher.verify}
 * whether the password matches or not, and for {@link PasswordHasher.dummy} as for a real hash made with
 * the current parameters: the userpass login checks an unknown user's password against the dummy, so
 * that the answer takes as long as for a known user.
 *
 * @example
 * ```ts
 * const hasher = scryptHasher({ crypto: getDefaultCrypto() })
 * const stored = await hasher.hash('hunter2')      // '$scrypt$ln=15,r=8,p=1$…$…'
 * await hasher.verify('hunter2', stored)            // true
 * await hasher.verify('guess', hasher.dummy)        // false, after the same KDF work
 * ```
 */
export interface PasswordHasher {
  /** Hashes a new password with a fresh random salt; the result encodes the algorithm and parameters. */
  hash(password: string): Promise<string>
  /**
   * Checks a password against an encoded hash, in constant time. A malformed hash does not match (after
   * the same KDF work as the dummy).
   */
  verify(password: string, encoded: string): Promise<boolean>
  /** An encoded hash with the current parameters that no password matches. */
  readonly dummy: string
}

/** scrypt's cost parameters: `N = 2^logN`. */
export interface ScryptParams {
  logN: number
  r: number
  p: number
}

/**
 * The key derivation itself, replaceable for tests (to count the work done) and for hosts with a native
 * scrypt (`node:crypto`'s is about twice as fast).
 */
export type ScryptKdf = (
  password: Uint8Array,
  salt: Uint8Array,
  params: { N: number; r: number; p: number; dkLen: number },
) => Promise<Uint8Array>

/** Options of {@link scryptHasher}. */
export interface ScryptHasherOptions extends Partial<ScryptParams> {
  /** Random salts and the constant-time comparison. */
  crypto: CryptoProvider
  /** The KDF; default `@noble/hashes`' `scryptAsync`, which yields to the event loop every 10 ms. */
  kdf?: ScryptKdf
}

/** Default cost: N=2^15, r=8, p=1 (32 MiB, about 0.2 s per derivation in pure JS). */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ logN: 15, r: 8, p: 1 })

const SALT_LENGTH = 16
const KEY_LENGTH = 32
/** Bounds for parameters read from storage (a hash is data; it must not be able to ask for 1 TiB). */
const LIMITS = { logN: [1, 20], r: [1, 32], p: [1, 16] } as const

const defaultKdf: ScryptKdf = (password, salt, params) => scryptAsync(password, salt, params)

interface Decoded extends ScryptParams {
  salt: Uint8Array
  hash: Uint8Array
}

function decode(encoded: string): Decoded | null {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
    encoded,
  )
  if (!m) return null
  const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi
  if (!within(logN, LIMITS.logN) || !within(r, LIMITS.r) || !within(p, LIMITS.p)) return null
  const salt = fromBase64(m[4] ?? '')
  const hash = fromBase64(m[5] ?? '')
  if (!salt || !hash || salt.length < 8 || hash.length < 16 || hash.length > 64) return null
  return { logN, r, p, salt, hash }
}

function encode(params: ScryptParams, salt: Uint8Array, hash: Uint8Array): string {
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${toBase64Raw(salt)}$${toBase64Raw(hash)}`
}

/**
 * A scrypt {@link PasswordHasher}. New hashes use the given parameters (default
 * {@link DEFAULT_SCRYPT_PARAMS}); stored hashes are checked with the parameters they carry.
 *
 * @example
 * ```ts
 * const vault = await Vault.dev({ passwordHasher: scryptHasher({ crypto: nodeCrypto, logN: 16 }) })
 * ```
 * @throws {TypeError} for parameters outside scrypt's sane range (logN 1–20, r 1–32, p 1–16).
 */
export function scryptHasher(options: ScryptHasherOptions): PasswordHasher {
  const params: ScryptParams = {
    logN: options.logN ?? DEFAULT_SCRYPT_PARAMS.logN,
    r: options.r ?? DEFAULT_SCRYPT_PARAMS.r,
    p: options.p ?? DEFAULT_SCRYPT_PARAMS.p,
  }
  for (const key of ['logN', 'r', 'p'] as const) {
    const [lo, hi] = LIMITS[key]
    if (!Number.isInteger(params[key]) || params[key] < lo || params[key] > hi) {
      throw new TypeError(`scrypt ${key} must be an integer in [${lo}, ${hi}]`)
    }
  }
  const { crypto } = options
  const kdf = options.kdf ?? defaultKdf
  const derive = (password: string, d: ScryptParams, salt: Uint8Array, dkLen: number) =>
    kdf(utf8(password), salt, { N: 2 ** d.logN, r: d.r, p: d.p, dkLen })
  // Zero salt and zero hash: finding a password whose scrypt is all zeros is a preimage attack.
  const dummy = encode(params, new Uint8Array(SALT_LENGTH), new Uint8Array(KEY_LENGTH))
  const dummyDecoded = decode(dummy) as Decoded

  return {
    dummy,
    async hash(password) {
      const salt = crypto.randomBytes(SALT_LENGTH)
      return encode(params, salt, await derive(password, params, salt, KEY_LENGTH))
    },
    async verify(password, encoded) {
      const stored = decode(encoded)
      const target = stored ?? dummyDecoded
      const derived = await derive(password, target, target.salt, target.hash.length)
      return crypto.timingSafeEqual(derived, target.hash) && stored !== null && encoded !== dummy
    },
  }
}
