// What the two function stages share (spec §7): the request as a function's event describes
// it, and the refusal a failed function turns into (503 execution error, 502 invalid result).
import type { ViewerRequestInput } from '../../functions/viewer/event.js'
import type { Exchange } from './exchange.js'
import type { Transition } from './states.js'

export function functionRequestInput(ex: Exchange): ViewerRequestInput {
  const v = ex.viewer
  return {
    method: v.method,
    uri: ex.uri,
    querystring: ex.querystring,
    headers: ex.headers,
    rawHeaders: v.rawHeaders,
    clientIp: v.clientIp,
    requestId: ex.id,
    distributionDomainName: ex.dist.distributionDomain,
    distributionId: ex.dist.distributionId,
  }
}

export function functionFailure(
  ex: Exchange,
  code: 'FUNCTION_EXECUTION_ERROR' | 'FUNCTION_INVALID_RESULT',
  detail: string,
): Transition {
  ex.detailedResult = detail
  return { to: 'synth', synth: { kind: 'error', code } }
}
