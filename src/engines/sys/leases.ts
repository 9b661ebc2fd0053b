/**
 * `sys/leases/*` and the legacy `sys/renew`, `sys/revoke`, `sys/revoke-prefix`, `sys/revoke-force`
 * (api-docs/system/leases; Vault's `handleLease*`, `handleRenew`, `handleRevoke*`, `handleTidyLeases`):
 * look up, list, renew, revoke, tidy and count leases over the lease manager.
 *
 * Ownership (stricter than Vault, which lets any caller allowed on `sys/leases/renew` or
 * `sys/leases/revoke` act on any lease ID it knows): a caller may renew or revoke a lease by ID only if
 * its own token created the lease, or its policies grant `update` on the lease's path (the request path
 * that issued it, e.g. `database/creds/readonly`; root tokens always may). Anyone else gets 403 —
 * knowing a lease ID from another token or another mount is not enough. The prefix endpoints are
 * root-protected (`sudo`) instead.
 *
 * @module
 */
import type { LeaseAuthorizer } from '../../core/expiration/expiration-manager.js'
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError, PermissionDeniedError, VaultError } from '../../errors.js'
import type { FieldData, FieldSchema } from '../../framework/fields.js'
import { definePath, type OperationHandler, type PathDefinition } from '../../framework/path.js'
import { optionalParamRegex } from '../../framework/patterns.js'
import type { SystemCore } from './core.js'

const LEASE_ID: FieldSchema = {
  type: 'string',
  description: 'The lease identifier to renew. This is included with a lease.',
}

const INCREMENT: FieldSchema = {
  type: 'duration',
  description: 'The desired increment in seconds to the lease',
}

const SYNC: FieldSchema = {
  type: 'bool',
  default: true,
  description: 'Whether or not to perform the revocation synchronously',
}

const PREFIX: FieldSchema = {
  type: 'string',
  description: 'The path to revoke keys under. Example: "prod/aws/ops"',
}

/** Vault's tidy answer. */
export const TIDY_LEASES_WARNING =
  "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs."

/** The lease ID from the body, else from the URL (Vault: body first); 400 when neither is set. */
function leaseIdOf(d: FieldData): string {
  const id = d.get<string>('lease_id') || d.get<string>('url_lease_id')
  if (id === '') throw new InvalidRequestError('lease_id must be specified')
  return id
}

/** A 500 carrying its message, as Vault answers a handler's plain error. */
function internal(message: string): VaultError {
  return new VaultError('ERR_INTERNAL', 500, message, { errors: [message] })
}

/**
 * The ownership rule: the lease was created by the caller's token, or the caller may `update` the
 * lease's path.
 */
function ownerCheck(core: SystemCore, req: LogicalRequest): LeaseAuthorizer {
  return async (owner) => {
    if (req.clientToken !== '' && owner.clientTokenSalted !== '') {
      if (core.tokens.saltedId(req.clientToken) === owner.clientTokenSalted) return
    }
    if (req.tokenEntry && (await core.allowed(req.tokenEntry, owner.path, 'update'))) return
    throw new PermissionDeniedError()
  }
}

/** Vault's `processLimit`: `''` → the default cap, `none` → everything, else a positive integer. */
function parseLimit(raw: string): number | 'none' | undefined {
  if (raw === '') return undefined
  if (raw.toLowerCase() === 'none') return 'none'
  if (!/^[+-]?\d+$/.test(raw)) {
    throw internal(`invalid 'limit' provided: strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`)
  }
  const limit = Number.parseInt(raw, 10)
  if (limit < 1) throw internal("limit must be 'none' or a positive integer")
  return limit
}

const isIrrevocable = (d: FieldData): boolean => d.get<string>('type').toLowerCase() === 'irrevocable'

/**
 * The lease paths of the system backend.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'system', paths: [...leasePaths(core)], specialPaths: { root: ['leases/lookup/*', 'leases'] } })
 * ```
 */
