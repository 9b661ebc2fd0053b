/**
 * AES-256-GCM round trip (encrypt then decrypt, fresh nonce per op, 32-byte AAD like a storage path) for
 * 64 B, 1 KiB and 64 KiB values, `nobleCrypto` against `nodeCrypto`, in one run.
 *
 * Run: `npx tsx -e "import('./bench/crypto.bench.ts').then(m=>m.run())"`
 *
 * @module
 */

import { Bench } from 'tinybench'
import { nobleCrypto } from '../src/crypto/noble.js'
import { nodeCrypto } from '../src/crypto/node.js'
import type { CryptoProvider } from '../src/crypto/provider.js'
import { opsPerSec } from './util.js'

const SIZES: readonly [label: string, bytes: number][] = [
  ['64 B', 64],
  ['1 KiB', 1024],
  ['64 KiB', 65536],
]
const PROVIDERS: readonly CryptoProvider[] = [nobleCrypto, nodeCrypto]

/** One encrypt + decrypt of `value` under `key`, with a fresh nonce, as the barrier does it. */
function roundTrip(p: CryptoProvider, key: Uint8Array, value: Uint8Array, aad: Uint8Array): void {
  const nonce = p.randomBytes(12)
  const sealed = p.aesGcmEncrypt(key, nonce, value, aad)
  const opened = p.aesGcmDecrypt(key, nonce, sealed, aad)
  if (opened.length !== value.length) throw new Error('round trip failed')
}

/**
 * Runs the benchmark (about 8 s) and prints a table: ops/s, MB/s of values round-tripped (value bytes ×
 * ops/s; each op encrypts and decrypts them once), and node/noble.
 *
 * @example
 * ```ts
 * await (await import('./bench/crypto.bench.ts')).run()
 * ```
 */
export async function run(): Promise<void> {
  const bench = new Bench({ name: 'AES-256-GCM encrypt+decrypt', time: 1000, warmupTime: 150 })
  const key = nodeCrypto.randomBytes(32)
  const aad = new TextEncoder().encode('logical/0a1b2c3d-4e5f/secret/app')
  for (const [label, bytes] of SIZES) {
    const value = nodeCrypto.randomBytes(bytes)
    for (const p of PROVIDERS)
      bench.add(`${p.name} ${label}`, () => roundTrip(p, key, value, aad), { async: false })
  }
  await bench.run()

  const rows = SIZES.map(([label, bytes]) => {
    const noble = opsPerSec(bench, `noble ${label}`)
    const node = opsPerSec(bench, `node ${label}`)
    const mbps = (ops: number) => ((ops * bytes) / 1e6).toFixed(1)
    return {
      value: label,
      'noble ops/s': Math.round(noble),
      'noble MB/s': mbps(noble),
      'node ops/s': Math.round(node),
      'node MB/s': mbps(node),
      'node/noble': `${(node / noble).toFixed(2)}×`,
    }
  })
  console.log(`${bench.name} (${process.version}, ${process.arch}); MB/s = value bytes × ops/s`)
  console.table(rows)
}
