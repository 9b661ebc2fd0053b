// ACL decisions, checked against Vault's documented behaviour and its own test tables.
// Sources: https://developer.hashicorp.com/vault/docs/concepts/policies (anchors cited per case, "docs#…"),
// hashicorp/vault vault/acl.go + vault/acl_test.go (cases marked "acl_test.go <Test>"), go-secure-stdlib
// strutil.GlobbedStringsMatch, and hashicorp/vault#23874 (LIST fallback for wildcard rules).
import { describe, expect, it } from 'vitest'
import type { Operation } from '../../src/core/logical.js'
import { InternalError } from '../../src/errors.js'
import {
  ACL,
  type AclOptions,
  type AclRequest,
  CAPABILITY_BITS,
  type Capability,
  type Policy,
  parsePolicy,
} from '../../src/policy/index.js'

function acl(texts: string | string[], options?: AclOptions): ACL {
  const list = Array.isArray(texts) ? texts : [texts]
  return new ACL(
    list.map((t, i) => parsePolicy(`p${i}`, t)),
    options,
  )
}

function allowed(a: ACL, path: string, operation: Operation, extra: Partial<AclRequest> = {}): boolean {
  return a.allowOperation({ path, operation, ...extra }).allowed
}

// acl_test.go aclPolicy / aclPolicy2 (the `recover` capability is kept; vaultlet has no recover operation).
const ACL_POLICY = `
name = "DeV"
path "dev/*" { policy = "sudo" }
path "stage/*" { policy = "write" }
path "stage/aws/*" {
  policy = "read"
  capabilities = ["update", "sudo"]
}
path "stage/aws/policy/*" { policy = "sudo" }
path "prod/*" { policy = "read" }
path "prod/aws/*" { policy = "deny" }
path "sys/*" { policy = "deny" }
path "foo/bar" { capabilities = ["read", "create", "sudo"] }
path "baz/quux" { capabilities = ["read", "create", "patch"] }
path "test/+/segment" { capabilities = ["read"] }
path "+/segment/at/front" { capabilities = ["read"] }
path "test/segment/at/end/+" { capabilities = ["read"] }
path "test/segment/at/end/v2/+/" { capabilities = ["read"] }
path "test/+/wildcard/+/*" { capabilities = ["read"] }
path "test/+/wildcardglob/+/end*" { capabilities = ["read"] }
path "1/2/*" { capabilities = ["create"] }
path "1/2/+" { capabilities = ["read"] }
path "1/2/+/+" { capabilities = ["update", "recover"] }
`

const ACL_POLICY_2 = `
name = "OpS"
path "dev/hide/*" { policy = "deny" }
path "stage/aws/policy/*" {
  policy = "deny"
  # This should have no effect
  capabilities = ["read", "update", "sudo"]
}
path "prod/*" { policy = "write" }
path "sys/seal" { policy = "sudo" }
path "foo/bar" { capabilities = ["deny"] }
path "baz/quux" { capabilities = ["deny"] }
`

type Row = [op: Operation, path: string, allowed: boolean, rootPrivs: boolean]

describe('ACL: one policy (acl_test.go TestACL_Single)', () => {
  const a = acl(ACL_POLICY)
  it.each<Row>([
    ['read', 'root', false, false],
    ['help', 'root', true, false], // docs: help is always allowed
    ['read', 'dev/foo', true, true],
    ['update', 'dev/foo', true, true],
    ['delete', 'stage/foo', true, false],
    ['list', 'stage/aws/foo', true, true],
    ['update', 'stage/aws/foo', true, true],
    ['update', 'stage/aws/policy/foo', true, true],
    ['delete', 'prod/foo', false, false],
    ['update', 'prod/foo', false, false],
    ['read', 'prod/foo', true, false],
    ['list', 'prod/foo', true, false],
    ['read', 'prod/aws/foo', false, false],
    ['read', 'foo/bar', true, true],
    ['list', 'foo/bar', false, true],
    ['update', 'foo/bar', false, true],
    ['create', 'foo/bar', true, true],
    ['read', 'baz/quux', true, false],
    ['create', 'baz/quux', true, false],
    ['patch', 'baz/quux', true, false],
    ['list', 'baz/quux', false, false],
    ['update', 'baz/quux', false, false],
    // Path segment wildcards (docs#policy-syntax: "+" matches one segment)
    ['read', 'test/foo/bar/segment', false, false],
    ['read', 'test/foo/segment', true, false],
    ['read', 'test/bar/segment', true, false],
    ['read', 'test/segment/at/frond', false, false],
    ['read', 'test/segment/at/front', true, false],
    ['read', 'test/segment/at/end/foo', true, false],
    ['read', 'test/segment/at/end/foo/', false, false],
    ['read', 'test/segment/at/end/v2/foo/', true, false],
    ['read', 'test/segment/wildcard/at/foo/', true, false],
    ['read', 'test/segment/wildcard/at/end', true, false],
    ['read', 'test/segment/wildcard/at/end/', true, false],
    // Path segment wildcards vs glob (docs#priority-matching)
    ['read', '1/2/3/4', false, false],
    ['read', '1/2/3', true, false],
    ['update', '1/2/3', false, false],
    ['update', '1/2/3/4', true, false],
    ['create', '1/2/3/4/5', true, false],
  ])('%s %s → allowed %s, rootPrivs %s', (op, path, ok, root) => {
    const r = a.allowOperation({ path, operation: op })
    expect([r.allowed, r.rootPrivs]).toEqual([ok, root])
    expect(r.isRoot).toBe(false)
  })
})

