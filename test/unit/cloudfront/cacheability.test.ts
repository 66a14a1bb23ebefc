// Spec §4.1 methods, §4.3 status codes and error caching, §4.2 TTL-0 storage, §4.5 Vary and
// Set-Cookie, §11.1 collapsing of uncacheable results.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderRecord } from '../../../proxy/http-types.js'
import {
  decideCaching,
  isUncacheableForCollapsing,
  varyAction,
} from '../../../proxy/cloudfront/cacheability.js'
import type { CachingDecision, CachingInput } from '../../../proxy/cloudfront/cacheability.js'
import { keepUntilMs } from '../../../proxy/cloudfront/freshness.js'

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0)
const at = (offsetSeconds: number): string => new Date(NOW + offsetSeconds * 1000).toUTCString()

function decide(over: Partial<CachingInput> = {}): CachingDecision {
  return decideCaching({
    method: 'GET',
    status: 200,
    headers: {},
    nowMs: NOW,
    policy: { minTtl: 0, defaultTtl: 1000, maxTtl: 10_000 },
    cachedMethods: new Set(['GET', 'HEAD']),
    errorCachingMinTtl: undefined,
    cachingDisabled: false,
    ...over,
  })
}

/** A compact view: `ttl reason` when stored, `no: reason` when not. */
function summary(d: CachingDecision): string {
  return d.store ? `${d.ttlSeconds} ${d.reason}` : `no: ${d.reason}`
}

const MAX_AGE: HeaderRecord = { 'cache-control': 'max-age=60' }

describe('methods (§4.1)', () => {
  const WITH_OPTIONS = new Set(['GET', 'HEAD', 'OPTIONS'])
  const ROWS: readonly [string, ReadonlySet<string> | undefined, string][] = [
    ['GET', undefined, '1000 default-ttl'],
    ['HEAD', undefined, '1000 default-ttl'],
    ['HEAD', new Set<string>(), '1000 default-ttl'],
    ['OPTIONS', undefined, 'no: method'],
    ['OPTIONS', WITH_OPTIONS, '1000 default-ttl'],
    ['POST', undefined, 'no: method'],
    ['POST', new Set(['POST']), 'no: method'],
    ['PUT', WITH_OPTIONS, 'no: method'],
    ['PATCH', WITH_OPTIONS, 'no: method'],
    ['DELETE', WITH_OPTIONS, 'no: method'],
    ['get', undefined, 'no: method'],
  ]
  for (const [method, cachedMethods, expected] of ROWS) {
    it(`${method}${cachedMethods ? ` with CachedMethods [${[...cachedMethods].join(',')}]` : ''} → ${expected}`, () => {
      assert.equal(
        summary(decide({ method, ...(cachedMethods ? { cachedMethods } : {}) })),
        expected,
      )
    })
  }
  it('CachingDisabled → never stored', () => {
    assert.equal(
      summary(decide({ cachingDisabled: true, headers: MAX_AGE })),
      'no: caching-disabled',
    )
    assert.equal(summary(decide({ cachingDisabled: true, status: 404 })), 'no: caching-disabled')
  })
  it('incomplete body → not stored', () => {
    assert.equal(summary(decide({ contentLengthValid: false })), 'no: incomplete')
    assert.equal(summary(decide({ contentLengthValid: true })), '1000 default-ttl')
  })
})

