/**
 * Decoding HCL syntax trees into the typed values a policy holds, the way `hcl.DecodeObject` (HCL v1)
 * decodes them into Vault's `PathRules` struct — including its conversions (a number where a string is
 * expected reads as its text), its accumulation of repeated keys (lists append, maps merge, scalars:
 * the last one wins) and its error wording (`At 3:18: unknown slice type: *ast.LiteralType`).
 *
 * Internal to the policy module.
 *
 * @module
 */
import type { HclItem, HclNode, HclPos } from './hcl-ast.js'
import { HclSyntaxError } from './hcl-ast.js'

/** What the decoder walks: a value, a bare list of items (HCL's `ObjectList`), or one item. */
export type DecodeNode = HclNode | { readonly kind: 'items'; readonly items: readonly HclItem[] } | ItemNode

interface ItemNode {
  readonly kind: 'item'
  readonly item: HclItem
}

/** Where a value being decoded sits, which decides how an object decodes into `any` (HCL's kind stack). */
type Parent = 'root' | 'slice' | 'map' | 'struct'

const NO_POS: HclPos = { line: 0, column: 0, offset: 0 }

function itemPos(item: HclItem): HclPos {
  return item.keys[0]?.pos ?? nodePos(item.value)
}

/** HCL's `Node.Pos()`. */
export function nodePos(n: DecodeNode): HclPos {
  switch (n.kind) {
    case 'items':
      return n.items[0] === undefined ? NO_POS : itemPos(n.items[0])
    case 'item':
      return itemPos(n.item)
    default:
      return n.pos
  }
}

/** The Go type name HCL's messages print for a node. */
export function goTypeName(n: DecodeNode): string {
  switch (n.kind) {
    case 'literal':
      return '*ast.LiteralType'
    case 'list':
      return '*ast.ListType'
    case 'object':
      return '*ast.ObjectType'
    case 'items':
      return '*ast.ObjectList'
    case 'item':
      return '*ast.ObjectItem'
  }
}

/** HCL's `PosError` (`At line:col: msg`, `At -: msg` without a position). */
export function decodeError(n: DecodeNode, message: string): HclSyntaxError {
  const pos = nodePos(n)
  const where = pos.line > 0 ? `${pos.line}:${pos.column}` : '-'
  return new HclSyntaxError(`At ${where}: ${message}`, pos.line, pos.column)
}

/** HCL's `ObjectList.Filter`: items whose first key is `key` (case-insensitively), that key removed. */
export function filterItems(items: readonly HclItem[], key: string): HclItem[] {
  const lower = key.toLowerCase()
  const out: HclItem[] = []
  for (const item of items) {
    const first = item.keys[0]
    if (first === undefined) continue
    if (first.value !== key && first.value.toLowerCase() !== lower) continue
    out.push({ ...item, keys: item.keys.slice(1) })
  }
  return out
}

/** The items of an object-like node, or `undefined`. */
function itemsOf(n: DecodeNode): readonly HclItem[] | undefined {
  if (n.kind === 'object' || n.kind === 'items') return n.items
  if (n.kind === 'item') return [n.item]
  return undefined
}

/** `string` (HCL's `decodeString`): strings and heredocs, numbers as their text. */
export function decodeString(name: string, n: DecodeNode): string {
  if (n.kind === 'literal') {
    if (n.type === 'NUMBER') return n.text
    if (n.type === 'STRING' || n.type === 'HEREDOC') return n.value as string
  }
  throw decodeError(n, `${name}: unknown type for string ${goTypeName(n)}`)
}

/** The elements HCL's `decodeSlice` iterates over. */
function sliceElements(n: DecodeNode): DecodeNode[] {
  switch (n.kind) {
    case 'items':
      return n.items.map((item) => ({ kind: 'item', item }))
    case 'object':
      return [n]
    case 'list':
      return n.items
    default:
      throw decodeError(n, `unknown slice type: ${goTypeName(n)}`)
  }
}

/** `[]string`, appended to `existing`. */
export function decodeStringSlice(name: string, n: DecodeNode, existing: readonly string[] = []): string[] {
  const out = [...existing]
  const elements = sliceElements(n)
  for (let i = 0; i < elements.length; i++) out.push(decodeString(`${name}[${i}]`, elements[i]!))
  return out
}

/** `interface{}` (HCL's `decodeInterface`). */
export function decodeAny(name: string, n: DecodeNode, parent: Parent): unknown {
  switch (n.kind) {
    case 'literal':
      return n.value
    case 'list':
      return n.items.map((e, i) => decodeAny(`${name}[${i}]`, e, 'slice'))
    case 'item':
      throw new HclSyntaxError(`${name}: cannot decode into interface: *ast.ObjectItem`, 0, 0)
    default:
      // At the root or directly inside a list an object becomes a map; elsewhere a list of maps.
      if (parent === 'root' || parent === 'slice') return decodeMapAny(name, n)
      return sliceElements(n).map((e, i) => decodeMapAny(`${name}[${i}]`, e))
  }
}

/** The items of a node decoded as a map, or HCL's `not an object type for map` error. */
function mapItems(name: string, n: DecodeNode): readonly HclItem[] {
  const items = itemsOf(n)
  if (items === undefined) throw decodeError(n, `${name}: not an object type for map (${goTypeName(n)})`)
  return items
}

/**
 * Walks a map's items as HCL's `decodeMap` does: a multi-key item stands for all items sharing its
 * first key (decoded once, as a list of the rest).
 */
function forEachMapEntry(
  name: string,
  n: DecodeNode,
  fn: (key: string, value: DecodeNode, fieldName: string) => void,
): void {
  const items = mapItems(name, n)
  const done = new Set<string>()
  for (const item of items) {
    const first = item.keys[0]
    if (first === undefined) throw decodeError(n, `${name}: map must have string keys`)
    const key = first.value
    if (done.has(key)) continue
    let value: DecodeNode = item.value
    if (item.keys.length > 1) {
      value = { kind: 'items', items: filterItems(items, key) }
      done.add(key)
    }
    fn(key, value, `${name}.${key}`)
  }
}

/** `map[string]interface{}`. */
function decodeMapAny(name: string, n: DecodeNode): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  forEachMapEntry(name, n, (key, value, fieldName) => {
    const decoded = decodeAny(fieldName, value, 'map')
    const prev = Object.hasOwn(out, key) ? out[key] : undefined
    const merged = Array.isArray(prev) && Array.isArray(decoded) ? [...prev, ...decoded] : decoded
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true })
  })
  return out
}

/** `map[string][]interface{}` (`allowed_parameters`, `denied_parameters`), merged into `into`. */
export function decodeParamMap(name: string, n: DecodeNode, into: Map<string, unknown[]>): void {
  forEachMapEntry(name, n, (key, value, fieldName) => {
    const elements = sliceElements(value)
    const decoded = elements.map((e, i) => {
      if (e.kind === 'item') {
        throw new HclSyntaxError(`${fieldName}[${i}]: cannot decode into interface: *ast.ObjectItem`, 0, 0)
      }
      return decodeAny(`${fieldName}[${i}]`, e, 'slice')
    })
    into.set(key, [...(into.get(key) ?? []), ...decoded])
  })
}
