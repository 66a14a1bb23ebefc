// Custom policies (spec §1.7, §3.8), policy references of behaviors (custom first, then managed,
// §3.6–§3.8) and legacy ForwardedValues (§3.9): compile rows asserting whole compiled policies,
// one row per validation rule (path + message, through `validate`), and legacy conversion rows.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type {
  BehaviorPolicies,
  CachePolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
} from '../../../proxy/cloudfront/policy-types.js'
import {
  checkPolicies,
  compilePolicies,
  resolveBehaviorPolicies,
  type PolicyRegistry,
} from '../../../proxy/config/compile-policies.js'
import { loadConfigFile } from '../../../proxy/config/load.js'
import type { BehaviorConfig, EdgeConfig } from '../../../proxy/config/types.js'
import { fallbackBehavior } from '../../../proxy/config/validate-behaviors.js'
import { cacheBehavior, config, errorsOf, TempDir, warningsOf, type Obj } from './helpers.js'

const tmp = new TempDir()
after(() => tmp.remove())
const load = (file: Obj): EdgeConfig => loadConfigFile(tmp.write(file)).config
const registryOf = (top: Obj): PolicyRegistry => {
  const { registry, problems } = compilePolicies(load(config({}, top)))
  assert.deepEqual(errorsOf(problems), [])
  return registry
}

const cp = (cfg: Obj, id = 'cp'): Obj => ({ Id: id, CachePolicyConfig: cfg })
const cpWithoutId = (cfg: Obj): Obj => ({ CachePolicyConfig: cfg })
const orp = (cfg: Obj): Obj => ({ Id: 'orp', OriginRequestPolicyConfig: { Name: 'o', ...cfg } })
const rhp = (cfg: Obj): Obj => ({ Id: 'rhp', ResponseHeadersPolicyConfig: { Name: 'r', ...cfg } })
const params = (p: Obj, rest: Obj = {}): Obj =>
  cp({ Name: 'p', MinTTL: 0, ParametersInCacheKeyAndForwardedToOrigin: p, ...rest })
const headersConfig = (behavior: string, items?: readonly string[]): Obj =>
  items === undefined ? { HeaderBehavior: behavior } : { HeaderBehavior: behavior, Headers: items }
