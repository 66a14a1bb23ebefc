// The issue #8 targets, derived from the medians of one batch (bench/README.md, "Targets"):
// hit vs bare node:http, miss vs the naive undici proxy, the --workers 2 gain vs the gain of a
// 2-worker node:cluster baseline, RSS flatness over the --rss-watch run, the proxy's RSS over
// the rounds of the suite, the hit with access logging on vs off, (issue #7) the signed-URL hit vs the plain hit, (issue #5) the hit
// with a viewer-request function vs the plain hit, and the hit vs Varnish's: with both on one
// core, and unpinned on the whole box as perf-baseline.md measured Varnish. Then two of ours:
// the fast hit path against the same hit through node:http, and the function hit against that
// node:http hit (both go through node, so the ratio is the function's own cost). Pure.
import type { Target } from './scenarios.js'

export interface TargetCheck {
  readonly name: string
  /** How the value is computed, from scenario names. */
  readonly formula: string
  readonly op: '>=' | '<='
  readonly threshold: number
  /** Null when a scenario it needs was not measured. */
  readonly value: number | null
  /** Null when not measured. */
  readonly met: boolean | null
  /**
   * For a ratio of two rows: the same ratio taken round by round (each round's two runs are
   * minutes apart at most), to show how far one batch's noise moves it. Informational: `met`
   * is decided on the ratio of the medians.
   */
  readonly perRound?: RoundRatios | null
}

/** The per-round ratios of two rows: their median and range. */
export interface RoundRatios {
  readonly median: number
  readonly min: number
  readonly max: number
}

