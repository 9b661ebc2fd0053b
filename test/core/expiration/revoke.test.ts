// sys/leases/revoke[/:id] (+ legacy sys/revoke), revoke-prefix and revoke-force (+ legacy sys/
// paths), and the revocation of a mount's leases on unmount and remount: Vault's logical_system.go
// (handleRevoke: sync defaults to true → 204, false → 202; handleRevokePrefixCommon; specialPaths.Root)
// and expiration.go (revokeCommon, revokePrefixCommon, RevokeForce, LazyRevoke).
import { describe, expect, it } from 'vitest'
import { PASSWORD, recordEvents, setup } from './support.js'

describe('sys/leases/revoke', () => {
  it('sync (the default): the backend revokes with the secret’s internal data and data, then 204; the lease is gone', async () => {
    const { issue, raw, engine, vault } = await setup()
    const events = recordEvents(vault)
    const { lease_id } = await issue('web')
    expect(await raw('PUT', 'sys/leases/revoke', { lease_id })).toEqual({ status: 204, body: null })
    expect(engine.control.calls).toEqual([
      expect.objectContaining({
        operation: 'revoke',
        path: 'creds/web',
        mountPoint: 'leasey/',
        leaseId: lease_id,
        internal: { username: 'v-web', secret_type: 'creds' },
        data: { username: 'v-web', password: PASSWORD },
      }),
    ])
    expect(await raw('PUT', 'sys/leases/lookup', { lease_id })).toEqual({
      status: 400,
      body: { errors: ['invalid lease'] },
    })
    expect(vault.leases.pending).toBe(0)
    expect(events.at(-1)).toEqual(['lease:revoked', { leaseId: lease_id, force: false }])
  })

  it('by URL, and through the legacy sys/revoke', async () => {
    const { issue, raw, engine } = await setup()
    const a = await issue('a')
    const b = await issue('b')
    expect((await raw('PUT', `sys/leases/revoke/${a.lease_id}`)).status).toBe(204)
    expect((await raw('PUT', 'sys/revoke', { lease_id: b.lease_id })).status).toBe(204)
    expect(engine.control.calls.map((c) => c.leaseId)).toEqual([a.lease_id, b.lease_id])
  })

  it('sync=false: 202 with no body; the queue revokes it', async () => {
    const { issue, raw, engine, vault } = await setup()
    const events = recordEvents(vault)
    const { lease_id } = await issue('web')
    expect(await raw('PUT', 'sys/leases/revoke', { lease_id, sync: false })).toEqual({
      status: 202,
      body: null,
    })
    await vault.leases.idle()
    expect(engine.control.calls.map((c) => c.operation)).toEqual(['revoke'])
    expect(events.at(-1)).toEqual(['lease:expired', { leaseId: lease_id }])
  })

  it('an unknown lease: 204 (nothing to revoke); no lease_id: 400', async () => {
    const { raw } = await setup()
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id: 'leasey/creds/x/nope' })).status).toBe(204)
    expect(await raw('PUT', 'sys/leases/revoke', {})).toEqual({
      status: 400,
      body: { errors: ['lease_id must be specified'] },
    })
  })

  it('a backend failure: 400 failed to revoke entry (no secret in it); the lease stays', async () => {
    const { issue, raw, engine } = await setup()
    const { lease_id } = await issue('web')
    engine.control.failRevoke = 1
    engine.control.failRevokeWith = 'plain'
    expect(await raw('PUT', 'sys/leases/revoke', { lease_id })).toEqual({
      status: 400,
      body: { errors: ['failed to revoke entry: internal error'] },
    })
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id })).status).toBe(200)
  })

  it('a token’s lease revokes the token', async () => {
    const { raw, token, vault } = await setup()
    const id = await token(['default'], { ttl: '1h' })
    const leaseId = vault.leases.tokenLeaseId({ id, path: 'auth/token/create' })
    expect((await raw('PUT', 'sys/leases/revoke', { lease_id: leaseId })).status).toBe(204)
    expect((await raw('GET', 'auth/token/lookup-self', undefined, id)).status).toBe(403)
    expect(await vault.leases.list('auth/token/create/')).toEqual([])
  })
})

