/**
 * `sys/audit`, `sys/audit/:path`, `sys/audit-hash/:path` and `sys/config/auditing/request-headers`
 * (api-docs/system/audit, audit-hash, config-auditing): listing, enabling and disabling audit devices,
 * hashing a value as a device logs it, and choosing the request headers that are audited.
 *
 * Root-protected (sudo) in Vault: `audit`, `audit/*`, `config/auditing/*` — not `audit-hash/*`.
 *
 * @module
 */
import type { AuditBroker } from '../../audit/broker.js'
import { InvalidRequestError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'

/** The sudo paths of the audit API, relative to `sys/`, for the system backend's `specialPaths.root`. */
export const AUDIT_ROOT_PATHS: readonly string[] = Object.freeze(['audit', 'audit/*', 'config/auditing/*'])

/**
 * Paths of the audit API over a broker.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'system', paths: [...auditPaths(broker)], specialPaths: { root: [...AUDIT_ROOT_PATHS] } })
 * ```
 */
export function auditPaths(broker: AuditBroker): PathDefinition[] {
  return [
    definePath({
      pattern: 'audit-hash/(?<path>.+)',
      fields: {
        path: {
          type: 'string',
          description: 'The name of the backend. Cannot be delimited. Example: "mysql"',
        },
        input: { type: 'string', description: 'The value to hash.' },
      },
      operations: {
        update: {
          summary: 'Hash a value with an audit device’s salt, as the device logs it.',
          handler: async (_req, d) => {
            const input = d.get<string>('input')
            if (input === '') throw new InvalidRequestError('the "input" parameter is empty')
            return { data: { hash: await broker.hash(d.get<string>('path'), input) } }
          },
        },
      },
      synopsis: 'The hash of the given string via the given audit backend',
    }),
    definePath({
      pattern: 'audit',
      operations: {
        read: {
          summary: 'List the enabled audit devices.',
          handler: async () => ({
            data: Object.fromEntries(broker.list().map((d) => [d.path, { ...d }])),
          }),
        },
      },
      synopsis: 'List the currently enabled audit backends.',
    }),
    definePath({
      pattern: 'audit/(?<path>.+)',
      fields: {
        path: {
          type: 'string',
          description: 'The name of the backend. Cannot be delimited. Example: "mysql"',
        },
        type: { type: 'string', description: 'The type of the backend. Example: "mysql"' },
        description: { type: 'string', description: 'User-friendly description for this audit backend.' },
        options: { type: 'kvPairs', description: 'Configuration options for the audit backend.' },
        local: { type: 'bool', default: false, description: 'Mark the device as local-only.' },
      },
      operations: {
        update: {
          summary: 'Enable a new audit device at the supplied path.',
          handler: async (_req, d) => {
            await broker.enable(d.get<string>('path'), {
              type: d.get<string>('type'),
              description: d.get<string>('description'),
              options: d.get<Record<string, string>>('options') ?? {},
              local: d.get<boolean>('local'),
            })
            return null
          },
        },
        delete: {
          summary: 'Disable the audit device at the given path.',
          handler: async (_req, d) => {
            const path = d.get<string>('path')
            if (path === '' || path === '/')
              throw new InvalidRequestError('audit device path must be specified')
            await broker.disable(path)
            return null
          },
        },
      },
      synopsis: 'Enable or disable audit backends.',
    }),
    definePath({
      pattern: 'config/auditing/request-headers',
      operations: {
        read: {
          summary: 'List the request headers that are configured to be audited.',
          handler: async () => ({ data: { headers: broker.auditedHeaders() } }),
        },
      },
      synopsis: 'Lists the headers configured to be audited.',
    }),
    definePath({
      pattern: 'config/auditing/request-headers/(?<header>.+)',
      fields: { header: { type: 'string' }, hmac: { type: 'bool' } },
      operations: {
        read: {
          summary: 'List the information for the given request header.',
          handler: async (_req, d) => {
            const header = d.get<string>('header')
            const settings = broker.auditedHeader(header)
            if (!settings) throw new InvalidRequestError('Could not find header in config')
            return { data: { [header]: settings } }
          },
        },
        update: {
          summary: 'Enable auditing of a header.',
          handler: async (_req, d) => {
            await broker.setAuditedHeader(d.get<string>('header'), d.get<boolean>('hmac'))
            return null
          },
        },
        delete: {
          summary: 'Disable auditing of the given request header.',
          handler: async (_req, d) => {
            await broker.removeAuditedHeader(d.get<string>('header'))
            return null
          },
        },
      },
      synopsis: 'Configures the headers sent to the audit logs.',
    }),
  ]
}
