/**
 * `startTestVault()`: a real Vault HTTP API for test suites — in memory, on an ephemeral loopback
 * port, one isolated vault per call — for code that talks to Vault over HTTP (node-vault, the Vault
 * CLI, any client). It does not import a test framework, so it works from vitest, jest, `node:test`
 * or a plain script (`vaultlet/testing/server`).
 *
 * @module
 */
import type { Clock } from '../clock.js'
import { type HttpServer, listen } from '../http/node.js'
import { Vault } from '../index.node.js'
import { ManualClock } from './manual-clock.js'

/** A mount to create before the test starts: an engine type, or the body of `sys/mounts/:path`. */
export type TestMount =
  | string
  | {
      type: string
      description?: string
      /** Engine options, e.g. `{ version: '1' }` for KV version 1. */
      options?: Record<string, string>
      /** Mount tuning (`default_lease_ttl`, `max_lease_ttl`…). */
      config?: Record<string, unknown>
    }

/** Options of {@link startTestVault}. */
export interface TestVaultOptions {
  /** The root token's ID. Default `'root'`. */
  rootToken?: string
  /**
   * Mounts to create, by path: `{ 'transit/': 'transit', 'kv1/': { type: 'kv', options: { version: '1' } } }`.
   * A path starting with `auth/` enables an auth method (`sys/auth/…`). KV version 2 is always at
   * `secret/`, as with `vault server -dev`.
   */
  mounts?: Record<string, TestMount>
  /**
   * The vault's clock: `'manual'` for a {@link ManualClock} the test advances (`await t.clock.advance('1h')`),
   * or any {@link Clock}. Default: the wall clock.
   */
  clock?: 'manual' | Clock
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string
  /** Port. Default `0` (a free one). */
  port?: number
}

/** A running test vault. */
export interface TestVault<C extends Clock = Clock> {
  /** Base URL for clients (`VAULT_ADDR`), e.g. `http://127.0.0.1:41873`. */
  url: string
  /** The root token (`VAULT_TOKEN`). */
  token: string
  /** The vault itself, for setup and assertions in-process (same state as over HTTP). */
  vault: Vault
  /** The vault's clock (a {@link ManualClock} with `clock: 'manual'`). */
  clock: C
  /** The listener. */
  server: HttpServer
  /** `{ VAULT_ADDR, VAULT_TOKEN }`, for child processes and clients that read the environment. */
  env: { VAULT_ADDR: string; VAULT_TOKEN: string }
  /** Stops the listener and seals the vault. */
  close(): Promise<void>
}

/**
 * Starts an in-memory dev vault behind Vault's HTTP API on a free loopback port.
 *
 * @example
 * ```ts
 * import { startTestVault } from 'vaultlet/testing/server'
 * import nodeVault from 'node-vault'
 *
 * const t = await startTestVault({ mounts: { 'transit/': 'transit' }, clock: 'manual' })
 * const client = nodeVault({ endpoint: t.url, token: t.token })
 * await client.write('secret/data/app', { data: { password: 'p' } })
 * await t.clock.advance('1h') // leases and tokens due within the hour expire
 * await t.close()
 * ```
 * @example
 * ```ts
 * // vitest globalSetup: one vault for the whole run
 * export default async function ({ provide }) {
 *   const t = await startTestVault()
 *   provide('vault', { url: t.url, token: t.token })
 *   return () => t.close()
 * }
 * ```
 * @throws {VaultError} if a mount in `mounts` cannot be created (unknown engine type, bad options).
 */
export async function startTestVault(
  options: TestVaultOptions & { clock: 'manual' | ManualClock },
): Promise<TestVault<ManualClock>>
export async function startTestVault(options?: TestVaultOptions): Promise<TestVault>
export async function startTestVault(options: TestVaultOptions = {}): Promise<TestVault> {
  const clock =
    options.clock === 'manual' ? new ManualClock(Math.floor(Date.now() / 1000) * 1000) : options.clock
  const token = options.rootToken ?? 'root'
  const vault = await Vault.dev({ rootToken: token, ...(clock ? { clock } : {}) })
  for (const [rawPath, mount] of Object.entries(options.mounts ?? {})) {
    const body = typeof mount === 'string' ? { type: mount } : mount
    const path = rawPath.replace(/^\/+|\/+$/g, '')
    const target = path.startsWith('auth/') ? `sys/auth/${path.slice('auth/'.length)}` : `sys/mounts/${path}`
    await vault.request({ method: 'POST', path: target, data: { ...body }, token })
  }
  let server: HttpServer
  try {
    server = await listen(vault, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 })
  } catch (e) {
    await vault.close()
    throw e
  }
  let closed: Promise<void> | undefined
  return {
    url: server.url,
    token,
    vault,
    clock: vault.clock,
    server,
    env: { VAULT_ADDR: server.url, VAULT_TOKEN: token },
    close() {
      closed ??= (async () => {
        await server.close()
        await vault.close()
      })()
      return closed
    },
  }
}
