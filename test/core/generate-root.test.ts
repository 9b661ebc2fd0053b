// Root token generation through the request pipeline: `sys/generate-root/attempt` and
// `sys/generate-root/update`, as https://developer.hashicorp.com/vault/api-docs/system/generate-root
// documents them. Messages follow Vault's vault/generate_root.go and http/sys_generate_root.go.
import { describe, expect, it } from 'vitest'
import { decodeRootToken, MemoryStorage, type RawResponse, Vault } from '../../src/index.node.js'

type Body = Record<string, unknown>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const TOKEN = /^hvs\.[0-9A-Za-z]{24}$/

/** Field order of Vault's `GenerateRootStatusResponse`. */
const STATUS_KEYS = [
  'nonce',
  'started',
  'progress',
  'required',
  'complete',
  'encoded_token',
  'encoded_root_token',
  'pgp_fingerprint',
  'otp',
  'otp_length',
]

const put = (vault: Vault, path: string, data: Body = {}): Promise<RawResponse> =>
  vault.handle({ method: 'PUT', path, data })
const get = (vault: Vault, path: string): Promise<RawResponse> => vault.handle({ method: 'GET', path })
const errorBody = (message: string) => ({ errors: [message] })

async function initialized(
  shares = 5,
  threshold = 3,
): Promise<{ vault: Vault; keys: string[]; rootToken: string; storage: MemoryStorage }> {
  const storage = new MemoryStorage()
  const vault = new Vault({ storage })
  const init = await put(vault, 'sys/init', { secret_shares: shares, secret_threshold: threshold })
  const body = init.body as { keys: string[]; root_token: string }
  for (const key of body.keys.slice(0, threshold)) await put(vault, 'sys/unseal', { key })
  expect(vault.sealed).toBe(false)
  return { vault, keys: body.keys, rootToken: body.root_token, storage }
}

/** How many token entries the token store holds (their storage keys are salted IDs). */
async function tokenCount(storage: MemoryStorage): Promise<number> {
  return (await storage.list('sys/token/id/')).length
}

/** `vault operator generate-root -decode`, written out: base64 (unpadded) decode, then XOR with the OTP. */
function xorDecode(encoded: string, otp: string): string {
  expect(encoded).not.toContain('=')
  const bytes = Buffer.from(encoded, 'base64')
  const pad = Buffer.from(otp, 'utf8')
  expect(bytes.length).toBe(pad.length)
  return Buffer.from(bytes.map((b, i) => b ^ pad[i]!)).toString('utf8')
}

/** Starts an attempt and submits `keys`; returns the OTP and every answer. */
async function generate(
  vault: Vault,
  keys: string[],
  start: Body = {},
): Promise<{ otp: string; nonce: string; answers: RawResponse[] }> {
  const attempt = await put(vault, 'sys/generate-root/attempt', start)
  expect(attempt.status).toBe(200)
  const otp = (start.otp as string | undefined) ?? (attempt.body!.otp as string)
  const nonce = attempt.body!.nonce as string
  const answers: RawResponse[] = []
  for (const key of keys) answers.push(await put(vault, 'sys/generate-root/update', { key, nonce }))
  return { otp, nonce, answers }
}

