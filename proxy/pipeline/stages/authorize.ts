// authorize — signed URL / signed cookie verification (spec §6, §0 step 7). Behaviors without
// trusted key groups or signers pass straight through. Verification lands with issue #7;
// until then a behavior that requires signatures fails closed: every request gets the 403
// CloudFront sends for a request without a valid signature (§6.6), never the content.
// Then a behavior's JwtAuthorizer (local extension, ../jwt-check.ts): 401/403/503.
// Exits: viewerRequest, or synth 403.
import type { Deps } from '../../deps.js'
import type { Exchange } from '../exchange.js'
import { checkJwt } from '../jwt-check.js'
import type { Transition } from '../states.js'

const TO_VIEWER_REQUEST: Transition = { to: 'viewerRequest' }
const REFUSED: Transition = { to: 'synth', synth: { kind: 'error', code: 'SIGNATURE_REQUIRED' } }

export function authorize(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  const b = ex.behavior.config
  if (b.trustedKeyGroups.length === 0 && b.trustedSigners.length === 0) {
    const jwt = ex.behavior.jwtAuthorizer
    return jwt === undefined ? TO_VIEWER_REQUEST : checkJwt(ex, jwt, deps)
  }
  ex.detailedResult = 'signed URLs are not verified yet: private content is refused'
  return REFUSED
}
