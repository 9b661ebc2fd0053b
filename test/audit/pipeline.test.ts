// Auditing through the whole pipeline (docs/audit): one request and one response entry per request,
// no secret in the clear, fail closed.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fileDeviceType } from '../../src/audit/file.js'
import {
  type AuditBroker,
  type AuditDevice,
  type AuditEntry,
  auditErrorOf,
  isAuditedPath,
} from '../../src/audit/index.js'
import {
  InternalError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  UnsupportedPathError,
} from '../../src/errors.js'
import { Vault } from '../../src/index.node.js'

describe('isAuditedPath', () => {
  it.each([
    'sys/init',
    'sys/seal-status',
    'sys/unseal',
    'sys/leader',
    'sys/health',
    'sys/rekey/init',
    'sys/rekey/update',
    'sys/rekey/verify',
    'sys/rekey-recovery-key/init',
    'sys/storage/raft/join',
    '/sys/health',
  ])('%s is not audited (Vault serves it outside the audit system)', (path) => {
    expect(isAuditedPath(path)).toBe(false)
  })

  it.each([
    'secret/data/app',
    'sys/mounts',
    'sys/audit',
    'sys/seal',
    'sys/step-down',
    'sys/generate-root/attempt',
    'sys/healthy',
    'auth/token/create',
  ])('%s is audited', (path) => {
    expect(isAuditedPath(path)).toBe(true)
  })
})

describe('auditErrorOf', () => {
  it('words errors as Vault’s OuterErr', () => {
    expect(auditErrorOf(new PermissionDeniedError())).toEqual({ error: 'permission denied' })
    const acl = '1 error occurred:\n\t* permission denied\n\n'
    expect(auditErrorOf(new PermissionDeniedError(acl, { errors: [acl] }))).toEqual({ error: acl })
    expect(auditErrorOf(new InvalidRequestError('missing role_id'))).toEqual({
      error: 'invalid request',
      data: { error: 'missing role_id' },
    })
    expect(auditErrorOf(new NotFoundError())).toEqual({ error: '' })
    expect(auditErrorOf(new InternalError('storage exploded'))).toEqual({ error: 'internal error' })
    expect(auditErrorOf(new UnsupportedPathError())).toEqual({
      error: '1 error occurred:\n\t* unsupported path\n\n',
    })
    expect(auditErrorOf(new Error('boom'))).toEqual({ error: 'internal error' })
  })
})

// ---------------------------------------------------------------------------------------------------
// End to end: the pipeline calls the broker.

