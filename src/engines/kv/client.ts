/**
 * `KvClient`: a thin typed layer over `request()` for one KV mount, version 2 first (the paths the
 * Vault CLI's `vault kv …` commands call), with the v1 subset (get, put, delete, list) when asked.
 * Every call goes through the vault's one pipeline: token, ACL, audit, barrier.
 *
 * @module
 */
import type { RequestMethod, VaultRequest, VaultResponse } from '../../core/request.js'
import { VaultError } from '../../errors.js'

/**
 * Options of a {@link KvClient}.
 *
 * @example
 * ```ts
 * const options: KvClientOptions = { version: 1 }
 * ```
 */
export interface KvClientOptions {
  /** The mount's KV version. Default 2. */
  version?: 1 | 2
}

/**
 * A version's metadata, as KV v2 data reads, writes and patches show it.
 *
 * @example
 * ```ts
 * const m: KvVersionMetadata = { created_time: '2024-01-01T00:00:00Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 1 }
 * ```
 */
export interface KvVersionMetadata {
  created_time: string
  custom_metadata: Record<string, string> | null
  /** `''` unless deleted or scheduled for deletion. */
  deletion_time: string
  destroyed: boolean
  version: number
}

/**
 * A secret as read: its data (`null` when the version is deleted or destroyed) and, on v2, the
 * version's metadata.
 *
 * @example
 * ```ts
 * const s: KvSecret<{ password: string }> = { data: { password: 'x' }, metadata: null, leaseDuration: 3600 }
 * ```
 */
export interface KvSecret<T = Record<string, unknown>> {
  data: T | null
  /** `null` on v1. */
  metadata: KvVersionMetadata | null
  /** v1 only: the advisory `lease_duration` (the secret's `ttl`, else the mount default), seconds. */
  leaseDuration?: number
}

/**
 * Who changed a key (KV v2 attribution).
 *
 * @example
 * ```ts
 * const by: KvAttribution = { actor: 'root', operation: 'create' }
 * ```
 */
export interface KvAttribution {
  actor?: string
  operation?: string
  entity_id?: string
  client_id?: string
}

/**
 * A key's metadata (`GET <mount>/metadata/:path`).
 *
 * @example
 * ```ts
 * const meta = await kv.metadata('app')
 * meta?.versions['1']?.destroyed // false
 * ```
 */
export interface KvKeyMetadata {
  cas_required: boolean
  created_time: string
  current_version: number
  custom_metadata: Record<string, string> | null
  /** A Go duration string, e.g. `0s`, `1h0m0s`. */
  delete_version_after: string
  last_updated_by: KvAttribution | null
  max_versions: number
  oldest_version: number
  updated_time: string
  versions: Record<
    string,
    {
      created_by: KvAttribution | null
      created_time: string
      deleted_by: KvAttribution | null
      deletion_time: string
      destroyed: boolean
    }
  >
}

/**
 * Settings of one key (`POST` / `PATCH <mount>/metadata/:path`). In a patch, a `null` custom metadata
 * value removes that entry.
 *
 * @example
 * ```ts
 * const input: KvMetadataInput = { max_versions: 5, custom_metadata: { owner: 'jdoe' } }
 * ```
 */
export interface KvMetadataInput {
  max_versions?: number
  cas_required?: boolean
  /** Seconds or a duration string (`"30m"`). */
  delete_version_after?: number | string
  custom_metadata?: Record<string, string | null> | null
}

/**
 * Mount-wide settings (`<mount>/config`).
 *
 * @example
 * ```ts
 * const input: KvConfigInput = { max_versions: 20, cas_required: true, delete_version_after: '768h' }
 * ```
 */
export interface KvConfigInput {
  max_versions?: number
  cas_required?: boolean
  /** Seconds or a duration string; negative disables it for every key, 0 clears it. */
  delete_version_after?: number | string
}

