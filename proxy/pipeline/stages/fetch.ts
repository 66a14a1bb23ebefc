// fetch — send the origin request and wait for the response headers (spec §0 step 14, §1.3):
// connection attempts and timeouts live in the origin client; failures arrive as EdgeErrors
// (502/504). Origin-group failover lands with the failover issue (the primary is used).
// Exits: originResponse with the streaming response; synth with the mapped error; or, when
// an expired object may stand in (stale-if-error, §4.4), the route of a cached response.
import { withoutHopByHop } from '../../cloudfront/headers.js'
import { staleOnError } from '../../cache/admit.js'
import type { Deps } from '../../deps.js'
import { EdgeError } from '../../errors.js'
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'
import { afterStored } from './route.js'

export async function fetchOrigin(ex: Exchange, deps: Deps): Promise<Transition> {
  const origin = ex.origin
  const req = ex.originRequest
  if (origin === undefined || req === undefined) throw new Error('fetch without an origin request')
  const started = deps.clock.nowMs()
  ex.fetchStartedAtMs = started
  try {
    const r = await deps.origins.fetch(origin, req, ex.viewer.scheme)
    ex.originMs = deps.clock.nowMs() - started
    ex.response = { status: r.status, headers: withoutHopByHop(r.headers), body: r.body }
    return { to: 'originResponse' }
  } catch (err) {
    ex.originMs = deps.clock.nowMs() - started
    if (!(err instanceof EdgeError)) throw err
    deps.log.debug({ reqId: ex.id, origin: origin.id, err: err.cause ?? err }, 'origin failed')
    // §4.4: an expired object stands in for an origin that cannot be reached.
    const stale = staleOnError(ex, deps, undefined, deps.clock.nowMs())
    if (stale !== undefined) {
      ex.detailedResult = err.code === 'ORIGIN_TIMEOUT' ? 'OriginReadError' : 'OriginConnectError'
      ex.response = stale
      return afterStored(ex)
    }
    return { to: 'synth', synth: { kind: 'error', code: err.code } }
  }
}
