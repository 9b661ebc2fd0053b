// keys/ endpoints: create per type, key info shapes, list, delete, config, rotate, trim, auto-rotation;
// every documented error with Vault's status and wording.
import { describe, expect, it } from 'vitest'
import type { LogicalRequest, Operation } from '../../../src/core/logical.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { createTransitBackend } from '../../../src/engines/transit/index.js'
import { MemoryStorage } from '../../../src/storage/memory.js'
import { StorageView } from '../../../src/storage/view.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import { b64, errorOf, multi, transitVault } from './helpers.js'

const SYMMETRIC = ['aes128-gcm96', 'aes256-gcm96', 'chacha20-poly1305', 'xchacha20-poly1305'] as const
const ASYMMETRIC = ['ed25519', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'rsa-2048'] as const

describe('keys/:name create and read', () => {
  it.each(SYMMETRIC)('%s: key info has Vault’s shape, keys map version → unix seconds', async (type) => {
    const t = await transitVault()
    const created = await t.call('POST', 'keys/k', { type })
    expect(created.status).toBe(200)
    const info = await t.data('GET', 'keys/k')
    expect(Object.keys(info)).toEqual([
      'allow_plaintext_backup',
      'auto_rotate_period',
      'deletion_allowed',
      'derived',
      'exportable',
      'imported_key',
      'keys',
      'latest_version',
      'min_available_version',
      'min_decryption_version',
      'min_encryption_version',
      'name',
      'supports_decryption',
      'supports_derivation',
      'supports_encryption',
      'supports_signing',
      'type',
    ])
    expect(info).toMatchObject({
      name: 'k',
      type,
      derived: false,
      latest_version: 1,
      min_decryption_version: 1,
      min_encryption_version: 0,
      min_available_version: 0,
      supports_encryption: true,
      supports_decryption: true,
      supports_derivation: true,
      supports_signing: false,
      auto_rotate_period: 0,
      imported_key: false,
    })
    expect(info.keys).toEqual({ '1': Math.floor(t.clock.now() / 1000) })
  })

  it.each(ASYMMETRIC)('%s: keys map version → public key info', async (type) => {
    const t = await transitVault()
    await t.data('POST', 'keys/k', { type })
    const info = await t.data('GET', 'keys/k')
    const v1 = (info.keys as Record<string, Record<string, string>>)['1']!
    expect(Object.keys(v1)).toEqual([
      'certificate_chain',
      'creation_time',
      'hybrid_public_key',
      'name',
      'public_key',
    ])
    expect(v1.creation_time).toBe('2024-01-01T00:00:00Z')
    expect(info.supports_signing).toBe(true)
    expect(info.supports_encryption).toBe(type.startsWith('rsa'))
    expect(info.supports_derivation).toBe(type === 'ed25519')
    if (type === 'ed25519') {
      expect(v1.name).toBe('ed25519')
      expect(Buffer.from(v1.public_key!, 'base64').length).toBe(32)
    } else if (type.startsWith('ecdsa')) {
      expect(v1.name).toBe(`P-${type.slice('ecdsa-p'.length)}`)
      expect(v1.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/)
    } else {
      expect(v1.name).toBe('rsa-2048')
      expect(v1.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
    }
  })

  it('hmac keys need key_size (as in Vault, 500 without it) and show no keys map', async () => {
    const t = await transitVault()
    const noSize = await t.call('POST', 'keys/h', { type: 'hmac' })
    expect(noSize.status).toBe(500)
    expect(errorOf(noSize)).toBe(multi('invalid key size for HMAC key, must be between 32 and 512 bytes'))
    const info = await t.data('POST', 'keys/h', { type: 'hmac', key_size: 64 })
    expect(info.key_size).toBe(64)
    expect(info.keys).toBeUndefined()
    expect(info).toMatchObject({
      supports_encryption: false,
      supports_decryption: false,
      supports_signing: false,
      supports_derivation: false,
    })
  })

  it('derived and convergent keys report kdf and the convergent version', async () => {
    const t = await transitVault()
    const info = await t.data('POST', 'keys/d', { derived: true, convergent_encryption: true })
    expect(info).toMatchObject({
      derived: true,
      kdf: 'hkdf_sha256',
      convergent_encryption: true,
      convergent_encryption_version: -1,
    })
    const plain = await t.data('POST', 'keys/e', { derived: true })
    expect(plain).toMatchObject({ kdf: 'hkdf_sha256', convergent_encryption: false })
    expect(plain.convergent_encryption_version).toBeUndefined()
  })

  it('a derived ed25519 key shows its public key only for a context', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/sig', { type: 'ed25519', derived: true })
    const without = await t.data('GET', 'keys/sig')
    expect((without.keys as Record<string, Record<string, string>>)['1']!.public_key).toBe('')
    const withCtx = await t.call('GET', 'keys/sig', { context: b64('tenant-1') })
    const pub = (
      (withCtx.body!.data as Record<string, unknown>).keys as Record<string, Record<string, string>>
    )['1']!
    expect(Buffer.from(pub.public_key!, 'base64').length).toBe(32)
    const bad = await t.call('GET', 'keys/sig', { context: '!!' })
    expect(bad.status).toBe(400)
    expect(errorOf(bad)).toBe('failed to base64-decode context')
  })

  it('creating an existing key returns it unchanged with Vault’s warning', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const again = await t.call('POST', 'keys/k', { type: 'ed25519' })
    expect(again.status).toBe(200)
    expect(again.body!.warnings).toEqual(['key k already existed'])
    expect((again.body!.data as Record<string, unknown>).type).toBe('aes256-gcm96')
  })

  it.each([
    [{ type: 'des' }, 400, 'unknown key type des'],
    [{ auto_rotate_period: '30m' }, 400, 'auto rotate period must be 0 to disable or at least an hour'],
    [{ convergent_encryption: true }, 400, 'convergent encryption requires derivation to be enabled'],
    [{ key_size: 64 }, 400, 'key_size is not valid for algorithm aes256-gcm96'],
    [{ type: 'hmac', key_size: 16 }, 400, 'invalid key_size 16'],
    [{ type: 'hmac', key_size: 513 }, 400, 'invalid key_size 513'],
    [
      { type: 'ecdsa-p256', derived: true },
      500,
      multi('key derivation and convergent encryption not supported for keys of type ecdsa-p256'),
    ],
    [
      { type: 'rsa-2048', derived: true },
      500,
      multi('key derivation and convergent encryption not supported for keys of type rsa-2048'),
    ],
    [
      { type: 'ed25519', derived: true, convergent_encryption: true },
      500,
      multi('convergent encryption not supported for keys of type ed25519'),
    ],
  ])('refuses %j with %i', async (body, status, message) => {
    const t = await transitVault()
    const res = await t.call('POST', 'keys/bad', body)
    expect(res.status).toBe(status)
    expect(errorOf(res)).toBe(message)
    expect((await t.call('GET', 'keys/bad')).status).toBe(404)
  })

  it('reading a missing key is 404', async () => {
    const t = await transitVault()
    const res = await t.call('GET', 'keys/nope')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ errors: [] })
  })
})

