/**
 * `static-roles/:name`, `LIST static-roles`, `static-creds/:name`, `rotate-role/:name` (Vault's
 * `path_roles.go` static half, `path_creds_create.go`, `path_rotate_credentials.go`): existing database
 * users whose passwords the engine owns and rotates every `rotation_period`. Creating a static role
 * rotates its password at once; the rotation queue (`rotation.ts`) does the rest.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { rfc3339 } from '../../util/encoding.js'
import { type DatabaseEngine, MIN_ROTATION_PERIOD } from './engine.js'
import { applyCredentialFields, commonRoleFields, listFields } from './roles.js'
import {
  assertAllowedRole,
  emptyStatements,
  listPage,
  ROLE_PREFIX,
  type RoleEntry,
  readRole,
  requireConfig,
  STATIC_ROLE_PREFIX,
  STATIC_WAL_PREFIX,
  type StaticAccount,
} from './storage.js'

/** Seconds until the next rotation (Vault's `CredentialTTL`), never negative. */
export function credentialTtl(account: StaticAccount, now: number): number {
  const next = account.last_vault_rotation + account.rotation_period * 1000
  return Math.max(0, Math.round((next - now) / 1000))
}

function write(engine: DatabaseEngine) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const name = d.get<string>('name')
    if (name === '') throw new InvalidRequestError('empty role name attribute given')
    return engine.locks.run(`role:${name}`, async () => {
      if ((await engine.storage.get(ROLE_PREFIX + name)) !== null) {
        throw new InvalidRequestError('Role and Static Role names must be unique')
      }
      const existing = await readRole(engine.storage, STATIC_ROLE_PREFIX, name)
      const creating = req.operation === 'create' || existing === null
      const role: RoleEntry = existing ?? {
        db_name: '',
        statements: emptyStatements(),
        default_ttl: 0,
        max_ttl: 0,
        credential_type: 'password',
        credential_config: {},
      }
      const account: StaticAccount = role.static_account ?? {
        username: '',
        password: '',
        last_vault_rotation: 0,
        rotation_period: 0,
      }
      const [dbName, hasDb] = d.getOk<string>('db_name')
      if (hasDb) role.db_name = dbName ?? ''
      if (role.db_name === '') throw new InvalidRequestError('database name is a required field')
      const [username, hasUser] = d.getOk<string>('username')
      if (creating && (username ?? '') === '') {
        throw new InvalidRequestError('username is a required field to create a static account')
      }
      if (hasUser) {
        if (account.username !== '' && account.username !== username) {
          throw new InvalidRequestError('cannot update static account username')
        }
        account.username = username ?? ''
      }
      const [period, hasPeriod] = d.getOk<number>('rotation_period')
      if (!hasPeriod && creating)
        throw new InvalidRequestError('rotation_period is required to create static accounts')
      if (hasPeriod) {
        if ((period ?? 0) < MIN_ROTATION_PERIOD) {
          throw new InvalidRequestError(`rotation_period must be ${MIN_ROTATION_PERIOD} seconds or more`)
        }
        account.rotation_period = period ?? 0
      }
      const [rotation, hasRotation] = d.getOk<string[]>('rotation_statements')
      if (hasRotation) role.statements.rotation = rotation ?? []
      else if (creating) role.statements.rotation = []
      applyCredentialFields(role, d, creating)
      role.static_account = account
      if (creating) {
        let at: number
        try {
          at = await engine.setStaticAccount(name, role)
        } catch (e) {
          await engine.storage.delete(STATIC_WAL_PREFIX + name)
          throw e
        }
        engine.queue.set(name, at + account.rotation_period * 1000)
      } else {
        await engine.storage.putJSON(STATIC_ROLE_PREFIX + name, role)
        engine.queue.set(name, account.last_vault_rotation + account.rotation_period * 1000)
      }
      return null
    })
  }
}

async function readStatic(engine: DatabaseEngine, name: string): Promise<LogicalResponse | null> {
  const role = await readRole(engine.storage, STATIC_ROLE_PREFIX, name)
  if (!role) return null
  const data: Record<string, unknown> = {
    db_name: role.db_name,
    rotation_statements: role.statements.rotation,
    credential_type: role.credential_type,
  }
  const account = role.static_account
  if (account) {
    data.username = account.username
    data.rotation_period = account.rotation_period
    if (account.last_vault_rotation > 0) data.last_vault_rotation = rfc3339(account.last_vault_rotation)
  }
  if (Object.keys(role.credential_config).length > 0) data.credential_config = role.credential_config
  return { data }
}

