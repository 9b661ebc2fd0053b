// Rekey of the unseal key through the request pipeline: `sys/rekey/init`, `sys/rekey/update` and
// `sys/rekey/verify`, as https://developer.hashicorp.com/vault/api-docs/system/rekey documents them.
// Messages and status codes follow Vault's vault/rekey.go and http/sys_rekey.go.
import { describe, expect, it } from 'vitest'
import {
  definePath,
  type EngineDefinition,
  FrameworkBackend,
  MemoryStorage,
  type RawResponse,
  Vault,
  VaultError,
} from '../../src/index.node.js'
import { UNSEAL_FAILED } from '../../src/seal/seal.js'

type Body = Record<string, unknown>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Field order of Vault's `RekeyStatusResponse` (http/sys_rekey.go). */
const STATUS_KEYS = [
  'nonce',
  'started',
  't',
  'n',
  'progress',
  'required',
  'pgp_fingerprints',
  'backup',
  'verification_required',
]
/** Field order of Vault's `RekeyUpdateResponse`. */
const UPDATE_KEYS = [
  'nonce',
  'complete',
  'keys',
  'keys_base64',
  'pgp_fingerprints',
  'backup',
  'verification_required',
]
/** Field order of Vault's `RekeyVerificationStatusResponse`. */
const VERIFY_STATUS_KEYS = ['nonce', 'started', 't', 'n', 'progress']

/** A tiny secrets engine that keeps values in its barrier-protected storage view. */
const notesEngine: EngineDefinition = {
  type: 'notes',
  kind: 'secret',
  factory: () =>
    new FrameworkBackend({
      type: 'notes',
      paths: [
        definePath({
          pattern: '(?<name>.+)',
          fields: { name: { type: 'string' }, value: { type: 'string' } },
          operations: {
            read: async (req, d) => {
              const v = await req.storage.getJSON<Body>(d.get<string>('name'))
              return v ? { data: v } : null
            },
            update: async (req, d) => {
              await req.storage.putJSON(d.get<string>('name'), { value: d.get<string>('value') })
              return null
            },
          },
        }),
      ],
    }),
}

function newVault(storage = new MemoryStorage()): Vault {
  const vault = new Vault({ storage })
  vault.engines.register(notesEngine)
  return vault
}

const put = (vault: Vault, path: string, data: Body = {}): Promise<RawResponse> =>
  vault.handle({ method: 'PUT', path, data })
const get = (vault: Vault, path: string): Promise<RawResponse> => vault.handle({ method: 'GET', path })
const del = (vault: Vault, path: string): Promise<RawResponse> => vault.handle({ method: 'DELETE', path })

/** Submits shares to `sys/unseal` one by one; returns the last answer. */
async function unsealWith(vault: Vault, keys: string[]): Promise<RawResponse> {
  let last: RawResponse = { status: 0, body: null }
  for (const key of keys) last = await put(vault, 'sys/unseal', { key })
  return last
}

/** `sys/init` over the pipeline, then unseal with the first `threshold` shares. */
async function initialized(
  shares = 5,
  threshold = 3,
  storage = new MemoryStorage(),
): Promise<{
  vault: Vault
  keys: string[]
  keysBase64: string[]
  rootToken: string
  storage: MemoryStorage
}> {
  const vault = newVault(storage)
  const init = await put(vault, 'sys/init', { secret_shares: shares, secret_threshold: threshold })
  expect(init.status).toBe(200)
  const body = init.body as { keys: string[]; keys_base64: string[]; root_token: string }
  expect((await unsealWith(vault, body.keys.slice(0, threshold))).body).toMatchObject({ sealed: false })
  return { vault, keys: body.keys, keysBase64: body.keys_base64, rootToken: body.root_token, storage }
}

/** Shares of an unrelated vault: well-formed, distinct x coordinates, combine to a foreign key. */
async function foreignShares(shares = 5, threshold = 3): Promise<string[]> {
  return (await new Vault().init({ secretShares: shares, secretThreshold: threshold })).keys
}

