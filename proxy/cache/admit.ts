// Admitting origin responses into the cache (spec §4.2–§4.5, §10): the caching decision, the
// whole body read within MaxObjectSizeMB (never stored when incomplete), compression once at
// store time, Set-Cookie kept out of the stored copy when the origin asks, and the refresh of
// a stored object by a 304 (its headers updated, its TTL computed anew).
import {
  DEFAULT_ERROR_CACHING_MIN_TTL,
  decideCaching,
  isUncacheableForCollapsing,
} from '../cloudfront/cacheability.js'
import { chooseEncoding, compressedHeaders } from '../cloudfront/compression.js'
import type { NormalizedAcceptEncoding } from '../cloudfront/compression.js'
import { ageSeconds, canServeStaleOnError, keepUntilMs } from '../cloudfront/freshness.js'
import type { Deps } from '../deps.js'
import { EdgeError } from '../errors.js'
import type { HeaderRecord } from '../http-types.js'
import type { Exchange, PendingResponse } from '../pipeline/exchange.js'
import { answerFromObject } from './answer.js'
import { collectBody } from './body.js'
import { planVary, withVary } from './vary.js'
import { compressBody } from './compress.js'
import { prebuiltHead } from '../prebuilt-head.js'
import { hitHead, objectSize, type CachedObject } from './store.js'

/**
 * How long an expired object is kept for revalidation and stale-if-error after its last
 * stale window (the LRU byte limit still evicts first): CloudFront keeps expired objects
 * until they are evicted; a day bounds what an idle cache holds.
 */
const RETAIN_EXPIRED_SECONDS = 24 * 60 * 60

export interface Admitted {
  readonly object: CachedObject
  /** Set-Cookie of this response when the stored copy does not carry it. */
  readonly setCookie: string | string[] | undefined
  /** §11.1: whether requests collapsed on this one may be answered from the stored object. */
  readonly shareable: boolean
}

/**
 * Stores `r` when the rules allow and returns the object to answer from; returns undefined
 * when the response passes through uncached (r.body may then have been replaced by an
 * equivalent stream). Throws an EdgeError when the origin body fails before it is complete.
 */
export async function admitResponse(
  ex: Exchange,
  deps: Deps,
  r: PendingResponse,
  now: number,
): Promise<Admitted | undefined> {
  const method = ex.viewer.method
  if (ex.cacheKey === undefined || method === 'HEAD' || r.status === 206) return undefined
  if (r.body === null || Buffer.isBuffer(r.body)) return undefined
  const b = ex.behavior
  const decision = decideCaching({
    method,
    status: r.status,
    headers: r.headers,
    nowMs: now,
    policy: b.policies.cache,
    cachedMethods: b.cachedMethods,
    errorCachingMinTtl: ex.dist.errorCachingMinTtl.get(r.status),
    cachingDisabled: b.policies.cachingDisabled,
  })
  if (!decision.store) return undefined
  const declared = Number(r.headers['content-length'] ?? NaN)
  if (declared > deps.cache.maxObjectBytes) return undefined
  const vary = planVary(r.headers['vary'], b.policies, ex.headers)
  if (!vary.store) return undefined

  let body: Buffer
  try {
    const collected = await collectBody(r.body, deps.cache.maxObjectBytes)
    if (collected.kind === 'too-large') {
      r.body = collected.stream
      return undefined
    }
    body = collected.body
  } catch (err) {
    throw new EdgeError(
      'ORIGIN_INVALID_RESPONSE',
      'The origin response ended before it was complete.',
      { cause: err },
    )
  }
  if (!Number.isNaN(declared) && declared !== body.length) {
    throw new EdgeError(
      'ORIGIN_INVALID_RESPONSE',
      'The origin response ended before it was complete.',
    )
  }

  let headers: HeaderRecord = withVary(r.headers, vary)
  const encoding = chooseEncoding({
    compress: b.config.compress,
    policies: b.policies,
    acceptEncoding: ex.cacheKey.acceptEncoding as NormalizedAcceptEncoding,
    httpVersion: ex.viewer.httpVersion,
    status: r.status,
    headers,
  })
  if (encoding !== undefined) {
    body = await compressBody(body, encoding)
    headers = compressedHeaders(headers, encoding, body.length)
  }
  const setCookie = headers['set-cookie']
  const strip = !decision.storeSetCookie || b.policies.legacy?.stripSetCookie === true
  if (setCookie !== undefined && strip) {
    headers = { ...headers }
    delete headers['set-cookie']
  }
  const object = buildObject(ex, r.status, headers, body, now, decision, vary.match)
  deps.cache.set(object, keepUntilMs(object, RETAIN_EXPIRED_SECONDS), ex.fetchStartedAtMs)
  return {
    object,
    setCookie: strip && b.policies.legacy?.stripSetCookie !== true ? setCookie : undefined,
    // Not when it cannot be reused at once (TTL 0) or it sets a cookie for this viewer.
    shareable: !isUncacheableForCollapsing(decision) && object.headers['set-cookie'] === undefined,
  }
}

type StoreDecision = Extract<ReturnType<typeof decideCaching>, { store: true }>