describe('ACL: policies merged per pattern (acl_test.go TestACL_Layered; docs#builtin-policies "deny wins")', () => {
  const a = acl([ACL_POLICY, ACL_POLICY_2])
  it.each<Row>([
    ['read', 'root', false, false],
    ['help', 'root', true, false],
    ['read', 'dev/foo', true, true],
    ['update', 'dev/foo', true, true],
    ['read', 'dev/hide/foo', false, false],
    ['update', 'dev/hide/foo', false, false],
    ['delete', 'stage/foo', true, false],
    ['list', 'stage/aws/foo', true, true],
    ['update', 'stage/aws/foo', true, true],
    ['update', 'stage/aws/policy/foo', false, false], // deny in policy 2 wins over sudo in policy 1
    ['delete', 'prod/foo', true, false], // read ∪ write
    ['update', 'prod/foo', true, false],
    ['read', 'prod/foo', true, false],
    ['list', 'prod/foo', true, false],
    ['read', 'prod/aws/foo', false, false],
    ['read', 'sys/status', false, false],
    ['update', 'sys/seal', true, true], // exact rule beats the `sys/*` deny
    ['read', 'foo/bar', false, false],
    ['list', 'foo/bar', false, false],
    ['update', 'foo/bar', false, false],
    ['create', 'foo/bar', false, false],
    ['read', 'baz/quux', false, false],
    ['list', 'baz/quux', false, false],
    ['update', 'baz/quux', false, false],
    ['create', 'baz/quux', false, false],
    ['patch', 'baz/quux', false, false],
  ])('%s %s → allowed %s, rootPrivs %s', (op, path, ok, root) => {
    const r = a.allowOperation({ path, operation: op })
    expect([r.allowed, r.rootPrivs]).toEqual([ok, root])
  })

  it('deny wins whichever policy comes first', () => {
    for (const order of [
      ['path "x" { capabilities = ["deny"] }', 'path "x" { capabilities = ["read", "sudo"] }'],
      ['path "x" { capabilities = ["read", "sudo"] }', 'path "x" { capabilities = ["deny"] }'],
    ]) {
      const b = acl(order)
      expect(b.allowOperation({ path: 'x', operation: 'read' })).toMatchObject({
        allowed: false,
        rootPrivs: false,
      })
      expect(b.capabilities('x')).toEqual(['deny'])
    }
  })

  it('ORs capabilities of the same pattern across policies, never across patterns (docs#policy-syntax)', () => {
    const b = acl([
      'path "secret/*" { capabilities = ["read"] }',
      'path "secret/*" { capabilities = ["list"] }\npath "secret/a" { capabilities = ["update"] }',
    ])
    expect(b.capabilities('secret/b')).toEqual(['list', 'read'])
    // secret/a is decided by its exact rule alone: the glob's read is not added.
    expect(b.capabilities('secret/a')).toEqual(['update'])
    expect(allowed(b, 'secret/a', 'read')).toBe(false)
  })
})

describe('ACL: exact and glob rules (docs#policy-syntax)', () => {
  const a = acl(`
    path "secret/foo" { capabilities = ["read"] }
    path "secret/zip-*" { capabilities = ["update"] }
    path "secret/*" { capabilities = ["list"] }
    path "*" { capabilities = ["delete"] }
  `)
  it.each<[string, Operation, boolean]>([
    ['secret/foo', 'read', true], // exact
    ['secret/foo/bar', 'read', false], // an exact rule does not cover children
    ['secret/foo/bar', 'list', true], // …they fall to secret/*
    ['secret/zip-zap', 'update', true], // * as the last character is a prefix glob
    ['secret/zip-zap/zong', 'update', true], // …across segments
    ['secret/zip-zap', 'list', false], // the longest prefix alone decides
    ['secret/zi', 'list', true],
    ['other', 'delete', true], // "*" matches everything
    ['/secret/foo', 'read', true], // a leading "/" is ignored
    ['//secret/foo', 'read', true],
  ])('%s %s → %s', (path, op, ok) => {
    expect(allowed(a, path, op)).toBe(ok)
  })

  it('reads `*` in the middle of a pattern literally', () => {
    const b = acl('path "secret/*/x" { capabilities = ["read"] }')
    expect(allowed(b, 'secret/*/x', 'read')).toBe(true)
    expect(allowed(b, 'secret/a/x', 'read')).toBe(false)
  })
})

