/**
 * JSON Merge Patch (RFC 7386), as Vault's `framework.HandlePatchOperation` applies it to a KV v2
 * secret: objects merge key by key, `null` removes a key, anything else replaces.
 *
 * @module
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Applies `patch` to `target` (RFC 7386 `MergePatch`), returning a new value; `target` is not changed.
 *
 * @example
 * ```ts
 * mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })
 * // { a: 'z', c: { d: 'e' } }
 * ```
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    // A data property even for `__proto__` (JSON.parse makes it an own key): never a prototype change.
    else
      Object.defineProperty(out, key, {
        value: mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value),
        enumerable: true,
        writable: true,
        configurable: true,
      })
  }
  return out
}
