/**
 * The operator side of the seal: init, unseal progress, seal status, and proving possession of the
 * unseal (or recovery) key for rekey and generate-root. Owns the key hierarchy from shares to the
 * barrier's root key; never stores a share.
 *
 * @module
 */
import type { Barrier } from '../barrier/barrier.js'
import type { CryptoProvider } from '../crypto/provider.js'
import {
  InvalidKeyError,
  InvalidRequestError,
  NotInitializedError,
  SealedError,
  VaultError,
} from '../errors.js'
import { SEALED_ROOT_KEY_PATH, type Seal } from '../seal/seal.js'
import { splitSecret } from '../seal/shamir.js'
import type { StorageAdapter } from '../storage/adapter.js'
import { toBase64, toHex, uuid } from '../util/encoding.js'
import { KeyedLock } from '../util/lock.js'
import {
  RECOVERY_CONFIG_PATH,
  readSealConfig,
  SEAL_CONFIG_PATH,
  type SealConfig,
  validateShares,
  writeSealConfig,
} from './seal-config.js'
import { checkKeyLength, ShareCollector } from './shares.js'

/** The recovery key of an auto-unseal seal, behind the barrier (recovery shares are checked against it). */
export const RECOVERY_KEY_PATH = 'core/recovery-key'

/** The version vaultlet reports as Vault's (`version` in seal-status and health). */
export const VAULT_VERSION = '1.19.0+vaultlet'
/** Reported as `build_date`. */
export const BUILD_DATE = '2026-11-28T00:00:00Z'

/** What the seal manager needs from the vault it serves. */
export interface SealHost {
  readonly storage: StorageAdapter
  readonly barrier: Barrier
  readonly seal: Seal
  readonly crypto: CryptoProvider
  /** Loads mounts, token store, … after the barrier opens. */
  postUnseal(): Promise<void>
  /** Stops backends and drops caches before the barrier closes. */
  preSeal(): Promise<void>
  /** Creates a root token (barrier unsealed); returns its ID. */
  createRootToken(id?: string): Promise<string>
  /** Cluster name and ID, known while unsealed. */
  clusterInfo(): { name: string; id: string } | null
}

/** Options of `Vault.init` (`sys/init`). */
export interface InitOptions {
  /** Unseal key shares (Shamir seals). Default 5 for `init`, as the Vault CLI. */
  secretShares?: number
  /** Unseal key threshold (Shamir seals). Default 3. */
  secretThreshold?: number
  /** Recovery key shares (auto-unseal seals). Default 5. */
  recoveryShares?: number
  /** Recovery key threshold (auto-unseal seals). Default 3. */
  recoveryThreshold?: number
  /** PGP-encrypting shares is not supported; a non-empty list is refused. */
  pgpKeys?: string[]
  /** PGP-encrypting the root token is not supported; a value is refused. */
  rootTokenPgpKey?: string
  /** @internal dev mode's chosen root token ID. */
  rootTokenId?: string
}

/** What `init` returns: Vault's `sys/init` response, camel-cased. Shown once; vaultlet keeps none of it. */
export interface InitResult {
  /** Unseal key shares, hex. Empty for auto-unseal seals. */
  keys: string[]
  /** Unseal key shares, base64. */
  keysBase64: string[]
  /** Recovery key shares, hex (auto-unseal seals only). */
  recoveryKeys?: string[]
  /** Recovery key shares, base64. */
  recoveryKeysBase64?: string[]
  /** The initial root token. */
  rootToken: string
}

/** `sys/seal-status`, in Vault's shape and field order. */
export interface SealStatus {
  type: string
  initialized: boolean
  sealed: boolean
  /** Threshold (of recovery keys for auto-unseal seals). */
  t: number
  /** Shares (of recovery keys for auto-unseal seals). */
  n: number
  progress: number
  nonce: string
  version: string
  build_date: string
  migration: boolean
  cluster_name?: string
  cluster_id?: string
  recovery_seal: boolean
  storage_type: string
}

/** Hex and base64 of each share, as `sys/init` and `sys/rekey` return them. */
export function encodeShares(shares: Uint8Array[]): { hex: string[]; base64: string[] } {
  return { hex: shares.map(toHex), base64: shares.map(toBase64) }
}