describe('ACL: priority between overlapping rules (docs#priority-matching; acl_test.go TestACL_SegmentWildcardPriority)', () => {
  // Each case: the `read` rule must lose to the `update` rule on the path.
  it.each([
    // (a) P1's first wildcard (+) or glob (*) occurs earlier → P1 is lower priority
    ['(a) first + earlier: foo/+/baz < foo/bar/*', 'foo/+/baz', 'foo/bar/*', 'foo/bar/baz'],
    [
      '(c) edge: +/* < * (same first position 0, both globs, + has more + segments)',
      '+/*',
      '*',
      'foo/bar/bar/baz',
    ],
    ['(a) +/* < foo/+/*', '+/*', 'foo/+/*', 'foo/bar/bar/baz'],
    ['(a) foo/+/(ar/baz < foo/(ar/+/baz', 'foo/+/(ar/baz', 'foo/(ar/+/baz', 'foo/(ar/(ar/baz'],
    [
      '(a) a pure glob counts its prefix length: secret/* < secret/x/+',
      'secret/*',
      'secret/x/+',
      'secret/x/y',
    ],
    // (b) P1 ends in * and P2 does not → P1 is lower priority
    ['(b) foo/bar/+/baz* < foo/bar/+/baz', 'foo/bar/+/baz*', 'foo/bar/+/baz', 'foo/bar/bar/baz'],
    ['(b) secret/* < secret/+ (same first wildcard)', 'secret/*', 'secret/+', 'secret/x'],
    // (c) P1 has more + segments → P1 is lower priority
    ['(c) foo/+/+/baz < foo/+/bar/baz', 'foo/+/+/baz', 'foo/+/bar/baz', 'foo/bar/bar/baz'],
    ['(c) foo/+/+/* < foo/+/bar/baz', 'foo/+/+/*', 'foo/+/bar/baz', 'foo/bar/bar/baz'],
    ['(c) docs example: secret/+/+/foo/* < secret/*', 'secret/+/+/foo/*', 'secret/*', 'secret/a/b/foo/c'],
    // (d) P1 is shorter → P1 is lower priority
    ['(d) foo/bar/+/b* < foo/bar/+/ba*', 'foo/bar/+/b*', 'foo/bar/+/ba*', 'foo/bar/bar/baz'],
    ['(d) longest prefix among globs: secret/* < secret/a*', 'secret/*', 'secret/a*', 'secret/abc'],
    // (e) P1 is smaller lexicographically → P1 is lower priority ('+' sorts before letters)
    ['(e) a/+/+/c < a/+/b/+', 'a/+/+/c', 'a/+/b/+', 'a/x/b/c'],
  ])('%s', (_name, lower, higher, path) => {
    for (const order of [
      [`path "${lower}" { capabilities = ["read"] }`, `path "${higher}" { capabilities = ["update"] }`],
      [`path "${higher}" { capabilities = ["update"] }`, `path "${lower}" { capabilities = ["read"] }`],
    ]) {
      const a = acl(order.join('\n'))
      expect(allowed(a, path, 'update')).toBe(true)
      expect(allowed(a, path, 'read')).toBe(false)
      expect(a.capabilities(path)).toEqual(['update'])
    }
  })

  it('only the winning rule applies: a deny on a losing pattern does not deny', () => {
    const a = acl(
      'path "secret/*" { capabilities = ["deny"] }\npath "secret/+/x" { capabilities = ["read"] }',
    )
    expect(allowed(a, 'secret/a/x', 'read')).toBe(true)
    expect(allowed(a, 'secret/a/y', 'read')).toBe(false)
  })

  it('a + matches exactly one segment, possibly empty', () => {
    const a = acl('path "a/+/c" { capabilities = ["read"] }')
    expect(allowed(a, 'a/b/c', 'read')).toBe(true)
    expect(allowed(a, 'a//c', 'read')).toBe(true)
    expect(allowed(a, 'a/b/b/c', 'read')).toBe(false)
    expect(allowed(a, 'a/c', 'read')).toBe(false)
  })
})

describe('ACL: list and the trailing slash (docs#policy-syntax; hashicorp/vault#5197, #23874)', () => {
  it('LIST falls back to the exact rule without the trailing slash', () => {
    const a = acl('path "auth/approle/role" { capabilities = ["list"] }')
    expect(allowed(a, 'auth/approle/role/', 'list')).toBe(true)
    expect(allowed(a, 'auth/approle/role', 'list')).toBe(true)
    expect(allowed(a, 'auth/approle/role/', 'read')).toBe(false) // only LIST falls back
  })

  it('an exact rule with the slash matches LIST on the slash form only', () => {
    const a = acl('path "secret/" { capabilities = ["list"] }')
    expect(allowed(a, 'secret/', 'list')).toBe(true)
    expect(allowed(a, 'secret', 'list')).toBe(false)
  })

  it('LIST also falls back for + rules (hashicorp/vault#23874)', () => {
    const a = acl('path "+/sys/policies/acl" { capabilities = ["list"] }')
    expect(allowed(a, 'ns1/sys/policies/acl/', 'list')).toBe(true)
    expect(allowed(a, 'ns1/sys/policies/acl/', 'read')).toBe(false)
  })

  it('LIST tries the non-exact rules without the slash first, as Vault does since #23874', () => {
    // secret/* (prefix "secret/") does not match "secret"; the "*" rule does, so it decides.
    const a = acl('path "*" { capabilities = ["read"] }\npath "secret/*" { capabilities = ["list"] }')
    expect(allowed(a, 'secret/', 'list')).toBe(false)
    expect(allowed(a, 'secret/x/', 'list')).toBe(true)
    const b = acl('path "secret/*" { capabilities = ["list"] }')
    expect(allowed(b, 'secret/', 'list')).toBe(true)
  })

  it('capabilities() evaluates like a LIST (sys/capabilities)', () => {
    const a = acl('path "secret/foo" { capabilities = ["read", "update"] }')
    expect(a.capabilities('secret/foo/')).toEqual(['read', 'update'])
  })
})

