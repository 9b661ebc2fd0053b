// The daily loop of a real Vault client, node-vault 0.12 (axios over node:http, LIST as a custom verb),
// against vaultlet's listener: KV v2, policies, tokens, wrapping, leases, mounts, health and status,
// init and unseal of a non-dev server. Transit, AppRole, userpass and database are written here too and
// light up when those engines are registered (they skip until then).
import { readFileSync } from 'node:fs'
import nodeVault from 'node-vault'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { listen } from '../../src/http/node.js'
import { Vault } from '../../src/index.node.js'
import { startTestVault, type TestVault } from '../../src/testing/test-vault.js'
import { PG, pgCanLogin, pgRoleExists } from '../database/support.js'

type Client = ReturnType<typeof nodeVault>

/** node-vault rejects with the status and Vault's body; this returns them. */
async function failure(p: Promise<unknown>): Promise<{ statusCode: number; body: unknown }> {
  try {
    await p
  } catch (e) {
    const res = (e as { response?: { statusCode: number; body: unknown } }).response
    if (res) return res
    throw e
  }
  throw new Error('expected the request to fail')
}

let t: TestVault
let client: Client
/** A fresh root client: node-vault switches a client to the token its tokenCreate* call returns. */
const asRoot = (): Client => nodeVault({ endpoint: t.url, token: t.token })

beforeAll(async () => {
  t = await startTestVault()
  client = nodeVault({ endpoint: t.url, token: t.token })
})
afterAll(() => t.close())

// Dynamic database credentials need the machine's PostgreSQL (see test/support/services.ts: skipped
// with a message without it, a failure when VAULTLET_REQUIRE_SERVICES=1).
const postgres = inject('services').includes('postgres')

describe('KV version 2', () => {
  it('writes, reads, lists (LIST), patches and deletes', async () => {
    const written = await client.write('secret/data/app/db', { data: { user: 'app', password: 'p1' } })
    expect(written.data.version).toBe(1)
    await client.write('secret/data/app/api', { data: { key: 'k' } })
    const read = await client.read('secret/data/app/db')
    expect(read.data.data).toEqual({ user: 'app', password: 'p1' })
    expect(read.data.metadata.version).toBe(1)
    const listed = await client.list('secret/metadata/app')
    expect(listed.data.keys).toEqual(['api', 'db'])
    // node-vault's update is a PATCH with application/merge-patch+json.
    await client.update('secret/data/app/db', { data: { password: 'p2' } })
    expect((await client.read('secret/data/app/db')).data.data).toEqual({ user: 'app', password: 'p2' })
    await client.delete('secret/data/app/db')
    const deleted = await failure(client.read('secret/data/app/db'))
    expect(deleted.statusCode).toBe(404)
    await client.delete('secret/metadata/app/db')
    expect((await client.list('secret/metadata/app')).data.keys).toEqual(['api'])
  })

  it('lists with ?list=true when custom verbs are off', async () => {
    const plain = nodeVault({ endpoint: t.url, token: t.token, noCustomHTTPVerbs: true })
    expect((await plain.list('secret/metadata/app')).data.keys).toEqual(['api'])
  })

  it('destroys versions', async () => {
    await client.write('secret/data/versions', { data: { v: 1 } })
    await client.write('secret/data/versions', { data: { v: 2 } })
    await client.destroySecretVersions({ path: 'versions', versions: [1] })
    const meta = await client.read('secret/metadata/versions')
    expect(meta.data.versions['1'].destroyed).toBe(true)
  })
})

describe('errors reach the client as Vault sends them', () => {
  it('403 without a valid token, 404 for unknown paths, 400 for bad input', async () => {
    const anonymous = nodeVault({ endpoint: t.url, token: 'not-a-token' })
    expect(await failure(anonymous.read('secret/data/x'))).toEqual({
      statusCode: 403,
      body: { errors: ['permission denied'] },
    })
    expect(await failure(client.read('nowhere/x'))).toEqual({
      statusCode: 404,
      body: { errors: ['no handler for route "nowhere/x". route entry not found.'] },
    })
    const bad = await failure(client.write('sys/policy/bad', { policy: 'path "x" { capabilities = ' }))
    expect(bad.statusCode).toBe(400)
  })
})

