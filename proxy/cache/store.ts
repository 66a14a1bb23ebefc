// The edge cache store (spec §4; style-anchors §9.5): cached objects in an lru-cache bounded
// in bytes, with a per-object limit; lru-cache's own TTL is only the hard eviction time (the
// end of the last stale window), freshness is decided by cloudfront/freshness.ts. Behind the
// CacheStore interface so a shared tier can be added later.
import { LRUCache } from 'lru-cache'
import type { HeaderRecord } from '../http-types.js'
import type { CacheAdmin, CacheStats, InvalidationMatcher } from './admin-types.js'

/** One stored response. Immutable once stored: a refresh (304) stores a new object. */
export interface CachedObject {
  readonly key: string
  /** The URI and query the object was fetched for (invalidation matches on these). */
  readonly uri: string
  readonly query: string
  readonly status: number
  /** Stored response headers (hop-by-hop removed). Never mutated: copy before changing. */
  readonly headers: Readonly<HeaderRecord>
  readonly body: Buffer
  readonly storedAtMs: number
  /** Age the origin reported when the object was received (§4.5). */
  readonly originAgeSeconds: number
  readonly ttlSeconds: number
  readonly staleWhileRevalidateSeconds: number
  /** undefined when the origin did not say; 0 disables stale serving on errors (§4.4). */
  readonly staleIfErrorSeconds: number | undefined
  readonly mustRevalidate: boolean
  /**
   * After the origin failed, the stale object is served without asking it again until this
   * time (§4.4: for the ErrorCachingMinTTL period); 0 when not in such a period.
   */
  readonly staleServedUntilMs: number
  readonly etag: string | undefined
  readonly lastModified: string | undefined
  /** Request header values the object varies on (origin-controlled mode only). */
  readonly vary:
    { readonly names: readonly string[]; readonly values: readonly string[] } | undefined
  /** Bytes accounted against the store (body plus an estimate of headers). */
  readonly size: number
  /**
   * The response head of a hit to an HTTP/1.1 viewer, built once at store time as node's
   * flat [name, value, …] list: stored headers, Via with this hop appended, X-Amz-Cf-Pop.
   * A hit only adds X-Cache, Age and X-Amz-Cf-Id (design.md §1 principle 6).
   */
  readonly hitHead: readonly string[]
  /** The same head as text, when it can be written without writeHead (prebuilt-head.ts). */
  readonly hitHeadText: string | undefined
}

export interface CacheStore extends CacheAdmin {
  get(key: string): CachedObject | undefined
  /**
   * Stores an object until `keepUntilMs` (hard eviction). Returns false when it is not
   * stored: too large, or invalidated after its fetch started at `fetchStartedAtMs`.
   */
  set(object: CachedObject, keepUntilMs: number, fetchStartedAtMs: number): boolean
  delete(key: string): void
  /** Removes every variant stored for a URI (any query, encoding, header); returns how many. */
  deleteUri(uri: string): number
  /** Objects larger than this stream through uncached. */
  readonly maxObjectBytes: number
  countHit(kind: 'hit' | 'miss' | 'refresh'): void
}

export interface MemoryStoreOptions {
  readonly maxBytes: number
  readonly maxObjectBytes: number
  readonly nowMs: () => number
  /** Origin fetches currently leading a cache key (for stats). */
  readonly inFlight: () => number
}

/** How long an invalidation is remembered to stop fetches already in flight from storing. */
const INVALIDATION_MEMORY_MS = 10 * 60 * 1000

export class MemoryStore implements CacheStore {
  readonly maxObjectBytes: number
  readonly #lru: LRUCache<string, CachedObject>
  readonly #maxBytes: number
  readonly #nowMs: () => number
  #recentInvalidations: { atMs: number; matches: InvalidationMatcher }[] = []
  #hits = 0
  #misses = 0
  #refreshHits = 0
  #evictions = 0
  readonly #inFlight: () => number
  /** URI → the keys of its variants, so a URI's variants go without a scan. */
  readonly #byUri = new Map<string, Set<string>>()

