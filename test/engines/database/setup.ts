/**
 * A dev vault on a manual clock with the database engine mounted at `database/` (the way a host
 * registers it), the backend instance at hand for `idle()`, and quick revocation retries.
 */

import type { BackendConfig } from '../../../src/core/logical.js'
import { passwordPolicySource } from '../../../src/core/password-policy.js'
import {
  type DatabaseBackend,
  type DatabaseBackendOptions,
  DatabaseClient,
  databaseBackendFactory,
} from '../../../src/engines/database/index.js'
import { passwordPolicyPaths } from '../../../src/engines/sys/password-policies.js'
import { FrameworkBackend, Vault, type VaultRequest, type VaultResponse } from '../../../src/index.node.js'
import { ManualClock } from '../../../src/testing/manual-clock.js'

export interface DbSetup {
  vault: Vault
  clock: ManualClock
  db: DatabaseClient
  /** The backend of the current `database/` mount. */
  backend: () => DatabaseBackend
  call(method: VaultRequest['method'], path: string, data?: Record<string, unknown>): Promise<VaultResponse>
  /** Advances the clock and waits for lease expiries and static rotations. */
  advance(by: string | number): Promise<void>
  /** Revokes every lease of the mount (even when a test failed half-way), then closes the vault. */
  cleanup(): Promise<void>
}

/**
 * Until the lead wires `sys/policies/password` into the sys backend, tests mount the same paths as an
 * engine at `pwpolicy/` and hand the database engine a policy source over that mount's storage.
 */
export async function dbSetup(options: DatabaseBackendOptions = {}): Promise<DbSetup> {
  const clock = new ManualClock(Date.now())
  const vault = await Vault.dev({
    rootToken: 'root',
    clock,
    leases: { revokeRetryBase: '1s', maxRevokeAttempts: 3, revokeRetryJitter: 0 },
  })
  let policies: BackendConfig['storage'] | undefined
  vault.engines.register({
    type: 'pwpolicy',
    kind: 'secret',
    factory: (config) => {
      policies = config.storage
      return new FrameworkBackend({ type: 'pwpolicy', paths: passwordPolicyPaths(config.storage) })
    },
  })
  await vault.request({
    method: 'POST',
    path: 'sys/mounts/pwpolicy',
    data: { type: 'pwpolicy' },
    token: 'root',
  })
  let backend: DatabaseBackend | undefined
  const factory = databaseBackendFactory({
    passwordPolicies: {
      generatePasswordFromPolicy: (name) => {
        if (!policies) throw new Error('no policy storage')
        return passwordPolicySource(policies).generatePasswordFromPolicy(name)
      },
    },
    ...options,
  })
  // The built-in `database` type is registered by the vault; the tests mount their own instrumented
  // factory (backend at hand, quick retries) under another type name.
  vault.engines.register({
    type: 'database-under-test',
    kind: 'secret',
    factory: (config) => {
      backend = factory(config)
      return backend
    },
  })
  await vault.request({
    method: 'POST',
    path: 'sys/mounts/database',
    data: { type: 'database-under-test' },
    token: 'root',
  })
  return {
    vault,
    clock,
    db: new DatabaseClient((r) => vault.request(r), 'database', 'root'),
    backend: () => backend as DatabaseBackend,
    call: (method, path, data) => vault.request({ method, path, token: 'root', ...(data ? { data } : {}) }),
    async cleanup() {
      if (!vault.sealed) {
        await vault
          .request({ method: 'PUT', path: 'sys/leases/revoke-prefix/database', token: 'root' })
          .catch(() => undefined)
      }
      await vault.close()
    },
    async advance(by) {
      await clock.advance(by)
      await vault.leases.idle()
      await backend?.idle()
      await vault.leases.idle()
    },
  }
}

/** Runs `fn` and returns the error it threw (fails if nothing). */
export async function rejection(
  fn: () => Promise<unknown>,
): Promise<Error & { statusCode?: number; errors?: string[] }> {
  try {
    await fn()
  } catch (e) {
    return e as Error & { statusCode?: number; errors?: string[] }
  }
  throw new Error('expected a rejection')
}

/** Vault's documented PostgreSQL creation statement (the seed's walk-through). */
export const PG_READONLY = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`
