// encrypt / decrypt / rewrap / datakey per key type: Vault's ciphertext layout (checked by decrypting
// exported keys with independent primitives), derivation (HKDF-SHA256) and convergent nonces (v3),
// versions, batches with Vault's status rules, and every error with Vault's status and wording.
import * as nc from 'node:crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { describe, expect, it } from 'vitest'
import { b64, errorOf, multi, transitVault, unb64 } from './helpers.js'

const AEAD = [
  ['aes128-gcm96', 12],
  ['aes256-gcm96', 12],
  ['chacha20-poly1305', 12],
  ['xchacha20-poly1305', 24],
] as const

/** Opens `nonce ‖ ct ‖ tag` with an independent implementation (OpenSSL, or noble for XChaCha). */
function openIndependently(type: string, key: Buffer, payload: Buffer, aad?: Buffer): string {
  const nonceSize = type === 'xchacha20-poly1305' ? 24 : 12
  const nonce = payload.subarray(0, nonceSize)
  const ct = payload.subarray(nonceSize, payload.length - 16)
  const tag = payload.subarray(payload.length - 16)
  if (type === 'xchacha20-poly1305') {
    return Buffer.from(xchacha20poly1305(key, nonce, aad).decrypt(payload.subarray(nonceSize))).toString()
  }
  const algo = type === 'chacha20-poly1305' ? 'chacha20-poly1305' : `aes-${key.length * 8}-gcm`
  const d = nc.createDecipheriv(algo as 'aes-256-gcm', key, nonce, { authTagLength: 16 })
  d.setAuthTag(tag)
  if (aad) d.setAAD(aad)
  return Buffer.concat([d.update(ct), d.final()]).toString()
}

const payloadOf = (ct: unknown) => Buffer.from((ct as string).replace(/^vault:v\d+:/, ''), 'base64')

describe.each(AEAD)('%s', (type, nonceSize) => {
  it('ciphertext is vault:v1: + base64(nonce ‖ ciphertext ‖ tag), readable with the exported key', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k', { type, exportable: true })
    const { ciphertext } = await t.data('POST', 'encrypt/k', { plaintext: b64('hello transit') })
    const payload = payloadOf(ciphertext)
    expect(payload.length).toBe(nonceSize + 13 + 16)
    const key = Buffer.from(
      ((await t.data('GET', 'export/encryption-key/k/1')).keys as Record<string, string>)['1']!,
      'base64',
    )
    expect(key.length).toBe(type === 'aes128-gcm96' ? 16 : 32)
    expect(openIndependently(type, key, payload)).toBe('hello transit')
    // Random nonces: the same plaintext twice gives different ciphertexts.
    const again = await t.data('POST', 'encrypt/k', { plaintext: b64('hello transit') })
    expect(again.ciphertext).not.toBe(ciphertext)
  })

  it('binds associated_data', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k', { type, exportable: true })
    const aad = b64('order-17')
    const { ciphertext } = await t.data('POST', 'encrypt/k', { plaintext: b64('x'), associated_data: aad })
    const key = Buffer.from(
      ((await t.data('GET', 'export/encryption-key/k')).keys as Record<string, string>)['1']!,
      'base64',
    )
    expect(openIndependently(type, key, payloadOf(ciphertext), Buffer.from('order-17'))).toBe('x')
    expect(
      unb64((await t.data('POST', 'decrypt/k', { ciphertext, associated_data: aad })).plaintext as string),
    ).toBe('x')
    const failure = type.startsWith('aes')
      ? 'cipher: message authentication failed'
      : 'chacha20poly1305: message authentication failed'
    for (const body of [{ ciphertext }, { ciphertext, associated_data: b64('order-18') }]) {
      const res = await t.call('POST', 'decrypt/k', body)
      expect(res.status).toBe(400)
      expect(errorOf(res)).toBe(failure)
    }
  })

  it('derived keys: HKDF-SHA256(key, salt ∅, info = context); a missing context is refused', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/d', { type, derived: true, exportable: true })
    const context = b64('tenant-7')
    const { ciphertext } = await t.data('POST', 'encrypt/d', { plaintext: b64('derived'), context })
    const key = Buffer.from(
      ((await t.data('GET', 'export/encryption-key/d')).keys as Record<string, string>)['1']!,
      'base64',
    )
    const derived = Buffer.from(
      nc.hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from('tenant-7'), key.length),
    )
    expect(openIndependently(type, derived, payloadOf(ciphertext))).toBe('derived')
    const missing = await t.call('POST', 'encrypt/d', { plaintext: b64('x') })
    expect(missing.status).toBe(400)
    expect(errorOf(missing)).toBe(
      "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key",
    )
    const wrongContext = await t.call('POST', 'decrypt/d', { ciphertext, context: b64('tenant-8') })
    expect(wrongContext.status).toBe(400)
  })

  it('convergent keys: same plaintext and context → same ciphertext; nonce = HMAC-SHA256(k[enc:enc+32], pt)', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/c', { type, derived: true, convergent_encryption: true, exportable: true })
    const context = b64('ctx')
    const a = await t.data('POST', 'encrypt/c', { plaintext: b64('same'), context })
    const b = await t.data('POST', 'encrypt/c', { plaintext: b64('same'), context })
    const other = await t.data('POST', 'encrypt/c', { plaintext: b64('same'), context: b64('ctx2') })
    expect(a.ciphertext).toBe(b.ciphertext)
    expect(other.ciphertext).not.toBe(a.ciphertext)
    const key = Buffer.from(
      ((await t.data('GET', 'export/encryption-key/c')).keys as Record<string, string>)['1']!,
      'base64',
    )
    const enc = key.length
    const k = Buffer.from(nc.hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from('ctx'), enc + 32))
    const nonce = nc.createHmac('sha256', k.subarray(enc)).update('same').digest().subarray(0, nonceSize)
    expect(payloadOf(a.ciphertext).subarray(0, nonceSize)).toEqual(nonce)
    expect(openIndependently(type, k.subarray(0, enc), payloadOf(a.ciphertext))).toBe('same')
    const withNonce = await t.call('POST', 'encrypt/c', {
      plaintext: b64('same'),
      context,
      nonce: b64('123456789012'),
    })
    expect(errorOf(withNonce)).toBe('provided nonce not allowed for this key')
  })
})

