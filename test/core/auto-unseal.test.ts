// Auto-unseal: a CallbackSeal over an AES-256-GCM "KMS" (node:crypto) protects the root key; the
// operator shares are recovery keys. Follows https://developer.hashicorp.com/vault/docs/concepts/seal
// (auto unseal, recovery key), api-docs/system/init, api-docs/system/seal-status,
// api-docs/system/rekey-recovery-key and api-docs/system/generate-root.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  CallbackSeal,
  decodeRootToken,
  MemoryStorage,
  type RawResponse,
  Vault,
} from '../../src/index.node.js'
import { UNSEAL_FAILED } from '../../src/seal/seal.js'

type Body = Record<string, unknown>

const SEAL_TYPE = 'testkms'

/** A stand-in for a cloud KMS: AES-256-GCM under a key only it holds; `iv ‖ ciphertext ‖ tag`. */
class FakeKms {
  readonly #key = randomBytes(32)
  wraps = 0
  unwraps = 0
  /** When set, decrypt fails as an unreachable / denying KMS would. */
  down = false

  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    this.wraps++
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()])
    return Buffer.concat([iv, ct, cipher.getAuthTag()])
  }

  async decrypt(blob: Uint8Array): Promise<Uint8Array> {
    this.unwraps++
    if (this.down) throw new Error('kms: AccessDeniedException')
    const buf = Buffer.from(blob)
    const decipher = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(0, 12))
    decipher.setAuthTag(buf.subarray(buf.length - 16))
    return Buffer.concat([decipher.update(buf.subarray(12, buf.length - 16)), decipher.final()])
  }

  seal(): CallbackSeal {
    return new CallbackSeal({
      type: SEAL_TYPE,
      wrap: (pt) => this.encrypt(pt),
      unwrap: (ct) => this.decrypt(ct),
    })
  }
}

const put = (vault: Vault, path: string, data: Body = {}): Promise<RawResponse> =>
  vault.handle({ method: 'PUT', path, data })
const get = (vault: Vault, path: string): Promise<RawResponse> => vault.handle({ method: 'GET', path })
const errorBody = (message: string) => ({ errors: [message] })

/** An auto-unseal vault initialized over `sys/init` with recovery shares/threshold. */
async function autoVault(
  shares = 5,
  threshold = 3,
): Promise<{
  vault: Vault
  kms: FakeKms
  storage: MemoryStorage
  recoveryKeys: string[]
  rootToken: string
}> {
  const kms = new FakeKms()
  const storage = new MemoryStorage()
  const vault = new Vault({ storage, seal: kms.seal() })
  const res = await put(vault, 'sys/init', { recovery_shares: shares, recovery_threshold: threshold })
  expect(res.status).toBe(200)
  return {
    vault,
    kms,
    storage,
    recoveryKeys: res.body!.recovery_keys as string[],
    rootToken: res.body!.root_token as string,
  }
}

/** Runs generate-root with `keys`; returns the final answer and the decoded token (if complete). */
async function generateRoot(vault: Vault, keys: string[]): Promise<{ last: RawResponse; token?: string }> {
  const attempt = await put(vault, 'sys/generate-root/attempt')
  expect(attempt.status).toBe(200)
  const { otp, nonce } = attempt.body as { otp: string; nonce: string }
  let last: RawResponse = { status: 0, body: null }
  for (const key of keys) last = await put(vault, 'sys/generate-root/update', { key, nonce })
  if (last.status !== 200 || last.body!.complete !== true) return { last }
  return { last, token: decodeRootToken(last.body!.encoded_token as string, otp) }
}