describe('LIST keys and DELETE keys/:name', () => {
  it('lists key names; empty is 404', async () => {
    const t = await transitVault()
    expect((await t.call('LIST', 'keys')).status).toBe(404)
    await t.data('POST', 'keys/b')
    await t.data('POST', 'keys/a')
    expect(await t.data('LIST', 'keys')).toEqual({ keys: ['a', 'b'] })
    expect(await t.client.listKeys()).toEqual(['a', 'b'])
  })

  it('deletes only with deletion_allowed, with Vault’s wording', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const refused = await t.call('DELETE', 'keys/k')
    expect(refused.status).toBe(400)
    expect(errorOf(refused)).toBe('error deleting policy k: deletion is not allowed for this key')
    await t.data('POST', 'keys/k/config', { deletion_allowed: true })
    expect((await t.call('DELETE', 'keys/k')).status).toBe(204)
    expect((await t.call('GET', 'keys/k')).status).toBe(404)
    const missing = await t.call('DELETE', 'keys/k')
    expect(missing.status).toBe(400)
    expect(errorOf(missing)).toBe('error deleting policy k: could not delete key; not found')
  })
})

describe('keys/:name/config', () => {
  it('sets versions and flags; exportable and allow_plaintext_backup are one-way', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    await t.data('POST', 'keys/k/rotate')
    await t.data('POST', 'keys/k/rotate')
    const info = await t.data('POST', 'keys/k/config', {
      min_decryption_version: 2,
      min_encryption_version: 3,
      exportable: true,
      allow_plaintext_backup: true,
      auto_rotate_period: '24h',
    })
    expect(info).toMatchObject({
      min_decryption_version: 2,
      min_encryption_version: 3,
      exportable: true,
      allow_plaintext_backup: true,
      auto_rotate_period: 86400,
    })
    expect(Object.keys(info.keys as object)).toEqual(['2', '3'])
    const still = await t.data('POST', 'keys/k/config', { exportable: false, allow_plaintext_backup: false })
    expect(still).toMatchObject({ exportable: true, allow_plaintext_backup: true })
    // Lowering min_decryption_version brings version 1 back from the archive.
    await t.data('POST', 'keys/k/config', { min_decryption_version: 1 })
    expect(Object.keys((await t.data('GET', 'keys/k')).keys as object)).toEqual(['1', '2', '3'])
  })

  it('min_decryption_version 0 is forced to 1 with Vault’s warning', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const res = await t.call('POST', 'keys/k/config', { min_decryption_version: 0 })
    expect(res.status).toBe(200)
    expect(res.body!.warnings).toEqual([
      'since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1',
    ])
  })

  it.each([
    [{ min_decryption_version: -1 }, 'min decryption version cannot be negative'],
    [{ min_decryption_version: 5 }, 'cannot set min decryption version of 5, latest key version is 2'],
    [{ min_encryption_version: -1 }, 'min encryption version cannot be negative'],
    [{ min_encryption_version: 3 }, 'cannot set min encryption version of 3, latest key version is 2'],
    [
      { min_decryption_version: 2, min_encryption_version: 1 },
      'cannot set min encryption/decryption values; min encryption version of 1 must be greater than or equal to min decryption version of 2',
    ],
    [{ auto_rotate_period: '59m' }, 'auto rotate period must be 0 to disable or at least an hour'],
  ])('refuses %j with 400', async (body, message) => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    await t.data('POST', 'keys/k/rotate')
    const res = await t.call('POST', 'keys/k/config', body)
    expect(res.status).toBe(400)
    expect(errorOf(res)).toBe(message)
    // Nothing changed.
    expect(await t.data('GET', 'keys/k')).toMatchObject({
      min_decryption_version: 1,
      min_encryption_version: 0,
    })
  })

  it('a missing key is 400 with Vault’s wording', async () => {
    const t = await transitVault()
    const res = await t.call('POST', 'keys/none/config', { deletion_allowed: true })
    expect(res.status).toBe(400)
    expect(errorOf(res)).toBe('no existing key named none could be found')
  })
})

