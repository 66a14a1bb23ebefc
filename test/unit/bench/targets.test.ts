// bench/targets.ts: the issue #8 targets from a batch's medians, the RSS watch trend and the
// proxy's RSS over the rounds.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  computeTargets,
  formatTarget,
  rssRounds,
  rssRoundsGrowth,
  rssTrend,
  rssWarmupS,
  roundRatios,
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
        [
          'cache hit',
          'miss',
          'workers gain',
          'RSS flat',
          'RSS over rounds',
          'RSS over rounds, proxy-workers',
          'logging on',
          'signed hit',
          'function hit',
          'Varnish, one core',
          'Varnish, whole box',
          'fast hit path',
          'function cost',
        ],
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
      assert.equal(t[4]!.met, null)
      assert.equal(t[5]!.met, null)
    })
  }
  // Targets that divide one row by another: [target, row name, medians, met].
  const ratios: [string, string, Record<string, number>, boolean | null][] = [
    [
      'signed hit',
      'a signed hit at 0.75 of the plain hit meets 0.7',
      { 'proxy-hit': 20_000, 'proxy-hit-signed': 15_000 },
      true,
    ],
    [
      'signed hit',
      'a signed hit at 0.6 of the plain hit misses',
      { 'proxy-hit': 20_000, 'proxy-hit-signed': 12_000 },
      false,
    ],
    ['signed hit', 'no signed row: not measured', { 'proxy-hit': 20_000 }, null],
    [
      'function hit',
      'a function hit at exactly 0.8 of the plain hit meets it',
      { 'proxy-hit': 30_000, 'proxy-hit-fn': 24_000 },
      true,
    ],
    [
      'function hit',
      'a function hit at 0.77 of the plain hit misses',
      { 'proxy-hit': 30_000, 'proxy-hit-fn': 23_100 },
      false,
    ],
    ['function hit', 'no function row: not measured', { 'proxy-hit': 30_000 }, null],
    [
      'Varnish, one core',
      'a pinned hit above Varnish pinned is ahead of it',
      { 'proxy-hit-1core': 34_000, 'varnish-hit-1core': 33_000 },
      true,
    ],
    [
      'Varnish, one core',
      'an equal pinned hit is not behind (≥ 1.00)',
      { 'proxy-hit-1core': 33_000, 'varnish-hit-1core': 33_000 },
      true,
    ],
    [
      'Varnish, one core',
      'a pinned hit at 0.9 of Varnish misses',
      { 'proxy-hit-1core': 29_700, 'varnish-hit-1core': 33_000 },
      false,
    ],
    [
      'Varnish, one core',
      'the unpinned hit does not stand in for the pinned one',
      { 'proxy-hit': 40_000, 'varnish-hit-1core': 33_000 },
      null,
    ],
    [
      'Varnish, one core',
      'no Varnish row (no varnishd): not measured',
      { 'proxy-hit-1core': 30_000 },
      null,
    ],
    [
      'Varnish, whole box',
      'the unpinned hit above unpinned Varnish is ahead of it',
      { 'proxy-hit': 34_000, 'varnish-hit': 33_000 },
      true,
    ],
    [
      'Varnish, whole box',
      'the unpinned hit at 0.9 of unpinned Varnish misses',
      { 'proxy-hit': 29_700, 'varnish-hit': 33_000 },
      false,
    ],
    [
      'logging on',
      'a logged hit at 0.9 of the plain hit meets it',
      { 'proxy-hit': 40_000, 'proxy-hit-log': 36_000 },
      true,
    ],
    [
      'logging on',
      'a logged hit at 0.7 of the plain hit misses',
      { 'proxy-hit': 40_000, 'proxy-hit-log': 28_000 },
      false,
    ],
    ['logging on', 'no logging row: not measured', { 'proxy-hit': 40_000 }, null],
    [
      'fast hit path',
      'a fast hit above the node:http hit meets it',
      { 'proxy-hit': 36_000, 'proxy-hit-node': 30_000 },
      true,
    ],
    [
      'fast hit path',
      'a fast hit below the node:http hit misses',
      { 'proxy-hit': 29_000, 'proxy-hit-node': 30_000 },
      false,
    ],
    ['fast hit path', 'no node:http row: not measured', { 'proxy-hit': 30_000 }, null],
    [
      'function cost',
      'a function hit at 0.8 of the node:http hit meets it',
      { 'proxy-hit-node': 30_000, 'proxy-hit-fn': 24_000, 'proxy-hit': 40_000 },
      true,
    ],
    [
      'function cost',
      'a function hit at 0.7 of the node:http hit misses',
      { 'proxy-hit-node': 30_000, 'proxy-hit-fn': 21_000 },
      false,
    ],
    [
      'Varnish, whole box',
      'the pinned rows do not stand in for the unpinned ones',
      { 'proxy-hit-1core': 40_000, 'varnish-hit-1core': 33_000 },
      null,
    ],
  ]
  for (const [target, name, medians, met] of ratios) {
    it(`${target}: ${name}`, () => {
      const t = computeTargets(new Map(Object.entries(medians)), null).find(
        (x) => x.name === target,
      )
      assert.equal(t?.met, met)
    })
  }
  it('a miss that rounds to the threshold shows a third digit', () => {
    const medians = new Map([
      ['baseline', 36_558],
      ['proxy-hit', 32_866],
    ])
    const hit = computeTargets(medians, null)[0]!
    assert.equal(
      formatTarget(hit),
      'cache hit: proxy-hit / baseline = 0.899 (target ≥ 0.90): MISSED',
    )
    medians.set('proxy-hit', 32_903)
    assert.equal(
      formatTarget(computeTargets(medians, null)[0]!),
      'cache hit: proxy-hit / baseline = 0.90 (target ≥ 0.90): met',
    )
  })

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

