/**
 * The parts of Go's `net/url` and `mime` that Vault's HTTP layer leans on, so the HTTP door reads a
 * request the way Vault reads it: percent-decoding of the path (`url.PathUnescape`), query strings and
 * form bodies (`url.ParseQuery`: `+` is a space, `;` separators are refused, repeated keys collect),
 * media types (`mime.ParseMediaType`, with its error wording) and the printable-path check of
 * `go-cleanhttp`.
 *
 * @module
 */

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/** A malformed `%XX` escape; `message` is Go's (`invalid URL escape "%zz"`). */
export class UrlEscapeError extends Error {
  constructor(sequence: string) {
    super(`invalid URL escape ${JSON.stringify(sequence)}`)
    this.name = 'UrlEscapeError'
  }
}

const hexVal = (c: number): number =>
  c >= 0x30 && c <= 0x39
    ? c - 0x30
    : c >= 0x61 && c <= 0x66
      ? c - 0x57
      : c >= 0x41 && c <= 0x46
        ? c - 0x37
        : -1

/**
 * Go's `url.QueryUnescape` (`plusIsSpace`) or `url.PathUnescape`: `%XX` escapes decoded as bytes, then
 * the bytes read as UTF-8 (invalid sequences become U+FFFD, as when Go prints them).
 *
 * @throws {UrlEscapeError} on a `%` not followed by two hex digits.
 */
export function urlUnescape(s: string, plusIsSpace: boolean): string {
  if (!s.includes('%') && !(plusIsSpace && s.includes('+'))) return s
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x25) {
      const h = hexVal(s.charCodeAt(i + 1))
      const l = hexVal(s.charCodeAt(i + 2))
      if (h < 0 || l < 0) throw new UrlEscapeError(s.slice(i, i + 3))
      bytes.push(h * 16 + l)
      i += 2
    } else if (c === 0x2b && plusIsSpace) {
      bytes.push(0x20)
    } else if (c < 0x80) {
      bytes.push(c)
    } else {
      // Already-decoded text (not expected in a request target): keep it as UTF-8.
      for (const b of new TextEncoder().encode(s[i] ?? '')) bytes.push(b)
    }
  }
  return utf8.decode(new Uint8Array(bytes))
}

/** Query or form values by key; a key given once has one value. */
export type QueryValues = Map<string, string[]>

/**
 * Go's `url.ParseQuery`: `&`-separated `key=value` pairs. Pairs with a `;` or a bad escape are
 * skipped; the first such problem is returned as `error` (Go returns it beside the values).
 */
export function parseQuery(query: string): { values: QueryValues; error?: string } {
  const values: QueryValues = new Map()
  let error: string | undefined
  for (const pair of query.split('&')) {
    if (pair.includes(';')) {
      error ??= 'invalid semicolon separator in query'
      continue
    }
    if (pair === '') continue
    const eq = pair.indexOf('=')
    try {
      const key = urlUnescape(eq < 0 ? pair : pair.slice(0, eq), true)
      const value = urlUnescape(eq < 0 ? '' : pair.slice(eq + 1), true)
      const list = values.get(key)
      if (list) list.push(value)
      else values.set(key, [value])
    } catch (e) {
      error ??= (e as Error).message
    }
  }
  return error === undefined ? { values } : { values, error }
}

/**
 * Vault's `parseQuery`: request data from query values — one value as a string, several as an array;
 * the reserved `help` key left out. `undefined` when nothing remains.
 */
export function queryData(values: QueryValues): Record<string, unknown> | undefined {
  let data: Record<string, unknown> | undefined
  for (const [k, v] of values) {
    if (k === 'help' || v.length === 0) continue
    data ??= {}
    data[k] = v.length === 1 ? v[0] : [...v]
  }
  return data
}

