// Cache behaviors (spec/cloudfront.md §1.5, §2, §11.6): target origin, viewer protocol policy,
// allowed/cached method sets, path patterns (no duplicates), policies by Id or by name (local
// extension), legacy ForwardedValues, trusted key groups and edge function associations.
import { checkPathPattern } from '../cloudfront/path-pattern.js'
import { readAssociations } from './validate-associations.js'
import { readJwtAuthorizerRef } from './validate-jwt.js'
import {
  DEFAULT_FORWARDED_VALUES,
  DEFAULT_TTLS,
  readForwardedValues,
  readLegacyTtls,
} from './validate-legacy.js'
import type { Reader, Rec } from './fields.js'
import {
  HTTP_METHODS,
  type BehaviorConfig,
  type HttpMethod,
  type ViewerProtocolPolicy,
} from './types.js'

const BEHAVIOR_FIELDS = new Set([
  'PathPattern',
  'TargetOriginId',
  'ViewerProtocolPolicy',
  'AllowedMethods',
  'CachedMethods',
  'Compress',
  'CachePolicyId',
  'CachePolicyName',
  'OriginRequestPolicyId',
  'OriginRequestPolicyName',
  'ResponseHeadersPolicyId',
  'ResponseHeadersPolicyName',
  'ForwardedValues',
  'MinTTL',
  'DefaultTTL',
  'MaxTTL',
  'FunctionAssociations',
  'LambdaFunctionAssociations',
  'TrustedKeyGroups',
  'TrustedSigners',
  'JwtAuthorizer', // local extension (validate-jwt.ts)
])
const BEHAVIOR_IGNORED = new Set([
  'SmoothStreaming',
  'FieldLevelEncryptionId',
  'RealtimeLogConfigArn',
  'GrpcConfig',
])
const VIEWER_POLICIES: readonly ViewerProtocolPolicy[] = [
  'allow-all',
  'redirect-to-https',
  'https-only',
]
const ALLOWED_SETS = ['GET,HEAD', 'GET,HEAD,OPTIONS', HTTP_METHODS.join(',')]
const CACHED_SETS = ['GET,HEAD', 'GET,HEAD,OPTIONS']

/** Reads DefaultCacheBehavior and CacheBehaviors; `targets` holds origin and group Ids. */
export function readBehaviors(
  r: Reader,
  dist: Rec,
  targets: ReadonlySet<string>,
): { defaultBehavior: BehaviorConfig; behaviors: BehaviorConfig[] } {
  const def = r.record(dist, 'DefaultCacheBehavior')
  if (!r.has(dist, 'DefaultCacheBehavior'))
    r.error(r.at(dist, 'DefaultCacheBehavior'), 'is required')
  if (def !== undefined && r.has(def, 'PathPattern')) {
    r.warn(r.at(def, 'PathPattern'), 'is ignored: the default behavior matches every path (*)')
  }
  const defaultBehavior =
    def === undefined ? fallbackBehavior() : readBehavior(r, def, '*', targets)
  const patterns = new Map<string, string>()
  const behaviors = r.records(dist, 'CacheBehaviors').map(({ item, path }) => {
    const pattern = readPathPattern(r, item)
    const key = pattern.startsWith('/') ? pattern.slice(1) : pattern
    const first = patterns.get(key)
    if (first !== undefined) {
      r.error(r.at(item, 'PathPattern'), `duplicates the path pattern of ${first}`, pattern)
    } else if (pattern !== '') patterns.set(key, path)
    return readBehavior(r, item, pattern, targets, defaultBehavior.viewerProtocolPolicy)
  })
  return { defaultBehavior, behaviors }
}

function readPathPattern(r: Reader, b: Rec): string {
  const pattern = r.required(b, 'PathPattern')
  if (pattern === '') return ''
  const problem = checkPathPattern(pattern)
  if (problem !== undefined) r.error(r.at(b, 'PathPattern'), problem, pattern)
  return pattern
}

/** `inherited`: a CacheBehavior without ViewerProtocolPolicy takes the default behavior's. */
function readBehavior(
  r: Reader,
  b: Rec,
  pathPattern: string,
  targets: ReadonlySet<string>,
  inherited?: ViewerProtocolPolicy,
): BehaviorConfig {
  r.unknownKeys(b, BEHAVIOR_FIELDS, BEHAVIOR_IGNORED)
  const targetOriginId = r.required(b, 'TargetOriginId')
  if (targetOriginId !== '' && !targets.has(targetOriginId)) {
    r.error(r.at(b, 'TargetOriginId'), 'names no origin or origin group', targetOriginId)
  }
  const vpp = r.oneOf(b, 'ViewerProtocolPolicy', VIEWER_POLICIES, inherited ?? 'allow-all')
  if (!r.has(b, 'ViewerProtocolPolicy')) {
    const at = r.at(b, 'ViewerProtocolPolicy')
    if (inherited === undefined) r.error(at, 'is required')
    else r.warn(at, `is missing (AWS requires it); using the default behavior's ${inherited}`)
  }
  const allowedMethods = readMethods(r, b, 'AllowedMethods', ALLOWED_SETS)
  const cachedMethods = readMethods(r, b, 'CachedMethods', CACHED_SETS)
  const notAllowed = cachedMethods.filter((m) => !allowedMethods.includes(m))
  if (notAllowed.length > 0) {
    r.error(
      r.at(b, 'CachedMethods'),
      `must be among AllowedMethods (${notAllowed.join(', ')} is not)`,
      cachedMethods,
    )
  }
  return {
    pathPattern,
    targetOriginId,
    viewerProtocolPolicy: vpp,
    allowedMethods,
    cachedMethods,
    compress: r.bool(b, 'Compress', false),
    ...readCacheSettings(r, b),
    responseHeadersPolicyId: readPolicyRef(r, b, 'ResponseHeadersPolicy'),
    ...readAssociations(r, b),
    trustedKeyGroups: r.strings(b, 'TrustedKeyGroups'),
    trustedSigners: r.strings(b, 'TrustedSigners'),
    ...readJwtAuthorizerRef(r, b),
  }
}

