// Normalizes the file shapes of spec/cloudfront.md §1.1 (design.md §3 file, get-distribution-config,
// get-distribution, bare DistributionConfig) into one CloudFormation-style tree: API `{Quantity,
// Items}` wrappers become lists and API-only names get their CloudFormation names. Every node
// keeps the path the user wrote (source-paths.ts) so later problems point into the file.
import { isRecord, Reader, type Rec } from './fields.js'
import { joinPath, SourcePaths } from './source-paths.js'
import type { ConfigProblem } from './types.js'

export const SECTION_KEYS = [
  'CachePolicies',
  'OriginRequestPolicies',
  'ResponseHeadersPolicies',
  'Functions',
  'KeyValueStores',
  'LambdaFunctions',
  'KeyGroups',
  'JwtAuthorizers',
] as const
export type SectionKey = (typeof SECTION_KEYS)[number]

/** get-cache-policy style wrappers of the policy sections: `{CachePolicy: {Id, ...Config}}`. */
const POLICY_WRAPPERS: Partial<Record<SectionKey, string>> = {
  CachePolicies: 'CachePolicy',
  OriginRequestPolicies: 'OriginRequestPolicy',
  ResponseHeadersPolicies: 'ResponseHeadersPolicy',
}

/** API member names → CloudFormation names, by the key of the enclosing object or list. */
const RENAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Origins: { CustomHeaders: 'OriginCustomHeaders' },
  CustomOriginConfig: { OriginSslProtocols: 'OriginSSLProtocols' },
}

const DISTRIBUTION_HINTS = ['Origins', 'DefaultCacheBehavior', 'CacheBehaviors', 'CallerReference']
const TOP_LEVEL = new Set(['Server', 'DistributionConfig', 'Distribution', 'ETag', ...SECTION_KEYS])
/** get-distribution's read-only members next to DistributionConfig. */
const DISTRIBUTION_OUTPUT = new Set(
  'Id ARN Status LastModifiedTime InProgressInvalidationBatches DomainName ActiveTrustedSigners ActiveTrustedKeyGroups DistributionConfig AliasICPRecordals'.split(
    ' ',
  ),
)

export interface NormalizedFile {
  /** The normalized `Server` section (undefined when absent). */
  readonly server: unknown
  /** The normalized DistributionConfig (undefined when absent) and where it was found. */
  readonly distribution: unknown
  readonly distributionPath: string
  readonly sections: Readonly<Record<SectionKey, unknown>>
  readonly etag: string | undefined
  readonly distributionId: string | undefined
  readonly distributionDomain: string | undefined
  readonly paths: SourcePaths
  readonly problems: readonly ConfigProblem[]
}

/** Detects the file shape and normalizes it; problems found on the way are returned, never thrown. */
export function normalizeFile(raw: unknown): NormalizedFile {
  const paths = new SourcePaths()
  const r = new Reader(paths)
  const root = new Normalizer(r).value(raw, '', '')
  const none = Object.fromEntries(SECTION_KEYS.map((k) => [k, undefined])) as Record<
    SectionKey,
    unknown
  >
  const base = {
    server: undefined,
    distribution: undefined,
    distributionPath: 'DistributionConfig',
    sections: none,
    etag: undefined,
    distributionId: undefined,
    distributionDomain: undefined,
    paths,
    problems: r.problems,
  }
  if (!isRecord(root)) {
    r.error('', 'the file must hold an object (a mapping of DistributionConfig, Server, …)', raw)
    return base
  }
  const bare = !('DistributionConfig' in root) && !('Distribution' in root)
  if (bare && DISTRIBUTION_HINTS.some((k) => k in root)) {
    return { ...base, distribution: root, distributionPath: '' }
  }
  r.unknownKeys(root, TOP_LEVEL)
  const sections = { ...none }
  for (const key of SECTION_KEYS) sections[key] = unwrapPolicies(r, root, key)
  const found = findDistribution(r, root)
  return {
    ...base,
    ...found,
    server: root['Server'],
    sections,
    etag: r.string(root, 'ETag'),
  }
}

function findDistribution(
  r: Reader,
  root: Rec,
): Pick<
  NormalizedFile,
  'distribution' | 'distributionPath' | 'distributionId' | 'distributionDomain'
> {
  const dist = r.record(root, 'Distribution')
  if (dist === undefined) {
    return {
      distribution: root['DistributionConfig'],
      distributionPath: 'DistributionConfig',
      distributionId: undefined,
      distributionDomain: undefined,
    }
  }
  if (r.has(root, 'DistributionConfig')) {
    r.error(
      r.at(root, 'DistributionConfig'),
      'give either DistributionConfig or Distribution, not both',
    )
  }
  r.unknownKeys(dist, DISTRIBUTION_OUTPUT)
  return {
    distribution: dist['DistributionConfig'],
    distributionPath: r.at(dist, 'DistributionConfig'),
    distributionId: r.string(dist, 'Id'),
    distributionDomain: r.string(dist, 'DomainName'),
  }
}

