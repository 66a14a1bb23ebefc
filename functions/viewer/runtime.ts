// The CloudFront Functions runtime (spec §7.1, §7.6) on QuickJS: compile once per function
// (one runtime + context, reused), invoke per request with an execution budget, a memory
// limit, the event in as text (event-text.ts) and the result out as JSON; §7.3 validation of
// the result is the caller's.

import { Buffer } from 'node:buffer'
import { performance } from 'node:perf_hooks'
import { getQuickJS, type QuickJSWASMModule } from 'quickjs-emscripten'
import { eventText, PARTS } from './event-text.js'
import { Vm, type Clock } from './sandbox/vm.js'
import {
  FunctionCompileError,
  type CfEvent,
  type FunctionRuntime,
  type Invocation,
  type OriginSelection,
  type ViewerFunction,
  type ViewerFunctionSpec,
} from './types.js'

export { MAX_STACK_BYTES, MEMORY_LIMIT_BYTES } from './sandbox/vm.js'

/** Max function size (§7.1): 10 KB of UTF-8, not adjustable. */
export const MAX_CODE_BYTES = 10_240
/** Default execution budget in ms of wall time per invocation (§7.1 UNCONFIRMED). */
export const DEFAULT_BUDGET_MS = 5

let wasm: QuickJSWASMModule | undefined

/** Loads the QuickJS WASM module; once per process, idempotent. */
export async function initViewerRuntime(): Promise<void> {
  wasm ??= await getQuickJS()
}

type VmAnswer =
  | { ok: 1; r: unknown; p: number; l: string[]; o: OriginSelection[] }
  | { ok: 0; k: 'exception' | 'memory'; m: string; l: string[] }

const MEMORY_TEXT = /out of memory|stack overflow/
const PART_BITS = Object.entries(PARTS)

/**
 * The result with the parts the driver left out (PARTS bits; each a placeholder 0 in its
 * place) set back to the event's own objects: they are the parts the function returned
 * unread, so the result is the value it returned.
 */
function withParts(result: unknown, parts: number, event: CfEvent): unknown {
  if (parts === 0) return result
  // The compact text makes the response the own object in viewer-response (see ownRoot).
  const own = (event.response ?? event.request) as unknown as Record<string, unknown>
  const r = result as Record<string, unknown>
  for (const [name, bit] of PART_BITS) if ((parts & bit) !== 0) r[name] = own[name]
  return r
}

/** Compiles a function; throws FunctionCompileError (size, syntax, top-level error, no handler). */
export function compileViewerFunction(spec: ViewerFunctionSpec): ViewerFunction {
  if (wasm === undefined) throw new Error('initViewerRuntime() must complete before compiling')
  const size = Buffer.byteLength(spec.code, 'utf8')
  if (size > MAX_CODE_BYTES) {
    throw new FunctionCompileError(
      `function ${spec.name}: code is ${String(size)} bytes; the limit is ${String(MAX_CODE_BYTES)} bytes (10 KB)`,
    )
  }
  const budgetMs = spec.budgetMs ?? DEFAULT_BUDGET_MS
  if (!(budgetMs > 0)) throw new FunctionCompileError(`function ${spec.name}: budgetMs must be > 0`)
  return new CompiledFunction(wasm, spec, budgetMs)
}

class CompiledFunction implements ViewerFunction {
  readonly name: string
  readonly runtime: FunctionRuntime
  private readonly clock: Clock = { deadline: Infinity, fired: false, overdue: 0 }
  private vm: Vm | undefined
  private disposed = false
  private readonly mod: QuickJSWASMModule
  private readonly spec: ViewerFunctionSpec
  private readonly budgetMs: number

  constructor(mod: QuickJSWASMModule, spec: ViewerFunctionSpec, budgetMs: number) {
    this.mod = mod
    this.spec = spec
    this.budgetMs = budgetMs
    this.name = spec.name
    this.runtime = spec.runtime
    this.vm = Vm.build(mod, spec, this.clock)
  }

