/**
 * The conformance suite for {@link DatabasePlugin}s: every plugin vaultlet ships runs it against a real
 * server, and so should yours. It needs `vitest`, and a database the test can create users in.
 *
 * @module
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabasePlugin } from './plugin.js'

/** What the suite needs to know about the database under test. */
export interface DatabasePluginConformanceOptions {
  /** A fresh, uninitialized plugin. */
  create: () => DatabasePlugin | Promise<DatabasePlugin>
  /** Connection details for `initialize` (an administrative user that may create users). */
  config: () => Record<string, unknown> | Promise<Record<string, unknown>>
  /** The root password inside `config` (must never appear in an error). */
  rootPassword: () => string
  /** Creates a user that can log in and run `SELECT 1`. Placeholders: `{{name}}`, `{{password}}`, `{{expiration}}`. */
  creationStatements: string[]
  /** Creates the user and then fails (to check that nothing is left behind). */
  failingCreationStatements: string[]
  /** Custom revocation statements (`{{name}}`), to check the non-default path. */
  revocationStatements: string[]
  /** Does a user exist? */
  userExists: (username: string) => Promise<boolean>
  /** Can this user log in with this password (and run a query)? */
  canLogin: (username: string, password: string) => Promise<boolean>
  /** Creates a plain user (for password changes); dropped by `dropUser`. */
  createUser: (username: string, password: string) => Promise<void>
  dropUser: (username: string) => Promise<void>
  /** `false` when the server lets anyone in (trust auth): wrong-password checks are skipped. Default true. */
  enforcesPasswords?: boolean
  /** A `connection_url` that points at nothing (a closed port). */
  unreachableUrl: string
  /** Skips the whole suite, with this message. */
  skip?: string | false
}

const PASSWORD = 'Cf-Conformance-0aZ9x'

/**
 * Registers the suite.
 *
 * @example
 * ```ts
 * databasePluginConformance('postgresql-database-plugin', { create: () => postgresPlugin(), config: () => ({ connection_url: '…', username: 'vault', password: 's3cret' }), … })
 * ```
 */
