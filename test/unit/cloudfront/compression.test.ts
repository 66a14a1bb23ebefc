// Spec §10 (compression): one row per condition failing alone, the all-pass row, Brotli
// preference, enabled encodings only, Content-Length boundaries, every listed media type;
// §9.1 ETag weakening; the compressed variant's headers.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderRecord } from '../../../proxy/http-types.js'
import type { BehaviorPolicies, CachePolicy } from '../../../proxy/cloudfront/policy-types.js'
import {
  COMPRESSIBLE_TYPES,
  chooseEncoding,
  compressedHeaders,
  mergeVary,
  weakEtag,
  type CompressionInput,
} from '../../../proxy/cloudfront/compression.js'

const CACHE: CachePolicy = {
  id: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  name: 'CachingOptimized',
  minTtl: 1,
  defaultTtl: 86400,
  maxTtl: 31536000,
  headers: { behavior: 'none', names: [] },
  cookies: { behavior: 'none', names: [] },
  queryStrings: { behavior: 'none', names: [] },
  enableAcceptEncodingGzip: true,
  enableAcceptEncodingBrotli: true,
}

function policies(cache: Partial<CachePolicy> = {}, rest: Partial<BehaviorPolicies> = {}) {
  const p: BehaviorPolicies = {
    cache: { ...CACHE, ...cache },
    originRequest: undefined,
    responseHeaders: undefined,
    legacy: undefined,
    cachingDisabled: false,
    ...rest,
  }
  return p
}

const PASS: CompressionInput = {
  compress: true,
  policies: policies(),
  acceptEncoding: 'br,gzip',
  httpVersion: '1.1',
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': '5000' },
}

const withHeaders = (h: HeaderRecord): CompressionInput => ({
  ...PASS,
  headers: { ...PASS.headers, ...h },
})

type Row = [string, CompressionInput, 'br' | 'gzip' | undefined]
const ROWS: readonly Row[] = [
  ['all conditions hold', PASS, 'br'],
  ['1. behavior Compress=false', { ...PASS, compress: false }, undefined],
  [
    '2. neither gzip nor br enabled in the cache policy',
    {
      ...PASS,
      policies: policies({ enableAcceptEncodingGzip: false, enableAcceptEncodingBrotli: false }),
    },
    undefined,
  ],
  ['2. CachingDisabled', { ...PASS, policies: policies({}, { cachingDisabled: true }) }, undefined],
  [
    '2. legacy settings compress without the flags',
    {
      ...PASS,
      policies: policies(
        { enableAcceptEncodingGzip: false, enableAcceptEncodingBrotli: false },
        {
          legacy: {
            forwardAllQueryStrings: false,
            forwardAllHeaders: false,
            stripSetCookie: false,
          },
        },
      ),
    },
    'br',
  ],
  [
    '3. Accept-Encoding listed in the cache policy headers',
    {
      ...PASS,
      policies: policies({ headers: { behavior: 'whitelist', names: ['accept-encoding'] } }),
    },
    undefined,
  ],
  [
    '3. other headers listed do not matter',
    { ...PASS, policies: policies({ headers: { behavior: 'whitelist', names: ['origin'] } }) },
    'br',
  ],
  ['4. viewer accepts neither (identity)', { ...PASS, acceptEncoding: 'identity' }, undefined],
  ['4. viewer sent no Accept-Encoding', { ...PASS, acceptEncoding: undefined }, undefined],
  ['4. HTTP/1.0 viewer', { ...PASS, httpVersion: '1.0' }, undefined],
  ['4. HTTP/2 viewer', { ...PASS, httpVersion: '2.0' }, 'br'],
  ['4. viewer accepts gzip only', { ...PASS, acceptEncoding: 'gzip' }, 'gzip'],
  ['4. viewer accepts br only', { ...PASS, acceptEncoding: 'br' }, 'br'],
  [
    '4. only gzip enabled: br,gzip viewer gets gzip',
    { ...PASS, policies: policies({ enableAcceptEncodingBrotli: false }) },
    'gzip',
  ],
  [
    '4. only gzip enabled: br-only viewer gets nothing',
    { ...PASS, acceptEncoding: 'br', policies: policies({ enableAcceptEncodingBrotli: false }) },
    undefined,
  ],
  [
    '4. only br enabled: gzip-only viewer gets nothing',
    { ...PASS, acceptEncoding: 'gzip', policies: policies({ enableAcceptEncodingGzip: false }) },
    undefined,
  ],
  [
    '4. only br enabled: br,gzip viewer gets br',
    { ...PASS, policies: policies({ enableAcceptEncodingGzip: false }) },
    'br',
  ],
  ['5. Content-Encoding gzip', withHeaders({ 'content-encoding': 'gzip' }), undefined],
  [
    '5. Content-Encoding identity blocks too',
    withHeaders({ 'content-encoding': 'identity' }),
    undefined,
  ],
  ['5. empty Content-Encoding blocks too', withHeaders({ 'content-encoding': '' }), undefined],
  ['6. status 403', { ...PASS, status: 403 }, 'br'],
  ['6. status 404', { ...PASS, status: 404 }, 'br'],
  ['6. status 206', { ...PASS, status: 206 }, undefined],
  ['6. status 500', { ...PASS, status: 500 }, undefined],
  ['6. status 301', { ...PASS, status: 301 }, undefined],
  ['7. Content-Length 999', withHeaders({ 'content-length': '999' }), undefined],
  ['7. Content-Length 1000', withHeaders({ 'content-length': '1000' }), 'br'],
  ['7. Content-Length 10,000,000', withHeaders({ 'content-length': '10000000' }), 'br'],
  ['7. Content-Length 10,000,001', withHeaders({ 'content-length': '10000001' }), undefined],
  ['7. Content-Length 0', withHeaders({ 'content-length': '0' }), undefined],
  [
    '7. no Content-Length (chunked)',
    { ...PASS, headers: { 'content-type': 'text/html' } },
    undefined,
  ],
  ['7. Content-Length not a number', withHeaders({ 'content-length': 'abc' }), undefined],
  ['7. Content-Length negative', withHeaders({ 'content-length': '-5000' }), undefined],
  ['7. Content-Length fractional', withHeaders({ 'content-length': '5000.5' }), undefined],
  ['7. Content-Length conflicting', withHeaders({ 'content-length': ['5000', '6000'] }), undefined],
  ['7. Content-Length repeated, same', withHeaders({ 'content-length': ['5000', '5000'] }), 'br'],
  ['8. Content-Type image/png', withHeaders({ 'content-type': 'image/png' }), undefined],
  [
    '8. Content-Type application/octet-stream',
    withHeaders({ 'content-type': 'application/octet-stream' }),
    undefined,
  ],
  ['8. no Content-Type', { ...PASS, headers: { 'content-length': '5000' } }, undefined],
  [
    '8. parameters ignored',
    withHeaders({ 'content-type': 'application/json;charset=UTF-8' }),
    'br',
  ],
  ['8. case-insensitive', withHeaders({ 'content-type': 'Text/HTML' }), 'br'],
  ['8. spaces around the type', withHeaders({ 'content-type': ' text/css ; q=1' }), 'br'],
  [
    '8. a prefix of a listed type is not enough',
    withHeaders({ 'content-type': 'text/htm' }),
    undefined,
  ],
]