describe('sys/generate-root/attempt (api-docs/system/generate-root#read-root-generation-progress)', () => {
  it('GET with nothing in progress: Vault’s shape and field order, otp_length 28, required = threshold', async () => {
    const { vault } = await initialized(5, 3)
    const res = await get(vault, 'sys/generate-root/attempt')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      nonce: '',
      started: false,
      progress: 0,
      required: 3,
      complete: false,
      encoded_token: '',
      encoded_root_token: '',
      pgp_fingerprint: '',
      otp: '',
      otp_length: 28,
    })
    expect(Object.keys(res.body!)).toEqual(STATUS_KEYS)
  })

  it('PUT {} starts an attempt and returns a 28-char base62 OTP once; GET never shows it', async () => {
    const { vault } = await initialized(5, 3)
    const res = await put(vault, 'sys/generate-root/attempt')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body!)).toEqual(STATUS_KEYS)
    expect(res.body).toMatchObject({
      started: true,
      progress: 0,
      required: 3,
      complete: false,
      otp_length: 28,
    })
    expect(res.body!.nonce).toMatch(UUID)
    expect(res.body!.otp).toMatch(/^[0-9A-Za-z]{28}$/)
    const again = await get(vault, 'sys/generate-root/attempt')
    expect(again.body).toEqual({ ...res.body, otp: '' })
  })

  it('DELETE cancels (204, no body): nothing in progress, the old nonce is refused', async () => {
    const { vault, keys } = await initialized(5, 3)
    const { nonce } = await generate(vault, [keys[0]!])
    expect(await vault.handle({ method: 'DELETE', path: 'sys/generate-root/attempt' })).toEqual({
      status: 204,
      body: null,
    })
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({
      started: false,
      nonce: '',
      progress: 0,
    })
    expect(await put(vault, 'sys/generate-root/update', { key: keys[1], nonce })).toEqual({
      status: 400,
      body: errorBody('no root generation in progress'),
    })
    // Cancelling with nothing in progress is fine too.
    expect((await vault.handle({ method: 'DELETE', path: 'sys/generate-root/attempt' })).status).toBe(204)
  })
})

describe('sys/generate-root/update (api-docs/system/generate-root#provide-key-share-to-generate-root)', () => {
  it('3 of 5 shares: progress, then an encoded token that decodes (decodeRootToken and by hand) to a working root token', async () => {
    const { vault, keys, rootToken, storage } = await initialized(5, 3)
    let generated = 0
    vault.on('rootGenerated', () => generated++)
    const before = await tokenCount(storage)

    const { otp, nonce, answers } = await generate(vault, [keys[4]!, keys[0]!, keys[2]!])
    const [a1, a2, done] = answers
    expect(a1!.status).toBe(200)
    expect(Object.keys(a1!.body!)).toEqual(STATUS_KEYS)
    expect(a1!.body).toMatchObject({
      nonce,
      started: true,
      progress: 1,
      required: 3,
      complete: false,
      encoded_token: '',
    })
    expect(a2!.body).toMatchObject({ nonce, progress: 2, complete: false, encoded_token: '' })

    expect(done!.status).toBe(200)
    expect(Object.keys(done!.body!)).toEqual(STATUS_KEYS)
    expect(done!.body).toMatchObject({
      nonce,
      started: true,
      progress: 3,
      required: 3,
      complete: true,
      otp: '',
    })
    const encoded = done!.body!.encoded_token as string
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+$/)
    expect(done!.body!.encoded_root_token).toBe(encoded)

    const token = decodeRootToken(encoded, otp)
    expect(token).toMatch(TOKEN)
    expect(xorDecode(encoded, otp)).toBe(token)
    expect(token).not.toBe(rootToken)
    expect(generated).toBe(1)
    expect(await tokenCount(storage)).toBe(before + 1)

    // It is a root token.
    const mounts = await vault.handle({ method: 'GET', path: 'sys/mounts', token })
    expect(mounts.status).toBe(200)
    expect(mounts.body!.data).toHaveProperty(['sys/'])
    expect((await vault.handle({ method: 'PUT', path: 'sys/rotate', token })).status).toBe(204)

    // The attempt is over, and the token outlives a seal/unseal.
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({ started: false, nonce: '' })
    await vault.seal()
    for (const key of keys.slice(1, 4)) await put(vault, 'sys/unseal', { key })
    expect((await vault.handle({ method: 'GET', path: 'sys/key-status', token })).body).toMatchObject({
      term: 2,
    })
  })

  it('a caller-chosen OTP of the right length: not echoed back; the token decodes with it', async () => {
    const { vault, keys } = await initialized(3, 2)
    const otp = 'abcdefghijklmnopqrstuvwxyz01'
    expect(otp).toHaveLength(28)
    const attempt = await put(vault, 'sys/generate-root/attempt', { otp })
    expect(attempt.body).toMatchObject({ started: true, otp: '', otp_length: 28 })
    const nonce = attempt.body!.nonce as string
    await put(vault, 'sys/generate-root/update', { key: keys[0], nonce })
    const done = await put(vault, 'sys/generate-root/update', { key: keys[1], nonce })
    const token = decodeRootToken(done.body!.encoded_token as string, otp)
    expect(token).toMatch(TOKEN)
    expect(xorDecode(done.body!.encoded_token as string, otp)).toBe(token)
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token })).status).toBe(200)
  })

  it('a single-share (1/1) vault generates a root token with its one key', async () => {
    const { vault, keys } = await initialized(1, 1)
    const { otp, answers } = await generate(vault, keys)
    expect(answers[0]!.body).toMatchObject({ complete: true, progress: 1, required: 1 })
    const token = decodeRootToken(answers[0]!.body!.encoded_token as string, otp)
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token })).status).toBe(200)
  })
})

