// Spec §3.8 (response headers policies): removals, CORS (simple and preflight, origin
// matching, OriginOverride), security and custom headers with override flags, the managed
// SecurityHeadersPolicy values, and the §9.1 Server-Timing helpers.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderRecord } from '../../../proxy/http-types.js'
import type { ResponseHeadersPolicy } from '../../../proxy/cloudfront/policy-types.js'
import {
  applyResponseHeadersPolicy,
  originMatches,
  policyIsRequestIndependent,
  serverTimingValue,
  serverTimingWanted,
  type PolicyRequest,
} from '../../../proxy/cloudfront/response-headers-policy.js'

type Cors = NonNullable<ResponseHeadersPolicy['cors']>

const EMPTY: ResponseHeadersPolicy = {
  id: 'p',
  name: 'test',
  cors: undefined,
  headers: [],
  remove: [],
  serverTiming: undefined,
}

/** The managed SecurityHeadersPolicy (§3.8 table), as plain data. */
const SECURITY: ResponseHeadersPolicy = {
  ...EMPTY,
  id: '67f7725c-6f97-4210-82d7-5512b31e9d03',
  name: 'Managed-SecurityHeadersPolicy',
  headers: [
    { name: 'strict-transport-security', value: 'max-age=31536000', override: false },
    { name: 'x-content-type-options', value: 'nosniff', override: true },
    { name: 'x-frame-options', value: 'SAMEORIGIN', override: false },
    { name: 'x-xss-protection', value: '1; mode=block', override: false },
    { name: 'referrer-policy', value: 'strict-origin-when-cross-origin', override: false },
  ],
}

const CORS: Cors = {
  allowOrigins: ['*'],
  allowHeaders: ['*'],
  allowMethods: ['ALL'],
  allowCredentials: false,
  exposeHeaders: ['*'],
  maxAgeSec: undefined,
  originOverride: false,
}
const cors = (c: Partial<Cors>): ResponseHeadersPolicy => ({ ...EMPTY, cors: { ...CORS, ...c } })

const GET: PolicyRequest = {
  method: 'GET',
  origin: undefined,
  accessControlRequestMethod: undefined,
}
const CORS_GET: PolicyRequest = { ...GET, origin: 'https://app.example.org' }
const PREFLIGHT: PolicyRequest = {
  method: 'OPTIONS',
  origin: 'https://app.example.org',
  accessControlRequestMethod: 'PUT',
}
const ORIGIN: HeaderRecord = {
  'content-type': 'text/html',
  server: 'nginx',
  date: 'Mon, 01 Jan 2024 00:00:00 GMT',
  'x-powered-by': 'PHP',
}

const apply = (p: ResponseHeadersPolicy, r: PolicyRequest, h: HeaderRecord = ORIGIN) =>
  applyResponseHeadersPolicy(p, r, h)

describe('response headers policy: removals (§3.8 step 1)', () => {
  it('removes listed headers', () => {
    const out = apply({ ...EMPTY, remove: ['x-powered-by'] }, GET)
    assert.equal(out['x-powered-by'], undefined)
    assert.equal(out['server'], 'nginx')
  })
  it('removing Server yields Server: CloudFront', () => {
    assert.equal(apply({ ...EMPTY, remove: ['server'] }, GET)['server'], 'CloudFront')
    assert.equal(apply({ ...EMPTY, remove: ['server'] }, GET, {})['server'], 'CloudFront')
  })
  it('removing Date leaves it absent (the server adds the current one)', () => {
    assert.equal('date' in apply({ ...EMPTY, remove: ['date'] }, GET), false)
  })
  it('a header both removed and added ends present with the policy value', () => {
    const p: ResponseHeadersPolicy = {
      ...EMPTY,
      remove: ['x-powered-by', 'server'],
      headers: [
        { name: 'x-powered-by', value: 'edge', override: false },
        { name: 'server', value: 'mine', override: false },
      ],
    }
    const out = apply(p, GET)
    assert.equal(out['x-powered-by'], 'edge')
    assert.equal(out['server'], 'mine')
  })
  it('never modifies the input record', () => {
    const input = structuredClone(ORIGIN)
    const p: ResponseHeadersPolicy = {
      ...SECURITY,
      remove: ['server', 'date'],
      cors: { ...CORS, allowOrigins: ['https://app.example.org'] },
    }
    const out = apply(p, PREFLIGHT, input)
    assert.deepEqual(input, ORIGIN)
    assert.notEqual(out, input)
  })
})