const names = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}`)

const NONE = { behavior: 'none', names: [] } as const
const ALL = { behavior: 'all', names: [] } as const
const cachePolicy = (patch: Partial<CachePolicy>): CachePolicy => ({
  id: 'cp',
  name: 'p',
  minTtl: 0,
  defaultTtl: 86400,
  maxTtl: 31536000,
  headers: NONE,
  cookies: NONE,
  queryStrings: NONE,
  enableAcceptEncodingGzip: false,
  enableAcceptEncodingBrotli: false,
  ...patch,
})

interface CompileRow {
  readonly row: string
  readonly policies: Obj
  readonly ref: string
  readonly expected: CachePolicy | OriginRequestPolicy | ResponseHeadersPolicy
}

const COMPILE_ROWS: readonly CompileRow[] = [
  {
    row: 'cache policy: every field, header names lowercased',
    policies: {
      CachePolicies: [
        cp({
          ...{ Name: 'p', Comment: 'c', MinTTL: 1, DefaultTTL: 60, MaxTTL: 600 },
          ParametersInCacheKeyAndForwardedToOrigin: {
            EnableAcceptEncodingGzip: true,
            EnableAcceptEncodingBrotli: false,
            HeadersConfig: headersConfig('whitelist', ['Accept-Language', 'X-Foo']),
            CookiesConfig: { CookieBehavior: 'allExcept', Cookies: ['tracking'] },
            QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['Page'] },
          },
        }),
      ],
    },
    ref: 'cp',
    expected: cachePolicy({
      ...{ minTtl: 1, defaultTtl: 60, maxTtl: 600, enableAcceptEncodingGzip: true },
      headers: { behavior: 'whitelist', names: ['accept-language', 'x-foo'] },
      cookies: { behavior: 'allExcept', names: ['tracking'] },
      queryStrings: { behavior: 'whitelist', names: ['Page'] },
    }),
  },
  {
    row: 'TTL defaults: DefaultTTL 86400, MaxTTL 31536000; everything else none/false',
    policies: { CachePolicies: [cp({ Name: 'p', MinTTL: 0 })] },
    ref: 'p',
    expected: cachePolicy({}),
  },
  {
    row: 'TTL defaults: DefaultTTL is MinTTL when MinTTL is larger than a day',
    policies: { CachePolicies: [cp({ Name: 'p', MinTTL: 100000 })] },
    ref: 'cp',
    expected: cachePolicy({ minTtl: 100000, defaultTtl: 100000 }),
  },
  {
    row: 'TTL defaults: MaxTTL is the larger of MinTTL/DefaultTTL beyond a year',
    policies: { CachePolicies: [cp({ Name: 'p', MinTTL: 0, DefaultTTL: 40000000 })] },
    ref: 'cp',
    expected: cachePolicy({ defaultTtl: 40000000, maxTtl: 40000000 }),
  },
  {
    row: 'no Id: the Name is the id',
    policies: { CachePolicies: [cpWithoutId({ Name: 'named', MinTTL: 5 })] },
    ref: 'named',
    expected: cachePolicy({ id: 'named', name: 'named', minTtl: 5 }),
  },
  {
    row: 'API shape (get-cache-policy wrapper, Quantity/Items lists)',
    policies: {
      CachePolicies: [
        {
          CachePolicy: {
            Id: 'cp',
            LastModifiedTime: '2024-01-01T00:00:00Z',
            CachePolicyConfig: {
              ...{ Name: 'p', MinTTL: 0 },
              ParametersInCacheKeyAndForwardedToOrigin: {
                ...{ EnableAcceptEncodingGzip: true, EnableAcceptEncodingBrotli: true },
                HeadersConfig: {
                  HeaderBehavior: 'whitelist',
                  Headers: { Quantity: 1, Items: ['Origin'] },
                },
                CookiesConfig: { CookieBehavior: 'all' },
                QueryStringsConfig: { QueryStringBehavior: 'none', QueryStrings: { Quantity: 0 } },
              },
            },
          },
        },
      ],
    },
    ref: 'cp',
    expected: cachePolicy({
      ...{ enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true },
      ...{ headers: { behavior: 'whitelist', names: ['origin'] }, cookies: ALL },
    }),
  },
  {
    row: 'flat shape: Id, Name and the config fields side by side',
    policies: { CachePolicies: [{ Id: 'cp', Name: 'p', MinTTL: 3, MaxTTL: 100000 }] },
    ref: 'p',
    expected: cachePolicy({ minTtl: 3, maxTtl: 100000 }),
  },
  {
    row: 'origin request policy: allViewerAndWhitelistCloudFront with CloudFront headers',
    policies: {
      OriginRequestPolicies: [
        orp({
          HeadersConfig: headersConfig('allViewerAndWhitelistCloudFront', [
            'CloudFront-Viewer-Country',
          ]),
          CookiesConfig: { CookieBehavior: 'whitelist', Cookies: ['session'] },
          QueryStringsConfig: { QueryStringBehavior: 'all' },
        }),
      ],
    },
    ref: 'o',
    expected: {
      ...{ id: 'orp', name: 'o', queryStrings: ALL },
      headers: {
        behavior: 'allViewerAndWhitelistCloudFront',
        names: ['cloudfront-viewer-country'],
      },
      cookies: { behavior: 'whitelist', names: ['session'] },
    },
  },
  {
    row: 'origin request policy: allExcept Host; missing blocks are none',
    policies: {
      OriginRequestPolicies: [orp({ HeadersConfig: headersConfig('allExcept', ['Host']) })],
    },
    ref: 'orp',
    expected: {
      ...{ id: 'orp', name: 'o', cookies: NONE, queryStrings: NONE },
      headers: { behavior: 'allExcept', names: ['host'] },
    },
  },
  {
    row: 'response headers policy: every block',
    policies: {
      ResponseHeadersPolicies: [
        rhp({
          CorsConfig: {
            AccessControlAllowOrigins: { Items: ['https://a.example', '*.b.example'] },
            AccessControlAllowHeaders: { Items: ['X-Custom'] },
            AccessControlAllowMethods: { Items: ['GET', 'POST'] },
            AccessControlAllowCredentials: true,
            AccessControlExposeHeaders: { Items: ['X-Exp'] },
            AccessControlMaxAgeSec: 600,
            OriginOverride: true,
          },
          SecurityHeadersConfig: {
            StrictTransportSecurity: {
              ...{ Override: true, AccessControlMaxAgeSec: 63072000 },
              ...{ IncludeSubdomains: true, Preload: true },
            },
            ContentTypeOptions: { Override: true },
            FrameOptions: { Override: false, FrameOption: 'DENY' },
            XSSProtection: { Override: true, Protection: true, ModeBlock: true },
            ReferrerPolicy: { Override: false, ReferrerPolicy: 'same-origin' },
            ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: "default-src 'self'" },
          },
          CustomHeadersConfig: { Items: [{ Header: 'X-Hello', Value: 'hi', Override: false }] },
          RemoveHeadersConfig: { Items: [{ Header: 'Server' }] },
          ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 12.5 },
        }),
      ],
    },
    ref: 'rhp',
    expected: {
      id: 'rhp',
      name: 'r',
      cors: {
        allowOrigins: ['https://a.example', '*.b.example'],
        allowHeaders: ['X-Custom'],
        allowMethods: ['GET', 'POST'],
        allowCredentials: true,
        exposeHeaders: ['X-Exp'],
        maxAgeSec: 600,
        originOverride: true,
      },
      headers: [
        {
          name: 'strict-transport-security',
          value: 'max-age=63072000; includeSubDomains; preload',
          override: true,
        },
        { name: 'x-content-type-options', value: 'nosniff', override: true },
        { name: 'x-frame-options', value: 'DENY', override: false },
        { name: 'x-xss-protection', value: '1; mode=block', override: true },
        { name: 'referrer-policy', value: 'same-origin', override: false },
        { name: 'content-security-policy', value: "default-src 'self'", override: true },
        { name: 'x-hello', value: 'hi', override: false },
      ],
      remove: ['server'],
      serverTiming: { enabled: true, samplingRate: 12.5 },
    },
  },
  {
    row: 'response headers policy: ALL methods, HSTS max-age only, XSS report=, XSS off',
    policies: {
      ResponseHeadersPolicies: [
        rhp({
          CorsConfig: {
            ...{ AccessControlAllowOrigins: ['*'], AccessControlAllowHeaders: ['*'] },
            ...{ AccessControlAllowMethods: ['ALL'], AccessControlAllowCredentials: false },
            OriginOverride: false,
          },
          SecurityHeadersConfig: {
            StrictTransportSecurity: { Override: false, AccessControlMaxAgeSec: 300 },
            XSSProtection: { Override: false, Protection: true, ReportUri: 'https://r.example/x' },
          },
        }),
      ],
    },
    ref: 'rhp',
    expected: {
      id: 'rhp',
      name: 'r',
      cors: {
        ...{ allowOrigins: ['*'], allowHeaders: ['*'], allowCredentials: false },
        allowMethods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
        ...{ exposeHeaders: [], maxAgeSec: undefined, originOverride: false },
      },
      headers: [
        { name: 'strict-transport-security', value: 'max-age=300', override: false },
        { name: 'x-xss-protection', value: '1; report=https://r.example/x', override: false },
      ],
      ...{ remove: [], serverTiming: undefined },
    },
  },
]

describe('custom policies compile (spec §1.7, §3.8)', () => {
  for (const { row, policies, ref, expected } of COMPILE_ROWS) {
    it(row, () => {
      const registry = registryOf(policies)
      const found =
        registry.cachePolicies.get(ref) ??
        registry.originRequestPolicies.get(ref) ??
        registry.responseHeadersPolicies.get(ref)
      assert.deepEqual(found, expected)
    })
  }
  it('X-XSS-Protection with Protection false is 0', () => {
    const registry = registryOf({
      ResponseHeadersPolicies: [
        rhp({ SecurityHeadersConfig: { XSSProtection: { Override: false, Protection: false } } }),
      ],
    })
    assert.deepEqual(registry.responseHeadersPolicies.get('r')?.headers, [
      { name: 'x-xss-protection', value: '0', override: false },
    ])
  })
})

interface RuleRow {
  readonly rule: string
  /** Top-level sections (CachePolicies, …) and DistributionConfig patches of the base file. */
  readonly top?: Obj
  readonly dist?: Obj
  /** [path, part of the message] of every error, in order. */
  readonly errors: readonly (readonly [string, string])[]
}

const P = 'CachePolicies[0].CachePolicyConfig'
const PK = `${P}.ParametersInCacheKeyAndForwardedToOrigin`
const O = 'OriginRequestPolicies[0].OriginRequestPolicyConfig'
const R = 'ResponseHeadersPolicies[0].ResponseHeadersPolicyConfig'
const SEC = `${R}.SecurityHeadersConfig`
const DCB = 'DistributionConfig.DefaultCacheBehavior'
const long = (n: number): string => 'x'.repeat(n)
const cache = (p: Obj, rest: Obj = {}): Obj => ({ CachePolicies: [params(p, rest)] })
const origin = (cfg: Obj): Obj => ({ OriginRequestPolicies: [orp(cfg)] })
const response = (cfg: Obj): Obj => ({ ResponseHeadersPolicies: [rhp(cfg)] })
const security = (cfg: Obj): Obj => response({ SecurityHeadersConfig: cfg })
const custom = (...items: Obj[]): Obj => response({ CustomHeadersConfig: { Items: items } })
const remove = (header: string): Obj =>
  response({ RemoveHeadersConfig: { Items: [{ Header: header }] } })
const cors = (patch: Obj): Obj =>
  response({
    CorsConfig: {
      ...{ AccessControlAllowOrigins: ['*'], AccessControlAllowHeaders: ['*'] },
      ...{ AccessControlAllowMethods: ['GET'], AccessControlAllowCredentials: false },
      ...{ OriginOverride: false, ...patch },
    },
  })
const timing = (cfg: Obj): Obj => response({ ServerTimingHeadersConfig: cfg })
const legacy = (fv: Obj): Obj => ({
  DefaultCacheBehavior: {
    CachePolicyId: undefined,
    ForwardedValues: { QueryString: false, ...fv },
  },
})

// prettier-ignore
const RULES: readonly RuleRow[] = [
  // cache policies
  { rule: 'MinTTL is required', top: { CachePolicies: [cp({ Name: 'p' })] }, errors: [[`${P}.MinTTL`, 'is required']] },
  { rule: 'MinTTL is a whole number ≥ 0', top: { CachePolicies: [cp({ Name: 'p', MinTTL: -1 })] }, errors: [[`${P}.MinTTL`, 'at least 0']] },
  { rule: 'DefaultTTL ≥ MinTTL', top: { CachePolicies: [cp({ Name: 'p', MinTTL: 100, DefaultTTL: 10 })] }, errors: [[`${P}.DefaultTTL`, 'must be at least MinTTL (100)']] },
  { rule: 'MaxTTL ≥ DefaultTTL', top: { CachePolicies: [cp({ Name: 'p', MinTTL: 0, DefaultTTL: 600, MaxTTL: 60 })] }, errors: [[`${P}.MaxTTL`, 'must be at least DefaultTTL (600)']] },
  { rule: 'Name is required', top: { CachePolicies: [cp({ MinTTL: 0 })] }, errors: [[`${P}.Name`, 'is required']] },
  { rule: 'a policy without Id needs a Name', top: { CachePolicies: [cpWithoutId({ MinTTL: 0 })] }, errors: [[`${P}.Name`, 'is required']] },
  { rule: 'Ids are unique', top: { CachePolicies: [cp({ Name: 'a', MinTTL: 0 }), cp({ Name: 'b', MinTTL: 0 })] }, errors: [['CachePolicies[1].Id', 'duplicates the Id of CachePolicies[0]']] },
  { rule: 'Names are unique', top: { CachePolicies: [cp({ Name: 'a', MinTTL: 0 }, 'x'), cp({ Name: 'a', MinTTL: 0 }, 'y')] }, errors: [['CachePolicies[1].CachePolicyConfig.Name', 'duplicates the Name of CachePolicies[0]']] },
  { rule: 'cache policy HeaderBehavior is none|whitelist', top: cache({ HeadersConfig: headersConfig('allViewer') }), errors: [[`${PK}.HeadersConfig.HeaderBehavior`, 'must be one of none, whitelist']] },
  { rule: 'CookieBehavior enum', top: cache({ CookiesConfig: { CookieBehavior: 'some' } }), errors: [[`${PK}.CookiesConfig.CookieBehavior`, 'must be one of none, whitelist, allExcept, all']] },
  { rule: 'QueryStringBehavior enum', top: cache({ QueryStringsConfig: { QueryStringBehavior: 'allViewer' } }), errors: [[`${PK}.QueryStringsConfig.QueryStringBehavior`, 'must be one of none, whitelist, allExcept, all']] },
  { rule: 'a behavior block needs its behavior', top: cache({ HeadersConfig: { Headers: ['Origin'] } }), errors: [[`${PK}.HeadersConfig.HeaderBehavior`, 'is required']] },
  { rule: 'whitelist needs names', top: cache({ HeadersConfig: headersConfig('whitelist', []) }), errors: [[`${PK}.HeadersConfig.Headers`, 'must list at least one header when HeaderBehavior is whitelist']] },
  { rule: 'allExcept needs names', top: cache({ CookiesConfig: { CookieBehavior: 'allExcept' } }), errors: [[`${PK}.CookiesConfig.Cookies`, 'must list at least one cookie when CookieBehavior is allExcept']] },
  { rule: 'at most 10 headers', top: cache({ HeadersConfig: headersConfig('whitelist', names('h', 11)) }), errors: [[`${PK}.HeadersConfig.Headers`, 'may list at most 10 headers (quota)']] },
  { rule: 'at most 10 cookies', top: cache({ CookiesConfig: { CookieBehavior: 'whitelist', Cookies: names('c', 11) } }), errors: [[`${PK}.CookiesConfig.Cookies`, 'may list at most 10 cookies (quota)']] },
  { rule: 'at most 10 query strings', top: cache({ QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: names('q', 11) } }), errors: [[`${PK}.QueryStringsConfig.QueryStrings`, 'may list at most 10 query strings (quota)']] },
  { rule: 'names total ≤ 1,024 characters', top: cache({ QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: names(long(110), 10) } }), errors: [[P, 'more than 1024 characters (quota)']] },
  { rule: 'header names are tokens', top: cache({ HeadersConfig: headersConfig('whitelist', ['Bad Header']) }), errors: [[`${PK}.HeadersConfig.Headers[0]`, 'is not a valid header name']] },
  { rule: 'CloudFront-Viewer-Address only in origin request policies', top: cache({ HeadersConfig: headersConfig('whitelist', ['CloudFront-Viewer-Address']) }), errors: [[`${PK}.HeadersConfig.Headers[0]`, 'only in an origin request policy']] },
  { rule: 'EnableAcceptEncodingGzip is a boolean', top: cache({ EnableAcceptEncodingGzip: 'yes' }), errors: [[`${PK}.EnableAcceptEncodingGzip`, 'must be true or false']] },
  // origin request policies
  { rule: 'Authorization cannot be in an ORP whitelist', top: origin({ HeadersConfig: headersConfig('whitelist', ['Origin', 'Authorization']) }), errors: [[`${O}.HeadersConfig.Headers[1]`, 'cannot be listed in an origin request policy']] },
  { rule: 'ORP HeaderBehavior enum', top: origin({ HeadersConfig: headersConfig('all') }), errors: [[`${O}.HeadersConfig.HeaderBehavior`, 'must be one of none, whitelist, allViewer, allViewerAndWhitelistCloudFront, allExcept']] },
  { rule: 'ORP allExcept needs names', top: origin({ HeadersConfig: headersConfig('allExcept') }), errors: [[`${O}.HeadersConfig.Headers`, 'must list at least one header']] },
  { rule: 'ORP CookieBehavior enum', top: origin({ CookiesConfig: { CookieBehavior: 'allViewer' } }), errors: [[`${O}.CookiesConfig.CookieBehavior`, 'must be one of none, whitelist, allExcept, all']] },
  { rule: 'ORP at most 10 query strings', top: origin({ QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: names('q', 11) } }), errors: [[`${O}.QueryStringsConfig.QueryStrings`, 'at most 10 query strings']] },
  // response headers policies
  { rule: 'Content-Length cannot be removed', top: remove('Content-Length'), errors: [[`${R}.RemoveHeadersConfig.Items[0].Header`, 'cannot be removed by a response headers policy']] },
  { rule: 'X-Amz-Cf-* cannot be removed', top: remove('X-Amz-Cf-Pop'), errors: [[`${R}.RemoveHeadersConfig.Items[0].Header`, 'cannot be removed']] },
  { rule: 'X-Edge-* cannot be removed', top: remove('x-edge-location'), errors: [[`${R}.RemoveHeadersConfig.Items[0].Header`, 'cannot be removed']] },
  { rule: 'custom header name ≤ 256 characters', top: custom({ Header: long(257), Value: 'v', Override: false }), errors: [[`${R}.CustomHeadersConfig.Items[0].Header`, 'at most 256 characters']] },
  { rule: 'custom header value ≤ 1,783 characters', top: custom({ Header: 'X-A', Value: long(1784), Override: false }), errors: [[`${R}.CustomHeadersConfig.Items[0].Value`, 'at most 1783 characters']] },
  { rule: 'custom header Value is required (may be empty)', top: custom({ Header: 'X-A', Override: false }, { Header: 'X-B', Value: '', Override: false }), errors: [[`${R}.CustomHeadersConfig.Items[0].Value`, 'is required']] },
  { rule: 'custom headers are unique', top: custom({ Header: 'X-A', Value: '1', Override: false }, { Header: 'x-a', Value: '2', Override: false }), errors: [[`${R}.CustomHeadersConfig.Items[1].Header`, 'listed twice']] },
  { rule: 'at most 10 custom headers', top: custom(...names('X-H', 11).map((h) => ({ Header: h, Value: 'v', Override: false }))), errors: [[`${R}.CustomHeadersConfig`, 'at most 10 headers (quota)']] },
  { rule: 'a custom header may not repeat a security header', top: response({ SecurityHeadersConfig: { FrameOptions: { Override: false, FrameOption: 'DENY' } }, CustomHeadersConfig: { Items: [{ Header: 'X-Frame-Options', Value: 'x', Override: true }] } }), errors: [[`${R}.CustomHeadersConfig.Items[0].Header`, 'already set by SecurityHeadersConfig']] },
  { rule: 'XSSProtection: ModeBlock and ReportUri not both', top: security({ XSSProtection: { Override: false, Protection: true, ModeBlock: true, ReportUri: 'https://r' } }), errors: [[`${SEC}.XSSProtection.ReportUri`, 'cannot be given together with ModeBlock']] },
  { rule: 'XSSProtection: Protection is required', top: security({ XSSProtection: { Override: false } }), errors: [[`${SEC}.XSSProtection.Protection`, 'is required']] },
  { rule: 'ContentSecurityPolicy ≤ 1,783 characters', top: security({ ContentSecurityPolicy: { Override: false, ContentSecurityPolicy: long(1784) } }), errors: [[`${SEC}.ContentSecurityPolicy.ContentSecurityPolicy`, 'at most 1783 characters']] },
  { rule: 'FrameOption enum', top: security({ FrameOptions: { Override: false, FrameOption: 'ALLOW-FROM' } }), errors: [[`${SEC}.FrameOptions.FrameOption`, 'must be one of DENY, SAMEORIGIN']] },
  { rule: 'ReferrerPolicy enum', top: security({ ReferrerPolicy: { Override: false, ReferrerPolicy: 'never' } }), errors: [[`${SEC}.ReferrerPolicy.ReferrerPolicy`, 'must be one of no-referrer, no-referrer-when-downgrade, origin']] },
  { rule: 'StrictTransportSecurity needs AccessControlMaxAgeSec', top: security({ StrictTransportSecurity: { Override: false, Preload: true } }), errors: [[`${SEC}.StrictTransportSecurity.AccessControlMaxAgeSec`, 'is required']] },
  { rule: 'CORS: AccessControlAllowOrigins is required', top: cors({ AccessControlAllowOrigins: undefined }), errors: [[`${R}.CorsConfig.AccessControlAllowOrigins`, 'is required']] },
  { rule: 'CORS: methods enum', top: cors({ AccessControlAllowMethods: ['GET', 'TRACE'] }), errors: [[`${R}.CorsConfig.AccessControlAllowMethods[1]`, 'must be one of GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT, ALL']] },
  { rule: 'CORS: a wildcard only as the leftmost label', top: cors({ AccessControlAllowOrigins: ['https://a.*.example'] }), errors: [[`${R}.CorsConfig.AccessControlAllowOrigins[0]`, 'may use * only alone or as the leftmost label']] },
  { rule: 'CORS: AccessControlMaxAgeSec is a whole number', top: cors({ AccessControlMaxAgeSec: 1.5 }), errors: [[`${R}.CorsConfig.AccessControlMaxAgeSec`, 'must be a whole number']] },
  { rule: 'ServerTiming: SamplingRate 0–100', top: timing({ Enabled: true, SamplingRate: 101 }), errors: [[`${R}.ServerTimingHeadersConfig.SamplingRate`, 'from 0 to 100']] },
  { rule: 'ServerTiming: SamplingRate has ≤ 4 decimals', top: timing({ Enabled: true, SamplingRate: 1.23456 }), errors: [[`${R}.ServerTimingHeadersConfig.SamplingRate`, 'at most 4 decimals']] },
  { rule: 'ServerTiming: SamplingRate required when enabled', top: timing({ Enabled: true }), errors: [[`${R}.ServerTimingHeadersConfig.SamplingRate`, 'is required when Enabled is true']] },
  // behavior references
  { rule: 'an unknown CachePolicyId names the behavior and the managed policies', dist: { DefaultCacheBehavior: { CachePolicyId: 'nope' } }, errors: [[`${DCB}.CachePolicyId`, 'names no cache policy: not the Id or Name of one in CachePolicies, nor an AWS-managed one (Managed-CachingOptimized, ']] },
  { rule: 'an unknown CachePolicyName is reported at CachePolicyName', dist: { DefaultCacheBehavior: { CachePolicyId: undefined, CachePolicyName: 'Managed-Nope' } }, errors: [[`${DCB}.CachePolicyName`, 'names no cache policy']] },
  { rule: 'an unknown OriginRequestPolicyId of a cache behavior', dist: { CacheBehaviors: [cacheBehavior('/api/*', { OriginRequestPolicyId: 'nope' })] }, errors: [['DistributionConfig.CacheBehaviors[0].OriginRequestPolicyId', 'names no origin request policy']] },
  { rule: 'a policy of the wrong kind says which kind it is', dist: { DefaultCacheBehavior: { ResponseHeadersPolicyId: 'Managed-CachingOptimized' } }, errors: [[`${DCB}.ResponseHeadersPolicyId`, 'names no response headers policy (it is a cache policy)']] },
  { rule: 'API shape: the path names CacheBehaviors.Items[i]', dist: { CacheBehaviors: { Quantity: 1, Items: [cacheBehavior('/a', { CachePolicyId: 'nope' })] } }, errors: [['DistributionConfig.CacheBehaviors.Items[0].CachePolicyId', 'names no cache policy']] },
  // legacy quotas
  { rule: 'legacy: at most 10 headers', dist: legacy({ Headers: names('H', 11) }), errors: [[`${DCB}.ForwardedValues.Headers`, 'may list at most 10 headers (quota)']] },
  { rule: 'legacy: at most 10 query string keys', dist: legacy({ QueryString: true, QueryStringCacheKeys: names('q', 11) }), errors: [[`${DCB}.ForwardedValues.QueryStringCacheKeys`, 'at most 10 query strings']] },
  { rule: 'legacy: * must be the only header', dist: legacy({ Headers: ['*', 'Host'] }), errors: [[`${DCB}.ForwardedValues.Headers`, '* (forward all headers) must be the only item']] },
  { rule: 'legacy: cookie names ≤ 512 bytes minus their count', dist: legacy({ Cookies: { Forward: 'whitelist', WhitelistedNames: [long(300), long(211)] } }), errors: [[`${DCB}.ForwardedValues.Cookies.WhitelistedNames`, 'at most 512 bytes']] },
]

describe('policy validation rules: one error each, with its path (spec §1.7, §3.8, §3.9)', () => {
  for (const { rule, top = {}, dist = {}, errors } of RULES) {
    it(rule, () => {
      const got = errorsOf(tmp.problems(config(dist, top)))
      assert.deepEqual(
        got.map((p) => p.path),
        errors.map(([path]) => path),
        JSON.stringify(got),
      )
      got.forEach((p, i) => {
        assert.ok(p.message.includes(errors[i]?.[1] ?? '?'), `${p.path}: ${p.message}`)
      })
    })
  }
})

// prettier-ignore
const WARNINGS: readonly (readonly [rule: string, top: Obj, path: string, message: string])[] = [
  ['unknown fields are ignored with a warning', { CachePolicies: [cp({ Name: 'p', MinTTL: 0, Colour: 'red' })] }, `${P}.Colour`, 'unknown field'],
  ['a list with behavior none is ignored', cache({ CookiesConfig: { CookieBehavior: 'none', Cookies: ['a'] } }), `${PK}.CookiesConfig.Cookies`, 'is ignored when CookieBehavior is none'],
  ['Accept-Encoding belongs in the gzip/br flags', cache({ HeadersConfig: headersConfig('whitelist', ['Accept-Encoding']) }), `${PK}.HeadersConfig.Headers[0]`, 'EnableAcceptEncodingGzip'],
  ['a custom policy shadowing a managed name', { CachePolicies: [cp({ Name: 'CachingOptimized', MinTTL: 0 })] }, `${P}.Name`, 'is also an AWS-managed cache policy'],
  ['ModeBlock is ignored when Protection is false', security({ XSSProtection: { Override: false, Protection: false, ModeBlock: true } }), `${SEC}.XSSProtection.ModeBlock`, 'is ignored when Protection is false'],
  ['a viewer header in allViewerAndWhitelistCloudFront', origin({ HeadersConfig: headersConfig('allViewerAndWhitelistCloudFront', ['Accept']) }), `${O}.HeadersConfig.Headers[0]`, 'forwards it anyway'],
]

describe('policy warnings', () => {
  for (const [rule, top, path, message] of WARNINGS) {
    it(rule, () => {
      const problems = tmp.problems(config({}, top))
      assert.deepEqual(errorsOf(problems), [])
      const warned = warningsOf(problems)
      assert.ok(
        warned.some((p) => p.path === path && p.message.includes(message)),
        JSON.stringify(warned),
      )
    })
  }
})

describe('behavior policy resolution: custom first, then managed (spec §3.6–§3.8)', () => {
  const file = config(
    {
      DefaultCacheBehavior: {
        CachePolicyId: undefined,
        CachePolicyName: 'CachingOptimized',
        OriginRequestPolicyName: 'AllViewerExceptHostHeader',
        ResponseHeadersPolicyId: 'eaab4381-ed33-4a86-88ca-d9558dc6cd63',
      },
      CacheBehaviors: [
        cacheBehavior('/custom/*', { CachePolicyId: 'cp', ResponseHeadersPolicyId: 'r' }),
        cacheBehavior('/off/*', { CachePolicyId: 'Managed-CachingDisabled' }),
      ],
    },
    {
      CachePolicies: [cp({ Name: 'p', MinTTL: 0, DefaultTTL: 0, MaxTTL: 0 })],
      ResponseHeadersPolicies: [rhp({})],
    },
  )
  const loaded = load(file)
  const { registry } = compilePolicies(loaded)
  const resolve = (b: BehaviorConfig): BehaviorPolicies => {
    const got = resolveBehaviorPolicies(registry, b, 'X')
    assert.ok('cache' in got, JSON.stringify(got))
    return got
  }

  it('managed policies by plain name and by ID', () => {
    const got = resolve(loaded.distribution.defaultBehavior)
    assert.equal(got.cache.id, '658327ea-f89d-4fab-a63d-7e88639e58f6')
    assert.equal(got.originRequest?.id, 'b689b0a8-53d0-40ab-baf2-68738e2966ac')
    assert.equal(got.responseHeaders?.name, 'Managed-CORS-with-preflight-and-SecurityHeadersPolicy')
    assert.deepEqual([got.legacy, got.cachingDisabled], [undefined, false])
  })
  it('custom policies by Id and by Name; all TTLs 0 disables caching', () => {
    const got = resolve(loaded.distribution.behaviors[0]!)
    assert.deepEqual(
      [got.cache.id, got.responseHeaders?.id, got.cachingDisabled],
      ['cp', 'rhp', true],
    )
  })
  it('Managed-CachingDisabled disables caching', () => {
    assert.equal(resolve(loaded.distribution.behaviors[1]!).cachingDisabled, true)
  })
  it('a custom policy named like a managed one wins', () => {
    const shadow = compilePolicies(
      load(config({}, { CachePolicies: [cp({ Name: 'CachingOptimized', MinTTL: 7 })] })),
    ).registry
    const b = { ...fallbackBehavior(), cachePolicyId: 'CachingOptimized' }
    const got = resolveBehaviorPolicies(shadow, b, 'X')
    assert.ok('cache' in got)
    assert.equal(got.cache.minTtl, 7)
  })
  it('an unknown reference is a problem at PATH.CachePolicyId', () => {
    const b = { ...fallbackBehavior(), cachePolicyId: 'nope' }
    const got = resolveBehaviorPolicies(registry, b, 'DistributionConfig.CacheBehaviors[3]')
    assert.ok(!('cache' in got))
    assert.deepEqual(
      [got.path, got.value, got.severity],
      ['DistributionConfig.CacheBehaviors[3].CachePolicyId', 'nope', 'error'],
    )
  })
  it('checkPolicies without the loader’s paths uses DistributionConfig.CacheBehaviors[i]', () => {
    const c = load(config({ CacheBehaviors: [cacheBehavior('/a')] }))
    const broken = {
      ...c,
      distribution: {
        ...c.distribution,
        behaviors: [{ ...c.distribution.behaviors[0]!, cachePolicyId: 'nope' }],
      },
    }
    assert.deepEqual(
      checkPolicies(broken).map((p) => p.path),
      ['DistributionConfig.CacheBehaviors[0].CachePolicyId'],
    )
  })
  it('compilePolicies without the loader’s paths reports CachePolicies[i]… paths', () => {
    const c = load(config({}, { CachePolicies: [cp({ Name: 'p', MinTTL: 0 })] }))
    const bad = { ...c, cachePolicies: [{ Id: 'x', CachePolicyConfig: { Name: 'x' } }] }
    assert.deepEqual(
      compilePolicies(bad).problems.map((p) => [p.path, p.message]),
      [['CachePolicies[0].CachePolicyConfig.MinTTL', 'is required']],
    )
  })
})

const EMPTY: PolicyRegistry = {
  cachePolicies: new Map(),
  originRequestPolicies: new Map(),
  responseHeadersPolicies: new Map(),
}
const legacyBehavior = (
  fv: Partial<BehaviorConfig['forwardedValues'] & object> | undefined,
  ttls: Partial<BehaviorConfig> = {},
): BehaviorConfig => ({
  ...fallbackBehavior(),
  forwardedValues:
    fv === undefined
      ? undefined
      : {
          queryString: false,
          queryStringCacheKeys: [],
          headers: [],
          cookies: { forward: 'none', names: [] },
          ...fv,
        },
  ...ttls,
})

interface LegacyRow {
  readonly row: string
  readonly behavior: BehaviorConfig
  readonly cache: Partial<CachePolicy>
  readonly legacy: NonNullable<BehaviorPolicies['legacy']>
  readonly cachingDisabled: boolean
}

const FLAGS = { forwardAllQueryStrings: false, forwardAllHeaders: false, stripSetCookie: true }
// prettier-ignore
const LEGACY_ROWS: readonly LegacyRow[] = [
  { row: 'neither policy nor ForwardedValues: CloudFront defaults', behavior: legacyBehavior(undefined, { minTtl: 9, defaultTtl: 9, maxTtl: 9 }), cache: {}, legacy: FLAGS, cachingDisabled: false },
  { row: 'QueryString false: no query strings', behavior: legacyBehavior({ queryString: false, queryStringCacheKeys: ['ignored'] }), cache: {}, legacy: FLAGS, cachingDisabled: false },
  { row: 'QueryString true: key on and forward all', behavior: legacyBehavior({ queryString: true }), cache: { queryStrings: ALL }, legacy: { ...FLAGS, forwardAllQueryStrings: true }, cachingDisabled: false },
  { row: 'QueryString true + keys: key on the keys, forward all', behavior: legacyBehavior({ queryString: true, queryStringCacheKeys: ['page', 'Sort'] }), cache: { queryStrings: { behavior: 'whitelist', names: ['page', 'Sort'] } }, legacy: { ...FLAGS, forwardAllQueryStrings: true }, cachingDisabled: false },
  { row: 'cookies none: Set-Cookie stripped', behavior: legacyBehavior({ cookies: { forward: 'none', names: [] } }), cache: {}, legacy: FLAGS, cachingDisabled: false },
  { row: 'cookies whitelist (wildcards kept)', behavior: legacyBehavior({ cookies: { forward: 'whitelist', names: ['session*', 'id'] } }), cache: { cookies: { behavior: 'whitelist', names: ['session*', 'id'] } }, legacy: { ...FLAGS, stripSetCookie: false }, cachingDisabled: false },
  { row: 'cookies all', behavior: legacyBehavior({ cookies: { forward: 'all', names: [] } }), cache: { cookies: ALL }, legacy: { ...FLAGS, stripSetCookie: false }, cachingDisabled: false },
  { row: 'Headers list: keyed, lowercase', behavior: legacyBehavior({ headers: ['Origin', 'Accept-Language'] }), cache: { headers: { behavior: 'whitelist', names: ['origin', 'accept-language'] } }, legacy: FLAGS, cachingDisabled: false },
  { row: 'Headers ["*"]: forward all, caching disabled', behavior: legacyBehavior({ headers: ['*'] }), cache: {}, legacy: { ...FLAGS, forwardAllHeaders: true }, cachingDisabled: true },
  { row: 'TTLs from the behavior', behavior: legacyBehavior({}, { minTtl: 5, defaultTtl: 60, maxTtl: 120 }), cache: { minTtl: 5, defaultTtl: 60, maxTtl: 120 }, legacy: FLAGS, cachingDisabled: false },
  { row: 'all TTLs 0: caching disabled', behavior: legacyBehavior({}, { minTtl: 0, defaultTtl: 0, maxTtl: 0 }), cache: { minTtl: 0, defaultTtl: 0, maxTtl: 0 }, legacy: FLAGS, cachingDisabled: true },
]

describe('legacy ForwardedValues become a cache policy (spec §3.9)', () => {
  for (const { row, behavior, cache: patch, legacy: flags, cachingDisabled } of LEGACY_ROWS) {
    it(row, () => {
      const got = resolveBehaviorPolicies(EMPTY, behavior, DCB)
      assert.ok('cache' in got, JSON.stringify(got))
      const expected = cachePolicy({ enableAcceptEncodingGzip: true, ...patch })
      assert.deepEqual(got.cache, { ...expected, id: 'legacy:*', name: 'ForwardedValues of *' })
      assert.deepEqual([got.originRequest, got.responseHeaders], [undefined, undefined])
      assert.deepEqual(got.legacy, flags)
      assert.equal(got.cachingDisabled, cachingDisabled)
    })
  }
  it('through the loader: a large MinTTL raises the default TTLs; the response headers policy applies', () => {
    const c = load(
      config({
        DefaultCacheBehavior: {
          ...{ CachePolicyId: undefined, MinTTL: 100000, ResponseHeadersPolicyId: 'SimpleCORS' },
          ForwardedValues: { QueryString: true, Cookies: { Forward: 'all' } },
        },
      }),
    )
    const got = resolveBehaviorPolicies(
      compilePolicies(c).registry,
      c.distribution.defaultBehavior,
      DCB,
    )
    assert.ok('cache' in got)
    assert.deepEqual(
      [got.cache.minTtl, got.cache.defaultTtl, got.cache.maxTtl, got.responseHeaders?.name],
      [100000, 100000, 31536000, 'Managed-SimpleCORS'],
    )
  })
})
