// bench/report.ts: probe checks per scenario, the summary of interleaved runs and the
// Markdown report written next to the JSON.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  formatMarkdown,
  formatRssRounds,
  formatTable,
  median,
  probeProblems,
  summarize,
  type ProbeResult,
  type RunResult,
} from '../../../bench/report.js'
import type { Scenario } from '../../../bench/scenarios.js'
import { computeTargets, rssRounds } from '../../../bench/targets.js'

const plain: Scenario = { name: 'proxy-hit', target: 'proxy', path: '/hit', note: 'n' }
const big: Scenario = { ...plain, name: 'proxy-hit-1mb', expect: { bytes: 1048576 } }
const gz: Scenario = { ...plain, name: 'proxy-hit-gzip', expect: { encoded: true } }
const ok: ProbeResult = {
  status: 200,
  bytes: 1024,
  xCache: 'Hit from cloudfront',
  contentEncoding: null,
}

const PROBES: readonly [Scenario, Partial<ProbeResult>, string[]][] = [
  [plain, {}, []],
  [plain, { status: 502 }, ['status 502, not 200']],
  [plain, { bytes: 10 }, ['10 bytes, not 1024']],
  [plain, { contentEncoding: 'br', bytes: 300 }, ['content-encoding br', '300 bytes, not 1024']],
  [big, { bytes: 1048576 }, []],
  [big, {}, ['1024 bytes, not 1048576']],
  [gz, { contentEncoding: 'br', bytes: 300 }, []],
  [gz, { contentEncoding: 'gzip', bytes: 310 }, []],
  [gz, {}, ['no content-encoding']],
]

describe('bench probe check', () => {
  for (const [s, p, expected] of PROBES) {
    it(`${s.name} with ${JSON.stringify(p)}`, () => {
      assert.deepEqual(probeProblems(s, { ...ok, ...p }), expected)
    })
  }
})

const run = (round: number, reqPerSec: number, rssMiB: number): RunResult => ({
  round,
  reqPerSec,
  requests: reqPerSec * 5,
  durationS: 5,
  p50Ms: round,
  p99Ms: round * 10,
  errors: 0,
  timeouts: 0,
  non2xx: round === 2 ? 1 : 0,
  serverCpuPct: 90,
  generatorCpuPct: 80,
  rssBytes: rssMiB * 1024 * 1024,
})

describe('bench summary and Markdown', () => {
  it('median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 3, 2]), 2.5)
    assert.ok(Number.isNaN(median([])))
  })
  const base = summarize(
    { ...plain, name: 'baseline', target: 'baseline', path: '/' },
    [run(1, 40_000, 50), run(2, 42_000, 50), run(3, 38_000, 50)],
    null,
    40_000,
  )
  const hit = summarize(
    plain,
    [run(1, 30_000, 120), run(2, 36_000, 125), run(3, 34_000, 130)],
    ok,
    40_000,
  )
  it('summarizes runs: median, min–max, ratio, RSS after the last run', () => {
    assert.deepEqual(hit.reqPerSec, { median: 34_000, min: 30_000, max: 36_000 })
    assert.equal(hit.ratio, 0.85)
    assert.equal(hit.p50Ms, 2)
    assert.equal(hit.p99Ms, 20)
    assert.equal(hit.non2xx, 1)
    assert.equal(hit.rssBytes, 130 * 1024 * 1024)
  })
  it('writes a Markdown table with every row, the targets and how it was taken', () => {
    const targets = computeTargets(
      new Map([
        ['baseline', 40_000],
        ['proxy-hit', 34_000],
      ]),
      null,
    )
    const md = formatMarkdown(
      {
        startedAt: '2026-01-01T00:00:00.000Z',
        commit: 'abc1234',
        node: 'v20.0.0',
        cpus: 2,
        cpuModel: 'Test CPU',
        tool: 'wrk',
        command: 'npm run bench -- --tool wrk',
      },
      [base, hit],
      targets,
      null,
    )
    const lines = md.split('\n')
    assert.equal(lines[0], '# edgeproxy bench 2026-01-01T00:00:00.000Z')
    assert.ok(md.includes('- command: `npm run bench -- --tool wrk`'))
    assert.ok(md.includes('- load generator: wrk on the same box'))
    assert.ok(md.includes('2 × Test CPU'))
    const table = lines.filter((l) => l.startsWith('|'))
    assert.equal(table.length, 4) // head, alignment, two rows
    assert.match(table[1]!, /^\| --- \|( ---: \|)+ --- \|$/)
    assert.equal(
      table[3],
      '| proxy-hit | 34,000 [30,000–36,000] | 0.85 | 2 | 20 | 130 | 0/1 | 90% | 80% | 200 Hit from cloudfront |',
    )
    assert.ok(md.includes('- cache hit: proxy-hit / baseline = 0.85 (target ≥ 0.90): MISSED'))
    assert.ok(md.includes('- miss: proxy-miss / naive-proxy (target ≥ 0.80): not measured'))
    assert.ok(md.endsWith('\n'))
  })
  it('escapes pipes in Markdown cells', () => {
    const odd = summarize({ ...plain, name: 'a|b' }, [run(1, 1, 1)], null, null)
    const md = formatMarkdown(
      {
        startedAt: 't',
        commit: null,
        node: 'v',
        cpus: 1,
        cpuModel: null,
        tool: 'autocannon',
        command: 'c',
      },
      [odd],
      [],
      null,
    )
    assert.ok(md.includes('| a\\|b |'))
  })
  it('the console table has the same rows and the target lines', () => {
    const out = formatTable([base, hit], computeTargets(new Map([['baseline', 1]]), null))
    assert.match(out, /^scenario +req\/s median/)
    assert.match(out, /\nproxy-hit +34,000 \[30,000–36,000\] +0\.85 /)
    assert.match(
      out,
      /targets \(issue #8\):\n {2}cache hit: proxy-hit \/ baseline \(target ≥ 0\.90\): not measured/,
    )
  })
})

