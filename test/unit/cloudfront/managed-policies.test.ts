// Spec §3.6–§3.8: every AWS-managed cache, origin request and response headers policy, one row
// each with all of its settings, found by ID, by `Managed-` name and by plain name.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  managedCachePolicy,
  managedOriginRequestPolicy,
  managedResponseHeadersPolicy,
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  MANAGED_RESPONSE_HEADERS_POLICIES,
} from '../../../proxy/cloudfront/managed-policies.js'
import type {
  CachePolicy,
  NameList,
  OriginRequestPolicy,
  PolicyHeader,
  ResponseHeadersPolicy,
} from '../../../proxy/cloudfront/policy-types.js'

const YEAR = 31536000
const NONE = { behavior: 'none', names: [] } as const
const ALL: NameList = { behavior: 'all', names: [] }
const list = (...names: string[]) => ({ behavior: 'whitelist' as const, names })
const METHOD_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override']

/** [plain name, ID, min/default/max TTL, headers, cookies, query strings, gzip, br] */
type CacheRow = [
  string,
  string,
  [number, number, number],
  CachePolicy['headers'],
  NameList,
  NameList,
  boolean,
  boolean,
]
// prettier-ignore
const CACHE_ROWS: readonly CacheRow[] = [
  ['CachingOptimized', '658327ea-f89d-4fab-a63d-7e88639e58f6', [1, 86400, YEAR], NONE, NONE, NONE, true, true],
  ['CachingOptimizedForUncompressedObjects', 'b2884449-e4de-46a7-ac36-70bc7f1ddd6d', [1, 86400, YEAR], NONE, NONE, NONE, false, false],
  ['CachingDisabled', '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', [0, 0, 0], NONE, NONE, NONE, false, false],
  ['Elemental-MediaPackage', '08627262-05a9-4f76-9ded-b50ca2e3a84f', [0, 86400, YEAR], list('origin'), NONE, list('aws.manifestfilter', 'start', 'end', 'm'), true, false],
  ['Amplify', '2e54312d-136d-493c-8eb9-b001f22f67d2', [2, 2, 600], list('authorization', 'cloudfront-viewer-country', 'host'), ALL, ALL, true, true],
  ['UseOriginCacheControlHeaders', '83da9c7e-98b4-4e11-a168-04f0df8e2c65', [0, 0, YEAR], list('host', 'origin', ...METHOD_HEADERS), ALL, NONE, true, true],
  ['UseOriginCacheControlHeaders-QueryStrings', '4cc15a8a-d715-48a4-82b8-cc0b614638fe', [0, 0, YEAR], list('host', 'origin', ...METHOD_HEADERS), ALL, ALL, true, true],
]

