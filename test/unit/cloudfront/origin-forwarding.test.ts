// Spec §3.2 (cache policy × origin request policy, every cell per dimension), §3.3 (origin
// column), §3.4 (policy-mode note and every legacy default-table row), §3.5 and §9.2.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type {
  BehaviorPolicies,
  CachePolicy,
  ListBehavior,
  OriginHeaderBehavior,
  OriginRequestPolicy,
} from '../../../proxy/cloudfront/policy-types.js'
import {
  originForwarding,
  type ForwardContext,
  type ForwardRequest,
} from '../../../proxy/cloudfront/origin-forwarding.js'
import { deviceFlags } from '../../../proxy/cloudfront/generated-headers.js'

const EMPTY = { behavior: 'none', names: [] } as const

function cache(over: Partial<CachePolicy> = {}): CachePolicy {
  return {
    id: 'c',
    name: 'c',
    minTtl: 1,
    defaultTtl: 86400,
    maxTtl: 31536000,
    headers: EMPTY,
    cookies: EMPTY,
    queryStrings: EMPTY,
    enableAcceptEncodingGzip: false,
    enableAcceptEncodingBrotli: false,
    ...over,
  }
}

function orp(over: Partial<OriginRequestPolicy>): OriginRequestPolicy {
  return { id: 'o', name: 'o', headers: EMPTY, cookies: EMPTY, queryStrings: EMPTY, ...over }
}

function pol(
  c: Partial<CachePolicy> = {},
  o?: Partial<OriginRequestPolicy>,
  extra: Partial<BehaviorPolicies> = {},
): BehaviorPolicies {
  return {
    cache: cache(c),
    originRequest: o === undefined ? undefined : orp(o),
    responseHeaders: undefined,
    legacy: undefined,
    cachingDisabled: false,
    ...extra,
  }
}

function legacyPol(c: Partial<CachePolicy> = {}, all = { qs: false, headers: false }) {
  return pol(c, undefined, {
    legacy: {
      forwardAllQueryStrings: all.qs,
      forwardAllHeaders: all.headers,
      stripSetCookie: false,
    },
  })
}

const CTX: ForwardContext = {
  host: 'origin.example',
  via: '1.1 d111.cloudfront.net (CloudFront)',
  requestId: 'REQ-ID',
  customHeaders: [],
  viewerCountry: 'US',
}

function fwd(
  p: BehaviorPolicies,
  r: Partial<ForwardRequest> = {},
  ctx: Partial<ForwardContext> = {},
) {
  const request: ForwardRequest = {
    method: 'GET',
    uri: '/a',
    querystring: '',
    headers: {},
    httpVersion: '1.1',
    scheme: 'https',
    clientIp: '203.0.113.9',
    clientPort: 4711,
    hasBody: false,
    ...r,
  }
  return originForwarding(request, p, { ...CTX, ...ctx })
}

const list = (behavior: ListBehavior, names: string[]) => ({ behavior, names })
const KINDS: readonly ListBehavior[] = ['none', 'all', 'whitelist', 'allExcept']

// Cache list {a,b}, ORP list {b,c}; the viewer sends a, b, c, d. Rows: cache kind; columns: ORP kind.
const TABLE: Record<ListBehavior, Record<ListBehavior, string>> = {
  none: { none: '', all: 'abcd', whitelist: 'bc', allExcept: 'ad' },
  all: { none: 'abcd', all: 'abcd', whitelist: 'abcd', allExcept: 'abcd' },
  whitelist: { none: 'ab', all: 'abcd', whitelist: 'abc', allExcept: 'abd' },
  allExcept: { none: 'cd', all: 'abcd', whitelist: 'bcd', allExcept: 'd' },
}

