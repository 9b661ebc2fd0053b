/**
 * `vaultlet/testing/server`: a fake Vault for test suites that talk HTTP — {@link startTestVault} —
 * plus the {@link ManualClock} to drive its time. Unlike `vaultlet/testing`, this entry does not import
 * vitest, so jest, `node:test` and plain scripts can use it.
 *
 * @example
 * ```ts
 * import { startTestVault } from 'vaultlet/testing/server'
 *
 * const t = await startTestVault()
 * process.env.VAULT_ADDR = t.url
 * process.env.VAULT_TOKEN = t.token
 * // … run the code under test …
 * await t.close()
 * ```
 *
 * @module
 */

export { ManualClock } from './manual-clock.js'
export { startTestVault, type TestMount, type TestVault, type TestVaultOptions } from './test-vault.js'
