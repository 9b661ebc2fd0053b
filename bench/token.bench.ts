/**
 * Token lookup ops/s (salted-HMAC key, barrier read, constant-time compare), and a full authorized
 * request (token → ACL → backend) beside a barrier get of the same size measured in the same run.
 */
import { Bench } from 'tinybench'
import { Barrier } from '../src/barrier/barrier.js'
import { systemClock } from '../src/clock.js'
import { TokenStore } from '../src/core/token-store.js'
import { nodeCrypto, Vault } from '../src/index.node.js'
import { MemoryStorage } from '../src/storage/memory.js'
import { StorageView } from '../src/storage/view.js'
import { opsPerSec } from './util.js'

export async function run(): Promise<void> {
  const vault = await Vault.dev({ rootToken: 'root' })
  await vault.request({
    method: 'PUT',
    path: 'sys/policies/acl/reader',
    data: { policy: 'path "sys/key-status" { capabilities = ["read"] }' },
    token: 'root',
  })
  const token = (
    await vault.request({
      method: 'POST',
      path: 'auth/token/create',
      data: { policies: ['reader'] },
      token: 'root',
    })
  ).auth!.client_token
  // The token store alone, over an unsealed barrier on memory storage.
  const barrier = new Barrier(new MemoryStorage(), nodeCrypto, systemClock)
  const rootKey = nodeCrypto.randomBytes(32)
  await barrier.initialize(rootKey)
  await barrier.unseal(rootKey)
  const store = new TokenStore(new StorageView(barrier, 'sys/token/'), nodeCrypto, systemClock)
  await store.setup()
  const orphan = await store.create({ policies: ['reader'], path: 'auth/token/create', ttl: 3600 })
  const bench = new Bench({ name: 'tokens', time: 1500, warmupTime: 300 })
  bench
    .add('TokenStore.lookup (orphan service token)', async () => {
      if (!(await store.lookup(orphan.id))) throw new Error('lookup failed')
    })
    .add('barrier get of the same entry (baseline)', async () => {
      await barrier.get(`sys/token/id/${store.saltedId(orphan.id)}`)
    })
    .add('capabilities-self (token lookup + ACL)', async () => {
      await vault.request({
        method: 'POST',
        path: 'sys/capabilities-self',
        data: { paths: ['sys/key-status'] },
        token,
      })
    })
    .add('lookup-self (token lookup + ACL + token backend)', async () => {
      await vault.request({ method: 'GET', path: 'auth/token/lookup-self', token })
    })
    .add('GET sys/key-status with a policy token', async () => {
      await vault.request({ method: 'GET', path: 'sys/key-status', token })
    })
    .add('GET sys/key-status with the root token', async () => {
      await vault.request({ method: 'GET', path: 'sys/key-status', token: 'root' })
    })
  await bench.run()
  const base = opsPerSec(bench, 'GET sys/key-status with the root token')
  console.table(
    bench.tasks.map((t) => ({
      task: t.name,
      'ops/s': Math.round(opsPerSec(bench, t.name)),
      'vs root request': `${(opsPerSec(bench, t.name) / base).toFixed(2)}×`,
    })),
  )
}
