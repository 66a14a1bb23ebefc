// fetch — send the origin request and wait for the response headers (spec §0 step 14, §1.3):
// connection attempts and timeouts live in the origin client; failures arrive as EdgeErrors
// (502/504). Origin-group failover lands with the failover issue (the primary is used).
// Exits: originResponse with the streaming response, or synth with the mapped error.
import { withoutHopByHop } from '../../cloudfront/headers.js'
import type { Deps } from '../../deps.js'
import { EdgeError } from '../../errors.js'
import type { Exchange } from '../exchange.js'
import type { Transition } from '../states.js'

export async function fetchOrigin(ex: Exchange, deps: Deps): Promise<Transition> {
  const origin = ex.origin
  const req = ex.originRequest
  if (origin === undefined || req === undefined) throw new Error('fetch without an origin request')
  const started = deps.clock.nowMs()
  try {
    const r = await deps.origins.fetch(origin, req, ex.viewer.scheme)
    ex.originMs = deps.clock.nowMs() - started
    ex.response = { status: r.status, headers: withoutHopByHop(r.headers), body: r.body }
    return { to: 'originResponse' }
  } catch (err) {
    ex.originMs = deps.clock.nowMs() - started
    if (!(err instanceof EdgeError)) throw err
    deps.log.debug({ reqId: ex.id, origin: origin.id, err: err.cause ?? err }, 'origin failed')
    return { to: 'synth', synth: { kind: 'error', code: err.code } }
  }
}
