/**
 * The syntax tree both policy parsers produce (HCL v1 and its JSON form), modelled on the AST of
 * `github.com/hashicorp/hcl` v1 (`hcl/ast`): an object is a list of items, an item has one or more
 * keys (`path "secret/foo" { … }` is one item with the keys `path` and `secret/foo`), and the same key
 * may appear many times. Keeping that shape — instead of folding everything into plain objects —
 * is what lets the policy decoder repeat Vault's quirks (repeated `path` blocks, key checks with line
 * numbers, JSON objects flattened into multi-key items).
 *
 * @module
 */
import { InvalidRequestError, type VaultErrorOptions } from '../errors.js'

/** A position in the source: 1-based line and column (columns count characters), byte offset. */
export interface HclPos {
  readonly line: number
  readonly column: number
  /** UTF-8 byte offset from the start of the source. */
  readonly offset: number
}

/** A literal's token type, named as HCL names them. */
export type HclLiteralType = 'NUMBER' | 'FLOAT' | 'BOOL' | 'STRING' | 'HEREDOC'

/** A number, boolean, string or heredoc. */
export interface HclLiteral {
  readonly kind: 'literal'
  readonly type: HclLiteralType
  /** The token as written (strings with their quotes). */
  readonly text: string
  /** The decoded value: numbers as numbers, strings unquoted, heredocs unindented. */
  readonly value: string | number | boolean
  readonly pos: HclPos
}

/** `[a, b, …]`. */
export interface HclList {
  readonly kind: 'list'
  readonly items: HclNode[]
  /** Position of `[`. */
  readonly pos: HclPos
}

/** `{ … }`, or the whole file (then `pos` is the first item's position). */
export interface HclObject {
  readonly kind: 'object'
  readonly items: HclItem[]
  /** Position of `{`. */
  readonly pos: HclPos
}

/** Any value. */
export type HclNode = HclLiteral | HclList | HclObject

/** One key of an item: an identifier or a quoted string. */
export interface HclKey {
  /** The token as written (`"x"` keeps its quotes). */
  readonly text: string
  /** The key's value (unquoted). */
  readonly value: string
  readonly pos: HclPos
}

/** `key = value`, `key "label" { … }`, or (JSON) `"key": value`. */
export interface HclItem {
  readonly keys: HclKey[]
  /** Position of `=` (HCL) or `:` (JSON); absent for block syntax. */
  readonly assign?: HclPos
  readonly value: HclNode
}

/**
 * A syntax error in a policy's HCL or JSON text, with the line and column it was found at. The message
 * follows HCL's wording: `At 3:14: literal not terminated`.
 *
 * @example
 * ```ts
 * try { parseHcl('path "a" {') } catch (e) { if (e instanceof HclSyntaxError) console.log(e.line, e.column) }
 * ```
 */
export class HclSyntaxError extends InvalidRequestError {
  /** 1-based line of the error. */
  readonly line: number
  /** 1-based column (in characters) of the error. */
  readonly column: number

  constructor(message: string, line: number, column: number, options: VaultErrorOptions = {}) {
    super(message, options)
    this.line = line
    this.column = column
  }
}

/** HCL's `PosError` text: `At <line>:<column>: <message>`. */
export function posError(pos: HclPos, message: string): HclSyntaxError {
  return new HclSyntaxError(`At ${pos.line}:${pos.column}: ${message}`, pos.line, pos.column)
}

/**
 * Converts a node to plain JavaScript data, HCL-style: an object becomes a record (a key repeated
 * with object values is merged, otherwise the last one wins), multi-key items nest (`a "b" { }` is
 * `{ a: { b: {} } }`). Handy for inspecting parsed text; the policy decoder works on the tree.
 *
 * @example
 * ```ts
 * toPlain(parseHcl('a = [1, "x"]')) // { a: [1, 'x'] }
 * ```
 */
export function toPlain(node: HclNode): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value
    case 'list':
      return node.items.map(toPlain)
    case 'object': {
      const out: Record<string, unknown> = Object.create(null)
      for (const item of node.items) {
        let target = out
        for (let i = 0; i < item.keys.length - 1; i++) {
          const k = item.keys[i]!.value
          const next = target[k]
          if (next === null || typeof next !== 'object' || Array.isArray(next)) {
            target[k] = Object.create(null)
          }
          target = target[k] as Record<string, unknown>
        }
        const last = item.keys[item.keys.length - 1]?.value ?? ''
        const value = toPlain(item.value)
        const prev = target[last]
        if (isRecord(prev) && isRecord(value)) Object.assign(prev, value)
        else target[last] = value
      }
      return out
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
