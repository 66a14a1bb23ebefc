// viewerResponse — the viewer-response CloudFront Function (spec §0 step 20, §7.3) or
// Lambda@Edge function (§8.3: it cannot change the status). The
// transition table guarantees it only sees responses below 400 that neither CloudFront nor a
// viewer-request function generated. It may change the status, headers, cookies and body; the
// cached object is never changed (the function gets a copy). Errors: 503 / 502 (§7.6). A
// CloudFront Function runs in its turn's batch of calls (../function-batch.ts), except on a
// response still streaming from the origin.
// Exits: deliver, or synth when the function fails.
import { edgeEvent } from '../../../functions/edge/event.js'
import { interpretResponseResult } from '../../../functions/edge/result.js'
import { viewerResponseEvent } from '../../../functions/viewer/event.js'
import { interpretViewerResponseResult } from '../../../functions/viewer/result.js'
import type { EdgeFunctionBinding } from '../../config/compile-lambda.js'
import type { Deps } from '../../deps.js'
import type { ViewerFunction } from '../../../functions/viewer/types.js'
import type { Exchange, PendingResponse } from '../exchange.js'
import { batched } from '../function-batch.js'
import { functionFailure, functionRequestInput, responseFromFunction } from '../function-call.js'
import { callLambda } from '../lambda-call.js'
import type { Transition } from '../states.js'

const EVENT = 'viewer-response'
const TO_DELIVER: Transition = { to: 'deliver' }

export function viewerResponse(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  const lambda = ex.behavior.edgeFunctions.viewerResponse
  if (lambda !== undefined && ex.response !== undefined) return runLambda(ex, lambda, deps)
  const fn = ex.behavior.viewerResponseFunction
  const r = ex.response
  if (fn === undefined || r === undefined) return TO_DELIVER
  const call = () => runFunction(ex, fn, r, deps)
  // A body still streaming from the origin is not held back a turn: nothing listens for its
  // errors until deliver pipes it, so it goes on in the turn it arrived in.
  return r.body === null || Buffer.isBuffer(r.body) ? batched(call) : call()
}

function runFunction(ex: Exchange, fn: ViewerFunction, r: PendingResponse, deps: Deps): Transition {
  const headers = r.hit === undefined ? r.headers : { ...r.headers, age: String(r.hit.age) }
  const event = viewerResponseEvent(functionRequestInput(ex), { status: r.status, headers })
  const run = fn.invoke(event)
  ex.functionUtilization = Math.max(ex.functionUtilization ?? 0, run.computeUtilization)
  if (!run.ok) {
    deps.metrics.functionRun(fn.name, EVENT, run.computeUtilization, 'execution')
    return functionFailure(ex, 'FUNCTION_EXECUTION_ERROR', `${fn.name}: ${run.message}`)
  }
  const result = interpretViewerResponseResult(run.result, event)
  const invalid = result.kind === 'invalid' ? 'invalid' : undefined
  deps.metrics.functionRun(fn.name, EVENT, run.computeUtilization, invalid)
  if (result.kind === 'invalid')
    return functionFailure(ex, 'FUNCTION_INVALID_RESULT', `${fn.name}: ${result.reason}`)
  ex.response = responseFromFunction(r, result.status, result.headers, result.body)
  return TO_DELIVER
}

async function runLambda(ex: Exchange, fn: EdgeFunctionBinding, deps: Deps): Promise<Transition> {
  const r = ex.response
  if (r === undefined) return TO_DELIVER
  const headers = r.hit === undefined ? r.headers : { ...r.headers, age: String(r.hit.age) }
  const event = edgeEvent({
    ...functionRequestInput(ex),
    eventType: 'viewer-response',
    response: { status: r.status, headers },
  })
  const call = await callLambda(ex, deps, fn, event, 'viewer-response', interpretResponseResult)
  if (!call.ok) return call.to
  const result = call.result
  ex.response = responseFromFunction(r, result.status, result.headers, result.body)
  return TO_DELIVER
}
