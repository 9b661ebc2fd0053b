/**
 * Response wrapping: a response is stored in the cubbyhole of a single-use token, and the caller gets
 * only that token (`wrap_info`). `sys/wrapping/unwrap` hands the original response back once
 * (api-docs/system/wrapping-*, docs/concepts/response-wrapping).
 *
 * @module
 */
import type { Clock } from '../clock.js'
import { InvalidRequestError } from '../errors.js'
import type { StorageView } from '../storage/view.js'
import { rfc3339 } from '../util/encoding.js'
import { RESPONSE_WRAPPING_POLICY } from './policy-store.js'
import type { WrapInfo } from './request.js'
import type { TokenEntry, TokenStore } from './token-store.js'

/** Where the wrapped response and its metadata sit in the wrapping token's cubbyhole. */
const RESPONSE_KEY = 'response'
const WRAPINFO_KEY = 'wrapinfo'

/** What `sys/wrapping/lookup` shows. */
export interface WrapLookup {
  creation_path: string
  creation_time: string
  creation_ttl: number
}

/** Options of one wrap. */
export interface WrapOptions {
  /** TTL of the wrapping token, seconds. */
  ttl: number
  /** The path whose response is wrapped. */
  creationPath: string
  /** The caller's display name, given to the wrapping token. */
  displayName: string
  /** Accessor of a wrapped token or secret-id, shown as `wrapped_accessor`. */
  wrappedAccessor?: string
}

const INVALID = 'wrapping token is not valid or does not exist'

function isWrappingToken(entry: TokenEntry): boolean {
  return entry.policies.length === 1 && entry.policies[0] === RESPONSE_WRAPPING_POLICY
}

/**
 * Wraps and unwraps responses over the token store and the cubbyhole mount's storage.
 */
export class ResponseWrapper {
  constructor(
    private readonly tokens: TokenStore,
    /** The `cubbyhole/` mount's storage view (unsealed only). */
    private readonly cubbyhole: () => StorageView,
    private readonly clock: Clock,
  ) {}

  private box(entry: TokenEntry): StorageView {
    return this.cubbyhole().sub(`${entry.cubbyhole_id}/`)
  }

  /** Stores `body` (the full response envelope) and returns `wrap_info`. */
  async wrap(body: Record<string, unknown>, options: WrapOptions): Promise<WrapInfo> {
    const entry = await this.tokens.create({
      policies: [RESPONSE_WRAPPING_POLICY],
      path: options.creationPath,
      displayName: options.displayName || 'token',
      numUses: 1,
      ttl: options.ttl,
      explicitMaxTtl: options.ttl,
      renewable: false,
    })
    const created = rfc3339(this.clock.now())
    const box = this.box(entry)
    await box.putJSON(RESPONSE_KEY, { response: JSON.stringify(body) })
    await box.putJSON(WRAPINFO_KEY, {
      creation_ttl: options.ttl,
      creation_time: created,
      creation_path: options.creationPath,
    })
    return {
      token: entry.id,
      accessor: entry.accessor,
      ttl: options.ttl,
      creation_time: created,
      creation_path: options.creationPath,
      ...(options.wrappedAccessor ? { wrapped_accessor: options.wrappedAccessor } : {}),
    }
  }

  /**
   * Looks up a wrapping token, refusing anything else. A token on its last use (the caller's own
   * wrapping token, spent by this very request) still counts.
   */
  private async wrappingToken(token: string): Promise<TokenEntry> {
    if (typeof token !== 'string' || token === '') throw new InvalidRequestError(INVALID)
    const entry = await this.tokens.lookup(token, { tainted: true })
    if (!entry) throw new InvalidRequestError(INVALID)
    if (!isWrappingToken(entry)) throw new InvalidRequestError('token is not a valid unwrap token')
    return entry
  }

  /**
   * The core's check before `sys/wrapping/{lookup,unwrap,rewrap}` run, as Vault's request handling
   * does: the token must be a live wrapping token, else `400 wrapping token is not valid or does not
   * exist` — whether it is unknown, spent, expired or not a wrapping token at all.
   */
  async validate(token: string): Promise<void> {
    const entry = typeof token === 'string' && token !== '' ? await this.tokens.lookup(token) : null
    if (!entry || !isWrappingToken(entry)) throw new InvalidRequestError(INVALID)
  }

  /** `sys/wrapping/lookup`: creation path, time and TTL; does not spend the token. */
  async lookup(token: string): Promise<WrapLookup> {
    const entry = await this.wrappingToken(token)
    const info = await this.box(entry).getJSON<WrapLookup>(WRAPINFO_KEY)
    if (!info) throw new InvalidRequestError(INVALID)
    return info
  }

  /**
   * `sys/wrapping/unwrap`: the original response, exactly as it was; the wrapping token is revoked
   * (single use).
   */
  async unwrap(token: string): Promise<Record<string, unknown>> {
    const entry = await this.wrappingToken(token)
    const stored = await this.box(entry).getJSON<{ response: string }>(RESPONSE_KEY)
    await this.tokens.revokeTree(entry.id)
    if (!stored) throw new InvalidRequestError(INVALID)
    return JSON.parse(stored.response) as Record<string, unknown>
  }

  /** `sys/wrapping/rewrap`: the same response under a new wrapping token; the old one is revoked. */
  async rewrap(token: string, displayName: string): Promise<WrapInfo> {
    const entry = await this.wrappingToken(token)
    const box = this.box(entry)
    const stored = await box.getJSON<{ response: string }>(RESPONSE_KEY)
    const info = await box.getJSON<WrapLookup>(WRAPINFO_KEY)
    if (!stored || !info) throw new InvalidRequestError(INVALID)
    await this.tokens.revokeTree(entry.id)
    return this.wrap(JSON.parse(stored.response) as Record<string, unknown>, {
      ttl: info.creation_ttl,
      creationPath: info.creation_path,
      displayName,
    })
  }
}
