/**
 * Test helpers for vaultlet and for code built on it (`vaultlet/testing`): conformance suites for the
 * plug points, and test doubles — including {@link startTestVault}, a fake Vault over HTTP. This module
 * imports `vitest`, so use it from test files only; without vitest, import `startTestVault` and
 * `ManualClock` from `vaultlet/testing/server`.
 *
 * @example
 * ```ts
 * import { storageAdapterConformance } from 'vaultlet/testing'
 *
 * storageAdapterConformance('MyStorage', () => new MyStorage())
 * ```
 *
 * @module
 */

export {
  type DatabasePluginConformanceOptions,
  databasePluginConformance,
} from '../database/conformance.js'
export { ManualClock } from './manual-clock.js'
export { type StorageConformanceOptions, storageAdapterConformance } from './storage-conformance.js'
export { startTestVault, type TestMount, type TestVault, type TestVaultOptions } from './test-vault.js'
