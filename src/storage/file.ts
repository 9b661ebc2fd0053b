/**
 * A {@link StorageAdapter} on the local file system, one file per key. Node only: import it from
 * `vaultlet/storage/file`.
 *
 * ## On-disk layout
 *
 * A key is split on `/`. Every segment but the last names a directory, the last names a file; each is
 * turned into a name made only of `[a-z0-9._-]`:
 *
 * - the segment is escaped one UTF-16 code unit at a time: `a-z`, `0-9` and `-` stay as they are, any
 *   other unit below U+0100 becomes `_` + 2 hex digits, any unit from U+0100 up becomes `.` + 4 hex
 *   digits (lower-case hex). `Core/ü` becomes `_43ore` and `_fc`.
 * - the escaped segment gets a one-letter prefix: `v` for a value file, `d` for a directory. So a key
 *   `a` (`va`) and a key `a/b` (`da/vb`) live side by side, and no name can be `.`, `..` or empty.
 * - when the escaped segment is longer than 200 characters, the name is `hv` (value) or `hd`
 *   (directory) + the hex SHA-256 of the escaped segment. A hashed value file starts with the key as a
 *   JSON string and a newline, then the value; a hashed directory holds a `.segment` file with its
 *   segment as a JSON string. `list` reads those to return the original names.
 *
 * Names the adapter uses for itself start with `.` (`.tmp-<random>` temp files, `.segment`,
 * `.batch-journal`) and can never be the name of a key. Every name is lower-case ASCII, so keys that
 * differ only in case stay distinct on case-insensitive file systems (macOS, Windows), and no name is a
 * Windows device name or ends in a dot. Keys are encoded losslessly: any JS string, including lone
 * surrogates, NUL and `\`, round-trips.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { Dirent } from 'node:fs'
import {
  access,
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rmdir,
  unlink,
} from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { StorageError } from '../errors.js'
import type { StorageAdapter, StorageOp } from './adapter.js'
import { assertKey, assertPrefix, assertValue, checkBatch } from './checks.js'
import { corrupt, type DiskPath, diskName, diskPath, parseDiskName, parseName } from './file-names.js'

const TEMP_PREFIX = '.tmp-'
const SEGMENT_FILE = '.segment'
const JOURNAL_FILE = '.batch-journal'

/** Options of {@link FileStorage}. */
export interface FileStorageOptions {
  /**
   * fsync every written file and the directories whose entries changed (default `true`). Turn it off
   * only for data you can afford to lose, such as tests.
   */
  fsync?: boolean
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined
}

/** Shared readers (get, list, put), exclusive writers (delete, batch, recovery); first come, first served. */
class RwLock {
  /** Number of shared holders, or -1 while held exclusively. */
  private active = 0
  private readonly queue: { exclusive: boolean; grant: () => void }[] = []

  async run<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    if (this.queue.length === 0 && (exclusive ? this.active === 0 : this.active >= 0)) {
      this.active = exclusive ? -1 : this.active + 1
    } else {
      await new Promise<void>((grant) => this.queue.push({ exclusive, grant }))
    }
    try {
      return await fn()
    } finally {
      this.active = this.active === -1 ? 0 : this.active - 1
      this.wake()
    }
  }

  private wake(): void {
    for (let next = this.queue[0]; next !== undefined; next = this.queue[0]) {
      if (next.exclusive ? this.active !== 0 : this.active < 0) return
      this.queue.shift()
      this.active = next.exclusive ? -1 : this.active + 1
      next.grant()
      if (next.exclusive) return
    }
  }
}

/** What every {@link FileStorage} on one directory of this process shares. */
interface DirectoryState {
  lock: RwLock
  /** A committed batch failed to apply; it must be replayed before anything else runs. */
  pending: boolean
  /** Temp files being written right now (the others are leftovers of a crash). */
  temps: Set<string>
}

/** A new value written to a temp file, waiting to be renamed over its target. */
interface Prepared {
  dir: string
  target: string
  temp: string
}

const directories = new Map<string, DirectoryState>()
const RETRY = Symbol('retry')

