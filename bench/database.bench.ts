/**
 * The database engine against the local PostgreSQL (127.0.0.1:5432, user `postgres`, database `test`):
 * credentials issued per second (`GET database/creds/:role` through the full pipeline: token, ACL,
 * password generation, CREATE ROLE in a transaction, lease registration) and revocations per second
 * (`sys/leases/revoke`: the role's DROP ROLE statement, or PostgreSQL's default revocation), beside a
 * baseline measured in the same run: raw `CREATE ROLE` / `DROP ROLE` through a `pg` pool. The ratio is
 * what to compare across machines.
 *
 * N defaults to 300 (`DATABASE_BENCH_N`). Without a reachable PostgreSQL it says so and returns.
 * Run alone: `npx tsx bench/database.bench.ts`.
 */
import { createConnection } from 'node:net'
import pg from 'pg'
import { createDatabaseBackend, DatabaseClient } from '../src/engines/database/index.js'
import { Vault } from '../src/index.node.js'

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', password: 'postgres', database: 'test' }

function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: PG.host, port: PG.port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Runs `fn(i)` n times, `concurrency` at a time; returns ops/s. */
async function rate(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await fn(i)
    }),
  )
  return (n * 1000) / (performance.now() - t0)
}

export async function run(): Promise<void> {
  if (!(await reachable())) {
    console.log('PostgreSQL is not reachable at 127.0.0.1:5432: skipping the database benchmark.')
    return
  }
  const n = Number(process.env.DATABASE_BENCH_N ?? 300)
  const tag = Math.random().toString(36).slice(2, 8)
  const expiration = new Date(Date.now() + 3600_000).toISOString()

  // Baseline: the same statements, straight through a pg pool of the engine's default size (4).
  const pool = new pg.Pool({ ...PG, max: 4 })
  const names = Array.from({ length: n }, (_, i) => `vl_bench_${tag}_${i}`)
  const rows: Record<string, string>[] = []
  const row = (step: string, seq: number, par: number, base?: [number, number]) =>
    rows.push({
      step,
      'ops/s (1 at a time)': seq.toFixed(0),
      'ops/s (4 at a time)': par.toFixed(0),
      'vs baseline': base ? `${(seq / base[0]).toFixed(2)}× / ${(par / base[1]).toFixed(2)}×` : '',
    })
  const half = Math.floor(n / 2)
  const createSeq = await rate(half, 1, async (i) => {
    await pool.query(
      `CREATE ROLE "${names[i]}" WITH LOGIN PASSWORD 'A1a-bench-password-x' VALID UNTIL '${expiration}'`,
    )
  })
  const dropSeq = await rate(half, 1, async (i) => {
    await pool.query(`DROP ROLE IF EXISTS "${names[i]}"`)
  })
  const createPar = await rate(n - half, 4, async (i) => {
    await pool.query(
      `CREATE ROLE "${names[half + i]}" WITH LOGIN PASSWORD 'A1a-bench-password-x' VALID UNTIL '${expiration}'`,
    )
  })
  const dropPar = await rate(n - half, 4, async (i) => {
    await pool.query(`DROP ROLE IF EXISTS "${names[half + i]}"`)
  })
  row('baseline: raw CREATE ROLE (pg pool)', createSeq, createPar)
  row('baseline: raw DROP ROLE (pg pool)', dropSeq, dropPar)

  const vault = await Vault.dev({ rootToken: 'root' })
  vault.engines.register({ type: 'database', kind: 'secret', factory: createDatabaseBackend })
  await vault.request({
    method: 'POST',
    path: 'sys/mounts/database',
    data: { type: 'database' },
    token: 'root',
  })
  const db = new DatabaseClient((r) => vault.request(r), 'database', 'root')
  await db.configure('bench', {
    plugin_name: 'postgresql-database-plugin',
    connection_url: `postgresql://{{username}}:{{password}}@${PG.host}:${PG.port}/${PG.database}?sslmode=disable`,
    username: PG.user,
    password: PG.password,
    allowed_roles: '*',
  })
  const create = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`
  await db.writeRole('bench', {
    db_name: 'bench',
    creation_statements: [create],
    revocation_statements: ['DROP ROLE IF EXISTS "{{name}}";'],
    default_ttl: '1h',
  })
  await db.writeRole('bench-default', { db_name: 'bench', creation_statements: [create], default_ttl: '1h' })

  try {
    const leases: string[] = []
    const credsSeq = await rate(half, 1, async () => {
      leases.push((await db.creds('bench')).leaseId)
    })
    const revokeSeq = await rate(half, 1, async (i) => {
      await db.revoke(leases[i] as string)
    })
    const credsPar = await rate(n - half, 4, async () => {
      leases.push((await db.creds('bench')).leaseId)
    })
    const revokePar = await rate(n - half, 4, async (i) => {
      await db.revoke(leases[half + i] as string)
    })
    row('engine: GET database/creds/bench', credsSeq, credsPar, [createSeq, createPar])
    row('engine: revoke (DROP ROLE statement)', revokeSeq, revokePar, [dropSeq, dropPar])

    const m = Math.max(4, Math.floor(n / 3))
    const defaults: string[] = []
    await rate(m, 4, async () => {
      defaults.push((await db.creds('bench-default')).leaseId)
    })
    const defSeq = await rate(Math.floor(m / 2), 1, async (i) => {
      await db.revoke(defaults[i] as string)
    })
    const defPar = await rate(m - Math.floor(m / 2), 4, async (i) => {
      await db.revoke(defaults[Math.floor(m / 2) + i] as string)
    })
    row("engine: revoke (PostgreSQL's default revocation)", defSeq, defPar, [dropSeq, dropPar])
  } finally {
    await vault
      .request({ method: 'DELETE', path: 'sys/mounts/database', token: 'root' })
      .catch(() => undefined)
    await vault.close()
    await pool.query(`SELECT 1`) // the pool is still usable for cleanup
    for (const name of names) await pool.query(`DROP ROLE IF EXISTS "${name}"`).catch(() => undefined)
    await pool.end()
  }
  console.log(`database engine vs raw pg, n=${n} (half one at a time, half 4 at a time)`)
  console.table(rows)
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
