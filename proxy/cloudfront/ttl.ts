// The edge TTL of an origin response: spec §4.2 pseudocode and table (MinTTL / DefaultTTL /
// MaxTTL against s-maxage, max-age, Expires, no-store / no-cache / private). Expires counts
// from the origin's Date (RFC 9111 §4.2.1); the origin's Age is subtracted from its freshness.
import type { HeaderRecord } from '../http-types.js'
import { MAX_DELTA_SECONDS, parseCacheControl, parseHttpDate } from './cache-control.js'
import type { CacheControl } from './cache-control.js'

/** A behavior's TTL settings, seconds (cache policy or legacy, §1.7 / §3.9). */
export interface TtlSettings {
  readonly minTtl: number
  readonly defaultTtl: number
  readonly maxTtl: number
}

export interface TtlInput extends TtlSettings {
  /** Origin response headers. */
  readonly headers: HeaderRecord
  readonly nowMs: number
}

/** Which §4.2 rule decided. */
export type TtlReason =
  | 'no-store'
  | 'no-cache'
  | 'private'
  | 's-maxage'
  | 'max-age'
  | 'expires'
  /** Expires present but not an HTTP-date (e.g. `0`): already expired (UNCONFIRMED ⇒ 0). */
  | 'expires-invalid'
  | 'default-ttl'

/** The rules where the origin itself supplied a lifetime. */
export type OriginTtlReason = 's-maxage' | 'max-age' | 'expires' | 'expires-invalid'

export interface TtlResult {
  readonly ttlSeconds: number
  readonly reason: TtlReason
  /** Which bound replaced the origin's (or DefaultTTL's) value; undefined when it was in range. */
  readonly clamped: 'min' | 'max' | undefined
  /**
   * Remaining lifetime the origin asked for, before clamping: 0 for no-store / no-cache /
   * private, undefined for default-ttl.
   */
  readonly originSeconds: number | undefined
  /** The parsed Cache-Control, for callers that need other directives. */
  readonly cacheControl: CacheControl
}

/**
 * Spec §4.2:
 * - no-store / no-cache (unqualified) / private (any form) → MinTTL (0 ⇒ not served from cache);
 * - s-maxage, else max-age, else Expires → clamp(origin, MinTTL, MaxTTL);
 * - nothing → max(MinTTL, DefaultTTL) (MaxTTL does not apply).
 * `no-cache="Set-Cookie"` (qualified) only keeps that field out of the copy; it is not no-cache.
 */
export function computeTtl(input: TtlInput): TtlResult {
  const { headers, nowMs, minTtl, defaultTtl, maxTtl } = input
  const cc = parseCacheControl(headers['cache-control'])
  const restricted = restrictiveReason(cc)
  if (restricted !== undefined) {
    return {
      ttlSeconds: minTtl,
      reason: restricted,
      clamped: minTtl > 0 ? 'min' : undefined,
      originSeconds: 0,
      cacheControl: cc,
    }
  }
  const origin = originFreshness(cc, headers, nowMs)
  if (origin === undefined) {
    const ttl = Math.max(minTtl, defaultTtl)
    return {
      ttlSeconds: ttl,
      reason: 'default-ttl',
      clamped: minTtl > defaultTtl ? 'min' : undefined,
      originSeconds: undefined,
      cacheControl: cc,
    }
  }
  const { ttlSeconds, clamped } = clamp(origin.seconds, minTtl, maxTtl)
  return {
    ttlSeconds,
    reason: origin.reason,
    clamped,
    originSeconds: origin.seconds,
    cacheControl: cc,
  }
}

/** The §4.2 directive that forces MinTTL, checked in the order no-store, no-cache, private. */
export function restrictiveReason(
  cc: CacheControl,
): 'no-store' | 'no-cache' | 'private' | undefined {
  if (cc.noStore) return 'no-store'
  if (cc.noCache === true) return 'no-cache'
  if (cc.private !== false) return 'private'
  return undefined
}

/**
 * The origin's remaining freshness in whole seconds (never negative), or undefined when it sent
 * no s-maxage, max-age or Expires. s-maxage / max-age and Expires − Date are lifetimes, so the
 * origin's `Age` is subtracted; Expires without Date is an instant compared with `nowMs`.
 */
export function originFreshness(
  cc: CacheControl,
  headers: HeaderRecord,
  nowMs: number,
): { readonly seconds: number; readonly reason: OriginTtlReason } | undefined {
  const age = originAgeSeconds(headers)
  if (cc.sMaxAge !== undefined) return { seconds: remaining(cc.sMaxAge, age), reason: 's-maxage' }
  if (cc.maxAge !== undefined) return { seconds: remaining(cc.maxAge, age), reason: 'max-age' }
  const expiresHeader = firstValue(headers, 'expires')
  if (expiresHeader === undefined) return undefined
  const expires = parseHttpDate(expiresHeader, nowMs)
  if (expires === undefined) return { seconds: 0, reason: 'expires-invalid' }
  const date = parseHttpDate(firstValue(headers, 'date'), nowMs)
  const seconds =
    date === undefined
      ? Math.floor((expires - nowMs) / 1000)
      : remaining(Math.floor((expires - date) / 1000), age)
  return { seconds: Math.max(0, seconds), reason: 'expires' }
}

/** The origin's `Age` (RFC 9111 §5.1) in seconds; absent or malformed → 0. */
export function originAgeSeconds(headers: HeaderRecord): number {
  const v = firstValue(headers, 'age')?.trim()
  return v !== undefined && /^[0-9]+$/.test(v) ? Math.min(Number(v), MAX_DELTA_SECONDS) : 0
}

/** min ≤ ttl ≤ max, reporting which bound applied. */
export function clamp(
  seconds: number,
  min: number,
  max: number,
): { readonly ttlSeconds: number; readonly clamped: 'min' | 'max' | undefined } {
  if (seconds < min) return { ttlSeconds: min, clamped: 'min' }
  if (seconds > max) return { ttlSeconds: max, clamped: 'max' }
  return { ttlSeconds: seconds, clamped: undefined }
}

function remaining(lifetime: number, age: number): number {
  return Math.max(0, lifetime - age)
}

/** The first field line of a header (Expires / Date / Age must not be lists; RFC 9111 §4.2.1). */
function firstValue(headers: HeaderRecord, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}
