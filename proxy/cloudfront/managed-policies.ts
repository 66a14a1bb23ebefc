// The AWS-managed cache (spec §3.6), origin request (§3.7) and response headers (§3.8)
// policies as compiled data, found by ID, by API name (`Managed-CachingOptimized`) or by plain
// name (`CachingOptimized`). Header names are lowercase; cookie and query names keep case.
import { MANAGED_RESPONSE_HEADERS_POLICIES } from './managed-response-headers-policies.js'
import type {
  CachePolicy,
  NameList,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
} from './policy-types.js'

export { MANAGED_RESPONSE_HEADERS_POLICIES }

const YEAR = 31536000
const DAY = 86400
const NONE: NameList = { behavior: 'none', names: [] }
const ALL: NameList = { behavior: 'all', names: [] }
const NO_HEADERS = { behavior: 'none', names: [] } as const
const whitelist = (...names: string[]): { behavior: 'whitelist'; names: string[] } => ({
  behavior: 'whitelist',
  names,
})

/** Methods, Host and Origin headers of the two UseOriginCacheControlHeaders policies ([3P]). */
const ORIGIN_CACHE_CONTROL_HEADERS = whitelist(
  'host',
  'origin',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
)

type CacheHeaders = CachePolicy['headers']
type Ttls = readonly [min: number, def: number, max: number]
type Encodings = readonly [gzip: boolean, br: boolean]

function cache(
  id: string,
  name: string,
  [minTtl, defaultTtl, maxTtl]: Ttls,
  [headers, cookies, queryStrings]: readonly [CacheHeaders, NameList, NameList],
  [enableAcceptEncodingGzip, enableAcceptEncodingBrotli]: Encodings,
): CachePolicy {
  const ttls = { minTtl, defaultTtl, maxTtl }
  const encodings = { enableAcceptEncodingGzip, enableAcceptEncodingBrotli }
  return { id, name, ...ttls, headers, cookies, queryStrings, ...encodings }
}

const NOTHING = [NO_HEADERS, NONE, NONE] as const

export const MANAGED_CACHE_POLICIES: readonly CachePolicy[] = [
  cache(
    '658327ea-f89d-4fab-a63d-7e88639e58f6',
    'Managed-CachingOptimized',
    [1, DAY, YEAR],
    NOTHING,
    [true, true],
  ),
  cache(
    'b2884449-e4de-46a7-ac36-70bc7f1ddd6d',
    'Managed-CachingOptimizedForUncompressedObjects',
    [1, DAY, YEAR],
    NOTHING,
    [false, false],
  ),
  cache('4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'Managed-CachingDisabled', [0, 0, 0], NOTHING, [
    false,
    false,
  ]),
  cache(
    '08627262-05a9-4f76-9ded-b50ca2e3a84f',
    'Managed-Elemental-MediaPackage',
    [0, DAY, YEAR],
    [whitelist('origin'), NONE, whitelist('aws.manifestfilter', 'start', 'end', 'm')],
    [true, false],
  ),
  cache(
    '2e54312d-136d-493c-8eb9-b001f22f67d2',
    'Managed-Amplify',
    [2, 2, 600],
    [whitelist('authorization', 'cloudfront-viewer-country', 'host'), ALL, ALL],
    [true, true],
  ),
  cache(
    '83da9c7e-98b4-4e11-a168-04f0df8e2c65',
    'Managed-UseOriginCacheControlHeaders',
    [0, 0, YEAR],
    [ORIGIN_CACHE_CONTROL_HEADERS, ALL, NONE],
    [true, true],
  ),
  cache(
    '4cc15a8a-d715-48a4-82b8-cc0b614638fe',
    'Managed-UseOriginCacheControlHeaders-QueryStrings',
    [0, 0, YEAR],
    [ORIGIN_CACHE_CONTROL_HEADERS, ALL, ALL],
    [true, true],
  ),
]