describe('RSA encryption', () => {
  it('RSA-OAEP(SHA-256) by default, PKCS #1 v1.5 on request; no nonce in the payload', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/r', { type: 'rsa-2048', exportable: true })
    const { ciphertext } = await t.data('POST', 'encrypt/r', { plaintext: b64('rsa secret') })
    expect(payloadOf(ciphertext).length).toBe(256)
    const pem = ((await t.data('GET', 'export/encryption-key/r')).keys as Record<string, string>)['1']!
    expect(pem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true)
    const opened = nc.privateDecrypt(
      { key: pem, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      payloadOf(ciphertext),
    )
    expect(opened.toString()).toBe('rsa secret')
    const pkcs = await t.data('POST', 'encrypt/r', { plaintext: b64('v15'), padding_scheme: 'pkcs1v15' })
    expect(
      unb64(
        (await t.data('POST', 'decrypt/r', { ciphertext: pkcs.ciphertext, padding_scheme: 'pkcs1v15' }))
          .plaintext as string,
      ),
    ).toBe('v15')
    const bad = await t.call('POST', 'encrypt/r', { plaintext: b64('x'), padding_scheme: 'foo' })
    expect(errorOf(bad)).toBe("'[0].padding_scheme' invalid: unknown padding scheme: foo")
    const aad = await t.call('POST', 'encrypt/r', { plaintext: b64('x'), associated_data: b64('a') })
    expect(aad.status).toBe(400)
    expect(errorOf(aad)).toBe("'[0].associated_data' provided for non-AEAD cipher suite rsa-2048")
    const corrupt = payloadOf(ciphertext)
    corrupt[10]! ^= 1
    const failed = await t.call('POST', 'decrypt/r', { ciphertext: `vault:v1:${corrupt.toString('base64')}` })
    expect(failed.status).toBe(500)
    expect(errorOf(failed)).toBe(multi('failed to RSA decrypt the ciphertext: crypto/rsa: decryption error'))
  })
})

