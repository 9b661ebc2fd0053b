/**
 * The `kv` secrets engine, versions 1 and 2 (api-docs/secret/kv/kv-v1, api-docs/secret/kv/kv-v2).
 * The mount's `options.version` picks the version (`"1"` or absent: v1; `"2"`: v2; the `kv-v1` /
 * `kv-v2` mount types set it). Tuning a v1 mount to version 2 reloads the backend, which moves the v1
 * data into the versioned layout (see `upgrade.ts`).
 *
 * @module
 */
import type { BackendConfig } from '../../core/logical.js'
import { InvalidRequestError } from '../../errors.js'
import { FrameworkBackend } from '../../framework/backend.js'
import { configPath } from './config.js'
import { dataPath } from './data.js'
import { deletePaths } from './delete.js'
import { destroyPath } from './destroy.js'
import { invalidPath } from './invalid.js'
import { metadataPath } from './metadata.js'
import { PassthroughKvBackend } from './passthrough.js'
import { subkeysPath } from './subkeys.js'
import { startUpgrade } from './upgrade.js'
import { VersionedKv } from './versioned.js'

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
} from './client.js'
export { mergePatch } from './merge-patch.js'
export { advisoryTtl, PassthroughKvBackend } from './passthrough.js'
export { subkeys } from './subkeys.js'

const HELP = `This backend provides a versioned key-value store. The kv backend reads and
writes arbitrary secrets to the storage backend. The secrets are
encrypted/decrypted by Vault: they are never stored unencrypted in the backend
and the backend never has an opportunity to see the unencrypted value. Each key
can have a configured number of versions, and versions can be retrieved based on
their version numbers.`

/**
 * A KV version 2 mount: `config`, `data/`, `metadata/`, `delete/`, `undelete/`, `destroy/`,
 * `subkeys/`, and Vault's 404 for any other path.
 *
 * @example
 * ```ts
 * const backend = new VersionedKvBackend(config)
 * await backend.initialize()
 * await backend.whenUpgraded()
 * ```
 */
export class VersionedKvBackend extends FrameworkBackend {
  /** The KV version this backend serves. */
  readonly version = 2 as const
  readonly #upgrade: { finished: Promise<void>; cancelled: boolean }

  constructor(config: BackendConfig) {
    const kv = new VersionedKv(config.storage, config.system, config.uuid)
    const upgrade = { finished: Promise.resolve(), cancelled: false }
    super({
      type: config.type,
      help: HELP,
      paths: [
        configPath(kv),
        dataPath(kv),
        metadataPath(kv),
        destroyPath(kv),
        subkeysPath(kv),
        ...deletePaths(kv),
        // Last: everything the paths above do not serve.
        invalidPath(),
      ],
      initialize: async () => {
        await kv.setup()
        upgrade.finished = (await startUpgrade(kv, () => upgrade.cancelled)).finished
      },
      cleanup: async () => {
        upgrade.cancelled = true
      },
    })
    this.#upgrade = upgrade
  }

  /**
   * Settles when the v1 → v2 upgrade started by `initialize()` has finished (at once when there was
   * nothing to move).
   *
   * @example
   * ```ts
   * await vault.request({ method: 'POST', path: 'sys/mounts/secret/tune', data: { options: { version: '2' } }, token })
   * await backend.whenUpgraded()
   * ```
   */
  whenUpgraded(): Promise<void> {
    return this.#upgrade.finished
  }
}

/**
 * Builds a `kv` backend for one mount: {@link PassthroughKvBackend} (v1) when `options.version` is
 * `"1"` or absent, {@link VersionedKvBackend} (v2) when it is `"2"`.
 *
 * @example
 * ```ts
 * import { Vault } from 'vaultlet'
 * import { createKvBackend } from 'vaultlet/engines/kv'
 * const vault = await Vault.dev({ rootToken: 'root' })
 * vault.engines.register({ type: 'kv', kind: 'secret', factory: createKvBackend })
 * await vault.request({ method: 'POST', path: 'sys/mounts/secret', data: { type: 'kv-v2' }, token: 'root' })
 * await vault.request({ method: 'POST', path: 'secret/data/app', data: { data: { password: 's3cr3t' } }, token: 'root' })
 * ```
 * @throws {InvalidRequestError} `invalid version provided: <v>` for any other version.
 */
export function createKvBackend(config: BackendConfig): PassthroughKvBackend | VersionedKvBackend {
  const version = config.options?.version ?? ''
  switch (version) {
    case '':
    case '1':
      return new PassthroughKvBackend(config)
    case '2':
      return new VersionedKvBackend(config)
    default:
      throw new InvalidRequestError(`invalid version provided: ${version}`)
  }
}