/** Vault's `parseFormRequest`: form values, several joined with `,`. `undefined` when empty. */
export function formData(values: QueryValues): Record<string, unknown> | undefined {
  let data: Record<string, unknown> | undefined
  for (const [k, v] of values) {
    if (v.length === 0) continue
    data ??= {}
    data[k] = v.join(',')
  }
  return data
}

/** `unicode.IsPrint` (letters, marks, numbers, punctuation, symbols, ASCII space): anything else. */
const NON_PRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/u

/** `go-cleanhttp`'s `PrintablePathCheckHandler`: does the decoded path contain a non-printable rune? */
export function hasNonPrintable(path: string): boolean {
  return NON_PRINTABLE.test(path)
}

/** Go's `mime.isTokenChar`: visible ASCII except the tspecials. */
function isTokenChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && !'()<>@,;:\\"/[]?='.includes(String.fromCharCode(c))
}

function consumeToken(v: string): [string, string] {
  let i = 0
  while (i < v.length && isTokenChar(v.charCodeAt(i))) i++
  return [v.slice(0, i), v.slice(i)]
}

const trimLeftSpace = (s: string) => s.replace(/^[\s\u0085\u00a0]+/u, '')

/** Go's `mime.consumeValue`: a token or a quoted string. */
function consumeValue(v: string): [string, string] {
  if (v === '') return ['', v]
  if (v[0] !== '"') return consumeToken(v)
  let out = ''
  for (let i = 1; i < v.length; i++) {
    const r = v[i] as string
    if (r === '"') return [out, v.slice(i + 1)]
    if (r === '\\' && i + 1 < v.length && '"\\'.includes(v[i + 1] as string)) {
      out += v[i + 1]
      i++
      continue
    }
    if (r === '\r' || r === '\n') return ['', v]
    out += r
  }
  // Unterminated quoted string.
  return ['', v]
}

/**
 * Go's `mime.ParseMediaType`, as far as Vault needs it: the lower-cased media type, or Go's error
 * (`mime: no media type`, `mime: expected slash after first token`, `mime: expected token after slash`,
 * `mime: unexpected content after media subtype`, `mime: invalid media parameter`,
 * `mime: duplicate parameter name`).
 *
 * @example
 * ```ts
 * parseMediaType('Application/Merge-Patch+JSON; charset=utf-8') // { type: 'application/merge-patch+json' }
 * parseMediaType('') // { error: 'mime: no media type' }
 * ```
 */
export function parseMediaType(
  v: string,
): { type: string; error?: undefined } | { type?: undefined; error: string } {
  const semi = v.indexOf(';')
  const base = semi < 0 ? v : v.slice(0, semi)
  const type = base.toLowerCase().trim()
  const [typ, rest] = consumeToken(type)
  if (typ === '') return { error: 'mime: no media type' }
  if (rest !== '') {
    if (!rest.startsWith('/')) return { error: 'mime: expected slash after first token' }
    const [sub, after] = consumeToken(rest.slice(1))
    if (sub === '') return { error: 'mime: expected token after slash' }
    if (after !== '') return { error: 'mime: unexpected content after media subtype' }
  }
  const seen = new Set<string>()
  let params = v.slice(base.length)
  while (params.length > 0) {
    params = trimLeftSpace(params)
    if (params === '') break
    // consumeMediaParam
    let r = params
    let ok = false
    if (r.startsWith(';')) {
      r = trimLeftSpace(r.slice(1))
      const [name, afterName] = consumeToken(r)
      if (name !== '') {
        r = trimLeftSpace(afterName)
        if (r.startsWith('=')) {
          r = trimLeftSpace(r.slice(1))
          const [value, afterValue] = consumeValue(r)
          if (!(value === '' && afterValue === r)) {
            const key = name.toLowerCase()
            if (seen.has(key)) return { error: 'mime: duplicate parameter name' }
            seen.add(key)
            params = afterValue
            ok = true
          }
        }
      }
    }
    if (!ok) {
      if (params.trim() === ';') break
      return { error: 'mime: invalid media parameter' }
    }
  }
  return { type }
}
