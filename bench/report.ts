// Benchmark report (perf-baseline.md "Reported values"): per scenario the median req/s with
// [min–max], median p50/p99, error counts, ratio to the baseline of the same batch and the
// server's RSS and the proxy's RSS after each round; the derived issue #8 targets; an aligned table for stdout, a Markdown file and
// a machine-readable JSON file in bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LoadResult } from './load.js'
import type { Scenario } from './scenarios.js'
import { formatTarget, type RssRounds, type RssTrend, type TargetCheck } from './targets.js'

/** One measured run: the generator's figures (load.ts) plus the runner's. */
export interface RunResult extends LoadResult {
  /** 1-based round; all scenarios of one round ran back to back. */
  readonly round: number
  readonly reqPerSec: number
  /** CPU of the target server's process group, 100 = one core; null without /proc. */
  readonly serverCpuPct: number | null
  /** CPU of the load generator (the runner with autocannon, or wrk), 100 = one core. */
  readonly generatorCpuPct: number
  /** The target server's resident memory (all its processes) right after the run. */
  readonly rssBytes: number | null
}

export interface ProbeResult {
  readonly status: number
  readonly bytes: number
  readonly xCache: string | null
  readonly contentEncoding: string | null
}

export interface Summary {
  readonly name: string
  readonly target: string
  readonly path: string
  readonly note: string
  /** One probe request after the warm-up. */
  readonly probe: ProbeResult | null
  readonly reqPerSec: { readonly median: number; readonly min: number; readonly max: number }
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  /** Median req/s ÷ the baseline's median req/s of this batch; null without a baseline row. */
  readonly ratio: number | null
  readonly serverCpuPct: number | null
  readonly generatorCpuPct: number
  /** The server's RSS after this scenario's last run; servers are shared between rows. */
  readonly rssBytes: number | null
  readonly runs: readonly RunResult[]
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  if (s.length === 0) return NaN
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** What is wrong with a probe answer for this scenario (Scenario.expect); empty when fine. */
export function probeProblems(s: Scenario, p: ProbeResult): string[] {
  const problems: string[] = []
  if (p.status !== 200) problems.push(`status ${p.status}, not 200`)
  if (s.expect?.encoded === true) {
    if (p.contentEncoding === null) problems.push('no content-encoding')
  } else {
    if (p.contentEncoding !== null) problems.push(`content-encoding ${p.contentEncoding}`)
    const bytes = s.expect?.bytes ?? 1024
    if (p.bytes !== bytes) problems.push(`${p.bytes} bytes, not ${bytes}`)
  }
  return problems
}

export function summarize(
  scenario: Scenario,
  runs: readonly RunResult[],
  probe: ProbeResult | null,
  baselineMedian: number | null,
): Summary {
  const rps = runs.map((r) => r.reqPerSec)
  const sum = (pick: (r: RunResult) => number): number => runs.reduce((a, r) => a + pick(r), 0)
  const cpu = runs.map((r) => r.serverCpuPct).filter((v): v is number => v !== null)
  const med = median(rps)
  return {
    name: scenario.name,
    target: scenario.target,
    path: scenario.path,
    note: scenario.note,
    probe,
    reqPerSec: { median: med, min: Math.min(...rps), max: Math.max(...rps) },
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    ratio: baselineMedian !== null && baselineMedian > 0 ? med / baselineMedian : null,
    serverCpuPct: cpu.length === runs.length ? median(cpu) : null,
    generatorCpuPct: median(runs.map((r) => r.generatorCpuPct)),
    rssBytes: runs[runs.length - 1]?.rssBytes ?? null,
    runs,
  }
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => String(Math.round(n * 100) / 100)
const pct = (n: number | null): string => (n === null ? '–' : `${Math.round(n)}%`)
export const mib = (n: number | null): string =>
  n === null ? '–' : String(Math.round((n / (1024 * 1024)) * 10) / 10)

const HEAD = [
  'scenario',
  'req/s median [min–max]',
  'ratio',
  'p50 ms',
  'p99 ms',
  'RSS MiB',
  'err/non2xx',
  'server CPU',
  'gen CPU',
  'probe: status x-cache encoding',
]

function cells(s: Summary): string[] {
  const probe =
    s.probe === null
      ? '–'
      : [s.probe.status, s.probe.xCache ?? '(none)', s.probe.contentEncoding ?? ''].join(' ')
  return [
    s.name,
    `${int(s.reqPerSec.median)} [${int(s.reqPerSec.min)}–${int(s.reqPerSec.max)}]`,
    s.ratio === null ? '–' : s.ratio.toFixed(2),
    ms(s.p50Ms),
    ms(s.p99Ms),
    mib(s.rssBytes),
    `${s.errors + s.timeouts}/${s.non2xx}`,
    pct(s.serverCpuPct),
    pct(s.generatorCpuPct),
    probe.trimEnd(),
  ]
}

/** One line on the RSS watch run. */
export function formatRssTrend(t: RssTrend): string {
  return (
    `RSS watch: ${t.durationS} s of proxy-hit at ${int(t.reqPerSec)} req/s: ` +
    `${mib(t.firstAfterWarmupBytes)} MiB at ${t.warmupS} s (after warm-up) → ` +
    `${mib(t.lastBytes)} MiB at the end (×${t.growth.toFixed(3)}), max ${mib(t.maxBytes)} MiB, ` +
    `slope ${t.slopeMiBPerMin.toFixed(2)} MiB/min`
  )
}

/** "RSS after each round (MiB), proxy: 121.3 124.0 125.2" ('–' where /proc was unreadable). */
export function formatRssRounds(r: RssRounds): string {
  const values = r.bytes.map((b) => (b === null ? '–' : (b / (1024 * 1024)).toFixed(1)))
  return `RSS after each round (MiB), ${r.target}: ${values.join(' ') || '(no rounds)'}`
}

/**
 * The aligned stdout table, one row per scenario, then the targets, the RSS watch, the RSS
 * after each round and each row's note.
 */
export function formatTable(
  summaries: readonly Summary[],
  targets: readonly TargetCheck[] = [],
  rss: RssTrend | null = null,
  rounds: readonly RssRounds[] = [],
): string {
  const all = [HEAD, ...summaries.map(cells)]
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]): string =>
    r
      .map((cell, i) =>
        i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join('  ')
      .trimEnd()
  const out = all.map(line)
  if (targets.length > 0)
    out.push('', 'targets (issue #8):', ...targets.map((t) => `  ${formatTarget(t)}`))
  if (rss !== null) out.push('', formatRssTrend(rss))
  if (rounds.length > 0) out.push('', ...rounds.map(formatRssRounds))
  out.push('', ...summaries.map((s) => `  ${s.name}: ${s.note}`))
  return out.join('\n')
}

export interface MarkdownMeta {
  readonly startedAt: string
  readonly commit: string | null
  readonly node: string
  readonly cpus: number
  readonly cpuModel: string | null
  readonly tool: string
  /** The command line that produced the run, e.g. `npm run bench -- --runs 3`. */
  readonly command: string
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|')

/** The Markdown report: how it was taken, the table, the targets, the RSS and the notes. */
export function formatMarkdown(
  meta: MarkdownMeta,
  summaries: readonly Summary[],
  targets: readonly TargetCheck[],
  rss: RssTrend | null,
  rounds: readonly RssRounds[] = [],
): string {
  const lines = [
    `# edgeproxy bench ${meta.startedAt}`,
    '',
    `- command: \`${meta.command}\``,
    `- commit ${meta.commit ?? 'unknown'}, Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel ?? 'unknown CPU'}`,
    `- load generator: ${meta.tool} on the same box, 127.0.0.1, HTTP/1.1 keep-alive`,
    '- req/s: median of the interleaved runs [min–max]; p50/p99: medians of the runs; ' +
      'ratio: median ÷ baseline median of this batch; RSS: the server after the row’s last run',
    '',
    `| ${HEAD.map(escapeCell).join(' | ')} |`,
    `|${HEAD.map((_, i) => (i === 0 || i === HEAD.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...summaries.map((s) => `| ${cells(s).map(escapeCell).join(' | ')} |`),
  ]
  if (targets.length > 0) {
    lines.push('', '## Targets (issue #8)', '', ...targets.map((t) => `- ${formatTarget(t)}`))
  }
  if (rss !== null) lines.push('', `${formatRssTrend(rss)}.`)
  if (rounds.length > 0) lines.push('', ...rounds.map((r) => `- ${formatRssRounds(r)}`))
  lines.push(
    '',
    '## Scenarios',
    '',
    ...summaries.map((s) => `- \`${s.name}\` (\`GET ${s.path}\`): ${s.note}`),
  )
  return lines.join('\n') + '\n'
}

/** dir/<ISO timestamp> (colons made file-name safe), without extension. */
export function resultBase(dir: string, startedAt: Date): string {
  return join(dir, startedAt.toISOString().replace(/:/g, '-'))
}

/** Writes the JSON and Markdown reports next to each other; returns both paths. */
export function writeResults(
  dir: string,
  startedAt: Date,
  report: object,
  markdown: string,
): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true })
  const base = resultBase(dir, startedAt)
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n')
  writeFileSync(`${base}.md`, markdown)
  return { json: `${base}.json`, markdown: `${base}.md` }
}
