/**
 * `sys/mounts`, `sys/mounts/:path`, `sys/mounts/:path/tune`, `sys/remount`: enabling, listing,
 * tuning and moving secrets engines.
 *
 * @module
 */

import type { MountInput, MountService } from '../../core/mount-service.js'
import { LIST_CONFIG_KEYS, type MountEntry, sanitizeMountPath } from '../../core/mounts.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'

/** The enable request of `sys/mounts/:path` and `sys/auth/:path`, from its parsed fields. */
export function mountInputFrom(d: FieldData): MountInput {
  const [options, hasOptions] = d.getOk<Record<string, string>>('options')
  return {
    path: d.get<string>('path'),
    type: d.get<string>('type'),
    description: d.get<string>('description'),
    config: d.get<Record<string, unknown>>('config'),
    options: hasOptions ? (options ?? null) : null,
    local: d.get<boolean>('local'),
    seal_wrap: d.get<boolean>('seal_wrap'),
    external_entropy_access: d.get<boolean>('external_entropy_access'),
  }
}

/** A mount as `sys/mounts` shows it: Vault's keys, sorted as Go sorts map keys. */
export function mountInfo(entry: MountEntry): Record<string, unknown> {
  const config: Record<string, unknown> = {
    default_lease_ttl: entry.config.default_lease_ttl,
    force_no_cache: entry.config.force_no_cache,
    max_lease_ttl: entry.config.max_lease_ttl,
  }
  copyNonEmpty(entry, config)
  if (entry.table === 'auth') config.token_type = entry.config.token_type ?? 'default-service'
  return sortKeys({
    accessor: entry.accessor,
    config: sortKeys(config),
    deprecation_status: 'supported',
    description: entry.description,
    external_entropy_access: entry.external_entropy_access,
    local: entry.local,
    options: entry.options,
    plugin_version: entry.plugin_version,
    running_plugin_version: entry.running_plugin_version,
    running_sha256: '',
    seal_wrap: entry.seal_wrap,
    type: entry.type,
    uuid: entry.uuid,
  })
}

/** Copies the optional config entries (lists and listing_visibility) that are set and non-empty. */
function copyNonEmpty(entry: MountEntry, into: Record<string, unknown>): void {
  for (const k of [...LIST_CONFIG_KEYS, 'listing_visibility'] as const) {
    const v = entry.config[k]
    if (v !== undefined && v.length > 0) into[k] = v
  }
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** Tune answer: effective TTLs (system defaults filled in), as Vault's `handleTuneReadCommon`; sorted keys. */
export function tuneInfo(mounts: MountService, entry: MountEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {
    description: entry.description,
    default_lease_ttl: mounts.defaultTtl(entry),
    max_lease_ttl: mounts.maxTtl(entry),
    force_no_cache: entry.config.force_no_cache,
  }
  if (entry.external_entropy_access) out.external_entropy_access = true
  if (entry.table === 'auth') out.token_type = entry.config.token_type ?? 'default-service'
  copyNonEmpty(entry, out)
  if (entry.options && Object.keys(entry.options).length > 0) out.options = entry.options
  if (entry.plugin_version) out.plugin_version = entry.plugin_version
  return sortKeys(out)
}

/** Fields of a tune request (shared by `sys/mounts/:path/tune` and later `sys/auth/:path/tune`). */
export const TUNE_FIELDS: Record<string, FieldSchema> = {
  path: { type: 'string' },
  default_lease_ttl: { type: 'string' },
  max_lease_ttl: { type: 'string' },
  description: { type: 'string' },
  audit_non_hmac_request_keys: { type: 'commaStringSlice' },
  audit_non_hmac_response_keys: { type: 'commaStringSlice' },
  listing_visibility: { type: 'string' },
  passthrough_request_headers: { type: 'commaStringSlice' },
  allowed_response_headers: { type: 'commaStringSlice' },
  token_type: { type: 'string' },
  options: { type: 'kvPairs' },
  plugin_version: { type: 'string' },
}

/** Paths of the mounts API. */
export function mountPaths(mounts: MountService): PathDefinition[] {
  return [
    definePath({
      pattern: 'mounts',
      operations: {
        read: async () => ({
          data: Object.fromEntries(mounts.entries('mounts').map((e) => [e.path, mountInfo(e)])),
        }),
      },
      synopsis: 'Lists the mounted secrets engines.',
    }),
    definePath({
      pattern: 'mounts/(?<path>.+?)/tune',
      fields: TUNE_FIELDS,
      operations: {
        read: async (_req, d) => {
          const path = d.get<string>('path')
          const route = mounts.match(path.endsWith('/') ? path : `${path}/`)
          // Vault looks the mount's system view up first, so that is the lookup its message names.
          if (!route)
            throw new InvalidRequestError(`cannot fetch sysview for path "${sanitizeMountPath(path)}"`)
          return { data: tuneInfo(mounts, route.entry) }
        },
        update: async (_req, d) => {
          let path = d.get<string>('path')
          const isAuth = path.startsWith('auth/')
          if (isAuth) path = path.slice('auth/'.length)
          const input: Record<string, unknown> = {}
          for (const k of Object.keys(TUNE_FIELDS)) {
            if (k === 'path') continue
            const [v, ok] = d.getOk(k)
            if (ok) input[k] = v
          }
          const warnings = await mounts.tune(isAuth ? 'auth' : 'mounts', path, input)
          return warnings.length > 0 ? { data: null, warnings } : null
        },
      },
      synopsis: 'Reads or tunes a mount’s configuration.',
    }),
    definePath({
      pattern: 'mounts/(?<path>.+)',
      fields: {
        path: { type: 'string' },
        type: { type: 'string' },
        description: { type: 'string' },
        config: { type: 'map' },
        options: { type: 'kvPairs' },
        local: { type: 'bool' },
        seal_wrap: { type: 'bool' },
        external_entropy_access: { type: 'bool' },
        plugin_name: { type: 'string' },
        plugin_version: { type: 'string' },
      },
      operations: {
        read: async (_req, d) => {
          const path = d.get<string>('path')
          const route = mounts.match(path.endsWith('/') ? path : `${path}/`)
          if (route?.entry.table !== 'mounts') {
            throw new InvalidRequestError(
              `No secret engine mount at ${path.endsWith('/') ? path : `${path}/`}`,
            )
          }
          return { data: mountInfo(route.entry) }
        },
        update: async (_req, d) => {
          await mounts.mount('mounts', mountInputFrom(d))
          return null
        },
        delete: async (_req, d) => {
          await mounts.unmount('mounts', d.get<string>('path'))
          return null
        },
      },
      synopsis: 'Enables, reads or disables a secrets engine.',
    }),
    definePath({
      pattern: 'remount',
      fields: { from: { type: 'string' }, to: { type: 'string' } },
      operations: {
        update: async (_req, d) => {
          const id = await mounts.remount(d.get<string>('from'), d.get<string>('to'))
          return {
            data: { migration_id: id },
            warnings: [
              "Mount move has been queued. Progress will be reported in Vault's server log, tagged with the returned migration_id",
            ],
          }
        },
      },
      synopsis: 'Moves a mount to a new path.',
    }),
    definePath({
      pattern: 'remount/status/(?<migration_id>.+)',
      fields: { migration_id: { type: 'string' } },
      operations: {
        read: async (_req, d) => {
          const id = d.get<string>('migration_id')
          const info = mounts.migration(id)
          return info ? { data: { migration_id: id, migration_info: info } } : null
        },
      },
      synopsis: 'Status of a mount move.',
    }),
  ]
}
