/**
 * Batch input and status rules shared by encrypt, decrypt, rewrap and datakey: Vault's
 * `decodeBatchRequestItems` (strict types, Go's error wording) and `batchRequestResponse` (a batch with
 * any failed item answers 400 — 500 if only internal errors — with the full body, unless
 * `partial_failure_response_code` overrides a partial failure).
 *
 * @module
 */
import type { LogicalResponse } from '../../core/logical.js'
import type { FieldData } from '../../framework/fields.js'
import { decodingError, goTypeName, serverError } from './errors.js'
import { decodeStd } from './go-base64.js'
import { type KeyType, parsePaddingScheme, supportsAssociatedData } from './key-types.js'

/** One item of `batch_input` (Vault's `BatchRequestItem`); absent strings are `''`. */
export interface BatchItem {
  context: string
  plaintext: string
  ciphertext: string
  nonce: string
  keyVersion: number
  associatedData: string
  reference: string
  paddingScheme: string
  decryptPaddingScheme: string
  encryptPaddingScheme: string
}

/** An empty {@link BatchItem}. */
export function emptyItem(): BatchItem {
  return {
    context: '',
    plaintext: '',
    ciphertext: '',
    nonce: '',
    keyVersion: 0,
    associatedData: '',
    reference: '',
    paddingScheme: '',
    decryptPaddingScheme: '',
    encryptPaddingScheme: '',
  }
}

const STRING_FIELDS = [
  ['context', 'context'],
  ['ciphertext', 'ciphertext'],
  ['nonce', 'nonce'],
  ['associated_data', 'associatedData'],
  ['reference', 'reference'],
  ['decrypt_padding_scheme', 'decryptPaddingScheme'],
  ['encrypt_padding_scheme', 'encryptPaddingScheme'],
] as const

/**
 * Vault's `decodeBatchRequestItems`: strings must be strings (`null` is skipped, except for
 * `plaintext` and `padding_scheme`), `key_version` an integer.
 *
 * @throws {VaultError} 500 `failed to parse batch input: …`, as Vault returns the error as is.
 * @example
 * ```ts
 * const items = decodeBatchItems(d.raw.batch_input, { requirePlaintext: true })
 * ```
 */
export function decodeBatchItems(
  raw: unknown,
  opts: { requirePlaintext?: boolean; requireCiphertext?: boolean } = {},
): BatchItem[] {
  const fail = (msg: string) => serverError(`failed to parse batch input: ${msg}`)
  if (!Array.isArray(raw)) throw fail(`source data must be an array or slice, got ${goTypeName(raw)}`)
  const errors: string[] = []
  const items = raw.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw fail(`[${i}] expected a map, got '${goTypeName(entry)}'`)
    }
    const item = emptyItem()
    const src = entry as Record<string, unknown>
    for (const [field, prop] of STRING_FIELDS) {
      if (!Object.hasOwn(src, field) || src[field] === null) {
        if (field === 'ciphertext' && opts.requireCiphertext && !Object.hasOwn(src, field)) {
          errors.push(`'[${i}].ciphertext' missing ciphertext to decrypt`)
        }
        continue
      }
      const v = src[field]
      if (typeof v === 'string') item[prop] = v
      else errors.push(`'[${i}].${field}' expected type 'string', got unconvertible type '${goTypeName(v)}'`)
    }
    for (const [field, prop] of [
      ['plaintext', 'plaintext'],
      ['padding_scheme', 'paddingScheme'],
    ] as const) {
      if (!Object.hasOwn(src, field)) {
        if (field === 'plaintext' && opts.requirePlaintext)
          errors.push(`'[${i}].plaintext' missing plaintext to encrypt`)
        continue
      }
      const v = src[field]
      if (typeof v === 'string') item[prop] = v
      else errors.push(`'[${i}].${field}' expected type 'string', got unconvertible type '${goTypeName(v)}'`)
    }
    if (Object.hasOwn(src, 'key_version') && src.key_version !== null) {
      const v = src.key_version
      if (typeof v === 'number' && Number.isSafeInteger(v)) item.keyVersion = v
      else if (typeof v === 'number') {
        errors.push(
          `error decoding json.Number into [${i}].key_version: strconv.ParseInt: parsing "${v}": invalid syntax`,
        )
      } else
        errors.push(`'[${i}].key_version' expected type 'int', got unconvertible type '${goTypeName(v)}'`)
    }
    return item
  })
  if (errors.length > 0) throw fail(decodingError(errors))
  return items
}

