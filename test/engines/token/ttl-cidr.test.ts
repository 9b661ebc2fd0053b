// calculateTtl against Vault's sdk/framework/lease.go CalculateTTL (and its humanDuration), the policy
// glob of github.com/ryanuber/go-glob, and bound-CIDR parsing/matching as go-sockaddr and
// sdk/helper/cidrutil do.
import { describe, expect, it } from 'vitest'
import type { TokenEntry } from '../../../src/core/token-store.js'
import {
  calculateTtl,
  globMatch,
  humanDuration,
  parseAddresses,
  remoteAddrAllowed,
  tokenAddressAllowed,
} from '../../../src/engines/token/index.js'

const system = (def: number, max: number) => ({ defaultLeaseTtl: () => def, maxLeaseTtl: () => max })
const NOW = Date.UTC(2024, 0, 1)

describe('humanDuration', () => {
  it('drops zero units as Vault does', () => {
    expect(humanDuration(0)).toBe('0s')
    expect(humanDuration(768 * 3600)).toBe('768h')
    expect(humanDuration(5400)).toBe('1h30m')
    expect(humanDuration(3661)).toBe('1h1m1s')
    expect(humanDuration(3601)).toBe('1h1s')
    expect(humanDuration(90)).toBe('1m30s')
    expect(humanDuration(60)).toBe('1m')
  })
})

describe('calculateTtl', () => {
  it('increment, else backend TTL, else the mount default', () => {
    const s = system(100, 1000)
    expect(calculateTtl({ system: s, now: NOW, increment: 50, backendTtl: 70 })).toEqual({
      ttl: 50,
      warnings: [],
    })
    expect(calculateTtl({ system: s, now: NOW, backendTtl: 70 })).toEqual({ ttl: 70, warnings: [] })
    expect(calculateTtl({ system: s, now: NOW })).toEqual({ ttl: 100, warnings: [] })
  })

  it('max = lowest of mount max, backend max, explicit max; counted from the start time', () => {
    const s = system(100, 1000)
    expect(calculateTtl({ system: s, now: NOW, backendTtl: 900, backendMaxTtl: 500 }).ttl).toBe(500)
    expect(calculateTtl({ system: s, now: NOW, backendTtl: 900, explicitMaxTtl: 300 }).ttl).toBe(300)
    const later = calculateTtl({ system: s, now: NOW + 800_000, backendTtl: 900, startTime: NOW })
    expect(later).toEqual({
      ttl: 200,
      warnings: ['TTL of "15m" exceeded the effective max_ttl of "3m20s"; TTL value is capped accordingly'],
    })
  })

  it('period: the period, capped to max with a warning; explicit max only then bounds the lifetime', () => {
    const s = system(100, 1000)
    expect(calculateTtl({ system: s, now: NOW + 5_000_000, period: 300, startTime: NOW })).toEqual({
      ttl: 300,
      warnings: [],
    })
    expect(calculateTtl({ system: s, now: NOW, period: 3600 })).toEqual({
      ttl: 1000,
      warnings: [
        'period of "1h" exceeded the effective max_ttl of "16m40s"; period value is capped accordingly',
      ],
    })
    expect(
      calculateTtl({ system: s, now: NOW + 500_000, period: 300, explicitMaxTtl: 600, startTime: NOW }).ttl,
    ).toBe(100)
  })

  it('past the max: Vault’s error (500); zero max refused', () => {
    expect(() => calculateTtl({ system: system(10, 10), now: NOW + 20_000, startTime: NOW })).toThrow(
      'past the max TTL, cannot renew',
    )
    expect(() => calculateTtl({ system: system(10, 0), now: NOW })).toThrow(
      'max TTL must be greater than zero',
    )
  })

  it('truncates times to the second', () => {
    const s = system(100, 1000)
    expect(calculateTtl({ system: s, now: NOW + 999, backendTtl: 1000, startTime: NOW + 500 }).ttl).toBe(1000)
  })
})

describe('globMatch (go-glob)', () => {
  it.each([
    ['*', 'anything', true],
    ['dev-*', 'dev-web', true],
    ['dev-*', 'prod-web', false],
    ['*-ro', 'db-ro', true],
    ['*-ro', 'db-rw', false],
    ['a*b*c', 'a-x-b-y-c', true],
    ['a*b*c', 'a-x-c', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['', '', true],
    ['*mid*', 'xxmidyy', true],
  ])('%s vs %s → %s', (pattern, subject, expected) => {
    expect(globMatch(pattern, subject)).toBe(expected)
  })
})

describe('bound CIDRs', () => {
  it('parses as go-sockaddr prints them', () => {
    expect(
      parseAddresses(['10.0.0.0/8', '127.0.0.1/32', '10.1.2.3', '2001:db8::/32', '::1', '/tmp/sock']),
    ).toEqual(['10.0.0.0/8', '127.0.0.1', '10.1.2.3', '2001:db8::/32', '::1', '/tmp/sock'])
    expect(() => parseAddresses(['300.1.1.1'])).toThrow(
      'error parsing address "300.1.1.1": Unable to convert "300.1.1.1" to an IPv4 or IPv6 address, or a UNIX Socket',
    )
  })

  it('matches remote addresses; no address or a bad one is refused', () => {
    expect(remoteAddrAllowed([], undefined)).toBe(true)
    expect(remoteAddrAllowed(['10.0.0.0/8'], '10.200.3.4')).toBe(true)
    expect(remoteAddrAllowed(['10.0.0.0/8'], '11.0.0.1')).toBe(false)
    expect(remoteAddrAllowed(['10.0.0.1'], '10.0.0.1')).toBe(true)
    expect(remoteAddrAllowed(['2001:db8::/32'], '2001:db8:1::5')).toBe(true)
    expect(remoteAddrAllowed(['2001:db8::/32'], '10.0.0.1')).toBe(false)
    expect(remoteAddrAllowed(['10.0.0.0/8'], undefined)).toBe(false)
    expect(remoteAddrAllowed(['10.0.0.0/8'], 'garbage')).toBe(false)
    expect(remoteAddrAllowed(['/tmp/sock'], '10.0.0.1')).toBe(false)
  })

  it('non-expiring root tokens are never bound', () => {
    const entry = { ttl: 0, bound_cidrs: ['10.0.0.0/8'] } as TokenEntry
    expect(tokenAddressAllowed(entry, '1.2.3.4')).toBe(true)
    expect(tokenAddressAllowed({ ...entry, ttl: 60 }, '1.2.3.4')).toBe(false)
    expect(tokenAddressAllowed({ ...entry, ttl: 60 }, '10.9.9.9')).toBe(true)
  })
})
