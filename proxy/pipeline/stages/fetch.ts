// fetch — send the origin request and wait for the response headers (spec §0 step 14, §1.3):
// connection attempts and timeouts live in the origin client; failures arrive as EdgeErrors
// (502/504). An origin group's primary that fails over (§1.4: a configured status, connection
// failure or timeout, viewer GET/HEAD/OPTIONS) is dropped and the secondary's request built.
// Exits: originResponse with the streaming response; originRequest to try the secondary;
// synth with the mapped error; or, when an expired object may stand in (stale-if-error,
// §4.4), the route of a cached response. An origin whose host name did not resolve before the
// origin-request function (§8.1, ex.originDnsError) is not asked: that is the attempt's failure.
import { shouldFailOver, type AttemptOutcome } from '../../cloudfront/failover.js'
import { withoutHopByHop } from '../../cloudfront/headers.js'
import { staleOnError } from '../../cache/admit.js'
import type { Deps } from '../../deps.js'
import { EdgeError } from '../../errors.js'
import type { OriginResponse } from '../../http-types.js'
import { discardBody } from '../../origin/discard.js'
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'
import { afterStored } from './route.js'

const TO_ORIGIN_REQUEST: Transition = { to: 'originRequest' }

export async function fetchOrigin(ex: Exchange, deps: Deps): Promise<Transition> {
  const origin = ex.origin
  const req = ex.originRequest
  if (origin === undefined || req === undefined) throw new Error('fetch without an origin request')
  const started = deps.clock.nowMs()
  // Objects invalidated after the first attempt started are not stored (store.ts).
  if (ex.failedOver === undefined) ex.fetchStartedAtMs = started
  const dnsError = ex.originDnsError
  if (dnsError !== undefined) {
    ex.originDnsError = undefined
    return failed(ex, deps, dnsError)
  }
  let r: OriginResponse
  try {
    r = await deps.origins.fetch(origin, req, ex.viewer.scheme)
  } catch (err) {
    if (!(err instanceof EdgeError)) throw err
    return failed(ex, deps, err)
  }
  ex.originMs = deps.clock.nowMs() - ex.fetchStartedAtMs
  if (failOver(ex, deps, { kind: 'status', status: r.status })) {
    discardBody(r.body)
    return TO_ORIGIN_REQUEST
  }
  ex.response = { status: r.status, headers: withoutHopByHop(r.headers), body: r.body }
  return { to: 'originResponse' }
}

/** The origin could not be reached (or its name did not resolve): failover, a stale object, or 502/504. */
function failed(ex: Exchange, deps: Deps, err: EdgeError): Transition {
  ex.originMs = deps.clock.nowMs() - ex.fetchStartedAtMs
  deps.log.debug({ reqId: ex.id, origin: ex.origin?.id, err: err.cause ?? err }, 'origin failed')
  if (failOver(ex, deps, { kind: 'failed', error: err })) return TO_ORIGIN_REQUEST
  // §4.4: an expired object stands in for an origin that cannot be reached.
  const stale = staleOnError(ex, deps, undefined, deps.clock.nowMs())
  if (stale !== undefined) {
    ex.detailedResult = err.code === 'ORIGIN_TIMEOUT' ? 'OriginReadError' : 'OriginConnectError'
    ex.response = stale
    return afterStored(ex)
  }
  return { to: 'synth', synth: { kind: 'error', code: err.code } }
}

/**
 * §1.4: whether to leave the primary of an origin group for its secondary; records and logs
 * the failover when so. A streamed request body cannot be sent twice, so a request with one
 * stays with the primary (UNCONFIRMED; only an OPTIONS with a body can get here).
 * The decision reads the primary's own status; an origin-response Lambda@Edge runs on the
 * response that is kept, after it (UNCONFIRMED, see README).
 */
function failOver(ex: Exchange, deps: Deps, outcome: AttemptOutcome): boolean {
  const group = ex.failoverGroup
  const origin = ex.origin
  if (group === undefined || origin === undefined || (ex.originRequest?.body ?? null) !== null)
    return false
  const reason = shouldFailOver(ex.viewer.method, outcome, group.statusCodes)
  if (reason === undefined) return false
  ex.failedOver = { group: group.id, primary: origin.id, reason }
  deps.log.warn(
    { reqId: ex.id, group: group.id, primary: origin.id, secondary: group.secondary.id, reason },
    'origin failover',
  )
  return true
}
