// auth/token/revoke, revoke-self, revoke-orphan, revoke-accessor: Vault's handleRevokeTree /
// handleRevokeSelf / handleRevokeOrphan / handleUpdateRevokeAccessor (vault/token_store.go).
import { describe, expect, it } from 'vitest'
import { buildRequest, call, createToken, rejection, setup } from './helpers.js'

/** root → a → b → c, plus a sibling of a. */
async function tree(h: Awaited<ReturnType<typeof setup>>) {
  const a = (await createToken(h, { policies: ['web'] })).id
  const b = (await createToken(h, { policies: ['web'] }, { token: a })).id
  const c = (await createToken(h, { policies: ['web'] }, { token: b })).id
  const sibling = (await createToken(h, { policies: ['web'] })).id
  return { a, b, c, sibling }
}

describe('revoke', () => {
  it('revokes the token and its whole tree: 204', async () => {
    const h = await setup()
    const { a, b, c, sibling } = await tree(h)
    expect(await call(h, 'update', 'revoke', { token: a })).toBeNull()
    for (const t of [a, b, c]) expect(await h.tokens.lookup(t)).toBeNull()
    expect(await h.tokens.lookup(sibling)).not.toBeNull()
  })

  it('revoking a middle token takes its subtree only', async () => {
    const h = await setup()
    const { a, b, c } = await tree(h)
    await call(h, 'update', 'revoke', { token: b })
    expect(await h.tokens.lookup(a)).not.toBeNull()
    expect(await h.tokens.lookup(b)).toBeNull()
    expect(await h.tokens.lookup(c)).toBeNull()
  })

  it('unknown tokens: a silent 204; missing token: 400; batch: 400', async () => {
    const h = await setup()
    expect(await call(h, 'update', 'revoke', { token: 'nope' })).toBeNull()
    expect(await rejection(() => call(h, 'update', 'revoke', {}))).toMatchObject({
      statusCode: 400,
      errors: ['missing token ID'],
    })
    const batch = (await createToken(h, { policies: ['web'], type: 'batch' })).id
    expect((await rejection(() => call(h, 'update', 'revoke', { token: batch }))).errors).toEqual([
      'batch tokens cannot be revoked',
    ])
  })

  it('revoke-self revokes the caller and its children', async () => {
    const h = await setup()
    const { a, b } = await tree(h)
    expect(await call(h, 'update', 'revoke-self', {}, { token: a, sudo: false })).toBeNull()
    expect(await h.tokens.lookup(a)).toBeNull()
    expect(await h.tokens.lookup(b)).toBeNull()
  })
})

describe('revoke-orphan', () => {
  it('needs sudo (Vault’s handler check)', async () => {
    const h = await setup()
    const { a, b } = await tree(h)
    expect(
      await rejection(() => call(h, 'update', 'revoke-orphan', { token: b }, { token: a, sudo: false })),
    ).toMatchObject({ statusCode: 400, errors: ['root or sudo privileges required to revoke and orphan'] })
  })

  it('revokes only the token; children become orphans and keep their own children', async () => {
    const h = await setup()
    const { a, b, c } = await tree(h)
    expect(await call(h, 'update', 'revoke-orphan', { token: a })).toBeNull()
    expect(await h.tokens.lookup(a)).toBeNull()
    expect(await h.tokens.lookup(b)).toMatchObject({ parent: '', orphan: true })
    expect(await h.tokens.lookup(c)).toMatchObject({ parent: b })
    const lookup = await call(h, 'update', 'lookup', { token: b })
    expect(lookup?.data?.orphan).toBe(true)
  })

  it('errors: missing token, not found, batch', async () => {
    const h = await setup()
    expect((await rejection(() => call(h, 'update', 'revoke-orphan', {}))).errors).toEqual([
      'missing token ID',
    ])
    expect((await rejection(() => call(h, 'update', 'revoke-orphan', { token: 'nope' }))).errors).toEqual([
      'token to revoke not found',
    ])
    const batch = (await createToken(h, { policies: ['web'], type: 'batch' })).id
    expect((await rejection(() => call(h, 'update', 'revoke-orphan', { token: batch }))).errors).toEqual([
      'batch tokens cannot be revoked',
    ])
  })

  it('is a root-protected path of the backend', async () => {
    const h = await setup()
    expect(h.backend.specialPaths?.root).toEqual(['revoke-orphan/*', 'accessors*'])
  })
})

describe('revoke-accessor', () => {
  it('revokes the token behind the accessor, with its tree', async () => {
    const h = await setup()
    const { a, b } = await tree(h)
    const accessor = (await h.tokens.lookup(a))?.accessor
    expect(await call(h, 'update', 'revoke-accessor', { accessor })).toBeNull()
    expect(await h.tokens.lookup(a)).toBeNull()
    expect(await h.tokens.lookup(b)).toBeNull()
  })

  it('unknown accessor: 200 with a warning; missing accessor: 400', async () => {
    const h = await setup()
    expect(await call(h, 'update', 'revoke-accessor', { accessor: 'nope' })).toEqual({
      data: null,
      warnings: ['No token found with this accessor'],
    })
    expect((await rejection(() => call(h, 'update', 'revoke-accessor', {}))).errors).toEqual([
      'missing accessor',
    ])
  })

  it('a used-up token: token not found', async () => {
    const h = await setup()
    const { id } = await createToken(h, { policies: ['web'], num_uses: 1 })
    const entry = await h.tokens.lookup(id)
    await h.tokens.use(entry!)
    const err = await rejection(() => call(h, 'update', 'revoke-accessor', { accessor: entry?.accessor }))
    expect(err.errors).toEqual(['token not found'])
  })
})

describe('num_uses through the backend', () => {
  it('the last use revokes the token after its request (as the pipeline does)', async () => {
    const h = await setup()
    const parent = (await createToken(h, { policies: ['web'] })).id
    const { id } = await createToken(h, { policies: ['web'], num_uses: 2 })
    for (let i = 0; i < 2; i++) {
      const req = await buildRequest(h, 'update', 'lookup', { token: parent }, { token: id, sudo: false })
      const used = await h.tokens.use(req.tokenEntry!)
      await h.backend.handleRequest(req)
      if (used.revokeAfterRequest) await h.tokens.revokeTree(id)
      expect(used.revokeAfterRequest).toBe(i === 1)
    }
    expect(await h.tokens.lookup(id, { tainted: true })).toBeNull()
    expect((await rejection(() => call(h, 'update', 'lookup', { token: id }))).errors).toEqual(['bad token'])
  })
})
