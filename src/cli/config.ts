/**
 * The server configuration file of `vaultlet server -config=…`: the subset of Vault's server
 * configuration that an embedded core needs, in HCL or JSON, as Vault reads it:
 *
 * ```hcl
 * storage "file" { path = "/var/lib/vaultlet" }   # or storage "inmem" {}   (`backend` is an alias)
 * listener "tcp" {
 *   address       = "127.0.0.1:8200"
 *   tls_disable   = true                          # else tls_cert_file and tls_key_file
 *   tls_cert_file = "/etc/vaultlet/cert.pem"
 *   tls_key_file  = "/etc/vaultlet/key.pem"
 *   max_request_size = 33554432
 * }
 * default_lease_ttl = "768h"
 * max_lease_ttl     = "768h"
 * ```
 *
 * Keys Vault knows but an embedded server has no use for (`ui`, `api_addr`, `cluster_addr`,
 * `disable_mlock`, `log_level`…) are accepted and ignored; unknown keys are reported as warnings.
 *
 * @module
 */

import { parseHcl } from '../policy/hcl.js'
import { type HclObject, toPlain } from '../policy/hcl-ast.js'

/** A `listener "tcp"` block. */
export interface ListenerConfig {
  address: string
  tlsDisable: boolean
  tlsCertFile?: string
  tlsKeyFile?: string
  maxRequestSize?: number
}

/** A parsed server configuration. */
export interface ServerConfig {
  storage: { type: 'inmem' } | { type: 'file'; path: string }
  listeners: ListenerConfig[]
  defaultLeaseTtl?: string | number
  maxLeaseTtl?: string | number
  /** Things worth telling the operator (unknown keys). */
  warnings: string[]
}

/** A configuration that cannot be used; the message says why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** Top-level keys of Vault's server configuration that vaultlet accepts and does not use. */
const IGNORED = new Set([
  'ui',
  'api_addr',
  'cluster_addr',
  'cluster_name',
  'disable_mlock',
  'disable_cache',
  'log_level',
  'log_format',
  'log_file',
  'pid_file',
  'plugin_directory',
  'telemetry',
  'seal',
  'ha_storage',
  'ha_backend',
  'disable_clustering',
  'raw_storage_endpoint',
  'introspection_endpoint',
  'enable_response_header_hostname',
  'enable_response_header_raft_node_id',
])

const LISTENER_KEYS = new Set([
  'address',
  'tls_disable',
  'tls_cert_file',
  'tls_key_file',
  'max_request_size',
  'cluster_address',
  'tls_min_version',
  'http_read_header_timeout',
  'http_read_timeout',
  'http_idle_timeout',
  'proxy_protocol_behavior',
  'x_forwarded_for_authorized_addrs',
])

/** Vault's boolean fields accept `true`, `1`, `"true"`, `"1"` (HCL weak decoding). */
function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') return ['1', 't', 'true', 'T', 'TRUE', 'True'].includes(v)
  return false
}

function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ConfigError(`${what} must be a block`)
  return v as Record<string, unknown>
}

/**
 * Parses a configuration file's text (HCL, or JSON when it starts with `{`).
 *
 * @throws {ConfigError} on syntax errors, a missing or unsupported storage, or a bad listener.
 * @example
 * ```ts
 * parseServerConfig('storage "inmem" {}\nlistener "tcp" { address = "127.0.0.1:8200" tls_disable = 1 }')
 * ```
 */
export function parseServerConfig(text: string): ServerConfig {
  let root: HclObject
  try {
    root = parseHcl(text)
  } catch (e) {
    throw new ConfigError((e as Error).message)
  }
  const warnings: string[] = []
  let storage: ServerConfig['storage'] | undefined
  const listeners: ListenerConfig[] = []
  const config: Omit<ServerConfig, 'storage' | 'listeners' | 'warnings'> = {}
  for (const item of root.items) {
    const [key, label] = item.keys.map((k) => k.value)
    switch (key) {
      case 'storage':
      case 'backend': {
        if (storage) throw new ConfigError('only one storage block is permitted')
        const body = asRecord(toPlain(item.value), `${key} "${label ?? ''}"`)
        if (label === 'inmem') storage = { type: 'inmem' }
        else if (label === 'file') {
          if (typeof body.path !== 'string' || body.path === '') {
            throw new ConfigError("'path' must be set for the file storage")
          }
          storage = { type: 'file', path: body.path }
        } else
          throw new ConfigError(
            `unknown storage type ${JSON.stringify(label ?? '')} (vaultlet supports "file" and "inmem")`,
          )
        break
      }
      case 'listener': {
        if (label !== 'tcp')
          throw new ConfigError(`unknown listener type ${JSON.stringify(label ?? '')} (only "tcp")`)
        const body = asRecord(toPlain(item.value), 'listener "tcp"')
        for (const k of Object.keys(body)) {
          if (!LISTENER_KEYS.has(k)) warnings.push(`unknown listener key ${JSON.stringify(k)} ignored`)
        }
        const listener: ListenerConfig = {
          address: typeof body.address === 'string' && body.address !== '' ? body.address : '127.0.0.1:8200',
          tlsDisable: truthy(body.tls_disable),
        }
        if (typeof body.tls_cert_file === 'string') listener.tlsCertFile = body.tls_cert_file
        if (typeof body.tls_key_file === 'string') listener.tlsKeyFile = body.tls_key_file
        if (body.max_request_size !== undefined) listener.maxRequestSize = Number(body.max_request_size)
        if (!listener.tlsDisable && (!listener.tlsCertFile || !listener.tlsKeyFile)) {
          throw new ConfigError(
            'listener "tcp": tls_cert_file and tls_key_file must be set unless tls_disable is true',
          )
        }
        listeners.push(listener)
        break
      }
      case 'default_lease_ttl':
      case 'max_lease_ttl': {
        const v = toPlain(item.value)
        if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(`${key} must be a duration`)
        if (key === 'default_lease_ttl') config.defaultLeaseTtl = v
        else config.maxLeaseTtl = v
        break
      }
      default:
        if (!IGNORED.has(key ?? '')) warnings.push(`unknown configuration key ${JSON.stringify(key)} ignored`)
    }
  }
  if (!storage) throw new ConfigError('A storage backend must be specified')
  if (listeners.length === 0) throw new ConfigError('at least one listener "tcp" block is required')
  return { storage, listeners, ...config, warnings }
}

/**
 * Splits a listen address as Vault writes it (`127.0.0.1:8200`, `[::1]:8200`, `:8200`).
 *
 * @throws {ConfigError} without a valid port.
 */
export function splitAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d{1,5})$/.exec(address)
  const port = Number(m?.[3])
  if (!m || !(port >= 0 && port <= 65535))
    throw new ConfigError(`invalid listen address ${JSON.stringify(address)}`)
  const host = m[1] ?? m[2] ?? ''
  // An empty host listens on every interface, as Go's net.Listen does.
  return { host: host === '' ? '0.0.0.0' : host, port }
}
