// Expected values follow Vault's policy parser: hashicorp/vault vault/policy.go (parseACLPolicyWithTemplating,
// parsePaths), openbao internal/vault/policy/policy.go + policy_test.go, sdk/helper/hclutil/hcl.go
// (CheckHCLKeys), and github.com/hashicorp/hcl v1.0.1-vault-7 (hcl/scanner, hcl/parser, json/parser/flatten.go).
// Doc page: https://developer.hashicorp.com/vault/docs/concepts/policies
import { describe, expect, it } from 'vitest'
import { InvalidRequestError } from '../../src/errors.js'
import {
  CAPABILITY_BITS,
  HclSyntaxError,
  type PathRules,
  type Policy,
  PolicyParseError,
  parseHcl,
  parsePolicy,
  toPlain,
} from '../../src/policy/index.js'

/** A rule as plain data, for equality across HCL and JSON. */
function plain(p: Policy): unknown {
  return p.paths.map((r: PathRules) => ({
    ...r,
    allowedParameters: Object.fromEntries(r.allowedParameters),
    deniedParameters: Object.fromEntries(r.deniedParameters),
  }))
}

function parseError(text: string): PolicyParseError {
  try {
    parsePolicy('t', text)
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyParseError)
    return e as PolicyParseError
  }
  throw new Error(`expected a parse error for ${JSON.stringify(text)}`)
}

// openbao policy_test.go rawPolicy, the Vault-compatible stanzas.
const RAW_POLICY = `
# Developer policy
name = "dev"
# Deny all paths by default
path "*" {
	policy = "deny"
}
# Allow full access to staging
path "stage/*" {
	policy = "sudo"
}
# Limited read privilege to production
path "prod/version" {
	policy = "read"
	comment = "this comment is stored but not parsed"
}
# Also tests stripping of leading slash and parsing of min/max as string and integer
path "/foo/bar" {
	policy = "read"
	min_wrapping_ttl = 300
	max_wrapping_ttl = "1h"
}
path "foo/bar" {
	capabilities = ["create", "sudo"]
	min_wrapping_ttl = "300s"
	max_wrapping_ttl = 3600
}
path "foo/bar" {
	capabilities = ["create", "sudo"]
	allowed_parameters = {
	  "zip" = []
	  "zap" = []
	}
}
path "test/types" {
	capabilities = ["create", "sudo"]
	allowed_parameters = {
		"map" = [{"good" = "one"}]
		"int" = [1, 2]
	}
	denied_parameters = {
		"string" = ["test"]
		"bool" = [false]
	}
}
path "test/req" {
	capabilities = ["create", "sudo"]
	required_parameters = ["foo"]
}
path "test/patch" {
	capabilities = ["patch"]
}
path "test/mfa" {
	capabilities = ["create", "sudo"]
	mfa_methods = ["my_totp", "my_totp2"]
}
path "test/+/segment" {
	capabilities = ["create", "sudo"]
}
path "test/segment/at/end/v2/+/" {
	capabilities = ["create", "sudo"]
}
path "test/+/wildcard/+/end*" {
	capabilities = ["create", "sudo"]
}
`