/** Splits `key` into shares, or returns the key itself for a single share (as Vault does). */
export async function makeShares(key: Uint8Array, shares: number, threshold: number): Promise<Uint8Array[]> {
  return shares === 1 ? [key.slice()] : splitSecret(key, shares, threshold)
}

/**
 * Drives init/unseal/seal and share verification for one vault.
 */
export class SealManager {
  private readonly unsealShares: ShareCollector
  private unsealNonce = ''
  /** Serializes every state change of the seal (unseal, seal, init, rekey). */
  readonly lock = new KeyedLock()

  constructor(private readonly host: SealHost) {
    this.unsealShares = new ShareCollector(host.crypto)
  }

  /** The barrier seal configuration; `null` before init. */
  barrierConfig(): Promise<SealConfig | null> {
    return readSealConfig(this.host.storage, SEAL_CONFIG_PATH)
  }

  /** The recovery configuration of an auto-unseal seal; `null` for Shamir. */
  recoveryConfig(): Promise<SealConfig | null> {
    return this.host.seal.autoUnseal
      ? readSealConfig(this.host.storage, RECOVERY_CONFIG_PATH)
      : Promise.resolve(null)
  }

  /** The configuration whose shares authorize operator actions: recovery for auto seals, barrier otherwise. */
  async authorizingConfig(): Promise<SealConfig> {
    const config = this.host.seal.autoUnseal ? await this.recoveryConfig() : await this.barrierConfig()
    if (!config) throw new NotInitializedError()
    return config
  }

  /** `true` for auto-unseal seals (their shares are recovery keys). */
  isAutoUnseal(): boolean {
    return this.host.seal.autoUnseal
  }

  async initialized(): Promise<boolean> {
    return (await this.barrierConfig()) !== null
  }

  /** `sys/seal-status`. */
  async status(): Promise<SealStatus> {
    const barrier = await this.barrierConfig()
    const shown = this.host.seal.autoUnseal ? await this.recoveryConfig() : barrier
    const sealed = this.host.barrier.sealed
    const cluster = sealed ? null : this.host.clusterInfo()
    return {
      type: this.host.seal.type,
      initialized: barrier !== null,
      sealed,
      t: shown?.secret_threshold ?? 0,
      n: shown?.secret_shares ?? 0,
      progress: this.unsealShares.progress,
      nonce: this.unsealNonce,
      version: VAULT_VERSION,
      build_date: BUILD_DATE,
      migration: false,
      ...(cluster ? { cluster_name: cluster.name, cluster_id: cluster.id } : {}),
      recovery_seal: this.host.seal.autoUnseal,
      storage_type: this.host.storage.type,
    }
  }

  /**
   * Initializes storage: root key, keyring, sealed root key, shares and the initial root token.
   * Shamir vaults are left sealed, auto-unseal vaults unsealed, as Vault leaves them.
   */
  init(options: InitOptions = {}): Promise<InitResult> {
    return this.lock.run('seal', () => this.initLocked(options))
  }

