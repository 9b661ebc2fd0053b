// The walk-through: enable transit, create `orders`, encrypt, rotate, rewrap, raise
// min_decryption_version, and old ciphertext is refused.
import { describe, expect, it } from 'vitest'
import { b64, errorOf, transitVault, unb64 } from './helpers.js'

describe('transit walk-through (issue 7)', () => {
  it('encrypts, rotates, keeps old versions decryptable, rewraps, and refuses too-old versions', async () => {
    const t = await transitVault()
    await t.data('POST', 'keys/orders')
    const v1 = await t.data('POST', 'encrypt/orders', { plaintext: b64('card-4242') })
    expect(v1.ciphertext).toMatch(/^vault:v1:[A-Za-z0-9+/]+=*$/)
    expect(v1.key_version).toBe(1)
    // 12-byte nonce ‖ 9 bytes ‖ 16-byte tag
    expect(Buffer.from((v1.ciphertext as string).slice('vault:v1:'.length), 'base64').length).toBe(
      12 + 9 + 16,
    )

    const rotated = await t.data('POST', 'keys/orders/rotate')
    expect(rotated.latest_version).toBe(2)
    const v2 = await t.data('POST', 'encrypt/orders', { plaintext: b64('card-4242') })
    expect(v2.ciphertext).toMatch(/^vault:v2:/)
    expect(
      unb64((await t.data('POST', 'decrypt/orders', { ciphertext: v1.ciphertext })).plaintext as string),
    ).toBe('card-4242')

    const rewrapped = await t.data('POST', 'rewrap/orders', { ciphertext: v1.ciphertext })
    expect(rewrapped.ciphertext).toMatch(/^vault:v2:/)
    expect(rewrapped.key_version).toBe(2)
    expect(
      unb64(
        (await t.data('POST', 'decrypt/orders', { ciphertext: rewrapped.ciphertext })).plaintext as string,
      ),
    ).toBe('card-4242')

    const config = await t.data('POST', 'keys/orders/config', { min_decryption_version: 2 })
    expect(config.min_decryption_version).toBe(2)
    const refused = await t.call('POST', 'decrypt/orders', { ciphertext: v1.ciphertext })
    expect(refused.status).toBe(400)
    expect(errorOf(refused)).toBe('ciphertext or signature version is disallowed by policy (too old)')

    // Through the typed client too.
    const { ciphertext } = await t.client.encrypt('orders', 'card-4242')
    expect((await t.client.decrypt('orders', ciphertext)).text()).toBe('card-4242')
  })
})
