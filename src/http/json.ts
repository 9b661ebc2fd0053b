/**
 * JSON in and out, the way Vault's HTTP layer reads and writes it (Go's `encoding/json`).
 *
 * Out: Go's `json.Encoder` escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings and ends every
 * document with a newline, so `{"errors":[]}` goes on the wire as `{"errors":[]}\n`.
 *
 * In: Vault decodes a request body with a `json.Decoder` into a `map[string]interface{}`. The decoder
 * reads exactly one JSON value and ignores what follows it; an empty body is no data; a syntax error is
 * reported with Go's scanner wording (`invalid character 'x' looking for beginning of value`,
 * `unexpected EOF`); a value that is not an object is `json: cannot unmarshal array into Go value of
 * type map[string]interface {}`. {@link decodeJsonBody} checks the syntax with a byte scanner that
 * follows Go's states — which also bounds the nesting depth before `JSON.parse` recurses — and then
 * hands the one value to `JSON.parse`.
 *
 * @module
 */

const HTML_UNSAFE = /[<>&\u2028\u2029]/g
const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

/**
 * Serializes a value as Go's `json.NewEncoder(w).Encode(v)` writes it: HTML-safe escapes and a
 * trailing newline. (The characters escaped can only occur inside JSON strings, so replacing them in
 * the output is exact.)
 *
 * @example
 * ```ts
 * encodeGoJson({ errors: ['a<b'] }) // '{"errors":["a\\u003cb"]}\n'
 * ```
 */
export function encodeGoJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null'
  return `${text.replace(HTML_UNSAFE, (c) => HTML_ESCAPES[c] ?? c)}\n`
}

/** Why a body could not be decoded; `message` is Go's error text (without Vault's prefix). */
export class JsonBodyError extends Error {
  /** `true` when the body nests deeper than allowed (a limit, not a syntax error). */
  readonly tooDeep: boolean
  constructor(message: string, tooDeep = false) {
    super(message)
    this.name = 'JsonBodyError'
    this.tooDeep = tooDeep
  }
}

/** Go's `quoteChar`: how the scanner names an unexpected byte. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`
  if (c === 0x22) return `'"'`
  const named: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    9: '\\t',
    10: '\\n',
    11: '\\v',
    12: '\\f',
    13: '\\r',
  }
  const n = named[c]
  if (n) return `'${n}'`
  if (c === 0x5c) return `'\\\\'`
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`
  // A byte ≥ 0x80 is converted to the rune of the same number (Go's string(byte)).
  if (c >= 0x80 && c <= 0xa0) return `'\\u00${c.toString(16)}'`
  if (c === 0xad) return `'\\u00ad'`
  return `'${String.fromCharCode(c)}'`
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)

/** What the scanner is inside of: Go's parse states. */
enum Ctx {
  ObjectKey = 0,
  ObjectValue = 1,
  ArrayValue = 2,
}

/**
 * Scans the first JSON value of `bytes` (after leading whitespace) with Go's scanner rules.
 *
 * @returns the end offset of the value and the kind of its first token, or `null` when the input is
 *   empty or only whitespace (Go's `io.EOF`).
 * @throws {JsonBodyError} with Go's message on a syntax error or truncated input, or when containers
 *   nest deeper than `maxDepth`.
 */
function scanValue(bytes: Uint8Array, maxDepth: number): { end: number; kind: string } | null {
  const n = bytes.length
  let i = 0
  const skipSpace = () => {
    while (i < n && isSpace(bytes[i] as number)) i++
  }
  const err = (c: number, context: string) =>
    new JsonBodyError(`invalid character ${quoteChar(c)} ${context}`)
  const eof = () => new JsonBodyError('unexpected EOF')
  /** The next non-space byte, or a truncation error. */
  const next = (): number => {
    skipSpace()
    if (i >= n) throw eof()
    return bytes[i] as number
  }
  skipSpace()
  if (i === n) return null
  const kind = KIND_OF_FIRST_BYTE[bytes[i] as number] ?? 'number'
  const stack: Ctx[] = []

  for (;;) {
    // A value is expected here (Go's stateBeginValue).
    let c = next()
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) {
        throw new JsonBodyError(`JSON input exceeds the maximum nesting depth of ${maxDepth}`, true)
      }
      i++
      const d = next()
      if (c === 0x7b) {
        if (d === 0x7d) {
          i++
        } else {
          if (d !== 0x22) throw err(d, 'looking for beginning of object key string')
          i = scanString(bytes, i, err, eof)
          i = afterKey(bytes, i, err, eof)
          stack.push(Ctx.ObjectValue)
          continue
        }
      } else if (d === 0x5d) {
        i++
      } else {
        stack.push(Ctx.ArrayValue)
        continue
      }
    } else if (c === 0x22) {
      i = scanString(bytes, i, err, eof)
    } else if (c === 0x2d || isDigit(c)) {
      i = scanNumber(bytes, i, err, eof)
    } else if (c === 0x74) {
      i = scanLiteral(bytes, i, 'true', err, eof)
    } else if (c === 0x66) {
      i = scanLiteral(bytes, i, 'false', err, eof)
    } else if (c === 0x6e) {
      i = scanLiteral(bytes, i, 'null', err, eof)
    } else {
      throw err(c, 'looking for beginning of value')
    }
    // A value just ended (Go's stateEndValue): close containers until one wants another value.
    for (;;) {
      // At the top level the decoder stops here and ignores whatever follows.
      if (stack.length === 0) return { end: i, kind }
      c = next()
      const inObject = stack[stack.length - 1] === Ctx.ObjectValue
      if (c === 0x2c) {
        i++
        if (inObject) {
          const k = next()
          if (k !== 0x22) throw err(k, 'looking for beginning of object key string')
          i = scanString(bytes, i, err, eof)
          i = afterKey(bytes, i, err, eof)
        }
        break
      }
      if (c === (inObject ? 0x7d : 0x5d)) {
        i++
        stack.pop()
        continue
      }
      throw err(c, inObject ? 'after object key:value pair' : 'after array element')
    }
  }
}

