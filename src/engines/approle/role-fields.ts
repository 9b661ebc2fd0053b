/**
 * The per-field role endpoints: `role/:role_name/{policies, bound-cidr-list, secret-id-bound-cidrs,
 * token-bound-cidrs, bind-secret-id, secret-id-num-uses, secret-id-ttl, period, token-num-uses,
 * token-ttl, token-max-ttl, local-secret-ids, role-id}` — read, update and delete one setting of a role
 * (Vault's approle `path_role.go`). Updating a missing role is Vault's `unsupported path` (404); reading
 * or deleting one answers nothing.
 *
 * @module
 */
import type { LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import { formatDuration, goQuote } from '../../framework/duration.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { parseAddresses } from '../token/cidr.js'
import { deprecationText, parsePolicies, TOKEN_FIELDS } from '../token/token-fields.js'
import type { AppRoleContext } from './context.js'
import { checkCidrs, ROLE_NAME_FIELD, roleForUpdate } from './path-role.js'
import { loadRole, type RoleEntry, setRoleEntry } from './role.js'
import { SECRET_ID_LOCAL_PREFIX } from './secret-id.js'

const bad = (message: string): never => {
  throw new InvalidRequestError(message)
}

/** One per-field endpoint, as data. */
interface FieldEndpoint {
  suffix: string
  fields: Record<string, FieldSchema>
  read: (role: RoleEntry) => LogicalResponse
  /** Applies the request to the role; `undefined` for read-only endpoints. */
  update?: (role: RoleEntry, d: FieldData, ctx: AppRoleContext) => void
  /** Resets the setting (Vault: to the field's default). */
  reset?: (role: RoleEntry) => void
  synopsis: string
  description: string
}

/** A setting that must be present in an update: its value, or Vault's `missing <field>` (400). */
function required<T>(d: FieldData, field: string, message = `missing ${field}`): T {
  const [value, ok] = d.getOk<T>(field)
  if (!ok) bad(message)
  return value as T
}

/** Vault's `pathRoleBoundCIDRUpdateCommon` for the two secret-ID CIDR endpoints. */
function updateSecretIdCidrs(role: RoleEntry, d: FieldData): void {
  const [cidrs, ok] = d.getFirst<string[]>('secret_id_bound_cidrs', 'bound_cidr_list')
  if (!ok) return
  if ((cidrs ?? []).length === 0) bad('missing bound_cidr_list')
  checkCidrs(cidrs ?? [], 'CIDR blocks', false)
  role.secret_id_bound_cidrs = cidrs ?? []
}

const data = (d: Record<string, unknown>, warnings?: string[]): LogicalResponse => ({
  data: d,
  ...(warnings ? { warnings } : {}),
})

const ENDPOINTS: FieldEndpoint[] = [
  {
    suffix: 'local-secret-ids',
    fields: {},
    read: (role) => data({ local_secret_ids: role.secret_id_prefix === SECRET_ID_LOCAL_PREFIX }),
    synopsis: 'Enables cluster local secret IDs',
    description:
      "If set, the secret IDs generated using this role will be cluster local. This can only be set during role creation and once set, it can't be reset later.",
  },
  {
    suffix: 'policies',
    fields: {
      policies: {
        type: 'commaStringSlice',
        description: deprecationText('token_policies'),
        deprecated: true,
      },
      token_policies: TOKEN_FIELDS.token_policies as FieldSchema,
    },
    read: (role) =>
      data({
        ...(role.policies.length > 0 ? { policies: [...role.policies] } : {}),
        token_policies: [...role.token_policies],
      }),
    update: (role, d) => {
      const [tokenPolicies, hasTokenPolicies] = d.getOk<string[]>('token_policies')
      const [policies, hasPolicies] = d.getOk<string[]>('policies')
      if (hasTokenPolicies) {
        role.token_policies = parsePolicies(tokenPolicies)
        role.policies = hasPolicies ? role.token_policies : []
      } else if (hasPolicies) {
        role.policies = parsePolicies(policies)
        role.token_policies = role.policies
      } else {
        bad('missing token_policies')
      }
    },
    reset: (role) => {
      role.token_policies = []
      role.policies = []
    },
    synopsis: 'Policies of the role.',
    description:
      'A comma-delimited set of Vault policies that defines access to the role. All the Vault tokens with policies that encompass the policy set defined on the role, can access the role.',
  },
  {
    suffix: 'bound-cidr-list',
    fields: {
      bound_cidr_list: {
        type: 'commaStringSlice',
        description:
          'Deprecated: Please use "secret_id_bound_cidrs" instead. Comma separated string or list of CIDR blocks. If set, specifies the blocks of IP addresses which can perform the login operation.',
      },
    },
    read: (role) =>
      data({ bound_cidr_list: role.bound_cidr_list }, [
        'The "bound_cidr_list" field is deprecated and will be removed. Please use "secret_id_bound_cidrs" instead.',
      ]),
    update: updateSecretIdCidrs,
    reset: (role) => {
      role.bound_cidr_list = null
    },
    synopsis:
      'Deprecated: Comma separated list of CIDR blocks, if set, specifies blocks of IP addresses which can perform the login operation',
    description:
      'During login, the IP address of the client will be checked to see if it belongs to the CIDR blocks specified. If CIDR blocks were set and if the IP is not encompassed by it, login fails',
  },
  {
    suffix: 'secret-id-bound-cidrs',
    fields: {
      secret_id_bound_cidrs: {
        type: 'commaStringSlice',
        description:
          'Comma separated string or list of CIDR blocks. If set, specifies the blocks of IP addresses which can perform the login operation.',
      },
    },
    read: (role) => data({ secret_id_bound_cidrs: role.secret_id_bound_cidrs }),
    update: updateSecretIdCidrs,
    reset: (role) => {
      role.secret_id_bound_cidrs = null
    },
    synopsis:
      'Comma separated list of CIDR blocks, if set, specifies blocks of IP addresses which can perform the login operation',
    description:
      'During login, the IP address of the client will be checked to see if it belongs to the CIDR blocks specified. If CIDR blocks were set and if the IP is not encompassed by it, login fails',
  },
  {
    suffix: 'token-bound-cidrs',
    fields: { token_bound_cidrs: TOKEN_FIELDS.token_bound_cidrs as FieldSchema },
    // Vault shows the stored list as is: `null` when there is none.
    read: (role) =>
      data({ token_bound_cidrs: role.token_bound_cidrs.length > 0 ? [...role.token_bound_cidrs] : null }),
    update: (role, d) => {
      const [cidrs, ok] = d.getOk<string[]>('token_bound_cidrs')
      if (!ok) return
      try {
        role.token_bound_cidrs = parseAddresses(cidrs ?? [])
      } catch (e) {
        bad(`failed to parse token_bound_cidrs: ${(e as Error).message}`)
      }
    },
    reset: (role) => {
      role.token_bound_cidrs = []
    },
    synopsis:
      'Comma separated string or list of CIDR blocks. If set, specifies the blocks of IP addresses which can use the returned token.',
    description:
      'During use of the returned token, the IP address of the client will be checked to see if it belongs to the CIDR blocks specified. If CIDR blocks were set and if the IP is not encompassed by it, token use fails',
  },
  {
    suffix: 'bind-secret-id',
    fields: {
      bind_secret_id: {
        type: 'bool',
        default: true,
        description: 'Impose secret_id to be presented when logging in using this role.',
      },
    },
    read: (role) => data({ bind_secret_id: role.bind_secret_id }),
    update: (role, d) => {
      role.bind_secret_id = required<boolean>(d, 'bind_secret_id')
    },
    reset: (role) => {
      role.bind_secret_id = true
    },
    synopsis: 'Impose secret_id to be presented during login using this role.',
    description:
      "By setting this to 'true', during login the field 'secret_id' becomes a mandatory argument. The value of 'secret_id' can be retrieved using 'role/<role_name>/secret-id' endpoint.",
  },
  {
    suffix: 'secret-id-num-uses',
    fields: {
      secret_id_num_uses: {
        type: 'int',
        description: 'Number of times a SecretID can access the role, after which the SecretID will expire.',
      },
    },
    read: (role) => data({ secret_id_num_uses: role.secret_id_num_uses }),
    update: (role, d) => {
      role.secret_id_num_uses = required<number>(d, 'secret_id_num_uses')
      if (role.secret_id_num_uses < 0) bad('secret_id_num_uses cannot be negative')
    },
    reset: (role) => {
      role.secret_id_num_uses = 0
    },
    synopsis: 'Use limit of the SecretID generated against the role.',
    description:
      "If a SecretID is generated/assigned against a role using the 'role/<role_name>/secret-id' or 'role/<role_name>/custom-secret-id' endpoint, then the number of times this SecretID can be used is defined by this option. However, this option may be overridden by the request's 'num_uses' field.",
  },
  {
    suffix: 'secret-id-ttl',
    fields: {
      secret_id_ttl: {
        type: 'duration',
        description:
          'Duration in seconds after which the issued SecretID should expire. Defaults to 0, meaning no expiration.',
      },
    },
    read: (role) => data({ secret_id_ttl: role.secret_id_ttl }),
    update: (role, d) => {
      role.secret_id_ttl = required<number>(d, 'secret_id_ttl')
    },
    reset: (role) => {
      role.secret_id_ttl = 0
    },
    synopsis: 'Duration in seconds of the SecretID generated against the role.',
    description:
      "If a SecretID is generated/assigned against a role using the 'role/<role_name>/secret-id' or 'role/<role_name>/custom-secret-id' endpoint, then the lifetime of this SecretID is defined by this option. However, this option may be overridden by the request's 'ttl' field.",
  },
  {
    suffix: 'period',
    fields: {
      period: { type: 'duration', description: deprecationText('token_period'), deprecated: true },
      token_period: TOKEN_FIELDS.token_period as FieldSchema,
    },
    read: (role) =>
      data({ ...(role.period > 0 ? { period: role.period } : {}), token_period: role.token_period }),
    update: (role, d, ctx) => {
      const [tokenPeriod, hasTokenPeriod] = d.getOk<number>('token_period')
      const [period, hasPeriod] = d.getOk<number>('period')
      if (hasTokenPeriod) {
        role.token_period = tokenPeriod ?? 0
        role.period = hasPeriod ? role.token_period : 0
      } else if (hasPeriod) {
        role.period = period ?? 0
        role.token_period = role.period
      } else {
        bad('missing period')
      }
      const max = ctx.system.maxLeaseTtl()
      if (role.token_period > max) {
        // Vault prints the deprecated `period` here.
        bad(
          `period of ${goQuote(formatDuration(role.period))} is greater than the backend's maximum lease TTL of ${goQuote(formatDuration(max))}`,
        )
      }
    },
    reset: (role) => {
      role.token_period = 0
      role.period = 0
    },
    synopsis: "Updates the value of 'period' on the role",
    description:
      'If set, indicates that the token generated using this role should never expire. The token should be renewed within the duration specified by this value. The renewal duration will be fixed. If the Period in the role is modified, the token will pick up the new value during its next renewal.',
  },
  {
    suffix: 'token-num-uses',
    fields: { token_num_uses: TOKEN_FIELDS.token_num_uses as FieldSchema },
    read: (role) => data({ token_num_uses: role.token_num_uses }),
    update: (role, d) => {
      role.token_num_uses = required<number>(d, 'token_num_uses')
    },
    reset: (role) => {
      role.token_num_uses = 0
    },
    synopsis: 'Number of times issued tokens can be used',
    description:
      'By default, this will be set to zero, indicating that the issued tokens can be used any number of times.',
  },
  {
    suffix: 'token-ttl',
    fields: { token_ttl: TOKEN_FIELDS.token_ttl as FieldSchema },
    read: (role) => data({ token_ttl: role.token_ttl }),
    update: (role, d) => {
      role.token_ttl = required<number>(d, 'token_ttl')
      if (role.token_max_ttl > 0 && role.token_ttl > role.token_max_ttl) {
        bad('token_ttl should not be greater than token_max_ttl')
      }
    },
    reset: (role) => {
      role.token_ttl = 0
    },
    synopsis:
      'Duration in seconds, the lifetime of the token issued by using the SecretID that is generated against this role, before which the token needs to be renewed.',
    description:
      "If SecretIDs are generated against the role, using 'role/<role_name>/secret-id' or the 'role/<role_name>/custom-secret-id' endpoints, and if those SecretIDs are used to perform the login operation, then the value of 'token-ttl' defines the lifetime of the token issued, before which the token needs to be renewed.",
  },
  {
    suffix: 'token-max-ttl',
    fields: { token_max_ttl: TOKEN_FIELDS.token_max_ttl as FieldSchema },
    read: (role) => data({ token_max_ttl: role.token_max_ttl }),
    update: (role, d) => {
      role.token_max_ttl = required<number>(d, 'token_max_ttl')
      if (role.token_max_ttl > 0 && role.token_ttl > role.token_max_ttl) {
        bad('token_max_ttl should be greater than or equal to token_ttl')
      }
    },
    reset: (role) => {
      role.token_max_ttl = 0
    },
    synopsis:
      'Duration in seconds, the maximum lifetime of the tokens issued by using the SecretIDs that were generated against this role, after which the tokens are not allowed to be renewed.',
    description:
      "If SecretIDs are generated against the role using 'role/<role_name>/secret-id' or the 'role/<role_name>/custom-secret-id' endpoints, and if those SecretIDs are used to perform the login operation, then the value of 'token-max-ttl' defines the maximum lifetime of the tokens issued, after which the tokens cannot be renewed. A reauthentication is required after this duration. This value will be capped by the backend mount's maximum TTL value.",
  },
]

/** Runs `fn` on the named role under its lock. */
function withRole<T>(ctx: AppRoleContext, d: FieldData, fn: (name: string) => Promise<T>) {
  const name = d.get<string>('role_name')
  return ctx.locks.run(`role/${name.toLowerCase()}`, () => fn(name))
}

/** The per-field paths, and `role/:role_name/role-id`. */
export function roleFieldPaths(ctx: AppRoleContext): PathDefinition[] {
  const paths = ENDPOINTS.map((e) =>
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/${e.suffix}`,
      fields: { role_name: ROLE_NAME_FIELD, ...e.fields },
      operations: {
        read: (req, d) =>
          withRole(ctx, d, async (name) => {
            const role = await loadRole(req.storage, name)
            return role ? e.read(role) : null
          }),
        ...(e.update
          ? {
              update: (req, d) =>
                withRole(ctx, d, async (name) => {
                  const role = await roleForUpdate(req.storage, name)
                  e.update?.(role, d, ctx)
                  await setRoleEntry(ctx, req.storage, role, '')
                  return null
                }),
            }
          : {}),
        ...(e.reset
          ? {
              delete: (req, d) =>
                withRole(ctx, d, async (name) => {
                  const role = await loadRole(req.storage, name)
                  if (!role) return null
                  e.reset?.(role)
                  await setRoleEntry(ctx, req.storage, role, '')
                  return null
                }),
            }
          : {}),
      },
      synopsis: e.synopsis,
      description: e.description,
    }),
  )
  paths.push(
    definePath({
      pattern: `role/${genericNameRegex('role_name')}/role-id`,
      fields: {
        role_name: ROLE_NAME_FIELD,
        role_id: { type: 'string', description: 'Identifier of the role. Defaults to a UUID.' },
      },
      operations: {
        read: (req, d) =>
          withRole(ctx, d, async (name) => {
            const role = await loadRole(req.storage, name)
            return role ? { data: { role_id: role.role_id } } : null
          }),
        update: (req, d) =>
          withRole(ctx, d, async (name) => {
            const role = await roleForUpdate(req.storage, name)
            const previous = role.role_id
            role.role_id = d.get<string>('role_id')
            if (role.role_id === '') bad('missing role_id')
            await setRoleEntry(ctx, req.storage, role, previous)
            return null
          }),
      },
      synopsis: "Returns the 'role_id' of the role.",
      description:
        "If login is performed from an role, then its 'role_id' should be presented as a credential during the login. This 'role_id' can be retrieved using this endpoint.",
    }),
  )
  return paths
}
