import { createHash } from 'node:crypto'
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../src/errors.js'
import { FileStorage } from '../../src/storage/file.js'
import { storageAdapterConformance } from '../../src/testing/index.js'
import { trickyStorageKeys } from '../../src/testing/storage-conformance.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const LONG = 'x'.repeat(300)

storageAdapterConformance(
  'FileStorage',
  async () => new FileStorage(await mkdtemp(join(tmpdir(), 'vaultlet-file-'))),
  { cleanup: (storage) => rm(storage.dir, { recursive: true, force: true }) },
)

storageAdapterConformance(
  'FileStorage without fsync',
  async () => new FileStorage(await mkdtemp(join(tmpdir(), 'vaultlet-file-')), { fsync: false }),
  { cleanup: (storage) => rm(storage.dir, { recursive: true, force: true }) },
)

/** Every path below `root` (files, directories, anything else), depth first. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name)
    out.push(path)
    if (entry.isDirectory()) out.push(...(await walk(path)))
  }
  return out
}

describe('FileStorage', () => {
  let parent: string
  let dir: string
  let storage: FileStorage

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'vaultlet-file-test-'))
    dir = join(parent, 'store')
    storage = new FileStorage(dir)
  })

  afterEach(async () => {
    await rm(parent, { recursive: true, force: true })
  })

  it('is of type file, resolves its directory and creates it on first use', async () => {
    expect(storage.type).toBe('file')
    expect(storage.dir).toBe(dir)
    await expect(readdir(dir)).rejects.toThrow()
    expect(await storage.list('')).toEqual([])
    expect(await readdir(dir)).toEqual([])
  })

  it('rejects an empty directory path and a bad list prefix', async () => {
    expect(() => new FileStorage('')).toThrow(TypeError)
    await expect(storage.list('a')).rejects.toThrow(
      new TypeError('storage list prefix must be "" or end in "/"'),
    )
  })

  it('writes nothing outside its directory, with safe names only, for every tricky key', async () => {
    for (const [i, key] of trickyStorageKeys.entries()) await storage.put(key, bytes(`value #${i}`))
    const paths = await walk(parent)
    expect(paths.length).toBeGreaterThan(trickyStorageKeys.length)
    for (const path of paths) {
      expect(path === dir || path.startsWith(dir + sep)).toBe(true)
      if (path === dir) continue
      const name = path.slice(path.lastIndexOf(sep) + 1)
      expect(name).toMatch(/^[a-z0-9._-]{1,255}$/)
      expect(name).not.toMatch(/^\.\.?$/)
      const info = await lstat(path)
      expect(info.isSymbolicLink()).toBe(false)
      if (process.platform !== 'win32') expect(info.mode & 0o077).toBe(0)
    }
    for (const key of trickyStorageKeys) await storage.delete(key)
    expect(await readdir(dir)).toEqual([])
  })

  it('lays keys out as documented (the on-disk format is stable)', async () => {
    await storage.put('core/keyring', bytes('k'))
    await storage.put('Core/ü', bytes('u'))
    await storage.put('a b/😀', bytes('e'))
    await storage.put(LONG, bytes('long value'))
    await storage.put(`${LONG}/c`, bytes('c'))
    expect(await readFile(join(dir, 'dcore', 'vkeyring'), 'utf8')).toBe('k')
    expect(await readFile(join(dir, 'd_43ore', 'v_fc'), 'utf8')).toBe('u')
    expect(await readFile(join(dir, 'da_20b', 'v.d83d.de00'), 'utf8')).toBe('e')
    expect(await readFile(join(dir, `hv${sha256(LONG)}`), 'utf8')).toBe(`"${LONG}"\nlong value`)
    expect(await readFile(join(dir, `hd${sha256(LONG)}`, '.segment'), 'utf8')).toBe(`"${LONG}"`)
    expect(await readFile(join(dir, `hd${sha256(LONG)}`, 'vc'), 'utf8')).toBe('c')
    expect(await storage.list('')).toEqual(['Core/', 'a b/', 'core/', LONG, `${LONG}/`])
  })

  it('keeps values across instances', async () => {
    await storage.put('a/b', bytes('persisted'))
    await storage.put(`${LONG}/${LONG}`, bytes('long'))
    const reopened = new FileStorage(dir)
    expect(await reopened.get('a/b')).toEqual(bytes('persisted'))
    expect(await reopened.get(`${LONG}/${LONG}`)).toEqual(bytes('long'))
    expect(await reopened.list('')).toEqual(['a/', `${LONG}/`])
    expect(await reopened.list(`${LONG}/`)).toEqual([LONG])
  })

  it('ignores leftover temp files from a crash, and removes them with their emptied directory', async () => {
    await storage.put('a/b', bytes('b'))
    await writeFile(join(dir, '.tmp-0123456789abcdef'), 'torn')
    await writeFile(join(dir, 'da', '.tmp-fedcba9876543210'), 'torn')
    expect(await storage.list('')).toEqual(['a/'])
    expect(await storage.list('a/')).toEqual(['b'])
    expect(await storage.get('.tmp-0123456789abcdef')).toBeNull()
    expect(await storage.get('a/.tmp-fedcba9876543210')).toBeNull()
    expect(await storage.get('a/b')).toEqual(bytes('b'))
    await storage.delete('a/b')
    expect(await storage.list('')).toEqual([])
    expect(await readdir(dir)).toEqual(['.tmp-0123456789abcdef'])
  })

  it('ignores files it did not write', async () => {
    await storage.put('k', bytes('v'))
    await writeFile(join(dir, 'vUPPER'), 'x')
    await writeFile(join(dir, 'v_61'), 'x') // non-canonical: `a` is never escaped
    await writeFile(join(dir, 'v.0041'), 'x') // non-canonical: `A` is escaped as `_41`
    await writeFile(join(dir, 'other'), 'x')
    await mkdir(join(dir, 'vdir-not-file'))
    await writeFile(join(dir, 'dfile-not-dir'), 'x')
    await mkdir(join(dir, `hd${'0'.repeat(64)}`)) // hashed directory without its name
    expect(await storage.list('')).toEqual(['k'])
  })

  it('leaves no temp files after successful and concurrent puts', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => storage.put(i % 2 ? 'same' : `k/${i}`, bytes(`${i}`))),
    )
    await storage.put(`${LONG}/x`, bytes('x'))
    await storage.batch([{ op: 'put', key: 'b', value: bytes('b') }])
    const temps = (await walk(dir)).filter((p) => p.slice(p.lastIndexOf(sep) + 1).startsWith('.tmp-'))
    expect(temps).toEqual([])
    expect(await readdir(dir)).not.toContain('.batch-journal')
  })

  it('refuses a hashed value file that holds another key', async () => {
    await storage.put(LONG, bytes('v'))
    const other = `${LONG}z`
    await writeFile(join(dir, `hv${sha256(other)}`), await readFile(join(dir, `hv${sha256(LONG)}`)))
    const err = await storage.get(other).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).code).toBe('ERR_STORAGE')
    expect(await storage.list('')).toEqual([LONG])
  })

  it('replays a committed batch journal left by a crash before anything else', async () => {
    await storage.put('gone', bytes('old'))
    await storage.put('y', bytes('old'))
    const journal = {
      version: 1,
      ops: [
        { op: 'put', key: 'a/b', value: Buffer.from('new').toString('base64') },
        { op: 'delete', key: 'gone' },
        { op: 'put', key: 'y', value: Buffer.from('new').toString('base64') },
      ],
    }
    await writeFile(join(dir, '.batch-journal'), JSON.stringify(journal))
    const reopened = new FileStorage(join(parent, '.', 'store', '..', 'store'))
    expect(await reopened.get('a/b')).toEqual(bytes('new'))
    expect(await reopened.get('gone')).toBeNull()
    expect(await reopened.get('y')).toEqual(bytes('new'))
    expect(await readdir(dir)).not.toContain('.batch-journal')
  })

  it('ignores an uncommitted journal (a temp file) and fails closed on a corrupt one', async () => {
    await storage.put('k', bytes('v'))
    const journal = { version: 1, ops: [{ op: 'delete', key: 'k' }] }
    await writeFile(join(dir, '.tmp-00000000deadbeef'), JSON.stringify(journal))
    expect(await new FileStorage(dir).get('k')).toEqual(bytes('v'))

    const other = join(parent, 'corrupt')
    await mkdir(other)
    await writeFile(join(other, '.batch-journal'), '{"version":1,"ops":[{"op":"put","key":"k"}]}')
    const err = await new FileStorage(other).get('k').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).message).toBe('file storage: the batch journal is corrupt')
  })

  it('wraps file system errors in StorageError naming the operation and key, never the value', async () => {
    await writeFile(join(parent, 'a-file'), 'x')
    const broken = new FileStorage(join(parent, 'a-file'))
    const err = await broken.put('core/k', bytes('secret-value')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    const e = err as StorageError
    expect(e.code).toBe('ERR_STORAGE')
    expect(e.statusCode).toBe(500)
    expect(e.errors).toEqual(['internal error'])
    expect(e.message).toMatch(/^file storage: cannot put "core\/k" \(E[A-Z]+\)$/)
    expect(e.message).not.toContain('secret')
    expect(e.cause).toBeInstanceOf(Error)
  })

  it('cleans up after a put that fails (path too long), leaving no empty folder', async () => {
    const tooLong = Array.from({ length: 40 }, () => 's'.repeat(150)).join('/')
    await storage.put('keep', bytes('k'))
    await expect(storage.put(tooLong, bytes('v'))).rejects.toBeInstanceOf(StorageError)
    expect(await storage.list('')).toEqual(['keep'])
    expect(await readdir(dir)).toEqual(['vkeep'])
  })

  it('applies nothing from a batch whose keys the file system refuses', async () => {
    const tooLong = Array.from({ length: 40 }, () => 's'.repeat(150)).join('/')
    await storage.put('existing', bytes('before'))
    const err = await storage
      .batch([
        { op: 'put', key: 'new/value', value: bytes('new') },
        { op: 'delete', key: 'existing' },
        { op: 'put', key: `s/${tooLong}`, value: bytes('v') },
      ])
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).message).toMatch(
      /^file storage: cannot apply a batch of 3 operations \(E[A-Z]+\)$/,
    )
    expect(await storage.get('existing')).toEqual(bytes('before'))
    expect(await storage.get('new/value')).toBeNull()
    expect(await storage.list('')).toEqual(['existing'])
    expect(await readdir(dir)).toEqual(['vexisting'])
    await expect(storage.batch([{ op: 'delete', key: tooLong }])).rejects.toBeInstanceOf(StorageError)
    expect(await storage.get('existing')).toEqual(bytes('before'))
  })

  it('shares one lock between instances on the same directory', async () => {
    const twin = new FileStorage(`${dir}${sep}`)
    const keys = Array.from({ length: 16 }, (_, i) => `f/k${i}`)
    for (const key of keys) await storage.put(key, bytes(key))
    await Promise.all([
      ...keys.map((key, i) => (i % 2 ? storage : twin).delete(key)),
      ...keys.map((key, i) => (i % 2 ? twin : storage).put(`${key}-new`, bytes(key))),
    ])
    expect(await storage.list('f/')).toEqual(keys.map((k) => `${k.slice(2)}-new`).sort())
  })
})
