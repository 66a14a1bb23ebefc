// One QuickJS runtime + context holding a compiled CloudFront Function (spec §7.1): memory,
// stack and deadline limits, the prelude's driver handles, the user code evaluated as a script
// or (2.0) an ES module, and the host operations the prelude may call (§7.1 crypto, §7.4 KVS).

import { Buffer } from 'node:buffer'
import { createHash, createHmac } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type {
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSWASMModule,
} from 'quickjs-emscripten'
import {
  FunctionCompileError,
  type CfEvent,
  type KeyValueStore,
  type ViewerFunctionSpec,
} from '../types.js'
import { PRELUDE, REGISTER_SUFFIX, moduleSource } from './prelude.js'
import { DirectCaller } from './direct-call.js'
import { StringWriter } from './string-writer.js'

/** QuickJS heap limit per function: the 2 MB of §7.1. The prelude and QuickJS's own
 * structures take ~150 KB of it, leaving ~1.85 MB for the function's data. */
export const MEMORY_LIMIT_BYTES = 2 * 1024 * 1024
/** QuickJS stack limit: a few thousand frames of ordinary recursion. */
export const MAX_STACK_BYTES = 256 * 1024
/** Wall-time budget for the prelude plus the function's top-level code at compile. */
const COMPILE_BUDGET_MS = 1000

/**
 * The invocation deadline the interrupt handler reads; `fired` records an interrupt. The
 * budget is wall time, so one poll past the deadline can be a stall of the whole process (a
 * busy machine, a GC): only a second poll past it — the function is still running — fires.
 * `overdue` counts those polls and is reset with the deadline.
 */
export interface Clock {
  deadline: number
  fired: boolean
  overdue: number
}

