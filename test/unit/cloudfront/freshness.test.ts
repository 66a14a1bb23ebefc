// Spec §4.4 (fresh / stale-while-revalidate / stale, stale-if-error, windows from the end of
// the TTL) and §4.5 (Age on hits).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ageSeconds,
  canServeStaleOnError,
  expiresAtMs,
  freshnessOf,
  keepUntilMs,
} from '../../../proxy/cloudfront/freshness.js'
import type { Freshness, StoredFreshness } from '../../../proxy/cloudfront/freshness.js'

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0)
const BASE: StoredFreshness = {
  storedAtMs: NOW,
  ttlSeconds: 60,
  originAgeSeconds: 0,
  staleWhileRevalidateSeconds: 0,
  staleIfErrorSeconds: undefined,
  mustRevalidate: false,
}
const entry = (over: Partial<StoredFreshness>): StoredFreshness => ({ ...BASE, ...over })

describe('freshnessOf (§4.4)', () => {
  const SWR = { staleWhileRevalidateSeconds: 30 }
  const ROWS: readonly [string, Partial<StoredFreshness>, number, Freshness][] = [
    ['just stored', {}, 0, 'fresh'],
    ['last millisecond of the TTL', {}, 59_999, 'fresh'],
    ['at the TTL', {}, 60_000, 'stale'],
    ['long after', {}, 86_400_000, 'stale'],
    ['clock behind storage', {}, -5000, 'fresh'],
    ['SWR: inside the TTL', SWR, 30_000, 'fresh'],
    ['SWR: at the TTL', SWR, 60_000, 'stale-while-revalidate'],
    ['SWR: last millisecond of the window', SWR, 89_999, 'stale-while-revalidate'],
    ['SWR: window over', SWR, 90_000, 'stale'],
    ['SWR + must-revalidate', { ...SWR, mustRevalidate: true }, 60_000, 'stale'],
    ['TTL 0 is never fresh', { ttlSeconds: 0 }, 0, 'stale'],
    ['TTL 0 with SWR', { ttlSeconds: 0, ...SWR }, 0, 'stale-while-revalidate'],
    ['stale-if-error does not make it fresh', { staleIfErrorSeconds: 600 }, 60_000, 'stale'],
  ]
  for (const [label, over, offsetMs, expected] of ROWS) {
    it(`${label} (+${offsetMs} ms) → ${expected}`, () => {
      assert.equal(freshnessOf(entry(over), NOW + offsetMs), expected)
    })
  }
  it('expiresAtMs = storedAt + TTL', () => {
    assert.equal(expiresAtMs(BASE), NOW + 60_000)
  })
})

describe('ageSeconds (§4.5)', () => {
  const ROWS: readonly [string, Partial<StoredFreshness>, number, number][] = [
    ['just stored', {}, 0, 0],
    ['whole seconds, floored', {}, 1999, 1],
    ['past expiry keeps counting', {}, 120_000, 120],
    ['plus the origin Age', { originAgeSeconds: 100 }, 5000, 105],
    ['clock behind storage', { originAgeSeconds: 7 }, -3000, 7],
  ]
  for (const [label, over, offsetMs, expected] of ROWS) {
    it(`${label} → ${expected}`, () => {
      assert.equal(ageSeconds(entry(over), NOW + offsetMs), expected)
    })
  }
})

describe('canServeStaleOnError (§4.4)', () => {
  const ROWS: readonly [string, Partial<StoredFreshness>, number, boolean][] = [
    ['not given: CloudFront default', {}, 86_400_000, true],
    ['stale-if-error=0 disables', { staleIfErrorSeconds: 0 }, 60_000, false],
    ['inside the window', { staleIfErrorSeconds: 600 }, 659_999, true],
    ['window measured from the TTL end', { staleIfErrorSeconds: 600 }, 660_000, false],
    ['must-revalidate forbids', { mustRevalidate: true }, 60_000, false],
    [
      'must-revalidate beats stale-if-error',
      { mustRevalidate: true, staleIfErrorSeconds: 600 },
      60_000,
      false,
    ],
  ]
  for (const [label, over, offsetMs, expected] of ROWS) {
    it(`${label} → ${String(expected)}`, () => {
      assert.equal(canServeStaleOnError(entry(over), NOW + offsetMs), expected)
    })
  }
})

describe('keepUntilMs (§4.4)', () => {
  const ROWS: readonly [string, Partial<StoredFreshness>, number | undefined, number][] = [
    ['no windows: until expiry', {}, undefined, 60],
    [
      'longest stale window',
      { staleWhileRevalidateSeconds: 30, staleIfErrorSeconds: 600 },
      undefined,
      660,
    ],
    [
      'SWR longer than SIE',
      { staleWhileRevalidateSeconds: 900, staleIfErrorSeconds: 600 },
      undefined,
      960,
    ],
    ['engine retention wins when longer', { staleIfErrorSeconds: 600 }, 3600, 3660],
    ['negative retention ignored', {}, -10, 60],
    [
      'must-revalidate: retention only',
      { mustRevalidate: true, staleIfErrorSeconds: 600 },
      120,
      180,
    ],
    [
      'windows not clamped by a MaxTTL-sized TTL',
      { ttlSeconds: 10_000, staleIfErrorSeconds: 86_400 },
      undefined,
      96_400,
    ],
  ]
  for (const [label, over, retain, expectedSeconds] of ROWS) {
    it(`${label} → +${expectedSeconds} s`, () => {
      assert.equal(keepUntilMs(entry(over), retain), NOW + expectedSeconds * 1000)
    })
  }
})
