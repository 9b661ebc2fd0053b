// The Vault lifecycle: init → unseal (progress, nonce, reset, duplicates) → seal, on memory and file
// storage. Messages and status codes follow https://developer.hashicorp.com/vault/api-docs/system/init,
// …/system/unseal and …/system/seal-status.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidKeyError, InvalidRequestError, SealedError, Vault, VaultError } from '../../src/index.node.js'
import { FileStorage } from '../../src/storage/file.js'
import { MemoryStorage } from '../../src/storage/memory.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

describe('init (api-docs/system/init)', () => {
  it('returns 5 hex and base64 shares of 33 bytes and an hvs. root token, and leaves the vault sealed', async () => {
    const vault = new Vault()
    expect(await vault.status()).toMatchObject({
      initialized: false,
      sealed: true,
      t: 0,
      n: 0,
      type: 'shamir',
    })
    const res = await vault.init({ secretShares: 5, secretThreshold: 3 })
    expect(res.keys).toHaveLength(5)
    for (const k of res.keys) expect(k).toMatch(/^[0-9a-f]{66}$/)
    for (const k of res.keysBase64) expect(Buffer.from(k, 'base64')).toHaveLength(33)
    expect(res.rootToken).toMatch(/^hvs\.[0-9A-Za-z]{24}$/)
    expect(await vault.status()).toMatchObject({ initialized: true, sealed: true, t: 3, n: 5, progress: 0 })
  })

  it('a single share is the raw 32-byte unseal key (64 hex chars)', async () => {
    const vault = new Vault()
    const res = await vault.init({ secretShares: 1, secretThreshold: 1 })
    expect(res.keys[0]).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each([
    [0, 0, 'shares must be at least one'],
    [1, 0, 'threshold must be at least one'],
    [3, 1, 'threshold must be greater than one for multiple shares'],
    [256, 3, 'shares must be less than 256'],
    [3, 4, 'threshold cannot be larger than shares'],
  ])('refuses shares=%i threshold=%i with "%s" and changes nothing', async (n, t, message) => {
    const storage = new MemoryStorage()
    const vault = new Vault({ storage })
    const err = await vault.init({ secretShares: n, secretThreshold: t }).catch((e) => e)
    expect(err).toBeInstanceOf(InvalidRequestError)
    expect(err.statusCode).toBe(400)
    expect(err.errors).toEqual([message])
    expect(await storage.list('')).toEqual([])
  })

  it('refuses a second init with "Vault is already initialized"', async () => {
    const vault = new Vault()
    await vault.init({ secretShares: 1, secretThreshold: 1 })
    await expect(vault.init({ secretShares: 1, secretThreshold: 1 })).rejects.toMatchObject({
      statusCode: 400,
      errors: ['Vault is already initialized'],
    })
  })
})

describe('unseal (api-docs/system/unseal)', () => {
  it('counts progress 1/3, 2/3 with one nonce, then unseals', async () => {
    const vault = new Vault()
    const { keys } = await vault.init({ secretShares: 5, secretThreshold: 3 })
    const s1 = await vault.unseal(keys[0]!)
    expect(s1).toMatchObject({ sealed: true, progress: 1, t: 3 })
    expect(s1.nonce).toMatch(/^[0-9a-f-]{36}$/)
    const s2 = await vault.unseal(keys[3]!)
    expect(s2).toMatchObject({ sealed: true, progress: 2, nonce: s1.nonce })
    const s3 = await vault.unseal(keys[4]!)
    expect(s3).toMatchObject({ sealed: false, progress: 0, nonce: '' })
    expect(s3.cluster_name).toMatch(/^vault-cluster-[0-9a-f]{8}$/)
  })

  it('ignores a share given twice', async () => {
    const vault = new Vault()
    const { keys } = await vault.init({ secretShares: 3, secretThreshold: 2 })
    await vault.unseal(keys[1]!)
    expect((await vault.unseal(keys[1]!)).progress).toBe(1)
  })

  it('accepts base64 shares as well as hex', async () => {
    const vault = new Vault()
    const { keysBase64 } = await vault.init({ secretShares: 3, secretThreshold: 2 })
    await vault.unseal(keysBase64[0]!)
    expect((await vault.unseal(keysBase64[2]!)).sealed).toBe(false)
  })

  it('wrong shares: 400, progress cleared, still sealed', async () => {
    const a = new Vault()
    const b = new Vault()
    const ka = await a.init({ secretShares: 3, secretThreshold: 2 })
    const kb = await b.init({ secretShares: 3, secretThreshold: 2 })
    await a.unseal(ka.keys[0]!)
    const err = await a.unseal(kb.keys[1]!).catch((e) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err.statusCode).toBe(400)
    expect(await a.status()).toMatchObject({ sealed: true, progress: 0, nonce: '' })
  })

  it('a wrong single key (threshold 1) is refused as an invalid key', async () => {
    const vault = new Vault()
    await vault.init({ secretShares: 1, secretThreshold: 1 })
    const err = await vault.unseal('00'.repeat(32)).catch((e) => e)
    expect(err).toBeInstanceOf(InvalidKeyError)
    expect(vault.sealed).toBe(true)
  })

  it.each([
    ['zz', "'key' must be a valid hex or base64 string"],
    ['00'.repeat(8), 'invalid key: key is shorter than minimum 16 bytes'],
    ['00'.repeat(40), 'invalid key: key is longer than maximum 33 bytes'],
  ])('refuses key %s with "%s"', async (key, message) => {
    const vault = new Vault()
    await vault.init({ secretShares: 3, secretThreshold: 2 })
    const err = await vault.unseal(key).catch((e) => e)
    expect(err.statusCode).toBe(400)
    expect(err.errors).toEqual([message])
    expect((await vault.status()).progress).toBe(0)
  })

  it('refuses to unseal an uninitialized vault', async () => {
    await expect(new Vault().unseal('00'.repeat(32))).rejects.toMatchObject({
      statusCode: 400,
      errors: ['Vault is not initialized'],
    })
  })

  it('sys/unseal reset clears progress; on an unsealed vault it is refused', async () => {
    const vault = new Vault()
    const { keys } = await vault.init({ secretShares: 3, secretThreshold: 2 })
    await vault.unseal(keys[0]!)
    const reset = await vault.request({ method: 'PUT', path: 'sys/unseal', data: { reset: true } })
    expect(reset.data).toMatchObject({ progress: 0, sealed: true })
    await vault.unseal(keys[0]!)
    await vault.unseal(keys[1]!)
    const err = await vault
      .request({ method: 'PUT', path: 'sys/unseal', data: { reset: true } })
      .catch((e) => e)
    expect(err.errors).toEqual(['vault is unsealed'])
  })

  it('sys/unseal without key or reset is a 400 with Vault’s message', async () => {
    const vault = new Vault()
    await vault.init({ secretShares: 3, secretThreshold: 2 })
    const res = await vault.handle({ method: 'PUT', path: 'sys/unseal', data: {} })
    expect(res).toEqual({
      status: 400,
      body: { errors: ["'key' must be specified in request body as JSON, or 'reset' set to true"] },
    })
  })
})

describe('seal (api-docs/system/seal)', () => {
  it('sealed ⇒ every request is 503 Vault is sealed; unseal again restores service', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    await vault.seal()
    expect(await vault.handle({ method: 'GET', path: 'sys/mounts', token: 'root' })).toEqual({
      status: 503,
      body: { errors: ['Vault is sealed'] },
    })
    await expect(vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })).rejects.toBeInstanceOf(
      SealedError,
    )
    await vault.unseal(vault.unsealKey!)
    const res = await vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })
    expect(res.data).toHaveProperty(['sys/'])
  })

  it('sys/seal over the pipeline needs a token and seals', async () => {
    const vault = await Vault.dev({ rootToken: 'root' })
    expect((await vault.handle({ method: 'PUT', path: 'sys/seal' })).status).toBe(403)
    expect(await vault.handle({ method: 'PUT', path: 'sys/seal', token: 'root' })).toEqual({
      status: 204,
      body: null,
    })
    expect(vault.sealed).toBe(true)
  })

  it('emits initialized, unsealed, sealed', async () => {
    const vault = new Vault()
    const events: string[] = []
    for (const e of ['initialized', 'unsealed', 'sealed'] as const) vault.on(e, () => events.push(e))
    const { keys } = await vault.init({ secretShares: 1, secretThreshold: 1 })
    await vault.unseal(keys[0]!)
    await vault.seal()
    expect(events).toEqual(['initialized', 'unsealed', 'sealed'])
  })
})

