// recv — the checks CloudFront makes before any function runs (spec §0 steps 1–6): request
// size (413), a disabled distribution, geo restriction (§11.10: 403), behavior selection by
// path (§2), viewer protocol
// policy (§11.5: 301/307/403), allowed methods and GET-with-body (§11.6: 403).
// Exits: authorize, or synth with the refusal.
import { normalizePathForMatching } from '../../cloudfront/behavior.js'
import { checkRequestSize } from '../../cloudfront/request-limits.js'
import { SWITCHES } from '../../cloudfront/switches.js'
import {
  decideViewerProtocol,
  httpsLocation,
  isKnownMethod,
} from '../../cloudfront/viewer-protocol.js'
import type { Exchange } from '../exchange.js'
import { geoRestriction } from '../geo.js'
import type { Transition } from '../states.js'

const TO_AUTHORIZE: Transition = { to: 'authorize' }

export function recv(ex: Exchange): Transition {
  const v = ex.viewer
  const size = checkRequestSize(v.method, v.url, v.rawHeaders)
  if (size !== undefined) {
    return {
      to: 'synth',
      synth: { kind: 'error', code: size === 'url' ? 'URL_TOO_LONG' : 'REQUEST_TOO_LARGE' },
    }
  }
  if (!ex.dist.config.distribution.enabled) {
    return { to: 'synth', synth: { kind: 'error', code: 'DISTRIBUTION_DISABLED' } }
  }
  const geoBlocked = geoRestriction(ex)
  if (geoBlocked !== undefined) return geoBlocked
  const matchPath = SWITCHES.normalizePathForMatching ? normalizePathForMatching(v.path) : v.path
  ex.behavior = ex.dist.behaviors.match(matchPath)

  const protocol = decideViewerProtocol(
    ex.behavior.config.viewerProtocolPolicy,
    v.scheme,
    v.method,
    v.httpVersion,
  )
  if (protocol.kind === 'refuse') {
    return { to: 'synth', synth: { kind: 'error', code: 'HTTPS_REQUIRED' } }
  }
  if (protocol.kind === 'redirect') {
    const host = headerString(v.headers.host) ?? ex.dist.config.server.host
    const location = httpsLocation(host, v.url, v.httpsPort)
    return { to: 'synth', synth: { kind: 'redirect', status: protocol.status, location } }
  }
  if (!isKnownMethod(v.method) || !ex.behavior.allowedMethods.has(v.method)) {
    return { to: 'synth', synth: { kind: 'error', code: 'METHOD_NOT_ALLOWED' } }
  }
  if (v.method === 'GET' && v.hasBody) {
    return { to: 'synth', synth: { kind: 'error', code: 'GET_WITH_BODY' } }
  }
  return TO_AUTHORIZE
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