describe('sys/leases/revoke-prefix', () => {
  it('needs sudo; revokes the leases below the prefix only; 204', async () => {
    const { issue, raw, token, policy, engine, vault } = await setup({ mounts: ['leasey', 'other'] })
    const web = [await issue('web'), await issue('web')]
    const db = await issue('db')
    const other = await issue('web', undefined, 'other')
    await policy('leases', 'path "sys/leases/*" { capabilities = ["update"] }')
    const noSudo = await token(['leases'])
    expect(await raw('PUT', 'sys/leases/revoke-prefix/leasey/creds/web', {}, noSudo)).toEqual({
      status: 403,
      body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
    })
    expect(await raw('PUT', 'sys/leases/revoke-prefix/leasey/creds/web')).toEqual({ status: 204, body: null })
    expect(engine.control.calls.map((c) => c.leaseId).sort()).toEqual(web.map((w) => w.lease_id).sort())
    expect(await vault.leases.list('leasey/creds/')).toEqual(['db/'])
    // Legacy path, and a whole mount.
    expect((await raw('PUT', 'sys/revoke-prefix/leasey/')).status).toBe(204)
    expect(engine.control.calls.map((c) => c.leaseId)).toContain(db.lease_id)
    expect(engine.control.calls.map((c) => c.leaseId)).not.toContain(other.lease_id)
  })

  it('a prefix that is a lease ID revokes that lease; a partial segment matches nothing', async () => {
    const { issue, raw, engine } = await setup()
    const a = await issue('web')
    await issue('web')
    expect((await raw('PUT', `sys/leases/revoke-prefix/${a.lease_id}`)).status).toBe(204)
    expect(engine.control.calls.map((c) => c.leaseId)).toEqual([a.lease_id])
    expect((await raw('PUT', 'sys/leases/revoke-prefix/leasey/cre')).status).toBe(204)
    expect(engine.control.calls).toHaveLength(1)
  })

  it('also revokes tokens whose creation path is below the prefix (with their trees)', async () => {
    const { raw, token, policy } = await setup()
    await policy('creator', 'path "auth/token/create" { capabilities = ["update"] }')
    const parent = await token(['default', 'creator'], { ttl: '1h' })
    const child = await token(['default'], { ttl: '1h' }, parent)
    const orphan = await token(['default'], { ttl: '1h', no_parent: true })
    expect((await raw('PUT', 'sys/leases/revoke-prefix/auth/token/create')).status).toBe(204)
    for (const t of [parent, child])
      expect((await raw('GET', 'auth/token/lookup-self', undefined, t)).status).toBe(403)
    // create-orphan is another creation path… but no_parent on create keeps auth/token/create.
    expect((await raw('GET', 'auth/token/lookup-self', undefined, orphan)).status).toBe(403)
    const other = await raw('POST', 'auth/token/create-orphan', { policies: ['default'], ttl: '1h' })
    const otherId = String((other.body?.auth as { client_token?: string } | undefined)?.client_token)
    expect((await raw('PUT', 'sys/leases/revoke-prefix/auth/token/create/')).status).toBe(204)
    expect((await raw('GET', 'auth/token/lookup-self', undefined, otherId)).status).toBe(200)
  })

  it('sync=false: 202, revoked by the queue', async () => {
    const { issue, raw, engine, vault } = await setup()
    await issue('web')
    await issue('web')
    expect(await raw('PUT', 'sys/leases/revoke-prefix/leasey', { sync: false })).toEqual({
      status: 202,
      body: null,
    })
    await vault.leases.idle()
    expect(engine.control.calls).toHaveLength(2)
    expect(vault.leases.pending).toBe(0)
  })

  it('stops at the first failure: 400 failed to revoke "<id>" (n / total); the rest stay', async () => {
    const { issue, raw, engine, vault } = await setup()
    const a = await issue('web')
    await issue('web')
    engine.control.failRevoke = 1
    const ids = [
      a.lease_id,
      ...(await vault.leases.list('leasey/creds/web/')).map((k) => `leasey/creds/web/${k}`),
    ]
    const first = ids.slice(1).sort()[0] as string
    const res = await raw('PUT', 'sys/leases/revoke-prefix/leasey/creds/web')
    expect(res).toEqual({
      status: 400,
      body: { errors: [`failed to revoke "${first}" (1 / 2): failed to revoke entry: database is down`] },
    })
    expect(vault.leases.pending).toBe(2)
  })
})

describe('sys/leases/revoke-force', () => {
  it('needs sudo; removes the leases even though the backend fails, 204', async () => {
    const { issue, raw, token, policy, engine, vault } = await setup()
    const events = recordEvents(vault)
    const { lease_id } = await issue('web')
    engine.control.failRevoke = 99
    await policy('leases', 'path "sys/leases/*" { capabilities = ["update"] }')
    const noSudo = await token(['leases'])
    expect((await raw('PUT', 'sys/leases/revoke-force/leasey', {}, noSudo)).status).toBe(403)
    expect((await raw('PUT', 'sys/leases/revoke-prefix/leasey')).status).toBe(400)
    expect(await raw('PUT', 'sys/leases/revoke-force/leasey')).toEqual({ status: 204, body: null })
    expect(await vault.leases.list('')).toEqual(['auth/']) // the no-sudo token's lease
    expect((await raw('PUT', 'sys/leases/lookup', { lease_id })).status).toBe(400)
    expect(events.at(-1)).toEqual(['lease:revoked', { leaseId: lease_id, force: true }])
    // Legacy path.
    await issue('web')
    expect((await raw('PUT', 'sys/revoke-force/leasey/creds')).status).toBe(204)
    expect(await vault.leases.list('')).toEqual(['auth/'])
  })
})

describe('unmount and remount revoke the mount’s leases first', () => {
  it('unmount: every lease of the mount is revoked at its backend', async () => {
    const { issue, raw, engine, vault } = await setup()
    await issue('web')
    await issue('db')
    expect((await raw('DELETE', 'sys/mounts/leasey')).status).toBe(204)
    expect(engine.control.calls.map((c) => c.operation)).toEqual(['revoke', 'revoke'])
    expect(vault.leases.pending).toBe(0)
  })

  it('a failing revocation stops the unmount (400), and the mount stays', async () => {
    const { issue, raw, engine } = await setup()
    await issue('web')
    engine.control.failRevoke = 1
    const res = await raw('DELETE', 'sys/mounts/leasey')
    expect(res.status).toBe(400)
    expect(String((res.body?.errors as string[] | undefined)?.[0])).toMatch(
      /^failed to revoke "leasey\/creds\/web\/\w{24}" \(1 \/ 1\): failed to revoke entry: database is down$/,
    )
    expect((await raw('GET', 'leasey/plain/x')).status).toBe(200)
  })

  it('remount: the leases are revoked before the move', async () => {
    const { issue, raw, engine, vault } = await setup()
    await issue('web')
    expect((await raw('POST', 'sys/remount', { from: 'leasey', to: 'moved' })).status).toBe(200)
    expect(engine.control.calls.map((c) => [c.operation, c.mountPoint])).toEqual([['revoke', 'leasey/']])
    expect(vault.leases.pending).toBe(0)
    expect((await issue('web', undefined, 'moved')).lease_id).toMatch(/^moved\/creds\/web\//)
  })
})
