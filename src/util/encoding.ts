/**
 * Byte encodings used in Vault's formats (hex and base64 key shares, base62 token IDs, UUIDs).
 * Runtime-neutral: only Web-standard globals.
 *
 * @module
 */
import { customAlphabet } from 'nanoid'

const HEX = '0123456789abcdef'

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!
  return out
}

/** Parses hex (either case); `null` when `s` is not an even-length hex string. */
export function fromHex(s: string): Uint8Array | null {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null
  const out = new Uint8Array(s.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

/** Standard base64 without padding (Go's `base64.RawStdEncoding`). */
export function toBase64Raw(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/=+$/, '')
}

/**
 * Parses standard base64; `null` when malformed. `strict` requires padding, as Go's
 * `base64.StdEncoding` does (Vault decodes key shares that way).
 */
export function fromBase64(s: string, strict = false): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null
  if (strict && s.length % 4 !== 0) return null
  const padded = s.length % 4 === 0 ? s : s + '='.repeat(4 - (s.length % 4))
  if (padded.length % 4 !== 0 || s.length % 4 === 1) return null
  try {
    const bin = atob(padded)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  } catch {
    return null
  }
}

const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder()

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => utf8Encoder.encode(s)
/** String from UTF-8 bytes. */
export const fromUtf8 = (b: Uint8Array): string => utf8Decoder.decode(b)

/** Vault's base62 alphabet (`0-9A-Za-z` as in Vault's `base62` helper). */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

// nanoid draws from the platform CSPRNG with rejection sampling (no modulo bias): the library does
// exactly what Vault's base62.Random does, so we use it rather than hand-rolling the sampling.
const base62_24 = customAlphabet(BASE62, 24)

/** A random base62 string of `length` characters from the CSPRNG (24 by default, Vault's token length). */
export function randomBase62(length = 24): string {
  return length === 24 ? base62_24() : customAlphabet(BASE62, length)()
}

/** A random UUIDv4 (Vault's request IDs, mount UUIDs). */
export function uuid(): string {
  return globalThis.crypto.randomUUID()
}

/** Go's RFC3339Nano formatting of a millisecond timestamp in UTC (`2024-01-01T00:00:00.123Z`). */
export function rfc3339(ms: number): string {
  const iso = new Date(ms).toISOString() // always .sssZ
  return iso.replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z')
}
