/**
 * Vault's HTTP API from your own process: `listen()` serves a vault on a TCP port (any Vault client —
 * the Vault CLI, node-vault, hvac — can talk to it, `LIST` included), and `createHandler()` gives the
 * same API as a fetch-style `(Request) => Response` for other servers and runtimes.
 *
 * Run: `npx tsx examples/http-server.ts`
 */
import nodeVault from 'node-vault'
import { Vault } from 'vaultlet'
import { createHandler } from 'vaultlet/http'
import { listen } from 'vaultlet/http/node'

const vault = await Vault.dev({ rootToken: 'root' })
// Port 0 picks a free port; `vaultlet server -dev` uses 127.0.0.1:8200 like `vault server -dev`.
const server = await listen(vault, { port: 0 })
console.log(`listening on ${server.url} (export VAULT_ADDR='${server.url}' VAULT_TOKEN=root)`)

// 1. A real Vault client.
const client = nodeVault({ endpoint: server.url, token: 'root' })
await client.write('secret/data/myapp/db', { data: { username: 'app', password: 's3cret' } })
await client.write('secret/data/myapp/api', { data: { key: 'k-123' } })
console.log('node-vault read :', (await client.read('secret/data/myapp/db')).data.data)
console.log('node-vault list :', (await client.list('secret/metadata/myapp')).data.keys) // sent as LIST

// 2. Plain fetch: the custom LIST verb works too, and errors come back in Vault's shape.
const listed = await fetch(`${server.url}/v1/secret/metadata/myapp`, {
  method: 'LIST',
  headers: { 'X-Vault-Token': 'root' },
})
console.log('fetch LIST      :', listed.status, (await listed.json()).data)
const denied = await fetch(`${server.url}/v1/secret/data/myapp/db`)
console.log('no token        :', denied.status, await denied.text()) // 403 {"errors":["permission denied"]}

// 3. Response wrapping with the X-Vault-Wrap-TTL header, unwrapped once.
const wrapped = await client.read('secret/data/myapp/api', { headers: { 'X-Vault-Wrap-TTL': '5m' } })
console.log('wrapped token   :', `${wrapped.wrap_info.token.slice(0, 8)}… ttl ${wrapped.wrap_info.ttl}s`)
console.log('unwrapped       :', (await client.unwrap({ token: wrapped.wrap_info.token })).data.data)

// 4. The same API without a socket: a fetch-style handler (Bun.serve, Deno.serve, Hono, workers…).
const handler = createHandler(vault)
const res = await handler(new Request('http://vault/v1/sys/health'))
console.log('createHandler   :', res.status, (await res.json()).sealed === false ? 'unsealed' : 'sealed')

// Graceful close: stop accepting, let requests in flight finish, close idle keep-alive connections.
await server.close()
await vault.close()
console.log('closed')
