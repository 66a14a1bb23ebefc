// originRequest — build the request the origin receives (spec §0 step 13, §3.1–§3.5, §9.2):
// the origin (or an origin group's primary; its secondary once fetch failed over, §1.4),
// OriginPath + URI + the forwarded query, headers per the behavior's policies with
// CloudFront's own and origin custom headers on top, the viewer's body streamed through; an
// expired object's validators when revalidating. Runs once per origin attempt, so the
// origin-request Lambda@Edge, when it lands here, runs for each attempt as §1.4 says.
// Exits: fetch; store for a generated response.
import type { CachedObject } from '../../cache/store.js'
import { originForwarding } from '../../cloudfront/origin-forwarding.js'
import type { HeaderRecord } from '../../http-types.js'
import { originHostHeader } from '../../origin/client.js'
import type { Exchange } from '../exchange.js'
import { targetOrigin } from '../function-origin.js'
import { viewerCountryOf } from '../geo.js'
import type { Transition } from '../states.js'
import { viewerVia } from './via.js'

export function originRequest(ex: Exchange): Transition {
  const chosen = ex.originOverride ?? targetOrigin(ex.behavior.target)
  const secondary = ex.failedOver === undefined ? undefined : chosen.group?.secondary
  const origin = secondary ?? chosen.origin
  ex.origin = origin
  // The secondary's answer is final (§1.4): no group once it is the one asked.
  ex.failoverGroup = secondary === undefined ? chosen.group : undefined
  const v = ex.viewer
  const fwd = originForwarding(
    {
      method: v.method,
      uri: ex.uri,
      querystring: ex.querystring,
      headers: ex.headers,
      rawHeaders: v.rawHeaders,
      httpVersion: v.httpVersion,
      scheme: v.scheme,
      clientIp: v.clientIp,
      clientPort: v.clientPort,
      hasBody: v.hasBody,
    },
    ex.behavior.policies,
    {
      host: (secondary === undefined ? chosen.hostHeader : undefined) ?? originHostHeader(origin),
      via: viewerVia(ex),
      requestId: ex.id,
      customHeaders: origin.customHeaders,
      // Read only when a policy forwards CloudFront-Viewer-Country (§3.5).
      get viewerCountry() {
        return viewerCountryOf(ex)
      },
      optionsCached: ex.behavior.cachedMethods.has('OPTIONS'),
    },
  )
  const query = fwd.querystring === '' ? '' : `?${fwd.querystring}`
  ex.originRequest = {
    method: v.method,
    path: `${origin.originPath}${ex.uri}${query}`,
    headers: fwd.headers,
    body: v.hasBody ? v.body : null,
  }
  if (ex.stale !== undefined) addValidators(ex.originRequest.headers, ex.stale)
  return { to: 'fetch' }
}

/** §4.4: an expired object is revalidated with its own validators, not the viewer's. */
function addValidators(headers: HeaderRecord, stale: CachedObject): void {
  delete headers['if-match']
  delete headers['if-unmodified-since']
  delete headers['if-range']
  delete headers['range']
  if (stale.etag !== undefined) headers['if-none-match'] = stale.etag
  else delete headers['if-none-match']
  if (stale.lastModified !== undefined) headers['if-modified-since'] = stale.lastModified
  else delete headers['if-modified-since']
}
