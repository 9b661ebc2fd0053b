/**
 * A minimal DER (ITU-T X.690) reader and writer: just the tags that key containers use — SEQUENCE,
 * INTEGER, OCTET STRING, BIT STRING, OBJECT IDENTIFIER, NULL and context-specific tags. It builds and
 * reads PKCS #8, SubjectPublicKeyInfo, PKCS #1 and SEC 1 structures and ASN.1 ECDSA signatures, in both
 * providers, without a dependency. Strict: definite lengths, minimal length encodings, whole input
 * consumed where the caller asks for it.
 *
 * @module
 */

/** DER tag numbers used here. */
export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const

/** One parsed TLV: its tag byte, its content, and the bytes after it. */
export interface Tlv {
  tag: number
  content: Uint8Array
  rest: Uint8Array
}

/** Thrown on malformed DER. The message names the problem, never the content. */
export class DerError extends Error {
  constructor(message: string) {
    super(`der: ${message}`)
    this.name = 'DerError'
  }
}

/**
 * Reads one TLV from the start of `input`.
 *
 * @throws {DerError} on a truncated or non-minimal encoding, or a tag other than `expectTag`.
 * @example
 * ```ts
 * const { content, rest } = readTlv(der, TAG.SEQUENCE)
 * ```
 */
export function readTlv(input: Uint8Array, expectTag?: number): Tlv {
  if (input.length < 2) throw new DerError('truncated')
  const tag = input[0]!
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported')
  if (expectTag !== undefined && tag !== expectTag) throw new DerError('unexpected tag')
  let len = input[1]!
  let offset = 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4) throw new DerError('unsupported length')
    if (input.length < 2 + n) throw new DerError('truncated')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + input[2 + i]!
    if (input[2]! === 0 || len < 0x80) throw new DerError('non-minimal length')
    offset = 2 + n
  }
  if (input.length < offset + len) throw new DerError('truncated')
  return {
    tag,
    content: input.subarray(offset, offset + len),
    rest: input.subarray(offset + len),
  }
}

/**
 * Reads every TLV of a constructed value's content, in order.
 *
 * @throws {DerError} on malformed content.
 * @example
 * ```ts
 * const [version, algorithm, key] = readAll(readTlv(pkcs8, TAG.SEQUENCE).content)
 * ```
 */
export function readAll(content: Uint8Array): Tlv[] {
  const out: Tlv[] = []
  let rest = content
  while (rest.length > 0) {
    const tlv = readTlv(rest)
    out.push(tlv)
    rest = tlv.rest
  }
  return out
}

/**
 * The magnitude of a DER INTEGER's content as unsigned big-endian bytes (leading zero stripped).
 *
 * @throws {DerError} if the integer is negative or not minimally encoded.
 * @example
 * ```ts
 * derUnsigned(readTlv(bytes, TAG.INTEGER).content)
 * ```
 */
export function derUnsigned(content: Uint8Array): Uint8Array {
  if (content.length === 0) throw new DerError('empty integer')
  if (content[0]! & 0x80) throw new DerError('negative integer')
  if (content.length > 1 && content[0] === 0 && !(content[1]! & 0x80)) {
    throw new DerError('non-minimal integer')
  }
  return content[0] === 0 && content.length > 1 ? content.subarray(1) : content
}

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len)
  const bytes: number[] = []
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff)
  return Uint8Array.of(0x80 | bytes.length, ...bytes)
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

/**
 * Encodes one TLV.
 *
 * @example
 * ```ts
 * tlv(TAG.OCTET_STRING, seed)
 * ```
 */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content)
  return concat([Uint8Array.of(tag), encodeLength(body.length), body])
}

/**
 * A SEQUENCE of already-encoded elements.
 *
 * @example
 * ```ts
 * seq(derInt(0n), algorithmIdentifier, tlv(TAG.OCTET_STRING, key))
 * ```
 */
export function seq(...elements: Uint8Array[]): Uint8Array {
  return tlv(TAG.SEQUENCE, ...elements)
}

/**
 * An INTEGER from a non-negative bigint or unsigned big-endian bytes (minimal encoding).
 *
 * @example
 * ```ts
 * derInt(65537n)
 * ```
 */
export function derInt(value: bigint | Uint8Array): Uint8Array {
  let bytes = typeof value === 'bigint' ? bigintToBytes(value) : value
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  bytes = bytes.subarray(start)
  if (bytes.length === 0) bytes = Uint8Array.of(0)
  return bytes[0]! & 0x80 ? tlv(TAG.INTEGER, Uint8Array.of(0), bytes) : tlv(TAG.INTEGER, bytes)
}

/**
 * An OBJECT IDENTIFIER from dotted form.
 *
 * @example
 * ```ts
 * derOid('1.2.840.10045.3.1.7') // prime256v1
 * ```
 */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => Number.parseInt(a, 10))
  const first = (arcs[0] ?? 0) * 40 + (arcs[1] ?? 0)
  const out: number[] = []
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [arc & 0x7f]
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f))
    out.push(...chunk)
  }
  return tlv(TAG.OID, Uint8Array.from(out))
}

/**
 * Dotted form of an OBJECT IDENTIFIER's content.
 *
 * @example
 * ```ts
 * oidToString(readTlv(bytes, TAG.OID).content) // '1.3.101.112'
 * ```
 */
export function oidToString(content: Uint8Array): string {
  const arcs: number[] = []
  let value = 0
  for (const b of content) {
    value = value * 128 + (b & 0x7f)
    if (!(b & 0x80)) {
      arcs.push(value)
      value = 0
    }
  }
  const first = arcs.shift() ?? 0
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80]
  return [...head, ...arcs].join('.')
}

/**
 * A BIT STRING with no unused bits.
 *
 * @example
 * ```ts
 * derBitString(publicKeyBytes)
 * ```
 */
export function derBitString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG.BIT_STRING, Uint8Array.of(0), bytes)
}

/** DER NULL. */
export const DER_NULL: Uint8Array = Uint8Array.of(TAG.NULL, 0)

/**
 * Big-endian unsigned bytes of a non-negative bigint (minimal length, at least one byte), or exactly
 * `length` bytes when given.
 *
 * @throws {RangeError} if the value does not fit in `length` bytes.
 * @example
 * ```ts
 * bigintToBytes(256n) // Uint8Array [1, 0]
 * ```
 */
export function bigintToBytes(value: bigint, length?: number): Uint8Array {
  let hex = value.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  const min = hex.length / 2
  const size = length ?? min
  if (min > size && !(min === 1 && value === 0n)) throw new RangeError('value does not fit')
  const out = new Uint8Array(size)
  for (let i = 0; i < min && i < size; i++) {
    out[size - min + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  }
  return out
}

/**
 * The non-negative bigint of big-endian unsigned bytes.
 *
 * @example
 * ```ts
 * bytesToBigint(Uint8Array.of(1, 0)) // 256n
 * ```
 */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}
