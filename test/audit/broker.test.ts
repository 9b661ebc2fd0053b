// The audit broker: the table and salts behind the barrier, fail-closed semantics (Vault's "at least
// one device"), ordering under concurrent logs, audit-hash against the log, audited headers.
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fileDeviceType } from '../../src/audit/file.js'
import {
  AUDIT_TABLE_PATH,
  AuditBroker,
  type AuditDevice,
  type AuditEntry,
  type AuditFailureKind,
  type AuditInput,
  type AuditRecord,
  memoryDeviceType,
} from '../../src/audit/index.js'
import { nodeCrypto } from '../../src/crypto/node.js'
import { InternalError, SealedError, VaultError } from '../../src/errors.js'
import { MemoryStorage } from '../../src/storage/memory.js'
import { ManualClock } from '../../src/testing/manual-clock.js'
import { fromUtf8 } from '../../src/util/encoding.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultlet-broker-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A device type whose writes fail while `broken` is set. */
function flaky() {
  const state = { broken: false, records: [] as AuditRecord[] }
  const factory = (): AuditDevice => ({
    async write(records) {
      if (state.broken) throw new Error('disk full')
      state.records.push(...records)
    },
  })
  return { state, factory }
}

async function setup(extra: Partial<ConstructorParameters<typeof AuditBroker>[0]> = {}) {
  const storage = new MemoryStorage()
  const errors: { path: string; kind: AuditFailureKind; message: string }[] = []
  const memory = memoryDeviceType()
  const broker = new AuditBroker({
    storage,
    crypto: nodeCrypto,
    clock: new ManualClock(),
    deviceTypes: { file: fileDeviceType, memory: memory.factory },
    onDeviceError: (path, err, kind) => errors.push({ path, kind, message: (err as Error).message }),
    ...extra,
  })
  await broker.setup()
  return { storage, broker, errors, memory }
}

const input = (n = 0): AuditInput => ({
  id: `req-${n}`,
  operation: 'update',
  path: 'secret/data/app',
  data: { data: { password: `hunter${n}` } },
  clientToken: 'hvs.client-token',
})

async function rejection(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(VaultError)
    return e as VaultError
  }
  throw new Error('expected a rejection')
}

const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry)

describe('AuditBroker: enabling and persistence', () => {
  it('persists the table at core/audit and a salt per device at audit/<uuid>/salt', async () => {
    const { storage, broker } = await setup()
    const entry = await broker.enable('mem', {
      type: 'memory',
      description: 'in memory',
      options: { a: 'b' },
    })
    expect(entry).toMatchObject({
      table: 'audit',
      path: 'mem/',
      type: 'memory',
      description: 'in memory',
      local: false,
    })
    expect(entry.accessor).toMatch(/^audit_memory_[0-9a-f]{8}$/)
    const table = JSON.parse(fromUtf8((await storage.get(AUDIT_TABLE_PATH))!))
    expect(table).toEqual({ type: 'audit', entries: [entry] })
    const salt = fromUtf8((await storage.get(`audit/${entry.uuid}/salt`))!)
    expect(salt).toMatch(/^[0-9a-f-]{36}$/)
    expect(broker.list()).toEqual([
      { description: 'in memory', local: false, options: { a: 'b' }, path: 'mem/', type: 'memory' },
    ])
  })

  it('survives seal/unseal: same devices, same salt, same hashes', async () => {
    const { storage, broker, memory } = await setup()
    await broker.enable('mem', { type: 'memory' })
    const before = await broker.hash('mem', 'hunter2')
    await broker.teardown()
    expect(broker.active).toBe(false)
    await expect(broker.hash('mem', 'x')).rejects.toBeInstanceOf(SealedError)
    const again = new AuditBroker({
      storage,
      crypto: nodeCrypto,
      clock: new ManualClock(),
      deviceTypes: { memory: memory.factory },
    })
    await again.setup()
    expect(again.count).toBe(1)
    expect(await again.hash('mem/', 'hunter2')).toBe(before)
  })

  it('disable deletes the salt: a device re-enabled at the path hashes differently', async () => {
    const { storage, broker } = await setup()
    const first = await broker.enable('mem', { type: 'memory' })
    const h1 = await broker.hash('mem', 'v')
    expect(await broker.disable('mem')).toBe(true)
    expect(await storage.get(`audit/${first.uuid}/salt`)).toBeNull()
    expect(await broker.disable('mem')).toBe(false)
    await broker.enable('mem', { type: 'memory' })
    expect(await broker.hash('mem', 'v')).not.toBe(h1)
  })

  it.each([
    ['mem', { type: 'memory' }, 'path already in use'],
    ['mem/sub', { type: 'memory' }, 'path already in use'],
    ['other', { type: 'syslog' }, 'unknown backend type: "syslog"'],
    ['other', { type: '' }, 'unknown backend type: ""'],
    ['', { type: 'memory' }, 'backend path must be specified'],
    ['other', { type: 'memory', options: { format: 'xml' } }, 'unknown format type "xml"'],
    ['other', { type: 'file', options: {} }, 'file_path is required'],
  ])('enable(%j, %o) → 400 %s', async (path, body, message) => {
    const { broker } = await setup()
    await broker.enable('mem', { type: 'memory' })
    const err = await rejection(broker.enable(path, body))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(message)
    expect(broker.list()).toHaveLength(1)
  })

  it('writes Vault’s test probe at enable (unless skip_test), and refuses a device that cannot write', async () => {
    const { broker, memory } = await setup()
    await broker.enable('mem', { type: 'memory' })
    expect(memory.entries).toHaveLength(1)
    expect(memory.entries[0]).toMatchObject({
      type: 'request',
      auth: { token_type: 'default' },
      request: { operation: 'update', path: 'sys/audit/test', namespace: { id: 'root' } },
    })
    await broker.enable('quiet', { type: 'memory', options: { skip_test: 'true' } })
    expect(memory.entries).toHaveLength(1)
    const bad = flaky()
    bad.state.broken = true
    broker.registerDeviceType('flaky', bad.factory)
    const err = await rejection(broker.enable('bad', { type: 'flaky' }))
    expect(err.message).toBe('audit backend failed test message: disk full')
    expect(broker.list().map((d) => d.path)).toEqual(['mem/', 'quiet/'])
  })

  it('a file device that cannot be opened is refused with Vault’s message', async () => {
    const { broker } = await setup()
    const path = join(dir, 'dir-as-file')
    await (await import('node:fs/promises')).writeFile(path, '')
    const err = await rejection(
      broker.enable('file', { type: 'file', options: { file_path: join(path, 'x.log') } }),
    )
    expect(err.message).toMatch(/^sanity check failed; unable to open ".*x\.log" for writing: /)
  })

  it('refuses to unseal when devices are configured and none can be loaded (fail closed)', async () => {
    const { storage, broker } = await setup()
    await broker.enable('mem', { type: 'memory' })
    await broker.teardown()
    const errors: string[] = []
    const without = new AuditBroker({
      storage,
      crypto: nodeCrypto,
      clock: new ManualClock(),
      onDeviceError: (p, e, k) => errors.push(`${k} ${p} ${(e as Error).message}`),
    })
    const err = await rejection(without.setup())
    expect(err).toBeInstanceOf(InternalError)
    expect(err.message).toBe('failed to setup audit table')
    expect(errors).toEqual(['setup mem/ unknown backend type: "memory"'])
    await expect(without.logRequest(input())).rejects.toBeInstanceOf(SealedError)
  })
})

