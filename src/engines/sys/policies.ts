/**
 * `sys/policies/acl/:name` and the older `sys/policy/:name`: reading, writing, listing and deleting
 * ACL policies (api-docs/system/policies, api-docs/system/policy).
 *
 * @module
 */
import { type PolicyStore, sanitizePolicyName } from '../../core/policy-store.js'
import { InvalidRequestError } from '../../errors.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { fromBase64, fromUtf8 } from '../../util/encoding.js'

/** The policy text as sent: Vault accepts it base64-encoded too (strict standard base64). */
function decodePolicyText(raw: string): string {
  const decoded = fromBase64(raw, true)
  return decoded ? fromUtf8(decoded) : raw
}

/** Paths of both policy APIs. */
export function policyPaths(store: PolicyStore): PathDefinition[] {
  const list = (legacy: boolean) => async () => {
    const keys = [...(await store.list()), 'root']
    return { data: legacy ? { keys, policies: keys } : { keys } }
  }
  const write = (legacy: boolean) => async (_req: unknown, d: { get<T>(n: string): T }) => {
    const name = d.get<string>('name')
    const sanitized = sanitizePolicyName(name)
    if (sanitized === '') throw new InvalidRequestError('policy name must be provided in the URL')
    const warnings: string[] = []
    if (sanitized !== name) warnings.push(`policy name was converted to ${sanitized}`)
    let raw = d.get<string>('policy')
    if (raw === '' && legacy) {
      raw = d.get<string>('rules')
      if (raw !== '') warnings.push("'rules' is deprecated, please use 'policy' instead")
    }
    if (raw === '') throw new InvalidRequestError("'policy' parameter not supplied or empty")
    await store.set(sanitized, decodePolicyText(raw))
    return warnings.length > 0 ? { data: null, warnings } : null
  }
  const read = (legacy: boolean) => async (_req: unknown, d: { get<T>(n: string): T }) => {
    const name = sanitizePolicyName(d.get<string>('name'))
    if (name === 'response-wrapping') return null
    const raw = await store.raw(name)
    if (raw === null) return null
    return { data: legacy ? { name, rules: raw } : { name, policy: raw } }
  }
  const remove = async (_req: unknown, d: { get<T>(n: string): T }) => {
    await store.delete(d.get<string>('name'))
    return null
  }
  const fields = { name: { type: 'string' as const }, policy: { type: 'string' as const } }
  return [
    definePath({
      pattern: 'policies/acl/?',
      operations: { list: list(false) },
      synopsis: 'Lists ACL policies.',
    }),
    definePath({
      pattern: 'policies/acl/(?<name>.+)',
      fields,
      operations: { read: read(false), update: write(false), delete: remove },
      synopsis: 'Reads, writes or deletes an ACL policy.',
    }),
    definePath({
      pattern: 'policy/?',
      operations: { read: list(true), list: list(true) },
      synopsis: 'Lists ACL policies (legacy API).',
    }),
    definePath({
      pattern: 'policy/(?<name>.+)',
      fields: { ...fields, rules: { type: 'string' } },
      operations: { read: read(true), update: write(true), delete: remove },
      synopsis: 'Reads, writes or deletes an ACL policy (legacy API).',
    }),
  ]
}
