/**
 * Secret IDs of a role: `role/:role_name/secret-id` (generate; LIST accessors),
 * `role/:role_name/custom-secret-id`, `…/secret-id/lookup`, `…/secret-id/destroy`,
 * `…/secret-id-accessor/lookup`, `…/secret-id-accessor/destroy` (Vault's approle `path_role.go`).
 *
 * Every lookup and destroy reads the secret ID inside the folder of the role named in the path: an
 * accessor (or secret ID) of another role is not found there (CVE-2023-24999: accessors of one role
 * could destroy another role's secret IDs).
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError, NotFoundError, PermissionDeniedError, VaultError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { uuid } from '../../util/encoding.js'
import { subsetBlocks } from '../token/cidr.js'
import { goQuoteList } from '../token/policies.js'
import { TOKEN_FIELDS } from '../token/token-fields.js'
import { type AppRoleContext, plainError } from './context.js'
import { parseMetadata } from './metadata.js'
import { checkCidrs, ROLE_NAME_FIELD } from './path-role.js'
import { loadRole, type RoleEntry, roleMissing, roleNameHmac } from './role.js'
import {
  accessorEntry,
  deleteAccessor,
  deriveSecretIdTtl,
  loadSecretId,
  registerSecretId,
  secretIdData,
  secretIdHmac,
  secretIdKey,
} from './secret-id.js'

const bad = (message: string): never => {
  throw new InvalidRequestError(message)
}

/**
 * Vault's `verifyCIDRRoleSecretIDSubset`: CIDRs set on a secret ID must lie within the role's (bare
 * addresses on the role count as /32).
 *
 * @throws {VaultError} 500 `failed to verify subset relationship between CIDR blocks on the role … and
 *   CIDR blocks on the secret ID …`.
 */
export function verifyCidrSubset(
  secretIdCidrs: readonly string[],
  roleCidrs: readonly string[] | null,
): void {
  if (secretIdCidrs.length === 0 || !roleCidrs || roleCidrs.length === 0) return
  const role = roleCidrs.map((b) => (b.includes('/') ? b : `${b}/32`))
  const { subset, error } = subsetBlocks(role, secretIdCidrs)
  if (subset && error === null) return
  throw plainError(
    `failed to verify subset relationship between CIDR blocks on the role ${goQuoteList(role)} and CIDR blocks on the secret ID ${goQuoteList(secretIdCidrs)}: ${error ?? '%!w(<nil>)'}`,
  )
}

const GENERATE_FIELDS: Record<string, FieldSchema> = {
  role_name: ROLE_NAME_FIELD,
  metadata: {
    type: 'string',
    description:
      'Metadata to be tied to the SecretID. This should be a JSON formatted string containing the metadata in key value pairs.',
  },
  cidr_list: {
    type: 'commaStringSlice',
    description:
      "Comma separated string or list of CIDR blocks enforcing secret IDs to be used from specific set of IP addresses. If 'bound_cidr_list' is set on the role, then the list of CIDR blocks listed here should be a subset of the CIDR blocks listed on the role.",
  },
  token_bound_cidrs: TOKEN_FIELDS.token_bound_cidrs as FieldSchema,
  num_uses: {
    type: 'int',
    description:
      "Number of times this SecretID can be used, after which the SecretID expires. Overrides secret_id_num_uses role option when supplied. May not be higher than role's secret_id_num_uses.",
  },
  ttl: {
    type: 'duration',
    description:
      "Duration in seconds after which this SecretID expires. Overrides secret_id_ttl role option when supplied. May not be longer than role's secret_id_ttl.",
  },
}

