// Compiles a validated EdgeConfig once into the form requests use (design.md §1 principle 2):
// behavior matchers in order, origins and groups by id, the Via host and per-behavior method
// sets. A request pins the CompiledDistribution it started with, so a reload never changes
// rules mid-request.
import { createHash, type KeyObject } from 'node:crypto'
import { compileBehaviorTable, type BehaviorTable } from '../cloudfront/behavior.js'
import { viaEntry } from '../cloudfront/headers.js'
import { compileKeyFunction, type CacheKeyParts, type KeyRequest } from '../cloudfront/cache-key.js'
import type { BehaviorPolicies } from '../cloudfront/policy-types.js'
import { SignedUrlVerifier } from '../cloudfront/signed-url.js'
import type { ViewerFunction } from '../../functions/viewer/types.js'
import { compileJwtAuthorizer, type JwtAuthorizer } from '../auth/jwt.js'
import { compileGeoRestriction, compileLocator, type GeoLocator } from '../geo/country.js'
import { functionNameFromArn } from './compile-functions.js'
import { bindEdgeFunctions, type EdgeFunctions, type LoadedLambda } from './compile-lambda.js'
import { compilePolicies, resolveBehaviorPolicies } from './compile-policies.js'
import type { BehaviorConfig, EdgeConfig, OriginConfig, OriginGroupConfig } from './types.js'

export interface CompiledBehavior {
  readonly config: BehaviorConfig
  /** The pattern, for logs and metrics ('*' for the default behavior). */
  readonly id: string
  readonly pathPattern: string
  readonly allowedMethods: ReadonlySet<string>
  readonly cachedMethods: ReadonlySet<string>
  /** The origin, or the primary/secondary of an origin group. */
  readonly target: CompiledTarget
  /** Cache, origin request and response headers policies (or legacy settings), compiled. */
  readonly policies: BehaviorPolicies
  /** The cache key function for this behavior's policy (spec §3.1), built once. */
  readonly cacheKeyOf: (req: KeyRequest) => CacheKeyParts
  /** CloudFront Functions associated with the viewer events (spec §7), compiled once. */
  readonly viewerRequestFunction: ViewerFunction | undefined
  readonly viewerResponseFunction: ViewerFunction | undefined
  /** Lambda@Edge functions by event (spec §8), with IncludeBody and each call's deadline. */
  readonly edgeFunctions: EdgeFunctions
  /** The JWT authorizer the behavior requires (local extension), compiled once. */
  readonly jwtAuthorizer?: JwtAuthorizer | undefined
  /** Set when the behavior requires signed URLs or cookies (spec §6.1): its trusted keys. */
  readonly signedUrls: SignedUrlVerifier | undefined
  /**
   * Its hits go out as stored, decided without awaiting anything: no JWT authorizer, no
   * viewer function of either kind, no response headers policy (fast-hit/plain-hit.ts).
   */
  readonly plainHits: boolean
}

export type CompiledTarget =
  | { readonly kind: 'origin'; readonly origin: OriginConfig }
  | {
      readonly kind: 'group'
      readonly group: OriginGroupConfig
      readonly primary: OriginConfig
      readonly secondary: OriginConfig
    }

export interface CompiledDistribution {
  readonly config: EdgeConfig
  readonly behaviors: BehaviorTable<CompiledBehavior>
  readonly defaultBehavior: CompiledBehavior
  readonly origins: ReadonlyMap<string, OriginConfig>
  /** e.g. `8f3a….cloudfront.net`: stable per distribution, used in Via. */
  readonly edgeHost: string
  /** The distribution's domain and Id as functions see them (§7.2 context). */
  readonly distributionDomain: string
  readonly distributionId: string
  /** This hop's Via entry by viewer HTTP version (§9.1). */
  readonly via: { readonly http10: string; readonly http11: string; readonly http2: string }
  /** Edge location code for X-Amz-Cf-Pop. */
  readonly pop: string
  /** '' or `/index.html`. */
  readonly defaultRootPath: string
  /** Statuses whose CustomErrorResponse has a page (spec §5): the page and the status to send. */
  readonly errorPages: ReadonlyMap<number, { readonly path: string; readonly status: number }>
  /** ErrorCachingMinTTL by status, where configured (spec §4.3). */
  readonly errorCachingMinTtl: ReadonlyMap<number, number>
  /** Where a viewer's country comes from (Server.Geo, spec §3.5). */
  readonly geoLocator: GeoLocator
  /** Whether a country is refused (spec §11.10); undefined when there is no restriction. */
  readonly geoBlocks: ((country: string | undefined) => boolean) | undefined
}

/**
 * `functions` holds the CloudFront Functions loaded from the config (by Name and ARN), `lambdas`
 * the started Lambda@Edge functions; associations naming neither are skipped (warned at load).
 */
