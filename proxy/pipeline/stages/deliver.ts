// deliver — write the response to the viewer (spec §0 steps 19 and 21, §3.8, §9.1): the
// behavior's response headers policy (with Server-Timing when it is enabled and sampled),
// then CloudFront's response headers (Via, X-Cache, X-Amz-Cf-Pop, X-Amz-Cf-Id) on top, the
// body streamed as it arrives.
// If the origin body fails midway the viewer connection is cut, so a truncated body can never
// pass for a complete one. Resolves when the response has been written. Exits: done.
import { pipeline } from 'node:stream'
import { appendList, X_CACHE } from '../../cloudfront/headers.js'
import type { ResponseHeadersPolicy } from '../../cloudfront/policy-types.js'
import {
  applyResponseHeadersPolicy,
  serverTimingValue,
  serverTimingWanted,
} from '../../cloudfront/response-headers-policy.js'
import type { HeaderRecord } from '../../http-types.js'
import type { Exchange, PendingResponse } from '../exchange.js'
import type { Transition } from '../states.js'
import { viewerVia } from './via.js'
import { discardBody } from '../../origin/discard.js'
import { writePrebuiltHead } from '../../prebuilt-head.js'

const DONE: Transition = { to: 'done' }

export function deliver(
  ex: Exchange,
  closing: boolean,
  nowMs: number,
): Transition | Promise<Transition> {
  const r = ex.response
  if (r === undefined) throw new Error('deliver without a response')
  const res = ex.res
  const policy = ex.behavior.policies.responseHeaders
  const hit = r.hit
  ex.headersAtMs = nowMs
  if (hit !== undefined && policy === undefined && !closing && ex.viewer.httpVersion === '1.1') {
    // The hit path: the head was built when the object was stored.
    const xCache = X_CACHE[ex.resultType]
    const text = hit.text
    if (text === undefined || !writePrebuiltHead(res, r.status, text, hit.age, xCache, ex.id)) {
      const head = hit.head.slice()
      head.push('age', String(hit.age), 'x-cache', xCache, 'x-amz-cf-id', ex.id)
      res.writeHead(r.status, head)
    }
  } else {
    writeHead(ex, r, policy, closing)
  }
  return writeBody(ex, r)
}

function writeHead(
  ex: Exchange,
  r: PendingResponse,
  policy: ResponseHeadersPolicy | undefined,
  closing: boolean,
): void {
  // §0 step 19: the response headers policy applies to every response, cached or not, on a
  // copy (a cached object's headers are never changed).
  const own = r.hit === undefined ? r.headers : { ...r.headers, age: String(r.hit.age) }
  const h = policy === undefined ? own : withPolicy(ex, policy, own)
  if (serverTimingWanted(policy, ex.headers['pragma'], Math.random())) {
    h['server-timing'] = serverTiming(ex, h['server-timing'])
  }
  h['via'] = appendList(h['via'], viewerVia(ex))
  h['x-cache'] = X_CACHE[ex.resultType]
  h['x-amz-cf-pop'] = ex.dist.pop
  h['x-amz-cf-id'] = ex.id
  if (closing) h['connection'] = 'close'
  ex.res.writeHead(r.status, h)
}

function writeBody(ex: Exchange, r: PendingResponse): Transition | Promise<Transition> {
  const res = ex.res
  const body = r.body
  const noBody = ex.viewer.method === 'HEAD' || r.status === 204 || r.status === 304
  if (body === null || noBody) {
    discardBody(body)
    res.end()
    return DONE
  }
  if (Buffer.isBuffer(body)) {
    ex.bytesSent = body.length
    res.end(body)
    return DONE
  }
  return new Promise((resolve) => {
    body.on('data', (chunk: Buffer) => (ex.bytesSent += chunk.length))
    pipeline(body, res, (err) => {
      if (err) {
        ex.detailedResult = body.errored !== null ? 'OriginReadError' : 'ClientHungUpRequest'
        res.destroy()
      }
      resolve(DONE)
    })
  })
}

/** §9.1: the edge's metrics; the origin's own Server-Timing follows on a miss, not on a hit. */
function serverTiming(ex: Exchange, origin: string | string[] | undefined): string {
  const t = ex.resultType
  const cache = t === 'Hit' ? 'hit' : t === 'RefreshHit' ? 'refresh' : 'miss'
  const fromOrigin = ex.originMs !== undefined && cache !== 'hit'
  return serverTimingValue({
    cache,
    pop: ex.dist.pop,
    requestId: ex.id,
    ...(cache === 'hit' ? { hitLayer: 'EDGE' as const } : {}),
    ...(fromOrigin ? { upstream: { layer: 'Origin', fblMs: ex.originMs ?? 0 } } : {}),
    downstreamFblMs: ex.headersAtMs - ex.startedAtMs,
    ...(origin === undefined
      ? {}
      : { originValue: Array.isArray(origin) ? origin.join(', ') : origin }),
  })
}

function withPolicy(
  ex: Exchange,
  policy: ResponseHeadersPolicy,
  headers: HeaderRecord,
): HeaderRecord {
  const h = ex.headers
  return applyResponseHeadersPolicy(
    policy,
    {
      method: ex.viewer.method,
      origin: single(h['origin']),
      accessControlRequestMethod: single(h['access-control-request-method']),
    },
    headers,
  )
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