/** Vault's `handleRoleSecretIDCommon`: issues `secretId` against the role. */
async function issueSecretId(
  ctx: AppRoleContext,
  req: LogicalRequest,
  d: FieldData,
  secretId: string,
): Promise<LogicalResponse> {
  const name = d.get<string>('role_name')
  if (secretId === '') bad('missing secret_id')
  return ctx.locks.run(`role/${name.toLowerCase()}`, async () => {
    const role = await loadRole(req.storage, name)
    if (!role) {
      const message = `role ${goQuote(name)} does not exist`
      throw new VaultError('ERR_UNSUPPORTED_PATH', 404, message, { errors: [message] })
    }
    if (!role.bind_secret_id) bad('bind_secret_id is not set on the role')
    const cidrs = d.get<string[]>('cidr_list')
    if (cidrs.length > 0) checkCidrs(cidrs, 'CIDR blocks')
    verifyCidrSubset(cidrs, role.secret_id_bound_cidrs)
    const tokenCidrs = d.get<string[]>('token_bound_cidrs')
    if (tokenCidrs.length > 0) checkCidrs(tokenCidrs, 'token CIDR blocks')
    verifyCidrSubset(tokenCidrs, role.token_bound_cidrs)

    let numUses = role.secret_id_num_uses
    const [requestedUses, hasUses] = d.getOk<number>('num_uses')
    if (hasUses) {
      numUses = requestedUses ?? 0
      if (numUses < 0) bad('num_uses cannot be negative')
      const roleUses = role.secret_id_num_uses
      if ((numUses === 0 && roleUses > 0) || (roleUses > 0 && numUses > roleUses)) {
        bad("num_uses cannot be higher than the role's secret_id_num_uses")
      }
    }
    let ttl = role.secret_id_ttl
    const [requestedTtl, hasTtl] = d.getOk<number>('ttl')
    if (hasTtl) {
      ttl = requestedTtl ?? 0
      const roleTtl = role.secret_id_ttl
      if ((ttl === 0 && roleTtl > 0) || (roleTtl > 0 && ttl > roleTtl)) {
        bad("ttl cannot be longer than the role's secret_id_ttl")
      }
    }
    let metadata: Record<string, string>
    try {
      metadata = parseMetadata(d.get<string>('metadata'))
    } catch (e) {
      return bad(`failed to parse metadata: ${(e as Error).message}`)
    }
    const stored = await registerSecretId(ctx, req.storage, role, roleNameHmac(ctx, role), secretId, {
      secret_id_num_uses: numUses,
      secret_id_ttl: ttl,
      metadata,
      cidr_list: cidrs,
      token_bound_cidrs: tokenCidrs,
    })
    return {
      data: {
        secret_id: secretId,
        secret_id_accessor: stored.secret_id_accessor,
        secret_id_num_uses: stored.secret_id_num_uses,
        secret_id_ttl: deriveSecretIdTtl(ctx, stored.secret_id_ttl),
      },
    }
  })
}

/** Loads the role a lookup or destroy names; Vault answers a missing one with a plain error (500). */
async function existingRole(req: LogicalRequest, name: string): Promise<RoleEntry> {
  const role = await loadRole(req.storage, name)
  if (!role) throw roleMissing(name)
  return role
}

/** Secret-ID lookup and destroy by the secret ID itself. */
function bySecretId(ctx: AppRoleContext, destroy: boolean): OperationHandler {
  return async (req, d) => {
    const name = d.get<string>('role_name')
    const secretId = d.get<string>('secret_id')
    if (secretId === '') bad('missing secret_id')
    const role = await existingRole(req, name)
    const hmac = secretIdHmac(ctx, role, secretId)
    const key = secretIdKey(role, roleNameHmac(ctx, role), hmac)
    return ctx.locks.run(`secret/${hmac}`, async () => {
      const entry = await loadSecretId(req.storage, key)
      if (!entry) return null
      if (destroy) {
        await deleteAccessor(ctx, req.storage, entry.secret_id_accessor, role.secret_id_prefix)
        await req.storage.delete(key)
        return null
      }
      // A secret ID without its accessor is invalid: Vault deletes it on sight.
      if (!(await accessorEntry(ctx, req.storage, entry.secret_id_accessor, role.secret_id_prefix))) {
        await req.storage.delete(key)
        bad('invalid secret id')
      }
      return { data: secretIdData(entry) }
    })
  }
}

/** Secret-ID lookup and destroy by accessor. */
function byAccessor(ctx: AppRoleContext, destroy: boolean): OperationHandler {
  return async (req, d) => {
    const name = d.get<string>('role_name')
    const accessor = d.get<string>('secret_id_accessor')
    if (accessor === '') bad('missing secret_id_accessor')
    const role = await existingRole(req, name)
    const found = await accessorEntry(ctx, req.storage, accessor, role.secret_id_prefix)
    if (!found) {
      const message = `failed to find accessor entry for secret_id_accessor: ${goQuote(accessor)}`
      throw destroy ? plainError(message) : new NotFoundError(message)
    }
    // Only inside this role's folder: another role's accessor finds nothing here.
    const key = secretIdKey(role, roleNameHmac(ctx, role), found.secret_id_hmac)
    return ctx.locks.run(`secret/${found.secret_id_hmac}`, async () => {
      const entry = await loadSecretId(req.storage, key)
      if (!destroy) return entry ? { data: secretIdData(entry) } : null
      if (!entry) throw new PermissionDeniedError('invalid secret id accessor')
      await deleteAccessor(ctx, req.storage, accessor, role.secret_id_prefix)
      await req.storage.delete(key)
      return null
    })
  }
}

