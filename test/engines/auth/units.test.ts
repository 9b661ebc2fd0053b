// Helpers of the auth methods, against Vault's: cidrutil (ValidateCIDRListSlice,
// IPBelongsToCIDRBlocksSlice, SubsetBlocks), strutil.ParseArbitraryKeyValues, policyutil
// (ParsePolicies, EquivalentPolicies), tokenutil (ParseTokenFields, UpgradeValue), the router's token
// type and the login display name.
import { describe, expect, it } from 'vitest'
import { loginDisplayName, loginTokenType } from '../../../src/core/login.js'
import { parseMetadata } from '../../../src/engines/approle/metadata.js'
import { ipBelongsToCidrs, subsetBlocks, validateCidrList } from '../../../src/engines/token/cidr.js'
import {
  equivalentPolicies,
  newTokenParams,
  parsePolicies,
  parseTokenFields,
  tokenFields,
  upgradeValue,
} from '../../../src/engines/token/token-fields.js'
import { FieldData } from '../../../src/framework/fields.js'

describe('cidr helpers', () => {
  it('validateCidrList: CIDRs only', () => {
    expect(() => validateCidrList([' 10.0.0.0/8 ', '::1/128'])).not.toThrow()
    expect(() => validateCidrList(['10.0.0.1'])).toThrow('invalid CIDR address: 10.0.0.1')
    expect(() => validateCidrList([])).toThrow('missing CIDR blocks that needs validation')
  })

  it('ipBelongsToCidrs', () => {
    expect(ipBelongsToCidrs('10.1.2.3', ['192.168.0.0/16', '10.0.0.0/8'])).toEqual({
      belongs: true,
      error: null,
    })
    expect(ipBelongsToCidrs('11.1.2.3', ['10.0.0.0/8'])).toEqual({ belongs: false, error: null })
    expect(ipBelongsToCidrs('::1', ['::1/128'])).toEqual({ belongs: true, error: null })
    expect(ipBelongsToCidrs(undefined, ['10.0.0.0/8']).error).toBe('missing IP address')
    expect(ipBelongsToCidrs('x', ['10.0.0.0/8']).error).toBe('invalid IP address')
    expect(ipBelongsToCidrs('10.0.0.1', []).error).toBe('missing CIDR blocks to be checked against')
  })

  it('subsetBlocks', () => {
    expect(subsetBlocks(['10.0.0.0/8'], ['10.1.0.0/16', '10.2.3.0/24'])).toEqual({
      subset: true,
      error: null,
    })
    expect(subsetBlocks(['10.0.0.0/16'], ['10.0.0.0/8'])).toEqual({ subset: false, error: null })
    expect(subsetBlocks(['0.0.0.0/0'], ['8.8.8.8/32'])).toEqual({ subset: true, error: null })
    expect(subsetBlocks(['10.0.0.0/0'], ['10.0.0.0/8']).error).toBe(
      'CIDR to be checked against is not in its canonical form',
    )
    expect(subsetBlocks(['10.0.0.0/8'], ['bad']).error).toBe(
      'failed to parse the CIDR that needs to be checked: "invalid CIDR address: bad"',
    )
  })
})

describe('secret-ID metadata', () => {
  it('parses JSON, base64 JSON, k=v pairs (lower-cased), base64 pairs', () => {
    expect(parseMetadata('')).toEqual({})
    expect(parseMetadata('{"Team":"Pay"}')).toEqual({ Team: 'Pay' })
    expect(parseMetadata(btoa('{"a":"b"}'))).toEqual({ a: 'b' })
    expect(parseMetadata('A=B, c = d')).toEqual({ a: 'b', c: 'd' })
    expect(parseMetadata(btoa('x=y'))).toEqual({ x: 'y' })
  })

  it('refuses what Vault refuses', () => {
    expect(() => parseMetadata('a=b=c')).toThrow('failed to parse the input: invalid <key,value> format')
    expect(() => parseMetadata('a=')).toThrow('failed to parse the input: invalid <key,value> pair <"a","">')
    expect(() => parseMetadata('{"a":""}')).toThrow('invalid value for key "a"')
  })
})

describe('token fields', () => {
  it('parsePolicies / equivalentPolicies', () => {
    expect(parsePolicies(' Web,db,,web')).toEqual(['db', 'web'])
    expect(parsePolicies(['a', 'root'])).toEqual(['root'])
    expect(equivalentPolicies(['web', 'db'], ['default', 'db', 'web'])).toBe(true)
    expect(equivalentPolicies(null, ['default'])).toBe(true)
    expect(equivalentPolicies(['web'], ['db'])).toBe(false)
  })

  it('parseTokenFields applies what is present, with Vault’s checks', () => {
    const t = newTokenParams()
    parseTokenFields(
      t,
      new FieldData(tokenFields(), { token_ttl: '1h', token_policies: 'a,b', token_type: 'batch' }),
    )
    expect(t).toMatchObject({ token_ttl: 3600, token_policies: ['a', 'b'], token_type: 'batch' })
    expect(() => parseTokenFields(t, new FieldData(tokenFields(), { token_num_uses: 2 }))).toThrow(
      "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count",
    )
    // Fields the path does not declare are skipped.
    const only = newTokenParams()
    parseTokenFields(
      only,
      new FieldData(tokenFields(['token_period']), { token_ttl: '1h', token_period: 60 }),
    )
    expect(only).toMatchObject({ token_ttl: 0, token_period: 60 })
  })

  it('upgradeValue: old alone sets both; new alone clears old; both: old mirrors new', () => {
    const schema = { ttl: { type: 'duration' as const }, token_ttl: { type: 'duration' as const } }
    expect(upgradeValue(new FieldData(schema, { ttl: 5 }), 'ttl', 'token_ttl', [0, 0], 0)).toEqual([5, 5])
    expect(upgradeValue(new FieldData(schema, { token_ttl: 7 }), 'ttl', 'token_ttl', [5, 7], 0)).toEqual([
      0, 7,
    ])
    expect(
      upgradeValue(new FieldData(schema, { ttl: 1, token_ttl: 7 }), 'ttl', 'token_ttl', [1, 7], 0),
    ).toEqual([7, 7])
    expect(upgradeValue(new FieldData(schema, {}), 'ttl', 'token_ttl', [3, 4], 0)).toEqual([3, 4])
  })
})

describe('login token type and display name', () => {
  it('the mount’s token_type against the method’s', () => {
    const cases: [string | undefined, 'default' | 'service' | 'batch' | undefined, string][] = [
      ['default-service', 'default', 'service'],
      ['default-service', 'batch', 'batch'],
      ['default-batch', 'default', 'batch'],
      ['default-batch', 'service', 'service'],
      ['service', 'batch', 'service'],
      ['batch', 'service', 'batch'],
      [undefined, undefined, 'service'],
    ]
    for (const [mount, method, want] of cases)
      expect(loginTokenType(mount, method), `${mount}/${method}`).toBe(want)
  })

  it('display names', () => {
    expect(loginDisplayName('userpass/', 'bob')).toBe('userpass-bob')
    expect(loginDisplayName('approle/', '')).toBe('approle')
    expect(loginDisplayName('corp/ldap/', 'ann')).toBe('corp-ldap-ann')
  })
})
