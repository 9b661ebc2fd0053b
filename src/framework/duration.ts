/**
 * Durations as Vault reads and writes them: `parseDuration` follows `parseutil.ParseDurationSecond`
 * (integer seconds, Go duration strings such as `1h30m`, and the `d` days suffix), `formatDuration`
 * follows Go's `time.Duration.String()`.
 *
 * Request bodies reach Vault as JSON decoded with `UseNumber`, so a JSON number is handled as its text:
 * `300` is 300 seconds, while `1.5` is rejected exactly as Vault rejects it (`time: missing unit in
 * duration "1.5"`). vaultlet applies the same rule to JavaScript numbers, whichever door they came in by.
 *
 * @module
 */
import { InvalidRequestError } from '../errors.js'

const NS_PER_SECOND = 1_000_000_000n
const MAX_INT64 = (1n << 63n) - 1n
const MIN_INT64 = -(1n << 63n)
const OVERFLOW = 1n << 63n

/** Go's `time` unit table, in nanoseconds. */
const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: NS_PER_SECOND,
  m: 60n * NS_PER_SECOND,
  h: 3_600n * NS_PER_SECOND,
}

const utf8 = new TextEncoder()

/** Go's `time` package quoting: ASCII printable as-is, `"` and `\` escaped, anything else as `\xNN` bytes. */
function timeQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp < 0x20 || cp >= 0x80) {
      for (const b of utf8.encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`
    } else {
      if (ch === '"' || ch === '\\') out += '\\'
      out += ch
    }
  }
  return `${out}"`
}

/**
 * Go's `strconv.Quote` (`%q`), close enough for error messages: control characters escaped, the rest
 * as-is. Shared by the framework's messages; not part of the public API.
 *
 * @internal
 * @example
 * ```ts
 * goQuote('a"b') // '"a\\"b"'
 * ```
 */
export function goQuote(s: string): string {
  const named: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '"': '\\"',
    '\\': '\\\\',
  }
  let out = '"'
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    const esc = named[ch]
    if (esc !== undefined) out += esc
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return `${out}"`
}

/**
 * Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits only.
 *
 * @returns the value, or the reason (`'syntax'` / `'range'`) it failed.
 */
function parseInt10(s: string): bigint | 'syntax' | 'range' {
  const m = /^([+-]?)(\d+)$/.exec(s)
  if (!m) return 'syntax'
  const v = BigInt(m[2] ?? '') * (m[1] === '-' ? -1n : 1n)
  return v > MAX_INT64 || v < MIN_INT64 ? 'range' : v
}

function strconvError(s: string, reason: 'syntax' | 'range'): string {
  return `strconv.ParseInt: parsing ${goQuote(s)}: ${reason === 'syntax' ? 'invalid syntax' : 'value out of range'}`
}

/** parseutil's `overflowMul` over int64 nanoseconds. */
function overflowMul(a: bigint, unit: bigint): bigint {
  const x = a * unit
  if (x > MAX_INT64 || x < MIN_INT64) {
    throw new InvalidRequestError(
      'multiplication of durations resulted in overflow, one operand may be too large',
    )
  }
  return x
}

/**
 * Go's `time.ParseDuration`, returning int64 nanoseconds. Grammar: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`,
 * units `ns us µs ms s m h`, e.g. `1h30m`, `1.5h`, `-5s`, `300ms`.
 *
 * @throws {InvalidRequestError} with Go's message, e.g. `time: invalid duration "abc"`.
 */
function goParseDuration(orig: string): bigint {
  const invalid = () => new InvalidRequestError(`time: invalid duration ${timeQuote(orig)}`)
  let s = orig
  let neg = false
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-'
    s = s.slice(1)
  }
  if (s === '0') return 0n
  if (s === '') throw invalid()
  let d = 0n
  while (s !== '') {
    const c = s[0] ?? ''
    if (!(c === '.' || (c >= '0' && c <= '9'))) throw invalid()
    // Consume [0-9]*
    const intMatch = /^\d*/.exec(s)?.[0] ?? ''
    let v = 0n
    for (const ch of intMatch) {
      v = v * 10n + BigInt(ch)
      if (v > OVERFLOW) throw invalid()
    }
    s = s.slice(intMatch.length)
    const pre = intMatch.length > 0
    // Consume (\.[0-9]*)?
    let f = 0n
    let scale = 1
    let post = false
    if (s[0] === '.') {
      s = s.slice(1)
      const fracMatch = /^\d*/.exec(s)?.[0] ?? ''
      let overflow = false
      for (const ch of fracMatch) {
        if (overflow) continue
        if (f > MAX_INT64 / 10n) {
          overflow = true
          continue
        }
        const y = f * 10n + BigInt(ch)
        if (y > OVERFLOW) {
          overflow = true
          continue
        }
        f = y
        scale *= 10
      }
      s = s.slice(fracMatch.length)
      post = fracMatch.length > 0
    }
    if (!pre && !post) throw invalid()
    // Consume unit.
    const unitMatch = /^[^.0-9]*/.exec(s)?.[0] ?? ''
    if (unitMatch === '') throw new InvalidRequestError(`time: missing unit in duration ${timeQuote(orig)}`)
    s = s.slice(unitMatch.length)
    const unit = UNITS[unitMatch]
    if (unit === undefined) {
      throw new InvalidRequestError(
        `time: unknown unit ${timeQuote(unitMatch)} in duration ${timeQuote(orig)}`,
      )
    }
    if (v > OVERFLOW / unit) throw invalid()
    v *= unit
    if (f > 0n) {
      // Go computes the fraction in float64, nanosecond-accurate for fractions of hours.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)))
      if (v > OVERFLOW) throw invalid()
    }
    d += v
    if (d > OVERFLOW) throw invalid()
  }
  if (neg) return -d
  if (d > MAX_INT64) throw invalid()
  return d
}