describe('statuses cached per the TTL rules (§4.3)', () => {
  for (const status of [200, 203, 204, 206, 300, 301, 302, 303]) {
    it(`${status}: no headers → DefaultTTL, max-age=60 → 60`, () => {
      assert.equal(summary(decide({ status })), '1000 default-ttl')
      assert.equal(summary(decide({ status, headers: MAX_AGE })), '60 max-age')
      const d = decide({ status })
      assert.equal(d.store && d.isError, false)
    })
  }
  for (const status of [307, 308]) {
    it(`${status}: stored only with a Cache-Control header`, () => {
      assert.equal(summary(decide({ status })), 'no: redirect-needs-cache-control')
      assert.equal(
        summary(decide({ status, headers: { expires: at(60) } })),
        'no: redirect-needs-cache-control',
      )
      assert.equal(
        summary(decide({ status, headers: { 'cache-control': ' ' } })),
        'no: redirect-needs-cache-control',
      )
      assert.equal(summary(decide({ status, headers: MAX_AGE })), '60 max-age')
      assert.equal(
        summary(decide({ status, headers: { 'cache-control': 'public' } })),
        '1000 default-ttl',
      )
    })
  }
  it('304 is never stored', () => {
    assert.equal(summary(decide({ status: 304, headers: MAX_AGE })), 'no: not-modified')
  })
  it('416 is never stored, even with max-age and ErrorCachingMinTTL', () => {
    assert.equal(summary(decide({ status: 416 })), 'no: range-not-satisfiable')
    assert.equal(
      summary(decide({ status: 416, headers: MAX_AGE, errorCachingMinTtl: 300 })),
      'no: range-not-satisfiable',
    )
  })
  for (const status of [
    100, 201, 202, 205, 207, 305, 401, 402, 407, 409, 418, 422, 429, 505, 511,
  ]) {
    it(`${status}: not stored, with or without max-age`, () => {
      assert.equal(summary(decide({ status })), 'no: status')
      assert.equal(summary(decide({ status, headers: MAX_AGE })), 'no: status')
    })
  }
})

describe('error caching (§4.3)', () => {
  for (const status of [404, 410, 414, 500, 501, 502, 503, 504]) {
    it(`${status}: always cached, ErrorCachingMinTTL floor`, () => {
      assert.equal(summary(decide({ status })), '10 error-caching-min-ttl')
      assert.equal(summary(decide({ status, headers: MAX_AGE })), '60 max-age')
      assert.equal(
        summary(decide({ status, errorCachingMinTtl: 300 })),
        '300 error-caching-min-ttl',
      )
      const d = decide({ status })
      assert.equal(d.store && d.isError, true)
    })
  }
  for (const status of [400, 403, 405, 412, 415]) {
    it(`${status}: cached only with origin max-age or s-maxage`, () => {
      assert.equal(summary(decide({ status })), 'no: status-needs-max-age')
      assert.equal(summary(decide({ status, errorCachingMinTtl: 300 })), 'no: status-needs-max-age')
      assert.equal(
        summary(decide({ status, headers: { expires: at(60) } })),
        'no: status-needs-max-age',
      )
      assert.equal(
        summary(decide({ status, headers: { 'cache-control': 'no-cache' } })),
        'no: status-needs-max-age',
      )
      assert.equal(summary(decide({ status, headers: MAX_AGE })), '60 max-age')
      assert.equal(
        summary(decide({ status, headers: { 'cache-control': 's-maxage=60' } })),
        '60 s-maxage',
      )
      assert.equal(
        summary(decide({ status, headers: { 'cache-control': 'max-age=5' } })),
        '10 error-caching-min-ttl',
      )
    })
  }
  const ROWS: readonly [string, Partial<CachingInput>, string][] = [
    [
      'origin max-age below the floor',
      { headers: { 'cache-control': 'max-age=5' } },
      '10 error-caching-min-ttl',
    ],
    [
      's-maxage beats max-age',
      { headers: { 'cache-control': 'max-age=5, s-maxage=60' } },
      '60 s-maxage',
    ],
    ['Expires counts', { headers: { expires: at(60) } }, '60 expires'],
    [
      'no-store does not shorten',
      { headers: { 'cache-control': 'no-store' } },
      '10 error-caching-min-ttl',
    ],
    [
      'no-cache does not shorten',
      { headers: { 'cache-control': 'no-cache, max-age=60' } },
      '60 max-age',
    ],
    [
      'private does not shorten',
      { headers: { 'cache-control': 'private' } },
      '10 error-caching-min-ttl',
    ],
    [
      'must-revalidate does not shorten',
      { headers: { 'cache-control': 'must-revalidate' } },
      '10 error-caching-min-ttl',
    ],
    [
      'origin value capped at MaxTTL',
      { headers: { 'cache-control': 'max-age=99999' } },
      '10000 max-age',
    ],
    [
      'floor above MaxTTL still applies',
      { headers: { 'cache-control': 'max-age=99999' }, errorCachingMinTtl: 20_000 },
      '20000 error-caching-min-ttl',
    ],
    [
      'MinTTL does not apply to errors',
      { policy: { minTtl: 500, defaultTtl: 1000, maxTtl: 10_000 } },
      '10 error-caching-min-ttl',
    ],
    [
      'ErrorCachingMinTTL 0, no origin TTL → not stored',
      { errorCachingMinTtl: 0 },
      'no: error-ttl-zero',
    ],
    [
      'ErrorCachingMinTTL 0 + max-age=60',
      { errorCachingMinTtl: 0, headers: MAX_AGE },
      '60 max-age',
    ],
    [
      'ErrorCachingMinTTL 0 + max-age=0',
      { errorCachingMinTtl: 0, headers: { 'cache-control': 'max-age=0' } },
      'no: error-ttl-zero',
    ],
  ]
  for (const [label, over, expected] of ROWS) {
    it(`404: ${label} → ${expected}`, () => {
      assert.equal(summary(decide({ status: 404, ...over })), expected)
    })
  }
  it('errors: clamp reported, no stale-while-revalidate, directives passed through', () => {
    const d = decide({
      status: 503,
      headers: {
        'cache-control':
          'max-age=99999, must-revalidate, stale-while-revalidate=30, stale-if-error=60',
      },
    })
    assert.ok(d.store)
    assert.equal(d.clamped, 'max')
    assert.equal(d.staleWhileRevalidateSeconds, 0)
    assert.equal(d.staleIfErrorSeconds, 60)
    assert.equal(d.mustRevalidate, true)
  })
})

