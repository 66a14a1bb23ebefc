// Header hygiene between origin, CloudFront and viewer (spec §9.1): hop-by-hop removal from
// origin responses and the headers CloudFront adds on the way back (Via, X-Cache). The origin
// request's headers are built by origin-forwarding.ts (§3.2–§3.5, §9.2).
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
