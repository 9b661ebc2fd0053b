// The unauthenticated operator endpoints over the request pipeline: sys/init, sys/seal-status,
// sys/unseal, sys/health and sys/leader, in Vault's bare-object shapes (api-docs/system/init,
// …/seal-status, …/unseal, …/health, …/leader; Vault's http/sys_init.go, sys_seal.go, sys_health.go,
// sys_leader.go).
import { describe, expect, it } from 'vitest'
import { BUILD_DATE, VAULT_VERSION } from '../../src/core/seal-manager.js'
import { MemoryStorage, type RawResponse, Vault } from '../../src/index.node.js'
import { ManualClock } from '../../src/testing/manual-clock.js'

type Body = Record<string, unknown>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Vault's `SealStatusResponse` field order (cluster_name/cluster_id are omitempty). */
const SEAL_STATUS_KEYS = [
  'type',
  'initialized',
  'sealed',
  't',
  'n',
  'progress',
  'nonce',
  'version',
  'build_date',
  'migration',
  'cluster_name',
  'cluster_id',
  'recovery_seal',
  'storage_type',
]
const SEALED_STATUS_KEYS = SEAL_STATUS_KEYS.filter((k) => k !== 'cluster_name' && k !== 'cluster_id')

/** Vault's `HealthResponse` field order for a single node (cluster_name/cluster_id omitempty). */
const HEALTH_KEYS = [
  'initialized',
  'sealed',
  'standby',
  'performance_standby',
  'replication_performance_mode',
  'replication_dr_mode',
  'server_time_utc',
  'version',
  'enterprise',
  'cluster_name',
  'cluster_id',
  'echo_duration_ms',
  'clock_skew_ms',
  'replication_primary_canary_age_ms',
]
const SEALED_HEALTH_KEYS = HEALTH_KEYS.filter((k) => k !== 'cluster_name' && k !== 'cluster_id')

const put = (vault: Vault, path: string, data: Body = {}): Promise<RawResponse> =>
  vault.handle({ method: 'PUT', path, data })
const get = (vault: Vault, path: string, data?: Body): Promise<RawResponse> =>
  vault.handle({ method: 'GET', path, ...(data ? { data } : {}) })
const errorBody = (message: string) => ({ errors: [message] })

async function sealedVault(
  clock = new ManualClock(),
): Promise<{ vault: Vault; keys: string[]; rootToken: string }> {
  const vault = new Vault({ clock })
  const init = await put(vault, 'sys/init', { secret_shares: 3, secret_threshold: 2 })
  return { vault, keys: init.body!.keys as string[], rootToken: init.body!.root_token as string }
}

async function unsealedVault(
  clock = new ManualClock(),
): Promise<{ vault: Vault; keys: string[]; rootToken: string }> {
  const v = await sealedVault(clock)
  for (const key of v.keys.slice(0, 2)) await put(v.vault, 'sys/unseal', { key })
  expect(v.vault.sealed).toBe(false)
  return v
}

