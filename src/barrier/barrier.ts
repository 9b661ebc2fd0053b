/**
 * The barrier (Vault's `AESGCMBarrier`): AES-256-GCM over a {@link StorageAdapter}. Everything above
 * it reads and writes plaintext; everything below it sees only
 *
 * ```
 * term u32 BE ‖ version 0x02 ‖ 12-byte random nonce ‖ AES-256-GCM ciphertext ‖ 16-byte tag
 * ```
 *
 * with the storage key path as additional data, so a value cannot be moved to another key. Keys are
 * not encrypted (as in Vault), so `list` passes through. Sealed, every call throws {@link SealedError}.
 *
 * @module
 */

import type { Clock } from '../clock.js'
import type { CryptoProvider } from '../crypto/provider.js'
import {
  BarrierError,
  InvalidKeyError,
  NotInitializedError,
  SealedError,
  StorageError,
  VaultError,
} from '../errors.js'
import type { StorageAdapter } from '../storage/adapter.js'
import type { Storage } from '../storage/view.js'
import { AEAD_VERSION_1, AEAD_VERSION_2, NONCE_SIZE, openFramed, sealFramed, TAG_SIZE } from './aead.js'
import { formatRfc3339Nano, Keyring, type KeyringKey } from './keyring.js'

/** The keyring, encrypted under the root key (always term 1); read at unseal, so it lives outside the barrier. */
export const KEYRING_PATH = 'core/keyring'
/** The root key encrypted under the seal's unseal key (written by the seal layer, read while sealed). */
export const ROOT_KEY_PATH = 'core/hsm/barrier-unseal-keys'
/** The seal configuration (shares, threshold), plaintext JSON written by the seal layer, read while sealed. */
export const SEAL_CONFIG_PATH = 'core/seal-config'
/** The recovery-key configuration of auto-unseal seals, plaintext JSON read while sealed. */
export const RECOVERY_CONFIG_PATH = 'core/recovery-config'

/**
 * Paths the barrier refuses to `put` or `delete`: they are written outside the barrier's encryption
 * (directly on the adapter), and overwriting or removing one through the barrier would brick the vault.
 */
export const BARRIER_RESERVED_PATHS: ReadonlySet<string> = new Set([
  KEYRING_PATH,
  ROOT_KEY_PATH,
  SEAL_CONFIG_PATH,
  RECOVERY_CONFIG_PATH,
])

/** The term the keyring itself is always framed with (Vault's `initialKeyTerm`). */
const KEYRING_TERM = 1
/** Bytes of the big-endian term prefix. */
const TERM_SIZE = 4
/** Smallest well-formed value: term, version, nonce and tag around an empty plaintext. */
const MIN_VALUE_SIZE = TERM_SIZE + 1 + NONCE_SIZE + TAG_SIZE
/** Length of generated data keys (AES-256). */
const DATA_KEY_SIZE = 32
const MAX_TERM = 0xffff_ffff

/** What `sys/key-status` shows (Vault's field names). */
export interface BarrierKeyStatus {
  /** The active term. */
  term: number
  /** When the active key was installed, RFC 3339 with nanosecond digits (`2024-01-01T00:00:00.123000000Z`). */
  install_time: string
  /** Estimated number of encryptions made under the active key. */
  encryptions: number
}

/** What {@link Barrier.rotate} returns. */
export interface BarrierRotation {
  /** The new active term. */
  term: number
  /** Its install time, ms since the Unix epoch. */
  installTime: number
}

function assertRootKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 24 && key.length !== 32)) {
    throw new InvalidKeyError('root key must be 16, 24 or 32 bytes')
  }
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new TypeError('storage key must be a string')
}

function assertWritable(key: string): void {
  if (BARRIER_RESERVED_PATHS.has(key)) {
    throw new BarrierError(`refusing to modify reserved path "${key}" through the barrier`)
  }
}

