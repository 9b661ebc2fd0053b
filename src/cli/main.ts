/**
 * The `vaultlet` command: `vaultlet server -dev`, `vaultlet server -config=<file>`, `vaultlet version`.
 * Flags follow Go's `flag` package as the Vault CLI uses it: `-name`, `--name`, `-name=value`,
 * `-name value`; boolean flags take no value (`-dev`, `-dev=false`).
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { type ServerFlags, type ServerIo, StartupError, startServer } from './server.js'

const USAGE = `Usage: vaultlet <command> [args]

Commands:
    server     Start a server (Vault's HTTP API): -dev, or -config=<file>
    version    Print the version

Usage: vaultlet server [options]

  Starts a server answering Vault's HTTP API. With -dev, an in-memory server that is
  already initialized and unsealed; with -config, storage and listeners from a file
  (HCL or JSON), starting sealed.

  -config=<path>              Path to a configuration file.
  -dev                        Enable development mode (in memory, unsealed, root token known).
  -dev-root-token-id=<id>     The root token's ID in dev mode (env VAULT_DEV_ROOT_TOKEN_ID).
  -dev-listen-address=<addr>  Address to listen on in dev mode, default 127.0.0.1:8200
                              (env VAULT_DEV_LISTEN_ADDRESS).
  -dev-kv-v1                  Mount KV version 1 at secret/ instead of version 2.
`

/** Where the command writes, and how it learns of signals (tests pass their own). */
export interface CliEnv extends ServerIo {
  env: Record<string, string | undefined>
  /** Resolves when the process is told to stop (SIGINT/SIGTERM). */
  stopSignal(): Promise<string>
}

function packageVersion(): string {
  try {
    // ../../package.json from both src/cli/main.ts and dist/cli/main.js.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string
    }
    return pkg.version ?? '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** A usage error: printed with the usage text, exit 1. */
class UsageError extends Error {}

const BOOLEAN_FLAGS = new Set(['dev', 'dev-kv-v1'])
const STRING_FLAGS = new Set(['config', 'dev-root-token-id', 'dev-listen-address'])
/** Flags Vault's server command has that vaultlet accepts and ignores. */
const IGNORED_BOOLEAN = new Set(['dev-no-store-token', 'recovery', 'exit-on-core-shutdown'])
const IGNORED_STRING = new Set(['log-level', 'log-format'])

/** Parses `server` flags the way Go's `flag` package does. */
export function parseServerFlags(args: string[], env: Record<string, string | undefined>): ServerFlags {
  const flags: ServerFlags = {
    dev: false,
    devListenAddress: env.VAULT_DEV_LISTEN_ADDRESS || '127.0.0.1:8200',
    devKvV1: false,
    configPaths: [],
  }
  if (env.VAULT_DEV_ROOT_TOKEN_ID) flags.devRootTokenId = env.VAULT_DEV_ROOT_TOKEN_ID
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') break
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg)
    if (!m) throw new UsageError(`unexpected argument: ${arg}`)
    const name = m[1] as string
    let value = m[2]
    if (BOOLEAN_FLAGS.has(name) || IGNORED_BOOLEAN.has(name)) {
      const on = value === undefined || ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)
      if (value !== undefined && !on && !['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) {
        throw new UsageError(`invalid boolean value ${JSON.stringify(value)} for -${name}`)
      }
      if (name === 'dev') flags.dev = on
      else if (name === 'dev-kv-v1') flags.devKvV1 = on
      continue
    }
    if (!STRING_FLAGS.has(name) && !IGNORED_STRING.has(name)) {
      throw new UsageError(`flag provided but not defined: -${name}`)
    }
    if (value === undefined) {
      value = args[++i]
      if (value === undefined) throw new UsageError(`flag needs an argument: -${name}`)
    }
    if (name === 'config') flags.configPaths.push(value)
    else if (name === 'dev-root-token-id') flags.devRootTokenId = value
    else if (name === 'dev-listen-address') flags.devListenAddress = value
  }
  return flags
}

/** The process's own environment: stdout/stderr and SIGINT/SIGTERM. */
export function processEnv(): CliEnv {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    stopSignal: () =>
      new Promise((resolve) => {
        const on = (signal: string) => {
          process.off('SIGINT', on)
          process.off('SIGTERM', on)
          // A second signal while shutting down stops at once.
          const force = () => process.exit(1)
          process.once('SIGINT', force)
          process.once('SIGTERM', force)
          resolve(signal)
        }
        process.on('SIGINT', on)
        process.on('SIGTERM', on)
      }),
  }
}

/**
 * Runs the command line `argv` (without `node` and the script). Resolves with the exit code; a
 * server runs until `stopSignal()` resolves, then shuts down gracefully.
 *
 * @example
 * ```ts
 * process.exitCode = await run(['server', '-dev', '-dev-root-token-id=root'], processEnv())
 * ```
 */
export async function run(argv: string[], cli: CliEnv = processEnv()): Promise<number> {
  const [command, ...rest] = argv
  const version = packageVersion()
  try {
    switch (command) {
      case 'server': {
        const flags = parseServerFlags(rest, cli.env)
        const stop = cli.stopSignal()
        const running = await startServer(flags, cli, version)
        // Log rotation, as Vault: SIGHUP reopens the audit files.
        const reopen = () => void running.vault.audit.reopen().catch(() => undefined)
        if (cli.env === process.env) process.on('SIGHUP', reopen)
        const signal = await stop
        process.off('SIGHUP', reopen)
        cli.out(`==> vaultlet shutdown triggered (${signal})`)
        await running.close()
        return 0
      }
      case 'version':
      case '-version':
      case '--version':
      case '-v':
        cli.out(`vaultlet v${version}`)
        return 0
      case undefined:
      case 'help':
      case '-h':
      case '-help':
      case '--help':
        cli.out(USAGE)
        return command === undefined ? 127 : 0
      default:
        throw new UsageError(`unknown command: ${command}`)
    }
  } catch (e) {
    if (e instanceof UsageError) {
      cli.err(e.message)
      cli.err('')
      cli.err(USAGE)
      return 1
    }
    if (e instanceof StartupError) {
      cli.err(e.message)
      return 1
    }
    throw e
  }
}
