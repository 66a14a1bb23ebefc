// Benchmark report (perf-baseline.md "Reported values"): per scenario the median req/s with
// [min–max], median p50/p99, error counts and ratio to the baseline of the same batch; an
// aligned table for stdout and a machine-readable JSON file in bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Scenario } from './scenarios.js'

export interface RunResult {
  /** 1-based round; all scenarios of one round ran back to back. */
  readonly round: number
  readonly reqPerSec: number
  readonly requests: number
  readonly durationS: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  /** CPU of the target server's process group, 100 = one core; null without /proc. */
  readonly serverCpuPct: number | null
  /** CPU of the runner process (autocannon), 100 = one core. */
  readonly generatorCpuPct: number
}

export interface Summary {
  readonly name: string
  readonly target: string
  readonly path: string
  readonly note: string
  /** Status and X-Cache of one probe request after the warm-up. */
  readonly probe: { readonly status: number; readonly xCache: string | null } | null
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
  readonly runs: readonly RunResult[]
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  if (s.length === 0) return NaN
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export function summarize(
  scenario: Scenario,
  runs: readonly RunResult[],
  probe: Summary['probe'],
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
    runs,
  }
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => String(Math.round(n * 100) / 100)
const pct = (n: number | null): string => (n === null ? '–' : `${Math.round(n)}%`)

/** The aligned stdout table, one row per scenario, then each row's note. */
export function formatTable(summaries: readonly Summary[]): string {
  const head = ['scenario', 'req/s median [min–max]', 'p50 ms', 'p99 ms', 'err/non2xx', 'ratio']
  head.push('server CPU', 'gen CPU', 'probe: status x-cache')
  const rows = summaries.map((s) => [
    s.name,
    `${int(s.reqPerSec.median)} [${int(s.reqPerSec.min)}–${int(s.reqPerSec.max)}]`,
    ms(s.p50Ms),
    ms(s.p99Ms),
    `${s.errors + s.timeouts}/${s.non2xx}`,
    s.ratio === null ? '–' : s.ratio.toFixed(2),
    pct(s.serverCpuPct),
    pct(s.generatorCpuPct),
    s.probe === null ? '–' : `${s.probe.status} ${s.probe.xCache ?? '(none)'}`,
  ])
  const all = [head, ...rows]
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]): string =>
    r
      .map((cell, i) =>
        i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join('  ')
      .trimEnd()
  const notes = summaries.map((s) => `  ${s.name}: ${s.note}`)
  return [...all.map(line), '', ...notes].join('\n')
}

/** Writes the JSON report to dir/<ISO timestamp>.json (colons made file-name safe). */
export function writeJson(dir: string, startedAt: Date, report: object): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${startedAt.toISOString().replace(/:/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  return file
}
