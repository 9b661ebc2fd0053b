/**
 * Test helpers for vaultlet and for code built on it (`vaultlet/testing`): conformance suites for the
 * plug points, and test doubles. This module imports `vitest`, so use it from test files only.
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

export { ManualClock } from './manual-clock.js'
export { type StorageConformanceOptions, storageAdapterConformance } from './storage-conformance.js'
