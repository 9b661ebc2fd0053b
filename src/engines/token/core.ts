/**
 * What the `auth/token/` backend may reach of the core: the token store, the policy store (to warn about
 * policies that do not exist) and the clock. Like the system backend it goes past its storage view,
 * because the tokens it manages live in the token store (`sys/token/`), not in the mount.
 *
 * @module
 */
import type { Clock } from '../../clock.js'
import type { TokenRenewal } from '../../core/expiration/types.js'
import type { ConnectionInfo, SystemView } from '../../core/logical.js'
import type { TokenEntry, TokenStore } from '../../core/token-store.js'

/**
 * The core as the token backend sees it.
 *
 * @example
 * ```ts
 * const core: TokenCore = { tokens, clock, policyExists: async (name) => (await policies.get(name)) !== null }
 * ```
 */
export interface TokenCore {
  readonly tokens: TokenStore
  /** Does an ACL policy of this name exist? (`root` is always treated as existing.) */
  policyExists(name: string): Promise<boolean>
  readonly clock: Clock
  /**
   * Renews a token an auth method made (its path is not below `auth/token/`) through that method and
   * the token's lease (Vault's `ExpirationManager.RenewToken`); `null` when the method renews nothing.
   * Without it (a token store on its own) such tokens renew like any other.
   */
  renewLogin?(entry: TokenEntry, increment: number, connection?: ConnectionInfo): Promise<TokenRenewal | null>
}

/** What every path of the backend shares: the core and the mount's system view (TTL limits). */
export interface TokenContext {
  readonly core: TokenCore
  readonly system: SystemView
}
