// Spec §3.1 (cache key composition) with §3.3 (Accept-Encoding) and §6.2 (signed URL
// parameters): one row per rule, each asserting whether two requests share a cache entry.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  cacheKey,
  compileKeyFunction,
  parseCookies,
  selectQuery,
  type KeyRequest,
} from '../../../proxy/cloudfront/cache-key.js'
import type {
  BehaviorPolicies,
  CachePolicy,
  NameList,
} from '../../../proxy/cloudfront/policy-types.js'

const NONE: NameList = { behavior: 'none', names: [] }

function policies(over: Partial<CachePolicy> = {}): BehaviorPolicies {
  const cache: CachePolicy = {
    id: 'test',
    name: 'test',
    minTtl: 1,
    defaultTtl: 86400,
    maxTtl: 31536000,
    headers: { behavior: 'none', names: [] },
    cookies: NONE,
    queryStrings: NONE,
    enableAcceptEncodingGzip: false,
    enableAcceptEncodingBrotli: false,
    ...over,
  }
  return {
    cache,
    originRequest: undefined,
    responseHeaders: undefined,
    legacy: undefined,
    cachingDisabled: false,
  }
}

type Req = Partial<KeyRequest>
function req(over: Req = {}): KeyRequest {
  return { method: 'GET', uri: '/a', querystring: '', headers: {}, httpVersion: '1.1', ...over }
}

const OPTIMIZED = policies({ enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true })
const QS_ALL = policies({ queryStrings: { behavior: 'all', names: [] } })
const QS_WL = policies({ queryStrings: { behavior: 'whitelist', names: ['a', 'c'] } })
const QS_EX = policies({ queryStrings: { behavior: 'allExcept', names: ['a'] } })
const HDR = policies({ headers: { behavior: 'whitelist', names: ['origin', 'x-v'] } })
const HDR_CF = policies({
  headers: {
    behavior: 'whitelist',
    names: ['cloudfront-viewer-country', 'cloudfront-forwarded-proto'],
  },
})
const CK_WL = policies({ cookies: { behavior: 'whitelist', names: ['session', 'ab-*', 'v?'] } })
const CK_EX = policies({ cookies: { behavior: 'allExcept', names: ['tracking'] } })
const CK_ALL = policies({ cookies: { behavior: 'all', names: [] } })

