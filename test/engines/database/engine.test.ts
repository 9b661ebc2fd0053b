/**
 * The database engine's endpoints without a database server: an in-memory plugin stands in, so these
 * tests pin Vault's validation and wording, config redaction, allowed-role globs, password policies,
 * static-role checks, lease plumbing and the lifecycle of connections.
 */
import { describe, expect, it } from 'vitest'
import {
  DatabaseError,
  type DatabasePlugin,
  type NewUserRequest,
  redactConnectionUrl,
} from '../../../src/engines/database/index.js'
import { dbSetup, rejection } from './setup.js'

interface Memory {
  users: Map<string, { password: string; expiration?: number }>
  calls: string[]
  closed: number
  failDelete: boolean
}

function memoryPlugin(mem: Memory): DatabasePlugin {
  let seq = 0
  return {
    type: 'memory',
    async initialize(req) {
      mem.calls.push('initialize')
      if (req.config.connection_url === 'bad') throw new DatabaseError('error verifying connection: nope')
      return { config: req.config }
    },
    async newUser(req: NewUserRequest) {
      mem.calls.push(`newUser ${req.usernameConfig.displayName} ${req.usernameConfig.roleName}`)
      if (req.statements.commands.length === 0) throw new DatabaseError('empty creation statements')
      const username = `mem-${req.usernameConfig.roleName}-${++seq}`
      mem.users.set(username, { password: req.password, expiration: req.expiration })
      return { username }
    },
    async updateUser(req) {
      mem.calls.push(`updateUser ${req.username}`)
      const u = mem.users.get(req.username) ?? { password: '' }
      if (req.password) u.password = req.password.newPassword
      if (req.expiration) u.expiration = req.expiration.newExpiration
      mem.users.set(req.username, u)
    },
    async deleteUser(req) {
      mem.calls.push(`deleteUser ${req.username}`)
      if (mem.failDelete) throw new DatabaseError('database is down')
      mem.users.delete(req.username)
    },
    async close() {
      mem.closed++
    },
  }
}

async function setup() {
  const mem: Memory = { users: new Map(), calls: [], closed: 0, failDelete: false }
  const s = await dbSetup({ plugins: { 'memory-database-plugin': () => memoryPlugin(mem) } })
  await s.db.configure('mem', {
    plugin_name: 'memory-database-plugin',
    connection_url: 'memory://{{username}}:{{password}}@here',
    username: 'admin',
    password: 'Root-Secret-Pw',
    allowed_roles: ['ro', 'app-*'],
  })
  await s.db.writeRole('ro', {
    db_name: 'mem',
    creation_statements: ['CREATE'],
    default_ttl: '1h',
    max_ttl: '2h',
  })
  return { s, mem }
}

