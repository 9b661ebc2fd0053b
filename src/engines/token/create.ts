/**
 * `auth/token/create`, `auth/token/create-orphan`, `auth/token/create/:role_name`: child, orphan and
 * role-based token creation, with Vault's policy, TTL, batch and sudo rules (`handleCreateCommon`).
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import {
  NON_ASSIGNABLE_POLICIES,
  sanitizePolicies,
  type TokenEntry,
  type TokenType,
} from '../../core/token-store.js'
import { InvalidRequestError } from '../../errors.js'
import { goQuote, parseDuration } from '../../framework/duration.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { genericNameRegex } from '../../framework/patterns.js'
import { tokenAuth } from './auth.js'
import type { TokenContext } from './core.js'
import { containsGlob, goQuoteList, removeDuplicates } from './policies.js'
import { loadRole, type TokenRole } from './roles.js'
import { calculateTtl } from './ttl.js'

/** Vault's `displayNameSanitize`. */
const DISPLAY_NAME_SANITIZE = /[^a-zA-Z0-9-]/g

/** Fields of every create path. */
const CREATE_FIELDS: Record<string, FieldSchema> = {
  display_name: { type: 'string', description: 'Name to associate with this token' },
  explicit_max_ttl: { type: 'string', description: 'Explicit Max TTL of this token' },
  entity_alias: { type: 'string', description: 'Name of the entity alias to associate with this token' },
  num_uses: { type: 'int', description: 'Max number of uses for this token' },
  period: { type: 'string', description: 'Renew period' },
  renewable: {
    type: 'bool',
    default: true,
    description: 'Allow token to be renewed past its initial TTL up to system/mount maximum TTL',
  },
  ttl: { type: 'string', description: 'Time to live for this token' },
  lease: { type: 'string', description: "Use 'ttl' instead", deprecated: true },
  type: { type: 'string', description: 'Token type' },
  no_default_policy: { type: 'bool', description: 'Do not include default policy for this token' },
  id: { type: 'string', description: 'Value for the token' },
  meta: { type: 'kvPairs', description: 'Arbitrary key=value metadata to associate with the token' },
  no_parent: { type: 'bool', description: 'Create the token with no parent' },
  policies: { type: 'stringSlice', description: 'List of policies for the token' },
}

const bad = (message: string): never => {
  throw new InvalidRequestError(message)
}

/** Parses a duration string field as Vault's `ParseDurationSecond`, its error text as the 400 message. */
function durationOf(value: string): number {
  try {
    return parseDuration(value)
  } catch (e) {
    throw new InvalidRequestError((e as Error).message, { cause: e })
  }
}

/**
 * Vault's policy resolution for a new token (`resolveTokenPolicies` plus the checks after it): roles with
 * allowed / disallowed lists choose from those; otherwise the parent's policies are inherited, or the
 * requested ones must be a subset of the parent's unless the caller has sudo; `default` is added as
 * Vault adds it; non-assignable policies are refused.
 */
