// Spec §4.2: every cell of the TTL table, both MinTTL columns, both clamps, and the Age /
// Date refinements.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderRecord } from '../../../proxy/http-types.js'
import { computeTtl } from '../../../proxy/cloudfront/ttl.js'
import type { TtlReason, TtlSettings } from '../../../proxy/cloudfront/ttl.js'

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0)
const at = (offsetSeconds: number): string => new Date(NOW + offsetSeconds * 1000).toUTCString()

const MIN0: TtlSettings = { minTtl: 0, defaultTtl: 1000, maxTtl: 10_000 }
const MINP: TtlSettings = { minTtl: 100, defaultTtl: 1000, maxTtl: 10_000 }

type Clamp = 'min' | 'max' | undefined
/** [row, headers, MinTTL = 0 → [ttl, clamp], MinTTL = 100 → [ttl, clamp], reason] */
type Row = [string, HeaderRecord, [number, Clamp], [number, Clamp], TtlReason]
const TABLE: readonly Row[] = [
  // max-age only
  [
    'max-age in range',
    { 'cache-control': 'max-age=500' },
    [500, undefined],
    [500, undefined],
    'max-age',
  ],
  [
    'max-age below MinTTL',
    { 'cache-control': 'max-age=50' },
    [50, undefined],
    [100, 'min'],
    'max-age',
  ],
  [
    'max-age above MaxTTL',
    { 'cache-control': 'max-age=20000' },
    [10_000, 'max'],
    [10_000, 'max'],
    'max-age',
  ],
  ['max-age=0', { 'cache-control': 'max-age=0' }, [0, undefined], [100, 'min'], 'max-age'],
  [
    'max-age = MaxTTL',
    { 'cache-control': 'max-age=10000' },
    [10_000, undefined],
    [10_000, undefined],
    'max-age',
  ],
  // s-maxage (+/- max-age)
  [
    's-maxage only',
    { 'cache-control': 's-maxage=500' },
    [500, undefined],
    [500, undefined],
    's-maxage',
  ],
  [
    's-maxage beats max-age',
    { 'cache-control': 'max-age=5, s-maxage=500' },
    [500, undefined],
    [500, undefined],
    's-maxage',
  ],
  [
    's-maxage below MinTTL',
    { 'cache-control': 's-maxage=50, max-age=500' },
    [50, undefined],
    [100, 'min'],
    's-maxage',
  ],
  [
    's-maxage above MaxTTL',
    { 'cache-control': 's-maxage=20000, max-age=500' },
    [10_000, 'max'],
    [10_000, 'max'],
    's-maxage',
  ],
  [
    's-maxage=0',
    { 'cache-control': 's-maxage=0, max-age=500' },
    [0, undefined],
    [100, 'min'],
    's-maxage',
  ],
  // Expires only
  ['Expires in range', { expires: at(500) }, [500, undefined], [500, undefined], 'expires'],
  ['Expires below MinTTL', { expires: at(50) }, [50, undefined], [100, 'min'], 'expires'],
  ['Expires above MaxTTL', { expires: at(20_000) }, [10_000, 'max'], [10_000, 'max'], 'expires'],
  ['Expires in the past', { expires: at(-500) }, [0, undefined], [100, 'min'], 'expires'],
  ['Expires = now', { expires: at(0) }, [0, undefined], [100, 'min'], 'expires'],
  [
    'Expires relative to origin Date',
    { date: at(-3600), expires: at(-3100) },
    [500, undefined],
    [500, undefined],
    'expires',
  ],
  ['Expires invalid (0)', { expires: '0' }, [0, undefined], [100, 'min'], 'expires-invalid'],
  [
    'Expires invalid (garbage)',
    { expires: 'soon' },
    [0, undefined],
    [100, 'min'],
    'expires-invalid',
  ],
  [
    'max-age beats Expires',
    { 'cache-control': 'max-age=500', expires: at(-500) },
    [500, undefined],
    [500, undefined],
    'max-age',
  ],
  // nothing
  ['nothing', {}, [1000, undefined], [1000, undefined], 'default-ttl'],
  [
    'only other directives',
    { 'cache-control': 'public, must-revalidate' },
    [1000, undefined],
    [1000, undefined],
    'default-ttl',
  ],
  [
    'invalid max-age counts as absent',
    { 'cache-control': 'max-age=abc' },
    [1000, undefined],
    [1000, undefined],
    'default-ttl',
  ],
  // no-cache / no-store / private
  ['no-cache', { 'cache-control': 'no-cache' }, [0, undefined], [100, 'min'], 'no-cache'],
  ['no-store', { 'cache-control': 'no-store' }, [0, undefined], [100, 'min'], 'no-store'],
  ['private', { 'cache-control': 'private' }, [0, undefined], [100, 'min'], 'private'],
  [
    'private="x" counts as private',
    { 'cache-control': 'private="x-user"' },
    [0, undefined],
    [100, 'min'],
    'private',
  ],
  [
    'no-store beats max-age',
    { 'cache-control': 'max-age=500, no-store' },
    [0, undefined],
    [100, 'min'],
    'no-store',
  ],
  [
    'no-cache beats s-maxage',
    { 'cache-control': 's-maxage=500, no-cache' },
    [0, undefined],
    [100, 'min'],
    'no-cache',
  ],
  [
    'private beats Expires',
    { 'cache-control': 'private', expires: at(500) },
    [0, undefined],
    [100, 'min'],
    'private',
  ],
  [
    'no-store reported before no-cache/private',
    { 'cache-control': 'private, no-cache, no-store' },
    [0, undefined],
    [100, 'min'],
    'no-store',
  ],
  [
    'no-cache="Set-Cookie" is not no-cache',
    { 'cache-control': 'no-cache="Set-Cookie", max-age=500' },
    [500, undefined],
    [500, undefined],
    'max-age',
  ],
]

