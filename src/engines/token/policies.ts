/**
 * Policy-list helpers the token backend shares: Vault's `strutil.RemoveDuplicates`, the `go-glob` match
 * token roles use for `*_glob` lists, and Go's `%q` of a string list for error messages.
 *
 * @module
 */
import { goQuote } from '../../framework/duration.js'

/**
 * Vault's `strutil.RemoveDuplicates`: trims, drops empty items, optionally lower-cases, de-duplicates and
 * sorts.
 *
 * @example
 * ```ts
 * removeDuplicates([' B', 'a', 'b', ''], true) // ['a', 'b']
 * ```
 */
export function removeDuplicates(items: readonly string[], lowercase: boolean): string[] {
  const set = new Set<string>()
  for (let item of items) {
    item = item.trim()
    if (item === '') continue
    set.add(lowercase ? item.toLowerCase() : item)
  }
  return [...set].sort()
}

/**
 * `github.com/ryanuber/go-glob`'s `Glob`: `*` matches any run of characters (including none); nothing else
 * is special.
 *
 * @example
 * ```ts
 * globMatch('dev-*', 'dev-web') // true
 * globMatch('*-ro', 'db-rw')    // false
 * ```
 */
export function globMatch(pattern: string, subject: string): boolean {
  if (pattern === '') return subject === pattern
  if (pattern === '*') return true
  const parts = pattern.split('*')
  if (parts.length === 1) return subject === pattern
  const leadingGlob = pattern.startsWith('*')
  const trailingGlob = pattern.endsWith('*')
  const end = parts.length - 1
  for (let i = 0; i < end; i++) {
    const part = parts[i] as string
    const idx = subject.indexOf(part)
    if (i === 0) {
      if (!leadingGlob && idx !== 0) return false
    } else if (idx < 0) {
      return false
    }
    subject = subject.slice(idx + part.length)
  }
  return trailingGlob || subject.endsWith(parts[end] as string)
}

/**
 * Vault's `strutil.StrListContainsGlob`: does any pattern of `patterns` match `needle`?
 *
 * @example
 * ```ts
 * containsGlob(['dev-*', 'ops'], 'dev-web') // true
 * ```
 */
export function containsGlob(patterns: readonly string[], needle: string): boolean {
  return patterns.some((p) => globMatch(p, needle))
}

/**
 * Go's `%q` of a `[]string`, for error messages.
 *
 * @example
 * ```ts
 * goQuoteList(['a', 'b']) // '["a" "b"]'
 * ```
 */
export function goQuoteList(items: readonly string[]): string {
  return `[${items.map(goQuote).join(' ')}]`
}
