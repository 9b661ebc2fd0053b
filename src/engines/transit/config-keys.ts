/**
 * `config/keys`: settings common to all keys of the mount — today `disable_upsert`, which stops
 * `encrypt` from creating missing keys (Vault's `path_config_keys.go`).
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { StorageView } from '../../storage/view.js'
import type { TransitContext } from './context.js'

/** Storage key of the keys configuration, as in Vault. */
const KEYS_CONFIG_PATH = 'config/keys'

/** The mount-wide keys configuration. */
export interface KeysConfig {
  disable_upsert: boolean
}

/**
 * The stored configuration, or the default (`disable_upsert: false`).
 *
 * @example
 * ```ts
 * (await readConfigKeys(storage)).disable_upsert // false
 * ```
 */
export async function readConfigKeys(storage: StorageView): Promise<KeysConfig> {
  const stored = await storage.getJSON<Partial<KeysConfig>>(KEYS_CONFIG_PATH)
  return { disable_upsert: Boolean(stored?.disable_upsert) }
}

/** `config/keys`. */
export function pathConfigKeys(_ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: 'config/keys',
    fields: {
      disable_upsert: {
        type: 'bool',
        description: 'Whether to allow automatic upserting (creation) of keys on the encrypt endpoint.',
      },
    },
    operations: {
      read: {
        summary: 'Configuration common across all keys',
        handler: async (req) => ({ data: { ...(await readConfigKeys(req.storage)) } }),
      },
      update: {
        summary: 'Configuration common across all keys',
        handler: async (req, d) => {
          const cfg = await readConfigKeys(req.storage)
          const want = d.get<boolean>('disable_upsert')
          if (cfg.disable_upsert !== want) {
            cfg.disable_upsert = want
            await req.storage.putJSON(KEYS_CONFIG_PATH, cfg)
          }
          return { data: { ...cfg } }
        },
      },
    },
    synopsis: 'Configuration common across all keys',
    description: `This path is used to configure common functionality across all keys. Currently,
this supports limiting the ability to automatically create new keys when an
unknown key is used for encryption (upsert).`,
  })
}