describe('ACL: capabilities() as sys/capabilities reports them (docs/api-docs/system/capabilities; acl_test.go TestACL_Capabilities)', () => {
  const a = acl(ACL_POLICY)
  it.each([
    ['dev', ['deny']],
    ['dev/', ['create', 'delete', 'list', 'read', 'sudo', 'update']],
    ['stage/aws/test', ['list', 'read', 'sudo', 'update']],
    ['prod/aws/x', ['deny']],
    ['nothing/here', ['deny']],
    ['baz/quux', ['create', 'patch', 'read']],
  ])('%s → %j', (path, caps) => {
    expect(a.capabilities(path)).toEqual(caps)
  })

  it('reports subscribe and recover like Vault, sorted', () => {
    expect(acl('path "e" { capabilities = ["subscribe", "recover", "read"] }').capabilities('e')).toEqual([
      'read',
      'recover',
      'subscribe',
    ])
  })

  it('a token without policies has deny everywhere', () => {
    expect(new ACL([]).capabilities('secret/x')).toEqual(['deny'])
    expect(new ACL([]).allowOperation({ path: 'secret/x', operation: 'read' }).allowed).toBe(false)
  })
})

describe('ACL: root (docs#root-policy)', () => {
  const root: Policy = { name: 'root', raw: '', paths: [], templated: false }
  it('allows everything with root privileges', () => {
    const a = new ACL([root])
    expect(a.isRoot).toBe(true)
    for (const op of ['read', 'update', 'delete', 'list', 'create', 'patch', 'help'] as const) {
      expect(a.allowOperation({ path: 'sys/seal', operation: op })).toEqual({
        allowed: true,
        rootPrivs: true,
        isRoot: true,
        capabilities: ['root'],
        grantingPolicies: ['root'],
      })
    }
    expect(a.capabilities('any/path')).toEqual(['root'])
  })

  it('refuses root along with other policies (acl.go: other policies present along with root)', () => {
    expect(() => new ACL([root, parsePolicy('x', '')])).toThrow(InternalError)
    expect(() => new ACL([root, parsePolicy('x', '')])).toThrow('other policies present along with root')
  })
})

describe('ACL: operations → capabilities (docs#capabilities)', () => {
  const a = acl(
    'path "u" { capabilities = ["update"] }\npath "r" { capabilities = ["read", "list", "create", "delete", "patch"] }',
  )
  it.each<[string, Operation, boolean]>([
    ['u', 'renew', true],
    ['u', 'revoke', true],
    ['u', 'rollback', true],
    ['r', 'renew', false],
    ['r', 'revoke', false],
    ['r', 'rollback', false],
    ['u', 'help', true],
    ['nowhere', 'help', true],
    ['u', 'create', false], // create and update are distinct capabilities
    ['r', 'update', false],
  ])('%s %s → %s', (path, op, ok) => {
    expect(allowed(a, path, op)).toBe(ok)
  })

  it('sudo on the deciding rule gives rootPrivs even when the operation is denied (docs#root-protected-api-endpoints)', () => {
    const b = acl('path "sys/audit/*" { capabilities = ["sudo"] }')
    expect(b.allowOperation({ path: 'sys/audit/file', operation: 'update' })).toMatchObject({
      allowed: false,
      rootPrivs: true,
    })
    const c = acl('path "sys/audit/*" { capabilities = ["update", "sudo"] }')
    expect(c.allowOperation({ path: 'sys/audit/file', operation: 'update' })).toMatchObject({
      allowed: true,
      rootPrivs: true,
    })
    const d = acl('path "sys/audit/*" { capabilities = ["update"] }')
    expect(d.allowOperation({ path: 'sys/audit/file', operation: 'update' })).toMatchObject({
      allowed: true,
      rootPrivs: false,
    })
  })
})

// acl_test.go permissionsPolicy: every parameter is sent with the value "".
const PERMISSIONS_POLICY = `
name = "dev"
path "dev/*" {
  policy = "write"
  allowed_parameters = { "zip" = [] }
}
path "foo/bar" {
  policy = "write"
  denied_parameters = { "zap" = [] }
  min_wrapping_ttl = 300
  max_wrapping_ttl = 400
}
path "foo/baz" {
  policy = "write"
  allowed_parameters = { "hello" = [] }
  denied_parameters = { "zap" = [] }
  min_wrapping_ttl = 300
}
path "working/phone" {
  policy = "write"
  max_wrapping_ttl = 400
}
path "broken/phone" {
  policy = "write"
  allowed_parameters = { "steve" = [] }
  denied_parameters = { "steve" = [] }
}
path "hello/world" {
  policy = "write"
  allowed_parameters = { "*" = [] }
  denied_parameters = { "*" = [] }
}
path "tree/fort" {
  policy = "write"
  allowed_parameters = { "*" = [] }
  denied_parameters = { "foo" = [] }
}
path "fruit/apple" {
  policy = "write"
  allowed_parameters = { "pear" = [] }
  denied_parameters = { "*" = [] }
}
path "cold/weather" {
  policy = "write"
  allowed_parameters = {}
  denied_parameters = {}
}
path "var/aws" {
  policy = "write"
  allowed_parameters = { "*" = [] }
  denied_parameters = { "soft" = [], "warm" = [], "kitty" = [] }
}
path "var/req" {
  policy = "write"
  required_parameters = ["foo"]
}
`

