// The contract between the pipeline and the Lambda@Edge runtimes (spec §8, design.md §1
// principle 4): a runner executes one configured function in isolated workers — Node.js in
// worker processes, Python in python3 processes — taking the `Records[0].cf` event as plain JSON
// and giving back the handler's result as plain JSON, or how it failed.

export type EdgeEventType =
  'viewer-request' | 'origin-request' | 'origin-response' | 'viewer-response'

/** One `LambdaFunctions` entry, resolved (design.md §3 "Lambda@Edge"). */
export interface EdgeFunctionSpec {
  readonly name: string
  /** Absolute path of the handler's file. */
  readonly codeFile: string
  /** The exported function's name in codeFile (AWS's `file.function` already split). */
  readonly handler: string
  /** e.g. nodejs20.x, python3.12. */
  readonly runtime: string
  /** Seconds a call may take before it is abandoned (and its worker replaced). */
  readonly timeoutS: number
  /** MB of memory a worker may use (heap for Node, address space for Python). */
  readonly memoryMB: number
  /** Workers kept for this function (calls beyond them wait in a queue). */
  readonly poolSize: number
}

/** The Lambda `context` a call gets (functionName, functionVersion, awsRequestId, …). */
export interface EdgeCallContext {
  readonly requestId: string
  /** This call's deadline; the event's limit may be shorter than the function's Timeout. */
  readonly timeoutMs: number
}

export type EdgeOutcome =
  | { readonly ok: true; readonly result: unknown; readonly durationMs: number }
  | {
      readonly ok: false
      /** exception: the handler threw or rejected or called back an error; timeout: past its
       * deadline; memory: over MemorySize; crash: the worker died otherwise. */
      readonly kind: 'exception' | 'timeout' | 'memory' | 'crash'
      readonly message: string
      readonly durationMs: number
    }

/** Where a handler's output goes, line by line: what it wrote to stdout (Node's console.log)
 * or stderr (console.error, Python's print() and logging), with the function's name. */
export type EdgeLog = (fn: string, stream: 'stdout' | 'stderr', line: string) => void

export interface EdgeRunner {
  readonly spec: EdgeFunctionSpec
  /** Never rejects: every failure is an outcome. A failed worker is replaced. */
  invoke(event: unknown, context: EdgeCallContext): Promise<EdgeOutcome>
  /** Pool sizes and counters for metrics. */
  stats(): { readonly workers: number; readonly busy: number; readonly queued: number }
  close(): Promise<void>
}
