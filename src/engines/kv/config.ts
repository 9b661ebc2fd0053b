/**
 * `config` of KV v2 (api-docs/secret/kv/kv-v2: configure the KV engine, read KV engine configuration):
 * mount-wide `max_versions`, `cas_required` and `delete_version_after`. No existence check, as in
 * Vault: writes always need `update`.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { formatDuration } from '../../framework/duration.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { DELETE_VERSION_AFTER_DISABLED, toUint32 } from './key-metadata.js'
import type { VersionedKv } from './versioned.js'

function readConfig(kv: VersionedKv) {
  return async (): Promise<LogicalResponse | null> => {
    const config = await kv.config()
    return {
      data: {
        cas_required: config.cas_required,
        delete_version_after: formatDuration(config.delete_version_after ?? 0),
        max_versions: config.max_versions,
      },
    }
  }
}

function writeConfig(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const [maxVersions, mOk] = d.getOk<number>('max_versions')
    const [casRequired, cOk] = d.getOk<boolean>('cas_required')
    const [dva, dvaOk] = d.getOk<number>('delete_version_after')
    if (!mOk && !cOk && !dvaOk) return null
    const config = await kv.config()
    if (mOk) config.max_versions = toUint32(maxVersions ?? 0)
    if (cOk) config.cas_required = casRequired === true
    if (dvaOk) {
      // Negative disables delete_version_after for every key; zero clears the setting.
      const seconds = dva ?? 0
      config.delete_version_after =
        seconds < 0 ? DELETE_VERSION_AFTER_DISABLED : seconds === 0 ? null : seconds
    }
    await kv.writeConfig(config)
    return null
  }
}

/**
 * The `config` endpoint.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'kv', paths: [configPath(kv)] })
 * ```
 */
export function configPath(kv: VersionedKv): PathDefinition {
  return definePath({
    pattern: 'config',
    fields: {
      max_versions: {
        type: 'int',
        description: 'The number of versions to keep for each key. Defaults to 10',
      },
      cas_required: {
        type: 'bool',
        description: 'If true, the backend will require the cas parameter to be set for each write',
      },
      delete_version_after: {
        type: 'signedDuration',
        description:
          'If set, the length of time before a version is deleted. A negative duration disables the use of delete_version_after on all keys. A zero duration clears the current setting. Accepts a Go duration format string.',
      },
    },
    operations: {
      read: { handler: kv.guard(readConfig(kv)), summary: 'Read the backend level settings.' },
      update: {
        handler: kv.guard(writeConfig(kv)),
        summary: 'Configure backend level settings that are applied to every key in the key-value store.',
      },
    },
    synopsis: 'Configures settings for the KV store',
    description:
      'Backend level settings applied to every key: max_versions (default 10), cas_required, and delete_version_after (a negative duration disables it on all keys; zero clears it).',
  })
}
