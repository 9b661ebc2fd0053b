/**
 * Go-style weak input conversion, as Vault applies it to a request body: JSON decoded with `UseNumber`,
 * then mapstructure's weak decoding, one function per target Go type; plus the `parseutil` helpers for
 * comma-separated lists, key pairs, headers and absolute times. `FieldData` (in `fields.ts`) picks the
 * decoder for each field type; nothing here knows about schemas.
 *
 * A JSON number behaves like its text (`42` and `"42"` are the same int; `1.5` is not an int), a bool
 * becomes `"1"`/`"0"` in a string, and a single value is lifted into a one-element list. Error messages
 * keep Go's wording and never echo the offending value. Not part of the public API.
 *
 * @internal
 * @module
 */
import { goQuote } from './duration.js'

// ---------------------------------------------------------------------------------------------------
// The Go value model. A JSON body decoded by Vault holds string, json.Number, bool, []interface{},
// map[string]interface{} or nil; mapstructure's messages name those Go types.

type Kind = 'nil' | 'string' | 'number' | 'bool' | 'slice' | 'map' | 'other'

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'number' || typeof v === 'bigint') return 'number'
  if (typeof v === 'boolean') return 'bool'
  if (Array.isArray(v)) return 'slice'
  if (isPlainObject(v)) return 'map'
  return 'other'
}

function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'string':
      return 'string'
    case 'number':
      return 'json.Number'
    case 'bool':
      return 'bool'
    case 'slice':
      return '[]interface {}'
    case 'map':
      return 'map[string]interface {}'
    case 'nil':
      return '<nil>'
    default:
      return v instanceof Date
        ? 'time.Time'
        : typeof v === 'object'
          ? (v?.constructor?.name ?? 'object')
          : typeof v
  }
}

/** A JSON number's text, as json.Number holds it. */
export function numberText(v: number | bigint): string {
  return String(v)
}

/** Go's `fmt` `%s` for a decoded JSON value. */
function goFormatS(v: unknown): string {
  switch (kindOf(v)) {
    case 'string':
      return v as string
    case 'number':
      return numberText(v as number)
    case 'bool':
      return `%!s(bool=${v})`
    case 'nil':
      return '%!s(<nil>)'
    case 'slice':
      return `[${(v as unknown[]).map(goFormatS).join(' ')}]`
    case 'map': {
      const m = v as Record<string, unknown>
      return `map[${Object.keys(m)
        .sort()
        .map((k) => `${k}:${goFormatS(m[k])}`)
        .join(' ')}]`
    }
    default:
      return String(v)
  }
}

/** One mapstructure error: `'<name>' <message>`. */
class DecodeError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`'${field}' ${detail}`)
  }
}

/** Several element errors of one slice (Go's `errors.Join`). */
class JoinedDecodeError extends Error {
  constructor(readonly errors: DecodeError[]) {
    super(errors.map((e) => e.message).join('\n'))
  }
}

/** mapstructure v2's top-level rendering of a decode failure. */
export function decodeMessage(err: unknown): string {
  if (err instanceof JoinedDecodeError)
    return `decoding failed due to the following error(s):\n\n${err.message}`
  return err instanceof Error ? err.message : String(err)
}

function unconvertible(name: string, expected: string, v: unknown): DecodeError {
  return new DecodeError(name, `expected type '${expected}', got unconvertible type '${goTypeName(v)}'`)
}

/**
 * Go's `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b`/leading-`0` prefixes, `_` separators.
 */
function parseIntBase0(s: string): bigint | 'syntax' | 'range' {
  if (s === '') return 'syntax'
  let body = s
  let neg = false
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-'
    body = body.slice(1)
  }
  if (body === '') return 'syntax'
  let base = 10
  let digits = body
  if (body[0] === '0') {
    const p = body[1]?.toLowerCase()
    if (body.length >= 3 && p === 'b') [base, digits] = [2, body.slice(2)]
    else if (body.length >= 3 && p === 'o') [base, digits] = [8, body.slice(2)]
    else if (body.length >= 3 && p === 'x') [base, digits] = [16, body.slice(2)]
    else [base, digits] = [8, body.slice(1)]
  }
  let n = 0n
  let underscores = false
  for (const c of digits.toLowerCase()) {
    if (c === '_') {
      underscores = true
      continue
    }
    const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 87 : 99
    if (d >= base) return 'syntax'
    n = n * BigInt(base) + BigInt(d)
  }
  if (underscores && !underscoreOK(s)) return 'syntax'
  if (n > (1n << 64n) - 1n) return 'range'
  if (!neg && n >= 1n << 63n) return 'range'
  if (neg && n > 1n << 63n) return 'range'
  return neg ? -n : n
}