describe('init with an auto-unseal seal (api-docs/system/init)', () => {
  it('returns recovery keys and no unseal keys, in Vault’s field order, and leaves the vault unsealed', async () => {
    const kms = new FakeKms()
    const vault = new Vault({ seal: kms.seal() })
    const events: string[] = []
    vault.on('unsealed', () => events.push('unsealed'))
    const res = await put(vault, 'sys/init', { recovery_shares: 5, recovery_threshold: 3 })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body!)).toEqual([
      'keys',
      'keys_base64',
      'recovery_keys',
      'recovery_keys_base64',
      'root_token',
    ])
    const body = res.body as {
      keys: string[]
      keys_base64: string[]
      recovery_keys: string[]
      recovery_keys_base64: string[]
      root_token: string
    }
    expect(body.keys).toEqual([])
    expect(body.keys_base64).toEqual([])
    expect(body.recovery_keys).toHaveLength(5)
    for (const [i, k] of body.recovery_keys.entries()) {
      expect(k).toMatch(/^[0-9a-f]{66}$/)
      expect(Buffer.from(body.recovery_keys_base64[i]!, 'base64').toString('hex')).toBe(k)
    }
    expect(body.root_token).toMatch(/^hvs\.[0-9A-Za-z]{24}$/)
    expect(kms.wraps).toBe(1)
    expect(vault.sealed).toBe(false)
    expect(events).toEqual(['unsealed'])
    const mounts = await vault.handle({ method: 'GET', path: 'sys/mounts', token: body.root_token })
    expect(mounts.status).toBe(200)
  })

  it('Vault.init({recoveryShares, recoveryThreshold}) answers the same in camelCase', async () => {
    const vault = new Vault({ seal: new FakeKms().seal() })
    const res = await vault.init({ recoveryShares: 3, recoveryThreshold: 2 })
    expect(res.keys).toEqual([])
    expect(res.keysBase64).toEqual([])
    expect(res.recoveryKeys).toHaveLength(3)
    expect(res.recoveryKeysBase64).toHaveLength(3)
    expect(vault.sealed).toBe(false)
  })

  it.each([
    [
      { secret_shares: 3, secret_threshold: 2 },
      'parameters secret_shares,secret_threshold not applicable to seal type testkms',
    ],
    [
      { secret_shares: 3, recovery_shares: 3, recovery_threshold: 2 },
      'parameters secret_shares not applicable to seal type testkms',
    ],
  ])('barrier parameters %j: 400 "%s", nothing written', async (data, message) => {
    const storage = new MemoryStorage()
    const vault = new Vault({ storage, seal: new FakeKms().seal() })
    expect(await put(vault, 'sys/init', data)).toEqual({ status: 400, body: errorBody(message) })
    expect(await storage.list('')).toEqual([])
    expect((await get(vault, 'sys/init')).body).toEqual({ initialized: false })
  })

  it('recovery parameters on a Shamir vault: 400 not applicable to seal type shamir', async () => {
    const vault = new Vault()
    expect(
      await put(vault, 'sys/init', {
        secret_shares: 3,
        secret_threshold: 2,
        recovery_shares: 3,
        recovery_threshold: 2,
      }),
    ).toEqual({
      status: 400,
      body: errorBody('parameters recovery_shares,recovery_threshold not applicable to seal type shamir'),
    })
  })

  it('recovery share validation uses Vault’s messages', async () => {
    const vault = new Vault({ seal: new FakeKms().seal() })
    expect(await put(vault, 'sys/init', {})).toEqual({
      status: 400,
      body: errorBody('shares must be at least one'),
    })
    expect(await put(vault, 'sys/init', { recovery_shares: 3, recovery_threshold: 1 })).toEqual({
      status: 400,
      body: errorBody('threshold must be greater than one for multiple shares'),
    })
  })
})

describe('seal-status of an auto-unseal vault (api-docs/system/seal-status)', () => {
  it('type = the seal’s type, recovery_seal true, t/n = recovery threshold/shares; cluster info while unsealed', async () => {
    const { vault } = await autoVault(5, 3)
    const res = await get(vault, 'sys/seal-status')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      type: SEAL_TYPE,
      initialized: true,
      sealed: false,
      t: 3,
      n: 5,
      progress: 0,
      nonce: '',
      migration: false,
      recovery_seal: true,
      storage_type: 'inmem',
    })
    expect(res.body!.cluster_name).toMatch(/^vault-cluster-[0-9a-f]{8}$/)
    await vault.seal()
    const sealed = await get(vault, 'sys/seal-status')
    expect(sealed.body).toMatchObject({ type: SEAL_TYPE, sealed: true, t: 3, n: 5, recovery_seal: true })
    expect(sealed.body).not.toHaveProperty('cluster_name')
  })

  it('before init: the seal’s type, recovery_seal true, t/n 0', async () => {
    const vault = new Vault({ seal: new FakeKms().seal() })
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({
      type: SEAL_TYPE,
      initialized: false,
      sealed: true,
      t: 0,
      n: 0,
      recovery_seal: true,
    })
  })
})

