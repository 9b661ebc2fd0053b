/**
 * The lease manager at scale, on one in-memory vault (MemoryStorage, node:crypto, a manual clock so that
 * many leases can expire at the same instant):
 *
 * 1. registering N leases through the manager's API (time per lease; heap and array-buffer bytes per
 *    lease, storage included);
 * 2. sealing and unsealing: rebuilding the expiry queue from storage (time; the manager's own memory per
 *    lease, measured as the heap the restored queue holds);
 * 3. revoking a prefix of N/10 leases;
 * 4. N/10 leases expiring at the same instant — with the worst event-loop delay seen meanwhile
 *    (`perf_hooks.monitorEventLoopDelay`), which batching with yields keeps small.
 *
 * N defaults to 1,000,000 (`LEASES_BENCH_N` to change it). Heap figures use `gc()` — from
 * `--expose-gc` when given, else enabled at run time through `v8.setFlagsFromString`.
 *
 * Run alone: `npx tsx bench/leases.bench.ts`, or `npm run bench -- leases`.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { FrameworkBackend, MemoryStorage, Vault } from '../src/index.node.js'
import { ManualClock } from '../src/testing/manual-clock.js'

const ROLES = 10
const HOUR = 3600

/** `gc()`, from --expose-gc or switched on now. */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc
  if (existing) return existing
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

function memory(gc: () => void): { heap: number; buffers: number } {
  gc()
  gc()
  const m = process.memoryUsage()
  return { heap: m.heapUsed, buffers: m.arrayBuffers }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

interface Watched {
  ms: number
  /** Worst and 99th-percentile event-loop delay, ms. */
  maxDelay: number
  p99: number
  /** Longest garbage-collection pause seen meanwhile, ms (it blocks the loop too). */
  maxGc: number
}

/** Runs `fn` while watching the event loop and the garbage collector. */
async function watched(fn: () => Promise<void>): Promise<Watched> {
  const h = monitorEventLoopDelay({ resolution: 1 })
  let maxGc = 0
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) maxGc = Math.max(maxGc, e.duration)
  })
  gcs.observe({ entryTypes: ['gc'] })
  h.enable()
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  h.disable()
  await new Promise((r) => setTimeout(r, 10)) // let the observer deliver
  gcs.disconnect()
  return { ms, maxDelay: h.max / 1e6, p99: h.percentile(99) / 1e6, maxGc }
}

const loop = (w: Watched) =>
  `event loop worst ${w.maxDelay.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms; longest GC pause ${w.maxGc.toFixed(1)} ms`

export async function run(): Promise<void> {
  const n = Number(process.env.LEASES_BENCH_N ?? 1_000_000)
  const perRole = Math.floor(n / ROLES)
  const gc = collector()
  const clock = new ManualClock()
  const storage = new MemoryStorage()
  const vault = await Vault.dev({ rootToken: 'root', clock, storage })
  let revoked = 0
  vault.engines.register({
    type: 'bench',
    kind: 'secret',
    factory: () =>
      new FrameworkBackend({
        type: 'bench',
        paths: [],
        secrets: [
          {
            type: 'b',
            revoke: async () => {
              revoked++
              return null
            },
          },
        ],
      }),
  })
  await vault.request({ method: 'POST', path: 'sys/mounts/bench', data: { type: 'bench' }, token: 'root' })
  const token = { id: 'root', type: 'service' as const, parent: '', expire_time: 0 }
  const rows: Record<string, string>[] = []

  // Baseline, same run: a MemoryStorage put + get of a lease-sized value (the floor of any lease write).
  const baseline = new MemoryStorage()
  const value = new Uint8Array(400)
  const b0 = performance.now()
  for (let i = 0; i < 100_000; i++) {
    await baseline.put(`b/${i}`, value)
    await baseline.get(`b/${i}`)
  }
  const baseUs = ((performance.now() - b0) * 1000) / 100_000
  const ratio = (usPerLease: number) =>
    `${usPerLease.toFixed(1)} µs (${(usPerLease / baseUs).toFixed(0)}× baseline)`
  rows.push({
    step: 'baseline: MemoryStorage put+get, 400 B',
    time: '',
    'per lease': `${baseUs.toFixed(2)} µs`,
    memory: '',
  })

  // 1. Register: roles r0…r8 live long; r9 expires in an hour, all at the same instant.
  const before = memory(gc)
  const t0 = performance.now()
  const chunk = 256
  for (let role = 0; role < ROLES; role++) {
    const ttl = role === ROLES - 1 ? HOUR : 700 * HOUR
    const path = `bench/creds/r${role}`
    for (let i = 0; i < perRole; i += chunk) {
      const jobs: Promise<unknown>[] = []
      for (let j = i; j < Math.min(i + chunk, perRole); j++) {
        jobs.push(
          vault.leases.register({
            path,
            token,
            secret: { ttl, renewable: true, internalData: { secret_type: 'b' } },
          }),
        )
      }
      await Promise.all(jobs)
    }
  }
  const registerMs = performance.now() - t0
  const total = perRole * ROLES
  const after = memory(gc)
  rows.push({
    step: `register ${total.toLocaleString('en-US')} leases`,
    time: secs(registerMs),
    'per lease': ratio((registerMs * 1000) / total),
    memory: `heap ${Math.round((after.heap - before.heap) / total)} B + buffers ${Math.round((after.buffers - before.buffers) / total)} B per lease (entry + index in MemoryStorage, and the queue)`,
  })

  // 2. Seal (the queue is dropped), unseal (rebuilt from storage in batches).
  await vault.seal()
  const sealed = memory(gc)
  const restore = await watched(async () => {
    await vault.unseal(vault.unsealKey as string)
    await vault.leases.idle()
  })
  const restored = memory(gc)
  rows.push({
    step: `restore ${vault.leases.pending.toLocaleString('en-US')} leases on unseal`,
    time: secs(restore.ms),
    'per lease': ratio((restore.ms * 1000) / total),
    memory: `queue in memory: ${Math.round((restored.heap - sealed.heap) / total)} B per lease (heap); ${loop(restore)}`,
  })

  // 3. Revoke a prefix of N/10.
  revoked = 0
  const prefix = await watched(() => vault.leases.revokePrefix('bench/creds/r0/'))
  rows.push({
    step: `revoke-prefix of ${revoked.toLocaleString('en-US')} leases`,
    time: secs(prefix.ms),
    'per lease': ratio((prefix.ms * 1000) / Math.max(1, revoked)),
    memory: loop(prefix),
  })

  // 4. N/10 leases expire at the same instant.
  revoked = 0
  const expiry = await watched(async () => {
    await clock.advance('1h')
    await vault.leases.idle()
  })
  rows.push({
    step: `expire ${revoked.toLocaleString('en-US')} leases due at one instant`,
    time: secs(expiry.ms),
    'per lease': ratio((expiry.ms * 1000) / Math.max(1, revoked)),
    memory: loop(expiry),
  })
  rows.push({
    step: 'left',
    time: '',
    'per lease': '',
    memory: `${vault.leases.pending.toLocaleString('en-US')} leases queued; process heap ${mb(process.memoryUsage().heapUsed)}`,
  })
  console.table(rows)
  await vault.close()
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