describe('parsePolicy: Vault fixture (openbao policy_test.go TestPolicy_Parse)', () => {
  const p = parsePolicy('dev', RAW_POLICY)
  const byIndex = (i: number) => p.paths[i]!

  it('keeps every stanza in order, the name given by the caller', () => {
    expect(p.name).toBe('dev')
    expect(p.raw).toBe(RAW_POLICY)
    expect(p.paths.map((r) => r.path)).toEqual([
      '',
      'stage/',
      'prod/version',
      'foo/bar',
      'foo/bar',
      'foo/bar',
      'test/types',
      'test/req',
      'test/patch',
      'test/mfa',
      'test/+/segment',
      'test/segment/at/end/v2/+/',
      'test/+/wildcard/+/end*',
    ])
  })

  it.each([
    // [index, capabilities, isPrefix, hasSegmentWildcards]
    [0, ['deny'], true, false],
    [1, ['create', 'read', 'update', 'delete', 'list', 'sudo'], true, false],
    [2, ['read', 'list'], false, false],
    [3, ['read', 'list'], false, false],
    [4, ['create', 'sudo'], false, false],
    [8, ['patch'], false, false],
    [10, ['create', 'sudo'], false, true],
    [11, ['create', 'sudo'], false, true],
    // A `+` rule keeps its `*` and is not a plain prefix rule.
    [12, ['create', 'sudo'], false, true],
  ] as const)('stanza %i: capabilities, prefix and segment-wildcard flags', (i, caps, isPrefix, seg) => {
    const r = byIndex(i)
    expect(r.capabilities).toEqual(caps)
    expect(r.isPrefix).toBe(isPrefix)
    expect(r.hasSegmentWildcards).toBe(seg)
    expect(r.capabilitiesBitmap).toBe(caps.reduce((m, c) => m | CAPABILITY_BITS[c], 0))
  })

  it('parses wrapping TTLs given as strings and integers (seconds)', () => {
    expect([byIndex(3).minWrappingTtl, byIndex(3).maxWrappingTtl]).toEqual([300, 3600])
    expect([byIndex(4).minWrappingTtl, byIndex(4).maxWrappingTtl]).toEqual([300, 3600])
  })

  it('keeps parameter values typed: maps, integers, booleans', () => {
    const t = byIndex(6)
    expect(Object.fromEntries(t.allowedParameters)).toEqual({ map: [{ good: 'one' }], int: [1, 2] })
    expect(Object.fromEntries(t.deniedParameters)).toEqual({ string: ['test'], bool: [false] })
    expect(Object.fromEntries(byIndex(5).allowedParameters)).toEqual({ zip: [], zap: [] })
    expect(byIndex(7).requiredParameters).toEqual(['foo'])
  })
})

describe('parsePolicy: HCL and JSON give the same policy (docs/concepts/policies#policy-syntax)', () => {
  it.each([
    [
      'block stanzas vs nested JSON objects',
      `path "secret/foo" { capabilities = ["read"] }
       path "secret/bar/*" { capabilities = ["create", "update"] }`,
      '{"path":{"secret/foo":{"capabilities":["read"]},"secret/bar/*":{"capabilities":["create","update"]}}}',
    ],
    [
      'parameters, TTLs, required',
      `path "secret/restricted" {
         capabilities = ["create", "update"]
         allowed_parameters = { "foo" = [], "bar" = ["zip", "zap"] }
         denied_parameters = { "baz" = [] }
         required_parameters = ["foo"]
         min_wrapping_ttl = "1s"
         max_wrapping_ttl = "90s"
       }`,
      `{"path": {"secret/restricted": {
         "capabilities": ["create", "update"],
         "allowed_parameters": {"foo": [], "bar": ["zip", "zap"]},
         "denied_parameters": {"baz": []},
         "required_parameters": ["foo"],
         "min_wrapping_ttl": "1s",
         "max_wrapping_ttl": "90s"}}}`,
    ],
    [
      'a list of path objects (HCL flattens lists of objects)',
      'path "a" { policy = "read" }\npath "b" { policy = "write" }',
      '{"path": [{"a": {"policy": "read"}}, {"b": {"policy": "write"}}]}',
    ],
    [
      'object values inside parameter lists',
      'path "a" { capabilities = ["read"]\n allowed_parameters = { m = [{ k = "v" }] } }',
      '{"path":{"a":{"capabilities":["read"],"allowed_parameters":{"m":[{"k":"v"}]}}}}',
    ],
    [
      'a leading "/" and a `+` path',
      'path "/x/+/y" { capabilities = ["list"] }',
      '{"path":{"/x/+/y":{"capabilities":["list"]}}}',
    ],
  ])('%s', (_name, hcl, json) => {
    expect(plain(parsePolicy('p', json))).toEqual(plain(parsePolicy('p', hcl)))
  })

  it('flattens a JSON stanza whose values are all objects, as HCL does (so Vault rejects it)', () => {
    // {"a": {"allowed_parameters": {...}}} has only object values: HCL turns it into the single item
    // path "a" "allowed_parameters" { m = [...] }, and Vault then sees the key "m" in stanza "a".
    expect(parseError('{"path":{"a":{"allowed_parameters":{"m":["x"]}}}}').message).toBe(
      'failed to parse policy: 1 error occurred:\n\t* path "a": invalid key "m" on line 1\n\n',
    )
  })

  it('reads JSON null as the empty string, as HCL does', () => {
    expect(
      parsePolicy('p', '{"path":{"a":{"capabilities":["read"],"min_wrapping_ttl":null}}}').paths[0]
        ?.minWrappingTtl,
    ).toBe(0)
  })
})

