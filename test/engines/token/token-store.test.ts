// The token store itself (Vault's vault/token_store.go: create, lookupInternal, UseToken,
// revokeInternal / revokeTreeInternal, handleTidy's index clean-up; token formats from §3.4 of the
// reference). Runs over plain in-memory storage so every stored byte can be inspected.
import { describe, expect, it } from 'vitest'
import {
  BATCH_TOKEN_PREFIX,
  sanitizePolicies,
  TOKEN_REVOCATION_PENDING,
  type TokenEntry,
} from '../../../src/core/token-store.js'
import { HOUR, rejection, setup } from './helpers.js'

const BASE62_24 = /^[0-9A-Za-z]{24}$/

async function child(
  h: Awaited<ReturnType<typeof setup>>,
  parent: string,
  extra: Partial<Parameters<typeof h.tokens.create>[0]> = {},
): Promise<TokenEntry> {
  return h.tokens.create({ policies: ['web'], path: 'auth/token/create', parent, ttl: HOUR, ...extra })
}

describe('sanitizePolicies', () => {
  it('lower-cases, trims, drops empty names, de-duplicates and sorts; root collapses the list', () => {
    expect(sanitizePolicies([' Web', 'web', '', 'DB '], false)).toEqual(['db', 'web'])
    expect(sanitizePolicies(['web'], true)).toEqual(['default', 'web'])
    expect(sanitizePolicies(['web', 'Root', 'db'], true)).toEqual(['root'])
    expect(sanitizePolicies([], true)).toEqual(['default'])
  })
})

describe('create', () => {
  it('service tokens: hvs. + 24 base62, 24-char accessor, random cubbyhole ID, lease times from the clock', async () => {
    const h = await setup()
    const t = await child(h, h.root.id, { meta: { user: 'armon' } })
    expect(t.id).toMatch(/^hvs\.[0-9A-Za-z]{24}$/)
    expect(t.accessor).toMatch(BASE62_24)
    expect(t.cubbyhole_id).toMatch(BASE62_24)
    expect(t.cubbyhole_id).not.toBe(t.accessor)
    expect(t).toMatchObject({
      parent: 'root',
      orphan: false,
      policies: ['web'],
      display_name: 'token',
      num_uses: 0,
      creation_time: h.clock.now() / 1000,
      ttl: HOUR,
      type: 'service',
      renewable: true,
      entity_id: '',
      issue_time: h.clock.now(),
      expire_time: h.clock.now() + HOUR * 1000,
      last_renewal_time: 0,
      meta: { user: 'armon' },
    })
    expect(await h.tokens.lookup(t.id)).toEqual(t)
  })

  it('custom IDs: Vault’s rules and wording', async () => {
    const h = await setup()
    const make = (id: string) => child(h, h.root.id, { id })
    expect((await rejection(() => make('hvs.abc'))).errors).toEqual([
      "custom token ID cannot have the 'hvs.' prefix",
    ])
    expect((await rejection(() => make('s.abc'))).errors).toEqual([
      "custom token ID cannot have the 's.' prefix",
    ])
    expect((await rejection(() => make('a.b'))).errors).toEqual([
      "custom token ID cannot have a '.' in the value",
    ])
    const t = await make('my-token')
    expect(t.id).toBe('my-token')
    const dup = await rejection(() => make('my-token'))
    expect(dup.statusCode).toBe(400)
    expect(dup.errors).toEqual(['cannot create a token with a duplicate ID'])
  })

  it('refuses a missing parent and a non-root token without TTL', async () => {
    const h = await setup()
    expect((await rejection(() => child(h, 'nope'))).errors).toEqual(['parent token not found'])
    expect((await rejection(() => child(h, '', { ttl: 0 }))).errors).toEqual([
      'refusing to register a lease for a non-root token with no TTL',
    ])
  })

  it('root tokens from sys/init have no lease: no expiry, not renewable', async () => {
    const h = await setup()
    expect(h.root).toMatchObject({
      policies: ['root'],
      path: 'auth/token/root',
      display_name: 'root',
      orphan: true,
      ttl: 0,
      renewable: false,
      issue_time: 0,
      expire_time: 0,
    })
  })
})