describe('§3.2 resolution table: query strings', () => {
  for (const c of KINDS)
    for (const o of KINDS)
      it(`cache ${c} × ORP ${o} → ${TABLE[c][o] || 'nothing'}`, () => {
        const p = pol({ queryStrings: list(c, ['a', 'b']) }, { queryStrings: list(o, ['b', 'c']) })
        const got = fwd(p, { querystring: 'd=4&c=3&b=2&a=1' }).querystring
        const want = ['d=4', 'c=3', 'b=2', 'a=1'].filter((x) => TABLE[c][o].includes(x[0]!))
        assert.equal(got, want.join('&'))
      })
})

describe('§3.2 resolution table: cookies (sorted by name, §3.4)', () => {
  for (const c of KINDS)
    for (const o of KINDS)
      it(`cache ${c} × ORP ${o} → ${TABLE[c][o] || 'nothing'}`, () => {
        const p = pol({ cookies: list(c, ['a', 'b']) }, { cookies: list(o, ['b', 'c']) })
        const got = fwd(p, { headers: { cookie: 'd=4; c=3; b=2; a=1' } }).headers['cookie']
        const want = ['a=1', 'b=2', 'c=3', 'd=4'].filter((x) => TABLE[c][o].includes(x[0]!))
        assert.equal(got, want.length === 0 ? undefined : want.join('; '))
      })
})

const HEADER_TABLE: Record<'none' | 'whitelist', Record<OriginHeaderBehavior, string>> = {
  none: {
    none: '',
    allViewer: 'abcd',
    whitelist: 'bc',
    allExcept: 'ad',
    allViewerAndWhitelistCloudFront: 'abcd',
  },
  whitelist: {
    none: 'ab',
    allViewer: 'abcd',
    whitelist: 'abc',
    allExcept: 'abd',
    allViewerAndWhitelistCloudFront: 'abcd',
  },
}
const ORP_HEADER_KINDS: readonly OriginHeaderBehavior[] = [
  'none',
  'allViewer',
  'whitelist',
  'allExcept',
  'allViewerAndWhitelistCloudFront',
]

describe('§3.2 resolution table: headers', () => {
  for (const c of ['none', 'whitelist'] as const)
    for (const o of ORP_HEADER_KINDS)
      it(`cache ${c} × ORP ${o} → ${HEADER_TABLE[c][o] || 'defaults only'}`, () => {
        const p = pol(
          { headers: list(c, ['x-a', 'x-b']) as CachePolicy['headers'] },
          { headers: { behavior: o, names: ['x-b', 'x-c'] } },
        )
        const h = fwd(p, { headers: { 'x-a': '1', 'x-b': '2', 'x-c': '3', 'x-d': '4' } }).headers
        const got = ['a', 'b', 'c', 'd'].filter((x) => h[`x-${x}`] !== undefined).join('')
        assert.equal(got, HEADER_TABLE[c][o])
      })
})

describe('§3.2 additional rules', () => {
  it('ORP allExcept Host → Host is the origin DomainName', () => {
    const p = pol({}, { headers: { behavior: 'allExcept', names: ['host'] } })
    assert.equal(fwd(p, { headers: { host: 'viewer.example' } }).headers['host'], 'origin.example')
  })
  it('Authorization in an ORP allow-list has no effect', () => {
    const p = pol({}, { headers: { behavior: 'whitelist', names: ['authorization'] } })
    assert.equal(fwd(p, { headers: { authorization: 'x' } }).headers['authorization'], undefined)
  })
  it('Authorization reaches the origin via the cache policy', () => {
    const p = pol({ headers: list('whitelist', ['authorization']) as CachePolicy['headers'] })
    assert.equal(fwd(p, { headers: { authorization: 'x' } }).headers['authorization'], 'x')
  })
  it('Authorization reaches the origin via ORP allViewer', () => {
    const p = pol({}, { headers: { behavior: 'allViewer', names: [] } })
    assert.equal(fwd(p, { headers: { authorization: 'x' } }).headers['authorization'], 'x')
  })
  it('Accept-Encoding in an ORP is ignored when gzip/br are enabled', () => {
    const p = pol(
      { enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true },
      { headers: { behavior: 'whitelist', names: ['accept-encoding'] } },
    )
    assert.equal(
      fwd(p, { headers: { 'accept-encoding': 'gzip, deflate' } }).headers['accept-encoding'],
      'gzip',
    )
  })
  it('Accept-Encoding is an ordinary header when both flags are off', () => {
    const p = pol({}, { headers: { behavior: 'whitelist', names: ['accept-encoding'] } })
    assert.equal(
      fwd(p, { headers: { 'accept-encoding': 'gzip, deflate' } }).headers['accept-encoding'],
      'gzip, deflate',
    )
  })
})