function buildObject(
  ex: Exchange,
  status: number,
  headers: HeaderRecord,
  body: Buffer,
  now: number,
  decision: StoreDecision,
  vary: CachedObject['vary'],
): CachedObject {
  const key = ex.cacheKey!.key
  return {
    key,
    uri: ex.uri,
    query: ex.querystring,
    status,
    headers,
    body,
    storedAtMs: now,
    originAgeSeconds: parseAge(headers['age']),
    ttlSeconds: decision.ttlSeconds,
    staleWhileRevalidateSeconds: decision.staleWhileRevalidateSeconds,
    staleIfErrorSeconds: decision.staleIfErrorSeconds,
    // RFC 9111 §5.2.2.4: no-cache is never used without revalidation — unless MinTTL > 0
    // made CloudFront cache it anyway (§4.2), and then CloudFront may serve it stale.
    mustRevalidate:
      decision.mustRevalidate || (decision.reason === 'no-cache' && decision.ttlSeconds === 0),
    staleServedUntilMs: 0,
    etag: single(headers['etag']),
    lastModified: single(headers['last-modified']),
    vary,
    size: objectSize(headers, body, key),
    ...hitHeads(status, headers, ex),
  }
}

/** Headers of a 304 that never replace the stored ones (they describe the stored body). */
const KEEP_STORED = new Set([
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'content-range',
  // A 304's cookie is for the viewer who revalidated, never for the stored copy.
  'set-cookie',
])

/** A stored object refreshed by a 304 (RFC 9111 §4.3.4): headers updated, TTL anew. */
export function refreshedObject(
  stale: CachedObject,
  notModified: Readonly<HeaderRecord>,
  now: number,
  ex: Exchange,
  deps: Deps,
): CachedObject {
  const headers: HeaderRecord = { ...stale.headers }
  // The stored Age described the old response; only a fresh one from the 304 counts.
  delete headers['age']
  for (const name in notModified) {
    if (KEEP_STORED.has(name)) continue
    // A weak ETag we made by compressing stays weak.
    if (name === 'etag' && stale.etag?.startsWith('W/') === true) continue
    headers[name] = notModified[name]!
  }
  const b = ex.behavior
  const decision = decideCaching({
    method: 'GET',
    status: stale.status,
    headers,
    nowMs: now,
    policy: b.policies.cache,
    cachedMethods: b.cachedMethods,
    errorCachingMinTtl: ex.dist.errorCachingMinTtl.get(stale.status),
    cachingDisabled: b.policies.cachingDisabled,
  })
  if (!decision.store) {
    deps.cache.delete(stale.key)
    return {
      ...stale,
      headers,
      staleServedUntilMs: 0,
      ...hitHeads(stale.status, headers, ex),
    }
  }
  const refreshed = buildObject(ex, stale.status, headers, stale.body, now, decision, stale.vary)
  const object = { ...refreshed, key: stale.key, uri: stale.uri, query: stale.query }
  deps.cache.set(object, keepUntilMs(object, RETAIN_EXPIRED_SECONDS), ex.fetchStartedAtMs)
  return object
}

/** A stored object's hit head, as node's flat list and as text (design.md §1 principle 6). */
function hitHeads(status: number, headers: Readonly<HeaderRecord>, ex: Exchange) {
  const list = hitHead(headers, ex.dist.via.http11, ex.dist.pop)
  return { hitHead: list, hitHeadText: prebuiltHead(status, list) }
}

function parseAge(v: string | string[] | undefined): number {
  const n = Number(single(v))
  return Number.isInteger(n) && n > 0 ? n : 0
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

/** The statuses for which an expired object stands in for the origin (§4.4). */
const STALE_ON = new Set([500, 502, 503, 504])

/**
 * §4.4: when the origin fails (a 5xx of STALE_ON, or no answer: `status` undefined), an
 * expired object may be served instead — and then is, without asking the origin again, for
 * the ErrorCachingMinTTL period. Followers collapsed on this request get it too. Returns the
 * response to send, or undefined when the origin's failure must be passed on.
 */
export function staleOnError(
  ex: Exchange,
  deps: Deps,
  status: number | undefined,
  now: number,
): PendingResponse | undefined {
  const stale = ex.stale
  if (stale === undefined || (status !== undefined && !STALE_ON.has(status))) return undefined
  // Only the object still stored: an invalidation since the lookup wins.
  if (deps.cache.get(stale.key) !== stale || !canServeStaleOnError(stale, now)) return undefined
  const windowS = ex.dist.errorCachingMinTtl.get(status ?? 504) ?? DEFAULT_ERROR_CACHING_MIN_TTL
  const marked: CachedObject = { ...stale, staleServedUntilMs: now + windowS * 1000 }
  deps.cache.set(marked, keepUntilMs(marked, RETAIN_EXPIRED_SECONDS), ex.fetchStartedAtMs)
  ex.releaseCollapse?.(true)
  ex.releaseCollapse = undefined
  ex.resultType = 'Hit'
  return answerFromObject(marked, ex.headers, ageSeconds(marked, now))
}