describe('TTL 0 storage (§4.2)', () => {
  const MINP = { minTtl: 100, defaultTtl: 1000, maxTtl: 10_000 }
  const ROWS: readonly [string, string, number, string][] = [
    ['no-store', 'no-store', 0, 'no: no-store'],
    ['private', 'private', 0, 'no: private'],
    ['no-cache', 'no-cache', 0, '0 no-cache'],
    ['max-age=0', 'max-age=0', 0, '0 max-age'],
    ['s-maxage=0', 's-maxage=0', 0, '0 s-maxage'],
    ['no-store', 'no-store', 100, '100 no-store'],
    ['private', 'private', 100, '100 private'],
    ['no-cache', 'no-cache', 100, '100 no-cache'],
    ['max-age=0', 'max-age=0', 100, '100 max-age'],
  ]
  for (const [label, cc, minTtl, expected] of ROWS) {
    it(`${label} with MinTTL ${minTtl} → ${expected}`, () => {
      const policy = minTtl === 0 ? { minTtl: 0, defaultTtl: 1000, maxTtl: 10_000 } : MINP
      assert.equal(summary(decide({ headers: { 'cache-control': cc }, policy })), expected)
    })
  }
  it('past Expires with MinTTL 0 → stored with TTL 0', () => {
    assert.equal(summary(decide({ headers: { expires: at(-10) } })), '0 expires')
  })
})

