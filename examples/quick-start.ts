/**
 * `npm run demo`: a walk through everything vaultlet does so far, printing each step and what just
 * happened — like the Vault tutorial, but in your own process.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeRootToken, definePath, FrameworkBackend, Vault, VaultError } from 'vaultlet'
import { listen } from 'vaultlet/http/node'
import { FileStorage } from 'vaultlet/storage/file'
import { ManualClock } from 'vaultlet/testing'

const step = (title: string) => console.log(`\n\x1b[1m▶ ${title}\x1b[0m`)
const show = (label: string, value: unknown) =>
  console.log(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
const happened = (text: string) => console.log(`  \x1b[2mwhat just happened: ${text}\x1b[0m`)

// 1. A dev vault ------------------------------------------------------------------------------------
step('Vault.dev(): an in-memory vault, initialized and unsealed')
const t0 = performance.now()
const dev = await Vault.dev({ rootToken: 'root' })
show('started in', `${(performance.now() - t0).toFixed(1)} ms`)
show('root token', dev.rootToken)
happened(
  'vaultlet generated a root key and a barrier keyring, sealed the root key under a one-share unseal key, ' +
    'unsealed with it and created a root token — what `vault server -dev` does, without a server.',
)

step('GET sys/seal-status (no token needed)')
const status = await dev.request({ method: 'GET', path: 'sys/seal-status' })
show('sealed', status.data?.sealed)
show('type / t / n', `${status.data?.type} / ${status.data?.t} / ${status.data?.n}`)

step('GET sys/mounts with the root token')
const mounts = await dev.request({ method: 'GET', path: 'sys/mounts', token: 'root' })
show('mounts', Object.keys(mounts.data ?? {}))
happened('every call goes through one pipeline: token lookup, routing by longest mount prefix, the backend.')

step('The same call without a token')
try {
  await dev.request({ method: 'GET', path: 'sys/mounts' })
} catch (err) {
  if (!(err instanceof VaultError)) throw err
  show('error', `${err.statusCode} ${JSON.stringify(err.toJSON())} (code ${err.code})`)
  happened('in-process callers are not trusted more than HTTP callers: no token, no answer.')
}

step('KV version 2 at secret/ (as `vault server -dev`), through the typed helper')
const kv = dev.kv('secret', { token: 'root' })
await kv.put('myapp/stripe', { api_key: 'sk_test_123', webhook_secret: 'whsec_456' })
await kv.patch('myapp/stripe', { api_key: 'sk_test_789' })
const latest = await kv.get('myapp/stripe')
show('secret/data/myapp/stripe', latest?.data)
show('version', latest?.metadata?.version)
show('version 1 still reads', (await kv.get('myapp/stripe', { version: 1 }))?.data?.api_key)
try {
  await kv.put('myapp/stripe', { api_key: 'racer' }, { cas: 1 })
} catch (err) {
  if (!(err instanceof VaultError)) throw err
  show('a write with a stale cas', `${err.statusCode} ${JSON.stringify(err.errors[0])}`)
}
happened('each write made a new version; check-and-set refused the write based on an old version.')

step('Transit: encryption as a service (the key never leaves the vault)')
await dev.request({ method: 'POST', path: 'sys/mounts/transit', data: { type: 'transit' }, token: 'root' })
const transit = dev.transit('transit', { token: 'root' })
await transit.createKey('orders')
const enc1 = await transit.encrypt('orders', 'card-4242')
show('encrypt "card-4242"', enc1.ciphertext)
await transit.rotate('orders')
const enc2 = await transit.encrypt('orders', 'card-4242')
show('after rotate', `${enc2.ciphertext.slice(0, 12)}…`)
show('v1 still decrypts', (await transit.decrypt('orders', enc1.ciphertext)).text())
show('rewrapped v1', `${(await transit.rewrap('orders', enc1.ciphertext)).ciphertext.slice(0, 12)}…`)
happened(
  'AES-256-GCM under key version 1, then 2; rewrap re-encrypted inside the vault without showing plaintext.',
)

// 2. Your own engine ----------------------------------------------------------------------------------
step('Register a secrets engine type built with the framework, mount it, use it')
dev.engines.register({
  type: 'notes',
  kind: 'secret',
  factory: ({ storage }) =>
    new FrameworkBackend({
      type: 'notes',
      paths: [
        definePath({
          pattern: '(?<name>\\w+)',
          fields: { name: { type: 'string' }, text: { type: 'string' } },
          operations: {
            read: async (_req, d) => {
              const note = await storage.getJSON<{ text: string }>(d.get('name'))
              return note ? { data: note } : null
            },
            update: async (_req, d) => {
              await storage.putJSON(d.get('name'), { text: d.get('text') })
              return null
            },
          },
        }),
      ],
    }),
})
await dev.request({ method: 'POST', path: 'sys/mounts/notes', data: { type: 'notes' }, token: 'root' })
await dev.request({
  method: 'PUT',
  path: 'notes/hello',
  data: { text: 'stored behind the barrier' },
  token: 'root',
})
const note = await dev.request({ method: 'GET', path: 'notes/hello', token: 'root' })
show('notes/hello', note.data)
show('mount_type', note.mount_type)
happened('the note was AES-256-GCM encrypted with the active barrier key, bound to its storage path.')

step('POST sys/rotate, then GET sys/key-status')
await dev.request({ method: 'POST', path: 'sys/rotate', token: 'root' })
const keyStatus = await dev.request({ method: 'GET', path: 'sys/key-status', token: 'root' })
show('key status', keyStatus.data)
const again = await dev.request({ method: 'GET', path: 'notes/hello', token: 'root' })
show('old note still reads', again.data?.text)
happened('a new key term encrypts new writes; values under older terms still decrypt.')

// 3. Policies, tokens, cubbyhole, wrapping -----------------------------------------------------------
step('Write a policy and create a token that carries it')
await dev.request({
  method: 'PUT',
  path: 'sys/policies/acl/notes-reader',
  token: 'root',
  data: { policy: 'path "notes/*" { capabilities = ["read"] }' },
})
const created = await dev.request({
  method: 'POST',
  path: 'auth/token/create',
  token: 'root',
  data: { policies: ['notes-reader'], ttl: '1h' },
})
const appToken = created.auth!.client_token
show(
  'token',
  `${appToken.slice(0, 8)}… policies ${JSON.stringify(created.auth?.policies)} ttl ${created.auth?.lease_duration}s`,
)
show('read notes/hello', (await dev.request({ method: 'GET', path: 'notes/hello', token: appToken })).data)
try {
  await dev.request({ method: 'PUT', path: 'notes/hello', data: { text: 'overwritten' }, token: appToken })
} catch (err) {
  if (!(err instanceof VaultError)) throw err
  show('write notes/hello', `${err.statusCode} ${JSON.stringify(err.errors[0])}`)
}
const caps = await dev.request({
  method: 'POST',
  path: 'sys/capabilities-self',
  data: { paths: ['notes/hello', 'sys/mounts'] },
  token: appToken,
})
show('capabilities', caps.data)
happened(
  'the ACL matched "notes/*" for the read, found no grant for the update, and the `default` policy let the token ask.',
)

step('A private cubbyhole, and a response wrapped in a single-use token')
await dev.request({ method: 'POST', path: 'cubbyhole/scratch', data: { note: 'only mine' }, token: appToken })
show(
  'root reading the app token’s cubbyhole',
  await dev.handle({ method: 'GET', path: 'cubbyhole/scratch', token: 'root' }).then((r) => r.status),
)
const wrapped = await dev.request({
  method: 'POST',
  path: 'sys/wrapping/wrap',
  data: { password: 'hunter2' },
  token: 'root',
  wrapTtl: '5m',
})
show('wrap_info', { token: `${wrapped.wrap_info!.token.slice(0, 8)}…`, ttl: wrapped.wrap_info!.ttl })
const unwrapped = await dev.request({
  method: 'POST',
  path: 'sys/wrapping/unwrap',
  token: wrapped.wrap_info!.token,
})
show('unwrapped once', unwrapped.data)
show(
  'unwrapped twice',
  await dev
    .handle({ method: 'POST', path: 'sys/wrapping/unwrap', token: wrapped.wrap_info!.token })
    .then((r) => r.status),
)
happened('the wrapped answer lived in the cubbyhole of a token with one use; unwrapping spent it.')

step('Leases: a token with a 1h TTL expires when the (manual) clock says so')
const clock = new ManualClock()
const timed = await Vault.dev({ rootToken: 'root', clock })
const shortLived = await timed.request({
  method: 'POST',
  path: 'auth/token/create',
  data: { ttl: '1h' },
  token: 'root',
})
const leaseToken = shortLived.auth!.client_token
show('lease_duration', shortLived.auth?.lease_duration)
await clock.advance('59m')
show(
  'after 59m',
  (await timed.handle({ method: 'GET', path: 'auth/token/lookup-self', token: leaseToken })).status,
)
await clock.advance('1m')
await timed.leases.idle()
show(
  'after 60m',
  (await timed.handle({ method: 'GET', path: 'auth/token/lookup-self', token: leaseToken })).status,
)
happened(
  'one timer over a priority queue fired at the lease’s expiry and revoked the token (and would its children).',
)

step('AppRole: a machine logs in with a role ID and a secret ID')
await dev.request({
  method: 'PUT',
  path: 'sys/policies/acl/myapp',
  token: 'root',
  data: { policy: 'path "secret/data/myapp/*" { capabilities = ["read"] }' },
})
await dev.request({ method: 'POST', path: 'sys/auth/approle', data: { type: 'approle' }, token: 'root' })
await dev.request({
  method: 'POST',
  path: 'auth/approle/role/myapp',
  data: { token_policies: 'myapp', token_ttl: '1h' },
  token: 'root',
})
const roleId = (await dev.request({ method: 'GET', path: 'auth/approle/role/myapp/role-id', token: 'root' }))
  .data?.role_id as string
const secretId = (
  await dev.request({ method: 'POST', path: 'auth/approle/role/myapp/secret-id', token: 'root' })
).data?.secret_id as string
const login = await dev.login.appRole({ roleId, secretId })
show('login', { policies: login.auth.policies, lease_duration: login.auth.lease_duration })
show(
  'reads secret/myapp/stripe',
  (await dev.withToken(login.token).kv('secret').get('myapp/stripe'))?.data?.api_key,
)
happened('the login path needed no token; the core minted one with the role’s policies and a 1h lease.')

step('The same vault over HTTP, as real Vault clients see it')
const server = await listen(dev, { port: 0 })
const health = await fetch(`${server.url}/v1/sys/health`)
show('GET /v1/sys/health', `${health.status} ${JSON.stringify(await health.json()).slice(0, 60)}…`)
const listed = await fetch(`${server.url}/v1/secret/metadata/myapp?list=true`, {
  headers: { 'X-Vault-Token': 'root' },
})
show('LIST secret/metadata/myapp', ((await listed.json()) as { data: unknown }).data)
await server.close()
happened('vaultlet/http/node spoke Vault’s /v1 API; `npx vaultlet server -dev` runs the same server.')

// 4. A durable vault with Shamir shares -------------------------------------------------------------
const dir = await mkdtemp(join(tmpdir(), 'vaultlet-demo-'))
try {
  step(`A durable vault on FileStorage (${dir}): init with 5 shares, threshold 3`)
  const prod = new Vault({ storage: new FileStorage(dir) })
  const { keys, rootToken } = await prod.init({ secretShares: 5, secretThreshold: 3 })
  show(
    'unseal keys',
    keys.map((k) => `${k.slice(0, 12)}…`),
  )
  show('sealed after init', prod.sealed)
  happened('the unseal key was split with Shamir’s secret sharing; vaultlet stored none of the shares.')

  step('Unseal with shares 1, 4 and 5')
  for (const k of [keys[0]!, keys[3]!, keys[4]!]) {
    const s = await prod.unseal(k)
    show('progress', s.sealed ? `${s.progress}/${s.t}` : 'unsealed')
  }
  await prod.close()

  step('A new Vault instance on the same directory, unsealed with shares 2, 3 and 5')
  const reopened = new Vault({ storage: new FileStorage(dir) })
  show('status', await reopened.status().then((s) => ({ initialized: s.initialized, sealed: s.sealed })))
  for (const k of [keys[1]!, keys[2]!, keys[4]!]) await reopened.unseal(k)
  show('sealed', reopened.sealed)

  step('Generate a new root token from 3 shares (sys/generate-root)')
  const attempt = await reopened.request({ method: 'PUT', path: 'sys/generate-root/attempt' })
  const otp = attempt.data?.otp as string
  let last = attempt
  for (const k of [keys[0]!, keys[1]!, keys[2]!]) {
    last = await reopened.request({
      method: 'PUT',
      path: 'sys/generate-root/update',
      data: { key: k, nonce: attempt.data?.nonce },
    })
  }
  const newRoot = decodeRootToken(last.data?.encoded_token as string, otp)
  show('new root token', `${newRoot.slice(0, 8)}…`)
  const check = await reopened.request({ method: 'GET', path: 'sys/mounts', token: newRoot })
  show('it works', Object.keys(check.data ?? {}))
  show(
    'the init root token still works',
    Boolean(await reopened.request({ method: 'GET', path: 'sys/mounts', token: rootToken })),
  )
  happened('the token was XOR-ed with a one-time password, so it never crossed the wire in the clear.')
  await reopened.close()
} finally {
  await rm(dir, { recursive: true, force: true })
}

step('Done')
console.log(
  '  Next: read docs/ (getting started, concepts) and examples/. Run `npm test` for the test suite.\n',
)
