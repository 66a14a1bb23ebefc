// Legacy cache settings (spec §3.9) as compiled policies: a behavior without a cache policy keys
// on and forwards its ForwardedValues with the behavior's MinTTL/DefaultTTL/MaxTTL; with neither,
// CloudFront's defaults (nothing forwarded, TTL 0/86,400/31,536,000). Accept-Encoding: gzip only
// (§3.3 recommendation). Also the legacy quotas (10 names per list, cookie-name bytes).
import type {
  BehaviorPolicies,
  CachePolicy,
  NameList,
  ResponseHeadersPolicy,
} from '../cloudfront/policy-types.js'
import { NAME_QUOTA } from './compile-policy-fields.js'
import type { BehaviorSource } from './policy-sources.js'
import type { BehaviorConfig, ConfigProblem, ForwardedValuesConfig } from './types.js'
import { DEFAULT_FORWARDED_VALUES, DEFAULT_TTLS } from './validate-legacy.js'

/** A behavior without a cache policy uses legacy settings (its own or the defaults). */
export function isLegacy(b: BehaviorConfig): boolean {
  return b.cachePolicyId === undefined
}

export function legacyPolicies(
  b: BehaviorConfig,
  responseHeaders: ResponseHeadersPolicy | undefined,
): BehaviorPolicies {
  const fv = b.forwardedValues ?? DEFAULT_FORWARDED_VALUES
  const ttls = b.forwardedValues === undefined ? DEFAULT_TTLS : b
  const forwardAllHeaders = fv.headers.includes('*')
  const headerNames = [...new Set(fv.headers.map((h) => h.toLowerCase()))]
  const cache: CachePolicy = {
    id: `legacy:${b.pathPattern}`,
    name: `ForwardedValues of ${b.pathPattern}`,
    minTtl: ttls.minTtl,
    defaultTtl: ttls.defaultTtl,
    maxTtl: ttls.maxTtl,
    headers:
      forwardAllHeaders || headerNames.length === 0
        ? { behavior: 'none', names: [] }
        : { behavior: 'whitelist', names: headerNames },
    cookies: legacyCookies(fv),
    queryStrings: legacyQueryStrings(fv),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: false,
  }
  const allZero = cache.minTtl === 0 && cache.defaultTtl === 0 && cache.maxTtl === 0
  return {
    cache,
    originRequest: undefined,
    responseHeaders,
    legacy: {
      forwardAllQueryStrings: fv.queryString,
      forwardAllHeaders,
      stripSetCookie: fv.cookies.forward === 'none',
    },
    cachingDisabled: allZero || forwardAllHeaders,
  }
}

function legacyCookies(fv: ForwardedValuesConfig): NameList {
  const { forward, names } = fv.cookies
  if (forward === 'whitelist') return { behavior: 'whitelist', names: [...new Set(names)] }
  return { behavior: forward, names: [] }
}

/** QueryString false: none; true: all, or only QueryStringCacheKeys in the key. */
function legacyQueryStrings(fv: ForwardedValuesConfig): NameList {
  if (!fv.queryString) return { behavior: 'none', names: [] }
  const keys = [...new Set(fv.queryStringCacheKeys)]
  return keys.length === 0 ? { behavior: 'all', names: [] } : { behavior: 'whitelist', names: keys }
}

const COOKIE_BYTES = 512

/** The legacy quotas of §3.9 and the `*` header rule; paths from the behavior's source. */
export function legacyProblems(b: BehaviorConfig, source: BehaviorSource): ConfigProblem[] {
  const fv = b.forwardedValues
  if (fv === undefined) return []
  const out: ConfigProblem[] = []
  const error = (field: string, message: string, value: unknown): void => {
    out.push({ path: source.at(`ForwardedValues.${field}`), message, value, severity: 'error' })
  }
  const lists: [string, readonly string[], string][] = [
    ['Headers', fv.headers, 'headers'],
    [
      'Cookies.WhitelistedNames',
      fv.cookies.forward === 'whitelist' ? fv.cookies.names : [],
      'cookies',
    ],
    ['QueryStringCacheKeys', fv.queryString ? fv.queryStringCacheKeys : [], 'query strings'],
  ]
  for (const [field, list, noun] of lists) {
    if (list.length > NAME_QUOTA) {
      error(field, `may list at most ${NAME_QUOTA} ${noun} (quota)`, list.length)
    }
  }
  if (fv.headers.includes('*') && fv.headers.length > 1) {
    error('Headers', '* (forward all headers) must be the only item', fv.headers)
  }
  if (fv.cookies.forward === 'whitelist') {
    const names = fv.cookies.names
    const bytes = names.reduce((n, s) => n + Buffer.byteLength(s), 0)
    if (bytes > COOKIE_BYTES - names.length) {
      error(
        'Cookies.WhitelistedNames',
        `cookie names may total at most ${COOKIE_BYTES} bytes minus the number of cookies (quota)`,
        bytes,
      )
    }
  }
  return out
}