describe('chooseEncoding (spec §10)', () => {
  for (const [name, input, expected] of ROWS) {
    it(`${name} → ${expected ?? 'no compression'}`, () => {
      assert.equal(chooseEncoding(input), expected)
    })
  }
  it('the media type list has the 46 entries of §10', () => {
    assert.equal(COMPRESSIBLE_TYPES.size, 46)
  })
  it('every listed media type compresses, with and without parameters', () => {
    for (const type of COMPRESSIBLE_TYPES) {
      assert.equal(chooseEncoding(withHeaders({ 'content-type': type })), 'br', type)
      const upper = withHeaders({ 'content-type': `${type.toUpperCase()}; charset=utf-8` })
      assert.equal(chooseEncoding({ ...upper, acceptEncoding: 'gzip' }), 'gzip', type)
    }
  })
})

describe('weakEtag (spec §10, §9.1)', () => {
  const ETAGS: readonly [string | undefined, string | undefined][] = [
    ['"abc"', 'W/"abc"'],
    ['""', 'W/""'],
    ['W/"abc"', 'W/"abc"'],
    ['abc', undefined],
    ['w/"abc"', undefined],
    ['', undefined],
    [undefined, undefined],
  ]
  for (const [input, expected] of ETAGS) {
    it(`${String(input)} → ${String(expected)}`, () => {
      assert.equal(weakEtag(input), expected)
    })
  }
})

describe('compressedHeaders (spec §10 mechanics)', () => {
  const ORIGIN: HeaderRecord = {
    'content-type': 'text/html',
    'content-length': '5000',
    etag: '"v1"',
    'cache-control': 'max-age=60',
  }
  it('sets Content-Encoding, the compressed length, a weak ETag and Vary', () => {
    assert.deepEqual(compressedHeaders(ORIGIN, 'br', 1234), {
      'content-type': 'text/html',
      'content-length': '1234',
      etag: 'W/"v1"',
      'cache-control': 'max-age=60',
      'content-encoding': 'br',
      vary: 'Accept-Encoding',
    })
  })
  it('does not modify its input', () => {
    const copy = structuredClone(ORIGIN)
    compressedHeaders(ORIGIN, 'gzip', 10)
    assert.deepEqual(ORIGIN, copy)
  })
  it('removes an invalid ETag and keeps a missing one missing', () => {
    assert.equal(compressedHeaders({ ...ORIGIN, etag: 'bare' }, 'gzip', 1)['etag'], undefined)
    const noEtag: HeaderRecord = { 'content-type': 'text/html', 'content-length': '5000' }
    assert.equal('etag' in compressedHeaders(noEtag, 'gzip', 1), false)
  })
  const VARY: readonly [string | string[] | undefined, string][] = [
    [undefined, 'Accept-Encoding'],
    ['Origin', 'Origin, Accept-Encoding'],
    ['accept-encoding', 'accept-encoding'],
    ['Origin, Accept-Encoding', 'Origin, Accept-Encoding'],
    [['Origin', 'Accept'], 'Origin, Accept, Accept-Encoding'],
    ['*', '*'],
    ['', 'Accept-Encoding'],
  ]
  for (const [vary, expected] of VARY) {
    it(`Vary ${JSON.stringify(vary)} → ${expected}`, () => {
      const h: HeaderRecord = vary === undefined ? ORIGIN : { ...ORIGIN, vary }
      assert.equal(compressedHeaders(h, 'gzip', 1)['vary'], expected)
    })
  }
  it('mergeVary adds Origin without duplicates', () => {
    assert.equal(mergeVary('Accept-Encoding', 'Origin'), 'Accept-Encoding, Origin')
    assert.equal(mergeVary('origin', 'Origin'), 'origin')
  })
})