/**
 * The structure of a version's data with the values removed (`GET <mount>/subkeys/:path`).
 *
 * @example
 * ```ts
 * const s: KvSubkeys = { subkeys: { user: null, db: { host: null } }, metadata }
 * ```
 */
export interface KvSubkeys {
  /** `null` when the version is deleted or destroyed. */
  subkeys: Record<string, unknown> | null
  metadata: KvVersionMetadata
}

/** The request function a typed client sends through (normally `vault.request`). */
export type RequestFn = (req: VaultRequest) => Promise<VaultResponse>

/**
 * Typed access to one KV mount.
 *
 * @example
 * ```ts
 * const kv = new KvClient((req) => vault.request(req), 'secret', token)
 * await kv.put('app/db', { user: 'app', password: 's3cr3t' })
 * const secret = await kv.get<{ user: string; password: string }>('app/db')
 * console.log(secret?.data?.password, secret?.metadata?.version) // 's3cr3t' 1
 * await kv.patch('app/db', { password: 'n3w' }, { cas: 1 })
 * await kv.delete('app/db')                 // soft-deletes version 2
 * await kv.undelete('app/db', [2])
 * await kv.destroy('app/db', [1])
 * console.log(await kv.list('app'))         // ['db']
 * ```
 *
 * @example
 * ```ts
 * // A KV version 1 mount: get, put, delete and list only.
 * const legacy = new KvClient((req) => vault.request(req), 'kv', token, { version: 1 })
 * await legacy.put('app', { password: 'x', ttl: '1h' })
 * (await legacy.get('app'))?.leaseDuration // 3600
 * ```
 */
export class KvClient {
  /** The mount path, without leading or trailing slashes. */
  readonly mount: string
  /** The mount's KV version. */
  readonly version: 1 | 2
  readonly #request: RequestFn
  readonly #token: string | undefined

  constructor(request: RequestFn, mount: string, token?: string, options: KvClientOptions = {}) {
    if (typeof request !== 'function') throw new TypeError('KvClient needs a request function')
    const m = String(mount ?? '').replace(/^\/+|\/+$/g, '')
    if (m === '') throw new TypeError('KvClient needs a mount path')
    const version = options.version ?? 2
    if (version !== 1 && version !== 2) throw new TypeError(`unsupported KV version ${String(version)}`)
    this.#request = request
    this.mount = m
    this.#token = token
    this.version = version
  }