/** Runs a rekey to completion with the given current shares; returns the final body. */
async function rekey(vault: Vault, current: string[], config: Body): Promise<Body> {
  const init = await put(vault, 'sys/rekey/init', config)
  expect(init.status).toBe(200)
  const nonce = (init.body as Body).nonce as string
  let last: RawResponse = { status: 0, body: null }
  for (const key of current) last = await put(vault, 'sys/rekey/update', { key, nonce })
  expect(last.status).toBe(200)
  return last.body as Body
}

const errorBody = (message: string) => ({ errors: [message] })

describe('sys/rekey/init (api-docs/system/rekey#read-rekey-progress, #start-rekey, #cancel-rekey)', () => {
  it('GET with no rekey in progress: started false, t/n 0, required = current threshold, Vault’s field order', async () => {
    const { vault } = await initialized(5, 3)
    const res = await get(vault, 'sys/rekey/init')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      nonce: '',
      started: false,
      t: 0,
      n: 0,
      progress: 0,
      required: 3,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    })
    expect(Object.keys(res.body!)).toEqual(STATUS_KEYS)
  })

  it('PUT starts an attempt: a fresh nonce, t/n = the NEW threshold/shares; GET shows the same attempt', async () => {
    const { vault } = await initialized(5, 3)
    const res = await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body!)).toEqual(STATUS_KEYS)
    expect(res.body).toMatchObject({
      started: true,
      t: 2,
      n: 3,
      progress: 0,
      required: 3,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    })
    const nonce = res.body!.nonce as string
    expect(nonce).toMatch(UUID)
    expect((await get(vault, 'sys/rekey/init')).body).toEqual(res.body)
  })

  it('vault.request() returns the same bare object as data of an envelope; errors throw VaultError', async () => {
    const { vault } = await initialized(3, 2)
    const res = await vault.request({ method: 'GET', path: 'sys/rekey/init' })
    expect(res.data).toEqual((await get(vault, 'sys/rekey/init')).body)
    expect(res.mount_type).toBe('system')
    const err = await vault
      .request({ method: 'PUT', path: 'sys/rekey/update', data: { key: '00'.repeat(33) } })
      .catch((e) => e)
    expect(err).toBeInstanceOf(VaultError)
    expect(err.statusCode).toBe(400)
    expect(err.errors).toEqual(['no barrier rekey in progress'])
  })

  it('DELETE cancels: 204 with no body; GET shows nothing started; the old nonce is gone', async () => {
    const { vault, keys } = await initialized(3, 2)
    const init = await put(vault, 'sys/rekey/init', { secret_shares: 5, secret_threshold: 3 })
    const nonce = init.body!.nonce as string
    await put(vault, 'sys/rekey/update', { key: keys[0], nonce })
    expect(await del(vault, 'sys/rekey/init')).toEqual({ status: 204, body: null })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({
      started: false,
      nonce: '',
      progress: 0,
    })
    expect(await put(vault, 'sys/rekey/update', { key: keys[1], nonce })).toEqual({
      status: 400,
      body: errorBody('no barrier rekey in progress'),
    })
    // A new attempt can start and gets a new nonce.
    const again = await put(vault, 'sys/rekey/init', { secret_shares: 5, secret_threshold: 3 })
    expect(again.status).toBe(200)
    expect(again.body!.nonce).not.toBe(nonce)
  })

  it('DELETE with nothing in progress is a 204 too', async () => {
    const { vault } = await initialized(3, 2)
    expect(await del(vault, 'sys/rekey/init')).toEqual({ status: 204, body: null })
  })
})