describe('policies', () => {
  it('adds, reads, lists and removes a policy', async () => {
    const rules = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n'
    await client.addPolicy({ name: 'app-read', rules })
    expect((await client.getPolicy({ name: 'app-read' })).rules).toBe(rules)
    expect((await client.policies()).policies).toEqual(
      expect.arrayContaining(['app-read', 'default', 'root']),
    )
    await client.removePolicy({ name: 'app-read' })
    expect((await client.policies()).policies).not.toContain('app-read')
  })

  it('enforces a policy on a token', async () => {
    await client.addPolicy({
      name: 'api-only',
      rules: 'path "secret/data/app/api" { capabilities = ["read"] }',
    })
    const created = await asRoot().tokenCreate({ policies: ['api-only'] })
    const limited = nodeVault({ endpoint: t.url, token: created.auth.client_token })
    expect((await limited.read('secret/data/app/api')).data.data).toEqual({ key: 'k' })
    const denied = await failure(limited.read('secret/data/versions'))
    expect(denied.statusCode).toBe(403)
  })
})

describe('tokens', () => {
  it('creates, looks up, renews and revokes its own token', async () => {
    const created = await asRoot().tokenCreate({ policies: ['default'], ttl: '1h', renewable: true })
    expect(created.auth.lease_duration).toBe(3600)
    const own = nodeVault({ endpoint: t.url, token: created.auth.client_token })
    const self = await own.tokenLookupSelf()
    expect(self.data.policies).toEqual(['default'])
    expect(self.data.ttl).toBeGreaterThan(3500)
    const renewed = await own.tokenRenewSelf({ increment: '2h' })
    expect(renewed.auth.lease_duration).toBe(7200)
    await own.tokenRevokeSelf()
    expect((await failure(own.tokenLookupSelf())).statusCode).toBe(403)
  })

  it('looks up by accessor, lists accessors (LIST) and token roles', async () => {
    const created = await asRoot().tokenCreate({ policies: ['default'] })
    const byAccessor = await client.tokenLookupAccessor({ accessor: created.auth.accessor })
    expect(byAccessor.data.accessor).toBe(created.auth.accessor)
    expect((await client.tokenAccessors()).data.keys).toContain(created.auth.accessor)
    await client.addTokenRole({ role_name: 'ci', allowed_policies: 'default', orphan: true })
    expect((await client.tokenRoles()).data.keys).toContain('ci')
    const fromRole = await asRoot().tokenCreateRole({ role_name: 'ci' })
    expect(fromRole.auth.orphan).toBe(true)
    await client.tokenRevokeAccessor({ accessor: created.auth.accessor })
    expect((await failure(client.tokenLookupAccessor({ accessor: created.auth.accessor }))).statusCode).toBe(
      400,
    )
  })
})

describe('response wrapping', () => {
  it('wraps a read with X-Vault-Wrap-TTL and unwraps it once', async () => {
    await client.write('secret/data/wrapped', { data: { secret: 's' } })
    const wrapped = await client.read('secret/data/wrapped', { headers: { 'X-Vault-Wrap-TTL': '5m' } })
    expect(wrapped.data).toBeNull()
    expect(wrapped.wrap_info.ttl).toBe(300)
    expect(wrapped.wrap_info.creation_path).toBe('secret/data/wrapped')
    const unwrapped = await client.unwrap({ token: wrapped.wrap_info.token })
    expect(unwrapped.data.data).toEqual({ secret: 's' })
    const again = await failure(client.unwrap({ token: wrapped.wrap_info.token }))
    expect(again.statusCode).toBe(400)
  })

  it('wraps arbitrary data with sys/wrapping/wrap', async () => {
    const wrapped = await client.write(
      'sys/wrapping/wrap',
      { a: 'b' },
      { headers: { 'X-Vault-Wrap-TTL': 60 } },
    )
    expect((await client.unwrap({ token: wrapped.wrap_info.token })).data).toEqual({ a: 'b' })
  })
})

