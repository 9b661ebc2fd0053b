/**
 * Tools can evaluate Vault policies without a vault: parse HCL with `parsePolicy`, build an `ACL`,
 * and ask what a set of policies allows — the same code the vault runs on every request.
 */
import { ACL, parsePolicy } from 'vaultlet'

const app = parsePolicy(
  'app',
  `
  # Read the app's secrets, never the admin ones.
  path "secret/data/app/*"     { capabilities = ["read", "list"] }
  path "secret/data/app/admin" { capabilities = ["deny"] }
  path "secret/+/shared"       { capabilities = ["read"] }
`,
)
const ops = parsePolicy('ops', 'path "secret/data/app/*" { capabilities = ["update"] }')
const acl = new ACL([app, ops])

for (const path of [
  'secret/data/app/db',
  'secret/data/app/admin',
  'secret/metadata/shared',
  'secret/data/other',
]) {
  console.log(path.padEnd(26), acl.capabilities(path).join(', '))
}
const write = acl.allowOperation({ path: 'secret/data/app/db', operation: 'update', data: { password: 'x' } })
console.log('update secret/data/app/db →', write.allowed ? 'allowed' : 'denied', 'by', write.grantingPolicies)
if (acl.allowOperation({ path: 'secret/data/app/admin', operation: 'read' }).allowed) process.exit(1)
