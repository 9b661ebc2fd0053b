/**
 * `sys/auth`, `sys/auth/:path`, `sys/auth/:path/tune`: enabling, listing, reading, tuning and disabling
 * auth methods (Vault's `handleAuthTable`, `handleEnableAuth`, `handleReadAuth`, `handleDisableAuth`,
 * `handleAuthTuneRead/Write`). Auth mounts live in their own table, routed under `auth/<path>/`;
 * `token/` is always there. Enabling, reading, tuning and disabling need `sudo` (the sys backend's root
 * paths); disabling revokes every token the method issued (the mount service's unmount hook revokes the
 * leases under `auth/<path>/`, token leases included).
 *
 * @module
 */
import type { MountService } from '../../core/mount-service.js'
import { sanitizeMountPath } from '../../core/mounts.js'
import { InvalidRequestError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { mountInfo, mountInputFrom, TUNE_FIELDS, tuneInfo } from './mounts.js'

/** Paths of the auth-methods API. */
export function authPaths(mounts: MountService): PathDefinition[] {
  return [
    definePath({
      pattern: 'auth',
      operations: {
        read: async () => ({
          data: Object.fromEntries(mounts.entries('auth').map((e) => [e.path, mountInfo(e)])),
        }),
      },
      synopsis: 'List the currently enabled credential backends.',
    }),
    definePath({
      pattern: 'auth/(?<path>.+?)/tune',
      fields: TUNE_FIELDS,
      operations: {
        read: async (_req, d) => {
          const routePath = `auth/${sanitizeMountPath(d.get<string>('path'))}`
          const route = mounts.match(routePath)
          if (route?.entry.table !== 'auth') {
            throw new InvalidRequestError(`cannot fetch sysview for path "${routePath}"`)
          }
          return { data: tuneInfo(mounts, route.entry) }
        },
        update: async (_req, d) => {
          const input: Record<string, unknown> = {}
          for (const k of Object.keys(TUNE_FIELDS)) {
            if (k === 'path') continue
            const [v, ok] = d.getOk(k)
            if (ok) input[k] = v
          }
          const warnings = await mounts.tune('auth', d.get<string>('path'), input)
          return warnings.length > 0 ? { data: null, warnings } : null
        },
      },
      synopsis: 'Tune the configuration parameters for an auth path.',
    }),
    definePath({
      pattern: 'auth/(?<path>.+)',
      fields: {
        path: { type: 'string', description: 'The path to mount to. Cannot be delimited. Example: "user"' },
        type: { type: 'string', description: 'The type of the backend. Example: "userpass"' },
        description: {
          type: 'string',
          description: 'User-friendly description for this credential backend.',
        },
        config: { type: 'map', description: 'Configuration for this mount, such as plugin_name.' },
        options: { type: 'kvPairs', description: 'The options to pass into the backend.' },
        local: {
          type: 'bool',
          description:
            'Mark the mount as a local mount, which is not replicated and is unaffected by replication.',
        },
        seal_wrap: { type: 'bool', description: 'Whether to turn on seal wrapping for the mount.' },
        external_entropy_access: {
          type: 'bool',
          description: 'Whether to give the mount access to external entropy.',
        },
        plugin_name: {
          type: 'string',
          description: 'Name of the auth plugin to use based from the name in the plugin catalog.',
        },
        plugin_version: { type: 'string', description: 'The semantic version of the plugin to use.' },
      },
      operations: {
        read: async (_req, d) => {
          const path = sanitizeMountPath(d.get<string>('path'))
          const entry = mounts.entries('auth').find((e) => e.path === path)
          if (!entry) throw new InvalidRequestError(`No auth engine at ${path}`)
          return { data: mountInfo(entry) }
        },
        update: async (_req, d) => {
          await mounts.mount('auth', mountInputFrom(d))
          return null
        },
        delete: async (_req, d) => {
          // Vault answers 204 for a path with no method (it does not say whether one was there).
          await mounts.unmount('auth', d.get<string>('path'))
          return null
        },
      },
      synopsis: 'Enable a new credential backend with a name, read or disable it.',
    }),
  ]
}
