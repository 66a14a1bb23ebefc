// Custom policies of the config (design.md §3: CachePolicies, OriginRequestPolicies,
// ResponseHeadersPolicies) compiled into a registry, and each behavior's policies resolved by Id
// or name — custom first, then AWS-managed (spec §3.6–§3.8) — or converted from legacy
// ForwardedValues (§3.9, compile-legacy-policy.ts). checkPolicies feeds load.ts's problem list.
import {
  managedCachePolicy,
  managedOriginRequestPolicy,
  managedResponseHeadersPolicy,
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  MANAGED_RESPONSE_HEADERS_POLICIES,
} from '../cloudfront/managed-policies.js'
import type {
  BehaviorPolicies,
  CachePolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
} from '../cloudfront/policy-types.js'
import {
  CACHE_POLICY_FIELDS,
  compileCachePolicy,
  compileOriginRequestPolicy,
  ORIGIN_REQUEST_POLICY_FIELDS,
} from './compile-cache-policies.js'
import { policySource, type PolicyKind, type PolicySource } from './compile-policy-fields.js'
import {
  compileResponseHeadersPolicy,
  RESPONSE_HEADERS_POLICY_FIELDS,
} from './compile-response-headers-policy.js'
import { Reader, type Rec } from './fields.js'
import { isLegacy, legacyPolicies, legacyProblems } from './compile-legacy-policy.js'
import { normalizeFile } from './normalize.js'
import { behaviorSources, type BehaviorSource } from './policy-sources.js'
import type { SourcePaths } from './source-paths.js'
import type { BehaviorConfig, ConfigProblem, EdgeConfig } from './types.js'

/** The custom policies of one config, each under its Id and under its Name. */
export interface PolicyRegistry {
  readonly cachePolicies: ReadonlyMap<string, CachePolicy>
  readonly originRequestPolicies: ReadonlyMap<string, OriginRequestPolicy>
  readonly responseHeadersPolicies: ReadonlyMap<string, ResponseHeadersPolicy>
}

interface KindInfo<T> {
  readonly section: 'CachePolicies' | 'OriginRequestPolicies' | 'ResponseHeadersPolicies'
  readonly kind: PolicyKind
  readonly noun: string
  readonly fields: ReadonlySet<string>
  readonly compile: (r: Reader, src: PolicySource) => T
  readonly managed: (ref: string) => T | undefined
  readonly managedNames: readonly string[]
}

const names = (list: readonly { readonly name: string }[]): string[] => list.map((p) => p.name)
const CACHE: KindInfo<CachePolicy> = {
  section: 'CachePolicies',
  kind: 'CachePolicy',
  noun: 'cache policy',
  fields: CACHE_POLICY_FIELDS,
  compile: compileCachePolicy,
  managed: managedCachePolicy,
  managedNames: names(MANAGED_CACHE_POLICIES),
}
const ORIGIN_REQUEST: KindInfo<OriginRequestPolicy> = {
  section: 'OriginRequestPolicies',
  kind: 'OriginRequestPolicy',
  noun: 'origin request policy',
  fields: ORIGIN_REQUEST_POLICY_FIELDS,
  compile: compileOriginRequestPolicy,
  managed: managedOriginRequestPolicy,
  managedNames: names(MANAGED_ORIGIN_REQUEST_POLICIES),
}
const RESPONSE_HEADERS: KindInfo<ResponseHeadersPolicy> = {
  section: 'ResponseHeadersPolicies',
  kind: 'ResponseHeadersPolicy',
  noun: 'response headers policy',
  fields: RESPONSE_HEADERS_POLICY_FIELDS,
  compile: compileResponseHeadersPolicy,
  managed: managedResponseHeadersPolicy,
  managedNames: names(MANAGED_RESPONSE_HEADERS_POLICIES),
}

type Sections = Pick<
  EdgeConfig,
  'cachePolicies' | 'originRequestPolicies' | 'responseHeadersPolicies'
>

/**
 * Compiles every custom policy. `paths` (the loader's SourcePaths) makes problems name the
 * user's paths in any file shape; without it the sections are re-normalized and problems read
 * `CachePolicies[0].CachePolicyConfig.…`.
 */
export function compilePolicies(
  config: EdgeConfig,
  paths?: SourcePaths,
): { registry: PolicyRegistry; problems: ConfigProblem[] } {
  let sections: Sections = config
  let r: Reader
  if (paths === undefined) {
    const n = normalizeFile({
      CachePolicies: config.cachePolicies,
      OriginRequestPolicies: config.originRequestPolicies,
      ResponseHeadersPolicies: config.responseHeadersPolicies,
    })
    r = new Reader(n.paths)
    r.problems.push(...n.problems)
    sections = {
      cachePolicies: records(n.sections.CachePolicies),
      originRequestPolicies: records(n.sections.OriginRequestPolicies),
      responseHeadersPolicies: records(n.sections.ResponseHeadersPolicies),
    }
  } else r = new Reader(paths)
  const registry: PolicyRegistry = {
    cachePolicies: compileKind(r, sections.cachePolicies, CACHE),
    originRequestPolicies: compileKind(r, sections.originRequestPolicies, ORIGIN_REQUEST),
    responseHeadersPolicies: compileKind(r, sections.responseHeadersPolicies, RESPONSE_HEADERS),
  }
  return { registry, problems: r.problems }
}

function records(list: unknown): Rec[] {
  return Array.isArray(list)
    ? list.filter((x): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x))
    : []
}

