/**
 * The policy store: ACL policies persisted behind the barrier (`sys/policy/<name>`), parsed once and
 * cached, plus the ACLs built from sets of them. Holds Vault's built-in policies: `default` (created
 * at first unseal, editable, not deletable), `root` (immutable, grants everything) and
 * `response-wrapping` (immutable, not listable, not assignable).
 *
 * @module
 */
import { InvalidRequestError } from '../errors.js'
import { ACL } from '../policy/acl.js'
import { type Policy, parsePolicy } from '../policy/policy.js'
import type { StorageView } from '../storage/view.js'

/** Name of the policy of wrapping tokens. */
export const RESPONSE_WRAPPING_POLICY = 'response-wrapping'
/** Policies that cannot be written or deleted. */
const IMMUTABLE = ['root', RESPONSE_WRAPPING_POLICY]

/**
 * Vault's `default` policy, path for path (current Vault, docs/concepts/policies#default-policy).
 * The comments are ours.
 */
export const DEFAULT_POLICY = `# Lets a token read what it is.
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Lets a token extend its own lease.
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Lets a token give itself up.
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Lets a token ask what it may do on a path.
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Lets a token read its own entity.
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Lets the UI read the token's resultant ACL.
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Lets a token renew and look up the leases it holds.
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# A private place for each token.
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Response wrapping for anything the token can already read.
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Hashing as a tool.
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Control-group requests (Enterprise in Vault; kept for policy compatibility).
path "sys/control-group/request" {
    capabilities = ["update"]
}

# OIDC provider authorization.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
`

/** What a wrapping token may do: read its response once. */
const RESPONSE_WRAPPING_POLICY_TEXT = `path "cubbyhole/response" {
    capabilities = ["create", "read"]
}

path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}
`

interface StoredPolicy {
  name: string
  raw: string
  type: 'acl'
}

/** Lower-cases and trims a policy name, as Vault does everywhere names arrive. */
export function sanitizePolicyName(name: string): string {
  return name.trim().toLowerCase()
}

/**
 * Persists and caches ACL policies.
 */
export class PolicyStore {
  private readonly cache = new Map<string, Policy | null>()
  private readonly aclCache = new Map<string, ACL>()

  constructor(private readonly view: StorageView) {}

  /** Creates the `default` policy on first unseal; clears caches. */
  async setup(): Promise<void> {
    this.cache.clear()
    this.aclCache.clear()
    if (!(await this.view.get('default'))) await this.write('default', DEFAULT_POLICY)
  }

  /** Drops the caches (on seal). */
  teardown(): void {
    this.cache.clear()
    this.aclCache.clear()
  }

  /** A policy by (sanitized) name; `null` when it does not exist. */
  async get(name: string): Promise<Policy | null> {
    const n = sanitizePolicyName(name)
    if (n === 'root') return { name: 'root', raw: '', paths: [], templated: false }
    if (n === RESPONSE_WRAPPING_POLICY) return parsePolicy(n, RESPONSE_WRAPPING_POLICY_TEXT)
    if (this.cache.has(n)) return this.cache.get(n) ?? null
    const stored = await this.view.getJSON<StoredPolicy>(n)
    const policy = stored ? parsePolicy(n, stored.raw) : null
    this.cache.set(n, policy)
    return policy
  }

  /** `true` if the policy exists (`root` always does). */
  async exists(name: string): Promise<boolean> {
    return (await this.get(name)) !== null
  }

  /** Names of stored policies, sorted (without `root` and `response-wrapping`). */
  async list(): Promise<string[]> {
    return (await this.view.list('')).filter((k) => !k.endsWith('/')).sort()
  }

  /**
   * Writes a policy after parsing it (a parse error changes nothing).
   *
   * @throws {InvalidRequestError} `cannot update "root" policy`, or `failed to parse policy: …`.
   */
  async set(name: string, raw: string): Promise<void> {
    const n = sanitizePolicyName(name)
    if (IMMUTABLE.includes(n)) throw new InvalidRequestError(`cannot update "${n}" policy`)
    parsePolicy(n, raw)
    await this.write(n, raw)
  }

  private async write(name: string, raw: string): Promise<void> {
    await this.view.putJSON(name, { name, raw, type: 'acl' } satisfies StoredPolicy)
    this.cache.delete(name)
    this.aclCache.clear()
  }

  /**
   * Deletes a policy; deleting a missing one succeeds. Tokens that still name it act as if it were empty.
   *
   * @throws {InvalidRequestError} for `root`, `response-wrapping` and `default`.
   */
  async delete(name: string): Promise<void> {
    const n = sanitizePolicyName(name)
    if (IMMUTABLE.includes(n)) throw new InvalidRequestError(`cannot delete "${n}" policy`)
    if (n === 'default') throw new InvalidRequestError('cannot delete default policy')
    await this.view.delete(n)
    this.cache.delete(n)
    this.aclCache.clear()
  }

  /** The raw text of a stored policy (`''` for root), or `null`. */
  async raw(name: string): Promise<string | null> {
    const p = await this.get(name)
    return p ? p.raw : null
  }

  /**
   * The ACL of a set of policy names (missing policies count as empty), cached until a policy changes.
   */
  async acl(names: readonly string[]): Promise<ACL> {
    const key = [...new Set(names.map(sanitizePolicyName))].sort().join('\n')
    const cached = this.aclCache.get(key)
    if (cached) return cached
    const policies: Policy[] = []
    for (const n of key.split('\n')) {
      if (n === '') continue
      const p = await this.get(n)
      if (p) policies.push(p)
    }
    const acl = new ACL(policies)
    this.aclCache.set(key, acl)
    return acl
  }
}