/**
 * Stores each key in its own file below `dir` (layout in the module comment above). Any key string
 * is safe: nothing is ever written outside `dir`, and distinct keys never share a file.
 *
 * - Writes are durable and never torn: the value goes to a temp file in the same directory, which is
 *   fsynced and renamed over the target, then the directory is fsynced (errors from directory fsync are
 *   ignored where the platform does not support it). Concurrent puts of one key leave one of the
 *   values intact.
 * - `delete` removes directories left empty, so `list` never shows empty folders.
 * - `batch` is atomic through a journal, see {@link FileStorage.batch}.
 * - `dir` is created (mode `0700`, files `0600`) on first use.
 *
 * One process owns a directory: instances in the same process share a lock per directory (by resolved
 * path), but nothing coordinates two processes. Leftover temp files from a crash are ignored, and
 * removed when their directory is emptied. Failures are thrown as {@link StorageError}, named by
 * operation and key, never containing a value.
 *
 * @example
 * ```ts
 * import { FileStorage } from 'vaultlet/storage/file'
 *
 * const storage = new FileStorage('/var/lib/vaultlet')
 * await storage.put('core/seal-config', bytes)
 * await storage.list('core/') // ['seal-config']
 * ```
 */
export class FileStorage implements StorageAdapter {
  readonly type = 'file'
  /** The absolute directory holding the data. */
  readonly dir: string
  private readonly fsync: boolean
  private readonly state: DirectoryState
  private opened = false

  /**
   * @param dir - The directory to keep the data in; created on first use.
   * @throws {TypeError} when `dir` is not a non-empty string.
   * @example
   * ```ts
   * const storage = new FileStorage('./data', { fsync: true })
   * ```
   */
  constructor(dir: string, options: FileStorageOptions = {}) {
    if (typeof dir !== 'string' || dir === '') throw new TypeError('file storage needs a directory path')
    this.dir = resolve(dir)
    this.fsync = options.fsync ?? true
    let state = directories.get(this.dir)
    if (state === undefined) {
      state = { lock: new RwLock(), pending: false, temps: new Set() }
      directories.set(this.dir, state)
    }
    this.state = state
  }

  /**
   * Reads the value at `key`, or `null` when there is none. The returned array is a fresh copy.
   *
   * @throws {TypeError} when `key` is not a string.
   * @throws {StorageError} when the file system fails or the stored file is corrupt.
   * @example
   * ```ts
   * await storage.get('core/missing') // null
   * ```
   */
  async get(key: string): Promise<Uint8Array | null> {
    assertKey(key)
    return this.guard(`get ${JSON.stringify(key)}`, false, () => this.read(key))
  }

  /**
   * Durably writes `value` at `key` (a copy is taken before the call returns).
   *
   * @throws {TypeError} when `key` is not a string or `value` not a `Uint8Array`.
   * @throws {StorageError} when the file system fails.
   * @example
   * ```ts
   * await storage.put('logical/abc/config', new Uint8Array([1, 2, 3]))
   * ```
   */
  async put(key: string, value: Uint8Array): Promise<void> {
    assertKey(key)
    assertValue(value)
    const bytes = new Uint8Array(value)
    // A failed put may have created directories: remove the empty ones so list() does not show them.
    return this.guard(
      `put ${JSON.stringify(key)}`,
      false,
      () => this.write(key, bytes),
      () => this.prune(diskPath(key)),
    )
  }

  /**
   * Removes `key` and any directories left empty; removing a missing key succeeds.
   *
   * @throws {TypeError} when `key` is not a string.
   * @throws {StorageError} when the file system fails.
   * @example
   * ```ts
   * await storage.delete('logical/abc/config')
   * ```
   */
  async delete(key: string): Promise<void> {
    assertKey(key)
    return this.guard(`delete ${JSON.stringify(key)}`, true, () => this.remove(key))
  }

  /**
   * Lists one level below `prefix` with the original key names: values, and folders with a trailing
   * `/`; sorted, unique. A prefix with nothing below it lists as `[]`.
   *
   * @throws {TypeError} when `prefix` is neither `''` nor ends in `/`.
   * @throws {StorageError} when the file system fails.
   * @example
   * ```ts
   * await storage.put('a/b', bytes)
   * await storage.put('a/c/d', bytes)
   * await storage.list('a/') // ['b', 'c/']
   * ```
   */
  async list(prefix: string): Promise<string[]> {
    assertPrefix(prefix)
    return this.guard(`list ${JSON.stringify(prefix)}`, false, async () => {
      const segments = prefix === '' ? [] : prefix.slice(0, -1).split('/')
      const path = join(this.dir, ...segments.map((s) => diskName(s, true).name))
      let entries: Dirent[]
      try {
        entries = await readdir(path, { withFileTypes: true })
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return []
        throw err
      }
      const names = new Set<string>()
      for (const entry of entries) {
        const name = await this.entryName(path, entry)
        if (name !== null) names.add(name)
      }
      return [...names].sort()
    })
  }