describe('sys/rekey/update: a full rekey 5/3 → 3/2 (api-docs/system/rekey#submit-key)', () => {
  it('progress 1, 2 with the status object, then the new shares; old shares stop working, new ones unseal, data survives', async () => {
    const { vault, keys: oldKeys, rootToken, storage } = await initialized(5, 3)
    const events: unknown[] = []
    vault.on('rekeyed', (e) => events.push(e))

    // Data that must survive: a rotated keyring (term 2), a mount and a value in it.
    expect((await vault.handle({ method: 'PUT', path: 'sys/rotate', token: rootToken })).status).toBe(204)
    expect(
      (
        await vault.handle({
          method: 'POST',
          path: 'sys/mounts/notes',
          data: { type: 'notes' },
          token: rootToken,
        })
      ).status,
    ).toBe(204)
    await vault.handle({ method: 'PUT', path: 'notes/app', data: { value: 's3cr3t' }, token: rootToken })

    const init = await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })
    const nonce = init.body!.nonce as string

    const u1 = await put(vault, 'sys/rekey/update', { key: oldKeys[0], nonce })
    expect(u1.status).toBe(200)
    expect(Object.keys(u1.body!)).toEqual(STATUS_KEYS)
    expect(u1.body).toMatchObject({ nonce, started: true, t: 2, n: 3, progress: 1, required: 3 })
    const u2 = await put(vault, 'sys/rekey/update', { key: oldKeys[2], nonce })
    expect(u2.body).toMatchObject({ nonce, started: true, progress: 2, required: 3 })
    expect(events).toEqual([])

    const done = await put(vault, 'sys/rekey/update', { key: oldKeys[4], nonce })
    expect(done.status).toBe(200)
    expect(Object.keys(done.body!)).toEqual(UPDATE_KEYS)
    const body = done.body as { nonce: string; complete: boolean; keys: string[]; keys_base64: string[] }
    expect(done.body).toMatchObject({
      nonce,
      complete: true,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    })
    expect(body.keys).toHaveLength(3)
    expect(body.keys_base64).toHaveLength(3)
    for (const [i, k] of body.keys.entries()) {
      expect(k).toMatch(/^[0-9a-f]{66}$/)
      expect(Buffer.from(body.keys_base64[i]!, 'base64').toString('hex')).toBe(k)
      expect(oldKeys).not.toContain(k)
    }
    expect(events).toEqual([{ secretShares: 3, secretThreshold: 2, recovery: false }])

    // The attempt is over; seal-status shows the new configuration at once.
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({
      started: false,
      nonce: '',
      required: 2,
    })
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({ t: 2, n: 3, sealed: false })

    // Seal: old shares fail (progress cleared, still sealed) …
    expect((await vault.handle({ method: 'PUT', path: 'sys/seal', token: rootToken })).status).toBe(204)
    expect((await put(vault, 'sys/unseal', { key: oldKeys[0] })).body).toMatchObject({
      sealed: true,
      progress: 1,
    })
    expect(await put(vault, 'sys/unseal', { key: oldKeys[1] })).toEqual({
      status: 400,
      body: errorBody(UNSEAL_FAILED),
    })
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0, nonce: '' })

    // … the new ones (any 2 of 3, hex or base64) unseal.
    const opened = await unsealWith(vault, [body.keys_base64[2]!, body.keys[0]!])
    expect(opened).toMatchObject({ status: 200, body: { sealed: false, t: 2, n: 3 } })
    const keyStatus = await vault.request({ method: 'GET', path: 'sys/key-status', token: rootToken })
    expect(keyStatus.data).toMatchObject({ term: 2 })
    const note = await vault.request({ method: 'GET', path: 'notes/app', token: rootToken })
    expect(note.data).toEqual({ value: 's3cr3t' })

    // A new instance over the same storage: same story.
    await vault.seal()
    const reopened = newVault(storage)
    expect((await get(reopened, 'sys/seal-status')).body).toMatchObject({
      initialized: true,
      sealed: true,
      t: 2,
      n: 3,
    })
    await put(reopened, 'sys/unseal', { key: oldKeys[3] })
    expect((await put(reopened, 'sys/unseal', { key: oldKeys[4] })).status).toBe(400)
    expect(reopened.sealed).toBe(true)
    expect((await unsealWith(reopened, [body.keys[1]!, body.keys[2]!])).body).toMatchObject({ sealed: false })
    const mounts = await reopened.request({ method: 'GET', path: 'sys/mounts', token: rootToken })
    expect(mounts.data).toHaveProperty(['notes/'])
    expect((await reopened.request({ method: 'GET', path: 'notes/app', token: rootToken })).data).toEqual({
      value: 's3cr3t',
    })
    expect(
      (await reopened.request({ method: 'GET', path: 'sys/key-status', token: rootToken })).data,
    ).toMatchObject({
      term: 2,
    })
  })

  it('rekeying to a single share returns the raw 32-byte unseal key (64 hex chars), which then unseals alone', async () => {
    const { vault, keys } = await initialized(3, 2)
    const done = await rekey(vault, keys.slice(0, 2), { secret_shares: 1, secret_threshold: 1 })
    const newKeys = done.keys as string[]
    expect(newKeys).toHaveLength(1)
    expect(newKeys[0]).toMatch(/^[0-9a-f]{64}$/)
    await vault.seal()
    expect((await put(vault, 'sys/unseal', { key: newKeys[0] })).body).toMatchObject({
      sealed: false,
      t: 1,
      n: 1,
    })
  })

  it('a 1/1 vault is rekeyed with its single key (required 1)', async () => {
    const { vault, keys } = await initialized(1, 1)
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ required: 1 })
    const done = await rekey(vault, keys, { secret_shares: 3, secret_threshold: 2 })
    expect(done).toMatchObject({ complete: true })
    await vault.seal()
    const opened = await unsealWith(vault, (done.keys as string[]).slice(1))
    expect(opened.body).toMatchObject({ sealed: false })
  })

  it('wrong current shares: 400, nothing changes, the rekey stays open with the same nonce and can still finish', async () => {
    const { vault, keys, rootToken } = await initialized(5, 3)
    const events: unknown[] = []
    vault.on('rekeyed', (e) => events.push(e))
    const init = await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })
    const nonce = init.body!.nonce as string
    const foreign = await foreignShares(5, 3)
    await put(vault, 'sys/rekey/update', { key: foreign[0], nonce })
    await put(vault, 'sys/rekey/update', { key: foreign[1], nonce })
    const res = await put(vault, 'sys/rekey/update', { key: foreign[2], nonce })
    expect(res).toEqual({
      status: 400,
      body: errorBody('root key verification failed: cipher: message authentication failed'),
    })
    expect(events).toEqual([])
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({ t: 3, n: 5 })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ started: true, nonce, progress: 0 })

    // The old key still works.
    await vault.handle({ method: 'PUT', path: 'sys/seal', token: rootToken })
    expect((await unsealWith(vault, [keys[1]!, keys[3]!, keys[4]!])).body).toMatchObject({ sealed: false })

    // Sealing forgot the attempt; a new one completes with the right shares.
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ started: false })
    const done = await rekey(vault, keys.slice(0, 3), { secret_shares: 3, secret_threshold: 2 })
    expect(done).toMatchObject({ complete: true })
    expect(events).toHaveLength(1)
  })
})