const MODULE_SYNTAX = /^[ \t]*(?:import[\s{*'"]|export[\s{*])/m
const byteStr = (s: string): Buffer => Buffer.from(s, 'latin1')
// Strings cross the WASM boundary as C strings: NUL travels as \x01\x02 and \x01 as \x01\x03.
/* eslint-disable no-control-regex -- the escape scheme is made of control characters */
const unescapeNul = (s: string) =>
  s.includes('\x01') ? s.replace(/\x01([\x02\x03])/g, (_, c) => (c === '\x02' ? '\0' : '\x01')) : s
const escapeNul = (s: string) =>
  /[\0\x01]/.test(s) ? s.replace(/[\0\x01]/g, (c) => (c === '\0' ? '\x01\x02' : '\x01\x03')) : s
/* eslint-enable no-control-regex */

/** The event being invoked; the runtime sets it for the length of invoke(). */
export interface Invoked {
  event: CfEvent | undefined
}

/** Node-side operations behind the prelude's `host(op, ...)`; strings in, string out. */
function hostOp(
  ctx: QuickJSContext,
  kvs: KeyValueStore | undefined,
  invocation: Invoked,
  args: QuickJSHandle[],
) {
  const a = args.map((h) =>
    ctx.typeof(h) === 'string' ? unescapeNul(ctx.getString(h)) : undefined,
  )
  const [op, x = '', y = '', z = '', w = ''] = a
  switch (op ?? '') {
    case 'conv':
      return ctx.newString(
        escapeNul(Buffer.from(x, y as BufferEncoding).toString(z as BufferEncoding)),
      )
    case 'digest': {
      const h = a[2] === undefined ? createHash(x) : createHmac(x, byteStr(y))
      return ctx.newString(escapeNul(h.update(byteStr(z)).digest(w as 'hex')))
    }
    case 'kvs-get': {
      const v = kvs?.get(x)
      return v === undefined ? ctx.undefined : ctx.newString(escapeNul(v))
    }
    case 'kvs-meta':
      return ctx.newString(JSON.stringify(kvs?.meta() ?? null))
    case 'request': {
      // The viewer-response event's request, which its compact text leaves out (event-text.ts
      // RESPONSE_FIELDS): JSON data, so its JSON escapes NUL and lone surrogates itself.
      const event = invocation.event
      if (event === undefined) throw new Error('no invocation is running')
      return ctx.newString(escapeNul(JSON.stringify(event.request)))
    }
    default:
      throw new Error(`unknown host operation ${String(op)}`)
  }
}

function errorText(ctx: QuickJSContext, err: QuickJSHandle): string {
  try {
    const d: unknown = ctx.dump(err)
    if (typeof d === 'object' && d !== null && 'message' in d) {
      const { name, message, lineNumber } = d as {
        name?: unknown
        message: unknown
        lineNumber?: unknown
      }
      const line = typeof lineNumber === 'number' ? ` (line ${String(lineNumber)})` : ''
      return `${typeof name === 'string' ? name : 'Error'}: ${String(message)}${line}`
    }
    return String(d)
  } catch {
    return 'unknown error'
  } finally {
    err.dispose()
  }
}

export class Vm {
  readonly rt: QuickJSRuntime
  readonly ctx: QuickJSContext
  private readonly invokeFn: QuickJSHandle
  private readonly pollFn: QuickJSHandle
  private readonly jsonFn: QuickJSHandle
  /** Writes the per-call event text into the context (string-writer.ts). */
  readonly strings: StringWriter
  /** Calls the driver and reads its answer (direct-call.ts). */
  readonly caller: DirectCaller
  /** Set by the runtime around each call: what the `request` host operation reads. */
  readonly invocation: Invoked

  private constructor(
    rt: QuickJSRuntime,
    ctx: QuickJSContext,
    driver: { invoke: QuickJSHandle; poll: QuickJSHandle; json: QuickJSHandle },
    invocation: Invoked,
    caller: DirectCaller,
  ) {
    this.rt = rt
    this.ctx = ctx
    this.invokeFn = driver.invoke
    this.pollFn = driver.poll
    this.jsonFn = driver.json
    this.strings = new StringWriter(ctx)
    this.caller = caller
    this.invocation = invocation
  }

  /** Builds the sandbox; throws FunctionCompileError for code problems. */
  static build(mod: QuickJSWASMModule, spec: ViewerFunctionSpec, clock: Clock): Vm {
    const rt = mod.newRuntime()
    const handles: QuickJSHandle[] = []
    let ctx: QuickJSContext | undefined
    let caller: DirectCaller | undefined
    const keep = (h: QuickJSHandle) => (handles.push(h), h)
    const invocation: Invoked = { event: undefined }
    try {
      rt.setMemoryLimit(MEMORY_LIMIT_BYTES)
      rt.setMaxStackSize(MAX_STACK_BYTES)
      rt.setInterruptHandler(() =>
        performance.now() > clock.deadline && ++clock.overdue >= 2 ? (clock.fired = true) : false,
      )
      rt.setModuleLoader(
        (name) => moduleSource(name) ?? { error: new Error(`Cannot find module '${name}'`) },
      )
      const c = (ctx = rt.newContext())
      clock.deadline = performance.now() + COMPILE_BUDGET_MS
      clock.fired = false
      clock.overdue = 0
      const hostFn = keep(c.newFunction('host', (...args) => hostOp(c, spec.kvs, invocation, args)))
      const factory = keep(c.unwrapResult(c.evalCode(PRELUDE, 'prelude.js', { strict: true })))
      const kvs = spec.kvs
        ? { name: spec.kvs.name, id: spec.kvs.id, arn: spec.kvs.arn ?? null }
        : null
      // exactText: the host reads the driver's strings exactly (direct-call.ts), so its 'U'
      // answer needs no check for what a C string would lose.
      caller = new DirectCaller(c)
      const exactText = caller.exact
      const cfg = keep(c.newString(JSON.stringify({ runtime: spec.runtime, kvs, exactText })))
      const api = keep(c.unwrapResult(c.callFunction(factory, c.undefined, hostFn, cfg)))
      const driver = {
        invoke: c.getProp(api, 'invoke'),
        poll: c.getProp(api, 'poll'),
        json: c.getProp(api, 'json'),
      }
      const vm = new Vm(rt, c, driver, invocation, caller)
      try {
        vm.evalUser(spec, keep(c.getProp(api, 'seal')), clock)
      } catch (e) {
        for (const h of Object.values(driver)) h.dispose()
        throw e
      }
      return vm
    } catch (e) {
      for (const h of handles) if (h.alive) h.dispose()
      handles.length = 0
      caller?.dispose()
      ctx?.dispose()
      rt.dispose()
      throw e
    } finally {
      for (const h of handles) if (h.alive) h.dispose()
      clock.deadline = Infinity
    }
  }

  private evalUser(spec: ViewerFunctionSpec, seal: QuickJSHandle, clock: Clock): void {
    const { ctx, rt } = this
    const fail = (what: string, err: QuickJSHandle) => {
      const text = errorText(ctx, err)
      const why = clock.fired ? 'top-level code ran past the compile budget' : text
      return new FunctionCompileError(`function ${spec.name}: ${what}: ${why}`)
    }
    const isModule = spec.runtime === 'cloudfront-js-2.0' && MODULE_SYNTAX.test(spec.code)
    const type = isModule ? 'module' : 'global'
    const res = ctx.evalCode(spec.code + REGISTER_SUFFIX, 'handler.js', { type, strict: true })
    if (res.error) {
      const error = fail('cannot load', res.error)
      if (!error.message.includes(': SyntaxError: ')) throw error
      // Blame a syntax error on the user's code alone: an unterminated construct would
      // otherwise be reported at the appended registration line.
      const alone = ctx.evalCode(spec.code, 'handler.js', { type, strict: true, compileOnly: true })
      if (alone.error) throw fail('cannot load', alone.error)
      alone.value.dispose()
      throw error
    }
    const value = res.value
    try {
      if (rt.hasPendingJob()) {
        const jobs = rt.executePendingJobs()
        if (jobs.error) throw fail('top-level code failed', jobs.error)
      }
      const state = ctx.getPromiseState(value)
      if (state.type === 'rejected') throw fail('top-level code failed', state.error)
      if (state.type === 'fulfilled' && !state.notAPromise) state.value.dispose()
    } finally {
      value.dispose()
    }
    const sealed = ctx.unwrapResult(ctx.callFunction(seal, ctx.undefined))
    const found = ctx.typeof(sealed) === 'boolean' && ctx.dump(sealed) === true
    sealed.dispose()
    if (!found) {
      throw new FunctionCompileError(
        `function ${spec.name}: no handler function found (declare a top-level function named handler)`,
      )
    }
  }

  /**
   * Calls invoke(eventText) or poll(mode): the driver's answer as plain data (see finish() in
   * prelude.ts), or the VM's error as text. An answer the binary writer does not take goes
   * through the driver's json() and comes back as its text.
   */
  call(fn: 'invoke' | 'poll', a: string | number): { out: unknown } | { err: string } {
    const { ctx } = this
    const arg = typeof a === 'string' ? this.strings.newString(a) : ctx.newNumber(a)
    let res
    try {
      res = this.caller.callValue(fn === 'invoke' ? this.invokeFn : this.pollFn, arg)
    } finally {
      arg.dispose()
    }
    if ('value' in res) return { out: res.value }
    if ('error' in res) return { err: errorText(ctx, res.error) }
    let text
    try {
      text = this.caller.call(this.jsonFn, res.unreadable)
    } finally {
      res.unreadable.dispose()
    }
    return 'value' in text ? { out: text.value } : { err: errorText(ctx, text.error) }
  }

  /** Runs queued promise jobs; the error text if one threw past the driver. */
  drainJobs(): string | undefined {
    if (!this.rt.hasPendingJob()) return undefined
    const jobs = this.rt.executePendingJobs()
    if (jobs.error) return errorText(jobs.error.context, jobs.error)
    jobs.dispose()
    return undefined
  }

  dispose(): void {
    if (!this.ctx.alive) return
    this.strings.dispose()
    this.caller.dispose()
    this.invokeFn.dispose()
    this.pollFn.dispose()
    this.jsonFn.dispose()
    this.ctx.dispose()
    this.rt.dispose()
  }
}
