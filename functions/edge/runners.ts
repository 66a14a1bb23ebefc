// Which runner executes a Lambda@Edge function, by its Runtime (design.md §3): `nodejs*` on
// this Node (worker processes, node-runner.ts), `python3.*` on the local python3 (processes,
// python-runner.ts).
import { createNodeRunner, passThroughLog } from './node-runner.js'
import { createPythonRunner } from './python-runner.js'
import type { EdgeFunctionSpec, EdgeLog, EdgeRunner } from './types.js'

const NODE = /^nodejs\d+(\.x)?$/
const PYTHON = /^python3\.\d+$/

/** Why a Runtime cannot run here, or undefined when it can. */
export function runtimeProblem(runtime: string): string | undefined {
  if (NODE.test(runtime) || PYTHON.test(runtime)) return undefined
  return 'must be a Lambda runtime nodejs<N>.x or python3.<N>'
}

/** A runner for the function; its handler's output goes to `log` (by default, to the
 * proxy's own stdout and stderr). */
export function createRunner(spec: EdgeFunctionSpec, log: EdgeLog = passThroughLog): EdgeRunner {
  if (PYTHON.test(spec.runtime)) {
    return createPythonRunner(spec, { log: (line) => log(spec.name, 'stderr', line) })
  }
  if (NODE.test(spec.runtime)) return createNodeRunner(spec, log)
  throw new Error(`${spec.name}: ${runtimeProblem(spec.runtime) ?? 'unknown runtime'}`)
}