/** Go's `strconv.underscoreOK`: `_` only between digits or after a base prefix. */
function underscoreOK(s: string): boolean {
  let saw = '^'
  let i = 0
  if (s[0] === '-' || s[0] === '+') s = s.slice(1)
  let hex = false
  const p = s[1]?.toLowerCase()
  if (s.length >= 2 && s[0] === '0' && (p === 'b' || p === 'o' || p === 'x')) {
    i = 2
    saw = '0'
    hex = p === 'x'
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? ''
    const lc = c.toLowerCase()
    if ((c >= '0' && c <= '9') || (hex && lc >= 'a' && lc <= 'f')) {
      saw = '0'
      continue
    }
    if (c === '_') {
      if (saw !== '0') return false
      saw = '_'
      continue
    }
    if (saw === '_') return false
    saw = '!'
  }
  return saw !== '_'
}

/** Go's `strconv.ParseFloat(s, 64)`: decimal, hex (`0x1p-2`), `inf`/`infinity`/`nan`. */
function parseFloat64(s: string): number | 'syntax' | 'range' {
  if (/^[+-]?(inf|infinity)$/i.test(s))
    return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  if (/^nan$/i.test(s)) return Number.NaN
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const f = Number(s)
    return Number.isFinite(f) ? f : 'range'
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s)
  const intPart = hex?.[2] ?? ''
  const fracPart = hex?.[3] ?? ''
  if (hex && intPart + fracPart !== '') {
    const mantissa = Number(BigInt(`0x${intPart}${fracPart}`))
    const f = mantissa * 2 ** (Number(hex[4]) - 4 * fracPart.length) * (hex[1] === '-' ? -1 : 1)
    return Number.isFinite(f) ? f : 'range'
  }
  return 'syntax'
}

const BOOL_STRINGS: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
}

// ---------------------------------------------------------------------------------------------------
// mapstructure weak decoding, one function per target Go type. `name` is mapstructure's field path
// ('' at the top, '[0]' for a slice element). The input is never nil here.

export function decodeString(name: string, v: unknown): string {
  switch (kindOf(v)) {
    case 'string':
      return v as string
    case 'number':
      return numberText(v as number)
    case 'bool':
      return v ? '1' : '0'
    default:
      throw unconvertible(name, 'string', v)
  }
}

export function decodeInt(name: string, v: unknown, goType: 'int' | 'int64'): number {
  const k = kindOf(v)
  if (k === 'bool') return v ? 1 : 0
  if (k !== 'string' && k !== 'number') throw unconvertible(name, goType, v)
  let s = k === 'number' ? numberText(v as number) : (v as string)
  if (s === '') s = '0'
  const n = parseIntBase0(s)
  if (typeof n !== 'bigint') {
    const reason = n === 'syntax' ? 'invalid syntax' : 'value out of range'
    throw new DecodeError(name, `cannot parse value as '${goType}': strconv.ParseInt: ${reason}`)
  }
  return Number(n)
}

export function decodeFloat(name: string, v: unknown): number {
  const k = kindOf(v)
  if (k === 'bool') return v ? 1 : 0
  if (k !== 'string' && k !== 'number') throw unconvertible(name, 'float64', v)
  let s = k === 'number' ? numberText(v as number) : (v as string)
  if (s === '') s = '0'
  const f = parseFloat64(s)
  if (typeof f !== 'number') {
    const reason = f === 'syntax' ? 'invalid syntax' : 'value out of range'
    throw new DecodeError(name, `cannot parse value as 'float64': strconv.ParseFloat: ${reason}`)
  }
  return f
}

export function decodeBool(name: string, v: unknown): boolean {
  const k = kindOf(v)
  if (k === 'bool') return v as boolean
  if (k !== 'string' && k !== 'number') throw unconvertible(name, 'bool', v)
  const s = k === 'number' ? numberText(v as number) : (v as string)
  const b = BOOL_STRINGS[s]
  if (b !== undefined) return b
  if (s === '') return false
  throw new DecodeError(name, "cannot parse value as 'bool': strconv.ParseBool: invalid syntax")
}

