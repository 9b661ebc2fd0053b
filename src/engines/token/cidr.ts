/**
 * Bound CIDRs, as Vault reads them with `go-sockaddr`: IPv4 and IPv6 addresses with an optional `/bits`
 * mask. Vault also accepts anything that looks like a path (`/x`, `./x`, `a/b`) as a UNIX socket, which
 * never matches an IP; vaultlet keeps that quirk so the same inputs are accepted.
 *
 * @module
 */

import type { TokenEntry } from '../../core/token-store.js'
import { goQuote } from '../../framework/duration.js'

interface IpNet {
  kind: 4 | 6
  bytes: number[]
  bits: number
}

function parseIPv4(s: string): number[] | null {
  const parts = s.split('.')
  if (parts.length !== 4) return null
  const out: number[] = []
  for (const p of parts) {
    // Go's net.ParseIP: decimal, no leading zeros, 0..255.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null
    const n = Number(p)
    if (n > 255) return null
    out.push(n)
  }
  return out
}

function parseIPv6(s: string): number[] | null {
  if (s.includes(':::')) return null
  const halves = s.split('::')
  if (halves.length > 2) return null
  const groups = (part: string): number[] | null => {
    if (part === '') return []
    const out: number[] = []
    const items = part.split(':')
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIPv4(item)
        if (!v4) return null
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number))
        continue
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return null
      out.push(Number.parseInt(item, 16))
    }
    return out
  }
  const head = groups(halves[0] as string)
  const tail = halves.length === 2 ? groups(halves[1] as string) : []
  if (!head || !tail) return null
  let words: number[]
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length
    if (missing < 1) return null
    words = [...head, ...new Array<number>(missing).fill(0), ...tail]
  } else {
    words = head
  }
  if (words.length !== 8) return null
  return words.flatMap((w) => [w >> 8, w & 0xff])
}

function parseNet(s: string): IpNet | null {
  const slash = s.indexOf('/')
  const addr = slash >= 0 ? s.slice(0, slash) : s
  const maskText = slash >= 0 ? s.slice(slash + 1) : null
  const v4 = parseIPv4(addr)
  const v6 = v4 ? null : parseIPv6(addr)
  const bytes = v4 ?? v6
  if (!bytes) return null
  const max = v4 ? 32 : 128
  let bits = max
  if (maskText !== null) {
    if (!/^\d{1,3}$/.test(maskText)) return null
    bits = Number(maskText)
    if (bits > max) return null
  }
  return { kind: v4 ? 4 : 6, bytes, bits }
}

