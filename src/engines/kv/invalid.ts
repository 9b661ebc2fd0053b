/**
 * The catch-all of a KV v2 mount (Vault's `pathInvalid`): any other path answers 404 with a warning
 * pointing at the versioned API, whose body is the success envelope (no `errors`).
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { definePath, type PathDefinition } from '../../framework/path.js'

const ROOTS = new Set(['metadata', 'data', 'delete', 'undelete', 'destroy'])

const SUBCOMMAND: Record<string, string> = {
  create: 'put',
  update: 'put',
  patch: 'patch',
  read: 'get',
  list: 'list',
  delete: 'delete',
}

async function invalid(req: LogicalRequest): Promise<LogicalResponse> {
  if (ROOTS.has(req.path)) {
    return {
      warnings: ['Non-listing operations on the root of a K/V v2 mount are not supported.'],
      httpStatus: 404,
    }
  }
  const sub = SUBCOMMAND[req.operation] ?? ''
  return {
    warnings: [
      `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${sub}' for this operation.`,
    ],
    httpStatus: 404,
  }
}

/**
 * The catch-all path; it must come last.
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'kv', paths: [...validPaths, invalidPath()] })
 * ```
 */
export function invalidPath(): PathDefinition {
  return definePath({
    pattern: '.*',
    // Vault's raw 404 body is built before any unknown-parameter warning could be added.
    takesArbitraryInput: true,
    operations: { update: invalid, patch: invalid, read: invalid, delete: invalid, list: invalid },
    synopsis: 'Invalid path for a versioned K/V secrets engine.',
  })
}
