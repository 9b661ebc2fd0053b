/**
 * Audited request headers (Vault's `AuditedHeadersConfig`, `sys/config/auditing/request-headers`):
 * request headers appear in audit entries only when configured here, by lower-cased name, their values
 * HMAC'd with each device's salt when `hmac` is set.
 *
 * @module
 */
import { InvalidRequestError } from '../errors.js'
import type { Storage } from '../storage/view.js'
import { fromUtf8, utf8 } from '../util/encoding.js'
import { byCodePoint, type Hasher } from './hash.js'

/** Where the configuration lives, behind the barrier (Vault's system view `audited-headers-config/`). */
export const AUDITED_HEADERS_PATH = 'sys/audited-headers-config/audited-headers'

/** One audited header's setting. */
export interface AuditedHeaderSettings {
  hmac: boolean
}

/**
 * The configured headers, cached in memory while unsealed, persisted on every change.
 *
 * @example
 * ```ts
 * await headers.set('X-Forwarded-For', false)
 * headers.apply({ 'x-forwarded-for': ['10.0.0.1'], cookie: ['…'] }, hash) // { 'x-forwarded-for': ['10.0.0.1'] }
 * ```
 */
export class AuditedHeaders {
  #headers = new Map<string, AuditedHeaderSettings>()
  readonly #storage: Storage

  constructor(storage: Storage) {
    this.#storage = storage
  }

  /** Reads the configuration (after unseal). */
  async load(): Promise<void> {
    const raw = await this.#storage.get(AUDITED_HEADERS_PATH)
    const parsed = raw ? (JSON.parse(fromUtf8(raw)) as Record<string, AuditedHeaderSettings>) : {}
    this.#headers = new Map(
      Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), { hmac: v.hmac === true }]),
    )
  }

  /** Forgets the configuration (on seal). */
  clear(): void {
    this.#headers = new Map()
  }

  /** Every configured header, by lower-cased name, sorted. */
  all(): Record<string, AuditedHeaderSettings> {
    const out: Record<string, AuditedHeaderSettings> = {}
    for (const k of [...this.#headers.keys()].sort(byCodePoint)) out[k] = { ...this.#headers.get(k)! }
    return out
  }

  /** One header's setting (any case). */
  get(name: string): AuditedHeaderSettings | undefined {
    const s = this.#headers.get(name.toLowerCase())
    return s ? { ...s } : undefined
  }

  /**
   * Adds or replaces a header.
   *
   * @throws {InvalidRequestError} `header value cannot be empty`.
   */
  async set(name: string, hmac: boolean): Promise<void> {
    if (name === '') throw new InvalidRequestError('header value cannot be empty')
    const next = new Map(this.#headers)
    next.set(name.toLowerCase(), { hmac })
    await this.#persist(next)
    this.#headers = next
  }

  /** Removes a header (absent: nothing happens). */
  async remove(name: string): Promise<void> {
    if (name === '') throw new InvalidRequestError('header value cannot be empty')
    if (this.#headers.size === 0) return
    const next = new Map(this.#headers)
    next.delete(name.toLowerCase())
    await this.#persist(next)
    this.#headers = next
  }

  /** `true` when at least one header is configured. */
  get active(): boolean {
    return this.#headers.size > 0
  }

  /**
   * The configured headers present in `headers`, values HMAC'd with `hash` where so configured
   * (Vault's `ApplyConfig`). `undefined` when none is present.
   */
  apply(
    headers: Readonly<Record<string, readonly string[]>> | undefined,
    hash: Hasher,
  ): Record<string, string[]> | undefined {
    if (!headers || this.#headers.size === 0) return undefined
    const lower = new Map<string, readonly string[]>()
    for (const [k, v] of Object.entries(headers)) lower.set(k.toLowerCase(), v)
    let out: Record<string, string[]> | undefined
    for (const key of [...this.#headers.keys()].sort(byCodePoint)) {
      const values = lower.get(key)
      if (!values) continue
      out ??= {}
      out[key] = this.#headers.get(key)!.hmac ? values.map((v) => hash(v)) : [...values]
    }
    return out
  }

  async #persist(headers: Map<string, AuditedHeaderSettings>): Promise<void> {
    const obj: Record<string, AuditedHeaderSettings> = {}
    for (const [k, v] of headers) obj[k] = v
    await this.#storage.put(AUDITED_HEADERS_PATH, utf8(JSON.stringify(obj)))
  }
}
