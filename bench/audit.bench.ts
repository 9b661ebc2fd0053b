/**
 * The cost of auditing. Once the pipeline is wired (the vault has an `audit` broker): KV v2 get ops/s
 * through the full pipeline with no audit device, with one file device (direct `write(2)`, the
 * default), with `async_writes=true` (libuv thread pool) and with `fsync=true`. Before that: the broker alone — `logRequest` + `logResponse` of a KV-get-sized
 * entry to a file device (sequential, and 64 at a time to show the group commit), beside a plain
 * `JSON.stringify` + `appendFile` of the same entry. Ratios, not absolute figures, are what to compare.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Bench } from 'tinybench'
import { fileDeviceType } from '../src/audit/file.js'
import { AuditBroker, type AuditInput, type AuditResponseInput } from '../src/audit/index.js'
import { systemClock } from '../src/clock.js'
import { nodeCrypto, Vault } from '../src/index.node.js'
import { MemoryStorage } from '../src/storage/memory.js'
import { opsPerSec } from './util.js'

const SECRET = { username: 'app-user', password: 'correct-horse-battery-staple' }

/** A KV v2 read as the pipeline would hand it to the broker. */
function kvGet(i: number): AuditResponseInput {
  const input: AuditInput = {
    id: `6f1c2d3e-0000-4000-8000-${String(i).padStart(12, '0')}`,
    operation: 'read',
    path: 'secret/data/app/db',
    mountPoint: 'secret/',
    mountType: 'kv',
    mountAccessor: 'kv_0a1b2c3d',
    mountRunningVersion: 'v0.1.0+builtin.vaultlet',
    mountClass: 'secret',
    clientToken: 'hvs.CAESIJ2iJ7bU2rD0mZ3vY1x8qQ9wK4tL6pN0sR5uV7yZ1aB',
    clientTokenAccessor: 'Xk3n8Qp2Lr7Tz1Wv5Ys9Bc4D',
    tokenEntry: {
      policies: ['app', 'default'],
      meta: null,
      display_name: 'token',
      type: 'service',
      ttl: 2764800,
      creation_time: 1704067200,
      entity_id: '',
      num_uses: 0,
    },
    policyResults: { allowed: true, grantingPolicies: ['app'] },
    remoteAddress: '127.0.0.1',
    remotePort: 52114,
  }
  return {
    ...input,
    response: {
      request_id: input.id,
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: {
        data: SECRET,
        metadata: {
          created_time: '2024-01-01T00:00:00.123456Z',
          custom_metadata: null,
          deletion_time: '',
          destroyed: false,
          version: 1,
        },
      },
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'kv',
    },
  }
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlet-audit-bench-'))
  try {
    const probe = await Vault.dev()
    const wired = Reflect.has(probe, 'audit')
    await probe.close()
    if (wired) await pipeline(dir)
    else {
      console.log('The pipeline does not call the audit broker yet: measuring the broker alone.\n')
      await brokerOnly(dir)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** KV get through the pipeline: no device, a file device, a file device with fsync. */
async function pipeline(dir: string): Promise<void> {
  const setup = async (options: Record<string, string> | null) => {
    const vault = await Vault.dev({ rootToken: 'root' })
    await vault.request({ method: 'POST', path: 'secret/data/app/db', data: { data: SECRET }, token: 'root' })
    if (options) {
      await vault.request({
        method: 'PUT',
        path: 'sys/audit/file',
        data: { type: 'file', options },
        token: 'root',
      })
    }
    return vault
  }
  const plain = await setup(null)
  const audited = await setup({ file_path: join(dir, 'audit.log') })
  const threaded = await setup({ file_path: join(dir, 'audit-async.log'), async_writes: 'true' })
  const synced = await setup({ file_path: join(dir, 'audit-fsync.log'), fsync: 'true' })
  const get = (vault: Vault) => async () => {
    const res = await vault.request({ method: 'GET', path: 'secret/data/app/db', token: 'root' })
    if (!res.data) throw new Error('read failed')
  }
  const names = {
    off: 'KV v2 get, no audit device',
    on: 'KV v2 get, one file device',
    threaded: 'KV v2 get, one file device (async_writes)',
    fsync: 'KV v2 get, one file device (fsync)',
  }
  const bench = new Bench({ name: 'audit', time: 1500, warmupTime: 300 })
  bench
    .add(names.off, get(plain))
    .add(names.on, get(audited))
    .add(names.threaded, get(threaded))
    .add(names.fsync, get(synced))
  await bench.run()
  report(bench, names.off)
  for (const v of [plain, audited, threaded, synced]) await v.close()
}

/** The broker's two hooks for a KV-get-sized entry, beside a plain stringify + append. */
async function brokerOnly(dir: string): Promise<void> {
  const broker = async (options: Record<string, string>) => {
    const b = new AuditBroker({
      storage: new MemoryStorage(),
      crypto: nodeCrypto,
      clock: systemClock,
      deviceTypes: { file: fileDeviceType },
    })
    await b.setup()
    await b.enable('file', { type: 'file', options })
    return b
  }
  const plain = await broker({ file_path: join(dir, 'audit.log') })
  const threaded = await broker({ file_path: join(dir, 'audit-async.log'), async_writes: 'true' })
  const synced = await broker({ file_path: join(dir, 'audit-fsync.log'), fsync: 'true' })
  const baselinePath = join(dir, 'baseline.log')
  let i = 0
  const pair = (b: AuditBroker) => async () => {
    const input = kvGet(i++)
    await b.logRequest(input)
    await b.logResponse(input)
  }
  const concurrent = (b: AuditBroker, n: number) => async () => {
    await Promise.all(Array.from({ length: n }, () => pair(b)()))
  }
  const names = {
    baseline: 'JSON.stringify + appendFile ×2 (baseline)',
    pair: 'logRequest + logResponse, file device',
    threaded: 'logRequest + logResponse, file device (async_writes)',
    fsync: 'logRequest + logResponse, file device (fsync)',
    c64: '64 concurrent pairs, file device (per pair)',
    c64sync: '64 concurrent pairs, file device with fsync (per pair)',
  }
  const bench = new Bench({ name: 'audit-broker', time: 1500, warmupTime: 300 })
  bench
    .add(names.baseline, async () => {
      const input = kvGet(i++)
      await appendFile(baselinePath, `${JSON.stringify(input)}\n`)
      await appendFile(baselinePath, `${JSON.stringify(input)}\n`)
    })
    .add(names.pair, pair(plain))
    .add(names.threaded, pair(threaded))
    .add(names.fsync, pair(synced))
    .add(names.c64, concurrent(plain, 64))
    .add(names.c64sync, concurrent(synced, 64))
  await bench.run()
  report(bench, names.baseline, { [names.c64]: 64, [names.c64sync]: 64 })
  await plain.teardown()
  await threaded.teardown()
  await synced.teardown()
}

function report(bench: Bench, baseline: string, perIteration: Record<string, number> = {}): void {
  const ops = (n: string) => opsPerSec(bench, n) * (perIteration[n] ?? 1)
  console.table(
    bench.tasks.map((t) => ({
      task: t.name,
      'ops/s': Math.round(ops(t.name)),
      'µs/op': (1e6 / ops(t.name)).toFixed(1),
      [`vs ${baseline}`]: `${(ops(t.name) / ops(baseline)).toFixed(2)}×`,
    })),
  )
}
