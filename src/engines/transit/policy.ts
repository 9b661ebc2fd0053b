/**
 * A named transit key — keysutil's `Policy` — as data: its versions, limits and flags; key generation
 * (rotation); and its storage behind the barrier, archive included.
 *
 * Storage layout (the mount's view; same paths as Vault):
 * - `policy/<name>`: the policy, holding the versions from `min_decryption_version` to `latest_version`.
 * - `archive/<name>`: every version from `max(1, min_available_version)` up to `latest_version`, so
 *   lowering `min_decryption_version` brings old versions back, and `trim` drops them for good.
 *
 * Values are JSON with keysutil's field names; key material is base64 (symmetric keys raw, Ed25519 as
 * Go's 64-byte seed ‖ public key, ECDSA as the private scalar plus the uncompressed point, RSA as
 * PKCS #8 / SubjectPublicKeyInfo DER). Policies are immutable once published to the cache: every change
 * is made on a clone and persisted before the clone replaces the original.
 *
 * @module
 */
import type { CryptoProvider } from '../../crypto/provider.js'
import { rsaPublicFromPkcs8, rsaSpki } from '../../crypto/rsa.js'
import type { StorageView } from '../../storage/view.js'
import { fromBase64, rfc3339, toBase64 } from '../../util/encoding.js'
import { TransitError } from './errors.js'
import { ecSpki, pemEncode } from './key-encoding.js'
import { aeadKeySize, curveOf, isAead, isEcdsa, isRsa, type KeyType, rsaBitsOf } from './key-types.js'

/** keysutil `Kdf_hkdf_sha256`: the KDF every derived key created here uses. */
export const KDF_HKDF_SHA256 = 1
/** The convergent nonce scheme of new key versions (keysutil `currentConvergentVersion`). */
export const CURRENT_CONVERGENT_VERSION = 3

/** One version of a key (keysutil `KeyEntry`). */
export interface KeyEntry {
  /** Symmetric key, HMAC-type key, or Ed25519 private key (seed ‖ public, 64 bytes). */
  key?: Uint8Array
  /** The independent per-version HMAC key (equal to `key` for the `hmac` type). */
  hmacKey?: Uint8Array
  /** Creation time, ms since the epoch. */
  time: number
  /** ECDSA private scalar. */
  ecD?: Uint8Array
  /** ECDSA public point, uncompressed. */
  ecPoint?: Uint8Array
  /** RSA private key, PKCS #8 DER. */
  rsaKey?: Uint8Array
  /** RSA public key, SubjectPublicKeyInfo DER. */
  rsaPublicKey?: Uint8Array
  /** Public key as key info shows it: PEM for ECDSA, base64 for Ed25519, empty otherwise. */
  publicKey: string
  /** Convergent nonce scheme of this version (0 when not convergent). */
  convergentVersion: number
}

/** When a backup or restore happened, and the latest version then. */
export interface OperationInfo {
  time: number
  version: number
}

/** A named key (keysutil `Policy`). */
export interface Policy {
  name: string
  type: KeyType
  /** HMAC key size in bytes (0 for the other types). */
  keySize: number
  /** Versions `minDecryptionVersion`..`latestVersion`, by decimal version. */
  keys: Record<string, KeyEntry>
  derived: boolean
  kdf: number
  convergentEncryption: boolean
  /** Policy-level convergent version; -1 once every version records its own. */
  convergentVersion: number
  exportable: boolean
  minDecryptionVersion: number
  minEncryptionVersion: number
  latestVersion: number
  archiveVersion: number
  archiveMinVersion: number
  minAvailableVersion: number
  deletionAllowed: boolean
  backupInfo: OperationInfo | null
  restoreInfo: OperationInfo | null
  allowPlaintextBackup: boolean
  /** Seconds; 0 = no automatic rotation. */
  autoRotatePeriod: number
  imported: boolean
  allowImportedKeyRotation: boolean
}

/** Storage key of a policy. */
export const policyPath = (name: string): string => `policy/${name}`
/** Storage key of a policy's archive. */
export const archivePath = (name: string): string => `archive/${name}`

/** What creating a policy takes (keysutil `PolicyRequest`). */
export interface NewPolicyOptions {
  name: string
  type: KeyType
  derived?: boolean
  convergent?: boolean
  exportable?: boolean
  allowPlaintextBackup?: boolean
  autoRotatePeriod?: number
  keySize?: number
  imported?: boolean
  allowImportedKeyRotation?: boolean
}

/**
 * A policy with no versions yet (rotate or import to add the first).
 *
 * @example
 * ```ts
 * const p = newPolicy({ name: 'orders', type: 'aes256-gcm96' })
 * ```
 */