/** a[i] / b[i] for every round both rows ran; null when there is none. */
export function roundRatios(a: readonly number[], b: readonly number[]): RoundRatios | null {
  const r: number[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!
    const y = b[i]!
    if (x > 0 && y > 0) r.push(x / y)
  }
  if (r.length === 0) return null
  const sorted = r.sort((p, q) => p - q)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

/** One RSS sample of the watch run: seconds since the load started, resident bytes. */
export interface RssSample {
  readonly tS: number
  readonly bytes: number
}

export interface RssTrend {
  readonly durationS: number
  /** Samples before this many seconds are the warm-up and not judged. */
  readonly warmupS: number
  readonly samples: readonly RssSample[]
  readonly firstAfterWarmupBytes: number
  readonly lastBytes: number
  readonly maxBytes: number
  /** last ÷ first after warm-up. */
  readonly growth: number
  /** Least-squares slope over the samples after warm-up, MiB per minute. */
  readonly slopeMiBPerMin: number
  /** Requests per second of the watch run (median-free: one run). */
  readonly reqPerSec: number
}

/** The RSS of one proxy server right after each round of the suite (every selected row once). */
export interface RssRounds {
  /** The server sampled: one of RSS_ROUND_TARGETS. */
  readonly target: Target
  /** Resident bytes (all the server's processes) after round 1, 2, …; null without /proc. */
  readonly bytes: readonly (number | null)[]
  /** RSS after the last round ÷ after round 2 (rssRoundsGrowth); null when not measurable. */
  readonly growth: number | null
}

/** The servers whose RSS is sampled after every round: the proxy, and the one with workers. */
export const RSS_ROUND_TARGETS: readonly Target[] = ['proxy', 'proxy-workers']

export const HIT_MIN = 0.9
export const MISS_MIN = 0.8
export const WORKERS_MIN = 0.9
/** Issue #8: "logging on costs at most 10% of hit throughput". */
export const LOGGING_MIN = 0.9
/** Issue #7: a signed-URL hit keeps at least this share of the plain hit's throughput. */
export const SIGNED_MIN = 0.7
/** Issue #5: a hit through a viewer-request function keeps this share of the plain hit's. */
export const FUNCTION_MIN = 0.8
/** Issue #8: "ahead of Varnish's hit throughput on the same core". */
export const VARNISH_MIN = 1
/** The fast hit path is never slower than the same hit through node:http. */
export const FAST_PATH_MIN = 1
/** RSS counts as flat when the last sample is at most 5% above the first after warm-up. */
export const RSS_GROWTH_MAX = 1.05
/**
 * The proxy's RSS counts as not growing over the rounds when it is at most 5% higher after the
 * last round than after round 2 (round 1 is the warm-up: caches fill, JIT and heap settle).
 */
export const RSS_ROUNDS_MAX = 1.05

/** The warm-up part of an RSS watch of durationS seconds: a sixth, 1–10 s. */
export function rssWarmupS(durationS: number): number {
  return Math.max(1, Math.min(10, Math.floor(durationS / 6)))
}

/** Summarizes the samples of an RSS watch; null when no sample falls after the warm-up. */
export function rssTrend(
  samples: readonly RssSample[],
  durationS: number,
  reqPerSec: number,
): RssTrend | null {
  const warmupS = rssWarmupS(durationS)
  const after = samples.filter((s) => s.tS >= warmupS)
  const first = after[0]
  const last = after[after.length - 1]
  if (first === undefined || last === undefined) return null
  const n = after.length
  const meanT = after.reduce((a, s) => a + s.tS, 0) / n
  const meanB = after.reduce((a, s) => a + s.bytes, 0) / n
  let num = 0
  let den = 0
  for (const s of after) {
    num += (s.tS - meanT) * (s.bytes - meanB)
    den += (s.tS - meanT) ** 2
  }
  const slopeBytesPerS = den === 0 ? 0 : num / den
  return {
    durationS,
    warmupS,
    samples,
    firstAfterWarmupBytes: first.bytes,
    lastBytes: last.bytes,
    maxBytes: Math.max(...samples.map((s) => s.bytes)),
    growth: last.bytes / first.bytes,
    slopeMiBPerMin: (slopeBytesPerS * 60) / (1024 * 1024),
    reqPerSec,
  }
}

/**
 * RSS after the last round ÷ RSS after round 2. Null with fewer than 3 rounds (round 1 is the
 * warm-up, so there is nothing to compare with round 2) or when either sample is missing.
 */
export function rssRoundsGrowth(bytes: readonly (number | null)[]): number | null {
  if (bytes.length < 3) return null
  const second = bytes[1] ?? null
  const last = bytes[bytes.length - 1] ?? null
  return second === null || last === null || !(second > 0) ? null : last / second
}

/** The series of one server's RSS after each round, with its growth. */
export function rssRounds(target: Target, bytes: readonly (number | null)[]): RssRounds {
  return { target, bytes, growth: rssRoundsGrowth(bytes) }
}

function check(
  name: string,
  formula: string,
  op: TargetCheck['op'],
  threshold: number,
  value: number | null,
): TargetCheck {
  const ok = value === null || !Number.isFinite(value) ? null : value
  const met = ok === null ? null : op === '>=' ? ok >= threshold : ok <= threshold
  return { name, formula, op, threshold, value: ok, met }
}

/**
 * The targets from the scenarios' median req/s (by name), the RSS watch, if any, the RSS
 * series after each round of the servers in RSS_ROUND_TARGETS that ran, and each row's req/s
 * per round (for the per-round spread of the two-row ratios).
 */
export function computeTargets(
  medians: ReadonlyMap<string, number>,
  rss: RssTrend | null,
  rounds: readonly RssRounds[] = [],
  perRun: ReadonlyMap<string, readonly number[]> = new Map(),
): TargetCheck[] {
  const m = (name: string): number | null => {
    const v = medians.get(name)
    return v === undefined || !(v > 0) ? null : v
  }
  const ratio = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : a / b
  const hit = ratio(m('proxy-hit'), m('baseline'))
  const miss = ratio(m('proxy-miss'), m('naive-proxy'))
  const signed = ratio(m('proxy-hit-signed'), m('proxy-hit'))
  const fn = ratio(m('proxy-hit-fn'), m('proxy-hit'))
  const fnCost = ratio(m('proxy-hit-fn'), m('proxy-hit-node'))
  const fast = ratio(m('proxy-hit'), m('proxy-hit-node'))
  const logging = ratio(m('proxy-hit-log'), m('proxy-hit'))
  const varnish = ratio(m('proxy-hit-1core'), m('varnish-hit-1core'))
  const varnishBox = ratio(m('proxy-hit'), m('varnish-hit'))
  const workers = ratio(
    ratio(m('proxy-hit-workers'), m('proxy-hit')),
    ratio(m('cluster-baseline'), m('baseline')),
  )
  const spread = (a: string, b: string): { perRound: RoundRatios | null } => ({
    perRound: roundRatios(perRun.get(a) ?? [], perRun.get(b) ?? []),
  })
  return [
    {
      ...check('cache hit', 'proxy-hit / baseline', '>=', HIT_MIN, hit),
      ...spread('proxy-hit', 'baseline'),
    },
    {
      ...check('miss', 'proxy-miss / naive-proxy', '>=', MISS_MIN, miss),
      ...spread('proxy-miss', 'naive-proxy'),
    },
    check(
      'workers gain',
      '(proxy-hit-workers / proxy-hit) / (cluster-baseline / baseline)',
      '>=',
      WORKERS_MIN,
      workers,
    ),
    check(
      'RSS flat',
      'RSS last / first after warm-up (--rss-watch)',
      '<=',
      RSS_GROWTH_MAX,
      rss === null ? null : rss.growth,
    ),
    ...RSS_ROUND_TARGETS.map((target) =>
      check(
        target === 'proxy' ? 'RSS over rounds' : `RSS over rounds, ${target}`,
        `${target} RSS last round / second round`,
        '<=',
        RSS_ROUNDS_MAX,
        rounds.find((r) => r.target === target)?.growth ?? null,
      ),
    ),
    {
      ...check('logging on', 'proxy-hit-log / proxy-hit', '>=', LOGGING_MIN, logging),
      ...spread('proxy-hit-log', 'proxy-hit'),
    },
    {
      ...check('signed hit', 'proxy-hit-signed / proxy-hit', '>=', SIGNED_MIN, signed),
      ...spread('proxy-hit-signed', 'proxy-hit'),
    },
    {
      ...check('function hit', 'proxy-hit-fn / proxy-hit', '>=', FUNCTION_MIN, fn),
      ...spread('proxy-hit-fn', 'proxy-hit'),
    },
    {
      ...check(
        'Varnish, one core',
        'proxy-hit-1core / varnish-hit-1core',
        '>=',
        VARNISH_MIN,
        varnish,
      ),
      ...spread('proxy-hit-1core', 'varnish-hit-1core'),
    },
    {
      ...check('Varnish, whole box', 'proxy-hit / varnish-hit', '>=', VARNISH_MIN, varnishBox),
      ...spread('proxy-hit', 'varnish-hit'),
    },
    {
      ...check('fast hit path', 'proxy-hit / proxy-hit-node', '>=', FAST_PATH_MIN, fast),
      ...spread('proxy-hit', 'proxy-hit-node'),
    },
    {
      ...check('function cost', 'proxy-hit-fn / proxy-hit-node', '>=', FUNCTION_MIN, fnCost),
      ...spread('proxy-hit-fn', 'proxy-hit-node'),
    },
  ]
}

/**
 * "cache hit: proxy-hit / baseline = 0.93 (target ≥ 0.90): met", and for a two-row ratio
 * measured over rounds "; per round 0.92 [0.85–0.99]" (median [min–max]).
 */
export function formatTarget(t: TargetCheck): string {
  const target = `(target ${t.op === '>=' ? '≥' : '≤'} ${t.threshold.toFixed(2)})`
  if (t.value === null) return `${t.name}: ${t.formula} ${target}: not measured`
  const verdict = t.met === true ? 'met' : 'MISSED'
  // 0.899 against 0.90 must not read "0.90 … MISSED": one more digit where two hide the miss.
  const two = t.value.toFixed(2)
  const shown = t.met !== true && two === t.threshold.toFixed(2) ? t.value.toFixed(3) : two
  const r = t.perRound
  const spread =
    r === undefined || r === null
      ? ''
      : `; per round ${r.median.toFixed(2)} [${r.min.toFixed(2)}–${r.max.toFixed(2)}]`
  return `${t.name}: ${t.formula} = ${shown} ${target}: ${verdict}${spread}`
}
