/**
 * Vault's `framework.CalculateTTL` (`sdk/framework/lease.go`): the one rule that turns a requested TTL,
 * a period, an explicit max TTL and the mount's limits into the TTL a token (or lease) gets, with
 * Vault's warnings when it is capped. Logins and the lease manager use it too.
 *
 * @module
 */
import { VaultError } from '../../errors.js'
import { formatDuration, goQuote } from '../../framework/duration.js'

/** The mount limits a TTL is calculated against (a backend's `SystemView` fits). */
export interface TtlLimits {
  /** Effective default lease TTL, seconds. */
  defaultLeaseTtl(): number
  /** Effective max lease TTL, seconds. */
  maxLeaseTtl(): number
}

/** Inputs of {@link calculateTtl}; durations in seconds, times in ms since the epoch. */
export interface TtlInput {
  system: TtlLimits
  /** The clock's time, ms. */
  now: number
  /** Increment asked for on renewal (0 = none). */
  increment?: number
  /** TTL the backend (or the request) asked for (0 = the mount default). */
  backendTtl?: number
  /** Periodic tokens: every issue/renewal gets exactly this TTL (0 = not periodic). */
  period?: number
  /** A max TTL from the backend (role), 0 = none. */
  backendMaxTtl?: number
  /** A token's explicit max TTL, 0 = none. */
  explicitMaxTtl?: number
  /** When the lease was first issued, ms (0 = now): max TTLs count from here. */
  startTime?: number
}

/** A calculated TTL and the warnings Vault attaches when it capped something. */
export interface TtlResult {
  ttl: number
  warnings: string[]
}

/**
 * Vault's `humanDuration`: Go's `Duration.String()` without zero minutes/seconds (`768h`, `1h30m`, `90s`
 * → `1m30s`).
 *
 * @example
 * ```ts
 * humanDuration(2764800) // '768h'
 * humanDuration(5400)    // '1h30m'
 * ```
 */
export function humanDuration(seconds: number): string {
  if (seconds === 0) return '0s'
  let s = formatDuration(seconds)
  if (s.endsWith('m0s')) s = s.slice(0, -2)
  const idx = s.indexOf('h0m')
  if (idx > 0) s = s.slice(0, idx + 1) + s.slice(idx + 3)
  return s
}

/** A 500 carrying its message, as Vault answers a handler's plain error. */
function internal(message: string): VaultError {
  return new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
}

/**
 * Calculates a TTL as Vault's `CalculateTTL`:
 *
 * - max = the mount's max TTL, lowered by `backendMaxTtl` and `explicitMaxTtl` when they are set;
 * - periodic (`period > 0`): TTL = period, capped to max (warning `period of "X" exceeded the effective
 *   max_ttl of "Y"; period value is capped accordingly`); the max lifetime counts only when an explicit
 *   max TTL is set;
 * - otherwise TTL = increment, else the backend TTL, else the mount default; it may never reach past
 *   `startTime + max` (warning `TTL of "X" exceeded the effective max_ttl of "Y"; TTL value is capped
 *   accordingly`).
 *
 * Times are truncated to the second, as Vault does.
 *
 * @example
 * ```ts
 * calculateTtl({ system: config.system, now: clock.now(), backendTtl: 7200, explicitMaxTtl: 3600 })
 * // { ttl: 3600, warnings: ['TTL of "2h" exceeded the effective max_ttl of "1h"; TTL value is capped accordingly'] }
 * ```
 * @throws {VaultError} 500 `max TTL must be greater than zero`, or `past the max TTL, cannot renew` when
 *   the lifetime is already used up.
 */
export function calculateTtl(input: TtlInput): TtlResult {
  const warnings: string[] = []
  const now = Math.floor(input.now / 1000)
  const start = input.startTime ? Math.floor(input.startTime / 1000) : now
  const increment = input.increment ?? 0
  const backendTtl = input.backendTtl ?? 0
  const backendMaxTtl = input.backendMaxTtl ?? 0
  const explicitMaxTtl = input.explicitMaxTtl ?? 0
  let period = input.period ?? 0

  let maxTtl = input.system.maxLeaseTtl()
  if (backendMaxTtl > 0 && backendMaxTtl < maxTtl) maxTtl = backendMaxTtl
  if (explicitMaxTtl > 0 && explicitMaxTtl < maxTtl) maxTtl = explicitMaxTtl
  if (maxTtl <= 0) throw internal('max TTL must be greater than zero')

  let ttl: number
  let maxValidTime = 0
  if (period > 0) {
    if (period > maxTtl) {
      warnings.push(
        `period of ${goQuote(humanDuration(period))} exceeded the effective max_ttl of ${goQuote(humanDuration(maxTtl))}; period value is capped accordingly`,
      )
      period = maxTtl
    }
    ttl = period
    if (explicitMaxTtl > 0) maxValidTime = start + explicitMaxTtl
  } else {
    ttl = increment > 0 ? increment : backendTtl > 0 ? backendTtl : input.system.defaultLeaseTtl()
    maxValidTime = start + maxTtl
  }

  if (maxValidTime !== 0) {
    const maxValidTtl = maxValidTime - now
    if (maxValidTtl <= 0) throw internal('past the max TTL, cannot renew')
    if (maxValidTtl < ttl) {
      warnings.push(
        `TTL of ${goQuote(humanDuration(ttl))} exceeded the effective max_ttl of ${goQuote(humanDuration(maxValidTtl))}; TTL value is capped accordingly`,
      )
      ttl = maxValidTtl
    }
  }
  return { ttl, warnings }
}
