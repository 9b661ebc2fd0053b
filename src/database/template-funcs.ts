/**
 * The functions of Vault's template language (`sdk/helper/template/funcs.go`) and the Go built-ins
 * templates use (`printf`, `print`, `len`, `eq`, `ne`, `not`, `and`, `or`), with the value helpers
 * the executor shares. The language itself is in `template.ts`.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { BASE62, fromBase64, fromHex, fromUtf8, toBase64, utf8, uuid } from '../util/encoding.js'

/** A template that cannot be parsed or executed; messages follow Go's `text/template`. */
export class TemplateError extends Error {
  override name = 'TemplateError'
}

export type Value = string | number | boolean | null | Record<string, unknown>

// ---------------------------------------------------------------------------------------------------
// Functions

export type ParamKind = 'int' | 'string' | 'any'
export interface Fn {
  params: ParamKind[]
  variadic?: ParamKind
  call: (args: Value[], env: Env) => Value
}

export interface Env {
  now: () => number
  random: (n: number) => string
}

export const byteLength = (s: string): number => utf8(s).length

/** The longest prefix of `s` with at most `max` UTF-8 bytes, never splitting a character. */
function cutBytes(s: string, max: number): string {
  let bytes = 0
  let out = ''
  for (const c of s) {
    const n = byteLength(c)
    if (bytes + n > max) break
    bytes += n
    out += c
  }
  return out
}

function truncate(max: number, s: string): string {
  if (max <= 0) throw new TemplateError(`max length must be > 0 but was ${max}`)
  return byteLength(s) > max ? cutBytes(s, max) : s
}

function truncateSha256(max: number, s: string): string {
  if (max <= 8) throw new TemplateError(`max length must be > 8 but was ${max}`)
  if (byteLength(s) <= max) return s
  const head = cutBytes(s, max - 8)
  const tail = s.slice(head.length)
  return head + bytesToHex(sha256(utf8(tail))).slice(0, 8)
}

/** `ryanuber/go-glob`: `*` matches any run of characters. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '') return value === pattern
  if (pattern === '*') return true
  const parts = pattern.split('*')
  if (parts.length === 1) return pattern === value
  const leadingGlob = pattern.startsWith('*')
  const trailingGlob = pattern.endsWith('*')
  const end = parts.length - 1
  let rest = value
  for (let i = 0; i < end; i++) {
    const part = parts[i] as string
    const idx = rest.indexOf(part)
    if (i === 0) {
      if (!leadingGlob && idx !== 0) return false
    } else if (idx < 0) return false
    rest = rest.slice(idx + part.length)
  }
  return trailingGlob || rest.endsWith(parts[end] as string)
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/**
 * Go's `time.Format` for a UTC instant: the reference-time layout (`2006-01-02T15:04:05Z07:00`).
 *
 * @example
 * ```ts
 * formatGoTime(Date.UTC(2024, 0, 2, 3, 4, 5), '2006-01-02 15:04:05-0700') // '2024-01-02 03:04:05+0000'
 * ```
 */
