/**
 * Vitest global setup: probes the services some tests need (PostgreSQL, MariaDB, Redis on loopback).
 * A new user without them gets a clear skip message; with `VAULTLET_REQUIRE_SERVICES=1` (CI) a missing
 * service fails the run instead.
 */
import { createConnection } from 'node:net'

export interface Service {
  name: string
  host: string
  port: number
  /** How to start it on the project's machines. */
  start: string
}

export const SERVICES: Service[] = [
  {
    name: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'mysql',
    host: '127.0.0.1',
    port: 3306,
    start: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  },
  {
    name: 'redis',
    host: '127.0.0.1',
    port: 6379,
    start:
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  },
]

/** Resolves true if a TCP connection to host:port opens within `ms`. */
export function reachable(host: string, port: number, ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(ms, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

export default async function setup({
  provide,
}: {
  provide: (key: string, value: unknown) => void
}): Promise<void> {
  const required = process.env.VAULTLET_REQUIRE_SERVICES === '1'
  const up: string[] = []
  const missing: Service[] = []
  for (const s of SERVICES) {
    if (await reachable(s.host, s.port)) up.push(s.name)
    else missing.push(s)
  }
  provide('services', up)
  if (missing.length === 0) return
  const lines = missing.map((s) => `  - ${s.name} at ${s.host}:${s.port} (start it with: ${s.start})`)
  if (required) {
    throw new Error(`VAULTLET_REQUIRE_SERVICES=1 but these services are not reachable:\n${lines.join('\n')}`)
  }
  console.warn(
    `\n[vaultlet] Skipping tests that need these services (not reachable):\n${lines.join('\n')}\n` +
      'Set VAULTLET_REQUIRE_SERVICES=1 to make this an error.\n',
  )
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: string[]
  }
}
