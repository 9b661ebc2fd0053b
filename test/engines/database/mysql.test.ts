/**
 * The database engine on the machine's MariaDB, through `mysql-database-plugin`, with a dedicated admin
 * user made for this file (MariaDB's root is never handed to the engine's rotate-root). MariaDB checks
 * passwords of the `'<name>'@'%'` users the engine creates, so the right password logs in and a wrong
 * one is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MY, myAdmin, myCanLogin, myUserExists, serviceMissing, uniq } from '../../database/support.js'
import { type DbSetup, dbSetup, rejection } from './setup.js'

const skip = serviceMissing('mysql')
const DB = uniq('vl_db')
const ADMIN = uniq('vl_admin')
const ADMIN_PASSWORD = 'Admin-initial-pw-1'
const STATIC = uniq('vl_static')
const CREATE = `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON ${DB}.* TO '{{name}}'@'%';`

async function selectAs(user: string, password: string): Promise<number> {
  const mysql = (await import('mysql2/promise')).default
  const conn = await mysql.createConnection({ host: MY.host, port: MY.port, user, password, database: DB })
  try {
    const [rows] = await conn.query('SELECT COUNT(*) AS n FROM items')
    return Number((rows as Array<{ n: number }>)[0]?.n)
  } finally {
    await conn.end()
  }
}

describe.skipIf(Boolean(skip))('database engine on MariaDB', () => {
  let s: DbSetup

  beforeAll(async () => {
    await myAdmin(`CREATE DATABASE ${DB}`)
    await myAdmin(`CREATE TABLE ${DB}.items (id INT)`)
    await myAdmin(`INSERT INTO ${DB}.items VALUES (1), (2), (3), (4)`)
    await myAdmin(`CREATE USER ?@'%' IDENTIFIED BY ?`, [ADMIN, ADMIN_PASSWORD])
    await myAdmin(`GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION`, [ADMIN])
    s = await dbSetup()
    await s.db.configure('mydb', {
      plugin_name: 'mysql-database-plugin',
      connection_url: `{{username}}:{{password}}@tcp(${MY.host}:${MY.port})/`,
      username: ADMIN,
      password: ADMIN_PASSWORD,
      allowed_roles: 'ro,static,evil',
    })
    await s.db.writeRole('ro', {
      db_name: 'mydb',
      creation_statements: [CREATE],
      default_ttl: '1h',
      max_ttl: '24h',
    })
  })

  afterAll(async () => {
    await s?.cleanup()
    await myAdmin(`DROP USER IF EXISTS ?@'%'`, [ADMIN]).catch(() => undefined)
    await myAdmin(`DROP USER IF EXISTS ?@'%'`, [STATIC]).catch(() => undefined)
    await myAdmin(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined)
  })

  it('issued credentials log in and SELECT; a wrong password is refused; revoke removes the user', async () => {
    const c = await s.db.creds('ro')
    expect(c.username).toMatch(/^v-root-ro-[0-9A-Za-z]{20}-\d$/) // Vault's template, cut to 32 characters
    expect(c.username.length).toBe(32)
    expect(await selectAs(c.username, c.password)).toBe(4)
    expect(await myCanLogin(c.username, `${c.password}x`)).toBe(false)
    await s.db.revoke(c.leaseId)
    expect(await myUserExists(c.username)).toBe(false)
    expect(await myCanLogin(c.username, c.password)).toBe(false)
  })

  it('expiry removes the user; renewal extends the lease (MySQL has no expiration to move)', async () => {
    const c = await s.db.creds('ro')
    await s.clock.advance('30m')
    expect(await s.db.renew(c.leaseId, '1h')).toBe(3600)
    await s.advance('45m')
    expect(await myUserExists(c.username)).toBe(true)
    await s.advance('16m')
    expect(await myUserExists(c.username)).toBe(false)
  })

  it('a role not in allowed_roles is refused', async () => {
    await s.db.writeRole('other', { db_name: 'mydb', creation_statements: [CREATE] })
    expect((await rejection(() => s.db.creds('other'))).message).toBe('"other" is not an allowed role')
  })

  it('an injection attempt through the username template is harmless', async () => {
    await s.db.configure('mydb', {
      plugin_name: 'mysql-database-plugin',
      username_template: `{{ printf "v'x\\"%s\`; DROP DATABASE ${DB}; --" (random 4) }}`,
    })
    const c = await s.db.creds('ro')
    expect(c.username).toMatch(/^v'x"[0-9A-Za-z]{4}`; DROP DATABASE /)
    expect(await selectAs(c.username, c.password)).toBe(4)
    await s.db.revoke(c.leaseId)
    expect(await myUserExists(c.username)).toBe(false)
    await s.db.configure('mydb', { plugin_name: 'mysql-database-plugin', username_template: '' })
  })

  it('static role rotation changes the password MariaDB accepts', async () => {
    await myAdmin(`CREATE USER ?@'%' IDENTIFIED BY 'static-initial-1'`, [STATIC])
    await s.db.writeStaticRole('static', { db_name: 'mydb', username: STATIC, rotation_period: '10m' })
    const first = await s.db.staticCreds('static')
    expect(await myCanLogin(STATIC, 'static-initial-1')).toBe(false)
    expect(await myCanLogin(STATIC, first.password)).toBe(true)
    await s.advance('10m')
    const second = await s.db.staticCreds('static')
    expect(second.password).not.toBe(first.password)
    expect(await myCanLogin(STATIC, first.password)).toBe(false)
    expect(await myCanLogin(STATIC, second.password)).toBe(true)
  })

  it("rotate-root: the admin's old password is refused and the engine keeps working", async () => {
    await s.db.rotateRoot('mydb')
    expect(await myCanLogin(ADMIN, ADMIN_PASSWORD)).toBe(false)
    expect(JSON.stringify(await s.db.readConfig('mydb'))).not.toContain(ADMIN_PASSWORD)
    const c = await s.db.creds('ro')
    expect(await selectAs(c.username, c.password)).toBe(4)
    await s.db.revoke(c.leaseId)
    expect(await myUserExists(c.username)).toBe(false)
  })

  it('a creation that fails half-way leaves no user behind (MySQL commits DDL by itself)', async () => {
    await s.db.configure('mydb', {
      plugin_name: 'mysql-database-plugin',
      username_template: '{{ printf "vl_half_%s" (random 10) }}',
    })
    await s.db.writeRole('ro', {
      db_name: 'mydb',
      creation_statements: [
        `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON ${DB}.no_table TO '{{name}}'@'%';`,
      ],
    })
    const err = await rejection(() => s.db.creds('ro'))
    expect(err.statusCode).toBe(500)
    expect(err.message).toMatch(
      /^failed to execute query: Error 1146 \(42S02\): Table '.*no_table' doesn't exist$/,
    )
    const left = await myAdmin<{ n: number }>(
      "SELECT COUNT(*) AS n FROM mysql.user WHERE user LIKE 'vl\\_half\\_%'",
    )
    expect(Number(left[0]?.n)).toBe(0)
  })
})