describe('§3.3 origin column', () => {
  const both = pol({ enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true })
  const rows: [string, BehaviorPolicies, string | undefined, string, string | undefined][] = [
    ['both, viewer both', both, 'gzip, br', '1.1', 'br,gzip'],
    ['both, only gzip', both, 'gzip', '1.1', 'gzip'],
    ['both, only br', both, 'br', '2.0', 'br'],
    ['any flag, neither token → identity', both, 'deflate', '1.1', 'identity'],
    ['gzip flag, gzip with br', pol({ enableAcceptEncodingGzip: true }), 'gzip, br', '1.1', 'gzip'],
    ['br flag, br with gzip', pol({ enableAcceptEncodingBrotli: true }), 'gzip, br', '1.1', 'br'],
    ['both off, not configured → not forwarded', pol(), 'gzip', '1.1', undefined],
    ['absent → not forwarded', both, undefined, '1.1', undefined],
    ['HTTP/1.0 → removed', both, 'gzip', '1.0', undefined],
  ]
  for (const [name, p, ae, version, want] of rows)
    it(name, () => {
      const headers = ae === undefined ? {} : { 'accept-encoding': ae }
      assert.equal(fwd(p, { headers, httpVersion: version }).headers['accept-encoding'], want)
    })
})

const VIEWER = {
  accept: 'text/html',
  'accept-charset': 'utf-8',
  'accept-language': 'en',
  referer: 'https://r',
  authorization: 'Bearer t',
  'cache-control': 'no-cache',
  connection: 'x-hop, keep-alive',
  'x-hop': '1',
  'content-type': 'text/plain',
  'content-length': '3',
  'content-md5': 'md5',
  'content-encoding': 'gzip',
  cookie: 'b=2; a=1',
  date: 'Tue, 01 Jan 2030 00:00:00 GMT',
  from: 'me@example',
  origin: 'https://o',
  warning: '199 - x',
  via: '1.1 upstream',
  expect: '100-continue',
  host: 'viewer.example',
  'if-match': '"e"',
  'if-modified-since': 'Tue, 01 Jan 2030 00:00:00 GMT',
  'if-none-match': '"e"',
  'if-range': '"e"',
  'if-unmodified-since': 'Tue, 01 Jan 2030 00:00:00 GMT',
  'max-forwards': '3',
  pragma: 'no-cache',
  'request-range': 'bytes=0-1',
  'proxy-authenticate': 'x',
  'proxy-authorization': 'x',
  'proxy-connection': 'keep-alive',
  te: 'trailers',
  trailer: 'x',
  range: 'bytes=0-1',
  'transfer-encoding': 'chunked',
  upgrade: 'websocket',
  'user-agent': 'Mozilla/5.0',
  'x-amz-cf-id': 'forged',
  'x-edge-thing': 'x',
  'x-forwarded-for': '198.51.100.1',
  'x-forwarded-proto': 'http',
  'x-real-ip': '1.2.3.4',
  'x-http-method-override': 'DELETE',
  'cloudfront-viewer-country': 'FR',
  'x-custom': 'c',
  'accept-encoding': 'gzip, br',
}

