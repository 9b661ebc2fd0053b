/**
 * Helpers for the request pipeline's two audit hooks: which paths Vault audits, and how an error
 * reads in an entry.
 *
 * @module
 */
import { VaultError } from '../errors.js'

/**
 * Paths Vault serves without the audit system. `sys/init`, `sys/seal-status`, `sys/unseal`,
 * `sys/leader`, `sys/health` and the rekey endpoints are raw HTTP handlers in Vault (`http/handler.go`)
 * that never reach the broker; the raft bootstrap/join and the UI feature flags likewise.
 * `sys/generate-root/*` is audited (Vault wraps it in `handleAuditNonLogical`), and so are `sys/seal`
 * and `sys/step-down`, whose request Vault's core logs itself (`sealInitCommon`) — their response
 * entry never comes, the broker being torn down by then.
 */
const NOT_AUDITED =
  /^sys\/(init|seal-status|unseal|leader|health|rekey\/(init|update|verify)|rekey-recovery-key\/(init|update|verify)|storage\/raft\/(bootstrap|join)|internal\/ui\/feature-flags)\/?$/

/**
 * Does Vault write audit entries for a request to `path` (the logical path, below `/v1/`)?
 *
 * @example
 * ```ts
 * isAuditedPath('sys/health')         // false
 * isAuditedPath('secret/data/app')    // true
 * isAuditedPath('sys/generate-root/attempt') // true
 * ```
 */
export function isAuditedPath(path: string): boolean {
  return !NOT_AUDITED.test(path.startsWith('/') ? path.slice(1) : path)
}

/**
 * How an error that ended a request reads in its audit entries (Vault's `OuterErr`): the error text
 * (Vault's multierror wording kept, e.g. `1 error occurred:\n\t* permission denied\n\n`), or `''` for a
 * read of nothing (Vault's 404 is made by the HTTP layer, not an error). For a 400 a backend answered,
 * Vault logs `invalid request` and puts the message in the response's `data.error` (HMAC'd like any
 * data): `data` is returned for the response entry then. Non-vaultlet errors read `internal error`.
 *
 * @example
 * ```ts
 * auditErrorOf(new InvalidRequestError('missing role_id')) // { error: 'invalid request', data: { error: 'missing role_id' } }
 * auditErrorOf(new PermissionDeniedError())                // { error: 'permission denied' }
 * ```
 */
export function auditErrorOf(err: unknown): { error: string; data?: Record<string, unknown> } {
  if (!(err instanceof VaultError)) return { error: 'internal error' }
  if (err.statusCode === 404 && err.errors.length === 0) return { error: '' }
  if (err.code === 'ERR_INVALID_REQUEST' && err.statusCode === 400) {
    return { error: 'invalid request', data: { error: err.errors.join('\n') || err.message } }
  }
  if (err.statusCode >= 500 && err.errors.length === 1 && err.errors[0] === 'internal error') {
    return { error: 'internal error' }
  }
  return { error: err.errors.length === 1 ? err.errors[0]! : err.message }
}
