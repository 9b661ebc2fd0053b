/**
 * Logins per second through the full pipeline — AppRole (role-ID index, secret-ID HMAC and use count,
 * token creation, lease registration) and userpass (one scrypt N=2^15, r=8, p=1 derivation, then the
 * same token work) — beside the raw KDF measured in the same run, so the KDF's share of a userpass
 * login is visible. Tokens are revoked as they come, so the stores stay the same size.
 */
import { scrypt, scryptAsync } from '@noble/hashes/scrypt.js'
import { Bench } from 'tinybench'
import { Vault } from '../src/index.node.js'
import { opsPerSec } from './util.js'

export async function run(): Promise<void> {
  const vault = await Vault.dev({ rootToken: 'root' })
  const root = { token: 'root' }
  await vault.request({ method: 'POST', path: 'sys/auth/approle', data: { type: 'approle' }, ...root })
  await vault.request({ method: 'POST', path: 'sys/auth/userpass', data: { type: 'userpass' }, ...root })
  await vault.request({
    method: 'POST',
    path: 'auth/approle/role/app',
    data: { token_policies: 'app', token_ttl: '1h' },
    ...root,
  })
  const roleId = (await vault.request({ method: 'GET', path: 'auth/approle/role/app/role-id', ...root })).data
    ?.role_id as string
  const secretId = (await vault.request({ method: 'POST', path: 'auth/approle/role/app/secret-id', ...root }))
    .data?.secret_id as string
  const revoke = (token: string) =>
    vault.request({ method: 'POST', path: 'auth/token/revoke-self', token }).catch(() => undefined)
  await vault.request({
    method: 'POST',
    path: 'auth/userpass/users/bob',
    data: { password: 'correct horse battery staple', token_policies: 'app' },
    ...root,
  })

  const fast = new Bench({ name: 'approle', time: 1500, warmupTime: 300 })
  fast
    .add('AppRole login (secret ID, unlimited uses) + revoke', async () => {
      const { token } = await vault.login.appRole({ roleId, secretId })
      await revoke(token)
    })
    .add('AppRole login with a wrong secret ID (refused)', async () => {
      await vault.login.appRole({ roleId, secretId: 'wrong' }).catch(() => undefined)
    })
    .add('token create (auth/token/create, root) + revoke: baseline', async () => {
      const resp = await vault.request({
        method: 'POST',
        path: 'auth/token/create',
        data: { policies: ['app'] },
        ...root,
      })
      await revoke(resp.auth?.client_token as string)
    })
  await fast.run()

  // The KDF dominates: few iterations, enough for a mean.
  const salt = new Uint8Array(16)
  const params = { N: 2 ** 15, r: 8, p: 1, dkLen: 32 }
  const slow = new Bench({ name: 'kdf', time: 2000, iterations: 8, warmupIterations: 1, warmupTime: 0 })
  slow
    .add('userpass login (scrypt N=2^15 r=8 p=1) + revoke', async () => {
      const { token } = await vault.login.userpass('bob', 'correct horse battery staple')
      await revoke(token)
    })
    .add('userpass login, unknown user (dummy hash)', async () => {
      await vault.login.userpass('nobody', 'correct horse battery staple').catch(() => undefined)
    })
    .add('raw KDF: noble scryptAsync N=2^15 (what userpass runs)', async () => {
      await scryptAsync('correct horse battery staple', salt, params)
    })
    .add('raw KDF: noble scrypt (sync) N=2^15', () => {
      scrypt('correct horse battery staple', salt, params)
    })
  await slow.run()

  const baseline = opsPerSec(fast, 'token create (auth/token/create, root) + revoke: baseline')
  const kdf = opsPerSec(slow, 'raw KDF: noble scryptAsync N=2^15 (what userpass runs)')
  console.table([
    ...fast.tasks.map((t) => ({
      task: t.name,
      'ops/s': Math.round(opsPerSec(fast, t.name)),
      'vs token create': `${(opsPerSec(fast, t.name) / baseline).toFixed(2)}×`,
    })),
    ...slow.tasks.map((t) => ({
      task: t.name,
      'ops/s': Number(opsPerSec(slow, t.name).toFixed(2)),
      'vs raw KDF': `${(opsPerSec(slow, t.name) / kdf).toFixed(2)}×`,
    })),
  ])
}
