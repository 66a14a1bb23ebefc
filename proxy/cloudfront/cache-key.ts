// The cache key (spec §3.1, §3.3, §6.2): method class, normalized Accept-Encoding, the
// policy's query strings, headers and cookies, then the URI — as one compact string. Two
// requests share an entry iff every component is byte-identical. Compiled once per behavior.
import { normalizeAcceptEncoding, type NormalizedAcceptEncoding } from './accept-encoding.js'
import { generatedHeader, isCloudFrontHeader } from './generated-headers.js'
import type { BehaviorPolicies, NameList } from './policy-types.js'
import { SIGNING_COOKIES } from './signed-request.js'
import { SWITCHES } from './switches.js'

export type ViewerHeaders = Readonly<Record<string, string | string[] | undefined>>

export interface KeyRequest {
  readonly method: string
  readonly uri: string
  /** Without `?`; '' when none. */
  readonly querystring: string
  readonly headers: ViewerHeaders
  readonly httpVersion: string
  /** Needed only when the cache policy keys on CloudFront-Forwarded-Proto (§3.5). */
  readonly scheme?: 'http' | 'https' | undefined
  /** Needed only when the cache policy keys on CloudFront-Viewer-Country (§3.5). */
  readonly viewerCountry?: string | undefined
  /** node's raw header list, for CloudFront-Viewer-Header-Order with original case. */
  readonly rawHeaders?: readonly string[] | undefined
}

export interface CacheKeyParts {
  readonly key: string
  /** The normalized Accept-Encoding (also what the origin gets), undefined if none. */
  readonly acceptEncoding: NormalizedAcceptEncoding | undefined
  /** The query string part of the key, pairs as received, joined by `&`. */
  readonly keyQuery: string
}

export type NamePredicate = (name: string) => boolean

const ALL: NamePredicate = () => true
const NONE: NamePredicate = () => false

/** Exact names, plus `*` / `?` wildcards when `wildcards` (cookie names, §3.1). */
export function nameMatcher(names: readonly string[], wildcards: boolean): NamePredicate {
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  for (const n of names) {
    if (wildcards && /[*?]/.test(n)) {
      const body = n
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')
      patterns.push(new RegExp(`^${body}$`, 's'))
    } else exact.add(n)
  }
  if (patterns.length === 0) return (name) => exact.has(name)
  return (name) => exact.has(name) || patterns.some((p) => p.test(name))
}

/** The names a list selects: none, only listed, all but listed, all. */
export function listPredicate(list: NameList, wildcards: boolean): NamePredicate {
  switch (list.behavior) {
    case 'none':
      return NONE
    case 'all':
      return ALL
    case 'whitelist':
      return nameMatcher(list.names, wildcards)
    case 'allExcept': {
      const listed = nameMatcher(list.names, wildcards)
      return (name) => !listed(name)
    }
  }
}

/**
 * The query string pairs whose name (the text before the first `=`) `keep` accepts, in the
 * original order and exactly as received, joined by `&`; empty segments are dropped. Signed
 * URL parameters (§6.2) never get here on behaviors that require signatures: the authorize
 * stage removes them from the request once verified; elsewhere they are ordinary parameters.
 */
export function selectQuery(query: string, keep: NamePredicate): string {
  let out = ''
  let start = 0
  while (start < query.length) {
    let end = query.indexOf('&', start)
    if (end === -1) end = query.length
    if (end > start) {
      const pair = query.slice(start, end)
      const eq = pair.indexOf('=')
      const name = eq === -1 ? pair : pair.slice(0, eq)
      if (keep(name)) out = out === '' ? pair : `${out}&${pair}`
    }
    start = end + 1
  }
  return out
}

