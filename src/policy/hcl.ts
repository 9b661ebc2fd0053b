/**
 * A hand-written parser for the subset of HCL v1 that Vault policies use, and for their JSON form.
 *
 * Why hand-written: Vault parses policies with `github.com/hashicorp/hcl` **v1**, and npm has no
 * well-kept HCL v1 parser. What the registry offers (the registry list in
 * `.library/env/packages/npm.tsv`, `grep -i hcl`, plus `npm view`): `hcl2-parser`, `hcl2-json-parser`,
 * `@cdktf/hcl2json` and `@cdktn/hcl2json` target HCL **2**, a different grammar; `js-hcl-parser`
 * (1.0.1, a single release), `hcl-parser` (0.1.1) and `hcl-to-json` (0.1.1) are small one-off
 * converters to plain JSON; `@evops/hcl-terraform-parser` and `@tree-sitter-grammars/tree-sitter-hcl`
 * are Terraform/editor tooling. A converter to plain JSON loses what Vault's checks need (repeated
 * `path` blocks, the line of each key, HCL's JSON flattening, typed literals), and each would be a new
 * dependency for a small grammar — so it lives here, with positions in every error.
 *
 * What is covered, with HCL v1's behaviour and wording (`hcl/scanner`, `hcl/parser`, `hcl/strconv` at
 * `v1.0.1-vault-7`):
 * - `key = value` and blocks `key "label" { … }` (repeatable), optional commas between items;
 * - strings with escapes (`\n \t \" \\ \a \b \f \r \v`, octal `\101`, `\x41`, `\u0041`,
 *   `\U00000041`), `${…}` kept verbatim; numbers (decimal, hex, octal, floats); `true`/`false`;
 * - lists `[a, b,]` (trailing comma ok, nested lists and objects), objects `{ k = v }`;
 * - heredocs `<<EOF … EOF` and `<<-EOF` (indented), comments `#`, `//`, `/* *\/`;
 * - a key set twice with `=` in one object is an error, as in Vault (`The argument "x" at 3:2 was
 *   already set. Each argument can only be defined once`).
 *
 * Text whose first non-blank character is `{` is parsed as JSON (see `hcl-json.ts`), as HCL does. The
 * scanner lives in `hcl-scanner.ts`, the syntax tree in `hcl-ast.ts`.
 *
 * @module
 */
import { goQuote } from '../framework/duration.js'
import {
  type HclItem,
  type HclKey,
  type HclList,
  type HclLiteralType,
  type HclNode,
  type HclObject,
  HclSyntaxError,
  posError,
} from './hcl-ast.js'
import { parseJsonPolicy } from './hcl-json.js'
import { heredocValue, intValue, Scanner, type Token, unquote } from './hcl-scanner.js'

/** Go's `%+v` of an HCL token, used by HCL's `Unknown token` message. */
function goTokenDump(tok: Token): string {
  const p = tok.pos
  return `{Type:${tok.type} Pos:{Filename: Offset:${p.offset} Line:${p.line} Column:${p.column}} Text:${tok.text} JSON:false}`
}

/** Signals a bare end of input where an item could start (HCL's `errEofToken`). */
const EOF_ITEM = Symbol('eof')

/** The HCL v1 parser, over the scanner's tokens with one token of look-back. */
class Parser {
  readonly #sc: Scanner
  #tok: Token = { type: 'EOF', text: '', pos: { line: 0, column: 0, offset: 0 } }
  #buffered = false

  constructor(src: string) {
    this.#sc = new Scanner(src)
  }