const CF_2022_06 = [
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

/** [plain name, ID, headers, cookies, query strings] */
type OriginRow = [string, string, OriginRequestPolicy['headers'], NameList, NameList]
// prettier-ignore
const ORIGIN_ROWS: readonly OriginRow[] = [
  ['AllViewer', '216adef6-5c7f-47e4-b989-5492eafa07d3', { behavior: 'allViewer', names: [] }, ALL, ALL],
  ['AllViewerExceptHostHeader', 'b689b0a8-53d0-40ab-baf2-68738e2966ac', { behavior: 'allExcept', names: ['host'] }, ALL, ALL],
  ['AllViewerAndCloudFrontHeaders-2022-06', '33f36d7e-f396-46d9-90e0-52428a34d9dc', { behavior: 'allViewerAndWhitelistCloudFront', names: CF_2022_06 }, ALL, ALL],
  ['CORS-CustomOrigin', '59781a5b-3903-41f3-afcb-af62929ccde1', list('origin'), NONE, NONE],
  ['CORS-S3Origin', '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf', list(...CORS_S3), NONE, NONE],
  ['Elemental-MediaTailor-PersonalizedManifests', '775133bc-15f2-49f9-abea-afb2e0bf67d2', list(...CORS_S3, 'user-agent', 'x-forwarded-for'), NONE, ALL],
  ['UserAgentRefererHeaders', 'acba4595-bd28-49b8-b9fe-13317c0390fa', list('user-agent', 'referer'), NONE, NONE],
  ['HostHeaderOnly', 'bf0718e1-ba1e-49d1-88b1-f726733018ae', list('host'), NONE, NONE],
]

const SIMPLE: ResponseHeadersPolicy['cors'] = {
  allowOrigins: ['*'],
  allowHeaders: [],
  allowMethods: [],
  allowCredentials: false,
  exposeHeaders: [],
  maxAgeSec: undefined,
  originOverride: false,
}
const PREFLIGHT: ResponseHeadersPolicy['cors'] = {
  allowOrigins: ['*'],
  allowHeaders: ['*'],
  allowMethods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
  allowCredentials: false,
  exposeHeaders: ['*'],
  maxAgeSec: undefined,
  originOverride: false,
}
const SECURITY: readonly PolicyHeader[] = [
  { name: 'strict-transport-security', value: 'max-age=31536000', override: false },
  { name: 'x-content-type-options', value: 'nosniff', override: true },
  { name: 'x-frame-options', value: 'SAMEORIGIN', override: false },
  { name: 'x-xss-protection', value: '1; mode=block', override: false },
  { name: 'referrer-policy', value: 'strict-origin-when-cross-origin', override: false },
]

/** [plain name, ID, CORS, headers] */
type ResponseRow = [string, string, ResponseHeadersPolicy['cors'], readonly PolicyHeader[]]
// prettier-ignore
const RESPONSE_ROWS: readonly ResponseRow[] = [
  ['SimpleCORS', '60669652-455b-4ae9-85a4-c4c02393f86c', SIMPLE, []],
  ['CORS-With-Preflight', '5cc3b908-e619-4b99-88e5-2cf7f45965bd', PREFLIGHT, []],
  ['SecurityHeadersPolicy', '67f7725c-6f97-4210-82d7-5512b31e9d03', undefined, SECURITY],
  ['CORS-and-SecurityHeadersPolicy', 'e61eb60c-9c35-4d20-a928-2b84e02af89c', SIMPLE, SECURITY],
  ['CORS-with-preflight-and-SecurityHeadersPolicy', 'eaab4381-ed33-4a86-88ca-d9558dc6cd63', PREFLIGHT, SECURITY],
]

/** The three references that must all find the same policy. */
const refs = (name: string, id: string): string[] => [id, `Managed-${name}`, name]

describe('managed cache policies (spec §3.6)', () => {
  for (const [
    name,
    id,
    [minTtl, defaultTtl, maxTtl],
    headers,
    cookies,
    queryStrings,
    gzip,
    br,
  ] of CACHE_ROWS) {
    it(`${name}: TTL ${minTtl}/${defaultTtl}/${maxTtl}, headers, cookies, query strings, gzip ${gzip} br ${br}`, () => {
      const expected: CachePolicy = {
        ...{
          id,
          name: `Managed-${name}`,
          minTtl,
          defaultTtl,
          maxTtl,
          headers,
          cookies,
          queryStrings,
        },
        ...{ enableAcceptEncodingGzip: gzip, enableAcceptEncodingBrotli: br },
      }
      for (const ref of refs(name, id)) assert.deepEqual(managedCachePolicy(ref), expected, ref)
    })
  }
  it('has exactly the seven policies of the table, and nothing for unknown or mis-cased names', () => {
    assert.deepEqual(
      MANAGED_CACHE_POLICIES.map((p) => p.id),
      CACHE_ROWS.map((r) => r[1]),
    )
    for (const ref of ['Managed-Nope', 'cachingoptimized', 'Managed-Amplify-Default', '']) {
      assert.equal(managedCachePolicy(ref), undefined, ref)
    }
  })
})

describe('managed origin request policies (spec §3.7)', () => {
  for (const [name, id, headers, cookies, queryStrings] of ORIGIN_ROWS) {
    it(`${name}: headers ${headers.behavior}, cookies ${cookies.behavior}, query strings ${queryStrings.behavior}`, () => {
      const expected: OriginRequestPolicy = {
        id,
        name: `Managed-${name}`,
        headers,
        cookies,
        queryStrings,
      }
      for (const ref of refs(name, id))
        assert.deepEqual(managedOriginRequestPolicy(ref), expected, ref)
    })
  }
  it('has exactly the eight policies of the table; header names are lowercase', () => {
    assert.deepEqual(
      MANAGED_ORIGIN_REQUEST_POLICIES.map((p) => p.id),
      ORIGIN_ROWS.map((r) => r[1]),
    )
    for (const p of MANAGED_ORIGIN_REQUEST_POLICIES) {
      for (const h of p.headers.names) assert.equal(h, h.toLowerCase())
    }
  })
})

describe('managed response headers policies (spec §3.8)', () => {
  for (const [name, id, cors, headers] of RESPONSE_ROWS) {
    it(`${name}: ${cors === undefined ? 'no CORS' : 'CORS'}, ${headers.length} security headers`, () => {
      const expected: ResponseHeadersPolicy = {
        ...{ id, name: `Managed-${name}`, cors, headers },
        ...{ remove: [], serverTiming: undefined },
      }
      for (const ref of refs(name, id))
        assert.deepEqual(managedResponseHeadersPolicy(ref), expected, ref)
    })
  }
  it('has exactly the five policies of the table; a cache policy ID is not a response headers policy', () => {
    assert.deepEqual(
      MANAGED_RESPONSE_HEADERS_POLICIES.map((p) => p.id),
      RESPONSE_ROWS.map((r) => r[1]),
    )
    assert.equal(managedResponseHeadersPolicy('658327ea-f89d-4fab-a63d-7e88639e58f6'), undefined)
    assert.equal(managedResponseHeadersPolicy('Managed-CORS-Preflight'), undefined)
  })
})