/**
 * A string-valued batch (`[]map[string]string` in Vault: sign, hmac): every value must be a string.
 *
 * @throws {VaultError} 500 `failed to parse batch input: …`.
 */
export function decodeStringMaps(raw: unknown): Record<string, string>[] {
  const fail = (msg: string) => serverError(`failed to parse batch input: ${msg}`)
  if (!Array.isArray(raw)) throw fail(`source data must be an array or slice, got ${goTypeName(raw)}`)
  const errors: string[] = []
  const items = raw.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw fail(`'[${i}]' expected a map, got '${goTypeName(entry)}'`)
    }
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v
      else errors.push(`'[${i}][${k}]' expected type 'string', got unconvertible type '${goTypeName(v)}'`)
    }
    return out
  })
  if (errors.length > 0) throw fail(decodingError(errors))
  return items
}

/**
 * Vault's `batchRequestResponse`: when any item failed, answers with the whole body and status 400
 * (user errors) or 500 (internal errors only); a partial failure may be answered with
 * `partial_failure_response_code` instead (1–599, else a warning and the default).
 *
 * @example
 * ```ts
 * return batchRequestResponse(d, { data: { batch_results } }, successes, userError, internalError)
 * ```
 */
export function batchRequestResponse(
  d: FieldData,
  resp: LogicalResponse,
  successes: boolean,
  userError: boolean,
  internalError: boolean,
): LogicalResponse {
  if (!userError && !internalError) return resp
  let code = userError ? 400 : 500
  const [override, ok] = d.getOk<number>('partial_failure_response_code')
  if (ok && successes) {
    if (override! < 1 || override! > 599) {
      resp.warnings = [
        ...(resp.warnings ?? []),
        `invalid HTTP response code override from partial_failure_response_code, reverting to ${code}`,
      ]
    } else {
      code = override!
    }
  }
  return { ...resp, httpStatus: code }
}

/**
 * Decodes an item's base64 `context` and `nonce` (decrypt and rewrap): the context bytes, or the
 * first decoding error as Vault words it.
 */
export function decodeItemContext(item: BatchItem): { context?: Uint8Array; error?: string } {
  let context: Uint8Array | undefined
  for (const [value, isContext] of [
    [item.context, true],
    [item.nonce, false],
  ] as const) {
    if (value === '') continue
    try {
      const decoded = decodeStd(value)
      if (isContext) context = decoded
    } catch (e) {
      return { error: (e as Error).message }
    }
  }
  return context ? { context } : {}
}

/**
 * Vault's per-item cipher checks against the key type: a valid `padding_scheme` (RSA only) and
 * `associated_data` only for AEAD key types. `{ error }` when one fails (an item error, not a batch
 * error, as in Vault).
 */
export function itemCipherOptions(
  type: KeyType,
  index: number,
  item: BatchItem,
): { paddingScheme?: 'oaep' | 'pkcs1v15'; error?: string } {
  let paddingScheme: 'oaep' | 'pkcs1v15' | undefined
  if (item.paddingScheme !== '') {
    try {
      paddingScheme = parsePaddingScheme(type, item.paddingScheme)
    } catch (e) {
      return { error: `'[${index}].padding_scheme' invalid: ${(e as Error).message}` }
    }
  }
  if (item.associatedData !== '' && !supportsAssociatedData(type)) {
    return { error: `'[${index}].associated_data' provided for non-AEAD cipher suite ${type}` }
  }
  return paddingScheme ? { paddingScheme } : {}
}