describe('keys/:name/rotate and trim', () => {
  it('rotate adds a version; a missing key is 400 `key not found`', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k', { type: 'ed25519' })
    await t.clock.advance(5000)
    const info = await t.data('POST', 'keys/k/rotate')
    expect(info.latest_version).toBe(2)
    const keys = info.keys as Record<string, Record<string, string>>
    expect(keys['1']!.public_key).not.toBe(keys['2']!.public_key)
    expect(keys['2']!.creation_time).toBe('2024-01-01T00:00:05Z')
    const missing = await t.call('POST', 'keys/none/rotate')
    expect(missing.status).toBe(400)
    expect(errorOf(missing)).toBe('key not found')
  })

  it('trim deletes old versions for good; its preconditions have Vault’s wording', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const old = await t.data('POST', 'encrypt/k', { plaintext: b64('x') })
    for (let i = 0; i < 3; i++) await t.data('POST', 'keys/k/rotate')
    const expectTrim = async (body: Record<string, unknown>, message: string) => {
      const res = await t.call('POST', 'keys/k/trim', body)
      expect(res.status).toBe(400)
      expect(errorOf(res)).toBe(message)
    }
    await expectTrim({}, 'missing min_available_version')
    await expectTrim(
      { min_available_version: 2 },
      'minimum available version cannot be set when minimum encryption version is not set',
    )
    await t.data('POST', 'keys/k/config', { min_encryption_version: 3, min_decryption_version: 3 })
    await expectTrim(
      { min_available_version: 4 },
      'minimum available version cannot be greater than minmum encryption version',
    )
    await expectTrim({ min_available_version: 0 }, 'minimum available version should be positive')
    const trimmed = await t.data('POST', 'keys/k/trim', { min_available_version: 3 })
    expect(trimmed.min_available_version).toBe(3)
    await expectTrim({ min_available_version: 2 }, 'minimum available version cannot be decremented')
    // Versions 1 and 2 are gone: lowering min_decryption_version cannot bring them back.
    const lower = await t.call('POST', 'keys/k/config', { min_decryption_version: 1 })
    expect(lower.status).toBe(400)
    expect(errorOf(lower)).toBe('min decryption version should not be less then min available version')
    const refused = await t.call('POST', 'decrypt/k', { ciphertext: old.ciphertext })
    expect(errorOf(refused)).toBe('ciphertext or signature version is disallowed by policy (too old)')
    const missing = await t.call('POST', 'keys/none/trim', { min_available_version: 1 })
    expect(errorOf(missing)).toBe('invalid key name')
  })
})

