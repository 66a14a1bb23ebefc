// Whether (and for how long) an origin response is stored: methods §4.1, TTL §4.2, status
// codes and error caching §4.3, stale directives §4.4, Vary and Set-Cookie §4.5, and the
// per-object collapsing exception of §11.1.
import type { HeaderRecord } from '../http-types.js'
import { parseCacheControl } from './cache-control.js'
import { computeTtl, originFreshness, restrictiveReason } from './ttl.js'
import type { TtlReason, TtlSettings } from './ttl.js'

export interface CachingInput {
  readonly method: string
  readonly status: number
  /** Origin response headers. */
  readonly headers: HeaderRecord
  readonly nowMs: number
  readonly policy: TtlSettings
  /** The behavior's CachedMethods; GET and HEAD are cached whether listed or not. */
  readonly cachedMethods: ReadonlySet<string>
  /** From a CustomErrorResponse for this status; undefined → 10 s (§4.3). */
  readonly errorCachingMinTtl: number | undefined
  readonly cachingDisabled: boolean
  /** false when the body was incomplete (Content-Length mismatch, truncated chunks; §4.2). */
  readonly contentLengthValid?: boolean | undefined
}

export type NotStoredReason =
  | 'caching-disabled'
  | 'method'
  | 'status'
  /** 400/403/405/412/415 without origin max-age or s-maxage. */
  | 'status-needs-max-age'
  /** 307/308 without a Cache-Control header. */
  | 'redirect-needs-cache-control'
  | 'not-modified'
  | 'range-not-satisfiable'
  /** MinTTL 0 and no-store, or MinTTL 0 and private (a shared cache must not store it). */
  | 'no-store'
  | 'private'
  /** An error whose TTL came out 0 (ErrorCachingMinTTL 0 and no origin freshness). */
  | 'error-ttl-zero'
  | 'incomplete'

export type StoredReason = TtlReason | 'error-caching-min-ttl'

export type CachingDecision =
  | { readonly store: false; readonly reason: NotStoredReason }
  | {
      readonly store: true
      /** 0 = stored, but every use needs revalidation (useful only with validators). */
      readonly ttlSeconds: number
      readonly reason: StoredReason
      readonly clamped: 'min' | 'max' | undefined
      readonly staleWhileRevalidateSeconds: number
      /** undefined = not given (CloudFront's default stale-on-error applies); 0 = disabled. */
      readonly staleIfErrorSeconds: number | undefined
      /** must-revalidate or proxy-revalidate: no stale serving of any kind. */
      readonly mustRevalidate: boolean
      /** false with `no-cache="Set-Cookie"` or `private="Set-Cookie"`. */
      readonly storeSetCookie: boolean
      readonly isError: boolean
    }

export const DEFAULT_ERROR_CACHING_MIN_TTL = 10

/** 2xx/3xx cached per the TTL rules (§4.3; 2xx list UNCONFIRMED, recommended set). */
const TTL_STATUSES = new Set([200, 203, 204, 206, 300, 301, 302, 303])
/** 307/308: only when the origin sent a Cache-Control header. */
const REDIRECTS_NEEDING_CC = new Set([307, 308])
/** Error caching always; 410 like 404 (spec recommendation). */
const ALWAYS_ERRORS = new Set([404, 410, 414, 500, 501, 502, 503, 504])
/** Error caching only with origin max-age / s-maxage. */
const ERRORS_NEEDING_MAX_AGE = new Set([400, 403, 405, 412, 415])

/**
 * Decides storage for one origin response. TTL 0 with MinTTL 0: no-store and private are not
 * stored; anything else (no-cache, max-age=0, past Expires) is stored with ttl 0 and the engine
 * revalidates it on every use (or drops it when it has no validators).
 */
