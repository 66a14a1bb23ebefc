// The example CloudFront Functions (functions/examples/*.js, spec §7) run through the real
// viewer runtime: one table of rows per function, each row an event in and what comes back.
// Every result must also pass the edge's result validation (§7.3), or it would be a 502.
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { loadKeyValueStore } from '../../../functions/viewer/kvs.js'
import {
  interpretViewerRequestResult,
  interpretViewerResponseResult,
} from '../../../functions/viewer/result.js'
import { compileViewerFunction, initViewerRuntime } from '../../../functions/viewer/runtime.js'
import type {
  CfEvent,
  CfRequest,
  CfResponse,
  CfValue,
  KeyValueStore,
  ViewerFunction,
} from '../../../functions/viewer/types.js'

// Tests run from dist/test/unit/functions/: four levels up is the repo root.
const ROOT = new URL('../../../../', import.meta.url)
const EXAMPLES = new URL('functions/examples/', ROOT)
const JWT_DATA = new URL('data/jwt-secrets.json', EXAMPLES)

/** What a viewer-request function returns when it answers the viewer itself (§7.3). */
interface Generated {
  statusCode: number
  statusDescription?: string
  headers: Record<string, CfValue>
  body?: unknown
}

const compiled: ViewerFunction[] = []
const jwtStore = (): KeyValueStore =>
  loadKeyValueStore({ name: 'jwt-secrets', file: fileURLToPath(JWT_DATA) })

function load(name: string, kvs?: KeyValueStore): ViewerFunction {
  const fn = compileViewerFunction({
    name,
    runtime: 'cloudfront-js-2.0',
    code: readFileSync(new URL(`${name}.js`, EXAMPLES), 'utf8'),
    kvs,
  })
  compiled.push(fn)
  return fn
}

function run(fn: ViewerFunction, event: CfEvent): unknown {
  const inv = fn.invoke(event)
  if (!inv.ok) assert.fail(`${fn.name}: ${inv.error}: ${inv.message} ${inv.logs.join(' | ')}`)
  const outcome =
    event.context.eventType === 'viewer-request'
      ? interpretViewerRequestResult(inv.result, event)
      : interpretViewerResponseResult(inv.result, event)
  if (outcome.kind === 'invalid') assert.fail(`${fn.name}: invalid result: ${outcome.reason}`)
  return inv.result
}

const runRequest = (fn: ViewerFunction, event: CfEvent): CfRequest => {
  const r = run(fn, event) as CfRequest & { statusCode?: number }
  assert.equal(r.statusCode, undefined, 'expected the request, got a generated response')
  return r
}
const runGenerated = (fn: ViewerFunction, event: CfEvent): Generated => {
  const r = run(fn, event) as Partial<Generated>
  assert.equal(typeof r.statusCode, 'number', 'expected a generated response')
  return r as Generated
}

function viewerRequest(uri: string, over: Partial<CfRequest> = {}): CfEvent {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '198.51.100.11' },
    request: {
      method: 'GET',
      uri,
      querystring: {},
      headers: { host: { value: 'www.example.com' } },
      cookies: {},
      ...over,
    },
  }
}

function viewerResponse(headers: Record<string, CfValue>): CfEvent {
  const response: CfResponse = { statusCode: 200, statusDescription: 'OK', headers, cookies: {} }
  return { ...viewerRequest('/index.html'), context: { eventType: 'viewer-response' }, response }
}

const valueOf = (headers: Record<string, CfValue>, name: string): string | undefined =>
  headers[name]?.value

before(async () => {
  await initViewerRuntime()
})
after(() => {
  for (const fn of compiled) fn.dispose()
})

describe('functions/examples: every file deploys to AWS as is (§7.1)', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.js'))
  it('has the six examples', () => {
    assert.deepEqual(files.sort(), [
      'ab-test.js',
      'jwt-auth.js',
      'normalize-query.js',
      'redirect-by-country.js',
      'security-headers.js',
      'spa-rewrite.js',
    ])
  })
  for (const file of files) {
    it(`${file}: at most 10 KB, a global handler, nothing exported`, () => {
      const code = readFileSync(new URL(file, EXAMPLES))
      assert.ok(code.length <= 10 * 1024, `${String(code.length)} bytes`)
      const text = code.toString('utf8')
      assert.match(text, /^(async )?function handler\(event\)/m)
      assert.doesNotMatch(text, /^\s*export\b/m)
      assert.match(text, /^\/\/ Event: +viewer-(request|response)/m)
    })
  }
})

