// export, backup/restore, and bring-your-own-key import (RSA-OAEP + AES-KWP wrapping built here with
// node:crypto's own `id-aes256-wrap-pad`, independently of the engine).
import * as nc from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { nobleCrypto } from '../../../src/crypto/noble.js'
import { b64, errorOf, multi, transitVault, unb64 } from './helpers.js'

type Harness = Awaited<ReturnType<typeof transitVault>>

const keysOf = async (t: Harness, path: string) => (await t.data('GET', path)).keys as Record<string, string>

describe('export', () => {
  it('exports each key type in Go’s default formats', async () => {
    const t = await transitVault()
    for (const type of ['aes256-gcm96', 'ed25519', 'ecdsa-p384', 'rsa-2048']) {
      await t.data('POST', `keys/${type}`, { type, exportable: true })
    }
    expect(Buffer.from((await keysOf(t, 'export/encryption-key/aes256-gcm96'))['1']!, 'base64').length).toBe(
      32,
    )
    const ed = Buffer.from((await keysOf(t, 'export/signing-key/ed25519'))['1']!, 'base64')
    expect(ed.length).toBe(64)
    const edPub = (await keysOf(t, 'export/public-key/ed25519'))['1']!
    expect(Buffer.from(edPub, 'base64')).toEqual(ed.subarray(32))
    const ec = (await keysOf(t, 'export/signing-key/ecdsa-p384/latest'))['1']!
    expect(ec).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+-----END EC PRIVATE KEY-----$/)
    const ecKey = nc.createPrivateKey(ec)
    expect(ecKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1')
    const ecPub = (await keysOf(t, 'export/public-key/ecdsa-p384/v1'))['1']!
    expect(nc.createPublicKey(ecKey).export({ format: 'pem', type: 'spki' }).toString().trim()).toBe(ecPub)
    const rsa = (await keysOf(t, 'export/signing-key/rsa-2048'))['1']!
    expect(rsa).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+-----END RSA PRIVATE KEY-----\n$/)
    expect(nc.createPrivateKey(rsa).asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect((await keysOf(t, 'export/encryption-key/rsa-2048'))['1']).toBe(rsa)
    const rsaPub = (await keysOf(t, 'export/public-key/rsa-2048'))['1']!
    expect(rsaPub).toBe(nc.createPublicKey(rsa).export({ format: 'pem', type: 'spki' }).toString())
  })

  it('public keys export without exportable; errors have Vault’s statuses and wording', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/aes')
    await t.data('POST', 'keys/ed', { type: 'ed25519' })
    await t.data('POST', 'keys/x', { exportable: true, type: 'ed25519' })
    await t.data('POST', 'keys/x/rotate')
    await t.data('POST', 'keys/x/config', { min_decryption_version: 2 })
    expect(Object.keys(await keysOf(t, 'export/public-key/ed'))).toEqual(['1'])
    const cases: [string, number, string][] = [
      ['export/encryption-key/aes', 400, 'private key material is not exportable'],
      ['export/bogus/aes', 400, 'invalid export type: bogus'],
      ['export/encryption-key/x', 400, 'encryption not supported for the key'],
      ['export/signing-key/x/v1', 400, 'version for export is below minimum decryption version'],
      ['export/signing-key/x/9', 400, 'version does not exist or cannot be found'],
      ['export/signing-key/x/abc', 400, 'invalid key version'],
      ['export/public-key/aes', 500, multi('unknown key type aes256-gcm96 for export type public-key')],
    ]
    for (const [path, status, message] of cases) {
      const res = await t.call('GET', path)
      expect(res.status, path).toBe(status)
      expect(errorOf(res)).toBe(message)
    }
    expect((await t.call('GET', 'export/public-key/missing')).status).toBe(404)
  })
})

