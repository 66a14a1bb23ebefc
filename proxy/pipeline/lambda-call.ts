// What the four Lambda@Edge stages share (spec §8): calling a function with its deadline,
// turning a failed call into CloudFront's answer (503 execution error or limit exceeded, 502
// invalid result; §8.6) and a generated response as the pipeline carries it. The request body
// IncludeBody exposes (§8.4) is request-body.ts.
import { Readable } from 'node:stream'
import { exposedHeader, type CfEvent } from '../../functions/edge/event.js'
import type { GeneratedResponse } from '../../functions/edge/result.js'
import type { EdgeEventType } from '../../functions/edge/types.js'
import type { EdgeFunctionBinding } from '../config/compile-lambda.js'
import type { Deps } from '../deps.js'
import type { HeaderRecord } from '../http-types.js'
import type { Exchange, PendingResponse } from './exchange.js'
import type { Transition } from './states.js'

export type LambdaCall<T> =
  { readonly ok: true; readonly result: T } | { readonly ok: false; readonly to: Transition }

/** The validated result, or the reason it is not one (§8.6). */
type Interpret<T> = (result: unknown, event: CfEvent) => T | { kind: 'invalid'; reason: string }

/**
 * Calls a function with its deadline and validates what it returned with `interpret`; a
 * failed call is CloudFront's 503 (execution error, or limit exceeded on a timeout), an
 * invalid result its 502 naming what was wrong.
 */
export async function callLambda<T>(
  ex: Exchange,
  deps: Deps,
  fn: EdgeFunctionBinding,
  event: CfEvent,
  eventType: EdgeEventType,
  interpret: Interpret<T>,
): Promise<LambdaCall<Exclude<T, { kind: 'invalid' }>>> {
  const out = await fn.runner.invoke(event, { requestId: ex.id, timeoutMs: fn.timeoutMs })
  if (!out.ok) {
    deps.metrics.lambdaRun(fn.name, eventType, out.durationMs, out.kind)
    deps.log.warn(
      { reqId: ex.id, function: fn.name, event: eventType, kind: out.kind, err: out.message },
      'Lambda@Edge function failed',
    )
    const code = out.kind === 'timeout' ? 'LAMBDA_LIMIT_EXCEEDED' : 'LAMBDA_EXECUTION_ERROR'
    return { ok: false, to: { to: 'synth', synth: { kind: 'error', code } } }
  }
  deps.metrics.lambdaRun(fn.name, eventType, out.durationMs, undefined)
  const result = interpret(out.result, event)
  if (isInvalid(result)) return { ok: false, to: invalid(ex, deps, fn, eventType, result.reason) }
  return { ok: true, result: result as Exclude<T, { kind: 'invalid' }> }
}

function isInvalid(r: unknown): r is { kind: 'invalid'; reason: string } {
  return (r as { kind?: unknown }).kind === 'invalid'
}

/** A result that failed validation (§8.6): 502, the page naming what was wrong. */
function invalid(
  ex: Exchange,
  deps: Deps,
  fn: EdgeFunctionBinding,
  eventType: EdgeEventType,
  reason: string,
): Transition {
  deps.metrics.lambdaRun(fn.name, eventType, 0, 'invalid')
  deps.log.warn(
    { reqId: ex.id, function: fn.name, event: eventType, reason },
    'Lambda@Edge result invalid',
  )
  const detail = `The Lambda function result failed validation: ${reason}.`
  return { to: 'synth', synth: { kind: 'error', code: 'LAMBDA_VALIDATION_ERROR', detail } }
}

/** A response a function generated, framed for the pipeline; `stream` for one to be stored. */
export function generatedResponse(r: GeneratedResponse, stream: boolean): PendingResponse {
  const headers: HeaderRecord = { ...r.headers, server: 'CloudFront' }
  delete headers['transfer-encoding']
  headers['content-length'] = String(r.body.length)
  return { status: r.status, headers, body: stream ? Readable.from([r.body]) : r.body }
}

/**
 * A request's headers after a handler: its result, plus the headers it was never shown
 * (§8.5 disallowed, e.g. X-Amz-Cf-Id to the origin), which it cannot have changed.
 */
export function withHiddenHeaders(
  original: Readonly<Record<string, string | readonly string[] | undefined>>,
  result: HeaderRecord,
): HeaderRecord {
  const out: HeaderRecord = {}
  for (const [name, value] of Object.entries(original)) {
    if (value !== undefined && !exposedHeader(name))
      out[name] = typeof value === 'string' ? value : [...value]
  }
  return Object.assign(out, result)
}