type Row = [string, BehaviorPolicies, Req, Req, boolean]
const ROWS: readonly Row[] = [
  // Default key: distribution + path only.
  [
    'path only: different Host shares',
    policies(),
    { headers: { host: 'a.com' } },
    { headers: { host: 'b.com' } },
    true,
  ],
  ['path only: query ignored', policies(), { querystring: 'x=1' }, { querystring: 'x=2' }, true],
  [
    'path only: headers and cookies ignored',
    policies(),
    { headers: { cookie: 'a=1', 'x-v': '1' } },
    {},
    true,
  ],
  ['path is case-sensitive', policies(), { uri: '/A' }, { uri: '/a' }, false],
  ['path is taken as given (no decoding)', policies(), { uri: '/a%62' }, { uri: '/ab' }, false],
  ['GET and HEAD share', policies(), { method: 'GET' }, { method: 'HEAD' }, true],
  ['OPTIONS is keyed apart from GET', policies(), { method: 'OPTIONS' }, { method: 'GET' }, false],
  ['OPTIONS with OPTIONS shares', policies(), { method: 'OPTIONS' }, { method: 'OPTIONS' }, true],
  // Query strings.
  [
    'QS all: same query shares',
    QS_ALL,
    { querystring: 'a=1&b=2' },
    { querystring: 'a=1&b=2' },
    true,
  ],
  [
    'QS all: order is significant',
    QS_ALL,
    { querystring: 'a=1&b=2' },
    { querystring: 'b=2&a=1' },
    false,
  ],
  ['QS all: names case-sensitive', QS_ALL, { querystring: 'A=1' }, { querystring: 'a=1' }, false],
  ['QS all: values case-sensitive', QS_ALL, { querystring: 'a=X' }, { querystring: 'a=x' }, false],
  ['QS all: no decoding', QS_ALL, { querystring: 'a=%20' }, { querystring: 'a=+' }, false],
  [
    'QS all: ; is part of the value',
    QS_ALL,
    { querystring: 'a=1;b=2' },
    { querystring: 'a=1&b=2' },
    false,
  ],
  [
    'QS all: signed URL params are ordinary parameters on behaviors without signatures',
    QS_ALL,
    { querystring: 'a=1&Expires=9&Signature=s&Key-Pair-Id=K&Policy=p&Hash-Algorithm=SHA256' },
    { querystring: 'a=1' },
    false,
  ],
  [
    'QS whitelist: unlisted ignored',
    QS_WL,
    { querystring: 'a=1&b=2' },
    { querystring: 'a=1&b=3' },
    true,
  ],
  ['QS whitelist: listed keyed', QS_WL, { querystring: 'a=1' }, { querystring: 'a=2' }, false],
  [
    'QS whitelist: listed order kept',
    QS_WL,
    { querystring: 'a=1&c=2' },
    { querystring: 'c=2&a=1' },
    false,
  ],
  ['QS whitelist: names case-sensitive', QS_WL, { querystring: 'A=1' }, {}, true],
  [
    'QS allExcept: listed ignored',
    QS_EX,
    { querystring: 'a=1&b=2' },
    { querystring: 'a=9&b=2' },
    true,
  ],
  ['QS allExcept: others keyed', QS_EX, { querystring: 'b=1' }, { querystring: 'b=2' }, false],
  ['QS none: query ignored', policies(), { querystring: 'a=1' }, {}, true],
  // Headers.
  [
    'headers: listed value keyed',
    HDR,
    { headers: { origin: 'https://a' } },
    { headers: { origin: 'https://b' } },
    false,
  ],
  [
    'headers: value case-sensitive',
    HDR,
    { headers: { origin: 'https://A' } },
    { headers: { origin: 'https://a' } },
    false,
  ],
  [
    'headers: order in request irrelevant',
    HDR,
    { headers: { origin: 'o', 'x-v': '1' } },
    { headers: { 'x-v': '1', origin: 'o' } },
    true,
  ],
  [
    'headers: unlisted ignored',
    HDR,
    { headers: { accept: 'a' } },
    { headers: { accept: 'b' } },
    true,
  ],
  ['headers: absent ≠ empty', HDR, { headers: {} }, { headers: { origin: '' } }, false],
  [
    'headers: values not confusable across names',
    HDR,
    { headers: { origin: '1:x' } },
    { headers: { 'x-v': '1:x' } },
    false,
  ],
  [
    'headers: CloudFront-* from the edge, not the viewer',
    HDR_CF,
    { viewerCountry: 'US', headers: { 'cloudfront-viewer-country': 'FR' } },
    { viewerCountry: 'US' },
    true,
  ],
  [
    'headers: CloudFront-Viewer-Country keyed',
    HDR_CF,
    { viewerCountry: 'US' },
    { viewerCountry: 'DE' },
    false,
  ],
  [
    'headers: CloudFront-Forwarded-Proto keyed',
    HDR_CF,
    { scheme: 'http' },
    { scheme: 'https' },
    false,
  ],
  // Cookies.
  ['cookies none: ignored', policies(), { headers: { cookie: 'a=1' } }, {}, true],
  [
    'cookies whitelist: listed keyed',
    CK_WL,
    { headers: { cookie: 'session=1' } },
    { headers: { cookie: 'session=2' } },
    false,
  ],
  [
    'cookies whitelist: unlisted ignored',
    CK_WL,
    { headers: { cookie: 'session=1; x=1' } },
    { headers: { cookie: 'session=1' } },
    true,
  ],
  [
    'cookies whitelist: names case-sensitive',
    CK_WL,
    { headers: { cookie: 'Session=1' } },
    {},
    true,
  ],
  [
    'cookies: values case-sensitive',
    CK_WL,
    { headers: { cookie: 'session=A' } },
    { headers: { cookie: 'session=a' } },
    false,
  ],
  [
    'cookies whitelist: * wildcard',
    CK_WL,
    { headers: { cookie: 'ab-test=1' } },
    { headers: { cookie: 'ab-test=2' } },
    false,
  ],
  [
    'cookies whitelist: ? wildcard matches one char',
    CK_WL,
    { headers: { cookie: 'v1=1' } },
    { headers: { cookie: 'v1=2' } },
    false,
  ],
  [
    'cookies whitelist: ? wildcard not two chars',
    CK_WL,
    { headers: { cookie: 'v12=1' } },
    {},
    true,
  ],
  [
    'cookies: sorted by name (order irrelevant)',
    CK_ALL,
    { headers: { cookie: 'b=2; a=1' } },
    { headers: { cookie: 'a=1; b=2' } },
    true,
  ],
  [
    'cookies allExcept: listed ignored',
    CK_EX,
    { headers: { cookie: 'a=1; tracking=1' } },
    { headers: { cookie: 'a=1; tracking=2' } },
    true,
  ],
  [
    'cookies allExcept: others keyed',
    CK_EX,
    { headers: { cookie: 'a=1' } },
    { headers: { cookie: 'a=2' } },
    false,
  ],
  [
    'cookies all: every cookie keyed',
    CK_ALL,
    { headers: { cookie: 'z=1' } },
    { headers: { cookie: 'z=2' } },
    false,
  ],
  [
    'cookies: malformed pairs ignored',
    CK_ALL,
    { headers: { cookie: 'a=1; junk; =x; b c=1' } },
    { headers: { cookie: 'a=1' } },
    true,
  ],
  // Accept-Encoding.
  [
    'AE: normalized value keyed',
    OPTIMIZED,
    { headers: { 'accept-encoding': 'gzip' } },
    { headers: { 'accept-encoding': 'br, gzip' } },
    false,
  ],
  [
    'AE: equivalent values share',
    OPTIMIZED,
    { headers: { 'accept-encoding': 'gzip, deflate, br' } },
    { headers: { 'accept-encoding': 'br,gzip' } },
    true,
  ],
  [
    'AE: identity is not in the key',
    OPTIMIZED,
    { headers: { 'accept-encoding': 'deflate' } },
    {},
    true,
  ],
  [
    'AE: HTTP/1.0 removed',
    OPTIMIZED,
    { httpVersion: '1.0', headers: { 'accept-encoding': 'gzip' } },
    {},
    true,
  ],
  ['AE: flags off, not keyed', policies(), { headers: { 'accept-encoding': 'gzip' } }, {}, true],
]

