/**
 * The database engine on the machine's PostgreSQL (trust auth on loopback: password checks live in
 * `postgres-auth.test.ts`, on a private cluster). Dynamic credentials log in and SELECT; revocation and
 * expiry drop the role; renewal moves VALID UNTIL; static roles rotate on the clock; rotate-root keeps the
 * engine working; injection attempts are harmless; a database that is down fails cleanly when issuing and
 * leaves the lease irrevocable (and visible) when revoking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG, pgAdmin, pgRoleExists, serviceMissing, uniq } from '../../database/support.js'
import { type DbSetup, dbSetup, PG_READONLY, rejection } from './setup.js'

const skip = serviceMissing('postgres')
const SCHEMA = uniq('vl_schema')
const TABLE = `${SCHEMA}.items`
/** The seed's statement grants on schema public: one table there for the walk-through. */
const PUBLIC_TABLE = `public.${uniq('vl_items')}`
const url = (extra = '') =>
  `postgresql://{{username}}:{{password}}@${PG.host}:${PG.port}/${PG.database}?sslmode=disable${extra}`
/** Creation in this file's own schema: no catalog rows shared with test files running in parallel. */
const CREATE = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT USAGE ON SCHEMA ${SCHEMA} TO "{{name}}"; GRANT SELECT ON ALL TABLES IN SCHEMA ${SCHEMA} TO "{{name}}";`
const REVOKE = `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${SCHEMA} FROM "{{name}}"; REVOKE USAGE ON SCHEMA ${SCHEMA} FROM "{{name}}"; DROP ROLE IF EXISTS "{{name}}";`
const madeRoles: string[] = []

/** Logs in as `user` and reads the test table (trust auth: the password is not checked here). */
async function selectAs(user: string, table = TABLE): Promise<number> {
  const rows = await pgAdmin<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`, [], { ...PG, user })
  return Number(rows[0]?.n)
}

async function validUntil(user: string): Promise<number> {
  const rows = await pgAdmin<{ v: Date }>('SELECT rolvaliduntil AS v FROM pg_roles WHERE rolname = $1', [
    user,
  ])
  return rows[0]?.v?.getTime() ?? 0
}

async function passwordHash(user: string): Promise<string> {
  const rows = await pgAdmin<{ p: string }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [
    user,
  ])
  return rows[0]?.p ?? ''
}

