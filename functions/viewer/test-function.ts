// `edgeproxy test-function` (design.md §3): runs a CloudFront Function once on an event file in
// AWS TestFunction's input shape (spec §7.2) and returns what `aws cloudfront test-function`
// prints: a TestResult whose FunctionOutput is the returned event object as a JSON string, and
// whose FunctionErrorMessage holds execution (§7.6) or validation (§7.3) errors.
import { readFileSync, statSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { parseQuerystring } from './event.js'
import { loadKeyValueStore } from './kvs.js'
import { interpretViewerRequestResult, interpretViewerResponseResult } from './result.js'
import { compileViewerFunction, initViewerRuntime } from './runtime.js'
import type { CfEvent, FunctionRuntime } from './types.js'

/** Bad input (event file, --kvs): the CLI exits 2. */
export class TestFunctionUsageError extends Error {}

export interface TestFunctionOptions {
  readonly file: string
  readonly eventFile: string
  readonly kvs: readonly { readonly name: string; readonly file: string }[]
  readonly runtime: FunctionRuntime
  readonly stage: 'DEVELOPMENT' | 'LIVE'
}

export interface TestResult {
  FunctionSummary: {
    Name: string
    Status: 'UNPUBLISHED'
    FunctionConfig: { Comment: string; Runtime: FunctionRuntime }
    FunctionMetadata: { FunctionARN: string; Stage: string; LastModifiedTime: string }
  }
  ComputeUtilization: string
  FunctionExecutionLogs: string[]
  FunctionErrorMessage: string
  FunctionOutput: string
}

/** Throws TestFunctionUsageError for bad input and FunctionCompileError for bad code. */
export async function testFunction(
  options: TestFunctionOptions,
): Promise<{ TestResult: TestResult }> {
  const event = normalizeTestEvent(readJson(options.eventFile), options.eventFile)
  if (options.kvs.length > 1) {
    throw new TestFunctionUsageError('a function has at most one KeyValueStore: give one --kvs')
  }
  if (options.kvs.length > 0 && options.runtime !== 'cloudfront-js-2.0') {
    throw new TestFunctionUsageError('--kvs needs --runtime cloudfront-js-2.0')
  }
  const kvs = options.kvs.map((k) => {
    try {
      return loadKeyValueStore(k)
    } catch (err) {
      throw new TestFunctionUsageError((err as Error).message)
    }
  })[0]
  let code: string
  let modified: Date
  try {
    code = readFileSync(options.file, 'utf8')
    modified = statSync(options.file).mtime
  } catch (err) {
    throw new TestFunctionUsageError(`cannot read ${options.file}: ${(err as Error).message}`)
  }
  const name = basename(options.file, extname(options.file))
    .replace(/[^\w-]/g, '-')
    .slice(0, 64)
  await initViewerRuntime()
  const fn = compileViewerFunction({ name, runtime: options.runtime, code, kvs })
  let run
  try {
    run = fn.invoke(event)
  } finally {
    fn.dispose()
  }
  let output = ''
  let errorMessage = ''
  if (!run.ok) {
    errorMessage = run.message
  } else {
    const outcome =
      event.context.eventType === 'viewer-request'
        ? interpretViewerRequestResult(run.result, event)
        : interpretViewerResponseResult(run.result, event)
    if (outcome.kind === 'invalid') errorMessage = outcome.reason
    else output = JSON.stringify({ [outcome.kind]: run.result })
  }
  return {
    TestResult: {
      FunctionSummary: {
        Name: name,
        Status: 'UNPUBLISHED',
        FunctionConfig: { Comment: '', Runtime: options.runtime },
        FunctionMetadata: {
          FunctionARN: `arn:aws:cloudfront::000000000000:function/${name}`,
          Stage: options.stage,
          LastModifiedTime: modified.toISOString(),
        },
      },
      ComputeUtilization: String(Math.round(run.computeUtilization)),
      FunctionExecutionLogs: [...run.logs],
      FunctionErrorMessage: errorMessage,
      FunctionOutput: output,
    },
  }
}

function readJson(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new TestFunctionUsageError(`cannot read ${file}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new TestFunctionUsageError(`${file}: not valid JSON (${(err as Error).message})`)
  }
}

interface Obj {
  [key: string]: unknown
  context?: unknown
  eventType?: unknown
  viewer?: unknown
  ip?: unknown
  request?: unknown
  response?: unknown
  method?: unknown
  uri?: unknown
  statusCode?: unknown
  multiValue?: unknown
  multivalue?: unknown
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * An AWS TestFunction event → CfEvent: `multivalue` read as `multiValue`, missing
 * querystring/headers/cookies as {}, eventType inferred from `response` when absent.
 */
export function normalizeTestEvent(raw: unknown, file = 'the event'): CfEvent {
  const fail = (m: string): never => {
    throw new TestFunctionUsageError(`${file}: ${m}`)
  }
  if (!isObj(raw))
    return fail('must be a JSON object (an event: {version, context, viewer, request})')
  const context = isObj(raw.context) ? raw.context : {}
  const eventType =
    context.eventType ?? (raw.response === undefined ? 'viewer-request' : 'viewer-response')
  if (eventType !== 'viewer-request' && eventType !== 'viewer-response') {
    return fail(
      `context.eventType must be viewer-request or viewer-response (got ${JSON.stringify(eventType)})`,
    )
  }
  const req = isObj(raw.request) ? raw.request : fail('request must be an object')
  if (typeof req.method !== 'string' || typeof req.uri !== 'string') {
    fail('request.method and request.uri must be strings')
  }
  const ip = isObj(raw.viewer) && typeof raw.viewer.ip === 'string' ? raw.viewer.ip : ''
  const event = {
    ...raw,
    version: '1.0',
    context: { ...context, eventType },
    viewer: { ...(isObj(raw.viewer) ? raw.viewer : {}), ip },
    request: { ...req, ...entries(req, ['querystring', 'headers', 'cookies']) },
  }
  if (eventType === 'viewer-response') {
    const res = isObj(raw.response) ? raw.response : fail('response must be an object')
    if (typeof res.statusCode !== 'number') fail('response.statusCode must be a number')
    Object.assign(event, { response: { ...res, ...entries(res, ['headers', 'cookies']) } })
  } else {
    delete (event as Obj).response
  }
  return event as unknown as CfEvent
}

function entries(parent: Obj, keys: readonly string[]): Obj {
  const out: Obj = {}
  for (const key of keys) {
    const v = parent[key]
    if (!isObj(v)) {
      out[key] = typeof v === 'string' && key === 'querystring' ? parseQuerystring(v) : {}
      continue
    }
    const fixed: Obj = {}
    for (const [name, e] of Object.entries(v)) {
      if (!isObj(e)) continue
      const { multivalue, ...rest } = e
      fixed[name] =
        rest.multiValue === undefined && multivalue !== undefined
          ? { ...rest, multiValue: multivalue }
          : rest
    }
    out[key] = fixed
  }
  return out
}
