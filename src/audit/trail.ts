/**
 * One request's audit trail: the pipeline fills in what it learns (mount, token, ACL verdict), logs
 * the request before the handler runs and the response before the client gets it, and on any error
 * logs what Vault logs for a failed request. Keeps the pipeline's wiring to four calls.
 *
 * @module
 */
import type { RawResponse } from '../core/request.js'
import type { AuditBroker } from './broker.js'
import { auditErrorOf } from './pipeline.js'
import type { AuditInput } from './types.js'

type State = 'pending' | 'requested' | 'request-failed' | 'responded' | 'response-failed'

/**
 * The audit side of one request.
 *
 * @example
 * ```ts
 * const trail = new AuditTrail(isAuditedPath(path) ? broker : null, { id, operation, path, data, clientToken: token })
 * try {
 *   // … token lookup, routing, ACL, filling trail.input …
 *   await trail.request()                  // fail closed: throws when no device recorded it
 *   const raw = await handle()
 *   return await trail.response(raw)       // throws (500) when no device recorded the answer
 * } catch (err) {
 *   throw await trail.failed(err)          // logs the failure; the error to answer with
 * }
 * ```
 */
export class AuditTrail {
  /** What the entries say about the request; the pipeline fills it in as it goes. */
  readonly input: AuditInput
  readonly #broker: AuditBroker | null
  #state: State = 'pending'

  /** `broker` `null`: nothing is audited (paths Vault does not audit). */
  constructor(broker: AuditBroker | null, input: AuditInput) {
    this.#broker = broker
    this.input = input
  }

  /**
   * Logs the request entry, before the handler runs.
   *
   * @throws {InternalError} (500 `internal error`) when devices are enabled and none recorded it;
   *   `SealedError` when the vault sealed meanwhile.
   */
  async request(): Promise<void> {
    if (!this.#broker) return
    try {
      await this.#broker.logRequest(this.input)
      this.#state = 'requested'
    } catch (err) {
      this.#state = 'request-failed'
      throw err
    }
  }

  /**
   * Logs the response entry for the answer about to be returned, and returns it.
   *
   * @throws {InternalError} (500) when devices are enabled and none recorded it.
   */
  async response(raw: RawResponse): Promise<RawResponse> {
    // No device (or sealed meanwhile): nothing to record, nothing to copy.
    if (!this.#broker || this.#broker.count === 0) return raw
    try {
      await this.#broker.logResponse({ ...this.input, response: raw.body })
      this.#state = 'responded'
      return raw
    } catch (err) {
      this.#state = 'response-failed'
      throw err
    }
  }

  /**
   * Logs a request that ended in `err`, as Vault does: the request entry with the error if it was not
   * logged yet (denied before the handler; a failure to log it is ignored), then the response entry
   * with the error. Returns what to answer with: `err`, or the audit failure (500) when no device
   * recorded the response.
   */
  async failed(err: unknown): Promise<unknown> {
    if (!this.#broker || (this.#state !== 'pending' && this.#state !== 'requested')) return err
    const { error, data } = auditErrorOf(err)
    const input = error ? { ...this.input, error } : this.input
    if (this.#state === 'pending') await this.#broker.logRequest(input).catch(() => undefined)
    try {
      await this.#broker.logResponse({
        ...input,
        response: data ? { request_id: this.input.id, data } : null,
      })
      this.#state = 'responded'
      return err
    } catch (auditErr) {
      this.#state = 'response-failed'
      return auditErr
    }
  }
}
