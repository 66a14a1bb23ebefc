// Spec §4.2 inputs: Cache-Control directives (RFC 9111 §5.2) and HTTP-dates (RFC 9110 §5.6.7).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  MAX_DELTA_SECONDS,
  parseCacheControl,
  parseHttpDate,
} from '../../../proxy/cloudfront/cache-control.js'
import type { CacheControl } from '../../../proxy/cloudfront/cache-control.js'

const NONE: CacheControl = {
  maxAge: undefined,
  sMaxAge: undefined,
  noCache: false,
  noStore: false,
  private: false,
  public: false,
  mustRevalidate: false,
  proxyRevalidate: false,
  noTransform: false,
  immutable: false,
  staleWhileRevalidate: undefined,
  staleIfError: undefined,
  invalid: [],
}

type Row = [string, string | string[] | undefined, Partial<CacheControl>]
const ROWS: readonly Row[] = [
  ['absent', undefined, {}],
  ['empty', '', {}],
  ['only separators', ' , ,, ', {}],
  ['max-age', 'max-age=60', { maxAge: 60 }],
  ['directive names are case-insensitive', 'MAX-AGE=60, No-Store', { maxAge: 60, noStore: true }],
  ['quoted number', 'max-age="60"', { maxAge: 60 }],
  ['max-age=0', 'max-age=0', { maxAge: 0 }],
  ['non-numeric', 'max-age=abc', { invalid: ['max-age'] }],
  ['negative', 'max-age=-1', { invalid: ['max-age'] }],
  ['fractional', 'max-age=1.5', { invalid: ['max-age'] }],
  ['empty value', 'max-age=', { invalid: ['max-age'] }],
  ['no value', 'max-age', { invalid: ['max-age'] }],
  ['spaces around =', 'max-age = 60', { invalid: ['max-age'] }],
  ['trailing junk', 'max-age=10 public', { invalid: ['max-age'] }],
  ['huge value capped at 100 years', 'max-age=99999999999999', { maxAge: MAX_DELTA_SECONDS }],
  ['duplicate max-age: smallest wins', 'max-age=60, max-age=30', { maxAge: 30 }],
  ['duplicate, one invalid: the valid one', 'max-age=abc, max-age=60', { maxAge: 60 }],
  ['field lines joined', ['max-age=60', 's-maxage=120'], { maxAge: 60, sMaxAge: 120 }],
  ['s-maxage=0', 's-maxage=0', { sMaxAge: 0 }],
  ['invalid s-maxage keeps max-age', 's-maxage=x, max-age=5', { maxAge: 5, invalid: ['s-maxage'] }],
  ['no-cache', 'no-cache', { noCache: true }],
  ['no-cache="Set-Cookie"', 'no-cache="Set-Cookie"', { noCache: ['set-cookie'] }],
  ['no-cache list', 'no-cache="Set-Cookie, X-Foo"', { noCache: ['set-cookie', 'x-foo'] }],
  ['no-cache token form', 'no-cache=Set-Cookie', { noCache: ['set-cookie'] }],
  ['no-cache lists merge', 'no-cache="a", no-cache="b"', { noCache: ['a', 'b'] }],
  ['unqualified no-cache wins', 'no-cache="set-cookie", no-cache', { noCache: true }],
  ['empty no-cache list → unqualified', 'no-cache=""', { noCache: true }],
  ['bad field name → unqualified', 'no-cache="bad name"', { noCache: true }],
  [
    'unterminated quote: no-cache unqualified, rest untrusted',
    'no-cache="set-cookie, max-age=60',
    { noCache: true, invalid: ['max-age'] },
  ],
  [
    'unterminated quote still sees no-store',
    'max-age="5, no-store',
    { noStore: true, invalid: ['max-age'] },
  ],
  ['private', 'private', { private: true }],
  ['private list', 'private="X-User"', { private: ['x-user'] }],
  ['no-store', 'no-store', { noStore: true }],
  ['no-store with a value still restricts', 'no-store=1', { noStore: true }],
  ['quoted "no-store" still restricts', '"no-store"', { noStore: true }],
  ['no-store; still restricts', 'no-store;', { noStore: true }],
  ['private;x still restricts', 'private;x', { private: true }],
  ['public', 'public', { public: true }],
  ['public=1 ignored', 'public=1', { invalid: ['public'] }],
  ['must-revalidate', 'must-revalidate', { mustRevalidate: true }],
  ['proxy-revalidate', 'proxy-revalidate', { proxyRevalidate: true }],
  ['no-transform, immutable', 'no-transform, immutable', { noTransform: true, immutable: true }],
  [
    'stale directives',
    'stale-while-revalidate=30, stale-if-error=600',
    { staleWhileRevalidate: 30, staleIfError: 600 },
  ],
  ['stale-if-error=0', 'stale-if-error=0', { staleIfError: 0 }],
  [
    'bad stale-while-revalidate',
    'stale-while-revalidate=soon',
    { invalid: ['stale-while-revalidate'] },
  ],
  ['unknown directives ignored', 'foo=bar, max-age=10, baz', { maxAge: 10 }],
  [
    'quoted commas in unknown directive',
    'max-age=60, x="a,b", no-store',
    { maxAge: 60, noStore: true },
  ],
  [
    'no-cache and max-age on separate lines',
    ['max-age=10', 'no-cache'],
    { maxAge: 10, noCache: true },
  ],
]