describe('backup and restore', () => {
  it('round-trips every version and records backup_info / restore_info', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const v1 = await t.data('POST', 'encrypt/k', { plaintext: b64('one') })
    await t.data('POST', 'keys/k/rotate')
    await t.data('POST', 'keys/k/config', { min_decryption_version: 2 })
    const refused = await t.call('GET', 'backup/k')
    expect(refused.status).toBe(500)
    expect(errorOf(refused)).toBe(multi('exporting is disallowed on the policy'))
    await t.data('POST', 'keys/k/config', { exportable: true })
    expect(errorOf(await t.call('GET', 'backup/k'))).toBe(
      multi('plaintext backup is disallowed on the policy'),
    )
    await t.data('POST', 'keys/k/config', { allow_plaintext_backup: true })
    const { backup } = await t.data('GET', 'backup/k')
    expect((await t.data('GET', 'keys/k')).backup_info).toEqual({ time: '2024-01-01T00:00:00Z', version: 2 })

    expect((await t.call('POST', 'restore/copy', { backup })).status).toBe(204)
    const copy = await t.data('GET', 'keys/copy')
    expect(copy).toMatchObject({ name: 'copy', latest_version: 2, min_decryption_version: 2 })
    expect(copy.restore_info).toEqual({ time: '2024-01-01T00:00:00Z', version: 2 })
    // Version 1 came along in the archive.
    await t.data('POST', 'keys/copy/config', { min_decryption_version: 1 })
    expect(
      unb64((await t.data('POST', 'decrypt/copy', { ciphertext: v1.ciphertext })).plaintext as string),
    ).toBe('one')

    const exists = await t.call('POST', 'restore', { backup })
    expect(exists.status).toBe(500)
    expect(errorOf(exists)).toBe(multi('key "k" already exists'))
    expect((await t.call('POST', 'restore', { backup, force: true })).status).toBe(204)
    expect(errorOf(await t.call('POST', 'restore', {}))).toBe("'backup' must be supplied")
    expect(errorOf(await t.call('POST', 'restore', { backup: 'abc' }))).toBe(
      multi('illegal base64 data at input byte 0'),
    )
  })
})