  /**
   * Applies `ops` in order, atomically, also across a crash:
   *
   * 1. every operation is validated (a malformed one throws `TypeError`, nothing changes);
   * 2. every new value is written to a synced temp file beside its target and every target path is
   *    probed, so keys the file system refuses (a path too long, …) fail here, and nothing changes;
   * 3. the whole batch is written durably to a journal file (temp file, fsync, rename): the commit point;
   * 4. the temp files are renamed over their targets and the deletes done, in order; the journal is removed.
   *
   * A crash before step 3 completes leaves nothing applied; after it, the next operation on the directory
   * (in this or a new process) replays the journal first, so the batch ends up fully applied. Other calls
   * on this directory wait while a batch runs, so they never see half of it. If applying fails with an
   * I/O error, the batch throws `StorageError` and is completed before the next operation (which fails in
   * turn while the directory stays unwritable): as with any database whose commit acknowledgement is lost,
   * a `StorageError` means "maybe committed", never "half applied".
   *
   * @throws {TypeError} when an operation is malformed (nothing was changed).
   * @throws {StorageError} when the file system fails.
   * @example
   * ```ts
   * await storage.batch([
   *   { op: 'put', key: 'core/keyring', value: keyring },
   *   { op: 'delete', key: 'core/old-keyring' },
   * ])
   * ```
   */
  async batch(ops: StorageOp[]): Promise<void> {
    const checked = checkBatch(ops)
    if (checked.length === 0) return
    return this.guard(`apply a batch of ${checked.length} operations`, true, async () => {
      // Before the commit point every directory exists, every new value sits in a synced temp file and
      // every target path has been probed, so what can fail because of the keys fails here.
      const prepared: (Prepared | null)[] = []
      try {
        for (const op of checked) {
          const next = op.op === 'put' ? await this.prepare(op.key, op.value) : null
          prepared.push(next)
          await probe(next?.target ?? this.target(op.key))
        }
        const journal = checked.map((op) =>
          op.op === 'put' ? { op: 'put', key: op.key, value: Buffer.from(op.value).toString('base64') } : op,
        )
        await this.writeAtomic(
          this.dir,
          JOURNAL_FILE,
          Buffer.from(JSON.stringify({ version: 1, ops: journal })),
        )
      } catch (err) {
        for (const p of prepared) if (p !== null) await this.discard(p.temp)
        for (const op of checked) await this.prune(diskPath(op.key)).catch(() => undefined)
        throw err
      }
      try {
        for (const [i, op] of checked.entries()) {
          const p = prepared[i]
          if (p) await this.commit(p)
          else await this.remove(op.key)
        }
        await this.dropJournal()
      } catch (err) {
        this.state.pending = true
        for (const p of prepared) if (p !== null) await this.discard(p.temp)
        throw new StorageError(
          'file storage: batch committed but not fully applied; it is completed before the next operation',
          { cause: err },
        )
      }
    })
  }

  /**
   * Runs `fn` under the directory lock, after opening the directory (once) and replaying a pending
   * journal. File system errors become a {@link StorageError} saying what failed (`what`); `cleanup`
   * then runs, best effort, under the exclusive lock.
   */
  private async guard<T>(
    what: string,
    exclusive: boolean,
    fn: () => Promise<T>,
    cleanup?: () => Promise<void>,
  ): Promise<T> {
    try {
      for (;;) {
        if (!this.opened || this.state.pending) await this.state.lock.run(true, () => this.recover())
        const result = await this.state.lock.run(exclusive, async () =>
          this.state.pending ? RETRY : await fn(),
        )
        if (result !== RETRY) return result as T
      }
    } catch (err) {
      if (cleanup) await this.state.lock.run(true, cleanup).catch(() => undefined)
      if (err instanceof StorageError) throw err
      const code = errorCode(err)
      throw new StorageError(`file storage: cannot ${what}${code ? ` (${code})` : ''}`, { cause: err })
    }
  }

