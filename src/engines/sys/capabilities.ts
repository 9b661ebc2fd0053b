/**
 * `sys/capabilities`, `sys/capabilities-self`, `sys/capabilities-accessor`: what a token may do on
 * given paths (api-docs/system/capabilities*).
 *
 * @module
 */
import type { PolicyStore } from '../../core/policy-store.js'
import type { TokenEntry, TokenStore } from '../../core/token-store.js'
import { InvalidRequestError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'

/** Paths of the capabilities API. */
export function capabilityPaths(tokens: TokenStore, policies: PolicyStore): PathDefinition[] {
  const answer = async (entry: TokenEntry, d: FieldData) => {
    let paths = d.get<string[]>('paths')
    if (paths.length === 0) paths = d.get<string[]>('path')
    if (paths.length === 0) throw new InvalidRequestError('paths must be supplied')
    const data: Record<string, unknown> = {}
    const acl = entry.policies.length === 0 ? null : await policies.acl(entry.policies)
    for (const path of paths) {
      if (path === '') throw new InvalidRequestError('missing path')
      data[path] = acl ? acl.capabilities(path.startsWith('/') ? path.slice(1) : path) : ['deny']
    }
    // Kept by Vault for backwards compatibility.
    if (paths.length === 1) data.capabilities = data[paths[0]!]
    return { data }
  }
  const fields = {
    token: { type: 'string' as const },
    accessor: { type: 'string' as const },
    paths: { type: 'commaStringSlice' as const },
    path: { type: 'commaStringSlice' as const },
  }
  return [
    definePath({
      pattern: 'capabilities',
      fields,
      operations: {
        update: async (_req, d) => {
          const token = d.get<string>('token')
          if (token === '') throw new InvalidRequestError('missing token')
          const entry = await tokens.lookup(token)
          if (!entry) throw new InvalidRequestError('invalid token')
          return answer(entry, d)
        },
      },
      synopsis: 'Capabilities of a token on paths.',
    }),
    definePath({
      pattern: 'capabilities-accessor',
      fields,
      operations: {
        update: async (_req, d) => {
          const accessor = d.get<string>('accessor')
          if (accessor === '') throw new InvalidRequestError('missing accessor')
          const entry = await tokens.lookupByAccessor(accessor)
          if (!entry) throw new InvalidRequestError('invalid accessor')
          return answer(entry, d)
        },
      },
      synopsis: 'Capabilities of the token behind an accessor on paths.',
    }),
    definePath({
      pattern: 'capabilities-self',
      fields,
      operations: {
        update: async (req, d) => {
          if (!req.tokenEntry) throw new InvalidRequestError('missing token')
          return answer(req.tokenEntry, d)
        },
      },
      synopsis: 'Capabilities of the calling token on paths.',
    }),
  ]
}