// [row, header, method, legacy headers list, expected value (undefined = removed)]
type LegacyRow = [string, string, string, string[], string | undefined]
const LEGACY: readonly LegacyRow[] = [
  ['Accept removed', 'accept', 'GET', [], undefined],
  ['Accept forwarded when keyed', 'accept', 'GET', ['accept'], 'text/html'],
  ['Accept-Charset removed', 'accept-charset', 'GET', [], undefined],
  ['Accept-Language removed', 'accept-language', 'GET', [], undefined],
  ['Referer removed', 'referer', 'GET', [], undefined],
  ['Referer forwarded when keyed', 'referer', 'GET', ['referer'], 'https://r'],
  ['Accept-Encoding: gzip when offered (§3.3 legacy)', 'accept-encoding', 'GET', [], 'gzip'],
  ['Authorization removed for GET', 'authorization', 'GET', [], undefined],
  ['Authorization removed for HEAD', 'authorization', 'HEAD', [], undefined],
  [
    'Authorization forwarded for OPTIONS when not cached',
    'authorization',
    'OPTIONS',
    [],
    'Bearer t',
  ],
  ['Authorization forwarded for DELETE', 'authorization', 'DELETE', [], 'Bearer t'],
  ['Authorization forwarded for PATCH', 'authorization', 'PATCH', [], 'Bearer t'],
  ['Authorization forwarded for POST', 'authorization', 'POST', [], 'Bearer t'],
  ['Authorization forwarded for PUT', 'authorization', 'PUT', [], 'Bearer t'],
  [
    'Authorization forwarded for GET when keyed',
    'authorization',
    'GET',
    ['authorization'],
    'Bearer t',
  ],
  ['Cache-Control forwarded', 'cache-control', 'GET', [], 'no-cache'],
  ['Connection replaced', 'connection', 'GET', [], 'keep-alive'],
  ['Connection-listed header removed', 'x-hop', 'GET', [], undefined],
  ['Content-Length forwarded', 'content-length', 'POST', [], '3'],
  ['Content-MD5 forwarded', 'content-md5', 'POST', [], 'md5'],
  ['Content-Type forwarded', 'content-type', 'POST', [], 'text/plain'],
  ['Cookie removed unless cookies configured', 'cookie', 'GET', [], undefined],
  ['Date forwarded', 'date', 'GET', [], VIEWER.date],
  ['From forwarded', 'from', 'GET', [], 'me@example'],
  ['Origin forwarded', 'origin', 'GET', [], 'https://o'],
  ['Warning forwarded', 'warning', 'GET', [], '199 - x'],
  ['Via forwarded with CloudFront appended', 'via', 'GET', [], `1.1 upstream, ${CTX.via}`],
  ['Expect removed', 'expect', 'POST', [], undefined],
  ['Host set to the origin DomainName', 'host', 'GET', [], 'origin.example'],
  ['Host forwarded when keyed', 'host', 'GET', ['host'], 'viewer.example'],
  ['If-Match forwarded', 'if-match', 'GET', [], '"e"'],
  ['If-Modified-Since forwarded', 'if-modified-since', 'GET', [], VIEWER['if-modified-since']],
  ['If-None-Match forwarded', 'if-none-match', 'GET', [], '"e"'],
  ['If-Range forwarded', 'if-range', 'GET', [], '"e"'],
  [
    'If-Unmodified-Since forwarded',
    'if-unmodified-since',
    'GET',
    [],
    VIEWER['if-unmodified-since'],
  ],
  ['Max-Forwards forwarded', 'max-forwards', 'GET', [], '3'],
  ['Pragma forwarded', 'pragma', 'GET', [], 'no-cache'],
  ['Request-Range forwarded', 'request-range', 'GET', [], 'bytes=0-1'],
  ['Proxy-Authenticate removed', 'proxy-authenticate', 'GET', [], undefined],
  ['Proxy-Authorization removed', 'proxy-authorization', 'GET', [], undefined],
  ['Proxy-Connection removed', 'proxy-connection', 'GET', [], undefined],
  ['TE removed', 'te', 'GET', [], undefined],
  ['Trailer removed', 'trailer', 'GET', [], undefined],
  ['Range forwarded', 'range', 'GET', [], 'bytes=0-1'],
  [
    'Transfer-Encoding not copied (the origin client frames the body)',
    'transfer-encoding',
    'POST',
    [],
    undefined,
  ],
  ['Upgrade removed', 'upgrade', 'GET', [], undefined],
  ['User-Agent replaced', 'user-agent', 'GET', [], 'Amazon CloudFront'],
  ['User-Agent forwarded when keyed', 'user-agent', 'GET', ['user-agent'], 'Mozilla/5.0'],
  ['X-Amz-Cf-Id added (viewer value replaced)', 'x-amz-cf-id', 'GET', [], 'REQ-ID'],
  ['X-Edge-* removed', 'x-edge-thing', 'GET', [], undefined],
  ['X-Forwarded-For appended', 'x-forwarded-for', 'GET', [], '198.51.100.1, 203.0.113.9'],
  ['X-Forwarded-Proto removed', 'x-forwarded-proto', 'GET', [], undefined],
  ['X-Real-IP removed', 'x-real-ip', 'GET', [], undefined],
  ['X-HTTP-Method-Override removed', 'x-http-method-override', 'GET', [], undefined],
  [
    'X-HTTP-Method-Override forwarded when keyed',
    'x-http-method-override',
    'GET',
    ['x-http-method-override'],
    'DELETE',
  ],
  [
    'CloudFront-* not added unless listed (viewer copy dropped)',
    'cloudfront-viewer-country',
    'GET',
    [],
    undefined,
  ],
  [
    'CloudFront-* generated when listed',
    'cloudfront-viewer-country',
    'GET',
    ['cloudfront-viewer-country'],
    'US',
  ],
  ['any other header forwarded', 'x-custom', 'GET', [], 'c'],
]