  private async initLocked(options: InitOptions): Promise<InitResult> {
    const { host } = this
    const auto = host.seal.autoUnseal
    const barrierParams = ['secretShares', 'secretThreshold'].filter(
      (k) => options[k as keyof InitOptions] !== undefined,
    )
    const recoveryParams = ['recoveryShares', 'recoveryThreshold'].filter(
      (k) => options[k as keyof InitOptions] !== undefined,
    )
    if (auto && barrierParams.length > 0) {
      throw new InvalidRequestError(
        `parameters ${barrierParams.map(snake).join(',')} not applicable to seal type ${host.seal.type}`,
      )
    }
    if (!auto && recoveryParams.length > 0) {
      throw new InvalidRequestError(
        `parameters ${recoveryParams.map(snake).join(',')} not applicable to seal type ${host.seal.type}`,
      )
    }
    if (options.pgpKeys?.length || options.rootTokenPgpKey) {
      throw new InvalidRequestError('PGP-encrypted keys are not supported by vaultlet')
    }
    const shares = auto ? (options.recoveryShares ?? 5) : (options.secretShares ?? 5)
    const threshold = auto ? (options.recoveryThreshold ?? 3) : (options.secretThreshold ?? 3)
    validateShares(shares, threshold)
    if (await this.initialized()) throw new InvalidRequestError('Vault is already initialized')

    const rootKey = host.crypto.randomBytes(32)
    const kek = auto ? undefined : host.crypto.randomBytes(32)
    const recoveryKey = auto ? host.crypto.randomBytes(32) : undefined
    try {
      await host.barrier.initialize(rootKey)
      await host.storage.put(SEALED_ROOT_KEY_PATH, await host.seal.wrap(rootKey, kek))
      const shareBytes = await makeShares((kek ?? recoveryKey)!, shares, threshold)
      const config = (n: number, t: number): SealConfig => ({
        type: auto ? host.seal.type : 'shamir',
        secret_shares: n,
        secret_threshold: t,
        pgp_keys: null,
        nonce: '',
        backup: false,
        stored_shares: auto ? 1 : 0,
      })
      if (auto) {
        await writeSealConfig(host.storage, RECOVERY_CONFIG_PATH, {
          ...config(shares, threshold),
          type: 'shamir',
        })
      }

      // The root token and first-unseal state need the barrier open, as in Vault's init.
      await host.barrier.unseal(rootKey)
      let rootToken: string
      try {
        if (recoveryKey) await host.barrier.put(RECOVERY_KEY_PATH, recoveryKey)
        await host.postUnseal()
        rootToken = await host.createRootToken(options.rootTokenId)
      } catch (err) {
        await host.preSeal().catch(() => undefined)
        await host.barrier.seal()
        throw err
      }
      // Written last: its presence is what "initialized" means, so a failed init can be retried.
      await writeSealConfig(host.storage, SEAL_CONFIG_PATH, auto ? config(1, 1) : config(shares, threshold))
      if (!auto) {
        await host.preSeal()
        await host.barrier.seal()
      }
      const enc = encodeShares(shareBytes)
      for (const s of shareBytes) s.fill(0)
      return auto
        ? { keys: [], keysBase64: [], recoveryKeys: enc.hex, recoveryKeysBase64: enc.base64, rootToken }
        : { keys: enc.hex, keysBase64: enc.base64, rootToken }
    } finally {
      rootKey.fill(0)
      kek?.fill(0)
      recoveryKey?.fill(0)
    }
  }

  /**
   * Submits one unseal key share. Returns `true` once the vault is unsealed. A share identical to one
   * already given is ignored; when the threshold is reached progress is cleared whether or not the
   * shares were right. Auto-unseal seals ignore `key` and unseal themselves.
   */
  submitUnsealKey(key?: Uint8Array): Promise<boolean> {
    return this.lock.run('seal', async () => {
      const config = await this.barrierConfig()
      if (!config) throw new NotInitializedError()
      if (!this.host.barrier.sealed) return true
      if (this.host.seal.autoUnseal) {
        await this.openBarrier(undefined)
        return true
      }
      if (!key)
        throw new InvalidRequestError(
          "'key' must be specified in request body as JSON, or 'reset' set to true",
        )
      checkKeyLength(key, 'invalid key: ')
      if (this.unsealShares.has(key)) return false
      if (this.unsealShares.progress === 0) this.unsealNonce = uuid()
      this.unsealShares.add(key)
      if (this.unsealShares.progress < config.secret_threshold) return false
      let kek: Uint8Array
      try {
        kek = await this.unsealShares.combine(config.secret_threshold)
      } catch (cause) {
        throw new InvalidKeyError(`invalid key: failed to compute root key: ${(cause as Error).message}`, {
          cause,
        })
      } finally {
        this.resetUnseal()
      }
      try {
        await this.openBarrier(kek)
      } finally {
        kek.fill(0)
      }
      return true
    })
  }