describe('config/:name', () => {
  it('reads back without the password, lists, deletes', async () => {
    const { s } = await setup()
    expect(await s.db.readConfig('mem')).toEqual({
      allowed_roles: ['ro', 'app-*'],
      connection_details: { connection_url: 'memory://{{username}}:{{password}}@here', username: 'admin' },
      password_policy: '',
      plugin_name: 'memory-database-plugin',
      plugin_version: '',
      root_credentials_rotate_statements: [],
    })
    expect(await s.db.listConfigs()).toEqual(['mem'])
    await s.db.deleteConfig('mem')
    expect(await s.db.readConfig('mem')).toBeNull()
  })

  it("answers Vault's errors", async () => {
    const { s } = await setup()
    expect(
      (await rejection(() => s.call('POST', 'database/config/x', { connection_url: 'y' }))).message,
    ).toBe('empty plugin name')
    const unknown = await rejection(() => s.db.configure('x', { plugin_name: 'nope-plugin' }))
    expect(unknown.statusCode).toBe(400)
    expect(unknown.message).toBe(
      'error creating database object: invalid database version: plugin not found in the catalog: nope-plugin',
    )
    const bad = await rejection(() =>
      s.db.configure('x', { plugin_name: 'memory-database-plugin', connection_url: 'bad' }),
    )
    expect(bad.message).toBe('error creating database object: error verifying connection: nope')
    expect(await s.db.listConfigs()).toEqual(['mem'])
  })

  it('an update keeps the details it does not change, and replaces the connection', async () => {
    const { s, mem } = await setup()
    await s.db.creds('ro')
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', allowed_roles: '*' })
    expect(mem.closed).toBe(1)
    expect(await s.db.readConfig('mem')).toMatchObject({
      allowed_roles: ['*'],
      connection_details: { connection_url: 'memory://{{username}}:{{password}}@here', username: 'admin' },
    })
  })

  it('redacts literal passwords in every connection string form', () => {
    expect(redactConnectionUrl('postgresql://u:s3cret@db:5432/app')).toBe('postgresql://u:xxxxx@db:5432/app')
    expect(redactConnectionUrl('postgresql://{{username}}:{{password}}@db/app')).toBe(
      'postgresql://{{username}}:{{password}}@db/app',
    )
    expect(redactConnectionUrl('root:s3cr@t@tcp(db:3306)/')).toBe('root:xxxxx@tcp(db:3306)/')
    expect(redactConnectionUrl('{{username}}:{{password}}@tcp(db:3306)/')).toBe(
      '{{username}}:{{password}}@tcp(db:3306)/',
    )
    expect(redactConnectionUrl("host=db user=u password='s e' dbname=x")).toBe(
      'host=db user=u password=xxxxx dbname=x',
    )
    expect(redactConnectionUrl('host=db password={{password}}')).toBe('host=db password={{password}}')
  })
})

describe('roles and creds', () => {
  it('reads roles back with TTLs in seconds; lists; deletes', async () => {
    const { s } = await setup()
    expect(await s.db.readRole('ro')).toEqual({
      db_name: 'mem',
      creation_statements: ['CREATE'],
      revocation_statements: [],
      rollback_statements: [],
      renew_statements: [],
      default_ttl: 3600,
      max_ttl: 7200,
      credential_type: 'password',
    })
    expect(await s.db.listRoles()).toEqual(['ro'])
    await s.db.deleteRole('ro')
    expect(await s.db.readRole('ro')).toBeNull()
  })

  it("validates with Vault's wording", async () => {
    const { s } = await setup()
    expect((await rejection(() => s.call('POST', 'database/roles/x', {}))).message).toBe(
      'database name is required',
    )
    expect(
      (
        await rejection(() =>
          s.call('POST', 'database/roles/x', { db_name: 'mem', credential_type: 'magic' }),
        )
      ).message,
    ).toBe('invalid credential_type "magic"')
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', allowed_roles: '*' })
    await s.db.writeStaticRole('taken', { db_name: 'mem', username: 'svc', rotation_period: '1h' })
    expect((await rejection(() => s.db.writeRole('taken', { db_name: 'mem' }))).message).toBe(
      'Role and Static Role names must be unique',
    )
    expect(
      (
        await rejection(() =>
          s.db.writeStaticRole('ro', { db_name: 'mem', username: 'x', rotation_period: 60 }),
        )
      ).message,
    ).toBe('Role and Static Role names must be unique')
  })

  it('issues a leased secret: username, password, lease; the plugin sees display and role names', async () => {
    const { s, mem } = await setup()
    const res = await s.call('GET', 'database/creds/ro')
    expect(Object.keys(res.data ?? {}).sort()).toEqual(['password', 'username'])
    expect(res.lease_duration).toBe(3600)
    expect(mem.calls).toContain('newUser root ro')
    const { username, password } = res.data as { username: string; password: string }
    expect(mem.users.get(username)?.password).toBe(password)
    // Vault's default generator: 20 characters of [a-zA-Z0-9-] with one of each class.
    expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*-)[A-Za-z0-9-]{20}$/)
    await s.call('PUT', 'sys/leases/revoke', { lease_id: res.lease_id })
    expect(mem.users.has(username)).toBe(false)
  })

  it('allowed_roles: globs, "*", and empty allows nothing', async () => {
    const { s } = await setup()
    await s.db.writeRole('app-web', { db_name: 'mem', creation_statements: ['CREATE'] })
    await expect(s.db.creds('app-web')).resolves.toBeDefined()
    await s.db.writeRole('web', { db_name: 'mem', creation_statements: ['CREATE'] })
    expect((await rejection(() => s.db.creds('web'))).message).toBe('"web" is not an allowed role')
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', allowed_roles: [] })
    expect((await rejection(() => s.db.creds('ro'))).message).toBe('"ro" is not an allowed role')
  })

  it('renew runs on the plugin with the new expiration; revoke after the role is gone uses the lease data', async () => {
    const { s, mem } = await setup()
    const c = await s.db.creds('ro')
    await s.clock.advance('10m')
    await s.db.renew(c.leaseId, '30m')
    expect(mem.users.get(c.username)?.expiration).toBe(s.clock.now() + 1800_000 + 5000)
    await s.db.deleteRole('ro')
    const renew = await rejection(() => s.db.renew(c.leaseId))
    expect(renew.message).toBe(
      'failed to renew entry: error during renew: could not find role with name "ro"',
    )
    await s.db.revoke(c.leaseId)
    expect(mem.users.has(c.username)).toBe(false)
  })

  it('a failing revocation leaves the lease in place; force removes it', async () => {
    const { s, mem } = await setup()
    const c = await s.db.creds('ro')
    mem.failDelete = true
    expect((await rejection(() => s.db.revoke(c.leaseId))).message).toBe(
      'failed to revoke entry: database is down',
    )
    expect(mem.users.has(c.username)).toBe(true)
    await s.call('PUT', 'sys/leases/revoke-force/database/creds/ro')
    expect(s.vault.leases.pending).toBe(0)
  })

  it('unsupported credential types are refused at issue time', async () => {
    const { s } = await setup()
    await s.call('POST', 'database/roles/ro', {
      credential_type: 'rsa_private_key',
      credential_config: { key_bits: 4096 },
    })
    expect(await s.db.readRole('ro')).toMatchObject({
      credential_config: { format: 'pkcs8', key_bits: 4096 },
    })
    expect((await rejection(() => s.db.creds('ro'))).message).toBe(
      'unsupported credential_type: "rsa_private_key"',
    )
  })
})

