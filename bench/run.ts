// `npm run bench`: starts the servers as child processes, drives each scenario of
// bench/scenarios.ts with autocannon (or wrk) in interleaved rounds, samples the proxy's RSS
// after every round, optionally watches it under one long hit load, then prints the table with
// the issue #8 targets and writes bench/results/<timestamp>.json and .md (bench/README.md;
// targets in shared perf-baseline.md).
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { groupCpuSeconds, reapedChildrenCpuSeconds, selfCpuSeconds, serverRssBytes } from './cpu.js'
import { runLoad, wrkInstalled } from './load.js'
import { parseOptions, RSS_WATCH_SCENARIO, USAGE, type BenchOptions } from './options.js'
import { pinningUnavailable, whilePinned } from './pin.js'
import * as procs from './procs.js'
import { formatMarkdown, formatTable, median, probeProblems, summarize } from './report.js'
import { writeResults, type ProbeResult, type RunResult } from './report.js'
import { BASELINE, scenarios, type Scenario } from './scenarios.js'
import { PROXY_CMD_ENV, removeServerFiles, repoRoot, startServers } from './servers.js'
import { varnishInstalled, type Server } from './servers.js'
import { computeTargets, RSS_ROUND_TARGETS, rssRounds, rssTrend } from './targets.js'
import type { RssSample, RssTrend } from './targets.js'

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

/** CPU seconds of the load generator so far: the runner (autocannon) and reaped wrk runs. */
const generatorCpuSeconds = (): number => selfCpuSeconds() + reapedChildrenCpuSeconds()

function loadOf(server: Server, s: Scenario, durationS: number, o: BenchOptions) {
  const load = () =>
    runLoad(o.tool, {
      url: server.base + s.path,
      durationS,
      connections: o.connections,
      headers: s.headers,
    })
  return s.pinned === true ? whilePinned(server.child.pid, load) : load()
}

/** The rows this machine can run: why each other one is left out goes to stderr. */
function runnable(wanted: readonly Scenario[]): Scenario[] {
  const noPin = wanted.some((s) => s.pinned === true) ? pinningUnavailable() : null
  const noVarnish =
    wanted.some((s) => s.target === 'varnish') && !varnishInstalled()
      ? 'no varnishd on PATH (Debian: apt-get install varnish)'
      : null
  return wanted.filter((s) => {
    const why = (s.target === 'varnish' ? noVarnish : null) ?? (s.pinned === true ? noPin : null)
    if (why !== null) process.stderr.write(`${s.name}: left out, ${why}\n`)
    return why === null
  })
}

async function measure(
  round: number,
  server: Server,
  s: Scenario,
  o: BenchOptions,
): Promise<RunResult> {
  // The row's server may have been idle while the other rows ran: slow for about a second.
  if (o.settleS > 0) await loadOf(server, s, o.settleS, o)
  const cpu0 = groupCpuSeconds(server.child.pid)
  const gen0 = generatorCpuSeconds()
  const t0 = performance.now()
  const r = await loadOf(server, s, o.durationS, o)
  const wall = (performance.now() - t0) / 1000
  const cpu1 = groupCpuSeconds(server.child.pid)
  if (server.child.exit !== null) throw new Error(`${s.name}: ${procs.describeChild(server.child)}`)
  return {
    round,
    reqPerSec: round1(r.requests / r.durationS),
    requests: r.requests,
    durationS: r.durationS,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    serverCpuPct: cpu0 === null || cpu1 === null ? null : round1(((cpu1 - cpu0) / wall) * 100),
    generatorCpuPct: round1(((generatorCpuSeconds() - gen0) / wall) * 100),
    rssBytes: serverRssBytes(server.child.pid),
  }
}

/** One o.rssWatchS-second proxy-hit load, sampling the proxy's RSS every second. */
async function watchRss(server: Server, s: Scenario, o: BenchOptions): Promise<RssTrend | null> {
  process.stderr.write(`RSS watch: ${o.rssWatchS} s of ${s.name}\n`)
  const samples: RssSample[] = []
  const t0 = performance.now()
  const sample = (): void => {
    const bytes = serverRssBytes(server.child.pid)
    if (bytes !== null) samples.push({ tS: round1((performance.now() - t0) / 1000), bytes })
  }
  sample()
  const timer = setInterval(sample, 1000)
  try {
    const r = await loadOf(server, s, o.rssWatchS, o)
    sample()
    if (r.errors + r.timeouts + r.non2xx > 0) {
      process.stderr.write(`warning: RSS watch saw errors=${r.errors} non2xx=${r.non2xx}\n`)
    }
    return rssTrend(samples, o.rssWatchS, round1(r.requests / r.durationS))
  } finally {
    clearInterval(timer)
  }
}

