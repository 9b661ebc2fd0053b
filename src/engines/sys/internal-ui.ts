/**
 * `sys/internal/ui/mounts` and `sys/internal/ui/mounts/:path`: the preflight the `vault` CLI (`vault kv
 * …`) and the UI use to learn a mount's type and options. Reachable without a token; with one, a caller
 * sees the mounts its policies reach (Vault's `hasMountAccess`).
 *
 * @module
 */
import type { MountService } from '../../core/mount-service.js'
import { type MountEntry, routePrefix, sanitizeMountPath } from '../../core/mounts.js'
import type { PolicyStore } from '../../core/policy-store.js'
import type { TokenEntry } from '../../core/token-store.js'
import { InvalidRequestError, PermissionDeniedError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { mountInfo } from './mounts.js'

/** Paths of the UI/CLI preflight API. */
export function internalUiPaths(mounts: MountService, policies: PolicyStore): PathDefinition[] {
  const access = async (entry: TokenEntry | undefined, mount: MountEntry): Promise<boolean> => {
    if (!entry) return false
    return (await policies.acl(entry.policies)).hasAccessUnder(routePrefix(mount))
  }
  return [
    definePath({
      pattern: 'internal/ui/mounts',
      operations: {
        read: async (req) => {
          const out: Record<'secret' | 'auth', Record<string, unknown>> = { secret: {}, auth: {} }
          for (const [table, key] of [
            ['mounts', 'secret'],
            ['auth', 'auth'],
          ] as const) {
            for (const m of mounts.entries(table)) {
              if (await access(req.tokenEntry, m)) out[key][m.path] = mountInfo(m)
              else if (m.config.listing_visibility === 'unauth') {
                out[key][m.path] = { type: m.type, description: m.description, options: m.options }
              }
            }
          }
          return { data: out }
        },
      },
      synopsis: 'Mounts visible to the caller.',
    }),
    definePath({
      pattern: 'internal/ui/mounts/(?<path>.+)',
      fields: { path: { type: 'string' } },
      operations: {
        read: async (req, d) => {
          const raw = d.get<string>('path')
          if (raw === '') throw new InvalidRequestError('path not set')
          const path = sanitizeMountPath(raw)
          const denied = new PermissionDeniedError(
            `preflight capability check returned 403, please ensure client's policies grant access to path "${path}"`,
          )
          // A missing mount answers like a forbidden one, so the endpoint cannot list mounts.
          const route = mounts.match(path)
          if (!route || !(await access(req.tokenEntry, route.entry))) throw denied
          return { data: { ...mountInfo(route.entry), path: route.entry.path } }
        },
      },
      synopsis: 'The mount serving a path, if the caller may use it.',
    }),
  ]
}