describe('versions', () => {
  it('key_version picks the version; out-of-range versions have Vault’s wording', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    await t.data('POST', 'keys/k/rotate')
    await t.data('POST', 'keys/k/rotate')
    const v1 = await t.data('POST', 'encrypt/k', { plaintext: b64('x'), key_version: 1 })
    expect(v1).toMatchObject({ key_version: 1 })
    expect(v1.ciphertext).toMatch(/^vault:v1:/)
    const expectError = async (body: Record<string, unknown>, message: string) => {
      const res = await t.call('POST', 'encrypt/k', { plaintext: b64('x'), ...body })
      expect(res.status).toBe(400)
      expect(errorOf(res)).toBe(message)
    }
    await expectError({ key_version: -1 }, 'requested version for encryption is negative')
    await expectError(
      { key_version: 4 },
      'requested version for encryption is higher than the latest key version',
    )
    await t.data('POST', 'keys/k/config', { min_encryption_version: 2 })
    await expectError(
      { key_version: 1 },
      'requested version for encryption is less than the minimum encryption key version',
    )
  })

  it('vault:v0: is read as version 1', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const { ciphertext } = await t.data('POST', 'encrypt/k', { plaintext: b64('zero') })
    const v0 = (ciphertext as string).replace('vault:v1:', 'vault:v0:')
    expect(unb64((await t.data('POST', 'decrypt/k', { ciphertext: v0 })).plaintext as string)).toBe('zero')
  })

  it.each([
    ['nope', 'invalid ciphertext: no prefix'],
    ['vault:vabc', 'invalid ciphertext: wrong number of fields'],
    ['vault:vX:abc', 'invalid ciphertext: version number could not be decoded'],
    ['vault:v9:abcd', 'invalid ciphertext: version is too new'],
    ['vault:v1:!!!!', 'invalid ciphertext: could not decode base64'],
    ['vault:v1:AAAA', 'invalid ciphertext length'],
    [`vault:v1:${Buffer.alloc(20).toString('base64')}`, 'cipher: message authentication failed'],
  ])('decrypt %s → 400 %s', async (ciphertext, message) => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const res = await t.call('POST', 'decrypt/k', { ciphertext })
    expect(res.status).toBe(400)
    expect(errorOf(res)).toBe(message)
  })
})

describe('encrypt/decrypt request errors and upsert', () => {
  it('missing fields, bad base64 and wrong key types', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    await t.data('POST', 'keys/sig', { type: 'ed25519' })
    const cases: [string, Record<string, unknown>, string][] = [
      ['encrypt/k', {}, 'missing plaintext to encrypt'],
      ['encrypt/k', { plaintext: 'abc' }, 'illegal base64 data at input byte 0'],
      ['encrypt/k', { plaintext: 'YWJjZA' }, 'illegal base64 data at input byte 4'],
      ['decrypt/k', {}, 'missing ciphertext to decrypt'],
      ['decrypt/none', { ciphertext: 'vault:v1:AAAA' }, 'encryption key not found'],
      ['encrypt/sig', { plaintext: b64('x') }, 'message encryption not supported for key type ed25519'],
      [
        'decrypt/sig',
        { ciphertext: 'vault:v1:AAAA' },
        'message decryption not supported for key type ed25519',
      ],
      [
        'encrypt/k',
        { plaintext: b64('x'), nonce: b64('123456789012') },
        'provided nonce not allowed for this key',
      ],
      [
        'encrypt/k',
        { plaintext: b64('x'), padding_scheme: 'oaep' },
        "'[0].padding_scheme' invalid: unsupported key type aes256-gcm96 for padding scheme",
      ],
    ]
    for (const [path, body, message] of cases) {
      const res = await t.call('POST', path, body)
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400)
      expect(errorOf(res)).toBe(message)
    }
  })

  it('upsert: encrypt creates a missing key (derived when context is given), per Vault’s rules', async () => {
    const t = await transitVault()
    const res = await t.call('POST', 'encrypt/new', {
      plaintext: b64('x'),
      context: b64('c'),
      type: 'chacha20-poly1305',
    })
    expect(res.status).toBe(200)
    expect(await t.data('GET', 'keys/new')).toMatchObject({ type: 'chacha20-poly1305', derived: true })
    const errors: [Record<string, unknown>, string][] = [
      [{ type: 'ecdsa-p256' }, 'key type ecdsa-p256 not supported for this operation'],
      [{ type: 'ed25519' }, 'unknown key type ed25519'],
      [
        { convergent_encryption: true },
        'convergent encryption requires derivation to be enabled, so context is required',
      ],
    ]
    for (const [body, message] of errors) {
      const r = await t.call('POST', 'encrypt/other', { plaintext: b64('x'), ...body })
      expect(r.status).toBe(400)
      expect(errorOf(r)).toBe(message)
    }
    await t.data('POST', 'config/keys', { disable_upsert: true })
    expect(await t.data('GET', 'config/keys')).toEqual({ disable_upsert: true })
    const off = await t.call('POST', 'encrypt/third', { plaintext: b64('x') })
    expect(off.status).toBe(400)
    expect(errorOf(off)).toBe('encryption key not found')
  })

  it('upsert needs the create capability: a token with only update on encrypt/* gets 403', async () => {
    const t = await transitVault()
    await t.vault.request({
      method: 'PUT',
      path: 'sys/policies/acl/enc',
      data: { policy: 'path "transit/encrypt/*" { capabilities = ["update"] }' },
      token: 'root',
    })
    const token = (
      await t.vault.request({
        method: 'POST',
        path: 'auth/token/create',
        data: { policies: ['enc'] },
        token: 'root',
      })
    ).auth!.client_token
    const denied = await t.vault.handle({
      method: 'POST',
      path: 'transit/encrypt/fresh',
      data: { plaintext: b64('x') },
      token,
    })
    expect(denied.status).toBe(403)
    await t.data('POST', 'keys/fresh')
    const ok = await t.vault.handle({
      method: 'POST',
      path: 'transit/encrypt/fresh',
      data: { plaintext: b64('x') },
      token,
    })
    expect(ok.status).toBe(200)
  })
})

