/**
 * Shared setup for the KV engine tests: a dev vault with the `kv` type registered (unless the vault
 * already registers it), mounts, requests as the root token or a policy token, and a plain storage
 * with a request builder for driving a backend directly.
 */
import type { BackendConfig, LogicalRequest, Operation } from '../../../src/core/logical.js'
import type { RawResponse, RequestMethod, VaultResponse } from '../../../src/core/request.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { createKvBackend } from '../../../src/engines/kv/index.js'
import { type Clock, Vault } from '../../../src/index.node.js'
import { type Storage, StorageView } from '../../../src/storage/view.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'

/** Registers `kv` (if the vault does not already) and returns the vault, with root token `root`. */
export async function kvVault(options: { clock?: Clock } = {}): Promise<Vault> {
  const vault = await Vault.dev({ rootToken: 'root', ...options })
  if (!vault.engines.get('secret', 'kv')) {
    vault.engines.register({ type: 'kv', kind: 'secret', factory: createKvBackend })
  }
  return vault
}

/** `POST sys/mounts/<path>` with `options.version` (`null`: no options at all). */
export async function mountKv(vault: Vault, path: string, version: '1' | '2' | null): Promise<void> {
  // Vault.dev() mounts KV v2 at secret/ already; a test that wants its own mount there replaces it.
  const mounts = await vault.request({ method: 'GET', path: 'sys/mounts', token: 'root' })
  if (mounts.data?.[`${path}/`])
    await vault.request({ method: 'DELETE', path: `sys/mounts/${path}`, token: 'root' })
  const data = version === null ? { type: 'kv' } : { type: 'kv', options: { version } }
  await vault.request({ method: 'POST', path: `sys/mounts/${path}`, data, token: 'root' })
}

/** A dev vault with KV v2 at `secret/` (as `Vault.dev()` will mount it). */
export async function kvV2(options: { clock?: Clock } = {}): Promise<Vault> {
  const vault = await kvVault(options)
  await mountKv(vault, 'secret', '2')
  return vault
}

/** `vault.request` with the root token (or `token`). */
export function call(
  vault: Vault,
  method: RequestMethod,
  path: string,
  data?: Record<string, unknown>,
  token = 'root',
): Promise<VaultResponse> {
  return vault.request({ method, path, ...(data ? { data } : {}), token })
}

/** `vault.handle` (status + body, never throws) with the root token (or `token`). */
export function raw(
  vault: Vault,
  method: RequestMethod,
  path: string,
  data?: Record<string, unknown>,
  token = 'root',
): Promise<RawResponse> {
  return vault.handle({ method, path, ...(data ? { data } : {}), token })
}

/** An error body as Vault writes it. */
export function errorBody(status: number, ...errors: string[]): RawResponse {
  return { status, body: { errors } }
}

/** Writes an ACL policy and returns a token holding only it (plus nothing else: no default policy). */
export async function policyToken(vault: Vault, name: string, policy: string): Promise<string> {
  await call(vault, 'PUT', `sys/policies/acl/${name}`, { policy })
  const res = await call(vault, 'POST', 'auth/token/create', { policies: [name], no_default_policy: true })
  return res.auth!.client_token
}

/** Every key of the storage adapter below `prefix`. */
export async function adapterKeys(vault: Vault, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const k of await vault.storage.list(prefix)) {
    if (k.endsWith('/')) out.push(...(await adapterKeys(vault, prefix + k)))
    else out.push(prefix + k)
  }
  return out
}

/** A `Map` of key → bytes with one-level `list`, like every storage adapter (plaintext). */
export class MapStorage implements Storage {
  readonly map = new Map<string, Uint8Array>()
  async get(key: string): Promise<Uint8Array | null> {
    const v = this.map.get(key)
    return v ? new Uint8Array(v) : null
  }
  async put(key: string, value: Uint8Array): Promise<void> {
    this.map.set(key, new Uint8Array(value))
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key)
  }
  async list(prefix: string): Promise<string[]> {
    const out = new Set<string>()
    for (const key of this.map.keys()) {
      if (!key.startsWith(prefix)) continue
      const rest = key.slice(prefix.length)
      const slash = rest.indexOf('/')
      out.add(slash >= 0 ? rest.slice(0, slash + 1) : rest)
    }
    return [...out].sort()
  }
}

/** A backend config over a plain storage view, as the mount service would build it. */
export function backendConfig(
  options: Record<string, string>,
  storage = new StorageView(new MapStorage(), 'logical/mount-uuid/'),
  clock: Clock = new ManualClock(),
): BackendConfig {
  return {
    storage,
    system: {
      clock,
      crypto: nodeCrypto,
      defaultLeaseTtl: () => 768 * 3600,
      maxLeaseTtl: () => 768 * 3600,
    },
    mountPath: 'kv/',
    type: 'kv',
    uuid: 'mount-uuid',
    accessor: 'kv_12345678',
    options,
  }
}

/** A logical request as the pipeline hands it to a backend. */
export function logical(
  config: BackendConfig,
  operation: Operation,
  path: string,
  data: Record<string, unknown> = {},
): LogicalRequest {
  return {
    id: 'req',
    operation,
    path,
    mountPoint: config.mountPath,
    mountType: 'kv',
    mountAccessor: config.accessor,
    data,
    storage: config.storage,
    clientToken: 'root',
    clientTokenAccessor: '',
    displayName: 'root',
    policies: ['root'],
    headers: {},
  }
}
