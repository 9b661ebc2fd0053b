// sign / verify per key type (ECDSA P-256/384/521 in ASN.1 and JWS, Ed25519 plain and derived, RSA PSS
// and PKCS #1 v1.5 with salt lengths, prehashed input and hash none), signatures checked with
// node:crypto against the published public keys; HMAC generate/verify; Vault's errors.
import * as nc from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { b64, errorOf, multi, transitVault } from './helpers.js'

type Keys = Record<string, { public_key: string }>

async function publicKeyOf(t: Awaited<ReturnType<typeof transitVault>>, name: string, ver = '1') {
  return ((await t.data('GET', `keys/${name}`)).keys as Keys)[ver]!.public_key
}

const sigBytes = (s: unknown) => Buffer.from((s as string).replace(/^vault:v\d+:/, ''), 'base64')

describe('ECDSA', () => {
  it.each([
    ['ecdsa-p256', 'sha256', 'sha2-256', 64],
    ['ecdsa-p384', 'sha384', 'sha2-384', 96],
    ['ecdsa-p521', 'sha512', 'sha2-512', 132],
  ])('%s signs a digest; OpenSSL verifies ASN.1 and JWS forms', async (type, nodeHash, hash, jwsLen) => {
    const t = await transitVault()
    await t.data('POST', 'keys/ec', { type })
    const pub = nc.createPublicKey(await publicKeyOf(t, 'ec'))
    const input = Buffer.from('message to sign')
    const asn1 = await t.data('POST', `sign/ec/${hash}`, { input: input.toString('base64') })
    expect(asn1).toMatchObject({ key_version: 1 })
    expect(asn1.signature).toMatch(/^vault:v1:/)
    expect(nc.verify(nodeHash, input, pub, sigBytes(asn1.signature))).toBe(true)
    const jws = await t.data('POST', 'sign/ec', {
      input: input.toString('base64'),
      hash_algorithm: hash,
      marshaling_algorithm: 'jws',
    })
    const raw = Buffer.from((jws.signature as string).slice('vault:v1:'.length), 'base64url')
    expect((jws.signature as string).includes('=')).toBe(false)
    expect(raw.length).toBe(jwsLen)
    expect(nc.verify(nodeHash, input, { key: pub, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true)
    for (const [sig, marshaling] of [
      [asn1.signature, 'asn1'],
      [jws.signature, 'jws'],
    ]) {
      const ok = await t.data('POST', `verify/ec/${hash}`, {
        input: input.toString('base64'),
        signature: sig,
        marshaling_algorithm: marshaling,
      })
      expect(ok).toEqual({ valid: true })
      const bad = await t.data('POST', `verify/ec/${hash}`, {
        input: b64('other'),
        signature: sig,
        marshaling_algorithm: marshaling,
      })
      expect(bad).toEqual({ valid: false })
    }
    // An OpenSSL signature verifies in transit.
    const theirs = nc.sign(nodeHash, input, (await exportedSigningKey(t, 'ec')) as nc.KeyObject)
    expect(
      await t.data('POST', `verify/ec/${hash}`, {
        input: input.toString('base64'),
        signature: `vault:v1:${theirs.toString('base64')}`,
      }),
    ).toEqual({
      valid: true,
    })
  })

  it('prehashed input is signed as the digest', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/ec', { type: 'ecdsa-p256' })
    const digest = nc.createHash('sha256').update('payload').digest()
    const { signature } = await t.data('POST', 'sign/ec', {
      input: digest.toString('base64'),
      prehashed: true,
    })
    const pub = nc.createPublicKey(await publicKeyOf(t, 'ec'))
    expect(nc.verify('sha256', Buffer.from('payload'), pub, sigBytes(signature))).toBe(true)
  })

  it('malformed ASN.1 signatures have Vault’s wording', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/ec', { type: 'ecdsa-p256' })
    const { signature } = await t.data('POST', 'sign/ec', { input: b64('x') })
    const invalid = await t.call('POST', 'verify/ec', {
      input: b64('x'),
      signature: `vault:v1:${Buffer.from('garbage').toString('base64')}`,
    })
    expect(invalid.status).toBe(400)
    expect(errorOf(invalid)).toBe('supplied signature is invalid')
    const extra = Buffer.concat([sigBytes(signature), Buffer.from([0])])
    const trailing = await t.call('POST', 'verify/ec', {
      input: b64('x'),
      signature: `vault:v1:${extra.toString('base64')}`,
    })
    expect(errorOf(trailing)).toBe('supplied signature contains extra data')
  })
})