describe('ACL: parameters and wrapping TTLs (docs#parameter-constraints, docs#required-response-wrapping-ttls; acl_test.go TestACL_AllowOperation)', () => {
  const a = acl(PERMISSIONS_POLICY)
  it.each<[string, number | undefined, string[], boolean]>([
    ['dev/ops', undefined, ['zip'], true],
    ['foo/bar', undefined, ['zap'], false],
    ['foo/bar', undefined, ['zip'], false], // max_wrapping_ttl set: must be wrapped
    ['foo/bar', 50, ['zip'], false], // below min
    ['foo/bar', 450, ['zip'], false], // above max
    ['foo/bar', 350, ['zip'], true],
    ['foo/baz', undefined, ['hello'], false], // min_wrapping_ttl set: must be wrapped
    ['foo/baz', 50, ['hello'], false],
    ['foo/baz', 450, ['hello'], true],
    ['foo/baz', undefined, ['zap'], false],
    ['broken/phone', undefined, ['steve'], false], // denied beats allowed
    ['working/phone', undefined, [''], false],
    ['working/phone', 450, [''], false],
    ['working/phone', 350, [''], true],
    ['hello/world', undefined, ['one'], false], // "*" denied denies any data
    ['tree/fort', undefined, ['one'], true],
    ['tree/fort', undefined, ['foo'], false],
    ['fruit/apple', undefined, ['pear'], false],
    ['fruit/apple', undefined, ['one'], false],
    ['cold/weather', undefined, ['four'], true], // empty maps constrain nothing
    ['var/aws', undefined, ['cold', 'warm', 'kitty'], false],
    ['var/req', undefined, ['cold', 'warm', 'kitty'], false], // required "foo" missing
    ['var/req', undefined, ['cold', 'warm', 'kitty', 'foo'], true],
  ])('%s wrap=%s params=%j → %s', (path, wrapTtl, params, ok) => {
    const data = Object.fromEntries(params.map((p) => [p, '']))
    for (const operation of ['update', 'create'] as const) {
      expect(
        a.allowOperation({ path, operation, data, ...(wrapTtl === undefined ? {} : { wrapTtl }) }).allowed,
      ).toBe(ok)
    }
  })

  it('checks parameters on read and patch too, but not on delete or list', () => {
    const b = acl(
      'path "x" { capabilities = ["read", "patch", "delete", "list"]\n required_parameters = ["must"] }',
    )
    expect(allowed(b, 'x', 'read')).toBe(false)
    expect(allowed(b, 'x', 'patch')).toBe(false)
    expect(allowed(b, 'x', 'read', { data: { must: 1 } })).toBe(true)
    expect(allowed(b, 'x', 'delete')).toBe(true)
    expect(allowed(b, 'x', 'list')).toBe(true)
  })

  it('looks required parameters up by their lower-cased name', () => {
    const b = acl('path "x" { capabilities = ["update"]\n required_parameters = ["Foo"] }')
    expect(allowed(b, 'x', 'update', { data: { foo: 1 } })).toBe(true)
    expect(allowed(b, 'x', 'update', { data: { Foo: 1 } })).toBe(false)
  })

  it('applies wrapping bounds to every operation, list included (wrapTtl 0 = not wrapped)', () => {
    const b = acl('path "x" { capabilities = ["list"]\n min_wrapping_ttl = "1s" }')
    expect(allowed(b, 'x', 'list')).toBe(false)
    expect(allowed(b, 'x', 'list', { wrapTtl: 0 })).toBe(false)
    expect(allowed(b, 'x', 'list', { wrapTtl: 1 })).toBe(true)
  })

  it('merges wrapping TTLs to the smaller non-zero bound each, and denies when merging leaves max < min', () => {
    const b = acl([
      'path "x" { policy = "write"\n max_wrapping_ttl = 300\n min_wrapping_ttl = 100 }',
      'path "x" { policy = "write"\n max_wrapping_ttl = 200\n min_wrapping_ttl = 50 }',
    ])
    expect(allowed(b, 'x', 'update', { wrapTtl: 250 })).toBe(false) // max is now 200
    expect(allowed(b, 'x', 'update', { wrapTtl: 60 })).toBe(true) // min is now 50
    const c = acl([
      'path "x" { policy = "write"\n min_wrapping_ttl = 300 }',
      'path "x" { policy = "write"\n max_wrapping_ttl = 200 }',
    ])
    expect(allowed(c, 'x', 'update', { wrapTtl: 250 })).toBe(false)
    expect(allowed(c, 'x', 'update', { wrapTtl: 300 })).toBe(false)
  })
})

// acl_test.go valuePermissionsPolicy
const VALUE_POLICY = `
name = "op"
path "dev/*" {
  policy = "write"
  allowed_parameters = { "allow" = ["good"] }
}
path "foo/bar" {
  policy = "write"
  denied_parameters = { "deny" = ["bad*"] }
}
path "foo/baz" {
  policy = "write"
  allowed_parameters = { "ALLOW" = ["good"] }
  denied_parameters = { "dEny" = ["bad"] }
}
path "fizz/buzz" {
  policy = "write"
  allowed_parameters = {
    "allow_multi" = ["good", "good1", "good2", "*good3"]
    "allow" = ["good"]
  }
  denied_parameters = { "deny_multi" = ["bad", "bad1", "bad2"] }
}
path "test/types" {
  policy = "write"
  allowed_parameters = {
    "map" = [{"good" = "one"}]
    "int" = [1, 2]
    "bool" = [false]
  }
  denied_parameters = {}
}
path "test/star" {
  policy = "write"
  allowed_parameters = {
    "*" = []
    "foo" = []
    "bar" = [false]
  }
  denied_parameters = {}
}
path "globs" {
  policy = "write"
  allowed_parameters = {
    "contains" = ["*mid*"]
    "suffix" = ["*end"]
    "prefix" = ["start*"]
    "single" = ["*"]
    "exact" = ["exact"]
  }
}
`

