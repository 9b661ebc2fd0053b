/**
 * The code under test: an app that reads its database password from Vault over HTTP, using the
 * standard `VAULT_ADDR` / `VAULT_TOKEN` settings — it knows nothing about vaultlet.
 */
export async function databasePassword(env: { VAULT_ADDR: string; VAULT_TOKEN: string }): Promise<string> {
  const res = await fetch(`${env.VAULT_ADDR}/v1/secret/data/myapp/db`, {
    headers: { 'X-Vault-Token': env.VAULT_TOKEN },
  })
  if (!res.ok) throw new Error(`vault answered ${res.status}: ${await res.text()}`)
  const body = (await res.json()) as { data: { data: { password: string } } }
  return body.data.data.password
}