export function decideCaching(input: CachingInput): CachingDecision {
  const { method, status, headers, nowMs, policy } = input
  if (input.cachingDisabled) return { store: false, reason: 'caching-disabled' }
  if (
    method !== 'GET' &&
    method !== 'HEAD' &&
    !(method === 'OPTIONS' && input.cachedMethods.has(method))
  ) {
    return { store: false, reason: 'method' }
  }
  if (status === 304) return { store: false, reason: 'not-modified' }
  if (status === 416) return { store: false, reason: 'range-not-satisfiable' }
  if (input.contentLengthValid === false) return { store: false, reason: 'incomplete' }

  const isError = ALWAYS_ERRORS.has(status) || ERRORS_NEEDING_MAX_AGE.has(status)
  if (!isError) {
    if (REDIRECTS_NEEDING_CC.has(status) && !hasCacheControl(headers)) {
      return { store: false, reason: 'redirect-needs-cache-control' }
    }
    if (!TTL_STATUSES.has(status) && !REDIRECTS_NEEDING_CC.has(status)) {
      return { store: false, reason: 'status' }
    }
    const ttl = computeTtl({
      headers,
      nowMs,
      minTtl: policy.minTtl,
      defaultTtl: policy.defaultTtl,
      maxTtl: policy.maxTtl,
    })
    const cc = ttl.cacheControl
    const restricted = restrictiveReason(cc)
    if (ttl.ttlSeconds === 0 && (restricted === 'no-store' || restricted === 'private')) {
      return { store: false, reason: restricted }
    }
    return {
      store: true,
      ttlSeconds: ttl.ttlSeconds,
      reason: ttl.reason,
      clamped: ttl.clamped,
      // Reuse without validation was forbidden, so no serving stale while refreshing.
      staleWhileRevalidateSeconds: restricted === undefined ? (cc.staleWhileRevalidate ?? 0) : 0,
      staleIfErrorSeconds: cc.staleIfError,
      mustRevalidate: cc.mustRevalidate || cc.proxyRevalidate,
      storeSetCookie:
        !listsField(cc.noCache, 'set-cookie') && !listsField(cc.private, 'set-cookie'),
      isError: false,
    }
  }

  // Error caching (§4.3): max(ErrorCachingMinTTL, origin freshness capped at MaxTTL); no-cache,
  // no-store and must-revalidate do not shorten it.
  const cc = parseCacheControl(headers['cache-control'])
  const hasMaxAge = cc.maxAge !== undefined || cc.sMaxAge !== undefined
  if (ERRORS_NEEDING_MAX_AGE.has(status) && !hasMaxAge) {
    return { store: false, reason: 'status-needs-max-age' }
  }
  const floor = input.errorCachingMinTtl ?? DEFAULT_ERROR_CACHING_MIN_TTL
  const origin = originFreshness(cc, headers, nowMs)
  const capped = origin === undefined ? undefined : Math.min(origin.seconds, policy.maxTtl)
  const useOrigin = origin !== undefined && capped !== undefined && capped > floor
  const ttlSeconds = useOrigin ? capped : floor
  if (ttlSeconds <= 0) return { store: false, reason: 'error-ttl-zero' }
  return {
    store: true,
    ttlSeconds,
    reason: useOrigin ? origin.reason : 'error-caching-min-ttl',
    clamped: useOrigin && origin.seconds > policy.maxTtl ? 'max' : undefined,
    // After the error period CloudFront retries the origin (§4.3): no background refresh.
    staleWhileRevalidateSeconds: 0,
    staleIfErrorSeconds: cc.staleIfError,
    mustRevalidate: cc.mustRevalidate || cc.proxyRevalidate,
    storeSetCookie: !listsField(cc.noCache, 'set-cookie') && !listsField(cc.private, 'set-cookie'),
    isError: true,
  }
}

/**
 * §11.1: with MinTTL 0 and private / no-store / no-cache / max-age=0 / s-maxage=0 (i.e. any
 * response that cannot be served from cache right away) requests waiting on a collapsed miss
 * are sent to the origin themselves instead of sharing this response.
 */
export function isUncacheableForCollapsing(decision: CachingDecision): boolean {
  return !decision.store || decision.ttlSeconds === 0
}

export interface VaryAction {
  /** Whether the object may be stored (always true: even `Vary: *` is stored, §4.2). */
  readonly store: boolean
  /** `Vary: *`: stored, but every request goes to the origin unconditionally (§4.2 notes). */
  readonly bypassCache: boolean
  /** The rewritten Vary for the viewer, or undefined to remove it. */
  readonly vary: string | undefined
  /** Always empty: CloudFront builds no Vary variants, only the cache key matters (§4.5). */
  readonly secondaryKeyHeaders: string[]
}

const DEVICE_HEADERS = new Set([
  'cloudfront-is-desktop-viewer',
  'cloudfront-is-mobile-viewer',
  'cloudfront-is-tablet-viewer',
  'cloudfront-is-smarttv-viewer',
])

/**
 * §4.5: keeps Accept-Encoding, Cookie, names the behavior forwards or keys on, and User-Agent
 * when a device-type header is among them; drops other names. Spelling is kept, duplicates go.
 */
export function varyAction(
  varyHeader: string | readonly string[] | undefined,
  keyedHeaderNames: readonly string[],
): VaryAction {
  const keyed = new Set(keyedHeaderNames.map((n) => n.toLowerCase()))
  const keep = new Set(['accept-encoding', 'cookie', ...keyed])
  if ([...keyed].some((n) => DEVICE_HEADERS.has(n))) keep.add('user-agent')
  const raw =
    varyHeader === undefined ? [] : typeof varyHeader === 'string' ? [varyHeader] : varyHeader
  const kept: string[] = []
  const seen = new Set<string>()
  let star = false
  for (const name of raw.flatMap((v) => v.split(',')).map((n) => n.trim())) {
    const lower = name.toLowerCase()
    if (lower === '*') star = true
    if (seen.has(lower) || (lower !== '*' && !keep.has(lower))) continue
    seen.add(lower)
    kept.push(name)
  }
  const vary = star ? '*' : kept.length > 0 ? kept.join(', ') : undefined
  return { store: true, bypassCache: star, vary, secondaryKeyHeaders: [] }
}

function hasCacheControl(headers: HeaderRecord): boolean {
  const v = headers['cache-control']
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim() !== ''
}

function listsField(value: boolean | readonly string[], field: string): boolean {
  return typeof value !== 'boolean' && value.includes(field)
}