describe('parsePolicy: normalization (docs/concepts/policies#policy-syntax)', () => {
  const one = (text: string) => parsePolicy('p', text).paths[0]!

  it('strips one leading "/"', () => {
    expect(one('path "/secret/foo" { capabilities = ["read"] }').path).toBe('secret/foo')
  })

  it('treats `*` as a glob only as the last character', () => {
    expect(one('path "secret/zip-*" { capabilities = ["read"] }')).toMatchObject({
      path: 'secret/zip-',
      isPrefix: true,
    })
    expect(one('path "secret/*/x" { capabilities = ["read"] }')).toMatchObject({
      path: 'secret/*/x',
      isPrefix: false,
    })
  })

  it.each([
    ['+', true],
    ['+/a', true],
    ['a/+', true],
    ['a/+b', true], // Vault's test is textual: "/+" anywhere
    ['a+/b', false],
    ['a/b+', false],
  ])('flags %s as having segment wildcards: %s', (path, flag) => {
    expect(one(`path "${path}" { capabilities = ["read"] }`).hasSegmentWildcards).toBe(flag)
  })

  it('lower-cases parameter names, keeps required parameters as written', () => {
    const r = one(
      'path "a" { allowed_parameters = { "FoO" = ["X"] }\n denied_parameters = { "BaR" = [] }\n required_parameters = ["Baz"] }',
    )
    expect([...r.allowedParameters.keys()]).toEqual(['foo'])
    expect(r.allowedParameters.get('foo')).toEqual(['X'])
    expect([...r.deniedParameters.keys()]).toEqual(['bar'])
    expect(r.requiredParameters).toEqual(['Baz'])
  })

  it('`deny` discards the other capabilities and the parameters of its stanza (docs/concepts/policies#capabilities)', () => {
    const r = one(
      'path "a" { capabilities = ["read", "deny", "bogus"]\n allowed_parameters = { x = [] }\n max_wrapping_ttl = "nonsense" }',
    )
    expect(r.capabilities).toEqual(['deny'])
    expect(r.capabilitiesBitmap).toBe(CAPABILITY_BITS.deny)
    expect(r.allowedParameters.size).toBe(0)
    expect(r.maxWrappingTtl).toBe(0)
  })

  it.each([
    ['deny', ['deny']],
    ['read', ['read', 'list']],
    ['write', ['create', 'read', 'update', 'delete', 'list']],
    ['sudo', ['create', 'read', 'update', 'delete', 'list', 'sudo']],
  ])('maps legacy policy = "%s"', (legacy, caps) => {
    expect(one(`path "a" { policy = "${legacy}" }`).capabilities).toEqual(caps)
  })

  it('appends legacy capabilities after explicit ones (acl_test.go "stage/aws/*")', () => {
    expect(one('path "a" { policy = "read"\n capabilities = ["update", "sudo"] }').capabilities).toEqual([
      'update',
      'sudo',
      'read',
      'list',
    ])
  })

  it('accepts subscribe and recover, mfa_methods, control_group, subscribe_event_types, comment', () => {
    const r = one(`path "a" {
      capabilities = ["subscribe", "recover", "read"]
      mfa_methods = ["totp"]
      subscribe_event_types = ["kv*"]
      comment = "hi"
      control_group = { ttl = "4h" }
    }`)
    expect(r.capabilities).toEqual(['subscribe', 'recover', 'read'])
  })

  it('marks templated paths (docs/concepts/policies#templated-policies)', () => {
    const p = parsePolicy(
      'p',
      'path "secret/{{identity.entity.id}}/*" { capabilities = ["read"] }\npath "x" { capabilities = ["read"] }',
    )
    expect(p.templated).toBe(true)
    expect(p.paths.map((r) => r.templated)).toEqual([true, false])
    expect(p.paths[0]?.path).toBe('secret/{{identity.entity.id}}/')
  })

  it('rounds sub-second wrapping TTLs up to one second instead of dropping the bound', () => {
    expect(one('path "a" { capabilities = ["read"]\n max_wrapping_ttl = "500ms" }').maxWrappingTtl).toBe(1)
    expect(one('path "a" { capabilities = ["read"]\n max_wrapping_ttl = 90.9 }').maxWrappingTtl).toBe(90)
    expect(one('path "a" { capabilities = ["read"]\n max_wrapping_ttl = "2d" }').maxWrappingTtl).toBe(172800)
  })

  it('accepts an empty policy', () => {
    expect(parsePolicy('p', '').paths).toEqual([])
    expect(parsePolicy('p', '# nothing\n').paths).toEqual([])
  })
})

