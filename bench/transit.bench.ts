/**
 * Transit through the full pipeline (token lookup → ACL → router → transit → crypto provider →
 * envelope), root token, default Node provider: encrypt and decrypt of 64 B, 1 KiB and 64 KiB values
 * beside raw AES-256-GCM from `node:crypto` and `@noble/ciphers` in the same run; a batch of 1,000;
 * Ed25519 sign and verify beside raw `node:crypto` Ed25519.
 *
 * Run: `npx tsx -e "import('./bench/transit.bench.ts').then(m=>m.run())"`
 *
 * @module
 */
import * as nc from 'node:crypto'
import { gcm } from '@noble/ciphers/aes.js'
import { Bench } from 'tinybench'
import { createTransitBackend } from '../src/engines/transit/index.js'
import { Vault } from '../src/index.node.js'
import { opsPerSec } from './util.js'

const SIZES: readonly [label: string, bytes: number][] = [
  ['64 B', 64],
  ['1 KiB', 1024],
  ['64 KiB', 65536],
]

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64')

function nodeSeal(key: Buffer, value: Uint8Array): Buffer {
  const nonce = nc.randomBytes(12)
  const c = nc.createCipheriv('aes-256-gcm', key, nonce)
  return Buffer.concat([nonce, c.update(value), c.final(), c.getAuthTag()])
}

function nodeOpen(key: Buffer, sealed: Buffer): Buffer {
  const d = nc.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12))
  d.setAuthTag(sealed.subarray(sealed.length - 16))
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()])
}

/**
 * Runs the benchmark (about 30 s) and prints three tables: per-size ops/s and MB/s (value bytes ×
 * ops/s) for the pipeline and the raw primitives, the batch of 1,000, and Ed25519.
 *
 * @example
 * ```ts
 * await (await import('./bench/transit.bench.ts')).run()
 * ```
 */
export async function run(): Promise<void> {
  const vault = await Vault.dev({ rootToken: 'root' })
  vault.engines.register({ type: 'transit', kind: 'secret', factory: createTransitBackend })
  await vault.request({
    method: 'POST',
    path: 'sys/mounts/transit',
    data: { type: 'transit' },
    token: 'root',
  })
  await vault.request({ method: 'POST', path: 'transit/keys/bench', token: 'root' })
  await vault.request({
    method: 'POST',
    path: 'transit/keys/signer',
    data: { type: 'ed25519' },
    token: 'root',
  })
  const call = (path: string, data: Record<string, unknown>) =>
    vault.request({ method: 'POST', path: `transit/${path}`, data, token: 'root' })

  const key = nc.randomBytes(32)
  const bench = new Bench({ name: 'transit', time: 1000, warmupTime: 200 })
  for (const [label, bytes] of SIZES) {
    const value = nc.randomBytes(bytes)
    const plaintext = b64(value)
    const { data } = await call('encrypt/bench', { plaintext })
    const ciphertext = data?.ciphertext as string
    const nodeSealed = nodeSeal(key, value)
    const nonce = nc.randomBytes(12)
    const nobleSealed = gcm(key, nonce).encrypt(value)
    bench
      .add(`pipeline encrypt ${label}`, async () => {
        await call('encrypt/bench', { plaintext })
      })
      .add(`pipeline decrypt ${label}`, async () => {
        await call('decrypt/bench', { ciphertext })
      })
      .add(`node:crypto encrypt ${label}`, () => void nodeSeal(key, value), { async: false })
      .add(`node:crypto decrypt ${label}`, () => void nodeOpen(key, nodeSealed), { async: false })
      .add(`noble encrypt ${label}`, () => void gcm(key, nc.randomBytes(12)).encrypt(value), { async: false })
      .add(`noble decrypt ${label}`, () => void gcm(key, nonce).decrypt(nobleSealed), { async: false })
  }

  const batch = Array.from({ length: 1000 }, () => ({ plaintext: b64(nc.randomBytes(64)) }))
  const encrypted = (await call('encrypt/bench', { batch_input: batch })).data?.batch_results as {
    ciphertext: string
  }[]
  const decryptBatch = encrypted.map((r) => ({ ciphertext: r.ciphertext }))
  bench
    .add('pipeline encrypt batch 1000 × 64 B', async () => {
      await call('encrypt/bench', { batch_input: batch })
    })
    .add('pipeline decrypt batch 1000 × 64 B', async () => {
      await call('decrypt/bench', { batch_input: decryptBatch })
    })

  const message = b64(nc.randomBytes(64))
  const signed = (await call('sign/signer', { input: message })).data?.signature as string
  const ed = nc.generateKeyPairSync('ed25519')
  const rawSig = nc.sign(null, Buffer.from(message), ed.privateKey)
  bench
    .add('pipeline ed25519 sign 64 B', async () => {
      await call('sign/signer', { input: message })
    })
    .add('pipeline ed25519 verify 64 B', async () => {
      await call('verify/signer', { input: message, signature: signed })
    })
    .add('node:crypto ed25519 sign 64 B', () => void nc.sign(null, Buffer.from(message), ed.privateKey), {
      async: false,
    })
    .add(
      'node:crypto ed25519 verify 64 B',
      () => void nc.verify(null, Buffer.from(message), ed.publicKey, rawSig),
      {
        async: false,
      },
    )

  await bench.run()

  const mbps = (ops: number, bytes: number) => ((ops * bytes) / 1e6).toFixed(1)
  console.log(`${bench.name} (${process.version}, ${process.arch}); MB/s = value bytes × ops/s`)
  console.table(
    SIZES.flatMap(([label, bytes]) =>
      (['encrypt', 'decrypt'] as const).map((op) => {
        const pipeline = opsPerSec(bench, `pipeline ${op} ${label}`)
        const node = opsPerSec(bench, `node:crypto ${op} ${label}`)
        const noble = opsPerSec(bench, `noble ${op} ${label}`)
        return {
          op: `${op} ${label}`,
          'pipeline ops/s': Math.round(pipeline),
          'pipeline MB/s': mbps(pipeline, bytes),
          'node:crypto ops/s': Math.round(node),
          'node:crypto MB/s': mbps(node, bytes),
          'noble ops/s': Math.round(noble),
          'noble MB/s': mbps(noble, bytes),
          'pipeline/node': `${(pipeline / node).toFixed(3)}×`,
        }
      }),
    ),
  )
  console.table(
    (['encrypt', 'decrypt'] as const).map((op) => {
      const ops = opsPerSec(bench, `pipeline ${op} batch 1000 × 64 B`)
      return {
        batch: `${op} 1000 × 64 B`,
        'requests/s': ops.toFixed(1),
        'items/s': Math.round(ops * 1000),
        'ms/request': (1000 / ops).toFixed(2),
      }
    }),
  )
  console.table(
    (['sign', 'verify'] as const).map((op) => {
      const pipeline = opsPerSec(bench, `pipeline ed25519 ${op} 64 B`)
      const node = opsPerSec(bench, `node:crypto ed25519 ${op} 64 B`)
      return {
        ed25519: op,
        'pipeline ops/s': Math.round(pipeline),
        'node:crypto ops/s': Math.round(node),
        'pipeline/node': `${(pipeline / node).toFixed(3)}×`,
      }
    }),
  )
  await vault.seal?.().catch(() => undefined)
}
