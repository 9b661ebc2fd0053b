/**
 * The rollback manager: every minute each mounted backend gets a `rollback` request, which is how
 * backends run periodic work (Vault's `PeriodicFunc`: AppRole's secret-id tidy, transit's key
 * auto-rotation, database static-role rotation …). One timer for all mounts, on the injected clock.
 *
 * @module
 */
import type { Clock, TimerHandle } from '../clock.js'
import type { LogicalRequest } from './logical.js'
import type { Route } from './router.js'

/** Vault's rollback period. */
export const ROLLBACK_INTERVAL_MS = 60_000

/** Drives periodic `rollback` requests to every mount while the vault is unsealed. */
export class RollbackManager {
  #timer: TimerHandle | null = null
  #running: Promise<void> | null = null

  constructor(
    private readonly clock: Clock,
    private readonly routes: () => readonly Route[],
    private readonly request: (route: Route) => LogicalRequest,
    private readonly onError: (route: Route, err: unknown) => void = () => undefined,
    private readonly intervalMs = ROLLBACK_INTERVAL_MS,
  ) {}

  /** Starts the periodic timer (after unseal). */
  start(): void {
    this.stop()
    this.#schedule()
  }

  /** Stops it (before seal). A round in progress finishes on its own. */
  stop(): void {
    this.#timer?.cancel()
    this.#timer = null
  }

  #schedule(): void {
    this.#timer = this.clock.setTimeout(() => {
      this.#running = this.runOnce().finally(() => {
        this.#running = null
        if (this.#timer) this.#schedule()
      })
    }, this.intervalMs)
  }

  /** Sends one `rollback` to every mount, one after the other; a failing backend does not stop the round. */
  async runOnce(): Promise<void> {
    for (const route of [...this.routes()]) {
      try {
        await route.backend.handleRequest(this.request(route))
      } catch (err) {
        this.onError(route, err)
      }
    }
  }

  /** Resolves when no round is in progress. */
  async idle(): Promise<void> {
    await this.#running
  }
}
