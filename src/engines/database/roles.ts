/**
 * `roles/:name` and `LIST roles` (Vault's `path_roles.go`, dynamic half): what `creds/:name` creates —
 * the connection (`db_name`), the creation, revocation, rollback and renew statements, the TTLs and the
 * credential type.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import type { DatabaseEngine } from './engine.js'
import {
  emptyStatements,
  listPage,
  ROLE_PREFIX,
  type RoleEntry,
  readRole,
  STATIC_ROLE_PREFIX,
} from './storage.js'

const CREDENTIAL_TYPES = ['password', 'rsa_private_key', 'client_certificate']

/** Fields both role kinds take (Vault's `fieldsForType` common part). */
export const commonRoleFields: Record<string, FieldSchema> = {
  name: { type: 'string', description: 'Name of the role.' },
  db_name: { type: 'string', description: 'Name of the database this role acts on.' },
  credential_type: {
    type: 'string',
    default: 'password',
    description:
      "The type of credential to manage. Options include: 'password', 'rsa_private_key'. Defaults to 'password'.",
  },
  credential_config: { type: 'kvPairs', description: 'The configuration for the given credential_type.' },
}

/**
 * Applies `credential_type` and `credential_config` (Vault's `setCredentialType` /
 * `setCredentialConfig`): a password role keeps only `password_policy`.
 *
 * @throws {InvalidRequestError} `invalid credential_type "<t>"`, `credential_config validation failed: …`.
 */
export function applyCredentialFields(role: RoleEntry, d: FieldData, creating: boolean): void {
  const [type, hasType] = d.getOk<string>('credential_type')
  if (hasType) {
    if (!CREDENTIAL_TYPES.includes(type ?? ''))
      throw new InvalidRequestError(`invalid credential_type "${type}"`)
    role.credential_type = type as string
  }
  const [cfg, hasCfg] = d.getOk<Record<string, string>>('credential_config')
  if (!hasCfg && !creating) return
  const config = cfg ?? {}
  if (role.credential_type === 'password') {
    role.credential_config = config.password_policy ? { password_policy: config.password_policy } : {}
    return
  }
  if (role.credential_type === 'rsa_private_key') {
    const format = (config.format ?? '').toLowerCase()
    if (format !== '' && format !== 'pkcs8') {
      throw new InvalidRequestError(`credential_config validation failed: invalid format: ${config.format}`)
    }
    const bits = config.key_bits === undefined || config.key_bits === '' ? 2048 : Number(config.key_bits)
    if (![2048, 3072, 4096].includes(bits)) {
      throw new InvalidRequestError(
        `credential_config validation failed: invalid key_bits: ${config.key_bits}`,
      )
    }
    role.credential_config = { format: 'pkcs8', key_bits: bits }
    return
  }
  role.credential_config = { ...config }
}

function setList(
  role: RoleEntry,
  key: keyof RoleEntry['statements'],
  d: FieldData,
  field: string,
  creating: boolean,
) {
  const [v, ok] = d.getOk<string[]>(field)
  if (ok) role.statements[key] = v ?? []
  else if (creating) role.statements[key] = []
}

function write(engine: DatabaseEngine) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const name = d.get<string>('name')
    if (name === '') throw new InvalidRequestError('empty role name attribute given')
    return engine.locks.run(`role:${name}`, async () => {
      if ((await engine.storage.get(STATIC_ROLE_PREFIX + name)) !== null) {
        throw new InvalidRequestError('Role and Static Role names must be unique')
      }
      const creating = req.operation === 'create'
      const role: RoleEntry = (await readRole(engine.storage, ROLE_PREFIX, name)) ?? {
        db_name: '',
        statements: emptyStatements(),
        default_ttl: 0,
        max_ttl: 0,
        credential_type: 'password',
        credential_config: {},
      }
      const [dbName, hasDb] = d.getOk<string>('db_name')
      if (hasDb) role.db_name = dbName ?? ''
      if (role.db_name === '') throw new InvalidRequestError('database name is required')
      applyCredentialFields(role, d, creating)
      setList(role, 'creation', d, 'creation_statements', creating)
      setList(role, 'revocation', d, 'revocation_statements', creating)
      setList(role, 'rollback', d, 'rollback_statements', creating)
      setList(role, 'renewal', d, 'renew_statements', creating)
      role.statements.revocation = role.statements.revocation.filter((s) => s !== '')
      const [ttl, hasTtl] = d.getOk<number>('default_ttl')
      if (hasTtl) role.default_ttl = ttl ?? 0
      else if (creating) role.default_ttl = 0
      const [max, hasMax] = d.getOk<number>('max_ttl')
      if (hasMax) role.max_ttl = max ?? 0
      else if (creating) role.max_ttl = 0
      await engine.storage.putJSON(ROLE_PREFIX + name, role)
      return null
    })
  }
}