/** Builds Vault's BYOK `ciphertext` for `target`: RSA-OAEP(ephemeral AES-256) ‖ KWP(target). */
async function wrapForImport(t: Harness, target: Buffer, hash = 'sha256'): Promise<string> {
  const { public_key } = await t.data('GET', 'wrapping_key')
  const wrappingKey = nc.createPublicKey(public_key as string)
  expect(wrappingKey.asymmetricKeyDetails?.modulusLength).toBe(4096)
  const ephemeral = nc.randomBytes(32)
  const wrappedKey = nc.publicEncrypt(
    { key: wrappingKey, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
    ephemeral,
  )
  const kwp = nc.createCipheriv('id-aes256-wrap-pad', ephemeral, Buffer.from('a65959a6', 'hex'))
  const wrappedTarget = Buffer.concat([kwp.update(target), kwp.final()])
  return Buffer.concat([wrappedKey, wrappedTarget]).toString('base64')
}

describe('bring your own key', () => {
  it('imports symmetric, Ed25519, ECDSA and RSA keys that then work as their type', async () => {
    const t = await transitVault()
    // AES-256: our ciphertext decrypts with the key we imported.
    const aes = nc.randomBytes(32)
    expect(
      (
        await t.call('POST', 'keys/aes/import', {
          ciphertext: await wrapForImport(t, aes),
          type: 'aes256-gcm96',
        })
      ).status,
    ).toBe(204)
    const info = await t.data('GET', 'keys/aes')
    expect(info).toMatchObject({ imported_key: true, imported_key_allow_rotation: false, latest_version: 1 })
    const { ciphertext } = await t.data('POST', 'encrypt/aes', { plaintext: b64('byok') })
    const payload = Buffer.from((ciphertext as string).slice(9), 'base64')
    const d = nc.createDecipheriv('aes-256-gcm', aes, payload.subarray(0, 12))
    d.setAuthTag(payload.subarray(payload.length - 16))
    expect(Buffer.concat([d.update(payload.subarray(12, payload.length - 16)), d.final()]).toString()).toBe(
      'byok',
    )
    const rotate = await t.call('POST', 'keys/aes/rotate')
    expect(rotate.status).toBe(500)
    expect(errorOf(rotate)).toBe(multi('imported key aes does not allow rotation within Vault'))

    // Ed25519 from PKCS #8, with SHA-1 as the OAEP hash.
    const ed = nc.generateKeyPairSync('ed25519')
    const edDer = ed.privateKey.export({ format: 'der', type: 'pkcs8' })
    await t.data('POST', 'keys/ed/import', {
      ciphertext: await wrapForImport(t, edDer, 'sha1'),
      type: 'ed25519',
      hash_function: 'SHA1',
    })
    const sig = await t.data('POST', 'sign/ed', { input: b64('signed') })
    expect(
      nc.verify(
        null,
        Buffer.from('signed'),
        ed.publicKey,
        Buffer.from((sig.signature as string).slice(9), 'base64'),
      ),
    ).toBe(true)

    // ECDSA P-256.
    const ec = nc.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    await t.data('POST', 'keys/ec/import', {
      ciphertext: await wrapForImport(t, ec.privateKey.export({ format: 'der', type: 'pkcs8' })),
      type: 'ecdsa-p256',
    })
    const ecSig = await t.data('POST', 'sign/ec', { input: b64('ec') })
    expect(
      nc.verify(
        'sha256',
        Buffer.from('ec'),
        ec.publicKey,
        Buffer.from((ecSig.signature as string).slice(9), 'base64'),
      ),
    ).toBe(true)

    // RSA-2048: a ciphertext made outside decrypts inside.
    const rsa = nc.generateKeyPairSync('rsa', { modulusLength: 2048 })
    await t.data('POST', 'keys/rsa/import', {
      ciphertext: await wrapForImport(t, rsa.privateKey.export({ format: 'der', type: 'pkcs8' })),
      type: 'rsa-2048',
      allow_rotation: true,
    })
    const outside = nc.publicEncrypt(
      { key: rsa.publicKey, padding: nc.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from('in'),
    )
    expect(
      unb64(
        (await t.data('POST', 'decrypt/rsa', { ciphertext: `vault:v1:${outside.toString('base64')}` }))
          .plaintext as string,
      ),
    ).toBe('in')
    // allow_rotation lets Vault rotate it.
    expect((await t.data('POST', 'keys/rsa/rotate')).latest_version).toBe(2)

    // HMAC keys keep their size.
    await t.data('POST', 'keys/mac/import', {
      ciphertext: await wrapForImport(t, nc.randomBytes(40)),
      type: 'hmac',
    })
    expect((await t.data('GET', 'keys/mac')).key_size).toBe(40)
  })

  it('public-key import, then the private half through import_version', async () => {
    const t = await transitVault()
    const ec = nc.generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const pem = ec.publicKey.export({ format: 'pem', type: 'spki' }).toString()
    await t.data('POST', 'keys/ec/import', { public_key: pem, type: 'ecdsa-p384' })
    const info = await t.data('GET', 'keys/ec')
    expect((info.keys as Record<string, { public_key: string }>)['1']!.public_key).toBe(pem)
    const sig = nc.sign('sha384', Buffer.from('x'), ec.privateKey)
    expect(
      await t.data('POST', 'verify/ec/sha2-384', {
        input: b64('x'),
        signature: `vault:v1:${sig.toString('base64')}`,
      }),
    ).toEqual({ valid: true })
    const cannot = await t.call('POST', 'sign/ec', { input: b64('x') })
    expect(cannot.status).toBe(500)
    expect(errorOf(cannot)).toBe(multi('requested version for signing does not contain a private part'))
    const wrongPair = nc
      .generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
    const mismatch = await t.call('POST', 'keys/ec/import_version', {
      ciphertext: await wrapForImport(t, wrongPair),
      version: 1,
    })
    expect(errorOf(mismatch)).toBe(multi('cannot import key, key pair does not match'))
    const right = ec.privateKey.export({ format: 'der', type: 'pkcs8' })
    expect(
      (
        await t.call('POST', 'keys/ec/import_version', {
          ciphertext: await wrapForImport(t, right),
          version: 1,
        })
      ).status,
    ).toBe(204)
    const signed = await t.data('POST', 'sign/ec/sha2-384', { input: b64('x') })
    expect(
      nc.verify(
        'sha384',
        Buffer.from('x'),
        ec.publicKey,
        Buffer.from((signed.signature as string).slice(9), 'base64'),
      ),
    ).toBe(true)
    expect(
      errorOf(
        await t.call('POST', 'keys/ec/import_version', {
          ciphertext: await wrapForImport(t, right),
          version: 1,
        }),
      ),
    ).toBe(multi('private key imported, key version cannot be updated'))
  })

  it('refuses what Vault refuses', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/native')
    const aes = nc.randomBytes(32)
    const cases: [string, Record<string, unknown>, number, string][] = [
      [
        'keys/n/import',
        { ciphertext: 'x', convergent_encryption: true },
        500,
        multi('import cannot be used on keys with convergent encryption enabled'),
      ],
      [
        'keys/n/import',
        { ciphertext: 'x', auto_rotate_period: '2h' },
        500,
        multi('allow_rotation must be set to true if auto-rotation is enabled'),
      ],
      ['keys/n/import', { ciphertext: 'x', type: 'des' }, 400, 'unknown key type: des'],
      [
        'keys/native/import',
        { ciphertext: 'x' },
        500,
        multi(
          'the import path cannot be used with an existing key; use import-version to rotate an existing imported key',
        ),
      ],
      ['keys/n/import', { ciphertext: b64('short') }, 500, multi('provided ciphertext is too short')],
      ['keys/n/import', { ciphertext: 'x', hash_function: 'MD5' }, 400, 'unknown hash function: MD5'],
      [
        'keys/n/import',
        { public_key: 'not pem', type: 'ecdsa-p256' },
        500,
        multi('error importing key: error parsing public key: not in PEM format'),
      ],
      [
        'keys/n/import',
        { public_key: 'x', type: 'aes256-gcm96' },
        500,
        multi('provided type does not support public_key import'),
      ],
      [
        'keys/native/import_version',
        { ciphertext: 'x' },
        500,
        multi('the import_version endpoint can only be used with an imported key'),
      ],
      [
        'keys/none/import_version',
        { ciphertext: 'x' },
        500,
        multi('no key found with name none; to import a new key, use the import/ endpoint'),
      ],
    ]
    for (const [path, body, status, message] of cases) {
      const res = await t.call('POST', path, body)
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status)
      expect(errorOf(res)).toBe(message)
    }
    const short = await t.call('POST', 'keys/n/import', {
      ciphertext: await wrapForImport(t, aes.subarray(0, 16)),
    })
    expect(errorOf(short)).toBe(
      multi('error importing key: invalid key size 16 bytes for key type aes256-gcm96'),
    )
    const ec = nc
      .generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
    const wrongType = await t.call('POST', 'keys/n/import', {
      ciphertext: await wrapForImport(t, ec),
      type: 'rsa-2048',
    })
    expect(errorOf(wrongType)).toBe(
      multi('error importing key: invalid key type: expected rsa-2048, got *ecdsa.PrivateKey'),
    )
    const wrongCurve = await t.call('POST', 'keys/n/import', {
      ciphertext: await wrapForImport(t, ec),
      type: 'ecdsa-p521',
    })
    expect(errorOf(wrongCurve)).toBe(multi('error importing key: invalid curve: expected P-521, got P-256'))
  })
})

