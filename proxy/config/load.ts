// Loads a distribution config file (design.md §3): YAML or JSON in any of the shapes of
// spec/cloudfront.md §1.1, normalized (normalize.ts) then validated (validate.ts). Every problem
// is collected; loadConfigFile throws one ConfigError carrying all of them.
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parseDocument } from 'yaml'
import { ConfigError } from '../errors.js'
import { checkPolicies } from './compile-policies.js'
import { isRecord } from './fields.js'
import { normalizeFile } from './normalize.js'
import { validateConfig } from './validate.js'
import type { ConfigProblem, EdgeConfig } from './types.js'

export interface LoadOptions {
  /** `--origin ID=URL`: points origin ID at a local URL. */
  readonly originOverrides?: ReadonlyMap<string, string>
}

const MAX_VALUE_CHARS = 200

/**
 * Loads, normalizes and validates. On any error throws a ConfigError carrying every error (each a
 * ConfigProblem); checkConfigFile gives the warnings as well.
 */
export function loadConfigFile(
  file: string,
  options: LoadOptions = {},
): { config: EdgeConfig; warnings: ConfigProblem[] } {
  const { config, problems } = loadAll(file, options)
  const errors = problems.filter((p) => p.severity === 'error')
  if (config === undefined || errors.length > 0) throw new ConfigError(errors)
  return { config, warnings: problems }
}

/** Every problem of the file, errors and warnings; never throws for a bad or missing file. */
export function checkConfigFile(file: string, options: LoadOptions = {}): ConfigProblem[] {
  return loadAll(file, options).problems
}

/** `PATH: message (got VALUE)`; warnings start with `warning: `; no path for file-level problems. */
export function formatProblem(p: ConfigProblem): string {
  const prefix = p.severity === 'warning' ? 'warning: ' : ''
  const where = p.path === '' ? '' : `${p.path}: `
  const got = 'value' in p ? ` (got ${showValue(p.value)})` : ''
  return `${prefix}${where}${p.message}${got}`
}

function showValue(v: unknown): string {
  let s: string
  try {
    s = v === undefined ? 'undefined' : JSON.stringify(v)
  } catch {
    s = String(v)
  }
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s
}

function loadAll(
  file: string,
  options: LoadOptions,
): { config: EdgeConfig | undefined; problems: ConfigProblem[] } {
  const parsed = parseFile(file)
  if ('problem' in parsed) return { config: undefined, problems: [parsed.problem] }
  if (parsed.value === null || parsed.value === undefined) {
    return { config: undefined, problems: [fileProblem(`${file} is empty`).problem] }
  }
  if (!isRecord(parsed.value)) {
    const problem = fileProblem(`${file} must hold a mapping (DistributionConfig, Server, …)`)
    return { config: undefined, problems: [{ ...problem.problem, value: parsed.value }] }
  }
  const normalized = normalizeFile(parsed.value)
  const validateOptions =
    options.originOverrides === undefined
      ? { sourceFile: file }
      : { sourceFile: file, originOverrides: options.originOverrides }
  const { config, problems } = validateConfig(normalized, validateOptions)
  return { config, problems: [...problems, ...checkPolicies(config, normalized)] }
}

function fileProblem(message: string): { problem: ConfigProblem } {
  return { problem: { path: '', message, severity: 'error' } }
}

/** JSON when the content looks like JSON (or the file is .json), YAML otherwise. */
function parseFile(file: string): { value: unknown } | { problem: ConfigProblem } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : String(err)
    return fileProblem(`cannot read config file ${file}: ${why}`)
  }
  const trimmed = text.trimStart()
  const isJson = extname(file).toLowerCase() === '.json'
  if (isJson || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { value: JSON.parse(text) as unknown }
    } catch (err) {
      if (isJson) return fileProblem(`${file} is not valid JSON: ${(err as Error).message}`)
    }
  }
  const doc = parseDocument(text, { prettyErrors: true })
  const first = doc.errors[0]
  if (first !== undefined) return fileProblem(`${file} is not valid YAML: ${first.message}`)
  return { value: doc.toJS() as unknown }
}
