/**
 * The audit broker (Vault's `AuditBroker` and the audit table of `vault/audit.go`): enables and
 * disables devices, persists them, and hands every request and response to every device.
 *
 * Failure semantics are Vault's. An entry counts as recorded when at least one device wrote it; a
 * device that fails is reported through `onDeviceError` and the others carry on. With devices enabled
 * and none able to record the request, {@link AuditBroker.logRequest} rejects and the request must not
 * be served; with none able to record the response, {@link AuditBroker.logResponse} rejects and the
 * client gets a 500 although the operation happened. With no device enabled nothing is required.
 *
 * Ordering: each device has a write queue; entries reach it in the order the hooks were called. The
 * hooks resolve only once the devices have written the entry, so a response entry is on record before
 * the client gets the answer it describes.
 *
 * @module
 */
import type { Clock } from '../clock.js'
import { mountAccessor } from '../core/mounts.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { InternalError, InvalidRequestError, SealedError, VaultError } from '../errors.js'
import { goQuote } from '../framework/duration.js'
import { type Storage, StorageView } from '../storage/view.js'
import { fromUtf8, rfc3339, utf8, uuid } from '../util/encoding.js'
import { KeyedLock } from '../util/lock.js'
import { buildDevice, writeProbe } from './device-setup.js'
import { defaultAuditDeviceTypes } from './devices.js'
import {
  buildRequestEntry,
  buildResponseEntry,
  type EntryContext,
  type FormatterConfig,
  serializeEntry,
} from './format.js'
import { AuditSalt, clientId } from './hash.js'
import { type AuditedHeaderSettings, AuditedHeaders } from './headers.js'
import { WriteQueue } from './queue.js'
import {
  AUDIT_VIEW_PREFIX,
  auditDeviceInfo,
  loadAuditTable,
  SALT_KEY,
  sanitizeAuditPath,
  saveAuditTable,
} from './table.js'
import type {
  AuditDevice,
  AuditDeviceFactory,
  AuditDeviceInfo,
  AuditEnableInput,
  AuditInput,
  AuditResponseInput,
  AuditTableEntry,
} from './types.js'

/** When a device failed: writing an entry, reopening, loading at unseal, or closing. */
export type AuditFailureKind = 'request' | 'response' | 'reopen' | 'setup' | 'close'

/** Options of an {@link AuditBroker}. */
export interface AuditBrokerOptions {
  /** Storage behind the barrier: the table at `core/audit`, salts at `audit/<uuid>/salt`. */
  storage: Storage
  crypto: CryptoProvider
  clock: Clock
  /** Device types beyond the process defaults (`file` on Node), by name. */
  deviceTypes?: Readonly<Record<string, AuditDeviceFactory>>
  /** A device failed; the others carried on. Never receives a secret (messages name paths only). */
  onDeviceError?: (path: string, error: unknown, kind: AuditFailureKind) => void
  /** A device was enabled (after it was persisted). */
  onEnabled?: (entry: Readonly<AuditTableEntry>) => void
  /** A device was disabled (after it was closed). */
  onDisabled?: (entry: Readonly<AuditTableEntry>) => void
}

/** An enabled, loaded device. */
interface Slot {
  entry: AuditTableEntry
  device: AuditDevice
  config: FormatterConfig
  salt: AuditSalt
  queue: WriteQueue
}

/**
 * The audit broker. Create one per vault; `setup()` after unseal, `teardown()` before seal.
 *
 * @example
 * ```ts
 * const broker = new AuditBroker({ storage: barrier, crypto, clock })
 * await broker.setup()
 * await broker.enable('file', { type: 'file', options: { file_path: '/var/log/vault_audit.log' } })
 * await broker.logRequest(input)                 // before the request is served
 * await broker.logResponse({ ...input, response }) // before the client gets the answer
 * await broker.hash('file', 'my-password')      // 'hmac-sha256:…' as it appears in the log
 * ```
 */
export class AuditBroker {
  readonly #opts: AuditBrokerOptions
  readonly #types: Map<string, AuditDeviceFactory>
  readonly #lock = new KeyedLock()
  readonly #headers: AuditedHeaders
  #entries: AuditTableEntry[] = []
  #slots = new Map<string, Slot>()
  #active = false

