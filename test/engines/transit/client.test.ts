// TransitClient: every method over the in-process pipeline.
import { describe, expect, it } from 'vitest'
import { Plaintext } from '../../../src/engines/transit/client.js'
import { VaultError } from '../../../src/index.node.js'
import { transitVault } from './helpers.js'

describe('TransitClient', () => {
  it('creates, reads, lists, configures, rotates, trims and deletes keys', async () => {
    const { client } = await transitVault()
    const created = await client.createKey('orders', { exportable: true, allowPlaintextBackup: true })
    expect(created.latest_version).toBe(1)
    expect(await client.readKey('missing')).toBeNull()
    expect((await client.readKey('orders'))?.name).toBe('orders')
    expect(await client.listKeys()).toEqual(['orders'])
    expect((await client.rotate('orders')).latest_version).toBe(2)
    await client.configureKey('orders', { min_decryption_version: 2, min_encryption_version: 2 })
    expect((await client.trim('orders', 2)).min_available_version).toBe(2)
    await expect(client.deleteKey('orders')).rejects.toMatchObject({
      statusCode: 400,
      errors: ['error deleting policy orders: deletion is not allowed for this key'],
    })
    await client.configureKey('orders', { deletion_allowed: true })
    await client.deleteKey('orders')
    expect(await client.listKeys()).toEqual([])
  })

  it('encrypts text and bytes, decrypts to a Plaintext, rewraps, and batches with per-item errors', async () => {
    const { client } = await transitVault()
    await client.createKey('k')
    const { ciphertext, keyVersion } = await client.encrypt('k', 'card-4242')
    expect(keyVersion).toBe(1)
    const plain = await client.decrypt('k', ciphertext)
    expect(plain).toBeInstanceOf(Plaintext)
    expect(plain.text()).toBe('card-4242')
    const bytes = await client.encrypt('k', Uint8Array.of(0, 255, 7), { associatedData: 'aad' })
    expect([...(await client.decrypt('k', bytes.ciphertext, { associatedData: 'aad' }))]).toEqual([0, 255, 7])
    await client.rotate('k')
    expect((await client.rewrap('k', ciphertext)).ciphertext).toMatch(/^vault:v2:/)

    const results = await client.encryptBatch('k', [{ plaintext: 'a', reference: 'ra' }, { plaintext: 'b' }])
    expect(results.every((r) => r.ok)).toBe(true)
    const decrypted = await client.decryptBatch('k', [
      { ciphertext: (results[0] as { ciphertext: string }).ciphertext, reference: 'x' },
      { ciphertext: 'vault:v1:AAAA', reference: 'y' },
    ])
    expect(decrypted[0]).toMatchObject({ ok: true, reference: 'x' })
    expect(decrypted[0]!.ok && decrypted[0]!.plaintext.text()).toBe('a')
    expect(decrypted[1]).toEqual({ ok: false, error: 'invalid ciphertext length', reference: 'y' })
    const rewrapped = await client.rewrapBatch('k', [{ ciphertext }])
    expect(rewrapped[0]).toMatchObject({ ok: true, keyVersion: 2 })
  })

  it('derived keys take a context; errors are VaultErrors with Vault’s status and message', async () => {
    const { client } = await transitVault()
    await client.createKey('d', { derived: true })
    const { ciphertext } = await client.encrypt('d', 'x', { context: 'user-1' })
    expect((await client.decrypt('d', ciphertext, { context: 'user-1' })).text()).toBe('x')
    const err = await client.encrypt('d', 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err).toMatchObject({ statusCode: 400 })
  })

  it('data keys, signatures, HMACs, hashes, export, backup and restore', async () => {
    const { client } = await transitVault()
    await client.createKey('k', { exportable: true, allowPlaintextBackup: true })
    const dk = await client.dataKey('k', { bits: 128 })
    expect(dk.plaintext?.length).toBe(16)
    expect([...(await client.decrypt('k', dk.ciphertext))]).toEqual([...dk.plaintext!])
    expect((await client.dataKey('k', { plaintext: false })).plaintext).toBeUndefined()

    await client.createKey('sig', { type: 'ecdsa-p256' })
    const { signature } = await client.sign('sig', 'hello', { marshalingAlgorithm: 'jws' })
    expect(await client.verify('sig', 'hello', signature, { marshalingAlgorithm: 'jws' })).toBe(true)
    expect(await client.verify('sig', 'bye', signature, { marshalingAlgorithm: 'jws' })).toBe(false)
    const signed = await client.signBatch('sig', [{ input: 'a' }, { input: 'b', reference: '2' }])
    const verified = await client.verifyBatch(
      'sig',
      signed.map((s, i) => ({ input: ['a', 'b'][i]!, signature: (s as { signature: string }).signature })),
    )
    expect(verified.map((v) => v.ok && v.valid)).toEqual([true, true])

    const mac = await client.hmac('k', 'data')
    expect(await client.verifyHmac('k', 'data', mac)).toBe(true)
    const macs = await client.hmacBatch('k', [{ input: 'data' }])
    expect(macs[0]).toMatchObject({ ok: true, hmac: mac })
    expect(await client.hash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(Object.keys(await client.exportKey('encryption-key', 'k', 'latest'))).toEqual(['1'])
    const backup = await client.backup('k')
    await client.restore(backup, { name: 'copy' })
    expect((await client.readKey('copy'))?.restore_info).toBeDefined()
  })
})
