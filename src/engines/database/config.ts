/**
 * `config/:name`, `LIST config`, `reset/:name` (Vault's `path_config_connection.go`): connections to
 * databases. A write initializes the plugin (connecting unless `verify_connection=false`) before
 * anything is stored; a read never shows the password (nor one written into `connection_url`).
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import type { DatabaseEngine } from './engine.js'
import { CONFIG_PREFIX, type DatabaseConfig, listPage, readConfig, writeConfig } from './storage.js'

/** Keys of `config/:name` the engine keeps; everything else goes to the plugin as connection details. */
const ENGINE_KEYS = new Set([
  'name',
  'plugin_name',
  'plugin_version',
  'allowed_roles',
  'verify_connection',
  'root_rotation_statements',
  'password_policy',
])

const PASSWORD_FOUND =
  'Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.'

/**
 * `connection_url` with any literal password replaced by `xxxxx` (Go's `url.Redacted`, extended to
 * MySQL DSNs and libpq key/value strings, which Go's URL parser does not redact). A `{{password}}`
 * template stays as written.
 *
 * @example
 * ```ts
 * redactConnectionUrl('postgresql://vault:s3cret@db:5432/app') // 'postgresql://vault:xxxxx@db:5432/app'
 * redactConnectionUrl('{{username}}:{{password}}@tcp(db:3306)/') // unchanged
 * ```
 */
export function redactConnectionUrl(url: string): string {
  return literalPassword(url).redacted
}

function literalPassword(url: string): { found: boolean; redacted: string } {
  const keep = (pw: string) => pw === '' || pw === '{{password}}'
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i.exec(url)
  if (scheme) {
    const userinfo = scheme[2] as string
    const colon = userinfo.indexOf(':')
    if (colon < 0 || keep(userinfo.slice(colon + 1))) return { found: false, redacted: url }
    const redacted = `${scheme[1]}${userinfo.slice(0, colon)}:xxxxx@${url.slice(scheme[0].length)}`
    return { found: true, redacted }
  }
  if (/(^|\s)password\s*=/.test(url)) {
    let found = false
    const redacted = url.replace(
      /(^|\s)(password\s*=\s*)('(?:\\.|[^'])*'|\S*)/g,
      (whole, pre, key, value: string) => {
        if (keep(value)) return whole
        found = true
        return `${pre}${key}xxxxx`
      },
    )
    return { found, redacted }
  }
  const slash = url.lastIndexOf('/')
  const at = slash >= 0 ? url.lastIndexOf('@', slash) : -1
  if (at > 0) {
    const userinfo = url.slice(0, at)
    const colon = userinfo.indexOf(':')
    if (colon >= 0 && !keep(userinfo.slice(colon + 1))) {
      return { found: true, redacted: `${userinfo.slice(0, colon)}:xxxxx${url.slice(at)}` }
    }
  }
  return { found: false, redacted: url }
}

function readHandler(engine: DatabaseEngine) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const name = d.get<string>('name')
    if (name === '') throw new InvalidRequestError('empty name attribute given')
    const config = await readConfig(engine.storage, name)
    if (!config) return null
    const details = { ...config.connection_details }
    delete details.password
    delete details.private_key
    if (typeof details.connection_url === 'string')
      details.connection_url = redactConnectionUrl(details.connection_url)
    return {
      data: {
        allowed_roles: config.allowed_roles,
        connection_details: details,
        password_policy: config.password_policy,
        plugin_name: config.plugin_name,
        plugin_version: config.plugin_version,
        root_credentials_rotate_statements: config.root_credentials_rotate_statements,
      },
    }
  }
}

function writeHandler(engine: DatabaseEngine) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const name = d.get<string>('name')
    if (name === '') throw new InvalidRequestError('empty name attribute given')
    // Serialized with rotate-root, which rewrites the same entry.
    return engine.locks.run(`config:${name}`, () => writeConfigEntry(engine, req, d, name))
  }
}

