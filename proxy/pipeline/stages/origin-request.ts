// originRequest — build the request the origin receives (spec §0 step 13, §3.4, §9.2): the
// origin (or an origin group's primary), OriginPath + URI + query, headers with CloudFront's
// own added and origin custom headers on top, and the viewer's body streamed through.
// The origin-request Lambda@Edge runs here later. Exits: fetch; store for a generated response.
import { originRequestHeaders } from '../../cloudfront/headers.js'
import { originHostHeader } from '../../origin/client.js'
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'
import { viewerVia } from './via.js'

export function originRequest(ex: Exchange): Transition {
  const target = ex.behavior.target
  const origin = target.kind === 'origin' ? target.origin : target.primary
  ex.origin = origin
  const v = ex.viewer
  const query = ex.querystring === '' ? '' : `?${ex.querystring}`
  ex.originRequest = {
    method: v.method,
    path: `${origin.originPath}${ex.uri}${query}`,
    headers: originRequestHeaders(v.headers, {
      host: originHostHeader(origin),
      clientIp: v.clientIp,
      via: viewerVia(ex),
      requestId: ex.id,
      customHeaders: origin.customHeaders,
    }),
    body: v.hasBody ? v.body : null,
  }
  return { to: 'fetch' }
}