/** Decoding into `map[string]interface{}` (or `map[string]string` with `stringValues`). */
export function decodeMap<V>(
  name: string,
  v: unknown,
  into: Record<string, V>,
  value: (name: string, v: unknown) => V,
  goType: string,
): Record<string, V> {
  const k = kindOf(v)
  if (k === 'map') {
    const errors: DecodeError[] = []
    for (const [key, raw] of Object.entries(v as Record<string, unknown>)) {
      try {
        into[key] = value(`${name}[${key}]`, raw)
      } catch (e) {
        errors.push(e as DecodeError)
      }
    }
    if (errors.length > 0) throw new JoinedDecodeError(errors)
    return into
  }
  if (k === 'slice') {
    // Weak decoding merges a list of maps into one map; the first failure stops it.
    const list = v as unknown[]
    for (let i = 0; i < list.length; i++) {
      const el = list[i]
      if (el !== null && el !== undefined) decodeMap(`${name}[${i}]`, el, into, value, goType)
    }
    return into
  }
  throw unconvertible(name, goType, v)
}

export const anyValue = (_name: string, v: unknown): unknown => (v === undefined ? null : v)
const stringValue = (name: string, v: unknown): string =>
  v === null || v === undefined ? '' : decodeString(name, v)

/** Decoding into a slice: lists element by element, other values lifted into a one-element list. */
export function decodeSlice<T>(
  name: string,
  v: unknown,
  elem: (name: string, v: unknown) => T,
  zero: T,
): T[] {
  const k = kindOf(v)
  if (k === 'nil') return []
  if (k === 'map' && Object.keys(v as object).length === 0) return []
  const list = k === 'slice' ? (v as unknown[]) : [v]
  const out: T[] = []
  const errors: DecodeError[] = []
  list.forEach((el, i) => {
    try {
      out.push(el === null || el === undefined ? zero : elem(`${name}[${i}]`, el))
    } catch (e) {
      out.push(zero)
      errors.push(e as DecodeError)
    }
  })
  if (errors.length > 0) throw new JoinedDecodeError(errors)
  return out
}

/** `textproto.CanonicalMIMEHeaderKey`: `content-type` → `Content-Type`; keys with other bytes unchanged. */
function canonicalHeaderKey(key: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/.test(key)) return key
  let upper = true
  let out = ''
  for (const c of key) {
    out += upper ? c.toUpperCase() : c.toLowerCase()
    upper = c === '-'
  }
  return out
}

function addHeader(h: Record<string, string[]>, key: string, value: string): void {
  const k = canonicalHeaderKey(key)
  const list = h[k]
  if (list) list.push(value)
  else h[k] = [value]
}

function toHeader(m: Record<string, unknown>): Record<string, string[]> {
  const h: Record<string, string[]> = {}
  for (const [key, group] of Object.entries(m)) {
    const k = kindOf(group)
    if (k === 'string') addHeader(h, key, group as string)
    else if (k === 'number') addHeader(h, key, numberText(group as number))
    else if (k === 'slice') {
      for (const el of group as unknown[]) {
        const ek = kindOf(el)
        if (ek === 'string') addHeader(h, key, el as string)
        else if (ek === 'number') addHeader(h, key, numberText(el as number))
        else throw new Error(`received non-string value for header key:${key}, val:${goFormatS(group)}`)
      }
    } else throw new Error(`unrecognized type for ${goFormatS(group)}`)
  }
  return h
}

