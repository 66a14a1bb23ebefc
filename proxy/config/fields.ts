// Typed readers over a normalized config tree (spec/cloudfront.md §1): each returns a usable
// value (the default or a fallback) and records a problem with the user's path, so one pass
// reports every mistake in the file instead of stopping at the first.
import type { SourcePaths } from './source-paths.js'
import type { ConfigProblem } from './types.js'

export type Rec = Readonly<Record<string, unknown>>

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export interface IntRange {
  readonly min: number
  readonly max: number
  readonly fallback: number
  /** Replaces the "from min to max" wording, e.g. "80, 443 or 1024–65535". */
  readonly allowed?: (n: number) => boolean
  readonly describe?: string
}

export class Reader {
  readonly problems: ConfigProblem[] = []
  readonly paths: SourcePaths

  constructor(paths: SourcePaths) {
    this.paths = paths
  }

  error(path: string, message: string, ...value: [] | [unknown]): void {
    this.problems.push(problem('error', path, message, value))
  }

  warn(path: string, message: string, ...value: [] | [unknown]): void {
    this.problems.push(problem('warning', path, message, value))
  }

  at(rec: Rec, key: string): string {
    return this.paths.key(rec, key)
  }

  /** A field counts as given unless missing or null (YAML's `Key:` with nothing after it). */
  has(rec: Rec, key: string): boolean {
    return rec[key] !== undefined && rec[key] !== null
  }

  get(rec: Rec, key: string): unknown {
    return this.has(rec, key) ? rec[key] : undefined
  }

  string(rec: Rec, key: string): string | undefined {
    const v = this.get(rec, key)
    if (v === undefined || typeof v === 'string') return v
    this.error(this.at(rec, key), 'must be a string', v)
    return undefined
  }

  /** A required, non-empty string; '' when missing (after reporting it). */
  required(rec: Rec, key: string): string {
    if (!this.has(rec, key)) {
      this.error(this.at(rec, key), 'is required')
      return ''
    }
    const s = this.string(rec, key)
    if (s === '') this.error(this.at(rec, key), 'must not be empty', s)
    return s ?? ''
  }

  bool(rec: Rec, key: string, fallback: boolean): boolean {
    const v = this.get(rec, key)
    if (v === undefined) return fallback
    if (typeof v === 'boolean') return v
    this.error(this.at(rec, key), 'must be true or false', v)
    return fallback
  }

  int(rec: Rec, key: string, range: IntRange): number {
    const v = this.get(rec, key)
    if (v === undefined) return range.fallback
    return this.intValue(v, this.at(rec, key), range)
  }

  intValue(v: unknown, path: string, range: IntRange): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.error(path, 'must be a whole number', v)
      return range.fallback
    }
    const ok = range.allowed ? range.allowed(v) : v >= range.min && v <= range.max
    if (!ok) {
      this.error(path, `must be ${range.describe ?? rangeText(range)}`, v)
      return range.fallback
    }
    return v
  }

  /** A non-negative number (fractions allowed), e.g. sizes in MB. */
  size(rec: Rec, key: string, fallback: number): number {
    const v = this.get(rec, key)
    if (v === undefined) return fallback
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v
    this.error(this.at(rec, key), 'must be a number of at least 0', v)
    return fallback
  }

  oneOf<T extends string>(rec: Rec, key: string, allowed: readonly T[], fallback: T): T {
    const v = this.get(rec, key)
    if (v === undefined) return fallback
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T
    this.error(this.at(rec, key), `must be one of ${allowed.join(', ')}`, v)
    return fallback
  }

  record(rec: Rec, key: string): Rec | undefined {
    const v = this.get(rec, key)
    if (v === undefined || isRecord(v)) return v
    this.error(this.at(rec, key), 'must be an object', v)
    return undefined
  }

  list(rec: Rec, key: string): readonly unknown[] {
    const v = this.get(rec, key)
    if (v === undefined) return []
    if (Array.isArray(v)) return v
    this.error(this.at(rec, key), 'must be a list', v)
    return []
  }

  /** The list's objects with their paths; items that are not objects are reported and skipped. */
  records(rec: Rec, key: string): { item: Rec; path: string; index: number }[] {
    const list = this.list(rec, key)
    const out: { item: Rec; path: string; index: number }[] = []
    list.forEach((item, index) => {
      const path = this.paths.index(list, index)
      if (isRecord(item)) out.push({ item, path, index })
      else this.error(path, 'must be an object', item)
    })
    return out
  }

  strings(rec: Rec, key: string): string[] {
    const list = this.list(rec, key)
    const out: string[] = []
    list.forEach((item, i) => {
      if (typeof item === 'string') out.push(item)
      else this.error(this.paths.index(list, i), 'must be a string', item)
    })
    return out
  }

  /** Warns about every member that is neither used nor a known AWS field we ignore. */
  unknownKeys(rec: Rec, known: ReadonlySet<string>, ignored: ReadonlySet<string> = NONE): void {
    for (const key of Object.keys(rec)) {
      if (!known.has(key) && !ignored.has(key)) {
        this.warn(this.at(rec, key), 'unknown field, ignored')
      }
    }
  }
}

const NONE: ReadonlySet<string> = new Set()

function rangeText(range: IntRange): string {
  return range.max === Infinity ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`
}

function problem(
  severity: 'error' | 'warning',
  path: string,
  message: string,
  value: [] | [unknown],
): ConfigProblem {
  return value.length === 0
    ? { path, message, severity }
    : { path, message, value: value[0], severity }
}
