// Lambda@Edge handlers in Python (spec §8): a pool of long-lived python3 processes per
// function, each running functions/edge/python/runner.py, which imports the handler's file
// once and then serves one call at a time. Newline-delimited JSON over the child's
// stdin/stdout (the protocol is described at the top of runner.py); the child's stderr — the
// handler's print() and logging — goes to an optional log hook, line by line.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lineSplitter, type LineSplitter } from './log-lines.js'
import type { EdgeCallContext, EdgeFunctionSpec, EdgeOutcome, EdgeRunner } from './types.js'

export interface PythonRunnerOptions {
  /** Gets each line the workers write to stderr (print(), logging, tracebacks), bounded. */
  readonly log?: (line: string) => void
  /** Diagnostics that need no action, e.g. `python3.12` being run by a local 3.11. */
  readonly debug?: (message: string) => void
  /** The interpreter to start; default `$EDGEPROXY_PYTHON`, else `python3` from PATH. */
  readonly python?: string
}

/** RLIMIT_AS is MemorySize plus this: python3 with the runner loaded maps about 17 MB of
 * address space, and a 1 MB event exists a few times over while it is decoded and encoded. */
export const PYTHON_ADDRESS_SPACE_EXTRA_MB = 64
/** How long importing the handler's module may take (AWS's init phase limit is 10 s). */
const INIT_TIMEOUT_MS = 10_000
/** After a load failure every call fails at once with its message; a new worker is tried
 * after this long, so a broken file costs one process start per 5 s, not one per call. */
const LOAD_RETRY_MS = 5_000
/** stderr lines kept per worker for the message when it dies during a call. */
const TAIL_LINES = 5

/** The worker script. tsc does not copy .py files, so from dist/functions/edge/ it is found
 * at the repo root's functions/edge/python/; beside this file when run from source. */
function runnerScript(): string {
  const candidates = [
    new URL('./python/runner.py', import.meta.url),
    new URL('../../../functions/edge/python/runner.py', import.meta.url),
  ].map((u) => fileURLToPath(u))
  return candidates.find((p) => existsSync(p)) ?? candidates[candidates.length - 1]!
}

type WorkerMessage =
  | { readonly ready: true; readonly python: string; readonly executable: string }
  | { readonly ready: false; readonly message: string }
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly id: number
      readonly ok: false
      readonly kind: 'exception' | 'memory'
      readonly message: string
    }

type Failure = Extract<EdgeOutcome, { ok: false }>
type Ending = { readonly ok: true; readonly result: unknown } | Omit<Failure, 'durationMs'>

interface Call {
  readonly id: number
  readonly event: unknown
  readonly requestId: string
  readonly limitMs: number
  readonly startedAt: number
  /** Epoch ms, for the context's get_remaining_time_in_millis(). */
  readonly deadlineMs: number
  readonly resolve: (outcome: EdgeOutcome) => void
  timer?: NodeJS.Timeout
  worker?: Worker
  done: boolean
}

interface Worker {
  readonly child: ChildProcess
  state: 'starting' | 'idle' | 'busy' | 'dead'
  call?: Call | undefined
  initTimer?: NodeJS.Timeout
  /** Bytes of an answer line not yet ended by '\n'. */
  pending: Buffer[]
  /** stderr as log lines (log-lines.ts). */
  stderr: LineSplitter
  tail: string[]
  exit?: { code: number | null; signal: NodeJS.Signals | null; error?: Error }
  stdoutClosed: boolean
  gone: boolean
}

class PythonRunner implements EdgeRunner {
  private readonly workers = new Set<Worker>()
  private readonly exits = new Set<Promise<void>>()
  private queue: Call[] = []
  private nextId = 1
  private closed = false
  private loadFailure: { message: string; until: number } | undefined
  private versionNoted = false
  /** What to start: the configured command, then the interpreter the first worker reported
   * (sys.executable), which skips wrappers such as pyenv's shim on every later start. */
  private python: string
  private readonly script = runnerScript()

  readonly spec: EdgeFunctionSpec
  private readonly options: PythonRunnerOptions

  constructor(spec: EdgeFunctionSpec, options: PythonRunnerOptions) {
    this.spec = spec
    this.options = options
    this.python = options.python ?? process.env['EDGEPROXY_PYTHON'] ?? 'python3'
  }

  invoke(event: unknown, context: EdgeCallContext): Promise<EdgeOutcome> {
    const startedAt = performance.now()
    if (this.closed) {
      return Promise.resolve({ ok: false, kind: 'crash', message: 'runner closed', durationMs: 0 })
    }
    if (this.loadFailure !== undefined) {
      if (Date.now() < this.loadFailure.until) {
        const { message } = this.loadFailure
        return Promise.resolve({ ok: false, kind: 'exception', message, durationMs: 0 })
      }
      this.loadFailure = undefined
    }
    const limitMs = Math.max(1, Math.min(context.timeoutMs, this.spec.timeoutS * 1000))
    return new Promise<EdgeOutcome>((resolve) => {
      const call: Call = {
        id: this.nextId++,
        event,
        requestId: context.requestId,
        limitMs,
        startedAt,
        deadlineMs: Date.now() + limitMs,
        resolve,
        done: false,
      }
      call.timer = setTimeout(() => {
        this.onDeadline(call)
      }, limitMs)
      this.queue.push(call)
      this.pump()
    })
  }

