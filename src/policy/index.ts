/**
 * Vault's policy language and ACL, as a pure module (no storage, no I/O): parse policies written in
 * HCL or JSON, merge the policies of a token into an {@link ACL}, and ask it whether a request is
 * allowed.
 *
 * @example
 * ```ts
 * import { ACL, parsePolicy } from 'vaultlet'
 *
 * const dev = parsePolicy('dev', `
 *   path "secret/data/dev/*" { capabilities = ["create", "read", "update", "delete", "list"] }
 *   path "secret/data/dev/locked" { capabilities = ["deny"] }
 * `)
 * const acl = new ACL([dev])
 * acl.allowOperation({ path: 'secret/data/dev/app', operation: 'read' }).allowed    // true
 * acl.allowOperation({ path: 'secret/data/dev/locked', operation: 'read' }).allowed // false
 * acl.capabilities('secret/data/dev/app') // ['create', 'delete', 'list', 'read', 'update']
 * ```
 *
 * @module
 */
export { ACL, type AclOptions, type AclRequest, type AclResult } from './acl.js'
export { parseHcl } from './hcl.js'
export {
  type HclItem,
  type HclKey,
  type HclList,
  type HclLiteral,
  type HclLiteralType,
  type HclNode,
  type HclObject,
  type HclPos,
  HclSyntaxError,
  toPlain,
} from './hcl-ast.js'
export {
  CAPABILITY_BITS,
  type Capability,
  type PathRules,
  type Policy,
  PolicyParseError,
  parsePolicy,
} from './policy.js'