export interface Cookie {
  readonly name: string
  readonly value: string
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** `name=value` pairs of the Cookie header(s); malformed pairs are dropped (§3.1). */
export function parseCookies(header: string | string[] | undefined): Cookie[] {
  if (header === undefined) return []
  const text = typeof header === 'string' ? header : header.join('; ')
  const out: Cookie[] = []
  for (const part of text.split(';')) {
    const pair = part.trim()
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    const name = pair.slice(0, eq)
    if (COOKIE_NAME.test(name)) out.push({ name, value: pair.slice(eq + 1) })
  }
  return out
}

/** The cookies `keep` accepts, stably sorted by name (code units), as a Cookie header value. */
export function cookieString(cookies: readonly Cookie[], keep: NamePredicate): string {
  const kept = cookies.filter((c) => keep(c.name))
  kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return kept.map((c) => `${c.name}=${c.value}`).join('; ')
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return value === undefined || typeof value === 'string' ? value : value.join(', ')
}

/** `len:value` — self-delimiting, so a fixed sequence of them is an injective encoding. */
function framed(value: string): string {
  return `${value.length}:${value}`
}

/**
 * The key function of one behavior. Layout (fixed per policy, URI last so it needs no
 * framing): `method|ae|[query|][headers|][cookies|]uri` where method is '' for GET/HEAD
 * (they share entries) and the method otherwise (OPTIONS), ae is '' when not keyed, and each
 * keyed header is `!` when absent or `len:value` when present (absent ≠ empty).
 */
export function compileKeyFunction(policies: BehaviorPolicies): (req: KeyRequest) => CacheKeyParts {
  const c = policies.cache
  const gzip = c.enableAcceptEncodingGzip
  const br = c.enableAcceptEncodingBrotli
  const normalizes = gzip || br
  const query =
    c.queryStrings.behavior === 'none' ? undefined : listPredicate(c.queryStrings, false)
  const selected = c.cookies.behavior === 'none' ? undefined : listPredicate(c.cookies, true)
  const cookies =
    selected !== undefined && SWITCHES.signingCookiesOutOfCacheKey
      ? (name: string) => !SIGNING_COOKIES.has(name) && selected(name)
      : selected
  // Cookie is keyed only via cookie settings; a normalized Accept-Encoding replaces a listed one.
  const headers =
    c.headers.behavior === 'whitelist'
      ? [...new Set(c.headers.names.map((n) => n.toLowerCase()))]
          .filter((n) => n !== 'cookie' && !(normalizes && n === 'accept-encoding'))
          .sort()
      : []
  const ae = (req: KeyRequest): NormalizedAcceptEncoding | undefined =>
    normalizes
      ? normalizeAcceptEncoding(req.headers['accept-encoding'], gzip, br, req.httpVersion)
      : undefined
  const head = (req: KeyRequest, e: NormalizedAcceptEncoding | undefined): string =>
    `${req.method === 'GET' || req.method === 'HEAD' ? '' : req.method}|${e === undefined || e === 'identity' ? '' : e}|`

  if (query === undefined && cookies === undefined && headers.length === 0) {
    return (req) => {
      const e = ae(req)
      return { key: head(req, e) + req.uri, acceptEncoding: e, keyQuery: '' }
    }
  }
  return (req) => {
    const e = ae(req)
    let key = head(req, e)
    let keyQuery = ''
    if (query !== undefined) {
      keyQuery = req.querystring === '' ? '' : selectQuery(req.querystring, query)
      key += `${framed(keyQuery)}|`
    }
    if (headers.length > 0) {
      for (const name of headers) {
        const v = isCloudFrontHeader(name)
          ? generatedHeader(name, req)
          : headerValue(req.headers[name])
        key += v === undefined ? '!' : framed(v)
      }
      key += '|'
    }
    if (cookies !== undefined) {
      key += `${framed(cookieString(parseCookies(req.headers['cookie']), cookies))}|`
    }
    return { key: key + req.uri, acceptEncoding: e, keyQuery }
  }
}

const compiled = new WeakMap<BehaviorPolicies, (req: KeyRequest) => CacheKeyParts>()

/** The cache key of `req` under `policies` (compiled on first use, then reused). */
export function cacheKey(req: KeyRequest, policies: BehaviorPolicies): CacheKeyParts {
  let fn = compiled.get(policies)
  if (fn === undefined) {
    fn = compileKeyFunction(policies)
    compiled.set(policies, fn)
  }
  return fn(req)
}