/** A cache policy (by Id or name) or the legacy ForwardedValues + TTLs, never both (§1.5, §3.9). */
function readCacheSettings(
  r: Reader,
  b: Rec,
): Pick<
  BehaviorConfig,
  'cachePolicyId' | 'originRequestPolicyId' | 'forwardedValues' | 'minTtl' | 'defaultTtl' | 'maxTtl'
> {
  const cachePolicyId = readPolicyRef(r, b, 'CachePolicy')
  const originRequestPolicyId = readPolicyRef(r, b, 'OriginRequestPolicy')
  const legacy = cachePolicyId === undefined
  if (!legacy && r.has(b, 'ForwardedValues')) {
    r.error(
      r.at(b, 'ForwardedValues'),
      'give either a cache policy (CachePolicyId) or ForwardedValues, not both',
    )
  }
  if (legacy && originRequestPolicyId !== undefined) {
    const key = r.has(b, 'OriginRequestPolicyId')
      ? 'OriginRequestPolicyId'
      : 'OriginRequestPolicyName'
    r.error(
      r.at(b, key),
      'needs a cache policy (CachePolicyId) on the same behavior',
      originRequestPolicyId,
    )
  }
  const forwardedValues = legacy ? readForwardedValues(r, b) : undefined
  const ttls = legacy
    ? readLegacyTtls(r, b, (forwardedValues ?? DEFAULT_FORWARDED_VALUES).headers.includes('*'))
    : DEFAULT_TTLS
  return { cachePolicyId, originRequestPolicyId, forwardedValues, ...ttls }
}

/** `CachePolicyId` or the local `CachePolicyName`; the name is stored as the Id (resolved later). */
function readPolicyRef(r: Reader, b: Rec, kind: string): string | undefined {
  const id = r.string(b, `${kind}Id`)
  const name = r.string(b, `${kind}Name`)
  if (id !== undefined && id !== '' && name !== undefined) {
    r.error(r.at(b, `${kind}Name`), `give either ${kind}Id or ${kind}Name, not both`, name)
  }
  if (name === '') r.error(r.at(b, `${kind}Name`), 'must not be empty', name)
  return id !== undefined && id !== '' ? id : name || undefined
}

/** A method list that must be exactly one of `sets` (any order); GET, HEAD when absent. */
function readMethods(r: Reader, b: Rec, key: string, sets: readonly string[]): HttpMethod[] {
  const fallback: HttpMethod[] = ['GET', 'HEAD']
  const raw = r.get(b, key)
  if (raw === undefined) return fallback
  if (!Array.isArray(raw)) {
    r.error(r.at(b, key), 'must be a list', raw)
    return fallback
  }
  const list = r.strings(b, key)
  if (list.length !== raw.length) return fallback
  const known = list.filter((m): m is HttpMethod => (HTTP_METHODS as readonly string[]).includes(m))
  const canonical = HTTP_METHODS.filter((m) => known.includes(m))
  if (
    known.length !== list.length ||
    canonical.length !== list.length ||
    !sets.includes(canonical.join(','))
  ) {
    const choices = sets.map((s) => s.split(',').join(', ')).join(' | ')
    r.error(r.at(b, key), `must be exactly one of these method sets: ${choices}`, r.get(b, key))
    return fallback
  }
  return canonical
}

/** A behavior to stand in when DefaultCacheBehavior is missing (the file is invalid anyway). */
export function fallbackBehavior(): BehaviorConfig {
  return {
    pathPattern: '*',
    targetOriginId: '',
    viewerProtocolPolicy: 'allow-all',
    allowedMethods: ['GET', 'HEAD'],
    cachedMethods: ['GET', 'HEAD'],
    compress: false,
    cachePolicyId: undefined,
    originRequestPolicyId: undefined,
    responseHeadersPolicyId: undefined,
    forwardedValues: DEFAULT_FORWARDED_VALUES,
    ...DEFAULT_TTLS,
    functionAssociations: [],
    lambdaFunctionAssociations: [],
    trustedKeyGroups: [],
    trustedSigners: [],
  }
}