function readTerm(blob: Uint8Array): number {
  return ((blob[0]! << 24) | (blob[1]! << 16) | (blob[2]! << 8) | blob[3]!) >>> 0
}

function writeTerm(blob: Uint8Array, term: number): void {
  blob[0] = term >>> 24
  blob[1] = (term >>> 16) & 0xff
  blob[2] = (term >>> 8) & 0xff
  blob[3] = term & 0xff
}

function storageFailure(op: string, key: string, cause: unknown): Error {
  return cause instanceof VaultError ? cause : new StorageError(`failed to ${op} "${key}"`, { cause })
}

/**
 * The encrypting layer between the core and a {@link StorageAdapter}, with a keyring of terms.
 * Starts sealed; {@link Barrier.unseal} with the root key opens it.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(new MemoryStorage(), nodeCrypto, systemClock)
 * const rootKey = nodeCrypto.randomBytes(32)
 * await barrier.initialize(rootKey)
 * await barrier.unseal(rootKey)
 * await barrier.put('core/mounts', new TextEncoder().encode('{}'))
 * await barrier.get('core/mounts') // the plaintext bytes
 * await barrier.rotate() // { term: 2, installTime: … }
 * await barrier.seal() // keys zero-filled; every call now throws SealedError
 * ```
 */
export class Barrier implements Storage {
  readonly #storage: StorageAdapter
  readonly #crypto: CryptoProvider
  readonly #clock: Clock
  /** Present exactly while unsealed. */
  #keyring: Keyring | undefined
  /** Encryptions counted since the keyring was last persisted. */
  #unpersisted = 0
  /** Serializes everything that reads or writes the stored keyring. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(storage: StorageAdapter, crypto: CryptoProvider, clock: Clock) {
    this.#storage = storage
    this.#crypto = crypto
    this.#clock = clock
  }

  /** `true` until {@link Barrier.unseal} succeeds, and again after {@link Barrier.seal}. */
  get sealed(): boolean {
    return this.#keyring === undefined
  }