describe('cache key composition (spec §3.1)', () => {
  for (const [name, p, a, b, same] of ROWS) {
    it(name, () => {
      const ka = cacheKey(req(a), p).key
      const kb = cacheKey(req(b), p).key
      if (same) assert.equal(ka, kb)
      else assert.notEqual(ka, kb)
    })
  }

  it('CachingOptimized key is method class, AE and path', () => {
    const parts = cacheKey(req({ headers: { 'accept-encoding': 'gzip, br' } }), OPTIMIZED)
    assert.deepEqual(parts, { key: '|br,gzip|/a', acceptEncoding: 'br,gzip', keyQuery: '' })
  })

  it('acceptEncoding reports identity though it is not keyed', () => {
    assert.equal(
      cacheKey(req({ headers: { 'accept-encoding': 'zstd' } }), OPTIMIZED).acceptEncoding,
      'identity',
    )
  })

  it('keyQuery keeps surviving pairs exactly as received, in order', () => {
    const q = 'c=%2F&b=1&a=x%20y;z&Signature=s'
    assert.equal(cacheKey(req({ querystring: q }), QS_WL).keyQuery, 'c=%2F&a=x%20y;z')
    assert.equal(
      cacheKey(req({ querystring: q }), QS_ALL).keyQuery,
      'c=%2F&b=1&a=x%20y;z&Signature=s',
    )
  })

  it('a query name is the text before the first =', () => {
    assert.equal(
      selectQuery('a&a=&a=1=2&ab=1&=v', (n) => n === 'a'),
      'a&a=&a=1=2',
    )
  })

  it('the key cannot be forged through component contents', () => {
    const p = policies({
      queryStrings: { behavior: 'all', names: [] },
      headers: { behavior: 'whitelist', names: ['x-v'] },
    })
    const a = cacheKey(req({ querystring: 'a=1|', uri: '/x' }), p).key
    const b = cacheKey(req({ querystring: 'a=1', uri: '|/x' }), p).key
    assert.notEqual(a, b)
  })

  it('compileKeyFunction gives the same parts as cacheKey', () => {
    const r = req({ querystring: 'a=1&c=2', headers: { cookie: 'session=1' } })
    assert.deepEqual(compileKeyFunction(QS_WL)(r), cacheKey(r, QS_WL))
  })

  it('parseCookies keeps well-formed pairs and values as sent', () => {
    assert.deepEqual(parseCookies(['a=1;b="x y"', ' c=; d']), [
      { name: 'a', value: '1' },
      { name: 'b', value: '"x y"' },
      { name: 'c', value: '' },
    ])
  })
})