describe('AuditBroker: fail closed', () => {
  it('with no device, nothing is required', async () => {
    const { broker } = await setup()
    await expect(broker.logRequest(input())).resolves.toBeUndefined()
    await expect(broker.logResponse({ ...input(), response: null })).resolves.toBeUndefined()
  })

  it('a failing only device blocks the request (500 internal error), and fails the response', async () => {
    const { broker, errors } = await setup()
    const dev = flaky()
    broker.registerDeviceType('flaky', dev.factory)
    await broker.enable('only', { type: 'flaky' })
    dev.state.broken = true
    const err = await rejection(broker.logRequest(input()))
    expect(err).toBeInstanceOf(InternalError)
    expect(err.statusCode).toBe(500)
    expect(err.errors).toEqual(['internal error'])
    expect(err.message).toBe('no audit backend succeeded in logging the request')
    const resp = await rejection(broker.logResponse({ ...input(), response: null }))
    expect(resp.message).toBe('no audit backend succeeded in logging the response')
    expect(errors).toEqual([
      { path: 'only/', kind: 'request', message: 'disk full' },
      { path: 'only/', kind: 'response', message: 'disk full' },
    ])
  })

  it('one failing device of two does not block; the failure is reported', async () => {
    const { broker, errors, memory } = await setup()
    const dev = flaky()
    broker.registerDeviceType('flaky', dev.factory)
    await broker.enable('a', { type: 'flaky' })
    await broker.enable('b', { type: 'memory' })
    dev.state.broken = true
    await broker.logRequest(input(1))
    await broker.logResponse({ ...input(1), response: { request_id: 'req-1', data: { ok: 'yes' } } })
    expect(memory.entries.map((e) => e.type)).toEqual(['request', 'request', 'response']) // probe + 2
    expect(errors.map((e) => `${e.kind} ${e.path}`)).toEqual(['request a/', 'response a/'])
    dev.state.broken = false
    await broker.logRequest(input(2))
    expect(dev.state.records.at(-1)?.entry.request?.id).toBe('req-2')
  })

  it('a throwing error listener does not change the outcome', async () => {
    const { broker } = await setup({
      onDeviceError: () => {
        throw new Error('listener bug')
      },
    })
    const dev = flaky()
    broker.registerDeviceType('flaky', dev.factory)
    await broker.enable('a', { type: 'flaky' })
    await broker.enable('b', { type: 'memory' })
    dev.state.broken = true
    await expect(broker.logRequest(input())).resolves.toBeUndefined()
  })

  it('after teardown, logRequest refuses (sealed) and logResponse is a no-op (the answer to sys/seal)', async () => {
    const { broker } = await setup()
    await broker.enable('mem', { type: 'memory' })
    await broker.teardown()
    await expect(broker.logRequest(input())).rejects.toBeInstanceOf(SealedError)
    await expect(broker.logResponse({ ...input(), response: null })).resolves.toBeUndefined()
  })
})

