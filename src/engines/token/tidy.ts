/**
 * `auth/token/tidy`: starts a clean-up of dangling token indexes in the background and answers 202 at
 * once, as Vault does.
 *
 * @module
 */
import { definePath, type PathDefinition } from '../../framework/path.js'
import type { TokenContext } from './core.js'

/** The tidy path. */
export function tidyPaths(ctx: TokenContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'tidy',
      operations: {
        update: async () => {
          const { tokens } = ctx.core
          if (tokens.tidying) return { data: null, warnings: ['Tidy operation already in progress.'] }
          // Vault logs tidy failures and moves on; the next tidy retries what was left.
          tokens.tidy().catch(() => undefined)
          return {
            data: null,
            httpStatus: 202,
            warnings: [
              "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
            ],
          }
        },
      },
      synopsis:
        'This endpoint performs cleanup tasks that can be run if certain error conditions have occurred.',
      description:
        'This endpoint performs cleanup tasks that can be run to clean up token and lease entries after certain error conditions. Usually running this is not necessary, and is only required if upgrade notes or support personnel suggest it.',
    }),
  ]
}