export function databasePluginConformance(name: string, options: DatabasePluginConformanceOptions): void {
  describe.skipIf(Boolean(options.skip))(`database plugin conformance: ${name}`, () => {
    let db: DatabasePlugin
    const created: string[] = []
    const enforces = options.enforcesPasswords ?? true
    const newUser = async (
      roleName = 'conf',
      statements = options.creationStatements,
      password = PASSWORD,
    ) => {
      const { username } = await db.newUser({
        usernameConfig: { displayName: 'token', roleName },
        statements: { commands: statements },
        rollbackStatements: { commands: [] },
        credentialType: 'password',
        password,
        expiration: Date.now() + 3600_000,
      })
      created.push(username)
      return username
    }

    beforeAll(async () => {
      db = await options.create()
      await db.initialize({ config: await options.config(), verifyConnection: true })
    })

    afterAll(async () => {
      for (const u of created) {
        await db.deleteUser({ username: u, statements: { commands: [] } }).catch(() => undefined)
      }
      await db.close()
    })

    it('has a type', () => {
      expect(typeof db.type).toBe('string')
      expect(db.type.length).toBeGreaterThan(0)
    })

    it('initialize keeps the configuration it is given', async () => {
      const other = await options.create()
      const config = await options.config()
      const resp = await other.initialize({ config, verifyConnection: true })
      expect(resp.config).toEqual(config)
      await other.close()
    })

    it('initialize with verifyConnection fails on an unreachable database, without the password', async () => {
      const other = await options.create()
      const config = { ...(await options.config()), connection_url: options.unreachableUrl }
      const err = await other.initialize({ config, verifyConnection: true }).then(
        () => null,
        (e: Error) => e,
      )
      expect(err).toBeInstanceOf(Error)
      expect(err?.message).not.toContain(options.rootPassword())
      await other.close()
      // Without verification nothing connects.
      const lazy = await options.create()
      await expect(lazy.initialize({ config, verifyConnection: false })).resolves.toBeDefined()
      await lazy.close()
    })

    it('newUser creates a user that can log in; deleteUser removes it', async () => {
      const u = await newUser()
      expect(await options.userExists(u)).toBe(true)
      expect(await options.canLogin(u, PASSWORD)).toBe(true)
      if (enforces) expect(await options.canLogin(u, `${PASSWORD}-wrong`)).toBe(false)
      await db.deleteUser({ username: u, statements: { commands: [] } })
      expect(await options.userExists(u)).toBe(false)
      expect(await options.canLogin(u, PASSWORD)).toBe(false)
    })

    it('newUser refuses empty creation statements', async () => {
      await expect(newUser('conf', [])).rejects.toThrow('empty creation statements')
    })

    it('deleteUser of a missing user succeeds', async () => {
      await expect(
        db.deleteUser({ username: 'vaultlet_no_such_user', statements: { commands: [] } }),
      ).resolves.toBeUndefined()
    })

    it('deleteUser runs custom revocation statements', async () => {
      const u = await newUser()
      await db.deleteUser({ username: u, statements: { commands: options.revocationStatements } })
      expect(await options.userExists(u)).toBe(false)
    })

    it('updateUser changes the password', async () => {
      const u = await newUser()
      const next = 'Cf-Changed-1bY8w-xyz'
      await db.updateUser({ username: u, password: { newPassword: next, statements: { commands: [] } } })
      expect(await options.canLogin(u, next)).toBe(true)
      if (enforces) expect(await options.canLogin(u, PASSWORD)).toBe(false)
    })

    it('updateUser changes the expiration', async () => {
      const u = await newUser()
      await expect(
        db.updateUser({
          username: u,
          expiration: { newExpiration: Date.now() + 7200_000, statements: { commands: [] } },
        }),
      ).resolves.toBeUndefined()
    })

    it('updateUser refuses a request without changes', async () => {
      await expect(db.updateUser({ username: 'x' })).rejects.toThrow(/no changes? requested/)
    })

    it('a creation that fails half-way leaves no user behind', async () => {
      const before = created.length
      const err = await newUser('fail', options.failingCreationStatements).then(
        () => null,
        (e: Error) => e,
      )
      expect(err).toBeInstanceOf(Error)
      expect(created.length).toBe(before)
      expect(err?.message).not.toContain(PASSWORD)
      expect(err?.message).not.toContain(options.rootPassword())
    })

    it('quotes in names and passwords cannot change the SQL', async () => {
      const evil = `x'"\`;--`
      const password = `Pw'"\\;--${evil}`
      const u = await newUser(evil, options.creationStatements, password)
      expect(await options.userExists(u)).toBe(true)
      expect(await options.canLogin(u, password)).toBe(true)
    })

    it('errors carry no password', async () => {
      const err = await newUser('conf', [
        `${options.creationStatements[0]} SYNTAX ERROR '{{password}}'`,
      ]).then(
        () => null,
        (e: Error) => e,
      )
      expect(err).toBeInstanceOf(Error)
      expect(err?.message).not.toContain(PASSWORD)
      expect(err?.message).not.toContain(options.rootPassword())
    })

    it('changes the password of an existing user', async () => {
      const u = `vl_conf_${Math.random().toString(36).slice(2, 8)}`
      await options.createUser(u, 'Initial-pw-123')
      try {
        await db.updateUser({
          username: u,
          password: { newPassword: PASSWORD, statements: { commands: [] } },
        })
        expect(await options.canLogin(u, PASSWORD)).toBe(true)
        if (enforces) expect(await options.canLogin(u, 'Initial-pw-123')).toBe(false)
      } finally {
        await options.dropUser(u)
      }
    })

    it('close is idempotent and later calls fail clearly', async () => {
      const other = await options.create()
      await other.initialize({ config: await options.config(), verifyConnection: true })
      await other.close()
      await other.close()
      await expect(
        other.newUser({
          usernameConfig: { displayName: 't', roleName: 'r' },
          statements: { commands: options.creationStatements },
          rollbackStatements: { commands: [] },
          credentialType: 'password',
          password: PASSWORD,
          expiration: Date.now() + 60_000,
        }),
      ).rejects.toThrow()
    })
  })
}
