/**
 * Vitest global setup: one fake Vault for the whole run, its address and token handed to the tests
 * with `provide` (read them with `inject`). Per-test vaults work too: call `startTestVault()` in a
 * `beforeEach`.
 */
import { startTestVault } from 'vaultlet/testing/server'

export default async function setup({ provide }: { provide: (key: 'vault', value: VaultInfo) => void }) {
  const t = await startTestVault({ mounts: { 'kv1/': { type: 'kv', options: { version: '1' } } } })
  provide('vault', t.env)
  return () => t.close()
}

interface VaultInfo {
  VAULT_ADDR: string
  VAULT_TOKEN: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    vault: VaultInfo
  }
}