describe('generate-root errors (api-docs/system/generate-root)', () => {
  it.each([
    ['abc', 'too short'],
    ['a'.repeat(29), 'too long'],
    ['a'.repeat(26), 'the legacy s. length'],
  ])('otp %s (%s): 400 OTP string has incorrect length, nothing started', async (otp) => {
    const { vault } = await initialized(3, 2)
    expect(await put(vault, 'sys/generate-root/attempt', { otp })).toEqual({
      status: 400,
      body: errorBody('OTP string has incorrect length'),
    })
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({ started: false })
  })

  it('a second attempt while one is in progress: 400 root generation already in progress', async () => {
    const { vault } = await initialized(3, 2)
    const first = await put(vault, 'sys/generate-root/attempt')
    expect(await put(vault, 'sys/generate-root/attempt')).toEqual({
      status: 400,
      body: errorBody('root generation already in progress'),
    })
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({ nonce: first.body!.nonce })
  })

  it('wrong nonce: 400 naming the attempt’s nonce; progress unchanged', async () => {
    const { vault, keys } = await initialized(3, 2)
    const { nonce } = await generate(vault, [keys[0]!])
    const expected = {
      status: 400,
      body: errorBody(`incorrect nonce supplied; nonce for this root generation operation is "${nonce}"`),
    }
    expect(await put(vault, 'sys/generate-root/update', { key: keys[1], nonce: 'nope' })).toEqual(expected)
    expect(await put(vault, 'sys/generate-root/update', { key: keys[1] })).toEqual(expected)
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({ progress: 1 })
  })

  it('the same share twice: 400; progress unchanged', async () => {
    const { vault, keys } = await initialized(5, 3)
    const { nonce } = await generate(vault, [keys[2]!])
    expect(await put(vault, 'sys/generate-root/update', { key: keys[2], nonce })).toEqual({
      status: 400,
      body: errorBody('given key has already been provided during this generation operation'),
    })
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({ progress: 1 })
  })

  it('wrong shares: 400 root generation aborted, no token; as Vault, the attempt stays open (progress cleared) and can finish', async () => {
    const { vault, keys, storage } = await initialized(5, 3)
    let generated = 0
    vault.on('rootGenerated', () => generated++)
    const before = await tokenCount(storage)
    const foreign = (await new Vault().init({ secretShares: 5, secretThreshold: 3 })).keys
    const { otp, nonce, answers } = await generate(vault, foreign.slice(0, 3))
    expect(answers[2]).toEqual({
      status: 400,
      body: errorBody(
        'root generation aborted: root key verification failed: cipher: message authentication failed',
      ),
    })
    expect((answers[2]!.body!.errors as string[])[0]).toMatch(/^root generation aborted: /)
    expect(generated).toBe(0)
    expect(await tokenCount(storage)).toBe(before)
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({
      started: true,
      nonce,
      progress: 0,
    })

    // Same attempt, right shares.
    await put(vault, 'sys/generate-root/update', { key: keys[0], nonce })
    await put(vault, 'sys/generate-root/update', { key: keys[1], nonce })
    const done = await put(vault, 'sys/generate-root/update', { key: keys[2], nonce })
    expect(done.body).toMatchObject({ complete: true })
    const token = decodeRootToken(done.body!.encoded_token as string, otp)
    expect((await vault.handle({ method: 'GET', path: 'sys/mounts', token })).status).toBe(200)
    expect(generated).toBe(1)
    expect(await tokenCount(storage)).toBe(before + 1)
  })

  it('no attempt in progress: update is 400 no root generation in progress', async () => {
    const { vault, keys } = await initialized(3, 2)
    expect(await put(vault, 'sys/generate-root/update', { key: keys[0], nonce: 'x' })).toEqual({
      status: 400,
      body: errorBody('no root generation in progress'),
    })
  })

  it('pgp_key is refused (vaultlet does not PGP-encrypt root tokens); nothing started', async () => {
    const { vault } = await initialized(3, 2)
    expect(
      await put(vault, 'sys/generate-root/attempt', {
        pgp_key: 'mQENBFXbjPUBCADjNjCUQwfxKL+RR2GA6pv/1K+zJZ8UWIF9S0lk7cVIEfJiprzzwiMwBS5cD0da',
      }),
    ).toEqual({
      status: 400,
      body: errorBody('PGP-encrypted root tokens are not supported by vaultlet'),
    })
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({ started: false })
  })

  it.each([
    [{}, "'key' must be specified in request body as JSON"],
    [{ key: 'zz' }, "'key' must be a valid hex or base64 string"],
    [{ key: '00'.repeat(8) }, 'key is shorter than minimum 16 bytes'],
  ])('malformed key %j: 400 %s', async (data, message) => {
    const { vault } = await initialized(3, 2)
    const attempt = await put(vault, 'sys/generate-root/attempt')
    expect(await put(vault, 'sys/generate-root/update', { ...data, nonce: attempt.body!.nonce })).toEqual({
      status: 400,
      body: errorBody(message),
    })
  })

  it('uninitialized: 400 server is not yet initialized; sealed: 503 Vault is sealed', async () => {
    expect(await get(new Vault(), 'sys/generate-root/attempt')).toEqual({
      status: 400,
      body: errorBody('server is not yet initialized'),
    })
    const { vault } = await initialized(3, 2)
    await vault.seal()
    for (const [method, path] of [
      ['GET', 'sys/generate-root/attempt'],
      ['PUT', 'sys/generate-root/attempt'],
      ['DELETE', 'sys/generate-root/attempt'],
      ['PUT', 'sys/generate-root/update'],
    ] as const) {
      expect(
        await vault.handle({
          method,
          path,
          data: method === 'PUT' ? { key: '11'.repeat(33), nonce: 'x' } : {},
        }),
      ).toEqual({
        status: 503,
        body: errorBody('Vault is sealed'),
      })
    }
  })

  it('sealing forgets an attempt', async () => {
    const { vault, keys } = await initialized(3, 2)
    await generate(vault, [keys[0]!])
    await vault.seal()
    for (const key of keys.slice(0, 2)) await put(vault, 'sys/unseal', { key })
    expect((await get(vault, 'sys/generate-root/attempt')).body).toMatchObject({
      started: false,
      progress: 0,
    })
  })

  it('vault.request(): the status is the envelope’s data; errors throw with Vault’s status', async () => {
    const { vault } = await initialized(3, 2)
    const res = await vault.request({ method: 'PUT', path: 'sys/generate-root/attempt' })
    expect(res.data).toMatchObject({ started: true, otp_length: 28 })
    await expect(vault.request({ method: 'PUT', path: 'sys/generate-root/attempt' })).rejects.toMatchObject({
      statusCode: 400,
      errors: ['root generation already in progress'],
    })
  })
})
