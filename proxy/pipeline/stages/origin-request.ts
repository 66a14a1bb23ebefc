// originRequest — build the request the origin receives (spec §0 step 13, §3.1–§3.5, §9.2):
// the origin (or an origin group's primary; its secondary once fetch failed over, §1.4),
// OriginPath + URI + the forwarded query, headers per the behavior's policies with
// CloudFront's own and origin custom headers on top, the viewer's body streamed through; an
// expired object's validators when revalidating. Then the origin-request Lambda@Edge (§0 step
// 12, §8): it sees that request and its origin, and may change the URI, query, headers, body
// (IncludeBody) or the origin itself, or generate a response, which is cached. This stage runs
// once per origin attempt, so the function runs for each attempt as §1.4 says. Before the
// function, the origin's host name is resolved (§8.1): one that does not resolve skips the
// function and goes to fetch as that attempt's connection failure (502, failover, stale-if-error
// as for any unreachable origin).
// Exits: fetch; store for a generated response; synth when the function fails.
import { edgeEvent } from '../../../functions/edge/event.js'
import { interpretRequestResult, LIMITS } from '../../../functions/edge/result.js'
import type { CachedObject } from '../../cache/store.js'
import { originForwarding } from '../../cloudfront/origin-forwarding.js'
import type { EdgeFunctionBinding } from '../../config/compile-lambda.js'
import type { OriginConfig } from '../../config/types.js'
import type { Deps } from '../../deps.js'
import type { HeaderRecord } from '../../http-types.js'
import { originHostHeader } from '../../origin/client.js'
import type { Exchange } from '../exchange.js'
import { targetOrigin } from '../function-origin.js'
import { viewerCountryOf } from '../geo.js'
import { callLambda, generatedResponse, withHiddenHeaders } from '../lambda-call.js'
import { originEventBase, returnedOriginConfig } from '../lambda-origin.js'
import { exposedBody, originRequestBody, replaceRequestBody } from '../request-body.js'
import type { Transition } from '../states.js'
import { viewerVia } from './via.js'

const EVENT = 'origin-request'
const TO_FETCH: Transition = { to: 'fetch' }

export function originRequest(ex: Exchange, deps: Deps): Transition | Promise<Transition> {
  const chosen = ex.originOverride ?? targetOrigin(ex.behavior.target)
  const secondary = ex.failedOver === undefined ? undefined : chosen.group?.secondary
  const origin = secondary ?? chosen.origin
  ex.origin = origin
  // The secondary's answer is final (§1.4): no group once it is the one asked.
  ex.failoverGroup = secondary === undefined ? chosen.group : undefined
  const v = ex.viewer
  const fwd = originForwarding(
    {
      method: v.method,
      uri: ex.uri,
      querystring: ex.querystring,
      headers: ex.headers,
      rawHeaders: v.rawHeaders,
      httpVersion: v.httpVersion,
      scheme: v.scheme,
      clientIp: v.clientIp,
      clientPort: v.clientPort,
      hasBody: v.hasBody,
    },
    ex.behavior.policies,
    {
      host: (secondary === undefined ? chosen.hostHeader : undefined) ?? originHostHeader(origin),
      via: viewerVia(ex),
      requestId: ex.id,
      customHeaders: origin.customHeaders,
      // Sent only where a policy forwards CloudFront-Viewer-Country (§3.5).
      viewerCountry: viewerCountryOf(ex),
      optionsCached: ex.behavior.cachedMethods.has('OPTIONS'),
    },
  )
  const query = fwd.querystring === '' ? '' : `?${fwd.querystring}`
  ex.originRequest = {
    method: v.method,
    path: `${origin.originPath}${ex.uri}${query}`,
    headers: fwd.headers,
    body: originRequestBody(ex, fwd.headers),
  }
  if (ex.stale !== undefined) addValidators(ex.originRequest.headers, ex.stale)
  const fn = ex.behavior.edgeFunctions.originRequest
  return fn === undefined ? TO_FETCH : runLambda(ex, fn, deps, origin, fwd.querystring)
}

/** The origin-request Lambda@Edge over the request just built (§8.2 origin events). */
async function runLambda(
  ex: Exchange,
  fn: EdgeFunctionBinding,
  deps: Deps,
  origin: OriginConfig,
  querystring: string,
): Promise<Transition> {
  const req = ex.originRequest
  if (req === undefined) throw new Error('origin-request function without a request')
  // §8.1: DNS is resolved before the function; on failure the function does not run.
  const lookup = deps.origins.resolve(origin)
  const dnsError = lookup === undefined ? undefined : await lookup
  if (dnsError !== undefined) {
    deps.log.debug(
      { reqId: ex.id, origin: origin.id, function: fn.name, err: dnsError.cause },
      'origin host name lookup failed: origin-request function skipped',
    )
    ex.originDnsError = dnsError
    return TO_FETCH
  }
  const body = fn.includeBody ? await exposedBody(ex, LIMITS.origin.exposedBodyBytes) : undefined
  const event = edgeEvent({
    ...originEventBase(ex, origin, req.headers),
    eventType: EVENT,
    method: ex.viewer.method,
    uri: ex.uri,
    querystring,
    ...(body === undefined ? {} : { body }),
  })
  const call = await callLambda(ex, deps, fn, event, EVENT, interpretRequestResult)
  if (!call.ok) return call.to
  const result = call.result
  if (result.kind === 'response') {
    // §8.3: an origin-request response is cached like an origin's (store decides).
    ex.resultType = 'LambdaGeneratedResponse'
    ex.response = generatedResponse(result, true)
    return { to: 'store' }
  }
  let target = origin
  if (result.origin !== undefined) {
    target = returnedOriginConfig(result.origin, origin)
    ex.origin = target
    // A handler's own origin is asked alone: no failover to the group's secondary (UNCONFIRMED).
    ex.failoverGroup = undefined
  }
  const out = withHiddenHeaders(req.headers, result.headers)
  for (const h of target.customHeaders) out[h.name.toLowerCase()] = h.value
  if (result.body !== undefined && ex.viewer.hasBody) replaceRequestBody(ex, result.body)
  const query = result.querystring === '' ? '' : `?${result.querystring}`
  ex.originRequest = {
    method: req.method,
    path: `${target.originPath}${result.uri}${query}`,
    headers: out,
    // A body read for IncludeBody (or replaced) goes on from what was read.
    body:
      ex.requestBody !== undefined || ex.partialBody !== undefined
        ? originRequestBody(ex, out)
        : req.body,
  }
  return TO_FETCH
}

/** §4.4: an expired object is revalidated with its own validators, not the viewer's. */
function addValidators(headers: HeaderRecord, stale: CachedObject): void {
  delete headers['if-match']
  delete headers['if-unmodified-since']
  delete headers['if-range']
  delete headers['range']
  if (stale.etag !== undefined) headers['if-none-match'] = stale.etag
  else delete headers['if-none-match']
  if (stale.lastModified !== undefined) headers['if-modified-since'] = stale.lastModified
  else delete headers['if-modified-since']
}
