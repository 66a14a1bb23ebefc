// Loads the config's Lambda@Edge functions (design.md §3 "Lambda@Edge"; spec §8.6 limits):
// checks each LambdaFunctions entry — Name, CodeFile, Handler (`fn` or AWS's `file.fn`),
// Runtime, Timeout, MemorySize, PoolSize (local extension) — and starts a runner per function.
// Also checks that behaviors' LambdaFunctionAssociations name a configured function and
// resolves each association to what the pipeline calls: runner, IncludeBody and deadline.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createRunner, runtimeProblem } from '../../functions/edge/runners.js'
import type {
  EdgeEventType,
  EdgeFunctionSpec,
  EdgeLog,
  EdgeRunner,
} from '../../functions/edge/types.js'
import type { BehaviorConfig, ConfigProblem, EdgeConfig } from './types.js'

/** §8.6: the longest a function may run on viewer / origin events, in seconds. */
export const EVENT_TIMEOUT_S = { viewer: 5, origin: 30 } as const
const DEFAULT_MEMORY_MB = 128
const DEFAULT_POOL_SIZE = 2
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:([\w-]+)(?::([^:]+))?$/

/** A function as a behavior's association uses it. */
export interface EdgeFunctionBinding {
  readonly name: string
  readonly runner: EdgeRunner
  /** IncludeBody (viewer-request and origin-request only, §8.4). */
  readonly includeBody: boolean
  /** The call's deadline: the function's Timeout or the event's default, capped at its limit. */
  readonly timeoutMs: number
}

export interface EdgeFunctions {
  readonly viewerRequest?: EdgeFunctionBinding
  readonly originRequest?: EdgeFunctionBinding
  readonly originResponse?: EdgeFunctionBinding
  readonly viewerResponse?: EdgeFunctionBinding
}

export interface LoadedLambda {
  readonly runner: EdgeRunner
  /** Timeout as configured, in seconds; undefined for the event's default. */
  readonly timeoutS: number | undefined
}

/** `arn:aws:lambda:us-east-1:123456789012:function:NAME:3` → NAME; a name stays a name. */
export function lambdaNameFromArn(arn: string): string {
  return LAMBDA_ARN.exec(arn)?.[1] ?? arn
}

type ErrorSink = (path: string, message: string, value?: unknown) => void

interface Resolved {
  readonly spec: EdgeFunctionSpec
  readonly timeoutS: number | undefined
  readonly keys: readonly string[]
}

/** Every LambdaFunctions entry checked (no worker started), with its problems. */
export function resolveLambdaFunctions(config: EdgeConfig): {
  resolved: Resolved[]
  problems: ConfigProblem[]
} {
  const problems: ConfigProblem[] = []
  const error: ErrorSink = (path, message, value) => {
    problems.push({ path, message, severity: 'error', ...(value === undefined ? {} : { value }) })
  }
  const resolved: Resolved[] = []
  const names = new Set<string>()
  for (const [i, f] of config.lambdaFunctions.entries()) {
    const at = `LambdaFunctions[${String(i)}]`
    const before = problems.length
    const name = f['Name']
    if (typeof name !== 'string' || !/^[\w-]{1,64}$/.test(name)) {
      error(`${at}.Name`, 'must be 1–64 letters, digits, - or _', name)
      continue
    }
    if (names.has(name)) error(`${at}.Name`, 'is used by another Lambda function', name)
    names.add(name)
    const runtime = f['Runtime'] ?? 'nodejs20.x'
    const runtimeWrong =
      typeof runtime === 'string' ? runtimeProblem(runtime) : 'must be a string such as nodejs20.x'
    if (runtimeWrong !== undefined) error(`${at}.Runtime`, runtimeWrong, runtime)
    const file = f['CodeFile']
    let codeFile: string | undefined
    if (typeof file !== 'string' || file === '') error(`${at}.CodeFile`, 'is required', file)
    else {
      codeFile = resolve(config.sourceDir, file)
      if (!existsSync(codeFile)) error(`${at}.CodeFile`, `cannot read ${file}`, file)
    }
    const handler = f['Handler'] ?? 'handler'
    const fn = typeof handler === 'string' ? handler.slice(handler.lastIndexOf('.') + 1) : ''
    if (!/^[A-Za-z_$][\w$]*$/.test(fn))
      error(`${at}.Handler`, 'must be a function name or file.function', handler)
    const timeout = f['Timeout']
    if (timeout !== undefined && (typeof timeout !== 'number' || timeout <= 0 || timeout > 30))
      error(`${at}.Timeout`, 'must be seconds, more than 0 and at most 30 (§8.6)', timeout)
    const memory = f['MemorySize'] ?? DEFAULT_MEMORY_MB
    if (typeof memory !== 'number' || !Number.isInteger(memory) || memory < 128 || memory > 10240)
      error(`${at}.MemorySize`, 'must be MB from 128 to 10240', memory)
    const pool = f['PoolSize'] ?? DEFAULT_POOL_SIZE
    if (typeof pool !== 'number' || !Number.isInteger(pool) || pool < 1 || pool > 64)
      error(`${at}.PoolSize`, 'must be a number of workers from 1 to 64', pool)
    if (problems.length > before || codeFile === undefined) continue
    const arn = f['LambdaFunctionARN'] ?? f['ARN']
    resolved.push({
      spec: {
        name,
        codeFile,
        handler: fn,
        runtime: runtime as string,
        timeoutS: (timeout as number | undefined) ?? EVENT_TIMEOUT_S.origin,
        memoryMB: memory as number,
        poolSize: pool as number,
      },
      timeoutS: timeout as number | undefined,
      keys: typeof arn === 'string' && arn !== '' ? [name, arn] : [name],
    })
  }
  return { resolved, problems }
}

