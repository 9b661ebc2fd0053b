// sys/audit, sys/audit/:path, sys/audit-hash/:path, sys/config/auditing/request-headers, through the
// framework the system backend uses (the pipeline adds sudo and the top-level copy of `data`).
import { beforeEach, describe, expect, it } from 'vitest'
import { AuditBroker, memoryDeviceType } from '../../src/audit/index.js'
import type { LogicalRequest, Operation } from '../../src/core/logical.js'
import { nodeCrypto } from '../../src/crypto/node.js'
import { AUDIT_ROOT_PATHS, auditPaths } from '../../src/engines/sys/audit.js'
import { VaultError } from '../../src/errors.js'
import { FrameworkBackend } from '../../src/framework/backend.js'
import { MemoryStorage } from '../../src/storage/memory.js'
import { StorageView } from '../../src/storage/view.js'
import { ManualClock } from '../../src/testing/manual-clock.js'

let broker: AuditBroker
let backend: FrameworkBackend
const storage = new StorageView(new MemoryStorage(), 'sys/')

beforeEach(async () => {
  broker = new AuditBroker({
    storage: new MemoryStorage(),
    crypto: nodeCrypto,
    clock: new ManualClock(),
    deviceTypes: { memory: memoryDeviceType().factory },
  })
  await broker.setup()
  backend = new FrameworkBackend({
    type: 'system',
    paths: auditPaths(broker),
    specialPaths: { root: [...AUDIT_ROOT_PATHS] },
  })
})

function call(operation: Operation, path: string, data: Record<string, unknown> = {}) {
  const req: LogicalRequest = {
    id: 'r',
    operation,
    path,
    mountPoint: 'sys/',
    mountType: 'system',
    mountAccessor: 'system_1',
    data,
    storage,
    clientToken: 'root',
    clientTokenAccessor: '',
    displayName: 'root',
    policies: ['root'],
    headers: {},
  }
  return backend.handleRequest(req)
}

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(VaultError)
    return e as VaultError
  }
  throw new Error('expected a rejection')
}

describe('sys/audit', () => {
  it('PUT enables (204), GET lists "<path>/" → {description, local, options, path, type}, DELETE disables', async () => {
    expect(
      await call('update', 'audit/mem', { type: 'memory', description: 'tests', options: { prefix: 'A:' } }),
    ).toBeNull()
    expect(await call('update', 'audit/nested/path', { type: 'memory', local: true })).toBeNull()
    const listed = await call('read', 'audit')
    expect(listed?.data).toEqual({
      'mem/': { description: 'tests', local: false, options: { prefix: 'A:' }, path: 'mem/', type: 'memory' },
      'nested/path/': { description: '', local: true, options: {}, path: 'nested/path/', type: 'memory' },
    })
    expect(Object.keys(listed?.data?.['mem/'] as object)).toEqual([
      'description',
      'local',
      'options',
      'path',
      'type',
    ])
    expect(await call('delete', 'audit/mem')).toBeNull()
    expect(await call('delete', 'audit/never-enabled')).toBeNull()
    expect(Object.keys((await call('read', 'audit'))?.data ?? {})).toEqual(['nested/path/'])
  })

  it('accepts options as key=value pairs, as Vault’s TypeKVPairs', async () => {
    await call('update', 'audit/kv', { type: 'memory', options: ['prefix=X', 'hmac_accessor=false'] })
    expect(broker.list()[0]?.options).toEqual({ prefix: 'X', hmac_accessor: 'false' })
  })

  it.each([
    ['audit/mem', { type: 'memory' }, 'path already in use'],
    ['audit/mem/below', { type: 'memory' }, 'path already in use'],
    ['audit/other', { type: 'nope' }, 'unknown backend type: "nope"'],
    [
      'audit/other',
      { type: 'memory', options: { log_raw: 'perhaps' } },
      'strconv.ParseBool: parsing "perhaps": invalid syntax',
    ],
  ])('PUT %s %o → 400 %s', async (path, body, message) => {
    await call('update', 'audit/mem', { type: 'memory' })
    const err = await failure(call('update', path, body))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(message)
  })

  it('has no read on sys/audit/:path (405), and the sudo paths are Vault’s', async () => {
    const err = await failure(call('read', 'audit/mem'))
    expect(err.statusCode).toBe(405)
    expect(backend.specialPaths?.root).toEqual(['audit', 'audit/*', 'config/auditing/*'])
  })
})

describe('sys/audit-hash', () => {
  it('returns the device’s hash of the input', async () => {
    await call('update', 'audit/mem', { type: 'memory' })
    const res = await call('update', 'audit-hash/mem', { input: 'my-secret' })
    expect(res?.data).toEqual({ hash: await broker.hash('mem', 'my-secret') })
  })

  it.each([
    [{}, 'the "input" parameter is empty'],
    [{ input: '' }, 'the "input" parameter is empty'],
  ])('%o → 400 %s', async (body, message) => {
    await call('update', 'audit/mem', { type: 'memory' })
    const err = await failure(call('update', 'audit-hash/mem', body))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(message)
  })

  it('an unknown device is a 400', async () => {
    const err = await failure(call('update', 'audit-hash/none', { input: 'x' }))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe('unknown audit backend "none/"')
  })
})

describe('sys/config/auditing/request-headers', () => {
  it('configures, reads, lists and removes audited headers', async () => {
    expect(await call('update', 'config/auditing/request-headers/X-Forwarded-For', { hmac: true })).toBeNull()
    expect((await call('read', 'config/auditing/request-headers/X-Forwarded-For'))?.data).toEqual({
      'X-Forwarded-For': { hmac: true },
    })
    expect((await call('read', 'config/auditing/request-headers'))?.data).toEqual({
      headers: { 'x-forwarded-for': { hmac: true } },
    })
    expect(await call('delete', 'config/auditing/request-headers/x-forwarded-for')).toBeNull()
    const err = await failure(call('read', 'config/auditing/request-headers/x-forwarded-for'))
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe('Could not find header in config')
  })
})