describe('HCL syntax', () => {
  it('skips #, // and /* */ comments', () => {
    const p = parsePolicy(
      'p',
      `# hash comment
// slash comment
/* block
   comment */ path "a" { /* inline */ capabilities = ["read"] // trailing
}`,
    )
    expect(p.paths[0]?.capabilities).toEqual(['read'])
  })

  it('reads heredocs, plain and indented (<<-)', () => {
    const plainDoc = toPlain(parseHcl('a = <<EOF\nline one\n  line two\nEOF\n')) as Record<string, unknown>
    expect(plainDoc.a).toBe('line one\n  line two\n')
    const indented = toPlain(parseHcl('a = <<-EOT\n    x\n      y\n    EOT\n')) as Record<string, unknown>
    expect(indented.a).toBe('x\n  y\n')
  })

  it('uses a heredoc where a string is expected (its value keeps the final newline)', () => {
    expect(parseError('path "a" {\n  capabilities = [<<EOF\nread\nEOF\n]\n}').message).toBe(
      'failed to parse policy: path "a": invalid capability "read\\n"',
    )
    expect(parseError('path "a" {\n  policy = <<-EOF\n    read\n    EOF\n}').message).toBe(
      'failed to parse policy: path "a": invalid policy "read\\n"',
    )
  })

  it('decodes string escapes and keeps interpolations verbatim', () => {
    const interpolation = '$' + '{x("y")}'
    const v = toPlain(parseHcl(`a = "tab\\tq\\"\\\\ \\u00e9 \\x41\\101 ${interpolation}"`)) as Record<
      string,
      unknown
    >
    expect(v.a).toBe(`tab\tq"\\ é AA ${interpolation}`)
  })

  it('reads numbers as HCL does: decimal, hex, octal, floats, negatives', () => {
    const v = toPlain(parseHcl('a = 10\nb = 0x1F\nc = 017\nd = 1.5e1\ne = -3\nf = true')) as Record<
      string,
      unknown
    >
    expect(v).toEqual({ a: 10, b: 31, c: 15, d: 15, e: -3, f: true })
  })

  it('accepts trailing commas in lists, commas between items, key { } and key = { } for maps', () => {
    const a = parsePolicy(
      'p',
      'path "a" { capabilities = ["read", "list",], allowed_parameters { x = ["1",] } }',
    )
    const b = parsePolicy(
      'p',
      'path "a" { capabilities = ["read", "list"]\n allowed_parameters = { x = ["1"] } }',
    )
    expect(plain(a)).toEqual(plain(b))
  })

  it('accepts Windows line endings', () => {
    expect(
      parsePolicy('p', 'path "a" {\r\n  capabilities = ["read"]\r\n}\r\n').paths[0]?.capabilities,
    ).toEqual(['read'])
  })

  it('keeps multi-key items and repeated blocks in the tree', () => {
    const root = parseHcl('path "a" { x = 1 }\npath "a" { y = 2 }')
    expect(root.items.map((i) => i.keys.map((k) => k.value))).toEqual([
      ['path', 'a'],
      ['path', 'a'],
    ])
  })
})

