/**
 * Barrier put + get (frame, encrypt with the path as AAD, write; read, parse, decrypt) for 64 B and
 * 1 KiB values over an in-memory Map adapter, with each crypto provider, beside the raw provider
 * AES-GCM encrypt + decrypt (fresh nonce, same AAD) of the same value in the same run. The ratio
 * barrier/raw is what the barrier's framing, keyring lookup and async adapter calls cost.
 *
 * Run: `npx tsx -e "import('./bench/barrier.bench.ts').then(m=>m.run())"`
 *
 * @module
 */

import { Bench } from 'tinybench'
import { Barrier } from '../src/barrier/barrier.js'
import { systemClock } from '../src/clock.js'
import { nobleCrypto } from '../src/crypto/noble.js'
import { nodeCrypto } from '../src/crypto/node.js'
import type { CryptoProvider } from '../src/crypto/provider.js'
import type { StorageAdapter } from '../src/storage/adapter.js'
import { opsPerSec } from './util.js'

const SIZES: readonly [label: string, bytes: number][] = [
  ['64 B', 64],
  ['1 KiB', 1024],
]
const PROVIDERS: readonly CryptoProvider[] = [nobleCrypto, nodeCrypto]
const PATH = 'logical/0a1b2c3d-4e5f/secret/app'

/** The thinnest adapter: a Map, no copies. */
class MapAdapter implements StorageAdapter {
  readonly type = 'inmem'
  readonly #data = new Map<string, Uint8Array>()
  async get(key: string): Promise<Uint8Array | null> {
    return this.#data.get(key) ?? null
  }
  async put(key: string, value: Uint8Array): Promise<void> {
    this.#data.set(key, value)
  }
  async delete(key: string): Promise<void> {
    this.#data.delete(key)
  }
  async list(): Promise<string[]> {
    return []
  }
}

/**
 * Runs the benchmark (about 7 s) and prints a table: barrier put+get ops/s, raw encrypt+decrypt ops/s
 * and barrier/raw, per provider and value size.
 *
 * @example
 * ```ts
 * await (await import('./bench/barrier.bench.ts')).run()
 * ```
 */
export async function run(): Promise<void> {
  const bench = new Bench({ name: 'barrier put+get vs raw AES-GCM', time: 700, warmupTime: 150 })
  const aad = new TextEncoder().encode(PATH)
  for (const p of PROVIDERS) {
    const barrier = new Barrier(new MapAdapter(), p, systemClock)
    const rootKey = p.randomBytes(32)
    await barrier.initialize(rootKey)
    await barrier.unseal(rootKey)
    const key = p.randomBytes(32)
    for (const [label, bytes] of SIZES) {
      const value = p.randomBytes(bytes)
      bench.add(`barrier ${p.name} ${label}`, async () => {
        await barrier.put(PATH, value)
        const out = await barrier.get(PATH)
        if (out?.length !== bytes) throw new Error('barrier round trip failed')
      })
      bench.add(
        `raw ${p.name} ${label}`,
        () => {
          const nonce = p.randomBytes(12)
          const sealed = p.aesGcmEncrypt(key, nonce, value, aad)
          if (p.aesGcmDecrypt(key, nonce, sealed, aad).length !== bytes)
            throw new Error('raw round trip failed')
        },
        { async: false },
      )
    }
  }
  await bench.run()

  const rows = PROVIDERS.flatMap((p) =>
    SIZES.map(([label]) => {
      const barrier = opsPerSec(bench, `barrier ${p.name} ${label}`)
      const raw = opsPerSec(bench, `raw ${p.name} ${label}`)
      return {
        provider: p.name,
        value: label,
        'barrier put+get ops/s': Math.round(barrier),
        'raw enc+dec ops/s': Math.round(raw),
        'barrier/raw': `${(barrier / raw).toFixed(2)}×`,
      }
    }),
  )
  console.log(`${bench.name} (${process.version}, ${process.arch}); Map adapter, one put + one get per op`)
  console.table(rows)
}
