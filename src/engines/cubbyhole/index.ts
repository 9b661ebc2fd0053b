/**
 * The `cubbyhole/` engine: a private key/value space per token. Each token's data lives under its own
 * random cubbyhole ID, so no other token — root included — can reach it, and it is destroyed with the
 * token (api-docs/secret/cubbyhole).
 *
 * @module
 */
import type { BackendConfig, LogicalRequest } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { definePath } from '../../framework/path.js'
import type { StorageView } from '../../storage/view.js'

/** The storage view of one token's cubbyhole inside the mount's view. */
function tokenView(req: LogicalRequest): StorageView {
  const id = req.tokenEntry?.cubbyhole_id
  if (!id) throw new InvalidRequestError('client token empty')
  return req.storage.sub(`${id}/`)
}

/** Builds the cubbyhole backend (singleton type `cubbyhole`, mounted at `cubbyhole/`). */
export function createCubbyholeBackend(_config: BackendConfig): FrameworkBackend {
  return new FrameworkBackend({
    type: 'cubbyhole',
    paths: [
      definePath({
        pattern: '(?<path>.*)',
        fields: { path: { type: 'string' } },
        takesArbitraryInput: true,
        existenceCheck: async (req, d) => (await tokenView(req).get(d.get<string>('path'))) !== null,
        operations: {
          read: async (req, d) => {
            const view = tokenView(req)
            const path = d.get<string>('path')
            if (path === '') throw new InvalidRequestError('missing path')
            const data = await view.getJSON<Record<string, unknown>>(path)
            return data ? { data } : null
          },
          create: write,
          update: write,
          delete: async (req, d) => {
            await tokenView(req).delete(d.get<string>('path'))
            return null
          },
          list: async (req, d) => {
            let path = d.get<string>('path')
            if (path !== '' && !path.endsWith('/')) path += '/'
            return { data: { keys: await tokenView(req).list(path) } }
          },
        },
        synopsis: 'Pass-through secret storage to a token-specific cubbyhole in the storage backend.',
      }),
    ],
  })
}

async function write(req: LogicalRequest, d: { get<T>(n: string): T }) {
  const view = tokenView(req)
  const data = { ...req.data }
  if (Object.keys(data).length === 0) throw new InvalidRequestError('missing data fields')
  const path = d.get<string>('path')
  if (path === '') throw new InvalidRequestError('missing path')
  await view.putJSON(path, data)
  return null
}