describe('response headers policy: CORS (§3.8)', () => {
  it('adds nothing to requests without Origin', () => {
    assert.deepEqual(apply(cors({ allowCredentials: true, maxAgeSec: 600 }), GET), ORIGIN)
  })
  it('simple CORS request: Allow-Origin * and Expose-Headers, no Vary, no preflight headers', () => {
    const out = apply(cors({ maxAgeSec: 600 }), CORS_GET)
    assert.equal(out['access-control-allow-origin'], '*')
    assert.equal(out['access-control-expose-headers'], '*')
    assert.equal(out['vary'], undefined)
    assert.equal(out['access-control-allow-methods'], undefined)
    assert.equal(out['access-control-allow-headers'], undefined)
    assert.equal(out['access-control-max-age'], undefined)
    assert.equal(out['access-control-allow-credentials'], undefined)
  })
  it('preflight gets Allow-Methods (ALL → seven), Allow-Headers and Max-Age', () => {
    const out = apply(cors({ maxAgeSec: 600 }), PREFLIGHT)
    assert.equal(out['access-control-allow-origin'], '*')
    assert.equal(
      out['access-control-allow-methods'],
      'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
    )
    assert.equal(out['access-control-allow-headers'], '*')
    assert.equal(out['access-control-max-age'], '600')
  })
  it('preflight with an explicit method list and no max age', () => {
    const out = apply(
      cors({ allowMethods: ['GET', 'POST'], allowHeaders: ['x-a', 'x-b'] }),
      PREFLIGHT,
    )
    assert.equal(out['access-control-allow-methods'], 'GET, POST')
    assert.equal(out['access-control-allow-headers'], 'x-a, x-b')
    assert.equal(out['access-control-max-age'], undefined)
  })
  it('OPTIONS with Origin but without Access-Control-Request-Method is not a preflight', () => {
    const out = apply(cors({ maxAgeSec: 5 }), {
      ...PREFLIGHT,
      accessControlRequestMethod: undefined,
    })
    assert.equal(out['access-control-allow-origin'], '*')
    assert.equal(out['access-control-allow-methods'], undefined)
  })
  it('credentials only when true', () => {
    assert.equal(
      apply(cors({ allowCredentials: true }), CORS_GET)['access-control-allow-credentials'],
      'true',
    )
    assert.equal('access-control-allow-credentials' in apply(cors({}), CORS_GET), false)
  })
  it('no Expose-Headers when the list is empty', () => {
    assert.equal(
      'access-control-expose-headers' in apply(cors({ exposeHeaders: [] }), CORS_GET),
      false,
    )
  })
  it('echoes a listed origin and merges Vary: Origin', () => {
    const p = cors({ allowOrigins: ['https://other.test', 'https://app.example.org'] })
    const out = apply(p, CORS_GET, { ...ORIGIN, vary: 'Accept-Encoding' })
    assert.equal(out['access-control-allow-origin'], 'https://app.example.org')
    assert.equal(out['vary'], 'Accept-Encoding, Origin')
  })
  it('an origin not in the list gets no CORS headers', () => {
    const out = apply(cors({ allowOrigins: ['https://other.test'] }), PREFLIGHT)
    assert.deepEqual(out, ORIGIN)
  })
  const MATCHES: readonly [string, string, boolean][] = [
    ['https://app.example.org', 'https://app.example.org', true],
    ['https://APP.example.org', 'https://app.example.org', true],
    ['https://app.example.org', 'http://app.example.org', false],
    ['https://*.example.org', 'https://app.example.org', true],
    ['https://*.example.org', 'http://app.example.org', false],
    ['https://*.example.org', 'https://example.org', false],
    ['https://*.example.org', 'https://a.b.example.org', false],
    ['https://*.example.org', 'https://evilexample.org', false],
    ['https://*.example.org', 'https://app.example.org.evil.test', false],
    ['*.example.org', 'http://app.example.org', true],
    ['*.example.org', 'https://app.example.org:8443', false],
    ['https://*.example.org:8443', 'https://app.example.org:8443', true],
  ]
  for (const [entry, origin, expected] of MATCHES) {
    it(`allowed origin ${entry} ${expected ? 'matches' : 'does not match'} ${origin}`, () => {
      assert.equal(originMatches(entry, origin), expected)
    })
  }
  it('OriginOverride false: headers the origin sent win, missing ones are added', () => {
    const h = { ...ORIGIN, 'access-control-allow-origin': 'https://x.test' }
    const out = apply(
      cors({ allowOrigins: ['https://app.example.org'], maxAgeSec: 9 }),
      PREFLIGHT,
      h,
    )
    assert.equal(out['access-control-allow-origin'], 'https://x.test')
    assert.equal(out['vary'], undefined)
    assert.equal(out['access-control-max-age'], '9')
  })
  it('OriginOverride true: the policy replaces the origin CORS headers', () => {
    const h = {
      ...ORIGIN,
      'access-control-allow-origin': 'https://x.test',
      'access-control-max-age': '1',
    }
    const out = apply(cors({ originOverride: true, maxAgeSec: 9 }), PREFLIGHT, h)
    assert.equal(out['access-control-allow-origin'], '*')
    assert.equal(out['access-control-max-age'], '9')
  })
})