  private async openBarrier(kek: Uint8Array | undefined): Promise<void> {
    const blob = await this.host.storage.get(SEALED_ROOT_KEY_PATH)
    if (!blob) throw new NotInitializedError()
    const rootKey = await this.host.seal.unwrap(blob, kek)
    try {
      await this.host.barrier.unseal(rootKey)
    } finally {
      rootKey.fill(0)
    }
    try {
      await this.host.postUnseal()
    } catch (err) {
      await this.host.preSeal().catch(() => undefined)
      await this.host.barrier.seal()
      throw err
    }
  }

  /** Clears unseal progress (`sys/unseal {reset: true}`). */
  resetUnseal(): void {
    this.unsealShares.reset()
    this.unsealNonce = ''
  }

  /** Seals: stops backends, wipes keys. Sealing an already sealed vault is a no-op. */
  seal(): Promise<void> {
    return this.lock.run('seal', async () => {
      if (this.host.barrier.sealed) return
      await this.host.preSeal()
      await this.host.barrier.seal()
      this.resetUnseal()
    })
  }

  /**
   * Checks that `key` (combined from shares) is the current unseal key, or the recovery key for
   * auto-unseal seals. Throws Vault's 400 errors otherwise.
   */
  async verifyAuthorizingKey(key: Uint8Array): Promise<void> {
    if (this.host.barrier.sealed) throw new SealedError()
    if (this.host.seal.autoUnseal) {
      const stored = await this.host.barrier.get(RECOVERY_KEY_PATH)
      if (!stored || !this.host.crypto.timingSafeEqual(stored, key)) {
        throw new InvalidRequestError('recovery key verification failed: recovery key does not match')
      }
      return
    }
    const blob = await this.host.storage.get(SEALED_ROOT_KEY_PATH)
    if (!blob) throw new NotInitializedError()
    try {
      ;(await this.host.seal.unwrap(blob, key)).fill(0)
    } catch (cause) {
      if (cause instanceof VaultError && cause.code !== 'ERR_INVALID_KEY') throw cause
      throw new InvalidRequestError('root key verification failed: cipher: message authentication failed', {
        cause,
      })
    }
  }

  /**
   * Rekey step one: the root key wrapped under `newKek`, computed with the verified current key
   * `oldKek`. Nothing is written; {@link commitUnsealKey} does that (after verification, if asked).
   */
  async rewrapRootKey(oldKek: Uint8Array, newKek: Uint8Array): Promise<Uint8Array> {
    const blob = await this.host.storage.get(SEALED_ROOT_KEY_PATH)
    if (!blob) throw new NotInitializedError()
    const rootKey = await this.host.seal.unwrap(blob, oldKek)
    try {
      return await this.host.seal.wrap(rootKey, newKek)
    } finally {
      rootKey.fill(0)
    }
  }

  /** Rekey step two: stores the re-wrapped root key and the new share configuration together. */
  async commitUnsealKey(blob: Uint8Array, shares: number, threshold: number): Promise<void> {
    const config = await this.barrierConfig()
    if (!config) throw new NotInitializedError()
    const next: SealConfig = { ...config, secret_shares: shares, secret_threshold: threshold }
    await writeBatch(this.host.storage, [
      { key: SEALED_ROOT_KEY_PATH, value: blob },
      { key: SEAL_CONFIG_PATH, value: new TextEncoder().encode(JSON.stringify(next)) },
    ])
  }

  /** Stores a new recovery key and recovery configuration (auto-unseal seals). */
  async commitRecoveryKey(key: Uint8Array, shares: number, threshold: number): Promise<void> {
    const config = await this.recoveryConfig()
    if (!config) throw new NotInitializedError()
    await this.host.barrier.put(RECOVERY_KEY_PATH, key)
    await writeSealConfig(this.host.storage, RECOVERY_CONFIG_PATH, {
      ...config,
      secret_shares: shares,
      secret_threshold: threshold,
    })
  }
}

/** Writes several raw keys, atomically when the adapter supports batches. */
async function writeBatch(
  storage: StorageAdapter,
  puts: { key: string; value: Uint8Array }[],
): Promise<void> {
  if (storage.batch) {
    await storage.batch(puts.map((p) => ({ op: 'put' as const, ...p })))
    return
  }
  for (const p of puts) await storage.put(p.key, p.value)
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}
