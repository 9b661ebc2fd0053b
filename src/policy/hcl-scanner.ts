/**
 * The HCL v1 scanner (`hcl/scanner` at `v1.0.1-vault-7`): tokens, positions, and the values of literal
 * tokens (`hcl/strconv` unquoting, heredoc unindenting, Go's integer syntax). Errors use HCL's wording
 * and point where HCL points (the last character read).
 *
 * Internal to the policy module; see `hcl.ts`.
 *
 * @module
 */
import { type HclPos, type HclSyntaxError, posError } from './hcl-ast.js'

export type TokenType =
  | 'ILLEGAL'
  | 'EOF'
  | 'IDENT'
  | 'NUMBER'
  | 'FLOAT'
  | 'BOOL'
  | 'STRING'
  | 'HEREDOC'
  | 'LBRACK'
  | 'LBRACE'
  | 'COMMA'
  | 'PERIOD'
  | 'RBRACK'
  | 'RBRACE'
  | 'ASSIGN'
  | 'ADD'
  | 'SUB'

export interface Token {
  readonly type: TokenType
  readonly text: string
  readonly pos: HclPos
}

const EOF = ''
const LETTER = /^\p{L}$/u
const DIGIT = /^\p{Nd}$/u

function isLetter(ch: string): boolean {
  return (
    (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_' || (ch >= '\x80' && LETTER.test(ch))
  )
}
function isDigit(ch: string): boolean {
  return (ch >= '0' && ch <= '9') || (ch >= '\x80' && DIGIT.test(ch))
}
function isDecimal(ch: string): boolean {
  return ch >= '0' && ch <= '9'
}
function isHex(ch: string): boolean {
  return isDecimal(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')
}
function digitVal(ch: string): number {
  if (isDecimal(ch)) return ch.charCodeAt(0) - 48
  if (ch >= 'a' && ch <= 'f') return ch.charCodeAt(0) - 87
  if (ch >= 'A' && ch <= 'F') return ch.charCodeAt(0) - 55
  return 16
}

function utf8Length(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
}

/** The HCL v1 scanner: turns source text into tokens, skipping whitespace and comments. */
export class Scanner {
  readonly #chars: string[]
  // Position of each character (and of the end), column-wise: line, column, UTF-8 byte offset.
  readonly #line: Int32Array
  readonly #column: Int32Array
  readonly #offset: Int32Array
  #i = 0

  constructor(src: string) {
    this.#chars = Array.from(src)
    const n = this.#chars.length + 1
    this.#line = new Int32Array(n)
    this.#column = new Int32Array(n)
    this.#offset = new Int32Array(n)
    let line = 1
    let column = 1
    let offset = 0
    for (let k = 0; k < this.#chars.length; k++) {
      const ch = this.#chars[k]!
      this.#line[k] = line
      this.#column[k] = column
      this.#offset[k] = offset
      offset += utf8Length(ch)
      if (ch === '\n') {
        line++
        column = 1
      } else column++
    }
    this.#line[n - 1] = line
    this.#column[n - 1] = column
    this.#offset[n - 1] = offset
  }

  /** Position of the character at index `k` (the end of the text past the last one). */
  posAt(k: number): HclPos {
    const i = Math.min(k, this.#chars.length)
    return { line: this.#line[i]!, column: this.#column[i]!, offset: this.#offset[i]! }
  }

  #peek(ahead = 0): string {
    return this.#chars[this.#i + ahead] ?? EOF
  }

  #next(): string {
    const ch = this.#chars[this.#i] ?? EOF
    this.#i++
    if (ch === '\0') throw this.#errAt(this.#i - 1, 'unexpected null character (0x00)')
    if (ch === '\uE123') throw this.#errAt(this.#i - 1, 'unicode code point U+E123 reserved for internal use')
    return ch
  }

  #errAt(k: number, message: string): HclSyntaxError {
    return posError(this.posAt(k), message)
  }

  /** Error at the last character read (HCL's `recentPosition`). */
  #err(message: string): HclSyntaxError {
    return this.#errAt(this.#i - 1, message)
  }

  /** Returns the next token that is not a comment. */
  scan(): Token {
    for (;;) {
      const tok = this.#scanOne()
      if (tok !== null) return tok
    }
  }

  /** One token, or `null` for a comment. */
  #scanOne(): Token | null {
    let ch = this.#next()
    while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') ch = this.#next()
    const start = this.#i - 1
    const pos = this.posAt(start)
    let type: TokenType
    if (ch === EOF) {
      this.#i = this.#chars.length
      return { type: 'EOF', text: '', pos: this.posAt(this.#chars.length) }
    }
    if (isLetter(ch)) {
      let c = this.#peek()
      while (isLetter(c) || isDigit(c) || c === '-' || c === '.') {
        this.#next()
        c = this.#peek()
      }
      const text = this.#chars.slice(start, this.#i).join('')
      return { type: text === 'true' || text === 'false' ? 'BOOL' : 'IDENT', text, pos }
    }
    if (isDecimal(ch)) {
      type = this.#scanNumber(ch)
    } else {
      switch (ch) {
        case '"':
          this.#scanString()
          type = 'STRING'
          break
        case '#':
        case '/':
          this.#scanComment(ch)
          return null
        case '.':
          type = 'PERIOD'
          if (isDecimal(this.#peek())) {
            type = 'FLOAT'
            this.#scanDigits()
            this.#scanExponent()
          }
          break
        case '<':
          this.#scanHeredoc()
          type = 'HEREDOC'
          break
        case '[':
          type = 'LBRACK'
          break
        case ']':
          type = 'RBRACK'
          break
        case '{':
          type = 'LBRACE'
          break
        case '}':
          type = 'RBRACE'
          break
        case ',':
          type = 'COMMA'
          break
        case '=':
          type = 'ASSIGN'
          break
        case '+':
          type = 'ADD'
          break
        case '-':
          if (isDecimal(this.#peek())) type = this.#scanNumber(this.#next())
          else type = 'SUB'
          break
        default:
          throw this.#err('illegal char')
      }
    }
    return { type, text: this.#chars.slice(start, this.#i).join(''), pos }
  }

  #scanDigits(): number {
    let n = 0
    while (isDecimal(this.#peek())) {
      this.#next()
      n++
    }
    return n
  }

  #scanExponent(): void {
    const c = this.#peek()
    if (c !== 'e' && c !== 'E') return
    this.#next()
    const s = this.#peek()
    if (s === '+' || s === '-') this.#next()
    this.#scanDigits()
  }

  /** `first` (a decimal digit) was read. */
  #scanNumber(first: string): TokenType {
    if (first === '0') {
      const c = this.#peek()
      if (c === 'x' || c === 'X') {
        this.#next()
        let found = false
        while (isHex(this.#peek())) {
          this.#next()
          found = true
        }
        if (!found) throw this.#errAt(this.#i, 'illegal hexadecimal number')
        return 'NUMBER'
      }
      let illegalOctal = false
      while (isDecimal(this.#peek())) {
        const d = this.#next()
        if (d === '8' || d === '9') illegalOctal = true
      }
      return this.#scanNumberTail(illegalOctal)
    }
    this.#scanDigits()
    return this.#scanNumberTail(false)
  }

  #scanNumberTail(illegalOctal: boolean): TokenType {
    const c = this.#peek()
    if (c === 'e' || c === 'E') {
      this.#scanExponent()
      return 'FLOAT'
    }
    if (c === '.') {
      this.#next()
      this.#scanDigits()
      this.#scanExponent()
      return 'FLOAT'
    }
    if (illegalOctal) throw this.#errAt(this.#i, 'illegal octal number')
    return 'NUMBER'
  }

  #scanComment(first: string): void {
    if (first === '#' || (first === '/' && this.#peek() !== '*')) {
      if (first === '/' && this.#peek() !== '/') throw this.#err("expected '/' for comment")
      while (this.#peek() !== '\n' && this.#peek() !== EOF) this.#next()
      return
    }
    this.#next() // '*'
    let prev = ''
    for (;;) {
      const ch = this.#next()
      if (ch === EOF) throw this.#errAt(this.#chars.length, 'comment not terminated')
      if (prev === '*' && ch === '/') return
      prev = ch
    }
  }

  /** The opening `"` was read. */
  #scanString(): void {
    let braces = 0
    for (;;) {
      const ch = this.#next()
      if ((ch === '\n' && braces === 0) || ch === EOF) {
        throw ch === EOF
          ? this.#errAt(this.#chars.length, 'literal not terminated')
          : this.#err('literal not terminated')
      }
      if (ch === '"' && braces === 0) return
      if (braces === 0 && ch === '$' && this.#peek() === '{') {
        braces++
        this.#next()
      } else if (braces > 0 && ch === '{') braces++
      if (braces > 0 && ch === '}') braces--
      if (ch === '\\') this.#scanEscape()
    }
  }

  #scanEscape(): void {
    const ch = this.#next()
    switch (ch) {
      case 'a':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
      case '\\':
      case '"':
        return
      case 'x':
        this.#scanEscapeDigits(16, 2, this.#next())
        return
      case 'u':
        this.#scanEscapeDigits(16, 4, this.#next())
        return
      case 'U':
        this.#scanEscapeDigits(16, 8, this.#next())
        return
      default:
        if (ch < '0' || ch > '7') throw this.#err('illegal char escape')
        this.#scanEscapeDigits(8, 3, ch)
    }
  }

  /** `first` was read; `n` digits of `base` are needed, `first` included. */
  #scanEscapeDigits(base: number, n: number, first: string): void {
    let ch = first
    let left = n
    while (left > 0 && digitVal(ch) < base) {
      left--
      if (left === 0) break
      ch = this.#next()
      if (ch === EOF) break
    }
    if (left > 0) throw this.#err('illegal char escape')
  }

  /** The first `<` was read. */
  #scanHeredoc(): void {
    if (this.#next() !== '<') throw this.#err("heredoc expected second '<', didn't see it")
    const identStart = this.#i
    if (this.#peek() === '-') this.#next()
    while (isLetter(this.#peek()) || isDigit(this.#peek())) this.#next()
    const identEnd = this.#i
    const ch = this.#next()
    if (ch === EOF) throw this.#errAt(this.#chars.length, 'heredoc not terminated')
    if (ch !== '\n') throw this.#err('invalid characters in heredoc anchor')
    let ident = this.#chars.slice(identStart, identEnd).join('')
    if (ident === '' || ident === '-') throw this.#err('zero-length heredoc anchor')
    if (ident.startsWith('-')) ident = ident.slice(1)
    let lineStart = this.#i
    for (;;) {
      const c = this.#next()
      if (c === '\n') {
        const line = this.#chars.slice(lineStart, this.#i - 1).join('')
        if (isHeredocEnd(line, ident)) return
        lineStart = this.#i
      }
      if (c === EOF) throw this.#errAt(this.#chars.length, 'heredoc not terminated')
    }
  }
}

/** HCL's anchor test: optional leading whitespace, the anchor, optional `\r`s, nothing else. */
function isHeredocEnd(line: string, anchor: string): boolean {
  const trimmed = line.replace(/^[ \t\n\v\f\r]*/, '')
  if (!trimmed.startsWith(anchor)) return false
  return /^\r*$/.test(trimmed.slice(anchor.length))
}

/** A HEREDOC token's value, computed the way HCL's `unindentHeredoc` does (quirks included). */
export function heredocValue(text: string): string {
  const idx = text.indexOf('\n')
  const unindent = text[2] === '-'
  if (!unindent) return text.slice(idx + 1, text.length - idx + 1)
  const lines = text.slice(idx + 1, text.length - idx + 2).split('\n')
  const prefix = lines[lines.length - 1] ?? ''
  if (!lines.every((l) => l.startsWith(prefix))) {
    return text.slice(idx + 1, text.length - idx + 1).replace(/[ \t]+$/, '')
  }
  return lines.map((l, k) => (k === lines.length - 1 ? '' : l.slice(prefix.length))).join('\n')
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
}

/**
 * A STRING token's value (HCL's `strconv.Unquote`): escapes decoded, `${…}` copied verbatim. Byte
 * escapes (`\xNN`, octal) are gathered and decoded as UTF-8.
 */
export function unquote(tok: Token): string {
  const s = tok.text.slice(1, -1)
  if (!s.includes('\\') && !s.includes('$')) return s
  let out = ''
  let bytes: number[] = []
  const flush = () => {
    if (bytes.length > 0) out += new TextDecoder().decode(new Uint8Array(bytes))
    bytes = []
  }
  let i = 0
  while (i < s.length) {
    if (s[i] === '$' && s[i + 1] === '{') {
      flush()
      let braces = 1
      let j = i + 2
      while (j < s.length && braces > 0) {
        if (s[j] === '{') braces++
        else if (s[j] === '}') braces--
        j++
      }
      out += s.slice(i, j)
      i = j
      continue
    }
    const c = s[i]!
    if (c !== '\\') {
      flush()
      out += c
      i++
      continue
    }
    const e = s[i + 1] ?? ''
    const simple = SIMPLE_ESCAPES[e]
    if (simple !== undefined) {
      flush()
      out += simple
      i += 2
    } else if (e === 'x') {
      bytes.push(Number.parseInt(s.slice(i + 2, i + 4), 16))
      i += 4
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8
      const cp = Number.parseInt(s.slice(i + 2, i + 2 + n), 16)
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw posError(tok.pos, `unquote ${tok.text} err: invalid syntax`)
      }
      flush()
      out += String.fromCodePoint(cp)
      i += 2 + n
    } else {
      const v = Number.parseInt(s.slice(i + 1, i + 4), 8)
      if (v > 255) throw posError(tok.pos, `unquote ${tok.text} err: invalid syntax`)
      bytes.push(v)
      i += 4
    }
  }
  flush()
  return out
}

/** Go's `strconv.ParseInt(text, 0, 64)` for the number forms the scanner accepts. */
export function intValue(text: string): number {
  const neg = text.startsWith('-')
  const t = neg ? text.slice(1) : text
  let v: number
  if (/^0[xX]/.test(t)) v = Number.parseInt(t.slice(2), 16)
  else if (t.length > 1 && t.startsWith('0')) v = Number.parseInt(t.slice(1), 8)
  else v = Number.parseInt(t, 10)
  return neg ? -v : v
}
