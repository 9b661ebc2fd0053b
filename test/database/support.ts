/**
 * Helpers for the tests that need real database servers: service gating (skip with a clear message, or
 * fail under `VAULTLET_REQUIRE_SERVICES=1`), login probes, and a private PostgreSQL cluster with
 * `scram-sha-256` authentication started from the server binaries.
 *
 * The machine's PostgreSQL trusts loopback connections, so it accepts any password; only a cluster of
 * our own proves that an issued password is required and a wrong one refused.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { inject } from 'vitest'

export const REQUIRED = process.env.VAULTLET_REQUIRE_SERVICES === '1'

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' }
export const MY = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' }

/**
 * Why tests needing `service` must be skipped, or `false` when it is reachable. The global setup has
 * already failed the run when it is required and missing.
 */
export function serviceMissing(service: 'postgres' | 'mysql'): string | false {
  const up = inject('services') ?? []
  if (up.includes(service)) return false
  const reason = `[vaultlet] ${service} is not reachable on 127.0.0.1: skipping its database tests`
  if (REQUIRED) throw new Error(`VAULTLET_REQUIRE_SERVICES=1 but ${reason}`)
  console.warn(reason)
  return reason
}

/** A short random suffix for names that must not collide between test files running in parallel. */
export function uniq(prefix = 'vl'): string {
  return `${prefix}_${Math.random().toString(36).slice(2, 10)}`
}

/** Can `user`/`password` log in to PostgreSQL at host:port and run a SELECT? */
export async function pgCanLogin(
  user: string,
  password: string,
  at: { host: string; port: number; database: string } = PG,
): Promise<boolean> {
  const client = new pg.Client({ ...at, user, password, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Runs SQL as the PostgreSQL superuser (or `as`). */
export async function pgAdmin<T = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
  as: { host: string; port: number; database: string; user: string; password?: string } = PG,
): Promise<T[]> {
  const client = new pg.Client({ ...as, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows as T[]
  } finally {
    await client.end()
  }
}

export async function pgRoleExists(name: string, as?: Parameters<typeof pgAdmin>[2]): Promise<boolean> {
  const rows = await pgAdmin<{ n: string }>(
    'SELECT count(*)::text AS n FROM pg_roles WHERE rolname = $1',
    [name],
    as,
  )
  return rows[0]?.n === '1'
}

/** Can `user`/`password` log in to MariaDB over TCP and run a SELECT? */
export async function myCanLogin(user: string, password: string): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({
      host: MY.host,
      port: MY.port,
      user,
      password,
      connectTimeout: 5000,
    })
    try {
      await conn.query('SELECT 1')
      return true
    } finally {
      await conn.end()
    }
  } catch {
    return false
  }
}

/** Runs SQL as MariaDB's root. */
export async function myAdmin<T = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const conn = await mysql.createConnection({ ...MY, connectTimeout: 5000 })
  try {
    const [rows] = await conn.query(sql, params)
    return (Array.isArray(rows) ? rows : []) as T[]
  } finally {
    await conn.end()
  }
}

export async function myUserExists(name: string): Promise<boolean> {
  const rows = await myAdmin<{ n: number }>('SELECT COUNT(*) AS n FROM mysql.user WHERE user = ?', [name])
  return Number(rows[0]?.n ?? 0) > 0
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0))
    })
  })
}

function findBinary(name: string): string | null {
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  const found = which.stdout.trim()
  if (which.status === 0 && found) return found
  const base = '/usr/lib/postgresql'
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort().reverse()) {
      const p = join(base, v, 'bin', name)
      if (existsSync(p)) return p
    }
  }
  return null
}

/** Why a private cluster cannot be started here, or `false` when it can. */
export function privateClusterMissing(): string | false {
  const missing = ['initdb', 'pg_ctl'].filter((b) => findBinary(b) === null)
  let reason: string | false = false
  if (missing.length > 0) reason = `PostgreSQL server binaries not found (${missing.join(', ')})`
  else if (process.getuid?.() === 0) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
    if (id.status !== 0) reason = 'running as root and there is no "postgres" OS user to run initdb as'
    else if (findBinary('runuser') === null && findBinary('su') === null)
      reason = 'neither runuser nor su found'
  }
  if (reason === false) return false
  const message = `[vaultlet] cannot start a private PostgreSQL cluster: ${reason}; skipping the password-enforcement tests`
  if (REQUIRED) throw new Error(`VAULTLET_REQUIRE_SERVICES=1 but ${message}`)
  console.warn(message)
  return message
}

/** A throwaway PostgreSQL cluster with `scram-sha-256` auth. */
export interface PrivateCluster {
  host: string
  port: number
  database: string
  /** The bootstrap superuser and its password. */
  user: string
  password: string
  dir: string
  start(): void
  stop(): void
  /** Stops the server and removes its files. */
  destroy(): void
}

/**
 * Starts a private cluster: `initdb --auth=scram-sha-256 --pwfile=…` into a temp dir owned by the
 * `postgres` OS user (initdb refuses to run as root), then `pg_ctl start` on a free port with its socket
 * in the temp dir, listening on 127.0.0.1 only.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const initdb = findBinary('initdb') as string
  const pgCtl = findBinary('pg_ctl') as string
  const root = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'vaultlet-pg-'))
  const password = `pw-${Math.random().toString(36).slice(2)}`
  const user = 'vaultlet_super'
  const pwfile = join(dir, 'pwfile')
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 })
  const asPostgres = (cmd: string, args: string[]) => {
    if (!root) return execFileSync(cmd, args, { stdio: 'pipe' })
    if (findBinary('runuser'))
      return execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
    const quoted = [cmd, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
    return execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { stdio: 'pipe' })
  }
  if (root) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    chownSync(dir, uid, gid)
    chownSync(pwfile, uid, gid)
  }
  chmodSync(dir, 0o700)
  const data = join(dir, 'data')
  asPostgres(initdb, [
    '-D',
    data,
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-U',
    user,
    '--no-sync',
    '-E',
    'UTF8',
  ])
  const port = await freePort()
  const cluster: PrivateCluster = {
    host: '127.0.0.1',
    port,
    database: 'postgres',
    user,
    password,
    dir,
    start() {
      asPostgres(pgCtl, [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        'start',
      ])
    },
    stop() {
      try {
        asPostgres(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'])
      } catch {
        // already stopped
      }
    },
    destroy() {
      cluster.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    cluster.start()
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
  return cluster
}
