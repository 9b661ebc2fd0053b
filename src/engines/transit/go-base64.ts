/**
 * Base64 exactly as Go's `encoding/base64` decodes it, because transit's error messages quote Go's
 * errors verbatim (`illegal base64 data at input byte 4`). Standard encoding requires padding; the raw
 * URL encoding (JWS signatures) forbids it; both skip `\r` and `\n` anywhere, and neither is strict
 * about non-zero trailing bits — all as in Go.
 *
 * @module
 */
import { utf8 } from '../../util/encoding.js'

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function decodeMap(alphabet: string): Int16Array {
  const map = new Int16Array(256).fill(-1)
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i
  return map
}

const STD_MAP = decodeMap(STD)
const URL_MAP = decodeMap(URL)

/** Go's `base64.CorruptInputError`: the message names the byte offset only. */
export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`)
    this.name = 'Base64Error'
  }
}

const isNewline = (b: number | undefined) => b === 0x0a || b === 0x0d

function decode(input: string, map: Int16Array, padded: boolean): Uint8Array {
  const src = utf8(input)
  const out: number[] = []
  let si = 0
  while (si < src.length) {
    // One quantum (Go's decodeQuantum): up to four symbols, newlines skipped.
    const dbuf = [0, 0, 0, 0]
    let dlen = 4
    let j = 0
    let trailing: Base64Error | undefined
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out)
        if (j === 1 || padded) throw new Base64Error(si - j)
        dlen = j
        break
      }
      const inb = src[si]!
      si++
      const v = map[inb]!
      if (v >= 0) {
        dbuf[j] = v
        continue
      }
      if (isNewline(inb)) {
        j--
        continue
      }
      if (!padded || inb !== 0x3d) throw new Base64Error(si - 1)
      // Padding: only in the third or fourth position.
      if (j === 0 || j === 1) throw new Base64Error(si - 1)
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++
        if (si === src.length) throw new Base64Error(src.length)
        if (src[si] !== 0x3d) throw new Base64Error(si - 1)
        si++
      }
      while (si < src.length && isNewline(src[si])) si++
      if (si < src.length) trailing = new Base64Error(si)
      dlen = j
      break
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff]
    out.push(...bytes.slice(0, dlen - 1))
    if (trailing) throw trailing
    if (dlen < 4) break
  }
  return Uint8Array.from(out)
}

/**
 * Decodes canonical padded base64 (no newlines, padding only at the end) straight into a typed array;
 * `null` for anything else, which then goes through the exact port of Go's decoder.
 */
function decodeCanonical(input: string, map: Int16Array): Uint8Array | null {
  const n = input.length
  if (n % 4 !== 0) return null
  const pad = n === 0 ? 0 : input.charCodeAt(n - 1) !== 0x3d ? 0 : input.charCodeAt(n - 2) === 0x3d ? 2 : 1
  const out = new Uint8Array((n / 4) * 3 - pad)
  const full = pad === 0 ? n : n - 4
  let bad = 0
  let o = 0
  for (let i = 0; i < full; i += 4) {
    const a = map[input.charCodeAt(i)]!
    const b = map[input.charCodeAt(i + 1)]!
    const c = map[input.charCodeAt(i + 2)]!
    const d = map[input.charCodeAt(i + 3)]!
    bad |= a | b | c | d
    const v = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = v >> 16
    out[o++] = (v >> 8) & 0xff
    out[o++] = v & 0xff
  }
  if (pad > 0) {
    const a = map[input.charCodeAt(full)]!
    const b = map[input.charCodeAt(full + 1)]!
    const c = pad === 1 ? map[input.charCodeAt(full + 2)]! : 0
    bad |= a | b | c
    const v = (a << 18) | (b << 12) | (c << 6)
    out[o++] = v >> 16
    if (pad === 1) out[o++] = (v >> 8) & 0xff
  }
  return bad < 0 ? null : out
}

/**
 * Go's `base64.StdEncoding.DecodeString`. Canonical input takes a fast path; anything else (newlines,
 * errors) goes through a symbol-by-symbol port of Go's decoder, so errors name Go's byte offset.
 *
 * @throws {Base64Error} with Go's message on malformed input.
 * @example
 * ```ts
 * decodeStd('aGk=') // Uint8Array [104, 105]
 * decodeStd('aGk')  // throws: illegal base64 data at input byte 0
 * ```
 */
export function decodeStd(input: string): Uint8Array {
  return decodeCanonical(input, STD_MAP) ?? decode(input, STD_MAP, true)
}

/**
 * Standard base64 with padding (Go's `base64.StdEncoding.EncodeToString`), through the platform's
 * `btoa` in chunks, so large values stay fast.
 *
 * @example
 * ```ts
 * encodeStd(Uint8Array.of(104, 105)) // 'aGk='
 * ```
 */
export function encodeStd(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  }
  return btoa(binary)
}

/**
 * Go's `base64.RawURLEncoding.DecodeString` (URL alphabet, no padding).
 *
 * @throws {Base64Error} with Go's message on malformed input.
 * @example
 * ```ts
 * decodeRawUrl('aGk') // Uint8Array [104, 105]
 * ```
 */
export function decodeRawUrl(input: string): Uint8Array {
  return decode(input, URL_MAP, false)
}

/**
 * Go's `base64.RawURLEncoding.EncodeToString`.
 *
 * @example
 * ```ts
 * encodeRawUrl(Uint8Array.of(0xfb, 0xff)) // '-_8'
 * ```
 */
export function encodeRawUrl(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!
    const b1 = bytes[i + 1]
    const b2 = bytes[i + 2]
    out += URL[b0 >> 2]!
    out += URL[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]!
    if (b1 !== undefined) out += URL[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]!
    if (b2 !== undefined) out += URL[b2 & 63]!
  }
  return out
}