describe('AuditBroker: ordering and durability', () => {
  it('entries reach each device in the order the hooks were called, under concurrency', async () => {
    const { broker } = await setup()
    const path = join(dir, 'audit.log')
    await broker.enable('file', { type: 'file', options: { file_path: path } })
    const order: string[] = []
    const slow: AuditDevice = {
      async write(records) {
        await new Promise((r) => setTimeout(r, Math.random() * 3))
        for (const r of records) order.push(`${r.type}:${r.entry.request?.id}`)
      },
    }
    broker.registerDeviceType('slow', () => slow)
    await broker.enable('slow', { type: 'slow', options: { skip_test: 'true' } })
    const calls: Promise<void>[] = []
    const expected: string[] = []
    for (let i = 0; i < 200; i++) {
      const kind = i % 3 === 0 ? 'response' : 'request'
      expected.push(`${kind}:req-${i}`)
      calls.push(
        kind === 'request'
          ? broker.logRequest(input(i))
          : broker.logResponse({ ...input(i), response: null }),
      )
    }
    await Promise.all(calls)
    expect(order).toEqual(expected)
    const logged = (await lines(path)).filter((e) => e.request?.path !== 'sys/audit/test')
    expect(logged.map((e) => `${e.type}:${e.request?.id}`)).toEqual(expected)
  })

  it('a response entry is in the file when logResponse resolves', async () => {
    const { broker } = await setup()
    const path = join(dir, 'audit.log')
    await broker.enable('file', { type: 'file', options: { file_path: path } })
    await broker.logResponse({ ...input(7), response: { request_id: 'req-7', data: { x: 1 } } })
    const last = (await lines(path)).at(-1)
    expect(last?.type).toBe('response')
    expect(last?.response?.data).toEqual({ x: 1 })
  })

  it('reopen() rotates file devices after the queued entries', async () => {
    const { broker } = await setup()
    const path = join(dir, 'audit.log')
    await broker.enable('file', { type: 'file', options: { file_path: path, skip_test: 'true' } })
    await broker.logRequest(input(1))
    await rename(path, `${path}.1`)
    const pending = broker.logRequest(input(2)) // queued before the reopen: goes to the old file
    const reopened = broker.reopen()
    await pending
    expect(await reopened).toEqual([])
    await broker.logRequest(input(3))
    expect((await lines(`${path}.1`)).map((e) => e.request?.id)).toEqual(['req-1', 'req-2'])
    expect((await lines(path)).map((e) => e.request?.id)).toEqual(['req-3'])
  })
})

describe('AuditBroker: audit-hash and secrets', () => {
  it('hash() returns exactly the value logged for a secret; the secret is not in the log', async () => {
    const { broker } = await setup()
    const path = join(dir, 'audit.log')
    await broker.enable('file', { type: 'file', options: { file_path: path } })
    await broker.logRequest(input(2))
    const text = await readFile(path, 'utf8')
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('hvs.client-token')
    const hash = await broker.hash('file', 'hunter2')
    expect(hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/)
    const entry = (await lines(path)).at(-1)!
    expect((entry.request?.data?.data as Record<string, string> | undefined)?.password).toBe(hash)
    expect(entry.request?.client_token).toBe(await broker.hash('file/', 'hvs.client-token'))
    const err = await rejection(broker.hash('nope', 'x'))
    expect(err.message).toBe('unknown audit backend "nope/"')
  })

  it('log_raw writes values in the clear (as Vault)', async () => {
    const { broker, memory } = await setup()
    await broker.enable('raw', { type: 'memory', options: { log_raw: 'true', skip_test: 'true' } })
    await broker.logRequest(input(5))
    expect(memory.entries[0]?.request?.data).toEqual({ data: { password: 'hunter5' } })
  })

  it('writes only the configured request headers, HMAC’d per device when asked', async () => {
    const { storage, broker, memory } = await setup()
    await broker.enable('mem', { type: 'memory', options: { skip_test: 'true' } })
    await broker.setAuditedHeader('X-Forwarded-For', false)
    await broker.setAuditedHeader('x-api-key', true)
    expect(broker.auditedHeaders()).toEqual({
      'x-api-key': { hmac: true },
      'x-forwarded-for': { hmac: false },
    })
    expect(await storage.get('sys/audited-headers-config/audited-headers')).not.toBeNull()
    await broker.logRequest({
      ...input(),
      headers: { 'x-forwarded-for': ['10.0.0.1'], 'x-api-key': ['k-123'], cookie: ['session=abc'] },
    })
    expect(memory.entries[0]?.request?.headers).toEqual({
      'x-api-key': [await broker.hash('mem', 'k-123')],
      'x-forwarded-for': ['10.0.0.1'],
    })
    await broker.removeAuditedHeader('X-API-KEY')
    expect(broker.auditedHeader('x-api-key')).toBeUndefined()
    expect(broker.auditedHeader('X-Forwarded-For')).toEqual({ hmac: false })
  })
})