describe('leases', () => {
  it('lists token leases (LIST, sudo) and looks one up', async () => {
    await asRoot().tokenCreate({ policies: ['default'], ttl: '30m' })
    const keys: string[] = (await client.list('sys/leases/lookup/auth/token/create')).data.keys
    // Tokens from a role sit one level down (`ci/`), as in Vault.
    const leaf = keys.find((k) => !k.endsWith('/'))
    expect(leaf).toBeDefined()
    const leaseId = `auth/token/create/${leaf}`
    const lease = await client.write('sys/leases/lookup', { lease_id: leaseId })
    expect(lease.data.id).toBe(leaseId)
    expect(lease.data.ttl).toBeGreaterThan(0)
  })
})

describe('mounts', () => {
  it('mounts, lists, tunes and unmounts a secrets engine', async () => {
    await client.mount({ mount_point: 'kv1', type: 'kv', options: { version: '1' }, description: 'v1' })
    const mounts = await client.mounts()
    expect(mounts.data['kv1/']).toMatchObject({ type: 'kv', description: 'v1', options: { version: '1' } })
    // sys/mounts also repeats its data at the top level, as Vault does.
    expect(mounts['kv1/']).toMatchObject({ type: 'kv' })
    await client.write('kv1/x', { a: '1' })
    expect((await client.read('kv1/x')).data).toEqual({ a: '1' })
    expect((await client.list('kv1')).data.keys).toEqual(['x'])
    await client.write('sys/mounts/kv1/tune', { default_lease_ttl: '1h' })
    expect((await client.read('sys/mounts/kv1/tune')).data.default_lease_ttl).toBe(3600)
    await client.unmount({ mount_point: 'kv1' })
    expect((await client.mounts()).data['kv1/']).toBeUndefined()
  })
})

describe('health and status', () => {
  it('reads health (also its HEAD-free variants) and seal status', async () => {
    const health = await client.health()
    expect(health).toMatchObject({ initialized: true, sealed: false, standby: false })
    expect(await client.status()).toMatchObject({
      type: 'shamir',
      initialized: true,
      sealed: false,
      t: 1,
      n: 1,
    })
    expect(await client.initialized()).toEqual({ initialized: true })
    expect(await client.leader()).toMatchObject({ ha_enabled: false })
  })
})

describe('a non-dev server: init, unseal, seal over HTTP', () => {
  it('starts uninitialized, is initialized and unsealed by the client, answers 503 when sealed', async () => {
    const vault = new Vault()
    const server = await listen(vault, { port: 0 })
    try {
      const anon = nodeVault({ endpoint: server.url })
      // node-vault resolves health even on error statuses.
      expect(await anon.health()).toMatchObject({ initialized: false, sealed: true })
      expect(await anon.initialized()).toEqual({ initialized: false })
      const init = await anon.init({ secret_shares: 3, secret_threshold: 2 })
      expect(init.keys).toHaveLength(3)
      expect(init.keys_base64).toHaveLength(3)
      expect((await anon.status()).sealed).toBe(true)
      const first = await anon.unseal({ key: init.keys[0] })
      expect(first).toMatchObject({ sealed: true, progress: 1, t: 2, n: 3 })
      const second = await anon.unseal({ key: init.keys_base64[2] })
      expect(second).toMatchObject({ sealed: false, progress: 0 })
      const root = nodeVault({ endpoint: server.url, token: init.root_token })
      await root.mount({ mount_point: 'secret', type: 'kv', options: { version: '2' } })
      await root.write('secret/data/a', { data: { b: 'c' } })
      await root.seal()
      const sealed = await failure(root.read('secret/data/a'))
      expect(sealed).toEqual({ statusCode: 503, body: { errors: ['Vault is sealed'] } })
      expect(await anon.health()).toMatchObject({ sealed: true })
      await anon.unseal({ key: init.keys[1] })
      await anon.unseal({ key: init.keys[2] })
      expect((await root.read('secret/data/a')).data.data).toEqual({ b: 'c' })
    } finally {
      await server.close()
      await vault.close()
    }
  })
})