  /** Creates the directory and completes a committed batch left by a crash or a failed apply. */
  private async recover(): Promise<void> {
    if (this.opened && !this.state.pending) return
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    let raw: Buffer | null = null
    try {
      raw = await readFile(join(this.dir, JOURNAL_FILE))
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err
    }
    if (raw !== null) {
      for (const op of parseJournal(raw)) {
        if (op.op === 'put') await this.write(op.key, op.value)
        else await this.remove(op.key)
      }
      await this.dropJournal()
    }
    this.state.pending = false
    this.opened = true
  }

  private async dropJournal(): Promise<void> {
    try {
      await unlink(join(this.dir, JOURNAL_FILE))
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err
    }
    await this.syncDir(this.dir)
  }

  /** The file holding `key`. */
  private target(key: string): string {
    const path = diskPath(key)
    return join(this.dir, ...path.dirs.map((d) => d.name), path.file)
  }

  private async read(key: string): Promise<Uint8Array | null> {
    const path = diskPath(key)
    let raw: Buffer
    try {
      raw = await readFile(this.target(key))
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null
      throw err
    }
    if (!path.hashed) return new Uint8Array(raw)
    const newline = raw.indexOf(0x0a)
    if (newline === -1 || parseName(raw.subarray(0, newline), 'a value file') !== key) {
      throw corrupt('a value file')
    }
    return new Uint8Array(raw.subarray(newline + 1))
  }

  private async write(key: string, value: Uint8Array): Promise<void> {
    await this.commit(await this.prepare(key, value))
  }

  /** Creates the directories of `key` and writes its new file content to a synced temp file. */
  private async prepare(key: string, value: Uint8Array): Promise<Prepared> {
    const path = diskPath(key)
    let dir = this.dir
    for (const d of path.dirs) {
      const parent = dir
      dir = join(dir, d.name)
      let created = false
      try {
        await mkdir(dir, { mode: 0o700 })
        created = true
      } catch (err) {
        if (errorCode(err) !== 'EEXIST') throw err
      }
      if (d.hashed && (created || !(await exists(join(dir, SEGMENT_FILE))))) {
        await this.writeAtomic(dir, SEGMENT_FILE, Buffer.from(JSON.stringify(d.segment)))
      }
      if (created) await this.syncDir(parent)
    }
    const body = path.hashed ? Buffer.concat([Buffer.from(`${JSON.stringify(key)}\n`), value]) : value
    return { dir, target: join(dir, path.file), temp: await this.writeTemp(dir, body) }
  }

  private async remove(key: string): Promise<void> {
    const path = diskPath(key)
    try {
      await unlink(this.target(key))
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return
      throw err
    }
    await this.syncDir(join(this.dir, ...path.dirs.map((d) => d.name)))
    await this.prune(path)
  }

  /**
   * Removes the directories of `path` that hold no key, deepest first. Runs under the exclusive lock, so
   * a temp file not in `state.temps` is the leftover of a crash, not a write in flight.
   */
  private async prune(path: DiskPath): Promise<void> {
    const dirs = path.dirs.map((d) => d.name)
    for (let depth = dirs.length; depth > 0; depth--) {
      const dir = join(this.dir, ...dirs.slice(0, depth))
      let names: string[]
      try {
        names = await readdir(dir)
      } catch (err) {
        // Not there: never created, or (after a failed put) a path too long to exist.
        if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENAMETOOLONG') continue
        throw err
      }
      const stale = (name: string) => name.startsWith(TEMP_PREFIX) && !this.state.temps.has(join(dir, name))
      if (names.some((name) => name !== SEGMENT_FILE && !stale(name))) return
      // `.segment` goes last: a crash before rmdir leaves an empty hashed directory without a name,
      // which list() skips and the next put into it names again.
      for (const name of names) if (name !== SEGMENT_FILE) await unlink(join(dir, name))
      if (names.includes(SEGMENT_FILE)) await unlink(join(dir, SEGMENT_FILE))
      await rmdir(dir)
      await this.syncDir(dirname(dir))
    }
  }

