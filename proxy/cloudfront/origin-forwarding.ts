// What the origin receives from the viewer request (spec §3.1–§3.5, §9.2): the union of the
// cache key and the origin request policy (§3.2 resolution table), the §3.4 default table
// for legacy ForwardedValues behaviors, generated CloudFront-* headers and CloudFront's own.
import type { HeaderRecord } from '../http-types.js'
import { normalizeAcceptEncoding, acceptedEncodings } from './accept-encoding.js'
import {
  cookieString,
  listPredicate,
  nameMatcher,
  parseCookies,
  selectQuery,
  type KeyRequest,
  type NamePredicate,
} from './cache-key.js'
import { generatedHeader, isCloudFrontHeader } from './generated-headers.js'
import { appendList } from './headers.js'
import type { BehaviorPolicies, NameList } from './policy-types.js'

export interface ForwardRequest extends KeyRequest {
  readonly scheme: 'http' | 'https'
  readonly clientIp: string
  readonly clientPort: number
  readonly hasBody: boolean
}

export interface ForwardContext {
  /** Host when the viewer's is not forwarded: the origin DomainName (or override host). */
  readonly host: string
  /** This hop's Via entry. */
  readonly via: string
  readonly requestId: string
  readonly customHeaders: readonly { readonly name: string; readonly value: string }[]
  /** undefined when unknown: no CloudFront-Viewer-Country then. */
  readonly viewerCountry: string | undefined
  /** Legacy behaviors only: OPTIONS responses are cached, so OPTIONS drops Authorization. */
  readonly optionsCached?: boolean | undefined
}

export interface Forwarded {
  readonly headers: HeaderRecord
  /** Without `?`; '' when none. */
  readonly querystring: string
}

/** Never sent on, whatever a policy says: hop-by-hop and the headers CloudFront strips (§3.4). */
const NEVER: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding', // framing is per hop: the origin client re-frames the streamed body
  'upgrade',
  'expect',
  'x-real-ip',
  'x-forwarded-proto',
  'x-amz-cf-id',
])

/** Set by CloudFront itself below, never copied from the viewer as-is. */
const OWN: ReadonlySet<string> = new Set([
  'host',
  'user-agent',
  'via',
  'x-forwarded-for',
  'cookie',
  'accept-encoding',
])

/** Whether a viewer header may never reach the origin. */
export function neverForwarded(name: string): boolean {
  return (
    NEVER.has(name) ||
    name.startsWith('proxy-') ||
    name.startsWith('x-edge-') ||
    isCloudFrontHeader(name)
  )
}

/** Sent when the request has a body, even if no policy selects them (§3.4 note). */
const BODY: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'content-encoding',
  'content-md5',
])

/** Viewer conditionals and Range, passed through on CachingDisabled behaviors (§3.4 note). */
const CONDITIONAL: ReadonlySet<string> = new Set([
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'range',
])

/** §3.4 legacy table: removed unless in the legacy headers list (Accept-Encoding: §3.3). */
const LEGACY_REMOVED: ReadonlySet<string> = new Set([
  'accept',
  'accept-charset',
  'accept-language',
  'referer',
  'x-http-method-override',
  'accept-encoding',
  'host',
  'user-agent',
  'authorization',
])

const BODY_METHODS: ReadonlySet<string> = new Set(['DELETE', 'PATCH', 'POST', 'PUT'])

/**
 * §3.2 resolution table for query strings and cookies: the cache policy's selection united
 * with the ORP's, except that two block-lists intersect (everything outside both lists).
 */
export function resolveSelection(
  cache: NameList,
  orp: NameList | undefined,
  wildcards: boolean,
): NamePredicate {
  const inKey = listPredicate(cache, wildcards)
  if (orp === undefined || orp.behavior === 'none') return inKey
  if (orp.behavior === 'all') return () => true
  const listed = nameMatcher(orp.names, wildcards)
  if (orp.behavior === 'whitelist') return (n) => inKey(n) || listed(n)
  if (cache.behavior === 'allExcept') return (n) => inKey(n) && !listed(n)
  return (n) => inKey(n) || !listed(n)
}

const NO_NAMES: ReadonlySet<string> = new Set()

/** Names listed in Connection are hop-by-hop for this message too (RFC 9110 §7.6.1). */
function connectionListed(value: string | string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return NO_NAMES
  const text = typeof value === 'string' ? value : value.join(',')
  return new Set(text.split(',').map((n) => n.trim().toLowerCase()))
}

function str(value: string | string[]): string {
  return typeof value === 'string' ? value : value.join(', ')
}

type AeMode = 'normalize' | 'raw' | 'legacy' | 'none'
type Forwarder = (req: ForwardRequest, ctx: ForwardContext) => Forwarded

