// Compiles custom cache policies and origin request policies (spec §1.7, §3.1, §3.2) into the
// policy-types.ts shapes: behavior enums, TTL defaults and ordering (DefaultTTL 86,400 or MinTTL;
// MaxTTL 31,536,000 or the larger of the two), list quotas, and the headers each kind may list.
import type {
  CachePolicy,
  ListBehavior,
  OriginHeaderBehavior,
  OriginRequestPolicy,
} from '../cloudfront/policy-types.js'
import {
  checkNameChars,
  readNameList,
  type ListSpec,
  type PolicySource,
} from './compile-policy-fields.js'
import type { Reader } from './fields.js'

export const CACHE_POLICY_FIELDS: ReadonlySet<string> = new Set([
  'Name',
  'Comment',
  'MinTTL',
  'DefaultTTL',
  'MaxTTL',
  'ParametersInCacheKeyAndForwardedToOrigin',
])
export const ORIGIN_REQUEST_POLICY_FIELDS: ReadonlySet<string> = new Set([
  'Name',
  'Comment',
  'HeadersConfig',
  'CookiesConfig',
  'QueryStringsConfig',
])
const PARAMETER_FIELDS = new Set([
  'EnableAcceptEncodingGzip',
  'EnableAcceptEncodingBrotli',
  'HeadersConfig',
  'CookiesConfig',
  'QueryStringsConfig',
])

const LIST_BEHAVIORS: readonly ListBehavior[] = ['none', 'whitelist', 'allExcept', 'all']
const SELECTING: readonly ListBehavior[] = ['whitelist', 'allExcept']
const cookies: ListSpec<ListBehavior> = {
  configKey: 'CookiesConfig',
  behaviorKey: 'CookieBehavior',
  listKey: 'Cookies',
  behaviors: LIST_BEHAVIORS,
  needsList: SELECTING,
  noun: 'cookie',
}
const queryStrings: ListSpec<ListBehavior> = {
  configKey: 'QueryStringsConfig',
  behaviorKey: 'QueryStringBehavior',
  listKey: 'QueryStrings',
  behaviors: LIST_BEHAVIORS,
  needsList: SELECTING,
  noun: 'query string',
}
const HEADER_LIST = {
  configKey: 'HeadersConfig',
  behaviorKey: 'HeaderBehavior',
  listKey: 'Headers',
}
const cacheHeaders: ListSpec<'none' | 'whitelist'> = {
  ...HEADER_LIST,
  behaviors: ['none', 'whitelist'],
  needsList: ['whitelist'],
  noun: 'header',
}
const originHeaders: ListSpec<OriginHeaderBehavior> = {
  ...HEADER_LIST,
  behaviors: ['none', 'whitelist', 'allViewer', 'allViewerAndWhitelistCloudFront', 'allExcept'],
  needsList: ['whitelist', 'allExcept'],
  mayList: ['allViewerAndWhitelistCloudFront'],
  noun: 'header',
}

/** CloudFront-generated headers that only an origin request policy may list (§3.1). */
const ORIGIN_ONLY_HEADERS = new Set([
  'cloudfront-viewer-address',
  'cloudfront-viewer-asn',
  'cloudfront-viewer-tls',
  'cloudfront-viewer-ja3-fingerprint',
  'cloudfront-viewer-ja4-fingerprint',
])

const TTL = { min: 0, max: Infinity, fallback: 0 }
export const DEFAULT_TTL = 86400
export const DEFAULT_MAX_TTL = 31536000

export function compileCachePolicy(r: Reader, src: PolicySource): CachePolicy {
  const c = src.config
  if (!r.has(c, 'MinTTL')) r.error(r.at(c, 'MinTTL'), 'is required')
  const minTtl = r.int(c, 'MinTTL', TTL)
  const defaultTtl = r.int(c, 'DefaultTTL', { ...TTL, fallback: Math.max(DEFAULT_TTL, minTtl) })
  const maxTtl = r.int(c, 'MaxTTL', {
    ...TTL,
    fallback: Math.max(DEFAULT_MAX_TTL, minTtl, defaultTtl),
  })
  if (defaultTtl < minTtl) {
    r.error(r.at(c, 'DefaultTTL'), `must be at least MinTTL (${minTtl})`, defaultTtl)
  } else if (maxTtl < defaultTtl) {
    r.error(r.at(c, 'MaxTTL'), `must be at least DefaultTTL (${defaultTtl})`, maxTtl)
  }
  const params = r.record(c, 'ParametersInCacheKeyAndForwardedToOrigin') ?? {}
  r.unknownKeys(params, PARAMETER_FIELDS)
  const gzip = r.bool(params, 'EnableAcceptEncodingGzip', false)
  const brotli = r.bool(params, 'EnableAcceptEncodingBrotli', false)
  const headers = readNameList(r, params, cacheHeaders, 'none')
  for (const item of headers.items) {
    if (ORIGIN_ONLY_HEADERS.has(item.name)) {
      r.error(
        item.path,
        'may be listed only in an origin request policy, not a cache policy',
        item.name,
      )
    } else if (item.name === 'accept-encoding') {
      r.warn(
        item.path,
        'is normalized by EnableAcceptEncodingGzip/EnableAcceptEncodingBrotli; list it there instead',
      )
    }
  }
  const cookieList = readNameList(r, params, cookies, 'none')
  const queryList = readNameList(r, params, queryStrings, 'none')
  checkNameChars(r, c, [...headers.names, ...cookieList.names, ...queryList.names])
  return {
    id: src.id,
    name: src.name,
    minTtl,
    defaultTtl,
    maxTtl,
    headers: { behavior: headers.behavior, names: headers.names },
    cookies: { behavior: cookieList.behavior, names: cookieList.names },
    queryStrings: { behavior: queryList.behavior, names: queryList.names },
    enableAcceptEncodingGzip: gzip,
    enableAcceptEncodingBrotli: brotli,
  }
}

export function compileOriginRequestPolicy(r: Reader, src: PolicySource): OriginRequestPolicy {
  const c = src.config
  const headers = readNameList(r, c, originHeaders, 'none')
  const listsViewerHeaders = headers.behavior === 'allViewerAndWhitelistCloudFront'
  for (const item of headers.items) {
    if (item.name === 'authorization' && headers.behavior !== 'allExcept') {
      r.error(
        item.path,
        'cannot be listed in an origin request policy (AWS returns 400); put it in the cache policy headers or use HeaderBehavior allViewer',
        item.name,
      )
    } else if (listsViewerHeaders && !item.name.startsWith('cloudfront-')) {
      r.warn(item.path, 'is a viewer header: allViewerAndWhitelistCloudFront forwards it anyway')
    }
  }
  const cookieList = readNameList(r, c, cookies, 'none')
  const queryList = readNameList(r, c, queryStrings, 'none')
  checkNameChars(r, c, [...headers.names, ...cookieList.names, ...queryList.names])
  return {
    id: src.id,
    name: src.name,
    headers: { behavior: headers.behavior, names: headers.names },
    cookies: { behavior: cookieList.behavior, names: cookieList.names },
    queryStrings: { behavior: queryList.behavior, names: queryList.names },
  }
}
