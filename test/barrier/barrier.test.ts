import { describe, expect, it } from 'vitest'
import { aeadOpen, aeadSeal } from '../../src/barrier/aead.js'
import { Barrier, KEYRING_PATH, ROOT_KEY_PATH, SEAL_CONFIG_PATH } from '../../src/barrier/barrier.js'
import { formatRfc3339Nano, Keyring, parseRfc3339 } from '../../src/barrier/keyring.js'
import type { Clock } from '../../src/clock.js'
import { nobleCrypto } from '../../src/crypto/noble.js'
import { nodeCrypto } from '../../src/crypto/node.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import {
  BarrierError,
  InvalidKeyError,
  NotInitializedError,
  SealedError,
  VaultError,
} from '../../src/errors.js'
import type { StorageAdapter } from '../../src/storage/adapter.js'

/** A Map-based adapter following the StorageAdapter contract (one-level list, folders end in `/`). */
class MapStorage implements StorageAdapter {
  readonly type = 'inmem'
  readonly data = new Map<string, Uint8Array>()
  async get(key: string): Promise<Uint8Array | null> {
    const v = this.data.get(key)
    return v === undefined ? null : v.slice()
  }
  async put(key: string, value: Uint8Array): Promise<void> {
    this.data.set(key, value.slice())
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key)
  }
  async list(prefix: string): Promise<string[]> {
    const out = new Set<string>()
    for (const k of this.data.keys()) {
      if (!k.startsWith(prefix)) continue
      const rest = k.slice(prefix.length)
      const i = rest.indexOf('/')
      out.add(i === -1 ? rest : rest.slice(0, i + 1))
    }
    return [...out].sort()
  }
}

function manualClock(start = Date.UTC(2024, 0, 1, 0, 0, 0, 123)): Clock & { advance(ms: number): void } {
  let t = start
  return {
    now: () => t,
    setTimeout: () => ({ cancel() {} }),
    advance(ms) {
      t += ms
    },
  }
}

const enc = new TextEncoder()
const dec = new TextDecoder()
const bytes = (s: string) => enc.encode(s)

function readTerm(blob: Uint8Array): number {
  return new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(0)
}

async function expectCode(p: Promise<unknown>, cls: abstract new (...args: never[]) => Error, code: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(cls)
  expect((err as VaultError).code).toBe(code)
  return err as VaultError
}

