/**
 * `vaultlet server`: Vault's HTTP API on TCP, like `vault server`.
 *
 * - `-dev`: an in-memory vault, initialized with one unseal key, unsealed, root token known, KV version 2
 *   at `secret/` (`-dev-kv-v1` for version 1), listening on `127.0.0.1:8200` — the same printout as
 *   Vault's dev server: address, unseal key, root token and a warning.
 * - `-config=<file>`: storage and listeners from a configuration file (see `config.ts`); the server
 *   starts sealed and is initialized and unsealed over the API (`vault operator init`/`unseal`).
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { type HttpServer, listen } from '../http/node.js'
import { MemoryStorage, Vault } from '../index.node.js'
import { FileStorage } from '../storage/file.js'
import { ConfigError, type ListenerConfig, parseServerConfig, splitAddress } from './config.js'

/** Where the server writes: standard output and standard error, one line per call. */
export interface ServerIo {
  out(line: string): void
  err(line: string): void
}

/** Flags of `vaultlet server`. */
export interface ServerFlags {
  dev: boolean
  devRootTokenId?: string
  devListenAddress: string
  devKvV1: boolean
  configPaths: string[]
}

/** A started server: what it listens on, and how to stop it. */
export interface RunningServer {
  vault: Vault
  servers: HttpServer[]
  /** Stops the listeners (in-flight requests finish) and seals the vault. */
  close(): Promise<void>
}

/** A user-facing startup failure: the message is printed as is, and the command exits 1. */
export class StartupError extends Error {}

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')

function log(io: ServerIo, level: 'INFO' | 'WARN', message: string): void {
  io.out(`${new Date().toISOString()} [${level}]  ${message}`)
}

/** The configuration block printed at start, aligned as Vault aligns it. */
function printConfiguration(io: ServerIo, rows: Array<[string, string]>, version: string): void {
  const all: Array<[string, string]> = [...rows, ['Version', `vaultlet v${version}`]]
  const width = Math.max(...all.map(([k]) => k.length))
  io.out('==> vaultlet server configuration:')
  io.out('')
  for (const [k, v] of all) io.out(`${' '.repeat(width - k.length + 4)}${k}: ${v}`)
  io.out('')
  io.out('==> vaultlet server started! Log data will stream in below:')
  io.out('')
}

/** Listens on one configured listener. */
async function startListener(vault: Vault, listener: ListenerConfig): Promise<HttpServer> {
  const { host, port } = splitAddress(listener.address)
  const tls =
    listener.tlsDisable || !listener.tlsCertFile || !listener.tlsKeyFile
      ? undefined
      : { cert: await readFile(listener.tlsCertFile), key: await readFile(listener.tlsKeyFile) }
  try {
    return await listen(vault, {
      host,
      port,
      ...(tls ? { tls } : {}),
      ...(listener.maxRequestSize !== undefined ? { maxRequestSize: listener.maxRequestSize } : {}),
    })
  } catch (e) {
    throw new StartupError(`Error initializing listener of type tcp: ${(e as Error).message}`)
  }
}

function closer(vault: Vault, servers: HttpServer[]): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => {
    closing ??= (async () => {
      await Promise.all(servers.map((s) => s.close()))
      await vault.close()
    })()
    return closing
  }
}

