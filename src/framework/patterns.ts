/**
 * Building blocks for path patterns, named after Vault's `framework` helpers (`GenericNameRegex`,
 * `OptionalParamRegex`, `MatchAllRegex`…) and written in JavaScript regex syntax (`(?<name>…)`).
 *
 * @module
 */

/**
 * A name: a word character, optionally followed by word characters, `-` and `.`, ending in a word
 * character (Vault's `GenericNameRegex`).
 *
 * @example
 * ```ts
 * definePath({ pattern: `roles/${genericNameRegex('name')}`, fields: { name: { type: 'string' } }, operations: {} })
 * // matches roles/web-1 and roles/a.b, not roles/-x
 * ```
 */
export function genericNameRegex(name: string): string {
  return `(?<${name}>\\w(([\\w\\-.]+)?\\w)?)`
}

/**
 * An optional `/name` segment (Vault's `OptionalGenericNameRegex`); the capture is `''` when absent.
 *
 * @example
 * ```ts
 * `keys${optionalGenericNameRegex('name')}` // matches keys and keys/web
 * ```
 */
export function optionalGenericNameRegex(name: string): string {
  return `(/(?<${name}>\\w(([\\w\\-.]+)?\\w)?))?`
}

/**
 * Like {@link genericNameRegex}, also allowing `@` (Vault's `GenericNameWithAtRegex`), e.g. for user
 * names that are e-mail addresses.
 *
 * @example
 * ```ts
 * `users/${genericNameWithAtRegex('username')}` // matches users/jo@example.com
 * ```
 */
export function genericNameWithAtRegex(name: string): string {
  return `(?<${name}>\\w(([\\w\\-.@]+)?\\w)?)`
}

/**
 * An optional `/anything` tail (Vault's `OptionalParamRegex`); the capture is `''` when absent.
 *
 * @example
 * ```ts
 * `export/${genericNameRegex('type')}/${genericNameRegex('name')}${optionalParamRegex('version')}`
 * ```
 */
export function optionalParamRegex(name: string): string {
  return `(/(?<${name}>.+))?`
}

/**
 * The rest of the path, possibly empty, captured as `name` (Vault's `MatchAllRegex`), e.g. KV's
 * `data/(?<path>.*)`.
 *
 * @example
 * ```ts
 * `data/${matchAllRegex('path')}` // data/a/b/c → path = 'a/b/c'
 * ```
 */
export function matchAllRegex(name: string): string {
  return `(?<${name}>.*)`
}

/**
 * An optional trailing slash, for paths that also serve `list` (the router appends `/` to list
 * requests). Vault writes it inline as `/?$`; vaultlet names it.
 *
 * @example
 * ```ts
 * `roles${optionalEndsInSlash}` // matches roles and roles/
 * ```
 */
export const optionalEndsInSlash = '/?'
