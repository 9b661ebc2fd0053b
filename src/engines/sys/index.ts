/**
 * The `sys/` backend (type `system`), mounted at `sys/` in every vault.
 *
 * @module
 */
import { FrameworkBackend } from '../../framework/backend.js'
import { definePath } from '../../framework/path.js'
import { StorageView } from '../../storage/view.js'
import { AUDIT_ROOT_PATHS, auditPaths } from './audit.js'
import { authPaths } from './auth.js'
import { capabilityPaths } from './capabilities.js'
import type { SystemCore } from './core.js'
import { internalUiPaths } from './internal-ui.js'
import { leasePaths } from './leases.js'
import { mountPaths } from './mounts.js'
import { passwordPolicyPaths } from './password-policies.js'
import { policyPaths } from './policies.js'
import { wrappingPaths } from './wrapping.js'

/** Builds the system backend over the core. */
export function createSystemBackend(core: SystemCore): FrameworkBackend {
  return new FrameworkBackend({
    type: 'system',
    specialPaths: {
      // Vault's root-protected sys paths that exist so far (api/sudo_paths.go, logical_system.go).
      root: [
        'rotate',
        'seal',
        'remount',
        'mounts/auth/*',
        // sys/auth/:path and sys/auth/:path/tune (enable, read, disable, tune); not the sys/auth list.
        'auth/*',
        'revoke-prefix/*',
        'revoke-force/*',
        'leases/revoke-prefix/*',
        'leases/revoke-force/*',
        'leases/lookup/*',
        'leases',
        ...AUDIT_ROOT_PATHS,
      ],
      unauthenticated: ['wrapping/lookup', 'wrapping/pubkey', 'internal/ui/mounts', 'internal/ui/mounts/*'],
    },
    paths: [
      ...mountPaths(core.mounts),
      ...internalUiPaths(core.mounts, core.policies),
      ...passwordPolicyPaths(new StorageView(core.barrier, 'sys/')),
      ...authPaths(core.mounts),
      ...policyPaths(core.policies),
      ...capabilityPaths(core.tokens, core.policies),
      ...wrappingPaths(core.wrapper),
      ...leasePaths(core),
      ...auditPaths(core.audit),
      definePath({
        pattern: 'key-status',
        operations: {
          read: async () => {
            const status = core.barrier.keyStatus()
            // Keys in the order Go's JSON encoder writes Vault's map: sorted.
            return {
              data: { encryptions: status.encryptions, install_time: status.install_time, term: status.term },
            }
          },
        },
        synopsis: 'The active barrier key term, its install time and how many encryptions it did.',
      }),
      definePath({
        pattern: 'rotate',
        operations: {
          update: async () => {
            await core.rotate()
            return null
          },
        },
        synopsis: 'Adds a new barrier key term; new writes use it, old values still read.',
      }),
      definePath({
        pattern: 'seal',
        operations: {
          update: async () => {
            await core.seal()
            return null
          },
        },
        synopsis: 'Seals the vault.',
      }),
    ],
  })
}