describe('ACL: parameter values (docs#parameter-constraints; acl_test.go TestACL_ValuePermissions)', () => {
  const a = acl(VALUE_POLICY)
  it.each<[string, Record<string, unknown>, boolean]>([
    ['dev/ops', { allow: 'good' }, true],
    ['dev/ops', { allow: 'bad' }, false],
    ['foo/bar', { deny: 'bad' }, false],
    ['foo/bar', { deny: 'bad glob' }, false],
    ['foo/bar', { deny: 'good' }, true],
    ['foo/bar', { allow: 'good' }, true],
    ['foo/bar', { deny: null }, true],
    ['foo/bar', { allow: null }, true],
    ['foo/baz', { aLLow: 'good' }, true], // request keys compared lower-cased
    ['foo/baz', { deny: 'bad' }, false],
    ['foo/baz', { deny: 'good' }, false], // not an allowed key
    ['foo/baz', { allow: 'good', deny: 'bad' }, false],
    ['foo/baz', { deNy: 'bad', allow: 'good' }, false],
    ['foo/baz', { aLLow: 'bad' }, false],
    ['foo/baz', { Neither: 'bad' }, false],
    ['foo/baz', { allow: null }, false], // null matches only null
    ['fizz/buzz', { allow_multi: 'good' }, true],
    ['fizz/buzz', { allow_multi: 'good1' }, true],
    ['fizz/buzz', { allow_multi: 'good2' }, true],
    ['fizz/buzz', { allow_multi: 'glob good2' }, false],
    ['fizz/buzz', { allow_multi: 'glob good3' }, true], // "*good3" is a suffix glob
    ['fizz/buzz', { allow_multi: 'bad' }, false],
    ['fizz/buzz', { allow_multi: 'good1', allow: 'good' }, true],
    ['fizz/buzz', { deny_multi: 'bad2' }, false],
    ['fizz/buzz', { deny_multi: 'good', allow_multi: 'good2' }, false],
    ['test/types', { map: { good: 'one' } }, true], // deep equality for non-strings
    ['test/types', { map: { bad: 'one' } }, false],
    ['test/types', { int: 1 }, true],
    ['test/types', { int: 3 }, false],
    ['test/types', { int: '1' }, false], // a string never equals a number
    ['test/types', { bool: false }, true],
    ['test/types', { bool: true }, false],
    ['test/star', { anything: true }, true], // "*" with other keys: unlisted keys allowed
    ['test/star', { foo: true }, true],
    ['test/star', { bar: false }, true],
    ['test/star', { bar: true }, false], // a listed key still needs a matching value
    // GlobbedStringsMatch
    ['globs', { contains: 'xxmidyy' }, true],
    ['globs', { contains: 'mi' }, false],
    ['globs', { suffix: 'the end' }, true],
    ['globs', { suffix: 'endless' }, false],
    ['globs', { prefix: 'starting' }, true],
    ['globs', { prefix: 'restart' }, false],
    ['globs', { single: 'anything' }, false], // a one-character entry is compared exactly
    ['globs', { single: '*' }, true],
    ['globs', { exact: 'exact' }, true],
    ['globs', { exact: 'exactly' }, false],
  ])('%s %j → %s', (path, data, ok) => {
    for (const operation of ['update', 'create'] as const) {
      expect(a.allowOperation({ path, operation, data }).allowed).toBe(ok)
    }
  })

  it('merges parameter lists across policies; an empty list (any value) wins (acl_test.go TestACL_PolicyMerge)', () => {
    const b = acl([
      'path "v" { policy = "write"\n allowed_parameters = { "test" = [1, 2] }\n denied_parameters = { "test" = [1, 2] } }',
      'path "v" { policy = "write"\n allowed_parameters = { "test" = [3, 4] }\n denied_parameters = { "test" = [3, 4] } }',
      'path "e" { policy = "write"\n allowed_parameters = { "empty" = [] }\n denied_parameters = { "empty" = [1] } }',
      'path "e" { policy = "write"\n allowed_parameters = { "empty" = [1] }\n denied_parameters = { "empty" = [] } }',
      'path "all" { policy = "write"\n allowed_parameters = { "test" = [], "test1" = ["foo"] } }',
      'path "all" { policy = "write"\n allowed_parameters = { "*" = [] } }',
      'path "r" { policy = "write"\n required_parameters = ["foo"] }',
      'path "r" { policy = "write"\n required_parameters = ["bar", "foo"] }',
    ])
    expect(allowed(b, 'v', 'update', { data: { test: 4 } })).toBe(false) // denied 1..4
    expect(allowed(b, 'v', 'update', { data: { test: 5 } })).toBe(false) // not in allowed 1..4
    expect(allowed(b, 'e', 'update', { data: { empty: 7 } })).toBe(false) // denied list emptied = any value
    expect(allowed(b, 'all', 'update', { data: { other: 1 } })).toBe(true) // "*" merged in
    expect(allowed(b, 'all', 'update', { data: { test1: 'bar' } })).toBe(false)
    expect(allowed(b, 'r', 'update', { data: { foo: 1 } })).toBe(false) // required unioned
    expect(allowed(b, 'r', 'update', { data: { foo: 1, bar: 1 } })).toBe(true)
  })

  it('a deny merged in clears the parameter lists but keeps denying', () => {
    const b = acl([
      'path "x" { policy = "write"\n allowed_parameters = { a = [] } }',
      'path "x" { capabilities = ["deny"] }',
    ])
    expect(allowed(b, 'x', 'update', { data: { a: 1 } })).toBe(false)
  })
})