describe('password policies', () => {
  it("sys/policies/password: write, read, list, generate, delete, with Vault's checks", async () => {
    const { s } = await setup()
    const policy =
      'length = 24\nrule "charset" {\n  charset = "abcdef"\n  min-chars = 2\n}\nrule "charset" {\n  charset = "0123"\n  min-chars = 3\n}'
    await s.call('POST', 'pwpolicy/policies/password/hexish', { policy })
    expect((await s.call('GET', 'pwpolicy/policies/password/hexish')).data).toEqual({ policy })
    expect((await s.call('LIST', 'pwpolicy/policies/password')).data).toEqual({ keys: ['hexish'] })
    const pw = String((await s.call('GET', 'pwpolicy/policies/password/hexish/generate')).data?.password)
    expect(pw).toMatch(/^[a-f0-3]{24}$/)
    expect(pw.replace(/[^a-f]/g, '').length).toBeGreaterThanOrEqual(2)
    expect(pw.replace(/[^0-3]/g, '').length).toBeGreaterThanOrEqual(3)
    // Base64 is accepted too.
    await s.call('POST', 'pwpolicy/policies/password/b64', {
      policy: btoa('length = 8\nrule "charset" { charset = "xy" }'),
    })
    expect((await s.call('GET', 'pwpolicy/policies/password/b64')).data?.policy).toBe(
      'length = 8\nrule "charset" { charset = "xy" }',
    )
    const cases: Array<[string, string]> = [
      ['length = 2\nrule "charset" { charset = "ab" }', 'passwords must be between 4 and 100 characters'],
      ['length = 101\nrule "charset" { charset = "ab" }', 'passwords must be between 4 and 100 characters'],
      ['length = 10', 'invalid password policy: 1 error occurred:\n\t* no charset specified\n\n'],
      [
        'length = 4\nrule "charset" { charset = "a" min-chars = 5 }',
        'invalid password policy: 1 error occurred:\n\t* specified rules require at least 5 characters but 4 is specified\n\n',
      ],
      [
        'length = 8\nrule "bogus" { x = 1 }',
        'invalid password policy: unable to parse rules: unable to parse rule bogus: unrecognized rule type bogus',
      ],
      [
        'length = 8\nrule "charset" { charset = "ab" min-chars = 8 }\nrule "charset" { charset = "cd" min-chars = 1 }',
        'invalid password policy: 1 error occurred:\n\t* specified rules require at least 9 characters but 8 is specified\n\n',
      ],
    ]
    for (const [text, message] of cases) {
      const err = await rejection(() => s.call('POST', 'pwpolicy/policies/password/bad', { policy: text }))
      expect(err.statusCode).toBe(400)
      expect(err.message).toBe(message)
    }
    expect((await rejection(() => s.call('POST', 'pwpolicy/policies/password/bad', {}))).message).toBe(
      'missing policy',
    )
    expect((await rejection(() => s.call('GET', 'pwpolicy/policies/password/none'))).errors).toEqual([
      'policy does not exist',
    ])
    expect(
      (await rejection(() => s.call('GET', 'pwpolicy/policies/password/none/generate'))).statusCode,
    ).toBe(404)
    await s.call('DELETE', 'pwpolicy/policies/password/hexish')
    expect((await rejection(() => s.call('GET', 'pwpolicy/policies/password/hexish'))).statusCode).toBe(404)
  })

  it("a connection password_policy applies to creds and root rotation; a role's own wins", async () => {
    const { s, mem } = await setup()
    await s.call('POST', 'pwpolicy/policies/password/lower', {
      policy: 'length = 30\nrule "charset" { charset = "abcdefghijklmnopqrstuvwxyz" }',
    })
    await s.call('POST', 'pwpolicy/policies/password/upper', {
      policy: 'length = 12\nrule "charset" { charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" }',
    })
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', password_policy: 'lower' })
    expect((await s.db.creds('ro')).password).toMatch(/^[a-z]{30}$/)
    await s.db.writeRole('ro', { db_name: 'mem', credential_config: { password_policy: 'upper' } })
    expect((await s.db.creds('ro')).password).toMatch(/^[A-Z]{12}$/)
    await s.db.rotateRoot('mem')
    expect(mem.users.get('admin')?.password).toMatch(/^[a-z]{30}$/)
    await s.db.writeRole('ro', { db_name: 'mem', credential_config: { password_policy: 'missing' } })
    expect((await rejection(() => s.db.creds('ro'))).message).toBe(
      'failed to generate password: no password policy found',
    )
  })
})