describe('parseCacheControl (RFC 9111 §5.2, malformed input)', () => {
  for (const [label, input, expected] of ROWS) {
    it(`${label}: ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseCacheControl(input), { ...NONE, ...expected })
    })
  }
})

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37)
const NOW_2024 = Date.UTC(2024, 0, 15, 12, 0, 0)
type DateRow = [string | undefined, number | undefined, number | undefined]
const DATES: readonly DateRow[] = [
  ['Sun, 06 Nov 1994 08:49:37 GMT', undefined, NOV_6_1994],
  ['Sunday, 06-Nov-94 08:49:37 GMT', undefined, NOV_6_1994],
  ['Sun Nov  6 08:49:37 1994', undefined, NOV_6_1994],
  ['Wed Nov 16 08:49:37 1994', undefined, Date.UTC(1994, 10, 16, 8, 49, 37)],
  ['  Sun, 06 Nov 1994 08:49:37 GMT  ', undefined, NOV_6_1994],
  ['sun, 06 nov 1994 08:49:37 gmt', undefined, NOV_6_1994],
  ['Thu, 01 Jan 1970 00:00:00 GMT', undefined, 0],
  ['Mon, 15 Jan 2024 12:00:00 GMT', undefined, NOW_2024],
  ['Thu, 29 Feb 2024 00:00:00 GMT', undefined, Date.UTC(2024, 1, 29)],
  ['Monday, 01-Jan-69 00:00:00 GMT', undefined, Date.UTC(2069, 0, 1)],
  ['Thursday, 01-Jan-70 00:00:00 GMT', undefined, Date.UTC(1970, 0, 1)],
  ['Monday, 01-Jan-74 00:00:00 GMT', NOW_2024, Date.UTC(2074, 0, 1)],
  ['Monday, 01-Jan-75 00:00:00 GMT', NOW_2024, Date.UTC(1975, 0, 1)],
  ['Monday, 01-Jan-30 00:00:00 GMT', NOW_2024, Date.UTC(2030, 0, 1)],
  [undefined, undefined, undefined],
  ['', undefined, undefined],
  ['0', undefined, undefined],
  ['-1', undefined, undefined],
  ['garbage', undefined, undefined],
  ['1994-11-06T08:49:37Z', undefined, undefined],
  ['Sun, 06 Nov 1994 08:49:37', undefined, undefined],
  ['Sun, 06 Nov 1994 08:49:37 UTC', undefined, undefined],
  ['Sun, 6 Nov 1994 08:49:37 GMT', undefined, undefined],
  ['Tue, 31 Feb 1994 08:49:37 GMT', undefined, undefined],
  ['Sun, 06 Nov 1994 25:00:00 GMT', undefined, undefined],
  ['Sun, 06 Foo 1994 08:49:37 GMT', undefined, undefined],
]

describe('parseHttpDate (IMF-fixdate, RFC 850, asctime)', () => {
  for (const [input, now, expected] of DATES) {
    it(`${JSON.stringify(input)}${now === undefined ? '' : ' (now 2024)'} → ${String(expected)}`, () => {
      assert.equal(parseHttpDate(input, now), expected)
    })
  }
})
