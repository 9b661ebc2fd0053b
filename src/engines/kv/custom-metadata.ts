/**
 * `custom_metadata` of KV v2 keys: user key/value strings, parsed and validated with Vault's limits and
 * messages (at most 64 keys; keys 1..128 bytes, values 1..512 bytes; printable characters only).
 *
 * @module
 */
import { InvalidRequestError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'

const MAX_KEYS = 64
const MAX_KEY_LENGTH = 128
const MAX_VALUE_LENGTH = 512
const PREFIX = 'custom_metadata validation failed'

const utf8 = new TextEncoder()
/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u

/** Go's `%v` of a decoded JSON value (for mapstructure's message). */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`
  if (typeof v === 'object') {
    const m = v as Record<string, unknown>
    return `map[${Object.keys(m)
      .sort()
      .map((k) => `${k}:${goValue(m[k])}`)
      .join(' ')}]`
  }
  return String(v)
}

/** go-multierror's list format. */
function multierror(errors: string[]): string {
  if (errors.length === 1) return `1 error occurred:\n\t* ${errors[0]}\n\n`
  return `${errors.length} errors occurred:\n\t${errors.map((e) => `* ${e}`).join('\n\t')}\n\n`
}

/**
 * Converts a `custom_metadata` map to strings as mapstructure's weak decoding does (numbers as text,
 * bools as `1`/`0`, `null` as `""`). With `filterNils` (patch), `null` entries are left out: they mean
 * "remove this key".
 *
 * @example
 * ```ts
 * parseCustomMetadata({ owner: 'jdoe', n: 3 }, false) // { owner: 'jdoe', n: '3' }
 * ```
 * @throws {InvalidRequestError} `custom_metadata validation failed: '' expected type 'string', got
 *   unconvertible type '…', value: '…'` for maps and lists.
 */
export function parseCustomMetadata(
  raw: Record<string, unknown>,
  filterNils: boolean,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || (filterNils && v === null)) continue
    let s: string
    if (v === null) s = ''
    else if (typeof v === 'string') s = v
    else if (typeof v === 'number' || typeof v === 'bigint') s = String(v)
    else if (typeof v === 'boolean') s = v ? '1' : '0'
    else {
      const type = Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}'
      throw new InvalidRequestError(
        `${PREFIX}: '' expected type 'string', got unconvertible type '${type}', value: '${goValue(v)}'`,
      )
    }
    Object.defineProperty(out, k, { value: s, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/**
 * Vault's `validateCustomMetadata`: every violation is reported, as one multierror.
 *
 * @example
 * ```ts
 * validateCustomMetadata({ '': 'x' })
 * // throws: 1 error occurred:\n\t* custom_metadata validation failed: length of key "" is 0 but must be 0 < len(key) <= 128\n\n
 * ```
 * @throws {InvalidRequestError} with the multierror text.
 */
export function validateCustomMetadata(metadata: Record<string, string>): void {
  const entries = Object.entries(metadata)
  if (entries.length > MAX_KEYS) {
    throw new InvalidRequestError(
      multierror([`${PREFIX}: payload must contain at most ${MAX_KEYS} keys, provided ${entries.length}`]),
    )
  }
  const errors: string[] = []
  for (const [key, value] of entries) {
    const keyLen = utf8.encode(key).length
    if (keyLen === 0 || keyLen > MAX_KEY_LENGTH) {
      errors.push(
        `${PREFIX}: length of key ${goQuote(key)} is ${keyLen} but must be 0 < len(key) <= ${MAX_KEY_LENGTH}`,
      )
    }
    const valueLen = utf8.encode(value).length
    if (valueLen === 0 || valueLen > MAX_VALUE_LENGTH) {
      errors.push(
        `${PREFIX}: length of value for key ${goQuote(key)} is ${valueLen} but must be 0 < len(value) <= ${MAX_VALUE_LENGTH}`,
      )
    }
    if (!PRINTABLE.test(key)) {
      errors.push(`${PREFIX}: key ${goQuote(key)} (${key}) contains unprintable characters`)
    }
    if (!PRINTABLE.test(value)) {
      errors.push(`${PREFIX}: value for key ${goQuote(key)} contains unprintable characters`)
    }
  }
  if (errors.length > 0) throw new InvalidRequestError(multierror(errors))
}

/**
 * Parses and validates a `custom_metadata` field value.
 *
 * @example
 * ```ts
 * customMetadata({ owner: 'jdoe' }, false) // { owner: 'jdoe' }
 * ```
 * @throws {InvalidRequestError} see {@link parseCustomMetadata} and {@link validateCustomMetadata}.
 */
export function customMetadata(raw: Record<string, unknown>, filterNils: boolean): Record<string, string> {
  const parsed = parseCustomMetadata(raw, filterNils)
  validateCustomMetadata(parsed)
  return parsed
}