describe('static roles', () => {
  it("validates with Vault's wording", async () => {
    const { s } = await setup()
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', allowed_roles: '*' })
    const post = (data: Record<string, unknown>) =>
      rejection(() => s.call('POST', 'database/static-roles/st', data))
    expect((await post({ username: 'u', rotation_period: 60 })).message).toBe(
      'database name is a required field',
    )
    expect((await post({ db_name: 'mem', rotation_period: 60 })).message).toBe(
      'username is a required field to create a static account',
    )
    expect((await post({ db_name: 'mem', username: 'u' })).message).toBe(
      'rotation_period is required to create static accounts',
    )
    expect((await post({ db_name: 'mem', username: 'u', rotation_period: 4 })).message).toBe(
      'rotation_period must be 5 seconds or more',
    )
    await s.call('POST', 'database/static-roles/st', { db_name: 'mem', username: 'u', rotation_period: 60 })
    expect((await post({ username: 'other' })).message).toBe('cannot update static account username')
    expect((await rejection(() => s.db.staticCreds('none'))).message).toBe('unknown role: none')
    expect((await rejection(() => s.db.rotateRole('none'))).message).toBe(
      'no static role found for role name',
    )
  })

  it('a static role on a role that is not allowed fails to create, and is not stored', async () => {
    const { s } = await setup()
    const err = await rejection(() =>
      s.db.writeStaticRole('denied', { db_name: 'mem', username: 'u', rotation_period: 60 }),
    )
    expect(err.message).toBe('"denied" is not an allowed role')
    expect(await s.db.readStaticRole('denied')).toBeNull()
  })

  it('rotates on the clock, reports ttl, and a changed period reschedules from the last rotation', async () => {
    const { s, mem } = await setup()
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', allowed_roles: '*' })
    await s.db.writeStaticRole('svc', { db_name: 'mem', username: 'svc-user', rotation_period: '1h' })
    const first = await s.db.staticCreds('svc')
    expect(mem.users.get('svc-user')?.password).toBe(first.password)
    expect(Date.parse(first.lastVaultRotation)).toBe(s.clock.now())
    await s.call('POST', 'database/static-roles/svc', { rotation_period: '2h' })
    await s.advance('1h')
    expect((await s.db.staticCreds('svc')).password).toBe(first.password)
    expect((await s.db.staticCreds('svc')).ttl).toBe(3600)
    await s.advance('1h')
    const second = await s.db.staticCreds('svc')
    expect(second.password).not.toBe(first.password)
    expect(mem.users.get('svc-user')?.password).toBe(second.password)
  })

  it('a failed rotation is retried after 10 seconds, keeping the password the database may have taken', async () => {
    const { s, mem } = await setup()
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', allowed_roles: '*' })
    await s.db.writeStaticRole('svc', { db_name: 'mem', username: 'svc-user', rotation_period: '1h' })
    const first = await s.db.staticCreds('svc')
    // The next password change fails once at the "database".
    let failOnce = true
    const logged: string[] = []
    const set = mem.users.set.bind(mem.users)
    mem.users.set = (k, v) => {
      if (k === 'svc-user' && failOnce) {
        failOnce = false
        logged.push('refused')
        throw new DatabaseError('connection reset')
      }
      return set(k, v)
    }
    await s.advance('1h')
    expect(logged).toEqual(['refused'])
    expect((await s.db.staticCreds('svc')).password).toBe(first.password)
    await s.advance('10s')
    const second = await s.db.staticCreds('svc')
    expect(second.password).not.toBe(first.password)
    expect(mem.users.get('svc-user')?.password).toBe(second.password)
  })

  it('is re-queued after seal and unseal, and stops on unmount', async () => {
    const { s } = await setup()
    await s.db.configure('mem', { plugin_name: 'memory-database-plugin', allowed_roles: '*' })
    await s.db.writeStaticRole('svc', { db_name: 'mem', username: 'svc-user', rotation_period: '1h' })
    const first = await s.db.staticCreds('svc')
    await s.vault.seal()
    await s.vault.unseal(s.vault.unsealKey as string)
    expect(s.backend().nextRotation('svc')).toBe(s.clock.now() + 3600_000)
    await s.advance('1h')
    expect((await s.db.staticCreds('svc')).password).not.toBe(first.password)
    const before = s.clock.pendingTimers
    await s.call('DELETE', 'sys/mounts/database')
    expect(s.clock.pendingTimers).toBeLessThan(before)
  })
})

describe('lifecycle', () => {
  it('closes connections on reset, unmount and seal', async () => {
    const { s, mem } = await setup()
    await s.db.creds('ro')
    const closed = mem.closed
    await s.db.reset('mem')
    expect(mem.closed).toBe(closed + 1)
    await s.vault.seal()
    expect(mem.closed).toBe(closed + 2)
    await s.vault.unseal(s.vault.unsealKey as string)
    await s.db.creds('ro')
    await s.call('DELETE', 'sys/mounts/database')
    expect(mem.closed).toBe(closed + 3)
  })

  it('passwords never show up in errors or lease errors', async () => {
    const { s, mem } = await setup()
    const c = await s.db.creds('ro')
    mem.failDelete = true
    await s.advance('1h')
    await s.advance('2s')
    await s.advance('4s')
    const listed = await s.call('GET', 'sys/leases', { type: 'irrevocable' })
    const text = JSON.stringify(listed)
    expect(text).not.toContain(c.password)
    expect(text).not.toContain('Root-Secret-Pw')
    expect(text).toContain('database is down')
  })
})