/** Go's `net.IP.String()` for IPv6: lower-case hex, the longest run (≥2) of zero groups as `::`. */
function formatIPv6(bytes: number[]): string {
  const words: number[] = []
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number))
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':')
  if (bestStart < 0) return hex(words)
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`
}

function formatNet(net: IpNet): string {
  const addr = net.kind === 4 ? net.bytes.join('.') : formatIPv6(net.bytes)
  return net.bits === (net.kind === 4 ? 32 : 128) ? addr : `${addr}/${net.bits}`
}

function looksLikeUnixSocket(s: string): boolean {
  return s.length > 1 && (s[0] === '.' || s[0] === '/' || s.includes('/'))
}

/**
 * Vault's `parseutil.ParseAddrs` over a list: each item must be an IPv4/IPv6 address or CIDR (or a
 * path-like UNIX socket); returns them in `go-sockaddr`'s string form (`10.0.0.1`, `10.0.0.0/8`, `::1`).
 *
 * @example
 * ```ts
 * parseAddresses(['10.0.0.0/8', '127.0.0.1/32']) // ['10.0.0.0/8', '127.0.0.1']
 * ```
 * @throws {Error} `error parsing address "x": Unable to convert "x" to an IPv4 or IPv6 address, or a UNIX Socket`.
 */
export function parseAddresses(items: readonly string[]): string[] {
  return items.map((item) => {
    const net = parseNet(item)
    if (net) return formatNet(net)
    if (looksLikeUnixSocket(item)) return item
    throw new Error(
      `error parsing address ${goQuote(item)}: Unable to convert ${goQuote(item)} to an IPv4 or IPv6 address, or a UNIX Socket`,
    )
  })
}

function contains(cidr: IpNet, ip: IpNet): boolean {
  if (cidr.kind !== ip.kind) return false
  for (let bit = 0; bit < cidr.bits; bit++) {
    const byte = bit >> 3
    const mask = 0x80 >> (bit & 7)
    if (((cidr.bytes[byte] as number) & mask) !== ((ip.bytes[byte] as number) & mask)) return false
  }
  return true
}

/**
 * Vault's `cidrutil.RemoteAddrIsOk`: `true` when `cidrs` is empty or one of them (IP ones only) contains
 * `remoteAddress`; an unparsable or missing address is refused.
 *
 * @example
 * ```ts
 * remoteAddrAllowed(['10.0.0.0/8'], '10.1.2.3') // true
 * remoteAddrAllowed(['10.0.0.0/8'], undefined)  // false
 * ```
 */
export function remoteAddrAllowed(cidrs: readonly string[], remoteAddress: string | undefined): boolean {
  if (cidrs.length === 0) return true
  const ip = remoteAddress === undefined ? null : parseNet(remoteAddress)
  if (!ip) return false
  return cidrs.some((c) => {
    const net = parseNet(c)
    return net !== null && contains(net, ip)
  })
}

/**
 * The pipeline's bound-CIDR check (Vault's `CheckToken`): every token with bound CIDRs, except
 * non-expiring root tokens, may only be used from an address inside one of them.
 *
 * @example
 * ```ts
 * if (!tokenAddressAllowed(entry, req.connection?.remoteAddress)) throw new PermissionDeniedError()
 * ```
 */
export function tokenAddressAllowed(entry: TokenEntry, remoteAddress: string | undefined): boolean {
  if (entry.ttl === 0 || entry.bound_cidrs.length === 0) return true
  return remoteAddrAllowed(entry.bound_cidrs, remoteAddress)
}

/** Go's `net.ParseCIDR`: an address with a mandatory `/bits` mask; `null` when invalid. */
function parseCidr(s: string): IpNet | null {
  return s.includes('/') ? parseNet(s) : null
}

/** Go's `net.ParseIP`: an address without a mask; `null` when invalid. */
function parseIp(s: string): IpNet | null {
  return s.includes('/') ? null : parseNet(s)
}

/**
 * Vault's `cidrutil.ValidateCIDRListSlice`: every block must be a CIDR (address and mask; surrounding
 * spaces allowed).
 *
 * @example
 * ```ts
 * validateCidrList(['10.0.0.0/8'])  // ok
 * validateCidrList(['10.0.0.1'])    // throws: invalid CIDR address: 10.0.0.1
 * ```
 * @throws {Error} `missing CIDR blocks that needs validation`, or Go's `invalid CIDR address: <s>`.
 */
export function validateCidrList(blocks: readonly string[]): void {
  if (blocks.length === 0) throw new Error('missing CIDR blocks that needs validation')
  for (const block of blocks) {
    if (!parseCidr(block.trim())) throw new Error(`invalid CIDR address: ${block.trim()}`)
  }
}

/**
 * Vault's `cidrutil.IPBelongsToCIDRBlocksSlice`: does `ip` (an address, no mask) fall in one of `cidrs`?
 * Returns Vault's error text instead of throwing, because its callers word the refusal themselves.
 *
 * @example
 * ```ts
 * ipBelongsToCidrs('10.1.2.3', ['10.0.0.0/8']) // { belongs: true, error: null }
 * ipBelongsToCidrs('bogus', ['10.0.0.0/8'])    // { belongs: false, error: 'invalid IP address' }
 * ```
 */
export function ipBelongsToCidrs(
  ip: string | undefined,
  cidrs: readonly string[],
): { belongs: boolean; error: string | null } {
  if (!ip) return { belongs: false, error: 'missing IP address' }
  if (cidrs.length === 0) return { belongs: false, error: 'missing CIDR blocks to be checked against' }
  const addr = parseIp(ip)
  if (!addr) return { belongs: false, error: 'invalid IP address' }
  for (const cidr of cidrs) {
    const net = parseCidr(cidr)
    if (!net) return { belongs: false, error: `invalid CIDR address: ${cidr}` }
    if (contains(net, addr)) return { belongs: true, error: null }
  }
  return { belongs: false, error: null }
}

function isZeroAddress(net: IpNet): boolean {
  return net.bytes.every((b) => b === 0)
}

/** Vault's `cidrutil.Subset`: is every address of `cidr2` inside `cidr1`? */
function subset(cidr1: string, cidr2: string): boolean {
  const net1 = parseCidr(cidr1)
  if (!net1) {
    throw new Error(
      `failed to parse the CIDR to be checked against: ${goQuote(`invalid CIDR address: ${cidr1}`)}`,
    )
  }
  if (!isZeroAddress(net1) && net1.bits === 0) {
    throw new Error('CIDR to be checked against is not in its canonical form')
  }
  const net2 = parseCidr(cidr2)
  if (!net2) {
    throw new Error(
      `failed to parse the CIDR that needs to be checked: ${goQuote(`invalid CIDR address: ${cidr2}`)}`,
    )
  }
  if (!isZeroAddress(net2) && net2.bits === 0) {
    throw new Error('CIDR that needs to be checked is not in its canonical form')
  }
  if (net2.bits < net1.bits) return false
  return contains(net1, net2)
}

/**
 * Vault's `cidrutil.SubsetBlocks`: is each block of `blocks` inside at least one block of `against`?
 *
 * @example
 * ```ts
 * subsetBlocks(['10.0.0.0/8'], ['10.1.0.0/16']) // { subset: true, error: null }
 * subsetBlocks(['10.0.0.0/8'], ['11.0.0.0/16']) // { subset: false, error: null }
 * ```
 */
export function subsetBlocks(
  against: readonly string[],
  blocks: readonly string[],
): { subset: boolean; error: string | null } {
  if (against.length === 0 || blocks.length === 0) return { subset: false, error: 'missing CIDR blocks' }
  try {
    for (const block of blocks) {
      if (!against.some((a) => subset(a, block))) return { subset: false, error: null }
    }
  } catch (e) {
    return { subset: false, error: (e as Error).message }
  }
  return { subset: true, error: null }
}
