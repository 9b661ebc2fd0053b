/**
 * Generate-root: a new root token for whoever holds a threshold of unseal (or recovery) key shares,
 * handed over XOR-encoded with a one-time password, as `sys/generate-root/*` does.
 *
 * @module
 */
import type { CryptoProvider } from '../crypto/provider.js'
import { InvalidRequestError, VaultError } from '../errors.js'
import { fromBase64, randomBase62, toBase64Raw, utf8, uuid } from '../util/encoding.js'
import type { SealManager } from './seal-manager.js'
import { checkKeyLength, ShareCollector } from './shares.js'

/** `hvs.` + 24 base62 characters: the length of root tokens and so of the OTP. */
export const OTP_LENGTH = 28

/** `sys/generate-root/attempt` and `…/update`, in Vault's shape and field order. */
export interface GenerateRootStatus {
  nonce: string
  started: boolean
  progress: number
  required: number
  complete: boolean
  encoded_token: string
  encoded_root_token: string
  pgp_fingerprint: string
  otp: string
  otp_length: number
}

/**
 * Decodes `encoded_token` with the OTP: base64 (no padding) decode, then XOR byte by byte — what
 * `vault operator generate-root -decode` does.
 *
 * @example
 * ```ts
 * const token = decodeRootToken(status.encoded_token, otp) // 'hvs.…'
 * ```
 */
export function decodeRootToken(encoded: string, otp: string): string {
  const bytes = fromBase64(encoded)
  const pad = utf8(otp)
  if (!bytes || bytes.length !== pad.length)
    throw new InvalidRequestError('encoded token and OTP lengths differ')
  const out = new Uint8Array(bytes.length)
  for (let i = 0; i < out.length; i++) out[i] = bytes[i]! ^ pad[i]!
  return new TextDecoder().decode(out)
}

/** The single generate-root attempt of a vault. */
export class GenerateRoot {
  private attempt: { nonce: string; otp: Uint8Array; collector: ShareCollector } | null = null

  constructor(
    private readonly manager: SealManager,
    private readonly crypto: CryptoProvider,
    private readonly createRootToken: () => Promise<string>,
    private readonly onComplete: () => void,
  ) {}

  private async precheck(): Promise<number> {
    if (!(await this.manager.initialized())) throw new InvalidRequestError('server is not yet initialized')
    return (await this.manager.authorizingConfig()).secret_threshold
  }

  /** `GET sys/generate-root/attempt`. */
  async status(otp = ''): Promise<GenerateRootStatus> {
    const required = await this.precheck()
    return {
      nonce: this.attempt?.nonce ?? '',
      started: this.attempt !== null,
      progress: this.attempt?.collector.progress ?? 0,
      required,
      complete: false,
      encoded_token: '',
      encoded_root_token: '',
      pgp_fingerprint: '',
      otp,
      otp_length: OTP_LENGTH,
    }
  }

  /**
   * `PUT sys/generate-root/attempt`: starts an attempt. Without an `otp` one is generated and
   * returned in this answer only.
   */
  async start(options: { otp?: string; pgp_key?: string }): Promise<GenerateRootStatus> {
    await this.precheck()
    if (options.pgp_key)
      throw new InvalidRequestError('PGP-encrypted root tokens are not supported by vaultlet')
    const generated = !options.otp
    const otp = options.otp || `${randomBase62(OTP_LENGTH)}`
    if (otp.length !== OTP_LENGTH) throw new InvalidRequestError('OTP string has incorrect length')
    if (this.attempt) throw new InvalidRequestError('root generation already in progress')
    this.attempt = { nonce: uuid(), otp: utf8(otp), collector: new ShareCollector(this.crypto) }
    return this.status(generated ? otp : '')
  }

  /** `DELETE sys/generate-root/attempt`. */
  cancel(): void {
    this.attempt?.collector.reset()
    this.attempt?.otp.fill(0)
    this.attempt = null
  }

  /** `PUT sys/generate-root/update`: one share; on the last one the encoded token. */
  async update(key: Uint8Array, nonce: string): Promise<GenerateRootStatus> {
    const required = await this.precheck()
    checkKeyLength(key)
    const a = this.attempt
    if (!a) throw new InvalidRequestError('no root generation in progress')
    if (nonce !== a.nonce) {
      throw new InvalidRequestError(
        `incorrect nonce supplied; nonce for this root generation operation is "${a.nonce}"`,
      )
    }
    if (a.collector.has(key)) {
      throw new InvalidRequestError('given key has already been provided during this generation operation')
    }
    a.collector.add(key)
    const base = { ...(await this.status()), nonce, started: true, progress: a.collector.progress, required }
    if (a.collector.progress < required) return base

    // As Vault's GenerateRootUpdate: a failed round clears the progress; the attempt (nonce, OTP) stays.
    let combined: Uint8Array
    try {
      combined = await a.collector.combine(required)
    } catch (cause) {
      throw new InvalidRequestError(`failed to compute root key: ${(cause as Error).message}`, { cause })
    } finally {
      a.collector.reset()
    }
    try {
      await this.manager.verifyAuthorizingKey(combined)
    } catch (cause) {
      throw new VaultError(
        'ERR_INVALID_REQUEST',
        400,
        `root generation aborted: ${(cause as Error).message}`,
        { cause },
      )
    } finally {
      combined.fill(0)
    }
    const token = utf8(await this.createRootToken())
    const encoded = new Uint8Array(token.length)
    for (let i = 0; i < token.length; i++) encoded[i] = token[i]! ^ a.otp[i]!
    this.cancel()
    this.onComplete()
    const enc = toBase64Raw(encoded)
    return { ...base, started: true, complete: true, encoded_token: enc, encoded_root_token: enc }
  }
}
