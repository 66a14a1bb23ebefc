// `npm run bench`: starts origin, baseline and proxy as child processes, drives each scenario
// of bench/scenarios.ts with autocannon in interleaved rounds, then prints the table and writes
// bench/results/<timestamp>.json (bench/README.md; targets in shared perf-baseline.md).
import autocannon from 'autocannon'
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { groupCpuSeconds, selfCpuSeconds } from './cpu.js'
import { parseOptions, USAGE, type BenchOptions } from './options.js'
import * as procs from './procs.js'
import { formatTable, median, summarize, writeJson } from './report.js'
import type { RunResult, Summary } from './report.js'
import { BASELINE, scenarios, type Scenario } from './scenarios.js'
import { PROXY_CMD_ENV, repoRoot, startServers, type Server } from './servers.js'

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const round1 = (n: number): number => Math.round(n * 10) / 10

/** The checked-out commit (with a -dirty mark), or null outside a git work tree. */
function gitCommit(): string | null {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return null
  }
}

/** One autocannon run against url, bounded to durationS + 15 s. */
async function load(
  url: string,
  durationS: number,
  connections: number,
): Promise<autocannon.Result> {
  const instance = autocannon({
    url,
    connections,
    duration: durationS,
  }) as Promise<autocannon.Result> & {
    stop?: () => void
  }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        instance.stop?.()
        reject(new Error(`autocannon did not finish ${url} within ${durationS + 15} s`))
      },
      (durationS + 15) * 1000,
    )
  })
  try {
    return await Promise.race([instance, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function measure(
  round: number,
  server: Server,
  s: Scenario,
  o: BenchOptions,
): Promise<RunResult> {
  const cpu0 = groupCpuSeconds(server.child.pid)
  const self0 = selfCpuSeconds()
  const t0 = performance.now()
  const r = await load(server.base + s.path, o.durationS, o.connections)
  const wall = (performance.now() - t0) / 1000
  const cpu1 = groupCpuSeconds(server.child.pid)
  if (server.child.exit !== null) throw new Error(`${s.name}: ${procs.describeChild(server.child)}`)
  return {
    round,
    reqPerSec: round1(r.requests.total / r.duration),
    requests: r.requests.total,
    durationS: r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    serverCpuPct: cpu0 === null || cpu1 === null ? null : round1(((cpu1 - cpu0) / wall) * 100),
    generatorCpuPct: round1(((selfCpuSeconds() - self0) / wall) * 100),
  }
}

async function bench(o: BenchOptions): Promise<number> {
  const startedAt = new Date()
  const selected = scenarios.filter((s) => o.only.includes(s.name))
  const servers = await startServers(new Set(selected.map((s) => s.target)))
  const serverOf = (s: Scenario): Server => servers.get(s.target)!
  const total = selected.length * (o.warmupS + o.runs * o.durationS)
  process.stderr.write(`measuring ${selected.map((s) => s.name).join(', ')} for about ${total} s\n`)

  const probes = new Map<string, Summary['probe']>()
  for (const s of selected) {
    if (o.warmupS > 0) await load(serverOf(s).base + s.path, o.warmupS, o.connections)
    const p = await procs.probe(serverOf(s).base + s.path, 5000)
    probes.set(s.name, { status: p.status, xCache: p.xCache })
    if (p.status !== 200 || p.bytes !== 1024) {
      process.stderr.write(`warning: ${s.name}: probe got ${p.status} with ${p.bytes} bytes\n`)
    }
  }

  const runs = new Map<string, RunResult[]>(selected.map((s) => [s.name, []]))
  for (let round = 1; round <= o.runs; round++) {
    for (const s of selected) {
      const r = await measure(round, serverOf(s), s, o)
      runs.get(s.name)!.push(r)
      const bad =
        r.errors + r.timeouts + r.non2xx > 0
          ? ` errors=${r.errors} timeouts=${r.timeouts} non2xx=${r.non2xx}`
          : ''
      process.stderr.write(
        `round ${round}/${o.runs} ${s.name}: ${fmt(r.reqPerSec)} req/s p99 ${r.p99Ms} ms${bad}\n`,
      )
    }
  }

  const baseRuns = runs.get(BASELINE)
  const baseMedian = baseRuns === undefined ? null : median(baseRuns.map((r) => r.reqPerSec))
  const summaries = selected.map((s) =>
    summarize(s, runs.get(s.name)!, probes.get(s.name) ?? null, baseMedian),
  )
  process.stdout.write(`\n${formatTable(summaries)}\n`)
  if (baseMedian === null) process.stdout.write(`(no ratio: '${BASELINE}' was not among --only)\n`)
  const file = writeJson(join(repoRoot, 'bench', 'results'), startedAt, {
    startedAt: startedAt.toISOString(),
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    options: o,
    proxyCommand: process.env[PROXY_CMD_ENV] ?? null,
    scenarios: summaries,
  })
  process.stdout.write(`\nresults: ${file}\n`)
  return summaries.some((s) => s.errors + s.timeouts + s.non2xx > 0) ? 1 : 0
}

async function main(): Promise<number> {
  let o: BenchOptions | null
  try {
    o = parseOptions(
      process.argv.slice(2),
      scenarios.map((s) => s.name),
    )
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`)
    return 2
  }
  if (o === null) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  process.on('exit', procs.killAllSync)
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n${sig}: stopping child processes\n`)
      void procs.stopAll().finally(() => process.exit(code))
    })
  }
  try {
    return await bench(o)
  } catch (err) {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  } finally {
    await procs.stopAll()
  }
}

process.exit(await main())
