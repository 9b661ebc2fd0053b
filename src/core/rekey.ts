/**
 * Rekey: new unseal key shares (or recovery key shares, for auto-unseal seals) for the same data.
 * The barrier's root key and data keys are untouched; only the key that wraps the root key changes.
 * Mirrors `sys/rekey/*` and `sys/rekey-recovery-key/*`, including optional verification of the new
 * shares before they take effect.
 *
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js'
import { InvalidRequestError, NotInitializedError, SealedError, VaultError } from '../errors.js'
import { uuid } from '../util/encoding.js'
import { validateShares } from './seal-config.js'
import { encodeShares, makeShares, type SealManager } from './seal-manager.js'
import { checkKeyLength, ShareCollector } from './shares.js'

/** `GET sys/rekey/init`. */
export interface RekeyStatus {
  nonce: string
  started: boolean
  /** The NEW threshold. */
  t: number
  /** The NEW number of shares. */
  n: number
  progress: number
  /** How many current shares are needed. */
  required: number
  pgp_fingerprints: null
  backup: boolean
  verification_required: boolean
  verification_nonce?: string
}

/** The answer to the share that completes a rekey. */
export interface RekeyUpdateResult {
  nonce: string
  complete: true
  keys: string[]
  keys_base64: string[]
  pgp_fingerprints: null
  backup: boolean
  verification_required: boolean
  verification_nonce?: string
}

/** `GET sys/rekey/verify`. */
export interface RekeyVerifyStatus {
  nonce: string
  started: boolean
  t: number
  n: number
  progress: number
}

/** Parameters of `PUT sys/rekey/init`. */
export interface RekeyInitOptions {
  secret_shares: number
  secret_threshold: number
  pgp_keys?: string[] | null
  backup?: boolean
  require_verification?: boolean
}

interface Pending {
  shares: number
  threshold: number
  requireVerification: boolean
  nonce: string
  collector: ShareCollector
  /** Set once the current shares were accepted and verification is required. */
  verification?: {
    nonce: string
    newKey: Uint8Array
    /** For unseal keys: the root key already wrapped under the new key. */
    blob?: Uint8Array
    collector: ShareCollector
  }
}

/**
 * One rekey operation slot (unseal key or recovery key).
 */
export class Rekey {
  private pending: Pending | null = null

  constructor(
    private readonly manager: SealManager,
    private readonly crypto: CryptoProvider,
    /** `true` for `sys/rekey-recovery-key`. */
    readonly recovery: boolean,
    private readonly autoUnseal: boolean,
    private readonly onComplete: (shares: number, threshold: number) => void,
  ) {}

  private async precheck(): Promise<void> {
    if (!(await this.manager.initialized())) throw new InvalidRequestError('server is not yet initialized')
    if (this.recovery && !this.autoUnseal) throw new InvalidRequestError('recovery rekeying not supported')
    if (!this.recovery && this.autoUnseal) {
      throw new InvalidRequestError(
        'rekeying the barrier key of an auto-unseal seal is not supported by vaultlet; rekey the recovery key instead',
      )
    }
  }

  private async required(): Promise<number> {
    return (await this.manager.authorizingConfig()).secret_threshold
  }

  /** `GET sys/rekey/init`. */
  async status(): Promise<RekeyStatus> {
    await this.precheck()
    const p = this.pending
    return {
      nonce: p?.nonce ?? '',
      started: p !== null,
      t: p?.threshold ?? 0,
      n: p?.shares ?? 0,
      progress: p?.collector.progress ?? 0,
      required: await this.required(),
      pgp_fingerprints: null,
      backup: false,
      verification_required: p?.requireVerification ?? false,
      ...(p?.verification ? { verification_nonce: p.verification.nonce } : {}),
    }
  }

  /** `PUT sys/rekey/init`: starts an attempt. */
  async init(options: RekeyInitOptions, sealed: boolean): Promise<RekeyStatus> {
    await this.precheck()
    if (options.backup && !options.pgp_keys?.length) {
      throw new InvalidRequestError(
        'cannot request a backup of the new keys without providing PGP keys for encryption',
      )
    }
    if (options.pgp_keys?.length)
      throw new InvalidRequestError('PGP-encrypted keys are not supported by vaultlet')
    // Vault's Core.RekeyInit checks this before validating the configuration, with its own wording.
    if (options.secret_threshold > options.secret_shares) {
      throw new InvalidRequestError('provided threshold greater than the total shares')
    }
    try {
      validateShares(options.secret_shares, options.secret_threshold)
    } catch (err) {
      throw new VaultError(
        'ERR_INVALID_REQUEST',
        400,
        `invalid ${this.recovery ? 'recovery' : 'rekey seal'} configuration: ${(err as Error).message}`,
      )
    }
    if (sealed) throw new SealedError()
    if (this.pending) throw new InvalidRequestError('rekey already in progress')
    this.pending = {
      shares: options.secret_shares,
      threshold: options.secret_threshold,
      requireVerification: options.require_verification ?? false,
      nonce: uuid(),
      collector: new ShareCollector(this.crypto),
    }
    return this.status()
  }

  /** `DELETE sys/rekey/init`. */
  async cancel(): Promise<void> {
    this.wipe()
  }