/** Checks and starts every Lambda function (their output to `log`, by default the proxy's
 * stdout and stderr); none is started when any has a problem. */
export function loadLambdaFunctions(
  config: EdgeConfig,
  log?: EdgeLog,
): {
  lambdas: Map<string, LoadedLambda>
  problems: ConfigProblem[]
} {
  const { resolved, problems } = resolveLambdaFunctions(config)
  const lambdas = new Map<string, LoadedLambda>()
  if (problems.length > 0) return { lambdas, problems }
  for (const r of resolved) {
    const loaded = { runner: createRunner(r.spec, log), timeoutS: r.timeoutS }
    for (const key of r.keys) lambdas.set(key, loaded)
  }
  return { lambdas, problems }
}

/** The function an association's LambdaFunctionARN (a name or a versioned ARN) refers to. */
export function resolveLambda<T>(lambdas: ReadonlyMap<string, T>, arn: string): T | undefined {
  return lambdas.get(arn) ?? lambdas.get(lambdaNameFromArn(arn))
}

/**
 * Associations: the ARN must be a numbered version when it is an ARN (§1.5), name a
 * configured function (else a warning: skipped, as for an AWS export without code), and
 * IncludeBody only makes sense on request events.
 */
export function checkLambdaAssociations(config: EdgeConfig): ConfigProblem[] {
  const known = new Set(
    config.lambdaFunctions.flatMap((f) =>
      [f['Name'], f['LambdaFunctionARN'], f['ARN']].filter((k) => typeof k === 'string'),
    ),
  )
  const d = config.distribution
  const behaviors = [
    { path: 'DistributionConfig.DefaultCacheBehavior', b: d.defaultBehavior },
    ...d.behaviors.map((b, i) => ({ path: `DistributionConfig.CacheBehaviors[${String(i)}]`, b })),
  ]
  return behaviors.flatMap(({ path, b }) =>
    b.lambdaFunctionAssociations.flatMap((a, j): ConfigProblem[] => {
      const at = `${path}.LambdaFunctionAssociations[${String(j)}]`
      const arn = a.lambdaFunctionArn
      const version = LAMBDA_ARN.exec(arn)?.[2]
      if (arn.startsWith('arn:') && (version === undefined || !/^\d+$/.test(version))) {
        return [
          {
            path: `${at}.LambdaFunctionARN`,
            message: 'must name a numbered version (not $LATEST or an alias)',
            value: arn,
            severity: 'error',
          },
        ]
      }
      const problems: ConfigProblem[] = []
      if (!known.has(arn) && !known.has(lambdaNameFromArn(arn))) {
        problems.push({
          path: `${at}.LambdaFunctionARN`,
          message:
            'names no function of LambdaFunctions (by Name or ARN): the association is skipped until a LambdaFunctions entry { Name, CodeFile, Runtime } provides its code',
          value: arn,
          severity: 'warning',
        })
      }
      if (a.includeBody && a.eventType.endsWith('-response')) {
        problems.push({
          path: `${at}.IncludeBody`,
          message: 'only applies to viewer-request and origin-request (§8.4): ignored',
          value: true,
          severity: 'warning',
        })
      }
      return problems
    }),
  )
}

/** A behavior's Lambda@Edge functions by event, as the pipeline calls them. */
export function bindEdgeFunctions(
  b: BehaviorConfig,
  lambdas: ReadonlyMap<string, LoadedLambda>,
): EdgeFunctions {
  const bind = (event: EdgeEventType): EdgeFunctionBinding | undefined => {
    const a = b.lambdaFunctionAssociations.find((x) => x.eventType === event)
    const fn = a && resolveLambda(lambdas, a.lambdaFunctionArn)
    if (a === undefined || fn === undefined) return undefined
    const limit = event.startsWith('viewer-') ? EVENT_TIMEOUT_S.viewer : EVENT_TIMEOUT_S.origin
    return {
      name: fn.runner.spec.name,
      runner: fn.runner,
      includeBody: a.includeBody && event.endsWith('-request'),
      timeoutMs: Math.min(fn.timeoutS ?? limit, limit) * 1000,
    }
  }
  const out: {
    viewerRequest?: EdgeFunctionBinding
    originRequest?: EdgeFunctionBinding
    originResponse?: EdgeFunctionBinding
    viewerResponse?: EdgeFunctionBinding
  } = {}
  const vreq = bind('viewer-request')
  if (vreq) out.viewerRequest = vreq
  const oreq = bind('origin-request')
  if (oreq) out.originRequest = oreq
  const ores = bind('origin-response')
  if (ores) out.originResponse = ores
  const vres = bind('viewer-response')
  if (vres) out.viewerResponse = vres
  return out
}
