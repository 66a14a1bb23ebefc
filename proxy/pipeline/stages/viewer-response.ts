// viewerResponse — the viewer-response CloudFront Function (spec §0 step 20, §7.3). The
// transition table guarantees it only sees responses below 400 that neither CloudFront nor a
// viewer-request function generated. It may change the status, headers, cookies and body; the
// cached object is never changed (the function gets a copy). Errors: 503 / 502 (§7.6).
// Exits: deliver, or synth when the function fails.
import { viewerResponseEvent } from '../../../functions/viewer/event.js'
import { interpretViewerResponseResult } from '../../../functions/viewer/result.js'
import { discardBody } from '../../origin/discard.js'
import type { Deps } from '../../deps.js'
import type { Exchange } from '../exchange.js'
import { functionFailure, functionRequestInput } from '../function-call.js'
import type { Transition } from '../states.js'

const EVENT = 'viewer-response'
const TO_DELIVER: Transition = { to: 'deliver' }

export function viewerResponse(ex: Exchange, deps: Deps): Transition {
  const fn = ex.behavior.viewerResponseFunction
  const r = ex.response
  if (fn === undefined || r === undefined) return TO_DELIVER
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
  const out = { ...result.headers }
  let body = r.body
  if (result.body !== undefined) {
    discardBody(body)
    body = result.body
    out['content-length'] = String(result.body.length)
    delete out['content-encoding']
  } else {
    // The function never sees the body (§7.3); framing headers stay the origin's.
    for (const name of ['content-length', 'content-encoding', 'transfer-encoding'] as const) {
      const original = r.headers[name]
      if (original !== undefined) out[name] = original
    }
  }
  ex.response = { status: result.status, headers: out, body }
  return TO_DELIVER
}