describe('response headers policy: security and custom headers (§3.8 step 2)', () => {
  it('managed SecurityHeadersPolicy adds its five headers to a bare response', () => {
    const out = apply(SECURITY, GET, {})
    assert.deepEqual(out, {
      'strict-transport-security': 'max-age=31536000',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'x-xss-protection': '1; mode=block',
      'referrer-policy': 'strict-origin-when-cross-origin',
    })
  })
  it('managed SecurityHeadersPolicy: nosniff always overrides, the others yield to the origin', () => {
    const origin: HeaderRecord = {
      'strict-transport-security': 'max-age=60',
      'x-content-type-options': 'something',
      'x-frame-options': 'DENY',
      'x-xss-protection': '0',
      'referrer-policy': 'no-referrer',
    }
    assert.deepEqual(apply(SECURITY, GET, origin), {
      ...origin,
      'x-content-type-options': 'nosniff',
    })
  })
  const CUSTOM: readonly [string, boolean, string | undefined, string][] = [
    ['absent, no override', false, undefined, 'policy'],
    ['absent, override', true, undefined, 'policy'],
    ['present, override', true, 'origin', 'policy'],
    ['present, no override', false, 'origin', 'origin'],
  ]
  for (const [name, override, present, expected] of CUSTOM) {
    it(`custom header ${name} → ${expected} value`, () => {
      const p: ResponseHeadersPolicy = {
        ...EMPTY,
        headers: [{ name: 'x-custom', value: 'policy', override }],
      }
      const h: HeaderRecord = present === undefined ? {} : { 'x-custom': present }
      assert.equal(apply(p, GET, h)['x-custom'], expected)
    })
  }
  it('a custom header value may be empty; names are lowercased', () => {
    const p: ResponseHeadersPolicy = {
      ...EMPTY,
      headers: [{ name: 'X-Empty', value: '', override: false }],
    }
    assert.equal(apply(p, GET, {})['x-empty'], '')
  })
  it('CORS and security headers combine (CORS-and-SecurityHeadersPolicy)', () => {
    const out = apply({ ...SECURITY, cors: CORS }, CORS_GET, {})
    assert.equal(out['access-control-allow-origin'], '*')
    assert.equal(out['x-frame-options'], 'SAMEORIGIN')
  })
  it('policyIsRequestIndependent: only without CORS', () => {
    assert.equal(policyIsRequestIndependent(SECURITY), true)
    assert.equal(policyIsRequestIndependent({ ...SECURITY, cors: CORS }), false)
  })
})

describe('Server-Timing helpers (§9.1)', () => {
  const enabled = (rate: number): ResponseHeadersPolicy => ({
    ...EMPTY,
    serverTiming: { enabled: true, samplingRate: rate },
  })
  it('sampling: none without the policy flag, by rate, always with Pragma: server-timing', () => {
    assert.equal(serverTimingWanted(undefined, 'server-timing', 0), false)
    assert.equal(
      serverTimingWanted(
        { ...EMPTY, serverTiming: { enabled: false, samplingRate: 100 } },
        undefined,
        0,
      ),
      false,
    )
    assert.equal(serverTimingWanted(enabled(100), undefined, 0.999), true)
    assert.equal(serverTimingWanted(enabled(50), undefined, 0.49), true)
    assert.equal(serverTimingWanted(enabled(50), undefined, 0.5), false)
    assert.equal(serverTimingWanted(enabled(0), 'no-cache, Server-Timing', 0.5), true)
  })
  it('hit value: cache, pop, request id and hit layer; origin value dropped', () => {
    const v = serverTimingValue({
      cache: 'hit',
      pop: 'IAD89-C1',
      requestId: 'abc==',
      hitLayer: 'EDGE',
      originValue: 'db;dur=5',
    })
    assert.equal(
      v,
      'cdn-cache-hit,cdn-pop;desc="IAD89-C1",cdn-rid;desc="abc==",cdn-hit-layer;desc="EDGE"',
    )
  })
  it('miss value: upstream timings and the origin value merged', () => {
    const v = serverTimingValue({
      cache: 'miss',
      pop: 'IAD89-C1',
      requestId: 'abc==',
      upstream: { layer: 'EDGE', dnsMs: 0.4, connectMs: 2.6, fblMs: 10 },
      downstreamFblMs: 12,
      originValue: 'db;dur=5',
    })
    assert.equal(
      v,
      'cdn-cache-miss,cdn-pop;desc="IAD89-C1",cdn-rid;desc="abc==",cdn-upstream-layer;desc="EDGE",' +
        'cdn-upstream-dns;dur=0,cdn-upstream-connect;dur=3,cdn-upstream-fbl;dur=10,cdn-downstream-fbl;dur=12,db;dur=5',
    )
  })
})
