/**
 * The token tree: the `parent/<salted parent>/<salted child>` index (empty values) and the walks over it
 * — revoking a token with its descendants (Vault's `revokeTreeInternal`), revoking one token and
 * orphaning its children (`revokeInternal`), and tidying dangling index entries (`handleTidy`). The token
 * store owns entries and accessors and hands the tree what it needs through {@link TokenTreeHost}.
 *
 * @module
 */
import type { StorageView } from '../storage/view.js'
import type { KeyedLock } from '../util/lock.js'
import type { RevokeHook, TidyResult, TokenEntry } from './token-store.js'

/** Parent index: `parent/<salted parent>/<salted child>`, empty values; revocation walks it. */
const PARENT_PREFIX = 'parent/'

/**
 * `num_uses` of a token on its last use or being revoked (Vault's `tokenRevocationPending`): lookups
 * no longer return it.
 */
export const TOKEN_REVOCATION_PENDING = -1

/** What the tree needs from the token store. */
export interface TokenTreeHost {
  /** The store's view; the tree reads and writes the `parent/` index in it. */
  readonly view: StorageView
  /** The store's per-entry locks (shared with its use counting). */
  readonly locks: KeyedLock
  /** Live list of revoke hooks, run in order for every revoked token. */
  readonly revokeHooks: readonly RevokeHook[]
  saltedId(id: string): string
  load(salted: string): Promise<TokenEntry | null>
  write(salted: string, entry: TokenEntry): Promise<void>
  /** Deletes the accessor index entry of a (clear) accessor. */
  deleteAccessor(accessor: string): Promise<void>
  /** Deletes a token's entry. */
  deleteEntry(salted: string): Promise<void>
}

/**
 * Parent/child walks over the token store's `parent/` index. Used by the token store only.
 *
 * @example
 * ```ts
 * const tree = new TokenTree(host)
 * await tree.link(host.saltedId(parent), host.saltedId(child))
 * await tree.revokeTree(host.saltedId(parent)) // child goes too
 * ```
 */
export class TokenTree {
  /** Salted IDs being revoked right now (Vault's `tokensPendingDeletion`). */
  readonly #pending = new Set<string>()

  constructor(private readonly host: TokenTreeHost) {}

  /** Forgets revocations in progress (on seal). */
  reset(): void {
    this.#pending.clear()
  }

  /** Records `child` under `parent` in the index. */
  async link(parentSalted: string, childSalted: string): Promise<void> {
    await this.host.view.put(`${PARENT_PREFIX}${parentSalted}/${childSalted}`, new Uint8Array(0))
  }

  /**
   * Revokes a token and every descendant, depth first (children before parents), with their index
   * entries.
   */
  async revokeTree(root: string): Promise<void> {
    const { view } = this.host
    // Iterative depth-first walk (Vault's revokeTreeInternal): a node is revoked once it has no
    // children left; `seen` guards against cycles in a tampered index.
    const stack: { salted: string; parent: string | null }[] = [{ salted: root, parent: null }]
    const seen = new Set<string>()
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { salted: string; parent: string | null }
      seen.add(top.salted)
      const prefix = `${PARENT_PREFIX}${top.salted}/`
      const children: string[] = []
      for (const child of await view.list(prefix)) {
        const childSalted = child.endsWith('/') ? child.slice(0, -1) : child
        if (seen.has(childSalted)) await view.delete(prefix + child)
        else children.push(childSalted)
      }
      if (children.length === 0) {
        await this.revokeOne(top.salted, true)
        if (top.parent !== null) await view.delete(`${PARENT_PREFIX}${top.parent}/${top.salted}`)
        stack.pop()
      } else {
        for (const child of children) stack.push({ salted: child, parent: top.salted })
      }
    }
  }

  /**
   * Vault's `revokeInternal`: marks the entry, runs the revoke hooks, removes its parent and accessor
   * index entries, optionally orphans its children, and deletes it last.
   */
  async revokeOne(salted: string, skipOrphan: boolean): Promise<void> {
    const { view, locks } = this.host
    if (this.#pending.has(salted)) return
    this.#pending.add(salted)
    try {
      // Marked first, under the entry's lock (a concurrent use() cannot undo it): from here on no
      // lookup returns the token, even if a hook fails and revocation has to be retried.
      const entry = await locks.run(salted, async () => {
        const current = await this.host.load(salted)
        if (current && current.num_uses !== TOKEN_REVOCATION_PENDING) {
          current.num_uses = TOKEN_REVOCATION_PENDING
          await this.host.write(salted, current)
        }
        return current
      })
      if (!entry) return
      for (const hook of [...this.host.revokeHooks]) await hook(entry)
      if (entry.parent !== '') {
        await view.delete(`${PARENT_PREFIX}${this.host.saltedId(entry.parent)}/${salted}`)
      }
      if (entry.accessor !== '') await this.host.deleteAccessor(entry.accessor)
      if (!skipOrphan) {
        const prefix = `${PARENT_PREFIX}${salted}/`
        for (const child of await view.list(prefix)) {
          const childSalted = child.endsWith('/') ? child.slice(0, -1) : child
          await locks.run(childSalted, async () => {
            const childEntry = await this.host.load(childSalted)
            if (!childEntry) return
            childEntry.parent = ''
            childEntry.orphan = true
            await this.host.write(childSalted, childEntry)
          })
          await view.delete(prefix + child)
        }
      }
      await this.host.deleteEntry(salted)
    } finally {
      this.#pending.delete(salted)
    }
  }

  /**
   * Removes parent-index entries whose child is gone; children of a vanished parent become orphans.
   */
  async tidy(): Promise<Pick<TidyResult, 'parentIndexesRemoved' | 'orphaned'>> {
    const { view, locks } = this.host
    const result = { parentIndexesRemoved: 0, orphaned: 0 }
    for (const parentKey of await view.list(PARENT_PREFIX)) {
      if (!parentKey.endsWith('/')) continue
      const parentSalted = parentKey.slice(0, -1)
      const parentExists = (await this.host.load(parentSalted)) !== null
      for (const child of await view.list(PARENT_PREFIX + parentKey)) {
        const childSalted = child.endsWith('/') ? child.slice(0, -1) : child
        const exists = await locks.run(childSalted, async () => {
          const entry = await this.host.load(childSalted)
          if (entry && !parentExists) {
            entry.parent = ''
            entry.orphan = true
            await this.host.write(childSalted, entry)
            result.orphaned++
          }
          return entry !== null
        })
        if (!exists || !parentExists) {
          await view.delete(PARENT_PREFIX + parentKey + child)
          result.parentIndexesRemoved++
        }
      }
    }
    return result
  }
}
