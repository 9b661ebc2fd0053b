/**
 * The `auth` block of token responses (create, renew): what the backend returns in
 * `LogicalResponse.auth`, and how the pipeline writes it into Vault's envelope.
 *
 * @module
 */
import type { AuthInfo } from '../../core/logical.js'
import type { AuthBlock } from '../../core/request.js'
import type { TokenEntry } from '../../core/token-store.js'

/** The token backend's {@link AuthInfo}: everything Vault's `auth` block shows, filled in. */
export interface TokenAuthInfo extends AuthInfo {
  clientToken: string
  accessor: string
  policies: string[]
  tokenPolicies: string[]
  metadata?: Record<string, string>
  displayName: string
  /** `lease_duration`, seconds. */
  ttl: number
  renewable: boolean
  tokenType: 'service' | 'batch'
  numUses: number
  period: number
  explicitMaxTtl: number
  /** Identity entity (`''` until identity lands). */
  entityId: string
  orphan: boolean
  /** The path that created the token (token leases are named after it). */
  creationPath: string
  /** Policies from identity groups; shown only when non-empty. */
  identityPolicies?: string[]
}

/**
 * The {@link TokenAuthInfo} for a token: `ttl` is the lease duration to report, `renewable` whether the
 * token can be renewed.
 *
 * @example
 * ```ts
 * return { auth: tokenAuth(entry, entry.ttl, entry.renewable, { period, explicitMaxTtl }) }
 * ```
 */
export function tokenAuth(
  entry: TokenEntry,
  ttl: number,
  renewable: boolean,
  limits: { period?: number; explicitMaxTtl?: number } = {},
): TokenAuthInfo {
  return {
    clientToken: entry.id,
    accessor: entry.accessor,
    policies: [...entry.policies],
    tokenPolicies: [...entry.policies],
    ...(entry.meta ? { metadata: { ...entry.meta } } : {}),
    displayName: entry.display_name,
    ttl,
    renewable,
    tokenType: entry.type,
    numUses: entry.num_uses,
    period: limits.period ?? entry.period,
    explicitMaxTtl: limits.explicitMaxTtl ?? entry.explicit_max_ttl,
    entityId: entry.entity_id,
    orphan: entry.parent === '',
    creationPath: entry.path,
  }
}

/**
 * The JSON `auth` block of Vault's response envelope, keys in Vault's order (`http/logical.go` `Auth`):
 * `client_token, accessor, policies, token_policies, identity_policies, metadata, lease_duration,
 * renewable, entity_id, token_type, orphan, mfa_requirement, num_uses`. `token_policies` and
 * `identity_policies` are omitted when empty (`omitempty`), `metadata` is `null` when there is none.
 *
 * @example
 * ```ts
 * body.auth = resp.auth ? formatAuth(resp.auth) : null
 * // { client_token: 'hvs.…', accessor: '…', policies: ['default'], token_policies: ['default'], metadata: null,
 * //   lease_duration: 2764800, renewable: true, entity_id: '', token_type: 'service', orphan: false,
 * //   mfa_requirement: null, num_uses: 0 }
 * ```
 */
export function formatAuth(
  auth: AuthInfo & { entityId?: string; orphan?: boolean; identityPolicies?: string[] },
): AuthBlock {
  const tokenPolicies = auth.tokenPolicies ?? auth.policies ?? []
  const identityPolicies = auth.identityPolicies ?? []
  const policies = auth.policies ?? [...new Set([...tokenPolicies, ...identityPolicies])].sort()
  const out: Record<string, unknown> = {
    client_token: auth.clientToken ?? '',
    accessor: auth.accessor ?? '',
    policies,
  }
  if (tokenPolicies.length > 0) out.token_policies = tokenPolicies
  if (identityPolicies.length > 0) out.identity_policies = identityPolicies
  out.metadata = auth.metadata ?? null
  out.lease_duration = auth.ttl ?? 0
  out.renewable = auth.renewable ?? false
  out.entity_id = auth.entityId ?? ''
  out.token_type = auth.tokenType === 'batch' ? 'batch' : 'service'
  out.orphan = auth.orphan ?? false
  out.mfa_requirement = null
  out.num_uses = auth.numUses ?? 0
  // `token_policies` is `omitempty` in Vault's JSON, hence the cast.
  return out as unknown as AuthBlock
}