describe('sys/init (api-docs/system/init)', () => {
  it('GET answers {initialized} before and after', async () => {
    const vault = new Vault()
    expect(await get(vault, 'sys/init')).toEqual({ status: 200, body: { initialized: false } })
    await put(vault, 'sys/init', { secret_shares: 1, secret_threshold: 1 })
    expect(await get(vault, 'sys/init')).toEqual({ status: 200, body: { initialized: true } })
  })

  it('PUT: bare {keys, keys_base64, root_token} in that order; 33-byte shares; the vault stays sealed', async () => {
    const vault = new Vault()
    const res = await put(vault, 'sys/init', { secret_shares: 5, secret_threshold: 3 })
    expect(res.status).toBe(200)
    expect(Object.keys(res.body!)).toEqual(['keys', 'keys_base64', 'root_token'])
    const body = res.body as { keys: string[]; keys_base64: string[]; root_token: string }
    expect(body.keys).toHaveLength(5)
    expect(new Set(body.keys).size).toBe(5)
    for (const [i, k] of body.keys.entries()) {
      expect(k).toMatch(/^[0-9a-f]{66}$/)
      expect(body.keys_base64[i]).toHaveLength(44)
      expect(Buffer.from(body.keys_base64[i]!, 'base64').toString('hex')).toBe(k)
    }
    expect(body.root_token).toMatch(/^hvs\.[0-9A-Za-z]{24}$/)
    expect(vault.sealed).toBe(true)
    expect((await get(vault, 'sys/seal-status')).body).toMatchObject({
      initialized: true,
      sealed: true,
      t: 3,
      n: 5,
    })
  })

  it('POST is a synonym of PUT; vault.request() wraps the bare object as data', async () => {
    const vault = new Vault()
    const res = await vault.request({
      method: 'POST',
      path: 'sys/init',
      data: { secret_shares: 1, secret_threshold: 1 },
    })
    expect(Object.keys(res.data!)).toEqual(['keys', 'keys_base64', 'root_token'])
    expect((res.data!.keys as string[])[0]).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each([
    [{}, 'shares must be at least one'],
    [{ secret_threshold: 3 }, 'shares must be at least one'],
    [{ secret_shares: 3 }, 'threshold must be at least one'],
    [{ secret_shares: 3, secret_threshold: 1 }, 'threshold must be greater than one for multiple shares'],
    [{ secret_shares: 256, secret_threshold: 3 }, 'shares must be less than 256'],
    [{ secret_shares: 3, secret_threshold: 4 }, 'threshold cannot be larger than shares'],
  ])('PUT %j: 400 %s, nothing initialized', async (data, message) => {
    const storage = new MemoryStorage()
    const vault = new Vault({ storage })
    expect(await put(vault, 'sys/init', data)).toEqual({ status: 400, body: errorBody(message) })
    expect(await storage.list('')).toEqual([])
    expect((await get(vault, 'sys/init')).body).toEqual({ initialized: false })
  })

  it('a second PUT: 400 Vault is already initialized', async () => {
    const { vault } = await sealedVault()
    expect(await put(vault, 'sys/init', { secret_shares: 3, secret_threshold: 2 })).toEqual({
      status: 400,
      body: errorBody('Vault is already initialized'),
    })
  })

  it('PGP keys are refused', async () => {
    const vault = new Vault()
    expect(
      await put(vault, 'sys/init', { secret_shares: 1, secret_threshold: 1, pgp_keys: ['mQENBF...'] }),
    ).toEqual({ status: 400, body: errorBody('PGP-encrypted keys are not supported by vaultlet') })
    expect(
      await put(vault, 'sys/init', {
        secret_shares: 1,
        secret_threshold: 1,
        root_token_pgp_key: 'mQENBF...',
      }),
    ).toEqual({ status: 400, body: errorBody('PGP-encrypted keys are not supported by vaultlet') })
  })
})

describe('sys/seal-status (api-docs/system/seal-status)', () => {
  it('uninitialized: t 0, n 0, sealed, no cluster info; Vault’s field order', async () => {
    const res = await get(new Vault(), 'sys/seal-status')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      type: 'shamir',
      initialized: false,
      sealed: true,
      t: 0,
      n: 0,
      progress: 0,
      nonce: '',
      version: VAULT_VERSION,
      build_date: BUILD_DATE,
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    })
    expect(Object.keys(res.body!)).toEqual(SEALED_STATUS_KEYS)
  })

  it('sealed: t/n of the configuration, unseal progress and nonce, no cluster_name/cluster_id', async () => {
    const { vault, keys } = await sealedVault()
    const sealed = await get(vault, 'sys/seal-status')
    expect(Object.keys(sealed.body!)).toEqual(SEALED_STATUS_KEYS)
    expect(sealed.body).toMatchObject({ initialized: true, sealed: true, t: 2, n: 3, progress: 0, nonce: '' })

    const partial = await put(vault, 'sys/unseal', { key: keys[2] })
    expect(partial.status).toBe(200)
    expect(Object.keys(partial.body!)).toEqual(SEALED_STATUS_KEYS)
    expect(partial.body).toMatchObject({ sealed: true, progress: 1 })
    expect(partial.body!.nonce).toMatch(UUID)
    expect((await get(vault, 'sys/seal-status')).body).toEqual(partial.body)
  })

  it('unsealed: every field, cluster_name and cluster_id included, in Vault’s order; stable across seal/unseal', async () => {
    const { vault, keys } = await unsealedVault()
    const res = await get(vault, 'sys/seal-status')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body!)).toEqual(SEAL_STATUS_KEYS)
    expect(res.body).toMatchObject({
      type: 'shamir',
      initialized: true,
      sealed: false,
      t: 2,
      n: 3,
      progress: 0,
      nonce: '',
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    })
    expect(res.body!.cluster_name).toMatch(/^vault-cluster-[0-9a-f]{8}$/)
    expect(res.body!.cluster_id).toMatch(UUID)

    await vault.seal()
    expect(Object.keys((await get(vault, 'sys/seal-status')).body!)).toEqual(SEALED_STATUS_KEYS)
    await put(vault, 'sys/unseal', { key: keys[0] })
    const last = await put(vault, 'sys/unseal', { key: keys[1] })
    expect(last.body).toEqual(res.body)
  })

  it('needs no token; a bogus token is ignored', async () => {
    const { vault } = await unsealedVault()
    expect((await vault.handle({ method: 'GET', path: 'sys/seal-status', token: 'hvs.nope' })).status).toBe(
      200,
    )
  })

  it('other verbs are 405', async () => {
    const { vault } = await unsealedVault()
    expect((await vault.handle({ method: 'DELETE', path: 'sys/seal-status' })).status).toBe(405)
    expect((await put(vault, 'sys/seal-status')).status).toBe(405)
  })
})