describe('security-headers (viewer-response)', () => {
  let fn: ViewerFunction
  before(() => {
    fn = load('security-headers')
  })
  const ORIGIN = {
    'content-type': { value: 'text/html; charset=utf-8' },
    'content-length': { value: '1024' },
    'cache-control': { value: 'public, max-age=300' },
    etag: { value: '"abc"' },
    'last-modified': { value: 'Mon, 02 Nov 2026 10:00:00 GMT' },
  }
  const ADDED = {
    'strict-transport-security': 'max-age=63072000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  }
  const CSP =
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

  const rows: {
    name: string
    origin: Record<string, CfValue>
    expect: Record<string, string | undefined>
  }[] = [
    {
      name: 'adds all five to a response without them and keeps the origin headers',
      origin: ORIGIN,
      expect: {
        ...ADDED,
        'content-security-policy': CSP,
        'content-type': 'text/html; charset=utf-8',
      },
    },
    {
      name: 'keeps a CSP the origin set',
      origin: { ...ORIGIN, 'content-security-policy': { value: "default-src 'none'" } },
      expect: { ...ADDED, 'content-security-policy': "default-src 'none'" },
    },
    {
      name: 'adds no enforcing CSP next to an origin CSP-Report-Only',
      origin: {
        ...ORIGIN,
        'content-security-policy-report-only': { value: "default-src 'self'" },
      },
      expect: {
        ...ADDED,
        'content-security-policy': undefined,
        'content-security-policy-report-only': "default-src 'self'",
      },
    },
    {
      name: 'enforces the other four over what the origin sent',
      origin: {
        ...ORIGIN,
        'x-frame-options': { value: 'SAMEORIGIN' },
        'strict-transport-security': { value: 'max-age=60' },
      },
      expect: ADDED,
    },
    {
      name: 'replaces a repeated header with one line',
      origin: {
        ...ORIGIN,
        'referrer-policy': {
          value: 'unsafe-url',
          multiValue: [{ value: 'unsafe-url' }, { value: 'origin' }],
        },
      },
      expect: ADDED,
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const res = run(fn, viewerResponse(row.origin)) as CfResponse
      assert.equal(res.statusCode, 200)
      for (const [name, value] of Object.entries(row.expect)) {
        assert.equal(valueOf(res.headers, name), value, name)
      }
      for (const name of Object.keys(ADDED)) assert.equal(res.headers[name]?.multiValue, undefined)
      for (const name of Object.keys(ORIGIN)) assert.ok(res.headers[name], `${name} kept`)
    })
  }
  it('leaves status and response cookies alone', () => {
    const event = viewerResponse(ORIGIN)
    event.response!.statusCode = 201
    event.response!.cookies = { id: { value: '1', attributes: 'Path=/; Secure' } }
    const res = run(fn, event) as CfResponse
    assert.equal(res.statusCode, 201)
    assert.deepEqual(res.cookies, { id: { value: '1', attributes: 'Path=/; Secure' } })
  })
})

describe('spa-rewrite (viewer-request)', () => {
  let fn: ViewerFunction
  before(() => {
    fn = load('spa-rewrite')
  })
  const rows: [uri: string, expected: string][] = [
    ['/about', '/index.html'],
    ['/users/42', '/index.html'],
    ['/settings/', '/index.html'],
    ['/v1.2/intro', '/index.html'],
    ['/.hidden', '/index.html'],
    ['/', '/'],
    ['/app.js', '/app.js'],
    ['/img/logo.png', '/img/logo.png'],
    ['/v1.2/notes.txt', '/v1.2/notes.txt'],
    ['/index.html', '/index.html'],
    ['/.well-known/acme-challenge/x1y2', '/.well-known/acme-challenge/x1y2'],
  ]
  for (const [uri, expected] of rows) {
    it(`${uri} → ${expected}`, () => {
      assert.equal(runRequest(fn, viewerRequest(uri)).uri, expected)
    })
  }
  it('keeps the query string, headers and cookies', () => {
    const over = {
      querystring: { tab: { value: 'billing' } },
      cookies: { session: { value: 's1' } },
    }
    const req = runRequest(fn, viewerRequest('/account', over))
    assert.equal(req.uri, '/index.html')
    assert.deepEqual(req.querystring, over.querystring)
    assert.deepEqual(req.cookies, over.cookies)
    assert.equal(valueOf(req.headers, 'host'), 'www.example.com')
  })
})