  /** `PUT sys/rekey/update`: one current share; returns the new shares when the threshold is met. */
  async update(key: Uint8Array, nonce: string): Promise<RekeyUpdateResult | null> {
    await this.precheck()
    checkKeyLength(key)
    const p = this.pending
    if (!p)
      throw new InvalidRequestError(
        this.recovery ? 'no recovery rekey in progress' : 'no barrier rekey in progress',
      )
    if (p.verification) {
      throw new InvalidRequestError(
        `rekey operation already finished; verification must be performed; nonce for the verification operation is "${p.verification.nonce}"`,
      )
    }
    if (nonce !== p.nonce) {
      throw new InvalidRequestError(
        `incorrect nonce supplied; nonce for this rekey operation is "${p.nonce}"`,
      )
    }
    if (p.collector.has(key)) {
      // Vault's wording: barrier rekey reuses generate-root's message, recovery rekey does not.
      throw new InvalidRequestError(
        `given key has already been provided during this ${this.recovery ? 'rekey' : 'generation'} operation`,
      )
    }
    p.collector.add(key)
    const required = await this.required()
    if (p.collector.progress < required) return null

    let current: Uint8Array
    try {
      current = await p.collector.combine(required)
    } catch (cause) {
      throw new VaultError('ERR_INTERNAL', 500, `failed to compute root key: ${(cause as Error).message}`, {
        cause,
      })
    } finally {
      p.collector.reset()
    }
    try {
      await this.manager.verifyAuthorizingKey(current)
      const newKey = this.crypto.randomBytes(32)
      const shareBytes = await makeShares(newKey, p.shares, p.threshold)
      const enc = encodeShares(shareBytes)
      for (const s of shareBytes) s.fill(0)
      const blob = this.recovery ? undefined : await this.manager.rewrapRootKey(current, newKey)
      let verificationNonce: string | undefined
      if (p.requireVerification) {
        verificationNonce = uuid()
        p.verification = {
          nonce: verificationNonce,
          newKey,
          collector: new ShareCollector(this.crypto),
          ...(blob ? { blob } : {}),
        }
      } else {
        await this.commit(newKey, blob, p.shares, p.threshold)
      }
      return {
        nonce,
        complete: true,
        keys: enc.hex,
        keys_base64: enc.base64,
        pgp_fingerprints: null,
        backup: false,
        verification_required: p.requireVerification,
        ...(verificationNonce ? { verification_nonce: verificationNonce } : {}),
      }
    } finally {
      current.fill(0)
    }
  }

  /** `GET sys/rekey/verify`. */
  async verifyStatus(): Promise<RekeyVerifyStatus> {
    await this.precheck()
    const p = this.pending
    if (!p) throw new InvalidRequestError('no rekey configuration found')
    return {
      nonce: p.verification?.nonce ?? '',
      started: p.verification !== undefined,
      t: p.threshold,
      n: p.shares,
      progress: p.verification?.collector.progress ?? 0,
    }
  }

  /** `DELETE sys/rekey/verify`: restarts verification with a new nonce (the new shares stay valid). */
  async verifyRestart(): Promise<RekeyVerifyStatus> {
    await this.precheck()
    const v = this.pending?.verification
    if (!v) throw new InvalidRequestError('no rekey verification in progress')
    v.collector.reset()
    v.nonce = uuid()
    return this.verifyStatus()
  }

  /** `PUT sys/rekey/verify`: one NEW share; the new key takes effect when the threshold is met. */
  async verify(key: Uint8Array, nonce: string): Promise<{ nonce: string; complete: true } | null> {
    await this.precheck()
    checkKeyLength(key)
    const p = this.pending
    if (!p) throw new InvalidRequestError('no rekey in progress')
    const v = p.verification
    if (!v) throw new InvalidRequestError('no rekey verification in progress')
    if (nonce !== v.nonce) {
      throw new InvalidRequestError(
        `incorrect nonce supplied; nonce for this verify operation is "${v.nonce}"`,
      )
    }
    if (v.collector.has(key)) {
      throw new InvalidRequestError('given key has already been provided during this verify operation')
    }
    v.collector.add(key)
    if (v.collector.progress < p.threshold) return null
    let combined: Uint8Array
    try {
      combined = await v.collector.combine(p.threshold)
    } catch (cause) {
      v.nonce = uuid()
      throw new VaultError(
        'ERR_INTERNAL',
        500,
        `failed to compute key for verification: ${(cause as Error).message}`,
        { cause },
      )
    } finally {
      v.collector.reset()
    }
    const ok = this.crypto.timingSafeEqual(combined, v.newKey)
    combined.fill(0)
    if (!ok) {
      // As Vault's RekeyVerify: a failed verification round starts over under a new nonce.
      v.nonce = uuid()
      throw new InvalidRequestError('rekey verification failed; incorrect key shares supplied')
    }
    await this.commit(v.newKey, v.blob, p.shares, p.threshold)
    return { nonce: v.nonce, complete: true }
  }

  private async commit(
    newKey: Uint8Array,
    blob: Uint8Array | undefined,
    shares: number,
    threshold: number,
  ): Promise<void> {
    if (this.recovery) await this.manager.commitRecoveryKey(newKey, shares, threshold)
    else if (blob) await this.manager.commitUnsealKey(blob, shares, threshold)
    else throw new NotInitializedError()
    this.wipe()
    this.onComplete(shares, threshold)
  }

  /** Forgets the attempt and wipes any pending key. */
  wipe(): void {
    this.pending?.collector.reset()
    this.pending?.verification?.collector.reset()
    this.pending?.verification?.newKey.fill(0)
    this.pending = null
  }
}