describe('sys/health (api-docs/system/health)', () => {
  it('uninitialized: 501; body in Vault’s order without cluster info; standby true as in Vault', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1, 12, 0, 0))
    const vault = new Vault({ clock })
    const res = await get(vault, 'sys/health')
    expect(res.status).toBe(501)
    expect(res.body).toEqual({
      initialized: false,
      sealed: true,
      standby: true,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Date.UTC(2025, 5, 1, 12, 0, 0) / 1000,
      version: VAULT_VERSION,
      enterprise: false,
      echo_duration_ms: 0,
      clock_skew_ms: 0,
      replication_primary_canary_age_ms: 0,
    })
    expect(Object.keys(res.body!)).toEqual(SEALED_HEALTH_KEYS)
  })

  it('sealed: 503, initialized true, sealed true, no cluster info', async () => {
    const { vault } = await sealedVault()
    const res = await get(vault, 'sys/health')
    expect(res.status).toBe(503)
    expect(Object.keys(res.body!)).toEqual(SEALED_HEALTH_KEYS)
    // A sealed Vault core is a standby (CreateCore; sealInternal sets standby without HA).
    expect(res.body).toMatchObject({
      initialized: true,
      sealed: true,
      standby: true,
      performance_standby: false,
    })
  })

  it('active: 200 with cluster_name/cluster_id (the seal-status ones) and the clock’s time', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 2, 3, 4, 5, 678))
    const { vault } = await unsealedVault(clock)
    const res = await get(vault, 'sys/health')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body!)).toEqual(HEALTH_KEYS)
    const status = (await get(vault, 'sys/seal-status')).body!
    expect(res.body).toEqual({
      initialized: true,
      sealed: false,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(Date.UTC(2025, 0, 2, 3, 4, 5) / 1000),
      version: VAULT_VERSION,
      enterprise: false,
      cluster_name: status.cluster_name,
      cluster_id: status.cluster_id,
      echo_duration_ms: 0,
      clock_skew_ms: 0,
      replication_primary_canary_age_ms: 0,
    })
  })

  it('uninitcode, sealedcode and activecode override the status (as query strings or numbers)', async () => {
    const vault = new Vault()
    expect((await get(vault, 'sys/health', { uninitcode: '200' })).status).toBe(200)
    expect((await get(vault, 'sys/health', { uninitcode: 299, sealedcode: 200 })).status).toBe(299)
    const { keys } = (await put(vault, 'sys/init', { secret_shares: 3, secret_threshold: 2 })).body as {
      keys: string[]
    }
    expect((await get(vault, 'sys/health', { sealedcode: '200' })).status).toBe(200)
    expect(
      (await get(vault, 'sys/health', { sealedcode: 429, uninitcode: 200, activecode: 200 })).status,
    ).toBe(429)
    for (const key of keys.slice(0, 2)) await put(vault, 'sys/unseal', { key })
    expect((await get(vault, 'sys/health', { activecode: '204' })).status).toBe(204)
    expect(
      (await get(vault, 'sys/health', { activecode: 299, sealedcode: 500, uninitcode: 500 })).status,
    ).toBe(299)
  })

  it('standbyok (and perfstandbyok) are accepted; an active node still answers 200', async () => {
    const { vault } = await unsealedVault()
    expect((await get(vault, 'sys/health', { standbyok: 'true' })).status).toBe(200)
    expect(
      (await get(vault, 'sys/health', { standbyok: true, perfstandbyok: true, standbycode: '299' })).status,
    ).toBe(200)
  })

  it('a code that is not an integer: 400', async () => {
    const vault = new Vault()
    expect((await get(vault, 'sys/health', { sealedcode: 'abc' })).status).toBe(400)
  })

  it('HEAD: the status only, no body (and the overrides apply)', async () => {
    const vault = new Vault()
    expect(await vault.handle({ method: 'HEAD', path: 'sys/health' })).toEqual({ status: 501, body: null })
    expect(await vault.handle({ method: 'HEAD', path: 'sys/health', data: { uninitcode: '200' } })).toEqual({
      status: 200,
      body: null,
    })
    const { keys } = (await put(vault, 'sys/init', { secret_shares: 3, secret_threshold: 2 })).body as {
      keys: string[]
    }
    expect(await vault.handle({ method: 'HEAD', path: 'sys/health' })).toEqual({ status: 503, body: null })
    for (const key of keys.slice(0, 2)) await put(vault, 'sys/unseal', { key })
    expect(await vault.handle({ method: 'HEAD', path: 'sys/health' })).toEqual({ status: 200, body: null })
    expect(await vault.handle({ method: 'HEAD', path: 'sys/health', data: { activecode: '202' } })).toEqual({
      status: 202,
      body: null,
    })
  })

  it('needs no token', async () => {
    const { vault } = await unsealedVault()
    expect((await vault.handle({ method: 'GET', path: 'sys/health', token: 'hvs.nope' })).status).toBe(200)
  })
})