describe('parsePolicy: errors carry Vault wording, line and column', () => {
  it.each([
    // Syntax (hcl/scanner, hcl/parser)
    ['path "a" {', 'failed to parse policy: At 1:11: object expected closing RBRACE got: EOF', 1, 11],
    [
      'path "a" {\n  capabilities = ["read" }',
      'failed to parse policy: At 2:26: error parsing list, expected comma or list end, got: RBRACE',
      2,
      26,
    ],
    ['path "a" {\n  comment = "abc\n}', 'failed to parse policy: At 2:17: literal not terminated', 2, 17],
    ['path "a" { x = "\\q" }', 'failed to parse policy: At 1:18: illegal char escape', 1, 18],
    ['path "a" {\n  /* open', 'failed to parse policy: At 2:10: comment not terminated', 2, 10],
    ['path "a" { x = <<EOF\nno end\n', 'failed to parse policy: At 3:1: heredoc not terminated', 3, 1],
    ['path "a" { x = @ }', 'failed to parse policy: At 1:16: illegal char', 1, 16],
    [
      'path "a" "b" = {}',
      'failed to parse policy: At 1:14: nested object expected: LBRACE got: ASSIGN',
      1,
      14,
    ],
    [
      'path "a"',
      `failed to parse policy: At 1:9: key 'path "a"' expected start of object ('{') or assignment ('=')`,
      1,
      9,
    ],
    [
      'path "a" { x = [foo] }',
      'failed to parse policy: At 1:17: unexpected token while parsing list: IDENT',
      1,
      17,
    ],
    ['path "a" { x = 0x }', 'failed to parse policy: At 1:18: illegal hexadecimal number', 1, 18],
    [
      'path "a" {\n  capabilities = ["read"]\n  capabilities = ["list"]\n}',
      'failed to parse policy: The argument "capabilities" at 3:3 was already set. Each argument can only be defined once',
      3,
      3,
    ],
    // JSON form
    [
      '{"path": {"x": {"capabilities": ["read",]}}}',
      'failed to parse policy: At 1:41: Expected object value, got unknown token: RBRACK',
      1,
      41,
    ],
    ['{\n  "path": 1,\n}', 'failed to parse policy: At 3:1: expected: STRING got: RBRACE', 3, 1],
    // Keys (hclutil.CheckHCLKeys; policy_test.go TestPolicy_ParseBadRoot / ParseBadPath)
    [
      'name = "test"\nbad  = "foo"\nnope = "yes"',
      'failed to parse policy: 2 errors occurred:\n\t* invalid key "bad" on line 2\n\t* invalid key "nope" on line 3\n\n',
      2,
      1,
    ],
    [
      'path "/" {\n\tcapabilities = ["read"]\n\tcapabilites  = ["read"]\n}',
      'failed to parse policy: 1 error occurred:\n\t* path "/": invalid key "capabilites" on line 3\n\n',
      3,
      2,
    ],
    [
      'path = "b"',
      'failed to parse policy: path "path": cannot check HCL keys of type *ast.LiteralType',
      1,
      8,
    ],
    [
      'path = ["b"]',
      'failed to parse policy: path "path": cannot check HCL keys of type *ast.ListType',
      1,
      8,
    ],
    // Decoding (hcl decoder)
    [
      'path "x" { capabilities = "read" }',
      'failed to parse policy: path "x": At 1:27: unknown slice type: *ast.LiteralType',
      1,
      27,
    ],
    [
      'path "x" { policy = ["read"] }',
      'failed to parse policy: path "x": At 1:21: root.Policy: unknown type for string *ast.ListType',
      1,
      21,
    ],
    [
      'path "x" { capabilities = [true] }',
      'failed to parse policy: path "x": At 1:28: root.Capabilities[0]: unknown type for string *ast.LiteralType',
      1,
      28,
    ],
    [
      'path "x" { allowed_parameters = { a = "b" } }',
      'failed to parse policy: path "x": At 1:39: unknown slice type: *ast.LiteralType',
      1,
      39,
    ],
    [
      'name = ["x"]',
      'failed to parse policy: At 1:8: root.name: unknown type for string *ast.ListType',
      1,
      8,
    ],
    // Semantics (policy.go parsePaths; policy_test.go)
    ['path "/" {\n\tpolicy = "banana"\n}', 'failed to parse policy: path "/": invalid policy "banana"', 1, 6],
    [
      'path "a" { policy = "constructor" }',
      'failed to parse policy: path "a": invalid policy "constructor"',
      1,
      6,
    ],
    [
      'path "a" { capabilities = ["toString"] }',
      'failed to parse policy: path "a": invalid capability "toString"',
      1,
      6,
    ],
    [
      'path "/" {\n\tcapabilities = ["read", "banana"]\n}',
      'failed to parse policy: path "/": invalid capability "banana"',
      1,
      6,
    ],
    [
      'path "foo/+*" {\n\tcapabilities = ["read"]\n}',
      `failed to parse policy: path "foo/+*": invalid use of wildcards ('+*' is forbidden)`,
      1,
      6,
    ],
    [
      'path "/a+*" { capabilities = ["read"] }',
      `failed to parse policy: path "a+*": invalid use of wildcards ('+*' is forbidden)`,
      1,
      6,
    ],
    [
      'path "/" {\n\tpolicy = "read"\n\tmin_wrapping_ttl = 400\n\tmax_wrapping_ttl = 200\n}',
      'failed to parse policy: max_wrapping_ttl cannot be less than min_wrapping_ttl',
      1,
      6,
    ],
    [
      'path "a" { policy = "read"\n min_wrapping_ttl = "abc" }',
      'failed to parse policy: error parsing min_wrapping_ttl: time: invalid duration "abc"',
      1,
      6,
    ],
    [
      'path "a" { policy = "read"\n max_wrapping_ttl = true }',
      'failed to parse policy: error parsing max_wrapping_ttl: could not parse duration from input',
      1,
      6,
    ],
    [
      'path "a" { policy = "read"\n max_wrapping_ttl = "5x" }',
      'failed to parse policy: error parsing max_wrapping_ttl: time: unknown unit "x" in duration "5x"',
      1,
      6,
    ],
    [
      'path "secret/{{identity.entity.id" { capabilities = ["read"] }',
      'failed to parse policy: failed to validate policy templating: unbalanced templating characters',
      1,
      6,
    ],
    [
      'path "secret/}}" { capabilities = ["read"] }',
      'failed to parse policy: failed to validate policy templating: unbalanced templating characters',
      1,
      6,
    ],
  ])('%j', (text, message, line, column) => {
    const e = parseError(text)
    expect(e.message).toBe(message)
    expect(e.errors).toEqual([message])
    expect([e.line, e.column]).toEqual([line, column])
    expect(e).toBeInstanceOf(InvalidRequestError)
    expect(e.code).toBe('ERR_INVALID_REQUEST')
    expect(e.statusCode).toBe(400)
  })

  it('keeps the HCL syntax error as the cause', () => {
    const e = parseError('path "a" {')
    expect(e.cause).toBeInstanceOf(HclSyntaxError)
    expect((e.cause as HclSyntaxError).line).toBe(1)
  })

  it('does not check capabilities listed after `deny` (Vault stops at deny)', () => {
    expect(() => parsePolicy('p', 'path "a" { capabilities = ["deny", "banana"] }')).not.toThrow()
    expect(parseError('path "a" { capabilities = ["banana", "deny"] }').message).toBe(
      'failed to parse policy: path "a": invalid capability "banana"',
    )
  })
})