  constructor(options: AuditBrokerOptions) {
    this.#opts = options
    this.#types = defaultAuditDeviceTypes()
    for (const [type, factory] of Object.entries(options.deviceTypes ?? {}))
      this.registerDeviceType(type, factory)
    this.#headers = new AuditedHeaders(options.storage)
  }

  /**
   * Makes a device type available to `enable` (and to devices of that type loaded at unseal: register
   * before unsealing). Replaces a type of the same name.
   *
   * @throws {TypeError} on an empty name or a non-function factory.
   */
  registerDeviceType(type: string, factory: AuditDeviceFactory): void {
    if (typeof type !== 'string' || type === '') throw new TypeError('"type" expected a non-empty string')
    if (typeof factory !== 'function') throw new TypeError('"factory" expected a function')
    this.#types.set(type, factory)
  }

  /** Names of the registered device types. */
  deviceTypes(): string[] {
    return [...this.#types.keys()].sort()
  }

  /** `true` between `setup()` and `teardown()`. */
  get active(): boolean {
    return this.#active
  }

  /** Devices loaded and receiving entries (a device that failed to load at unseal is not counted). */
  get count(): number {
    return this.#slots.size
  }

  /**
   * Loads the table and the audited-headers configuration and opens every device (on unseal). A
   * device that cannot be loaded is reported and skipped; if devices are configured and none loads,
   * this throws, as Vault's unseal does (`failed to setup audit table`): nothing could be audited.
   */
  setup(): Promise<void> {
    return this.#lock.run('audit', async () => {
      if (this.#active) {
        // Set up twice without a teardown: close what is open rather than leak it.
        this.#active = false
        const open = [...this.#slots.values()]
        this.#slots = new Map()
        await Promise.all(open.map((s) => this.#close(s)))
      }
      const entries = await loadAuditTable(this.#opts.storage)
      await this.#headers.load()
      const slots = new Map<string, Slot>()
      for (const entry of entries) {
        try {
          slots.set(entry.path, await this.#load(entry))
        } catch (err) {
          this.#report(entry.path, err, 'setup')
        }
      }
      if (entries.length > 0 && slots.size === 0) {
        this.#headers.clear()
        throw new InternalError('failed to setup audit table')
      }
      this.#entries = entries
      this.#slots = slots
      this.#active = true
    })
  }

  /**
   * Stops auditing (before seal): waits for queued entries, closes every device, wipes the salts.
   * Afterwards `logRequest` rejects with `SealedError` and `logResponse` resolves without logging.
   */
  teardown(): Promise<void> {
    return this.#lock.run('audit', async () => {
      this.#active = false
      const slots = [...this.#slots.values()]
      this.#slots = new Map()
      this.#entries = []
      await Promise.all(slots.map((s) => this.#close(s)))
      this.#headers.clear()
    })
  }

  /**
   * Enables a device at `path` (`PUT sys/audit/:path`): builds it (a file device opens its file),
   * writes Vault's test probe to it unless `options.skip_test` is `"true"`, creates its salt, persists
   * the table. Vault's errors, all 400: `backend path must be specified`, `path already in use`,
   * `unknown backend type: "x"`, the device's option errors, `audit backend failed test message: …`.
   *
   * @throws {InvalidRequestError} as listed; {@link SealedError} when sealed.
   */
  enable(path: string, input: AuditEnableInput): Promise<AuditTableEntry> {
    return this.#lock.run('audit', async () => {
      this.#assertActive()
      const p = sanitizeAuditPath(String(path ?? ''))
      if (p === '/') throw new InvalidRequestError('backend path must be specified')
      if (this.#entries.some((e) => e.path.startsWith(p) || p.startsWith(e.path))) {
        throw new InvalidRequestError('path already in use')
      }
      const type = typeof input.type === 'string' ? input.type : ''
      const options: Record<string, string> = {}
      for (const [k, v] of Object.entries(input.options ?? {})) options[k] = String(v)
      const entry: AuditTableEntry = {
        table: 'audit',
        path: p,
        type,
        description: typeof input.description === 'string' ? input.description : '',
        uuid: uuid(),
        accessor: mountAccessor(`audit_${type}`, 'mounts', (n) => this.#opts.crypto.randomBytes(n)),
        options,
        local: input.local === true,
      }
      const { device, config } = await buildDevice(this.#types, entry)
      const view = this.#view(entry)
      let saltWritten = false
      try {
        if (options.skip_test !== 'true')
          await writeProbe(device, config, this.#opts.crypto, this.#opts.clock)
        const salt = uuid()
        await view.put(SALT_KEY, utf8(salt))
        saltWritten = true
        const next = [...this.#entries, entry]
        await this.#persist(next)
        this.#entries = next
        this.#slots.set(p, {
          entry,
          device,
          config,
          salt: new AuditSalt(this.#opts.crypto, salt),
          queue: new WriteQueue(device),
        })
      } catch (err) {
        await device.close?.().catch(() => undefined)
        if (saltWritten) await view.delete(SALT_KEY).catch(() => undefined)
        throw err
      }
      this.#opts.onEnabled?.(entry)
      return { ...entry, options: { ...entry.options } }
    })
  }

  /**
   * Disables the device at `path` (`DELETE sys/audit/:path`): persists the table, lets the entries
   * already queued reach the device, closes it and deletes its salt (hashes of its log can no longer
   * be reproduced, as in Vault). Resolves `false` when nothing was enabled there.
   */
  disable(path: string): Promise<boolean> {
    return this.#lock.run('audit', async () => {
      this.#assertActive()
      const p = sanitizeAuditPath(String(path ?? ''))
      if (p === '/') throw new InvalidRequestError('backend path must be specified')
      const entry = this.#entries.find((e) => e.path === p)
      if (!entry) return false
      const next = this.#entries.filter((e) => e !== entry)
      await this.#persist(next)
      this.#entries = next
      const slot = this.#slots.get(p)
      this.#slots.delete(p)
      if (slot) await this.#close(slot)
      await this.#view(entry)
        .delete(SALT_KEY)
        .catch(() => undefined)
      this.#opts.onDisabled?.(entry)
      return true
    })
  }

  /** The enabled devices, as `GET sys/audit` lists them (including any that failed to load). */
  list(): AuditDeviceInfo[] {
    return this.#entries.map(auditDeviceInfo)
  }

  /**
   * `sys/audit-hash/:path`: `input` HMAC'd with the device's salt, exactly as its log shows it.
   *
   * @throws {InvalidRequestError} `unknown audit backend "p/"` for a path with no loaded device.
   */
  async hash(path: string, input: string): Promise<string> {
    this.#assertActive()
    const p = sanitizeAuditPath(String(path ?? ''))
    const slot = this.#slots.get(p)
    if (!slot) throw new InvalidRequestError(`unknown audit backend ${goQuote(p)}`)
    return slot.salt.hash(input)
  }

  /**
   * Closes and reopens every device's sink, after the entries already queued (log rotation: wire it
   * to `SIGHUP`). A device that fails is reported; resolves with the paths that failed.
   */
  async reopen(): Promise<string[]> {
    const failed: string[] = []
    await Promise.all(
      [...this.#slots.values()].map(async (s) => {
        if (!s.device.reopen) return
        try {
          await s.queue.run(() => s.device.reopen!())
        } catch (err) {
          failed.push(s.entry.path)
          this.#report(s.entry.path, err, 'reopen')
        }
      }),
    )
    return failed
  }

  /** Waits until every entry handed to the devices so far has been written (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.#slots.values()].map((s) => s.queue.drain()))
  }

  /**
   * Records a request before it is served. Resolves at once when no device is enabled.
   *
   * @throws {InternalError} (500 `internal error`) when devices are enabled and none recorded it:
   *   the request must be refused. {@link SealedError} when the broker is not set up.
   */
  async logRequest(input: AuditInput): Promise<void> {
    if (!this.#active) throw new SealedError()
    if (this.#slots.size === 0) return
    const ctx = this.#context(input)
    const slots = [...this.#slots.values()]
    const writes = slots.map((s) =>
      this.#submit(s, 'request', () =>
        buildRequestEntry(input, s.config, s.salt.memo(), this.#forSlot(s, input, ctx)),
      ),
    )
    await this.#settle(slots, writes, 'request')
  }

  /**
   * Records a response before the client gets it. Resolves at once when no device is enabled, and
   * when the broker was torn down meanwhile (the answer to `sys/seal`).
   *
   * @throws {InternalError} (500 `internal error`) when devices are enabled and none recorded it.
   */
  async logResponse(input: AuditResponseInput): Promise<void> {
    if (!this.#active || this.#slots.size === 0) return
    const ctx = this.#context(input)
    const slots = [...this.#slots.values()]
    const writes = slots.map((s) =>
      this.#submit(s, 'response', () =>
        buildResponseEntry(input, s.config, s.salt.memo(), this.#forSlot(s, input, ctx)),
      ),
    )
    await this.#settle(slots, writes, 'response')
  }

  /** The audited request headers (`GET sys/config/auditing/request-headers`). */
  auditedHeaders(): Record<string, AuditedHeaderSettings> {
    return this.#headers.all()
  }

  /** One audited header's setting, any case. */
  auditedHeader(name: string): AuditedHeaderSettings | undefined {
    return this.#headers.get(name)
  }

  /** Adds or replaces an audited header (`PUT sys/config/auditing/request-headers/:name`). */
  setAuditedHeader(name: string, hmac: boolean): Promise<void> {
    return this.#lock.run('headers', async () => {
      this.#assertActive()
      await this.#headers.set(name, hmac)
    })
  }

  /** Stops auditing a header (`DELETE sys/config/auditing/request-headers/:name`). */
  removeAuditedHeader(name: string): Promise<void> {
    return this.#lock.run('headers', async () => {
      this.#assertActive()
      await this.#headers.remove(name)
    })
  }

  #assertActive(): void {
    if (!this.#active) throw new SealedError()
  }

  #view(entry: AuditTableEntry): StorageView {
    return new StorageView(this.#opts.storage, `${AUDIT_VIEW_PREFIX}${entry.uuid}/`)
  }

  async #persist(entries: AuditTableEntry[]): Promise<void> {
    try {
      await saveAuditTable(this.#opts.storage, entries)
    } catch (err) {
      if (err instanceof VaultError) throw err
      throw new InternalError('failed to update audit table', { cause: err })
    }
  }

  /** Loads an enabled device at unseal: builds it and reads its salt (created if missing). */
  async #load(entry: AuditTableEntry): Promise<Slot> {
    const { device, config } = await buildDevice(this.#types, entry)
    try {
      const view = this.#view(entry)
      let raw = await view.get(SALT_KEY)
      if (!raw || raw.length === 0) {
        raw = utf8(uuid())
        await view.put(SALT_KEY, raw)
      }
      return {
        entry,
        device,
        config,
        salt: new AuditSalt(this.#opts.crypto, fromUtf8(raw)),
        queue: new WriteQueue(device),
      }
    } catch (err) {
      await device.close?.().catch(() => undefined)
      throw err
    }
  }

  async #close(slot: Slot): Promise<void> {
    try {
      await slot.queue.run(async () => {
        await slot.device.close?.()
      })
    } catch (err) {
      this.#report(slot.entry.path, err, 'close')
    } finally {
      slot.salt.wipe()
    }
  }

  #context(input: AuditInput): EntryContext {
    const te = input.tokenEntry
    return {
      time: rfc3339(this.#opts.clock.now()),
      clientId: te ? clientId(te, (b) => this.#opts.crypto.sha256(b)) : '',
    }
  }

  /** The context with this device's view of the audited headers. */
  #forSlot(slot: Slot, input: AuditInput, ctx: EntryContext): EntryContext {
    if (!this.#headers.active) return ctx
    const headers = this.#headers.apply(input.headers, (v) => slot.salt.hash(v))
    return headers ? { ...ctx, headers } : ctx
  }

  /** Formats synchronously (so queue order is call order) and queues the record. */
  #submit(slot: Slot, type: 'request' | 'response', build: () => ReturnType<typeof buildRequestEntry>) {
    try {
      const entry = build()
      return slot.queue.push({ type, entry, line: serializeEntry(entry, slot.config) })
    } catch (err) {
      return Promise.reject(err)
    }
  }

  async #settle(slots: Slot[], writes: Promise<void>[], kind: 'request' | 'response'): Promise<void> {
    const results = await Promise.allSettled(writes)
    let ok = 0
    const errors: unknown[] = []
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') ok++
      else {
        errors.push(r.reason)
        this.#report(slots[i]!.entry.path, r.reason, kind)
      }
    })
    if (ok === 0) {
      throw new InternalError(`no audit backend succeeded in logging the ${kind}`, {
        cause: new AggregateError(errors, `every audit device failed to log the ${kind}`),
      })
    }
  }

  #report(path: string, error: unknown, kind: AuditFailureKind): void {
    try {
      this.#opts.onDeviceError?.(path, error, kind)
    } catch {
      // A throwing listener must not turn one device's failure into everyone's.
    }
  }
}