export function compileDistribution(
  config: EdgeConfig,
  functions: ReadonlyMap<string, ViewerFunction> = new Map(),
  lambdas: ReadonlyMap<string, LoadedLambda> = new Map(),
): CompiledDistribution {
  const functionFor = (b: BehaviorConfig, event: 'viewer-request' | 'viewer-response') => {
    const arn = b.functionAssociations.find((f) => f.eventType === event)?.functionArn
    return arn === undefined
      ? undefined
      : (functions.get(arn) ?? functions.get(functionNameFromArn(arn)))
  }
  const d = config.distribution
  const origins = new Map(d.origins.map((o) => [o.id, o]))
  const groups = new Map(d.originGroups.map((g) => [g.id, g]))
  const { registry } = compilePolicies(config)
  const authorizers = new Map(
    (config.jwtAuthorizers ?? []).map((a) => [a.name, compileJwtAuthorizer(a)]),
  )
  const compileBehavior = (b: BehaviorConfig, path: string): CompiledBehavior => {
    const policies = resolveBehaviorPolicies(registry, b, path)
    // The validator reported unresolvable policies already; reaching here is a bug.
    if ('message' in policies) throw new Error(`${policies.path}: ${policies.message}`)
    const viewerRequestFunction = functionFor(b, 'viewer-request')
    const viewerResponseFunction = functionFor(b, 'viewer-response')
    const edgeFunctions = bindEdgeFunctions(b, lambdas)
    return {
      config: b,
      id: b.pathPattern,
      pathPattern: b.pathPattern,
      allowedMethods: new Set(b.allowedMethods),
      cachedMethods: new Set(b.cachedMethods),
      target: resolveTarget(b.targetOriginId, origins, groups),
      policies,
      cacheKeyOf: compileKeyFunction(policies),
      viewerRequestFunction,
      viewerResponseFunction,
      edgeFunctions,
      ...(b.jwtAuthorizer === undefined ? {} : { jwtAuthorizer: authorizers.get(b.jwtAuthorizer) }),
      signedUrls: signedUrlVerifier(b, config),
      plainHits:
        b.jwtAuthorizer === undefined &&
        viewerRequestFunction === undefined &&
        viewerResponseFunction === undefined &&
        edgeFunctions.viewerRequest === undefined &&
        edgeFunctions.viewerResponse === undefined &&
        policies.responseHeaders === undefined,
    }
  }
  const defaultBehavior = compileBehavior(
    d.defaultBehavior,
    'DistributionConfig.DefaultCacheBehavior',
  )
  const ordered = d.behaviors.map((b, i) =>
    compileBehavior(b, `DistributionConfig.CacheBehaviors[${String(i)}]`),
  )
  const seed = config.distributionId ?? config.sourceFile
  const edgeHost = `${createHash('sha256').update(seed).digest('hex').slice(0, 32)}.cloudfront.net`
  return {
    config,
    behaviors: compileBehaviorTable(ordered, defaultBehavior),
    defaultBehavior,
    origins,
    edgeHost,
    distributionDomain: config.distributionDomain ?? edgeHost,
    distributionId: config.distributionId ?? `E${edgeHost.slice(0, 13).toUpperCase()}`,
    via: {
      http10: viaEntry('1.0', edgeHost),
      http11: viaEntry('1.1', edgeHost),
      http2: viaEntry('2.0', edgeHost),
    },
    pop: config.server.pop,
    defaultRootPath: d.defaultRootObject === '' ? '' : `/${d.defaultRootObject}`,
    errorPages: new Map(
      d.customErrorResponses.flatMap((c) =>
        c.responsePagePath === undefined || c.responsePagePath === ''
          ? []
          : [[c.errorCode, { path: c.responsePagePath, status: c.responseCode ?? c.errorCode }]],
      ),
    ),
    errorCachingMinTtl: new Map(
      d.customErrorResponses.map((c) => [c.errorCode, c.errorCachingMinTtl]),
    ),
    geoLocator: compileLocator(config.server.geo),
    geoBlocks: compileGeoRestriction(d.geoRestriction),
  }
}

/**
 * The keys a signed behavior trusts, by Key-Pair-Id: those of its TrustedKeyGroups. Legacy
 * TrustedSigners (AWS account key pairs, which do not exist locally) trust every key of every
 * KeyGroup in the file, as if they were the account's own (`self`) key pairs. A behavior that
 * requires signatures but trusts no key refuses every request.
 */
function signedUrlVerifier(b: BehaviorConfig, config: EdgeConfig): SignedUrlVerifier | undefined {
  if (b.trustedKeyGroups.length === 0 && b.trustedSigners.length === 0) return undefined
  const groups =
    b.trustedSigners.length > 0
      ? [...config.keyGroupKeys.keys()]
      : b.trustedKeyGroups.filter((id, i, all) => all.indexOf(id) === i)
  const keys = new Map<string, KeyObject>()
  for (const id of groups) {
    for (const [keyId, key] of config.keyGroupKeys.get(id) ?? []) keys.set(keyId, key)
  }
  return new SignedUrlVerifier(keys)
}

function resolveTarget(
  id: string,
  origins: ReadonlyMap<string, OriginConfig>,
  groups: ReadonlyMap<string, OriginGroupConfig>,
): CompiledTarget {
  const origin = origins.get(id)
  if (origin !== undefined) return { kind: 'origin', origin }
  const group = groups.get(id)
  const primary = group && origins.get(group.primaryOriginId)
  const secondary = group && origins.get(group.secondaryOriginId)
  // The validator guarantees these; reaching here means a validator bug.
  if (!group || !primary || !secondary) throw new Error(`unresolved TargetOriginId ${id}`)
  return { kind: 'group', group, primary, secondary }
}