describe('auto_rotate_period (injected clock)', () => {
  it('rotates a key on its next use once the period has passed', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k', { auto_rotate_period: '1h' })
    await t.clock.advance(3599_000)
    expect((await t.data('POST', 'encrypt/k', { plaintext: b64('a') })).key_version).toBe(1)
    await t.clock.advance(2_000)
    const enc = await t.data('POST', 'encrypt/k', { plaintext: b64('a') })
    expect(enc.key_version).toBe(2)
    expect((await t.data('GET', 'keys/k')).latest_version).toBe(2)
    // The new version restarts the period.
    await t.clock.advance(1800_000)
    expect((await t.data('GET', 'keys/k')).latest_version).toBe(2)
  })

  it('periodicFunc (a rollback request) rotates every due key, at most hourly', async () => {
    const { backend, storage, clock, request } = standaloneBackend()
    await request('update', 'keys/a', { auto_rotate_period: '1h' })
    await request('update', 'keys/b')
    await clock.advance(2 * 3600_000)
    const stored = async (name: string) =>
      ((await storage.getJSON(`policy/${name}`)) as { latest_version: number }).latest_version
    await backend.handleRequest({ ...baseRequest(storage), operation: 'rollback', path: '', data: {} })
    // Read storage directly: a read through the API would rotate on access anyway.
    expect(await stored('a')).toBe(2)
    expect(await stored('b')).toBe(1)
    // Checked at most once an hour of clock time.
    await clock.advance(3600_000 - 1)
    await backend.handleRequest({ ...baseRequest(storage), operation: 'rollback', path: '', data: {} })
    expect(await stored('a')).toBe(2)
    await clock.advance(2)
    await backend.handleRequest({ ...baseRequest(storage), operation: 'rollback', path: '', data: {} })
    expect(await stored('a')).toBe(3)
  })
})