export function newPolicy(o: NewPolicyOptions): Policy {
  return {
    name: o.name,
    type: o.type,
    keySize: o.keySize ?? 0,
    keys: {},
    derived: o.derived ?? false,
    kdf: o.derived ? KDF_HKDF_SHA256 : 0,
    convergentEncryption: Boolean(o.derived && o.convergent),
    convergentVersion: o.derived && o.convergent ? -1 : 0,
    exportable: o.exportable ?? false,
    minDecryptionVersion: 0,
    minEncryptionVersion: 0,
    latestVersion: 0,
    archiveVersion: 0,
    archiveMinVersion: 0,
    minAvailableVersion: 0,
    deletionAllowed: false,
    backupInfo: null,
    restoreInfo: null,
    allowPlaintextBackup: o.allowPlaintextBackup ?? false,
    autoRotatePeriod: o.autoRotatePeriod ?? 0,
    imported: o.imported ?? false,
    allowImportedKeyRotation: o.allowImportedKeyRotation ?? false,
  }
}

/**
 * A deep copy (key bytes included) to change and persist without touching the published original.
 *
 * @example
 * ```ts
 * const draft = clonePolicy(p)
 * ```
 */
export function clonePolicy(p: Policy): Policy {
  return structuredClone(p)
}

/**
 * A new key version of the policy's type (keysutil `RotateInMemory` minus bookkeeping).
 *
 * @throws {TransitError} for an HMAC policy whose key size is out of range (as Vault).
 * @example
 * ```ts
 * const entry = await generateEntry(p, crypto, clock.now())
 * ```
 */
export async function generateEntry(p: Policy, crypto: CryptoProvider, now: number): Promise<KeyEntry> {
  const entry: KeyEntry = { time: now, publicKey: '', convergentVersion: 0 }
  if (p.type !== 'hmac') entry.hmacKey = crypto.randomBytes(32)
  if (isAead(p.type)) {
    entry.key = crypto.randomBytes(aeadKeySize(p.type))
  } else if (p.type === 'hmac') {
    if (p.keySize < 32 || p.keySize > 512) {
      throw new TransitError('invalid key size for HMAC key, must be between 32 and 512 bytes')
    }
    entry.key = crypto.randomBytes(p.keySize)
    entry.hmacKey = entry.key
  } else if (isEcdsa(p.type)) {
    const curve = curveOf(p.type)
    entry.ecD = crypto.ecdsaGenerateKey(curve)
    entry.ecPoint = crypto.ecdsaPublicKey(curve, entry.ecD)
    entry.publicKey = pemEncode('PUBLIC KEY', ecSpki(curve, entry.ecPoint))
  } else if (p.type === 'ed25519') {
    const seed = crypto.randomBytes(32)
    const pub = crypto.ed25519PublicKey(seed)
    entry.key = concat(seed, pub)
    entry.publicKey = toBase64(pub)
  } else if (isRsa(p.type)) {
    entry.rsaKey = await crypto.rsaGenerateKey(rsaBitsOf(p.type))
    entry.rsaPublicKey = rsaSpki(rsaPublicFromPkcs8(entry.rsaKey))
  }
  if (p.convergentEncryption && (p.convergentVersion === -1 || p.convergentVersion > 1)) {
    entry.convergentVersion = CURRENT_CONVERGENT_VERSION
  }
  return entry
}

/**
 * Adds `entry` as the next version (the tail of keysutil `RotateInMemory` / `ImportPublicOrPrivate`).
 *
 * @example
 * ```ts
 * addVersion(draft, await generateEntry(draft, crypto, now))
 * ```
 */
export function addVersion(p: Policy, entry: KeyEntry): void {
  p.latestVersion += 1
  p.keys[String(p.latestVersion)] = entry
  if (p.minDecryptionVersion === 0) p.minDecryptionVersion = 1
}