describe('unsealing through the KMS (docs/concepts/seal#auto-unseal)', () => {
  it('a new Vault over the same storage and seal unseals with no key; data survives', async () => {
    const { vault, kms, storage, rootToken } = await autoVault(3, 2)
    await vault.handle({ method: 'PUT', path: 'sys/rotate', token: rootToken })
    await vault.seal()
    expect(vault.sealed).toBe(true)
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token: rootToken })).status).toBe(503)

    const reopened = new Vault({ storage, seal: kms.seal() })
    expect(reopened.sealed).toBe(true)
    expect((await get(reopened, 'sys/seal-status')).body).toMatchObject({
      initialized: true,
      sealed: true,
      t: 2,
      n: 3,
    })
    const unwrapsBefore = kms.unwraps
    const status = await reopened.unseal()
    expect(status).toMatchObject({ sealed: false, type: SEAL_TYPE, recovery_seal: true })
    expect(kms.unwraps).toBe(unwrapsBefore + 1)
    const keyStatus = await reopened.handle({ method: 'GET', path: 'sys/key-status', token: rootToken })
    expect(keyStatus.body).toMatchObject({ term: 2 })

    // The original instance unseals again too, and sys/unseal without a key does it as well.
    expect((await put(vault, 'sys/unseal')).body).toMatchObject({ sealed: false })
  })

  it('a KMS that refuses to decrypt: unseal fails with 400 and the vault stays sealed', async () => {
    const { vault, kms, storage, rootToken } = await autoVault(3, 2)
    await vault.seal()
    kms.down = true
    const reopened = new Vault({ storage, seal: kms.seal() })
    const err = await reopened.unseal().catch((e) => e)
    expect(err.statusCode).toBe(400)
    expect(err.errors).toEqual([UNSEAL_FAILED])
    expect(reopened.sealed).toBe(true)
    expect(await put(reopened, 'sys/unseal')).toEqual({ status: 400, body: errorBody(UNSEAL_FAILED) })
    expect(await reopened.handle({ method: 'GET', path: 'sys/mounts', token: rootToken })).toEqual({
      status: 503,
      body: errorBody('Vault is sealed'),
    })
    kms.down = false
    expect((await reopened.unseal()).sealed).toBe(false)
  })

  it('a different KMS key cannot open it', async () => {
    const { vault, storage } = await autoVault(3, 2)
    await vault.seal()
    const other = new Vault({ storage, seal: new FakeKms().seal() })
    await expect(other.unseal()).rejects.toMatchObject({ statusCode: 400 })
    expect(other.sealed).toBe(true)
  })
})

