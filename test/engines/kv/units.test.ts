// Pure helpers of the KV engine: JSON merge patch (RFC 7386 appendix A vectors), subkeys, the
// max_versions window and delete_version_after arithmetic (Vault's AddVersion / deletionTime), and the
// encrypted metadata paths.
import { describe, expect, it } from 'vitest'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { EncryptedKeyPaths } from '../../../src/engines/kv/encrypted-keys.js'
import { mergePatch, subkeys } from '../../../src/engines/kv/index.js'
import { addVersion, deletionTime, newKeyMetadata } from '../../../src/engines/kv/key-metadata.js'

describe('mergePatch (RFC 7386 appendix A)', () => {
  const vectors: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ]
  it.each(vectors)('%j + %j', (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result)
  })

  it('does not change its inputs, and treats __proto__ as a plain key', () => {
    const target = { a: { b: 1 } }
    mergePatch(target, { a: { c: 2 } })
    expect(target).toEqual({ a: { b: 1 } })
    const out = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__'])
  })
})

describe('subkeys', () => {
  it('follows Vault’s removeValues', () => {
    const data = { foo: 'abc', bar: { baz: 'def', qux: { quux: 1 } }, empty: {} }
    expect(subkeys(data, 0)).toEqual({ foo: null, bar: { baz: null, qux: { quux: null } }, empty: null })
    expect(subkeys(data, 1)).toEqual({ foo: null, bar: null, empty: null })
    expect(subkeys(data, 3)).toEqual(subkeys(data, 0))
  })
})

describe('max_versions window and delete_version_after', () => {
  it('addVersion slides the window as Vault’s AddVersion', () => {
    const meta = newKeyMetadata('k')
    let toDelete = 0
    for (let i = 1; i <= 3; i++) toDelete = addVersion(meta, i, null, 3).versionToDelete
    expect(toDelete).toBe(0)
    expect(meta).toMatchObject({ current_version: 3, oldest_version: 1, created_time: 1, updated_time: 3 })
    expect(addVersion(meta, 4, null, 3).versionToDelete).toBe(1)
    expect(Object.keys(meta.versions)).toEqual(['2', '3', '4'])
    // Shrinking the window drops several at once.
    expect(addVersion(meta, 5, null, 1).versionToDelete).toBe(4)
    expect(meta).toMatchObject({ oldest_version: 5, versions: { '5': { created_time: 5 } } })
    expect(Object.keys(meta.versions)).toEqual(['5'])
  })

  it('deletionTime takes the smaller non-zero of mount and key', () => {
    expect(deletionTime(1000, 0, 0)).toBeNull()
    expect(deletionTime(1000, 60, 0)).toBe(61_000)
    expect(deletionTime(1000, 0, 30)).toBe(31_000)
    expect(deletionTime(1000, 60, 30)).toBe(31_000)
    expect(deletionTime(1000, 30, 60)).toBe(31_000)
  })
})

describe('EncryptedKeyPaths', () => {
  const key = new Uint8Array(32).fill(7)
  const paths = new EncryptedKeyPaths(nodeCrypto, key, 'u/metadata/')

  it('is deterministic, segment by segment, and depends on the parent', () => {
    const a = paths.encryptPath('app/db')
    expect(a).toBe(paths.encryptPath('app/db/'))
    expect(a).toBe(new EncryptedKeyPaths(nodeCrypto, key, 'u/metadata/').encryptPath('app/db'))
    const [app, db] = a.slice('u/metadata/'.length).split('/')
    expect(paths.encryptPath('app')).toBe(`u/metadata/${app}`)
    expect(paths.encryptPath('db')).not.toBe(`u/metadata/${db}`)
    expect(a).toMatch(/^u\/metadata\/[0-9a-f]+\/[0-9a-f]+$/)
    expect(paths.encryptPath('')).toBe('u/metadata/')
  })

  it('decrypts names under their parent only', () => {
    const name = paths.encryptPath('app/db').split('/').at(-1)!
    expect(paths.decryptName('app', name)).toBe('db')
    expect(() => paths.decryptName('other', name)).toThrow()
    expect(() =>
      new EncryptedKeyPaths(nodeCrypto, new Uint8Array(32), 'u/metadata/').decryptName('app', name),
    ).toThrow()
    expect(() => paths.decryptName('', 'not-hex')).toThrow('could not decode key')
  })
})
