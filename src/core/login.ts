/**
 * The login flow's last step (Vault's `handleLoginRequest` → `LoginCreateToken` → `RegisterAuth`, and
 * the router's token-type rule): an auth method has checked the credentials and answered with an
 * `auth` block; the core turns it into a token.
 *
 * - token type: the mount's tuned `token_type` decides (`service` / `batch` force theirs;
 *   `default-service` / `default-batch` let the method choose, falling back to the named type);
 * - display name: the mount path with `/` → `-`, then the method's name, trailing `-` trimmed
 *   (`userpass-bob`, `approle`);
 * - TTL: `CalculateTTL` against the auth mount's limits (method TTL, period, max TTL, explicit max);
 * - policies: sanitized, `default` added unless `token_no_default_policy`; an auth method can never
 *   issue `root`, nor a non-assignable policy;
 * - the token is an orphan, created through the token store at the login path (its lease ID starts
 *   with it, so disabling the method revokes it); the store's create hook registers its lease, with the
 *   method's `auth` kept for renewals. Batch tokens keep no use count, period or explicit max TTL.
 *
 * @module
 */
import type { Clock } from '../clock.js'
import { type TokenAuthInfo, tokenAuth } from '../engines/token/auth.js'
import { calculateTtl, type TtlLimits } from '../engines/token/ttl.js'
import { InternalError, InvalidRequestError, SealedError } from '../errors.js'
import { goQuote } from '../framework/duration.js'
import type { AuthInfo } from './logical.js'
import type { MountEntry } from './mounts.js'
import { NON_ASSIGNABLE_POLICIES, sanitizePolicies, type TokenStore, type TokenType } from './token-store.js'

/** What a login needs of the core. */
export interface LoginDeps {
  tokens: TokenStore
  clock: Clock
}

/** One login: the full request path, the auth mount that answered, its TTL limits, the method's auth. */
export interface LoginInput {
  /** Full request path, e.g. `auth/userpass/login/bob` (the token's path and lease ID prefix). */
  path: string
  /** The auth mount's table entry (its path and tuned `token_type`). */
  mount: Pick<MountEntry, 'path' | 'config'>
  /** The auth mount's effective default and max TTL. */
  limits: TtlLimits
  /** What the auth method answered. */
  auth: AuthInfo
}

/** The created token's auth block and Vault's TTL warnings. */
export interface LoginResult {
  auth: TokenAuthInfo
  warnings: string[]
}

/**
 * The token type of a login (Vault's router): the mount's tuning against what the method asked for.
 *
 * @example
 * ```ts
 * loginTokenType('default-service', 'batch') // 'batch'
 * loginTokenType('service', 'batch')         // 'service'
 * ```
 */
export function loginTokenType(mountType: string | undefined, requested: AuthInfo['tokenType']): TokenType {
  switch (mountType) {
    case 'service':
    case 'batch':
      return mountType
    case 'default-batch':
      return requested === 'service' ? 'service' : 'batch'
    default:
      return requested === 'batch' ? 'batch' : 'service'
  }
}

/**
 * Vault's login display name: `<mount path, "/" → "-">` + the method's display name, a trailing `-`
 * trimmed.
 *
 * @example
 * ```ts
 * loginDisplayName('userpass/', 'bob') // 'userpass-bob'
 * loginDisplayName('approle/', '')     // 'approle'
 * ```
 */
export function loginDisplayName(mountPath: string, name: string): string {
  const full = mountPath.replaceAll('/', '-') + name
  return full.endsWith('-') ? full.slice(0, -1) : full
}

/**
 * Creates the token for a successful login.
 *
 * @example
 * ```ts
 * const { auth, warnings } = await createLoginToken({ tokens, clock }, { path: 'auth/approle/login', mount, limits, auth: resp.auth })
 * ```
 * @throws {InvalidRequestError} 400 `auth methods cannot create root tokens`, `cannot assign policy "x"`.
 * @throws {VaultError} 500 `internal error` when the token or its lease cannot be created, or the TTL
 *   cannot be calculated (`max TTL must be greater than zero`).
 */
export async function createLoginToken(deps: LoginDeps, input: LoginInput): Promise<LoginResult> {
  const { auth, mount, limits } = input
  const type = loginTokenType(mount.config.token_type, auth.tokenType)
  const displayName = loginDisplayName(mount.path, auth.displayName ?? '')
  const { ttl, warnings } = calculateTtl({
    system: limits,
    now: deps.clock.now(),
    backendTtl: auth.ttl ?? 0,
    period: auth.period ?? 0,
    backendMaxTtl: auth.maxTtl ?? 0,
    explicitMaxTtl: auth.explicitMaxTtl ?? 0,
  })
  const tokenPolicies = sanitizePolicies(auth.policies ?? [], auth.noDefaultPolicy !== true)
  for (const policy of tokenPolicies) {
    if (policy === 'root') throw new InvalidRequestError('auth methods cannot create root tokens')
    if (NON_ASSIGNABLE_POLICIES.includes(policy)) {
      throw new InvalidRequestError(`cannot assign policy ${goQuote(policy)}`)
    }
  }
  const batch = type === 'batch'
  const kept: AuthInfo = {
    ...auth,
    displayName,
    policies: tokenPolicies,
    tokenPolicies,
    tokenType: type,
    ttl,
  }
  let entry: Awaited<ReturnType<TokenStore['create']>>
  try {
    entry = await deps.tokens.create({
      policies: tokenPolicies,
      path: input.path,
      meta: auth.metadata && Object.keys(auth.metadata).length > 0 ? auth.metadata : null,
      displayName,
      numUses: batch ? 0 : (auth.numUses ?? 0),
      ttl,
      explicitMaxTtl: batch ? 0 : (auth.explicitMaxTtl ?? 0),
      period: batch ? 0 : (auth.period ?? 0),
      type,
      boundCidrs: auth.boundCidrs ?? [],
      // Vault's zero value: a method that does not say so gets a token that cannot be renewed.
      renewable: auth.renewable === true,
      auth: kept,
    })
  } catch (err) {
    if (err instanceof SealedError) throw err
    // As Vault's RegisterAuth: whatever failed (token or lease), the client learns only this.
    throw new InternalError('internal error', { cause: err })
  }
  return {
    auth: tokenAuth(entry, entry.ttl, entry.renewable, {
      period: batch ? 0 : (auth.period ?? 0),
      explicitMaxTtl: batch ? 0 : (auth.explicitMaxTtl ?? 0),
    }),
    warnings,
  }
}
