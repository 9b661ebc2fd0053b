/**
 * vaultlet: HashiCorp Vault's core as an embeddable TypeScript library.
 *
 * This entry is runtime-neutral (Web-standard APIs only). On Node, the package's `node` export
 * condition loads the same API with `node:crypto` as the default crypto provider.
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * const vault = await Vault.dev()
 * const { data } = await vault.request({ method: 'GET', path: 'sys/mounts', token: vault.rootToken })
 * ```
 *
 * @module
 */
export { Vault, type VaultOptions, type DevOptions } from './vault.js'
export type { VaultRequest, VaultResponse, RawResponse, RequestMethod, WrapInfo, AuthBlock } from './core/request.js'
export type { InitOptions, InitResult, SealStatus } from './core/seal-manager.js'
export type { RekeyStatus, RekeyUpdateResult, RekeyVerifyStatus } from './core/rekey.js'
export { decodeRootToken, type GenerateRootStatus } from './core/generate-root.js'
export type { MountEntry, MountConfig } from './core/mounts.js'
export type {
  Backend,
  BackendConfig,
  BackendFactory,
  LogicalRequest,
  LogicalResponse,
  Operation,
  SpecialPaths,
  SystemView,
  SecretInfo,
  AuthInfo,
  ConnectionInfo,
  ExistenceResult,
} from './core/logical.js'
export { EngineRegistry, type EngineDefinition, type EngineKind } from './engines/registry.js'
export * from './errors.js'
export type { VaultEvents } from './events.js'
export { type Clock, type TimerHandle, systemClock } from './clock.js'
export type { CryptoProvider } from './crypto/provider.js'
export { nobleCrypto } from './crypto/noble.js'
export { getDefaultCrypto, setDefaultCrypto } from './crypto/index.js'
export type { StorageAdapter, StorageOp } from './storage/adapter.js'
export { MemoryStorage } from './storage/memory.js'
export { StorageView, type Storage } from './storage/view.js'
export { type Seal, ShamirSeal, CallbackSeal, type CallbackSealOptions } from './seal/seal.js'
export * from './framework/index.js'
