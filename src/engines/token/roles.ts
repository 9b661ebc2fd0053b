/**
 * `auth/token/roles` (LIST) and `auth/token/roles/:role_name` (create, read, update, delete): token roles
 * let a caller create tokens with policies outside its own (allowed / disallowed lists, with globs),
 * orphans without sudo, periodic tokens, batch tokens, bound CIDRs and a path suffix.
 *
 * Roles live in the mount's storage view under `roles/` (Vault keeps them in `sys/token/roles/`).
 *
 * @module
 */

import { sanitizePolicies } from '../../core/token-store.js'
import { InvalidRequestError } from '../../errors.js'
import { goQuote } from '../../framework/duration.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex, optionalEndsInSlash } from '../../framework/patterns.js'
import type { Storage } from '../../storage/view.js'
import { parseAddresses } from './cidr.js'
import type { TokenContext } from './core.js'
import { removeDuplicates } from './policies.js'
import { newTokenParams, parseTokenFields, type TokenParams, tokenFields } from './token-fields.js'

/** Storage prefix of roles in the mount's view. */
const ROLES_PREFIX = 'roles/'

/** Vault's `pathSuffixSanitize`, matched unanchored as Vault does. */
const PATH_SUFFIX_PATTERN = '\\w[\\w-.]+\\w'
const PATH_SUFFIX = new RegExp(PATH_SUFFIX_PATTERN)

/** A token role's token type. `default-*` let the request choose, falling back to the named type. */
export type RoleTokenType = 'default-service' | 'default-batch' | 'service' | 'batch'

/** A stored token role (Vault's `tsRoleEntry`); durations in seconds. */
export interface TokenRole {
  name: string
  allowed_policies: string[]
  disallowed_policies: string[]
  allowed_policies_glob: string[]
  disallowed_policies_glob: string[]
  orphan: boolean
  /** Legacy `period`, kept for read compatibility; `token_period` wins. */
  period: number
  path_suffix: string
  renewable: boolean
  /** Legacy `explicit_max_ttl`; `token_explicit_max_ttl` wins. */
  explicit_max_ttl: number
  /** Legacy `bound_cidrs`; `token_bound_cidrs` wins. */
  bound_cidrs: string[]
  allowed_entity_aliases: string[] | null
  token_bound_cidrs: string[]
  token_explicit_max_ttl: number
  token_no_default_policy: boolean
  token_num_uses: number
  token_period: number
  token_type: RoleTokenType
}

function newRole(name: string): TokenRole {
  return {
    name,
    allowed_policies: [],
    disallowed_policies: [],
    allowed_policies_glob: [],
    disallowed_policies_glob: [],
    orphan: false,
    period: 0,
    path_suffix: '',
    renewable: false,
    explicit_max_ttl: 0,
    bound_cidrs: [],
    allowed_entity_aliases: null,
    token_bound_cidrs: [],
    token_explicit_max_ttl: 0,
    token_no_default_policy: false,
    token_num_uses: 0,
    token_period: 0,
    token_type: 'default-service',
  }
}

/**
 * Reads a role, applying Vault's upgrades (legacy `period` / `explicit_max_ttl` / `bound_cidrs` feed the
 * `token_*` fields when those are unset); `null` when there is none.
 *
 * @example
 * ```ts
 * const role = await loadRole(req.storage, 'web')
 * ```
 */
export async function loadRole(storage: Storage, name: string): Promise<TokenRole | null> {
  const raw = await storage.get(ROLES_PREFIX + name)
  if (!raw) return null
  const role: TokenRole = {
    ...newRole(name),
    ...(JSON.parse(new TextDecoder().decode(raw)) as Partial<TokenRole>),
  }
  if (role.period > 0 && role.token_period === 0) role.token_period = role.period
  if (role.explicit_max_ttl > 0 && role.token_explicit_max_ttl === 0) {
    role.token_explicit_max_ttl = role.explicit_max_ttl
  }
  if (role.bound_cidrs.length > 0 && role.token_bound_cidrs.length === 0) {
    role.token_bound_cidrs = role.bound_cidrs
  }
  return role
}

