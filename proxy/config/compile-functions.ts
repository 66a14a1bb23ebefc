// Loads the config's CloudFront Functions (design.md §3 `Functions`, `KeyValueStores`; spec
// §7.1 limits, §7.4 stores): reads each function's code, loads its KeyValueStore, compiles it
// once with the viewer runtime and reports problems with config paths. Also checks that every
// behavior's FunctionAssociations name a loaded function (by name or function ARN).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { loadKeyValueStore } from '../../functions/viewer/kvs.js'
import { compileViewerFunction, initViewerRuntime } from '../../functions/viewer/runtime.js'
import type {
  FunctionRuntime,
  KeyValueStore,
  ViewerFunction,
} from '../../functions/viewer/types.js'
import { checkLambdaAssociations, resolveLambdaFunctions } from './compile-lambda.js'
import { loadConfigFile } from './load.js'
import type { ConfigProblem, EdgeConfig } from './types.js'

const RUNTIMES: readonly FunctionRuntime[] = ['cloudfront-js-1.0', 'cloudfront-js-2.0']
const FUNCTION_ARN = /^arn:aws[\w-]*:cloudfront::\d{12}:function\/([^/]+)$/

/** `arn:aws:cloudfront::123456789012:function/NAME` → NAME; anything else is returned as is. */
export function functionNameFromArn(arn: string): string {
  return FUNCTION_ARN.exec(arn)?.[1] ?? arn
}

/** The function an association's FunctionARN (a name or an ARN) refers to. */
export function resolveFunction<T>(functions: ReadonlyMap<string, T>, arn: string): T | undefined {
  return functions.get(arn) ?? functions.get(functionNameFromArn(arn))
}

export async function loadFunctions(
  config: EdgeConfig,
): Promise<{ functions: Map<string, ViewerFunction>; problems: ConfigProblem[] }> {
  const problems: ConfigProblem[] = []
  const error: ErrorSink = (path, message, value) => {
    problems.push({ path, message, severity: 'error', ...(value === undefined ? {} : { value }) })
  }
  const functions = new Map<string, ViewerFunction>()
  const stores = loadStores(config, error)
  if (config.functions.length === 0) return { functions, problems }
  await initViewerRuntime()

  for (const [i, f] of config.functions.entries()) {
    const at = `Functions[${i}]`
    const name = f['Name']
    if (typeof name !== 'string' || !/^[\w-]{1,64}$/.test(name)) {
      error(`${at}.Name`, 'must be 1–64 letters, digits, - or _', name)
      continue
    }
    if (functions.has(name)) error(`${at}.Name`, 'is used by another function', name)
    const runtime = f['Runtime'] ?? 'cloudfront-js-2.0'
    if (typeof runtime !== 'string' || !(RUNTIMES as readonly string[]).includes(runtime)) {
      error(`${at}.Runtime`, `must be one of ${RUNTIMES.join(', ')}`, runtime)
      continue
    }
    const code = readCode(f, at, config.sourceDir, error)
    if (code === undefined) continue
    const kvs = associatedStore(f, at, runtime as FunctionRuntime, stores, error)
    if (kvs === null) continue
    try {
      const fn = compileViewerFunction({
        name,
        runtime: runtime as FunctionRuntime,
        code: code.text,
        kvs,
      })
      functions.set(name, fn)
      const arn = f['FunctionARN'] ?? f['ARN']
      if (typeof arn === 'string' && arn !== '') functions.set(arn, fn)
    } catch (err) {
      error(code.path, err instanceof Error ? err.message : String(err))
    }
  }
  return { functions, problems }
}

type ErrorSink = (path: string, message: string, value?: unknown) => void

function readCode(
  f: Readonly<Record<string, unknown>>,
  at: string,
  sourceDir: string,
  error: ErrorSink,
): { text: string; path: string } | undefined {
  const { CodeFile: file, Code: inline } = f
  if ((file === undefined) === (inline === undefined)) {
    error(at, 'needs exactly one of CodeFile or Code')
    return undefined
  }
  const path = file === undefined ? `${at}.Code` : `${at}.CodeFile`
  let text: string
  if (file !== undefined) {
    if (typeof file !== 'string' || file === '') {
      error(path, 'must be a path', file)
      return undefined
    }
    try {
      text = readFileSync(resolve(sourceDir, file), 'utf8')
    } catch (err) {
      error(path, `cannot read ${file}: ${(err as Error).message}`, file)
      return undefined
    }
  } else {
    if (typeof inline !== 'string') {
      error(path, 'must be a string', inline)
      return undefined
    }
    text = inline
  }
  return { text, path }
}

interface LoadedStore {
  readonly keys: readonly string[]
  readonly store: KeyValueStore | undefined
}

