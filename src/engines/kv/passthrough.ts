/**
 * KV version 1 (Vault's `PassthroughBackend`, api-docs/secret/kv/kv-v1): one JSON object per path,
 * stored as written, replaced whole on write. A `ttl` (or `lease`) key in the data is shown as the
 * response's `lease_duration` — advice to the reader, not a lease: nothing is registered, renewed or
 * revoked.
 *
 * @module
 */
import type { BackendConfig, LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { parseDuration } from '../../framework/duration.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath } from '../../framework/path.js'

const HELP = `The kv backend reads and writes arbitrary secrets to the backend.
The secrets are encrypted/decrypted by Vault: they are never stored
unencrypted in the backend and the backend never has an opportunity to
see the unencrypted value.

TTLs can be set on a per-secret basis. These TTLs will be sent down
when that secret is read, and it is assumed that some outside process will
revoke and/or replace the secret at that path.`

/**
 * The advisory TTL of a v1 secret, seconds: its `ttl` key, else its `lease` key, parsed as a duration;
 * the mount's default lease TTL when neither is present or the value does not parse.
 *
 * @example
 * ```ts
 * advisoryTtl({ foo: 'bar', ttl: '1h' }, 2764800) // 3600
 * advisoryTtl({ foo: 'bar' }, 2764800)            // 2764800
 * ```
 */
export function advisoryTtl(data: Record<string, unknown>, mountDefault: number): number {
  const raw = Object.hasOwn(data, 'ttl') ? data.ttl : Object.hasOwn(data, 'lease') ? data.lease : undefined
  if (raw === undefined) return mountDefault
  try {
    return parseDuration(raw)
  } catch {
    return mountDefault
  }
}

/**
 * The KV v1 backend: one catch-all path with read, create/update (whole replacement), delete and list,
 * and an existence check so that new paths need `create`. Built by `createKvBackend` when the mount's
 * `options.version` is `"1"` or absent.
 *
 * @example
 * ```ts
 * const backend = new PassthroughKvBackend(config)
 * await backend.handleRequest({ ...req, operation: 'create', path: 'app', data: { password: 'x', ttl: '1h' } })
 * (await backend.handleRequest({ ...req, operation: 'read', path: 'app' }))?.leaseDuration // 3600
 * ```
 */
export class PassthroughKvBackend extends FrameworkBackend {
  /** The KV version this backend serves. */
  readonly version = 1 as const

  constructor(config: BackendConfig) {
    const read = async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
      const data = await req.storage.getJSON<Record<string, unknown>>(d.get<string>('path'))
      if (data === null) return null
      return { data, leaseDuration: advisoryTtl(data, config.system.defaultLeaseTtl()) }
    }
    const write = async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
      const path = d.get<string>('path')
      if (path === '') throw new InvalidRequestError('missing path')
      const body = Object.fromEntries(Object.entries(req.data ?? {}).filter(([, v]) => v !== undefined))
      if (Object.keys(body).length === 0) throw new InvalidRequestError('missing data fields')
      await req.storage.putJSON(path, body)
      return null
    }
    super({
      type: config.type,
      help: HELP,
      paths: [
        definePath({
          pattern: '(?<path>.*)',
          fields: { path: { type: 'string', description: 'Location of the secret.' } },
          takesArbitraryInput: true,
          existenceCheck: async (req, d) => (await req.storage.get(d.get<string>('path'))) !== null,
          operations: {
            read: { handler: read, summary: 'Read the secret at the path.' },
            create: { handler: write, summary: 'Write the secret at the path (whole replacement).' },
            update: { handler: write, summary: 'Write the secret at the path (whole replacement).' },
            delete: {
              handler: async (req, d) => {
                await req.storage.delete(d.get<string>('path'))
                return null
              },
              summary: 'Delete the secret at the path.',
            },
            list: {
              handler: async (req, d) => {
                let path = d.get<string>('path')
                if (path !== '' && !path.endsWith('/')) path += '/'
                return { data: { keys: await req.storage.list(path) } }
              },
              summary: 'List the keys below the path.',
            },
          },
          synopsis:
            'Pass-through secret storage to the storage backend, allowing you to read/write arbitrary data into secret storage.',
          description:
            'The pass-through backend reads and writes arbitrary data into secret storage, encrypting it along the way. A TTL can be specified when writing with the "ttl" field. If given, the duration of leases returned by this backend will be set to this value. This can be used as a hint from the writer of a secret to the consumer of a secret that the consumer should re-read the value before the TTL has expired. However, any revocation must be handled by the user of this backend; the lease duration does not affect the provided data in any way.',
        }),
      ],
    })
  }
}
