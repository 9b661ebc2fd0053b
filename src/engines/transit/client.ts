/**
 * A typed helper over one transit mount: the second door onto the same pipeline. Every method is one
 * `request()` to the mount's HTTP API, so policies, audit and errors are exactly those of the API.
 * Byte inputs are `Uint8Array`s or strings (UTF-8 text); the client does the base64.
 *
 * @module
 */
import type { VaultRequest, VaultResponse } from '../../core/request.js'
import { VaultError } from '../../errors.js'
import {
  type BatchItem,
  type BatchResult,
  type BytesLike,
  b64,
  type CipherOptions,
  type CreateKeyOptions,
  type EncryptResult,
  type KeyInfo,
  Plaintext,
  type SignOptions,
  unb64,
} from './client-types.js'

export type {
  BatchItem,
  BatchResult,
  BytesLike,
  CipherOptions,
  CreateKeyOptions,
  EncryptResult,
  KeyInfo,
  SignOptions,
} from './client-types.js'
export { Plaintext } from './client-types.js'

/**
 * Typed access to a transit mount.
 *
 * @example
 * ```ts
 * const transit = new TransitClient((req) => vault.request(req), 'transit', 'root')
 * await transit.createKey('orders')
 * const { ciphertext } = await transit.encrypt('orders', 'card-4242') // 'vault:v1:…'
 * (await transit.decrypt('orders', ciphertext)).text()                  // 'card-4242'
 * ```
 */
export class TransitClient {
  readonly #request: (req: VaultRequest) => Promise<VaultResponse>
  readonly #mount: string
  readonly #token: string | undefined

  /**
   * @param request - sends one request through the pipeline (`vault.request` or an HTTP client).
   * @param mount - the mount path, e.g. `transit` (a trailing slash is ignored).
   * @param token - the client token sent with every request.
   */
  constructor(request: (req: VaultRequest) => Promise<VaultResponse>, mount: string, token?: string) {
    this.#request = request
    this.#mount = mount.replace(/^\/+|\/+$/g, '')
    this.#token = token
  }

  async #call(method: VaultRequest['method'], path: string, data?: Record<string, unknown>) {
    const req: VaultRequest = { method, path: `${this.#mount}/${path}` }
    if (data !== undefined) req.data = data
    if (this.#token !== undefined) req.token = this.#token
    return this.#request(req)
  }