describe('storage: only salted hashes', () => {
  it('no clear token ID is a key, nor in any value other than the token’s own entry', async () => {
    const h = await setup()
    const parent = await child(h, h.root.id)
    const kid = await child(h, parent.id)
    const orphan = await h.tokens.create({ policies: ['x'], path: 'auth/token/create-orphan', ttl: HOUR })
    const ids = [h.root, parent, kid, orphan]
    const saltedOf = (e: TokenEntry) => h.tokens.saltedId(e.id)
    const decoder = new TextDecoder()
    for (const [key, value] of h.storage.map) {
      const text = decoder.decode(value)
      for (const e of ids) {
        expect(key.includes(e.id.replace(/^hvs\./, ''))).toBe(false)
        const ownEntry = key === `sys/token/id/${saltedOf(e)}`
        // A child's entry names its parent (inside the barrier-encrypted entry, as in Vault).
        const childOfE = ids.some((c) => c.parent === e.id && key === `sys/token/id/${saltedOf(c)}`)
        if (!ownEntry && !childOfE) expect(text.includes(e.id)).toBe(false)
      }
    }
    // The layout: salted keys only.
    const keys = h.storage.keys('sys/token/')
    expect(keys).toContain(`sys/token/id/${saltedOf(kid)}`)
    expect(keys).toContain(`sys/token/parent/${saltedOf(parent)}/${saltedOf(kid)}`)
    expect(keys).toContain(`sys/token/accessor/${h.tokens.saltedId(kid.accessor)}`)
    for (const key of keys) {
      expect(key).toMatch(
        /^sys\/token\/(salt|batch-key|(id|accessor)\/h[0-9a-f]{64}|parent\/h[0-9a-f]{64}\/h[0-9a-f]{64})$/,
      )
    }
  })

  it('salted IDs are h + 64 hex, stable, and differ per store (random salt)', async () => {
    const a = await setup()
    const b = await setup()
    expect(a.tokens.saltedId('x')).toMatch(/^h[0-9a-f]{64}$/)
    expect(a.tokens.saltedId('x')).toBe(a.tokens.saltedId('x'))
    expect(a.tokens.saltedId('x')).not.toBe(b.tokens.saltedId('x'))
  })

  it('a sealed store refuses to work and forgets its keys', async () => {
    const h = await setup()
    h.tokens.teardown()
    await expect(h.tokens.lookup('root')).rejects.toThrow('token store used while sealed')
    await h.tokens.setup()
    expect((await h.tokens.lookup('root'))?.id).toBe('root')
  })
})

describe('lookup', () => {
  it('null for unknown, empty and non-string IDs', async () => {
    const h = await setup()
    expect(await h.tokens.lookup('hvs.unknownunknownunknown00')).toBeNull()
    expect(await h.tokens.lookup('')).toBeNull()
    expect(await h.tokens.lookup(42 as unknown as string)).toBeNull()
  })

  it('expires against the clock and revokes the expired token (and its tree) lazily', async () => {
    const h = await setup()
    const t = await child(h, h.root.id)
    const kid = await child(h, t.id, { ttl: 2 * HOUR })
    await h.clock.advance('59m59s')
    expect(await h.tokens.lookup(t.id)).not.toBeNull()
    await h.clock.advance('1s')
    expect(await h.tokens.lookup(t.id)).toBeNull()
    expect(h.storage.keys(`sys/token/id/${h.tokens.saltedId(t.id)}`)).toEqual([])
    expect(h.storage.keys(`sys/token/id/${h.tokens.saltedId(kid.id)}`)).toEqual([])
  })

  it('a child never outlives its parent, even with a longer TTL', async () => {
    const h = await setup()
    const t = await child(h, h.root.id)
    const kid = await child(h, t.id, { ttl: 10 * HOUR })
    await h.clock.advance('2h')
    // Looked up first, before the parent itself was: the chain is checked.
    expect(await h.tokens.lookup(kid.id)).toBeNull()
    expect(await h.tokens.lookup(t.id)).toBeNull()
    expect(h.storage.keys('sys/token/id/')).toEqual([`sys/token/id/${h.tokens.saltedId('root')}`])
  })

  it('lookupByAccessor finds live tokens only', async () => {
    const h = await setup()
    const t = await child(h, h.root.id)
    expect((await h.tokens.lookupByAccessor(t.accessor))?.id).toBe(t.id)
    expect(await h.tokens.lookupByAccessor('nope')).toBeNull()
    expect(await h.tokens.lookupByAccessor('')).toBeNull()
    await h.tokens.revokeTree(t.id)
    expect(await h.tokens.lookupByAccessor(t.accessor)).toBeNull()
  })
})