  constructor(options: MemoryStoreOptions) {
    this.maxObjectBytes = Math.min(options.maxObjectBytes, options.maxBytes)
    this.#maxBytes = options.maxBytes
    this.#nowMs = options.nowMs
    this.#inFlight = options.inFlight
    this.#lru = new LRUCache<string, CachedObject>({
      maxSize: options.maxBytes,
      maxEntrySize: this.maxObjectBytes,
      sizeCalculation: (o) => o.size,
      dispose: (o, key, reason) => {
        if (reason === 'evict') this.#evictions++
        // A replaced object keeps its key under the same URI; every other reason drops it.
        if (reason !== 'set') this.#unindex(o.uri, key)
      },
    })
  }

  get(key: string): CachedObject | undefined {
    return this.#lru.get(key)
  }

  set(object: CachedObject, keepUntilMs: number, fetchStartedAtMs: number): boolean {
    if (object.size > this.maxObjectBytes) return false
    for (const inv of this.#recentInvalidations) {
      if (inv.atMs >= fetchStartedAtMs && inv.matches(object.uri, object.query)) return false
    }
    const ttl = Math.max(1, keepUntilMs - this.#nowMs())
    this.#lru.set(object.key, object, { ttl })
    if (!this.#lru.has(object.key)) return false
    let keys = this.#byUri.get(object.uri)
    if (keys === undefined) this.#byUri.set(object.uri, (keys = new Set()))
    keys.add(object.key)
    return true
  }

  delete(key: string): void {
    this.#lru.delete(key)
  }

  deleteUri(uri: string): number {
    const keys = this.#byUri.get(uri)
    if (keys === undefined) return 0
    const doomed = [...keys]
    for (const key of doomed) this.#lru.delete(key)
    return doomed.length
  }

  #unindex(uri: string, key: string): void {
    const keys = this.#byUri.get(uri)
    if (keys === undefined) return
    keys.delete(key)
    if (keys.size === 0) this.#byUri.delete(uri)
  }

  invalidate(matches: InvalidationMatcher): number {
    const now = this.#nowMs()
    this.#recentInvalidations = this.#recentInvalidations.filter(
      (i) => now - i.atMs < INVALIDATION_MEMORY_MS,
    )
    this.#recentInvalidations.push({ atMs: now, matches })
    const doomed: string[] = []
    for (const [key, o] of this.#lru.entries()) if (matches(o.uri, o.query)) doomed.push(key)
    for (const key of doomed) this.#lru.delete(key)
    return doomed.length
  }

  countHit(kind: 'hit' | 'miss' | 'refresh'): void {
    if (kind === 'hit') this.#hits++
    else if (kind === 'miss') this.#misses++
    else this.#refreshHits++
  }

  stats(): CacheStats {
    return {
      objects: this.#lru.size,
      bytes: this.#lru.calculatedSize,
      maxBytes: this.#maxBytes,
      hits: this.#hits,
      misses: this.#misses,
      refreshHits: this.#refreshHits,
      evictions: this.#evictions,
      inFlight: this.#inFlight(),
    }
  }
}

/** The flat response head of a hit (see CachedObject.hitHead). */
export function hitHead(headers: Readonly<HeaderRecord>, via: string, pop: string): string[] {
  const head: string[] = []
  for (const name in headers) {
    if (name === 'via' || name === 'age') continue
    const v = headers[name]!
    if (Array.isArray(v)) for (const one of v) head.push(name, one)
    else head.push(name, v)
  }
  const originVia = headers['via']
  const chain =
    originVia === undefined
      ? via
      : `${Array.isArray(originVia) ? originVia.join(', ') : originVia}, ${via}`
  head.push('via', chain, 'x-amz-cf-pop', pop)
  return head
}

/** Bytes an object costs: its body plus its headers as they would be written. */
export function objectSize(headers: Readonly<HeaderRecord>, body: Buffer, key: string): number {
  let n = body.length + key.length + 64
  for (const name in headers) {
    const v = headers[name]!
    n += name.length + 4 + (Array.isArray(v) ? v.join(', ').length : v.length)
  }
  return n
}
