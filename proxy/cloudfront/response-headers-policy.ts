// Response headers policies (spec §3.8): remove listed headers, then add CORS, security and
// custom headers with their override flags, on every response to a viewer (hits and misses)
// without modifying the cached object. Server-Timing values (§9.1) are built here too; the
// engine decides when to send them.
import type { HeaderRecord } from '../http-types.js'
import { mergeVary } from './compression.js'
import type { ResponseHeadersPolicy } from './policy-types.js'

/** The viewer request facts a policy depends on (only CORS does). */
export interface PolicyRequest {
  readonly method: string
  /** The request's `Origin` header, if any. */
  readonly origin: string | undefined
  /** The request's `Access-Control-Request-Method` header, if any. */
  readonly accessControlRequestMethod: string | undefined
}

/** `ALL` in AccessControlAllowMethods stands for these seven (§3.8, managed CORS policies). */
export const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'

type Cors = NonNullable<ResponseHeadersPolicy['cors']>

/**
 * Does `origin` (`scheme://host[:port]`) match an allowed-origin entry? Entries match exactly
 * (case-insensitive) or with a leftmost-label wildcard, `https://*.example.org` or
 * `*.example.org` (any scheme), where `*` stands for exactly one DNS label.
 */
export function originMatches(entry: string, origin: string): boolean {
  const e = entry.trim().toLowerCase()
  const o = origin.trim().toLowerCase()
  if (e === o) return true
  const schemeEnd = e.indexOf('://')
  const scheme = schemeEnd === -1 ? undefined : e.slice(0, schemeEnd + 3)
  const pattern = scheme === undefined ? e : e.slice(scheme.length)
  if (!pattern.startsWith('*.')) return false
  const oSchemeEnd = o.indexOf('://')
  if (oSchemeEnd === -1) return false
  if (scheme !== undefined && !o.startsWith(scheme)) return false
  const hostPort = o.slice(oSchemeEnd + 3)
  const suffix = pattern.slice(1) // ".example.org[:port]"
  if (!hostPort.endsWith(suffix)) return false
  const label = hostPort.slice(0, hostPort.length - suffix.length)
  return /^[a-z0-9_-]+$/.test(label)
}

/** The Access-Control-Allow-Origin value for this request, or undefined when not allowed. */
function allowOrigin(cors: Cors, origin: string): { value: string; echoed: boolean } | undefined {
  if (cors.allowOrigins.includes('*')) return { value: '*', echoed: false }
  for (const entry of cors.allowOrigins) {
    if (originMatches(entry, origin)) return { value: origin, echoed: true }
  }
  return undefined
}

/** Sets `name` unless the response already has it and the policy does not override. */
function put(out: HeaderRecord, name: string, value: string, override: boolean): boolean {
  if (!override && out[name] !== undefined) return false
  out[name] = value
  return true
}

function applyCors(cors: Cors, request: PolicyRequest, out: HeaderRecord): void {
  const origin = request.origin
  if (origin === undefined) return
  const allowed = allowOrigin(cors, origin)
  if (allowed === undefined) return
  const ov = cors.originOverride
  if (put(out, 'access-control-allow-origin', allowed.value, ov) && allowed.echoed) {
    out['vary'] = mergeVary(out['vary'], 'Origin')
  }
  if (cors.allowCredentials) put(out, 'access-control-allow-credentials', 'true', ov)
  if (cors.exposeHeaders.length > 0) {
    put(out, 'access-control-expose-headers', cors.exposeHeaders.join(', '), ov)
  }
  const preflight =
    request.method.toUpperCase() === 'OPTIONS' && request.accessControlRequestMethod !== undefined
  if (!preflight) return
  if (cors.allowMethods.length > 0) {
    const methods = cors.allowMethods.some((m) => m.toUpperCase() === 'ALL')
      ? ALL_METHODS
      : cors.allowMethods.join(', ')
    put(out, 'access-control-allow-methods', methods, ov)
  }
  if (cors.allowHeaders.length > 0) {
    put(out, 'access-control-allow-headers', cors.allowHeaders.join(', '), ov)
  }
  if (cors.maxAgeSec !== undefined) {
    put(out, 'access-control-max-age', String(cors.maxAgeSec), ov)
  }
}

