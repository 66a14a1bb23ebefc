// What the function stages share (spec §7, §8): the request as a function's event describes
// it, the refusal a failed CloudFront Function turns into (503 execution error, 502 invalid
// result), and the response a response function returns (§7.3, §8.3).
import { Readable } from 'node:stream'
import type { ViewerRequestInput } from '../../functions/viewer/event.js'
import type { HeaderRecord } from '../http-types.js'
import { discardBody } from '../origin/discard.js'
import type { Exchange, PendingResponse } from './exchange.js'
import type { Transition } from './states.js'

const FRAMING = ['content-length', 'content-encoding', 'transfer-encoding'] as const

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

/**
 * The response a viewer- or origin-response function returned: its status and headers, with
 * the body it set (Content-Length to match, no Content-Encoding; as a stream for `store` when
 * `stream`), or else the original body, whose framing headers stay as they were — a function
 * never sees the body.
 */
export function responseFromFunction(
  original: PendingResponse,
  status: number,
  headers: Readonly<HeaderRecord>,
  body: Buffer | undefined,
  stream = false,
): PendingResponse {
  const out: HeaderRecord = { ...headers }
  if (body !== undefined) {
    discardBody(original.body)
    out['content-length'] = String(body.length)
    delete out['content-encoding']
    return { status, headers: out, body: stream ? Readable.from([body]) : body }
  }
  for (const name of FRAMING) {
    const value = original.headers[name]
    if (value !== undefined) out[name] = value
    else Reflect.deleteProperty(out, name)
  }
  return { status, headers: out, body: original.body }
}