describe('computeTtl: §4.2 table', () => {
  for (const [row, headers, zero, positive, reason] of TABLE) {
    for (const [column, settings, [ttl, clamped]] of [
      ['MinTTL = 0', MIN0, zero],
      ['MinTTL > 0', MINP, positive],
    ] as const) {
      it(`${row} | ${column} → ${ttl}${clamped ? ` (clamped ${clamped})` : ''}`, () => {
        const r = computeTtl({ headers, nowMs: NOW, ...settings })
        assert.deepEqual([r.ttlSeconds, r.reason, r.clamped], [ttl, reason, clamped])
      })
    }
  }
})

type Extra = [string, HeaderRecord, TtlSettings, number, TtlReason, Clamp, number | undefined]
const EXTRA: readonly Extra[] = [
  [
    'DefaultTTL < MinTTL → MinTTL',
    {},
    { minTtl: 2000, defaultTtl: 1000, maxTtl: 10_000 },
    2000,
    'default-ttl',
    'min',
    undefined,
  ],
  [
    'DefaultTTL is not capped by MaxTTL',
    {},
    { minTtl: 0, defaultTtl: 20_000, maxTtl: 10_000 },
    20_000,
    'default-ttl',
    undefined,
    undefined,
  ],
  [
    'legacy defaults (24 h)',
    {},
    { minTtl: 0, defaultTtl: 86_400, maxTtl: 31_536_000 },
    86_400,
    'default-ttl',
    undefined,
    undefined,
  ],
  [
    'max-age minus origin Age',
    { 'cache-control': 'max-age=500', age: '200' },
    MIN0,
    300,
    'max-age',
    undefined,
    300,
  ],
  [
    'origin Age beyond max-age → 0',
    { 'cache-control': 'max-age=500', age: '600' },
    MIN0,
    0,
    'max-age',
    undefined,
    0,
  ],
  [
    'origin Age beyond max-age, MinTTL > 0',
    { 'cache-control': 'max-age=500', age: '600' },
    MINP,
    100,
    'max-age',
    'min',
    0,
  ],
  [
    's-maxage minus origin Age',
    { 'cache-control': 's-maxage=500', age: '100' },
    MIN0,
    400,
    's-maxage',
    undefined,
    400,
  ],
  [
    'max clamp after Age',
    { 'cache-control': 'max-age=20000', age: '5000' },
    MIN0,
    10_000,
    'max-age',
    'max',
    15_000,
  ],
  [
    'Expires − Date minus Age',
    { date: at(0), expires: at(500), age: '100' },
    MIN0,
    400,
    'expires',
    undefined,
    400,
  ],
  [
    'Expires without Date ignores Age',
    { expires: at(500), age: '100' },
    MIN0,
    500,
    'expires',
    undefined,
    500,
  ],
  [
    'malformed Age ignored',
    { 'cache-control': 'max-age=500', age: 'old' },
    MIN0,
    500,
    'max-age',
    undefined,
    500,
  ],
  [
    'invalid Date → Expires vs now',
    { date: 'yesterday', expires: at(500) },
    MIN0,
    500,
    'expires',
    undefined,
    500,
  ],
  ['first Expires line used', { expires: [at(500), at(50)] }, MIN0, 500, 'expires', undefined, 500],
  [
    'Cache-Control lines combined',
    { 'cache-control': ['max-age=500', 'no-cache'] },
    MINP,
    100,
    'no-cache',
    'min',
    0,
  ],
]

describe('computeTtl: DefaultTTL bounds, origin Age and Date', () => {
  for (const [label, headers, settings, ttl, reason, clamped, origin] of EXTRA) {
    it(label, () => {
      const r = computeTtl({ headers, nowMs: NOW, ...settings })
      assert.deepEqual(
        [r.ttlSeconds, r.reason, r.clamped, r.originSeconds],
        [ttl, reason, clamped, origin],
      )
    })
  }
})

it('Expires − now floors partial seconds', () => {
  const r = computeTtl({ headers: { expires: at(500) }, nowMs: NOW + 1, ...MIN0 })
  assert.equal(r.ttlSeconds, 499)
})