describe('§3.4 default table (legacy behaviors)', () => {
  for (const [name, header, method, keyed, want] of LEGACY)
    it(name, () => {
      const p = legacyPol({ headers: { behavior: 'whitelist', names: keyed } })
      const h = fwd(p, {
        method,
        headers: VIEWER,
        hasBody: method !== 'GET' && method !== 'HEAD',
      }).headers
      assert.equal(h[header], want)
    })
  it('Authorization removed for OPTIONS when OPTIONS is cached', () => {
    const h = fwd(
      legacyPol(),
      { method: 'OPTIONS', headers: VIEWER },
      { optionsCached: true },
    ).headers
    assert.equal(h['authorization'], undefined)
  })
  it('Cookie: only configured cookies, sorted by name', () => {
    const p = legacyPol({ cookies: { behavior: 'all', names: [] } })
    assert.equal(fwd(p, { headers: VIEWER }).headers['cookie'], 'a=1; b=2')
  })
  it('Headers ["*"] forwards every viewer header except the hop-by-hop and stripped ones', () => {
    const h = fwd(legacyPol({}, { qs: false, headers: true }), { headers: VIEWER }).headers
    for (const n of ['accept', 'referer', 'user-agent', 'authorization', 'x-custom'] as const)
      assert.equal(h[n], VIEWER[n])
    assert.equal(h['host'], 'viewer.example')
    assert.equal(h['accept-encoding'], 'gzip, br')
    assert.equal(h['x-real-ip'], undefined)
  })
  it('query strings: all when QueryString is true, even if only some are keyed', () => {
    const p = legacyPol({ queryStrings: list('whitelist', ['a']) }, { qs: true, headers: false })
    assert.equal(fwd(p, { querystring: 'b=1&a=2&Signature=x' }).querystring, 'b=1&a=2&Signature=x')
  })
  it('query strings: none when QueryString is false', () => {
    assert.equal(fwd(legacyPol(), { querystring: 'b=1&a=2' }).querystring, '')
  })
})