/**
 * The static-role paths: `static-roles/`, `static-roles/:name`, `static-creds/:name`, `rotate-role/:name`.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'database', paths: staticRolePaths(engine) })
 * ```
 */
export function staticRolePaths(engine: DatabaseEngine): PathDefinition[] {
  return [
    definePath({
      pattern: 'static-roles/?$',
      fields: listFields,
      operations: {
        list: async (_req, d) => ({
          data: {
            keys: await listPage(
              engine.storage,
              STATIC_ROLE_PREFIX,
              d.get<string>('after'),
              d.get<number>('limit'),
            ),
          },
        }),
      },
      synopsis: 'Manage the static roles that can be created with this backend.',
    }),
    definePath({
      pattern: `static-roles/${genericNameRegex('name')}`,
      fields: {
        ...commonRoleFields,
        username: {
          type: 'string',
          description:
            'Name of the static user account for vaultlet to manage. Requires "rotation_period" to be specified',
        },
        rotation_period: {
          type: 'duration',
          description:
            'Period for automatic credential rotation of the given username. Not valid unless used with "username".',
        },
        rotation_statements: {
          type: 'stringSlice',
          description: 'Specifies the database statements to be executed to rotate the accounts credentials.',
        },
      },
      existenceCheck: async (_req, d) =>
        (await engine.storage.get(STATIC_ROLE_PREFIX + d.get<string>('name'))) !== null,
      operations: {
        read: async (_req, d) => readStatic(engine, d.get<string>('name')),
        create: write(engine),
        update: write(engine),
        delete: async (_req, d) => {
          const name = d.get<string>('name')
          await engine.locks.run(`role:${name}`, async () => {
            engine.queue.delete(name)
            await engine.storage.delete(STATIC_ROLE_PREFIX + name)
            await engine.storage.delete(STATIC_WAL_PREFIX + name)
          })
          return null
        },
      },
      synopsis: 'Manage the static roles that can be created with this backend.',
      description:
        "A static role manages the password of an existing database user (`username`), rotating it every `rotation_period` (5 seconds at least) with `rotation_statements` (empty = the database's default password change). Creating one rotates the password at once.",
    }),
    definePath({
      pattern: `static-creds/${genericNameRegex('name')}`,
      fields: { name: { type: 'string', description: 'Name of the static role.' } },
      operations: {
        read: async (_req, d) => {
          const name = d.get<string>('name')
          const role = await readRole(engine.storage, STATIC_ROLE_PREFIX, name)
          if (!role?.static_account) throw new InvalidRequestError(`unknown role: ${name}`)
          const config = await requireConfig(engine.storage, role.db_name)
          assertAllowedRole(config, name)
          const account = role.static_account
          const data: Record<string, unknown> = {
            username: account.username,
            ttl: credentialTtl(account, engine.now()),
            rotation_period: account.rotation_period,
            last_vault_rotation: rfc3339(account.last_vault_rotation),
          }
          if (role.credential_type === 'password') data.password = account.password
          return { data }
        },
      },
      synopsis:
        'Request database credentials for a certain static role. These credentials are rotated periodically.',
      description:
        'This path reads database credentials for a certain static role. The database credentials are rotated periodically according to their configuration, and will return the same password until they are rotated.',
    }),
    definePath({
      pattern: `rotate-role/${genericNameRegex('name')}`,
      fields: { name: { type: 'string', description: 'Name of the static role' } },
      operations: {
        update: async (_req, d) => {
          const name = d.get<string>('name')
          if (name === '') throw new InvalidRequestError('empty role name attribute given')
          if ((await readRole(engine.storage, STATIC_ROLE_PREFIX, name)) === null) {
            throw new InvalidRequestError('no static role found for role name')
          }
          await engine.rotateStatic(name, 'request')
          return null
        },
      },
      synopsis: 'Request to rotate the credentials for a static user account.',
      description: 'This path attempts to rotate the credentials for the given static user account.',
    }),
  ]
}
