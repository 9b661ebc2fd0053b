/**
 * The MySQL plugins against the machine's MariaDB. Its root signs in over TCP with
 * `mysql_native_password` and an empty password (not `unix_socket`), and the users the plugin creates
 * (`'<name>'@'%'`) must give their password: the suite checks that a wrong one is refused.
 */
import { describe, expect, it } from 'vitest'
import { databasePluginConformance } from '../../src/database/conformance.js'
import { MysqlPlugin, mysqlPlugin, parseMysqlDsn } from '../../src/database/mysql.js'
import { MY, myAdmin, myCanLogin, myUserExists, serviceMissing } from './support.js'

const CREATE = [
  `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON test.* TO '{{name}}'@'%';`,
]
const FAILING = [
  `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON vaultlet_no_db.no_table TO '{{name}}'@'%' WITH NONSENSE;`,
]
const REVOKE = ["DROP USER '{{name}}'@'%'"]

const skip = serviceMissing('mysql')

describe.skipIf(Boolean(skip))("the machine's MariaDB", () => {
  it('authenticates root over TCP with a password plugin, not unix_socket', async () => {
    const rows = await myAdmin<{ plugin: string }>(
      "SELECT plugin FROM mysql.user WHERE user = 'root' AND host = '127.0.0.1'",
    )
    expect(rows[0]?.plugin).toBe('mysql_native_password')
  })
})

for (const pluginName of ['mysql-database-plugin', 'mysql-legacy-database-plugin']) {
  databasePluginConformance(`${pluginName} (MariaDB)`, {
    skip,
    create: () => mysqlPlugin({ pluginName }),
    config: () => ({
      connection_url: `{{username}}:{{password}}@tcp(${MY.host}:${MY.port})/`,
      username: MY.user,
      password: MY.password,
    }),
    rootPassword: () => 'root-has-no-password-here',
    creationStatements: CREATE,
    failingCreationStatements: FAILING,
    revocationStatements: REVOKE,
    userExists: (u) => myUserExists(u),
    canLogin: (u, p) => myCanLogin(u, p),
    createUser: async (u, p) => {
      await myAdmin(`CREATE USER ?@'%' IDENTIFIED BY ?`, [u, p])
    },
    dropUser: async (u) => {
      await myAdmin(`DROP USER IF EXISTS ?@'%'`, [u])
    },
    enforcesPasswords: true,
    unreachableUrl: '{{username}}:{{password}}@tcp(127.0.0.1:1)/',
  })
}

describe('mysql plugin units', () => {
  it('parses Go DSNs and mysql:// URLs', () => {
    expect(parseMysqlDsn('{{username}}:{{password}}@tcp(127.0.0.1:3306)/app?timeout=5s')).toEqual({
      user: '{{username}}',
      password: '{{password}}',
      host: '127.0.0.1',
      port: 3306,
      database: 'app',
      params: { timeout: '5s' },
    })
    // A password may hold '@', ':' and '/': the last '@' before the last '/' ends it, as in Go's ParseDSN.
    expect(parseMysqlDsn('root:p@ss:w/rd@tcp(db)/')).toMatchObject({
      user: 'root',
      password: 'p@ss:w/rd',
      host: 'db',
      port: 3306,
    })
    expect(parseMysqlDsn('u:p@unix(/run/mysqld/mysqld.sock)/db')).toMatchObject({
      socketPath: '/run/mysqld/mysqld.sock',
    })
    expect(parseMysqlDsn('mysql://u%40x:p%2Fw@db:3307/app')).toMatchObject({
      user: 'u@x',
      password: 'p/w',
      host: 'db',
      port: 3307,
      database: 'app',
    })
  })

  it("uses Vault's username templates: 32 characters, 16 for the legacy variants", async () => {
    for (const [pluginName, max] of [
      ['mysql-database-plugin', 32],
      ['mysql-aurora-database-plugin', 16],
      ['mysql-rds-database-plugin', 16],
      ['mysql-legacy-database-plugin', 16],
    ] as const) {
      const db = new MysqlPlugin({ pluginName })
      let seen = ''
      // A fake driver records the statement instead of running it.
      await db.initialize({ config: { connection_url: 'u:p@tcp(127.0.0.1:1)/' }, verifyConnection: false })
      ;(db as unknown as { pool: () => Promise<unknown> }).pool = async () => ({
        query: async () => [],
        transaction: async (fn: (s: { query: (q: string) => Promise<unknown[]> }) => Promise<unknown>) =>
          fn({
            query: async (q: string) => {
              seen = q
              return []
            },
          }),
        close: async () => undefined,
      })
      const { username } = await db.newUser({
        usernameConfig: { displayName: 'a-very-long-display-name', roleName: 'a-very-long-role-name' },
        statements: { commands: ["CREATE USER '{{name}}'@'%'"] },
        rollbackStatements: { commands: [] },
        credentialType: 'password',
        password: 'x',
        expiration: Date.now(),
      })
      expect(username.length).toBe(max)
      expect(seen).toBe(`CREATE USER '${username}'@'%'`)
      expect(username.startsWith(max === 32 ? 'v-a-very-lon-a-very-lon-' : 'v-a-ve-')).toBe(true)
    }
  })

  it('names the package to install when the driver is missing', async () => {
    const { loadDriver } = await import('../../src/database/sql-plugin.js')
    const db = new MysqlPlugin({
      driver: () =>
        loadDriver('mysql-database-plugin', 'mysql2', () =>
          Promise.reject(
            Object.assign(new Error("Cannot find package 'mysql2'"), { code: 'ERR_MODULE_NOT_FOUND' }),
          ),
        ),
    })
    await expect(
      db.initialize({ config: { connection_url: 'u:p@tcp(127.0.0.1:3306)/' }, verifyConnection: true }),
    ).rejects.toThrow('mysql-database-plugin needs the "mysql2" package: install it with npm install mysql2')
  })
})
