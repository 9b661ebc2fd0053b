/**
 * In-process device types (runtime-neutral) and the process-wide default device types. The `file`
 * type touches `node:fs` and lives at the Node edge (`./file.ts`); the Node entry registers it as a
 * default, as it installs `node:crypto` as the default crypto provider.
 *
 * @module
 */
import type { AuditDevice, AuditDeviceFactory, AuditEntry, AuditRecord } from './types.js'

/**
 * A host function that receives every entry of a `callback`-style device: the entry object (after
 * HMAC) and its line (`prefix` + JSON + `\n`). A rejection (or throw) counts as a failed write.
 */
export type AuditCallback = (entry: AuditEntry, line: string) => void | Promise<void>

/**
 * A device type handing each entry to `callback`, in order, one at a time. Register it under a type
 * name, then enable devices of that type through `sys/audit/:path`.
 *
 * @example
 * ```ts
 * vault.audit.registerDeviceType('siem', callbackDeviceType(async (entry) => siem.send(entry)))
 * await vault.request({ method: 'PUT', path: 'sys/audit/siem', data: { type: 'siem' }, token })
 * ```
 */
export function callbackDeviceType(callback: AuditCallback): AuditDeviceFactory {
  if (typeof callback !== 'function') throw new TypeError('"callback" expected a function')
  return () => ({
    async write(records: readonly AuditRecord[]) {
      for (const r of records) await callback(r.entry, r.line)
    },
  })
}

/** A Node `Writable` (or anything with its `write(chunk, callback)`), or a Web `WritableStream`. */
export type AuditWritable =
  | { write(chunk: string, callback: (err?: Error | null) => void): unknown }
  | WritableStream<string>

/**
 * A device type writing each entry's line to a stream: a Node `Writable` (the write completes when
 * the stream's callback fires) or a Web `WritableStream<string>`. The stream is not closed on disable
 * or seal: it belongs to the host.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs'
 * vault.audit.registerDeviceType('stream', streamDeviceType(createWriteStream('/var/log/vault-audit.log', { flags: 'a' })))
 * ```
 */
export function streamDeviceType(target: AuditWritable): AuditDeviceFactory {
  if (typeof target !== 'object' || target === null)
    throw new TypeError('"target" expected a writable stream')
  if ('getWriter' in target) {
    const writer = target.getWriter()
    return () => ({
      async write(records) {
        await writer.ready
        await writer.write(records.map((r) => r.line).join(''))
      },
    })
  }
  if (typeof target.write !== 'function') throw new TypeError('"target" expected a writable stream')
  return () => ({
    write(records) {
      return new Promise<void>((resolve, reject) => {
        target.write(records.map((r) => r.line).join(''), (err) => (err ? reject(err) : resolve()))
      })
    },
  })
}

/**
 * A device type keeping entries in memory: for tests and examples.
 *
 * @example
 * ```ts
 * const memory = memoryDeviceType()
 * vault.audit.registerDeviceType('memory', memory.factory)
 * // … requests …
 * memory.entries.filter((e) => e.type === 'response').length
 * ```
 */
export function memoryDeviceType(): { factory: AuditDeviceFactory; entries: AuditEntry[]; lines: string[] } {
  const entries: AuditEntry[] = []
  const lines: string[] = []
  const factory: AuditDeviceFactory = (): AuditDevice => ({
    async write(records) {
      for (const r of records) {
        entries.push(r.entry)
        lines.push(r.line)
      }
    },
  })
  return { factory, entries, lines }
}

const defaults = new Map<string, AuditDeviceFactory>()

/**
 * Adds a device type every new broker starts with (the Node entry registers `file` this way).
 *
 * @example
 * ```ts
 * import { fileDeviceType } from 'vaultlet/audit/file'
 * registerDefaultAuditDeviceType('file', fileDeviceType)
 * ```
 */
export function registerDefaultAuditDeviceType(type: string, factory: AuditDeviceFactory): void {
  if (typeof type !== 'string' || type === '') throw new TypeError('"type" expected a non-empty string')
  if (typeof factory !== 'function') throw new TypeError('"factory" expected a function')
  defaults.set(type, factory)
}

/** The default device types, by name. */
export function defaultAuditDeviceTypes(): Map<string, AuditDeviceFactory> {
  return new Map(defaults)
}