describe('sys/leader (api-docs/system/leader)', () => {
  it('uninitialized or sealed: 503 Vault is sealed', async () => {
    expect(await get(new Vault(), 'sys/leader')).toEqual({ status: 503, body: errorBody('Vault is sealed') })
    const { vault } = await sealedVault()
    expect(await get(vault, 'sys/leader')).toEqual({ status: 503, body: errorBody('Vault is sealed') })
    await expect(vault.request({ method: 'GET', path: 'sys/leader' })).rejects.toMatchObject({
      statusCode: 503,
      errors: ['Vault is sealed'],
    })
  })

  it('unsealed: the single-node shape, in order, without a token', async () => {
    const { vault } = await unsealedVault()
    const res = await get(vault, 'sys/leader')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      ha_enabled: false,
      is_self: false,
      active_time: '0001-01-01T00:00:00Z',
      leader_address: '',
      leader_cluster_address: '',
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
    })
    expect(Object.keys(res.body!)).toEqual([
      'ha_enabled',
      'is_self',
      'active_time',
      'leader_address',
      'leader_cluster_address',
      'performance_standby',
      'performance_standby_last_remote_wal',
    ])
  })
})

describe('sys/unseal over the pipeline (api-docs/system/unseal)', () => {
  it('answers the seal-status object at every step; the threshold share unseals', async () => {
    const { vault, keys } = await sealedVault()
    const first = await put(vault, 'sys/unseal', { key: keys[1] })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ sealed: true, t: 2, n: 3, progress: 1 })
    const last = await put(vault, 'sys/unseal', { key: keys[0] })
    expect(Object.keys(last.body!)).toEqual(SEAL_STATUS_KEYS)
    expect(last.body).toMatchObject({ sealed: false, progress: 0, nonce: '' })
  })

  it('on an uninitialized vault: 400 Vault is not initialized', async () => {
    expect(await put(new Vault(), 'sys/unseal', { key: '00'.repeat(32) })).toEqual({
      status: 400,
      body: errorBody('Vault is not initialized'),
    })
  })
})