async function writeConfigEntry(
  engine: DatabaseEngine,
  req: LogicalRequest,
  d: FieldData,
  name: string,
): Promise<LogicalResponse | null> {
  const creating = req.operation === 'create'
  const existing = await readConfig(engine.storage, name)
  const config: DatabaseConfig = existing ?? {
    plugin_name: '',
    plugin_version: '',
    connection_details: {},
    allowed_roles: [],
    root_credentials_rotate_statements: [],
    password_policy: '',
  }
  const [pluginName, hasPlugin] = d.getOk<string>('plugin_name')
  if (hasPlugin) config.plugin_name = pluginName ?? ''
  if (config.plugin_name === '') throw new InvalidRequestError('empty plugin name')
  const [version, hasVersion] = d.getOk<string>('plugin_version')
  if (hasVersion) config.plugin_version = version ?? ''
  const [allowed, hasAllowed] = d.getOk<string[]>('allowed_roles')
  if (hasAllowed) config.allowed_roles = allowed ?? []
  else if (creating) config.allowed_roles = []
  const [rootStatements, hasRoot] = d.getOk<string[]>('root_rotation_statements')
  if (hasRoot) config.root_credentials_rotate_statements = rootStatements ?? []
  else if (creating) config.root_credentials_rotate_statements = []
  const [policy, hasPolicy] = d.getOk<string>('password_policy')
  if (hasPolicy) config.password_policy = policy ?? ''

  const details: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(req.data ?? {})) {
    if (!ENGINE_KEYS.has(k) && v !== undefined) details[k] = v
  }
  config.connection_details = creating ? details : { ...config.connection_details, ...details }

  let plugin: Awaited<ReturnType<typeof engine.connections.create>>
  try {
    plugin = await engine.connections.create(config.plugin_name)
  } catch (e) {
    throw new InvalidRequestError(`error creating database object: ${(e as Error).message}`)
  }
  try {
    const init = await plugin.initialize({
      config: config.connection_details,
      verifyConnection: d.get<boolean>('verify_connection'),
    })
    config.connection_details = init.config
  } catch (e) {
    await plugin.close().catch(() => undefined)
    throw new InvalidRequestError(`error creating database object: ${(e as Error).message}`)
  }
  try {
    await writeConfig(engine.storage, name, config)
  } catch (e) {
    await plugin.close().catch(() => undefined)
    throw e
  }
  await engine.connections.put(name, plugin)
  const url = config.connection_details.connection_url
  if (typeof url === 'string' && literalPassword(url).found) return { data: null, warnings: [PASSWORD_FOUND] }
  return null
}

/**
 * The `config/:name`, `config/` and `reset/:name` paths.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'database', paths: configPaths(engine) })
 * ```
 */
export function configPaths(engine: DatabaseEngine): PathDefinition[] {
  const name = { type: 'string' as const, description: 'Name of this database connection' }
  return [
    definePath({
      pattern: 'config/?$',
      operations: {
        list: async () => ({ data: { keys: await listPage(engine.storage, CONFIG_PREFIX) } }),
      },
      synopsis: 'Configure connection details to a database plugin.',
    }),
    definePath({
      pattern: `config/${genericNameRegex('name')}`,
      fields: {
        name,
        plugin_name: {
          type: 'string',
          description:
            'The name of a builtin or previously registered plugin known to vaultlet. This endpoint will create an instance of that plugin type.',
        },
        plugin_version: { type: 'string', description: 'The version of the plugin to use.' },
        verify_connection: {
          type: 'bool',
          default: true,
          description:
            'If true, the connection details are verified by actually connecting to the database. Defaults to true.',
        },
        allowed_roles: {
          type: 'commaStringSlice',
          description:
            'Comma separated string or array of the role names allowed to get creds from this database connection. If empty no roles are allowed. If "*" all roles are allowed.',
        },
        root_rotation_statements: {
          type: 'stringSlice',
          description:
            "Specifies the database statements to be executed to rotate the root user's credentials.",
        },
        password_policy: { type: 'string', description: 'Password policy to use when generating passwords.' },
      },
      takesArbitraryInput: true,
      existenceCheck: async (_req, d) =>
        (await engine.storage.get(CONFIG_PREFIX + d.get<string>('name'))) !== null,
      operations: {
        create: { handler: writeHandler(engine), summary: 'Configure a connection.' },
        update: { handler: writeHandler(engine), summary: 'Configure a connection.' },
        read: {
          handler: readHandler(engine),
          summary: 'Read a connection configuration (never its password).',
        },
        delete: {
          handler: async (_req, d) => {
            const n = d.get<string>('name')
            if (n === '') throw new InvalidRequestError('empty name attribute given')
            await engine.storage.delete(CONFIG_PREFIX + n)
            await engine.connections.clear(n)
            return null
          },
          summary: 'Delete a connection configuration.',
        },
      },
      synopsis: 'Configure connection details to a database plugin.',
      description:
        'Configures the connection details used to connect to a particular database: `plugin_name` (required), `connection_url` with `{{username}}`/`{{password}}` templates filled from `username` and `password`, `allowed_roles`, `verify_connection` (default true), `password_policy`, `username_template`, `max_open_connections`, `max_idle_connections`, `max_connection_lifetime`, `root_rotation_statements`.',
    }),
    definePath({
      pattern: `reset/${genericNameRegex('name')}`,
      fields: { name },
      operations: {
        update: {
          handler: async (_req, d) => {
            const n = d.get<string>('name')
            if (n === '') throw new InvalidRequestError('empty name attribute given')
            await engine.connections.clear(n)
            await engine.connections.get(engine.storage, n)
            return null
          },
          summary: 'Close the connection and open it again.',
        },
      },
      synopsis: 'Resets a database plugin.',
      description:
        'This path resets the database connection by closing the existing database plugin instance and running a new one.',
    }),
  ]
}
