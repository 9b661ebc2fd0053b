/**
 * KV v2 put and get ops/s of a 2-field secret through the full pipeline (policy token lookup, ACL,
 * existence check, KV handler, barrier), beside the barrier alone (AES-GCM over MemoryStorage) and a
 * plain `Map` measured in the same run. Ratios, not absolute figures, are what to compare across
 * machines.
 */
import { Bench } from 'tinybench'
import { Barrier } from '../src/barrier/barrier.js'
import { systemClock } from '../src/clock.js'
import { createKvBackend } from '../src/engines/kv/index.js'
import { nodeCrypto, Vault } from '../src/index.node.js'
import { MemoryStorage } from '../src/storage/memory.js'
import { opsPerSec } from './util.js'

const SECRET = { username: 'app-user', password: 'correct-horse-battery-staple' }

export async function run(): Promise<void> {
  const vault = await Vault.dev({ rootToken: 'root' })
  if (!vault.engines.get('secret', 'kv')) {
    vault.engines.register({ type: 'kv', kind: 'secret', factory: createKvBackend })
  }
  const mounts = (await vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })).data ?? {}
  if (!('secret/' in mounts)) {
    await vault.request({ method: 'POST', path: 'sys/mounts/secret', data: { type: 'kv-v2' }, token: 'root' })
  }
  await vault.request({
    method: 'PUT',
    path: 'sys/policies/acl/app',
    data: { policy: 'path "secret/data/app/*" { capabilities = ["create", "read", "update"] }' },
    token: 'root',
  })
  const token = (
    await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      data: { policies: ['app'] },
      token: 'root',
    })
  ).auth!.client_token
  await vault.request({ method: 'POST', path: 'secret/data/app/db', data: { data: SECRET }, token })

  // The barrier alone, unsealed over memory storage, with the same JSON bytes.
  const barrier = new Barrier(new MemoryStorage(), nodeCrypto, systemClock)
  const rootKey = nodeCrypto.randomBytes(32)
  await barrier.initialize(rootKey)
  await barrier.unseal(rootKey)
  const bytes = new TextEncoder().encode(
    JSON.stringify({ data: SECRET, created_time: Date.now(), deletion_time: null }),
  )
  await barrier.put('logical/bench/versions/abc/def', bytes)
  const map = new Map<string, string>()
  map.set('app/db', JSON.stringify(SECRET))

  const names = {
    put: 'KV v2 put (policy token, full pipeline)',
    get: 'KV v2 get (policy token, full pipeline)',
    barrierPut: 'barrier put of the version entry',
    barrierGet: 'barrier get of the version entry',
    mapSet: 'Map set (JSON string)',
    mapGet: 'Map get + JSON.parse',
  }
  const bench = new Bench({ name: 'kv', time: 1500, warmupTime: 300 })
  bench
    .add(names.put, async () => {
      await vault.request({ method: 'POST', path: 'secret/data/app/db', data: { data: SECRET }, token })
    })
    .add(names.get, async () => {
      const res = await vault.request({ method: 'GET', path: 'secret/data/app/db', token })
      if (!res.data) throw new Error('read failed')
    })
    .add(names.barrierPut, async () => {
      await barrier.put('logical/bench/versions/abc/def', bytes)
    })
    .add(names.barrierGet, async () => {
      if (!(await barrier.get('logical/bench/versions/abc/def'))) throw new Error('read failed')
    })
    .add(names.mapSet, () => {
      map.set('app/db', JSON.stringify(SECRET))
    })
    .add(names.mapGet, () => {
      JSON.parse(map.get('app/db') as string)
    })
  await bench.run()

  const ops = (n: string) => opsPerSec(bench, n)
  console.table(
    bench.tasks.map((t) => ({
      task: t.name,
      'ops/s': Math.round(ops(t.name)),
      'µs/op': (1e6 / ops(t.name)).toFixed(1),
    })),
  )
  const ratio = (a: string, b: string) => `${(ops(b) / ops(a)).toFixed(1)}× slower`
  console.table([
    {
      operation: 'put',
      'pipeline vs barrier': ratio(names.put, names.barrierPut),
      'pipeline vs Map': ratio(names.put, names.mapSet),
    },
    {
      operation: 'get',
      'pipeline vs barrier': ratio(names.get, names.barrierGet),
      'pipeline vs Map': ratio(names.get, names.mapGet),
    },
  ])
}
