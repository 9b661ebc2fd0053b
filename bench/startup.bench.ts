/**
 * `Vault.dev()` start-up time: from nothing to an initialized, unsealed vault with a root token,
 * beside a bare `new Vault()` and a `MemoryStorage` put+get measured in the same run.
 */
import { Bench } from 'tinybench'
import { Vault } from '../src/index.node.js'
import { MemoryStorage } from '../src/storage/memory.js'

export async function run(): Promise<void> {
  const bench = new Bench({ time: 1500, warmupTime: 300 })
  const value = new Uint8Array(64)
  bench
    .add('MemoryStorage put+get (baseline)', async () => {
      const s = new MemoryStorage()
      await s.put('k', value)
      await s.get('k')
    })
    .add('new Vault() (no init)', () => {
      new Vault()
    })
    .add('Vault.dev()', async () => {
      await Vault.dev({ rootToken: 'root' })
    })
  await bench.run()
  const rows = bench.tasks.map((t) => {
    const r = t.result as { latency?: { mean?: number }; throughput?: { mean?: number } } | undefined
    return {
      task: t.name,
      'mean ms': r?.latency?.mean?.toFixed(3),
      'ops/s': r?.throughput?.mean ? Math.round(r.throughput.mean).toLocaleString('en-US') : undefined,
    }
  })
  console.table(rows)
}