describe('stale directives and Set-Cookie (§4.2, §4.4)', () => {
  const MINP = { minTtl: 100, defaultTtl: 1000, maxTtl: 10_000 }
  type Row = [
    string,
    string | undefined,
    Partial<CachingInput>,
    [number, number | undefined, boolean, boolean],
  ]
  const ROWS: readonly Row[] = [
    ['none given', undefined, {}, [0, undefined, false, true]],
    [
      'both windows',
      'max-age=60, stale-while-revalidate=30, stale-if-error=600',
      {},
      [30, 600, false, true],
    ],
    ['stale-if-error=0 disables', 'max-age=60, stale-if-error=0', {}, [0, 0, false, true]],
    ['must-revalidate', 'max-age=60, must-revalidate', {}, [0, undefined, true, true]],
    ['proxy-revalidate', 'max-age=60, proxy-revalidate', {}, [0, undefined, true, true]],
    [
      'no-cache with MinTTL > 0: no SWR, SIE kept',
      'no-cache, stale-while-revalidate=30, stale-if-error=0',
      { policy: MINP },
      [0, 0, false, true],
    ],
    [
      'no-cache="Set-Cookie" keeps Set-Cookie out',
      'no-cache="Set-Cookie", max-age=60',
      {},
      [0, undefined, false, false],
    ],
    [
      'private="Set-Cookie" with MinTTL > 0',
      'private="set-cookie"',
      { policy: MINP },
      [0, undefined, false, false],
    ],
    [
      'no-cache="X-Other" keeps Set-Cookie',
      'no-cache="X-Other", max-age=60',
      {},
      [0, undefined, false, true],
    ],
    ['unqualified no-cache keeps Set-Cookie', 'no-cache', {}, [0, undefined, false, true]],
  ]
  for (const [label, cc, over, [swr, sie, mustRevalidate, storeSetCookie]] of ROWS) {
    it(label, () => {
      const d = decide({ headers: cc === undefined ? {} : { 'cache-control': cc }, ...over })
      assert.ok(d.store)
      assert.deepEqual(
        [d.staleWhileRevalidateSeconds, d.staleIfErrorSeconds, d.mustRevalidate, d.storeSetCookie],
        [swr, sie, mustRevalidate, storeSetCookie],
      )
    })
  }
  it('stale windows are not clamped by MaxTTL (§4.4)', () => {
    const d = decide({ headers: { 'cache-control': 'max-age=99999, stale-if-error=86400' } })
    assert.ok(d.store)
    assert.equal(d.ttlSeconds, 10_000)
    assert.equal(d.staleIfErrorSeconds, 86_400)
    const entry = { storedAtMs: NOW, originAgeSeconds: 0, ...d }
    assert.equal(keepUntilMs(entry), NOW + (10_000 + 86_400) * 1000)
  })
})

describe('collapsing of uncacheable results (§11.1)', () => {
  const MINP = { minTtl: 100, defaultTtl: 1000, maxTtl: 10_000 }
  for (const cc of ['private', 'no-store', 'no-cache', 'max-age=0', 's-maxage=0']) {
    it(`${cc}: MinTTL 0 → waiters go to origin; MinTTL > 0 → they share it`, () => {
      const headers = { 'cache-control': cc }
      assert.equal(isUncacheableForCollapsing(decide({ headers })), true)
      assert.equal(isUncacheableForCollapsing(decide({ headers, policy: MINP })), false)
    })
  }
  it('cacheable responses collapse; CachingDisabled does not', () => {
    assert.equal(isUncacheableForCollapsing(decide({ headers: MAX_AGE })), false)
    assert.equal(isUncacheableForCollapsing(decide({})), false)
    assert.equal(isUncacheableForCollapsing(decide({ cachingDisabled: true })), true)
  })
})

describe('Vary rewriting (§4.5)', () => {
  const DEVICE = ['cloudfront-is-mobile-viewer']
  type Row = [string | string[] | undefined, readonly string[], string | undefined, boolean]
  const ROWS: readonly Row[] = [
    [undefined, [], undefined, false],
    ['', [], undefined, false],
    ['Accept-Encoding', [], 'Accept-Encoding', false],
    ['Cookie', [], 'Cookie', false],
    ['Accept-Encoding, Cookie', [], 'Accept-Encoding, Cookie', false],
    ['Origin', [], undefined, false],
    ['Origin', ['origin'], 'Origin', false],
    ['Accept-Encoding, Origin, X-Foo', ['x-foo'], 'Accept-Encoding, X-Foo', false],
    ['X-Foo', ['X-Foo'], 'X-Foo', false],
    ['User-Agent', [], undefined, false],
    ['User-Agent', DEVICE, 'User-Agent', false],
    ['Accept-Encoding, accept-encoding', [], 'Accept-Encoding', false],
    [['Accept-Encoding', 'Cookie, Origin'], [], 'Accept-Encoding, Cookie', false],
    [' Accept-Encoding ,, Origin ', [], 'Accept-Encoding', false],
    ['*', [], '*', true],
    ['Accept-Encoding, *', [], '*', true],
  ]
  for (const [vary, keyed, expected, bypass] of ROWS) {
    it(`Vary ${JSON.stringify(vary)} keyed [${keyed.join(',')}] → ${String(expected)}`, () => {
      assert.deepEqual(varyAction(vary, keyed), {
        store: true,
        bypassCache: bypass,
        vary: expected,
        secondaryKeyHeaders: [],
      })
    })
  }
})