  #scan(): Token {
    if (this.#buffered) {
      this.#buffered = false
      return this.#tok
    }
    this.#tok = this.#sc.scan()
    return this.#tok
  }

  #unscan(): void {
    this.#buffered = true
  }

  parseFile(): HclObject {
    const items = this.#objectList(false)
    return { kind: 'object', items, pos: items[0]?.keys[0]?.pos ?? { line: 0, column: 0, offset: 0 } }
  }

  #objectList(inObject: boolean): HclItem[] {
    const items: HclItem[] = []
    const seen = new Set<string>()
    for (;;) {
      if (inObject) {
        const t = this.#scan()
        this.#unscan()
        if (t.type === 'RBRACE') break
      }
      const item = this.#objectItem()
      if (item === EOF_ITEM) break
      if (item.assign !== undefined) {
        for (const key of item.keys) {
          if (seen.has(key.text)) {
            throw new HclSyntaxError(
              `The argument ${goQuote(key.text)} at ${key.pos.line}:${key.pos.column} was already set. Each argument can only be defined once`,
              key.pos.line,
              key.pos.column,
            )
          }
          seen.add(key.text)
        }
      }
      items.push(item)
      if (this.#scan().type !== 'COMMA') this.#unscan()
    }
    return items
  }

  #objectItem(): HclItem | typeof EOF_ITEM {
    const keys = this.#objectKeys()
    if (keys === EOF_ITEM) return EOF_ITEM
    const tok = this.#tok
    if (tok.type === 'ASSIGN') {
      const value = this.#object()
      if (value === EOF_ITEM) return EOF_ITEM
      return { keys, assign: tok.pos, value }
    }
    if (tok.type === 'LBRACE') return { keys, value: this.#objectType() }
    const names = keys.map((k) => k.text).join(' ')
    throw posError(tok.pos, `key '${names}' expected start of object ('{') or assignment ('=')`)
  }

  /** The keys of an item; `#tok` is left on the `=` or `{` (or what ended the keys). */
  #objectKeys(): HclKey[] | typeof EOF_ITEM {
    const keys: HclKey[] = []
    for (;;) {
      const tok = this.#scan()
      switch (tok.type) {
        case 'EOF':
          return keys.length > 0 ? keys : EOF_ITEM
        case 'ASSIGN':
          if (keys.length > 1) throw posError(tok.pos, 'nested object expected: LBRACE got: ASSIGN')
          if (keys.length === 0) throw posError(tok.pos, 'no object keys found!')
          return keys
        case 'LBRACE':
          if (keys.length === 0) throw posError(tok.pos, 'expected: IDENT | STRING got: LBRACE')
          return keys
        case 'IDENT':
          keys.push({ text: tok.text, value: tok.text, pos: tok.pos })
          break
        case 'STRING':
          keys.push({ text: tok.text, value: unquote(tok), pos: tok.pos })
          break
        case 'RBRACE':
          // `{ foo }`: keys without a value inside an object; reported below as a missing `=`/`{`.
          if (keys.length > 0) return keys
          throw posError(tok.pos, `expected: IDENT | STRING | ASSIGN | LBRACE got: ${tok.type}`)
        default:
          throw posError(tok.pos, `expected: IDENT | STRING | ASSIGN | LBRACE got: ${tok.type}`)
      }
    }
  }

  #object(): HclNode | typeof EOF_ITEM {
    const tok = this.#scan()
    switch (tok.type) {
      case 'NUMBER':
      case 'FLOAT':
      case 'BOOL':
      case 'STRING':
      case 'HEREDOC':
        return this.#literal(tok)
      case 'LBRACE':
        return this.#objectType()
      case 'LBRACK':
        return this.#listType()
      case 'EOF':
        return EOF_ITEM
      default:
        throw posError(tok.pos, `Unknown token: ${goTokenDump(tok)}`)
    }
  }

  #literal(tok: Token): HclNode {
    let value: string | number | boolean
    switch (tok.type) {
      case 'NUMBER':
        value = intValue(tok.text)
        break
      case 'FLOAT':
        value = Number(tok.text)
        if (Number.isNaN(value)) {
          throw posError(tok.pos, `strconv.ParseFloat: parsing ${goQuote(tok.text)}: invalid syntax`)
        }
        break
      case 'BOOL':
        value = tok.text === 'true'
        break
      case 'HEREDOC':
        value = heredocValue(tok.text)
        break
      default:
        value = unquote(tok)
    }
    return { kind: 'literal', type: tok.type as HclLiteralType, text: tok.text, value, pos: tok.pos }
  }

  /** `#tok` is the `{`. */
  #objectType(): HclObject {
    const pos = this.#tok.pos
    const items = this.#objectList(true)
    const tok = this.#scan()
    if (tok.type !== 'RBRACE') throw posError(tok.pos, `object expected closing RBRACE got: ${tok.type}`)
    return { kind: 'object', items, pos }
  }

  /** `#tok` is the `[`. */
  #listType(): HclList {
    const pos = this.#tok.pos
    const items: HclNode[] = []
    let needComma = false
    for (;;) {
      const tok = this.#scan()
      if (needComma && tok.type !== 'COMMA' && tok.type !== 'RBRACK') {
        throw posError(tok.pos, `error parsing list, expected comma or list end, got: ${tok.type}`)
      }
      switch (tok.type) {
        case 'BOOL':
        case 'NUMBER':
        case 'FLOAT':
        case 'STRING':
        case 'HEREDOC':
          items.push(this.#literal(tok))
          needComma = true
          break
        case 'COMMA':
          needComma = false
          break
        case 'LBRACE':
          items.push(this.#nested(tok, 'object', () => this.#objectType()))
          needComma = true
          break
        case 'LBRACK':
          // HCL does not ask for a comma after a nested list; neither do we.
          items.push(this.#nested(tok, 'list', () => this.#listType()))
          break
        case 'RBRACK':
          return { kind: 'list', items, pos }
        default:
          throw posError(tok.pos, `unexpected token while parsing list: ${tok.type}`)
      }
    }
  }

  #nested<T>(tok: Token, what: 'object' | 'list', parse: () => T): T {
    try {
      return parse()
    } catch (e) {
      if (!(e instanceof HclSyntaxError)) throw e
      throw new HclSyntaxError(
        `At ${tok.pos.line}:${tok.pos.column}: error while trying to parse ${what} within list: ${e.message}`,
        e.line,
        e.column,
        { cause: e },
      )
    }
  }
}

/**
 * Parses HCL v1 text, or its JSON form when the first non-blank character is `{` (as HCL's
 * `hcl.Parse` decides), into a syntax tree whose root is the file's top-level object. Windows line
 * endings are accepted.
 *
 * @example
 * ```ts
 * const root = parseHcl('path "secret/*" { capabilities = ["read"] }')
 * root.items[0]?.keys.map((k) => k.value) // ['path', 'secret/*']
 * ```
 * @throws {HclSyntaxError} with HCL's wording and the line/column, e.g.
 *   `At 1:20: literal not terminated`.
 */
export function parseHcl(text: string): HclObject {
  if (/^\s*\{/u.test(text)) return parseJsonPolicy(text)
  return new Parser(text.replaceAll('\r\n', '\n')).parseFile()
}