describe('file storage: a vault reopened by a new instance', () => {
  it('unseals with any 3 of its 5 shares and reads back what it wrote; wrong shares fail', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlet-life-'))
    dirs.push(dir)
    const first = new Vault({ storage: new FileStorage(dir) })
    const { keys, rootToken } = await first.init({ secretShares: 5, secretThreshold: 3 })
    await first.unseal(keys[0]!)
    await first.unseal(keys[1]!)
    await first.unseal(keys[2]!)
    await first.request({ method: 'POST', path: 'sys/rotate', token: rootToken })
    await first.close()

    const second = new Vault({ storage: new FileStorage(dir) })
    expect(await second.status()).toMatchObject({
      initialized: true,
      sealed: true,
      t: 3,
      n: 5,
      storage_type: 'file',
    })
    const other = await new Vault().init({ secretShares: 5, secretThreshold: 3 })
    await second.unseal(keys[4]!)
    await second.unseal(other.keys[1]!)
    await expect(second.unseal(other.keys[2]!)).rejects.toMatchObject({ statusCode: 400 })
    expect(second.sealed).toBe(true)

    await second.unseal(keys[4]!)
    await second.unseal(keys[1]!)
    expect((await second.unseal(keys[3]!)).sealed).toBe(false)
    const status = await second.request({ method: 'GET', path: 'sys/key-status', token: rootToken })
    expect(status.data).toMatchObject({ term: 2 })
    const mounts = await second.request({ method: 'GET', path: 'sys/mounts', token: rootToken })
    expect(mounts.data).toHaveProperty(['sys/'])
    await second.close()
  })
})

describe('Vault.dev', () => {
  it('is initialized, unsealed, with the root token asked for, and warns', async () => {
    const vault = await Vault.dev({ rootToken: 'dev-root' })
    expect(vault.rootToken).toBe('dev-root')
    expect(await vault.status()).toMatchObject({ initialized: true, sealed: false, t: 1, n: 1 })
    const warning = await new Promise<string>((resolve) => vault.once('warning', resolve))
    expect(warning).toMatch(/dev mode/)
  })

  it('a random hvs. root token by default', async () => {
    const vault = await Vault.dev()
    expect(vault.rootToken).toMatch(/^hvs\.[0-9A-Za-z]{24}$/)
    const res = await vault.request({ method: 'GET', path: 'sys/mounts', token: vault.rootToken })
    expect(res.data).toHaveProperty(['sys/'])
  })
})