async function bench(o: BenchOptions, argv: readonly string[]): Promise<number> {
  const startedAt = new Date()
  const selected = runnable(scenarios.filter((s) => o.only.includes(s.name)))
  const servers = await startServers(new Set(selected.map((s) => s.target)))
  const serverOf = (s: Scenario): Server => servers.get(s.target)!
  const total = selected.length * (o.warmupS + o.runs * (o.settleS + o.durationS)) + o.rssWatchS
  process.stderr.write(
    `measuring ${selected.map((s) => s.name).join(', ')} with ${o.tool} for about ${total} s\n`,
  )

  const probes = new Map<string, ProbeResult>()
  for (const s of selected) {
    if (o.warmupS > 0) await loadOf(serverOf(s), s, o.warmupS, o)
    const p = await procs.probe(serverOf(s).base + s.path, 5000, s.headers)
    probes.set(s.name, p)
    const problems = probeProblems(s, p)
    if (problems.length > 0) {
      process.stderr.write(`warning: ${s.name}: probe got ${problems.join(', ')}\n`)
    }
  }

  const runs = new Map<string, RunResult[]>(selected.map((s) => [s.name, []]))
  // The proxy servers' RSS right after each round: "no growth over ten runs of the suite".
  const roundTargets = RSS_ROUND_TARGETS.filter((t) => servers.has(t))
  const roundRss = new Map(roundTargets.map((t) => [t, [] as (number | null)[]]))
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
    for (const t of roundTargets) roundRss.get(t)!.push(serverRssBytes(servers.get(t)!.child.pid))
  }
  const rounds = roundTargets.map((t) => rssRounds(t, roundRss.get(t)!))

  const watched = selected.find((s) => s.name === RSS_WATCH_SCENARIO)
  const rss = o.rssWatchS > 0 && watched ? await watchRss(serverOf(watched), watched, o) : null

  const baseRuns = runs.get(BASELINE)
  const baseMedian = baseRuns === undefined ? null : median(baseRuns.map((r) => r.reqPerSec))
  const summaries = selected.map((s) =>
    summarize(s, runs.get(s.name)!, probes.get(s.name) ?? null, baseMedian),
  )
  const medians = new Map(summaries.map((s) => [s.name, s.reqPerSec.median]))
  const perRun = new Map(selected.map((s) => [s.name, runs.get(s.name)!.map((r) => r.reqPerSec)]))
  const targets = computeTargets(medians, rss, rounds, perRun)
  process.stdout.write(`\n${formatTable(summaries, targets, rss, rounds)}\n`)
  if (baseMedian === null) process.stdout.write(`(no ratio: '${BASELINE}' was not among --only)\n`)
  const meta = {
    startedAt: startedAt.toISOString(),
    commit: gitCommit(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    tool: o.tool,
    command: ['npm run bench --', ...argv].join(' ').replace(/ --$/, ''),
  }
  const files = writeResults(
    join(repoRoot, 'bench', 'results'),
    startedAt,
    {
      ...meta,
      options: o,
      proxyCommand: process.env[PROXY_CMD_ENV] ?? null,
      scenarios: summaries,
      targets,
      rssWatch: rss,
      rssRounds: rounds,
    },
    formatMarkdown(meta, summaries, targets, rss, rounds),
  )
  process.stdout.write(`\nresults: ${files.json}\n         ${files.markdown}\n`)
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
  if (o.tool === 'wrk' && !wrkInstalled()) {
    process.stderr.write('--tool wrk: no wrk on PATH (e.g. apt-get install wrk); use autocannon\n')
    return 2
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
    return await bench(o, process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  } finally {
    await procs.stopAll()
    removeServerFiles()
  }
}

process.exit(await main())
