// The Node.js Lambda@Edge runner (spec §8.6; design.md §3): a pool of worker processes per
// function, each loading the handler once, with MemorySize as its heap limit and, through the
// worker's memory guard (node-memory-guard.ts), as the limit of heap and ArrayBuffer memory
// together. A call past its deadline, a worker out of memory or one that dies is failed and
// its worker replaced; other calls through the pool carry on. Calls beyond the pool's size
// wait in a queue.
//
// Workers are child processes (node-worker.js, forked with an IPC channel), not
// worker_threads: V8 aborts the whole process when a worker thread's heap outgrows its
// resourceLimits in one step — one array grown by push() or `new Array(1e8).fill()` is enough
// (nodejs/node#47224) — so a handler could take the proxy down with it. A process aborts
// alone. The price, measured: ~10 MB of private memory per worker (its RSS, ~46 MB, counts
// the ~36 MB of Node's code it shares with the proxy) and ~0.14 s from start to its first
// answer; a message round trip over the IPC channel is ~48 µs against ~41 µs for a thread's
// postMessage (a call through the runner: p50 56 µs).
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import type { Readable } from 'node:stream'
import type {
  EdgeCallContext,
  EdgeFunctionSpec,
  EdgeLog,
  EdgeOutcome,
  EdgeRunner,
} from './types.js'
import { lineSplitter } from './log-lines.js'
import type { WorkerCall, WorkerInit, WorkerReply } from './node-worker.js'

const WORKER_FILE = fileURLToPath(new URL('./node-worker.js', import.meta.url))
/** What V8 prints when a heap cannot grow: `FATAL ERROR: Reached heap limit Allocation failed -
 * JavaScript heap out of memory`, `FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed …`,
 * `# Fatal process out of memory: …`. */
