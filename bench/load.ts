// The load generators of the bench (bench/README.md, "--tool"): autocannon through its
// programmatic API inside the runner (the default), or wrk -t1 as a child process with its
// --latency report parsed. Every run is bounded to duration + 15 s.
import autocannon from 'autocannon'
import { spawn, spawnSync } from 'node:child_process'
import type { Tool } from './options.js'

export interface LoadResult {
  readonly requests: number
  /** The measured duration in seconds, as the generator reports it. */
  readonly durationS: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Connection, read and write errors. */
  readonly errors: number
  readonly timeouts: number
  /** Responses outside 2xx (autocannon); wrk counts only status ≥ 400 ("Non-2xx or 3xx"). */
  readonly non2xx: number
}

export interface LoadRequest {
  readonly url: string
  readonly durationS: number
  readonly connections: number
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** Extra seconds a run may take past its duration before it is stopped as hung. */
export const GRACE_S = 15

export function runLoad(tool: Tool, req: LoadRequest): Promise<LoadResult> {
  return tool === 'wrk' ? wrkLoad(req) : autocannonLoad(req)
}

async function autocannonLoad(req: LoadRequest): Promise<LoadResult> {
  const instance = autocannon({
    url: req.url,
    connections: req.connections,
    duration: req.durationS,
    ...(req.headers !== undefined ? { headers: { ...req.headers } } : {}),
  }) as Promise<autocannon.Result> & { stop?: () => void }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        instance.stop?.()
        reject(
          new Error(`autocannon did not finish ${req.url} within ${req.durationS + GRACE_S} s`),
        )
      },
      (req.durationS + GRACE_S) * 1000,
    )
  })
  try {
    const r = await Promise.race([instance, timeout])
    return {
      requests: r.requests.total,
      durationS: r.duration,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      errors: r.errors - r.timeouts,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
    }
  } finally {
    clearTimeout(timer)
  }
}

/** Whether a wrk binary is on PATH. */
export function wrkInstalled(): boolean {
  const r = spawnSync('wrk', ['-v'], { stdio: 'ignore', timeout: 5000 })
  return r.error === undefined
}

/** wrk's argv: one thread, keep-alive connections, fixed duration, latency percentiles. */
export function wrkArgs(req: LoadRequest): string[] {
  const args = ['-t1', `-c${req.connections}`, `-d${req.durationS}s`, '--latency']
  for (const [k, v] of Object.entries(req.headers ?? {})) args.push('-H', `${k}: ${v}`)
  args.push(req.url)
  return args
}

const TIME_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/** "1.23ms", "812.00us", "5.00s" → milliseconds. */
function timeMs(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text)
  if (m === null) throw new Error(`wrk output: cannot read ${what} '${text}'`)
  return Number(m[1]) * TIME_UNITS_MS[m[2]!]!
}

/** Reads wrk's `--latency` report (wrk 4.x text output). Throws when a needed line is missing. */
export function parseWrkOutput(text: string): LoadResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(text)
    if (m === null) throw new Error(`wrk output has no ${what} line`)
    return m
  }
  const total = need(/^\s*(\d+) requests in ([\d.]+\w+),/m, '"N requests in T"')
  const p50 = need(/^\s*50(?:\.000)?%\s+(\S+)/m, '50% latency')
  const p99 = need(/^\s*99(?:\.000)?%\s+(\S+)/m, '99% latency')
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text)
  return {
    requests: Number(total[1]),
    durationS: timeMs(total[2]!, 'duration') / 1000,
    p50Ms: timeMs(p50[1]!, 'p50'),
    p99Ms: timeMs(p99[1]!, 'p99'),
    errors: sock === null ? 0 : Number(sock[1]) + Number(sock[2]) + Number(sock[3]),
    timeouts: sock === null ? 0 : Number(sock[4]),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
  }
}

function wrkLoad(req: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', wrkArgs(req), { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')))
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL')
        reject(new Error(`wrk did not finish ${req.url} within ${req.durationS + GRACE_S} s`))
      },
      (req.durationS + GRACE_S) * 1000,
    )
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`wrk: ${err.message}`))
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code !== 0) {
        reject(new Error(`wrk exited with code ${String(code)}: ${out.trim()}`))
        return
      }
      try {
        resolve(parseWrkOutput(out))
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    })
  })
}