  stats(): { readonly workers: number; readonly busy: number; readonly queued: number } {
    let busy = 0
    for (const w of this.workers) if (w.state === 'busy') busy++
    return { workers: this.workers.size, busy, queued: this.queue.length }
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true
      const queued = this.queue
      this.queue = []
      for (const call of queued) this.finish(call, crash('runner closed'))
      for (const w of [...this.workers]) {
        if (w.call !== undefined) this.finish(w.call, crash('runner closed'))
        this.kill(w)
      }
    }
    await Promise.all([...this.exits])
  }

  // --- scheduling ---

  /** Hands queued calls to idle workers, and starts workers (up to poolSize) for the rest. */
  private pump(): void {
    if (this.closed || this.loadFailure !== undefined) return
    for (const w of this.workers) {
      if (this.queue.length === 0) break
      if (w.state === 'idle') this.dispatch(w, this.queue.shift()!)
    }
    let starting = 0
    for (const w of this.workers) if (w.state === 'starting') starting++
    while (this.queue.length > starting && this.workers.size < this.spec.poolSize) {
      this.spawn()
      starting++
    }
  }

  private dispatch(w: Worker, call: Call): void {
    let line: string
    try {
      line = JSON.stringify({
        id: call.id,
        event: call.event,
        requestId: call.requestId,
        deadlineMs: call.deadlineMs,
      })
    } catch (err) {
      this.finish(call, {
        ok: false,
        kind: 'exception',
        message: `event is not JSON: ${String(err)}`,
      })
      return
    }
    w.state = 'busy'
    w.call = call
    w.tail = []
    call.worker = w
    w.child.stdin!.write(line + '\n')
  }

  private onDeadline(call: Call): void {
    if (call.done) return
    const w = call.worker
    if (w === undefined) {
      this.queue = this.queue.filter((c) => c !== call)
      this.finish(call, {
        ok: false,
        kind: 'timeout',
        message: `Task timed out after ${call.limitMs} ms before a worker was free`,
      })
      return
    }
    this.finish(call, {
      ok: false,
      kind: 'timeout',
      message: `Task timed out after ${call.limitMs} ms`,
    })
    this.kill(w)
    this.replace()
  }

  private finish(call: Call, ending: Ending): void {
    if (call.done) return
    call.done = true
    clearTimeout(call.timer)
    const durationMs = performance.now() - call.startedAt
    call.resolve({ ...ending, durationMs })
  }

  /** Starts a worker in place of one that died or was killed, so the pool stays warm. */
  private replace(): void {
    if (this.closed || this.loadFailure !== undefined) return
    if (this.workers.size < this.spec.poolSize) this.spawn()
    this.pump()
  }

  /** The handler cannot be loaded: fail what waits, and every call for LOAD_RETRY_MS. */
  private failLoad(message: string): void {
    this.loadFailure = { message, until: Date.now() + LOAD_RETRY_MS }
    const queued = this.queue
    this.queue = []
    for (const call of queued) this.finish(call, { ok: false, kind: 'exception', message })
    for (const w of [...this.workers]) if (w.state === 'starting') this.kill(w)
  }

  // --- processes ---

  private spawn(): void {
    const { name, codeFile, handler, memoryMB } = this.spec
    const config = {
      name,
      codeFile,
      handler,
      memoryMB,
      addressSpaceMB: memoryMB + PYTHON_ADDRESS_SPACE_EXTRA_MB,
    }
    const child = spawn(this.python, ['-B', this.script, JSON.stringify(config)], {
      cwd: dirname(codeFile),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_VERSION: '1',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMB),
      },
    })
    const w: Worker = {
      child,
      state: 'starting',
      pending: [],
      stderr: lineSplitter((line) => {
        w.tail.push(line)
        if (w.tail.length > TAIL_LINES) w.tail.shift()
        this.options.log?.(line)
      }),
      tail: [],
      stdoutClosed: false,
      gone: false,
    }
    this.workers.add(w)
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        w.exit = { code, signal }
        resolve()
        this.maybeGone(w)
      })
      child.once('error', (error) => {
        // Spawning failed (no python3): there is no process, and no 'exit' to wait for.
        if (child.pid === undefined) {
          w.exit = { code: null, signal: null, error }
          w.stdoutClosed = true
          resolve()
          this.maybeGone(w)
        }
      })
    })
    this.exits.add(exited)
    void exited.then(() => this.exits.delete(exited))

    child.stdin.on('error', () => undefined) // EPIPE when the worker died: 'exit' reports it
    child.stdout.on('data', (chunk: Buffer) => {
      this.onStdout(w, chunk)
    })
    child.stdout.on('close', () => {
      w.stdoutClosed = true
      this.maybeGone(w)
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (text: string) => {
      w.stderr.push(text)
    })
    // Idle workers do not keep the process alive; a pending call's timer does.
    child.unref()
    for (const s of [child.stdin, child.stdout, child.stderr]) {
      ;(s as unknown as { unref?: () => void } | null)?.unref?.()
    }
    w.initTimer = setTimeout(() => {
      if (w.state !== 'starting') return
      this.kill(w)
      this.failLoad(
        `cannot load handler '${handler}' from ${codeFile}: ` +
          `loading took longer than ${INIT_TIMEOUT_MS / 1000} s`,
      )
    }, INIT_TIMEOUT_MS)
    w.initTimer.unref()
  }

  private kill(w: Worker): void {
    if (w.state === 'dead') return
    w.state = 'dead'
    this.workers.delete(w)
    clearTimeout(w.initTimer)
    w.child.ref() // close() waits for the exit
    w.child.kill('SIGKILL')
  }

  private onStdout(w: Worker, chunk: Buffer): void {
    let from = 0
    let nl = chunk.indexOf(10)
    while (nl !== -1) {
      const piece = chunk.subarray(from, nl)
      const line = w.pending.length === 0 ? piece : Buffer.concat([...w.pending, piece])
      w.pending = []
      this.onMessage(w, line.toString('utf8'))
      from = nl + 1
      nl = chunk.indexOf(10, from)
    }
    if (from < chunk.length) w.pending.push(chunk.subarray(from))
  }

  private onMessage(w: Worker, line: string): void {
    if (w.state === 'dead') return
    let msg: WorkerMessage
    try {
      msg = JSON.parse(line) as WorkerMessage
    } catch {
      const call = w.call
      this.kill(w)
      if (call !== undefined) this.finish(call, crash(`protocol error: ${line.slice(0, 200)}`))
      this.replace()
      return
    }
    if ('ready' in msg) {
      if (w.state !== 'starting') return
      clearTimeout(w.initTimer)
      if (!msg.ready) {
        this.kill(w)
        this.failLoad(msg.message)
        return
      }
      this.noteVersion(msg.python)
      if (msg.executable !== '') this.python = msg.executable
      w.state = 'idle'
      this.pump()
      return
    }
    const call = w.call
    if (call?.id !== msg.id) return
    w.call = undefined
    w.state = 'idle'
    if (msg.ok) {
      this.finish(call, { ok: true, result: msg.result })
    } else if (msg.kind === 'memory') {
      // The interpreter survived MemoryError, but what the handler kept may not be freed.
      this.finish(call, {
        ok: false,
        kind: 'memory',
        message: `out of memory (MemorySize ${this.spec.memoryMB} MB): ${msg.message}`,
      })
      this.kill(w)
      this.replace()
      return
    } else {
      this.finish(call, { ok: false, kind: msg.kind, message: msg.message })
    }
    this.pump()
  }

  /** Both the process and its stdout are finished (so no answer is left unread). */
  private maybeGone(w: Worker): void {
    if (w.gone || w.exit === undefined || !w.stdoutClosed) return
    w.gone = true
    clearTimeout(w.initTimer)
    w.stderr.end()
    const wasState = w.state
    const call = w.call
    w.state = 'dead'
    this.workers.delete(w)
    if (this.closed) return
    const { code, signal, error } = w.exit
    const how =
      error !== undefined
        ? `could not start ${this.python}: ${error.message}`
        : code !== null
          ? `python3 worker exited with code ${code}`
          : `python3 worker was killed by ${signal ?? 'a signal'}`
    const last = w.tail.length > 0 ? ` (stderr: ${w.tail[w.tail.length - 1]!.slice(0, 300)})` : ''
    if (wasState === 'starting') {
      const { handler, codeFile } = this.spec
      this.failLoad(`cannot load handler '${handler}' from ${codeFile}: ${how}${last}`)
      return
    }
    if (call !== undefined && wasState === 'busy') {
      const memory =
        signal === 'SIGKILL' ||
        /MemoryError|Cannot allocate memory|out of memory/i.test(w.tail.join('\n'))
      this.finish(
        call,
        memory
          ? {
              ok: false,
              kind: 'memory',
              message: `out of memory (MemorySize ${this.spec.memoryMB} MB): ${how}${last}`,
            }
          : crash(`${how} during the call${last}`),
      )
      this.replace()
    }
  }

  private noteVersion(local: string): void {
    if (this.versionNoted) return
    this.versionNoted = true
    const wanted = /^python(\d+\.\d+)/.exec(this.spec.runtime)?.[1]
    const have = local.split('.').slice(0, 2).join('.')
    if (wanted !== undefined && wanted !== have) {
      this.options.debug?.(
        `${this.spec.name}: runtime ${this.spec.runtime} is run by the local python ${local}`,
      )
    }
  }
}

function crash(message: string): Omit<Failure, 'durationMs'> {
  return { ok: false, kind: 'crash', message }
}

/** A runner for one Python Lambda@Edge function (runtime `python3.*`). */
export function createPythonRunner(
  spec: EdgeFunctionSpec,
  options: PythonRunnerOptions = {},
): EdgeRunner {
  return new PythonRunner(spec, options)
}
