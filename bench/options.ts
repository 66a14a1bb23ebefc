// Command-line flags of `npm run bench` (bench/README.md, "Flags"): durations in whole
// seconds, run count, connections, `--only` to pick scenario rows by name, the load generator
// and the optional RSS watch of one long proxy-hit run.
import { parseArgs } from 'node:util'

export interface BenchOptions {
  readonly durationS: number
  readonly runs: number
  readonly connections: number
  readonly warmupS: number
  /** Unmeasured load right before each measured run (seconds). */
  readonly settleS: number
  /** Scenario names to run, in table order. */
  readonly only: readonly string[]
  /** Load generator: autocannon in the runner, or wrk -t1 as a child process. */
  readonly tool: Tool
  /** Seconds of the RSS watch run after the rounds (proxy-hit load, RSS every second); 0 = off. */
  readonly rssWatchS: number
}

export const TOOLS = ['autocannon', 'wrk'] as const
export type Tool = (typeof TOOLS)[number]

/** The scenario the RSS watch loads (its server, path and headers). */
export const RSS_WATCH_SCENARIO = 'proxy-hit'

export const USAGE = `usage: node dist/bench/run.js [--duration S] [--runs N] [--connections C]
                             [--warmup S] [--settle S] [--only name,name]
                             [--tool autocannon|wrk]
                             [--rss-watch S]
  --duration S      seconds per measured run (default 5)
  --runs N          measured runs per scenario, interleaved across scenarios (default 3); the
                    proxy's RSS is read after each round (issue #8 asks for no growth over 10)
  --connections C   connections of the load generator (default 50)
  --warmup S        warm-up seconds per scenario before the runs, 0 = none (default 2)
  --settle S        unmeasured seconds of the same load right before each run, 0 = none
                    (default 1): a server idle while the other rows ran is slow for about a
                    second, and the rows' servers are idle for different lengths of time
  --only a,b        run only these scenarios (the ratio needs 'baseline' among them)
  --tool T          load generator: autocannon (default) or wrk (wrk -t1, must be installed)
  --rss-watch S     after the rounds, one S-second ${RSS_WATCH_SCENARIO} load sampling the proxy's RSS
                    every second (needs ${RSS_WATCH_SCENARIO} among the scenarios; default 0 = off)`

function int(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new Error(`--${flag} must be a whole number from ${min} to ${max} (got ${raw})`)
  }
  return n
}

/** Parses argv (without node and script); returns null when --help was asked for. */
export function parseOptions(
  argv: readonly string[],
  scenarioNames: readonly string[],
): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      duration: { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2' },
      settle: { type: 'string', default: '1' },
      only: { type: 'string' },
      tool: { type: 'string', default: 'autocannon' },
      'rss-watch': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) return null
  const wanted = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const unknown = wanted?.filter((name) => !scenarioNames.includes(name)) ?? []
  if (unknown.length > 0) {
    throw new Error(
      `--only: unknown scenario ${unknown.join(', ')} (known: ${scenarioNames.join(', ')})`,
    )
  }
  if (wanted?.length === 0) throw new Error('--only: give at least one scenario name')
  const tool = TOOLS.find((t) => t === values.tool)
  if (tool === undefined) {
    throw new Error(`--tool must be one of ${TOOLS.join(', ')} (got ${values.tool})`)
  }
  const only =
    wanted === undefined ? scenarioNames : scenarioNames.filter((n) => wanted.includes(n))
  const rssWatchS = int('rss-watch', values['rss-watch'], 0, 3600)
  if (rssWatchS > 0 && !only.includes(RSS_WATCH_SCENARIO)) {
    throw new Error(`--rss-watch needs the ${RSS_WATCH_SCENARIO} scenario among --only`)
  }
  return {
    durationS: int('duration', values.duration, 1, 600),
    runs: int('runs', values.runs, 1, 100),
    connections: int('connections', values.connections, 1, 10000),
    warmupS: int('warmup', values.warmup, 0, 600),
    settleS: int('settle', values.settle, 0, 60),
    only,
    tool,
    rssWatchS,
  }
}