function brokerOf(vault: Vault): AuditBroker {
  const broker = vault.audit
  if (!broker.deviceTypes().includes('file')) broker.registerDeviceType('file', fileDeviceType)
  return broker
}

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`

async function entriesOf(path: string): Promise<AuditEntry[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEntry)
}

describe('auditing through the pipeline', () => {
  let dir: string
  let logPath: string
  let vault: Vault
  let root: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vaultlet-audit-e2e-'))
    logPath = join(dir, 'audit.log')
    vault = await Vault.dev()
    root = vault.rootToken!
    brokerOf(vault)
  })
  afterEach(async () => {
    await vault.close()
    await rm(dir, { recursive: true, force: true })
  })

  const enableFile = (options: Record<string, string> = {}) =>
    vault.request({
      method: 'PUT',
      path: 'sys/audit/file',
      data: { type: 'file', description: 'e2e', options: { file_path: logPath, ...options } },
      token: root,
    })

  it('a daily loop: one request and one response entry per request, and no secret in the log', async () => {
    await enableFile()
    const listed = await vault.request({ method: 'GET', path: 'sys/audit', token: root })
    expect(listed.data?.['file/']).toEqual({
      description: 'e2e',
      local: false,
      options: { file_path: logPath },
      path: 'file/',
      type: 'file',
    })
    expect(listed['file/']).toEqual(listed.data?.['file/']) // also at the top level, as Vault

    const secrets: string[] = [root]
    const ids: string[] = []
    const call = async (req: Parameters<Vault['request']>[0]) => {
      const res = await vault.request(req)
      // 204s get a fresh ID in-process; a wrapped answer has none: only bodies carry the request's ID.
      if (res.request_id && (res.data !== null || res.auth !== null)) ids.push(res.request_id)
      return res
    }
    let calls = 0
    const counted = async (req: Parameters<Vault['request']>[0]) => {
      calls++
      return call(req)
    }

    // Policies and a token for the app.
    await counted({
      method: 'PUT',
      path: 'sys/policies/acl/app',
      data: { policy: 'path "secret/data/app/*" { capabilities = ["create", "read", "update"] }' },
      token: root,
    })
    const created = await counted({
      method: 'POST',
      path: 'auth/token/create',
      data: { policies: ['app'], meta: { team: 'payments' } },
      token: root,
    })
    const appToken = created.auth!.client_token
    secrets.push(appToken, created.auth!.accessor)

    // KV: write, read, list.
    const password = secret('db-password')
    const apiKey = secret('api-key')
    secrets.push(password, apiKey)
    await counted({
      method: 'POST',
      path: 'secret/data/app/db',
      data: { data: { password, apiKey } },
      token: appToken,
    })
    const read = await counted({ method: 'GET', path: 'secret/data/app/db', token: appToken })
    expect((read.data?.data as Record<string, string> | undefined)?.password).toBe(password)
    await counted({ method: 'LIST', path: 'secret/metadata/app', token: root })

    // Userpass: a user with a password, a login.
    await counted({ method: 'POST', path: 'sys/auth/userpass', data: { type: 'userpass' }, token: root })
    const userPassword = secret('user-password')
    secrets.push(userPassword)
    await counted({
      method: 'POST',
      path: 'auth/userpass/users/bob',
      data: { password: userPassword, token_policies: 'app' },
      token: root,
    })
    const login = await counted({
      method: 'POST',
      path: 'auth/userpass/login/bob',
      data: { password: userPassword },
    })
    secrets.push(login.auth!.client_token, login.auth!.accessor)

    // Response wrapping: wrap a secret, unwrap it.
    const wrappedValue = secret('wrapped')
    secrets.push(wrappedValue)
    const wrapped = await counted({
      method: 'POST',
      path: 'sys/wrapping/wrap',
      data: { value: wrappedValue },
      token: root,
      wrapTtl: '5m',
    })
    secrets.push(wrapped.wrap_info!.token, wrapped.wrap_info!.accessor)
    const unwrapped = await counted({
      method: 'POST',
      path: 'sys/wrapping/unwrap',
      data: { token: wrapped.wrap_info!.token },
      token: root,
    })
    expect(unwrapped.data?.value).toBe(wrappedValue)

    // A denied request is audited too.
    await expect(
      counted({ method: 'GET', path: 'secret/data/other', token: appToken }),
    ).rejects.toMatchObject({ statusCode: 403 })

    // Unaudited paths leave no entry.
    await vault.request({ method: 'GET', path: 'sys/health' })
    await vault.request({ method: 'GET', path: 'sys/seal-status' })

    await brokerOf(vault).flush()
    const entries = (await entriesOf(logPath)).filter((e) => e.request?.path !== 'sys/audit/test')
    // The enable request itself: only its response is logged (the device did not exist before it).
    const enable = entries.filter((e) => e.request?.path === 'sys/audit/file')
    expect(enable.map((e) => e.type)).toEqual(['response'])
    const rest = entries.filter((e) => e.request?.path !== 'sys/audit/file')
    const byId = new Map<string, AuditEntry[]>()
    for (const e of rest) byId.set(e.request!.id!, [...(byId.get(e.request!.id!) ?? []), e])
    expect(byId.size).toBe(calls + 1) // + the GET sys/audit above
    for (const [id, pair] of byId) {
      expect(
        pair.map((e) => e.type),
        id,
      ).toEqual(['request', 'response'])
    }
    for (const id of ids) expect(byId.has(id), id).toBe(true)
    expect(rest.some((e) => e.request?.path === 'sys/health' || e.request?.path === 'sys/seal-status')).toBe(
      false,
    )

    const denied = rest.filter((e) => e.request?.path === 'secret/data/other')
    expect(denied.map((e) => e.error)).toEqual([
      expect.stringContaining('permission denied'),
      expect.stringContaining('permission denied'),
    ])

    const text = await readFile(logPath, 'utf8')
    for (const s of secrets) expect(text.includes(s), `secret in the log: ${s.slice(0, 12)}…`).toBe(false)

    // audit-hash finds a known value in the log.
    const hashed = await vault.request({
      method: 'PUT',
      path: 'sys/audit-hash/file',
      data: { input: password },
      token: root,
    })
    expect(hashed.data?.hash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/)
    expect(hashed.hash).toBe(hashed.data?.hash)
    expect(text).toContain(hashed.data?.hash as string)
    // A login's response entry carries the new token's auth (HMAC'd), as Vault's.
    const loginResponse = rest.find(
      (e) => e.type === 'response' && e.request?.path === 'auth/userpass/login/bob',
    )
    const loginHash = await vault.request({
      method: 'PUT',
      path: 'sys/audit-hash/file',
      data: { input: login.auth!.client_token },
      token: root,
    })
    expect(loginResponse?.auth?.client_token).toBe(loginHash.data?.hash)
    expect(loginResponse?.response?.auth?.client_token).toBe(loginHash.data?.hash)
    expect(loginResponse?.auth?.metadata).toEqual({ username: 'bob' })
    const write = rest.find(
      (e) =>
        e.type === 'request' && e.request?.path === 'secret/data/app/db' && e.request.operation !== 'read',
    )
    expect((write?.request?.data?.data as Record<string, string> | undefined)?.password).toBe(
      hashed.data?.hash,
    )
  })

  it('fails closed: a failing only device refuses the request and nothing happens', async () => {
    const state = { failRequests: false, failResponses: false }
    const lines: string[] = []
    const device: AuditDevice = {
      async write(records) {
        for (const r of records) {
          if (r.type === 'request' && state.failRequests) throw new Error('device down')
          if (r.type === 'response' && state.failResponses) throw new Error('device down')
          lines.push(r.line)
        }
      },
    }
    brokerOf(vault).registerDeviceType('flaky', () => device)
    await vault.request({ method: 'PUT', path: 'sys/audit/flaky', data: { type: 'flaky' }, token: root })
    const value = secret('v')

    state.failRequests = true
    const refused = await vault.handle({
      method: 'POST',
      path: 'secret/data/x',
      data: { data: { value } },
      token: root,
    })
    expect(refused).toEqual({ status: 500, body: { errors: ['internal error'] } })
    state.failRequests = false
    await expect(vault.request({ method: 'GET', path: 'secret/data/x', token: root })).rejects.toMatchObject({
      statusCode: 404,
    })

    // The response cannot be recorded: the client gets 500, though the write happened (as Vault).
    state.failResponses = true
    const answered = await vault.handle({
      method: 'POST',
      path: 'secret/data/x',
      data: { data: { value } },
      token: root,
    })
    expect(answered).toEqual({ status: 500, body: { errors: ['internal error'] } })
    state.failResponses = false
    const after = await vault.request({ method: 'GET', path: 'secret/data/x', token: root })
    expect((after.data?.data as Record<string, string> | undefined)?.value).toBe(value)
    expect(lines.join('')).not.toContain(value)
  })

  it('one failing device of two does not block requests; the failure is reported', async () => {
    await enableFile()
    brokerOf(vault).registerDeviceType('broken', () => ({
      write: async () => {
        throw new Error('nope')
      },
    }))
    await vault.request({
      method: 'PUT',
      path: 'sys/audit/broken',
      data: { type: 'broken', options: { skip_test: 'true' } },
      token: root,
    })
    const res = await vault.request({ method: 'GET', path: 'sys/mounts', token: root })
    expect(res.data?.['secret/']).toBeDefined()
    const ids = (await entriesOf(logPath)).map((e) => e.request?.id)
    expect(ids).toContain(res.request_id)
  })

  it('the audit API needs sudo', async () => {
    await vault.request({
      method: 'PUT',
      path: 'sys/policies/acl/auditor',
      data: { policy: 'path "sys/audit*" { capabilities = ["read", "update", "delete"] }' },
      token: root,
    })
    const token = (
      await vault.request({
        method: 'POST',
        path: 'auth/token/create',
        data: { policies: ['auditor'] },
        token: root,
      })
    ).auth!.client_token
    await expect(vault.request({ method: 'GET', path: 'sys/audit', token })).rejects.toMatchObject({
      statusCode: 403,
    })
    await expect(
      vault.request({
        method: 'PUT',
        path: 'sys/audit/f',
        data: { type: 'file', options: { file_path: logPath } },
        token,
      }),
    ).rejects.toMatchObject({ statusCode: 403 })
  })

  it('Vault’s errors from sys/audit/:path', async () => {
    await enableFile()
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'file', options: { file_path: logPath } }, 'path already in use'],
    ]
    for (const [data, message] of cases) {
      const res = await vault.handle({ method: 'PUT', path: 'sys/audit/file', data, token: root })
      expect(res).toEqual({ status: 400, body: { errors: [message] } })
    }
    expect(
      await vault.handle({ method: 'PUT', path: 'sys/audit/x', data: { type: 'socket' }, token: root }),
    ).toEqual({
      status: 400,
      body: { errors: ['unknown backend type: "socket"'] },
    })
    expect(
      await vault.handle({ method: 'PUT', path: 'sys/audit-hash/file', data: { input: '' }, token: root }),
    ).toEqual({ status: 400, body: { errors: ['the "input" parameter is empty'] } })
    expect(await vault.handle({ method: 'DELETE', path: 'sys/audit/file', token: root })).toEqual({
      status: 204,
      body: null,
    })
  })

  it('devices survive seal and unseal; reopen() rotates the file; sys/seal logs its request only', async () => {
    await enableFile()
    await vault.request({ method: 'PUT', path: 'sys/seal', token: root })
    expect(
      (await entriesOf(logPath)).filter((e) => e.request?.path === 'sys/seal').map((e) => e.type),
    ).toEqual(['request'])
    await vault.unseal(vault.unsealKey!)
    const before = await vault.request({ method: 'GET', path: 'sys/mounts', token: root })
    await brokerOf(vault).flush()
    await rename(logPath, `${logPath}.1`)
    await brokerOf(vault).reopen()
    const after = await vault.request({ method: 'GET', path: 'sys/mounts', token: root })
    await brokerOf(vault).flush()
    const old = (await entriesOf(`${logPath}.1`)).map((e) => e.request?.id)
    const fresh = (await entriesOf(logPath)).map((e) => e.request?.id)
    expect(old).toContain(before.request_id)
    expect(fresh).toEqual([after.request_id, after.request_id])
  })

  it('a wrapped response is logged with its wrap_info HMAC’d and without the wrapped data', async () => {
    await enableFile()
    const inner = secret('inner')
    const res = await vault.request({
      method: 'POST',
      path: 'sys/wrapping/wrap',
      data: { inner },
      token: root,
      wrapTtl: 60,
    })
    const entry = (await entriesOf(logPath)).find(
      (e) => e.type === 'response' && e.request?.path === 'sys/wrapping/wrap',
    )
    expect(entry?.response?.wrap_info?.token).toBe(
      (
        await vault.request({
          method: 'PUT',
          path: 'sys/audit-hash/file',
          data: { input: res.wrap_info!.token },
          token: root,
        })
      ).data?.hash,
    )
    expect(entry?.response?.data).toBeUndefined()
    expect(await readFile(logPath, 'utf8')).not.toContain(inner)
  })
})