function compileKind<T>(r: Reader, items: readonly Rec[], info: KindInfo<T>): Map<string, T> {
  const out = new Map<string, T>()
  const ids = new Map<string, string>()
  const policyNames = new Map<string, string>()
  for (const item of items) {
    const src = policySource(r, item, info.kind, info.fields)
    if (src === undefined) continue
    const policy = info.compile(r, src)
    const where = r.paths.of(item)
    const firstId = ids.get(src.id)
    if (firstId !== undefined) {
      const field = src.idPath === src.namePath ? 'Name' : 'Id'
      r.error(src.idPath, `duplicates the ${field} of ${firstId}`, src.id)
      continue
    }
    const firstName = policyNames.get(src.name)
    if (firstName !== undefined) {
      r.error(src.namePath, `duplicates the Name of ${firstName}`, src.name)
    }
    const refs = new Map([
      [src.id, src.idPath],
      [src.name, src.namePath],
    ])
    for (const [ref, path] of refs) {
      if (info.managed(ref) !== undefined) {
        r.warn(path, `is also an AWS-managed ${info.noun}; behaviors naming it get this custom one`)
      }
    }
    ids.set(src.id, where)
    policyNames.set(src.name, where)
    out.set(src.id, policy)
    if (!out.has(src.name)) out.set(src.name, policy)
  }
  return out
}

/** Where each policy reference of a behavior was written (the Id or the Name field). */
type FieldPath = (kind: PolicyKind) => string

/**
 * A behavior's compiled policies, or the first problem (an Id/name that names no custom or
 * managed policy). `path` is the behavior's, e.g. `DistributionConfig.CacheBehaviors[2]`.
 */
export function resolveBehaviorPolicies(
  registry: PolicyRegistry,
  behavior: BehaviorConfig,
  path: string,
): BehaviorPolicies | ConfigProblem {
  const { policies, problems } = resolveAt(registry, behavior, (kind) => `${path}.${kind}Id`)
  return problems[0] ?? policies
}

function resolveAt(
  registry: PolicyRegistry,
  b: BehaviorConfig,
  at: FieldPath,
): { policies: BehaviorPolicies; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = []
  const find = <T>(ref: string | undefined, custom: ReadonlyMap<string, T>, info: KindInfo<T>) => {
    if (ref === undefined) return undefined
    const found = custom.get(ref) ?? info.managed(ref)
    if (found === undefined) problems.push(unknownRef(registry, ref, info, at(info.kind)))
    return found
  }
  const legacy = isLegacy(b)
  const cache = legacy ? undefined : find(b.cachePolicyId, registry.cachePolicies, CACHE)
  const originRequest = legacy
    ? undefined
    : find(b.originRequestPolicyId, registry.originRequestPolicies, ORIGIN_REQUEST)
  const responseHeaders = find(
    b.responseHeadersPolicyId,
    registry.responseHeadersPolicies,
    RESPONSE_HEADERS,
  )
  if (cache === undefined) {
    const policies = legacy
      ? legacyPolicies(b, responseHeaders)
      : { ...unresolved, responseHeaders }
    return { policies, problems }
  }
  const cachingDisabled = cache.minTtl === 0 && cache.defaultTtl === 0 && cache.maxTtl === 0
  return {
    policies: { cache, originRequest, responseHeaders, legacy: undefined, cachingDisabled },
    problems,
  }
}

/** Stands in when the cache policy is unresolved (the config is invalid then anyway). */
const unresolved: BehaviorPolicies = {
  cache: managedCachePolicy('Managed-CachingDisabled')!,
  originRequest: undefined,
  responseHeaders: undefined,
  legacy: undefined,
  cachingDisabled: true,
}

function unknownRef<T>(
  registry: PolicyRegistry,
  ref: string,
  info: KindInfo<T>,
  path: string,
): ConfigProblem {
  const others: [string, ReadonlyMap<string, unknown>, (r: string) => unknown][] = [
    ['cache policy', registry.cachePolicies, managedCachePolicy],
    ['origin request policy', registry.originRequestPolicies, managedOriginRequestPolicy],
    ['response headers policy', registry.responseHeadersPolicies, managedResponseHeadersPolicy],
  ]
  const other = others.find(
    ([noun, map, managed]) => noun !== info.noun && (map.has(ref) || managed(ref) !== undefined),
  )
  const hint = other === undefined ? '' : ` (it is a ${other[0]})`
  return {
    path,
    message:
      `names no ${info.noun}${hint}: not the Id or Name of one in ${info.section}, nor an ` +
      `AWS-managed one (${info.managedNames.join(', ')}; the Managed- prefix is optional)`,
    value: ref,
    severity: 'error',
  }
}

/**
 * Every policy problem of a loaded config: the custom policies, each behavior's references
 * (default behavior `DistributionConfig.DefaultCacheBehavior`, others `…CacheBehaviors[i]`) and
 * the legacy quotas. `sources` (the normalized file) makes paths follow the user's file shape.
 */
export function checkPolicies(
  config: EdgeConfig,
  sources?: { readonly paths: SourcePaths; readonly distribution: unknown },
): ConfigProblem[] {
  const { registry, problems } = compilePolicies(config, sources?.paths)
  const d = config.distribution
  const located = behaviorSources(d, sources)
  for (const { behavior, source } of located) {
    problems.push(...resolveAt(registry, behavior, (kind) => refPath(source, kind)).problems)
    if (isLegacy(behavior)) problems.push(...legacyProblems(behavior, source))
  }
  return problems
}

function refPath(source: BehaviorSource, kind: PolicyKind): string {
  const key = source.has(`${kind}Name`) && !source.has(`${kind}Id`) ? `${kind}Name` : `${kind}Id`
  return source.at(key)
}