/** Vault's `pathRoleSecretIDList`: the accessors of a role's secret IDs. */
function listAccessors(ctx: AppRoleContext): OperationHandler {
  return async (req, d) => {
    const name = d.get<string>('role_name')
    const role = await loadRole(req.storage, name)
    if (!role) bad(`role ${goQuote(name)} does not exist`)
    const r = role as RoleEntry
    const folder = `${r.secret_id_prefix}${roleNameHmac(ctx, r)}/`
    const keys: string[] = []
    for (const hmac of await req.storage.list(folder)) {
      if (hmac === '' || hmac.endsWith('/')) continue
      const entry = await loadSecretId(req.storage, folder + hmac)
      if (!entry) throw plainError('storage entry for SecretID is present but no content found at the index')
      keys.push(entry.secret_id_accessor)
    }
    return { data: { keys } }
  }
}

const SECRET_ID_FIELD: FieldSchema = { type: 'string', description: 'SecretID attached to the role.' }
const ACCESSOR_FIELD: FieldSchema = { type: 'string', description: 'Accessor of the SecretID' }

/** The secret-ID paths. */
export function secretIdPaths(ctx: AppRoleContext): PathDefinition[] {
  const role = `role/${genericNameRegex('role_name')}`
  return [
    definePath({
      pattern: `${role}/secret-id/?`,
      fields: GENERATE_FIELDS,
      operations: {
        update: (req, d) => issueSecretId(ctx, req, d, uuid()),
        list: listAccessors(ctx),
      },
      synopsis: 'Generate a SecretID against this role.',
      description:
        "The SecretID generated using this endpoint will be scoped to access just this role and none else. The properties of this SecretID will be based on the options set on the role. It will expire after a period defined by the 'ttl' field or 'secret_id_ttl' option on the role, and/or the backend mount's maximum TTL value.",
    }),
    definePath({
      pattern: `${role}/secret-id/lookup/?`,
      fields: { role_name: ROLE_NAME_FIELD, secret_id: SECRET_ID_FIELD },
      operations: { update: bySecretId(ctx, false) },
      synopsis: 'Read the properties of an issued secret_id',
      description: 'This endpoint is used to read the properties of a secret_id associated to a role.',
    }),
    definePath({
      pattern: `${role}/secret-id/destroy/?`,
      fields: { role_name: ROLE_NAME_FIELD, secret_id: SECRET_ID_FIELD },
      operations: { update: bySecretId(ctx, true), delete: bySecretId(ctx, true) },
      synopsis: 'Invalidate an issued secret_id',
      description: 'This endpoint is used to delete the properties of a secret_id associated to a role.',
    }),
    definePath({
      pattern: `${role}/secret-id-accessor/lookup/?`,
      fields: { role_name: ROLE_NAME_FIELD, secret_id_accessor: ACCESSOR_FIELD },
      operations: { update: byAccessor(ctx, false) },
      synopsis: 'Read an issued secret_id, using its accessor',
      description:
        "This is particularly useful to lookup the non-expiring 'secret_id's. The list operation on the 'role/<role_name>/secret-id' endpoint will return the 'secret_id_accessor's. This endpoint can be used to read the properties of the secret. If the 'secret_id_num_uses' field in the response is 0, it represents a non-expiring 'secret_id'.",
    }),
    definePath({
      pattern: `${role}/secret-id-accessor/destroy/?`,
      fields: { role_name: ROLE_NAME_FIELD, secret_id_accessor: ACCESSOR_FIELD },
      operations: { update: byAccessor(ctx, true), delete: byAccessor(ctx, true) },
      synopsis: 'Delete an issued secret_id, using its accessor',
      description:
        "This is particularly useful to clean-up the non-expiring 'secret_id's. The list operation on the 'role/<role_name>/secret-id' endpoint will return the 'secret_id_accessor's. This endpoint can be used to read the properties of the secret. If the 'secret_id_num_uses' field in the response is 0, it represents a non-expiring 'secret_id'.",
    }),
    definePath({
      pattern: `${role}/custom-secret-id`,
      fields: {
        ...GENERATE_FIELDS,
        secret_id: { type: 'string', description: 'SecretID to be attached to the role.' },
      },
      operations: { update: (req, d) => issueSecretId(ctx, req, d, d.get<string>('secret_id')) },
      synopsis: 'Assign a SecretID of choice against the role.',
      description:
        "This option is not recommended unless there is a specific need to do so. This will assign a client supplied SecretID to be used to access the role. This SecretID will behave similarly to the SecretIDs generated by the backend. The properties of this SecretID will be based on the options set on the role. It will expire after a period defined by the 'ttl' field or 'secret_id_ttl' option on the role, and/or the backend mount's maximum TTL value.",
    }),
  ]
}