/** The kind Go's unmarshaler names for a value starting with this byte. */
const KIND_OF_FIRST_BYTE: Record<number, string> = {
  123: 'object',
  91: 'array',
  34: 'string',
  116: 'bool',
  102: 'bool',
  110: 'null',
}

type ErrFn = (c: number, context: string) => JsonBodyError
type EofFn = () => JsonBodyError

/** A string starting at the `"` at `at`; returns the offset after its closing quote. */
function scanString(b: Uint8Array, at: number, err: ErrFn, eof: EofFn): number {
  const n = b.length
  let j = at + 1
  for (;;) {
    if (j >= n) throw eof()
    const ch = b[j] as number
    if (ch === 0x22) return j + 1
    if (ch === 0x5c) {
      j++
      if (j >= n) throw eof()
      const e = b[j] as number
      if (e === 0x75) {
        for (let k = 1; k <= 4; k++) {
          if (j + k >= n) throw eof()
          const h = b[j + k] as number
          if (!isHex(h)) throw err(h, 'in \\u hexadecimal character escape')
        }
        j += 5
        continue
      }
      // \b \f \n \r \t \\ \/ \"
      if (!ESCAPABLE.has(e)) throw err(e, 'in string escape code')
      j++
      continue
    }
    if (ch < 0x20) throw err(ch, 'in string literal')
    j++
  }
}

const ESCAPABLE = new Set([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22])

/** After an object key: whitespace, then `:` (Go's "after object key"). Returns the offset after `:`. */
function afterKey(b: Uint8Array, at: number, err: ErrFn, eof: EofFn): number {
  let j = at
  while (j < b.length && isSpace(b[j] as number)) j++
  if (j >= b.length) throw eof()
  const c = b[j] as number
  if (c !== 0x3a) throw err(c, 'after object key')
  return j + 1
}

/** A number at `at` (Go's number states); returns the offset after it. */
function scanNumber(b: Uint8Array, at: number, err: ErrFn, eof: EofFn): number {
  const n = b.length
  let j = at
  if (b[j] === 0x2d) {
    j++
    if (j >= n) throw eof()
    if (!isDigit(b[j] as number)) throw err(b[j] as number, 'in numeric literal')
  }
  if (b[j] === 0x30) j++
  else while (j < n && isDigit(b[j] as number)) j++
  if (j < n && b[j] === 0x2e) {
    j++
    if (j >= n) throw eof()
    if (!isDigit(b[j] as number)) throw err(b[j] as number, 'after decimal point in numeric literal')
    while (j < n && isDigit(b[j] as number)) j++
  }
  if (j < n && (b[j] === 0x65 || b[j] === 0x45)) {
    j++
    if (j < n && (b[j] === 0x2b || b[j] === 0x2d)) j++
    if (j >= n) throw eof()
    if (!isDigit(b[j] as number)) throw err(b[j] as number, 'in exponent of numeric literal')
    while (j < n && isDigit(b[j] as number)) j++
  }
  return j
}

/** `true`, `false` or `null` at `at`; returns the offset after it. */
function scanLiteral(
  b: Uint8Array,
  at: number,
  word: 'true' | 'false' | 'null',
  err: ErrFn,
  eof: EofFn,
): number {
  for (let k = 1; k < word.length; k++) {
    if (at + k >= b.length) throw eof()
    const c = b[at + k] as number
    if (c !== word.charCodeAt(k)) throw err(c, `in literal ${word} (expecting '${word[k]}')`)
  }
  return at + word.length
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/**
 * Decodes a request body as Vault does: the first JSON value, which must be an object (or `null`).
 *
 * @param maxDepth containers may nest this deep (Vault's listener `max_json_depth`, default 500).
 * @returns the object, or `undefined` for an empty body or `null`.
 * @throws {JsonBodyError} with Go's message.
 *
 * @example
 * ```ts
 * decodeJsonBody(new TextEncoder().encode('{"a":1} trailing'), 500) // { a: 1 }
 * ```
 */
export function decodeJsonBody(bytes: Uint8Array, maxDepth: number): Record<string, unknown> | undefined {
  const scanned = scanValue(bytes, maxDepth)
  if (!scanned) return undefined
  if (scanned.kind === 'null') return undefined
  if (scanned.kind !== 'object') {
    throw new JsonBodyError(
      `json: cannot unmarshal ${scanned.kind} into Go value of type map[string]interface {}`,
    )
  }
  // The scanner accepted the syntax, so JSON.parse of exactly that value cannot fail on syntax.
  return JSON.parse(decoder.decode(bytes.subarray(0, scanned.end))) as Record<string, unknown>
}