async function exportedSigningKey(t: Awaited<ReturnType<typeof transitVault>>, name: string) {
  await t.data('POST', `keys/${name}/config`, { exportable: true })
  const pem = ((await t.data('GET', `export/signing-key/${name}/1`)).keys as Record<string, string>)['1']!
  expect(pem.startsWith('-----BEGIN EC PRIVATE KEY-----')).toBe(true)
  return nc.createPrivateKey(pem)
}

describe('Ed25519', () => {
  it('signs the raw input (pure Ed25519); OpenSSL verifies with the published public key', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/ed', { type: 'ed25519' })
    const pubRaw = Buffer.from(await publicKeyOf(t, 'ed'), 'base64')
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pubRaw])
    const pub = nc.createPublicKey({ key: spki, format: 'der', type: 'spki' })
    const { signature } = await t.data('POST', 'sign/ed', { input: b64('hello') })
    expect(sigBytes(signature).length).toBe(64)
    expect(nc.verify(null, Buffer.from('hello'), pub, sigBytes(signature))).toBe(true)
    expect(await t.data('POST', 'verify/ed', { input: b64('hello'), signature })).toEqual({ valid: true })
    const errors: [Record<string, unknown>, string][] = [
      [
        { prehashed: true },
        'failed to parse batch item: only Pure Ed25519 signatures supported, prehashed must be false',
      ],
      [
        { hash_algorithm: 'sha2-512' },
        'failed to parse batch item: only Pure Ed25519 signatures supported, hash_alogithm should not be set',
      ],
      [
        { signature_context: b64('c') },
        'failed to parse batch item: only Pure Ed25519 signatures supported, signature_context must be empty',
      ],
    ]
    for (const [body, message] of errors) {
      const res = await t.call('POST', 'sign/ed', { input: b64('x'), ...body })
      expect(res.status).toBe(400)
      expect(errorOf(res)).toBe(message)
    }
  })

  it('derived Ed25519: the key pair comes from HKDF(key, context); the public key is returned', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/ed', { type: 'ed25519', derived: true })
    const context = b64('user-1')
    const signed = await t.data('POST', 'sign/ed', { input: b64('msg'), context })
    expect(Object.keys(signed)).toEqual(['key_version', 'public_key', 'signature'])
    const pub = nc.createPublicKey({
      key: Buffer.concat([
        Buffer.from('302a300506032b6570032100', 'hex'),
        Buffer.from(signed.public_key as string, 'base64'),
      ]),
      format: 'der',
      type: 'spki',
    })
    expect(nc.verify(null, Buffer.from('msg'), pub, sigBytes(signed.signature))).toBe(true)
    const info = await t.call('GET', 'keys/ed', { context })
    const shown = (info.body!.data as { keys: Keys }).keys['1']!.public_key
    expect(shown).toBe(signed.public_key)
    expect(
      await t.data('POST', 'verify/ed', { input: b64('msg'), signature: signed.signature, context }),
    ).toEqual({ valid: true })
    expect(
      await t.data('POST', 'verify/ed', {
        input: b64('msg'),
        signature: signed.signature,
        context: b64('user-2'),
      }),
    ).toEqual({
      valid: false,
    })
    const batch = await t.data('POST', 'sign/ed', { batch_input: [{ input: b64('a'), context }] })
    expect((batch.batch_results as Record<string, unknown>[])[0]!.publickey).toBe(signed.public_key)
  })
})