describe.skipIf(Boolean(skip))('database engine on PostgreSQL', () => {
  let s: DbSetup

  beforeAll(async () => {
    await pgAdmin(`CREATE SCHEMA ${SCHEMA}`)
    await pgAdmin(`CREATE TABLE ${TABLE} (id int); INSERT INTO ${TABLE} VALUES (1), (2), (3)`)
    await pgAdmin(`CREATE TABLE ${PUBLIC_TABLE} (id int); INSERT INTO ${PUBLIC_TABLE} VALUES (1), (2)`)
  })

  afterAll(async () => {
    for (const r of madeRoles) {
      await pgAdmin(`DROP OWNED BY "${r}"`).catch(() => undefined)
      await pgAdmin(`DROP ROLE IF EXISTS "${r}"`).catch(() => undefined)
    }
    await pgAdmin(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined)
    await pgAdmin(`DROP TABLE IF EXISTS ${PUBLIC_TABLE}`).catch(() => undefined)
  })

  const configure = (name = 'appdb', extra: Record<string, unknown> = {}) =>
    s.db.configure(name, {
      plugin_name: 'postgresql-database-plugin',
      connection_url: url(),
      username: PG.user,
      password: 'trust-auth-ignores-this',
      allowed_roles: '*',
      ...extra,
    })

  beforeAll(async () => {
    s = await dbSetup()
    await configure()
    await s.db.writeRole('ro', {
      db_name: 'appdb',
      creation_statements: [CREATE],
      revocation_statements: [REVOKE],
      default_ttl: '1h',
      max_ttl: '24h',
    })
  })

  afterAll(async () => {
    await s?.cleanup()
  })

  it('walks through the seed: config appdb, role readonly, read creds, the lease ends, the user is dropped', async () => {
    await s.db.writeRole('readonly', {
      db_name: 'appdb',
      creation_statements: [PG_READONLY],
      default_ttl: '1h',
      max_ttl: '24h',
    })
    const res = await s.call('GET', 'database/creds/readonly')
    const { username, password } = res.data as { username: string; password: string }
    expect(res.lease_id).toMatch(/^database\/creds\/readonly\/[0-9A-Za-z]{24}$/)
    expect(res.lease_duration).toBe(3600)
    expect(res.renewable).toBe(true)
    expect(username).toMatch(/^v-root-readonly-[0-9A-Za-z]{20}-\d+$/)
    expect(password).toMatch(/^[A-Za-z0-9-]{20}$/)
    expect(await pgRoleExists(username)).toBe(true)
    expect(await selectAs(username, PUBLIC_TABLE)).toBe(2)
    // VALID UNTIL is the lease's end plus Vault's 5-second buffer.
    expect(await validUntil(username)).toBe(Math.floor((s.clock.now() + 3600_000 + 5000) / 1000) * 1000)
    await s.advance('1h')
    expect(await pgRoleExists(username)).toBe(false)
    await expect(selectAs(username, PUBLIC_TABLE)).rejects.toThrow(/does not exist/)
  })

  it('revocation drops the role at once', async () => {
    const c = await s.db.creds('ro')
    expect(await selectAs(c.username)).toBe(3)
    await s.db.revoke(c.leaseId)
    expect(await pgRoleExists(c.username)).toBe(false)
  })

  it('the default revocation removes grants and the role', async () => {
    await s.db.writeRole('ro-default', { db_name: 'appdb', creation_statements: [CREATE], default_ttl: '1h' })
    const c = await s.db.creds('ro-default')
    expect(await selectAs(c.username)).toBe(3)
    await s.db.revoke(c.leaseId)
    expect(await pgRoleExists(c.username)).toBe(false)
  })

  it('renewal moves VALID UNTIL, within max_ttl', async () => {
    await s.db.writeRole('short', {
      db_name: 'appdb',
      creation_statements: [CREATE],
      revocation_statements: [REVOKE],
      default_ttl: '10m',
      max_ttl: '30m',
    })
    const c = await s.db.creds('short')
    const first = await validUntil(c.username)
    await s.clock.advance('5m')
    expect(await s.db.renew(c.leaseId, '20m')).toBe(1200)
    const second = await validUntil(c.username)
    expect(second - first).toBe(15 * 60_000)
    // Capped by max_ttl, counted from the issue time.
    await s.clock.advance('5m')
    expect(await s.db.renew(c.leaseId, '1h')).toBe(20 * 60)
    await s.db.revoke(c.leaseId)
  })

  it("an unknown role, a role not allowed, a missing connection: Vault's errors", async () => {
    expect((await rejection(() => s.db.creds('nope'))).message).toBe('unknown role: nope')
    await configure('limited', { allowed_roles: 'app-*' })
    await s.db.writeRole('other', { db_name: 'limited', creation_statements: [CREATE] })
    const err = await rejection(() => s.db.creds('other'))
    expect(err.statusCode).toBe(500)
    expect(err.message).toBe('"other" is not an allowed role')
    await s.db.writeRole('app-x', {
      db_name: 'limited',
      creation_statements: [CREATE],
      revocation_statements: [REVOKE],
    })
    const c = await s.db.creds('app-x')
    await s.db.revoke(c.leaseId)
    await s.db.writeRole('orphan', { db_name: 'missing', creation_statements: [CREATE] })
    expect((await rejection(() => s.db.creds('orphan'))).message).toBe(
      'failed to find entry for connection with name: "missing"',
    )
  })

  it('a creation that fails half-way runs the rollback statements and leaves no user behind', async () => {
    await configure('half', { username_template: '{{ printf "vl_half_%s" (random 10 | lowercase) }}' })
    await s.db.writeRole('half', {
      db_name: 'half',
      creation_statements: [
        `CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'; GRANT SELECT ON ${SCHEMA}.no_such_table TO "{{name}}";`,
      ],
      rollback_statements: [`DROP ROLE IF EXISTS "{{name}}"`],
    })
    const before = s.vault.leases.pending
    const err = await rejection(() => s.db.creds('half'))
    expect(err.statusCode).toBe(500)
    expect(err.message).toMatch(
      /^failed to execute query: ERROR: relation ".*no_such_table" does not exist \(SQLSTATE 42P01\)$/,
    )
    expect(s.vault.leases.pending).toBe(before)
    const left = await pgAdmin<{ n: string }>(
      "SELECT count(*)::text AS n FROM pg_roles WHERE rolname LIKE 'vl_half_%'",
    )
    expect(left[0]?.n).toBe('0')
  })

  it('an injection attempt through a username template and a role name is harmless', async () => {
    // The template's output tries to close the identifier and drop the table.
    await configure('evil', {
      username_template: `{{ printf "vl_inj_%s\\"; DROP TABLE ${TABLE}; --'%s" (random 6) .RoleName }}`,
    })
    await s.db.writeRole('a.b-c_d', {
      db_name: 'evil',
      creation_statements: [CREATE],
      revocation_statements: [REVOKE],
    })
    const c = await s.db.creds('a.b-c_d')
    expect(c.username).toMatch(new RegExp(`^vl_inj_[0-9A-Za-z]{6}"; DROP TABLE ${TABLE}; --'a\\.b-c_d$`))
    expect(await pgRoleExists(c.username)).toBe(true)
    expect(await selectAs(c.username)).toBe(3) // the table is still there, and the odd user can read it
    await s.db.revoke(c.leaseId)
    expect(await pgRoleExists(c.username)).toBe(false)
    const tables = await pgAdmin<{ n: string }>(`SELECT count(*)::text AS n FROM ${TABLE}`)
    expect(tables[0]?.n).toBe('3')
  })

  it('static roles: created rotated, rotated on schedule and on demand', async () => {
    const user = uniq('vl_static')
    madeRoles.push(user)
    await pgAdmin(`CREATE ROLE "${user}" LOGIN PASSWORD 'initial-password'`)
    const initial = await passwordHash(user)
    await s.db.writeStaticRole('reporting', { db_name: 'appdb', username: user, rotation_period: '1h' })
    const first = await s.db.staticCreds('reporting')
    expect(first.username).toBe(user)
    expect(first.password).toMatch(/^[A-Za-z0-9-]{20}$/)
    expect(first.rotationPeriod).toBe(3600)
    expect(first.ttl).toBe(3600)
    expect(await passwordHash(user)).not.toBe(initial)
    const afterCreate = await passwordHash(user)

    await s.advance('30m')
    expect((await s.db.staticCreds('reporting')).ttl).toBe(1800)
    expect((await s.db.staticCreds('reporting')).password).toBe(first.password)
    await s.advance('31m')
    const second = await s.db.staticCreds('reporting')
    expect(second.password).not.toBe(first.password)
    expect(await passwordHash(user)).not.toBe(afterCreate)
    expect(second.ttl).toBeGreaterThan(3500)

    await s.db.rotateRole('reporting')
    const third = await s.db.staticCreds('reporting')
    expect(third.password).not.toBe(second.password)
    expect(await s.db.readStaticRole('reporting')).toMatchObject({
      username: user,
      rotation_period: 3600,
      db_name: 'appdb',
    })
    expect(JSON.stringify(await s.db.readStaticRole('reporting'))).not.toContain(third.password)
    expect(await s.db.listStaticRoles()).toEqual(['reporting'])
    await s.db.deleteStaticRole('reporting')
    expect(s.backend().nextRotation('reporting')).toBeUndefined()
  })

  it('rotate-root changes the admin password and the engine keeps working', async () => {
    const admin = uniq('vl_admin')
    madeRoles.push(admin)
    await pgAdmin(`CREATE ROLE "${admin}" LOGIN CREATEROLE PASSWORD 'admin-initial-pw'`)
    await pgAdmin(`GRANT USAGE ON SCHEMA ${SCHEMA} TO "${admin}" WITH GRANT OPTION`)
    await pgAdmin(`GRANT SELECT ON ALL TABLES IN SCHEMA ${SCHEMA} TO "${admin}" WITH GRANT OPTION`)
    await s.db.configure('rooted', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: url(),
      username: admin,
      password: 'admin-initial-pw',
      allowed_roles: 'rooted-ro',
    })
    await s.db.writeRole('rooted-ro', {
      db_name: 'rooted',
      creation_statements: [CREATE],
      revocation_statements: [REVOKE],
    })
    const before = await passwordHash(admin)
    await s.db.rotateRoot('rooted')
    expect(await passwordHash(admin)).not.toBe(before)
    const config = await s.db.readConfig('rooted')
    expect(config?.connection_details).toEqual({ connection_url: url(), username: admin })
    const c = await s.db.creds('rooted-ro')
    expect(await selectAs(c.username)).toBe(3)
    await s.db.revoke(c.leaseId)
    expect(await pgRoleExists(c.username)).toBe(false)
    // Twice in a row works as well: the engine reconnects with what it stored.
    await s.db.rotateRoot('rooted')
    await s.db.revoke((await s.db.creds('rooted-ro')).leaseId)
  })

  it('database down while issuing: a clear error, no lease, nothing created', async () => {
    await configure('down', {
      connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/test',
      verify_connection: false,
    })
    await s.db.writeRole('down-ro', { db_name: 'down', creation_statements: [CREATE] })
    const before = s.vault.leases.pending
    const err = await rejection(() => s.db.creds('down-ro'))
    expect(err.statusCode).toBe(500)
    expect(err.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/)
    expect(err.message).not.toContain('trust-auth-ignores-this')
    expect(s.vault.leases.pending).toBe(before)
    // And a configuration that cannot connect is refused when verified.
    const refused = await rejection(() =>
      configure('down2', { connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/test' }),
    )
    expect(refused.statusCode).toBe(400)
    expect(refused.message).toMatch(
      /^error creating database object: error verifying connection: failed to connect: /,
    )
    expect(await s.db.listConfigs()).not.toContain('down2')
  })

  it('database down while revoking: retries, then irrevocable and listed; a later revoke succeeds', async () => {
    await configure('flaky')
    await s.db.writeRole('flaky-ro', {
      db_name: 'flaky',
      creation_statements: [CREATE],
      revocation_statements: [REVOKE],
      default_ttl: '10m',
    })
    const c = await s.db.creds('flaky-ro')
    // The database "goes away": the connection now points at a closed port.
    await configure('flaky', {
      connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/test',
      verify_connection: false,
    })
    const events: string[] = []
    s.vault.on('lease:irrevocable', (e) => events.push(e.leaseId))
    await s.advance('10m') // expiry: first attempt fails
    expect(s.vault.leases.irrevocable).toBe(0)
    await s.advance('2s') // retry 1 (2^1 × 1s)
    await s.advance('4s') // retry 2 → third failure: irrevocable
    expect(events).toEqual([c.leaseId])
    const listed = await s.call('GET', 'sys/leases', { type: 'irrevocable' })
    const leases = (listed.data as { leases: Array<{ lease_id: string; error: string }> }).leases
    expect(leases.map((l) => l.lease_id)).toEqual([c.leaseId])
    expect(leases[0]?.error).toMatch(/^out of retries: failed to revoke entry: .*ECONNREFUSED/)
    expect(await pgRoleExists(c.username)).toBe(true) // never silently forgotten: still there, and listed
    // The database is back: an explicit revoke removes the user and the lease.
    await configure('flaky', { connection_url: url() })
    await s.db.revoke(c.leaseId)
    expect(await pgRoleExists(c.username)).toBe(false)
    expect(s.vault.leases.irrevocable).toBe(0)
  })

  it('pools per connection: reset reopens, delete, unmount and seal close', async () => {
    const app = uniq('vl_app')
    await configure('pooled', { connection_url: url(`&application_name=${app}`) })
    const sessions = async () =>
      Number(
        (
          await pgAdmin<{ n: string }>(
            'SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = $1',
            [app],
          )
        )[0]?.n,
      )
    expect(await sessions()).toBeGreaterThan(0)
    expect(s.backend().openConnections).toContain('pooled')
    await s.db.reset('pooled')
    expect(s.backend().openConnections).toContain('pooled')
    await s.db.deleteConfig('pooled')
    expect(s.backend().openConnections).not.toContain('pooled')
    await expect.poll(sessions).toBe(0)

    // Seal closes every pool; unseal brings the engine back.
    await configure('pooled', { connection_url: url(`&application_name=${app}`) })
    expect(await sessions()).toBeGreaterThan(0)
    await s.vault.seal()
    await expect.poll(sessions).toBe(0)
    await s.vault.unseal(s.vault.unsealKey as string)
    const c = await s.db.creds('ro')
    await s.db.revoke(c.leaseId)

    // Unmount revokes the mount's leases, then closes the pools.
    const c2 = await s.db.creds('ro')
    await s.call('DELETE', 'sys/mounts/database')
    expect(await pgRoleExists(c2.username)).toBe(false)
    await expect.poll(sessions).toBe(0)
    // Mount again for nothing else: the remaining tests of this file are done.
  })
})
