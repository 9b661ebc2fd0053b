/**
 * `role/` (LIST) and `role/:role_name` (create, read, update, delete): AppRole roles and their
 * constraints and token settings (Vault's approle `path_role.go`, `pathRoleCreateUpdate` and friends).
 *
 * @module
 */
import { InvalidRequestError, UnsupportedPathError, VaultError } from '../../errors.js'
import { formatDuration, goQuote } from '../../framework/duration.js'
import type { FieldSchema } from '../../framework/fields.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { uuid } from '../../util/encoding.js'
import { validateCidrList } from '../token/cidr.js'
import {
  deprecationText,
  parsePolicies,
  parseTokenFields,
  tokenData,
  tokenFields,
  upgradeValue,
} from '../token/token-fields.js'
import { type AppRoleContext, MAX_HMAC_INPUT_LENGTH, plainError } from './context.js'
import {
  deleteRoleIdEntry,
  flushRoleSecrets,
  hasConstraint,
  loadRole,
  newRole,
  ROLE_PREFIX,
  type RoleEntry,
  roleIdEntry,
  setRoleEntry,
  setRoleIdEntry,
} from './role.js'
import { SECRET_ID_LOCAL_PREFIX } from './secret-id.js'

/** The `role_name` field every role path has. */
export const ROLE_NAME_FIELD: FieldSchema = {
  type: 'string',
  description: `Name of the role. Must be less than ${MAX_HMAC_INPUT_LENGTH} bytes.`,
}

const ROLE_FIELDS: Record<string, FieldSchema> = {
  role_name: ROLE_NAME_FIELD,
  bind_secret_id: {
    type: 'bool',
    default: true,
    description: "Impose secret_id to be presented when logging in using this role. Defaults to 'true'.",
  },
  bound_cidr_list: {
    type: 'commaStringSlice',
    description: 'Use "secret_id_bound_cidrs" instead.',
    deprecated: true,
  },
  secret_id_bound_cidrs: {
    type: 'commaStringSlice',
    description:
      'Comma separated string or list of CIDR blocks. If set, specifies the blocks of IP addresses which can perform the login operation.',
  },
  policies: { type: 'commaStringSlice', description: deprecationText('token_policies'), deprecated: true },
  secret_id_num_uses: {
    type: 'int',
    description:
      'Number of times a SecretID can access the role, after which the SecretID will expire. Defaults to 0 meaning that the the secret_id is of unlimited use.',
  },
  secret_id_ttl: {
    type: 'duration',
    description:
      'Duration in seconds after which the issued SecretID should expire. Defaults to 0, meaning no expiration.',
  },
  period: { type: 'duration', description: deprecationText('token_period'), deprecated: true },
  role_id: { type: 'string', description: 'Identifier of the role. Defaults to a UUID.' },
  local_secret_ids: {
    type: 'bool',
    description:
      "If set, the secret IDs generated using this role will be cluster local. This can only be set during role creation and once set, it can't be reset later.",
  },
  ...tokenFields(),
}

const bad = (message: string): never => {
  throw new InvalidRequestError(message)
}

/**
 * Vault's `failed to validate CIDR blocks: …` for a list that is not all CIDRs: a plain error (500) on
 * role writes and secret-ID generation, a 400 on the CIDR sub-endpoints (`plain: false`).
 */
export function checkCidrs(blocks: readonly string[], what: string, plain = true): void {
  try {
    validateCidrList(blocks)
  } catch (e) {
    const message = `failed to validate ${what}: ${(e as Error).message}`
    throw plain ? plainError(message, e) : new InvalidRequestError(message, { cause: e })
  }
}

/** Go's `time.Duration.String()` of seconds, quoted. */
const quotedDuration = (seconds: number) => goQuote(formatDuration(seconds))

