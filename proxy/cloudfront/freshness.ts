// How a stored object stands at a given moment: fresh, within stale-while-revalidate, or
// stale (spec §4.4), its `Age` header (§4.5), and how long past expiry it stays useful. Stale
// windows run from the end of the computed TTL and are not clamped by MaxTTL (§4.4).

/** What the store keeps about an entry's lifetime (from a store:true CachingDecision). */
export interface StoredFreshness {
  readonly storedAtMs: number
  /** Remaining lifetime at storage time (origin Age already subtracted, §4.2). */
  readonly ttlSeconds: number
  /** The `Age` the origin supplied; added to the Age header (§4.5). */
  readonly originAgeSeconds: number
  readonly staleWhileRevalidateSeconds: number
  /** undefined = not given (CloudFront serves stale on origin errors by default); 0 = never. */
  readonly staleIfErrorSeconds: number | undefined
  /** must-revalidate / proxy-revalidate: once expired, never served without revalidation. */
  readonly mustRevalidate: boolean
}

export type Freshness = 'fresh' | 'stale-while-revalidate' | 'stale'

/** When the entry stops being fresh (epoch ms). */
export function expiresAtMs(entry: StoredFreshness): number {
  return entry.storedAtMs + entry.ttlSeconds * 1000
}

/**
 * 'fresh' before expiry (a TTL of 0 is never fresh); 'stale-while-revalidate' inside that
 * window after expiry (serve now, refresh in the background) unless must-revalidate; else
 * 'stale' (revalidate before serving).
 */
export function freshnessOf(entry: StoredFreshness, nowMs: number): Freshness {
  const expires = expiresAtMs(entry)
  if (nowMs < expires) return 'fresh'
  if (!entry.mustRevalidate && nowMs < expires + entry.staleWhileRevalidateSeconds * 1000) {
    return 'stale-while-revalidate'
  }
  return 'stale'
}

/** The `Age` header on a hit: whole seconds since storage plus the origin's Age (§4.5). */
export function ageSeconds(entry: StoredFreshness, nowMs: number): number {
  return Math.floor(Math.max(0, nowMs - entry.storedAtMs) / 1000) + entry.originAgeSeconds
}

/**
 * Whether an expired entry may answer when the origin fails (500/502/503/504, unreachable,
 * timeout; §4.4): never with must-revalidate or stale-if-error=0; within the window when
 * stale-if-error=N; otherwise (not given) yes — CloudFront's default — for as long as kept.
 */
export function canServeStaleOnError(entry: StoredFreshness, nowMs: number): boolean {
  if (entry.mustRevalidate) return false
  const sie = entry.staleIfErrorSeconds
  if (sie === undefined) return true
  return nowMs < expiresAtMs(entry) + sie * 1000
}

/**
 * Until when (epoch ms) the entry is worth keeping: expiry plus the longest of its
 * stale-while-revalidate and stale-if-error windows (both ignored under must-revalidate) and
 * `retainExpiredSeconds`, the engine's own grace for conditional revalidation and for the
 * default stale-on-error of entries without stale-if-error.
 */
export function keepUntilMs(entry: StoredFreshness, retainExpiredSeconds = 0): number {
  const windows = [Math.max(0, retainExpiredSeconds)]
  if (!entry.mustRevalidate) {
    windows.push(entry.staleWhileRevalidateSeconds, entry.staleIfErrorSeconds ?? 0)
  }
  return expiresAtMs(entry) + Math.max(...windows) * 1000
}
