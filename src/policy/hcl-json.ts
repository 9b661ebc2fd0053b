/**
 * The JSON form of HCL v1, as `github.com/hashicorp/hcl/json/parser` reads it: a JSON object whose
 * items become HCL items, `null` read as the empty string, and objects **flattened** the way HCL
 * flattens them — an object whose values are all objects turns into multi-key items, so
 * `{"path": {"secret/foo": {"capabilities": ["read"]}}}` reads exactly like the block
 * `path "secret/foo" { capabilities = ["read"] }`; a list of objects turns into repeated items.
 *
 * @module
 */
import { type HclItem, type HclList, type HclNode, type HclObject, type HclPos, posError } from './hcl-ast.js'

type JsonTokenType =
  | 'EOF'
  | 'STRING'
  | 'NUMBER'
  | 'FLOAT'
  | 'BOOL'
  | 'NULL'
  | 'LBRACE'
  | 'RBRACE'
  | 'LBRACK'
  | 'RBRACK'
  | 'COLON'
  | 'COMMA'

interface JsonToken {
  readonly type: JsonTokenType
  readonly text: string
  readonly value: string | number | boolean
  readonly pos: HclPos
}

const PUNCT: Record<string, JsonTokenType> = {
  '{': 'LBRACE',
  '}': 'RBRACE',
  '[': 'LBRACK',
  ']': 'RBRACK',
  ':': 'COLON',
  ',': 'COMMA',
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

class JsonScanner {
  readonly #src: string
  #i = 0
  #line = 1
  #column = 1
  #offset = 0

  constructor(src: string) {
    this.#src = src
  }

  #pos(): HclPos {
    return { line: this.#line, column: this.#column, offset: this.#offset }
  }

  #peek(): string {
    const cp = this.#src.codePointAt(this.#i)
    return cp === undefined ? '' : String.fromCodePoint(cp)
  }

  #next(): string {
    const ch = this.#peek()
    if (ch === '') return ch
    this.#i += ch.length
    const cp = ch.codePointAt(0)!
    this.#offset += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    if (ch === '\n') {
      this.#line++
      this.#column = 1
    } else this.#column++
    return ch
  }

  scan(): JsonToken {
    while (/^[ \t\r\n]$/.test(this.#peek())) this.#next()
    const pos = this.#pos()
    const start = this.#i
    const ch = this.#peek()
    if (ch === '') return { type: 'EOF', text: '', value: '', pos }
    const punct = PUNCT[ch]
    if (punct !== undefined) {
      this.#next()
      return { type: punct, text: ch, value: ch, pos }
    }
    if (ch === '"') return this.#string(pos)
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.#number(pos, start)
    if (/^[a-z]$/.test(ch)) {
      while (/^[a-z]$/.test(this.#peek())) this.#next()
      const word = this.#src.slice(start, this.#i)
      if (word === 'true' || word === 'false')
        return { type: 'BOOL', text: word, value: word === 'true', pos }
      if (word === 'null') return { type: 'NULL', text: word, value: '', pos }
      throw posError(pos, `illegal char: ${word}`)
    }
    throw posError(pos, `illegal char: ${ch}`)
  }

  #string(pos: HclPos): JsonToken {
    const start = this.#i
    this.#next()
    let value = ''
    for (;;) {
      const errPos = this.#pos()
      const ch = this.#next()
      if (ch === '' || ch === '\n') throw posError(errPos, 'literal not terminated')
      if (ch === '"') break
      if (ch !== '\\') {
        value += ch
        continue
      }
      const e = this.#next()
      const simple = ESCAPES[e]
      if (simple !== undefined) {
        value += simple
        continue
      }
      if (e !== 'u') throw posError(errPos, 'illegal char escape')
      let hex = ''
      for (let k = 0; k < 4; k++) hex += this.#next()
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw posError(errPos, 'illegal char escape')
      value += String.fromCharCode(Number.parseInt(hex, 16))
    }
    return { type: 'STRING', text: this.#src.slice(start, this.#i), value, pos }
  }

  #number(pos: HclPos, start: number): JsonToken {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.#src.slice(start))
    if (m === null) throw posError(pos, 'illegal number')
    const text = m[0]
    if (/^-?0\d/.test(this.#src.slice(start, start + text.length + 1))) {
      throw posError(pos, 'numbers cannot start with 0')
    }
    for (let k = 0; k < text.length; k++) this.#next()
    const isFloat = m[2] !== undefined || m[3] !== undefined
    return { type: isFloat ? 'FLOAT' : 'NUMBER', text, value: Number(text), pos }
  }
}

class JsonParser {
  readonly #sc: JsonScanner
  #tok: JsonToken

  constructor(src: string) {
    this.#sc = new JsonScanner(src)
    this.#tok = this.#sc.scan()
  }

  #advance(): JsonToken {
    const t = this.#tok
    this.#tok = this.#sc.scan()
    return t
  }

  #expect(type: JsonTokenType): JsonToken {
    const t = this.#advance()
    if (t.type !== type) throw posError(t.pos, `expected: ${type} got: ${t.type}`)
    return t
  }

  file(): HclObject {
    const root = this.#object()
    if (this.#tok.type !== 'EOF') throw posError(this.#tok.pos, `expected: EOF got: ${this.#tok.type}`)
    return root
  }

  #object(): HclObject {
    const open = this.#expect('LBRACE')
    const items: HclItem[] = []
    if (this.#tok.type === 'RBRACE') {
      this.#advance()
      return { kind: 'object', items, pos: open.pos }
    }
    for (;;) {
      const key = this.#expect('STRING')
      const colon = this.#expect('COLON')
      items.push({
        keys: [{ text: key.text, value: key.value as string, pos: key.pos }],
        assign: colon.pos,
        value: this.#value(),
      })
      const t = this.#advance()
      if (t.type === 'RBRACE') return { kind: 'object', items, pos: open.pos }
      if (t.type !== 'COMMA') throw posError(t.pos, `expected: COMMA or RBRACE got: ${t.type}`)
    }
  }

  #list(): HclList {
    const open = this.#expect('LBRACK')
    const items: HclNode[] = []
    if (this.#tok.type === 'RBRACK') {
      this.#advance()
      return { kind: 'list', items, pos: open.pos }
    }
    for (;;) {
      items.push(this.#value())
      const t = this.#advance()
      if (t.type === 'RBRACK') return { kind: 'list', items, pos: open.pos }
      if (t.type !== 'COMMA') throw posError(t.pos, `unexpected token while parsing list: ${t.type}`)
    }
  }

  #value(): HclNode {
    const t = this.#tok
    switch (t.type) {
      case 'LBRACE':
        return this.#object()
      case 'LBRACK':
        return this.#list()
      case 'STRING':
      case 'NULL':
        this.#advance()
        return {
          kind: 'literal',
          type: 'STRING',
          text: t.text,
          value: t.type === 'NULL' ? '' : t.value,
          pos: t.pos,
        }
      case 'NUMBER':
      case 'FLOAT':
      case 'BOOL':
        this.#advance()
        return { kind: 'literal', type: t.type, text: t.text, value: t.value, pos: t.pos }
      default:
        throw posError(t.pos, `Expected object value, got unknown token: ${t.type}`)
    }
  }
}

