// random, hash, cache-config, config/keys, and the Go-compatible base64 the error messages rely on.
import * as nc from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeRawUrl, decodeStd, encodeRawUrl } from '../../../src/engines/transit/go-base64.js'
import { b64, errorOf, transitVault } from './helpers.js'

describe('random', () => {
  it('returns bytes in base64 or hex, from the body or the URL', async () => {
    const t = await transitVault()
    expect(Buffer.from((await t.data('POST', 'random')).random_bytes as string, 'base64').length).toBe(32)
    expect((await t.data('POST', 'random', { bytes: 10, format: 'hex' })).random_bytes).toMatch(
      /^[0-9a-f]{20}$/,
    )
    expect(Buffer.from((await t.data('POST', 'random/48')).random_bytes as string, 'base64').length).toBe(48)
    expect(Buffer.from((await t.data('POST', 'random/all/16')).random_bytes as string, 'base64').length).toBe(
      16,
    )
    const seal = await t.call('POST', 'random/seal', { bytes: 4 })
    expect(seal.body!.warnings).toEqual([
      'no seal/entropy augmentation available, using platform entropy source',
    ])
    expect((await t.client.random(7)).length).toBe(7)
  })

  it.each([
    ['random', { bytes: 0 }, "'bytes' cannot be less than 1"],
    ['random', { bytes: 131073 }, "'bytes' should be less than 131072"],
    ['random', { format: 'b32' }, 'unsupported encoding format "b32"; must be "hex" or "base64"'],
    ['random/x1', {}, 'error parsing url-set byte count: strconv.Atoi: parsing "x1": invalid syntax'],
    [
      'random/platform/abc',
      {},
      'error parsing url-set byte count: strconv.Atoi: parsing "abc": invalid syntax',
    ],
    ['random/moon/8', {}, 'unsupported entropy source "moon"; must be "platform" or "seal", or "all"'],
  ])('%s %j → 400 %s', async (path, body, message) => {
    const t = await transitVault()
    const res = await t.call('POST', path, body)
    expect(res.status).toBe(400)
    expect(errorOf(res)).toBe(message)
  })
})

describe('hash', () => {
  it.each(['sha2-224', 'sha2-256', 'sha2-384', 'sha2-512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512'])(
    '%s matches node:crypto, from the URL or the body, in hex and base64',
    async (algorithm) => {
      const t = await transitVault()
      const node = nc
        .createHash(algorithm.replace('sha2-', 'sha').replace('sha3-', 'sha3-'))
        .update('abc')
        .digest()
      expect((await t.data('POST', `hash/${algorithm}`, { input: b64('abc') })).sum).toBe(
        node.toString('hex'),
      )
      expect((await t.data('POST', 'hash', { input: b64('abc'), algorithm, format: 'base64' })).sum).toBe(
        node.toString('base64'),
      )
    },
  )

  it('errors as Vault', async () => {
    const t = await transitVault()
    const cases: [string, Record<string, unknown>, string][] = [
      ['hash', {}, 'input missing'],
      ['hash', { input: '!' }, 'unable to decode input as base64: illegal base64 data at input byte 0'],
      [
        'hash',
        { input: b64('a'), format: 'b32' },
        'unsupported encoding format b32; must be "hex" or "base64"',
      ],
      ['hash/md5', { input: b64('a') }, 'unsupported algorithm md5'],
    ]
    for (const [path, body, message] of cases) {
      const res = await t.call('POST', path, body)
      expect(res.status).toBe(400)
      expect(errorOf(res)).toBe(message)
    }
  })
})

describe('cache-config and config/keys', () => {
  it('stores the cache size; 1–9 refused', async () => {
    const t = await transitVault()
    expect(await t.data('GET', 'cache-config')).toEqual({ size: 0 })
    expect(await t.data('POST', 'cache-config', { size: 20 })).toEqual({ size: 20 })
    expect(await t.data('GET', 'cache-config')).toEqual({ size: 20 })
    const bad = await t.call('POST', 'cache-config', { size: 5 })
    expect(bad.status).toBe(400)
    expect(errorOf(bad)).toBe('size must be 0 or a value greater or equal to 10')
    // A bounded cache still serves every key (evicted ones reload from storage).
    for (let i = 0; i < 25; i++) await t.data('POST', `keys/k${i}`)
    for (let i = 0; i < 25; i++) expect((await t.data('GET', `keys/k${i}`)).name).toBe(`k${i}`)
  })

  it('config/keys toggles disable_upsert', async () => {
    const t = await transitVault()
    expect(await t.data('GET', 'config/keys')).toEqual({ disable_upsert: false })
    expect(await t.data('POST', 'config/keys', { disable_upsert: true })).toEqual({ disable_upsert: true })
  })
})

describe('Go base64 semantics', () => {
  it.each([
    ['', ''],
    ['YQ==', 'a'],
    ['YWI=', 'ab'],
    ['YWJj', 'abc'],
    ['YW\nJj', 'abc'],
    ['YWJj\r\n', 'abc'],
  ])('decodes %j', (input, out) => {
    expect(Buffer.from(decodeStd(input)).toString()).toBe(out)
  })

  it.each([
    ['abc', 0],
    ['YWJjZA', 4],
    ['YWJjZ', 4],
    ['Y!==', 1],
    ['YQ=', 3],
    ['YQ==YQ==', 4],
    ['=QQQ', 0],
    ['YQ=a', 2],
    ['é', 0],
  ])('%j fails at byte %i as Go reports it', (input, offset) => {
    expect(() => decodeStd(input)).toThrow(`illegal base64 data at input byte ${offset}`)
  })

  it('raw URL encoding: no padding, URL alphabet', () => {
    expect(encodeRawUrl(Uint8Array.of(0xfb, 0xff))).toBe('-_8')
    expect(Buffer.from(decodeRawUrl('-_8'))).toEqual(Buffer.from([0xfb, 0xff]))
    expect(() => decodeRawUrl('-_8=')).toThrow('illegal base64 data at input byte 3')
    for (let n = 0; n < 40; n++) {
      const bytes = nc.randomBytes(n)
      expect(encodeRawUrl(bytes)).toBe(bytes.toString('base64url'))
      expect(Buffer.from(decodeRawUrl(bytes.toString('base64url')))).toEqual(bytes)
      expect(Buffer.from(decodeStd(bytes.toString('base64')))).toEqual(bytes)
    }
  })
})
