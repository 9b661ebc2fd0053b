/**
 * `login`: exchanges a role ID (and, for `bind_secret_id` roles, a secret ID) for the `auth` the core
 * turns into a token; and the renewal of those tokens (Vault's approle `path_login.go`).
 *
 * Brute-force and enumeration safety, next to the logic it protects:
 * - an unknown role ID, an unknown, used-up, expired or foreign secret ID all answer the same 400
 *   `invalid role or secret ID` (Vault's wording); Vault echoes the secret ID in one rare message
 *   (`invalid secret_id "…"`) — vaultlet answers that case with the same message too;
 * - a secret ID's use count is read, decremented and written under a lock keyed by the secret ID's
 *   HMAC, so a secret ID with `num_uses = n` logs in exactly n times however many logins race;
 * - a secret ID past its `expiration_time` is refused and removed at once (Vault leaves that to its
 *   once-a-minute tidy).
 *
 * @module
 */
import type { AuthInfo, LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { ipBelongsToCidrs, parseAddresses } from '../token/cidr.js'
import { populateTokenAuth } from '../token/token-fields.js'
import { type AppRoleContext, plainError } from './context.js'
import { verifyCidrSubset } from './path-secret-id.js'
import { loadRole, type RoleEntry, roleIdEntry, roleNameHmac } from './role.js'
import {
  accessorEntry,
  deleteAccessor,
  loadSecretId,
  type SecretIdEntry,
  saveSecretId,
  secretIdHmac,
  secretIdKey,
} from './secret-id.js'

const INVALID = 'invalid role or secret ID'

/** The caller's address, or Vault's `failed to get connection information` (500). */
function remoteAddress(req: LogicalRequest): string {
  const addr = req.connection?.remoteAddress
  if (!addr) throw plainError('failed to get connection information')
  return addr
}

/** Vault's refusal text for an address outside a CIDR list (its `%w` of a nil error included). */
function unauthorized(addr: string, on: string, error: string | null): InvalidRequestError {
  return new InvalidRequestError(
    `source address ${goQuote(addr)} unauthorized by CIDR restrictions on the ${on}: ${error ?? '%!w(<nil>)'}`,
  )
}

/**
 * Validates and spends one use of a secret ID, under its lock. Returns the entry as it was when used.
 */
async function useSecretId(
  ctx: AppRoleContext,
  req: LogicalRequest,
  role: RoleEntry,
  secretId: string,
): Promise<SecretIdEntry> {
  const hmac = secretIdHmac(ctx, role, secretId)
  const key = secretIdKey(role, roleNameHmac(ctx, role), hmac)
  const entry = await ctx.locks.run(`secret/${hmac}`, async () => {
    const found = await loadSecretId(req.storage, key)
    if (!found) throw new InvalidRequestError(INVALID)
    // Without its accessor a secret ID is invalid; without time left it is expired. Either way it goes.
    const expired = found.expiration_time > 0 && ctx.clock.now() >= found.expiration_time
    const indexed = await accessorEntry(ctx, req.storage, found.secret_id_accessor, role.secret_id_prefix)
    if (!indexed || expired) {
      if (indexed) await deleteAccessor(ctx, req.storage, found.secret_id_accessor, role.secret_id_prefix)
      await req.storage.delete(key)
      throw new InvalidRequestError(INVALID)
    }
    if (found.secret_id_num_uses === 1) {
      // The last use: the secret ID goes now, so every later (or racing) login fails.
      await deleteAccessor(ctx, req.storage, found.secret_id_accessor, role.secret_id_prefix)
      await req.storage.delete(key)
    } else if (found.secret_id_num_uses > 1) {
      await saveSecretId(req.storage, key, {
        ...found,
        secret_id_num_uses: found.secret_id_num_uses - 1,
        last_updated_time: ctx.clock.now(),
      })
    }
    return found
  })
  // As Vault, the CIDR checks come after the use is spent.
  verifyCidrSubset(entry.cidr_list, role.secret_id_bound_cidrs)
  if (entry.cidr_list.length > 0) {
    const addr = remoteAddress(req)
    const { belongs, error } = ipBelongsToCidrs(addr, entry.cidr_list)
    if (entry.secret_id_num_uses === 0) {
      if (error !== null) throw new InvalidRequestError(error)
      if (!belongs) {
        throw new InvalidRequestError(
          `source address ${goQuote(addr)} unauthorized through CIDR restrictions on the secret ID`,
        )
      }
    } else if (!belongs) {
      throw unauthorized(addr, 'secret ID', error)
    }
  }
  return entry
}

/** Vault's `pathLoginUpdate`. */
async function login(ctx: AppRoleContext, req: LogicalRequest, d: FieldData): Promise<LogicalResponse> {
  const roleId = d.get<string>('role_id').trim()
  if (roleId === '') throw new InvalidRequestError('missing role_id')
  const index = await roleIdEntry(ctx, req.storage, roleId)
  if (!index) throw new InvalidRequestError(INVALID)
  const role = await loadRole(req.storage, index.name)
  if (!role) throw new InvalidRequestError(INVALID)

  let metadata: Record<string, string> = {}
  let entry: SecretIdEntry | null = null
  if (role.bind_secret_id) {
    const secretId = d.get<string>('secret_id').trim()
    if (secretId === '') throw new InvalidRequestError('missing secret_id')
    entry = await useSecretId(ctx, req, role, secretId)
    metadata = { ...entry.metadata }
  }
  const roleCidrs = role.secret_id_bound_cidrs ?? []
  if (roleCidrs.length > 0) {
    const addr = remoteAddress(req)
    const { belongs, error } = ipBelongsToCidrs(addr, roleCidrs)
    if (!belongs || error !== null) throw unauthorized(addr, 'role', error)
  }
  let tokenCidrs = role.token_bound_cidrs
  if (entry && entry.token_bound_cidrs.length > 0) {
    try {
      tokenCidrs = parseAddresses(entry.token_bound_cidrs)
    } catch (e) {
      throw new InvalidRequestError((e as Error).message)
    }
  }
  // Always the role name, for later filtering (Vault).
  metadata.role_name = role.name
  const auth: AuthInfo = {
    ...populateTokenAuth(role),
    internalData: { role_name: role.name },
    metadata,
    boundCidrs: [...tokenCidrs],
  }
  return { auth }
}

/** The login path. */
export function loginPaths(ctx: AppRoleContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'login',
      fields: {
        role_id: {
          type: 'string',
          description:
            "Unique identifier of the Role. Required to be supplied when the 'bind_secret_id' constraint is set.",
        },
        secret_id: { type: 'string', default: '', description: 'SecretID belong to the App role' },
      },
      operations: { update: (req, d) => login(ctx, req, d) },
      synopsis: 'Issue a token based on the credentials supplied',
      description:
        "While the credential 'role_id' is required at all times, other credentials required depends on the properties App role to which the 'role_id' belongs to. The 'bind_secret_id' constraint (enabled by default) on the App role requires the 'secret_id' credential to be presented.\n\n'role_id' is fetched using the 'role/<role_name>/role_id' endpoint and 'secret_id' is fetched using the 'role/<role_name>/secret_id' endpoint.",
    }),
  ]
}

/**
 * Renewal of an AppRole token (Vault's `pathLoginRenew`): the role must still exist; its current token
 * TTL, max TTL and period apply.
 */
export const appRoleRenew: OperationHandler = async (req) => {
  const auth = req.auth
  const name = auth?.internalData?.role_name
  if (!auth || typeof name !== 'string' || name === '') {
    throw plainError('failed to fetch role_name during renewal')
  }
  const role = await loadRole(req.storage, name)
  if (!role) throw plainError(`role ${goQuote(name)} does not exist during renewal`)
  return { auth: { ...auth, ttl: role.token_ttl, maxTtl: role.token_max_ttl, period: role.token_period } }
}
