// Loading a distribution and reloading it (design.md §1 principle 2, §3 "Reload"): the config
// file is read, validated and compiled with its CloudFront Functions — at start-up and again
// on SIGHUP or a change of the file. A reload that fails keeps the running distribution; one
// that succeeds is swapped in atomically, and cached objects survive it unless the cache key
// of the behavior that stored them (its key policy or its origin) changed.
import { watch, type FSWatcher } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { Logger } from 'pino'
import type { InvalidationMatcher } from './cache/admin-types.js'
import {
  compileDistribution,
  type CompiledBehavior,
  type CompiledDistribution,
} from './config/compile.js'
import { checkFunctionAssociations, loadFunctions } from './config/compile-functions.js'
import { checkLambdaAssociations, loadLambdaFunctions } from './config/compile-lambda.js'
import { loadConfigFile } from './config/load.js'
import type { ConfigProblem } from './config/types.js'
import { ConfigError } from './errors.js'
import type { ViewerFunction } from '../functions/viewer/types.js'
import type { EdgeLog, EdgeRunner } from '../functions/edge/types.js'

export interface LoadedDistribution {
  readonly dist: CompiledDistribution
  /** The compiled functions it uses, disposed once no request needs them. */
  readonly functions: ReadonlySet<ViewerFunction>
  /** The Lambda@Edge runners it uses, closed once no request needs them. */
  readonly runners: ReadonlySet<EdgeRunner>
  readonly warnings: readonly ConfigProblem[]
}

/** Reads, validates and compiles; throws ConfigError with every error found. Lambda@Edge
 * handlers' output goes to `lambdaLog` (default: the proxy's stdout and stderr). */
export async function loadDistribution(
  configFile: string,
  originOverrides: ReadonlyMap<string, string>,
  lambdaLog?: EdgeLog,
): Promise<LoadedDistribution> {
  const { config, warnings } = loadConfigFile(configFile, { originOverrides })
  const loaded = await loadFunctions(config)
  const problems = [
    ...loaded.problems,
    ...checkFunctionAssociations(config, loaded.functions),
    ...checkLambdaAssociations(config),
  ]
  const functions = new Set(loaded.functions.values())
  // Lambda workers start only for a config without errors.
  const early = problems.filter((p) => p.severity === 'error')
  const edge = early.length === 0 ? loadLambdaFunctions(config, lambdaLog) : undefined
  const runners = new Set([...(edge?.lambdas.values() ?? [])].map((l) => l.runner))
  const errors = [...early, ...(edge?.problems ?? [])]
  if (errors.length > 0) {
    for (const fn of functions) fn.dispose()
    await closeRunners(runners)
    throw new ConfigError(errors)
  }
  try {
    return {
      dist: compileDistribution(config, loaded.functions, edge?.lambdas),
      functions,
      runners,
      warnings: [...warnings, ...problems.filter((p) => p.severity === 'warning')],
    }
  } catch (err) {
    // Compiling is not expected to fail after validation; if it does, nothing may leak.
    for (const fn of functions) fn.dispose()
    await closeRunners(runners)
    throw err
  }
}

/** Stops Lambda@Edge workers; never rejects. */
export async function closeRunners(runners: Iterable<EdgeRunner>): Promise<void> {
  await Promise.all([...runners].map((r) => r.close().catch(() => undefined)))
}

export function logProblems(log: Logger, problems: readonly ConfigProblem[]): void {
  for (const p of problems) {
    const fields = { path: p.path, value: p.value }
    if (p.severity === 'warning') log.warn(fields, p.message)
    else log.error(fields, p.message)
  }
}

const identities = new WeakMap<CompiledBehavior, string>()

/**
 * What an object stored through `b` depends on besides its URI: the cache key settings, the
 * compression that picks its variants, and the origin it came from. Equal identities mean a
 * stored object is still the right answer after a reload.
 */
export function keyIdentity(b: CompiledBehavior): string {
  let id = identities.get(b)
  if (id === undefined) {
    const p = b.policies
    const c = p.cache
    id = JSON.stringify([
      c.headers,
      c.cookies,
      c.queryStrings,
      c.enableAcceptEncodingGzip,
      c.enableAcceptEncodingBrotli,
      p.legacy ?? null,
      p.cachingDisabled,
      b.config.compress,
      b.target,
    ])
    identities.set(b, id)
  }
  return id
}

/** Objects whose URI the new distribution routes to a behavior with another key identity. */
export function changedKeys(
  before: CompiledDistribution,
  after: CompiledDistribution,
): InvalidationMatcher {
  return (uri) =>
    keyIdentity(before.behaviors.match(uri)) !== keyIdentity(after.behaviors.match(uri))
}

/**
 * Calls `onChange` (debounced) when the file is written or replaced. The folder is watched,
 * not the file: editors and config tools often replace the file by a rename.
 */
export function watchFile(file: string, onChange: () => void, debounceMs = 150): FSWatcher {
  const name = basename(file)
  let timer: NodeJS.Timeout | undefined
  const watcher = watch(dirname(file), (_event, changed) => {
    if (changed !== null && changed !== name) return
    clearTimeout(timer)
    timer = setTimeout(onChange, debounceMs)
  })
  watcher.unref()
  return watcher
}