/** The origin request builder of one behavior, compiled once. */
export function compileForwarding(policies: BehaviorPolicies): Forwarder {
  const { cache, originRequest: orp, legacy } = policies
  const keyed = new Set(cache.headers.behavior === 'whitelist' ? lower(cache.headers.names) : [])
  let select: NamePredicate
  let generated = [...keyed]
  if (legacy !== undefined) {
    select = legacy.forwardAllHeaders ? () => true : (n) => keyed.has(n) || !LEGACY_REMOVED.has(n)
  } else {
    const oh = orp?.headers ?? { behavior: 'none', names: [] }
    const listed = new Set(lower(oh.names))
    switch (oh.behavior) {
      case 'none':
        select = (n) => keyed.has(n)
        break
      case 'whitelist':
        listed.delete('authorization') // not allowed in an ORP allow-list (§3.2)
        select = (n) => keyed.has(n) || listed.has(n)
        generated.push(...listed)
        break
      case 'allViewerAndWhitelistCloudFront':
        generated.push(...listed)
        select = () => true
        break
      case 'allViewer':
        select = () => true
        break
      case 'allExcept':
        select = (n) => keyed.has(n) || !listed.has(n)
        break
    }
  }
  generated = [...new Set(generated.filter(isCloudFrontHeader))]
  const cookieSel = resolveSelection(cache.cookies, orp?.cookies, true)
  const noCookies =
    cache.cookies.behavior === 'none' && (orp?.cookies.behavior ?? 'none') === 'none'
  const querySel = legacy?.forwardAllQueryStrings
    ? () => true
    : resolveSelection(cache.queryStrings, orp?.queryStrings, false)
  const gzip = cache.enableAcceptEncodingGzip
  const br = cache.enableAcceptEncodingBrotli
  const aeMode: AeMode =
    gzip || br ? 'normalize' : select('accept-encoding') ? 'raw' : legacy ? 'legacy' : 'none'
  const hostForwarded = select('host')
  const uaForwarded = select('user-agent')
  const passConditionals = legacy === undefined && policies.cachingDisabled
  const authByMethod = (method: string, optionsCached: boolean): boolean =>
    BODY_METHODS.has(method) || (legacy !== undefined && method === 'OPTIONS' && !optionsCached)

  return (req, ctx) => {
    const vh = req.headers
    const out: HeaderRecord = {}
    const viewerHost = vh['host']
    out['host'] = hostForwarded && viewerHost !== undefined ? str(viewerHost) : ctx.host
    const hop = connectionListed(vh['connection'])
    for (const name in vh) {
      const value = vh[name]
      if (value === undefined || OWN.has(name) || neverForwarded(name) || hop.has(name)) continue
      const pass =
        select(name) ||
        (req.hasBody && BODY.has(name)) ||
        (passConditionals && CONDITIONAL.has(name)) ||
        (name === 'authorization' && authByMethod(req.method, ctx.optionsCached === true))
      if (pass) out[name] = value
    }
    const ae = vh['accept-encoding']
    if (aeMode === 'normalize') {
      const n = normalizeAcceptEncoding(ae, gzip, br, req.httpVersion)
      if (n !== undefined) out['accept-encoding'] = n
    } else if (ae !== undefined && !hop.has('accept-encoding')) {
      // Legacy without the flags: `gzip` when offered (§3.3 UNCONFIRMED recommendation).
      if (aeMode === 'raw') out['accept-encoding'] = ae
      else if (aeMode === 'legacy' && req.httpVersion !== '1.0' && acceptedEncodings(ae).gzip)
        out['accept-encoding'] = 'gzip'
    }
    if (!noCookies) {
      const cookie = cookieString(parseCookies(vh['cookie']), cookieSel)
      if (cookie !== '') out['cookie'] = cookie
    }
    if (generated.length > 0) {
      const facts = { ...req, viewerCountry: ctx.viewerCountry }
      for (const name of generated) {
        const v = generatedHeader(name, facts)
        if (v !== undefined) out[name] = v
      }
    }
    const ua = vh['user-agent']
    out['user-agent'] = uaForwarded && ua !== undefined ? ua : 'Amazon CloudFront'
    out['via'] = appendList(vh['via'], ctx.via)
    out['x-forwarded-for'] = appendList(vh['x-forwarded-for'], req.clientIp)
    out['x-amz-cf-id'] = ctx.requestId
    out['connection'] = 'keep-alive'
    for (const h of ctx.customHeaders) out[h.name.toLowerCase()] = h.value
    const qs = req.querystring === '' ? '' : selectQuery(req.querystring, querySel)
    return { headers: out, querystring: qs }
  }
}

function lower(names: readonly string[]): string[] {
  return names.map((n) => n.toLowerCase())
}

const compiled = new WeakMap<BehaviorPolicies, Forwarder>()

/** The headers and query string the origin receives for `req` under `policies`. */
export function originForwarding(
  req: ForwardRequest,
  policies: BehaviorPolicies,
  ctx: ForwardContext,
): Forwarded {
  let fn = compiled.get(policies)
  if (fn === undefined) {
    fn = compileForwarding(policies)
    compiled.set(policies, fn)
  }
  return fn(req, ctx)
}