describe('RSA signatures', () => {
  it('PSS (auto, hash, explicit salt) and PKCS #1 v1.5, verified by OpenSSL; prehashed and hash none', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/rsa', { type: 'rsa-2048' })
    const pub = nc.createPublicKey(await publicKeyOf(t, 'rsa'))
    const input = Buffer.from('rsa message')
    const pss = await t.data('POST', 'sign/rsa/sha2-384', { input: input.toString('base64') })
    // salt auto = maximum when signing: emLen - hLen - 2 = 256 - 48 - 2.
    expect(
      nc.verify(
        'sha384',
        input,
        { key: pub, padding: nc.constants.RSA_PKCS1_PSS_PADDING, saltLength: 206 },
        sigBytes(pss.signature),
      ),
    ).toBe(true)
    const hashSalt = await t.data('POST', 'sign/rsa', {
      input: input.toString('base64'),
      salt_length: 'hash',
    })
    expect(
      nc.verify(
        'sha256',
        input,
        { key: pub, padding: nc.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        sigBytes(hashSalt.signature),
      ),
    ).toBe(true)
    for (const [signature, salt] of [
      [pss.signature, 'auto'],
      [hashSalt.signature, 'hash'],
    ]) {
      const hash = salt === 'auto' ? 'sha2-384' : 'sha2-256'
      expect(
        await t.data('POST', 'verify/rsa', {
          input: input.toString('base64'),
          signature,
          hash_algorithm: hash,
          salt_length: salt,
        }),
      ).toEqual({ valid: true })
    }
    const v15 = await t.data('POST', 'sign/rsa/sha3-256', {
      input: input.toString('base64'),
      signature_algorithm: 'pkcs1v15',
    })
    expect(
      nc.verify(
        'sha3-256',
        input,
        { key: pub, padding: nc.constants.RSA_PKCS1_PADDING },
        sigBytes(v15.signature),
      ),
    ).toBe(true)
    const digest = nc.createHash('sha256').update(input).digest()
    const pre = await t.data('POST', 'sign/rsa', {
      input: digest.toString('base64'),
      prehashed: true,
      signature_algorithm: 'pkcs1v15',
    })
    expect(
      nc.verify(
        'sha256',
        input,
        { key: pub, padding: nc.constants.RSA_PKCS1_PADDING },
        sigBytes(pre.signature),
      ),
    ).toBe(true)
    const none = await t.data('POST', 'sign/rsa', {
      input: digest.toString('base64'),
      prehashed: true,
      signature_algorithm: 'pkcs1v15',
      hash_algorithm: 'none',
    })
    expect(
      nc.publicDecrypt({ key: pub, padding: nc.constants.RSA_PKCS1_PADDING }, sigBytes(none.signature)),
    ).toEqual(digest)
    const refused = await t.call('POST', 'sign/rsa', { input: b64('x'), hash_algorithm: 'none' })
    expect(refused.status).toBe(400)
    expect(errorOf(refused)).toBe(
      'hash_algorithm=none requires both prehashed=true and signature_algorithm=pkcs1v15',
    )
    const salt = await t.call('POST', 'sign/rsa', { input: b64('x'), salt_length: '500' })
    expect(salt.status).toBe(500)
    expect(errorOf(salt)).toBe(multi('requested salt length 500 is invalid'))
    expect(errorOf(await t.call('POST', 'sign/rsa', { input: b64('x'), salt_length: 'big' }))).toBe(
      "salt length neither 'auto', 'hash', nor an int: big",
    )
    expect(errorOf(await t.call('POST', 'sign/rsa', { input: b64('x'), salt_length: '-2' }))).toBe(
      'salt length is invalid: -2',
    )
  })
})