describe('sys/rekey/verify: require_verification (api-docs/system/rekey-verify)', () => {
  it('new keys take effect only after a threshold of them is verified; wrong shares and DELETE restart with new nonces', async () => {
    const { vault, keys: oldKeys, storage } = await initialized(5, 3)
    const events: unknown[] = []
    vault.on('rekeyed', (e) => events.push(e))

    const init = await put(vault, 'sys/rekey/init', {
      secret_shares: 3,
      secret_threshold: 2,
      require_verification: true,
    })
    expect(init.body).toMatchObject({ verification_required: true, t: 2, n: 3 })
    const nonce = init.body!.nonce as string

    // Before the current shares are in: verification has not started.
    expect(await get(vault, 'sys/rekey/verify')).toEqual({
      status: 200,
      body: { nonce: '', started: false, t: 2, n: 3, progress: 0 },
    })
    expect(await put(vault, 'sys/rekey/verify', { key: oldKeys[0], nonce })).toEqual({
      status: 400,
      body: errorBody('no rekey verification in progress'),
    })

    await put(vault, 'sys/rekey/update', { key: oldKeys[0], nonce })
    await put(vault, 'sys/rekey/update', { key: oldKeys[1], nonce })
    const done = await put(vault, 'sys/rekey/update', { key: oldKeys[2], nonce })
    expect(done.status).toBe(200)
    expect(Object.keys(done.body!)).toEqual([...UPDATE_KEYS, 'verification_nonce'])
    expect(done.body).toMatchObject({ nonce, complete: true, verification_required: true })
    const newKeys = done.body!.keys as string[]
    expect(newKeys).toHaveLength(3)
    const vNonce = done.body!.verification_nonce as string
    expect(vNonce).toMatch(UUID)
    expect(vNonce).not.toBe(nonce)
    expect(events).toEqual([])

    // The rekey status now carries the verification nonce (omitempty in Vault, so last).
    const status = await get(vault, 'sys/rekey/init')
    expect(Object.keys(status.body!)).toEqual([...STATUS_KEYS, 'verification_nonce'])
    expect(status.body).toMatchObject({ nonce, started: true, progress: 0, verification_nonce: vNonce })

    // More current shares are refused until verification is done.
    expect(await put(vault, 'sys/rekey/update', { key: oldKeys[3], nonce })).toEqual({
      status: 400,
      body: errorBody(
        `rekey operation already finished; verification must be performed; nonce for the verification operation is "${vNonce}"`,
      ),
    })

    // Not in effect yet: configuration unchanged; another instance on the storage unseals with the old
    // shares and refuses the new ones.
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({ t: 3, n: 5 })
    const other = newVault(storage)
    await put(other, 'sys/unseal', { key: newKeys[0] })
    expect((await put(other, 'sys/unseal', { key: newKeys[1] })).status).toBe(200) // threshold 3: still collecting
    expect((await put(other, 'sys/unseal', { key: newKeys[2] })).status).toBe(400)
    expect((await unsealWith(other, oldKeys.slice(2, 5))).body).toMatchObject({ sealed: false })
    await other.seal()

    const vStatus = await get(vault, 'sys/rekey/verify')
    expect(vStatus.status).toBe(200)
    expect(Object.keys(vStatus.body!)).toEqual(VERIFY_STATUS_KEYS)
    expect(vStatus.body).toEqual({ nonce: vNonce, started: true, t: 2, n: 3, progress: 0 })

    // Wrong nonce.
    expect(await put(vault, 'sys/rekey/verify', { key: newKeys[0], nonce })).toEqual({
      status: 400,
      body: errorBody(`incorrect nonce supplied; nonce for this verify operation is "${vNonce}"`),
    })

    // Wrong shares: 400, progress cleared, and (as Vault) a new verification nonce.
    const foreign = await foreignShares(3, 2)
    const p1 = await put(vault, 'sys/rekey/verify', { key: foreign[0], nonce: vNonce })
    expect(p1).toEqual({ status: 200, body: { nonce: vNonce, started: true, t: 2, n: 3, progress: 1 } })
    expect(await put(vault, 'sys/rekey/verify', { key: foreign[1], nonce: vNonce })).toEqual({
      status: 400,
      body: errorBody('rekey verification failed; incorrect key shares supplied'),
    })
    expect(events).toEqual([])
    const afterFailure = (await get(vault, 'sys/rekey/verify')).body as Body
    expect(afterFailure).toMatchObject({ started: true, progress: 0 })
    expect(afterFailure.nonce).toMatch(UUID)
    expect(afterFailure.nonce).not.toBe(vNonce)

    // DELETE restarts verification: progress cleared, another new nonce, same new shares.
    await put(vault, 'sys/rekey/verify', { key: newKeys[0], nonce: afterFailure.nonce })
    const restarted = await del(vault, 'sys/rekey/verify')
    expect(restarted.status).toBe(200)
    expect(Object.keys(restarted.body!)).toEqual(VERIFY_STATUS_KEYS)
    expect(restarted.body).toMatchObject({ started: true, t: 2, n: 3, progress: 0 })
    const vNonce2 = restarted.body!.nonce as string
    expect(vNonce2).toMatch(UUID)
    expect(vNonce2).not.toBe(afterFailure.nonce)
    expect((await get(vault, 'sys/rekey/verify')).body).toMatchObject({ nonce: vNonce2, progress: 0 })

    // Duplicate share.
    await put(vault, 'sys/rekey/verify', { key: newKeys[2], nonce: vNonce2 })
    expect(await put(vault, 'sys/rekey/verify', { key: newKeys[2], nonce: vNonce2 })).toEqual({
      status: 400,
      body: errorBody('given key has already been provided during this verify operation'),
    })

    // The threshold of new shares completes it: {nonce, complete}.
    const verified = await put(vault, 'sys/rekey/verify', { key: newKeys[0], nonce: vNonce2 })
    expect(verified.status).toBe(200)
    expect(Object.keys(verified.body!)).toEqual(['nonce', 'complete'])
    expect(verified.body).toEqual({ nonce: vNonce2, complete: true })
    expect(events).toEqual([{ secretShares: 3, secretThreshold: 2, recovery: false }])

    // In effect now.
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({ t: 2, n: 3 })
    expect(await get(vault, 'sys/rekey/verify')).toEqual({
      status: 400,
      body: errorBody('no rekey configuration found'),
    })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ started: false, required: 2 })
    await vault.seal()
    await put(vault, 'sys/unseal', { key: oldKeys[0] })
    expect((await put(vault, 'sys/unseal', { key: oldKeys[1] })).status).toBe(400)
    expect((await unsealWith(vault, [newKeys[1]!, newKeys[2]!])).body).toMatchObject({ sealed: false })
  })

  it('cancelling the rekey (DELETE sys/rekey/init) during verification discards the new shares', async () => {
    const { vault, keys } = await initialized(3, 2)
    const done = await rekey(vault, keys.slice(0, 2), {
      secret_shares: 3,
      secret_threshold: 2,
      require_verification: true,
    })
    expect(await del(vault, 'sys/rekey/init')).toEqual({ status: 204, body: null })
    expect(
      await put(vault, 'sys/rekey/verify', {
        key: (done.keys as string[])[0],
        nonce: done.verification_nonce,
      }),
    ).toEqual({ status: 400, body: errorBody('no rekey in progress') })
    await vault.seal()
    expect((await unsealWith(vault, keys.slice(1, 3))).body).toMatchObject({ sealed: false })
  })
})