describe('the noble provider serves the same engine (Web Crypto for RSA)', () => {
  it('reads a node-provider backup byte for byte, and RSA works through Web Crypto', async () => {
    const node = await transitVault()
    await node.data('POST', 'keys/k', {
      type: 'chacha20-poly1305',
      exportable: true,
      allow_plaintext_backup: true,
    })
    const { ciphertext } = await node.data('POST', 'encrypt/k', { plaintext: b64('portable') })
    const { backup } = await node.data('GET', 'backup/k')
    const noble = await transitVault(nobleCrypto)
    await noble.data('POST', 'restore', { backup })
    expect(unb64((await noble.data('POST', 'decrypt/k', { ciphertext })).plaintext as string)).toBe(
      'portable',
    )
    await noble.data('POST', 'keys/r', { type: 'rsa-2048' })
    const enc = await noble.data('POST', 'encrypt/r', { plaintext: b64('webcrypto') })
    expect(
      unb64((await noble.data('POST', 'decrypt/r', { ciphertext: enc.ciphertext })).plaintext as string),
    ).toBe('webcrypto')
    const sig = await noble.data('POST', 'sign/r', { input: b64('m') })
    expect(await noble.data('POST', 'verify/r', { input: b64('m'), signature: sig.signature })).toEqual({
      valid: true,
    })
    // What Web Crypto cannot do surfaces as a server error naming it.
    const pre = await noble.call('POST', 'sign/r', { input: b64('x'.repeat(32)), prehashed: true })
    expect(pre.status).toBe(500)
    expect(errorOf(pre)).toMatch(/^1 error occurred:\n\t\* unsupported: RSA signing of a prehashed digest/)
  })
})

