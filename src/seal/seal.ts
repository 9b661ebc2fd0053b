/**
 * Seals protect the root key that protects the barrier's keyring. The default {@link ShamirSeal}
 * encrypts the root key under an unseal key that exists only as operator shares; an auto-unseal seal
 * ({@link CallbackSeal}) hands the root key to a host-provided wrap/unwrap (a KMS, an HSM) and turns the
 * operator shares into recovery keys.
 *
 * @module
 */
import { aeadOpen, aeadSeal } from '../barrier/aead.js'
import { ROOT_KEY_PATH } from '../barrier/barrier.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { InvalidKeyError } from '../errors.js'

/** Storage path of the sealed root key (Vault's name), read while sealed. */
export const SEALED_ROOT_KEY_PATH = ROOT_KEY_PATH

/** Vault's wording when the combined key does not open the stored root key. */
export const UNSEAL_FAILED =
  'invalid key: unable to retrieve stored keys: failed to decrypt keys from storage: cipher: message authentication failed'

/**
 * A seal: wraps the barrier's root key for storage and unwraps it on unseal.
 *
 * - Shamir seals (`autoUnseal: false`) receive the unseal key combined from the operator's shares as `kek`.
 * - Auto-unseal seals (`autoUnseal: true`) get no `kek`: they protect the root key by themselves, and
 *   the operator's shares are recovery keys that authorize rekey and generate-root.
 */
export interface Seal {
  /** Shown as `type` in `sys/seal-status` (`shamir`, `awskms`, …). */
  readonly type: string
  /** `true` when the seal unwraps the root key without operator shares. */
  readonly autoUnseal: boolean
  /** Encrypts the root key for storage. */
  wrap(rootKey: Uint8Array, kek?: Uint8Array): Promise<Uint8Array>
  /**
   * Decrypts the stored root key. Throws {@link InvalidKeyError} when the key (or combination of shares)
   * is wrong.
   */
  unwrap(blob: Uint8Array, kek?: Uint8Array): Promise<Uint8Array>
}

/**
 * Vault's default seal: the root key is AES-256-GCM encrypted under the unseal key, which is split into
 * shares with Shamir's secret sharing and never stored.
 *
 * @example
 * ```ts
 * const vault = new Vault({ storage, seal: new ShamirSeal() }) // the default
 * ```
 */
export class ShamirSeal implements Seal {
  readonly type = 'shamir'
  readonly autoUnseal = false
  private crypto: CryptoProvider | undefined

  /** @internal The vault hands its crypto provider to its seal. */
  bind(crypto: CryptoProvider): void {
    this.crypto = crypto
  }

  private provider(): CryptoProvider {
    if (!this.crypto) throw new TypeError('ShamirSeal used before being attached to a Vault')
    return this.crypto
  }

  async wrap(rootKey: Uint8Array, kek?: Uint8Array): Promise<Uint8Array> {
    if (!kek) throw new TypeError('shamir seal needs the unseal key')
    return aeadSeal(this.provider(), kek, SEALED_ROOT_KEY_PATH, rootKey)
  }

  async unwrap(blob: Uint8Array, kek?: Uint8Array): Promise<Uint8Array> {
    if (!kek) throw new TypeError('shamir seal needs the unseal key')
    try {
      return aeadOpen(this.provider(), kek, SEALED_ROOT_KEY_PATH, blob)
    } catch (cause) {
      // Vault (core.go unsealKeyToRootKey) wraps the seal's failure in ErrInvalidKey → HTTP 400.
      throw new InvalidKeyError(UNSEAL_FAILED, { cause })
    }
  }
}

/** What a host provides to a {@link CallbackSeal}. */
export interface CallbackSealOptions {
  /** Seal type shown by `sys/seal-status` (default `callback`). */
  type?: string
  /** Encrypts the root key (e.g. a KMS Encrypt call). */
  wrap(plaintext: Uint8Array): Promise<Uint8Array>
  /** Decrypts what `wrap` produced (e.g. a KMS Decrypt call). */
  unwrap(ciphertext: Uint8Array): Promise<Uint8Array>
}

/**
 * An auto-unseal seal over host callbacks: the vault unseals itself (`vault.unseal()` with no key), and
 * `init` returns recovery keys instead of unseal keys.
 *
 * @example
 * ```ts
 * const seal = new CallbackSeal({ type: 'awskms', wrap: (pt) => kms.encrypt(pt), unwrap: (ct) => kms.decrypt(ct) })
 * const vault = new Vault({ storage, seal })
 * const { recoveryKeys } = await vault.init({ recoveryShares: 5, recoveryThreshold: 3 }) // now unsealed
 * ```
 */
export class CallbackSeal implements Seal {
  readonly type: string
  readonly autoUnseal = true

  constructor(private readonly options: CallbackSealOptions) {
    this.type = options.type ?? 'callback'
  }

  async wrap(rootKey: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await this.options.wrap(rootKey.slice()))
  }

  async unwrap(blob: Uint8Array): Promise<Uint8Array> {
    try {
      return new Uint8Array(await this.options.unwrap(blob.slice()))
    } catch (cause) {
      throw new InvalidKeyError(UNSEAL_FAILED, { cause })
    }
  }
}
