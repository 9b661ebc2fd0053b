/**
 * The database engine on a private PostgreSQL cluster with `scram-sha-256` authentication (started from
 * the server binaries for this file, removed afterwards): here passwords are checked, so the tests prove
 * that an issued password is required and a wrong one refused, that rotations really change what the
 * server accepts, and what happens when the server goes down under the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type PrivateCluster,
  pgAdmin,
  pgCanLogin,
  pgRoleExists,
  privateClusterMissing,
  startPrivateCluster,
} from '../../database/support.js'
import { type DbSetup, dbSetup, rejection } from './setup.js'

const skip = privateClusterMissing()
const ADMIN = 'vl_engine_admin'
const ADMIN_PASSWORD = 'Admin-initial-pw-1'
const CREATE = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`

describe.skipIf(Boolean(skip))('database engine on a private scram-sha-256 PostgreSQL', () => {
  let cluster: PrivateCluster
  let s: DbSetup
  const superuser = () => ({ ...cluster, user: cluster.user, password: cluster.password })
  const url = () =>
    `postgresql://{{username}}:{{password}}@${cluster.host}:${cluster.port}/${cluster.database}`
  const login = (user: string, password: string) => pgCanLogin(user, password, cluster)

  beforeAll(async () => {
    cluster = await startPrivateCluster()
    // A dedicated admin for the engine: the cluster's own superuser is never handed over or rotated.
    await pgAdmin(`CREATE ROLE ${ADMIN} LOGIN CREATEROLE PASSWORD '${ADMIN_PASSWORD}'`, [], superuser())
    s = await dbSetup()
    await s.db.configure('appdb', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: url(),
      username: ADMIN,
      password: ADMIN_PASSWORD,
      allowed_roles: '*',
    })
    await s.db.writeRole('ro', {
      db_name: 'appdb',
      creation_statements: [CREATE],
      default_ttl: '1h',
      max_ttl: '24h',
    })
  }, 120_000)

  afterAll(async () => {
    await s?.cleanup()
    cluster?.destroy()
  })

  it('issued credentials need their password: the right one logs in, a wrong one is refused', async () => {
    const c = await s.db.creds('ro')
    expect(await login(c.username, c.password)).toBe(true)
    expect(await login(c.username, `${c.password}x`)).toBe(false)
    expect(await login(c.username, '')).toBe(false)
    await s.db.revoke(c.leaseId)
    expect(await login(c.username, c.password)).toBe(false)
    expect(await pgRoleExists(c.username, superuser())).toBe(false)
  })

  it('expiry ends the login', async () => {
    const c = await s.db.creds('ro')
    expect(await login(c.username, c.password)).toBe(true)
    await s.advance('1h')
    expect(await login(c.username, c.password)).toBe(false)
    expect(await pgRoleExists(c.username, superuser())).toBe(false)
  })

  it('a password policy shapes the issued password, which the server then requires', async () => {
    await s.call('POST', 'pwpolicy/policies/password/digits', {
      policy: 'length = 32\nrule "charset" {\n  charset = "0123456789"\n  min-chars = 32\n}',
    })
    await s.db.writeRole('digits', {
      db_name: 'appdb',
      creation_statements: [CREATE],
      credential_config: { password_policy: 'digits' },
    })
    const c = await s.db.creds('digits')
    expect(c.password).toMatch(/^\d{32}$/)
    expect(await login(c.username, c.password)).toBe(true)
    await s.db.revoke(c.leaseId)
  })

  it('static role rotation changes the password the server accepts', async () => {
    await pgAdmin(`CREATE ROLE vl_static_user LOGIN PASSWORD 'static-initial-1'`, [], superuser())
    await s.db.writeStaticRole('static', {
      db_name: 'appdb',
      username: 'vl_static_user',
      rotation_period: '1h',
    })
    const first = await s.db.staticCreds('static')
    expect(await login('vl_static_user', 'static-initial-1')).toBe(false)
    expect(await login('vl_static_user', first.password)).toBe(true)
    await s.advance('1h')
    const second = await s.db.staticCreds('static')
    expect(second.password).not.toBe(first.password)
    expect(await login('vl_static_user', first.password)).toBe(false)
    expect(await login('vl_static_user', second.password)).toBe(true)
    await s.db.rotateRole('static')
    const third = await s.db.staticCreds('static')
    expect(await login('vl_static_user', second.password)).toBe(false)
    expect(await login('vl_static_user', third.password)).toBe(true)
  })

  it("rotate-root: the admin's old password stops working, the engine goes on with the new one", async () => {
    await s.db.rotateRoot('appdb')
    expect(await login(ADMIN, ADMIN_PASSWORD)).toBe(false)
    const config = await s.db.readConfig('appdb')
    expect(JSON.stringify(config)).not.toContain(ADMIN_PASSWORD)
    expect(config?.connection_details).toEqual({ connection_url: url(), username: ADMIN })
    const c = await s.db.creds('ro')
    expect(await login(c.username, c.password)).toBe(true)
    await s.db.revoke(c.leaseId)
    expect(await pgRoleExists(c.username, superuser())).toBe(false)
  })

  it('a wrong root password is refused, and never echoed', async () => {
    const err = await rejection(() =>
      s.db.configure('wrong', {
        plugin_name: 'postgresql-database-plugin',
        connection_url: url(),
        username: ADMIN,
        password: 'Wrong-Root-Password-42',
      }),
    )
    expect(err.statusCode).toBe(400)
    expect(err.message).toBe(
      `error creating database object: error verifying connection: FATAL: password authentication failed for user "${ADMIN}" (SQLSTATE 28P01)`,
    )
    expect(err.message).not.toContain('Wrong-Root-Password-42')
  })

  it("a password written into connection_url is redacted on read, with Vault's warning", async () => {
    const literal = `postgresql://${cluster.user}:${cluster.password}@${cluster.host}:${cluster.port}/${cluster.database}`
    const warnings = await s.db.configure('literal', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: literal,
      allowed_roles: 'none',
    })
    expect(warnings).toEqual([
      'Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.',
    ])
    const read = await s.db.readConfig('literal')
    expect(JSON.stringify(read)).not.toContain(cluster.password)
    expect((read?.connection_details as { connection_url?: string } | undefined)?.connection_url).toBe(
      `postgresql://${cluster.user}:xxxxx@${cluster.host}:${cluster.port}/${cluster.database}`,
    )
    await s.db.deleteConfig('literal')
  })

  it('server down while revoking: retries, then irrevocable; once it is back, revoke succeeds', async () => {
    const c = await s.db.creds('ro')
    cluster.stop()
    try {
      const err = await rejection(() => s.db.revoke(c.leaseId))
      expect(err.statusCode).toBe(400)
      expect(err.message).toMatch(/^failed to revoke entry: /)
      expect(err.message).not.toContain(c.password)
      // Expiry: three attempts (1s base, no jitter), then irrevocable — kept and listed, not forgotten.
      await s.advance('1h')
      await s.advance('2s')
      await s.advance('4s')
      expect(s.vault.leases.irrevocable).toBe(1)
      const count = await s.call('GET', 'sys/leases/count', { type: 'irrevocable' })
      expect((count.data as { lease_count: number }).lease_count).toBe(1)
      // Issuing while down: a clear error, nothing registered.
      const pending = s.vault.leases.pending
      const issue = await rejection(() => s.db.creds('ro'))
      expect(issue.statusCode).toBe(500)
      expect(s.vault.leases.pending).toBe(pending)
    } finally {
      cluster.start()
    }
    expect(await pgRoleExists(c.username, superuser())).toBe(true)
    await s.db.revoke(c.leaseId)
    expect(await pgRoleExists(c.username, superuser())).toBe(false)
    expect(s.vault.leases.irrevocable).toBe(0)
  })
})
