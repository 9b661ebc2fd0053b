/**
 * `creds/:name` and the `creds` secret type (Vault's `path_creds_create.go`, `secret_creds.go`): a new
 * database user per read, as a leased secret. Renewing the lease runs the renew statements (PostgreSQL
 * moves `VALID UNTIL`); revoking it — or its expiry — runs the revocation statements, or the database's
 * default revocation when the role has none. When the role is gone by then, the connection name and
 * statements kept with the lease are used.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { redactSecrets } from '../../database/sql-plugin.js'
import { calculateTtl } from '../../engines/token/ttl.js'
import { InvalidRequestError } from '../../errors.js'
import { type SecretType, secretResponse } from '../../framework/backend.js'
import { goQuote } from '../../framework/duration.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { DatabaseEngine } from './engine.js'
import { assertAllowedRole, failure, ROLE_PREFIX, readRole, requireConfig } from './storage.js'

/** The secret type of dynamic credentials (Vault's `SecretCredsType`). */
export const SECRET_CREDS_TYPE = 'creds'

/**
 * Vault adds five seconds to a database user's expiration, so the database never ends it before the
 * lease does.
 */
const EXPIRATION_BUFFER_MS = 5000

function internalString(req: LogicalRequest, key: string): string {
  const v = req.secret?.internalData?.[key]
  if (typeof v !== 'string') throw failure(`secret is missing ${goQuote(key)} field in internal data`)
  return v
}

/**
 * The `creds` secret type: renew and revoke.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'database', secrets: [credsSecret(engine)], paths })
 * ```
 */
export function credsSecret(engine: DatabaseEngine): SecretType {
  return {
    type: SECRET_CREDS_TYPE,
    renew: async (req) => {
      const username = internalString(req, 'username')
      const roleName = internalString(req, 'role')
      const role = await readRole(engine.storage, ROLE_PREFIX, roleName)
      if (!role) throw failure(`error during renew: could not find role with name ${goQuote(roleName)}`)
      const inst = await engine.connections.get(engine.storage, role.db_name)
      const now = engine.now()
      const { ttl } = calculateTtl({
        system: engine.system,
        now,
        increment: req.secret?.increment ?? 0,
        backendTtl: role.default_ttl,
        backendMaxTtl: role.max_ttl,
        startTime: req.secret?.issueTime ?? 0,
      })
      if (ttl > 0) {
        try {
          await inst.run((db) =>
            db.updateUser({
              username,
              expiration: {
                newExpiration: now + ttl * 1000 + EXPIRATION_BUFFER_MS,
                statements: { commands: role.statements.renewal },
              },
            }),
          )
        } catch (e) {
          throw failure((e as Error).message, e)
        }
      }
      return { secret: { ...req.secret, ttl: role.default_ttl, maxTtl: role.max_ttl } }
    },
    revoke: async (req) => {
      const username = internalString(req, 'username')
      const roleName = req.secret?.internalData?.role
      if (typeof roleName !== 'string') throw failure('no role name was provided')
      const role = await readRole(engine.storage, ROLE_PREFIX, roleName)
      let dbName: string
      let statements: string[]
      if (role) {
        dbName = role.db_name
        statements = role.statements.revocation
      } else {
        const stored = req.secret?.internalData?.db_name
        if (typeof stored !== 'string') {
          throw failure(
            `error during revoke: could not find role with name ${goQuote(roleName)} or embedded revocation db name data`,
          )
        }
        dbName = stored
        const raw = req.secret?.internalData?.revocation_statements
        statements = Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : []
      }
      const inst = await engine.connections.get(engine.storage, dbName)
      try {
        await inst.run((db) => db.deleteUser({ username, statements: { commands: statements } }))
      } catch (e) {
        throw failure((e as Error).message, e)
      }
      return null
    },
  }
}

function read(engine: DatabaseEngine, secret: SecretType) {
  return async (req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const name = d.get<string>('name')
    const role = await readRole(engine.storage, ROLE_PREFIX, name)
    if (!role) throw new InvalidRequestError(`unknown role: ${name}`)
    const config = await requireConfig(engine.storage, role.db_name)
    assertAllowedRole(config, name)
    if (role.credential_type !== 'password') {
      throw new InvalidRequestError(`unsupported credential_type: "${role.credential_type}"`)
    }
    const now = engine.now()
    const { ttl } = calculateTtl({
      system: engine.system,
      now,
      backendTtl: role.default_ttl,
      backendMaxTtl: role.max_ttl,
    })
    const inst = await engine.connections.get(engine.storage, role.db_name)
    const password = await engine.password(DatabaseEngine.policyOf(role, config))
    let username: string
    try {
      const created = await inst.run((db) =>
        db.newUser({
          usernameConfig: { displayName: req.displayName, roleName: name },
          statements: { commands: role.statements.creation },
          rollbackStatements: { commands: role.statements.rollback },
          credentialType: 'password',
          password,
          expiration: now + ttl * 1000 + EXPIRATION_BUFFER_MS,
        }),
      )
      username = created.username
    } catch (e) {
      throw failure(redactSecrets((e as Error).message, [password]), e)
    }
    const resp = secretResponse(
      secret,
      { username, password },
      { username, role: name, db_name: role.db_name, revocation_statements: role.statements.revocation },
    )
    if (resp.secret) {
      resp.secret.ttl = role.default_ttl
      resp.secret.maxTtl = role.max_ttl
    }
    return resp
  }
}

/**
 * The `creds/:name` path.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'database', secrets: [secret], paths: [credsPath(engine, secret)] })
 * ```
 */
export function credsPath(engine: DatabaseEngine, secret: SecretType): PathDefinition {
  return definePath({
    pattern: `creds/${genericNameRegex('name')}`,
    fields: { name: { type: 'string', description: 'Name of the role.' } },
    operations: { read: { handler: read(engine, secret), summary: 'Generate credentials for a role.' } },
    synopsis: 'Request database credentials for a certain role.',
    description:
      'This path reads database credentials for a certain role. The database credentials will be generated on demand and will be automatically revoked when the lease is up.',
  })
}
