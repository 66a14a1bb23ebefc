// What the admin API needs from the cache (design.md §3 "Admin API"): invalidation by a
// path matcher and statistics. The store implements it; the admin server only calls it.

/** Decides whether a cached object's URI (path) and query string fall under an invalidation. */
export type InvalidationMatcher = (uri: string, query: string) => boolean

export interface CacheStats {
  readonly objects: number
  readonly bytes: number
  readonly maxBytes: number
  readonly hits: number
  readonly misses: number
  readonly refreshHits: number
  readonly evictions: number
  readonly inFlight: number
}

/**
 * What the admin listener drives: one process's store, or (with --workers) every worker's
 * store through the primary, where both calls resolve once every worker has answered.
 */
export interface AdminCache {
  /** `paths` are the invalidation's paths as given; `matcher` is compiled from them. */
  invalidate(matcher: InvalidationMatcher, paths: readonly string[]): number | Promise<number>
  stats(): CacheStats | Promise<CacheStats>
}

export interface CacheAdmin {
  /** Removes every variant matching; returns how many entries were removed. Objects whose
   * origin fetch started before this call are not stored when they complete. */
  invalidate(matcher: InvalidationMatcher): number
  stats(): CacheStats
}
