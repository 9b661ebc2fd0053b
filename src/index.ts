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

export {
  AuditBroker,
  type AuditBrokerOptions,
  type AuditCallback,
  type AuditWritable,
  callbackDeviceType,
  isAuditedPath,
  memoryDeviceType,
  registerDefaultAuditDeviceType,
  streamDeviceType,
} from './audit/index.js'
export type { AuditDeviceFactory, AuditEntry } from './audit/types.js'
export {
  type AppRoleCredentials,
  LoginClient,
  type LoginResult,
  type UserpassLoginOptions,
} from './client/login.js'
export { type ScopedRequest, TokenScope } from './client/with-token.js'
export { type Clock, systemClock, type TimerHandle } from './clock.js'
export type { ExpirationManager } from './core/expiration/expiration-manager.js'
export type {
  LeaseAuthorizer,
  LeaseOwner,
  LeaseToken,
  RegisteredLease,
  RegisterInput,
  TidyLeasesResult,
  TokenRenewal,
} from './core/expiration/types.js'
export { decodeRootToken, type GenerateRootStatus } from './core/generate-root.js'
export type {
  AuthInfo,
  Backend,
  BackendConfig,
  BackendFactory,
  ConnectionInfo,
  ExistenceResult,
  LogicalRequest,
  LogicalResponse,
  Operation,
  SecretInfo,
  SpecialPaths,
  SystemView,
} from './core/logical.js'
export type { MountConfig, MountEntry } from './core/mounts.js'
export { DEFAULT_POLICY } from './core/policy-store.js'
export type { RekeyStatus, RekeyUpdateResult, RekeyVerifyStatus } from './core/rekey.js'
export type {
  AuthBlock,
  RawResponse,
  RequestMethod,
  VaultRequest,
  VaultResponse,
  WrapInfo,
} from './core/request.js'
export type { InitOptions, InitResult, SealStatus } from './core/seal-manager.js'
export { TOKEN_REVOCATION_PENDING, type TokenEntry, type TokenType } from './core/token-store.js'
export { HASH_NAMES, type HashName } from './crypto/hashes.js'
export { getDefaultCrypto, setDefaultCrypto } from './crypto/index.js'
export { nobleCrypto } from './crypto/noble.js'
export type {
  CryptoProvider,
  EcdsaCurve,
  RsaEncryptionPadding,
  RsaSignatureOptions,
  RsaSignOptions,
  RsaVerifyOptions,
} from './crypto/provider.js'
export * from './database/plugin.js'
export * from './engines/database/client.js'
export {
  type KvAttribution,
  KvClient,
  type KvClientOptions,
  type KvConfigInput,
  type KvKeyMetadata,
  type KvMetadataInput,
  type KvSecret,
  type KvSubkeys,
  type KvVersionMetadata,
  type RequestFn,
} from './engines/kv/client.js'
export { type EngineDefinition, type EngineKind, EngineRegistry } from './engines/registry.js'
export {
  type BatchItem,
  type BatchResult,
  type BytesLike,
  type CipherOptions,
  type CreateKeyOptions,
  type EncryptResult,
  type KeyInfo,
  Plaintext,
  type SignOptions,
} from './engines/transit/client-types.js'
export { KEY_TYPES, type KeyType, TransitClient } from './engines/transit/index.js'
export {
  createUserpassBackend,
  DEFAULT_SCRYPT_PARAMS,
  type PasswordHasher,
  type ScryptHasherOptions,
  type ScryptKdf,
  type ScryptParams,
  scryptHasher,
  type UserpassOptions,
} from './engines/userpass/index.js'
export * from './errors.js'
export type { VaultEvents } from './events.js'
export * from './framework/index.js'
export {
  ACL,
  type AclOptions,
  type AclRequest,
  type AclResult,
  CAPABILITY_BITS,
  type Capability,
  type PathRules,
  type Policy,
  PolicyParseError,
  parsePolicy,
} from './policy/index.js'
export { CallbackSeal, type CallbackSealOptions, type Seal, ShamirSeal } from './seal/seal.js'
export type { StorageAdapter, StorageOp } from './storage/adapter.js'
export { MemoryStorage } from './storage/memory.js'
export { type Storage, StorageView } from './storage/view.js'
export { type DevOptions, type LeaseOptions, Vault, type VaultOptions } from './vault.js'