export function leasePaths(core: SystemCore): PathDefinition[] {
  const renew: OperationHandler = (req, d) =>
    core.leases.renew(leaseIdOf(d), d.get<number>('increment'), { authorize: ownerCheck(core, req) })

  const revoke: OperationHandler = async (req, d): Promise<LogicalResponse | null> => {
    const sync = d.get<boolean>('sync')
    await core.leases.revoke(leaseIdOf(d), { sync, authorize: ownerCheck(core, req) })
    return sync ? null : { data: null, bare: true, httpStatus: 202 }
  }

  const revokePrefix =
    (force: boolean): OperationHandler =>
    async (_req, d): Promise<LogicalResponse | null> => {
      // revoke-force is always synchronous.
      const sync = force ? true : d.get<boolean>('sync')
      await core.leases.revokePrefix(d.get<string>('prefix'), { sync, force })
      return sync ? null : { data: null, bare: true, httpStatus: 202 }
    }

  const renewFields = { url_lease_id: LEASE_ID, lease_id: LEASE_ID, increment: INCREMENT }
  const revokeFields = { url_lease_id: LEASE_ID, lease_id: LEASE_ID, sync: SYNC }
  const renewSynopsis = 'Renew a lease on a secret'
  const revokeSynopsis = 'Revoke a leased secret immediately'
  const prefixSynopsis = 'Revoke all secrets generated in a given prefix'
  const forceSynopsis = 'Revoke all secrets generated in a given prefix, ignoring errors.'

  return [
    definePath({
      pattern: 'leases/lookup/(?<prefix>.*)',
      fields: {
        prefix: { type: 'string', description: 'The path to list leases under. Example: "aws/creds/deploy"' },
      },
      operations: {
        list: async (_req, d) => {
          let prefix = d.get<string>('prefix')
          if (prefix !== '' && !prefix.endsWith('/')) prefix += '/'
          return { data: { keys: await core.leases.list(prefix) } }
        },
      },
      synopsis: 'View or list lease metadata.',
    }),
    definePath({
      pattern: 'leases/lookup',
      fields: { lease_id: LEASE_ID },
      operations: {
        update: async (_req, d) => {
          const id = d.get<string>('lease_id')
          if (id === '') throw new InvalidRequestError('lease_id must be specified')
          const data = await core.leases.lookup(id)
          if (!data) throw new InvalidRequestError('invalid lease')
          return { data }
        },
      },
      synopsis: 'View or list lease metadata.',
    }),
    definePath({
      pattern: `leases/renew${optionalParamRegex('url_lease_id')}`,
      fields: renewFields,
      operations: { update: renew },
      synopsis: renewSynopsis,
    }),
    definePath({
      pattern: `renew${optionalParamRegex('url_lease_id')}`,
      fields: renewFields,
      operations: { update: renew },
      synopsis: renewSynopsis,
      deprecated: true,
    }),
    definePath({
      pattern: `leases/revoke${optionalParamRegex('url_lease_id')}`,
      fields: revokeFields,
      operations: { update: revoke },
      synopsis: revokeSynopsis,
    }),
    definePath({
      pattern: `revoke${optionalParamRegex('url_lease_id')}`,
      fields: revokeFields,
      operations: { update: revoke },
      synopsis: revokeSynopsis,
      deprecated: true,
    }),
    definePath({
      pattern: 'leases/revoke-force/(?<prefix>.+)',
      fields: { prefix: PREFIX },
      operations: { update: revokePrefix(true) },
      synopsis: forceSynopsis,
    }),
    definePath({
      pattern: 'revoke-force/(?<prefix>.+)',
      fields: { prefix: PREFIX },
      operations: { update: revokePrefix(true) },
      synopsis: forceSynopsis,
      deprecated: true,
    }),
    definePath({
      pattern: 'leases/revoke-prefix/(?<prefix>.+)',
      fields: { prefix: PREFIX, sync: SYNC },
      operations: { update: revokePrefix(false) },
      synopsis: prefixSynopsis,
    }),
    definePath({
      pattern: 'revoke-prefix/(?<prefix>.+)',
      fields: { prefix: PREFIX, sync: SYNC },
      operations: { update: revokePrefix(false) },
      synopsis: prefixSynopsis,
      deprecated: true,
    }),
    definePath({
      pattern: 'leases/tidy',
      operations: {
        update: async () => {
          // Runs in the background, as in Vault; a second call joins the running one.
          core.leases.tidy().catch(() => undefined)
          return { data: null, httpStatus: 202, warnings: [TIDY_LEASES_WARNING] }
        },
      },
      synopsis:
        'This endpoint performs cleanup tasks that can be run if certain error conditions have occurred.',
    }),
    definePath({
      pattern: 'leases/count',
      fields: {
        type: {
          type: 'string',
          required: true,
          description: 'Type of leases to get counts for (currently only supporting irrevocable).',
        },
        include_child_namespaces: {
          type: 'bool',
          default: false,
          description: 'Set true if you want counts for this namespace and its children.',
        },
      },
      operations: {
        read: async (_req, d) => (isIrrevocable(d) ? { data: core.leases.irrevocableCounts() } : null),
      },
      synopsis: 'Count of leases associated with this Vault cluster',
    }),
    definePath({
      pattern: 'leases',
      fields: {
        type: {
          type: 'string',
          required: true,
          description: 'Type of leases to retrieve (currently only supporting irrevocable).',
        },
        include_child_namespaces: {
          type: 'bool',
          default: false,
          description: 'Set true if you want leases for this namespace and its children.',
        },
        limit: {
          type: 'string',
          default: '',
          description:
            "Set to a positive integer of the maximum number of entries to return. If you want all results, set to 'none'. If not set, you will get a maximum of 10,000 results returned.",
        },
      },
      operations: {
        read: async (_req, d) => {
          if (!isIrrevocable(d)) return null
          const limit = parseLimit(d.get<string>('limit'))
          const { data, warning } = core.leases.irrevocableList(limit)
          return warning ? { data, warnings: [warning] } : { data }
        },
      },
      synopsis: 'List leases associated with this Vault cluster',
    }),
  ]
}
