/**
 * The `token` auth method, mounted once at `auth/token/` (Vault's token store backend): create, look
 * up, renew and revoke tokens, token roles, accessors and tidy.
 *
 * @module
 */
import type { BackendConfig } from '../../core/logical.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { accessorPaths } from './accessors.js'
import type { TokenContext, TokenCore } from './core.js'
import { createPaths } from './create.js'
import { lookupPaths } from './lookup.js'
import { authRenew, renewPaths } from './renew.js'
import { revokePaths } from './revoke.js'
import { rolePaths } from './roles.js'
import { tidyPaths } from './tidy.js'

export { formatAuth, type TokenAuthInfo, tokenAuth } from './auth.js'
export {
  ipBelongsToCidrs,
  parseAddresses,
  remoteAddrAllowed,
  subsetBlocks,
  tokenAddressAllowed,
  validateCidrList,
} from './cidr.js'
export type { TokenContext, TokenCore } from './core.js'
export { lookupData } from './lookup.js'
export { containsGlob, globMatch } from './policies.js'
export { loadRole, type RoleTokenType, type TokenRole } from './roles.js'
export {
  deprecationText,
  equivalentPolicies,
  newTokenParams,
  parsePolicies,
  parseTokenFields,
  populateTokenAuth,
  TOKEN_FIELDS,
  type TokenParams,
  type TokenParamsType,
  tokenData,
  tokenFields,
  upgradeValue,
} from './token-fields.js'
export { calculateTtl, humanDuration, type TtlInput, type TtlLimits, type TtlResult } from './ttl.js'

/**
 * Builds the token backend. The core registers it as the singleton auth type `token` at `auth/token/`,
 * passing the mount's config (its `system` view gives the mount's TTL limits).
 *
 * @example
 * ```ts
 * const backend = createTokenBackend({ tokens, clock, policyExists }, config)
 * await backend.handleRequest({ ...req, operation: 'update', path: 'create', data: { policies: ['web'] } })
 * ```
 */
export function createTokenBackend(core: TokenCore, config: BackendConfig): FrameworkBackend {
  const ctx: TokenContext = { core, system: config.system }
  return new FrameworkBackend({
    type: 'token',
    help: 'The token credential backend is always enabled and builtin to Vault. Client tokens are used to identify a client and to allow Vault to associate policies and ACLs which are enforced on every request. This backend also allows for generating sub-tokens as well as revocation of tokens. The tokens are renewable if associated with a lease.',
    specialPaths: {
      // Vault's token store: `revoke-orphan` also checks sudo in its handler; listing accessors needs it.
      root: ['revoke-orphan/*', 'accessors*'],
    },
    // Patterns are anchored, so the order only mirrors Vault's listing.
    paths: [
      ...accessorPaths(ctx),
      ...createPaths(ctx),
      ...lookupPaths(ctx),
      ...revokePaths(ctx),
      ...renewPaths(ctx),
      ...tidyPaths(ctx),
      ...rolePaths(ctx),
    ],
    authRenew: authRenew(ctx),
  })
}