describe('use (num_uses)', () => {
  it('decrements, marks the last use -1 and asks for revocation after the request', async () => {
    const h = await setup()
    const t = await child(h, h.root.id, { numUses: 2 })
    const first = await h.tokens.use(t)
    expect(first).toMatchObject({ revokeAfterRequest: false, entry: { num_uses: 1 } })
    const second = await h.tokens.use(first.entry)
    expect(second).toMatchObject({ revokeAfterRequest: true, entry: { num_uses: TOKEN_REVOCATION_PENDING } })
    // Used up: lookups no longer return it, except tainted ones (lookup-self on the last use).
    expect(await h.tokens.lookup(t.id)).toBeNull()
    expect((await h.tokens.lookup(t.id, { tainted: true }))?.num_uses).toBe(-1)
    const third = await rejection(() => h.tokens.use(t))
    expect(third.statusCode).toBe(403)
    await h.tokens.revokeTree(t.id)
    expect(await h.tokens.lookup(t.id, { tainted: true })).toBeNull()
  })

  it('unlimited and batch tokens pass through untouched', async () => {
    const h = await setup()
    const t = await child(h, h.root.id)
    expect(await h.tokens.use(t)).toEqual({ entry: t, revokeAfterRequest: false })
    const b = await h.tokens.create({
      policies: ['web'],
      path: 'auth/token/create',
      ttl: HOUR,
      type: 'batch',
    })
    expect(await h.tokens.use(b)).toEqual({ entry: b, revokeAfterRequest: false })
  })

  it('concurrent uses never spend more than the count', async () => {
    const h = await setup()
    const t = await child(h, h.root.id, { numUses: 3 })
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => h.tokens.use(t)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    const last = results.filter(
      (r) => r.status === 'fulfilled' && (r.value as { revokeAfterRequest: boolean }).revokeAfterRequest,
    )
    expect(last).toHaveLength(1)
  })
})