/** HCL's `flattenObjects`, applied to every object in the tree. */
function flattenNode(node: HclNode): HclNode {
  switch (node.kind) {
    case 'literal':
      return node
    case 'list':
      return { ...node, items: node.items.map(flattenNode) }
    case 'object':
      return { ...node, items: node.items.flatMap(flattenItem) }
  }
}

function flattenItem(item: HclItem): HclItem[] {
  const v = item.value
  if (v.kind === 'object' && v.items.length > 0 && v.items.every((s) => s.value.kind === 'object')) {
    return v.items.flatMap((sub) =>
      flattenItem({ keys: [...item.keys, ...sub.keys], ...assignOf(item), value: sub.value }),
    )
  }
  if (v.kind === 'list' && v.items.length > 0 && v.items.every((e) => e.kind === 'object')) {
    return v.items.flatMap((elem) => flattenItem({ keys: item.keys, ...assignOf(item), value: elem }))
  }
  return [{ ...item, value: flattenNode(v) }]
}

function assignOf(item: HclItem): { assign?: HclPos } {
  return item.assign === undefined ? {} : { assign: item.assign }
}

/**
 * Parses the JSON form of a policy into the same tree the HCL parser builds.
 *
 * @example
 * ```ts
 * parseJsonPolicy('{"path":{"secret/foo":{"capabilities":["read"]}}}').items[0]?.keys.length // 2
 * ```
 * @throws {HclSyntaxError} with the line and column of the offending token.
 */
export function parseJsonPolicy(text: string): HclObject {
  const root = new JsonParser(text).file()
  return flattenNode(root) as HclObject
}