describe('rekey errors (api-docs/system/rekey)', () => {
  it.each([
    ['GET', 'sys/rekey/init'],
    ['GET', 'sys/rekey/verify'],
  ] as const)('%s %s on an uninitialized vault: 400 server is not yet initialized', async (method, path) => {
    const vault = newVault()
    expect(await vault.handle({ method, path })).toEqual({
      status: 400,
      body: errorBody('server is not yet initialized'),
    })
  })

  it.each([
    ['GET', 'sys/rekey/init', {}],
    ['PUT', 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 }],
    ['DELETE', 'sys/rekey/init', {}],
    ['PUT', 'sys/rekey/update', { key: '11'.repeat(33), nonce: 'x' }],
    ['GET', 'sys/rekey/verify', {}],
    ['PUT', 'sys/rekey/verify', { key: '11'.repeat(33), nonce: 'x' }],
    ['DELETE', 'sys/rekey/verify', {}],
  ] as const)('%s %s on a sealed vault: 503 Vault is sealed', async (method, path, data) => {
    const { vault } = await initialized(3, 2)
    await vault.seal()
    expect(await vault.handle({ method, path, data })).toEqual({
      status: 503,
      body: errorBody('Vault is sealed'),
    })
  })

  it('a second PUT while one is in progress: 400 rekey already in progress (the first is untouched)', async () => {
    const { vault } = await initialized(3, 2)
    const first = await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })
    expect(await put(vault, 'sys/rekey/init', { secret_shares: 5, secret_threshold: 3 })).toEqual({
      status: 400,
      body: errorBody('rekey already in progress'),
    })
    expect((await get(vault, 'sys/rekey/init')).body).toEqual(first.body)
  })

  it('wrong nonce: 400 naming the right nonce; progress unchanged', async () => {
    const { vault, keys } = await initialized(3, 2)
    const init = await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })
    const nonce = init.body!.nonce as string
    expect(await put(vault, 'sys/rekey/update', { key: keys[0], nonce: 'not-the-nonce' })).toEqual({
      status: 400,
      body: errorBody(`incorrect nonce supplied; nonce for this rekey operation is "${nonce}"`),
    })
    expect(await put(vault, 'sys/rekey/update', { key: keys[0] })).toEqual({
      status: 400,
      body: errorBody(`incorrect nonce supplied; nonce for this rekey operation is "${nonce}"`),
    })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ progress: 0 })
  })

  it('the same share twice: 400 with Vault’s (generation) wording; progress stays 1', async () => {
    const { vault, keys, keysBase64 } = await initialized(5, 3)
    const init = await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })
    const nonce = init.body!.nonce as string
    await put(vault, 'sys/rekey/update', { key: keys[1], nonce })
    const message = 'given key has already been provided during this generation operation'
    expect(await put(vault, 'sys/rekey/update', { key: keys[1], nonce })).toEqual({
      status: 400,
      body: errorBody(message),
    })
    // The same share base64-encoded is the same share.
    expect(await put(vault, 'sys/rekey/update', { key: keysBase64[1], nonce })).toEqual({
      status: 400,
      body: errorBody(message),
    })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ progress: 1 })
  })

  it('no rekey in progress: update and verify are 400', async () => {
    const { vault, keys } = await initialized(3, 2)
    expect(await put(vault, 'sys/rekey/update', { key: keys[0], nonce: 'x' })).toEqual({
      status: 400,
      body: errorBody('no barrier rekey in progress'),
    })
    expect(await put(vault, 'sys/rekey/verify', { key: keys[0], nonce: 'x' })).toEqual({
      status: 400,
      body: errorBody('no rekey in progress'),
    })
    expect(await get(vault, 'sys/rekey/verify')).toEqual({
      status: 400,
      body: errorBody('no rekey configuration found'),
    })
  })

  it.each([
    [
      { secret_shares: 3, secret_threshold: 1 },
      'invalid rekey seal configuration: threshold must be greater than one for multiple shares',
    ],
    [{}, 'invalid rekey seal configuration: shares must be at least one'],
    [
      { secret_shares: 0, secret_threshold: 0 },
      'invalid rekey seal configuration: shares must be at least one',
    ],
    [
      { secret_shares: 1, secret_threshold: 0 },
      'invalid rekey seal configuration: threshold must be at least one',
    ],
    [
      { secret_shares: 256, secret_threshold: 3 },
      'invalid rekey seal configuration: shares must be less than 256',
    ],
    [{ secret_shares: 3, secret_threshold: 4 }, 'provided threshold greater than the total shares'],
  ])('invalid new configuration %j: 400 %s, nothing started', async (data, message) => {
    const { vault } = await initialized(3, 2)
    expect(await put(vault, 'sys/rekey/init', data)).toEqual({ status: 400, body: errorBody(message) })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ started: false })
  })

  it('backup without PGP keys: 400', async () => {
    const { vault } = await initialized(3, 2)
    expect(
      await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2, backup: true }),
    ).toEqual({
      status: 400,
      body: errorBody('cannot request a backup of the new keys without providing PGP keys for encryption'),
    })
  })

  it('PGP keys are refused (vaultlet does not PGP-encrypt shares)', async () => {
    const { vault } = await initialized(3, 2)
    for (const pgp_keys of [['a', 'b', 'c'], 'a,b,c']) {
      expect(await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2, pgp_keys })).toEqual(
        {
          status: 400,
          body: errorBody('PGP-encrypted keys are not supported by vaultlet'),
        },
      )
    }
    expect(
      await put(vault, 'sys/rekey/init', {
        secret_shares: 3,
        secret_threshold: 2,
        pgp_keys: ['a', 'b', 'c'],
        backup: true,
      }),
    ).toEqual({ status: 400, body: errorBody('PGP-encrypted keys are not supported by vaultlet') })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ started: false })
  })

  it.each([
    [{}, "'key' must be specified in request body as JSON"],
    [{ key: '' }, "'key' must be specified in request body as JSON"],
    [{ key: 'zz' }, "'key' must be a valid hex or base64 string"],
    [{ key: '00'.repeat(8) }, 'key is shorter than minimum 16 bytes'],
    [{ key: '00'.repeat(40) }, 'key is longer than maximum 33 bytes'],
  ])('malformed key %j on sys/rekey/update: 400 %s', async (data, message) => {
    const { vault } = await initialized(3, 2)
    const init = await put(vault, 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2 })
    expect(await put(vault, 'sys/rekey/update', { ...data, nonce: init.body!.nonce })).toEqual({
      status: 400,
      body: errorBody(message),
    })
    expect((await get(vault, 'sys/rekey/init')).body).toMatchObject({ progress: 0 })
  })

  it('rekey endpoints need no token, and a bogus one does not get in the way', async () => {
    const { vault } = await initialized(3, 2)
    const res = await vault.handle({ method: 'GET', path: 'sys/rekey/init', token: 'hvs.bogus' })
    expect(res.status).toBe(200)
  })
})
