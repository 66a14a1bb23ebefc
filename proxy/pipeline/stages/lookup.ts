// lookup — the cache lookup (spec §0 step 11, §4.4, §11.1). Computes the cache key after the
// viewer-request function; a fresh object is a Hit; within stale-while-revalidate it is served
// at once while one background refresh runs; an expired one is revalidated (and kept for
// stale-if-error). Concurrent misses for one key wait for a single leader (collapsing).
// Exits: viewerResponse (hit), errorPage/deliver (cached error), originRequest (miss/stale).
import { answerFromObject } from '../../cache/answer.js'
import { refreshInBackground } from '../../cache/refresh.js'
import type { CachedObject } from '../../cache/store.js'
import { varyMatches } from '../../cache/vary.js'
import { ageSeconds, freshnessOf, type Freshness } from '../../cloudfront/freshness.js'
import type { Deps } from '../../deps.js'
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'
import { viewerCountryOf } from '../geo.js'
import { afterStored } from './route.js'

const TO_ORIGIN: Transition = { to: 'originRequest' }

export function lookup(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  ex.resultType = 'Miss'
  if (ex.behavior.policies.cachingDisabled) return TO_ORIGIN
  return find(ex, deps, cacheKeyOf(ex), true)
}

/** The request's cache key (§3.1), computed after the viewer-request function; kept on ex. */
export function cacheKeyOf(ex: Exchange): string {
  const parts = ex.behavior.cacheKeyOf({
    method: ex.viewer.method,
    uri: ex.uri,
    querystring: ex.querystring,
    headers: ex.headers,
    httpVersion: ex.viewer.httpVersion,
    scheme: ex.viewer.scheme,
    rawHeaders: ex.viewer.rawHeaders,
    // A constant without Server.Geo; else resolved once per request (§3.5). A plain value:
    // an accessor here made every hit's key request a slow object (measured: −40% hits).
    viewerCountry: viewerCountryOf(ex),
  })
  ex.cacheKey = parts
  return parts.key
}

/**
 * The stored object this request is a Hit on now, if any, with no side effects: what lookup
 * serves before anything else (the fast hit path asks first, then calls serve).
 */
export function hitObject(ex: Exchange, deps: Deps, nowMs: number): CachedObject | undefined {
  if (ex.behavior.policies.cachingDisabled) return undefined
  const object = deps.cache.get(cacheKeyOf(ex))
  if (object === undefined || !varyMatches(object, ex.headers)) return undefined
  return servedAsHit(object, freshnessOf(object, nowMs), nowMs) ? object : undefined
}

/** Fresh, or stale but still allowed to answer as a hit after an origin failure (§4.4). */
function servedAsHit(object: CachedObject, state: Freshness, nowMs: number): boolean {
  return state === 'fresh' || object.staleServedUntilMs > nowMs
}

function find(
  ex: Exchange,
  deps: Deps,
  key: string,
  mayWait: boolean,
): Transition | Promise<Transition> {
  const now = deps.clock.nowMs()
  const object = deps.cache.get(key)
  if (object !== undefined && varyMatches(object, ex.headers)) {
    const state = freshnessOf(object, now)
    if (servedAsHit(object, state, now)) return serve(ex, deps, object, now)
    if (state === 'stale-while-revalidate') {
      refreshInBackground(ex, deps, object)
      return serve(ex, deps, object, now)
    }
    ex.stale = object
  }
  deps.cache.countHit('miss')
  // A HEAD miss is forwarded as HEAD and not stored (§4.1), so nothing to share.
  if (ex.viewer.method === 'HEAD' || !collapsible(ex)) return TO_ORIGIN
  const leader = deps.collapser.waitFor(key)
  if (leader !== undefined && mayWait) {
    return leader.then((shareable) => (shareable ? find(ex, deps, key, false) : TO_ORIGIN))
  }
  if (leader === undefined) ex.releaseCollapse = deps.collapser.lead(key)
  return TO_ORIGIN
}

/** Answers from `object` as a Hit: counted, with its Age; then where a stored answer goes. */
export function serve(ex: Exchange, deps: Deps, object: CachedObject, now: number): Transition {
  deps.cache.countHit('hit')
  ex.resultType = 'Hit'
  ex.response = answerFromObject(object, ex.headers, ageSeconds(object, now))
  return afterStored(ex)
}

/** §11.1: no collapsing when cookies are forwarded (cache policy or origin request policy). */
function collapsible(ex: Exchange): boolean {
  const p = ex.behavior.policies
  return (
    p.cache.cookies.behavior === 'none' && (p.originRequest?.cookies.behavior ?? 'none') === 'none'
  )
}
