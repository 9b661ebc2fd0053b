import { bytesToHex, hexToBytes } from '@noble/ciphers/utils.js'
import { describe, expect, it } from 'vitest'
import { getDefaultCrypto, nobleCrypto, setDefaultCrypto } from '../../src/crypto/index.js'
import { nodeCrypto } from '../../src/crypto/node.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'

const providers: CryptoProvider[] = [nobleCrypto, nodeCrypto]
const utf8 = (s: string) => new TextEncoder().encode(s)

/**
 * AES-GCM known answers. Source: D. McGrew, J. Viega, "The Galois/Counter Mode of Operation (GCM)",
 * revised 2005, Appendix B "AES Test Vectors" (the same vectors NIST republished for SP 800-38D):
 * test cases 3 and 4 (AES-128) and 13–16 (AES-256). Case 4 and 16 carry AAD and a partial last block.
 */
const GCM_P3 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255'
const GCM_P4 = GCM_P3.slice(0, 120) // 60 bytes
const GCM_A4 = 'feedfacedeadbeeffeedfacedeadbeefabaddad2'
const GCM_K128 = 'feffe9928665731c6d6a8f9467308308'
const GCM_IV = 'cafebabefacedbaddecaf888'

const gcmVectors = [
  {
    name: 'test case 3 (AES-128)',
    key: GCM_K128,
    iv: GCM_IV,
    pt: GCM_P3,
    aad: '',
    ct:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
      '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
    tag: '4d5c2af327cd64a62cf35abd2ba6fab4',
  },
  {
    name: 'test case 4 (AES-128, AAD)',
    key: GCM_K128,
    iv: GCM_IV,
    pt: GCM_P4,
    aad: GCM_A4,
    ct:
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
      '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    tag: '5bc94fbc3221a5db94fae95ae7121a47',
  },
  {
    name: 'test case 13 (AES-256, empty)',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    pt: '',
    aad: '',
    ct: '',
    tag: '530f8afbc74536b9a963b4f1c4cb738b',
  },
  {
    name: 'test case 14 (AES-256, one zero block)',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    pt: '00'.repeat(16),
    aad: '',
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: 'test case 15 (AES-256)',
    key: GCM_K128 + GCM_K128,
    iv: GCM_IV,
    pt: GCM_P3,
    aad: '',
    ct:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
      '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: 'test case 16 (AES-256, AAD)',
    key: GCM_K128 + GCM_K128,
    iv: GCM_IV,
    pt: GCM_P4,
    aad: GCM_A4,
    ct:
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
      '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
]

/** HMAC-SHA256 known answers. Source: RFC 4231 §4.2 (test case 1) and §4.3 (test case 2). */
const hmacVectors = [
  {
    name: 'RFC 4231 test case 1',
    key: '0b'.repeat(20),
    data: utf8('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    name: 'RFC 4231 test case 2',
    key: bytesToHex(utf8('Jefe')),
    data: utf8('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
]

/** SHA-256("abc"). Source: FIPS 180-2 Appendix B.1 (NIST CSRC example "SHA256.pdf"). */
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'

const SIZES = [0, 1, 15, 16, 17, 64, 1024, 65536]

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  out[bit >> 3]! ^= 1 << (bit & 7)
  return out
}

/** Bit positions to tamper with: every bit of small inputs, a spread sample of large ones. */
function bitsToFlip(length: number): number[] {
  const bits = length * 8
  if (bits <= 2048) return Array.from({ length: bits }, (_, i) => i)
  const picks = new Set([0, 7, bits - 1, bits - 8, bits - 128, bits - 129])
  for (let i = 0; i < 64; i++) picks.add(Math.floor(Math.random() * bits))
  return [...picks]
}

describe.each(providers)('$name provider', (p) => {
  describe('AES-GCM known answers (McGrew & Viega GCM spec, Appendix B)', () => {
    it.each(gcmVectors)('$name', (v) => {
      const key = hexToBytes(v.key)
      const iv = hexToBytes(v.iv)
      const pt = hexToBytes(v.pt)
      const aad = v.aad === '' ? undefined : hexToBytes(v.aad)
      const sealed = p.aesGcmEncrypt(key, iv, pt, aad)
      expect(bytesToHex(sealed)).toBe(v.ct + v.tag)
      expect(sealed.constructor).toBe(Uint8Array)
      const opened = p.aesGcmDecrypt(key, iv, sealed, aad)
      expect(bytesToHex(opened)).toBe(v.pt)
      expect(opened.constructor).toBe(Uint8Array)
      // An empty AAD is the same as no AAD in GCM.
      if (aad === undefined)
        expect(bytesToHex(p.aesGcmEncrypt(key, iv, pt, new Uint8Array()))).toBe(v.ct + v.tag)
    })
  })

  describe('HMAC-SHA256 known answers (RFC 4231)', () => {
    it.each(hmacVectors)('$name', (v) => {
      const mac = p.hmacSha256(hexToBytes(v.key), v.data)
      expect(bytesToHex(mac)).toBe(v.mac)
      expect(mac.constructor).toBe(Uint8Array)
    })
  })

  it('SHA-256("abc") (FIPS 180-2 B.1)', () => {
    const digest = p.sha256(utf8('abc'))
    expect(bytesToHex(digest)).toBe(SHA256_ABC)
    expect(digest.constructor).toBe(Uint8Array)
  })

  describe('tampering', () => {
    const key = p.randomBytes(32)
    const nonce = p.randomBytes(12)
    const aad = utf8('core/keyring')
    it.each([0, 1, 17, 64, 1024])('any flipped bit of sealed output, nonce or AAD throws (%i bytes)', (n) => {
      const pt = p.randomBytes(n)
      const sealed = p.aesGcmEncrypt(key, nonce, pt, aad)
      expect(p.aesGcmDecrypt(key, nonce, sealed, aad)).toEqual(pt)
      for (const bit of bitsToFlip(sealed.length)) {
        expect(() => p.aesGcmDecrypt(key, nonce, flipBit(sealed, bit), aad)).toThrow(
          'aes-gcm: authentication failed',
        )
      }
      for (const bit of bitsToFlip(nonce.length)) {
        expect(() => p.aesGcmDecrypt(key, flipBit(nonce, bit), sealed, aad)).toThrow(Error)
      }
      for (const bit of bitsToFlip(aad.length)) {
        expect(() => p.aesGcmDecrypt(key, nonce, sealed, flipBit(aad, bit))).toThrow(Error)
      }
      // Dropping, adding or truncating AAD / bytes also fails.
      expect(() => p.aesGcmDecrypt(key, nonce, sealed)).toThrow(Error)
      expect(() => p.aesGcmDecrypt(key, nonce, sealed, new Uint8Array([...aad, 0]))).toThrow(Error)
      expect(() => p.aesGcmDecrypt(key, nonce, sealed.subarray(1), aad)).toThrow(Error)
    })

    it('a wrong key throws, for every key size', () => {
      for (const size of [16, 24, 32]) {
        const k = p.randomBytes(size)
        const sealed = p.aesGcmEncrypt(k, nonce, utf8('secret'), aad)
        expect(() => p.aesGcmDecrypt(flipBit(k, 0), nonce, sealed, aad)).toThrow(
          'aes-gcm: authentication failed',
        )
        expect(() => p.aesGcmDecrypt(p.randomBytes(size), nonce, sealed, aad)).toThrow(Error)
      }
    })
  })

  describe('argument validation', () => {
    const key = new Uint8Array(32)
    const nonce = new Uint8Array(12)
    it('rejects bad key lengths with RangeError', () => {
      for (const n of [0, 15, 17, 20, 31, 33, 64]) {
        expect(() => p.aesGcmEncrypt(new Uint8Array(n), nonce, new Uint8Array())).toThrow(RangeError)
        expect(() => p.aesGcmDecrypt(new Uint8Array(n), nonce, new Uint8Array(16))).toThrow(RangeError)
      }
      expect(() => p.aesGcmEncrypt(new Uint8Array(31), nonce, new Uint8Array())).toThrow(
        '"key" expected Uint8Array of length 16, 24 or 32, got length=31',
      )
    })
    it('rejects nonces other than 12 bytes with RangeError', () => {
      for (const n of [0, 8, 11, 13, 16]) {
        expect(() => p.aesGcmEncrypt(key, new Uint8Array(n), new Uint8Array())).toThrow(RangeError)
      }
      expect(() => p.aesGcmEncrypt(key, new Uint8Array(8), new Uint8Array())).toThrow(
        '"nonce" expected Uint8Array of length 12, got length=8',
      )
    })
    it('rejects sealed input shorter than the tag with RangeError', () => {
      for (const n of [0, 1, 15]) {
        expect(() => p.aesGcmDecrypt(key, nonce, new Uint8Array(n))).toThrow(RangeError)
      }
      expect(() => p.aesGcmDecrypt(key, nonce, new Uint8Array(15))).toThrow(
        '"sealed" expected at least 16 bytes (the tag), got length=15',
      )
    })
    it('rejects non-bytes with TypeError', () => {
      const bad = 'abc' as unknown as Uint8Array
      expect(() => p.aesGcmEncrypt(bad, nonce, new Uint8Array())).toThrow(TypeError)
      expect(() => p.aesGcmEncrypt(key, bad, new Uint8Array())).toThrow(TypeError)
      expect(() => p.aesGcmEncrypt(key, nonce, bad)).toThrow(TypeError)
      expect(() => p.aesGcmEncrypt(key, nonce, new Uint8Array(), bad)).toThrow(TypeError)
      expect(() => p.hmacSha256(bad, new Uint8Array())).toThrow(TypeError)
      expect(() => p.sha256(bad)).toThrow(TypeError)
      expect(() => p.timingSafeEqual(bad, new Uint8Array())).toThrow(TypeError)
      expect(() => p.randomBytes(-1)).toThrow(RangeError)
      expect(() => p.randomBytes(1.5)).toThrow(RangeError)
    })
    it('accepts Buffers as input and still returns plain Uint8Arrays', () => {
      const sealed = p.aesGcmEncrypt(Buffer.alloc(32), Buffer.alloc(12), Buffer.from('hi'), Buffer.from('a'))
      expect(sealed.constructor).toBe(Uint8Array)
      const opened = p.aesGcmDecrypt(
        Buffer.alloc(32),
        Buffer.alloc(12),
        Buffer.from(sealed),
        Buffer.from('a'),
      )
      expect(opened.constructor).toBe(Uint8Array)
      expect(new TextDecoder().decode(opened)).toBe('hi')
    })
  })

  describe('timingSafeEqual', () => {
    it('is true exactly for equal byte strings', () => {
      expect(p.timingSafeEqual(new Uint8Array(), new Uint8Array())).toBe(true)
      expect(p.timingSafeEqual(utf8('abc'), utf8('abc'))).toBe(true)
      expect(p.timingSafeEqual(utf8('abc'), utf8('abd'))).toBe(false)
      expect(p.timingSafeEqual(utf8('abc'), utf8('bbc'))).toBe(false)
      const a = p.randomBytes(64)
      expect(p.timingSafeEqual(a, a.slice())).toBe(true)
      for (const bit of [0, 1, 255, 511]) expect(p.timingSafeEqual(a, flipBit(a, bit))).toBe(false)
    })
    it('is false (not a throw) for different lengths', () => {
      expect(p.timingSafeEqual(utf8('abc'), utf8('abcd'))).toBe(false)
      expect(p.timingSafeEqual(utf8('abcd'), utf8('abc'))).toBe(false)
      expect(p.timingSafeEqual(new Uint8Array(), new Uint8Array(1))).toBe(false)
      expect(p.timingSafeEqual(new Uint8Array(32), new Uint8Array(33))).toBe(false)
    })
  })

  describe('randomBytes', () => {
    it.each([0, 1, 12, 16, 32, 1000, 65536, 65537, 200_000])('returns %i bytes', (n) => {
      const r = p.randomBytes(n)
      expect(r.length).toBe(n)
      expect(r.constructor).toBe(Uint8Array)
      if (n >= 12) expect(r.some((b) => b !== 0)).toBe(true)
      // Every 64 KiB chunk is filled, not only the first.
      if (n > 65536) expect(r.subarray(65536).some((b) => b !== 0)).toBe(true)
    })
    it('differs between calls', () => {
      expect(bytesToHex(p.randomBytes(32))).not.toBe(bytesToHex(p.randomBytes(32)))
    })
  })
})

describe('cross-test: node and noble agree byte for byte', () => {
  it.each(SIZES)('plaintext and AAD of %i bytes', (n) => {
    for (const keySize of [16, 24, 32]) {
      const key = nodeCrypto.randomBytes(keySize)
      const nonce = nobleCrypto.randomBytes(12)
      const pt = nodeCrypto.randomBytes(n)
      const aad = nobleCrypto.randomBytes(n)
      for (const a of [aad, undefined]) {
        const byNode = nodeCrypto.aesGcmEncrypt(key, nonce, pt, a)
        const byNoble = nobleCrypto.aesGcmEncrypt(key, nonce, pt, a)
        expect(byNode.length).toBe(n + 16)
        expect(bytesToHex(byNode)).toBe(bytesToHex(byNoble))
        expect(nodeCrypto.aesGcmDecrypt(key, nonce, byNoble, a)).toEqual(pt)
        expect(nobleCrypto.aesGcmDecrypt(key, nonce, byNode, a)).toEqual(pt)
      }
    }
    const key = nodeCrypto.randomBytes(n)
    const msg = nodeCrypto.randomBytes(n)
    expect(bytesToHex(nodeCrypto.hmacSha256(key, msg))).toBe(bytesToHex(nobleCrypto.hmacSha256(key, msg)))
    expect(bytesToHex(nodeCrypto.sha256(msg))).toBe(bytesToHex(nobleCrypto.sha256(msg)))
  })
})

describe('default provider', () => {
  it('is noble until replaced, and can be replaced', () => {
    expect(getDefaultCrypto()).toBe(nobleCrypto)
    setDefaultCrypto(nodeCrypto)
    expect(getDefaultCrypto()).toBe(nodeCrypto)
    setDefaultCrypto(nobleCrypto)
    expect(getDefaultCrypto()).toBe(nobleCrypto)
  })
  it('rejects something that is not a provider', () => {
    expect(() => setDefaultCrypto({ name: 'x' } as unknown as CryptoProvider)).toThrow(TypeError)
    expect(getDefaultCrypto()).toBe(nobleCrypto)
  })
})