  /**
   * Whether a keyring is present in storage.
   *
   * @throws {StorageError} the adapter failed.
   */
  async initialized(): Promise<boolean> {
    return (await this.#rawGet(KEYRING_PATH)) !== null
  }

  /**
   * Creates the keyring: a random term-1 data key, stored with `rootKey` under the root key at
   * {@link KEYRING_PATH}. Leaves the barrier sealed. `rootKey` is not retained or modified.
   *
   * @throws {VaultError} `ERR_ALREADY_INITIALIZED` if a keyring already exists.
   * @throws {InvalidKeyError} `rootKey` is not 16, 24 or 32 bytes.
   * @throws {StorageError} the adapter failed.
   */
  async initialize(rootKey: Uint8Array): Promise<void> {
    assertRootKey(rootKey)
    return this.#exclusive(async () => {
      if (await this.initialized()) {
        throw new VaultError('ERR_ALREADY_INITIALIZED', 400, 'Vault is already initialized')
      }
      const ring = new Keyring(rootKey)
      try {
        const value = this.#crypto.randomBytes(DATA_KEY_SIZE)
        try {
          ring.addKey({ term: 1, value, installTime: this.#clock.now() })
        } finally {
          value.fill(0)
        }
        await this.#persist(ring)
      } finally {
        ring.wipe()
      }
    })
  }

  /**
   * Reads the keyring and decrypts it with `rootKey`. A no-op when already unsealed. `rootKey` is not
   * retained or modified (the keyring carries its own copy).
   *
   * @throws {InvalidKeyError} the root key does not open the keyring (`failed to decrypt keyring`); the
   *   barrier stays sealed.
   * @throws {NotInitializedError} no keyring in storage.
   * @throws {BarrierError} the stored keyring is malformed.
   * @throws {StorageError} the adapter failed.
   */
  async unseal(rootKey: Uint8Array): Promise<void> {
    assertRootKey(rootKey)
    return this.#exclusive(async () => {
      if (this.#keyring) return
      const blob = await this.#rawGet(KEYRING_PATH)
      if (blob === null) throw new NotInitializedError()
      if (blob.length < MIN_VALUE_SIZE) throw new BarrierError('keyring: invalid cipher length')
      if (readTerm(blob) !== KEYRING_TERM) throw new BarrierError('keyring: term mis-match')
      const version = blob[TERM_SIZE]
      if (version !== AEAD_VERSION_2 && version !== AEAD_VERSION_1) {
        throw new BarrierError('keyring: version bytes mis-match')
      }
      let plain: Uint8Array
      try {
        plain = openFramed(this.#crypto, rootKey, KEYRING_PATH, blob, TERM_SIZE)
      } catch (cause) {
        throw new InvalidKeyError('failed to decrypt keyring: Unseal failed, invalid key', { cause })
      }
      try {
        this.#keyring = Keyring.deserialize(plain)
        this.#unpersisted = 0
      } catch (cause) {
        throw new BarrierError('keyring deserialization failed', { cause })
      } finally {
        plain.fill(0)
      }
    })
  }

  /**
   * Seals: every call fails with {@link SealedError} from now on. Then persists the encryption
   * counters if any changed (best effort: a storage failure is ignored), zero-fills every key and
   * drops the keyring. A no-op when already sealed.
   */
  async seal(): Promise<void> {
    const ring = this.#keyring
    if (!ring) return
    this.#keyring = undefined
    const dirty = this.#unpersisted > 0
    this.#unpersisted = 0
    await this.#exclusive(async () => {
      try {
        if (dirty) await this.#persist(ring)
      } catch {
        // Best effort: the counters are estimates, and sealing must not fail on storage.
      } finally {
        ring.wipe()
      }
    })
  }

  /**
   * Installs a new random key as term = active + 1 and rewrites the keyring under the root key. New
   * writes use the new term; values written under older terms still read. Nothing is re-encrypted.
   * If storage fails, nothing changes.
   *
   * @throws {SealedError} sealed (or sealed while rotating).
   * @throws {StorageError} the adapter failed.
   */
  rotate(): Promise<BarrierRotation> {
    return this.#exclusive(async () => {
      const ring = this.#unsealed()
      const term = ring.activeTerm + 1
      if (term > MAX_TERM) throw new BarrierError('keyring term space exhausted')
      const next = ring.clone()
      const value = this.#crypto.randomBytes(DATA_KEY_SIZE)
      let key: KeyringKey
      try {
        key = next.addKey({ term, value, installTime: this.#clock.now() })
      } finally {
        value.fill(0)
      }
      const unpersisted = this.#unpersisted
      try {
        await this.#persist(next)
      } catch (err) {
        key.value.fill(0)
        throw err
      }
      if (this.#keyring !== ring) {
        key.value.fill(0)
        throw new SealedError()
      }
      this.#keyring = next
      this.#unpersisted -= unpersisted
      return { term, installTime: key.installTime }
    })
  }

  /**
   * Persists the keyring now if encryption counters changed since it was last written.
   *
   * @throws {SealedError} sealed.
   * @throws {StorageError} the adapter failed.
   */
  flush(): Promise<void> {
    return this.#exclusive(async () => {
      const ring = this.#unsealed()
      const unpersisted = this.#unpersisted
      if (unpersisted === 0) return
      await this.#persist(ring)
      if (this.#keyring === ring) this.#unpersisted -= unpersisted
    })
  }

  /**
   * The active key's term, install time and encryption estimate (`sys/key-status`).
   *
   * @throws {SealedError} sealed.
   */
  keyStatus(): BarrierKeyStatus {
    const key = this.#unsealed().activeKey()
    return { term: key.term, install_time: formatRfc3339Nano(key.installTime), encryptions: key.encryptions }
  }

  /**
   * Reads and decrypts the value at `key`; `null` when missing. Never returns unauthenticated bytes.
   *
   * @throws {SealedError} sealed.
   * @throws {BarrierError} the stored value is too short, carries an unknown term or version, or fails
   *   authentication (tampered, or moved from another key).
   * @throws {StorageError} the adapter failed.
   */
  async get(key: string): Promise<Uint8Array | null> {
    this.#unsealed()
    assertKey(key)
    const blob = await this.#rawGet(key)
    if (blob === null) return null
    const ring = this.#unsealed()
    if (blob.length < MIN_VALUE_SIZE) throw new BarrierError('invalid cipher length')
    const term = readTerm(blob)
    const termKey = ring.termKey(term)
    if (!termKey) throw new BarrierError(`no decryption key available for term ${term}`)
    return openFramed(this.#crypto, termKey.value, key, blob, TERM_SIZE)
  }

  /**
   * Encrypts `value` under the active term, bound to `key`, with a fresh random nonce, and writes it.
   *
   * @throws {SealedError} sealed.
   * @throws {BarrierError} `key` is one of {@link BARRIER_RESERVED_PATHS}.
   * @throws {StorageError} the adapter failed.
   */
  async put(key: string, value: Uint8Array): Promise<void> {
    const ring = this.#unsealed()
    assertKey(key)
    assertWritable(key)
    if (!(value instanceof Uint8Array)) throw new TypeError('storage value must be a Uint8Array')
    const active = ring.activeKey()
    const blob = sealFramed(this.#crypto, active.value, key, value, TERM_SIZE)
    writeTerm(blob, active.term)
    active.encryptions++
    this.#unpersisted++
    try {
      await this.#storage.put(key, blob)
    } catch (cause) {
      throw storageFailure('put', key, cause)
    }
  }

  /**
   * Deletes the value at `key` (a missing key succeeds).
   *
   * @throws {SealedError} sealed.
   * @throws {BarrierError} `key` is one of {@link BARRIER_RESERVED_PATHS}.
   * @throws {StorageError} the adapter failed.
   */
  async delete(key: string): Promise<void> {
    this.#unsealed()
    assertKey(key)
    assertWritable(key)
    try {
      await this.#storage.delete(key)
    } catch (cause) {
      throw storageFailure('delete', key, cause)
    }
  }

  /**
   * Lists one level below `prefix` (keys are stored in clear, as in Vault).
   *
   * @throws {SealedError} sealed.
   * @throws {StorageError} the adapter failed.
   */
  async list(prefix: string): Promise<string[]> {
    this.#unsealed()
    assertKey(prefix)
    try {
      return await this.#storage.list(prefix)
    } catch (cause) {
      throw storageFailure('list', prefix, cause)
    }
  }

  #unsealed(): Keyring {
    const ring = this.#keyring
    if (!ring) throw new SealedError()
    return ring
  }

  async #rawGet(key: string): Promise<Uint8Array | null> {
    try {
      return await this.#storage.get(key)
    } catch (cause) {
      throw storageFailure('get', key, cause)
    }
  }

  /** Writes `ring` encrypted under its root key, term 1, AAD = {@link KEYRING_PATH}. */
  async #persist(ring: Keyring): Promise<void> {
    const plain = ring.serialize()
    let blob: Uint8Array
    try {
      blob = sealFramed(this.#crypto, ring.rootKey, KEYRING_PATH, plain, TERM_SIZE)
    } finally {
      plain.fill(0)
    }
    writeTerm(blob, KEYRING_TERM)
    try {
      await this.#storage.put(KEYRING_PATH, blob)
    } catch (cause) {
      throw storageFailure('persist keyring to', KEYRING_PATH, cause)
    }
  }

  /** Runs `fn` after every earlier keyring operation has settled. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn)
    this.#queue = run.catch(() => undefined)
    return run
  }
}