async function saveRole(storage: Storage, role: TokenRole): Promise<void> {
  await storage.put(ROLES_PREFIX + role.name, new TextEncoder().encode(JSON.stringify(role)))
}

/** A role as `GET roles/:name` shows it: Vault's keys, sorted as Go writes a map. */
function roleData(role: TokenRole): Record<string, unknown> {
  const data: Record<string, unknown> = {
    allowed_entity_aliases: role.allowed_entity_aliases,
    allowed_policies: role.allowed_policies,
    allowed_policies_glob: role.allowed_policies_glob,
    disallowed_policies: role.disallowed_policies,
    disallowed_policies_glob: role.disallowed_policies_glob,
    explicit_max_ttl: role.explicit_max_ttl,
    name: role.name,
    orphan: role.orphan,
    path_suffix: role.path_suffix,
    period: role.period,
    renewable: role.renewable,
    token_explicit_max_ttl: role.token_explicit_max_ttl,
    token_no_default_policy: role.token_no_default_policy,
    token_period: role.token_period,
    token_type: role.token_type,
  }
  if (role.token_bound_cidrs.length > 0) data.token_bound_cidrs = role.token_bound_cidrs
  if (role.bound_cidrs.length > 0) data.bound_cidrs = role.bound_cidrs
  if (role.token_num_uses > 0) data.token_num_uses = role.token_num_uses
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

const ROLE_FIELDS: Record<string, FieldSchema> = {
  role_name: { type: 'string', description: 'Name of the role' },
  allowed_policies: {
    type: 'commaStringSlice',
    description:
      'If set, tokens can be created with any subset of the policies in this list, rather than the normal semantics of tokens being a subset of the calling token’s policies.',
  },
  disallowed_policies: {
    type: 'commaStringSlice',
    description:
      'If set, successful token creation via this role will require that no policies in the given list are requested.',
  },
  allowed_policies_glob: {
    type: 'commaStringSlice',
    description: 'As allowed_policies, with glob patterns (`*`).',
  },
  disallowed_policies_glob: {
    type: 'commaStringSlice',
    description: 'As disallowed_policies, with glob patterns (`*`).',
  },
  orphan: {
    type: 'bool',
    description: 'If true, tokens created via this role will be orphan tokens (have no parent).',
  },
  period: { type: 'duration', description: "Use 'token_period' instead.", deprecated: true },
  path_suffix: {
    type: 'string',
    description: `If set, tokens created via this role will contain the given suffix as a part of their path. The given suffix must match the regular expression.${PATH_SUFFIX_PATTERN}`,
  },
  explicit_max_ttl: {
    type: 'duration',
    description: "Use 'token_explicit_max_ttl' instead.",
    deprecated: true,
  },
  renewable: {
    type: 'bool',
    default: true,
    description:
      'Tokens created via this role will be renewable or not according to this value. Defaults to "true".',
  },
  bound_cidrs: {
    type: 'commaStringSlice',
    description: "Use 'token_bound_cidrs' instead.",
    deprecated: true,
  },
  allowed_entity_aliases: {
    type: 'commaStringSlice',
    description:
      'String or JSON list of allowed entity aliases. If set, specifies the entity aliases which are allowed to be used during token generation. This field supports globbing.',
  },
  // The token fields a token role takes, as Vault's AddTokenFieldsWithAllowList.
  ...tokenFields([
    'token_bound_cidrs',
    'token_explicit_max_ttl',
    'token_period',
    'token_type',
    'token_no_default_policy',
    'token_num_uses',
  ]),
}

const bad = (message: string): never => {
  throw new InvalidRequestError(message)
}

/** Vault's `tokenStoreRoleCreateUpdate`. */
function writeRole(ctx: TokenContext): OperationHandler {
  return async (req, d) => {
    const name = d.get<string>('role_name')
    if (name === '') bad('role name cannot be empty')
    const existing = await loadRole(req.storage, name)
    // Whether the existence check said create: a role that does not exist yet gets the defaults.
    const creating = existing === null
    const role = existing ?? newRole(name)
    const set = <T>(field: string, apply: (v: T) => void, fallback?: (v: T) => void) => {
      const [value, ok] = d.getOk<T>(field)
      if (ok) apply(value as T)
      else if (creating) (fallback ?? apply)(d.get<T>(field))
    }

    set<boolean>('orphan', (v) => {
      role.orphan = v
    })
    set<boolean>('renewable', (v) => {
      role.renewable = v
    })
    {
      const [suffix, ok] = d.getOk<string>('path_suffix')
      if (ok) {
        if (suffix !== '' && !PATH_SUFFIX.test(suffix as string)) {
          bad(`given role path suffix contains invalid characters; must match ${PATH_SUFFIX_PATTERN}`)
        }
        role.path_suffix = suffix as string
      } else if (creating) {
        role.path_suffix = d.get<string>('path_suffix')
      }
      if (role.path_suffix.includes('..'))
        bad('error registering path suffix: path cannot contain parent references')
    }
    set<string[]>('allowed_policies', (v) => {
      role.allowed_policies = sanitizePolicies(v, false)
    })
    set<string[]>('disallowed_policies', (v) => {
      role.disallowed_policies = removeDuplicates(v, true)
    })
    set<string[]>('allowed_policies_glob', (v) => {
      role.allowed_policies_glob = sanitizePolicies(v, false)
    })
    set<string[]>('disallowed_policies_glob', (v) => {
      role.disallowed_policies_glob = removeDuplicates(v, true)
    })

    // token_type is handled apart from the common token fields, as Vault does.
    let tokenType: string | null = null
    if (Object.hasOwn(d.raw, 'token_type') && d.raw.token_type !== undefined) {
      if (d.raw.token_type === null) bad("Invalid 'token_type' value: null")
      tokenType = d.get<string>('token_type')
    }

    // Vault's ParseTokenFields, errors prefixed. The role's token_type is handled apart: while this
    // request sets a new one, the batch checks see `default`, as in Vault.
    const fieldError = (message: string): never => bad(`error parsing role fields: ${message}`)
    const params: TokenParams = {
      ...newTokenParams(),
      token_bound_cidrs: role.token_bound_cidrs,
      token_explicit_max_ttl: role.token_explicit_max_ttl,
      token_no_default_policy: role.token_no_default_policy,
      token_num_uses: role.token_num_uses,
      token_period: role.token_period,
      token_type: tokenType === null ? role.token_type : 'default',
    }
    try {
      parseTokenFields(params, d, { parseType: false })
    } catch (e) {
      fieldError((e as Error).message)
    }
    role.token_bound_cidrs = params.token_bound_cidrs
    role.token_explicit_max_ttl = params.token_explicit_max_ttl
    role.token_no_default_policy = params.token_no_default_policy
    role.token_num_uses = params.token_num_uses
    role.token_period = params.token_period
    const hasTokenCidrs = d.getOk('token_bound_cidrs')[1]
    const hasTokenExplicitMax = d.getOk('token_explicit_max_ttl')[1]
    const hasTokenPeriod = d.getOk('token_period')[1]
    if (tokenType !== null) {
      if (!['service', 'batch', 'default-service', 'default-batch'].includes(tokenType)) {
        bad(`invalid 'token_type' value ${goQuote(tokenType)}`)
      }
      role.token_type = tokenType as RoleTokenType
    }

    const warnings: string[] = []
    // Legacy fields: the token_* field wins; the legacy value is kept for reads.
    if (!hasTokenPeriod) {
      const [period, ok] = d.getOk<number>('period')
      if (ok) {
        role.period = period as number
        role.token_period = role.period
      }
    } else {
      if (d.getOk('period')[1]) {
        warnings.push(
          "Both 'token_period' and deprecated 'period' value supplied, ignoring the deprecated value",
        )
      }
      role.period = 0
    }
    if (!hasTokenCidrs) {
      const [cidrs, ok] = d.getOk<string[]>('bound_cidrs')
      if (ok) {
        try {
          role.bound_cidrs = parseAddresses(cidrs as string[])
        } catch (e) {
          bad(`error parsing bound_cidrs: ${(e as Error).message}`)
        }
        role.token_bound_cidrs = role.bound_cidrs
      }
    } else {
      if (d.getOk('bound_cidrs')[1]) {
        warnings.push(
          "Both 'token_bound_cidrs' and deprecated 'bound_cidrs' value supplied, ignoring the deprecated value",
        )
      }
      role.bound_cidrs = []
    }
    let finalExplicitMax = role.token_explicit_max_ttl
    if (!hasTokenExplicitMax) {
      const [explicitMax, ok] = d.getOk<number>('explicit_max_ttl')
      if (ok) {
        role.explicit_max_ttl = explicitMax as number
        role.token_explicit_max_ttl = role.explicit_max_ttl
      }
      finalExplicitMax = role.explicit_max_ttl
    } else {
      if (d.getOk('explicit_max_ttl')[1]) {
        warnings.push(
          "Both 'token_explicit_max_ttl' and deprecated 'explicit_max_ttl' value supplied, ignoring the deprecated value",
        )
      }
      role.explicit_max_ttl = 0
    }
    const mountMax = ctx.system.maxLeaseTtl()
    if (finalExplicitMax !== 0 && mountMax !== 0 && finalExplicitMax > mountMax) {
      warnings.push(
        `Given explicit max TTL of ${finalExplicitMax} is greater than system/mount allowed value of ${mountMax} seconds; until this is fixed attempting to create tokens against this role will result in an error`,
      )
    }

    if (role.token_type === 'batch') {
      if (!role.orphan) bad("'token_type' cannot be 'batch' when role is set to generate non-orphan tokens")
      if (role.period !== 0 || role.token_period !== 0) {
        bad("'token_type' cannot be 'batch' when role is set to generate periodic tokens")
      }
      if (role.renewable) bad("'token_type' cannot be 'batch' when role is set to generate renewable tokens")
      if (role.explicit_max_ttl !== 0 || role.token_explicit_max_ttl !== 0) {
        bad("'token_type' cannot be 'batch' when role is set to generate tokens with an explicit max TTL")
      }
    }

    const [aliases, hasAliases] = d.getOk<string[]>('allowed_entity_aliases')
    if (hasAliases) role.allowed_entity_aliases = removeDuplicates(aliases as string[], true)

    await saveRole(req.storage, role)
    return warnings.length > 0 ? { data: null, warnings } : null
  }
}

/** The role paths: `roles/` (LIST) and `roles/:role_name`. */
export function rolePaths(ctx: TokenContext): PathDefinition[] {
  const write = writeRole(ctx)
  return [
    definePath({
      pattern: `roles${optionalEndsInSlash}`,
      operations: {
        list: async (req) => {
          const keys = (await req.storage.list(ROLES_PREFIX)).filter((k) => !k.endsWith('/'))
          return { data: { keys } }
        },
      },
      synopsis: 'This endpoint lists configured roles.',
    }),
    definePath({
      pattern: `roles/${genericNameRegex('role_name')}`,
      fields: ROLE_FIELDS,
      existenceCheck: async (req, d: FieldData) => {
        const name = d.get<string>('role_name')
        if (name === '') throw new InvalidRequestError('role name cannot be empty')
        return (await loadRole(req.storage, name)) !== null
      },
      operations: {
        read: async (req, d) => {
          const role = await loadRole(req.storage, d.get<string>('role_name'))
          return role ? { data: roleData(role) } : null
        },
        create: write,
        update: write,
        delete: async (req, d) => {
          await req.storage.delete(ROLES_PREFIX + d.get<string>('role_name'))
          return null
        },
      },
      synopsis: 'This endpoint allows creating, reading, and deleting roles.',
    }),
  ]
}