/** `true` when a version has no private material (a public key import). */
export function isPrivateKeyMissing(e: KeyEntry): boolean {
  return !e.rsaKey && !e.ecD && !(e.key && e.key.length > 0)
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

// ---- serialization -------------------------------------------------------------------------------

interface StoredEntry {
  key?: string
  hmac_key?: string
  time: string
  creation_time: number
  ec_d?: string
  ec_point?: string
  rsa_key?: string
  rsa_public_key?: string
  public_key: string
  convergent_version: number
}

interface StoredPolicy {
  name: string
  type: KeyType
  key_size: number
  keys: Record<string, StoredEntry>
  derived: boolean
  kdf: number
  convergent_encryption: boolean
  convergent_version: number
  exportable: boolean
  min_decryption_version: number
  min_encryption_version: number
  latest_version: number
  archive_version: number
  archive_min_version: number
  min_available_version: number
  deletion_allowed: boolean
  backup_info: { time: string; version: number } | null
  restore_info: { time: string; version: number } | null
  allow_plaintext_backup: boolean
  auto_rotate_period: number
  imported_key: boolean
  allow_imported_key_rotation: boolean
}

const b64 = (b: Uint8Array | undefined) => (b ? toBase64(b) : undefined)

function bytes(s: unknown): Uint8Array | undefined {
  if (typeof s !== 'string') return undefined
  const out = fromBase64(s, true)
  if (!out) throw new TransitError('stored key material is not valid base64')
  return out
}

function entryToJSON(e: KeyEntry): StoredEntry {
  const out: StoredEntry = {
    time: rfc3339(e.time),
    creation_time: Math.floor(e.time / 1000),
    public_key: e.publicKey,
    convergent_version: e.convergentVersion,
  }
  for (const [k, v] of [
    ['key', e.key],
    ['hmac_key', e.hmacKey],
    ['ec_d', e.ecD],
    ['ec_point', e.ecPoint],
    ['rsa_key', e.rsaKey],
    ['rsa_public_key', e.rsaPublicKey],
  ] as const) {
    const s = b64(v)
    if (s !== undefined) out[k] = s
  }
  return out
}

function entryFromJSON(s: StoredEntry): KeyEntry {
  const parsed = Date.parse(s.time)
  const e: KeyEntry = {
    time: Number.isNaN(parsed) ? s.creation_time * 1000 : parsed,
    publicKey: s.public_key ?? '',
    convergentVersion: s.convergent_version ?? 0,
  }
  const set = <K extends keyof KeyEntry>(k: K, v: KeyEntry[K] | undefined) => {
    if (v !== undefined) e[k] = v
  }
  set('key', bytes(s.key))
  set('hmacKey', bytes(s.hmac_key))
  set('ecD', bytes(s.ec_d))
  set('ecPoint', bytes(s.ec_point))
  set('rsaKey', bytes(s.rsa_key))
  set('rsaPublicKey', bytes(s.rsa_public_key))
  return e
}

const infoToJSON = (i: OperationInfo | null) => (i ? { time: rfc3339(i.time), version: i.version } : null)
const infoFromJSON = (i: { time: string; version: number } | null | undefined): OperationInfo | null =>
  i ? { time: Date.parse(i.time), version: i.version } : null

/**
 * The stored JSON form of a policy.
 *
 * @example
 * ```ts
 * JSON.stringify(policyToJSON(p))
 * ```
 */
export function policyToJSON(p: Policy): StoredPolicy {
  return {
    name: p.name,
    type: p.type,
    key_size: p.keySize,
    keys: Object.fromEntries(Object.entries(p.keys).map(([v, e]) => [v, entryToJSON(e)])),
    derived: p.derived,
    kdf: p.kdf,
    convergent_encryption: p.convergentEncryption,
    convergent_version: p.convergentVersion,
    exportable: p.exportable,
    min_decryption_version: p.minDecryptionVersion,
    min_encryption_version: p.minEncryptionVersion,
    latest_version: p.latestVersion,
    archive_version: p.archiveVersion,
    archive_min_version: p.archiveMinVersion,
    min_available_version: p.minAvailableVersion,
    deletion_allowed: p.deletionAllowed,
    backup_info: infoToJSON(p.backupInfo),
    restore_info: infoToJSON(p.restoreInfo),
    allow_plaintext_backup: p.allowPlaintextBackup,
    auto_rotate_period: p.autoRotatePeriod,
    imported_key: p.imported,
    allow_imported_key_rotation: p.allowImportedKeyRotation,
  }
}

/**
 * A policy from its stored JSON form.
 *
 * @throws {TransitError} when the value is not a policy.
 * @example
 * ```ts
 * const p = policyFromJSON(await storage.getJSON('policy/orders'))
 * ```
 */
export function policyFromJSON(raw: unknown): Policy {
  const s = raw as StoredPolicy
  if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || typeof s.keys !== 'object') {
    throw new TransitError('stored value is not a transit key policy')
  }
  return {
    name: s.name,
    type: s.type,
    keySize: s.key_size ?? 0,
    keys: Object.fromEntries(Object.entries(s.keys ?? {}).map(([v, e]) => [v, entryFromJSON(e)])),
    derived: Boolean(s.derived),
    kdf: s.kdf ?? 0,
    convergentEncryption: Boolean(s.convergent_encryption),
    convergentVersion: s.convergent_version ?? 0,
    exportable: Boolean(s.exportable),
    minDecryptionVersion: s.min_decryption_version ?? 0,
    minEncryptionVersion: s.min_encryption_version ?? 0,
    latestVersion: s.latest_version ?? 0,
    archiveVersion: s.archive_version ?? 0,
    archiveMinVersion: s.archive_min_version ?? 0,
    minAvailableVersion: s.min_available_version ?? 0,
    deletionAllowed: Boolean(s.deletion_allowed),
    backupInfo: infoFromJSON(s.backup_info),
    restoreInfo: infoFromJSON(s.restore_info),
    allowPlaintextBackup: Boolean(s.allow_plaintext_backup),
    autoRotatePeriod: s.auto_rotate_period ?? 0,
    imported: Boolean(s.imported_key),
    allowImportedKeyRotation: Boolean(s.allow_imported_key_rotation),
  }
}

