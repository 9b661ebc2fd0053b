/**
 * `leasey`: a secrets engine for lease tests, built with the framework the way a host builds one. It
 * issues credentials with a lease, records every renew and revoke it is asked for, and can be told to
 * fail the next N renewals or revocations (with a plain `Error` that carries a secret, a 500, or a 400).
 *
 * Paths (all `read`):
 * - `creds/:name?ttl=&max_ttl=` — a renewable `creds` secret (`{ username, password }`), default TTL
 *   `control.defaultTtl` (seconds; 0 = the mount's).
 * - `fixed/:name` — a `fixed` secret with no renew handler (not renewable).
 * - `plain/:name` — data only, no secret.
 */
import {
  type BackendConfig,
  definePath,
  type EngineDefinition,
  FrameworkBackend,
  genericNameRegex,
  InvalidRequestError,
  type SecretType,
  secretResponse,
  Vault,
  VaultError,
  type VaultRequest,
  type VaultResponse,
} from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'
import type { LeaseOptions } from '../../../src/vault.js'

/** One renew or revoke the engine saw. */
export interface SecretCall {
  operation: 'renew' | 'revoke'
  path: string
  mountPoint: string
  leaseId: string | undefined
  increment: number | undefined
  issueTime: number | undefined
  internal: Record<string, unknown>
  data: Record<string, unknown>
  /** The engine's clock time when it was called. */
  at: number
}

export type FailureKind = 'plain' | 'internal' | 'invalid' | 'leaky'

/** What a test tells the engine. */
export interface LeaseyControl {
  /** Default TTL of the `creds` secret type, seconds. */
  defaultTtl: number
  /** Fail this many of the next revocations. */
  failRevoke: number
  /** How revocations fail. */
  failRevokeWith: FailureKind
  /** Fail this many of the next renewals. */
  failRenew: number
  /** TTL the renew handler returns (seconds; 0 = none, so the increment or mount default applies). */
  renewTtl: number
  /** Max TTL the renew handler returns (seconds; 0 = none). */
  renewMaxTtl: number
  calls: SecretCall[]
}

/** The password every `creds` secret carries: it must never show up in an error. */
export const PASSWORD = 'hunter2-s3cr3t-pw'

export interface LeaseyEngine extends EngineDefinition {
  control: LeaseyControl
}

function failure(kind: FailureKind): Error {
  switch (kind) {
    case 'plain':
      return new Error(`cannot reach db at 10.0.0.7 with password ${PASSWORD}`)
    case 'internal':
      return new VaultError('ERR_INTERNAL', 500, 'database is down', { errors: ['database is down'] })
    case 'invalid':
      return new InvalidRequestError('role no longer exists')
    case 'leaky': {
      // A backend that words its error badly: the secret and a wall of text.
      const message = `drop user v-web (password ${PASSWORD}) failed: ${'connection reset; '.repeat(20)}`
      return new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
    }
  }
}

export function leaseyEngine(type = 'leasey', clock?: { now(): number }): LeaseyEngine {
  const control: LeaseyControl = {
    defaultTtl: 3600,
    failRevoke: 0,
    failRevokeWith: 'internal',
    failRenew: 0,
    renewTtl: 0,
    renewMaxTtl: 0,
    calls: [],
  }
  const factory = (config: BackendConfig): FrameworkBackend => {
    const record = (operation: 'renew' | 'revoke', req: Parameters<NonNullable<SecretType['renew']>>[0]) => {
      control.calls.push({
        operation,
        path: req.path,
        mountPoint: req.mountPoint,
        leaseId: req.secret?.leaseId,
        increment: req.secret?.increment,
        issueTime: req.secret?.issueTime,
        internal: { ...(req.secret?.internalData ?? {}) },
        data: { ...req.data },
        at: (clock ?? config.system.clock).now(),
      })
    }
    const creds: SecretType = {
      type: 'creds',
      get defaultDuration() {
        return control.defaultTtl
      },
      renew: async (req) => {
        record('renew', req)
        if (control.failRenew > 0) {
          control.failRenew--
          throw failure('internal')
        }
        return {
          secret: {
            ...req.secret,
            ttl: control.renewTtl,
            maxTtl: control.renewMaxTtl,
          },
        }
      },
      revoke: async (req) => {
        record('revoke', req)
        if (control.failRevoke > 0) {
          control.failRevoke--
          throw failure(control.failRevokeWith)
        }
        return null
      },
    }
    const fixed: SecretType = {
      type: 'fixed',
      defaultDuration: 600,
      revoke: async (req) => {
        record('revoke', req)
        return null
      },
    }
    return new FrameworkBackend({
      type,
      secrets: [creds, fixed],
      paths: [
        definePath({
          pattern: `creds/${genericNameRegex('name')}`,
          fields: { name: { type: 'string' }, ttl: { type: 'duration' }, max_ttl: { type: 'duration' } },
          operations: {
            read: async (_req, d) => {
              const name = d.get<string>('name')
              const resp = secretResponse(
                creds,
                { username: `v-${name}`, password: PASSWORD },
                { username: `v-${name}` },
              )
              const [ttl, hasTtl] = d.getOk<number>('ttl')
              if (hasTtl && resp.secret) resp.secret.ttl = ttl ?? 0
              const [max, hasMax] = d.getOk<number>('max_ttl')
              if (hasMax && resp.secret) resp.secret.maxTtl = max ?? 0
              return resp
            },
          },
        }),
        definePath({
          pattern: `fixed/${genericNameRegex('name')}`,
          fields: { name: { type: 'string' } },
          operations: {
            read: async (_req, d) => secretResponse(fixed, { value: d.get<string>('name') }, {}),
          },
        }),
        definePath({
          pattern: `plain/${genericNameRegex('name')}`,
          fields: { name: { type: 'string' } },
          operations: { read: async (_req, d) => ({ data: { value: d.get<string>('name') } }) },
        }),
      ],
    })
  }
  return { type, kind: 'secret', factory, control }
}