const MIB = 1024 * 1024

// [server, its RSS MiB after each round (null = unreadable), the line]
const ROUND_LINES: readonly [
  target: 'proxy' | 'proxy-workers',
  mib: (number | null)[],
  line: string,
][] = [
  [
    'proxy',
    [121, 124.04, 125.25, 125],
    'RSS after each round (MiB), proxy: 121.0 124.0 125.3 125.0',
  ],
  ['proxy-workers', [250.5, null, 251], 'RSS after each round (MiB), proxy-workers: 250.5 – 251.0'],
  ['proxy', [], 'RSS after each round (MiB), proxy: (no rounds)'],
]

describe('bench RSS after each round', () => {
  for (const [target, mib, line] of ROUND_LINES) {
    it(line, () => {
      const bytes = mib.map((m) => (m === null ? null : m * MIB))
      assert.equal(formatRssRounds(rssRounds(target, bytes)), line)
    })
  }
  const rounds = [
    rssRounds(
      'proxy',
      [120, 125, 126].map((m) => m * MIB),
    ),
    rssRounds(
      'proxy-workers',
      [250, 260, 300].map((m) => m * MIB),
    ),
  ]
  const targets = computeTargets(new Map(), null, rounds)
  const hit = summarize(plain, [run(1, 30_000, 120)], ok, null)
  it('the console table shows the series and the target lines', () => {
    const out = formatTable([hit], targets, null, rounds)
    assert.match(
      out,
      /\n {2}RSS over rounds: proxy RSS last round \/ second round = 1\.01 \(target ≤ 1\.05\): met\n/,
    )
    assert.match(out, /RSS over rounds, proxy-workers: .* = 1\.15 \(target ≤ 1\.05\): MISSED\n/)
    assert.match(
      out,
      /\n\nRSS after each round \(MiB\), proxy: 120\.0 125\.0 126\.0\nRSS after each round \(MiB\), proxy-workers: 250\.0 260\.0 300\.0\n/,
    )
  })
  it('the Markdown lists the series', () => {
    const meta = {
      startedAt: 't',
      commit: null,
      node: 'v',
      cpus: 1,
      cpuModel: null,
      tool: 'autocannon',
      command: 'c',
    }
    const md = formatMarkdown(meta, [hit], targets, null, rounds)
    assert.ok(md.includes('\n- RSS over rounds: proxy RSS last round / second round = 1.01'))
    assert.ok(
      md.includes(
        '\n\n- RSS after each round (MiB), proxy: 120.0 125.0 126.0\n' +
          '- RSS after each round (MiB), proxy-workers: 250.0 260.0 300.0\n',
      ),
    )
    assert.ok(!formatMarkdown(meta, [hit], targets, null).includes('after each round'))
    assert.ok(!formatTable([hit], targets).includes('after each round (MiB)'))
  })
})