  #path(section: string | null, path: string): string {
    const p = String(path ?? '').replace(/^\/+/, '')
    return section === null ? `${this.mount}/${p}` : `${this.mount}/${section}/${p}`
  }

  #call(method: RequestMethod, path: string, data?: Record<string, unknown>): Promise<VaultResponse> {
    return this.#request({
      method,
      path,
      ...(data === undefined ? {} : { data }),
      ...(this.#token === undefined ? {} : { token: this.#token }),
    })
  }

  /** `null` on 404 (nothing there). */
  async #read(
    method: RequestMethod,
    path: string,
    data?: Record<string, unknown>,
  ): Promise<VaultResponse | null> {
    try {
      return await this.#call(method, path, data)
    } catch (e) {
      if (e instanceof VaultError && e.statusCode === 404)
        return (e.response as VaultResponse | undefined) ?? null
      throw e
    }
  }

  #v2(method: string): void {
    if (this.version !== 2) throw new TypeError(`KvClient.${method}() needs a KV version 2 mount`)
  }

  /**
   * Reads the latest version, or `version`. `null` when the key (or that version) does not exist; a
   * deleted or destroyed version reads as `{ data: null, metadata }` when the pipeline hands its 404
   * body back, else `null`.
   *
   * @example
   * ```ts
   * const s = await kv.get<{ password: string }>('app/db', { version: 2 })
   * ```
   * @throws {VaultError} 403 without `read` on `<mount>/data/<path>`.
   */
  async get<T = Record<string, unknown>>(
    path: string,
    options: { version?: number } = {},
  ): Promise<KvSecret<T> | null> {
    if (this.version === 1) {
      const res = await this.#read('GET', this.#path(null, path))
      if (res === null || res.data === null) return null
      return { data: res.data as T, metadata: null, leaseDuration: res.lease_duration }
    }
    const query = options.version === undefined ? undefined : { version: options.version }
    const res = await this.#read('GET', this.#path('data', path), query)
    const body = res?.data as { data?: T | null; metadata?: KvVersionMetadata } | null | undefined
    if (!body?.metadata) return null
    return { data: body.data ?? null, metadata: body.metadata }
  }

  /**
   * Writes a new version (v1: replaces the secret). With `cas`, the write succeeds only if the key's
   * current version is `cas` (0: only if the key does not exist).
   *
   * @example
   * ```ts
   * const meta = await kv.put('app/db', { password: 'x' }, { cas: 0 })
   * meta?.version // 1
   * ```
   * @throws {VaultError} 400 `check-and-set parameter did not match the current version`.
   * @returns the new version's metadata (v2), `null` (v1).
   */
  async put(
    path: string,
    data: Record<string, unknown>,
    options: { cas?: number } = {},
  ): Promise<KvVersionMetadata | null> {
    if (this.version === 1) {
      await this.#call('POST', this.#path(null, path), data)
      return null
    }
    const body: Record<string, unknown> = {
      data,
      options: options.cas === undefined ? {} : { cas: options.cas },
    }
    const res = await this.#call('POST', this.#path('data', path), body)
    return res.data as unknown as KvVersionMetadata
  }

  /**
   * Merges `data` into the current version (JSON merge patch: `null` removes a key) as a new version.
   *
   * @example
   * ```ts
   * await kv.patch('app/db', { password: 'y', old_field: null })
   * ```
   * @throws {VaultError} 404 when the key does not exist or its current version is deleted/destroyed.
   */
  async patch(
    path: string,
    data: Record<string, unknown>,
    options: { cas?: number } = {},
  ): Promise<KvVersionMetadata> {
    this.#v2('patch')
    const body: Record<string, unknown> = { data }
    if (options.cas !== undefined) body.options = { cas: options.cas }
    const res = await this.#call('PATCH', this.#path('data', path), body)
    return res.data as unknown as KvVersionMetadata
  }

  /**
   * Soft-deletes the latest version, or the listed `versions` (v1: deletes the secret).
   *
   * @example
   * ```ts
   * await kv.delete('app/db')
   * await kv.delete('app/db', { versions: [1, 2] })
   * ```
   */
  async delete(path: string, options: { versions?: number[] } = {}): Promise<void> {
    if (this.version === 1) {
      if (options.versions !== undefined) this.#v2('delete({ versions })')
      await this.#call('DELETE', this.#path(null, path))
      return
    }
    if (options.versions === undefined) await this.#call('DELETE', this.#path('data', path))
    else await this.#call('POST', this.#path('delete', path), { versions: options.versions })
  }

  /**
   * Restores soft-deleted versions.
   *
   * @example
   * ```ts
   * await kv.undelete('app/db', [2])
   * ```
   */
  async undelete(path: string, versions: number[]): Promise<void> {
    this.#v2('undelete')
    await this.#call('POST', this.#path('undelete', path), { versions })
  }

  /**
   * Permanently removes the data of versions.
   *
   * @example
   * ```ts
   * await kv.destroy('app/db', [1])
   * ```
   */
  async destroy(path: string, versions: number[]): Promise<void> {
    this.#v2('destroy')
    await this.#call('PUT', this.#path('destroy', path), { versions })
  }

  /**
   * A key's metadata and version history, or `null`.
   *
   * @example
   * ```ts
   * (await kv.metadata('app/db'))?.current_version
   * ```
   */
  async metadata(path: string): Promise<KvKeyMetadata | null> {
    this.#v2('metadata')
    const res = await this.#read('GET', this.#path('metadata', path))
    return (res?.data as KvKeyMetadata | null | undefined) ?? null
  }

  /**
   * Sets a key's settings (creates the metadata record if needed; no new version).
   *
   * @example
   * ```ts
   * await kv.writeMetadata('app/db', { max_versions: 3, custom_metadata: { owner: 'jdoe' } })
   * ```
   * @returns the warnings of the response (e.g. a `cas_required` the mount overrides).
   */
  async writeMetadata(path: string, input: KvMetadataInput): Promise<string[]> {
    this.#v2('writeMetadata')
    const res = await this.#call('POST', this.#path('metadata', path), { ...input })
    return res.warnings ?? []
  }

  /**
   * Patches a key's settings; `custom_metadata` entries merge (`null` removes one).
   *
   * @example
   * ```ts
   * await kv.patchMetadata('app/db', { custom_metadata: { owner: null, team: 'core' } })
   * ```
   * @throws {VaultError} 404 when the key has no metadata.
   */
  async patchMetadata(path: string, input: KvMetadataInput): Promise<string[]> {
    this.#v2('patchMetadata')
    const res = await this.#call('PATCH', this.#path('metadata', path), { ...input })
    return res.warnings ?? []
  }

  /**
   * Deletes a key's metadata and every version, permanently.
   *
   * @example
   * ```ts
   * await kv.deleteMetadata('app/db')
   * ```
   */
  async deleteMetadata(path: string): Promise<void> {
    this.#v2('deleteMetadata')
    await this.#call('DELETE', this.#path('metadata', path))
  }

  /**
   * The names directly below `path` (folders end in `/`); `[]` when there are none.
   *
   * @example
   * ```ts
   * await kv.list('app') // ['db', 'web/']
   * ```
   */
  async list(path = ''): Promise<string[]> {
    const full = this.version === 1 ? this.#path(null, path) : this.#path('metadata', path)
    const res = await this.#read('LIST', full)
    const keys = (res?.data as { keys?: unknown } | null | undefined)?.keys
    return Array.isArray(keys) ? (keys as string[]) : []
  }

  /**
   * The structure of the latest version (or `version`) with values replaced by `null`, cut at `depth`
   * (0 = no limit). `null` when the key or version does not exist.
   *
   * @example
   * ```ts
   * (await kv.subkeys('app/db', { depth: 1 }))?.subkeys // { user: null, options: null }
   * ```
   */
  async subkeys(path: string, options: { depth?: number; version?: number } = {}): Promise<KvSubkeys | null> {
    this.#v2('subkeys')
    const query: Record<string, unknown> = {}
    if (options.depth !== undefined) query.depth = options.depth
    if (options.version !== undefined) query.version = options.version
    const res = await this.#read('GET', this.#path('subkeys', path), query)
    const body = res?.data as KvSubkeys | null | undefined
    return body?.metadata ? { subkeys: body.subkeys ?? null, metadata: body.metadata } : null
  }

  /**
   * The mount-wide settings.
   *
   * @example
   * ```ts
   * await kv.config() // { cas_required: false, delete_version_after: '0s', max_versions: 0 }
   * ```
   */
  async config(): Promise<{ cas_required: boolean; delete_version_after: string; max_versions: number }> {
    this.#v2('config')
    const res = await this.#call('GET', `${this.mount}/config`)
    return res.data as unknown as {
      cas_required: boolean
      delete_version_after: string
      max_versions: number
    }
  }

  /**
   * Changes the mount-wide settings (fields left out keep their value).
   *
   * @example
   * ```ts
   * await kv.writeConfig({ max_versions: 20, cas_required: true })
   * ```
   */
  async writeConfig(input: KvConfigInput): Promise<void> {
    this.#v2('writeConfig')
    await this.#call('POST', `${this.mount}/config`, { ...input })
  }
}