/** An archive: every stored version by decimal version. */
export type Archive = Record<string, KeyEntry>

/**
 * The stored JSON form of an archive.
 *
 * @example
 * ```ts
 * archiveToJSON(await loadArchive(storage, 'orders'))
 * ```
 */
export function archiveToJSON(a: Archive): { keys: Record<string, StoredEntry> } {
  return { keys: Object.fromEntries(Object.entries(a).map(([v, e]) => [v, entryToJSON(e)])) }
}

/**
 * An archive from its stored JSON form.
 *
 * @example
 * ```ts
 * archiveFromJSON({ keys: {} }) // {}
 * ```
 */
export function archiveFromJSON(raw: unknown): Archive {
  const keys = (raw as { keys?: Record<string, StoredEntry> } | null)?.keys ?? {}
  return Object.fromEntries(Object.entries(keys).map(([v, e]) => [v, entryFromJSON(e)]))
}

/**
 * Reads a policy from storage; `null` when there is none.
 *
 * @example
 * ```ts
 * await loadPolicy(storage, 'orders')
 * ```
 */
export async function loadPolicy(storage: StorageView, name: string): Promise<Policy | null> {
  const raw = await storage.getJSON(policyPath(name))
  return raw === null ? null : policyFromJSON(raw)
}

/**
 * Reads a policy's archive (empty when none was written yet).
 *
 * @example
 * ```ts
 * Object.keys(await loadArchive(storage, 'orders')) // ['1', '2']
 * ```
 */
export async function loadArchive(storage: StorageView, name: string): Promise<Archive> {
  return archiveFromJSON(await storage.getJSON(archivePath(name)))
}

/**
 * Writes a policy (keysutil `Persist`), archiving first as `handleArchiving` does: every version up to
 * `latest_version` is in the archive, versions below `min_available_version` leave it, versions below
 * `min_decryption_version` leave the policy, and versions the policy now needs come back from the
 * archive. Mutates `p`'s bookkeeping; call it on a draft.
 *
 * @throws {TransitError} when the versions are inconsistent (as Vault's sanity checks).
 * @example
 * ```ts
 * await persistPolicy(storage, draft)
 * ```
 */
export async function persistPolicy(storage: StorageView, p: Policy): Promise<void> {
  if (p.minDecryptionVersion < 1) {
    throw new TransitError(`minimum decryption version of ${p.minDecryptionVersion} is less than 1`)
  }
  if (p.latestVersion < 1) throw new TransitError(`latest version of ${p.latestVersion} is less than 1`)
  if (p.minEncryptionVersion > 0 && p.minEncryptionVersion < p.minDecryptionVersion) {
    throw new TransitError(
      `minimum decryption version of ${p.minDecryptionVersion} is greater than minimum encryption version ${p.minEncryptionVersion}`,
    )
  }
  if (p.minDecryptionVersion > p.latestVersion) {
    throw new TransitError(
      `minimum decryption version of ${p.minDecryptionVersion} is greater than the latest version ${p.latestVersion}`,
    )
  }
  const archive = await loadArchive(storage, p.name)
  // Every version the policy holds goes to the archive (new ones, and ones whose private half was
  // imported since), so the archive never lags behind the policy.
  for (const [v, e] of Object.entries(p.keys)) archive[v] = e
  p.archiveVersion = Math.max(p.archiveVersion, p.latestVersion)
  for (let v = p.minDecryptionVersion; v <= p.latestVersion; v++) {
    const key = String(v)
    if (!p.keys[key]) {
      const e = archive[key]
      if (!e) throw new TransitError('need to move keys from archive but archive version not up-to-date')
      p.keys[key] = e
    }
  }
  for (const v of Object.keys(archive)) if (Number(v) < p.minAvailableVersion) delete archive[v]
  p.archiveMinVersion = p.minAvailableVersion
  for (const v of Object.keys(p.keys)) if (Number(v) < p.minDecryptionVersion) delete p.keys[v]
  await storage.putJSON(archivePath(p.name), archiveToJSON(archive))
  await storage.putJSON(policyPath(p.name), policyToJSON(p))
}