export function formatGoTime(ms: number, layout: string): string {
  const d = new Date(ms)
  const Y = d.getUTCFullYear()
  const M = d.getUTCMonth()
  const D = d.getUTCDate()
  const h = d.getUTCHours()
  const m = d.getUTCMinutes()
  const s = d.getUTCSeconds()
  const frac = pad(d.getUTCMilliseconds(), 3)
  const tokens: Array<[string, () => string]> = [
    ['January', () => MONTHS[M] as string],
    ['Monday', () => DAYS[d.getUTCDay()] as string],
    ['2006', () => String(Y)],
    ['Z07:00', () => 'Z'],
    ['-07:00', () => '+00:00'],
    ['Z0700', () => 'Z'],
    ['-0700', () => '+0000'],
    ['Jan', () => (MONTHS[M] as string).slice(0, 3)],
    ['Mon', () => (DAYS[d.getUTCDay()] as string).slice(0, 3)],
    ['MST', () => 'UTC'],
    ['.000000000', () => `.${frac}000000`],
    ['.000000', () => `.${frac}000`],
    ['.000', () => `.${frac}`],
    ['.999999999', () => (frac === '000' ? '' : `.${frac.replace(/0+$/, '')}`)],
    ['.999', () => (frac === '000' ? '' : `.${frac.replace(/0+$/, '')}`)],
    ['-07', () => '+00'],
    ['01', () => pad(M + 1)],
    ['02', () => pad(D)],
    ['_2', () => String(D).padStart(2, ' ')],
    ['15', () => pad(h)],
    ['03', () => pad(h % 12 === 0 ? 12 : h % 12)],
    ['04', () => pad(m)],
    ['05', () => pad(s)],
    ['06', () => pad(Y % 100)],
    ['PM', () => (h >= 12 ? 'PM' : 'AM')],
    ['pm', () => (h >= 12 ? 'pm' : 'am')],
    ['1', () => String(M + 1)],
    ['2', () => String(D)],
    ['3', () => String(h % 12 === 0 ? 12 : h % 12)],
    ['4', () => String(m)],
    ['5', () => String(s)],
  ]
  let out = ''
  let i = 0
  outer: while (i < layout.length) {
    for (const [tok, fmt] of tokens) {
      if (layout.startsWith(tok, i)) {
        out += fmt()
        i += tok.length
        continue outer
      }
    }
    out += layout[i]
    i++
  }
  return out
}

export function formatValue(v: Value): string {
  if (v === null) return '<nil>'
  if (typeof v === 'object')
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${String(v[k])}`)
      .join(' ')}]`
  return String(v)
}

function goQuoted(s: string): string {
  return JSON.stringify(s)
}

export function goTypeOf(v: Value): string {
  if (v === null) return 'nil'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'object') return 'map'
  return 'string'
}

