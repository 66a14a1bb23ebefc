// The Node.js Lambda@Edge runner (spec §8.6; design.md §3): a pool of worker_threads per
// function, each loading the handler once, with MemorySize as its heap limit and, through the
// worker's memory guard (node-memory-guard.ts), as the limit of heap and ArrayBuffer memory
// together. A call past its deadline, a worker out of memory or one that dies is failed and
// its worker replaced; other calls through the pool carry on. Calls beyond the pool's size
// wait in a queue.
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { EdgeCallContext, EdgeFunctionSpec, EdgeOutcome, EdgeRunner } from './types.js'
import type { WorkerCall, WorkerInit, WorkerReply } from './node-worker.js'

const WORKER_URL = new URL('./node-worker.js', import.meta.url)

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
  readonly worker: Worker
  call: Call | undefined
  timer: NodeJS.Timeout | undefined
  /** Set once the slot left the pool (failed or closed): its events are ignored. */
  gone: boolean
}

export function createNodeRunner(spec: EdgeFunctionSpec): EdgeRunner {
  return new NodeRunner(spec)
}

class NodeRunner implements EdgeRunner {
  readonly spec: EdgeFunctionSpec
  readonly #slots = new Set<Slot>()
  readonly #idle: Slot[] = []
  readonly #queue: Call[] = []
  #nextId = 1
  #closed = false

  constructor(spec: EdgeFunctionSpec) {
    this.spec = { ...spec, poolSize: Math.max(1, spec.poolSize) }
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
    const worker = new Worker(WORKER_URL, {
      workerData: init,
      resourceLimits: {
        maxOldGenerationSizeMb: this.spec.memoryMB,
        maxYoungGenerationSizeMb: Math.min(16, Math.max(4, Math.floor(this.spec.memoryMB / 8))),
      },
    })
    // Idle workers do not keep the process alive; the server does while it serves.
    worker.unref()
    const slot: Slot = { worker, call: undefined, timer: undefined, gone: false }
    worker.on('message', (reply: WorkerReply) => this.#reply(slot, reply))
    worker.on('error', (err: Error & { code?: string }) => {
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      const message = memory
        ? `exceeded MemorySize (${String(this.spec.memoryMB)} MB)`
        : err.message
      this.#fail(slot, memory ? 'memory' : 'exception', message)
    })
    worker.on('exit', (code) =>
      this.#fail(slot, 'crash', `the worker exited (code ${String(code)})`),
    )
    this.#slots.add(slot)
    this.#idle.push(slot)
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
      slot.worker.postMessage(message)
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
    await slot.worker.terminate().catch(() => undefined)
  }
}

type EdgeOutcomeKind = Extract<EdgeOutcome, { ok: false }>['kind']
