// viewerRequest — the viewer-request CloudFront Function (spec §0 step 8, §7) or Lambda@Edge
// function (§8; never both), then the default root object (§11.4: a URI of exactly `/`
// becomes `/<DefaultRootObject>`). The function may rewrite the URI, query string and headers,
// choose another origin (§7.5, CloudFront Functions), replace the body (§8.4, Lambda), or
// generate a response; the behavior chosen in recv stays in force. A function that throws or
// runs past its budget is a 503; an invalid result a 502 (§7.6, §8.6). A CloudFront Function
// runs in its turn's batch of calls (../function-batch.ts).
// Exits: lookup when the method is cached for the behavior, else originRequest; deliver for
// a generated response (not cached, no viewer-response function); synth on function errors.
import { edgeEvent } from '../../../functions/edge/event.js'
import { interpretRequestResult, LIMITS } from '../../../functions/edge/result.js'
import { viewerRequestEvent } from '../../../functions/viewer/event.js'
import { interpretViewerRequestResult } from '../../../functions/viewer/result.js'
import type { ViewerFunction } from '../../../functions/viewer/types.js'
import { SWITCHES } from '../../cloudfront/switches.js'
import type { HeaderRecord } from '../../http-types.js'
import type { EdgeFunctionBinding } from '../../config/compile-lambda.js'
import type { Deps } from '../../deps.js'
import type { Exchange } from '../exchange.js'
import { batched } from '../function-batch.js'
import { functionFailure, functionRequestInput } from '../function-call.js'
import { chooseOrigin, targetOrigin } from '../function-origin.js'
import { callLambda, generatedResponse, withHiddenHeaders } from '../lambda-call.js'
import { exposedBody, replaceRequestBody } from '../request-body.js'
import type { Transition } from '../states.js'

const EVENT = 'viewer-request'
const TO_LOOKUP: Transition = { to: 'lookup' }
const TO_ORIGIN: Transition = { to: 'originRequest' }

export function viewerRequest(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  const lambda = ex.behavior.edgeFunctions.viewerRequest
  if (lambda !== undefined) {
    return runLambda(ex, lambda, deps).then((refused) => refused ?? afterFunction(ex))
  }
  const fn = ex.behavior.viewerRequestFunction
  if (fn !== undefined) return batched(() => runFunction(ex, fn, deps) ?? afterFunction(ex))
  return afterFunction(ex)
}

function afterFunction(ex: Exchange): Transition {
  const root = ex.dist.defaultRootPath
  if (
    root !== '' &&
    ex.uri === '/' &&
    (ex.querystring === '' || SWITCHES.defaultRootObjectWithQuery)
  ) {
    ex.uri = root
  }
  return ex.behavior.cachedMethods.has(ex.viewer.method) ? TO_LOOKUP : TO_ORIGIN
}

/** Runs the function; returns the edge to take when it answered or failed, else undefined. */
function runFunction(ex: Exchange, fn: ViewerFunction, deps: Deps): Transition | undefined {
  const event = viewerRequestEvent(functionRequestInput(ex))
  const run = fn.invoke(event)
  ex.functionUtilization = run.computeUtilization
  if (!run.ok) {
    deps.metrics.functionRun(fn.name, EVENT, run.computeUtilization, 'execution')
    return functionFailure(ex, 'FUNCTION_EXECUTION_ERROR', `${fn.name}: ${run.message}`)
  }
  const result = interpretViewerRequestResult(run.result, event)
  const invalid = result.kind === 'invalid' ? 'invalid' : undefined
  deps.metrics.functionRun(fn.name, EVENT, run.computeUtilization, invalid)
  if (result.kind === 'invalid') {
    return functionFailure(ex, 'FUNCTION_INVALID_RESULT', `${fn.name}: ${result.reason}`)
  }
  if (result.kind === 'response') {
    ex.resultType = 'FunctionGeneratedResponse'
    const headers: HeaderRecord = { ...result.headers, server: 'CloudFront' }
    headers['content-length'] = String(result.body.length)
    ex.response = { status: result.status, headers, body: result.body }
    return { to: 'deliver' }
  }
  ex.uri = result.uri
  ex.querystring = result.querystring
  ex.headers = result.headers
  if (run.originSelections.length > 0) {
    const base = targetOrigin(ex.behavior.target)
    const chosen = chooseOrigin(ex.dist, base, run.originSelections)
    if (typeof chosen === 'string')
      return functionFailure(ex, 'FUNCTION_INVALID_RESULT', `${fn.name}: ${chosen}`)
    ex.originOverride = chosen
  }
  return undefined
}

/** The viewer-request Lambda@Edge (§8): like runFunction, the edge when it answered or failed. */
async function runLambda(
  ex: Exchange,
  fn: EdgeFunctionBinding,
  deps: Deps,
): Promise<Transition | undefined> {
  const event = edgeEvent({
    ...functionRequestInput(ex),
    eventType: EVENT,
    ...(fn.includeBody ? { body: await exposedBody(ex, LIMITS.viewer.exposedBodyBytes) } : {}),
  })
  const call = await callLambda(ex, deps, fn, event, EVENT, interpretRequestResult)
  if (!call.ok) return call.to
  const result = call.result
  if (result.kind === 'response') {
    ex.resultType = 'LambdaGeneratedResponse'
    ex.response = generatedResponse(result, false)
    return { to: 'deliver' }
  }
  ex.uri = result.uri
  ex.querystring = result.querystring
  ex.headers = withHiddenHeaders(ex.headers, result.headers)
  if (result.body !== undefined && ex.viewer.hasBody) replaceRequestBody(ex, result.body)
  return undefined
}
