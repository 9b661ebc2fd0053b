/**
 * The `file` audit device (Node only: `node:fs`). Appends each entry to a file; `file_path=stdout`
 * writes to the process's standard output and `file_path=discard` drops entries (both are names, any
 * case). Vault's options:
 *
 * | option | default | |
 * |---|---|---|
 * | `file_path` (or `path`) | required | created (with missing directories) at enable; enable fails if it cannot be opened |
 * | `mode` | `"0600"` | octal permissions applied at every open; `"0000"` leaves the file's mode alone; executable bits are stripped |
 * | `fsync` | `"false"` | vaultlet's: `fdatasync` after every write, for entries that survive power loss, not only a crash |
 * | `async_writes` | `"false"` | vaultlet's: write through libuv's thread pool instead of a direct `write(2)` |
 *
 * plus the options every device shares (`format`, `prefix`, `log_raw`, `hmac_accessor`,
 * `elide_list_responses`). A write resolves once `write(2)` returned for the whole line (the entry is
 * in the OS, safe from a process crash). By default that call is synchronous — a few microseconds on a
 * local disk against ~50 µs through the thread pool (see `bench/audit.bench.ts`), as pino writes files;
 * a filesystem that may hang (NFS) should set `async_writes=true`, so that a hung write stalls only the
 * audited requests, as in Vault, and not the whole event loop. With `fsync=true` writes always go
 * through the thread pool (and are fsynced together when requests arrive together). A failed write
 * is retried once after reopening the file, as Vault does. `reopen()` (the broker's `reopen`, wired to
 * `SIGHUP`) closes and reopens the path, so a rotated (renamed) log is left complete and a new one
 * starts.
 *
 * @module
 */
import { close, fdatasync, open, write, writeSync } from 'node:fs'
import { chmod, mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import { InvalidRequestError } from '../errors.js'
import { goQuote } from '../framework/duration.js'
import type { AuditDevice, AuditDeviceConfig, AuditDeviceFactory, AuditRecord } from './types.js'

const DEFAULT_MODE = 0o600

/**
 * The `file` device type. The Node entry of `vaultlet` registers it as a default type.
 *
 * @example
 * ```ts
 * vault.audit.registerDeviceType('file', fileDeviceType)
 * await vault.request({
 *   method: 'PUT', path: 'sys/audit/file', token,
 *   data: { type: 'file', options: { file_path: '/var/log/vault_audit.log' } },
 * })
 * ```
 * @throws {InvalidRequestError} `file_path is required`, a bad `mode` or `fsync`, or
 *   `sanity check failed; unable to open "<path>" for writing: <reason>`.
 */
export const fileDeviceType: AuditDeviceFactory = async (config: AuditDeviceConfig): Promise<AuditDevice> => {
  const raw = config.options.file_path ?? config.options.path
  if (raw === undefined) throw new InvalidRequestError('file_path is required')
  const lower = raw.toLowerCase()
  if (lower === 'stdout') return new StdoutDevice()
  if (lower === 'discard') return { write: async () => undefined }
  const fsync = parseBool(config.options.fsync, false)
  const asyncWrites = parseBool(config.options.async_writes, false)
  let mode = DEFAULT_MODE
  let keepMode = false
  if (config.options.mode !== undefined) {
    const m = parseOctal(config.options.mode)
    if (m === 0) {
      // "0000": leave the mode of the existing file alone (Vault stats it, so it must exist).
      try {
        mode = (await stat(raw)).mode & 0o777
      } catch (err) {
        throw new InvalidRequestError(goError(err, 'stat', raw), { cause: err })
      }
      keepMode = true
    } else {
      if (m > 0o777) throw new InvalidRequestError('file mode does not represent a regular file')
      // Vault strips executable bits (HCSEC-2025-14): an audit device must not create executables.
      mode = m & ~0o111
    }
  }
  const device = new FileDevice(raw, mode, keepMode, fsync, fsync || asyncWrites)
  try {
    await device.open()
  } catch (err) {
    throw new InvalidRequestError(
      `sanity check failed; unable to open ${goQuote(raw)} for writing: ${goError(err, 'open', raw)}`,
      { cause: err },
    )
  }
  return device
}

const openFd = promisify(open)
const closeFd = promisify(close)
const writeFd = promisify(write)
const datasyncFd = promisify(fdatasync)

/** An open audit file. */
class FileDevice implements AuditDevice {
  #fd: number | null = null

  constructor(
    readonly path: string,
    readonly mode: number,
    readonly keepMode: boolean,
    readonly fsync: boolean,
    readonly asyncWrites: boolean,
  ) {}

  async open(): Promise<void> {
    if (this.#fd !== null) return
    // Missing directories are created owner-only and traversable (Vault reuses the file mode, which
    // leaves a 0600 directory nobody but root can enter).
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 })
    const fd = await openFd(this.path, 'a', this.mode)
    try {
      if (!this.keepMode && this.path !== '/dev/null') await chmod(this.path, this.mode)
    } catch (err) {
      await closeFd(fd).catch(() => undefined)
      throw err
    }
    this.#fd = fd
  }

  async write(records: readonly AuditRecord[]): Promise<void> {
    const bytes = Buffer.from(records.length === 1 ? records[0]!.line : records.map((r) => r.line).join(''))
    try {
      await this.#append(bytes)
    } catch {
      // Vault reopens the file once per failed write and tries again.
      await this.close().catch(() => undefined)
      await this.#append(bytes)
    }
  }

  async #append(bytes: Buffer): Promise<void> {
    await this.open()
    const fd = this.#fd!
    let offset = 0
    while (offset < bytes.length) {
      const written = this.asyncWrites
        ? (await writeFd(fd, bytes, offset, bytes.length - offset)).bytesWritten
        : writeSync(fd, bytes, offset, bytes.length - offset)
      if (written <= 0) throw new Error('short write to audit file')
      offset += written
    }
    if (this.fsync) await datasyncFd(fd)
  }

  async reopen(): Promise<void> {
    await this.close()
    await this.open()
  }

  async close(): Promise<void> {
    const fd = this.#fd
    this.#fd = null
    if (fd !== null) await closeFd(fd)
  }
}

/** `file_path=stdout`. */
class StdoutDevice implements AuditDevice {
  write(records: readonly AuditRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      process.stdout.write(records.map((r) => r.line).join(''), (err) => (err ? reject(err) : resolve()))
    })
  }
}

/** Go's `strconv.ParseUint(s, 8, 32)`, with its error text. */
function parseOctal(s: string): number {
  if (!/^[0-7]+$/.test(s))
    throw new InvalidRequestError(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`)
  const n = Number.parseInt(s, 8)
  if (n > 0xffffffff) {
    throw new InvalidRequestError(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`)
  }
  return n
}

function parseBool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false
  throw new InvalidRequestError(`strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`)
}

const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'file exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
}

/** A Node fs error worded as Go's `*PathError` (`open /x: permission denied`). */
function goError(err: unknown, fallbackOp: string, fallbackPath: string): string {
  const e = err as NodeJS.ErrnoException
  const text = (e?.code && ERRNO_TEXT[e.code]) || e?.code || String(e?.message ?? err)
  return `${e?.syscall ?? fallbackOp} ${e?.path ?? fallbackPath}: ${text}`
}
