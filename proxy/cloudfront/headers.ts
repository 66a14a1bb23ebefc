// Header hygiene between viewer, CloudFront and origin (spec §3.4, §9.1, §9.2): hop-by-hop
// removal, the headers CloudFront drops or replaces on the way to the origin, and the ones
// it adds on the way back (Via, X-Cache, X-Amz-Cf-Pop, X-Amz-Cf-Id).
import type { HeaderRecord } from '../http-types.js'

/** RFC 9110 §7.6.1 hop-by-hop headers, plus the legacy Proxy-Connection. */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * Viewer headers CloudFront never sends to the origin by default (§3.4): hop-by-hop ones,
 * Expect, Proxy-Authenticate/-Authorization, X-Forwarded-Proto, X-Real-IP,
 * X-HTTP-Method-Override, Host and User-Agent (replaced), and any X-Edge-*.
 */
const REMOVED_TO_ORIGIN: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP,
  'expect',
  'proxy-authenticate',
  'proxy-authorization',
  'x-forwarded-proto',
  'x-real-ip',
  'x-http-method-override',
  'host',
  'user-agent',
  'x-amz-cf-id',
])

export type ResultType =
  | 'Hit'
  | 'RefreshHit'
  | 'Miss'
  | 'Error'
  | 'Redirect'
  | 'FunctionGeneratedResponse'
  | 'LambdaGeneratedResponse'

/** `X-Cache` values, built once (§9.1). */
export const X_CACHE: Readonly<Record<ResultType, string>> = {
  Hit: 'Hit from cloudfront',
  RefreshHit: 'RefreshHit from cloudfront',
  Miss: 'Miss from cloudfront',
  Error: 'Error from cloudfront',
  Redirect: 'Redirect from cloudfront',
  FunctionGeneratedResponse: 'FunctionGeneratedResponse from cloudfront',
  LambdaGeneratedResponse: 'LambdaGeneratedResponse from cloudfront',
}

/** Names listed in Connection are hop-by-hop for this message too (RFC 9110 §7.6.1). */
function connectionListed(headers: Readonly<HeaderRecord>): ReadonlySet<string> | undefined {
  const c = headers['connection']
  if (c === undefined) return undefined
  const names = (Array.isArray(c) ? c.join(',') : c).split(',')
  const set = new Set<string>()
  for (const n of names) {
    const t = n.trim().toLowerCase()
    if (t !== '' && t !== 'close' && t !== 'keep-alive') set.add(t)
  }
  return set.size === 0 ? undefined : set
}

/** A copy of `headers` without hop-by-hop headers (for origin responses). */
export function withoutHopByHop(headers: Readonly<HeaderRecord>): HeaderRecord {
  const listed = connectionListed(headers)
  const out: HeaderRecord = {}
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed?.has(name) === true) continue
    out[name] = headers[name]!
  }
  return out
}

export interface OriginHeaderContext {
  /** Value for Host: the origin's DomainName (or the --origin override's host). */
  readonly host: string
  readonly clientIp: string
  /** This hop's Via entry, e.g. `1.1 abc.cloudfront.net (CloudFront)`. */
  readonly via: string
  readonly requestId: string
  readonly customHeaders: readonly { readonly name: string; readonly value: string }[]
}

/**
 * The headers of the origin request (§3.4 default treatment, §9.2 additions). Viewer headers
 * pass except those CloudFront removes; CloudFront's own are set; origin custom headers
 * overwrite same-named viewer headers.
 */
export function originRequestHeaders(
  viewer: Readonly<Record<string, string | string[] | undefined>>,
  ctx: OriginHeaderContext,
): HeaderRecord {
  const listed = connectionListed(viewer as HeaderRecord)
  const out: HeaderRecord = {}
  for (const name in viewer) {
    const value = viewer[name]
    if (value === undefined || REMOVED_TO_ORIGIN.has(name) || listed?.has(name) === true) continue
    if (name.startsWith('x-edge-')) continue
    out[name] = value
  }
  out['host'] = ctx.host
  out['user-agent'] = 'Amazon CloudFront'
  out['via'] = appendList(viewer['via'], ctx.via)
  out['x-forwarded-for'] = appendList(viewer['x-forwarded-for'], ctx.clientIp)
  out['x-amz-cf-id'] = ctx.requestId
  out['connection'] = 'keep-alive'
  for (const h of ctx.customHeaders) out[h.name.toLowerCase()] = h.value
  return out
}

/** `existing, entry` for list-valued headers (Via, X-Forwarded-For). */
export function appendList(existing: string | string[] | undefined, entry: string): string {
  if (existing === undefined || existing === '') return entry
  return `${Array.isArray(existing) ? existing.join(', ') : existing}, ${entry}`
}

/** This hop's Via value for a viewer speaking `httpVersion` (§9.1): `1.1`, `2.0`. */
export function viaEntry(httpVersion: string, edgeHost: string): string {
  const v = httpVersion === '2.0' ? '2.0' : httpVersion === '1.0' ? '1.0' : '1.1'
  return `${v} ${edgeHost} (CloudFront)`
}