/** Go's `fmt.Sprintf` for the verbs templates use. */
function sprintf(format: string, args: Value[]): string {
  let out = ''
  let argi = 0
  for (let i = 0; i < format.length; i++) {
    const c = format[i]
    if (c !== '%') {
      out += c
      continue
    }
    let j = i + 1
    let flags = ''
    while (j < format.length && '-+# 0'.includes(format[j] as string)) flags += format[j++]
    let width = ''
    while (j < format.length && /[0-9]/.test(format[j] as string)) width += format[j++]
    const verb = format[j]
    i = j
    if (verb === undefined) {
      out += '%!(NOVERB)'
      break
    }
    if (verb === '%') {
      out += '%'
      continue
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`
      continue
    }
    const arg = args[argi++] as Value
    let s: string
    switch (verb) {
      case 's':
      case 'v':
        s = formatValue(arg)
        break
      case 'd':
        s =
          typeof arg === 'number' && Number.isInteger(arg)
            ? String(arg)
            : `%!d(${goTypeOf(arg)}=${formatValue(arg)})`
        break
      case 'q':
        s = typeof arg === 'string' ? goQuoted(arg) : `%!q(${goTypeOf(arg)}=${formatValue(arg)})`
        break
      case 'x':
      case 'X': {
        const hex =
          typeof arg === 'number' ? Math.trunc(arg).toString(16) : bytesToHex(utf8(formatValue(arg)))
        s = verb === 'X' ? hex.toUpperCase() : hex
        break
      }
      default:
        s = `%!${verb}(${goTypeOf(arg)}=${formatValue(arg)})`
    }
    if (width !== '') {
      const w = Number(width)
      const padChar = flags.includes('0') && !flags.includes('-') ? '0' : ' '
      s = flags.includes('-') ? s.padEnd(w, ' ') : s.padStart(w, padChar)
    }
    out += s
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => `${goTypeOf(a)}=${formatValue(a)}`)
      .join(', ')})`
  }
  return out
}

export function truthy(v: Value): boolean {
  if (v === null || v === false || v === '' || v === 0) return false
  if (typeof v === 'object') return Object.keys(v).length > 0
  return true
}

export const FUNCS: Record<string, Fn> = {
  random: { params: ['int'], call: ([n], env) => env.random(n as number) },
  truncate: { params: ['int', 'string'], call: ([n, s]) => truncate(n as number, s as string) },
  truncate_sha256: { params: ['int', 'string'], call: ([n, s]) => truncateSha256(n as number, s as string) },
  uppercase: { params: ['string'], call: ([s]) => (s as string).toUpperCase() },
  lowercase: { params: ['string'], call: ([s]) => (s as string).toLowerCase() },
  replace: {
    params: ['string', 'string', 'string'],
    call: ([find, repl, s]) => (s as string).split(find as string).join(repl as string),
  },
  sha256: { params: ['string'], call: ([s]) => bytesToHex(sha256(utf8(s as string))) },
  base64: { params: ['string'], call: ([s]) => toBase64(utf8(s as string)) },
  decode_base64: {
    params: ['string'],
    call: ([s]) => {
      const b = fromBase64(s as string, true)
      if (b === null) throw new TemplateError('illegal base64 data')
      return fromUtf8(b)
    },
  },
  hex: { params: ['string'], call: ([s]) => bytesToHex(utf8(s as string)) },
  decode_hex: {
    params: ['string'],
    call: ([s]) => {
      const b = fromHex(s as string)
      if (b === null) throw new TemplateError('encoding/hex: invalid byte')
      return fromUtf8(b)
    },
  },
  unix_time: { params: [], call: (_a, env) => String(Math.floor(env.now() / 1000)) },
  unix_time_millis: { params: [], call: (_a, env) => String(Math.floor(env.now())) },
  timestamp: { params: ['string'], call: ([f], env) => formatGoTime(env.now(), f as string) },
  uuid: { params: [], call: () => uuid() },
  glob: { params: ['string', 'string'], call: ([p, v]) => globMatch(p as string, v as string) },
  printf: { params: ['string'], variadic: 'any', call: ([f, ...rest]) => sprintf(f as string, rest) },
  print: {
    params: [],
    variadic: 'any',
    call: (args) => {
      // Go's fmt.Sprint: a space between operands when neither is a string.
      let out = ''
      args.forEach((a, i) => {
        if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' '
        out += formatValue(a)
      })
      return out
    },
  },
  len: {
    params: ['any'],
    call: ([v]) => {
      if (typeof v === 'string') return byteLength(v)
      if (v !== null && typeof v === 'object') return Object.keys(v).length
      throw new TemplateError(`len of type ${goTypeOf(v ?? null)}`)
    },
  },
  eq: { params: ['any'], variadic: 'any', call: ([a, ...rest]) => rest.some((b) => b === a) },
  ne: { params: ['any', 'any'], call: ([a, b]) => a !== b },
  not: { params: ['any'], call: ([v]) => !truthy(v ?? null) },
  and: {
    params: ['any'],
    variadic: 'any',
    call: (args) => {
      for (const a of args) if (!truthy(a)) return a
      return args.at(-1) ?? null
    },
  },
  or: {
    params: ['any'],
    variadic: 'any',
    call: (args) => {
      for (const a of args) if (truthy(a)) return a
      return args.at(-1) ?? null
    },
  },
}

/** Vault's `base62.Random`: `length` characters of `[0-9A-Za-z]` from the CSPRNG, without bias. */
export function randomBase62(length: number): string {
  if (length < 0) throw new TemplateError('random length must be >= 0')
  const out: string[] = []
  const buf = new Uint8Array(Math.max(8, length * 2))
  while (out.length < length) {
    globalThis.crypto.getRandomValues(buf)
    for (const b of buf) {
      if (b >= 248) continue // 4 × 62: keep the draw unbiased
      out.push(BASE62[b % 62] as string)
      if (out.length === length) break
    }
  }
  return out.join('')
}