function loadStores(config: EdgeConfig, error: ErrorSink): LoadedStore[] {
  return config.keyValueStores.map((s, j) => {
    const at = `KeyValueStores[${j}]`
    const { Name: name, Id: id, DataFile: file } = s
    const arn = s['ARN'] ?? s['Arn']
    const keys = [name, id, arn].filter((k): k is string => typeof k === 'string' && k !== '')
    if (typeof name !== 'string' || name === '') {
      error(`${at}.Name`, 'is required', name)
      return { keys, store: undefined }
    }
    if (typeof file !== 'string' || file === '') {
      error(`${at}.DataFile`, 'is required (a JSON file in the KVS import format)', file)
      return { keys, store: undefined }
    }
    try {
      const store = loadKeyValueStore({
        name,
        ...(typeof id === 'string' ? { id } : {}),
        ...(typeof arn === 'string' ? { arn } : {}),
        file: resolve(config.sourceDir, file),
      })
      return { keys, store }
    } catch (err) {
      error(`${at}.DataFile`, err instanceof Error ? err.message : String(err), file)
      return { keys, store: undefined }
    }
  })
}

/** The function's one store, undefined for none, null after reporting a problem. */
function associatedStore(
  f: Readonly<Record<string, unknown>>,
  at: string,
  runtime: FunctionRuntime,
  stores: readonly LoadedStore[],
  error: ErrorSink,
): KeyValueStore | undefined | null {
  let refs: { path: string; ref: unknown }[] = []
  const assoc = f['KeyValueStoreAssociations']
  if (f['KeyValueStore'] !== undefined)
    refs.push({ path: `${at}.KeyValueStore`, ref: f['KeyValueStore'] })
  if (assoc !== undefined) {
    // A list of names/ARNs, or AWS's {Quantity, Items: [{KeyValueStoreARN}]}.
    const items = Array.isArray(assoc) ? (assoc as unknown[]) : itemsOf(assoc)
    if (items === undefined) {
      error(`${at}.KeyValueStoreAssociations`, 'must be a list of store names or ARNs', assoc)
      return null
    }
    refs = refs.concat(
      items.map((item, k) => ({
        path: `${at}.KeyValueStoreAssociations[${k}]`,
        ref: isRecord(item) ? item['KeyValueStoreARN'] : item,
      })),
    )
  }
  if (refs.length === 0) return undefined
  if (refs.length > 1) {
    error(refs[1]!.path, 'a function can have at most one KeyValueStore (§7.4)')
    return null
  }
  const { path, ref } = refs[0]!
  if (runtime !== 'cloudfront-js-2.0') {
    error(path, 'KeyValueStores need Runtime cloudfront-js-2.0', ref)
    return null
  }
  const found =
    typeof ref === 'string'
      ? stores.find((s) => s.keys.includes(ref) || s.keys.includes(ref.replace(/^.*\//, '')))
      : undefined
  if (found === undefined) {
    error(path, 'names no entry of KeyValueStores (by Name, Id or ARN)', ref)
    return null
  }
  return found.store ?? null // a store that failed to load was reported at its DataFile
}

/** Every FunctionAssociations[].FunctionARN must name a loaded function (by name or ARN). */
export function checkFunctionAssociations(
  config: EdgeConfig,
  functions: ReadonlyMap<string, unknown>,
): ConfigProblem[] {
  const d = config.distribution
  // Functions that failed to load were reported at Functions[i] already.
  const configured = new Map(
    config.functions.flatMap((f) =>
      [f['Name'], f['FunctionARN'], f['ARN']]
        .filter((k) => typeof k === 'string')
        .map((k) => [k, true]),
    ),
  )
  const known = (arn: string) =>
    resolveFunction(functions, arn) !== undefined || resolveFunction(configured, arn) !== undefined
  const behaviors = [
    { path: 'DistributionConfig.DefaultCacheBehavior', b: d.defaultBehavior },
    ...d.behaviors.map((b, i) => ({ path: `DistributionConfig.CacheBehaviors[${i}]`, b })),
  ]
  return behaviors.flatMap(({ path, b }) =>
    b.functionAssociations.flatMap((a, j) =>
      !known(a.functionArn)
        ? [
            {
              path: `${path}.FunctionAssociations[${j}].FunctionARN`,
              // An AWS export carries associations but never function code: the distribution
              // still serves, without this function, and says so.
              message:
                'names no function of Functions (by Name or function ARN): the association is skipped until a Functions entry { Name, CodeFile } provides its code',
              value: a.functionArn,
              severity: 'warning' as const,
            },
          ]
        : [],
    ),
  )
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function itemsOf(v: unknown): unknown[] | undefined {
  return isRecord(v) && Array.isArray(v['Items']) ? (v['Items'] as unknown[]) : undefined
}

/**
 * Every function problem of a config file that loads: loading, compiling, associations, for
 * CloudFront Functions and Lambda@Edge (whose workers are not started for this).
 */
export async function functionProblems(file: string): Promise<ConfigProblem[]> {
  const { config } = loadConfigFile(file)
  const loaded = await loadFunctions(config)
  for (const fn of new Set(loaded.functions.values())) fn.dispose()
  return [
    ...loaded.problems,
    ...checkFunctionAssociations(config, loaded.functions),
    ...resolveLambdaFunctions(config).problems,
    ...checkLambdaAssociations(config),
  ]
}
