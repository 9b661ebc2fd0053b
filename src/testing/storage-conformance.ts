/**
 * The conformance suite for {@link StorageAdapter}s, in the spirit of Vault's `physical.ExerciseBackend`:
 * every adapter vaultlet ships runs it, and so should yours. It needs `vitest`.
 *
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StorageAdapter } from '../storage/adapter.js'

/** Options of {@link storageAdapterConformance}. */
export interface StorageConformanceOptions<S extends StorageAdapter = StorageAdapter> {
  /** Runs after each test (after `close`), e.g. to remove the adapter's directory or database. */
  cleanup?: (storage: S) => Promise<void>
}

const encoder = new TextEncoder()
const bytes = (text: string): Uint8Array => encoder.encode(text)

const LONG = 'x'.repeat(300)

/**
 * Keys every adapter must store, list and delete as distinct keys without leaving its own space: path
 * tricks, empty segments, names an adapter might use for itself, case and normalization twins, long
 * segments, and strings no file system or URL accepts as they are. {@link storageAdapterConformance}
 * uses them; adapter tests can reuse them (e.g. to check where an adapter wrote).
 *
 * @example
 * ```ts
 * for (const key of trickyStorageKeys) await storage.put(key, new Uint8Array([1]))
 * ```
 */
export const trickyStorageKeys: readonly string[] = [
  '',
  '.',
  '..',
  '...',
  '../x',
  'a/../../etc/passwd',
  '../../../../../../tmp/escaped',
  'a/./b',
  'a//b',
  '//',
  '/lead',
  'trail/',
  '/',
  'ключ/ü/😀',
  '\u00fc',
  'u\u0308',
  'Upper',
  'upper',
  'UPPER',
  'pct%2F',
  '%',
  '%2e%2e',
  'under_score',
  '_',
  '_41',
  '.0041',
  'back\\slash',
  '\\',
  '..\\..\\windows',
  'with space',
  ' ',
  'trailing dot.',
  'nul\u0000byte',
  'tab\tnew\nline',
  'lone\ud800surrogate',
  'lone\udc00',
  '\ufffd',
  'CON',
  'nul',
  'aux.txt',
  'a:b*c?d<e>f|g"h',
  '.tmp-0123456789abcdef',
  '.segment',
  '.batch-journal',
  'v',
  'd',
  'hv',
  'hd',
  'va',
  'da',
  LONG,
  `${LONG.slice(1)}y`,
  `${LONG}/child`,
  `deep/${LONG}/${LONG}y/leaf`,
]

/** What `list(prefix)` must return for a store holding exactly `keys` (the contract, spelled out). */
function expectedList(keys: Iterable<string>, prefix: string): string[] {
  const names = new Set<string>()
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue
    const rest = key.slice(prefix.length)
    const slash = rest.indexOf('/')
    names.add(slash === -1 ? rest : rest.slice(0, slash + 1))
  }
  return [...names].sort()
}

/** `''` and every prefix ending in `/` of every key. */
function allPrefixes(keys: Iterable<string>): string[] {
  const prefixes = new Set([''])
  for (const key of keys) {
    for (let i = key.indexOf('/'); i !== -1; i = key.indexOf('/', i + 1)) prefixes.add(key.slice(0, i + 1))
  }
  return [...prefixes]
}

/** Asserts `actual` is a `Uint8Array` holding exactly `expected` (without a million-element diff). */
function expectBytes(actual: Uint8Array | null, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array)
  const got = actual as Uint8Array
  expect(got.length).toBe(expected.length)
  let firstDifference = -1
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== expected[i]) {
      firstDifference = i
      break
    }
  }
  expect(firstDifference).toBe(-1)
}

function filled(length: number, byte: number): Uint8Array {
  return new Uint8Array(length).fill(byte)
}

/**
 * Registers a vitest `describe` block that checks `factory`'s adapter against the
 * {@link StorageAdapter} contract: missing keys, round trips (empty, 1 MiB, every byte value),
 * overwrites, copies instead of aliases, deletes, one-level sorted listings, a key beside a folder of the
 * same name, tricky keys (`..`, empty segments, unicode, long segments, …), batch atomicity when `batch`
 * exists, and concurrent writers.
 *
 * `factory` runs before each test and must return an empty adapter; `close` (if any) and then
 * `options.cleanup` run after each test.
 *
 * @example
 * ```ts
 * // test/storage/memory.test.ts
 * import { MemoryStorage } from 'vaultlet'
 * import { storageAdapterConformance } from 'vaultlet/testing'
 *
 * storageAdapterConformance('MemoryStorage', () => new MemoryStorage())
 * ```
 */
