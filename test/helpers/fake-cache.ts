// A stand-in for the cache store behind the admin API (proxy/cache/admin-types.ts): a list
// of cached {uri, query} entries that records what each invalidation removed.
import type { CacheAdmin, CacheStats, InvalidationMatcher } from '../../proxy/cache/admin-types.js'

export interface CachedEntry {
  readonly uri: string
  readonly query: string
}

export const SEED: readonly CachedEntry[] = [
  { uri: '/img/a.png', query: '' },
  { uri: '/img/a.png', query: 'w=100' },
  { uri: '/img/sub/b.png', query: '' },
  { uri: '/imgs/c.png', query: '' },
  { uri: '/a', query: '' },
  { uri: '/a', query: 'x=1' },
  { uri: '/index.html', query: '' },
]

export class FakeCache implements CacheAdmin {
  entries: CachedEntry[] = [...SEED]
  /** One list per invalidate() call. */
  readonly removed: CachedEntry[][] = []

  reset(): void {
    this.entries = [...SEED]
    this.removed.length = 0
  }

  invalidate(matcher: InvalidationMatcher): number {
    const gone = this.entries.filter((e) => matcher(e.uri, e.query))
    this.entries = this.entries.filter((e) => !gone.includes(e))
    this.removed.push(gone)
    return gone.length
  }

  stats(): CacheStats {
    const n = this.entries.length
    return {
      objects: n,
      bytes: n * 10,
      maxBytes: 1000,
      hits: 3,
      misses: 2,
      refreshHits: 1,
      evictions: 0,
      inFlight: 0,
    }
  }
}