describe('sys/rekey-recovery-key (api-docs/system/rekey-recovery-key)', () => {
  it('rekeys the recovery key 5/3 → 3/2; generate-root then works with the NEW shares and fails with the old', async () => {
    const { vault, kms, storage, recoveryKeys: oldKeys } = await autoVault(5, 3)
    const events: unknown[] = []
    vault.on('rekeyed', (e) => events.push(e))

    // Recovery keys authorize generate-root: required = recovery threshold.
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({ required: 3 })
    const before = await generateRoot(vault, oldKeys.slice(0, 3))
    expect(before.token).toMatch(/^hvs\./)

    expect(await get(vault, 'sys/rekey-recovery-key/init')).toEqual({
      status: 200,
      body: {
        nonce: '',
        started: false,
        t: 0,
        n: 0,
        progress: 0,
        required: 3,
        pgp_fingerprints: null,
        backup: false,
        verification_required: false,
      },
    })
    const init = await put(vault, 'sys/rekey-recovery-key/init', { secret_shares: 3, secret_threshold: 2 })
    expect(init.body).toMatchObject({ started: true, t: 2, n: 3, required: 3, progress: 0 })
    const nonce = init.body!.nonce as string
    expect(
      (await put(vault, 'sys/rekey-recovery-key/update', { key: oldKeys[1], nonce })).body,
    ).toMatchObject({
      progress: 1,
    })
    // Recovery rekey keeps its own duplicate wording.
    expect(await put(vault, 'sys/rekey-recovery-key/update', { key: oldKeys[1], nonce })).toEqual({
      status: 400,
      body: errorBody('given key has already been provided during this rekey operation'),
    })
    await put(vault, 'sys/rekey-recovery-key/update', { key: oldKeys[3], nonce })
    const done = await put(vault, 'sys/rekey-recovery-key/update', { key: oldKeys[4], nonce })
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ nonce, complete: true, verification_required: false })
    const newKeys = done.body!.keys as string[]
    expect(newKeys).toHaveLength(3)
    expect(events).toEqual([{ secretShares: 3, secretThreshold: 2, recovery: true }])
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({ t: 2, n: 3, recovery_seal: true })

    // Old recovery shares: root generation aborted, no token.
    const old = await generateRoot(vault, oldKeys.slice(0, 2))
    expect(old.last).toEqual({
      status: 400,
      body: errorBody(
        'root generation aborted: recovery key verification failed: recovery key does not match',
      ),
    })
    await vault.handle({ method: 'DELETE', path: 'sys/generate-root/attempt' })

    // New recovery shares: a working root token.
    const fresh = await generateRoot(vault, [newKeys[2]!, newKeys[0]!])
    expect(fresh.last.body).toMatchObject({ complete: true, required: 2, progress: 2 })
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token: fresh.token })).status).toBe(200)

    // The barrier (KMS-wrapped root key) was not touched: a reopened vault still auto-unseals, and
    // the new recovery configuration and key persisted.
    await vault.seal()
    const reopened = new Vault({ storage, seal: kms.seal() })
    expect((await get(reopened, 'sys/seal-status')).body).toMatchObject({ sealed: true, t: 2, n: 3 })
    await reopened.unseal()
    const again = await generateRoot(reopened, newKeys.slice(0, 2))
    expect(again.token).toMatch(/^hvs\./)
  })

  it('with require_verification: the new recovery key takes effect after verify', async () => {
    const { vault, recoveryKeys } = await autoVault(3, 2)
    const init = await put(vault, 'sys/rekey-recovery-key/init', {
      secret_shares: 3,
      secret_threshold: 2,
      require_verification: true,
    })
    const nonce = init.body!.nonce as string
    await put(vault, 'sys/rekey-recovery-key/update', { key: recoveryKeys[0], nonce })
    const done = await put(vault, 'sys/rekey-recovery-key/update', { key: recoveryKeys[1], nonce })
    const vNonce = done.body!.verification_nonce as string
    const newKeys = done.body!.keys as string[]
    expect(done.body).toMatchObject({ complete: true, verification_required: true })
    expect(await get(vault, 'sys/rekey-recovery-key/verify')).toEqual({
      status: 200,
      body: { nonce: vNonce, started: true, t: 2, n: 3, progress: 0 },
    })
    // Not yet in effect: the old recovery key still authorizes.
    expect((await generateRoot(vault, recoveryKeys.slice(1, 3))).token).toMatch(/^hvs\./)

    await put(vault, 'sys/rekey-recovery-key/verify', { key: newKeys[1], nonce: vNonce })
    expect(await put(vault, 'sys/rekey-recovery-key/verify', { key: newKeys[2], nonce: vNonce })).toEqual({
      status: 200,
      body: { nonce: vNonce, complete: true },
    })
    const stale = await generateRoot(vault, recoveryKeys.slice(0, 2))
    expect(stale.last.status).toBe(400)
    await vault.handle({ method: 'DELETE', path: 'sys/generate-root/attempt' })
    expect((await generateRoot(vault, newKeys.slice(0, 2))).token).toMatch(/^hvs\./)
  })

  it('errors: wrong shares, no rekey in progress, invalid configuration, already in progress', async () => {
    const { vault } = await autoVault(3, 2)
    const foreign = (await new Vault().init({ secretShares: 3, secretThreshold: 2 })).keys
    expect(await put(vault, 'sys/rekey-recovery-key/update', { key: foreign[0], nonce: 'x' })).toEqual({
      status: 400,
      body: errorBody('no recovery rekey in progress'),
    })
    expect(
      await put(vault, 'sys/rekey-recovery-key/init', { secret_shares: 3, secret_threshold: 1 }),
    ).toEqual({
      status: 400,
      body: errorBody(
        'invalid recovery configuration: threshold must be greater than one for multiple shares',
      ),
    })
    const init = await put(vault, 'sys/rekey-recovery-key/init', { secret_shares: 5, secret_threshold: 3 })
    const nonce = init.body!.nonce as string
    expect(
      await put(vault, 'sys/rekey-recovery-key/init', { secret_shares: 5, secret_threshold: 3 }),
    ).toEqual({
      status: 400,
      body: errorBody('rekey already in progress'),
    })
    await put(vault, 'sys/rekey-recovery-key/update', { key: foreign[0], nonce })
    expect(await put(vault, 'sys/rekey-recovery-key/update', { key: foreign[1], nonce })).toEqual({
      status: 400,
      body: errorBody('recovery key verification failed: recovery key does not match'),
    })
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({ t: 2, n: 3 })
  })

  it('sys/rekey/init (the barrier key) on an auto-unseal vault is refused with 400', async () => {
    const { vault } = await autoVault(3, 2)
    const message =
      'rekeying the barrier key of an auto-unseal seal is not supported by vaultlet; rekey the recovery key instead'
    expect(await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })).toEqual({
      status: 400,
      body: errorBody(message),
    })
    expect(await get(vault, 'sys/rekey/init')).toEqual({ status: 400, body: errorBody(message) })
  })

  it.each([
    ['GET', 'sys/rekey-recovery-key/init', {}],
    ['PUT', 'sys/rekey-recovery-key/init', { secret_shares: 3, secret_threshold: 2 }],
    ['GET', 'sys/rekey-recovery-key/verify', {}],
  ] as const)('%s %s on a Shamir vault: 400 recovery rekeying not supported', async (method, path, data) => {
    const vault = new Vault()
    const { keys } = await vault.init({ secretShares: 1, secretThreshold: 1 })
    await vault.unseal(keys[0]!)
    expect(await vault.handle({ method, path, data })).toEqual({
      status: 400,
      body: errorBody('recovery rekeying not supported'),
    })
  })
})