/** Go's `base64.StdEncoding.DecodeString` (strict padding; CR and LF ignored), or `null`. */
function strictBase64(s: string): Uint8Array | null {
  const clean = s.replace(/[\r\n]/g, '')
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return null
  try {
    const bin = atob(clean)
    return Uint8Array.from(bin, (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}

export function decodeHeader(v: unknown): Record<string, string[]> {
  // 1. A map (from the API), or a list of maps.
  let asMap: Record<string, unknown> | undefined
  try {
    asMap = decodeMap('', v, {}, anyValue, 'map[string]interface {}')
  } catch {
    asMap = undefined
  }
  if (asMap) return toHeader(asMap)
  // 2. A JSON object, optionally base64-encoded.
  if (typeof v === 'string') {
    const bytes = strictBase64(v) ?? new TextEncoder().encode(v)
    if (bytes.length === 0) throw new Error("'data' being decoded is nil")
    let parsed: unknown
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes))
    } catch {
      throw new Error('header value is not valid JSON')
    }
    if (parsed === null) return {}
    if (!isPlainObject(parsed)) {
      const jsonKind = Array.isArray(parsed) ? 'array' : typeof parsed === 'boolean' ? 'bool' : typeof parsed
      throw new Error(`json: cannot unmarshal ${jsonKind} into Go value of type map[string]interface {}`)
    }
    return toHeader(parsed)
  }
  // 3. A list of "Name:value" pairs (from the CLI).
  const h: Record<string, string[]> = {}
  for (const el of Array.isArray(v) ? v : [v]) {
    const pair = typeof el === 'string' ? el : ''
    const i = pair.indexOf(':')
    if (i <= 0) throw new Error(`invalid key pair ${goQuote(pair)}`)
    addHeader(h, pair.slice(0, i), pair.slice(i + 1))
  }
  return h
}

export function decodeKVPairs(v: unknown): Record<string, string> {
  try {
    return decodeMap('', v, {}, stringValue, 'map[string]string')
  } catch {
    // Not a map: a list of "key=value" strings.
  }
  const list = decodeSlice('', v, decodeString, '')
  const out: Record<string, string> = {}
  for (const pair of list) {
    const i = pair.indexOf('=')
    if (i <= 0) throw new Error(`invalid key pair ${goQuote(pair)}`)
    out[pair.slice(0, i)] = pair.slice(i + 1)
  }
  return out
}

/**
 * Vault's `parseutil.ParseCommaStringSlice` (mapstructure v1): `"a, b"` → `['a', 'b']`, lists element by
 * element; every element trimmed; empty elements kept (`"a,,b"` → `['a', '', 'b']`).
 */
export function decodeCommaStringSlice(v: unknown): string[] {
  if (typeof v === 'number' || typeof v === 'bigint') v = numberText(v)
  if (v === '') return []
  const input = typeof v === 'string' ? v.split(',') : v
  try {
    return decodeSlice('', input, decodeString, '').map((s) => s.trim())
  } catch (e) {
    const errs = e instanceof JoinedDecodeError ? e.errors : [e as Error]
    const points = errs.map((x) => `* ${x.message}`).sort()
    throw new Error(`${points.length} error(s) decoding:\n\n${points.join('\n')}`)
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|([+-])(\d{2}):(\d{2}))$/

function parseRFC3339(s: string): Date | null {
  const m = RFC3339.exec(s)
  if (!m) return null
  const [year, month, day, hour, min, sec] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const maxDay = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  if (month < 1 || month > 12 || day < 1 || day > maxDay || hour > 23 || min > 59 || sec > 59) return null
  let offsetMin = 0
  if (m[8] !== 'Z') {
    const oh = Number(m[10])
    const om = Number(m[11])
    if (oh > 23 || om > 59) return null
    offsetMin = (oh * 60 + om) * (m[9] === '-' ? -1 : 1)
  }
  const ms = Number(`${m[7] ?? ''}000`.slice(0, 3))
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, min, sec, ms)
  return new Date(d.getTime() - offsetMin * 60_000)
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

function epochDate(seconds: bigint, onRange: string): Date {
  const d = new Date(Number(seconds) * 1000)
  if (Number.isNaN(d.getTime())) throw new Error(onRange)
  return d
}

/** Vault's `parseutil.ParseAbsoluteTime`. */
export function decodeTime(v: unknown): Date {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Error('could not parse time from input type')
    return new Date(v.getTime())
  }
  const k = kindOf(v)
  if (k === 'string') {
    const s = v as string
    const t = parseRFC3339(s)
    if (t) return t
    const n = /^[+-]?\d+$/.test(s) ? BigInt(s) : null
    if (n !== null && n <= (1n << 63n) - 1n && n >= -(1n << 63n)) {
      return epochDate(n, 'could not parse string as date and time')
    }
    throw new Error('could not parse string as date and time')
  }
  if (k === 'number') {
    const s = numberText(v as number)
    const n = /^[+-]?\d+$/.test(s) ? BigInt(s) : null
    if (n === null) throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`)
    if (n > (1n << 63n) - 1n || n < -(1n << 63n)) {
      throw new Error(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`)
    }
    return epochDate(n, 'could not parse time from input type')
  }
  throw new Error('could not parse time from input type')
}