function resolvePolicies(
  requested: string[],
  noDefaultPolicy: boolean,
  role: TokenRole | null,
  parent: TokenEntry,
  isSudo: boolean,
): string[] {
  let policies = requested
  let addDefault = false
  if (
    role &&
    (role.allowed_policies.length > 0 ||
      role.disallowed_policies.length > 0 ||
      role.allowed_policies_glob.length > 0 ||
      role.disallowed_policies_glob.length > 0)
  ) {
    const localAddDefault =
      !noDefaultPolicy &&
      !role.token_no_default_policy &&
      !role.disallowed_policies.includes('default') &&
      !containsGlob(role.disallowed_policies_glob, 'default')
    let final: string[] = requested.length > 0 ? sanitizePolicies(requested, localAddDefault) : []
    if (role.allowed_policies.length > 0 || role.allowed_policies_glob.length > 0) {
      const allowed = sanitizePolicies(role.allowed_policies, localAddDefault)
      if (final.length === 0) {
        final = allowed
      } else {
        const allowedGlob = sanitizePolicies(role.allowed_policies_glob, false)
        for (const p of final) {
          if (!allowed.includes(p) && !containsGlob(allowedGlob, p)) {
            bad(
              `token policies (${goQuoteList(final)}) must be subset of the role's allowed policies (${goQuoteList(allowed)}) or glob policies (${goQuoteList(allowedGlob)})`,
            )
          }
        }
      }
    } else if (final.length === 0) {
      final = sanitizePolicies(parent.policies, localAddDefault)
    }
    if (role.disallowed_policies.length > 0 || role.disallowed_policies_glob.length > 0) {
      const disallowed = removeDuplicates(role.disallowed_policies, true)
      const disallowedGlob = removeDuplicates(role.disallowed_policies_glob, true)
      for (const p of final) {
        if (disallowed.includes(p) || containsGlob(disallowedGlob, p)) {
          bad(`token policy ${goQuote(p)} is disallowed by this role`)
        }
      }
    }
    policies = final
  } else if (requested.length === 0) {
    // Inherit the parent's; `default` only if the parent has it.
    policies = sanitizePolicies(parent.policies, false)
  } else if (!isSudo) {
    const input = sanitizePolicies(requested, false)
    const parentPolicies = sanitizePolicies(parent.policies, false)
    if (!input.every((p) => parentPolicies.includes(p))) bad('child policies must be subset of parent')
    if (!noDefaultPolicy && parent.policies.includes('default')) addDefault = true
  } else {
    addDefault = !noDefaultPolicy
  }

  let final = sanitizePolicies(policies, addDefault)
  if (noDefaultPolicy) final = final.filter((p) => p !== 'default')
  for (const p of final) {
    if (NON_ASSIGNABLE_POLICIES.includes(p)) bad(`cannot assign policy ${goQuote(p)}`)
  }
  return final
}

