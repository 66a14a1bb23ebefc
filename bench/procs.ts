// Child processes of the bench runner: spawn in their own process group, keep a tail of their
// output for error messages, wait for HTTP readiness, and kill every group on any exit path
// so no server outlives the runner. Also free-port picking and a one-request HTTP probe.
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export interface Child {
  readonly name: string
  readonly proc: ChildProcess
  readonly pid: number
  /** Last lines of stdout+stderr, for error messages. */
  readonly tail: string[]
  /** Set once the process has exited: how. */
  exit: string | null
}

const TAIL_LINES = 30
const GUARD = fileURLToPath(new URL('./guard.js', import.meta.url))
const children = new Set<Child>()

export function spawnChild(
  name: string,
  argv: readonly string[],
  /** `quiet`: the command's stdout goes to /dev/null (a logging proxy's access lines). */
  opts: { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean },
): Child {
  if (argv.length === 0) throw new Error(`${name}: empty command`)
  // detached = own process group led by the guard, so stopping the group also stops any
  // workers the command forks; the guard ends the group if this runner dies (bench/guard.ts).
  const proc = spawn(process.execPath, [GUARD, ...argv], {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ['pipe', opts.quiet === true ? 'ignore' : 'pipe', 'pipe'],
  })
  if (proc.pid === undefined) throw new Error(`${name}: could not spawn ${argv.join(' ')}`)
  const child: Child = { name, proc, pid: proc.pid, tail: [], exit: null }
  const keep = (chunk: Buffer): void => {
    child.tail.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    )
    child.tail.splice(0, Math.max(0, child.tail.length - TAIL_LINES))
  }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  proc.on('error', (err) => {
    child.exit = `spawn error: ${err.message}`
  })
  proc.on('exit', (code, signal) => {
    child.exit = signal === null ? `exit code ${String(code)}` : `signal ${signal}`
  })
  children.add(child)
  return child
}

/** A readable account of a child that failed: how it exited and its last output lines. */
export function describeChild(child: Child): string {
  const state = child.exit === null ? 'still running' : child.exit
  const tail =
    child.tail.length > 0 ? child.tail.map((l) => `  | ${l}`).join('\n') : '  | (no output)'
  return `${child.name} (pid ${child.pid}, ${state}); last output:\n${tail}`
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is already gone
  }
}

/** SIGTERM every child's group, SIGKILL what is left after graceMs. */
export async function stopAll(graceMs = 3000): Promise<void> {
  const live = [...children].filter((c) => c.exit === null)
  for (const c of live) signalGroup(c, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (live.some((c) => c.exit === null) && Date.now() < deadline) await sleep(50)
  killAllSync()
}

/** Last resort for process 'exit': synchronous SIGKILL to every group still registered. */
export function killAllSync(): void {
  for (const c of children) signalGroup(c, 'SIGKILL')
  children.clear()
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Picks n distinct free loopback ports (listen on 0 with all held open, then close). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer())
  const ports = await Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((resolve, reject) => {
          s.once('error', reject)
          s.listen(0, '127.0.0.1', () => {
            const addr = s.address()
            if (addr === null || typeof addr === 'string') reject(new Error('no port'))
            else resolve(addr.port)
          })
        }),
    ),
  )
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

export interface Probe {
  readonly status: number
  /** Body bytes as sent (not decoded). */
  readonly bytes: number
  readonly xCache: string | null
  readonly contentEncoding: string | null
}

/** One GET on a fresh connection, bounded by timeoutMs. */
export function probe(
  url: string,
  timeoutMs: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const opts = { agent: false, timeout: timeoutMs, headers: { ...headers } }
    const req = request(url, opts, (res) => {
      let bytes = 0
      res.on('data', (c: Buffer) => (bytes += c.length))
      res.on('end', () => {
        const x = res.headers['x-cache']
        const enc = res.headers['content-encoding']
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          xCache: typeof x === 'string' ? x : null,
          contentEncoding: typeof enc === 'string' ? enc : null,
        })
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/** Polls GET url until it answers (any status); fails early if the child exits. */
export async function waitForHttp(child: Child, url: string, capMs = 15_000): Promise<void> {
  const deadline = Date.now() + capMs
  let last = 'no attempt'
  while (Date.now() < deadline) {
    if (child.exit !== null)
      throw new Error(`${child.name} exited before it answered ${url}: ${describeChild(child)}`)
    try {
      await probe(url, Math.min(1000, Math.max(1, deadline - Date.now())))
      return
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await sleep(100)
  }
  throw new Error(
    `${child.name} did not answer GET ${url} within ${capMs / 1000} s (last: ${last}): ${describeChild(child)}`,
  )
}