describe('revocation trees', () => {
  it('revokeTree revokes every descendant depth first, with indexes and hooks', async () => {
    const h = await setup()
    const a = await child(h, h.root.id)
    const b1 = await child(h, a.id)
    const b2 = await child(h, a.id)
    const c1 = await child(h, b1.id)
    const c2 = await child(h, b1.id)
    const d = await child(h, c1.id)
    const other = await child(h, h.root.id)
    const revoked: string[] = []
    h.tokens.onRevoke((e) => {
      revoked.push(e.id)
      expect(e.num_uses).toBe(-1)
    })
    await h.tokens.revokeTree(a.id)
    expect(new Set(revoked)).toEqual(new Set([a.id, b1.id, b2.id, c1.id, c2.id, d.id]))
    // Children before parents.
    expect(revoked.indexOf(d.id)).toBeLessThan(revoked.indexOf(c1.id))
    expect(revoked.indexOf(c1.id)).toBeLessThan(revoked.indexOf(b1.id))
    expect(revoked.at(-1)).toBe(a.id)
    for (const t of [a, b1, b2, c1, c2, d]) {
      expect(await h.tokens.lookup(t.id, { tainted: true })).toBeNull()
      expect(await h.tokens.lookupByAccessor(t.accessor)).toBeNull()
    }
    expect((await h.tokens.lookup(other.id))?.id).toBe(other.id)
    // Nothing left of the subtree: entries, accessors, parent links.
    const left = h.storage.keys('sys/token/')
    expect(left.filter((k) => k.startsWith('sys/token/id/'))).toHaveLength(2)
    expect(left.filter((k) => k.startsWith('sys/token/accessor/'))).toHaveLength(2)
    expect(left.filter((k) => k.startsWith('sys/token/parent/'))).toEqual([
      `sys/token/parent/${h.tokens.saltedId('root')}/${h.tokens.saltedId(other.id)}`,
    ])
  })

  it('revokeOrphan revokes one token; its children survive as orphans', async () => {
    const h = await setup()
    const a = await child(h, h.root.id)
    const b = await child(h, a.id)
    const c = await child(h, b.id)
    await h.tokens.revokeOrphan(a.id)
    expect(await h.tokens.lookup(a.id)).toBeNull()
    const bAfter = await h.tokens.lookup(b.id)
    expect(bAfter).toMatchObject({ parent: '', orphan: true })
    // Grandchildren keep their parent.
    expect(await h.tokens.lookup(c.id)).toMatchObject({ parent: b.id, orphan: false })
    expect(h.storage.keys(`sys/token/parent/${h.tokens.saltedId(a.id)}/`)).toEqual([])
    // The orphan's own tree still works.
    await h.tokens.revokeTree(b.id)
    expect(await h.tokens.lookup(c.id)).toBeNull()
  })

  it('a failing hook stops revocation but leaves the token unusable; a retry finishes', async () => {
    const h = await setup()
    const t = await child(h, h.root.id)
    let fail = true
    h.tokens.onRevoke(() => {
      if (fail) throw new Error('lease backend down')
    })
    await expect(h.tokens.revokeTree(t.id)).rejects.toThrow('lease backend down')
    expect(await h.tokens.lookup(t.id)).toBeNull()
    expect(await h.tokens.lookup(t.id, { tainted: true })).not.toBeNull()
    fail = false
    await h.tokens.revokeTree(t.id)
    expect(await h.tokens.lookup(t.id, { tainted: true })).toBeNull()
  })

  it('unregistered hooks stop running; unknown and batch IDs are ignored', async () => {
    const h = await setup()
    const seen: string[] = []
    const off = h.tokens.onRevoke((e) => {
      seen.push(e.id)
    })
    off()
    await h.tokens.revokeTree((await child(h, h.root.id)).id)
    await h.tokens.revokeTree('nope')
    await h.tokens.revokeOrphan(`${BATCH_TOKEN_PREFIX}xyz`)
    expect(seen).toEqual([])
  })
})

describe('batch tokens', () => {
  it('hvb. + sealed entry: not persisted, no accessor, readable back, tamper-evident', async () => {
    const h = await setup()
    const before = h.storage.keys()
    const b = await h.tokens.create({
      policies: ['web'],
      path: 'auth/token/create',
      parent: h.root.id,
      ttl: HOUR,
      type: 'batch',
      meta: { a: 'b' },
    })
    expect(b.id.startsWith('hvb.')).toBe(true)
    expect(b.id).toMatch(/^hvb\.[A-Za-z0-9_-]+$/)
    expect(b).toMatchObject({ accessor: '', cubbyhole_id: '', renewable: false, type: 'batch', num_uses: 0 })
    expect(h.storage.keys()).toEqual(before)
    const found = await h.tokens.lookup(b.id)
    expect(found).toMatchObject({
      id: b.id,
      parent: 'root',
      policies: ['web'],
      meta: { a: 'b' },
      ttl: HOUR,
      expire_time: b.expire_time,
      type: 'batch',
    })
    // One flipped character: no longer a token.
    const last = b.id.at(-2) === 'A' ? 'B' : 'A'
    expect(await h.tokens.lookup(`${b.id.slice(0, -2)}${last}${b.id.at(-1)}`)).toBeNull()
    expect(await h.tokens.lookup('hvb.not-base64!')).toBeNull()
  })

  it('expire with their TTL, and with their parent', async () => {
    const h = await setup()
    const parent = await child(h, h.root.id, { ttl: 10 * HOUR })
    const b = await h.tokens.create({
      policies: ['web'],
      path: 'auth/token/create',
      parent: parent.id,
      ttl: HOUR,
      type: 'batch',
    })
    const b2 = await h.tokens.create({
      policies: ['web'],
      path: 'auth/token/create',
      parent: parent.id,
      ttl: 5 * HOUR,
      type: 'batch',
    })
    await h.clock.advance('1h')
    expect(await h.tokens.lookup(b.id)).toBeNull()
    expect(await h.tokens.lookup(b2.id)).not.toBeNull()
    await h.tokens.revokeTree(parent.id)
    expect(await h.tokens.lookup(b2.id)).toBeNull()
  })

  it('refuses root, uses, period and explicit max TTL (Vault’s wording)', async () => {
    const h = await setup()
    const batch = (extra: Record<string, unknown>) =>
      h.tokens.create({ policies: ['web'], path: 'auth/token/create', ttl: HOUR, type: 'batch', ...extra })
    expect((await rejection(() => batch({ policies: ['root'] }))).errors).toEqual([
      'batch tokens cannot be root tokens',
    ])
    expect((await rejection(() => batch({ numUses: 2 }))).errors).toEqual([
      'batch tokens cannot have "num_uses" set',
    ])
    expect((await rejection(() => batch({ period: 60 }))).errors).toEqual([
      'batch tokens cannot have "period" set',
    ])
    expect((await rejection(() => batch({ explicitMaxTtl: 60 }))).errors).toEqual([
      'batch tokens cannot have "explicit_max_ttl" set',
    ])
  })

  it('a batch token from another store (other key) does not open', async () => {
    const a = await setup()
    const b = await setup()
    const t = await a.tokens.create({
      policies: ['web'],
      path: 'auth/token/create',
      ttl: HOUR,
      type: 'batch',
    })
    expect(await b.tokens.lookup(t.id)).toBeNull()
  })
})

