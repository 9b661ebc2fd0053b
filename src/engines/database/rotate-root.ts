/**
 * `rotate-root/:name` (Vault's `pathRotateRootCredentialsUpdate`): a new password for the connection's
 * own user, set in the database with `root_rotation_statements` (or the plugin's default) and stored in
 * the configuration; the connection is then reopened with it. Only the engine knows the new password
 * afterwards.
 *
 * The new password is written ahead (`wal/root/<name>`) before the database is changed and removed once
 * the configuration holds it. If storing fails in between, {@link recoverRootRotations} (run when the
 * backend initializes) finds the database accepting the written-ahead password and rolls the
 * configuration forward — so a root password the database took is never lost. (Vault rolls back
 * instead; rolling forward needs no second password change.)
 *
 * @module
 */

import { redactSecrets } from '../../database/sql-plugin.js'
import { InvalidRequestError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import type { DatabaseEngine } from './engine.js'
import { failure, ROOT_WAL_PREFIX, readConfig, requireConfig, writeConfig } from './storage.js'

/** Rotates the root password of connection `name`. */
export async function rotateRoot(engine: DatabaseEngine, name: string): Promise<void> {
  await engine.locks.run(`config:${name}`, async () => {
    const config = await requireConfig(engine.storage, name)
    const username = config.connection_details.username
    if (typeof username !== 'string' || username === '') {
      throw failure('unable to rotate root credentials: no username in configuration')
    }
    const oldPassword = config.connection_details.password
    if (typeof oldPassword !== 'string' || oldPassword === '') {
      throw failure('unable to rotate root credentials: no password in configuration')
    }
    const inst = await engine.connections.get(engine.storage, name)
    try {
      const newPassword = await engine.password(config.password_policy)
      await engine.storage.putJSON(ROOT_WAL_PREFIX + name, { username, new_password: newPassword })
      try {
        await inst.run((db) =>
          db.updateUser({
            username,
            credentialType: 'password',
            password: { newPassword, statements: { commands: config.root_credentials_rotate_statements } },
          }),
        )
      } catch (e) {
        await engine.storage.delete(ROOT_WAL_PREFIX + name)
        throw failure(
          `failed to update user: ${redactSecrets((e as Error).message, [newPassword, oldPassword])}`,
          e,
        )
      }
      config.connection_details = { ...config.connection_details, password: newPassword }
      await writeConfig(engine.storage, name, config)
      await engine.storage.delete(ROOT_WAL_PREFIX + name).catch(() => undefined)
    } finally {
      // Even on error the connection is closed; the next use opens one with the stored password.
      await engine.connections.clearIf(inst)
    }
  })
}

/**
 * Finishes root rotations interrupted between the database change and the configuration write: where
 * the database accepts the written-ahead password, the configuration takes it; where it still accepts
 * the stored one, the write-ahead entry is dropped; where neither can be checked (the database is
 * down), the entry stays for the next start.
 */
export async function recoverRootRotations(engine: DatabaseEngine): Promise<void> {
  for (const name of await engine.storage.list(ROOT_WAL_PREFIX)) {
    if (name.endsWith('/')) continue
    try {
      await engine.locks.run(`config:${name}`, async () => {
        const wal = await engine.storage.getJSON<{ new_password?: string }>(ROOT_WAL_PREFIX + name)
        const config = await readConfig(engine.storage, name)
        const fresh = wal?.new_password ?? ''
        if (!config || fresh === '' || config.connection_details.password === fresh) {
          await engine.storage.delete(ROOT_WAL_PREFIX + name)
          return
        }
        const works = async (password: string): Promise<boolean> => {
          const plugin = await engine.connections.create(config.plugin_name)
          try {
            await plugin.initialize({
              config: { ...config.connection_details, password },
              verifyConnection: true,
            })
            return true
          } catch {
            return false
          } finally {
            await plugin.close().catch(() => undefined)
          }
        }
        if (await works(fresh)) {
          config.connection_details = { ...config.connection_details, password: fresh }
          await writeConfig(engine.storage, name, config)
          await engine.storage.delete(ROOT_WAL_PREFIX + name)
          await engine.connections.clear(name)
          engine.log({ level: 'warn', name, message: 'completed an interrupted root credential rotation' })
        } else if (await works(String(config.connection_details.password ?? ''))) {
          await engine.storage.delete(ROOT_WAL_PREFIX + name)
        }
      })
    } catch (e) {
      engine.log({
        level: 'error',
        name,
        message: `unable to recover a root rotation: ${(e as Error).message}`,
      })
    }
  }
}

/**
 * The `rotate-root/:name` path.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'database', paths: [rotateRootPath(engine)] })
 * ```
 */
export function rotateRootPath(engine: DatabaseEngine): PathDefinition {
  return definePath({
    pattern: `rotate-root/${genericNameRegex('name')}`,
    fields: { name: { type: 'string', description: 'Name of this database connection' } },
    operations: {
      update: {
        handler: async (_req, d) => {
          const name = d.get<string>('name')
          if (name === '') throw new InvalidRequestError('empty name attribute given')
          await rotateRoot(engine, name)
          return null
        },
        summary: 'Rotate the root credentials of a connection.',
      },
    },
    synopsis: 'Request to rotate the root credentials for a certain database connection.',
    description: 'This path attempts to rotate the root credentials for the given database.',
  })
}
