/**
 * The database secrets engine against a real PostgreSQL (127.0.0.1:5432, user `postgres`, database
 * `test`): configure a connection `appdb`, a role `readonly` with Vault's documented creation statement,
 * read credentials, use them, and watch the lease end and the user disappear.
 *
 * Run: `npx tsx examples/database.ts`. Without a reachable PostgreSQL it says so and exits 0.
 * Settings: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
 */
import { createConnection } from 'node:net'
import pg from 'pg'
import { Vault } from 'vaultlet'
import { ManualClock } from 'vaultlet/testing'

const host = process.env.PGHOST ?? '127.0.0.1'
const port = Number(process.env.PGPORT ?? 5432)
const user = process.env.PGUSER ?? 'postgres'
const password = process.env.PGPASSWORD ?? 'postgres'
const database = process.env.PGDATABASE ?? 'test'

const step = (title: string) => console.log(`\n\x1b[1m▶ ${title}\x1b[0m`)
const show = (label: string, value: unknown) =>
  console.log(`  ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)

function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

if (!(await reachable())) {
  console.log(`PostgreSQL is not reachable at ${host}:${port}: skipping the database example.`)
  process.exit(0)
}

/** Runs SQL as the admin user (for the example's own table, and to look at pg_roles). */
async function admin(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ host, port, user, password, database })
  await client.connect()
  try {
    return await client.query(sql, params)
  } finally {
    await client.end()
  }
}

const table = `vaultlet_example_${Math.random().toString(36).slice(2, 8)}`
await admin(`CREATE TABLE public.${table} (id int, name text)`)
await admin(`INSERT INTO public.${table} VALUES (1, 'alpha'), (2, 'beta')`)

// A manual clock lets the example fast-forward an hour instead of waiting for it.
const clock = new ManualClock(Date.now())
const vault = await Vault.dev({ rootToken: 'root', clock })
try {
  step('Mount the database engine at database/')
  await vault.request({
    method: 'POST',
    path: 'sys/mounts/database',
    data: { type: 'database' },
    token: 'root',
  })
  const db = vault.database('database', { token: 'root' })

  step('POST database/config/appdb')
  await db.configure('appdb', {
    plugin_name: 'postgresql-database-plugin',
    connection_url: `postgresql://{{username}}:{{password}}@${host}:${port}/${database}?sslmode=disable`,
    username: user,
    password,
    allowed_roles: 'readonly',
  })
  show('read back (no password)', await db.readConfig('appdb'))

  step('POST database/roles/readonly')
  await db.writeRole('readonly', {
    db_name: 'appdb',
    creation_statements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
    ],
    default_ttl: '1h',
    max_ttl: '24h',
  })

  step('GET database/creds/readonly')
  const creds = await db.creds('readonly')
  show('username', creds.username)
  show('password', `${creds.password.slice(0, 4)}… (${creds.password.length} characters)`)
  show('lease', `${creds.leaseId} (${creds.leaseDuration}s, renewable: ${creds.renewable})`)

  step('Use them')
  const app = new pg.Client({ host, port, user: creds.username, password: creds.password, database })
  await app.connect()
  const rows = (await app.query(`SELECT name FROM public.${table} ORDER BY id`)).rows
  await app.end()
  show(
    `SELECT name FROM ${table}`,
    rows.map((r) => r.name),
  )
  const before = await admin('SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [creds.username])
  show('pg_roles.rolvaliduntil', before.rows[0]?.rolvaliduntil)

  step('One hour later: the lease ends')
  await clock.advance('1h')
  await vault.leases.idle()
  const after = await admin('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [creds.username])
  show('user still in pg_roles', after.rows[0]?.n === 1)
  if (after.rows[0]?.n !== 0) throw new Error('the user should have been dropped')
} finally {
  await vault.close() // seals: the engine closes its connection pool
  await admin(`DROP TABLE IF EXISTS public.${table}`)
}
console.log('\ndone')
