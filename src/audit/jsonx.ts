/**
 * JSONx: IBM DataPower's XML rendering of JSON, as Vault's `format=jsonx` audit devices write it (Vault
 * uses `github.com/jefferai/jsonx`'s `EncodeJSONBytes`). The top-level object's members are written
 * without the `<json:object>` wrapper and without an XML header; names are sorted at every level.
 *
 * | JSON | JSONx |
 * |---|---|
 * | `null` | `<json:null name="k" />` |
 * | `true` | `<json:boolean name="k">true</json:boolean>` |
 * | `1.5` | `<json:number name="k">1.5</json:number>` |
 * | `"s"` | `<json:string name="k">s</json:string>` |
 * | `[…]` | `<json:array name="k">…</json:array>` (items have no `name`) |
 * | `{…}` | `<json:object name="k">…</json:object>` |
 *
 * One deliberate difference: string values are XML-escaped here (jsonx escapes only names, so a value
 * holding `<` or `&` makes Vault's output invalid XML). Values without such characters — every HMAC,
 * every usual path — come out byte for byte as Vault writes them.
 *
 * @module
 */
import { byCodePoint } from './hash.js'

/**
 * The JSONx of a JSON object's members (the body of an audit entry).
 *
 * @example
 * ```ts
 * toJsonx({ type: 'request', error: 'x', n: null })
 * // '<json:string name="error">x</json:string><json:null name="n" /><json:string name="type">request</json:string>'
 * ```
 */
export function toJsonx(obj: Readonly<Record<string, unknown>>): string {
  let out = ''
  for (const name of Object.keys(obj).sort(byCodePoint)) {
    const v = obj[name]
    if (v !== undefined) out += element(v, name)
  }
  return out
}

function element(v: unknown, name: string | null): string {
  const attr = name === null ? '' : ` name="${xmlEscape(name)}"`
  if (v === null || v === undefined) return `<json:null${attr} />`
  switch (typeof v) {
    case 'boolean':
      return `<json:boolean${attr}>${v}</json:boolean>`
    case 'number':
      return `<json:number${attr}>${JSON.stringify(v)}</json:number>`
    case 'string':
      return `<json:string${attr}>${xmlEscape(v)}</json:string>`
  }
  if (Array.isArray(v))
    return `<json:array${attr}>${v.map((item) => element(item, null)).join('')}</json:array>`
  return `<json:object${attr}>${toJsonx(v as Record<string, unknown>)}</json:object>`
}

const XML_ESCAPES: Record<string, string> = {
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
}

/** Go's `xml.EscapeText`. */
function xmlEscape(s: string): string {
  return s.replace(/["'&<>\t\n\r]/g, (c) => XML_ESCAPES[c] ?? c)
}