describe.each([
  ['noble', nobleCrypto],
  ['node', nodeCrypto],
] as const)('Barrier with %s crypto', (_name, crypto) => {
  async function setup() {
    const storage = new MapStorage()
    const clock = manualClock()
    const barrier = new Barrier(storage, crypto, clock)
    const rootKey = crypto.randomBytes(32)
    await barrier.initialize(rootKey)
    await barrier.unseal(rootKey)
    return { storage, clock, barrier, rootKey }
  }

  /** Decrypts the stored keyring with the root key, as a reader of Vault's format would. */
  function readKeyring(storage: MapStorage, rootKey: Uint8Array) {
    const blob = storage.data.get(KEYRING_PATH)!
    expect(readTerm(blob)).toBe(1)
    const json = JSON.parse(dec.decode(aeadOpen(crypto, rootKey, KEYRING_PATH, blob.subarray(4))))
    return json as {
      MasterKey: string
      Keys: { Term: number; Version: number; Value: string; InstallTime: string; encryptions?: number }[]
    }
  }

  it('round-trips values and passes list and delete through', async () => {
    const { barrier, storage } = await setup()
    expect(barrier.sealed).toBe(false)
    await barrier.put('logical/a/one', bytes('hello'))
    await barrier.put('logical/a/two/x', new Uint8Array(0))
    expect(dec.decode((await barrier.get('logical/a/one'))!)).toBe('hello')
    expect(await barrier.get('logical/a/two/x')).toEqual(new Uint8Array(0))
    expect(await barrier.get('logical/missing')).toBeNull()
    expect(await barrier.list('logical/a/')).toEqual(['one', 'two/'])
    // the adapter never sees plaintext
    expect(dec.decode(storage.data.get('logical/a/one')!)).not.toContain('hello')
    await barrier.delete('logical/a/one')
    expect(await barrier.get('logical/a/one')).toBeNull()
    await barrier.delete('logical/a/one') // missing is fine
  })

  it('frames values exactly: term u32 BE ‖ 0x02 ‖ 12-byte nonce ‖ ct ‖ 16-byte tag', async () => {
    const { barrier, storage } = await setup()
    const value = bytes('some plaintext value')
    await barrier.put('core/thing', value)
    const raw = storage.data.get('core/thing')!
    expect(raw.length).toBe(17 + value.length + 16)
    expect([...raw.subarray(0, 4)]).toEqual([0, 0, 0, 1])
    expect(raw[4]).toBe(0x02)
    // the body opens with the aead framing and the path as AAD
    expect(() => aeadOpen(crypto, crypto.randomBytes(32), 'core/thing', raw.subarray(4))).toThrow(
      BarrierError,
    )
  })

  it('draws a fresh nonce per write', async () => {
    const { barrier, storage } = await setup()
    await barrier.put('k', bytes('same'))
    const first = storage.data.get('k')!
    await barrier.put('k', bytes('same'))
    const second = storage.data.get('k')!
    expect(first.subarray(5, 17)).not.toEqual(second.subarray(5, 17))
    expect(first).not.toEqual(second)
  })

  it('rejects every single-bit flip of a stored value, never returning plaintext', async () => {
    const { barrier, storage } = await setup()
    await barrier.put('flip', bytes('abcd'))
    const good = storage.data.get('flip')!
    expect(good.length).toBe(37)
    let failures = 0
    for (let i = 0; i < good.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = good.slice()
        bad[i]! ^= 1 << bit
        storage.data.set('flip', bad)
        await expect(barrier.get('flip')).rejects.toBeInstanceOf(BarrierError)
        failures++
      }
    }
    expect(failures).toBe(37 * 8)
    storage.data.set('flip', good)
    expect(dec.decode((await barrier.get('flip'))!)).toBe('abcd')
  })

  it('rejects a value moved to another key (path is the AAD)', async () => {
    const { barrier, storage } = await setup()
    await barrier.put('logical/x/secret', bytes('s3cret'))
    storage.data.set('logical/x/other', storage.data.get('logical/x/secret')!)
    const err = await expectCode(barrier.get('logical/x/other'), BarrierError, 'ERR_BARRIER')
    expect(err.statusCode).toBe(500)
    expect(err.errors).toEqual(['internal error'])
  })

  it('rejects truncated values, unknown versions and version 1 stripped of its AAD', async () => {
    const { barrier, storage } = await setup()
    await barrier.put('v', bytes('value'))
    const good = storage.data.get('v')!
    for (const len of [0, 3, 4, 5, 17, 32]) {
      storage.data.set('v', good.slice(0, len))
      await expect(barrier.get('v')).rejects.toThrow(/invalid cipher length/)
    }
    const v9 = good.slice()
    v9[4] = 9
    storage.data.set('v', v9)
    await expect(barrier.get('v')).rejects.toThrow(/version bytes mis-match/)
    const v1 = good.slice()
    v1[4] = 1
    storage.data.set('v', v1)
    await expect(barrier.get('v')).rejects.toBeInstanceOf(BarrierError)
  })

  it('reads version-1 values (no AAD), as Vault does', async () => {
    const { barrier, storage, rootKey } = await setup()
    const ring = readKeyring(storage, rootKey)
    const k1 = Keyring.deserialize(bytes(JSON.stringify(ring))).termKey(1)!.value
    const nonce = crypto.randomBytes(12)
    const body = crypto.aesGcmEncrypt(k1, nonce, bytes('legacy'))
    const blob = new Uint8Array(17 + body.length)
    blob.set([0, 0, 0, 1, 1])
    blob.set(nonce, 5)
    blob.set(body, 17)
    storage.data.set('old/value', blob)
    expect(dec.decode((await barrier.get('old/value'))!)).toBe('legacy')
  })

  it('rotates: old values read, new writes carry the new term, survives seal/unseal', async () => {
    const { barrier, storage, clock, rootKey } = await setup()
    await barrier.put('before', bytes('one'))
    clock.advance(60_000)
    const r = await barrier.rotate()
    expect(r).toEqual({ term: 2, installTime: Date.UTC(2024, 0, 1, 0, 1, 0, 123) })
    await barrier.put('after', bytes('two'))
    expect(readTerm(storage.data.get('before')!)).toBe(1)
    expect(readTerm(storage.data.get('after')!)).toBe(2)
    expect(dec.decode((await barrier.get('before'))!)).toBe('one')
    expect(barrier.keyStatus()).toEqual({
      term: 2,
      install_time: '2024-01-01T00:01:00.123Z',
      encryptions: 1,
    })
    expect((await barrier.rotate()).term).toBe(3)
    await barrier.seal()
    await barrier.unseal(rootKey)
    expect(barrier.keyStatus().term).toBe(3)
    expect(dec.decode((await barrier.get('before'))!)).toBe('one')
    expect(dec.decode((await barrier.get('after'))!)).toBe('two')
    expect(readKeyring(storage, rootKey).Keys.map((k) => k.Term)).toEqual([1, 2, 3])
  })

  it('serializes concurrent rotations and a seal racing a rotation', async () => {
    const { barrier, rootKey } = await setup()
    const terms = await Promise.all([barrier.rotate(), barrier.rotate(), barrier.put('p', bytes('v'))])
    expect([terms[0].term, terms[1].term]).toEqual([2, 3])
    const rotating = barrier.rotate()
    await barrier.put('q', bytes('w')) // still term 3: the new key is installed only once persisted
    const sealing = barrier.seal()
    await expectCode(rotating, SealedError, 'ERR_SEALED')
    await sealing
    await barrier.unseal(rootKey)
    expect(dec.decode((await barrier.get('p'))!)).toBe('v')
    expect(dec.decode((await barrier.get('q'))!)).toBe('w')
    expect(barrier.keyStatus().term).toBe(3)
  })

  it('a failed keyring write during rotate changes nothing', async () => {
    const { barrier, storage } = await setup()
    const put = storage.put.bind(storage)
    storage.put = async (key, value) => {
      if (key === KEYRING_PATH) throw new Error('disk full')
      return put(key, value)
    }
    await expectCode(barrier.rotate(), Error, 'ERR_STORAGE')
    expect(barrier.keyStatus().term).toBe(1)
    await barrier.put('x', bytes('y'))
    expect(readTerm(storage.data.get('x')!)).toBe(1)
  })

  it('rejects an unknown term', async () => {
    const { barrier, storage } = await setup()
    await barrier.put('t', bytes('v'))
    const blob = storage.data.get('t')!.slice()
    blob.set([0, 0, 0, 7])
    storage.data.set('t', blob)
    await expect(barrier.get('t')).rejects.toThrow(/no decryption key available for term 7/)
    await expect(barrier.get('t')).rejects.toBeInstanceOf(BarrierError)
  })

  it('sealed: get/put/delete/list/rotate/flush/keyStatus throw SealedError', async () => {
    const storage = new MapStorage()
    const barrier = new Barrier(storage, crypto, manualClock())
    expect(barrier.sealed).toBe(true)
    const rootKey = crypto.randomBytes(32)
    await barrier.initialize(rootKey)
    expect(barrier.sealed).toBe(true) // initialize does not unseal
    for (const b of [barrier, (await setup()).barrier]) {
      await b.seal()
      await b.seal() // idempotent
      await expectCode(b.get('a'), SealedError, 'ERR_SEALED')
      await expectCode(b.put('a', bytes('x')), SealedError, 'ERR_SEALED')
      await expectCode(b.delete('a'), SealedError, 'ERR_SEALED')
      await expectCode(b.list(''), SealedError, 'ERR_SEALED')
      await expectCode(b.rotate(), SealedError, 'ERR_SEALED')
      await expectCode(b.flush(), SealedError, 'ERR_SEALED')
      expect(() => b.keyStatus()).toThrow(SealedError)
    }
  })

  it('a get in flight when the barrier seals fails with SealedError', async () => {
    const { barrier, storage } = await setup()
    await barrier.put('a', bytes('x'))
    const pending = barrier.get('a')
    const sealing = barrier.seal()
    await expectCode(pending, SealedError, 'ERR_SEALED')
    await sealing
    expect(storage.data.has('a')).toBe(true)
  })

  it('a wrong root key throws InvalidKeyError and leaves the barrier sealed', async () => {
    const { barrier, rootKey } = await setup()
    await barrier.seal()
    const wrong = crypto.randomBytes(32)
    const err = await expectCode(barrier.unseal(wrong), InvalidKeyError, 'ERR_INVALID_KEY')
    expect(err.message).toMatch(/failed to decrypt keyring/)
    expect(err.message).not.toContain(Buffer.from(wrong).toString('hex'))
    expect(err.message).not.toContain(Buffer.from(wrong).toString('base64'))
    expect(barrier.sealed).toBe(true)
    await expectCode(barrier.get('a'), SealedError, 'ERR_SEALED')
    await expectCode(barrier.unseal(new Uint8Array(31)), InvalidKeyError, 'ERR_INVALID_KEY')
    await barrier.unseal(rootKey)
    expect(barrier.sealed).toBe(false)
    await barrier.unseal(rootKey) // already unsealed: no-op
  })

  it('unseal before initialize throws NotInitializedError; initialize twice throws', async () => {
    const barrier = new Barrier(new MapStorage(), crypto, manualClock())
    expect(await barrier.initialized()).toBe(false)
    await expectCode(barrier.unseal(crypto.randomBytes(32)), NotInitializedError, 'ERR_NOT_INITIALIZED')
    const rootKey = crypto.randomBytes(32)
    await barrier.initialize(rootKey)
    expect(await barrier.initialized()).toBe(true)
    const err = await expectCode(barrier.initialize(rootKey), VaultError, 'ERR_ALREADY_INITIALIZED')
    expect(err.statusCode).toBe(400)
    // concurrent initialize on one barrier: exactly one wins
    const other = new Barrier(new MapStorage(), crypto, manualClock())
    const results = await Promise.allSettled([other.initialize(rootKey), other.initialize(rootKey)])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
  })

  it('writes the keyring in Vault JSON shape under the root key, term 1, AAD core/keyring', async () => {
    const { storage, rootKey } = await setup()
    const raw = storage.data.get(KEYRING_PATH)!
    expect(raw[4]).toBe(2)
    expect(() => aeadOpen(crypto, rootKey, 'core/other', raw.subarray(4))).toThrow(BarrierError)
    const ring = readKeyring(storage, rootKey)
    expect(Object.keys(ring)).toEqual(['MasterKey', 'Keys'])
    expect(ring.MasterKey).toBe(Buffer.from(rootKey).toString('base64'))
    expect(ring.Keys).toHaveLength(1)
    const [k] = ring.Keys
    expect(k).toEqual({
      Term: 1,
      Version: 1,
      Value: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      InstallTime: '2024-01-01T00:00:00.123Z',
    })
  })

  it('counts encryptions per put; counters survive seal/unseal and are written by flush', async () => {
    const { barrier, storage, rootKey } = await setup()
    expect(barrier.keyStatus()).toEqual({
      term: 1,
      install_time: '2024-01-01T00:00:00.123Z',
      encryptions: 0,
    })
    for (let i = 0; i < 5; i++) await barrier.put(`c/${i}`, bytes('v'))
    expect(barrier.keyStatus().encryptions).toBe(5)
    await barrier.flush()
    expect(readKeyring(storage, rootKey).Keys[0]!.encryptions).toBe(5)
    await barrier.put('c/5', bytes('v'))
    await barrier.seal()
    await barrier.unseal(rootKey)
    expect(barrier.keyStatus().encryptions).toBe(6)
    await barrier.rotate()
    await barrier.put('c/6', bytes('v'))
    expect(barrier.keyStatus()).toMatchObject({ term: 2, encryptions: 1 })
    await barrier.seal()
    await barrier.unseal(rootKey)
    expect(barrier.keyStatus()).toMatchObject({ term: 2, encryptions: 1 })
    expect(readKeyring(storage, rootKey).Keys.map((k) => k.encryptions)).toEqual([6, 1])
  })

  it('seal succeeds even when persisting the counters fails', async () => {
    const { barrier, storage } = await setup()
    await barrier.put('a', bytes('x'))
    storage.put = async () => {
      throw new Error('read-only')
    }
    await barrier.seal()
    expect(barrier.sealed).toBe(true)
  })

  it('refuses to put or delete reserved paths, which would brick the vault', async () => {
    const { barrier, storage, rootKey } = await setup()
    const before = storage.data.get(KEYRING_PATH)
    for (const path of [KEYRING_PATH, ROOT_KEY_PATH, SEAL_CONFIG_PATH]) {
      await expectCode(barrier.put(path, bytes('{}')), BarrierError, 'ERR_BARRIER')
      await expectCode(barrier.delete(path), BarrierError, 'ERR_BARRIER')
    }
    expect(storage.data.get(KEYRING_PATH)).toEqual(before)
    await barrier.seal()
    await barrier.unseal(rootKey)
    expect(barrier.sealed).toBe(false)
  })

  it('seal zero-fills every key the barrier used, but not the caller’s root key', async () => {
    const used = new Set<Uint8Array>()
    const recording: CryptoProvider = {
      ...crypto,
      aesGcmEncrypt(key, nonce, pt, aad) {
        used.add(key)
        return crypto.aesGcmEncrypt(key, nonce, pt, aad)
      },
      aesGcmDecrypt(key, nonce, ct, aad) {
        used.add(key)
        return crypto.aesGcmDecrypt(key, nonce, ct, aad)
      },
    }
    const barrier = new Barrier(new MapStorage(), recording, manualClock())
    const rootKey = crypto.randomBytes(32)
    const rootCopy = rootKey.slice()
    await barrier.initialize(rootKey)
    await barrier.unseal(rootKey)
    await barrier.put('a', bytes('1'))
    await barrier.rotate()
    await barrier.put('b', bytes('2'))
    await barrier.get('a')
    await barrier.seal()
    const internal = [...used].filter((k) => k !== rootKey)
    // the initialize-time keyring copy, the unsealed keyring's root key, term 1 and term 2 data keys
    expect(internal.length).toBeGreaterThanOrEqual(4)
    for (const k of internal) expect(k.every((b) => b === 0)).toBe(true)
    expect(rootKey).toEqual(rootCopy)
  })
})

