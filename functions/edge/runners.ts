// Which runner executes a Lambda@Edge function, by its Runtime (design.md §3): `nodejs*` on
// this Node (worker processes, node-runner.ts), `python3.*` on the local python3 (processes,
// python-runner.ts).
import { createNodeRunner } from './node-runner.js'
import { createPythonRunner } from './python-runner.js'
import type { EdgeFunctionSpec, EdgeRunner } from './types.js'

const NODE = /^nodejs\d+(\.x)?$/
const PYTHON = /^python3\.\d+$/

/** Why a Runtime cannot run here, or undefined when it can. */
export function runtimeProblem(runtime: string): string | undefined {
  if (NODE.test(runtime) || PYTHON.test(runtime)) return undefined
  return 'must be a Lambda runtime nodejs<N>.x or python3.<N>'
}

/** What a Python handler prints goes to the proxy's stderr, as a Node handler's console does. */
const toStderr = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

export function createRunner(spec: EdgeFunctionSpec): EdgeRunner {
  if (PYTHON.test(spec.runtime)) return createPythonRunner(spec, { log: toStderr })
  if (NODE.test(spec.runtime)) return createNodeRunner(spec)
  throw new Error(`${spec.name}: ${runtimeProblem(spec.runtime) ?? 'unknown runtime'}`)
}
