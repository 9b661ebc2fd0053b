/**
 * Transit's error vocabulary, mirroring the three kinds keysutil distinguishes — user errors
 * (`errutil.UserError`), internal errors (`errutil.InternalError`) and plain errors — and how Vault
 * turns each into an HTTP answer. The kind matters: batch endpoints decide per item, and per request
 * status, from it (a user error → 400 for the batch, an internal one → 500).
 *
 * @module
 */
import { InvalidRequestError, VaultError } from '../../errors.js'

/** A caller mistake (Go's `errutil.UserError`). */
export class TransitUserError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TransitUserError'
  }
}

/** A failure inside Vault (Go's `errutil.InternalError`). */
export class TransitInternalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TransitInternalError'
  }
}

/** Any other error keysutil returns (a plain Go `error`). */
export class TransitError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TransitError'
  }
}

/** True for any of the three transit error kinds. */
export function isTransitError(e: unknown): e is TransitUserError | TransitInternalError | TransitError {
  return e instanceof TransitUserError || e instanceof TransitInternalError || e instanceof TransitError
}

/**
 * Vault's `logical.ErrorResponse(msg)` (with or without `ErrInvalidRequest`): HTTP 400, `errors: [msg]`.
 *
 * @example
 * ```ts
 * throw errorResponse('encryption key not found')
 * ```
 */
export function errorResponse(message: string): InvalidRequestError {
  return new InvalidRequestError(message)
}

/**
 * A handler returning `(nil, err)`: Vault's core wraps the error in a multierror and answers 500 with
 * it as the only message (`1 error occurred:\n\t* <msg>\n\n`).
 *
 * @example
 * ```ts
 * throw serverError('exporting is disallowed on the policy')
 * ```
 */
export function serverError(message: string, cause?: unknown): VaultError {
  return new VaultError('ERR_INTERNAL', 500, message, {
    errors: [`1 error occurred:\n\t* ${message}\n\n`],
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * Rethrows a keysutil-style error the way a Vault handler does when it returns `(nil, err)`: our own
 * error kinds become 500 with their message; anything else (a bug) propagates, and the core answers
 * `internal error`.
 *
 * @example
 * ```ts
 * try { await rotate(p) } catch (e) { throw asServerError(e) }
 * ```
 */
export function asServerError(e: unknown): unknown {
  if (isTransitError(e)) return serverError(e.message, e)
  return e
}

/**
 * Go's `%T` of a decoded JSON value as Vault sees it (numbers are `json.Number`).
 *
 * @example
 * ```ts
 * goTypeName(3) // 'json.Number'
 * ```
 */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'number' || typeof v === 'bigint') return 'json.Number'
  if (typeof v === 'boolean') return 'bool'
  if (Array.isArray(v)) return '[]interface {}'
  return 'map[string]interface {}'
}

/**
 * mapstructure's aggregated decode error text (`N error(s) decoding:\n\n* …`), points sorted as it
 * sorts them.
 *
 * @example
 * ```ts
 * decodingError(["'[0].plaintext' missing plaintext to encrypt"])
 * ```
 */
export function decodingError(points: string[]): string {
  const lines = points.map((p) => `* ${p}`).sort()
  return `${points.length} error(s) decoding:\n\n${lines.join('\n')}`
}