async function read(engine: DatabaseEngine, name: string): Promise<LogicalResponse | null> {
  const role = await readRole(engine.storage, ROLE_PREFIX, name)
  if (!role) return null
  const data: Record<string, unknown> = {
    db_name: role.db_name,
    creation_statements: role.statements.creation,
    revocation_statements: role.statements.revocation,
    rollback_statements: role.statements.rollback,
    renew_statements: role.statements.renewal,
    default_ttl: role.default_ttl,
    max_ttl: role.max_ttl,
    credential_type: role.credential_type,
  }
  if (Object.keys(role.credential_config).length > 0) data.credential_config = role.credential_config
  return { data }
}

/** The listing fields of `roles/` and `static-roles/`. */
export const listFields: Record<string, FieldSchema> = {
  after: {
    type: 'string',
    description: 'Optional entry to list begin listing after, not required to exist.',
  },
  limit: { type: 'int', description: 'Optional number of entries to return; defaults to all entries.' },
}

/**
 * The `roles/:name` and `roles/` paths.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'database', paths: rolePaths(engine) })
 * ```
 */
export function rolePaths(engine: DatabaseEngine): PathDefinition[] {
  return [
    definePath({
      pattern: 'roles/?$',
      fields: listFields,
      operations: {
        list: async (_req, d) => ({
          data: {
            keys: await listPage(engine.storage, ROLE_PREFIX, d.get<string>('after'), d.get<number>('limit')),
          },
        }),
      },
      synopsis: 'Manage the roles that can be created with this backend.',
    }),
    definePath({
      pattern: `roles/${genericNameRegex('name')}`,
      fields: {
        ...commonRoleFields,
        default_ttl: { type: 'duration', description: 'Default ttl for role.' },
        max_ttl: { type: 'duration', description: 'Maximum time a credential is valid for' },
        creation_statements: {
          type: 'stringSlice',
          description: 'Specifies the database statements executed to create and configure a user.',
        },
        revocation_statements: {
          type: 'stringSlice',
          description: 'Specifies the database statements to be executed to revoke a user.',
        },
        renew_statements: {
          type: 'stringSlice',
          description: 'Specifies the database statements to be executed to renew a user.',
        },
        rollback_statements: {
          type: 'stringSlice',
          description:
            'Specifies the database statements to be executed rollback a create operation in the event of an error.',
        },
      },
      existenceCheck: async (_req, d) =>
        (await engine.storage.get(ROLE_PREFIX + d.get<string>('name'))) !== null,
      operations: {
        read: async (_req, d) => read(engine, d.get<string>('name')),
        create: write(engine),
        update: write(engine),
        delete: async (_req, d) => {
          await engine.storage.delete(ROLE_PREFIX + d.get<string>('name'))
          return null
        },
      },
      synopsis: 'Manage the roles that can be created with this backend.',
      description:
        "A role names a connection (`db_name`) and the statements that create a user (`creation_statements`, with `{{name}}`, `{{password}}` and `{{expiration}}` filled in, each escaped for its place in the SQL), revoke it (`revocation_statements`; empty = the database's default revocation), undo a failed creation (`rollback_statements`) and renew it (`renew_statements`), plus `default_ttl` and `max_ttl`.",
    }),
  ]
}
