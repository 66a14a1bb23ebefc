// bench/targets.ts: the issue #8 targets from a batch's medians, and the RSS watch trend.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  computeTargets,
  formatTarget,
  rssTrend,
  rssWarmupS,
  type RssSample,
} from '../../../bench/targets.js'

const MIB = 1024 * 1024

type Medians = Record<string, number>
const FULL: Medians = {
  baseline: 40_000,
  'proxy-hit': 36_000,
  'proxy-miss': 4_000,
  'naive-proxy': 5_000,
  'proxy-hit-workers': 39_600,
  'cluster-baseline': 44_000,
}

// [name, medians, [hit, miss, workers] as [value, met] or null when not measured]
const ROWS: readonly [
  name: string,
  medians: Medians,
  expected: readonly ([number, boolean] | null)[],
][] = [
  // hit 0.90 exactly meets; miss 0.80 exactly meets; workers (1.1)/(1.1) = 1.00
  [
    'all met at the thresholds',
    FULL,
    [
      [0.9, true],
      [0.8, true],
      [1, true],
    ],
  ],
  [
    'all missed',
    { ...FULL, 'proxy-hit': 20_000, 'proxy-miss': 3_000, 'proxy-hit-workers': 20_000 },
    [
      [0.5, false],
      [0.6, false],
      [1 / 1.1, true], // 20k/20k = 1.0 gain vs 1.1 → 0.909
    ],
  ],
  [
    'workers: proxy gains less than cluster',
    { ...FULL, 'proxy-hit-workers': 36_000, 'cluster-baseline': 48_000 },
    [
      [0.9, true],
      [0.8, true],
      [1 / 1.2, false],
    ],
  ],
  [
    'a workers loss still counts against a cluster loss',
    { ...FULL, 'proxy-hit-workers': 30_600, 'cluster-baseline': 34_000 },
    [
      [0.9, true],
      [0.8, true],
      [30_600 / 36_000 / (34_000 / 40_000), true],
    ],
  ],
  ['only the baseline', { baseline: 40_000 }, [null, null, null]],
  [
    'no naive proxy: miss not measured',
    { baseline: 40_000, 'proxy-hit': 30_000, 'proxy-miss': 4_000 },
    [[0.75, false], null, null],
  ],
  ['a zero median is not measured', { ...FULL, baseline: 0 }, [null, [0.8, true], null]],
]

describe('bench targets', () => {
  for (const [name, medians, expected] of ROWS) {
    it(name, () => {
      const t = computeTargets(new Map(Object.entries(medians)), null)
      assert.deepEqual(
        t.map((x) => x.name),
        ['cache hit', 'miss', 'workers gain', 'RSS flat', 'signed hit'],
      )
      expected.forEach((e, i) => {
        const got = t[i]!
        if (e === null) {
          assert.equal(got.value, null, got.name)
          assert.equal(got.met, null, got.name)
        } else {
          assert.ok(Math.abs(got.value! - e[0]) < 1e-9, `${got.name}: ${got.value}`)
          assert.equal(got.met, e[1], got.name)
        }
      })
      assert.equal(t[3]!.met, null)
    })
  }
  const signed: [string, Record<string, number>, boolean | null][] = [
    [
      'a signed hit at 0.75 of the plain hit meets 0.7',
      { 'proxy-hit': 20_000, 'proxy-hit-signed': 15_000 },
      true,
    ],
    [
      'a signed hit at 0.6 of the plain hit misses',
      { 'proxy-hit': 20_000, 'proxy-hit-signed': 12_000 },
      false,
    ],
    ['no signed row: not measured', { 'proxy-hit': 20_000 }, null],
  ]
  for (const [name, medians, met] of signed) {
    it(name, () => {
      const t = computeTargets(new Map(Object.entries(medians)), null)[4]!
      assert.equal(t.name, 'signed hit')
      assert.equal(t.met, met)
    })
  }
  it('formats met, missed and not measured lines', () => {
    const [hit, miss, workers] = computeTargets(
      new Map(Object.entries({ ...FULL, 'proxy-miss': 2_000 })),
      null,
    )
    assert.equal(formatTarget(hit!), 'cache hit: proxy-hit / baseline = 0.90 (target ≥ 0.90): met')
    assert.equal(
      formatTarget(miss!),
      'miss: proxy-miss / naive-proxy = 0.40 (target ≥ 0.80): MISSED',
    )
    const none = computeTargets(new Map(), null)[2]!
    assert.match(formatTarget(workers!), /= 1\.00 \(target ≥ 0\.90\): met$/)
    assert.match(formatTarget(none), /\(target ≥ 0\.90\): not measured$/)
  })
})

const series = (from: number, to: number, mib: (t: number) => number): RssSample[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ tS: from + i, bytes: mib(from + i) * MIB }))

describe('bench RSS watch', () => {
  it('warm-up is a sixth of the watch, 1 to 10 s', () => {
    assert.deepEqual([3, 6, 30, 60, 600].map(rssWarmupS), [1, 1, 5, 10, 10])
  })
  it('flat after a warm-up climb', () => {
    const samples = series(0, 60, (t) => (t < 10 ? 100 + t * 5 : 150))
    const t = rssTrend(samples, 60, 30_000)!
    assert.equal(t.warmupS, 10)
    assert.equal(t.firstAfterWarmupBytes, 150 * MIB)
    assert.equal(t.lastBytes, 150 * MIB)
    assert.equal(t.maxBytes, 150 * MIB)
    assert.equal(t.growth, 1)
    assert.ok(Math.abs(t.slopeMiBPerMin) < 1e-9)
    assert.equal(computeTargets(new Map(), t)[3]!.met, true)
  })
  it('a steady leak is growth and slope', () => {
    const t = rssTrend(
      series(0, 60, (t) => 100 + t / 2),
      60,
      30_000,
    )!
    assert.ok(Math.abs(t.growth - 130 / 105) < 1e-9)
    assert.ok(Math.abs(t.slopeMiBPerMin - 30) < 1e-9)
    assert.equal(computeTargets(new Map(), t)[3]!.met, false)
  })
  it('no sample after the warm-up gives no trend', () => {
    assert.equal(
      rssTrend(
        series(0, 5, () => 100),
        60,
        1,
      ),
      null,
    )
    assert.equal(rssTrend([], 60, 1), null)
  })
})