describe('ACL: list and comma-separated values (docs#parameter-constraints, Vault 1.21 list parameter evaluation)', () => {
  const text = `path "r" {
    policy = "write"
    allowed_parameters = { "policies" = ["default", "dev-*"], "*" = [] }
    denied_parameters = { "other" = ["root", "admin*"] }
  }`
  const modern = acl(text)
  const legacy = acl(text, { legacyListParameterMatching: true })
  it.each<[Record<string, unknown>, boolean, boolean]>([
    // [data, allowed by Vault ≥ 1.21, allowed with VAULT_LEGACY_EXACT_MATCHING_ON_LIST]
    [{ policies: ['default', 'dev-a'] }, true, false],
    [{ policies: ['default', 'prod'] }, false, false],
    [{ policies: 'default,dev-b' }, true, false],
    [{ policies: 'default, dev-b' }, true, false], // elements are trimmed
    [{ policies: 'default,prod' }, false, false],
    [{ policies: [] }, true, false],
    [{ policies: '' }, true, false], // "" splits into no elements
    [{ other: ['x', 'root'] }, false, true],
    [{ other: 'x,administrator' }, false, true],
    [{ other: ['x', 'y'] }, true, true],
  ])('%j → %s (legacy %s)', (data, ok, okLegacy) => {
    expect(allowed(modern, 'r', 'update', { data })).toBe(ok)
    expect(allowed(legacy, 'r', 'update', { data })).toBe(okLegacy)
  })
})

describe('ACL: granting policies (acl_test.go TestACLGrantingPolicies)', () => {
  const granting = parsePolicy(
    'granting_policy',
    `path "kv/foo" { capabilities = ["update", "read"] }
     path "kv/path/*" { capabilities = ["read"] }
     path "kv/path/longer" { capabilities = ["update", "read"] }
     path "kv/path/longer2" { capabilities = ["update"] }
     path "kv/deny" { capabilities = ["deny"] }`,
  )
  const merged = parsePolicy(
    'granting_policy_merged',
    `path "kv/foo" { capabilities = ["update", "read"] }
     path "kv/bar" { capabilities = ["update", "read"] }
     path "kv/path/*" { capabilities = ["read"] }
     path "kv/path/longer" { capabilities = ["read"] }
     path "kv/path/longer3" { capabilities = ["read"] }
     path "kv/deny" { capabilities = ["update"] }`,
  )
  it.each<[string, Operation, Policy[], string[], boolean]>([
    ['kv/foo', 'read', [granting], ['granting_policy'], true],
    ['kv/foo', 'update', [granting], ['granting_policy'], true],
    ['kv/bad', 'read', [granting], [], false],
    ['kv/deny', 'read', [granting], [], false],
    ['kv/path/foo', 'read', [granting], ['granting_policy'], true],
    ['kv/path/longer', 'read', [granting], ['granting_policy'], true],
    ['kv/foo', 'read', [granting, merged], ['granting_policy', 'granting_policy_merged'], true],
    ['kv/path/longer3', 'read', [granting, merged], ['granting_policy_merged'], true],
    ['kv/bar', 'read', [granting, merged], ['granting_policy_merged'], true],
    ['kv/deny', 'read', [granting, merged], [], false],
    ['kv/path/longer', 'update', [granting, merged], ['granting_policy'], true],
    ['kv/path/foo', 'read', [granting, merged], ['granting_policy', 'granting_policy_merged'], true],
  ])('%s %s → %j', (path, operation, policies, grantingPolicies, ok) => {
    const r = new ACL(policies).allowOperation({ path, operation })
    expect(r.allowed).toBe(ok)
    expect(r.grantingPolicies).toEqual(grantingPolicies)
  })
})

