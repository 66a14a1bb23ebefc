// The JWT check of a behavior with `JwtAuthorizer` (local extension; auth/jwt.ts), run by
// authorize after the signed URL check. A request without a token is refused at once; a
// token is verified asynchronously. Refusals are CloudFront-style error pages (never cached)
// with the RFC 6750 WWW-Authenticate challenge; the verified claims are not forwarded.
import type { JwtAuthorizer, JwtFailure } from '../auth/jwt.js'
import type { Deps } from '../deps.js'
import { ERRORS } from '../errors.js'
import type { Exchange } from './exchange.js'
import type { Transition } from './states.js'

const TO_VIEWER_REQUEST: Transition = { to: 'viewerRequest' }

export function checkJwt(
  ex: Exchange,
  authorizer: JwtAuthorizer,
  deps: Deps,
): Transition | Promise<Transition> {
  const token = authorizer.tokenOf(ex.headers)
  if (token === undefined) return refuse(authorizer.missing())
  return authorizer.verify(token, deps.clock.nowMs()).then((outcome) => {
    if (outcome.ok) return TO_VIEWER_REQUEST
    if (outcome.code === 'JWKS_UNAVAILABLE') {
      deps.log.warn(
        { reqId: ex.id, authorizer: authorizer.name, err: outcome.cause },
        'JWT authorizer: the key set could not be had',
      )
    }
    return refuse(outcome)
  })
}

function refuse(outcome: JwtFailure): Transition {
  const detail = `${ERRORS[outcome.code].cause} (${outcome.description})`
  return {
    to: 'synth',
    synth: {
      kind: 'error',
      code: outcome.code,
      detail,
      ...(outcome.challenge === undefined
        ? {}
        : { headers: { 'www-authenticate': outcome.challenge } }),
    },
  }
}