describe('sign/verify errors and versions', () => {
  it('has Vault’s wording and statuses', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/aes')
    await t.data('POST', 'keys/ed', { type: 'ed25519' })
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['sign/none', { input: b64('x') }, 400, 'signing key not found'],
      ['sign/aes', { input: b64('x') }, 400, 'key type aes256-gcm96 does not support signing'],
      ['sign/ed', { input: b64('x'), hash_algorithm: 'md5' }, 400, 'invalid hash algorithm "md5"'],
      ['sign/ed', { input: b64('x'), marshaling_algorithm: 'pem' }, 400, 'invalid marshaling type "pem"'],
      ['sign/ed', { input: '!' }, 400, 'unable to decode input: illegal base64 data at input byte 0'],
      [
        'sign/ed',
        { input: b64('x'), key_version: 5 },
        500,
        multi('requested version for signing is higher than the latest key version'),
      ],
      [
        'verify/ed',
        { input: b64('x') },
        400,
        "missing one of 'signature', 'hmac' or 'cmac' arguments to verify",
      ],
      // With both, Vault's scan counts only `signature` (an else-if chain): it verifies the signature.
      ['verify/ed', { input: b64('x'), signature: 's', hmac: 'h' }, 400, 'invalid signature: no prefix'],
      [
        'verify/none',
        { input: b64('x'), signature: 'vault:v1:AAAA' },
        400,
        'signature verification key not found',
      ],
      ['verify/ed', { input: b64('x'), signature: 'v1:AAAA' }, 400, 'invalid signature: no prefix'],
      [
        'verify/ed',
        { input: b64('x'), signature: 'vault:v1' },
        400,
        'invalid signature: wrong number of fields',
      ],
      [
        'verify/ed',
        { input: b64('x'), signature: 'vault:vz:AA' },
        400,
        'invalid signature: version number could not be decoded',
      ],
      [
        'verify/ed',
        { input: b64('x'), signature: 'vault:v7:AA' },
        400,
        'invalid signature: version is too new',
      ],
      ['verify/ed', { input: b64('x'), signature: 'vault:v1:!!' }, 400, 'invalid base64 signature value'],
      [
        'verify/ed',
        { input: '!', signature: 'vault:v1:AA==' },
        400,
        'failed to parse item: failed to parse input: illegal base64 data at input byte 0',
      ],
    ]
    for (const [path, body, status, message] of cases) {
      const res = await t.call('POST', path, body)
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status)
      expect(errorOf(res)).toBe(message)
    }
  })

  it('old signatures stop verifying below min_decryption_version; signing below min_encryption_version is refused', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/ed', { type: 'ed25519' })
    const { signature } = await t.data('POST', 'sign/ed', { input: b64('x') })
    await t.data('POST', 'keys/ed/rotate')
    expect((await t.data('POST', 'sign/ed', { input: b64('x') })).signature).toMatch(/^vault:v2:/)
    expect(await t.data('POST', 'verify/ed', { input: b64('x'), signature })).toEqual({ valid: true })
    await t.data('POST', 'keys/ed/config', { min_decryption_version: 2, min_encryption_version: 2 })
    const old = await t.call('POST', 'verify/ed', { input: b64('x'), signature })
    expect(old.status).toBe(400)
    expect(errorOf(old)).toBe('ciphertext or signature version is disallowed by policy (too old)')
    const below = await t.call('POST', 'sign/ed', { input: b64('x'), key_version: 1 })
    expect(errorOf(below)).toBe(
      multi('requested version for signing is less than the minimum encryption key version'),
    )
  })

  it('batches: per-item results with references; verify batches need a signature everywhere', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/ec', { type: 'ecdsa-p256' })
    const signed = await t.call('POST', 'sign/ec', {
      batch_input: [
        { input: b64('a'), reference: '1' },
        { input: '!', reference: '2' },
      ],
    })
    expect(signed.status).toBe(200)
    const results = (signed.body!.data as { batch_results: Record<string, unknown>[] }).batch_results
    expect(Object.keys(results[0]!)).toEqual(['signature', 'key_version', 'reference'])
    expect(results[1]).toEqual({
      key_version: 0,
      error: 'unable to decode input: illegal base64 data at input byte 0',
      reference: '2',
    })
    const verified = await t.data('POST', 'verify/ec', {
      batch_input: [
        { input: b64('a'), signature: results[0]!.signature, reference: 'ok' },
        { input: b64('b'), signature: results[0]!.signature, reference: 'no' },
      ],
    })
    expect(verified.batch_results).toEqual([
      { valid: true, reference: 'ok' },
      { valid: false, reference: 'no' },
    ])
    const missing = await t.call('POST', 'verify/ec', {
      batch_input: [{ input: b64('a'), signature: 's' }, { input: b64('b') }],
    })
    expect(errorOf(missing)).toBe("some elements of batch_input are missing 'signature'")
  })
})

