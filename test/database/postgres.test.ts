/**
 * `postgresql-database-plugin` against real servers: the conformance suite on the machine's PostgreSQL
 * (trust auth: passwords are not checked there) and on a private `scram-sha-256` cluster (where they are).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databasePluginConformance } from '../../src/database/conformance.js'
import {
  PostgresPlugin,
  parseKeyValueDsn,
  postgresPlugin,
  scramSha256Verifier,
} from '../../src/database/postgres.js'
import {
  PG,
  type PrivateCluster,
  pgAdmin,
  pgCanLogin,
  pgRoleExists,
  privateClusterMissing,
  serviceMissing,
  startPrivateCluster,
} from './support.js'

// No GRANT on shared objects: other test files change the same catalog rows in parallel.
const CREATE = [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`]
const FAILING = [
  `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}'; GRANT SELECT ON vaultlet_no_such_table TO "{{name}}";`,
]
const REVOKE = [
  'REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM {{name}}; DROP ROLE IF EXISTS {{name}};',
]

const shared = serviceMissing('postgres')

databasePluginConformance('postgresql-database-plugin (machine PostgreSQL, trust auth)', {
  skip: shared,
  create: () => postgresPlugin(),
  config: () => ({
    connection_url: `postgresql://{{username}}:{{password}}@${PG.host}:${PG.port}/${PG.database}?sslmode=disable`,
    username: PG.user,
    password: 'not-checked-by-trust-auth',
  }),
  rootPassword: () => 'not-checked-by-trust-auth',
  creationStatements: CREATE,
  failingCreationStatements: FAILING,
  revocationStatements: REVOKE,
  userExists: (u) => pgRoleExists(u),
  canLogin: (u, p) => pgCanLogin(u, p),
  createUser: async (u, p) => {
    await pgAdmin(`CREATE ROLE "${u}" LOGIN PASSWORD '${p}'`)
  },
  dropUser: async (u) => {
    await pgAdmin(`DROP ROLE IF EXISTS "${u}"`)
  },
  enforcesPasswords: false,
  unreachableUrl: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/test?connect_timeout=2',
})

const privateSkip = privateClusterMissing()
let cluster: PrivateCluster | undefined

// One cluster for the whole file (the conformance suite below uses it too).
beforeAll(async () => {
  if (!privateSkip) cluster = await startPrivateCluster()
}, 120_000)
afterAll(() => cluster?.destroy())

describe.skipIf(Boolean(privateSkip))('private scram-sha-256 cluster', () => {
  it('refuses a wrong password for its superuser (the cluster checks passwords)', async () => {
    const at = cluster as PrivateCluster
    expect(await pgCanLogin(at.user, at.password, at)).toBe(true)
    expect(await pgCanLogin(at.user, `${at.password}x`, at)).toBe(false)
  })

  describe('password_authentication = scram-sha-256 sends a verifier the server accepts', () => {
    it('creates a user whose password works', async () => {
      const at = cluster as PrivateCluster
      const db = new PostgresPlugin()
      await db.initialize({
        config: {
          connection_url: `postgresql://{{username}}:{{password}}@${at.host}:${at.port}/${at.database}`,
          username: at.user,
          password: at.password,
          password_authentication: 'scram-sha-256',
        },
        verifyConnection: true,
      })
      const { username } = await db.newUser({
        usernameConfig: { displayName: 'token', roleName: 'scram' },
        statements: { commands: CREATE },
        rollbackStatements: { commands: [] },
        credentialType: 'password',
        password: 'Scram-pass-123',
        expiration: Date.now() + 3600_000,
      })
      const stored = await pgAdmin<{ rolpassword: string }>(
        'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
        [username],
        { ...at, user: at.user, password: at.password },
      )
      expect(stored[0]?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/)
      expect(await pgCanLogin(username, 'Scram-pass-123', at)).toBe(true)
      expect(await pgCanLogin(username, 'Scram-pass-124', at)).toBe(false)
      await db.deleteUser({ username, statements: { commands: [] } })
      await db.close()
    })
  })
})

databasePluginConformance('postgresql-database-plugin (private scram-sha-256 cluster)', {
  skip: privateSkip,
  create: () => postgresPlugin(),
  config: () => {
    const at = cluster as PrivateCluster
    return {
      connection_url: `postgresql://{{username}}:{{password}}@${at.host}:${at.port}/${at.database}`,
      username: at.user,
      password: at.password,
    }
  },
  rootPassword: () => (cluster as PrivateCluster).password,
  creationStatements: CREATE,
  failingCreationStatements: FAILING,
  revocationStatements: REVOKE,
  userExists: (u) => {
    const at = cluster as PrivateCluster
    return pgRoleExists(u, { ...at, user: at.user, password: at.password })
  },
  canLogin: (u, p) => pgCanLogin(u, p, cluster as PrivateCluster),
  createUser: async (u, p) => {
    const at = cluster as PrivateCluster
    await pgAdmin(`CREATE ROLE "${u}" LOGIN PASSWORD '${p}'`, [], {
      ...at,
      user: at.user,
      password: at.password,
    })
  },
  dropUser: async (u) => {
    const at = cluster as PrivateCluster
    await pgAdmin(`DROP ROLE IF EXISTS "${u}"`, [], { ...at, user: at.user, password: at.password })
  },
  enforcesPasswords: true,
  unreachableUrl: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/test?connect_timeout=2',
})

describe('postgres plugin units', () => {
  it("makes SCRAM-SHA-256 verifiers in PostgreSQL's format (RFC 7677 test vector)", () => {
    // RFC 7677 §3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    const salt = Uint8Array.from(atob('W22ZaJ0SNY7soEsUEjb6gQ=='), (c) => c.charCodeAt(0))
    const v = scramSha256Verifier('pencil', salt)
    // StoredKey and ServerKey cross-checked with Python's hashlib.pbkdf2_hmac / hmac over the RFC inputs.
    expect(v).toBe(
      'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=',
    )
  })

  it('parses libpq key/value connection strings', () => {
    expect(parseKeyValueDsn("host=db port=5432 user={{username}} password='a b\\'c' dbname=app")).toEqual({
      host: 'db',
      port: '5432',
      user: '{{username}}',
      password: "a b'c",
      dbname: 'app',
    })
  })

  it('refuses an unknown password_authentication', async () => {
    const db = postgresPlugin()
    await expect(
      db.initialize({
        config: { connection_url: 'postgresql://u:p@h/db', password_authentication: 'md5' },
        verifyConnection: false,
      }),
    ).rejects.toThrow("'md5' is not a valid password authentication type")
  })

  it('refuses a username longer than 63 bytes instead of letting PostgreSQL truncate it', async () => {
    const db = postgresPlugin()
    await db.initialize({
      config: {
        connection_url: 'postgresql://u:p@127.0.0.1:1/db',
        username_template: '{{ printf "%s" (random 70) }}',
      },
      verifyConnection: false,
    })
    await expect(
      db.newUser({
        usernameConfig: { displayName: 't', roleName: 'r' },
        statements: { commands: CREATE },
        rollbackStatements: { commands: [] },
        credentialType: 'password',
        password: 'x',
        expiration: Date.now(),
      }),
    ).rejects.toThrow(/63-byte limit/)
    await db.close()
  })

  it('names the package to install when the driver is missing', async () => {
    const db = new PostgresPlugin({
      driver: async () => {
        const { loadDriver } = await import('../../src/database/sql-plugin.js')
        return loadDriver('postgresql-database-plugin', 'pg', () =>
          Promise.reject(
            Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' }),
          ),
        )
      },
    })
    await expect(
      db.initialize({ config: { connection_url: 'postgresql://u:p@127.0.0.1/db' }, verifyConnection: true }),
    ).rejects.toThrow('postgresql-database-plugin needs the "pg" package: install it with npm install pg')
  })
})