describe('batches', () => {
  it('partial failure answers 400 with per-item errors and references; partial_failure_response_code overrides', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const batch_input = [
      { plaintext: b64('one'), reference: 'a' },
      { plaintext: 'not base64!', reference: 'b' },
      { plaintext: b64('three'), reference: 'c' },
    ]
    const res = await t.call('POST', 'encrypt/k', { batch_input })
    expect(res.status).toBe(400)
    const results = (res.body!.data as { batch_results: Record<string, unknown>[] }).batch_results
    expect(Object.keys(results[0]!)).toEqual(['ciphertext', 'key_version', 'reference'])
    expect(results[1]).toEqual({ error: 'illegal base64 data at input byte 3', reference: 'b' })
    expect(results[2]!.reference).toBe('c')
    expect(res.body!.request_id).toBeTypeOf('string')
    const overridden = await t.call('POST', 'encrypt/k', { batch_input, partial_failure_response_code: 207 })
    expect(overridden.status).toBe(207)
    const invalid = await t.call('POST', 'encrypt/k', { batch_input, partial_failure_response_code: 700 })
    expect(invalid.status).toBe(400)
    expect(invalid.body!.warnings).toEqual([
      'invalid HTTP response code override from partial_failure_response_code, reverting to 400',
    ])
    // All items failing: the override does not apply.
    const allBad = await t.call('POST', 'encrypt/k', {
      batch_input: [{ plaintext: '!' }],
      partial_failure_response_code: 207,
    })
    expect(allBad.status).toBe(400)
    // Decrypt: one bad ciphertext among good ones.
    const good = results[0]!.ciphertext as string
    const dec = await t.call('POST', 'decrypt/k', {
      batch_input: [{ ciphertext: good, reference: 'x' }, { ciphertext: 'vault:v1:AAAA' }],
    })
    expect(dec.status).toBe(400)
    expect((dec.body!.data as { batch_results: unknown[] }).batch_results).toEqual([
      { plaintext: b64('one'), reference: 'x' },
      { plaintext: '', error: 'invalid ciphertext length', reference: '' },
    ])
    // Internal errors only: 500.
    const internal = await t.call('POST', 'encrypt/k', {
      batch_input: [{ plaintext: b64('x'), associated_data: '!!' }],
    })
    expect(internal.status).toBe(500)
  })

  it('batch input errors have Vault’s statuses and wording', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const mixed = await t.call('POST', 'encrypt/k', {
      batch_input: [{ plaintext: b64('a'), context: b64('c') }, { plaintext: b64('b') }],
    })
    expect(mixed.status).toBe(400)
    expect(errorOf(mixed)).toBe('context should be set either in all the request blocks or in none')
    const empty = await t.call('POST', 'encrypt/k', { batch_input: [] })
    expect(errorOf(empty)).toBe('missing batch input to process')
    const notList = await t.call('POST', 'encrypt/k', { batch_input: { plaintext: 'x' } })
    expect(notList.status).toBe(500)
    expect(errorOf(notList)).toBe(
      multi(
        'failed to parse batch input: source data must be an array or slice, got map[string]interface {}',
      ),
    )
    const missing = await t.call('POST', 'encrypt/k', { batch_input: [{ context: 5 }] })
    expect(errorOf(missing)).toBe(
      multi(
        "failed to parse batch input: 2 error(s) decoding:\n\n* '[0].context' expected type 'string', got unconvertible type 'json.Number'\n* '[0].plaintext' missing plaintext to encrypt",
      ),
    )
  })

  it('a batch of 1,000 round-trips through encrypt, rewrap and decrypt', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const batch = Array.from({ length: 1000 }, (_, i) => ({
      plaintext: b64(`item-${i}`),
      reference: String(i),
    }))
    const enc = (await t.data('POST', 'encrypt/k', { batch_input: batch })).batch_results as {
      ciphertext: string
    }[]
    expect(enc).toHaveLength(1000)
    await t.data('POST', 'keys/k/rotate')
    const rewrapped = (
      await t.data('POST', 'rewrap/k', { batch_input: enc.map((e) => ({ ciphertext: e.ciphertext })) })
    ).batch_results as { ciphertext: string; key_version: number }[]
    expect(rewrapped.every((r) => r.key_version === 2 && r.ciphertext.startsWith('vault:v2:'))).toBe(true)
    const dec = (
      await t.data('POST', 'decrypt/k', { batch_input: rewrapped.map((r) => ({ ciphertext: r.ciphertext })) })
    ).batch_results as { plaintext: string }[]
    expect(dec.map((d) => unb64(d.plaintext))).toEqual(batch.map((_, i) => `item-${i}`))
  })
})