/** `[{CachePolicy: {Id, CachePolicyConfig}}]` → `[{Id, CachePolicyConfig}]`; other items as they are. */
function unwrapPolicies(r: Reader, root: Rec, key: SectionKey): unknown {
  const list = root[key]
  const wrapper = POLICY_WRAPPERS[key]
  if (wrapper === undefined || !Array.isArray(list)) return list
  const out = list.map((item: unknown) => {
    if (!isRecord(item) || !isRecord(item[wrapper])) return item
    for (const k of Object.keys(item)) {
      if (k !== wrapper && k !== 'ETag') r.warn(r.at(item, k), 'unknown field, ignored')
    }
    return item[wrapper]
  })
  return r.paths.register(out, r.paths.of(list))
}

/** `{Quantity, Items}` (Items may be missing); `{Items: [...]}` alone counts too. */
function isWrapper(v: unknown): v is Rec {
  if (!isRecord(v)) return false
  return 'Quantity' in v || (Object.keys(v).length === 1 && Array.isArray(v['Items']))
}

/** Deep copy that unwraps lists and renames API members, registering every node's path. */
class Normalizer {
  readonly #r: Reader

  constructor(r: Reader) {
    this.#r = r
  }

  /** `context` is the key under which the value sits (list items inherit their list's key). */
  value(v: unknown, path: string, context: string): unknown {
    if (Array.isArray(v)) {
      const out = v.map((item: unknown, i) => this.value(item, `${path}[${i}]`, context))
      return this.#r.paths.register(out, path)
    }
    if (isWrapper(v)) {
      const { list, extras } = this.wrapper(v, path, context)
      this.unknownExtras(extras, path)
      return list
    }
    if (isRecord(v)) return this.object(v, path, context)
    return v
  }

  object(rec: Rec, path: string, context: string): Rec {
    const out: Record<string, unknown> = {}
    this.#r.paths.register(out, path)
    const renames = RENAMES[context] ?? {}
    for (const [key, v] of Object.entries(rec)) {
      const name = renames[key] ?? key
      const childPath = joinPath(path, key)
      if (name !== key) {
        if (name in rec) {
          this.#r.error(childPath, `duplicates ${name}; give only one of them`)
          continue
        }
        this.#r.paths.rename(out, name, key)
      }
      if (isWrapper(v)) this.placeWrapper(out, name, v, childPath)
      else out[name] = this.value(v, childPath, name)
    }
    return out
  }

  /** Wrappers whose non-list members mean something (spec §1.1, §1.5, §1.6). */
  placeWrapper(out: Record<string, unknown>, key: string, v: Rec, path: string): void {
    const { list, extras } = this.wrapper(v, path, key)
    out[key] = list
    const { CachedMethods: cached, Enabled: enabled, RestrictionType: type, ...rest } = extras
    if (key === 'AllowedMethods' && cached !== undefined) {
      if ('CachedMethods' in out) {
        this.#r.error(joinPath(path, 'CachedMethods'), 'CachedMethods is given twice')
      }
      out['CachedMethods'] = this.value(cached, joinPath(path, 'CachedMethods'), 'CachedMethods')
      this.#r.paths.rename(out, 'CachedMethods', `${key}.CachedMethods`)
    } else if (/Trusted(KeyGroups|Signers)$/.test(key) && enabled !== undefined) {
      if (typeof enabled !== 'boolean') {
        this.#r.error(joinPath(path, 'Enabled'), 'must be true or false', enabled)
      } else if (!enabled) {
        out[key] = this.#r.paths.register([], this.#r.paths.of(list))
      }
    } else if (key === 'GeoRestriction' && type !== undefined) {
      const geo = this.#r.paths.register({ RestrictionType: type, Locations: list }, path)
      this.#r.paths.rename(geo, 'Locations', 'Items')
      out[key] = geo
    } else {
      Object.assign(rest, cached === undefined ? {} : { CachedMethods: cached })
      Object.assign(rest, enabled === undefined ? {} : { Enabled: enabled })
      Object.assign(rest, type === undefined ? {} : { RestrictionType: type })
    }
    this.unknownExtras(rest, path)
  }

  wrapper(v: Rec, path: string, context: string): { list: unknown[]; extras: Rec } {
    const { Quantity: quantity, Items: items, ...extras } = v
    const itemsPath = joinPath(path, 'Items')
    let list: unknown[] = []
    if (Array.isArray(items)) {
      list = this.value(items, itemsPath, context) as unknown[]
    } else if (items !== undefined && items !== null) {
      this.#r.error(itemsPath, 'must be a list', items)
    }
    if (!Array.isArray(items)) this.#r.paths.register(list, path)
    const quantityPath = joinPath(path, 'Quantity')
    if (quantity !== undefined && (typeof quantity !== 'number' || !Number.isInteger(quantity))) {
      this.#r.error(quantityPath, 'must be a whole number', quantity)
    } else if (quantity !== undefined && quantity !== list.length) {
      this.#r.warn(quantityPath, `does not match the ${list.length} item(s) of Items`, quantity)
    }
    return { list, extras }
  }

  unknownExtras(extras: Rec, path: string): void {
    for (const k of Object.keys(extras)) this.#r.warn(joinPath(path, k), 'unknown field, ignored')
  }
}