describe('redirect-by-country (viewer-request)', () => {
  let fn: ViewerFunction
  before(() => {
    fn = load('redirect-by-country')
  })
  const withCountry = (cc: string | undefined, uri: string, over: Partial<CfRequest> = {}) => {
    const headers: Record<string, CfValue> = { host: { value: 'www.example.com' } }
    if (cc !== undefined) headers['cloudfront-viewer-country'] = { value: cc }
    return viewerRequest(uri, { headers, ...over })
  }
  const redirects: [cc: string, uri: string, over: Partial<CfRequest>, location: string][] = [
    ['DE', '/shop/shoes', {}, '/de/shop/shoes'],
    ['FR', '/', {}, '/fr/'],
    ['AT', '/about', {}, '/de/about'],
    ['de', '/shop', {}, '/de/shop'],
    ['DE', '/deals', {}, '/de/deals'],
    ['DE', '/fresh', {}, '/de/fresh'],
    [
      'DE',
      '/shop',
      {
        querystring: {
          color: { value: 'red' },
          tag: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b%20c' }] },
          flag: { value: '' },
        },
      },
      '/de/shop?color=red&tag=a&tag=b%20c&flag',
    ],
    ['FR', '/shop', { method: 'HEAD' }, '/fr/shop'],
  ]
  for (const [cc, uri, over, location] of redirects) {
    it(`${cc} ${over.method ?? 'GET'} ${uri} → 302 ${location}`, () => {
      const res = runGenerated(fn, withCountry(cc, uri, over))
      assert.equal(res.statusCode, 302)
      assert.equal(valueOf(res.headers, 'location'), location)
    })
  }
  const passes: [why: string, cc: string | undefined, uri: string, method: string][] = [
    ['already under its prefix', 'DE', '/de/shop', 'GET'],
    ['exactly its prefix', 'DE', '/de', 'GET'],
    ['under another country’s prefix', 'DE', '/fr/shop', 'GET'],
    ['a country not in the map', 'US', '/shop', 'GET'],
    ['no CloudFront-Viewer-Country header', undefined, '/shop', 'GET'],
    ['a POST', 'DE', '/checkout', 'POST'],
  ]
  for (const [why, cc, uri, method] of passes) {
    it(`passes ${method} ${uri} for ${why}`, () => {
      const event = withCountry(cc, uri, { method })
      assert.deepEqual(runRequest(fn, event), event.request)
    })
  }
})

