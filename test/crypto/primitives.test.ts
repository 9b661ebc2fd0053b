// The provider primitives added for transit: known answers from published vectors (sources next to
// each), and cross-tests that `nodeCrypto` and `nobleCrypto` agree byte for byte (or, for randomized
// schemes, verify each other), plus independent references (OpenSSL's own RSA signer and wrap-pad
// cipher, noble's aeskwp).
import * as nc from 'node:crypto'
import { aeskwp } from '@noble/ciphers/aes.js'
import { bytesToHex, hexToBytes } from '@noble/ciphers/utils.js'
import { describe, expect, it } from 'vitest'
import { HASH_NAMES } from '../../src/crypto/hashes.js'
import { nobleCrypto } from '../../src/crypto/noble.js'
import { nodeCrypto } from '../../src/crypto/node.js'
import type { CryptoProvider, EcdsaCurve, HashName } from '../../src/crypto/provider.js'
import {
  digestInfoPrefix,
  emsaPssEncode,
  emsaPssVerify,
  rsaPublicFromPkcs8,
  rsaSpki,
} from '../../src/crypto/rsa.js'

const providers: CryptoProvider[] = [nobleCrypto, nodeCrypto]
const utf8 = (s: string) => new TextEncoder().encode(s)
const hex = (b: Uint8Array) => bytesToHex(b)

const SUNSCREEN = utf8(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
)
const KEY_80_9F = hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f')
const AAD_5051 = hexToBytes('50515253c0c1c2c3c4c5c6c7')

/** Source: RFC 8439 §2.8.2 (AEAD_CHACHA20_POLY1305 test vector). */
const CHACHA_CT =
  'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b' +
  '1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc' +
  '3ff4def08e4b7a9de576d26586cec64b6116'
const CHACHA_TAG = '1ae10b594f09e26a7e902ecbd0600691'

/** Source: draft-irtf-cfrg-xchacha-03 Appendix A.3.1 (AEAD_XCHACHA20_POLY1305 test vector). */
const XCHACHA_NONCE = '404142434445464748494a4b4c4d4e4f5051525354555657'
const XCHACHA_CT =
  'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39' +
  'ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9' +
  '21f9664c97637da9768812f615c68b13b52e'
const XCHACHA_TAG = 'c0875924c1c7987947deafd8780acf49'

/**
 * HKDF-SHA256. Source: RFC 5869 Appendix A.1 (test case 1) and A.3 (test case 3: empty salt and info).
 */
