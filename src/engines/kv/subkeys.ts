/**
 * `subkeys/:path` of KV v2 (api-docs/secret/kv/kv-v2: read secret subkeys): the shape of a version's
 * data with every value replaced by `null`, optionally cut at a depth.
 *
 * @module
 */
import type { LogicalRequest, LogicalResponse } from '../../core/logical.js'
import { InternalError } from '../../errors.js'
import type { FieldData } from '../../framework/fields.js'
import { definePath, type PathDefinition } from '../../framework/path.js'
import { isDeleted, versionView } from './key-metadata.js'
import { secretKey, type VersionedKv } from './versioned.js'

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Vault's `removeValues`: leaves (non-objects and empty objects) become `null`; with `maxDepth > 0`,
 * objects at that depth become `null` too (top-level keys are depth 1).
 *
 * @example
 * ```ts
 * subkeys({ a: 1, b: { c: { d: 2 } }, e: {} }, 0) // { a: null, b: { c: { d: null } }, e: null }
 * subkeys({ a: 1, b: { c: { d: 2 } } }, 2)        // { a: null, b: { c: null } }
 * ```
 */
export function subkeys(input: Record<string, unknown>, maxDepth: number): Record<string, unknown> {
  const walk = (m: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(m)) {
      const next = depth + 1
      const value =
        isMap(v) && (maxDepth === 0 || next <= maxDepth) && Object.keys(v).length > 0 ? walk(v, next) : null
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true })
    }
    return out
  }
  return walk(input, 1)
}

function readSubkeys(kv: VersionedKv) {
  return async (_req: LogicalRequest, d: FieldData): Promise<LogicalResponse | null> => {
    const key = secretKey(d.get<string>('path'))
    const depth = d.get<number>('depth')
    const requested = d.get<number>('version')
    for (let attempt = 0; ; attempt++) {
      const meta = await kv.getKeyMetadata(key)
      if (meta === null) return null
      const version = requested > 0 ? requested : meta.current_version
      const vm = meta.versions[String(version)]
      if (vm === undefined) return null
      const metadata = versionView(meta, version, vm)
      if (isDeleted(vm, kv.now()) || vm.destroyed)
        return { data: { metadata, subkeys: null }, httpStatus: 404 }
      const stored = await kv.getVersion(key, version)
      if (stored === null) {
        if (attempt === 0) continue
        throw new InternalError('could not find version data')
      }
      return { data: { metadata, subkeys: subkeys(stored.data, depth) } }
    }
  }
}

/**
 * The `subkeys/:path` endpoint (`depth`, `version` in the query).
 *
 * @example
 * ```ts
 * new FrameworkBackend({ type: 'kv', paths: [subkeysPath(kv)] })
 * ```
 */
export function subkeysPath(kv: VersionedKv): PathDefinition {
  return definePath({
    pattern: 'subkeys/(?<path>.*)',
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      depth: {
        type: 'int',
        description: 'The maximum depth to traverse. No limit will be imposed if not provided or if 0.',
        query: true,
      },
      version: {
        type: 'int',
        description:
          'Specifies which version to retrieve. If not provided, the current version will be used.',
        query: true,
      },
    },
    operations: {
      read: { handler: kv.guard(readSubkeys(kv)), summary: "Read a secret's structure without its values." },
    },
    synopsis: 'Read the structure of a secret entry from the Key-Value store with the values removed.',
    description:
      'Returns the subkeys within the secret at the path: values of leaf keys (non-map keys, or map keys with no subkeys) are replaced by null. "version" selects the version (default: current); "depth" limits nesting (0 = no limit).',
  })
}