const OUT_OF_MEMORY =
  /^(?:FATAL ERROR: .*(?:out of memory|Allocation failed)|# Fatal process out of memory)/
/** The line of a death report that says what happened: `TypeError: …`, V8's `# Fatal …`. */
const ERROR_LINE = /^(?:# )?(?:\w*Error\b|FATAL|Fatal)/

/** The default EdgeLog: each line to the proxy's own stdout or stderr. */
export const passThroughLog: EdgeLog = (_fn, stream, line) => {
  ;(stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`)
}

/** Calls onLine with each line of a text stream (log-lines.ts), the last one at its end. */
function eachLine(stream: Readable | null, onLine: (line: string) => void): void {
  if (stream === null) return
  const lines = lineSplitter(onLine)
  stream.setEncoding('utf8')
  stream.on('data', (text: string) => lines.push(text))
  stream.on('end', () => lines.end())
  ;(stream as { unref?: () => void }).unref?.()
}

/** Node options of a worker: MemorySize as the V8 heap limit (old space), and semi-spaces of
 * MemorySize / 64, 1–8 MB (the young generation takes three of them). */
export function workerExecArgv(memoryMB: number): string[] {
  const semi = Math.min(8, Math.max(1, Math.floor(memoryMB / 64)))
  return [`--max-old-space-size=${String(memoryMB)}`, `--max-semi-space-size=${String(semi)}`]
}

interface Call {
  readonly id: number
  readonly event: unknown
  readonly context: EdgeCallContext
  readonly resolve: (o: EdgeOutcome) => void
  /** When invoke() was called: the deadline counts from here, queueing included (§8.6). */
  readonly queuedAt: number
  startedAt: number
  /** Fails the call if it is still queued at its deadline. */
  queueTimer: NodeJS.Timeout | undefined
}

interface Slot {
  readonly child: ChildProcess
  call: Call | undefined
  timer: NodeJS.Timeout | undefined
  /** Set once the slot left the pool (failed or closed): its events are ignored. */
  gone: boolean
  /** From what the worker wrote to stderr (which also goes to the log): the last line that
   * says what went wrong, the last of all, and whether V8 said it is out of memory (it says so
   * before a native stack trace). */
  errorLine: string | undefined
  lastLine: string | undefined
  outOfMemory: boolean
}

/** A runner for one Node.js function; its handler's output goes to `log`. */
export function createNodeRunner(
  spec: EdgeFunctionSpec,
  log: EdgeLog = passThroughLog,
): EdgeRunner {
  return new NodeRunner(spec, log)
}

class NodeRunner implements EdgeRunner {
  readonly spec: EdgeFunctionSpec
  readonly #slots = new Set<Slot>()
  readonly #idle: Slot[] = []
  readonly #queue: Call[] = []
  #nextId = 1
  #closed = false

  readonly #log: EdgeLog

  constructor(spec: EdgeFunctionSpec, log: EdgeLog) {
    this.spec = { ...spec, poolSize: Math.max(1, spec.poolSize) }
    this.#log = log
    for (let i = 0; i < this.spec.poolSize; i++) this.#spawn()
  }

  invoke(event: unknown, context: EdgeCallContext): Promise<EdgeOutcome> {
    return new Promise((resolve) => {
      if (this.#closed) {
        resolve({ ok: false, kind: 'crash', message: 'the function was unloaded', durationMs: 0 })
        return
      }
      const call: Call = {
        id: this.#nextId++,
        event,
        context,
        resolve,
        queuedAt: performance.now(),
        startedAt: 0,
        queueTimer: undefined,
      }
      this.#queue.push(call)
      this.#pump()
      if (this.#queue.includes(call)) {
        // Every worker is busy: the call waits, but never past its deadline.
        call.queueTimer = setTimeout(() => {
          const i = this.#queue.indexOf(call)
          if (i === -1) return
          this.#queue.splice(i, 1)
          const s = String(Math.round(context.timeoutMs) / 1000)
          const message = `the function timed out after ${s} s (waiting for a free worker)`
          resolve({ ok: false, kind: 'timeout', message, durationMs: context.timeoutMs })
        }, context.timeoutMs)
      }
    })
  }

  stats(): { workers: number; busy: number; queued: number } {
    let busy = 0
    for (const s of this.#slots) if (s.call !== undefined) busy++
    return { workers: this.#slots.size, busy, queued: this.#queue.length }
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const call of this.#queue.splice(0)) {
      clearTimeout(call.queueTimer)
      call.resolve({
        ok: false,
        kind: 'crash',
        message: 'the function was unloaded',
        durationMs: 0,
      })
    }
    const slots = [...this.#slots]
    this.#slots.clear()
    this.#idle.length = 0
    await Promise.all(slots.map((s) => this.#retire(s, 'crash', 'the function was unloaded')))
  }

  #spawn(): void {
    const init: WorkerInit = {
      name: this.spec.name,
      codeFile: this.spec.codeFile,
      handler: this.spec.handler,
      memoryMB: this.spec.memoryMB,
    }
    const child = fork(WORKER_FILE, [JSON.stringify(init)], {
      execArgv: workerExecArgv(this.spec.memoryMB),
      serialization: 'json',
      // The handler's output goes to the log line by line; stderr is also read to tell why a
      // worker died.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: this.spec.name,
        AWS_LAMBDA_FUNCTION_VERSION: '1',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.spec.memoryMB),
      },
    })
    const slot: Slot = {
      child,
      call: undefined,
      timer: undefined,
      gone: false,
      errorLine: undefined,
      lastLine: undefined,
      outOfMemory: false,
    }
    child.on('message', (reply: WorkerReply) => this.#reply(slot, reply))
    const name = this.spec.name
    const log = this.#log
    eachLine(child.stdout, (line) => log(name, 'stdout', line))
    eachLine(child.stderr, (line) => {
      log(name, 'stderr', line)
      if (line === '') return
      if (OUT_OF_MEMORY.test(line)) slot.outOfMemory = true
      if (ERROR_LINE.test(line)) slot.errorLine = line
      slot.lastLine = line
    })
    child.on('error', (err) => this.#fail(slot, 'crash', `the worker failed: ${err.message}`))
    // 'close' comes after the exit and the end of stderr, so all of it has been read.
    child.on('close', (code, signal) => this.#died(slot, code, signal))
    // Idle workers do not keep the process alive; the server does while it serves, and a
    // pending call its timer.
    child.unref()
    child.channel?.unref()
    this.#slots.add(slot)
    this.#idle.push(slot)
  }

  /** The worker process ended: V8 out of memory (it aborts, printing why), or another death. */
  #died(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.gone) return
    if (slot.outOfMemory || signal === 'SIGKILL') {
      this.#fail(slot, 'memory', `exceeded MemorySize (${String(this.spec.memoryMB)} MB)`)
      return
    }
    const how = code !== null ? `code ${String(code)}` : `signal ${String(signal)}`
    // Node ends an uncaught error's report with its version: the error line says more.
    const line = slot.errorLine ?? slot.lastLine
    const why = line === undefined ? '' : `: ${line.slice(0, 300)}`
    this.#fail(slot, 'crash', `the worker exited (${how})${why}`)
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      // A worker lost while idle is replaced when work arrives, so a module that keeps
      // crashing costs one start per call, never a restart loop.
      if (this.#idle.length === 0 && this.#slots.size < this.spec.poolSize) this.#spawn()
      const slot = this.#idle.pop()
      if (slot === undefined) return
      const call = this.#queue.shift()
      if (call === undefined) return
      slot.call = call
      clearTimeout(call.queueTimer)
      call.startedAt = performance.now()
      const left = Math.max(1, call.context.timeoutMs - (call.startedAt - call.queuedAt))
      slot.timer = setTimeout(() => {
        const s = String(Math.round(call.context.timeoutMs) / 1000)
        this.#fail(slot, 'timeout', `the function timed out after ${s} s`)
      }, left)
      const message: WorkerCall = {
        id: call.id,
        event: call.event,
        requestId: call.context.requestId,
        timeoutMs: left,
      }
      slot.child.send(message, (err) => {
        if (err) this.#fail(slot, 'crash', `the worker cannot be reached: ${err.message}`)
      })
    }
  }

  #reply(slot: Slot, reply: WorkerReply): void {
    // Past MemorySize outside the heap: whatever it was running fails, and the worker goes.
    if ('memory' in reply) {
      this.#fail(slot, 'memory', reply.message)
      return
    }
    const call = slot.call
    if (slot.gone || call === undefined || call.id !== reply.id) return
    clearTimeout(slot.timer)
    slot.call = undefined
    slot.timer = undefined
    const durationMs = performance.now() - call.startedAt
    if (reply.ok) {
      let result: unknown
      try {
        result = reply.json === undefined ? null : JSON.parse(reply.json)
      } catch {
        result = undefined
      }
      call.resolve({ ok: true, result, durationMs })
    } else {
      call.resolve({ ok: false, kind: 'exception', message: reply.message, durationMs })
    }
    this.#idle.push(slot)
    this.#pump()
  }

  /** The slot's worker failed: its call fails, the worker goes and another takes its place. */
  #fail(slot: Slot, kind: 'exception' | 'timeout' | 'memory' | 'crash', message: string): void {
    if (slot.gone) return
    this.#slots.delete(slot)
    const i = this.#idle.indexOf(slot)
    if (i >= 0) this.#idle.splice(i, 1)
    const busy = slot.call !== undefined
    void this.#retire(slot, kind, message)
    if (this.#closed) return
    // The pool is kept at full size after a failed call; see #pump for idle losses.
    if (busy) this.#spawn()
    this.#pump()
  }

  async #retire(slot: Slot, kind: EdgeOutcomeKind, message: string): Promise<void> {
    slot.gone = true
    clearTimeout(slot.timer)
    const call = slot.call
    slot.call = undefined
    if (call !== undefined) {
      call.resolve({ ok: false, kind, message, durationMs: performance.now() - call.startedAt })
    }
    const child = slot.child
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.ref() // close() waits for the exit
    child.kill('SIGKILL')
    await exited
  }
}

type EdgeOutcomeKind = Extract<EdgeOutcome, { ok: false }>['kind']