export function storageAdapterConformance<S extends StorageAdapter>(
  name: string,
  factory: () => Promise<S> | S,
  options: StorageConformanceOptions<S> = {},
): void {
  describe(`storage adapter conformance: ${name}`, () => {
    let storage: S

    beforeEach(async () => {
      storage = await factory()
    })

    afterEach(async () => {
      await storage.close?.()
      await options.cleanup?.(storage)
    })

    it('has a type', () => {
      expect(typeof storage.type).toBe('string')
      expect(storage.type).not.toBe('')
    })

    it('returns null for a missing key', async () => {
      expect(await storage.get('missing')).toBeNull()
      expect(await storage.get('missing/nested/key')).toBeNull()
    })

    it('round-trips values: empty, every byte value, 1 MiB', async () => {
      const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i)
      const large = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 31 + (i >>> 11)) & 0xff)
      await storage.put('empty', new Uint8Array(0))
      await storage.put('bytes', everyByte)
      await storage.put('large/value', large)
      expectBytes(await storage.get('empty'), new Uint8Array(0))
      expectBytes(await storage.get('bytes'), everyByte)
      expectBytes(await storage.get('large/value'), large)
    })

    it('accepts any Uint8Array view (subarray, subclass)', async () => {
      const backing = Uint8Array.from({ length: 16 }, (_, i) => i)
      await storage.put('view', backing.subarray(4, 8))
      expectBytes(await storage.get('view'), new Uint8Array([4, 5, 6, 7]))
      class Bytes extends Uint8Array {}
      await storage.put('subclass', Bytes.from([9, 8, 7]))
      expectBytes(await storage.get('subclass'), new Uint8Array([9, 8, 7]))
    })

    it('overwrites a value, longer then shorter', async () => {
      await storage.put('k', bytes('first value'))
      await storage.put('k', bytes('a much longer second value'))
      expectBytes(await storage.get('k'), bytes('a much longer second value'))
      await storage.put('k', bytes('3rd'))
      expectBytes(await storage.get('k'), bytes('3rd'))
    })

    it('never aliases stored bytes to a passed-in or returned array', async () => {
      const input = bytes('original')
      await storage.put('k', input)
      input.fill(0)
      const first = await storage.get('k')
      expectBytes(first, bytes('original'))
      first?.fill(0)
      expectBytes(await storage.get('k'), bytes('original'))
    })

    it('rejects a key that is not a string and a value that is not a Uint8Array', async () => {
      await expect(async () => storage.put('k', 'text' as unknown as Uint8Array)).rejects.toThrow()
      await expect(async () => storage.put('k', [1, 2] as unknown as Uint8Array)).rejects.toThrow()
      await expect(async () => storage.put(1 as unknown as string, bytes('v'))).rejects.toThrow()
      expect(await storage.get('k')).toBeNull()
    })

    it('deletes: a missing key is fine, a deleted key reads null, neighbours stay', async () => {
      await expect(storage.delete('missing')).resolves.toBeUndefined()
      await expect(storage.delete('missing/deep/key')).resolves.toBeUndefined()
      await storage.put('a', bytes('a'))
      await storage.put('ab', bytes('ab'))
      await storage.put('a/b', bytes('a/b'))
      await storage.delete('a')
      expect(await storage.get('a')).toBeNull()
      expectBytes(await storage.get('ab'), bytes('ab'))
      expectBytes(await storage.get('a/b'), bytes('a/b'))
      await storage.delete('a')
      expect(await storage.list('')).toEqual(['a/', 'ab'])
    })

    it('lists one level, folders with a trailing "/", sorted and unique', async () => {
      const keys = [
        'b',
        'a',
        'c/x',
        'c/y',
        'c/z/1',
        'c/z/2',
        'd/e/f/g',
        'foo',
        'foo-bar',
        'foo/bar',
        'foobar',
        'Z',
      ]
      for (const key of keys) await storage.put(key, bytes(key))
      expect(await storage.list('')).toEqual(['Z', 'a', 'b', 'c/', 'd/', 'foo', 'foo-bar', 'foo/', 'foobar'])
      expect(await storage.list('c/')).toEqual(['x', 'y', 'z/'])
      expect(await storage.list('c/z/')).toEqual(['1', '2'])
      expect(await storage.list('d/')).toEqual(['e/'])
      expect(await storage.list('d/e/f/')).toEqual(['g'])
      for (const prefix of allPrefixes(keys))
        expect(await storage.list(prefix)).toEqual(expectedList(keys, prefix))
    })

    it('lists [] for a prefix with nothing below it', async () => {
      expect(await storage.list('')).toEqual([])
      expect(await storage.list('nothing/')).toEqual([])
      await storage.put('value', bytes('v'))
      expect(await storage.list('value/')).toEqual([])
      expect(await storage.list('nothing/here/')).toEqual([])
    })

    it('keeps a key and a folder of the same name apart', async () => {
      await storage.put('a', bytes('value a'))
      await storage.put('a/b', bytes('value a/b'))
      expectBytes(await storage.get('a'), bytes('value a'))
      expectBytes(await storage.get('a/b'), bytes('value a/b'))
      expect(await storage.list('')).toEqual(['a', 'a/'])
      expect(await storage.list('a/')).toEqual(['b'])
      await storage.delete('a/b')
      expect(await storage.list('')).toEqual(['a'])
      expectBytes(await storage.get('a'), bytes('value a'))
    })

    it('stops listing a folder once everything below it is deleted', async () => {
      await storage.put('x/y/z/deep', bytes('1'))
      await storage.put('x/y/other', bytes('2'))
      await storage.put('x/keep', bytes('3'))
      await storage.delete('x/y/z/deep')
      expect(await storage.list('x/y/')).toEqual(['other'])
      await storage.delete('x/y/other')
      expect(await storage.list('x/')).toEqual(['keep'])
      expect(await storage.list('x/y/')).toEqual([])
      await storage.delete('x/keep')
      expect(await storage.list('')).toEqual([])
    })

    it('stores tricky keys as distinct keys, lists them by their original names, deletes them', async () => {
      expect(new Set(trickyStorageKeys).size).toBe(trickyStorageKeys.length)
      for (const [i, key] of trickyStorageKeys.entries()) await storage.put(key, bytes(`value #${i}`))
      for (const [i, key] of trickyStorageKeys.entries())
        expectBytes(await storage.get(key), bytes(`value #${i}`))
      const prefixes = allPrefixes(trickyStorageKeys)
      for (const prefix of prefixes)
        expect(await storage.list(prefix)).toEqual(expectedList(trickyStorageKeys, prefix))

      const [gone, kept] = [
        trickyStorageKeys.filter((_, i) => i % 2 === 0),
        trickyStorageKeys.filter((_, i) => i % 2 === 1),
      ]
      for (const key of gone) await storage.delete(key)
      for (const key of gone) expect(await storage.get(key)).toBeNull()
      for (const [i, key] of trickyStorageKeys.entries()) {
        if (i % 2 === 1) expectBytes(await storage.get(key), bytes(`value #${i}`))
      }
      for (const prefix of prefixes) expect(await storage.list(prefix)).toEqual(expectedList(kept, prefix))

      for (const key of kept) await storage.delete(key)
      expect(await storage.list('')).toEqual([])
    })

    it('applies a batch in order (when batch is supported)', async (ctx) => {
      if (storage.batch === undefined) return ctx.skip()
      await storage.put('keep', bytes('keep'))
      await storage.put('gone', bytes('gone'))
      await storage.batch([
        { op: 'put', key: 'a', value: bytes('a') },
        { op: 'put', key: 'b/c', value: bytes('b/c') },
        { op: 'delete', key: 'gone' },
        { op: 'put', key: 'x', value: bytes('x') },
        { op: 'delete', key: 'x' },
        { op: 'put', key: 'y', value: bytes('y1') },
        { op: 'put', key: 'y', value: bytes('y2') },
        { op: 'delete', key: 'never-existed' },
      ])
      expectBytes(await storage.get('a'), bytes('a'))
      expectBytes(await storage.get('b/c'), bytes('b/c'))
      expectBytes(await storage.get('keep'), bytes('keep'))
      expectBytes(await storage.get('y'), bytes('y2'))
      expect(await storage.get('gone')).toBeNull()
      expect(await storage.get('x')).toBeNull()
      expect(await storage.list('')).toEqual(['a', 'b/', 'keep', 'y'])
      await storage.batch([])
      expect(await storage.list('')).toEqual(['a', 'b/', 'keep', 'y'])
    })

    it('applies nothing from a batch with an invalid operation (when batch is supported)', async (ctx) => {
      const batch = storage.batch?.bind(storage)
      if (batch === undefined) return ctx.skip()
      await storage.put('existing', bytes('before'))
      const invalid: unknown[] = [
        { op: 'put', key: 'existing', value: 'not bytes' },
        { op: 'rename', key: 'existing' },
        { op: 'put', key: 42, value: bytes('x') },
        null,
      ]
      for (const bad of invalid) {
        const ops = [
          { op: 'put', key: 'new', value: bytes('new') },
          { op: 'delete', key: 'existing' },
          { op: 'put', key: 'existing', value: bytes('after') },
          bad,
        ] as Parameters<typeof batch>[0]
        await expect(async () => batch(ops)).rejects.toThrow()
        expect(await storage.get('new')).toBeNull()
        expectBytes(await storage.get('existing'), bytes('before'))
        expect(await storage.list('')).toEqual(['existing'])
      }
    })

    it('copies batch values (when batch is supported)', async (ctx) => {
      if (storage.batch === undefined) return ctx.skip()
      const value = bytes('batched')
      await storage.batch([{ op: 'put', key: 'k', value }])
      value.fill(0)
      expectBytes(await storage.get('k'), bytes('batched'))
    })

    it('lands every one of many concurrent puts to distinct keys', async () => {
      const keys = Array.from({ length: 64 }, (_, i) => `concurrent/${i % 4}/key-${i}`)
      await Promise.all(keys.map((key) => storage.put(key, bytes(key))))
      for (const key of keys) expectBytes(await storage.get(key), bytes(key))
      expect(await storage.list('concurrent/')).toEqual(['0/', '1/', '2/', '3/'])
      for (const folder of ['0/', '1/', '2/', '3/']) {
        expect(await storage.list(`concurrent/${folder}`)).toEqual(expectedList(keys, `concurrent/${folder}`))
      }
    })

    it('leaves one intact value after concurrent puts to the same key', async () => {
      const candidates = Array.from({ length: 32 }, (_, i) => filled(1000 + i * 997, i + 1))
      await Promise.all(candidates.map((value) => storage.put('contended', value)))
      const stored = await storage.get('contended')
      expect(stored).toBeInstanceOf(Uint8Array)
      const winner = candidates.find((c) => c.length === stored?.length)
      expect(winner).toBeDefined()
      expectBytes(stored, winner as Uint8Array)
    })

    it('never shows a torn value to a reader racing a writer', async () => {
      const before = filled(256 * 1024, 1)
      const after = filled(256 * 1024, 2)
      await storage.put('raced', before)
      const reads = Array.from({ length: 16 }, () => storage.get('raced'))
      const [, ...values] = await Promise.all([storage.put('raced', after), ...reads])
      for (const value of values) {
        const first = value?.[0]
        expect(first === 1 || first === 2).toBe(true)
        expectBytes(value, first === 1 ? before : after)
      }
    })

    it('keeps folders consistent under concurrent puts and deletes in them', async () => {
      const old = Array.from({ length: 16 }, (_, i) => `f/sub/old-${i}`)
      const fresh = Array.from({ length: 16 }, (_, i) => `f/sub/new-${i}`)
      for (const key of old) await storage.put(key, bytes(key))
      await Promise.all([
        ...old.map((key) => storage.delete(key)),
        ...fresh.map((key) => storage.put(key, bytes(key))),
      ])
      expect(await storage.list('f/sub/')).toEqual(expectedList(fresh, 'f/sub/'))
      for (const key of fresh) expectBytes(await storage.get(key), bytes(key))
      await Promise.all(fresh.map((key) => storage.delete(key)))
      expect(await storage.list('')).toEqual([])
    })
  })
}
