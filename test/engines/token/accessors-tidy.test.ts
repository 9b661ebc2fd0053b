// LIST auth/token/accessors (sudo) and auth/token/tidy: Vault's tokenStoreAccessorList and handleTidy
// (202 + warning, background run, "already in progress").
import { describe, expect, it } from 'vitest'
import { call, createToken, rejection, setup } from './helpers.js'

describe('accessors', () => {
  it('LIST accessors: every token’s accessor', async () => {
    const h = await setup()
    const a = (await createToken(h, { policies: ['web'] })).id
    const b = (await createToken(h, { policies: ['web'] })).id
    const keys = (await call(h, 'list', 'accessors'))?.data?.keys as string[]
    const expected = [
      h.root.accessor,
      (await h.tokens.lookup(a))?.accessor,
      (await h.tokens.lookup(b))?.accessor,
    ]
    expect(new Set(keys)).toEqual(new Set(expected))
    expect(keys).toHaveLength(3)
  })

  it('needs sudo', async () => {
    const h = await setup()
    const caller = (await createToken(h, { policies: ['web'] })).id
    const err = await rejection(() => call(h, 'list', 'accessors', {}, { token: caller, sudo: false }))
    expect(err).toMatchObject({ statusCode: 403, code: 'ERR_PERMISSION_DENIED' })
  })

  it('batch tokens have no accessor and are not listed', async () => {
    const h = await setup()
    await createToken(h, { policies: ['web'], type: 'batch' })
    expect((await call(h, 'list', 'accessors'))?.data?.keys).toEqual([h.root.accessor])
  })
})

describe('tidy', () => {
  it('202 with Vault’s warning, runs in the background and cleans dangling indexes', async () => {
    const h = await setup()
    const a = (await createToken(h, { policies: ['web'] })).id
    const b = (await createToken(h, { policies: ['web'] }, { token: a })).id
    await h.storage.delete(`sys/token/id/${h.tokens.saltedId(a)}`)
    const resp = await call(h, 'update', 'tidy')
    expect(resp).toEqual({
      data: null,
      httpStatus: 202,
      warnings: [
        "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
      ],
    })
    expect(await call(h, 'update', 'tidy')).toEqual({
      data: null,
      warnings: ['Tidy operation already in progress.'],
    })
    await h.tokens.tidy()
    expect(await h.tokens.lookup(b)).toMatchObject({ parent: '', orphan: true })
    expect(h.storage.keys('sys/token/parent/')).toEqual([])
    expect(await h.tokens.listAccessors()).toHaveLength(2)
  })
})

describe('the backend', () => {
  it('is of type token, with Vault’s root paths', async () => {
    const h = await setup()
    expect(h.backend.type).toBe('token')
    expect(h.backend.specialPaths).toEqual({ root: ['revoke-orphan/*', 'accessors*'] })
  })

  it('unknown paths: 404 unsupported path', async () => {
    const h = await setup()
    expect((await rejection(() => call(h, 'read', 'nope'))).statusCode).toBe(404)
  })

  it('help lists every path', async () => {
    const h = await setup()
    const req = { ...(await call(h, 'help', '')) }
    const help = String(req.data?.help)
    for (const p of ['create', 'lookup-self', 'renew-accessor', 'revoke-orphan', 'tidy', 'roles']) {
      expect(help).toContain(p)
    }
  })
})
