// Vary on stored responses (spec §4.5; RFC 9111 §4.1). CloudFront keys only on its cache key:
// it rewrites Vary to the headers it keys on or forwards (plus Accept-Encoding and Cookie) and
// does not store `Vary: *`. When a behavior leaves freshness to the origin (MinTTL 0 and
// DefaultTTL 0, the RFC 9111 mode of issue #4) a stored response is also reused only for
// requests whose varied header values match the request that fetched it.
import { varyAction } from '../cloudfront/cacheability.js'
import type { BehaviorPolicies } from '../cloudfront/policy-types.js'
import type { HeaderRecord } from '../http-types.js'
import type { CachedObject } from './store.js'

export interface VaryPlan {
  /** False for `Vary: *`: every request must go to the origin. */
  readonly store: boolean
  /** The Vary header the stored object carries (undefined: none). */
  readonly header: string | undefined
  /** Request header values the object varies on (origin-controlled behaviors only). */
  readonly match: CachedObject['vary']
}

type Viewer = Readonly<Record<string, string | string[] | undefined>>

export function planVary(
  vary: string | string[] | undefined,
  policies: BehaviorPolicies,
  viewer: Viewer,
): VaryPlan {
  if (vary === undefined) return { store: true, header: undefined, match: undefined }
  const names = (Array.isArray(vary) ? vary.join(',') : vary).split(',').map((n) => n.trim())
  // The §4.5 rewrite (cacheability.ts) keeps the names CloudFront keys on or forwards.
  const forwarded = names.map((n) => n.toLowerCase()).filter((n) => forwards(policies, n))
  const action = varyAction(vary, [...policies.cache.headers.names, ...forwarded])
  if (action.bypassCache) return { store: false, header: '*', match: undefined }
  const header = action.vary
  if (header === undefined || !originControlled(policies)) {
    return { store: true, header, match: undefined }
  }
  const varied = header
    .split(', ')
    .map((n) => n.toLowerCase())
    .filter((n) => n !== 'accept-encoding')
  if (varied.length === 0) return { store: true, header, match: undefined }
  return {
    store: true,
    header,
    match: { names: varied, values: varied.map((n) => value(viewer, n)) },
  }
}

/** Whether a stored object may answer this request as far as Vary is concerned. */
export function varyMatches(object: CachedObject, viewer: Viewer): boolean {
  const v = object.vary
  if (v === undefined) return true
  for (let i = 0; i < v.names.length; i++) {
    if (value(viewer, v.names[i]!) !== v.values[i]) return false
  }
  return true
}

/** Behaviors whose TTLs leave freshness to the origin's Cache-Control (RFC 9111 mode). */
export function originControlled(p: BehaviorPolicies): boolean {
  return !p.cachingDisabled && p.cache.minTtl === 0 && p.cache.defaultTtl === 0
}

/** Whether the origin request policy forwards a header (so a Vary on it stays, §4.5). */
function forwards(p: BehaviorPolicies, name: string): boolean {
  const orp = p.originRequest?.headers
  if (orp === undefined) return false
  switch (orp.behavior) {
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront':
      return true
    case 'allExcept':
      return !orp.names.includes(name)
    case 'whitelist':
      return orp.names.includes(name)
    case 'none':
      return false
  }
}

function value(viewer: Viewer, name: string): string {
  const v = viewer[name]
  return v === undefined ? '\u0000absent' : Array.isArray(v) ? v.join(', ') : v
}

/** `headers` with Vary replaced by the plan's value (a copy when it changes). */
export function withVary(headers: HeaderRecord, plan: VaryPlan): HeaderRecord {
  const current = headers['vary']
  if (current === plan.header) return headers
  const out = { ...headers }
  if (plan.header === undefined) delete out['vary']
  else out['vary'] = plan.header
  return out
}