export const ROOT = 'root'

export interface Setup {
  vault: Vault
  clock: ManualClock
  engine: LeaseyEngine
  /** Requests with the root token unless one is given. */
  call(
    method: VaultRequest['method'],
    path: string,
    data?: Record<string, unknown>,
    token?: string,
  ): Promise<VaultResponse>
  raw(
    method: VaultRequest['method'],
    path: string,
    data?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; body: Record<string, unknown> | null }>
  /** Issues `creds/<name>` at `mount` and returns the response. */
  issue(name?: string, token?: string, mount?: string, data?: Record<string, unknown>): Promise<VaultResponse>
  /** Creates a child token of the root (or of `parent`) with policies; returns its ID. */
  token(policies?: string[], extra?: Record<string, unknown>, parent?: string): Promise<string>
  /** Writes an ACL policy. */
  policy(name: string, hcl: string): Promise<void>
}

/** A dev vault on a manual clock with `leasey/` mounted. */
export async function setup(
  options: { leases?: LeaseOptions; mounts?: string[]; defaultLeaseTtl?: string; maxLeaseTtl?: string } = {},
): Promise<Setup> {
  const clock = new ManualClock()
  const vault = await Vault.dev({
    rootToken: ROOT,
    clock,
    ...(options.leases ? { leases: options.leases } : {}),
    ...(options.defaultLeaseTtl ? { defaultLeaseTtl: options.defaultLeaseTtl } : {}),
    ...(options.maxLeaseTtl ? { maxLeaseTtl: options.maxLeaseTtl } : {}),
  })
  const engine = leaseyEngine('leasey', clock)
  vault.engines.register(engine)
  for (const mount of options.mounts ?? ['leasey']) {
    await vault.request({
      method: 'POST',
      path: `sys/mounts/${mount}`,
      data: { type: 'leasey' },
      token: ROOT,
    })
  }
  const call: Setup['call'] = (method, path, data, token = ROOT) =>
    vault.request({ method, path, token, ...(data ? { data } : {}) })
  const raw: Setup['raw'] = (method, path, data, token = ROOT) =>
    vault.handle({ method, path, token, ...(data ? { data } : {}) })
  return {
    vault,
    clock,
    engine,
    call,
    raw,
    issue: (name = 'web', token = ROOT, mount = 'leasey', data) =>
      call('GET', `${mount}/creds/${name}`, data, token),
    token: async (policies = ['default'], extra = {}, parent = ROOT) => {
      const res = await call('POST', 'auth/token/create', { policies, ...extra }, parent)
      return res.auth?.client_token as string
    },
    policy: async (name, hcl) => {
      await call('PUT', `sys/policies/acl/${name}`, { policy: hcl })
    },
  }
}

/** Runs `fn` and returns the VaultError it threw (fails if nothing). */
export async function rejection(fn: () => Promise<unknown>): Promise<VaultError> {
  try {
    await fn()
  } catch (e) {
    if (e instanceof VaultError) return e
    throw e
  }
  throw new Error('expected a rejection')
}

/** Collects the lease events a vault emits. */
export function recordEvents(vault: Vault): Array<[string, Record<string, unknown>]> {
  const seen: Array<[string, Record<string, unknown>]> = []
  for (const name of [
    'lease:created',
    'lease:renewed',
    'lease:revoked',
    'lease:expired',
    'lease:irrevocable',
  ] as const) {
    vault.on(name, (payload: Record<string, unknown>) => seen.push([name, payload]))
  }
  return seen
}
