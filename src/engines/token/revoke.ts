/**
 * `auth/token/revoke`, `auth/token/revoke-self`, `auth/token/revoke-orphan`, `auth/token/revoke-accessor`:
 * revoke a token with its whole tree (its leases and cubbyholes go through the token store's revoke
 * hooks), or alone with its children orphaned.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { TokenContext } from './core.js'

/** Vault's `revokeCommon`: unknown (or already used up) tokens are a silent no-op. */
async function revokeTree(ctx: TokenContext, id: string): Promise<LogicalResponse | null> {
  const entry = await ctx.core.tokens.lookup(id)
  if (!entry) return null
  if (entry.type === 'batch') throw new InvalidRequestError('batch tokens cannot be revoked')
  await ctx.core.tokens.revokeTree(entry.id)
  return null
}

/** The revoke paths. */
export function revokePaths(ctx: TokenContext): PathDefinition[] {
  const token = { type: 'string' as const, description: 'Token to revoke (request body)' }
  return [
    definePath({
      pattern: 'revoke-accessor',
      fields: { accessor: { type: 'string', description: 'Accessor of the token (request body)' } },
      operations: {
        update: async (_req, d) => {
          const accessor = d.get<string>('accessor')
          if (accessor === '') throw new InvalidRequestError('missing accessor')
          const found = await ctx.core.tokens.lookupByAccessor(accessor, { tainted: true })
          if (!found) return { data: null, warnings: ['No token found with this accessor'] }
          const entry = await ctx.core.tokens.lookup(found.id)
          if (!entry) throw new InvalidRequestError('token not found')
          await ctx.core.tokens.revokeTree(entry.id)
          return null
        },
      },
      synopsis:
        'This endpoint will delete the token associated with the accessor and all of its child tokens.',
    }),
    definePath({
      pattern: 'revoke-self',
      operations: { update: (req: LogicalRequest) => revokeTree(ctx, req.clientToken) },
      synopsis: 'This endpoint will delete the token used to call it and all of its child tokens.',
    }),
    definePath({
      pattern: 'revoke',
      fields: { token },
      operations: {
        update: async (_req, d) => {
          const id = d.get<string>('token')
          if (id === '') throw new InvalidRequestError('missing token ID')
          return revokeTree(ctx, id)
        },
      },
      synopsis: 'This endpoint will delete the given token and all of its child tokens.',
    }),
    definePath({
      pattern: 'revoke-orphan',
      fields: { token },
      operations: {
        update: async (req, d) => {
          const id = d.get<string>('token')
          if (id === '') throw new InvalidRequestError('missing token ID')
          if (req.sudo !== true)
            throw new InvalidRequestError('root or sudo privileges required to revoke and orphan')
          const entry = await ctx.core.tokens.lookup(id)
          if (!entry) throw new InvalidRequestError('token to revoke not found')
          if (entry.type === 'batch') throw new InvalidRequestError('batch tokens cannot be revoked')
          await ctx.core.tokens.revokeOrphan(entry.id)
          return null
        },
      },
      synopsis: 'This endpoint will delete the token and orphan its child tokens.',
    }),
  ]
}
