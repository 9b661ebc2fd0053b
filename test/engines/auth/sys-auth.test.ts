// sys/auth (api-docs/system/auth; Vault's logical_system.go handleAuthTable / handleEnableAuth /
// handleReadAuth / handleDisableAuth / handleAuthTuneRead / handleAuthTuneWrite; auth.go
// enableCredential / disableCredential): list, enable, read, disable, tune, sudo, persistence.
import { describe, expect, it } from 'vitest'
import { authVault, putPolicy, rejection } from './helpers.js'

describe('sys/auth', () => {
  it('lists token/ always, with data also at the top level', async () => {
    const h = await authVault()
    const resp = await h.call('GET', 'sys/auth')
    expect(Object.keys(resp.data ?? {})).toEqual(['token/'])
    expect(resp.data?.['token/']).toMatchObject({
      type: 'token',
      description: 'token based credentials',
      local: false,
      seal_wrap: false,
      options: null,
      config: {
        default_lease_ttl: 0,
        force_no_cache: false,
        max_lease_ttl: 0,
        token_type: 'default-service',
      },
    })
    expect((resp.data?.['token/'] as { accessor: string } | undefined)?.accessor).toMatch(
      /^auth_token_[0-9a-f]{8}$/,
    )
    expect(resp['token/']).toEqual(resp.data?.['token/'])
  })

  it('enables a method (204), reads it back, and routes auth/<path>/', async () => {
    const h = await authVault()
    const raw = await h.vault.handle({
      method: 'POST',
      path: 'sys/auth/approle',
      data: {
        type: 'approle',
        description: 'machines',
        config: { default_lease_ttl: '1h', max_lease_ttl: '2h' },
      },
      token: 'root',
    })
    expect(raw.status).toBe(204)
    await h.call('POST', 'sys/auth/people/userpass', { type: 'userpass' })
    const list = await h.call('GET', 'sys/auth')
    expect(Object.keys(list.data ?? {})).toEqual(['token/', 'approle/', 'people/userpass/'])
    const read = await h.call('GET', 'sys/auth/approle')
    expect(read.data).toMatchObject({
      type: 'approle',
      description: 'machines',
      config: {
        default_lease_ttl: 3600,
        max_lease_ttl: 7200,
        force_no_cache: false,
        token_type: 'default-service',
      },
      running_plugin_version: expect.any(String),
    })
    expect((read.data as { accessor: string } | null)?.accessor).toMatch(/^auth_approle_[0-9a-f]{8}$/)
    expect(read.type).toBe('approle')
    // Routed: LIST auth/approle/role answers (404 while empty), auth/people/userpass/users too.
    expect((await rejection(h.call('LIST', 'auth/approle/role'))).statusCode).toBe(404)
    expect((await rejection(h.call('LIST', 'auth/people/userpass/users'))).statusCode).toBe(404)
  })

  it('refuses what Vault refuses, in Vault’s words', async () => {
    const h = await authVault()
    await h.call('POST', 'sys/auth/approle', { type: 'approle' })
    const cases: [Record<string, unknown>, string, number, string][] = [
      [{ type: 'token' }, 'tok2', 400, 'token credential backend cannot be instantiated'],
      [{ type: 'approle' }, 'token', 409, 'path is already in use at token/'],
      [{ type: 'approle' }, 'approle', 409, 'path is already in use at approle/'],
      [{ type: 'approle' }, 'approle/sub', 409, 'path is already in use at approle/'],
      [{ type: 'nope' }, 'nope', 400, 'plugin not found in the catalog: nope'],
      [{}, 'empty', 400, 'backend type must be specified as a string'],
      [
        { type: 'approle', options: { version: '2' } },
        'v',
        400,
        'auth method "approle" does not allow setting a version',
      ],
      [{ type: 'approle', config: { token_type: 'odd' } }, 'tt', 400, "invalid value for 'token_type'"],
      [
        { type: 'approle', config: { default_lease_ttl: '2h', max_lease_ttl: '1h' } },
        'ttl',
        400,
        'given default lease TTL greater than given max lease TTL',
      ],
    ]
    for (const [data, path, status, message] of cases) {
      const err = await rejection(h.call('POST', `sys/auth/${path}`, data))
      expect([err.statusCode, err.errors], path).toEqual([status, [message]])
    }
    const read = await rejection(h.call('GET', 'sys/auth/missing'))
    expect([read.statusCode, read.errors]).toEqual([400, ['No auth engine at missing/']])
    const disable = await rejection(h.call('DELETE', 'sys/auth/token'))
    expect([disable.statusCode, disable.errors]).toEqual([
      400,
      ['token credential backend cannot be disabled'],
    ])
    // Disabling a path with nothing there succeeds silently.
    expect((await h.vault.handle({ method: 'DELETE', path: 'sys/auth/missing', token: 'root' })).status).toBe(
      204,
    )
  })

  it('tune: read shows effective TTLs and token_type; write sets them', async () => {
    const h = await authVault()
    await h.call('POST', 'sys/auth/approle', { type: 'approle' })
    const before = await h.call('GET', 'sys/auth/approle/tune')
    expect(before.data).toEqual({
      default_lease_ttl: 2764800,
      description: '',
      force_no_cache: false,
      max_lease_ttl: 2764800,
      token_type: 'default-service',
    })
    await h.call('POST', 'sys/auth/approle/tune', {
      default_lease_ttl: '30m',
      max_lease_ttl: '2h',
      token_type: 'batch',
    })
    const after = await h.call('GET', 'sys/auth/approle/tune')
    expect(after.data).toMatchObject({ default_lease_ttl: 1800, max_lease_ttl: 7200, token_type: 'batch' })
    expect((await h.call('GET', 'sys/auth')).data?.['approle/']).toMatchObject({
      config: { default_lease_ttl: 1800, max_lease_ttl: 7200, token_type: 'batch' },
    })
    const bad = await rejection(h.call('POST', 'sys/auth/approle/tune', { token_type: 'odd' }))
    expect([bad.statusCode, bad.errors]).toEqual([400, ["invalid value for 'token_type'"]])
    const onToken = await rejection(h.call('POST', 'sys/auth/token/tune', { token_type: 'batch' }))
    expect(onToken.errors).toEqual(["'token_type' cannot be set for 'token' or 'ns_token' auth mounts"])
    const missing = await rejection(h.call('GET', 'sys/auth/missing/tune'))
    expect([missing.statusCode, missing.errors]).toEqual([
      400,
      ['cannot fetch sysview for path "auth/missing/"'],
    ])
    const missingWrite = await rejection(h.call('POST', 'sys/auth/missing/tune', { default_lease_ttl: 5 }))
    expect(missingWrite.errors).toEqual(['tune of path "auth/missing/" failed: no mount entry found'])
  })

  it('enable, read, tune and disable need sudo; the list needs read only', async () => {
    const h = await authVault()
    await putPolicy(
      h,
      'ops',
      'path "sys/auth" { capabilities = ["read"] }\npath "sys/auth/*" { capabilities = ["create", "read", "update", "delete"] }',
    )
    await putPolicy(
      h,
      'admin',
      'path "sys/auth*" { capabilities = ["create", "read", "update", "delete", "sudo"] }',
    )
    const ops = (await h.call('POST', 'auth/token/create', { policies: ['ops'] })).auth
      ?.client_token as string
    const admin = (await h.call('POST', 'auth/token/create', { policies: ['admin'] })).auth
      ?.client_token as string
    expect(Object.keys((await h.call('GET', 'sys/auth', undefined, { token: ops })).data ?? {})).toEqual([
      'token/',
    ])
    for (const [method, path] of [
      ['POST', 'sys/auth/approle'],
      ['GET', 'sys/auth/token'],
      ['GET', 'sys/auth/token/tune'],
      ['POST', 'sys/auth/token/tune'],
      ['DELETE', 'sys/auth/approle'],
    ] as const) {
      const err = await rejection(h.call(method, path, { type: 'approle' }, { token: ops }))
      expect(err.statusCode, `${method} ${path}`).toBe(403)
    }
    await h.call('POST', 'sys/auth/approle', { type: 'approle' }, { token: admin })
    await h.call('GET', 'sys/auth/approle/tune', undefined, { token: admin })
    await h.call('DELETE', 'sys/auth/approle', undefined, { token: admin })
    expect(Object.keys((await h.call('GET', 'sys/auth')).data ?? {})).toEqual(['token/'])
  })

  it('disabling a method revokes every token it issued, and deletes its data', async () => {
    const h = await authVault()
    await h.call('POST', 'sys/auth/userpass', { type: 'userpass' })
    await putPolicy(h, 'creator', 'path "auth/token/create" { capabilities = ["update"] }')
    await h.call('POST', 'auth/userpass/users/bob', { password: 'pw', token_policies: 'creator' })
    const { token } = await h.vault.login.userpass('bob', 'pw')
    const child = (await h.call('POST', 'auth/token/create', { policies: ['default'] }, { token })).auth
    expect(child?.client_token).toBeDefined()
    expect((await h.call('GET', 'auth/token/lookup-self', undefined, { token })).data?.path).toBe(
      'auth/userpass/login/bob',
    )
    await h.call('DELETE', 'sys/auth/userpass')
    expect((await rejection(h.call('GET', 'auth/token/lookup-self', undefined, { token }))).statusCode).toBe(
      403,
    )
    const childErr = await rejection(
      h.call('GET', 'auth/token/lookup-self', undefined, { token: child?.client_token as string }),
    )
    expect(childErr.statusCode).toBe(403)
    // Enabled again at the same path: a fresh mount, bob is gone.
    await h.call('POST', 'sys/auth/userpass', { type: 'userpass' })
    expect((await rejection(h.vault.login.userpass('bob', 'pw'))).errors).toEqual([
      'invalid username or password',
    ])
  })

  it('the auth table, its methods and their data survive seal and unseal', async () => {
    const h = await authVault()
    await h.call('POST', 'sys/auth/approle', { type: 'approle', description: 'kept' })
    await h.call('POST', 'sys/auth/approle/tune', { token_type: 'default-batch' })
    await h.call('POST', 'auth/approle/role/r', { token_policies: 'x' })
    const roleId = (await h.call('GET', 'auth/approle/role/r/role-id')).data?.role_id as string
    const secretId = (await h.call('POST', 'auth/approle/role/r/secret-id')).data?.secret_id as string
    await h.vault.seal()
    await h.vault.unseal(h.vault.unsealKey as string)
    const read = await h.call('GET', 'sys/auth/approle')
    expect(read.data).toMatchObject({ description: 'kept', config: { token_type: 'default-batch' } })
    const { auth } = await h.vault.login.appRole({ roleId, secretId })
    expect(auth.token_type).toBe('batch')
  })
})
