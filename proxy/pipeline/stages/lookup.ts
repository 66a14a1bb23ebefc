// lookup — the cache lookup (spec §0 step 11, §4.4, §11.1). Computes the cache key after the
// viewer-request function; a fresh object is a Hit; within stale-while-revalidate it is served
// at once while one background refresh runs; an expired one is revalidated (and kept for
// stale-if-error). Concurrent misses for one key wait for a single leader (collapsing).
// Exits: viewerResponse (hit), errorPage/deliver (cached error), originRequest (miss/stale).
import { answerFromObject } from '../../cache/answer.js'
import { refreshInBackground } from '../../cache/refresh.js'
import type { CachedObject } from '../../cache/store.js'
import { varyMatches } from '../../cache/vary.js'
import { ageSeconds, freshnessOf } from '../../cloudfront/freshness.js'
import type { Deps } from '../../deps.js'
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'
import { viewerCountryOf } from '../geo.js'
import { afterStored } from './route.js'

const TO_ORIGIN: Transition = { to: 'originRequest' }

export function lookup(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  const b = ex.behavior
  ex.resultType = 'Miss'
  if (b.policies.cachingDisabled) return TO_ORIGIN
  const parts = b.cacheKeyOf({
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
  return find(ex, deps, parts.key, true)
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
    if (state === 'fresh' || object.staleServedUntilMs > now) return serve(ex, deps, object, now)
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

function serve(ex: Exchange, deps: Deps, object: CachedObject, now: number): Transition {
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
