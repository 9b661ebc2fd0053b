/**
 * A radix (compressed prefix) tree over strings, for the ACL's prefix rules: built once, then each
 * longest-prefix lookup walks the key once, with no allocation (the role `armon/go-radix` plays in
 * Vault's ACL).
 *
 * Internal to the policy module.
 *
 * @module
 */

interface RadixNode<T> {
  /** The edge label leading to this node. */
  label: string
  /** The full key ending at this node, when a value is stored here. */
  key: string | undefined
  value: T | undefined
  /** Children by the first UTF-16 code unit of their label. */
  children: Map<number, RadixNode<T>> | undefined
}

/** A stored key and its value. */
export interface RadixEntry<T> {
  readonly key: string
  readonly value: T
}

function newNode<T>(label: string): RadixNode<T> {
  return { label, key: undefined, value: undefined, children: undefined }
}

/**
 * A map from strings to values that answers "which stored key is the longest prefix of this string?"
 * in time proportional to the string's length.
 *
 * @example
 * ```ts
 * const t = new PrefixTree<number>()
 * t.insert('secret/', 1)
 * t.insert('secret/app', 2)
 * t.longestPrefix('secret/apple')?.key // 'secret/app'
 * ```
 */
export class PrefixTree<T> {
  readonly #root: RadixNode<T> = newNode('')
  #size = 0

  /** Number of stored keys. */
  get size(): number {
    return this.#size
  }

  /** Stores `value` under `key`, replacing any value already there. */
  insert(key: string, value: T): void {
    let node = this.#root
    let i = 0
    for (;;) {
      if (i === key.length) {
        if (node.key === undefined) this.#size++
        node.key = key
        node.value = value
        return
      }
      node.children ??= new Map()
      const c = key.charCodeAt(i)
      const child = node.children.get(c)
      if (child === undefined) {
        const leaf = newNode<T>(key.slice(i))
        leaf.key = key
        leaf.value = value
        node.children.set(c, leaf)
        this.#size++
        return
      }
      // Length of the common prefix of the child's label and the rest of the key.
      const label = child.label
      let n = 0
      while (n < label.length && i + n < key.length && label.charCodeAt(n) === key.charCodeAt(i + n)) n++
      if (n === label.length) {
        node = child
        i += n
        continue
      }
      // Split the edge at n.
      const mid = newNode<T>(label.slice(0, n))
      child.label = label.slice(n)
      mid.children = new Map([[child.label.charCodeAt(0), child]])
      node.children.set(c, mid)
      node = mid
      i += n
    }
  }

  /** The value stored under exactly `key`. */
  get(key: string): T | undefined {
    let node = this.#root
    let i = 0
    while (i < key.length) {
      const child = node.children?.get(key.charCodeAt(i))
      if (child === undefined || !key.startsWith(child.label, i)) return undefined
      node = child
      i += child.label.length
    }
    return node.key === undefined ? undefined : node.value
  }

  /** The longest stored key that is a prefix of `s` (the empty key matches everything). */
  longestPrefix(s: string): RadixEntry<T> | undefined {
    let node = this.#root
    let best: RadixNode<T> | undefined = node.key === undefined ? undefined : node
    let i = 0
    while (i < s.length) {
      const child = node.children?.get(s.charCodeAt(i))
      if (child === undefined || !s.startsWith(child.label, i)) break
      node = child
      i += child.label.length
      if (node.key !== undefined) best = node
    }
    return best === undefined ? undefined : { key: best.key!, value: best.value as T }
  }
}