describe('HMAC', () => {
  it('any key type HMACs with its per-version HMAC key; the hmac type uses its own key', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k', { exportable: true })
    const { hmac } = await t.data('POST', 'hmac/k/sha2-512', { input: b64('data') })
    expect(hmac).toMatch(/^vault:v1:/)
    const key = Buffer.from(
      ((await t.data('GET', 'export/hmac-key/k')).keys as Record<string, string>)['1']!,
      'base64',
    )
    expect(key.length).toBe(32)
    expect(sigBytes(hmac)).toEqual(nc.createHmac('sha512', key).update('data').digest())
    expect(await t.data('POST', 'verify/k/sha2-512', { input: b64('data'), hmac })).toEqual({ valid: true })
    expect(
      await t.data('POST', 'verify/k', { input: b64('data'), hmac, hash_algorithm: 'sha2-512' }),
    ).toEqual({ valid: true })
    expect(await t.data('POST', 'verify/k', { input: b64('data'), hmac })).toEqual({ valid: false })

    await t.data('POST', 'keys/h', { type: 'hmac', key_size: 48, exportable: true })
    const own = await t.data('POST', 'hmac/h', { input: b64('data'), algorithm: 'sha3-256' })
    const hkey = Buffer.from(
      ((await t.data('GET', 'export/hmac-key/h')).keys as Record<string, string>)['1']!,
      'base64',
    )
    expect(hkey.length).toBe(48)
    expect(sigBytes(own.hmac)).toEqual(nc.createHmac('sha3-256', hkey).update('data').digest())
  })

  it('HMAC errors, versions and batches as Vault', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    await t.data('POST', 'keys/k/rotate')
    const cases: [string, Record<string, unknown>, string][] = [
      ['hmac/none', { input: b64('x') }, 'encryption key not found'],
      ['hmac/k', {}, 'missing input for HMAC'],
      ['hmac/k/md5', { input: b64('x') }, "unsupported algorithm '\\x00'"],
      ['hmac/k', { input: '!' }, 'unable to decode input as base64: illegal base64 data at input byte 0'],
      ['hmac/k', { input: b64('x'), key_version: 3 }, 'key version does not exist; latest key version is 2'],
      ['verify/k', { input: b64('x'), hmac: 'v1:abc' }, 'invalid HMAC to verify: no prefix'],
      ['verify/k', { input: b64('x'), hmac: 'vault:v1' }, 'invalid HMAC: wrong number of fields'],
      [
        'verify/k',
        { input: b64('x'), hmac: 'vault:vq:AA==' },
        'invalid HMAC: version number could not be decoded',
      ],
      [
        'verify/k',
        { input: b64('x'), hmac: 'vault:v1:!' },
        'unable to decode verification HMAC as base64: illegal base64 data at input byte 0',
      ],
      ['verify/k', { input: b64('x'), hmac: 'vault:v9:AA==' }, 'invalid HMAC: version is too new'],
    ]
    for (const [path, body, message] of cases) {
      const res = await t.call('POST', path, body)
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400)
      expect(errorOf(res)).toBe(message)
    }
    const v1 = (await t.data('POST', 'hmac/k', { input: b64('x'), key_version: 1 })).hmac
    await t.data('POST', 'keys/k/config', { min_decryption_version: 2, min_encryption_version: 2 })
    expect(errorOf(await t.call('POST', 'hmac/k', { input: b64('x'), key_version: 1 }))).toBe(
      'cannot generate HMAC: version is too old (disallowed by policy)',
    )
    expect(errorOf(await t.call('POST', 'verify/k', { input: b64('x'), hmac: v1 }))).toBe(
      'cannot verify HMAC: version is too old (disallowed by policy)',
    )
    const batch = await t.data('POST', 'hmac/k', {
      batch_input: [{ input: b64('a'), reference: 'r' }, { reference: 'm' }],
    })
    expect(batch.batch_results).toEqual([
      { hmac: expect.stringMatching(/^vault:v2:/), reference: 'r' },
      { error: 'missing input for HMAC', reference: 'm' },
    ])
    const mac = (batch.batch_results as { hmac: string }[])[0]!.hmac
    const checked = await t.data('POST', 'verify/k', {
      batch_input: [
        { input: b64('a'), hmac: mac },
        { input: b64('b'), hmac: mac },
      ],
    })
    // Vault omits `valid` when false (omitempty).
    expect(checked.batch_results).toEqual([{ valid: true, reference: '' }, { reference: '' }])
  })
})
