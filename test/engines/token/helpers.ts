/**
 * A token store and `auth/token/` backend over plain (unencrypted) in-memory storage, a manual clock and
 * `node:crypto`, plus a request builder: tests call the backend's `handleRequest` as the pipeline would,
 * and can scan every stored byte.
 */
import type { LogicalRequest, LogicalResponse, Operation } from '../../../src/core/logical.js'
import { type TokenEntry, TokenStore } from '../../../src/core/token-store.js'
import { nodeCrypto } from '../../../src/crypto/node.js'
import { createTokenBackend } from '../../../src/engines/token/index.js'
import type { FrameworkBackend } from '../../../src/framework/backend.js'
import { type Storage, StorageView } from '../../../src/storage/view.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'

/** A `Map` of key → bytes with one-level `list`, like every storage adapter. */
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

  /** Keys under a prefix (full keys). */
  keys(prefix = ''): string[] {
    return [...this.map.keys()].filter((k) => k.startsWith(prefix)).sort()
  }
}

export const HOUR = 3600
/** Vault's default system TTLs: 768h. */
export const DEFAULT_TTL = 768 * HOUR

export interface Harness {
  clock: ManualClock
  storage: MapStorage
  tokens: TokenStore
  backend: FrameworkBackend
  /** The mount's own view (`auth/<uuid>/`): roles live here. */
  mount: StorageView
  root: TokenEntry
  /** Names `policyExists` answers true for (besides `default`). */
  policies: Set<string>
  /** Mount TTL limits, seconds; change them to "tune" the mount. */
  limits: { defaultTtl: number; maxTtl: number }
}

export interface SetupOptions {
  defaultTtl?: number
  maxTtl?: number
  policies?: string[]
}

export async function setup(options: SetupOptions = {}): Promise<Harness> {
  const clock = new ManualClock()
  const storage = new MapStorage()
  const tokens = new TokenStore(new StorageView(storage, 'sys/token/'), nodeCrypto, clock)
  await tokens.setup()
  const root = await tokens.createRootToken({ id: 'root' })
  const mount = new StorageView(storage, 'auth/0000/')
  const limits = { defaultTtl: options.defaultTtl ?? DEFAULT_TTL, maxTtl: options.maxTtl ?? DEFAULT_TTL }
  const policies = new Set(['default', ...(options.policies ?? [])])
  const backend = createTokenBackend(
    { tokens, clock, policyExists: async (name) => policies.has(name) },
    {
      storage: mount,
      system: {
        clock,
        crypto: nodeCrypto,
        defaultLeaseTtl: () => limits.defaultTtl,
        maxLeaseTtl: () => limits.maxTtl,
      },
      mountPath: 'auth/token/',
      type: 'token',
      uuid: '0000',
      accessor: 'auth_token_00000000',
      options: {},
    },
  )
  return { clock, storage, tokens, backend, mount, root, policies, limits }
}

export interface CallOptions {
  /** Caller token (default: the root token). `''` = unauthenticated. */
  token?: string
  /** Default: the pipeline's rule for an interim ACL — `true` for root tokens. */
  sudo?: boolean
  remoteAddress?: string
}

/** A LogicalRequest as the pipeline would build it for `auth/token/<path>`. */
export async function buildRequest(
  h: Harness,
  operation: Operation,
  path: string,
  data: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<LogicalRequest> {
  const token = options.token ?? h.root.id
  const entry = token ? await h.tokens.lookup(token, { tainted: true }) : null
  return {
    id: 'req-1',
    operation,
    path,
    mountPoint: 'auth/token/',
    mountType: 'token',
    mountAccessor: 'auth_token_00000000',
    data,
    storage: h.mount,
    clientToken: token,
    clientTokenAccessor: entry?.accessor ?? '',
    displayName: entry?.display_name ?? '',
    policies: entry?.policies ?? [],
    ...(entry ? { tokenEntry: entry } : {}),
    sudo: options.sudo ?? entry?.policies.includes('root') ?? false,
    headers: {},
    ...(options.remoteAddress ? { connection: { remoteAddress: options.remoteAddress } } : {}),
  }
}

/**
 * Sends a request to the backend. `update` runs the existence check first, as the pipeline does, and
 * `list` paths get their trailing slash.
 */
export async function call(
  h: Harness,
  operation: Operation,
  path: string,
  data: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<LogicalResponse | null> {
  const req = await buildRequest(
    h,
    operation,
    operation === 'list' && !path.endsWith('/') ? `${path}/` : path,
    data,
    options,
  )
  if (operation === 'update') {
    const { checkFound, exists } = await h.backend.existenceCheck(req)
    if (checkFound && !exists) req.operation = 'create'
  }
  return h.backend.handleRequest(req)
}

/** `POST create` (or another create path) and the new token's ID. */
export async function createToken(
  h: Harness,
  data: Record<string, unknown> = {},
  options: CallOptions & { path?: string } = {},
): Promise<{ id: string; resp: LogicalResponse }> {
  const resp = await call(h, 'update', options.path ?? 'create', data, options)
  const id = resp?.auth?.clientToken
  if (!resp || typeof id !== 'string') throw new Error('no token created')
  return { id, resp }
}

/** Runs `fn` and returns what it threw (fails if nothing). */
export async function rejection(fn: () => Promise<unknown>): Promise<{
  statusCode: number
  errors: string[]
  code: string
}> {
  try {
    await fn()
  } catch (e) {
    return e as { statusCode: number; errors: string[]; code: string }
  }
  throw new Error('expected a rejection')
}
