// Where each behavior of a loaded config was written (spec §1.5, design.md §3 `validate`), so
// policy problems found after loading name the user's path — `DistributionConfig.CacheBehaviors[2]`
// in a CloudFormation-shaped file, `…CacheBehaviors.Items[2]` in an API-shaped one.
import { isRecord, type Rec } from './fields.js'
import { joinPath, type SourcePaths } from './source-paths.js'
import type { BehaviorConfig, DistributionConfigModel } from './types.js'

export interface BehaviorSource {
  /** The behavior's own path. */
  readonly path: string
  /** Whether the user gave this field (e.g. `CachePolicyName`). */
  has(key: string): boolean
  /** The path of a field below the behavior, e.g. `ForwardedValues.Headers`. */
  at(dotted: string): string
}

/** The default behavior first, then CacheBehaviors in order, each with its source. */
export function behaviorSources(
  d: DistributionConfigModel,
  sources?: { readonly paths: SourcePaths; readonly distribution: unknown },
): { behavior: BehaviorConfig; source: BehaviorSource }[] {
  const dist =
    sources !== undefined && isRecord(sources.distribution) ? sources.distribution : undefined
  const defaultPath =
    dist === undefined || sources === undefined
      ? 'DistributionConfig.DefaultCacheBehavior'
      : sources.paths.key(dist, 'DefaultCacheBehavior')
  const defaultRec = dist === undefined ? undefined : dist['DefaultCacheBehavior']
  const list = dist === undefined ? undefined : dist['CacheBehaviors']
  const recs = Array.isArray(list) ? list.filter(isRecord) : []
  const usable = recs.length === d.behaviors.length
  return [
    { behavior: d.defaultBehavior, source: locate(defaultRec, defaultPath, sources?.paths) },
    ...d.behaviors.map((behavior, i) => {
      const rec = usable ? recs[i] : undefined
      const path = `DistributionConfig.CacheBehaviors[${i}]`
      return { behavior, source: locate(rec, path, sources?.paths) }
    }),
  ]
}

function locate(rec: unknown, fallback: string, paths: SourcePaths | undefined): BehaviorSource {
  if (!isRecord(rec) || paths === undefined) {
    return { path: fallback, has: () => false, at: (dotted) => joinPath(fallback, dotted) }
  }
  return {
    path: paths.of(rec),
    has: (key) => rec[key] !== undefined && rec[key] !== null,
    at: (dotted) => fieldPath(paths, rec, dotted.split('.')),
  }
}

function fieldPath(paths: SourcePaths, rec: Rec, parts: readonly string[]): string {
  const [first, ...rest] = parts
  if (first === undefined) return paths.of(rec)
  const next = rec[first]
  if (rest.length === 0) return paths.key(rec, first)
  if (isRecord(next)) return fieldPath(paths, next, rest)
  return joinPath(paths.key(rec, first), rest.join('.'))
}