  async #data(method: VaultRequest['method'], path: string, data?: Record<string, unknown>) {
    const res = await this.#call(method, path, data)
    return (res.data ?? {}) as Record<string, unknown>
  }

  /**
   * A batch request's `data`. A batch with failed items answers 400 (or 500, or the caller's
   * `partial_failure_response_code`) *with* its results; the pipeline raises that status as a
   * `VaultError` carrying the envelope, and the per-item results are what the caller wants.
   */
  async #batchData(path: string, data: Record<string, unknown>) {
    try {
      return await this.#data('POST', path, data)
    } catch (e) {
      const envelope = e instanceof VaultError ? e.response : undefined
      const body = envelope?.data as Record<string, unknown> | undefined
      if (body && Array.isArray(body.batch_results)) return body
      throw e
    }
  }

  /**
   * Creates a key (an existing key is returned unchanged, with Vault's warning in the response).
   *
   * @throws {VaultError} with Vault's status and message.
   * @example
   * ```ts
   * await transit.createKey('signing', { type: 'ed25519' })
   * ```
   */
  async createKey(name: string, opts: CreateKeyOptions = {}): Promise<KeyInfo> {
    const data: Record<string, unknown> = {}
    if (opts.type !== undefined) data.type = opts.type
    if (opts.derived !== undefined) data.derived = opts.derived
    if (opts.convergentEncryption !== undefined) data.convergent_encryption = opts.convergentEncryption
    if (opts.exportable !== undefined) data.exportable = opts.exportable
    if (opts.allowPlaintextBackup !== undefined) data.allow_plaintext_backup = opts.allowPlaintextBackup
    if (opts.autoRotatePeriod !== undefined) data.auto_rotate_period = opts.autoRotatePeriod
    if (opts.keySize !== undefined) data.key_size = opts.keySize
    return (await this.#data('POST', `keys/${name}`, data)) as KeyInfo
  }

  /**
   * Reads a key's info; `null` when there is no such key.
   *
   * @throws {VaultError} for any other failure.
   * @example
   * ```ts
   * (await transit.readKey('orders'))?.latest_version // 1
   * ```
   */
  async readKey(name: string, context?: BytesLike): Promise<KeyInfo | null> {
    try {
      return (await this.#data(
        'GET',
        `keys/${name}`,
        context === undefined ? undefined : { context: b64(context) },
      )) as KeyInfo
    } catch (e) {
      if (e instanceof VaultError && e.statusCode === 404) return null
      throw e
    }
  }

  /**
   * The names of the mount's keys.
   *
   * @example
   * ```ts
   * await transit.listKeys() // ['orders']
   * ```
   */
  async listKeys(): Promise<string[]> {
    try {
      return ((await this.#data('LIST', 'keys')).keys as string[]) ?? []
    } catch (e) {
      if (e instanceof VaultError && e.statusCode === 404) return []
      throw e
    }
  }

  /**
   * Deletes a key (it must have `deletion_allowed`).
   *
   * @throws {VaultError} 400 `error deleting policy <n>: deletion is not allowed for this key`.
   * @example
   * ```ts
   * await transit.configureKey('old', { deletion_allowed: true }); await transit.deleteKey('old')
   * ```
   */
  async deleteKey(name: string): Promise<void> {
    await this.#call('DELETE', `keys/${name}`)
  }

  /**
   * Updates a key's configuration (`keys/:name/config`), fields as Vault names them.
   *
   * @example
   * ```ts
   * await transit.configureKey('orders', { min_decryption_version: 2 })
   * ```
   */
  async configureKey(name: string, config: Record<string, unknown>): Promise<KeyInfo> {
    return (await this.#data('POST', `keys/${name}/config`, config)) as KeyInfo
  }

  /**
   * Rotates a key: new writes use the new version, old ciphertext still decrypts.
   *
   * @example
   * ```ts
   * (await transit.rotate('orders')).latest_version // 2
   * ```
   */
  async rotate(name: string): Promise<KeyInfo> {
    return (await this.#data('POST', `keys/${name}/rotate`)) as KeyInfo
  }

  /**
   * Deletes key versions below `minAvailableVersion` for good.
   *
   * @example
   * ```ts
   * await transit.trim('orders', 3)
   * ```
   */
  async trim(name: string, minAvailableVersion: number): Promise<KeyInfo> {
    return (await this.#data('POST', `keys/${name}/trim`, {
      min_available_version: minAvailableVersion,
    })) as KeyInfo
  }

  #cipherData(opts: CipherOptions): Record<string, unknown> {
    const data: Record<string, unknown> = {}
    if (opts.context !== undefined) data.context = b64(opts.context)
    if (opts.keyVersion !== undefined) data.key_version = opts.keyVersion
    if (opts.associatedData !== undefined) data.associated_data = b64(opts.associatedData)
    if (opts.paddingScheme !== undefined) data.padding_scheme = opts.paddingScheme
    return data
  }

  /**
   * Encrypts bytes or text.
   *
   * @throws {VaultError} with Vault's status and message (e.g. 400 `encryption key not found`).
   * @example
   * ```ts
   * const { ciphertext, keyVersion } = await transit.encrypt('orders', 'card-4242')
   * ```
   */
  async encrypt(key: string, plaintext: BytesLike, opts: CipherOptions = {}): Promise<EncryptResult> {
    const d = await this.#data('POST', `encrypt/${key}`, {
      ...this.#cipherData(opts),
      plaintext: b64(plaintext),
    })
    return { ciphertext: d.ciphertext as string, keyVersion: d.key_version as number }
  }

  #batchItem(item: BatchItem, extra: Record<string, unknown>): Record<string, unknown> {
    return {
      ...this.#cipherData(item),
      ...(item.reference !== undefined ? { reference: item.reference } : {}),
      ...extra,
    }
  }

  static #results<T>(
    data: Record<string, unknown>,
    map: (r: Record<string, unknown>) => T,
  ): BatchResult<T>[] {
    const results = (data.batch_results as Record<string, unknown>[] | undefined) ?? []
    return results.map((r) => {
      const reference = (r.reference as string | undefined) ?? ''
      if (typeof r.error === 'string' && r.error !== '') return { ok: false, error: r.error, reference }
      return { ok: true, ...map(r), reference }
    })
  }

  /**
   * Encrypts many values in one request. Items fail one by one: each result is a value or an `error`.
   *
   * @example
   * ```ts
   * const results = await transit.encryptBatch('orders', [{ plaintext: 'a' }, { plaintext: 'b', reference: 'x' }])
   * results[1] // { ok: true, ciphertext: 'vault:v1:…', keyVersion: 1, reference: 'x' }
   * ```
   */
  async encryptBatch(
    key: string,
    items: (BatchItem & { plaintext: BytesLike })[],
  ): Promise<BatchResult<EncryptResult>[]> {
    const batch = items.map((i) => this.#batchItem(i, { plaintext: b64(i.plaintext) }))
    const data = await this.#batchData(`encrypt/${key}`, { batch_input: batch })
    return TransitClient.#results(data, (r) => ({
      ciphertext: r.ciphertext as string,
      keyVersion: r.key_version as number,
    }))
  }

  /**
   * Decrypts a `vault:v<N>:…` ciphertext.
   *
   * @throws {VaultError} 400 with Vault's message (e.g. `ciphertext or signature version is disallowed by policy (too old)`).
   * @example
   * ```ts
   * (await transit.decrypt('orders', ciphertext)).text() // 'card-4242'
   * ```
   */
  async decrypt(
    key: string,
    ciphertext: string,
    opts: Omit<CipherOptions, 'keyVersion'> = {},
  ): Promise<Plaintext> {
    const d = await this.#data('POST', `decrypt/${key}`, { ...this.#cipherData(opts), ciphertext })
    return new Plaintext(unb64(d.plaintext))
  }

  /**
   * Decrypts many ciphertexts in one request; each result is a plaintext or an `error`.
   *
   * @example
   * ```ts
   * const [first] = await transit.decryptBatch('orders', [{ ciphertext }])
   * if (first?.ok) first.plaintext.text()
   * ```
   */
  async decryptBatch(
    key: string,
    items: (Omit<BatchItem, 'keyVersion'> & { ciphertext: string })[],
  ): Promise<BatchResult<{ plaintext: Plaintext }>[]> {
    const batch = items.map((i) => this.#batchItem(i, { ciphertext: i.ciphertext }))
    const data = await this.#batchData(`decrypt/${key}`, { batch_input: batch })
    return TransitClient.#results(data, (r) => ({ plaintext: new Plaintext(unb64(r.plaintext)) }))
  }

  /**
   * Re-encrypts a ciphertext with the latest (or a given) key version, without exposing the plaintext.
   *
   * @example
   * ```ts
   * (await transit.rewrap('orders', 'vault:v1:…')).ciphertext // 'vault:v2:…'
   * ```
   */
  async rewrap(
    key: string,
    ciphertext: string,
    opts: Omit<CipherOptions, 'associatedData' | 'paddingScheme'> = {},
  ): Promise<EncryptResult> {
    const d = await this.#data('POST', `rewrap/${key}`, { ...this.#cipherData(opts), ciphertext })
    return { ciphertext: d.ciphertext as string, keyVersion: d.key_version as number }
  }

  /**
   * Rewraps many ciphertexts in one request.
   *
   * @example
   * ```ts
   * await transit.rewrapBatch('orders', [{ ciphertext: a }, { ciphertext: b }])
   * ```
   */
  async rewrapBatch(
    key: string,
    items: (Omit<BatchItem, 'associatedData'> & { ciphertext: string })[],
  ): Promise<BatchResult<EncryptResult>[]> {
    const batch = items.map((i) => this.#batchItem(i, { ciphertext: i.ciphertext }))
    const data = await this.#batchData(`rewrap/${key}`, { batch_input: batch })
    return TransitClient.#results(data, (r) => ({
      ciphertext: r.ciphertext as string,
      keyVersion: r.key_version as number,
    }))
  }

  /**
   * A new data key of `bits` (128, 256, 512) encrypted with the named key; with `plaintext: true`
   * (the default) also in the clear.
   *
   * @example
   * ```ts
   * const { plaintext, ciphertext } = await transit.dataKey('orders', { bits: 256 })
   * ```
   */
  async dataKey(
    key: string,
    opts: {
      bits?: 128 | 256 | 512
      plaintext?: boolean
      context?: BytesLike
      keyVersion?: number
      associatedData?: BytesLike
    } = {},
  ): Promise<{ ciphertext: string; keyVersion: number; plaintext?: Uint8Array }> {
    const data: Record<string, unknown> = this.#cipherData(opts)
    if (opts.bits !== undefined) data.bits = opts.bits
    const mode = opts.plaintext === false ? 'wrapped' : 'plaintext'
    const d = await this.#data('POST', `datakey/${mode}/${key}`, data)
    return {
      ciphertext: d.ciphertext as string,
      keyVersion: d.key_version as number,
      ...(typeof d.plaintext === 'string' ? { plaintext: unb64(d.plaintext) } : {}),
    }
  }

  #signData(opts: SignOptions): Record<string, unknown> {
    const data: Record<string, unknown> = {}
    if (opts.hashAlgorithm !== undefined) data.hash_algorithm = opts.hashAlgorithm
    if (opts.prehashed !== undefined) data.prehashed = opts.prehashed
    if (opts.signatureAlgorithm !== undefined) data.signature_algorithm = opts.signatureAlgorithm
    if (opts.marshalingAlgorithm !== undefined) data.marshaling_algorithm = opts.marshalingAlgorithm
    if (opts.saltLength !== undefined) data.salt_length = String(opts.saltLength)
    if (opts.context !== undefined) data.context = b64(opts.context)
    if (opts.keyVersion !== undefined) data.key_version = opts.keyVersion
    return data
  }

  /**
   * Signs bytes or text: `vault:v<N>:<signature>`.
   *
   * @throws {VaultError} 400 `key type aes256-gcm96 does not support signing` and the like.
   * @example
   * ```ts
   * const { signature } = await transit.sign('signing', 'message')
   * ```
   */
  async sign(
    key: string,
    input: BytesLike,
    opts: SignOptions = {},
  ): Promise<{ signature: string; keyVersion: number; publicKey?: string }> {
    const d = await this.#data('POST', `sign/${key}`, { ...this.#signData(opts), input: b64(input) })
    return {
      signature: d.signature as string,
      keyVersion: d.key_version as number,
      ...(typeof d.public_key === 'string' ? { publicKey: d.public_key } : {}),
    }
  }

  /**
   * Signs many inputs in one request (options apply to all).
   *
   * @example
   * ```ts
   * await transit.signBatch('signing', [{ input: 'a' }, { input: 'b', reference: '2' }])
   * ```
   */
  async signBatch(
    key: string,
    items: { input: BytesLike; context?: BytesLike; reference?: string }[],
    opts: Omit<SignOptions, 'context'> = {},
  ): Promise<BatchResult<{ signature: string; keyVersion: number }>[]> {
    const batch = items.map((i) => ({
      input: b64(i.input),
      ...(i.context !== undefined ? { context: b64(i.context) } : {}),
      ...(i.reference !== undefined ? { reference: i.reference } : {}),
    }))
    const data = await this.#batchData(`sign/${key}`, { ...this.#signData(opts), batch_input: batch })
    return TransitClient.#results(data, (r) => ({
      signature: r.signature as string,
      keyVersion: r.key_version as number,
    }))
  }

  /**
   * Verifies a signature.
   *
   * @example
   * ```ts
   * await transit.verify('signing', 'message', signature) // true
   * ```
   */
  async verify(key: string, input: BytesLike, signature: string, opts: SignOptions = {}): Promise<boolean> {
    const d = await this.#data('POST', `verify/${key}`, {
      ...this.#signData(opts),
      input: b64(input),
      signature,
    })
    return d.valid === true
  }

  /**
   * Verifies many signatures in one request.
   *
   * @example
   * ```ts
   * await transit.verifyBatch('signing', [{ input: 'a', signature }])
   * ```
   */
  async verifyBatch(
    key: string,
    items: { input: BytesLike; signature: string; context?: BytesLike; reference?: string }[],
    opts: Omit<SignOptions, 'context'> = {},
  ): Promise<BatchResult<{ valid: boolean }>[]> {
    const batch = items.map((i) => ({
      input: b64(i.input),
      signature: i.signature,
      ...(i.context !== undefined ? { context: b64(i.context) } : {}),
      ...(i.reference !== undefined ? { reference: i.reference } : {}),
    }))
    const data = await this.#batchData(`verify/${key}`, { ...this.#signData(opts), batch_input: batch })
    return TransitClient.#results(data, (r) => ({ valid: r.valid === true }))
  }

  /**
   * An HMAC of bytes or text with the key's HMAC key: `vault:v<N>:<base64>`.
   *
   * @example
   * ```ts
   * await transit.hmac('orders', 'message', { algorithm: 'sha2-512' })
   * ```
   */
  async hmac(
    key: string,
    input: BytesLike,
    opts: { algorithm?: string; keyVersion?: number } = {},
  ): Promise<string> {
    const data: Record<string, unknown> = { input: b64(input) }
    if (opts.algorithm !== undefined) data.algorithm = opts.algorithm
    if (opts.keyVersion !== undefined) data.key_version = opts.keyVersion
    return (await this.#data('POST', `hmac/${key}`, data)).hmac as string
  }

  /**
   * HMACs of many inputs in one request.
   *
   * @example
   * ```ts
   * await transit.hmacBatch('orders', [{ input: 'a' }, { input: 'b' }])
   * ```
   */
  async hmacBatch(
    key: string,
    items: { input: BytesLike; reference?: string }[],
    opts: { algorithm?: string; keyVersion?: number } = {},
  ): Promise<BatchResult<{ hmac: string }>[]> {
    const data: Record<string, unknown> = {
      batch_input: items.map((i) => ({
        input: b64(i.input),
        ...(i.reference !== undefined ? { reference: i.reference } : {}),
      })),
    }
    if (opts.algorithm !== undefined) data.algorithm = opts.algorithm
    if (opts.keyVersion !== undefined) data.key_version = opts.keyVersion
    return TransitClient.#results(await this.#data('POST', `hmac/${key}`, data), (r) => ({
      hmac: r.hmac as string,
    }))
  }

  /**
   * Verifies an HMAC.
   *
   * @example
   * ```ts
   * await transit.verifyHmac('orders', 'message', mac) // true
   * ```
   */
  async verifyHmac(
    key: string,
    input: BytesLike,
    hmac: string,
    opts: { algorithm?: string } = {},
  ): Promise<boolean> {
    const data: Record<string, unknown> = { input: b64(input), hmac }
    if (opts.algorithm !== undefined) data.hash_algorithm = opts.algorithm
    return (await this.#data('POST', `verify/${key}`, data)).valid === true
  }

  /**
   * Random bytes from the vault.
   *
   * @example
   * ```ts
   * (await transit.random(16)).length // 16
   * ```
   */
  async random(bytes = 32): Promise<Uint8Array> {
    return unb64((await this.#data('POST', 'random', { bytes, format: 'base64' })).random_bytes)
  }

  /**
   * A digest (hex by default).
   *
   * @example
   * ```ts
   * await transit.hash('abc', { algorithm: 'sha3-256' })
   * ```
   */
  async hash(
    input: BytesLike,
    opts: { algorithm?: string; format?: 'hex' | 'base64' } = {},
  ): Promise<string> {
    const data: Record<string, unknown> = { input: b64(input) }
    if (opts.algorithm !== undefined) data.algorithm = opts.algorithm
    if (opts.format !== undefined) data.format = opts.format
    return (await this.#data('POST', 'hash', data)).sum as string
  }

  /**
   * Exported key material (the key must be exportable, except for `public-key`).
   *
   * @example
   * ```ts
   * await transit.exportKey('public-key', 'signing') // { '1': '…' }
   * ```
   */
  async exportKey(
    type: 'encryption-key' | 'signing-key' | 'hmac-key' | 'public-key',
    name: string,
    version?: number | 'latest',
  ): Promise<Record<string, string>> {
    const suffix = version === undefined ? '' : `/${version}`
    return (await this.#data('GET', `export/${type}/${name}${suffix}`)).keys as Record<string, string>
  }

  /**
   * A plaintext backup of a key (it must be exportable and allow plaintext backup).
   *
   * @example
   * ```ts
   * const backup = await transit.backup('orders')
   * ```
   */
  async backup(name: string): Promise<string> {
    return (await this.#data('GET', `backup/${name}`)).backup as string
  }

  /**
   * Restores a backup, under its own name or `opts.name`.
   *
   * @example
   * ```ts
   * await transit.restore(backup, { name: 'orders-copy' })
   * ```
   */
  async restore(backup: string, opts: { name?: string; force?: boolean } = {}): Promise<void> {
    const path = opts.name === undefined ? 'restore' : `restore/${opts.name}`
    await this.#call('POST', path, { backup, ...(opts.force !== undefined ? { force: opts.force } : {}) })
  }
}