describe('per-round ratios (informational spread of a two-row target)', () => {
  const rows: readonly [string, number[], number[], ReturnType<typeof roundRatios>][] = [
    ['odd count: the middle ratio', [9, 18, 30], [10, 20, 30], { median: 0.9, min: 0.9, max: 1 }],
    [
      'even count: the mean of the middle two',
      [8, 9],
      [10, 10],
      { median: 0.85, min: 0.8, max: 0.9 },
    ],
    ['rounds only one row ran are left out', [9, 9, 9], [10], { median: 0.9, min: 0.9, max: 0.9 }],
    ['a zero run is left out', [0, 9], [10, 10], { median: 0.9, min: 0.9, max: 0.9 }],
    ['no common round: null', [], [10], null],
  ]
  for (const [rule, a, b, want] of rows) {
    it(rule, () => {
      const got = roundRatios(a, b)
      if (want === null) {
        assert.equal(got, null)
        return
      }
      assert.ok(got !== null)
      for (const k of ['median', 'min', 'max'] as const)
        assert.ok(Math.abs(got[k] - want[k]) < 1e-9, k)
    })
  }

  it('the hit target line carries its per-round spread; met stays on the medians', () => {
    const perRun = new Map([
      ['baseline', [40_000, 30_000, 40_000]],
      ['proxy-hit', [30_000, 33_000, 36_000]],
    ])
    const medians = new Map([
      ['baseline', 40_000],
      ['proxy-hit', 33_000],
    ])
    const hit = computeTargets(medians, null, [], perRun)[0]!
    assert.equal(hit.met, false)
    assert.equal(
      formatTarget(hit),
      'cache hit: proxy-hit / baseline = 0.82 (target ≥ 0.90): MISSED; per round 0.90 [0.75–1.10]',
    )
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

// [name, RSS MiB after each round (null = unreadable), last ÷ second round or null]
const ROUNDS: readonly [name: string, mib: readonly (number | null)[], growth: number | null][] = [
  ['round 1 is warm-up: a climb there does not count', [100, 130, 131, 130, 132], 132 / 130],
  ['flat after round 2', [120, 125, 125, 125], 1],
  ['shrinking', [120, 140, 130], 130 / 140],
  ['growing by 10% from round 2', [100, 110, 115, 121], 1.1],
  [
    'ten rounds: only the second and the last count',
    [90, 100, 120, 99, 98, 97, 96, 95, 94, 104],
    1.04,
  ],
  ['three rounds are the fewest', [100, 100, 103], 1.03],
  ['two rounds: nothing after round 2', [100, 120], null],
  ['one round', [100], null],
  ['no rounds', [], null],
  ['round 2 unreadable', [100, null, 110], null],
  ['last round unreadable', [100, 100, null], null],
  ['a middle round unreadable is fine', [100, 100, null, 102], 1.02],
  ['a zero at round 2 (no process left) is not measured', [100, 0, 100], null],
]

describe('bench RSS over rounds', () => {
  for (const [name, mib, growth] of ROUNDS) {
    it(name, () => {
      const bytes = mib.map((m) => (m === null ? null : m * MIB))
      const got = rssRoundsGrowth(bytes)
      if (growth === null) assert.equal(got, null)
      else assert.ok(got !== null && Math.abs(got - growth) < 1e-9, `${got}`)
      assert.deepEqual(rssRounds('proxy', bytes), { target: 'proxy', bytes, growth: got })
    })
  }

  // [name, rounds per server, [proxy, proxy-workers] met (null = not measured)]
  const MET: readonly [
    name: string,
    rounds: Partial<Record<'proxy' | 'proxy-workers', readonly number[]>>,
    met: readonly [boolean | null, boolean | null],
  ][] = [
    ['both flat', { proxy: [100, 120, 126], 'proxy-workers': [250, 280, 290] }, [true, true]],
    ['5% exactly is met', { proxy: [100, 100, 105] }, [true, null]],
    [
      'the proxy grows, the workers do not',
      { proxy: [100, 100, 106], 'proxy-workers': [1, 1, 1] },
      [false, true],
    ],
    ['only the workers server ran', { 'proxy-workers': [250, 250, 300] }, [null, false]],
    ['too few rounds', { proxy: [100, 100] }, [null, null]],
    ['no proxy server', {}, [null, null]],
  ]
  for (const [name, byTarget, met] of MET) {
    it(`targets: ${name}`, () => {
      const rounds = Object.entries(byTarget).map(([target, mib]) =>
        rssRounds(
          target as 'proxy' | 'proxy-workers',
          mib.map((m) => m * MIB),
        ),
      )
      const t = computeTargets(new Map(), null, rounds)
      const proxy = t.find((x) => x.name === 'RSS over rounds')!
      const workers = t.find((x) => x.name === 'RSS over rounds, proxy-workers')!
      assert.deepEqual([proxy.met, workers.met], met)
    })
  }

  it('formats the target lines', () => {
    const t = computeTargets(new Map(), null, [
      rssRounds(
        'proxy',
        [100, 100, 103].map((m) => m * MIB),
      ),
    ])
    assert.deepEqual(t.filter((x) => x.name.startsWith('RSS over rounds')).map(formatTarget), [
      'RSS over rounds: proxy RSS last round / second round = 1.03 (target ≤ 1.05): met',
      'RSS over rounds, proxy-workers: proxy-workers RSS last round / second round (target ≤ 1.05): not measured',
    ])
  })
})
