/**
 * A prefix-scoped storage: the only storage a backend sees. Keys are relative to the view's prefix;
 * a view can never read or write outside it.
 *
 * @module
 */

/** The key/value shape shared by the barrier and its views (plaintext bytes). */
export interface Storage {
  get(key: string): Promise<Uint8Array | null>
  put(key: string, value: Uint8Array): Promise<void>
  delete(key: string): Promise<void>
  list(prefix: string): Promise<string[]>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * A {@link Storage} scoped to `prefix` of another storage (normally the barrier), with JSON helpers.
 *
 * @example
 * ```ts
 * const view = new StorageView(barrier, 'logical/1234/')
 * await view.putJSON('config', { max_versions: 10 })
 * await view.getJSON('config') // { max_versions: 10 }
 * ```
 */
export class StorageView implements Storage {
  constructor(
    private readonly inner: Storage,
    /** The prefix, empty or ending in `/`. */
    readonly prefix: string,
  ) {
    if (prefix !== '' && !prefix.endsWith('/')) throw new TypeError('storage view prefix must end in "/"')
  }

  private key(key: string): string {
    if (typeof key !== 'string') throw new TypeError('storage key must be a string')
    return this.prefix + key
  }

  get(key: string): Promise<Uint8Array | null> {
    return this.inner.get(this.key(key))
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.inner.put(this.key(key), value)
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(this.key(key))
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(this.key(prefix))
  }

  /** Reads and parses a JSON value; `null` when missing. */
  async getJSON<T = unknown>(key: string): Promise<T | null> {
    const raw = await this.get(key)
    return raw === null ? null : (JSON.parse(decoder.decode(raw)) as T)
  }

  /** Serializes `value` as JSON and writes it. */
  putJSON(key: string, value: unknown): Promise<void> {
    return this.put(key, encoder.encode(JSON.stringify(value)))
  }

  /** A view on a sub-prefix of this one. */
  sub(prefix: string): StorageView {
    return new StorageView(this.inner, this.key(prefix))
  }

  /** Deletes every key below this view (used when a mount is disabled). */
  async clear(): Promise<void> {
    const walk = async (p: string): Promise<void> => {
      for (const k of await this.list(p)) {
        if (k.endsWith('/')) await walk(p + k)
        else await this.delete(p + k)
      }
    }
    await walk('')
  }
}