describe('§3.4 policy-mode note', () => {
  const none = pol()
  it('nothing from the viewer but CloudFront’s own headers', () => {
    const h = fwd(none, { headers: VIEWER }).headers
    assert.deepEqual(Object.keys(h).sort(), [
      'connection',
      'host',
      'user-agent',
      'via',
      'x-amz-cf-id',
      'x-forwarded-for',
    ])
  })
  it('body headers are sent when the request has a body', () => {
    const h = fwd(none, { method: 'POST', headers: VIEWER, hasBody: true }).headers
    assert.equal(h['content-type'], 'text/plain')
    assert.equal(h['content-length'], '3')
    assert.equal(h['content-encoding'], 'gzip')
    assert.equal(h['content-md5'], 'md5')
    assert.equal(h['transfer-encoding'], undefined)
  })
  for (const m of ['DELETE', 'PATCH', 'POST', 'PUT'])
    it(`Authorization sent for ${m}`, () => {
      assert.equal(
        fwd(none, { method: m, headers: VIEWER, hasBody: true }).headers['authorization'],
        'Bearer t',
      )
    })
  for (const m of ['GET', 'HEAD', 'OPTIONS'])
    it(`Authorization not sent for ${m}`, () => {
      assert.equal(fwd(none, { method: m, headers: VIEWER }).headers['authorization'], undefined)
    })
  it('viewer conditionals and Range pass on CachingDisabled behaviors', () => {
    const h = fwd(pol({}, undefined, { cachingDisabled: true }), { headers: VIEWER }).headers
    assert.equal(h['if-none-match'], '"e"')
    assert.equal(h['range'], 'bytes=0-1')
  })
  it('allViewer still never passes hop-by-hop and stripped headers', () => {
    const h = fwd(pol({}, { headers: { behavior: 'allViewer', names: [] } }), {
      headers: VIEWER,
    }).headers
    for (const n of [
      'x-hop',
      'expect',
      'te',
      'upgrade',
      'x-edge-thing',
      'x-real-ip',
      'x-forwarded-proto',
      'proxy-authorization',
      'cloudfront-viewer-country',
    ])
      assert.equal(h[n], undefined, n)
    assert.equal(h['x-amz-cf-id'], 'REQ-ID')
    assert.equal(h['host'], 'viewer.example')
    assert.equal(h['user-agent'], 'Mozilla/5.0')
  })
})

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
const PIXEL =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36'
const TAB = 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Chrome/120 Safari/537.36'
const DESKTOP =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36'
const TV =
  'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/4.0 TV Safari/537.36'