describe('expiry changes go through setExpiry', () => {
  it('updates the entry, records renewals, tells listeners', async () => {
    const h = await setup()
    const t = await child(h, h.root.id)
    const seen: number[] = []
    h.tokens.onExpiryChange((e) => seen.push(e.expire_time))
    await h.clock.advance('10m')
    const updated = await h.tokens.setExpiry(t, h.clock.now() + 2 * HOUR * 1000, { renewal: true })
    expect(updated).toMatchObject({
      expire_time: h.clock.now() + 2 * HOUR * 1000,
      last_renewal_time: h.clock.now(),
    })
    expect(seen).toEqual([h.clock.now() + 2 * HOUR * 1000])
    await h.clock.advance('1h55m')
    expect(await h.tokens.lookup(t.id)).not.toBeNull()
    await h.clock.advance('5m')
    expect(await h.tokens.lookup(t.id)).toBeNull()
  })
})

describe('accessors and tidy', () => {
  it('listAccessors lists every token’s accessor', async () => {
    const h = await setup()
    const a = await child(h, h.root.id)
    const b = await child(h, h.root.id)
    expect(new Set(await h.tokens.listAccessors())).toEqual(
      new Set([h.root.accessor, a.accessor, b.accessor]),
    )
  })

  it('tidy removes dangling parent and accessor indexes and orphans children of a vanished parent', async () => {
    const h = await setup()
    const a = await child(h, h.root.id)
    const b = await child(h, a.id)
    const gone = await child(h, h.root.id)
    // Simulate a crash half-way through revocations: entries deleted, indexes left behind.
    await h.storage.delete(`sys/token/id/${h.tokens.saltedId(a.id)}`)
    await h.storage.delete(`sys/token/id/${h.tokens.saltedId(gone.id)}`)
    const result = await h.tokens.tidy()
    // root→a, root→gone (children gone), a→b (parent gone).
    expect(result).toEqual({ parentIndexesRemoved: 3, orphaned: 1, accessorsRemoved: 2 })
    expect(await h.tokens.lookup(b.id)).toMatchObject({ parent: '', orphan: true })
    expect(h.storage.keys('sys/token/parent/')).toEqual([])
    expect(new Set(await h.tokens.listAccessors())).toEqual(new Set([h.root.accessor, b.accessor]))
    expect(await h.tokens.tidy()).toEqual({ parentIndexesRemoved: 0, orphaned: 0, accessorsRemoved: 0 })
  })

  it('a second tidy while one runs joins it', async () => {
    const h = await setup()
    const first = h.tokens.tidy()
    expect(h.tokens.tidying).toBe(true)
    expect(h.tokens.tidy()).toBe(first)
    await first
    expect(h.tokens.tidying).toBe(false)
  })
})
