/**
 * Every error vaultlet throws. One base class, {@link VaultError}, with a stable string `code`,
 * Vault's HTTP `statusCode` and `errors: string[]` worded as Vault words them.
 *
 * No secret ever goes into a message: callers build messages from names and paths only.
 *
 * @module
 */

/** Stable error codes. Match on these, never on message text. */
export type VaultErrorCode =
  | 'ERR_SEALED'
  | 'ERR_NOT_INITIALIZED'
  | 'ERR_ALREADY_INITIALIZED'
  | 'ERR_PERMISSION_DENIED'
  | 'ERR_INVALID_REQUEST'
  | 'ERR_NOT_FOUND'
  | 'ERR_UNSUPPORTED_OPERATION'
  | 'ERR_UNSUPPORTED_PATH'
  | 'ERR_PATH_IN_USE'
  | 'ERR_INVALID_KEY'
  | 'ERR_BARRIER'
  | 'ERR_STORAGE'
  | 'ERR_INTERNAL'

/** Options accepted by every error constructor. */
export interface VaultErrorOptions {
  /** The underlying error, kept for debugging. Never contains secret material. */
  cause?: unknown
  /** Vault's `errors` array; defaults to `[message]`. */
  errors?: string[]
  /**
   * A full response envelope that came with the error status (KV v2 answers a deleted version with 404
   * and its metadata). Never contains secret values that the caller could not read anyway.
   */
  response?: Record<string, unknown>
}

/**
 * Base class of every error vaultlet throws.
 *
 * @example
 * ```ts
 * try { await vault.request({ method: 'GET', path: 'sys/mounts' }) }
 * catch (e) { if (e instanceof VaultError && e.code === 'ERR_PERMISSION_DENIED') console.log(e.statusCode) } // 403
 * ```
 */
export class VaultError extends Error {
  /** Stable machine-readable code. */
  readonly code: VaultErrorCode
  /** The HTTP status Vault answers with for this error. */
  readonly statusCode: number
  /** Vault's `errors` array, as a client would see it in `{"errors": [...]}`. */
  readonly errors: string[]
  /** The response envelope Vault sent with this status, when it sent one (e.g. KV v2's 404 with metadata). */
  readonly response?: Record<string, unknown>

  constructor(code: VaultErrorCode, statusCode: number, message: string, options: VaultErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.statusCode = statusCode
    this.errors = options.errors ?? [message]
    if (options.response) this.response = options.response
  }

  /** Vault's JSON error body. */
  toJSON(): { errors: string[] } {
    return { errors: this.errors }
  }
}

/** Vault is sealed: HTTP 503, `Vault is sealed`. */
export class SealedError extends VaultError {
  constructor(options: VaultErrorOptions = {}) {
    super('ERR_SEALED', 503, 'Vault is sealed', options)
  }
}

/** Vault is not initialized: HTTP 400, `Vault is not initialized`. */
export class NotInitializedError extends VaultError {
  constructor(options: VaultErrorOptions = {}) {
    super('ERR_NOT_INITIALIZED', 400, 'Vault is not initialized', options)
  }
}

/** The token is missing, invalid, or its policies do not allow the request: HTTP 403. */
export class PermissionDeniedError extends VaultError {
  constructor(message = 'permission denied', options: VaultErrorOptions = {}) {
    super('ERR_PERMISSION_DENIED', 403, message, options)
  }
}

/** Bad input: HTTP 400 with Vault's message. Nothing was changed. */
export class InvalidRequestError extends VaultError {
  constructor(message: string, options: VaultErrorOptions = {}) {
    super('ERR_INVALID_REQUEST', 400, message, options)
  }
}

/** Nothing at this path: HTTP 404 with an empty `errors` array unless a message is given. */
export class NotFoundError extends VaultError {
  constructor(message?: string, options: VaultErrorOptions = {}) {
    super('ERR_NOT_FOUND', 404, message ?? 'not found', { errors: message ? [message] : [], ...options })
  }
}

/** The path exists but not for this operation: HTTP 405. */
export class UnsupportedOperationError extends VaultError {
  constructor(options: VaultErrorOptions = {}) {
    super('ERR_UNSUPPORTED_OPERATION', 405, 'unsupported operation', {
      errors: ['1 error occurred:\n\t* unsupported operation\n\n'],
      ...options,
    })
  }
}

/** No backend path matches: HTTP 404 (`unsupported path`, or `no handler for route` for unmounted paths). */
export class UnsupportedPathError extends VaultError {
  constructor(message = 'unsupported path', options: VaultErrorOptions = {}) {
    super('ERR_UNSUPPORTED_PATH', 404, message, {
      errors: [message === 'unsupported path' ? '1 error occurred:\n\t* unsupported path\n\n' : message],
      ...options,
    })
  }
}

/** A mount path overlaps an existing one: HTTP 409 `path is already in use at <p>`. */
export class PathInUseError extends VaultError {
  constructor(path: string, options: VaultErrorOptions = {}) {
    super('ERR_PATH_IN_USE', 409, `path is already in use at ${path}`, options)
  }
}

/** An unseal/rekey/generate-root key share is malformed or wrong: HTTP 400. */
export class InvalidKeyError extends VaultError {
  constructor(message: string, options: VaultErrorOptions = {}) {
    super('ERR_INVALID_KEY', 400, message, options)
  }
}

/**
 * A stored value failed authentication (tampered, moved to another key, or encrypted under an unknown
 * term). HTTP 500: Vault answers `internal error`, the detail stays in `message`.
 */
export class BarrierError extends VaultError {
  constructor(message: string, options: VaultErrorOptions = {}) {
    super('ERR_BARRIER', 500, message, { errors: ['internal error'], ...options })
  }
}

/** The storage adapter failed. HTTP 500 `internal error`. */
export class StorageError extends VaultError {
  constructor(message: string, options: VaultErrorOptions = {}) {
    super('ERR_STORAGE', 500, message, { errors: ['internal error'], ...options })
  }
}

/** An unexpected failure. HTTP 500 `internal error`. */
export class InternalError extends VaultError {
  constructor(message = 'internal error', options: VaultErrorOptions = {}) {
    super('ERR_INTERNAL', 500, message, { errors: ['internal error'], ...options })
  }
}

/**
 * Maps any thrown value to Vault's HTTP status and JSON error body. Non-vaultlet errors become
 * `500 {"errors":["internal error"]}` so that nothing internal leaks to a client.
 *
 * @example
 * ```ts
 * const { status, body } = errorToHttp(new SealedError()) // 503, { errors: ['Vault is sealed'] }
 * ```
 */
export function errorToHttp(err: unknown): { status: number; body: { errors: string[] } } {
  if (err instanceof VaultError) return { status: err.statusCode, body: { errors: err.errors } }
  return { status: 500, body: { errors: ['internal error'] } }
}