describe('rewrap', () => {
  it('moves old ciphertext to the latest or a given version; batches answer 200 with item errors', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const { ciphertext } = await t.data('POST', 'encrypt/k', { plaintext: b64('secret') })
    await t.data('POST', 'keys/k/rotate')
    await t.data('POST', 'keys/k/rotate')
    const toV2 = await t.data('POST', 'rewrap/k', { ciphertext, key_version: 2 })
    expect(toV2).toMatchObject({ key_version: 2 })
    expect(toV2.ciphertext).toMatch(/^vault:v2:/)
    const batch = await t.call('POST', 'rewrap/k', {
      batch_input: [{ ciphertext }, { ciphertext: 'junk', reference: 'r' }],
    })
    expect(batch.status).toBe(200)
    const results = (batch.body!.data as { batch_results: Record<string, unknown>[] }).batch_results
    expect(results[0]).toMatchObject({ key_version: 3 })
    expect(results[1]).toEqual({ error: 'invalid ciphertext: no prefix', reference: 'r' })
    expect(errorOf(await t.call('POST', 'rewrap/k', {}))).toBe('missing ciphertext to decrypt')
    expect(errorOf(await t.call('POST', 'rewrap/none', { ciphertext }))).toBe('encryption key not found')
  })
})

describe('datakey', () => {
  it('plaintext and wrapped data keys of 128/256/512 bits decrypt to the key', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    for (const bits of [128, 256, 512]) {
      const dk = await t.data('POST', 'datakey/plaintext/k', { bits })
      expect(Object.keys(dk)).toEqual(['ciphertext', 'key_version', 'plaintext'])
      expect(Buffer.from(dk.plaintext as string, 'base64').length).toBe(bits / 8)
      expect((await t.data('POST', 'decrypt/k', { ciphertext: dk.ciphertext })).plaintext).toBe(dk.plaintext)
    }
    const wrapped = await t.data('POST', 'datakey/wrapped/k')
    expect(wrapped.plaintext).toBeUndefined()
    expect(wrapped.key_version).toBe(1)
    const cases: [string, Record<string, unknown>, string][] = [
      ['datakey/plaintext/k', { bits: 100 }, 'invalid bit length'],
      ['datakey/both/k', {}, "Invalid path, must be 'plaintext' or 'wrapped'"],
      ['datakey/wrapped/none', {}, 'encryption key not found'],
      ['datakey/wrapped/k', { context: '!' }, 'failed to base64-decode context'],
    ]
    for (const [path, body, message] of cases) {
      const res = await t.call('POST', path, body)
      expect(res.status).toBe(400)
      expect(errorOf(res)).toBe(message)
    }
  })
})
