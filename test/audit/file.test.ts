// The `file` audit device: creation and mode, prefix, stdout and discard, reopen after a rename (log
// rotation), the errors Vault answers when the file cannot be opened.
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fileDeviceType } from '../../src/audit/file.js'
import type { AuditDevice, AuditDeviceConfig, AuditRecord } from '../../src/audit/index.js'
import { VaultError } from '../../src/errors.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultlet-audit-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const cfg = (options: Record<string, string>): AuditDeviceConfig => ({
  path: 'file/',
  type: 'file',
  options,
  format: 'json',
})
const rec = (line: string): AuditRecord => ({ type: 'request', entry: { type: 'request' }, line })
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(VaultError)
    return e as VaultError
  }
  throw new Error('expected a rejection')
}

describe('file device', () => {
  it('creates the file (and missing directories) at enable, mode 0600, and appends lines', async () => {
    const path = join(dir, 'sub', 'dir', 'audit.log')
    const device = await fileDeviceType(cfg({ file_path: path }))
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    await device.write([rec('one\n')])
    await device.write([rec('two\n'), rec('three\n')])
    await device.close?.()
    expect(await readFile(path, 'utf8')).toBe('one\ntwo\nthree\n')
    // Appends to an existing file.
    const again = await fileDeviceType(cfg({ file_path: path }))
    await again.write([rec('four\n')])
    await again.close?.()
    expect(await readFile(path, 'utf8')).toBe('one\ntwo\nthree\nfour\n')
  })

  it('applies `mode` at every open and strips executable bits; "0000" leaves the mode alone', async () => {
    const path = join(dir, 'a.log')
    await writeFile(path, '')
    await chmod(path, 0o644)
    const d1 = await fileDeviceType(cfg({ file_path: path, mode: '0640' }))
    expect((await stat(path)).mode & 0o777).toBe(0o640)
    await d1.close?.()
    const d2 = await fileDeviceType(cfg({ file_path: path, mode: '0755' }))
    expect((await stat(path)).mode & 0o777).toBe(0o644)
    await d2.close?.()
    await chmod(path, 0o604)
    const d3 = await fileDeviceType(cfg({ file_path: path, mode: '0000' }))
    await d3.write([rec('x\n')])
    expect((await stat(path)).mode & 0o777).toBe(0o604)
    await d3.close?.()
  })

  it.each([
    [{}, 'file_path is required'],
    [{ file_path: 'x', mode: 'rw' }, 'strconv.ParseUint: parsing "rw": invalid syntax'],
    [{ file_path: 'x', mode: '01777' }, 'file mode does not represent a regular file'],
    [{ file_path: 'x', fsync: 'maybe' }, 'strconv.ParseBool: parsing "maybe": invalid syntax'],
  ])('refuses %o with 400 %s', async (options, message) => {
    const err = await failure(Promise.resolve().then(() => fileDeviceType(cfg(options))))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(message)
  })

  it('"0000" on a missing file fails as Vault’s stat does', async () => {
    const path = join(dir, 'missing.log')
    const err = await failure(
      Promise.resolve().then(() => fileDeviceType(cfg({ file_path: path, mode: '0000' }))),
    )
    expect(err.message).toBe(`stat ${path}: no such file or directory`)
  })

  it.skipIf(isRoot)('fails to enable when the file cannot be opened, with Vault’s wording', async () => {
    const locked = join(dir, 'locked')
    await mkdir(locked, { mode: 0o500 })
    const path = join(locked, 'audit.log')
    const err = await failure(Promise.resolve().then(() => fileDeviceType(cfg({ file_path: path }))))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(
      `sanity check failed; unable to open "${path}" for writing: open ${path}: permission denied`,
    )
  })

  it('fails to enable when a parent is a regular file (root or not)', async () => {
    await writeFile(join(dir, 'plain'), '')
    const path = join(dir, 'plain', 'sub', 'audit.log')
    const err = await failure(Promise.resolve().then(() => fileDeviceType(cfg({ file_path: path }))))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(
      `sanity check failed; unable to open "${path}" for writing: mkdir ${join(dir, 'plain', 'sub')}: not a directory`,
    )
  })

  it('fails to enable when the path is a directory', async () => {
    const err = await failure(Promise.resolve().then(() => fileDeviceType(cfg({ file_path: dir }))))
    expect(err.message).toBe(
      `sanity check failed; unable to open "${dir}" for writing: open ${dir}: is a directory`,
    )
  })

  it('reopen() after a rename starts a new file; the rotated one is complete', async () => {
    const path = join(dir, 'audit.log')
    const device = await fileDeviceType(cfg({ file_path: path }))
    await device.write([rec('before\n')])
    await rename(path, `${path}.1`)
    await device.write([rec('still-old\n')]) // the open descriptor follows the renamed file
    await device.reopen?.()
    await device.write([rec('after\n')])
    await device.close?.()
    expect(await readFile(`${path}.1`, 'utf8')).toBe('before\nstill-old\n')
    expect(await readFile(path, 'utf8')).toBe('after\n')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it.each([[{ fsync: 'true' }], [{ async_writes: 'true' }], [{ async_writes: 'false' }]])(
    'writes with %o too, and reopens',
    async (options) => {
      const path = join(dir, 'variant.log')
      const device = await fileDeviceType(cfg({ file_path: path, ...options }))
      await device.write([rec('a\n'), rec('b\n')])
      await rename(path, `${path}.1`)
      await device.reopen?.()
      await device.write([rec('c\n')])
      await device.close?.()
      expect(await readFile(`${path}.1`, 'utf8')).toBe('a\nb\n')
      expect(await readFile(path, 'utf8')).toBe('c\n')
    },
  )

  it('a closed device opens its file again on the next write', async () => {
    const path = join(dir, 'retry.log')
    const device = await fileDeviceType(cfg({ file_path: path }))
    await device.close?.() // the descriptor is gone: the next write reopens
    await device.write([rec('after-close\n')])
    await device.close?.()
    expect(await readFile(path, 'utf8')).toBe('after-close\n')
  })

  it('file_path=stdout (any case) writes to standard output; discard drops everything', async () => {
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((
      _chunk: unknown,
      cb?: (err?: Error | null) => void,
    ) => {
      cb?.()
      return true
    }) as typeof process.stdout.write)
    try {
      const out: AuditDevice = await fileDeviceType(cfg({ file_path: 'STDOUT' }))
      await out.write([rec('{"a":1}\n'), rec('{"b":2}\n')])
      expect(spy).toHaveBeenCalledWith('{"a":1}\n{"b":2}\n', expect.any(Function))
    } finally {
      spy.mockRestore()
    }
    const discard = await fileDeviceType(cfg({ file_path: 'discard' }))
    await expect(discard.write([rec('x\n')])).resolves.toBeUndefined()
  })
})
