// authorize — signed URL / signed cookie verification (spec §6, §0 step 7), then a behavior's
// JwtAuthorizer (local extension, ../jwt-check.ts: 401/403/503). Behaviors with neither pass
// straight through (two branches). On success the signing parameters leave the query, so
// neither the cache key nor the origin sees them (§6.6 step 7); on failure the 403 of §6.6
// (XML body, or the distribution's custom error page for 403).
// Exits: viewerRequest, or synth.
import type { SignedUrlFailure } from '../../cloudfront/signed-url.js'
import type { Deps } from '../../deps.js'
import type { ErrorCode } from '../../errors.js'
import type { Exchange } from '../exchange.js'
import { checkJwt } from '../jwt-check.js'
import type { Transition } from '../states.js'

const TO_VIEWER_REQUEST: Transition = { to: 'viewerRequest' }

const refuse = (code: ErrorCode): Transition => ({ to: 'synth', synth: { kind: 'error', code } })
const REFUSALS: Readonly<Record<SignedUrlFailure, Transition>> = {
  'missing-key': refuse('SIGNATURE_REQUIRED'),
  'unknown-key': refuse('SIGNATURE_UNKNOWN_KEY'),
  malformed: refuse('SIGNATURE_MALFORMED'),
  'bad-signature': refuse('SIGNATURE_INVALID'),
  expired: refuse('SIGNATURE_DENIED'),
  'not-yet-valid': refuse('SIGNATURE_DENIED'),
  ip: refuse('SIGNATURE_DENIED'),
  resource: refuse('SIGNATURE_DENIED'),
}

export function authorize(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  const signed = ex.behavior.signedUrls
  if (signed !== undefined) {
    const v = ex.viewer
    const host = v.headers.host ?? v.headers[':authority']
    const decision = signed.check(
      {
        scheme: v.scheme,
        host: typeof host === 'string' ? host : '',
        path: v.path,
        query: v.query,
        cookie: v.headers.cookie,
        clientIp: v.clientIp,
      },
      deps.clock.nowMs() / 1000,
    )
    if (!decision.ok) return REFUSALS[decision.failure]
    ex.querystring = decision.querystring
  }
  const jwt = ex.behavior.jwtAuthorizer
  return jwt === undefined ? TO_VIEWER_REQUEST : checkJwt(ex, jwt, deps)
}