describe('ACL: templated stanzas (docs#templated-policies)', () => {
  it('drops templated stanzas (no identity to resolve them against), keeps the rest', () => {
    const a = acl(
      'path "secret/{{identity.entity.id}}/*" { capabilities = ["read"] }\npath "secret/shared" { capabilities = ["read"] }',
    )
    expect(allowed(a, 'secret/{{identity.entity.id}}/x', 'read')).toBe(false)
    expect(allowed(a, 'secret/shared', 'read')).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------------
// Property test: random policies over a small path alphabet.

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEGMENTS = ['a', 'b', 'ab', 'c']
const GRANTABLE: Capability[] = ['create', 'read', 'update', 'delete', 'list', 'sudo', 'patch']
const OPS: Operation[] = ['read', 'list', 'update', 'create', 'delete', 'patch']
const OP_CAP: Record<string, Capability> = {
  read: 'read',
  list: 'list',
  update: 'update',
  create: 'create',
  delete: 'delete',
  patch: 'patch',
}

interface RandomRule {
  pattern: string
  caps: Capability[]
}

function randomPattern(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!
  const depth = 1 + Math.floor(rnd() * 3)
  const segs: string[] = []
  for (let i = 0; i < depth; i++) segs.push(rnd() < 0.25 ? '+' : pick(SEGMENTS))
  let p = segs.join('/')
  const tail = rnd()
  if (tail < 0.3) p += '/*'
  else if (tail < 0.45) p = p.endsWith('+') ? `${p}/` : `${p}*`
  else if (tail < 0.5) p += '/'
  else if (tail < 0.53) p = '*'
  return p
}

function randomPath(rnd: () => number): string {
  const depth = 1 + Math.floor(rnd() * 4)
  const segs: string[] = []
  for (let i = 0; i < depth; i++)
    segs.push(rnd() < 0.1 ? 'x' : SEGMENTS[Math.floor(rnd() * SEGMENTS.length)]!)
  return segs.join('/') + (rnd() < 0.2 ? '/' : '')
}

/** Does a pattern (as written) match a path, by the policy syntax alone (no priorities)? */
function patternMatches(pattern: string, path: string): boolean {
  const hasPlus = pattern === '+' || pattern.includes('/+') || pattern.startsWith('+/')
  if (!hasPlus) return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path
  const isPrefix = pattern.endsWith('*')
  const pat = (isPrefix ? pattern.slice(0, -1) : pattern).split('/')
  const parts = path.split('/')
  if (parts.length < pat.length || (!isPrefix && parts.length !== pat.length)) return false
  return pat.every(
    (s, i) => s === '+' || s === parts[i] || (isPrefix && i === pat.length - 1 && parts[i]!.startsWith(s)),
  )
}

/** A naive reference of Vault's selection: which written pattern decides for path and op. */
function deciding(rules: RandomRule[], path: string, op: Operation): string | undefined {
  const patterns = [...new Set(rules.map((r) => r.pattern))]
  const isPlus = (p: string) => p === '+' || p.includes('/+') || p.startsWith('+/')
  const exact = (p: string) => patterns.find((q) => !isPlus(q) && !q.endsWith('*') && q === p)
  const nonExact = (p: string) => {
    const cands = patterns.filter((q) => (isPlus(q) || q.endsWith('*')) && patternMatches(q, p))
    const key = (q: string) => {
      const isPrefix = q.endsWith('*')
      const wc = isPrefix ? q.slice(0, -1) : q
      return {
        first: isPlus(q) ? q.indexOf('+') : wc.length,
        isPrefix,
        plus: wc.split('/').filter((s) => s === '+').length,
        len: wc.length,
        wc,
      }
    }
    let best: string | undefined
    for (const c of cands) {
      if (best === undefined) {
        best = c
        continue
      }
      const x = key(best)
      const y = key(c)
      const lower =
        x.first !== y.first
          ? x.first < y.first
          : x.isPrefix !== y.isPrefix
            ? x.isPrefix
            : x.plus !== y.plus
              ? x.plus > y.plus
              : x.len !== y.len
                ? x.len < y.len
                : x.wc < y.wc
      if (lower) best = c
    }
    return best
  }
  const found = exact(path)
  if (found !== undefined) return found
  if (op !== 'list') return nonExact(path)
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path
  return exact(trimmed) ?? (trimmed !== path ? nonExact(trimmed) : undefined) ?? nonExact(path)
}

describe('ACL: property — never more than the policies grant', () => {
  it('over 400 random policy sets × 60 random requests', () => {
    const rnd = prng(0x5eed)
    for (let round = 0; round < 400; round++) {
      const policies: Policy[] = []
      const rules: RandomRule[] = []
      const nPolicies = 1 + Math.floor(rnd() * 4)
      for (let p = 0; p < nPolicies; p++) {
        const stanzas: string[] = []
        const nRules = 1 + Math.floor(rnd() * 6)
        for (let r = 0; r < nRules; r++) {
          const pattern = randomPattern(rnd)
          const caps: Capability[] = rnd() < 0.15 ? ['deny'] : GRANTABLE.filter(() => rnd() < 0.35)
          rules.push({ pattern, caps })
          stanzas.push(`path "${pattern}" { capabilities = ${JSON.stringify(caps)} }`)
        }
        policies.push(parsePolicy(`p${p}`, stanzas.join('\n')))
      }
      const a = new ACL(policies)

      for (let q = 0; q < 60; q++) {
        const path = randomPath(rnd)
        const op = OPS[Math.floor(rnd() * OPS.length)]!
        const cap = OP_CAP[op]!
        const result = a.allowOperation({ path, operation: op })
        const trimmed = path.endsWith('/') ? path.slice(0, -1) : path
        const matching = rules.filter(
          (r) => patternMatches(r.pattern, path) || (op === 'list' && patternMatches(r.pattern, trimmed)),
        )

        // 1. A granted capability is granted by some stanza whose pattern matches the path.
        if (result.allowed) {
          expect(
            matching.some((r) => r.caps.includes(cap)),
            `${op} ${path}`,
          ).toBe(true)
        }
        if (result.rootPrivs) expect(matching.some((r) => r.caps.includes('sudo'))).toBe(true)

        // 2. The deciding pattern is Vault's; `deny` in any stanza of it means denied.
        const winner = deciding(rules, path, op)
        const stanzas = rules.filter((r) => r.pattern === winner)
        const merged = stanzas.some((r) => r.caps.includes('deny'))
          ? CAPABILITY_BITS.deny
          : stanzas.reduce((m, r) => r.caps.reduce((n, c) => n | CAPABILITY_BITS[c], m), 0)
        if (winner === undefined || (merged & CAPABILITY_BITS.deny) !== 0) {
          expect(result.allowed, `${op} ${path} decided by ${winner}`).toBe(false)
          expect(result.rootPrivs).toBe(false)
        } else {
          expect(result.allowed, `${op} ${path} decided by ${winner}`).toBe(
            (merged & CAPABILITY_BITS[cap]) !== 0,
          )
          expect(result.rootPrivs).toBe((merged & CAPABILITY_BITS.sudo) !== 0)
        }

        // 3. capabilities() agrees with the LIST evaluation.
        const listWinner = deciding(rules, path, 'list')
        const caps = a.capabilities(path)
        if (listWinner === undefined) expect(caps).toEqual(['deny'])
        else if (rules.some((r) => r.pattern === listWinner && r.caps.includes('deny')))
          expect(caps).toEqual(['deny'])
      }
    }
  })
})
