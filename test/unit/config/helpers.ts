// Test helpers for the config loader (spec/cloudfront.md §1): fixture paths, a minimal valid
// CloudFormation-shaped config, deep patches of it, and loading an object from a temp file.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkConfigFile } from '../../../proxy/config/load.js'
import type { ConfigProblem } from '../../../proxy/config/types.js'

export type Obj = Readonly<Record<string, unknown>>

/** The repository root, found from this file whether it runs from dist/ or another outDir. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('package.json not found above the test file')
    dir = parent
  }
  return dir
}

export const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'config')
export const fixture = (name: string): string => join(FIXTURES, name)

export const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

export const BASE_ORIGIN: Obj = {
  Id: 'app',
  DomainName: '127.0.0.1',
  CustomOriginConfig: { HTTPPort: 8000, OriginProtocolPolicy: 'http-only' },
}

export const BASE_BEHAVIOR: Obj = {
  TargetOriginId: 'app',
  ViewerProtocolPolicy: 'allow-all',
  CachePolicyId: CACHING_OPTIMIZED,
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep merge: objects merge, anything else replaces, `undefined` deletes the key. */
export function merge(base: Obj, patch: Obj): Obj {
  const out = new Map<string, unknown>(Object.entries(base))
  for (const [k, v] of Object.entries(patch)) {
    const old = out.get(k)
    if (v === undefined) out.delete(k)
    else out.set(k, isObj(old) && isObj(v) ? merge(old, v) : v)
  }
  return Object.fromEntries(out)
}

export const origin = (patch: Obj = {}): Obj => merge(BASE_ORIGIN, patch)
export const behavior = (patch: Obj = {}): Obj => merge(BASE_BEHAVIOR, patch)
export const cacheBehavior = (pathPattern: string, patch: Obj = {}): Obj =>
  merge(BASE_BEHAVIOR, { PathPattern: pathPattern, ...patch })

/** A valid file: one custom origin, a default behavior; `dist` patches its DistributionConfig. */
export function config(dist: Obj = {}, top: Obj = {}): Obj {
  const base = {
    DistributionConfig: { Origins: [BASE_ORIGIN], DefaultCacheBehavior: BASE_BEHAVIOR },
  }
  return merge(merge(base, { DistributionConfig: dist }), top)
}

/** A temp folder with a `site/` folder and a `file.txt`, for LocalDirectory and Tls paths. */
export class TempDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'edgeproxy-config-'))
  #n = 0

  constructor() {
    mkdirSync(join(this.dir, 'site'))
    writeFileSync(join(this.dir, 'file.txt'), 'not a folder\n')
  }

  /** Writes `content` (an object → JSON) to a new file in the folder and returns its path. */
  write(content: Obj | string, ext = '.json'): string {
    this.#n += 1
    const file = join(this.dir, `config-${this.#n}${ext}`)
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
    return file
  }

  problems(content: Obj | string, ext = '.json'): ConfigProblem[] {
    return checkConfigFile(this.write(content, ext))
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export const errorsOf = (problems: readonly ConfigProblem[]): ConfigProblem[] =>
  problems.filter((p) => p.severity === 'error')
export const warningsOf = (problems: readonly ConfigProblem[]): ConfigProblem[] =>
  problems.filter((p) => p.severity === 'warning')
