// The server configuration file (Vault's HCL/JSON server config subset) and the `server` flags (Go's
// flag package conventions, Vault's VAULT_DEV_* environment variables), without spawning anything.
import { describe, expect, it } from 'vitest'
import { ConfigError, parseServerConfig, splitAddress } from '../../src/cli/config.js'
import { parseServerFlags } from '../../src/cli/main.js'

describe('parseServerConfig', () => {
  it('reads storage, listeners and lease TTLs from HCL', () => {
    const config = parseServerConfig(`
      storage "file" { path = "/var/lib/vaultlet" }
      listener "tcp" {
        address     = "0.0.0.0:8200"
        tls_disable = "true"
        max_request_size = 1048576
      }
      listener "tcp" {
        address       = "127.0.0.1:8300"
        tls_cert_file = "/c.pem"
        tls_key_file  = "/k.pem"
      }
      default_lease_ttl = "1h"
      max_lease_ttl     = 86400
      ui = true
      api_addr = "http://127.0.0.1:8200"
    `)
    expect(config).toEqual({
      storage: { type: 'file', path: '/var/lib/vaultlet' },
      listeners: [
        { address: '0.0.0.0:8200', tlsDisable: true, maxRequestSize: 1048576 },
        { address: '127.0.0.1:8300', tlsDisable: false, tlsCertFile: '/c.pem', tlsKeyFile: '/k.pem' },
      ],
      defaultLeaseTtl: '1h',
      maxLeaseTtl: 86400,
      warnings: [],
    })
  })

  it('reads the JSON form and the legacy `backend` name, and warns about unknown keys', () => {
    const config = parseServerConfig(
      JSON.stringify({ backend: { inmem: {} }, listener: { tcp: { tls_disable: 1, nope: 1 } }, surprise: 1 }),
    )
    expect(config.storage).toEqual({ type: 'inmem' })
    expect(config.listeners).toEqual([{ address: '127.0.0.1:8200', tlsDisable: true }])
    expect(config.warnings).toEqual([
      'unknown listener key "nope" ignored',
      'unknown configuration key "surprise" ignored',
    ])
  })

  it.each([
    ['storage "file" {}\nlistener "tcp" { tls_disable = 1 }', "'path' must be set for the file storage"],
    [
      'storage "inmem" {}\nstorage "inmem" {}\nlistener "tcp" { tls_disable = 1 }',
      'only one storage block is permitted',
    ],
    ['storage "inmem" {}\nlistener "unix" {}', 'unknown listener type "unix" (only "tcp")'],
    [
      'storage "inmem" {}\nlistener "tcp" { tls_disable = 1 }\nmax_lease_ttl = []',
      'max_lease_ttl must be a duration',
    ],
  ])('refuses %j', (text, message) => {
    expect(() => parseServerConfig(text)).toThrow(new ConfigError(message))
  })

  it('splits listen addresses as Go does', () => {
    expect(splitAddress('127.0.0.1:8200')).toEqual({ host: '127.0.0.1', port: 8200 })
    expect(splitAddress('[::1]:8201')).toEqual({ host: '::1', port: 8201 })
    expect(splitAddress(':8200')).toEqual({ host: '0.0.0.0', port: 8200 })
    expect(() => splitAddress('localhost')).toThrow('invalid listen address "localhost"')
    expect(() => splitAddress('h:99999')).toThrow(ConfigError)
  })
})

describe('parseServerFlags', () => {
  it('reads -flag, --flag, -flag=value and -flag value; booleans take no value', () => {
    expect(
      parseServerFlags(
        ['-dev', '--dev-root-token-id', 'r', '-dev-listen-address=0.0.0.0:1', '-dev-kv-v1=true'],
        {},
      ),
    ).toEqual({
      dev: true,
      devRootTokenId: 'r',
      devListenAddress: '0.0.0.0:1',
      devKvV1: true,
      configPaths: [],
    })
    expect(parseServerFlags(['-config', 'a.hcl', '-config=b.hcl', '-dev=false'], {})).toMatchObject({
      dev: false,
      configPaths: ['a.hcl', 'b.hcl'],
    })
  })

  it('takes defaults from VAULT_DEV_ROOT_TOKEN_ID and VAULT_DEV_LISTEN_ADDRESS; flags win', () => {
    const env = { VAULT_DEV_ROOT_TOKEN_ID: 'env', VAULT_DEV_LISTEN_ADDRESS: '127.0.0.1:9999' }
    expect(parseServerFlags(['-dev'], env)).toMatchObject({
      devRootTokenId: 'env',
      devListenAddress: '127.0.0.1:9999',
    })
    expect(parseServerFlags(['-dev', '-dev-root-token-id=flag'], env).devRootTokenId).toBe('flag')
  })

  it('refuses unknown flags, missing values and bad booleans; ignores Vault flags it has no use for', () => {
    expect(() => parseServerFlags(['-nope'], {})).toThrow('flag provided but not defined: -nope')
    expect(() => parseServerFlags(['-config'], {})).toThrow('flag needs an argument: -config')
    expect(() => parseServerFlags(['-dev=maybe'], {})).toThrow('invalid boolean value "maybe" for -dev')
    expect(parseServerFlags(['-dev', '-log-level=debug', '-dev-no-store-token'], {}).dev).toBe(true)
  })
})