/** A role as `GET role/:role_name` shows it (Vault's `pathRoleRead`), keys sorted. */
function roleData(role: RoleEntry): Record<string, unknown> {
  const data: Record<string, unknown> = {
    bind_secret_id: role.bind_secret_id,
    secret_id_bound_cidrs: role.secret_id_bound_cidrs,
    secret_id_num_uses: role.secret_id_num_uses,
    secret_id_ttl: role.secret_id_ttl,
    local_secret_ids: role.secret_id_prefix === SECRET_ID_LOCAL_PREFIX,
    ...tokenData(role),
  }
  if (role.period !== 0) data.period = role.period
  if (role.policies.length > 0) data.policies = [...role.policies]
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/** Vault's `pathRoleCreateUpdate`. */
function writeRole(ctx: AppRoleContext): OperationHandler {
  return async (req, d) => {
    const name = d.get<string>('role_name')
    if (name === '') bad('missing role_name')
    if (new TextEncoder().encode(name).length > MAX_HMAC_INPUT_LENGTH) {
      bad(`role_name is longer than maximum of ${MAX_HMAC_INPUT_LENGTH} bytes`)
    }
    return ctx.locks.run(`role/${name.toLowerCase()}`, async () => {
      const creating = req.operation === 'create'
      let role = await loadRole(req.storage, name)
      if (!role) {
        if (!creating) {
          const message = `role name ${goQuote(name)} doesn't exist`
          throw new VaultError('ERR_UNSUPPORTED_PATH', 404, message, { errors: [message] })
        }
        role = newRole(name, uuid())
      }
      const warnings: string[] = []
      // Backwards compatibility, as Vault: the token-store-only types mean their plain counterparts.
      const rawType = d.raw.token_type
      if (rawType === 'default-service' || rawType === 'default-batch') {
        const plain = rawType === 'default-service' ? 'service' : 'batch'
        d.raw.token_type = plain
        warnings.push(`${rawType} has no useful meaning; adjusting to ${plain}`)
      }
      try {
        parseTokenFields(role, d)
      } catch (e) {
        bad((e as Error).message)
      }
      const [localSecretIds, hasLocal] = d.getOk<boolean>('local_secret_ids')
      if (hasLocal) {
        if (!creating) bad('local_secret_ids can only be modified during role creation')
        if (localSecretIds) role.secret_id_prefix = SECRET_ID_LOCAL_PREFIX
      }
      const previousRoleId = role.role_id
      const [roleId, hasRoleId] = d.getOk<string>('role_id')
      if (hasRoleId) role.role_id = roleId ?? ''
      else if (creating) role.role_id = uuid()
      if (role.role_id === '') bad('invalid role_id supplied, or failed to generate a role_id')

      const [bind, hasBind] = d.getOk<boolean>('bind_secret_id')
      if (hasBind) role.bind_secret_id = bind ?? false
      else if (creating) role.bind_secret_id = d.get<boolean>('bind_secret_id')

      const [cidrs, hasCidrs] = d.getFirst<string[]>('secret_id_bound_cidrs', 'bound_cidr_list')
      if (hasCidrs) role.secret_id_bound_cidrs = cidrs ?? []
      if ((role.secret_id_bound_cidrs?.length ?? 0) > 0) {
        checkCidrs(role.secret_id_bound_cidrs ?? [], 'CIDR blocks')
      }

      const [numUses, hasNumUses] = d.getOk<number>('secret_id_num_uses')
      if (hasNumUses) role.secret_id_num_uses = numUses ?? 0
      if (role.secret_id_num_uses < 0) bad('secret_id_num_uses cannot be negative')
      const [secretTtl, hasSecretTtl] = d.getOk<number>('secret_id_ttl')
      if (hasSecretTtl) role.secret_id_ttl = secretTtl ?? 0

      ;[role.policies, role.token_policies] = upgradeValue(
        d,
        'policies',
        'token_policies',
        [role.policies, role.token_policies],
        [],
        parsePolicies,
      )
      ;[role.period, role.token_period] = upgradeValue(
        d,
        'period',
        'token_period',
        [role.period, role.token_period],
        0,
      )
      const mountMax = ctx.system.maxLeaseTtl()
      // Vault compares the deprecated `period` here (not token_period).
      if (role.period > mountMax) {
        bad(
          `period of ${quotedDuration(role.period)} is greater than the backend's maximum lease TTL of ${quotedDuration(mountMax)}`,
        )
      }
      if (role.token_max_ttl > mountMax) {
        warnings.push(
          "token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
        )
      }
      await setRoleEntry(ctx, req.storage, role, previousRoleId, warnings.length > 0)
      return warnings.length > 0 ? { data: null, warnings } : null
    })
  }
}

/** The role paths: `role/` and `role/:role_name`. */
export function rolePaths(ctx: AppRoleContext): PathDefinition[] {
  const write = writeRole(ctx)
  return [
    definePath({
      pattern: 'role/?',
      operations: {
        list: async (req) => ({
          data: { keys: (await req.storage.list(ROLE_PREFIX)).filter((k) => !k.endsWith('/')) },
        }),
      },
      synopsis: 'Lists all the roles registered with the backend.',
      description: 'The list will contain the names of the roles.',
    }),
    definePath({
      pattern: `role/${genericNameRegex('role_name')}`,
      fields: ROLE_FIELDS,
      existenceCheck: async (req, d) => {
        const name = d.get<string>('role_name')
        if (name === '') throw plainError('missing role_name')
        return (await loadRole(req.storage, name)) !== null
      },
      operations: {
        read: async (req, d) => {
          const name = d.get<string>('role_name')
          return ctx.locks.run(`role/${name.toLowerCase()}`, async () => {
            const role = await loadRole(req.storage, name)
            if (!role) return null
            const warnings: string[] = []
            if (!hasConstraint(role)) {
              warnings.push(
                'Role does not have any constraints set on it. Updates to this role will require a constraint to be set',
              )
            }
            // As Vault: a role whose role-ID index went missing gets it back, with a warning.
            if (!(await roleIdEntry(ctx, req.storage, role.role_id))) {
              await setRoleIdEntry(ctx, req.storage, role.role_id, role.name)
              warnings.push(
                'Role identifier was missing an index back to role name. A new index has been added. Please report this observation.',
              )
            }
            return { data: roleData(role), ...(warnings.length > 0 ? { warnings } : {}) }
          })
        },
        create: write,
        update: write,
        delete: async (req, d) => {
          const name = d.get<string>('role_name')
          return ctx.locks.run(`role/${name.toLowerCase()}`, async () => {
            const role = await loadRole(req.storage, name)
            if (!role) return null
            // The role's secret IDs first, then its role-ID index, then the role.
            await flushRoleSecrets(ctx, req.storage, role)
            await deleteRoleIdEntry(ctx, req.storage, role.role_id)
            await req.storage.delete(ROLE_PREFIX + role.name.toLowerCase())
            return null
          })
        },
      },
      synopsis: 'Register an role with the backend.',
      description:
        "A role can represent a service, a machine or anything that can be IDed. The set of policies on the role defines access to the role, meaning, any Vault token with a policy set that is a superset of the policies on the role registered here will have access to the role. If a SecretID is desired to be generated against only this specific role, it can be done via 'role/<role_name>/secret-id' and 'role/<role_name>/custom-secret-id' endpoints. The properties of the SecretID created against the role and the properties of the token issued with the SecretID generated against the role, can be configured using the fields of this endpoint.",
    }),
  ]
}

/**
 * Loads a role for a sub-endpoint's update: a missing role is Vault's `ErrUnsupportedPath` (404).
 *
 * @example
 * ```ts
 * const role = await roleForUpdate(req.storage, name)
 * ```
 */
export async function roleForUpdate(
  storage: Parameters<typeof loadRole>[0],
  name: string,
): Promise<RoleEntry> {
  const role = await loadRole(storage, name)
  if (!role) throw new UnsupportedPathError()
  return role
}