describe('§3.5 generated headers', () => {
  const cf = (names: string[]) => pol({}, { headers: { behavior: 'whitelist', names } })
  const rows: [string, string, Partial<ForwardRequest>, string][] = [
    ['Forwarded-Proto', 'cloudfront-forwarded-proto', { scheme: 'http' }, 'http'],
    ['Viewer-Country from the context', 'cloudfront-viewer-country', {}, 'US'],
    ['Viewer-Address ip:port', 'cloudfront-viewer-address', {}, '203.0.113.9:4711'],
    ['Viewer-Http-Version', 'cloudfront-viewer-http-version', { httpVersion: '2.0' }, '2.0'],
    [
      'Viewer-Header-Count',
      'cloudfront-viewer-header-count',
      { headers: { host: 'h', accept: 'a' } },
      '2',
    ],
    [
      'Viewer-Header-Order from raw headers',
      'cloudfront-viewer-header-order',
      { rawHeaders: ['Host', 'h', 'Accept', 'a'] },
      'Host:Accept',
    ],
    [
      'Is-Mobile-Viewer',
      'cloudfront-is-mobile-viewer',
      { headers: { 'user-agent': IPHONE } },
      'true',
    ],
    [
      'Is-Desktop-Viewer',
      'cloudfront-is-desktop-viewer',
      { headers: { 'user-agent': DESKTOP } },
      'true',
    ],
    [
      'Is-Tablet-Viewer',
      'cloudfront-is-tablet-viewer',
      { headers: { 'user-agent': IPAD } },
      'true',
    ],
    [
      'Is-SmartTV-Viewer',
      'cloudfront-is-smarttv-viewer',
      { headers: { 'user-agent': TV } },
      'true',
    ],
    ['Is-IOS-Viewer', 'cloudfront-is-ios-viewer', { headers: { 'user-agent': IPHONE } }, 'true'],
    [
      'Is-Android-Viewer',
      'cloudfront-is-android-viewer',
      { headers: { 'user-agent': PIXEL } },
      'true',
    ],
    [
      'Is-Mobile-Viewer false on desktop',
      'cloudfront-is-mobile-viewer',
      { headers: { 'user-agent': DESKTOP } },
      'false',
    ],
  ]
  for (const [name, header, r, want] of rows)
    it(name, () => {
      assert.equal(fwd(cf([header]), r).headers[header], want)
    })
  it('viewer-sent value is overwritten when configured', () => {
    const h = fwd(cf(['cloudfront-viewer-country']), {
      headers: { 'cloudfront-viewer-country': 'FR' },
    }).headers
    assert.equal(h['cloudfront-viewer-country'], 'US')
  })
  it('named in the cache policy: added', () => {
    const p = pol({ headers: { behavior: 'whitelist', names: ['cloudfront-forwarded-proto'] } })
    assert.equal(fwd(p).headers['cloudfront-forwarded-proto'], 'https')
  })
  it('allViewerAndWhitelistCloudFront: listed ones added', () => {
    const p = pol(
      {},
      {
        headers: {
          behavior: 'allViewerAndWhitelistCloudFront',
          names: ['cloudfront-viewer-country'],
        },
      },
    )
    assert.equal(fwd(p).headers['cloudfront-viewer-country'], 'US')
  })
  it('allViewer alone adds none', () => {
    const p = pol({}, { headers: { behavior: 'allViewer', names: [] } })
    assert.equal(fwd(p).headers['cloudfront-forwarded-proto'], undefined)
  })
  const devices: [string, string, string][] = [
    ['iPhone', IPHONE, 'mobile ios'],
    ['iPad', IPAD, 'mobile tablet ios'],
    ['Android phone', PIXEL, 'mobile android'],
    ['Android tablet', TAB, 'mobile tablet android'],
    ['desktop', DESKTOP, 'desktop'],
    ['smart TV', TV, 'smartTv'],
    ['no User-Agent', '', 'desktop'],
  ]
  for (const [name, ua, want] of devices)
    it(`device table: ${name}`, () => {
      const d = deviceFlags(ua)
      const got = (['mobile', 'tablet', 'desktop', 'smartTv', 'ios', 'android'] as const).filter(
        (k) => d[k],
      )
      assert.deepEqual(got, want.split(' '))
    })
})

describe('§9.2 CloudFront’s own headers', () => {
  it('Host, User-Agent, Via, X-Forwarded-For, X-Amz-Cf-Id, Connection', () => {
    const h = fwd(pol(), { headers: { host: 'v', 'user-agent': 'ua' } }).headers
    assert.deepEqual(
      { ...h },
      {
        host: 'origin.example',
        'user-agent': 'Amazon CloudFront',
        via: CTX.via,
        'x-forwarded-for': '203.0.113.9',
        'x-amz-cf-id': 'REQ-ID',
        connection: 'keep-alive',
      },
    )
  })
  it('Host forwarded by an ORP allow-list', () => {
    const p = pol({}, { headers: { behavior: 'whitelist', names: ['host'] } })
    assert.equal(fwd(p, { headers: { host: 'v' } }).headers['host'], 'v')
  })
  it('origin custom headers overwrite same-named headers', () => {
    const p = pol({}, { headers: { behavior: 'allViewer', names: [] } })
    const h = fwd(
      p,
      { headers: { 'x-secret': 'viewer' } },
      {
        customHeaders: [
          { name: 'X-Secret', value: 'origin' },
          { name: 'X-Other', value: 'o' },
        ],
      },
    ).headers
    assert.equal(h['x-secret'], 'origin')
    assert.equal(h['x-other'], 'o')
  })
})
