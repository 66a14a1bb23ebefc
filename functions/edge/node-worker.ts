// One Lambda@Edge Node.js worker (spec §8; design.md §3 "Lambda@Edge"): a child process,
// forked by node-runner.ts with its init as argv[2] and an IPC channel, that imports the
// handler's module once (ESM or CommonJS) and runs one call at a time with AWS's
// handler conventions — async, or `(event, context, callback)` — and the Lambda `context`.
// Results travel back as JSON text, as Lambda serializes them. MemorySize covers the heap (the
// runner's --max-old-space-size) and ArrayBuffer memory (node-memory-guard.ts, installed
// before the handler loads): a worker over it reports `memory` once and answers nothing more.
import { pathToFileURL } from 'node:url'
import { installMemoryGuard } from './node-memory-guard.js'

export interface WorkerInit {
  readonly name: string
  readonly codeFile: string
  readonly handler: string
  readonly memoryMB: number
}

export interface WorkerCall {
  readonly id: number
  readonly event: unknown
  readonly requestId: string
  readonly timeoutMs: number
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly json: string | undefined }
  | { readonly id: number; readonly ok: false; readonly message: string }
  /** The worker passed MemorySize (during call `id`, or 0 between calls): it is to go. */
  | { readonly id: number; readonly ok: false; readonly memory: true; readonly message: string }

type Handler = (event: unknown, context: unknown, callback: Callback) => unknown
type Callback = (err?: unknown, result?: unknown) => void

if (process.send === undefined || process.argv[2] === undefined) {
  throw new Error('node-worker runs as a child process forked by node-runner.ts')
}
const init = JSON.parse(process.argv[2]) as WorkerInit
// Bound now, so nothing the handler does to `process` can silence the worker.
const send = process.send.bind(process) as (reply: WorkerReply) => boolean
const post = (reply: WorkerReply): void => {
  send(reply)
}
// The runner is gone (the proxy exited or closed the pool): so is the worker.
process.once('disconnect', () => process.exit(0))
/** The call being run, for a memory report. */
let current = 0
const guard = installMemoryGuard(init.memoryMB, (message) => {
  post({ id: current, ok: false, memory: true, message })
})

const loaded: Promise<Handler> = load()
// A module that cannot load answers every call with why (the pool does not respawn it).
loaded.catch(() => undefined)

async function load(): Promise<Handler> {
  const mod = (await import(pathToFileURL(init.codeFile).href)) as Record<string, unknown>
  const fromDefault = mod['default'] as Record<string, unknown> | undefined
  const fn = mod[init.handler] ?? fromDefault?.[init.handler]
  if (typeof fn !== 'function') {
    throw new Error(`${init.codeFile} exports no function named ${init.handler}`)
  }
  return fn as Handler
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`
  if (typeof err === 'string') return err
  // JSON.stringify gives undefined for undefined, functions and symbols.
  const json = JSON.stringify(err) as string | undefined
  return typeof json === 'string' ? json : String(err)
}

function context(call: WorkerCall, callback: Callback): Record<string, unknown> {
  const deadline = Date.now() + call.timeoutMs
  return {
    functionName: `us-east-1.${init.name}`,
    functionVersion: '1',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${init.name}:1`,
    memoryLimitInMB: String(init.memoryMB),
    awsRequestId: call.requestId,
    logGroupName: `/aws/lambda/us-east-1.${init.name}`,
    logStreamName: 'edgeproxy',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The legacy context methods some handlers still call.
    done: callback,
    succeed: (result: unknown) => callback(null, result),
    fail: (err: unknown) => callback(err ?? new Error('context.fail')),
  }
}

async function run(call: WorkerCall): Promise<void> {
  let settled = false
  const reply = (r: WorkerReply) => {
    if (settled) return
    settled = true
    // Over MemorySize (now, or earlier in the call): the memory report is the answer.
    if (guard.check()) return
    post(r)
  }
  const callback: Callback = (err, result) => {
    if (err !== undefined && err !== null) {
      reply({ id: call.id, ok: false, message: describe(err) })
      return
    }
    let json: string | undefined
    try {
      json = JSON.stringify(result)
    } catch (e) {
      reply({ id: call.id, ok: false, message: `the result is not JSON: ${describe(e)}` })
      return
    }
    reply({ id: call.id, ok: true, json })
  }
  try {
    const fn = await loaded
    const out = fn(call.event, context(call, callback), callback)
    if (out instanceof Promise || (typeof out === 'object' && out !== null && 'then' in out)) {
      const value: unknown = await Promise.resolve(out)
      callback(null, value)
    } else if (fn.length < 3) {
      // A synchronous handler without a callback parameter: its return value is the result.
      callback(null, out)
    }
  } catch (err) {
    callback(err ?? new Error('the handler threw'))
  }
}

process.on('message', (call: WorkerCall) => {
  current = call.id
  void run(call)
})