  /** The listed name of a directory entry, or `null` for anything that is not a key of ours. */
  private async entryName(dir: string, entry: Dirent): Promise<string | null> {
    const name = entry.name
    const parsed = parseDiskName(name)
    if (parsed === null) return null
    const isDir = parsed.dir
    if (isDir ? !entry.isDirectory() : !entry.isFile()) return null
    if (parsed.segment !== null) return isDir ? `${parsed.segment}/` : parsed.segment
    // A hashed name: the segment is stored inside.
    let segment: string
    try {
      if (isDir) {
        segment = parseName(await readFile(join(dir, name, SEGMENT_FILE)), 'a directory name')
      } else {
        const key = await readKeyHeader(join(dir, name))
        segment = key.slice(key.lastIndexOf('/') + 1)
      }
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null
      throw err
    }
    return diskName(segment, isDir).name === name ? (isDir ? `${segment}/` : segment) : null
  }

  /** Writes `data` to `dir/name` via a fresh temp file in `dir`: never torn, durable when fsync is on. */
  private async writeAtomic(dir: string, name: string, data: Uint8Array): Promise<void> {
    await this.commit({ dir, target: join(dir, name), temp: await this.writeTemp(dir, data) })
  }

  /** Writes `data` to a new, uniquely named temp file in `dir` (synced when fsync is on); returns its path. */
  private async writeTemp(dir: string, data: Uint8Array): Promise<string> {
    const temp = join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'))
    this.state.temps.add(temp)
    let handle: FileHandle | undefined
    try {
      handle = await open(temp, 'wx', 0o600)
      await handle.writeFile(data)
      if (this.fsync) await handle.sync()
      await handle.close()
      return temp
    } catch (err) {
      await handle?.close().catch(() => undefined)
      await this.discard(temp)
      throw err
    }
  }

  /** Renames a prepared temp file over its target, then syncs the directory. */
  private async commit(prepared: Prepared): Promise<void> {
    try {
      await rename(prepared.temp, prepared.target)
    } catch (err) {
      await this.discard(prepared.temp)
      throw err
    }
    this.state.temps.delete(prepared.temp)
    await this.syncDir(prepared.dir)
  }

  private async discard(temp: string): Promise<void> {
    this.state.temps.delete(temp)
    await unlink(temp).catch(() => undefined)
  }

  private async syncDir(dir: string): Promise<void> {
    if (!this.fsync) return
    try {
      const handle = await open(dir, 'r')
      try {
        await handle.sync()
      } finally {
        await handle.close()
      }
    } catch {
      // Directory fsync is unsupported on some platforms (Windows); the rename itself has happened.
    }
  }
}

/** Fails when `path` cannot be a file path here (too long, …); a missing file is fine. */
async function probe(path: string): Promise<void> {
  try {
    await lstat(path)
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false
    throw err
  }
}

/** Reads the JSON key line at the start of a hashed value file without reading the value. */
async function readKeyHeader(path: string): Promise<string> {
  const handle = await open(path, 'r')
  try {
    const chunks: Buffer[] = []
    for (let position = 0; ; ) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(4096), 0, 4096, position)
      if (bytesRead === 0) throw corrupt('a value file')
      const chunk = buffer.subarray(0, bytesRead)
      const newline = chunk.indexOf(0x0a)
      if (newline !== -1) {
        chunks.push(chunk.subarray(0, newline))
        return parseName(Buffer.concat(chunks), 'a value file')
      }
      chunks.push(chunk)
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
}

/** Parses and checks a batch journal; anything unexpected fails closed rather than being skipped. */
function parseJournal(raw: Buffer): StorageOp[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.toString('utf8'))
  } catch {
    throw corrupt('the batch journal')
  }
  const ops = (parsed as { version?: unknown; ops?: unknown } | null)?.ops
  if ((parsed as { version?: unknown } | null)?.version !== 1 || !Array.isArray(ops))
    throw corrupt('the batch journal')
  return ops.map((op: { op?: unknown; key?: unknown; value?: unknown } | null): StorageOp => {
    if (typeof op?.key !== 'string') throw corrupt('the batch journal')
    if (op.op === 'delete') return { op: 'delete', key: op.key }
    if (op.op !== 'put' || typeof op.value !== 'string') throw corrupt('the batch journal')
    return { op: 'put', key: op.key, value: new Uint8Array(Buffer.from(op.value, 'base64')) }
  })
}
