/**
 * `echo`: a small secrets engine for core tests, built with the framework the way a host would build its
 * own. It keeps `{ value }` as JSON under `items/<name>` in its storage view, has an existence check
 * (so writes arrive as `create` or `update`), a list at the mount root, an `info` path that always
 * answers, and a `boom` path whose handler throws a plain `Error`. Every request that reaches one of its
 * backends is recorded.
 */
import {
  type BackendConfig,
  definePath,
  type EngineDefinition,
  FrameworkBackend,
  genericNameRegex,
  type LogicalRequest,
  type OperationHandler,
} from '../../src/index.node.js'

/** What an echo backend saw of one request. */
export interface EchoCall {
  operation: string
  path: string
  mountPoint: string
  mountType: string
  data: Record<string, unknown>
}

/** An engine definition that also exposes what its backends saw. */
export interface EchoEngine extends EngineDefinition {
  /** Every request that reached a backend of this type (any mount), in order. */
  calls: EchoCall[]
  /** The operation each write handler ran as: `create` or `update`. */
  writes: string[]
  /** The config of every backend built (one per mount, again after unseal, tune reload, remount). */
  configs: BackendConfig[]
}

/** The message of the `boom` path's error: it must never reach a client. */
export const BOOM_MESSAGE = 'connection to db at 10.0.0.7 failed, password hunter2'

export function echoEngine(type = 'echo'): EchoEngine {
  const calls: EchoCall[] = []
  const writes: string[] = []
  const configs: BackendConfig[] = []
  const key = (name: unknown) => `items/${String(name)}`

  const write: OperationHandler = async (req, d) => {
    writes.push(req.operation)
    await req.storage.putJSON(key(d.get('name')), { value: d.get<string>('value') })
    return null
  }

  const factory = (config: BackendConfig): FrameworkBackend => {
    configs.push(config)
    const backend = new FrameworkBackend({
      type,
      help: 'Echoes what it stores.',
      paths: [
        definePath({
          pattern: 'boom',
          operations: {
            read: async () => {
              throw new Error(BOOM_MESSAGE)
            },
          },
        }),
        definePath({
          pattern: 'info',
          operations: {
            read: async (req) => ({ data: { mount: req.mountPoint, options: config.options } }),
          },
        }),
        definePath({
          pattern: '/?',
          operations: {
            list: async (req) => ({ data: { keys: await req.storage.list('items/') } }),
          },
        }),
        definePath({
          pattern: genericNameRegex('name'),
          fields: { name: { type: 'string' }, value: { type: 'string' } },
          existenceCheck: async (req, d) => (await req.storage.get(key(d.get('name')))) !== null,
          operations: {
            create: write,
            update: write,
            read: async (req, d) => {
              const stored = await req.storage.getJSON<Record<string, unknown>>(key(d.get('name')))
              return stored === null ? null : { data: stored }
            },
            delete: async (req, d) => {
              await req.storage.delete(key(d.get('name')))
              return null
            },
          },
        }),
      ],
    })
    const handle = backend.handleRequest.bind(backend)
    backend.handleRequest = (req: LogicalRequest) => {
      calls.push({
        operation: req.operation,
        path: req.path,
        mountPoint: req.mountPoint,
        mountType: req.mountType,
        data: { ...req.data },
      })
      return handle(req)
    }
    return backend
  }

  return { type, kind: 'secret', factory, calls, writes, configs }
}
