// originResponse — the origin-response Lambda@Edge (spec §0 step 15, §8): runs for every
// origin response, errors included, before caching; it sees the request as sent to the origin
// and the response's status and headers (never its body), and may change the status, headers
// or replace the body. It runs on the response the origin answer that fetch kept: with an
// origin group, on the secondary's answer after a failover, not on the primary's (the
// failover decision uses the primary's raw status; simplification of §1.4).
// Exits: store, or synth when the function fails.
import { edgeEvent } from '../../../functions/edge/event.js'
import { interpretResponseResult } from '../../../functions/edge/result.js'
import type { EdgeFunctionBinding } from '../../config/compile-lambda.js'
import type { Deps } from '../../deps.js'
import type { Exchange } from '../exchange.js'
import { responseFromFunction } from '../function-call.js'
import { callLambda } from '../lambda-call.js'
import { originEventBase } from '../lambda-origin.js'
import type { Transition } from '../states.js'

const EVENT = 'origin-response'
const TO_STORE: Transition = { to: 'store' }

export function originResponse(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  const fn = ex.behavior.edgeFunctions.originResponse
  return fn === undefined ? TO_STORE : runLambda(ex, fn, deps)
}

async function runLambda(ex: Exchange, fn: EdgeFunctionBinding, deps: Deps): Promise<Transition> {
  const r = ex.response
  const req = ex.originRequest
  const origin = ex.origin
  if (r === undefined || req === undefined || origin === undefined)
    throw new Error('origin-response function without an origin exchange')
  const q = req.path.indexOf('?')
  const path = q < 0 ? req.path : req.path.slice(0, q)
  const event = edgeEvent({
    ...originEventBase(ex, origin, req.headers),
    eventType: EVENT,
    method: req.method,
    uri: path.startsWith(origin.originPath) ? path.slice(origin.originPath.length) || '/' : path,
    querystring: q < 0 ? '' : req.path.slice(q + 1),
    response: { status: r.status, headers: r.headers },
  })
  const call = await callLambda(ex, deps, fn, event, EVENT, interpretResponseResult)
  if (!call.ok) return call.to
  const result = call.result
  // A replaced body goes on as a stream, so that store reads and caches it like an origin's.
  ex.response = responseFromFunction(r, result.status, result.headers, result.body, true)
  return TO_STORE
}
