/**
 * `tidy/secret-id`: removes expired secret IDs, secret IDs without an accessor, and accessors without a
 * secret ID, in the background; answers 202 at once (Vault's approle `path_tidy_user_id.go`).
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { Storage } from '../../storage/view.js'
import { fromUtf8 } from '../../util/encoding.js'
import type { AppRoleContext } from './context.js'
import {
  accessorPrefixFor,
  loadSecretId,
  SECRET_ID_LOCAL_PREFIX,
  SECRET_ID_PREFIX,
  type SecretIdPrefix,
} from './secret-id.js'

/** One tidy pass over a secret-ID folder and its accessor folder. */
async function tidyPrefix(ctx: AppRoleContext, storage: Storage, prefix: SecretIdPrefix): Promise<void> {
  const accessorPrefix = accessorPrefixFor(prefix)
  const live = new Set<string>()
  for (const roleFolder of await storage.list(prefix)) {
    if (!roleFolder.endsWith('/')) continue
    for (const hmac of await storage.list(prefix + roleFolder)) {
      if (hmac.endsWith('/')) continue
      const key = prefix + roleFolder + hmac
      await ctx.locks.run(`secret/${hmac}`, async () => {
        const entry = await loadSecretId(storage, key)
        if (!entry) return
        const accessorKey = accessorPrefix + ctx.saltId(entry.secret_id_accessor)
        const indexed = (await storage.get(accessorKey)) !== null
        const expired = entry.expiration_time > 0 && ctx.clock.now() >= entry.expiration_time
        if (!indexed || expired) {
          if (indexed) await storage.delete(accessorKey)
          await storage.delete(key)
          return
        }
        live.add(hmac)
      })
    }
  }
  // Accessors whose secret ID is gone.
  for (const salted of await storage.list(accessorPrefix)) {
    if (salted.endsWith('/')) continue
    const raw = await storage.get(accessorPrefix + salted)
    if (!raw) continue
    const { secret_id_hmac: hmac } = JSON.parse(fromUtf8(raw)) as { secret_id_hmac: string }
    await ctx.locks.run(`secret/${hmac}`, async () => {
      if (!live.has(hmac)) await storage.delete(accessorPrefix + salted)
    })
  }
}

/**
 * Runs a tidy unless one runs; resolves when it is done (failures are swallowed, as Vault logs them).
 *
 * @example
 * ```ts
 * await tidySecretIds(ctx, config.storage)
 * ```
 */
export function tidySecretIds(ctx: AppRoleContext, storage: Storage): Promise<void> {
  if (!ctx.tidy) {
    ctx.tidy = (async () => {
      for (const prefix of [SECRET_ID_PREFIX, SECRET_ID_LOCAL_PREFIX] as const) {
        await tidyPrefix(ctx, storage, prefix)
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        ctx.tidy = null
      })
  }
  return ctx.tidy
}

/** The tidy path. */
export function tidyPaths(ctx: AppRoleContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'tidy/secret-id',
      operations: {
        update: async (req) => {
          if (ctx.tidy) return { data: null, warnings: ['Tidy operation already in progress.'] }
          void tidySecretIds(ctx, req.storage)
          return {
            data: null,
            httpStatus: 202,
            warnings: [
              "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
            ],
          }
        },
      },
      synopsis: 'Trigger the clean-up of expired SecretID entries.',
      description:
        "SecretIDs will have expiration time attached to them. The periodic function of the backend will look for expired entries and delete them. This happens once in a minute. Invoking this endpoint will trigger the clean-up action, without waiting for the backend's periodic function.",
    }),
  ]
}