describe('byok-export: migrating keys between clusters without plaintext', () => {
  it.each(['aes256-gcm96', 'ed25519', 'ecdsa-p256', 'rsa-2048', 'hmac'])(
    '%s: exported for the other mount’s wrapping key, imported there, works the same',
    async (type) => {
      const a = await transitVault()
      const b = await transitVault()
      await a.data('POST', 'keys/src', {
        type,
        exportable: true,
        ...(type === 'hmac' ? { key_size: 32 } : {}),
      })
      // B's wrapping key, imported into A as a public key, is the destination.
      const { public_key } = await b.data('GET', 'wrapping_key')
      await a.data('POST', 'keys/b-wrapping/import', { type: 'rsa-4096', public_key })
      const exported = await a.data('GET', 'byok-export/b-wrapping/src/latest')
      expect(exported).toMatchObject({ name: 'src', type })
      const ciphertext = (exported.keys as Record<string, string>)['1']!
      expect((await b.call('POST', 'keys/dst/import', { type, ciphertext })).status).toBe(204)
      if (type === 'aes256-gcm96') {
        const { ciphertext: ct } = await a.data('POST', 'encrypt/src', { plaintext: b64('moved') })
        expect(unb64((await b.data('POST', 'decrypt/dst', { ciphertext: ct })).plaintext as string)).toBe(
          'moved',
        )
      } else if (type === 'hmac') {
        const mac = await a.data('POST', 'hmac/src', { input: b64('m') })
        expect(await b.data('POST', 'verify/dst', { input: b64('m'), hmac: mac.hmac })).toEqual({
          valid: true,
        })
      } else {
        const { signature } = await a.data('POST', 'sign/src', { input: b64('moved') })
        expect(await b.data('POST', 'verify/dst', { input: b64('moved'), signature })).toEqual({
          valid: true,
        })
      }
    },
  )

  it('refuses as Vault does', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    await t.data('POST', 'keys/rsa', { type: 'rsa-2048' })
    expect(errorOf(await t.call('GET', 'byok-export/none/k'))).toBe(
      multi('no such destination key to export to'),
    )
    expect(errorOf(await t.call('GET', 'byok-export/rsa/none'))).toBe(multi('no such source key for export'))
    const res = await t.call('GET', 'byok-export/rsa/k')
    expect(res.status).toBe(400)
    expect(errorOf(res)).toBe('key is not exportable')
    await t.data('POST', 'keys/k/config', { exportable: true })
    expect(errorOf(await t.call('GET', 'byok-export/k/k'))).toBe(
      multi('message signing not supported for key type aes256-gcm96'),
    )
  })
})
