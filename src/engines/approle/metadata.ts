/**
 * Vault's `strutil.ParseArbitraryKeyValues`, for a secret ID's `metadata`: a JSON object of strings,
 * base64 of one, or `k=v` pairs separated by commas (also base64-encoded).
 *
 * @module
 */
import { goQuote } from '../../framework/duration.js'
import { fromBase64, fromUtf8 } from '../../util/encoding.js'

/** Vault's `strutil.ParseKeyValues` (items trimmed, lower-cased, de-duplicated, as Vault does). */
function parseKeyValues(input: string, out: Record<string, string>): void {
  const items = [...new Set(input.split(',').map((s) => s.trim().toLowerCase()))]
    .filter((s) => s !== '')
    .sort()
  for (const item of items) {
    const shards = item.split('=')
    if (shards.length !== 2) throw new Error('invalid <key,value> format')
    const key = (shards[0] ?? '').trim()
    const value = (shards[1] ?? '').trim()
    if (key === '' || value === '')
      throw new Error(`invalid <key,value> pair <${goQuote(key)},${goQuote(value)}>`)
    out[key] = value
  }
}

/**
 * Parses secret-ID metadata.
 *
 * @example
 * ```ts
 * parseMetadata('{"team":"payments"}') // { team: 'payments' }
 * parseMetadata('team=payments')       // { team: 'payments' }
 * ```
 * @throws {Error} Vault's `failed to parse the input: …` or `invalid value for key "k"`.
 */
export function parseMetadata(input: string): Record<string, string> {
  let text = input.trim()
  const out: Record<string, string> = {}
  if (text === '') return out
  const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 ? fromBase64(text, true) : null
  if (decoded) text = fromUtf8(decoded)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  if (
    json !== null &&
    typeof json === 'object' &&
    !Array.isArray(json) &&
    Object.values(json).every((v) => typeof v === 'string')
  ) {
    Object.assign(out, json)
  } else {
    try {
      parseKeyValues(text, out)
    } catch (e) {
      throw new Error(`failed to parse the input: ${(e as Error).message}`)
    }
  }
  for (const [key, value] of Object.entries(out)) {
    if (key !== '' && value === '') throw new Error(`invalid value for key ${goQuote(key)}`)
  }
  return out
}