describe('over TLS', () => {
  it('serves HTTPS with the given key and certificate', async () => {
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url))
    const cert = fixture('localhost-cert.pem')
    const server = await listen(t.vault, { port: 0, tls: { key: fixture('localhost-key.pem'), cert } })
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      // The self-signed test certificate is its own CA.
      const tls = nodeVault({ endpoint: server.url, token: t.token, requestOptions: { ca: cert } })
      expect((await tls.list('secret/metadata/app')).data.keys).toEqual(['api'])
    } finally {
      await server.close()
    }
  })
})

describe('engines being built now (skip until registered)', () => {
  it('transit: create a key, encrypt, decrypt, rewrap, list, read', async () => {
    await client.mount({ mount_point: 'transit', type: 'transit' })
    await client.transitCreateKey({ name: 'orders' })
    const plaintext = Buffer.from('hello').toString('base64')
    const { data: enc } = await client.encryptData({ name: 'orders', plaintext })
    expect(enc.ciphertext).toMatch(/^vault:v1:/)
    const { data: dec } = await client.decryptData({ name: 'orders', ciphertext: enc.ciphertext })
    expect(dec.plaintext).toBe(plaintext)
    await client.write('transit/keys/orders/rotate', {})
    const { data: re } = await client.rewrapData({ name: 'orders', ciphertext: enc.ciphertext })
    expect(re.ciphertext).toMatch(/^vault:v2:/)
    expect((await client.transitListKeys()).data.keys).toEqual(['orders'])
    expect((await client.transitReadKey({ name: 'orders' })).data.latest_version).toBe(2)
  })

  it('approle: role, role-id, secret-id, login', async () => {
    await client.enableAuth({ mount_point: 'approle', type: 'approle' })
    await client.addApproleRole({ role_name: 'app', policies: 'default', token_ttl: 3600 })
    expect((await client.approleRoles()).data.keys).toEqual(['app'])
    const roleId = (await client.getApproleRoleId({ role_name: 'app' })).data.role_id
    const secretId = (await client.getApproleRoleSecret({ role_name: 'app' })).data.secret_id
    const login = nodeVault({ endpoint: t.url })
    const res = await login.approleLogin({ role_id: roleId, secret_id: secretId })
    expect(res.auth.policies).toEqual(['default'])
    // node-vault keeps the token it logged in with.
    expect((await login.tokenLookupSelf()).data.policies).toEqual(['default'])
  })

  it('userpass: user and login', async () => {
    await client.enableAuth({ mount_point: 'userpass', type: 'userpass' })
    await client.write('auth/userpass/users/alice', { password: 'correct horse', policies: 'default' })
    const login = nodeVault({ endpoint: t.url })
    const res = await login.userpassLogin({ username: 'alice', password: 'correct horse' })
    expect(res.auth.metadata).toEqual({ username: 'alice' })
    const wrong = await failure(
      nodeVault({ endpoint: t.url }).userpassLogin({ username: 'alice', password: 'no' }),
    )
    expect(wrong.statusCode).toBe(400)
  })

  it.skipIf(!postgres)('database: dynamic PostgreSQL credentials', async () => {
    await client.mount({ mount_point: 'database', type: 'database' })
    await client.write('database/config/pg', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: `postgresql://{{username}}:{{password}}@${PG.host}:${PG.port}/${PG.database}?sslmode=disable`,
      username: PG.user,
      password: 'unused-loopback-is-trusted',
      allowed_roles: 'ro',
    })
    await client.write('database/roles/ro', {
      db_name: 'pg',
      creation_statements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
      ],
      default_ttl: '1h',
    })
    const creds = await client.generateDatabaseCredentials({ databasePath: 'database', name: 'ro' })
    expect(creds.lease_id).toMatch(/^database\/creds\/ro\//)
    expect(await pgCanLogin(creds.data.username, creds.data.password)).toBe(true)
    const lease = await client.write('sys/leases/lookup', { lease_id: creds.lease_id })
    expect(lease.data.ttl).toBeGreaterThan(3500)
    await client.revoke({ lease_id: creds.lease_id })
    expect(await pgRoleExists(creds.data.username)).toBe(false)
  })
})
