/**
 * Longest-prefix routing from a request path to the mount that serves it.
 *
 * @module
 */
import type { StorageView } from '../storage/view.js'
import type { Backend } from './logical.js'
import { type MountEntry, routePrefix } from './mounts.js'

/** A mounted backend with its table entry and storage view. */
export interface Route {
  /** Full route prefix, e.g. `secret/` or `auth/userpass/`. */
  prefix: string
  entry: MountEntry
  backend: Backend
  storage: StorageView
}

/**
 * Maps path prefixes to backends. Routes are kept sorted longest-first, so a match is the first prefix
 * the path starts with; a vault has tens of mounts, and a linear scan over them beats a trie's
 * bookkeeping at that size.
 */
export class Router {
  private routes: Route[] = []

  /** Adds a route; throws `TypeError` if the prefix is taken (callers check conflicts first). */
  mount(entry: MountEntry, backend: Backend, storage: StorageView): Route {
    const prefix = routePrefix(entry)
    if (this.routes.some((r) => r.prefix === prefix)) throw new TypeError(`route ${prefix} already exists`)
    const route: Route = { prefix, entry, backend, storage }
    this.routes.push(route)
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length || (a.prefix < b.prefix ? -1 : 1))
    return route
  }

  /** Removes the route at `prefix`; returns it. */
  unmount(prefix: string): Route | undefined {
    const i = this.routes.findIndex((r) => r.prefix === prefix)
    if (i < 0) return undefined
    const [route] = this.routes.splice(i, 1)
    return route
  }

  /**
   * The route serving `path`, by longest prefix. As in Vault, a path without its trailing slash also
   * matches the mount it names (`secret` is `secret/`).
   */
  match(path: string): Route | undefined {
    for (const r of this.routes) if (path.startsWith(r.prefix)) return r
    if (!path.endsWith('/')) {
      const withSlash = `${path}/`
      for (const r of this.routes) if (withSlash.startsWith(r.prefix)) return r
    }
    return undefined
  }

  /** The route mounted exactly at `prefix`. */
  get(prefix: string): Route | undefined {
    return this.routes.find((r) => r.prefix === prefix)
  }

  /** The prefix of a route that `prefix` would overlap (either is a prefix of the other), if any. */
  conflict(prefix: string): string | undefined {
    return this.routes.find((r) => r.prefix.startsWith(prefix) || prefix.startsWith(r.prefix))?.prefix
  }

  /** All routes, longest prefix first. */
  all(): readonly Route[] {
    return this.routes
  }

  /** Drops every route (on seal). */
  clear(): Route[] {
    const all = this.routes
    this.routes = []
    return all
  }
}