/** The CloudFront headers of AllViewerAndCloudFrontHeaders-2022-06 (§3.7), lowercase. */
const CLOUDFRONT_HEADERS_2022_06 = [
  'cloudfront-forwarded-proto',
  'cloudfront-is-android-viewer',
  'cloudfront-is-desktop-viewer',
  'cloudfront-is-ios-viewer',
  'cloudfront-is-mobile-viewer',
  'cloudfront-is-smarttv-viewer',
  'cloudfront-is-tablet-viewer',
  'cloudfront-viewer-address',
  'cloudfront-viewer-asn',
  'cloudfront-viewer-city',
  'cloudfront-viewer-country',
  'cloudfront-viewer-country-name',
  'cloudfront-viewer-country-region',
  'cloudfront-viewer-country-region-name',
  'cloudfront-viewer-http-version',
  'cloudfront-viewer-latitude',
  'cloudfront-viewer-longitude',
  'cloudfront-viewer-metro-code',
  'cloudfront-viewer-postal-code',
  'cloudfront-viewer-time-zone',
  'cloudfront-viewer-tls',
]
const CORS_S3 = ['origin', 'access-control-request-headers', 'access-control-request-method']

const orp = (
  id: string,
  name: string,
  headers: OriginRequestPolicy['headers'],
  cookies: NameList,
  queryStrings: NameList,
): OriginRequestPolicy => ({ id, name, headers, cookies, queryStrings })

export const MANAGED_ORIGIN_REQUEST_POLICIES: readonly OriginRequestPolicy[] = [
  orp(
    '216adef6-5c7f-47e4-b989-5492eafa07d3',
    'Managed-AllViewer',
    { behavior: 'allViewer', names: [] },
    ALL,
    ALL,
  ),
  orp(
    'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    'Managed-AllViewerExceptHostHeader',
    { behavior: 'allExcept', names: ['host'] },
    ALL,
    ALL,
  ),
  orp(
    '33f36d7e-f396-46d9-90e0-52428a34d9dc',
    'Managed-AllViewerAndCloudFrontHeaders-2022-06',
    { behavior: 'allViewerAndWhitelistCloudFront', names: CLOUDFRONT_HEADERS_2022_06 },
    ALL,
    ALL,
  ),
  orp(
    '59781a5b-3903-41f3-afcb-af62929ccde1',
    'Managed-CORS-CustomOrigin',
    whitelist('origin'),
    NONE,
    NONE,
  ),
  orp(
    '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf',
    'Managed-CORS-S3Origin',
    whitelist(...CORS_S3),
    NONE,
    NONE,
  ),
  orp(
    '775133bc-15f2-49f9-abea-afb2e0bf67d2',
    'Managed-Elemental-MediaTailor-PersonalizedManifests',
    whitelist(...CORS_S3, 'user-agent', 'x-forwarded-for'),
    NONE,
    ALL,
  ),
  orp(
    'acba4595-bd28-49b8-b9fe-13317c0390fa',
    'Managed-UserAgentRefererHeaders',
    whitelist('user-agent', 'referer'),
    NONE,
    NONE,
  ),
  orp(
    'bf0718e1-ba1e-49d1-88b1-f726733018ae',
    'Managed-HostHeaderOnly',
    whitelist('host'),
    NONE,
    NONE,
  ),
]

const MANAGED_PREFIX = 'Managed-'

/** `Managed-CachingOptimized` → `CachingOptimized`. */
export function plainName(name: string): string {
  return name.startsWith(MANAGED_PREFIX) ? name.slice(MANAGED_PREFIX.length) : name
}

function byReference<T extends { readonly id: string; readonly name: string }>(
  list: readonly T[],
): ReadonlyMap<string, T> {
  return new Map(
    list.flatMap((p) => [
      [p.id, p] as const,
      [p.name, p] as const,
      [plainName(p.name), p] as const,
    ]),
  )
}

const CACHE = byReference(MANAGED_CACHE_POLICIES)
const ORIGIN_REQUEST = byReference(MANAGED_ORIGIN_REQUEST_POLICIES)
const RESPONSE_HEADERS = byReference(MANAGED_RESPONSE_HEADERS_POLICIES)

/** A managed cache policy by ID, `Managed-` name or plain name (case-sensitive). */
export function managedCachePolicy(ref: string): CachePolicy | undefined {
  return CACHE.get(ref)
}

export function managedOriginRequestPolicy(ref: string): OriginRequestPolicy | undefined {
  return ORIGIN_REQUEST.get(ref)
}

export function managedResponseHeadersPolicy(ref: string): ResponseHeadersPolicy | undefined {
  return RESPONSE_HEADERS.get(ref)
}
