// The userpass password hasher: scrypt (RFC 7914, @noble/hashes) with its parameters stored in a PHC
// string; constant-time comparison through the crypto provider; a dummy hash for unknown users.
import { scrypt } from '@noble/hashes/scrypt.js'
import { describe, expect, it, vi } from 'vitest'
import { nobleCrypto } from '../../../src/crypto/noble.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { DEFAULT_SCRYPT_PARAMS, type ScryptKdf, scryptHasher } from '../../../src/index.node.js'
import { fromBase64 } from '../../../src/util/encoding.js'

const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

describe('scryptHasher', () => {
  it('defaults to N=2^15, r=8, p=1; the PHC string carries parameters, a 16-byte salt and a 32-byte hash', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ logN: 15, r: 8, p: 1 })
    const hasher = scryptHasher({ crypto: nodeCrypto })
    const encoded = await hasher.hash('correct horse battery staple')
    const m = PHC.exec(encoded)
    expect(m?.slice(1, 4)).toEqual(['15', '8', '1'])
    const salt = fromBase64(m?.[4] ?? '') as Uint8Array
    const hash = fromBase64(m?.[5] ?? '') as Uint8Array
    expect([salt.length, hash.length]).toEqual([16, 32])
    // Known answer: the same derivation with noble's synchronous scrypt.
    expect(hash).toEqual(scrypt('correct horse battery staple', salt, { N: 2 ** 15, r: 8, p: 1, dkLen: 32 }))
    expect(await hasher.verify('correct horse battery staple', encoded)).toBe(true)
    expect(await hasher.verify('wrong', encoded)).toBe(false)
  })

  it('fresh salt per hash; verify reads the stored parameters, so defaults can change', async () => {
    const old = scryptHasher({ crypto: nobleCrypto, logN: 10 })
    const a = await old.hash('pw')
    const b = await old.hash('pw')
    expect(a).not.toBe(b)
    const calls: number[] = []
    const kdf: ScryptKdf = async (pw, salt, params) => {
      calls.push(params.N)
      return scrypt(pw, salt, params)
    }
    const newer = scryptHasher({ crypto: nobleCrypto, logN: 11, kdf })
    expect(await newer.verify('pw', a)).toBe(true)
    expect(calls).toEqual([1024])
    expect(PHC.exec(await newer.hash('pw'))?.[1]).toBe('11')
  })

  it('compares through the crypto provider’s constant-time equality', async () => {
    const crypto = { ...nodeCrypto, timingSafeEqual: vi.fn(nodeCrypto.timingSafeEqual) }
    const hasher = scryptHasher({ crypto, logN: 8 })
    const encoded = await hasher.hash('pw')
    await hasher.verify('pw', encoded)
    await hasher.verify('nope', encoded)
    await hasher.verify('nope', hasher.dummy)
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(3)
  })

  it('the dummy and malformed hashes never match, after the same KDF work', async () => {
    const calls: string[] = []
    const kdf: ScryptKdf = async (pw, salt, params) => {
      calls.push(`${params.N}/${params.r}/${params.p}/${params.dkLen}/${salt.length}`)
      return scrypt(pw, salt, params)
    }
    const hasher = scryptHasher({ crypto: nodeCrypto, logN: 8, kdf })
    expect(hasher.dummy).toMatch(PHC)
    const real = await hasher.hash('pw')
    calls.length = 0
    for (const encoded of [
      real,
      hasher.dummy,
      'garbage',
      '$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA',
      '',
    ]) {
      await hasher.verify('pw', encoded)
    }
    expect(new Set(calls)).toEqual(new Set(['256/8/1/32/16']))
    expect(calls).toHaveLength(5)
    // A zero hash: even an empty password does not match it.
    expect(await hasher.verify('', hasher.dummy)).toBe(false)
  })

  it('refuses parameters outside sane bounds', () => {
    expect(() => scryptHasher({ crypto: nodeCrypto, logN: 25 })).toThrow(TypeError)
    expect(() => scryptHasher({ crypto: nodeCrypto, r: 0 })).toThrow('scrypt r must be an integer in [1, 32]')
  })
})