describe('Keyring', () => {
  const key = (fill: number) => new Uint8Array(32).fill(fill)

  it('tracks terms; the highest is active; copies values; refuses conflicting terms', () => {
    const ring = new Keyring(key(9))
    expect(ring.activeTerm).toBe(0)
    expect(() => ring.activeKey()).toThrow()
    const v1 = key(1)
    ring.addKey({ term: 1, value: v1, installTime: 1000 })
    ring.addKey({ term: 3, value: key(3), installTime: 3000 })
    ring.addKey({ term: 2, value: key(2), installTime: 2000 })
    expect(ring.activeKey().term).toBe(3)
    expect(ring.termKey(2)?.value).toEqual(key(2))
    expect(ring.termKey(4)).toBeUndefined()
    expect(ring.termKey(1)!.value).not.toBe(v1)
    expect(ring.termKey(1)).toEqual({ term: 1, version: 1, value: key(1), installTime: 1000, encryptions: 0 })
    expect(() => ring.addKey({ term: 1, value: key(7), installTime: 0 })).toThrow(
      /conflicting key for term 1/,
    )
    expect(() => ring.addKey({ term: 0, value: key(7), installTime: 0 })).toThrow(RangeError)
    expect(() => ring.addKey({ term: 2 ** 32, value: key(7), installTime: 0 })).toThrow(RangeError)
    expect(() => ring.addKey({ term: 5, value: new Uint8Array(31), installTime: 0 })).toThrow(TypeError)
  })

  it('wipe() zero-fills the root key and every key value', () => {
    const ring = new Keyring(key(9))
    ring.addKey({ term: 1, value: key(1), installTime: 0 })
    ring.addKey({ term: 2, value: key(2), installTime: 0 })
    const held = [ring.rootKey, ring.termKey(1)!.value, ring.termKey(2)!.value]
    ring.wipe()
    for (const a of held) expect(a.every((b) => b === 0)).toBe(true)
    expect(ring.size).toBe(0)
    expect(ring.termKey(1)).toBeUndefined()
  })

  it('serializes in Vault shape and round-trips', () => {
    const ring = new Keyring(key(9))
    ring.addKey({ term: 2, value: key(2), installTime: Date.UTC(2024, 4, 1, 12, 0, 0, 5), encryptions: 42 })
    ring.addKey({ term: 1, value: key(1), installTime: Date.UTC(2024, 0, 1) })
    const json = JSON.parse(dec.decode(ring.serialize()))
    expect(json).toEqual({
      MasterKey: Buffer.from(key(9)).toString('base64'),
      Keys: [
        {
          Term: 1,
          Version: 1,
          Value: Buffer.from(key(1)).toString('base64'),
          InstallTime: '2024-01-01T00:00:00Z',
        },
        {
          Term: 2,
          Version: 1,
          Value: Buffer.from(key(2)).toString('base64'),
          InstallTime: '2024-05-01T12:00:00.005Z',
          encryptions: 42,
        },
      ],
    })
    const back = Keyring.deserialize(ring.serialize())
    expect(back.keys()).toEqual(ring.keys())
    expect(back.rootKey).toEqual(ring.rootKey)
  })

  it('reads a keyring as Vault writes it (Go times with offsets, RotationConfig)', () => {
    const vaultJson = {
      MasterKey: Buffer.from(key(9)).toString('base64'),
      Keys: [
        {
          Term: 1,
          Version: 1,
          Value: Buffer.from(key(1)).toString('base64'),
          InstallTime: '2023-06-01T14:03:02.123456789+02:00',
          encryptions: 17,
        },
      ],
      RotationConfig: { Disabled: false, MaxOperations: 3865470566, Interval: 0 },
    }
    const ring = Keyring.deserialize(bytes(JSON.stringify(vaultJson)))
    expect(ring.activeKey()).toEqual({
      term: 1,
      version: 1,
      value: key(1),
      installTime: Date.UTC(2023, 5, 1, 12, 3, 2, 123),
      encryptions: 17,
    })
    for (const bad of [
      '{}',
      '[]',
      '{"MasterKey":',
      '{"MasterKey":"AAAA","Keys":[]}',
      JSON.stringify({ ...vaultJson, MasterKey: 'not base64!' }),
      JSON.stringify({ ...vaultJson, Keys: [{ ...vaultJson.Keys[0], Value: 'AAAA' }] }),
      JSON.stringify({ ...vaultJson, Keys: [{ ...vaultJson.Keys[0], InstallTime: 'yesterday' }] }),
    ]) {
      expect(() => Keyring.deserialize(bytes(bad))).toThrow()
    }
  })

  it('formats and parses RFC 3339 like Go', () => {
    expect(formatRfc3339Nano(Date.UTC(2024, 0, 1, 0, 0, 0, 123))).toBe('2024-01-01T00:00:00.123Z')
    expect(parseRfc3339('2024-01-01T00:00:00.123000000Z')).toBe(Date.UTC(2024, 0, 1, 0, 0, 0, 123))
    expect(parseRfc3339('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1))
    expect(parseRfc3339('2024-01-01T00:00:00.5-01:30')).toBe(Date.UTC(2024, 0, 1, 1, 30, 0, 500))
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(-62135596800000) // Go's zero time
    expect(() => parseRfc3339('2024-01-01 00:00:00')).toThrow()
  })
})

describe('aeadSeal / aeadOpen', () => {
  it.each([
    ['noble', nobleCrypto],
    ['node', nodeCrypto],
  ] as const)('%s: 0x02 ‖ nonce ‖ ct‖tag bound to the path', (_n, crypto) => {
    const key = crypto.randomBytes(32)
    const blob = aeadSeal(crypto, key, ROOT_KEY_PATH, bytes('root key'))
    expect(blob.length).toBe(1 + 12 + 8 + 16)
    expect(blob[0]).toBe(2)
    expect(dec.decode(aeadOpen(crypto, key, ROOT_KEY_PATH, blob))).toBe('root key')
    expect(() => aeadOpen(crypto, key, 'core/elsewhere', blob)).toThrow(BarrierError)
    expect(() => aeadOpen(crypto, crypto.randomBytes(32), ROOT_KEY_PATH, blob)).toThrow(BarrierError)
    expect(() => aeadOpen(crypto, key, ROOT_KEY_PATH, blob.subarray(0, 28))).toThrow(/invalid cipher length/)
    // cross-provider: sealed by one, opened by the other
    const other = crypto === nodeCrypto ? nobleCrypto : nodeCrypto
    expect(dec.decode(aeadOpen(other, key, ROOT_KEY_PATH, blob))).toBe('root key')
  })

  it('a long path (beyond the AAD scratch buffer) still binds', () => {
    const key = nodeCrypto.randomBytes(32)
    const path = `logical/${'é'.repeat(600)}`
    const blob = aeadSeal(nodeCrypto, key, path, bytes('x'))
    expect(dec.decode(aeadOpen(nobleCrypto, key, path, blob))).toBe('x')
    expect(() => aeadOpen(nobleCrypto, key, `${path}x`, blob)).toThrow(BarrierError)
  })
})