/**
 * The headers to send to the viewer under `policy` (§3.8), as a NEW record; `headers` (maybe
 * a cached object's) is never modified. Order: removals (removing Server yields
 * `Server: CloudFront`; removing Date leaves it absent for the server to add the current
 * one), then CORS, then security and custom headers, each with its override flag. A header
 * both removed and added ends up with the policy's value. Server-Timing is the engine's.
 */
export function applyResponseHeadersPolicy(
  policy: ResponseHeadersPolicy,
  request: PolicyRequest,
  headers: Readonly<HeaderRecord>,
): HeaderRecord {
  const removed = new Set(policy.remove.map((n) => n.toLowerCase()))
  const out: HeaderRecord = {}
  for (const name in headers) if (!removed.has(name)) out[name] = headers[name]!
  if (policy.cors !== undefined) applyCors(policy.cors, request, out)
  for (const h of policy.headers) put(out, h.name.toLowerCase(), h.value, h.override)
  if (out['server'] === undefined && removed.has('server')) out['server'] = 'CloudFront'
  return out
}

/**
 * True when the policy's output depends only on the response (no CORS block), so the engine
 * may apply it once per cached object instead of on every hit. Server-Timing, which is per
 * request, is added by the engine after this policy either way.
 */
export function policyIsRequestIndependent(policy: ResponseHeadersPolicy): boolean {
  return policy.cors === undefined
}

/** Should this response carry Server-Timing (§9.1)? `random` is in [0, 1). */
export function serverTimingWanted(
  policy: ResponseHeadersPolicy | undefined,
  pragma: string | string[] | undefined,
  random: number,
): boolean {
  const st = policy?.serverTiming
  if (st?.enabled !== true) return false
  const p = Array.isArray(pragma) ? pragma.join(',') : (pragma ?? '')
  if (p.split(',').some((d) => d.trim().toLowerCase() === 'server-timing')) return true
  return random * 100 < st.samplingRate
}

export interface ServerTimingInput {
  readonly cache: 'hit' | 'refresh' | 'miss'
  /** Edge location code, e.g. `IAD89-C1`. */
  readonly pop: string
  /** The X-Amz-Cf-Id of the request. */
  readonly requestId: string
  /** Where a hit was served from (hits only). */
  readonly hitLayer?: 'EDGE' | 'REC' | 'Origin Shield'
  /** Timings of the origin fetch (misses and refreshes), in milliseconds; DNS and connect
   * only where they were measured. */
  readonly upstream?: {
    readonly layer: string
    readonly dnsMs?: number
    readonly connectMs?: number
    readonly fblMs: number
  }
  readonly downstreamFblMs?: number
  /** The origin's own Server-Timing, merged on misses and dropped on hits. */
  readonly originValue?: string
}

/** The Server-Timing header value (§9.1): comma-separated metrics, `;` before params. */
export function serverTimingValue(m: ServerTimingInput): string {
  const parts = [`cdn-cache-${m.cache}`, `cdn-pop;desc="${m.pop}"`, `cdn-rid;desc="${m.requestId}"`]
  if (m.cache === 'hit' && m.hitLayer !== undefined) {
    parts.push(`cdn-hit-layer;desc="${m.hitLayer}"`)
  }
  if (m.upstream !== undefined) {
    const u = m.upstream
    parts.push(`cdn-upstream-layer;desc="${u.layer}"`)
    if (u.dnsMs !== undefined) parts.push(`cdn-upstream-dns;dur=${Math.round(u.dnsMs)}`)
    if (u.connectMs !== undefined) {
      parts.push(`cdn-upstream-connect;dur=${Math.round(u.connectMs)}`)
    }
    parts.push(`cdn-upstream-fbl;dur=${Math.round(u.fblMs)}`)
  }
  if (m.downstreamFblMs !== undefined) {
    parts.push(`cdn-downstream-fbl;dur=${Math.round(m.downstreamFblMs)}`)
  }
  if (m.cache !== 'hit' && m.originValue !== undefined && m.originValue.trim() !== '') {
    parts.push(m.originValue.trim())
  }
  return parts.join(',')
}