/**
 * Parses a duration the way Vault's `parseutil.ParseDurationSecond` does, returning int64
 * nanoseconds. See {@link parseDuration} for the accepted forms.
 *
 * @throws {InvalidRequestError} with Vault's (Go's) wording.
 */
function parseDurationNs(input: unknown): bigint {
  if (input === null || input === undefined) return 0n
  // A JSON number reaches Vault as its text (json.Number).
  if (typeof input === 'number' || typeof input === 'bigint') input = String(input)
  if (typeof input !== 'string') throw new InvalidRequestError('could not parse duration from input')
  if (input === '') return 0n
  const asInt = parseInt10(input)
  if (typeof asInt === 'bigint') return overflowMul(asInt, NS_PER_SECOND)
  if (input.endsWith('d')) {
    const days = input.slice(0, -1)
    const v = parseInt10(days)
    if (typeof v !== 'bigint') throw new InvalidRequestError(strconvError(days, v))
    return overflowMul(v, 24n * 3_600n * NS_PER_SECOND)
  }
  return goParseDuration(input)
}

/**
 * Parses a duration into whole seconds, exactly as Vault's `parseutil.ParseDurationSecond` followed by
 * `int(d.Seconds())` (the framework's `TypeDurationSecond`):
 *
 * - integers and integer strings are seconds: `300`, `"300"`, `"-5"`;
 * - Go duration strings: `"1h30m"`, `"90s"`, `"1.5h"`, `"-5s"`; sub-second parts are truncated toward
 *   zero (`"300ms"` is 0, `"1.9s"` is 1);
 * - a whole number of days with a `d` suffix: `"7d"` (no fractions, no mixing: `"1d2h"` is invalid);
 * - `""`, `null` and `undefined` are 0.
 *
 * Negative durations are accepted here (Vault's `TypeSignedDurationSecond`); the `duration` field type
 * rejects them. Non-integer numbers are rejected as Vault rejects JSON `1.5` (`time: missing unit in
 * duration "1.5"`).
 *
 * @example
 * ```ts
 * parseDuration('1h30m') // 5400
 * parseDuration('7d')    // 604800
 * parseDuration(300)     // 300
 * parseDuration('300ms') // 0
 * ```
 * @throws {InvalidRequestError} on anything else, worded as Vault words it, e.g.
 *   `time: invalid duration "abc"` or `time: unknown unit "x" in duration "5x"`.
 */
export function parseDuration(input: unknown): number {
  // BigInt division truncates toward zero, like Go's int(d.Seconds()).
  return Number(parseDurationNs(input) / NS_PER_SECOND)
}

/** Formats `v / 10**prec` as `.ddd` without trailing zeros (Go's `fmtFrac`); returns [text, v / 10**prec]. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = ''
  let print = false
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n
    print = print || digit !== 0n
    if (print) digits = digit.toString() + digits
    v /= 10n
  }
  return [print ? `.${digits}` : '', v]
}

/**
 * Formats a duration given in seconds the way Go's `time.Duration.String()` does: hours, minutes and
 * seconds, never days (`768h0m0s` for 32 days), smaller units below one second.
 *
 * @example
 * ```ts
 * formatDuration(5400)    // '1h30m0s'
 * formatDuration(90)      // '1m30s'
 * formatDuration(0)       // '0s'
 * formatDuration(2764800) // '768h0m0s'
 * formatDuration(-5)      // '-5s'
 * formatDuration(0.3)     // '300ms'
 * ```
 * @throws {TypeError} if `seconds` is not a finite number.
 */
export function formatDuration(seconds: number): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new TypeError('duration must be a finite number of seconds')
  }
  const whole = Math.trunc(seconds)
  const ns = BigInt(whole) * NS_PER_SECOND + BigInt(Math.round((seconds - whole) * 1e9))
  const neg = ns < 0n
  let u = neg ? -ns : ns
  let out: string
  if (u < NS_PER_SECOND) {
    if (u === 0n) return '0s'
    let unit: string
    let prec: number
    if (u < 1_000n) {
      unit = 'ns'
      prec = 0
    } else if (u < 1_000_000n) {
      unit = 'µs'
      prec = 3
    } else {
      unit = 'ms'
      prec = 6
    }
    const [frac, rest] = fmtFrac(u, prec)
    out = `${rest}${frac}${unit}`
  } else {
    const [frac, secs] = fmtFrac(u, 9)
    u = secs
    out = `${u % 60n}${frac}s`
    u /= 60n
    if (u > 0n) {
      out = `${u % 60n}m${out}`
      u /= 60n
      if (u > 0n) out = `${u}h${out}`
    }
  }
  return neg ? `-${out}` : out
}