/** `vaultlet server -dev`. */
async function startDev(flags: ServerFlags, io: ServerIo, version: string): Promise<RunningServer> {
  const vault = await Vault.dev(flags.devRootTokenId ? { rootToken: flags.devRootTokenId } : {})
  const root = vault.rootToken ?? ''
  if (flags.devKvV1) {
    // As `vault server -dev -dev-kv-v1`: KV version 1 at secret/.
    await vault.request({ method: 'DELETE', path: 'sys/mounts/secret', token: root })
    await vault.request({
      method: 'POST',
      path: 'sys/mounts/secret',
      data: { type: 'kv', options: { version: '1' }, description: 'key/value secret storage' },
      token: root,
    })
  }
  let server: HttpServer
  try {
    server = await startListener(vault, { address: flags.devListenAddress, tlsDisable: true })
  } catch (e) {
    await vault.close()
    throw e
  }
  printConfiguration(
    io,
    [
      ['Api Address', server.url],
      ['Listener 1', `tcp (addr: "${flags.devListenAddress}", tls: "disabled")`],
      ['Storage', 'inmem'],
    ],
    version,
  )
  log(io, 'INFO', 'core: vault is unsealed')
  // One write, so that a reader of the output never sees half of it.
  io.out(
    [
      '',
      'WARNING! dev mode is enabled! In this mode vaultlet keeps everything in memory and starts',
      'unsealed with a single unseal key. The root token is printed below, so you can start',
      'using the server right away.',
      '',
      'You may need to set the following environment variables:',
      '',
      `    $ export VAULT_ADDR='${server.url}'`,
      '',
      'The unseal key and root token are shown below in case you want to seal/unseal the vault',
      'or authenticate again.',
      '',
      `Unseal Key: ${hexToBase64(vault.unsealKey ?? '')}`,
      `Root Token: ${root}`,
      '',
      'Development mode should NOT be used in production installations!',
      '',
    ].join('\n'),
  )
  return { vault, servers: [server], close: closer(vault, [server]) }
}

/** `vaultlet server -config=…`. */
async function startFromConfig(flags: ServerFlags, io: ServerIo, version: string): Promise<RunningServer> {
  const path = flags.configPaths[flags.configPaths.length - 1] ?? ''
  if (flags.configPaths.length > 1) io.err('vaultlet reads one configuration file: using the last -config')
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new StartupError(`Error loading configuration from ${path}: ${(e as Error).message}`)
  }
  let config: ReturnType<typeof parseServerConfig>
  try {
    config = parseServerConfig(text)
  } catch (e) {
    if (e instanceof ConfigError)
      throw new StartupError(`Error loading configuration from ${path}: ${e.message}`)
    throw e
  }
  for (const w of config.warnings) io.err(`WARNING! ${w}`)
  const storage = config.storage.type === 'file' ? new FileStorage(config.storage.path) : new MemoryStorage()
  const vault = new Vault({
    storage,
    ...(config.defaultLeaseTtl !== undefined ? { defaultLeaseTtl: config.defaultLeaseTtl } : {}),
    ...(config.maxLeaseTtl !== undefined ? { maxLeaseTtl: config.maxLeaseTtl } : {}),
  })
  const servers: HttpServer[] = []
  try {
    for (const listener of config.listeners) servers.push(await startListener(vault, listener))
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()))
    await vault.close()
    throw e
  }
  printConfiguration(
    io,
    [
      ...config.listeners.map((l, i): [string, string] => [
        `Listener ${i + 1}`,
        `tcp (addr: "${l.address}", tls: "${l.tlsDisable ? 'disabled' : 'enabled'}")`,
      ]),
      ['Storage', config.storage.type],
    ],
    version,
  )
  vault.on('unsealed', () => log(io, 'INFO', 'core: vault is unsealed'))
  vault.on('sealed', () => log(io, 'INFO', 'core: vault is sealed'))
  vault.on('initialized', () => log(io, 'INFO', 'core: security barrier initialized'))
  const status = await vault.status()
  log(
    io,
    'INFO',
    status.initialized
      ? 'core: vault is sealed: unseal it with `vault operator unseal` (PUT /v1/sys/unseal)'
      : 'core: security barrier not initialized: run `vault operator init` (PUT /v1/sys/init)',
  )
  return { vault, servers, close: closer(vault, servers) }
}

/**
 * Starts the server `flags` describe and prints what Vault prints at startup.
 *
 * @throws {StartupError} for configuration and listener problems (printed as is by the CLI).
 */
export async function startServer(flags: ServerFlags, io: ServerIo, version: string): Promise<RunningServer> {
  if (flags.dev && flags.configPaths.length > 0) {
    throw new StartupError('vaultlet: -dev and -config cannot be combined')
  }
  if (flags.dev) return startDev(flags, io, version)
  if (flags.configPaths.length === 0) {
    throw new StartupError('At least one config path must be specified with -config (or use -dev)')
  }
  return startFromConfig(flags, io, version)
}