  invoke(event: CfEvent): Invocation {
    const vm = this.vm ?? this.rebuild()
    if (vm === undefined) {
      const message = this.disposed ? 'function was disposed' : 'function could not be rebuilt'
      return { ok: false, error: 'exception', message, logs: [], computeUtilization: 0 }
    }
    const start = performance.now()
    const text = eventText(event, Date.now())
    const clock = this.clock
    clock.fired = false
    clock.overdue = 0
    clock.deadline = start + this.budgetMs
    // A compact viewer-response text leaves the request out: the driver asks for it (vm.ts).
    vm.invocation.event = event
    try {
      let res = vm.call('invoke', text)
      if ('out' in res) {
        const jobErr = vm.drainJobs()
        if (jobErr !== undefined) res = { err: jobErr }
        else if (res.out === '' && !this.interrupted()) res = vm.call('poll', 0)
      }
      // An interrupt inside a promise job only rejects that job's promise: check the flag too.
      if ('err' in res || this.interrupted())
        return this.hostFailure(vm, 'err' in res ? res.err : '', start)
      if (res.out === '') {
        const logs = this.logsOf(vm)
        const message = 'Error: the handler returned a promise that never settled'
        return this.failed('exception', message, logs, start)
      }
      const out = res.out
      if (Array.isArray(out)) {
        // [omitted, result] or [omitted, result, logs, origins] (finish() in prelude.ts).
        const result = withParts(out[1], out[0] as number, event)
        if (out.length === 2) return this.succeeded(result, start)
        const logs = JSON.parse(out[2] as string) as string[]
        return this.succeeded(
          result,
          start,
          logs,
          JSON.parse(out[3] as string) as OriginSelection[],
        )
      }
      if (typeof out !== 'string') throw new Error('internal error: the driver answered no string')
      if (out.charCodeAt(0) === 85) {
        // uriAnswer(): 'U' and the uri: the event's request, its method and parts unread.
        const { method, querystring, headers, cookies } = event.request
        const result = { method, uri: out.slice(1), querystring, headers, cookies }
        return this.succeeded(result, start)
      }
      if (out.charCodeAt(0) === 82) {
        // textAnswer() (finish(), json()): 'R', the parts left out, the result's JSON: no logs,
        // no origin selections.
        return this.succeeded(
          withParts(JSON.parse(out.slice(2)), out.charCodeAt(1) - 48, event),
          start,
        )
      }
      const answer = JSON.parse(out) as VmAnswer
      if (answer.ok === 0) return this.failed(answer.k, answer.m, answer.l, start)
      return this.succeeded(withParts(answer.r, answer.p, event), start, answer.l, answer.o)
    } finally {
      clock.deadline = Infinity
      vm.invocation.event = undefined
    }
  }

  dispose(): void {
    this.disposed = true
    this.vm?.dispose()
    this.vm = undefined
  }

  private rebuild(): Vm | undefined {
    if (this.disposed) return undefined
    try {
      return (this.vm = Vm.build(this.mod, this.spec, this.clock))
    } catch {
      return undefined
    }
  }

  /** Set by the interrupt handler, behind TypeScript's back. */
  private interrupted(): boolean {
    return this.clock.fired
  }

  private utilization(start: number): number {
    return Math.round(((performance.now() - start) / this.budgetMs) * 100)
  }

  /** The error escaped the driver: an interrupt (budget), an OOM, or a failure in the driver. */
  private hostFailure(vm: Vm, err: string, start: number): Invocation {
    const error = this.clock.fired ? 'budget' : MEMORY_TEXT.test(err) ? 'memory' : 'exception'
    const message =
      error === 'budget' ? `execution exceeded the ${String(this.budgetMs)} ms budget` : err
    return this.failed(error, message, this.logsOf(vm), start)
  }

  private logsOf(vm: Vm): string[] {
    this.clock.fired = false
    this.clock.overdue = 0
    this.clock.deadline = performance.now() + this.budgetMs
    const res = vm.call('poll', 1)
    return 'out' in res && typeof res.out === 'string' && res.out !== ''
      ? (JSON.parse(res.out) as string[])
      : []
  }

  private succeeded(
    result: unknown,
    start: number,
    logs: string[] = [],
    originSelections: OriginSelection[] = [],
  ): Invocation {
    const computeUtilization = Math.min(100, this.utilization(start))
    return { ok: true, result, logs, computeUtilization, originSelections }
  }

  private failed(
    error: 'exception' | 'budget' | 'memory',
    message: string,
    logs: string[],
    start: number,
  ): Invocation {
    // After an interrupt or OOM, queued jobs and a full heap would leak into the next call:
    // start the next invocation from a fresh context (globals reset, as after a cold start).
    const computeUtilization = this.utilization(start)
    if (error !== 'exception') {
      this.vm?.dispose()
      this.vm = undefined
      this.rebuild()
    }
    return { ok: false, error, message, logs, computeUtilization }
  }
}
