/**
 * `cache-config`: the size of the mount's in-memory key cache — 0 for unbounded (the default), else at
 * least 10 keys, least-recently-used first out (Vault's `path_cache_config.go`). The size is stored,
 * and applied at once and again on every mount start.
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { StorageView } from '../../storage/view.js'
import type { TransitContext } from './context.js'
import { errorResponse } from './errors.js'

/** Storage key of the cache size, as in Vault. */
const CACHE_CONFIG_PATH = 'config/cache'
/** The smallest non-zero cache size (Vault's `minCacheSize`). */
export const MIN_CACHE_SIZE = 10

/**
 * The stored cache size (0 when none was configured).
 *
 * @example
 * ```ts
 * await storedCacheSize(storage) // 0
 * ```
 */
export async function storedCacheSize(storage: StorageView): Promise<number> {
  return (await storage.getJSON<{ size?: number }>(CACHE_CONFIG_PATH))?.size ?? 0
}

/** `cache-config`. */
export function pathCacheConfig(ctx: TransitContext): PathDefinition {
  const write = async (req: { storage: StorageView }, d: { get<T>(n: string): T }) => {
    const size = d.get<number>('size')
    if (size !== 0 && size < MIN_CACHE_SIZE) {
      throw errorResponse(`size must be 0 or a value greater or equal to ${MIN_CACHE_SIZE}`)
    }
    await req.storage.putJSON(CACHE_CONFIG_PATH, { size })
    ctx.keys.initCache(size)
    return { data: { size } }
  }
  return definePath({
    pattern: 'cache-config',
    fields: {
      size: {
        type: 'int',
        default: 0,
        description: 'Size of cache, use 0 for an unlimited cache size, defaults to 0',
      },
    },
    operations: {
      read: {
        summary: 'Returns the size of the active cache',
        handler: async (req) => {
          const stored = await storedCacheSize(req.storage)
          if (stored !== ctx.keys.cacheSize) ctx.keys.initCache(stored)
          return { data: { size: stored } }
        },
      },
      update: { summary: 'Configures a new cache of the specified size', handler: write },
      create: { summary: 'Configures a new cache of the specified size', handler: write },
    },
    synopsis: 'Configure caching strategy',
    description:
      'This path is used to configure and query the cache size of the active cache, a size of 0 means unlimited.',
  })
}