function baseRequest(storage: StorageView): LogicalRequest {
  return {
    id: 'r',
    operation: 'read',
    path: '',
    mountPoint: 'transit/',
    mountType: 'transit',
    mountAccessor: 'transit_x',
    data: {},
    storage,
    clientToken: '',
    clientTokenAccessor: '',
    displayName: '',
    policies: [],
    headers: {},
  }
}

/** A transit backend over its own memory storage, driven directly (no core). */
function standaloneBackend() {
  const clock = new ManualClock()
  const storage = new StorageView(new MemoryStorage(), 'logical/x/')
  const backend = createTransitBackend({
    storage,
    system: { clock, crypto: nodeCrypto, defaultLeaseTtl: () => 0, maxLeaseTtl: () => 0 },
    mountPath: 'transit/',
    type: 'transit',
    uuid: 'x',
    accessor: 'transit_x',
    options: {},
  })
  const request = (operation: Operation, path: string, data: Record<string, unknown> = {}) =>
    backend.handleRequest({ ...baseRequest(storage), operation, path, data })
  return { backend, storage, clock, request }
}

describe('concurrency and sealing', () => {
  it('concurrent rotations and config changes serialize per key; encryption keeps working meanwhile', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/k')
    const writes = Array.from({ length: 20 }, () => t.data('POST', 'keys/k/rotate'))
    const configs = Array.from({ length: 5 }, (_, i) =>
      t.data('POST', 'keys/k/config', { deletion_allowed: i % 2 === 0 }),
    )
    const encrypts = Array.from({ length: 20 }, (_, i) =>
      t.data('POST', 'encrypt/k', { plaintext: b64(`m${i}`) }),
    )
    const [, , encrypted] = await Promise.all([
      Promise.all(writes),
      Promise.all(configs),
      Promise.all(encrypts),
    ])
    expect((await t.data('GET', 'keys/k')).latest_version).toBe(21)
    for (const [i, e] of encrypted.entries()) {
      expect((await t.data('POST', 'decrypt/k', { ciphertext: e.ciphertext })).plaintext).toBe(b64(`m${i}`))
    }
  })

  it('keys survive seal and unseal (they live in storage, behind the barrier); stored bytes are ciphertext', async () => {
    const { ManualClock: Clock } = await import('../../../src/testing/manual-clock.js')
    const { Vault } = await import('../../../src/index.node.js')
    const memory = new MemoryStorage()
    const vault = new Vault({ storage: memory, clock: new Clock() })
    if (!vault.engines.get('secret', 'transit'))
      vault.engines.register({ type: 'transit', kind: 'secret', factory: createTransitBackend })
    const init = await vault.init({ secretShares: 1, secretThreshold: 1 })
    await vault.unseal(init.keys[0]!)
    const token = init.rootToken
    await vault.request({ method: 'POST', path: 'sys/mounts/transit', data: { type: 'transit' }, token })
    await vault.request({ method: 'POST', path: 'transit/keys/k', data: { exportable: true }, token })
    const key = (await vault.request({ method: 'GET', path: 'transit/export/encryption-key/k/1', token }))
      .data!.keys as Record<string, string>
    const { data } = await vault.request({
      method: 'POST',
      path: 'transit/encrypt/k',
      data: { plaintext: b64('kept') },
      token,
    })
    // The raw key never appears in the storage adapter's bytes.
    const raw = Buffer.from(key['1']!, 'base64')
    for (const value of (memory as unknown as { data: Map<string, Uint8Array> }).data.values()) {
      expect(Buffer.from(value).includes(raw)).toBe(false)
      expect(Buffer.from(value).toString('latin1').includes(key['1']!)).toBe(false)
    }
    await vault.seal()
    await vault.unseal(init.keys[0]!)
    const dec = await vault.request({
      method: 'POST',
      path: 'transit/decrypt/k',
      data: { ciphertext: data!.ciphertext },
      token,
    })
    expect(dec.data!.plaintext).toBe(b64('kept'))
  })
})
