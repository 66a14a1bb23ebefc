// Which runner executes a Lambda@Edge function, by its Runtime (design.md §3): `nodejs*` on
// this Node (worker_threads), `python3.*` on the local python3 (its runner is built apart).
import { createNodeRunner } from './node-runner.js'
import type { EdgeFunctionSpec, EdgeRunner } from './types.js'

type RunnerFactory = (spec: EdgeFunctionSpec) => EdgeRunner

/** The Python runner once functions/edge/python-runner.ts exists (createPythonRunner). */
const PYTHON_RUNNER: RunnerFactory | undefined = undefined

const NODE = /^nodejs\d+(\.x)?$/
const PYTHON = /^python3\.\d+$/

/** Why a Runtime cannot run here, or undefined when it can. */
export function runtimeProblem(runtime: string): string | undefined {
  if (NODE.test(runtime)) return undefined
  if (PYTHON.test(runtime)) {
    return PYTHON_RUNNER === undefined
      ? 'python runtimes need functions/edge/python-runner.ts (not built yet)'
      : undefined
  }
  return 'must be a Lambda runtime nodejs<N>.x or python3.<N>'
}

export function createRunner(spec: EdgeFunctionSpec): EdgeRunner {
  if (PYTHON.test(spec.runtime) && PYTHON_RUNNER !== undefined) return PYTHON_RUNNER(spec)
  if (NODE.test(spec.runtime)) return createNodeRunner(spec)
  throw new Error(`${spec.name}: ${runtimeProblem(spec.runtime) ?? 'unknown runtime'}`)
}