/** Vault's `handleCreateCommon`. */
async function createToken(
  ctx: TokenContext,
  req: LogicalRequest,
  d: FieldData,
  orphanPath: boolean,
  role: TokenRole | null,
): Promise<LogicalResponse> {
  const { tokens } = ctx.core
  const warnings: string[] = []

  const parent = await tokens.lookup(req.clientToken)
  if (!parent) bad('parent token lookup failed: no parent found')
  const parentEntry = parent as TokenEntry
  if (parentEntry.type === 'batch') bad('batch tokens cannot create more tokens')
  if (parentEntry.num_uses > 0) bad('restricted use token cannot generate child tokens')
  const isSudo = req.sudo === true

  let renewable = d.get<boolean>('renewable')
  let typeText = d.get<string>('type')
  if (role) {
    switch (role.token_type) {
      case 'default-service':
        break
      case 'default-batch':
        if (typeText === '') typeText = 'batch'
        break
      case 'service':
      case 'batch':
        typeText = role.token_type
        break
      default:
        bad(
          `role being used for token creation contains invalid token type ${goQuote(String(role.token_type))}`,
        )
    }
  }
  const explicitMaxText = d.get<string>('explicit_max_ttl')
  const numUsesRequested = d.get<number>('num_uses')
  const periodText = d.get<string>('period')
  let type: TokenType = 'service'
  switch (typeText) {
    case '':
    case 'service':
      break
    case 'batch': {
      let reason = ''
      if (explicitMaxText !== '') {
        let dur = 0
        try {
          dur = parseDuration(explicitMaxText)
        } catch {
          bad('"explicit_max_ttl" value could not be parsed')
        }
        if (dur !== 0) reason = 'explicit_max_ttl'
      } else if (numUsesRequested !== 0) {
        reason = 'num_uses'
      } else if (periodText !== '') {
        let dur = 0
        try {
          dur = parseDuration(periodText)
        } catch {
          bad('"period" value could not be parsed')
        }
        if (dur !== 0) reason = 'period'
      }
      if (reason !== '') bad(`batch tokens cannot have ${goQuote(reason)} set`)
      type = 'batch'
      renewable = false
      break
    }
    default:
      bad("invalid 'token_type' value")
  }
  if (numUsesRequested < 0) bad('number of uses cannot be negative')

  const entityAlias = d.get<string>('entity_alias')
  if (entityAlias !== '') {
    if (!role) bad("'entity_alias' is only allowed in combination with token role")
    const alias = entityAlias.toLowerCase()
    const allowed = role?.allowed_entity_aliases ?? []
    if (!allowed.includes(alias) && !containsGlob(allowed, alias)) bad("invalid 'entity_alias' value")
    // Entities come with the identity store, which vaultlet does not have yet.
    bad('failed to create or fetch entity from given entity alias')
  }

  const [meta, hasMeta] = d.getOk<Record<string, string>>('meta')
  let numUses = numUsesRequested
  let path = `auth/token/${req.path}`
  if (role) {
    if (renewable && !role.renewable) renewable = false
    if (role.token_num_uses !== 0 && (numUses === 0 || role.token_num_uses < numUses)) {
      numUses = role.token_num_uses
    }
    if (role.path_suffix !== '') path = `${path}/${role.path_suffix}`
  }

  let displayName = 'token'
  const displayNameRequested = d.get<string>('display_name')
  if (displayNameRequested !== '') {
    displayName = `token-${displayNameRequested}`.replace(DISPLAY_NAME_SANITIZE, '-')
    if (displayName.endsWith('-')) displayName = displayName.slice(0, -1)
  }

  const id = d.get<string>('id')
  if (id !== '' && !isSudo) bad('root or sudo privileges required to specify token id')

  const policies = resolvePolicies(
    d.get<string[]>('policies'),
    d.get<boolean>('no_default_policy'),
    role,
    parentEntry,
    isSudo,
  )
  if (policies.includes('root')) {
    if (!parentEntry.policies.includes('root')) {
      bad('root tokens may not be created without parent token being root')
    }
    if (type === 'batch') bad('batch tokens cannot be root tokens')
  }

  let parentId = req.clientToken
  let boundCidrs: string[] = []
  if (role) {
    if (role.orphan) parentId = ''
    if (role.token_bound_cidrs.length > 0) boundCidrs = role.token_bound_cidrs
  } else if (d.get<boolean>('no_parent')) {
    if (!isSudo) bad('root or sudo privileges required to create orphan token')
    parentId = ''
  } else if (orphanPath) {
    parentId = ''
  }
  let entityId = ''
  if (parentId !== '') {
    entityId = parentEntry.entity_id
    if (!role) boundCidrs = parentEntry.bound_cidrs
  }

  let explicitMaxTtl = 0
  let explicitMaxToUse = 0
  if (explicitMaxText !== '') {
    const dur = durationOf(explicitMaxText)
    if (dur < 0) bad('explicit_max_ttl must be positive')
    explicitMaxTtl = dur
    explicitMaxToUse = dur
  }
  let periodToUse = 0
  let period = 0
  if (periodText !== '') {
    const dur = durationOf(periodText)
    if (dur < 0) bad('period must be positive')
    if (dur > 0) {
      if (!isSudo) bad('root or sudo privileges required to create periodic token')
      period = dur
      periodToUse = dur
    }
  }
  let ttl = 0
  const ttlText = d.get<string>('ttl')
  const leaseText = d.get<string>('lease')
  if (ttlText !== '') {
    ttl = durationOf(ttlText)
    if (ttl < 0) bad('ttl must be positive')
  } else if (leaseText !== '') {
    ttl = durationOf(leaseText)
    if (ttl < 0) bad('lease must be positive')
  }
  if (role && type !== 'batch') {
    if (role.token_explicit_max_ttl !== 0) {
      if (explicitMaxToUse === 0) {
        explicitMaxToUse = role.token_explicit_max_ttl
      } else {
        if (role.token_explicit_max_ttl < explicitMaxToUse) explicitMaxToUse = role.token_explicit_max_ttl
        warnings.push(
          `Explicit max TTL specified both during creation call and in role; using the lesser value of ${explicitMaxToUse} seconds`,
        )
      }
    }
    if (role.token_period !== 0) {
      if (periodToUse === 0) {
        periodToUse = role.token_period
      } else {
        if (role.token_period < periodToUse) periodToUse = role.token_period
        warnings.push(
          `Period specified both during creation call and in role; using the lesser value of ${periodToUse} seconds`,
        )
      }
    }
  }

  const now = ctx.core.clock.now()
  const creationTime = Math.floor(now / 1000) * 1000
  if (periodToUse > 0 || ttl > 0 || !policies.includes('root')) {
    const result = calculateTtl({
      system: ctx.system,
      now,
      backendTtl: ttl,
      period: periodToUse,
      explicitMaxTtl: explicitMaxToUse,
      startTime: creationTime,
    })
    warnings.push(...result.warnings)
    ttl = result.ttl
  }
  // Root tokens are still bound by an explicit max TTL.
  if (ttl === 0 && explicitMaxToUse > 0) ttl = explicitMaxToUse
  if (ttl === 0) {
    if (parentEntry.ttl !== 0) bad('expiring root tokens cannot create non-expiring root tokens')
    renewable = false
    boundCidrs = []
  }

  if (id !== '') {
    warnings.push(
      'Supplying a custom ID for the token uses the weaker SHA1 hashing instead of the more secure SHA2-256 HMAC for token obfuscation. SHA1 hashed tokens on the wire leads to less secure lookups.',
    )
  }

  // As Vault, the entry keeps the requested explicit max TTL and period; the role's (merged above) are
  // applied again from the role on every renewal.
  const entry = await ctx.core.tokens.create({
    ...(id !== '' ? { id } : {}),
    policies,
    path,
    parent: parentId,
    meta: hasMeta ? (meta as Record<string, string>) : null,
    displayName,
    numUses,
    ttl,
    explicitMaxTtl,
    period,
    type,
    role: role?.name ?? '',
    boundCidrs,
    renewable,
    entityId,
  })

  for (const p of entry.policies) {
    if (p === 'root') continue
    if (!(await ctx.core.policyExists(p))) warnings.push(`Policy ${goQuote(p)} does not exist`)
  }

  return {
    data: null,
    auth: tokenAuth(entry, entry.ttl, entry.renewable, {
      period: periodToUse,
      explicitMaxTtl: explicitMaxToUse,
    }),
    ...(warnings.length > 0 ? { warnings } : {}),
  }
}

/** The create paths: `create-orphan`, `create/:role_name`, `create`. */
export function createPaths(ctx: TokenContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'create-orphan',
      fields: CREATE_FIELDS,
      operations: { update: (req, d) => createToken(ctx, req, d, true, null) },
      synopsis: 'The token create path is used to create new orphan tokens.',
    }),
    definePath({
      pattern: `create/${genericNameRegex('role_name')}`,
      fields: { ...CREATE_FIELDS, role_name: { type: 'string', description: 'Name of the role' } },
      operations: {
        update: async (req, d) => {
          const name = d.get<string>('role_name')
          const role = await loadRole(req.storage, name)
          if (!role) bad(`unknown role ${name}`)
          return createToken(ctx, req, d, false, role)
        },
      },
      synopsis: 'This token create path is used to create new tokens adhering to the given role.',
    }),
    definePath({
      pattern: 'create',
      fields: CREATE_FIELDS,
      operations: { update: (req, d) => createToken(ctx, req, d, false, null) },
      synopsis: 'The token create path is used to create new tokens.',
    }),
  ]
}