const hkdfVectors = [
  {
    name: 'RFC 5869 A.1',
    ikm: '0b'.repeat(22),
    salt: '000102030405060708090a0b0c',
    info: 'f0f1f2f3f4f5f6f7f8f9',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'RFC 5869 A.3',
    ikm: '0b'.repeat(22),
    salt: '',
    info: '',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
]

/**
 * AES key wrap with padding. Sources: RFC 5649 §6 (192-bit KEK, 20- and 7-octet keys) and NIST ACVP
 * KWP vectors as republished in RustCrypto `aes-kw` tests (128- and 192-bit KEKs, 3-octet keys).
 */
const kwpVectors = [
  {
    name: 'RFC 5649 §6, 20 octets',
    kek: '5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8',
    key: 'c37b7e6492584340bed12207808941155068f738',
    wrapped: '138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a',
  },
  {
    name: 'RFC 5649 §6, 7 octets',
    kek: '5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8',
    key: '466f7250617369',
    wrapped: 'afbeb0f07dfbf5419200f2ccb50bb24f',
  },
  {
    name: 'NIST ACVP KWP, AES-128',
    kek: 'af83ae6624fc006da13b3c37b8a5933b',
    key: '13126a',
    wrapped: 'a661f530339c9f344fa4755ad4cc3558',
  },
  {
    name: 'NIST ACVP KWP, AES-192',
    kek: 'ba0cfc260103ddd629fa8826982f5547d245f5ab0711f10f',
    key: 'c01990',
    wrapped: '91e3b5e73a25ec91e91d337d0485b960',
  },
]

/** Ed25519. Source: RFC 8032 §7.1, TEST 1, 2 and 3. */
const ed25519Vectors = [
  {
    name: 'RFC 8032 TEST 1',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b' +
      'd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'RFC 8032 TEST 2',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c' +
      '387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'RFC 8032 TEST 3',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pub: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    msg: 'af82',
    sig:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659' +
      '4a7c15e9716ed28dc027beceea1ec40a',
  },
]

/**
 * Deterministic ECDSA. Source: RFC 6979 Appendix A.2.5 (P-256/SHA-256), A.2.6 (P-384/SHA-384) and
 * A.2.7 (P-521/SHA-512), message "sample".
 */
const ecdsaVectors: {
  curve: EcdsaCurve
  hash: HashName
  d: string
  ux: string
  r: string
  s: string
}[] = [
  {
    curve: 'p256',
    hash: 'sha2-256',
    d: 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721',
    ux: '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6',
    r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
    s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
  },
  {
    curve: 'p384',
    hash: 'sha2-384',
    d: '6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5',
    ux: 'ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13',
    r: '94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46',
    s: '99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8',
  },
  {
    curve: 'p521',
    hash: 'sha2-512',
    d:
      '00fad06daa62ba3b25d2fb40133da757205de67f5bb0018fee8c86e1b68c7e75caa896eb32f1f47c70855836a6d16fcc' +
      '1466f6d8fbec67db89ec0c08b0e996b83538',
    ux:
      '01894550d0785932e00eaa23b694f213f8c3121f86dc97a04e5a7167db4e5bcd371123d46e45db6b5d5370a7f20fb633' +
      '155d38ffa16d2bd761dcac474b9a2f5023a4',
    r:
      '00c328fafcbd79dd77850370c46325d987cb525569fb63c5d3bc53950e6d4c5f174e25a1ee9017b5d450606add152b53' +
      '4931d7d4e8455cc91f9b15bf05ec36e377fa',
    s:
      '00617cce7cf5064806c467f678d3b4080d6f1cc50af26ca209417308281b68af282623eaa63e5b5c0723d8b8c37ff077' +
      '7b1a20f8ccb1dccc43997f1ee0e44da4a67a',
  },
]

/** SHA-2/SHA-3/SHA-1 of "abc". Source: NIST CSRC "Examples with Intermediate Values" (FIPS 180-4, FIPS 202). */
const ABC_DIGESTS: Record<HashName, string> = {
  sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
  'sha2-224': '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7',
  'sha2-256': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  'sha2-384':
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
  'sha2-512':
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd' +
    '454d4423643ce80e2a9ac94fa54ca49f',
  'sha3-224': 'e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf',
  'sha3-256': '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532',
  'sha3-384':
    'ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25',
  'sha3-512':
    'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057' +
    '340b4cf408d5a56592f8274eec53f0',
}

describe.each(providers)('$name provider: transit primitives', (p) => {
  it.each(HASH_NAMES)('digest %s("abc") matches NIST', (h) => {
    expect(hex(p.digest(h, utf8('abc')))).toBe(ABC_DIGESTS[h])
  })

  it('HMAC-SHA256 through hmac() equals hmacSha256 (RFC 4231 case 2)', () => {
    const mac = p.hmac('sha2-256', utf8('Jefe'), utf8('what do ya want for nothing?'))
    expect(hex(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
  })

  it.each(hkdfVectors)('HKDF-SHA256 $name', (v) => {
    const okm = p.hkdfSha256(hexToBytes(v.ikm), hexToBytes(v.salt), hexToBytes(v.info), 42)
    expect(hex(okm)).toBe(v.okm)
    expect(okm.constructor).toBe(Uint8Array)
  })

  it('ChaCha20-Poly1305 RFC 8439 §2.8.2', () => {
    const nonce = hexToBytes('070000004041424344454647')
    const sealed = p.chacha20Poly1305Encrypt(KEY_80_9F, nonce, SUNSCREEN, AAD_5051)
    expect(hex(sealed)).toBe(CHACHA_CT + CHACHA_TAG)
    expect(p.chacha20Poly1305Decrypt(KEY_80_9F, nonce, sealed, AAD_5051)).toEqual(SUNSCREEN)
    const bad = sealed.slice()
    bad[3]! ^= 1
    expect(() => p.chacha20Poly1305Decrypt(KEY_80_9F, nonce, bad, AAD_5051)).toThrow(
      'chacha20-poly1305: authentication failed',
    )
    expect(() => p.chacha20Poly1305Decrypt(KEY_80_9F, nonce, sealed)).toThrow('authentication failed')
  })

  it('XChaCha20-Poly1305 draft-irtf-cfrg-xchacha-03 §A.3.1', () => {
    const nonce = hexToBytes(XCHACHA_NONCE)
    const sealed = p.xchacha20Poly1305Encrypt(KEY_80_9F, nonce, SUNSCREEN, AAD_5051)
    expect(hex(sealed)).toBe(XCHACHA_CT + XCHACHA_TAG)
    expect(p.xchacha20Poly1305Decrypt(KEY_80_9F, nonce, sealed, AAD_5051)).toEqual(SUNSCREEN)
    const bad = sealed.slice()
    bad[sealed.length - 1]! ^= 0x80
    expect(() => p.xchacha20Poly1305Decrypt(KEY_80_9F, nonce, bad, AAD_5051)).toThrow(
      'chacha20-poly1305: authentication failed',
    )
  })

  it('rejects wrong ChaCha key and nonce sizes', () => {
    expect(() => p.chacha20Poly1305Encrypt(new Uint8Array(16), new Uint8Array(12), SUNSCREEN)).toThrow(
      RangeError,
    )
    expect(() => p.chacha20Poly1305Encrypt(KEY_80_9F, new Uint8Array(24), SUNSCREEN)).toThrow(RangeError)
    expect(() => p.xchacha20Poly1305Encrypt(KEY_80_9F, new Uint8Array(12), SUNSCREEN)).toThrow(RangeError)
  })

  it.each(kwpVectors)('AES-KWP $name', (v) => {
    const wrapped = p.aesKeyWrapPad(hexToBytes(v.kek), hexToBytes(v.key))
    expect(hex(wrapped)).toBe(v.wrapped)
    expect(hex(p.aesKeyUnwrapPad(hexToBytes(v.kek), wrapped))).toBe(v.key)
  })

  it('AES-KWP unwrap refuses tampering with one message', () => {
    const kek = p.randomBytes(32)
    for (const len of [1, 7, 8, 9, 16, 20, 32, 100, 1217]) {
      const key = p.randomBytes(len)
      const wrapped = p.aesKeyWrapPad(kek, key)
      expect(p.aesKeyUnwrapPad(kek, wrapped)).toEqual(key)
      for (const at of [0, 7, 8, wrapped.length - 1]) {
        const bad = wrapped.slice()
        bad[at]! ^= 1
        expect(() => p.aesKeyUnwrapPad(kek, bad)).toThrow('kwp: unwrap failed')
      }
      expect(() => p.aesKeyUnwrapPad(p.randomBytes(32), wrapped)).toThrow('kwp: unwrap failed')
    }
  })

  it.each(ed25519Vectors)('Ed25519 $name', (v) => {
    const seed = hexToBytes(v.seed)
    const msg = hexToBytes(v.msg)
    expect(hex(p.ed25519PublicKey(seed))).toBe(v.pub)
    const sig = p.ed25519Sign(seed, msg)
    expect(hex(sig)).toBe(v.sig)
    expect(p.ed25519Verify(hexToBytes(v.pub), msg, sig)).toBe(true)
    expect(p.ed25519Verify(hexToBytes(v.pub), utf8('other'), sig)).toBe(false)
    const bad = sig.slice()
    bad[10]! ^= 1
    expect(p.ed25519Verify(hexToBytes(v.pub), msg, bad)).toBe(false)
    expect(p.ed25519Verify(hexToBytes(v.pub), msg, sig.subarray(1))).toBe(false)
  })

  it.each(ecdsaVectors)('ECDSA $curve RFC 6979 "sample"', (v) => {
    const d = hexToBytes(v.d)
    const pub = p.ecdsaPublicKey(v.curve, d)
    expect(pub[0]).toBe(4)
    expect(hex(pub.subarray(1, 1 + v.ux.length / 2))).toBe(v.ux)
    const digest = p.digest(v.hash, utf8('sample'))
    const sig = p.ecdsaSign(v.curve, d, digest)
    expect(hex(sig)).toBe(v.r + v.s)
    expect(p.ecdsaVerify(v.curve, pub, digest, sig)).toBe(true)
    const bad = sig.slice()
    bad[5]! ^= 1
    expect(p.ecdsaVerify(v.curve, pub, digest, bad)).toBe(false)
    expect(p.ecdsaVerify(v.curve, pub, p.digest(v.hash, utf8('test')), sig)).toBe(false)
  })

  it('ECDSA verifies signatures OpenSSL makes over a hashed message (digest truncation as Go)', () => {
    for (const [curve, named] of [
      ['p256', 'P-256'],
      ['p384', 'P-384'],
      ['p521', 'P-521'],
    ] as const) {
      const pair = nc.generateKeyPairSync('ec', { namedCurve: named })
      const jwk = pair.privateKey.export({ format: 'jwk' })
      const size = { p256: 32, p384: 48, p521: 66 }[curve]
      const d = new Uint8Array(Buffer.from(jwk.d!, 'base64url'))
      const padded = new Uint8Array(size)
      padded.set(d, size - d.length)
      const pub = p.ecdsaPublicKey(curve, padded)
      for (const hash of ['sha2-256', 'sha2-512', 'sha1'] as const) {
        const msg = p.randomBytes(50)
        const sig = nc.sign(hashName(hash), msg, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })
        expect(p.ecdsaVerify(curve, pub, p.digest(hash, msg), new Uint8Array(sig))).toBe(true)
        const ours = p.ecdsaSign(curve, padded, p.digest(hash, msg))
        expect(nc.verify(hashName(hash), msg, { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }, ours)).toBe(
          true,
        )
      }
    }
  })
})

function hashName(h: HashName): string {
  return { sha1: 'sha1', 'sha2-256': 'sha256', 'sha2-512': 'sha512' }[h as 'sha1'] ?? 'sha256'
}

describe('cross-test: node and noble agree byte for byte on the transit primitives', () => {
  it.each([0, 1, 16, 63, 64, 65, 1000])('ChaCha20-Poly1305 / XChaCha20-Poly1305 at %i bytes', (n) => {
    const key = nodeCrypto.randomBytes(32)
    const pt = nodeCrypto.randomBytes(n)
    const aad = nobleCrypto.randomBytes(n % 17)
    const n12 = nodeCrypto.randomBytes(12)
    const n24 = nodeCrypto.randomBytes(24)
    for (const a of [aad, undefined]) {
      const x = nodeCrypto.chacha20Poly1305Encrypt(key, n12, pt, a)
      expect(hex(nobleCrypto.chacha20Poly1305Encrypt(key, n12, pt, a))).toBe(hex(x))
      expect(nobleCrypto.chacha20Poly1305Decrypt(key, n12, x, a)).toEqual(pt)
      const y = nodeCrypto.xchacha20Poly1305Encrypt(key, n24, pt, a)
      expect(hex(nobleCrypto.xchacha20Poly1305Encrypt(key, n24, pt, a))).toBe(hex(y))
      expect(nobleCrypto.xchacha20Poly1305Decrypt(key, n24, y, a)).toEqual(pt)
      expect(nodeCrypto.xchacha20Poly1305Decrypt(key, n24, y, a)).toEqual(pt)
    }
  })

  it('digests, HMACs and HKDF agree for every hash and many lengths', () => {
    for (const n of [0, 1, 55, 56, 64, 127, 128, 1000]) {
      const key = nodeCrypto.randomBytes(n + 1)
      const msg = nodeCrypto.randomBytes(n)
      for (const h of HASH_NAMES) {
        expect(hex(nobleCrypto.digest(h, msg))).toBe(hex(nodeCrypto.digest(h, msg)))
        expect(hex(nobleCrypto.hmac(h, key, msg))).toBe(hex(nodeCrypto.hmac(h, key, msg)))
      }
      expect(hex(nobleCrypto.hkdfSha256(key, msg, msg, 96))).toBe(
        hex(nodeCrypto.hkdfSha256(key, msg, msg, 96)),
      )
    }
  })

  it('KWP agrees, and matches OpenSSL id-aes256-wrap-pad and noble aeskwp as independent references', () => {
    for (const len of [1, 7, 8, 15, 16, 17, 32, 48, 121, 1218]) {
      for (const kekLen of [16, 24, 32]) {
        const kek = nodeCrypto.randomBytes(kekLen)
        const key = nodeCrypto.randomBytes(len)
        const ours = nodeCrypto.aesKeyWrapPad(kek, key)
        expect(hex(nobleCrypto.aesKeyWrapPad(kek, key))).toBe(hex(ours))
        expect(hex(aeskwp(kek).encrypt(key))).toBe(hex(ours))
        const c = nc.createCipheriv(`id-aes${kekLen * 8}-wrap-pad`, kek, Buffer.from('a65959a6', 'hex'))
        expect(hex(Buffer.concat([c.update(key), c.final()]))).toBe(hex(ours))
      }
    }
  })

  it('Ed25519 and ECDSA agree (deterministic signatures)', () => {
    for (let i = 0; i < 5; i++) {
      const seed = nodeCrypto.randomBytes(32)
      const msg = nodeCrypto.randomBytes(i * 40)
      expect(hex(nobleCrypto.ed25519PublicKey(seed))).toBe(hex(nodeCrypto.ed25519PublicKey(seed)))
      expect(hex(nobleCrypto.ed25519Sign(seed, msg))).toBe(hex(nodeCrypto.ed25519Sign(seed, msg)))
      for (const curve of ['p256', 'p384', 'p521'] as const) {
        const d = nodeCrypto.ecdsaGenerateKey(curve)
        const digest = nodeCrypto.digest('sha2-512', msg)
        expect(hex(nobleCrypto.ecdsaSign(curve, d, digest))).toBe(hex(nodeCrypto.ecdsaSign(curve, d, digest)))
      }
    }
  })
})

describe('RSA through both providers', async () => {
  const pkcs8 = await nodeCrypto.rsaGenerateKey(2048)
  const pub = rsaPublicFromPkcs8(pkcs8)
  const spki = rsaSpki(pub)
  const keyObject = nc.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
  const message = utf8('the message')

  it('key containers: the SPKI we build is the one OpenSSL derives', () => {
    const fromNode = nc.createPublicKey(keyObject).export({ format: 'der', type: 'spki' })
    expect(hex(spki)).toBe(hex(new Uint8Array(fromNode)))
    expect(pub.bits).toBe(2048)
    expect(pub.size).toBe(256)
  })

  it('DigestInfo prefixes are the RFC 8017 §9.2 constants', () => {
    expect(hex(digestInfoPrefix('sha2-256'))).toBe('3031300d060960864801650304020105000420')
    expect(hex(digestInfoPrefix('sha1'))).toBe('3021300906052b0e03021a05000414')
    expect(hex(digestInfoPrefix('sha2-512'))).toBe('3051300d060960864801650304020305000440')
  })

  it('PKCS #1 v1.5 signatures equal OpenSSL’s own (deterministic), in both providers', async () => {
    for (const h of [
      'sha1',
      'sha2-224',
      'sha2-256',
      'sha2-384',
      'sha2-512',
      'sha3-256',
      'sha3-512',
    ] as const) {
      const digest = nodeCrypto.digest(h, message)
      const openssl = nc.sign(hashInfoNode(h), message, {
        key: keyObject,
        padding: nc.constants.RSA_PKCS1_PADDING,
      })
      const ours = await nodeCrypto.rsaSign(pkcs8, { scheme: 'pkcs1v15', hash: h, digest })
      expect(hex(ours)).toBe(hex(new Uint8Array(openssl)))
      if (['sha1', 'sha2-256', 'sha2-384', 'sha2-512'].includes(h)) {
        const noble = await nobleCrypto.rsaSign(pkcs8, { scheme: 'pkcs1v15', hash: h, digest, message })
        expect(hex(noble)).toBe(hex(ours))
      }
      for (const p of providers) {
        expect(await p.rsaVerify(spki, ours, { scheme: 'pkcs1v15', hash: h, digest })).toBe(true)
        expect(
          await p.rsaVerify(spki, ours, { scheme: 'pkcs1v15', hash: h, digest: digest.map((b) => b ^ 1) }),
        ).toBe(false)
      }
    }
  })

  it('PSS: OpenSSL verifies ours and we verify OpenSSL’s, for explicit and auto salt lengths', async () => {
    for (const h of ['sha2-256', 'sha2-384', 'sha2-512', 'sha3-256'] as const) {
      const digest = nodeCrypto.digest(h, message)
      for (const saltLength of [0, 20, 32, 222 - nodeCrypto.digest(h, message).length + 32]) {
        const max = 256 - digest.length - 2
        const s = Math.min(saltLength, max)
        const ours = await nodeCrypto.rsaSign(pkcs8, { scheme: 'pss', hash: h, digest, saltLength: s })
        expect(
          nc.verify(
            hashInfoNode(h),
            message,
            { key: keyObject, padding: nc.constants.RSA_PKCS1_PSS_PADDING, saltLength: s },
            ours,
          ),
        ).toBe(true)
        for (const p of providers) {
          expect(await p.rsaVerify(spki, ours, { scheme: 'pss', hash: h, digest, saltLength: s })).toBe(true)
          expect(await p.rsaVerify(spki, ours, { scheme: 'pss', hash: h, digest, saltLength: 'auto' })).toBe(
            true,
          )
          if (s !== 20)
            expect(await p.rsaVerify(spki, ours, { scheme: 'pss', hash: h, digest, saltLength: 20 })).toBe(
              false,
            )
        }
      }
      const openssl = nc.sign(hashInfoNode(h), message, {
        key: keyObject,
        padding: nc.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: nc.constants.RSA_PSS_SALTLEN_MAX_SIGN,
      })
      for (const p of providers) {
        expect(
          await p.rsaVerify(spki, new Uint8Array(openssl), {
            scheme: 'pss',
            hash: h,
            digest,
            saltLength: 'auto',
          }),
        ).toBe(true)
      }
    }
    // Web Crypto signs too; node verifies.
    const digest = nodeCrypto.digest('sha2-256', message)
    const noble = await nobleCrypto.rsaSign(pkcs8, {
      scheme: 'pss',
      hash: 'sha2-256',
      digest,
      message,
      saltLength: 222,
    })
    expect(
      await nodeCrypto.rsaVerify(spki, noble, { scheme: 'pss', hash: 'sha2-256', digest, saltLength: 222 }),
    ).toBe(true)
  })

  it('PKCS #1 v1.5 with hash none signs the input as T (Go’s SignPKCS1v15 with hash 0)', async () => {
    const digest = nodeCrypto.digest('sha2-256', message)
    const sig = await nodeCrypto.rsaSign(pkcs8, { scheme: 'pkcs1v15', hash: 'none', digest })
    const raw = nc.publicDecrypt(
      { key: nc.createPublicKey(keyObject), padding: nc.constants.RSA_PKCS1_PADDING },
      sig,
    )
    expect(hex(new Uint8Array(raw))).toBe(hex(digest))
    for (const p of providers)
      expect(await p.rsaVerify(spki, sig, { scheme: 'pkcs1v15', hash: 'none', digest })).toBe(true)
  })

  it('OAEP and PKCS #1 v1.5 encryption round-trip across providers', async () => {
    for (const hash of ['sha1', 'sha2-256', 'sha2-512'] as const) {
      for (const enc of providers) {
        const ct = await enc.rsaEncrypt(spki, message, { padding: 'oaep', hash })
        for (const dec of providers) {
          expect(await dec.rsaDecrypt(pkcs8, ct, { padding: 'oaep', hash })).toEqual(message)
        }
      }
    }
    for (const enc of providers) {
      const ct = await enc.rsaEncrypt(spki, message, { padding: 'pkcs1v15' })
      expect(await nodeCrypto.rsaDecrypt(pkcs8, ct, { padding: 'pkcs1v15' })).toEqual(message)
      const bad = ct.slice()
      bad[100]! ^= 1
      await expect(nodeCrypto.rsaDecrypt(pkcs8, bad, { padding: 'pkcs1v15' })).rejects.toThrow(
        'crypto/rsa: decryption error',
      )
    }
    const ct = await nodeCrypto.rsaEncrypt(spki, message, { padding: 'oaep', hash: 'sha2-256' })
    const bad = ct.slice()
    bad[3]! ^= 1
    for (const p of providers) {
      await expect(p.rsaDecrypt(pkcs8, bad, { padding: 'oaep', hash: 'sha2-256' })).rejects.toThrow(
        'crypto/rsa: decryption error',
      )
    }
  })

  it('the noble provider names what Web Crypto cannot do', async () => {
    const digest = nodeCrypto.digest('sha2-256', message)
    await expect(nobleCrypto.rsaSign(pkcs8, { scheme: 'pss', hash: 'sha2-256', digest })).rejects.toThrow(
      /^unsupported:/,
    )
    await expect(
      nobleCrypto.rsaSign(pkcs8, {
        scheme: 'pss',
        hash: 'sha3-256',
        digest: nodeCrypto.digest('sha3-256', message),
        message,
      }),
    ).rejects.toThrow(/^unsupported:/)
    const ct = await nodeCrypto.rsaEncrypt(spki, message, { padding: 'pkcs1v15' })
    await expect(nobleCrypto.rsaDecrypt(pkcs8, ct, { padding: 'pkcs1v15' })).rejects.toThrow(/^unsupported:/)
  })

  it('EMSA-PSS encode/verify round-trips with a fixed salt and detects every flipped bit', () => {
    const sha = (d: Uint8Array) => nodeCrypto.digest('sha2-256', d)
    const mHash = sha(message)
    const salt = nodeCrypto.randomBytes(32)
    const em = emsaPssEncode(mHash, 2047, salt, sha)
    expect(emsaPssVerify(mHash, em, 2047, 32, sha)).toBe(true)
    expect(emsaPssVerify(mHash, em, 2047, 'auto', sha)).toBe(true)
    for (let bit = 0; bit < em.length * 8; bit += 37) {
      const bad = em.slice()
      bad[bit >> 3]! ^= 1 << (bit & 7)
      expect(emsaPssVerify(mHash, bad, 2047, 'auto', sha)).toBe(false)
    }
  })
})

function hashInfoNode(h: HashName): string {
  return {
    sha1: 'sha1',
    'sha2-224': 'sha224',
    'sha2-256': 'sha256',
    'sha2-384': 'sha384',
    'sha2-512': 'sha512',
    'sha3-224': 'sha3-224',
    'sha3-256': 'sha3-256',
    'sha3-384': 'sha3-384',
    'sha3-512': 'sha3-512',
  }[h]
}