describe('jwt-auth (viewer-request, KVS jwt-secret)', () => {
  let fn: ViewerFunction
  let secret: string
  before(() => {
    const kvs = jwtStore()
    secret = kvs.get('jwt-secret')!
    fn = load('jwt-auth', kvs)
  })
  const b64u = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  function jwt(
    claims: Record<string, unknown>,
    opts: { key?: string; header?: Record<string, unknown> } = {},
  ): string {
    const signing = `${b64u(opts.header ?? { alg: 'HS256', typ: 'JWT' })}.${b64u(claims)}`
    const sig = createHmac('sha256', opts.key ?? secret)
      .update(signing)
      .digest('base64url')
    return `${signing}.${sig}`
  }
  const now = () => Math.floor(Date.now() / 1000)
  const bearer = (token: string, over: Partial<CfRequest> = {}) =>
    viewerRequest('/api/orders', {
      headers: { host: { value: 'www.example.com' }, authorization: { value: `Bearer ${token}` } },
      ...over,
    })

  it('accepts a valid Bearer token and strips it', () => {
    const token = jwt({ sub: 'u1', exp: now() + 3600 })
    const req = runRequest(
      fn,
      bearer(token, { cookies: { token: { value: 'stale' }, lang: { value: 'en' } } }),
    )
    assert.equal(req.uri, '/api/orders')
    assert.equal(req.headers['authorization'], undefined)
    assert.equal(valueOf(req.headers, 'host'), 'www.example.com')
    assert.deepEqual(req.cookies, { lang: { value: 'en' } })
  })
  it('accepts a valid token cookie, strips it and keeps a Basic Authorization', () => {
    const token = jwt({ sub: 'u1', exp: now() + 3600 })
    const event = viewerRequest('/api/orders', {
      headers: { host: { value: 'h' }, authorization: { value: 'Basic dTpw' } },
      cookies: { token: { value: token }, lang: { value: 'en' } },
    })
    const req = runRequest(fn, event)
    assert.deepEqual(req.cookies, { lang: { value: 'en' } })
    assert.equal(valueOf(req.headers, 'authorization'), 'Basic dTpw')
  })
  it('accepts a token whose nbf has passed', () => {
    const token = jwt({ sub: 'u1', nbf: now() - 60, exp: now() + 60 })
    assert.equal(runRequest(fn, bearer(token)).headers['authorization'], undefined)
  })
  it('accepts a lowercase bearer scheme', () => {
    const token = jwt({ exp: now() + 60 })
    const event = viewerRequest('/x', { headers: { authorization: { value: `bearer ${token}` } } })
    assert.equal(runRequest(fn, event).uri, '/x')
  })

  const invalid = (claims: Record<string, unknown>, opts?: Parameters<typeof jwt>[1]) =>
    bearer(jwt(claims, opts))
  const rejects: [name: string, event: () => CfEvent, challenge: string][] = [
    ['no token at all', () => viewerRequest('/api/orders'), 'Bearer realm="edgeproxy"'],
    [
      'an expired token',
      () => invalid({ exp: now() - 1 }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'a token expiring this second',
      () => invalid({ exp: now() }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'a token not valid before the future',
      () => invalid({ nbf: now() + 3600, exp: now() + 7200 }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'a token signed with another secret',
      () => invalid({ exp: now() + 3600 }, { key: 'not-the-secret' }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'a tampered payload',
      () => {
        const [h, , s] = jwt({ sub: 'u1', exp: now() + 3600 }).split('.')
        return bearer(`${h!}.${b64u({ sub: 'admin', exp: now() + 3600 })}.${s!}`)
      },
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'alg none',
      () => {
        const [h, p] = jwt({ exp: now() + 3600 }, { header: { alg: 'none' } }).split('.')
        return bearer(`${h!}.${p!}.`)
      },
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'alg HS512 signed with the secret',
      () => invalid({ exp: now() + 3600 }, { header: { alg: 'HS512' } }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'no exp claim',
      () => invalid({ sub: 'u1' }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    [
      'a string exp',
      () => invalid({ exp: String(now() + 3600) }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
    ['garbage', () => bearer('not-a-jwt'), 'Bearer realm="edgeproxy", error="invalid_token"'],
    [
      'a bad token cookie',
      () => viewerRequest('/api', { cookies: { token: { value: 'a.b.c' } } }),
      'Bearer realm="edgeproxy", error="invalid_token"',
    ],
  ]
  for (const [name, event, challenge] of rejects) {
    it(`401 for ${name}`, () => {
      const res = runGenerated(fn, event())
      assert.equal(res.statusCode, 401)
      assert.equal(valueOf(res.headers, 'www-authenticate'), challenge)
      assert.equal(valueOf(res.headers, 'cache-control'), 'no-store')
    })
  }

  it('fails closed with a function error (503 at the edge) when the secret is missing', () => {
    const empty: KeyValueStore = {
      name: 'empty',
      id: 'empty',
      arn: undefined,
      get: () => undefined,
      meta: () => ({
        creationDateTime: '2026-01-01T00:00:00.000Z',
        lastUpdatedDateTime: '2026-01-01T00:00:00.000Z',
        keyCount: 0,
      }),
    }
    const noSecret = load('jwt-auth', empty)
    const inv = noSecret.invoke(bearer(jwt({ exp: now() + 3600 })))
    if (inv.ok) assert.fail('expected a function error')
    assert.equal(inv.error, 'exception')
    assert.match(inv.message, /jwt-secret/)
  })
})

describe('normalize-query (viewer-request)', () => {
  let fn: ViewerFunction
  before(() => {
    fn = load('normalize-query')
  })
  const v = (value: string): CfValue => ({ value })
  const multi = (...values: string[]): CfValue => ({
    value: values[0]!,
    multiValue: values.map((value) => ({ value })),
  })
  const rows: [name: string, input: Record<string, CfValue>, output: Record<string, CfValue>][] = [
    [
      'sorts, lowercases names and drops tracking parameters',
      {
        Q: v('Shoes'),
        utm_source: v('newsletter'),
        page: v('2'),
        fbclid: v('IwAR0'),
        gclid: v('Cj0'),
        tag: multi('red', 'blue'),
      },
      { page: v('2'), q: v('Shoes'), tag: multi('red', 'blue') },
    ],
    [
      'drops utm_* in any case',
      { UTM_Campaign: v('x'), utm_medium: v('y'), a: v('1') },
      { a: v('1') },
    ],
    ['leaves nothing when only tracking remains', { utm_source: v('x'), gclid: v('y') }, {}],
    ['keeps an empty query empty', {}, {}],
    [
      'keeps values as sent',
      { q: v('Hello%20World'), flag: v('') },
      { flag: v(''), q: v('Hello%20World') },
    ],
    ['merges names equal after lowercasing', { A: v('1'), a: v('2') }, { a: multi('1', '2') }],
    ['keeps the order of repeated values', { t: multi('b', 'a') }, { t: multi('b', 'a') }],
    [
      'does not drop names that merely contain a tracking name',
      { xgclid: v('1'), utm: v('2') },
      { utm: v('2'), xgclid: v('1') },
    ],
  ]
  for (const [name, input, output] of rows) {
    it(name, () => {
      const req = runRequest(fn, viewerRequest('/search', { querystring: input }))
      assert.deepEqual(req.querystring, output)
      assert.deepEqual(Object.keys(req.querystring), Object.keys(output))
      assert.equal(req.uri, '/search')
    })
  }
})

describe('ab-test (viewer-request)', () => {
  let fn: ViewerFunction
  before(() => {
    fn = load('ab-test')
  })
  const withCookie = (uri: string, variant?: string) =>
    viewerRequest(
      uri,
      variant === undefined ? {} : { cookies: { 'ab-variant': { value: variant } } },
    )
  const rows: [uri: string, cookie: string, expectedUri: string][] = [
    ['/pricing', 'B', '/b/pricing'],
    ['/', 'B', '/b/'],
    ['/img/hero.webp', 'B', '/b/img/hero.webp'],
    ['/b/pricing', 'B', '/b/pricing'],
    ['/pricing', 'A', '/pricing'],
    ['/', 'A', '/'],
  ]
  for (const [uri, cookie, expectedUri] of rows) {
    it(`cookie ${cookie}: ${uri} → ${expectedUri}, x-ab-variant ${cookie}`, () => {
      const req = runRequest(fn, withCookie(uri, cookie))
      assert.equal(req.uri, expectedUri)
      assert.equal(valueOf(req.headers, 'x-ab-variant'), cookie)
      assert.deepEqual(req.cookies, { 'ab-variant': { value: cookie } })
    })
  }
  for (const cookie of [undefined, 'C', 'b']) {
    it(`assigns about 50/50 with ${cookie === undefined ? 'no cookie' : `cookie ${cookie}`}`, () => {
      const seen = { A: 0, B: 0 }
      for (let i = 0; i < 400; i++) {
        const req = runRequest(fn, withCookie('/pricing', cookie))
        const variant = valueOf(req.headers, 'x-ab-variant')
        assert.ok(variant === 'A' || variant === 'B', `variant ${String(variant)}`)
        assert.equal(req.uri, variant === 'B' ? '/b/pricing' : '/pricing')
        seen[variant] += 1
      }
      assert.ok(seen.A > 120 && seen.B > 120, JSON.stringify(seen))
    })
  }
})

describe('functions/examples/events: the README’s test-function samples', () => {
  const sample = (file: string) =>
    JSON.parse(readFileSync(new URL(`events/${file}`, EXAMPLES), 'utf8')) as CfEvent
  const rows: [fnName: string, event: string, check: (result: unknown) => void][] = [
    [
      'security-headers',
      'viewer-response.json',
      (r) => {
        assert.equal(valueOf((r as CfResponse).headers, 'x-frame-options'), 'DENY')
      },
    ],
    [
      'spa-rewrite',
      'spa-route.json',
      (r) => {
        assert.equal((r as CfRequest).uri, '/index.html')
      },
    ],
    [
      'redirect-by-country',
      'country-de.json',
      (r) => {
        assert.equal(valueOf((r as Generated).headers, 'location'), '/de/shop/shoes?color=red')
      },
    ],
    [
      'jwt-auth',
      'jwt-missing.json',
      (r) => {
        assert.equal((r as Generated).statusCode, 401)
      },
    ],
    [
      'jwt-auth',
      'jwt-valid.json',
      (r) => {
        assert.equal((r as CfRequest).headers['authorization'], undefined)
      },
    ],
    [
      'normalize-query',
      'query-messy.json',
      (r) => {
        assert.deepEqual(Object.keys((r as CfRequest).querystring), ['page', 'q', 'tag'])
      },
    ],
    [
      'ab-test',
      'ab-cookie-b.json',
      (r) => {
        assert.equal((r as CfRequest).uri, '/b/pricing')
      },
    ],
  ]
  for (const [fnName, file, check] of rows) {
    it(`${fnName} with events/${file}`, () => {
      const fn = load(fnName, fnName === 'jwt-auth' ? jwtStore() : undefined)
      check(run(fn, sample(file)))
    })
  }
})
