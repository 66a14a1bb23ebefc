// The normalized configuration model: what the loader produces from either file shape
// (CloudFormation-style DistributionConfig or the AWS API shape with Quantity/Items).
// Field meanings follow spec/cloudfront.md §1 (distribution, origins, behaviors).
import type { KeyObject } from 'node:crypto'

export const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'] as const
export type HttpMethod = (typeof HTTP_METHODS)[number]

export type ViewerProtocolPolicy = 'allow-all' | 'redirect-to-https' | 'https-only'
export type OriginProtocolPolicy = 'http-only' | 'https-only' | 'match-viewer'

export interface CustomHeader {
  readonly name: string
  readonly value: string
}

/** Fields every origin kind shares (spec §1.3). */
interface OriginBase {
  readonly id: string
  /** '' or a prefix starting with '/' and without a trailing '/'. */
  readonly originPath: string
  readonly customHeaders: readonly CustomHeader[]
}

/** A custom (HTTP) origin; S3 REST origins load as custom origins over HTTPS. */
export interface CustomOriginConfig extends OriginBase {
  readonly kind: 'custom'
  readonly domainName: string
  readonly httpPort: number
  readonly httpsPort: number
  readonly protocolPolicy: OriginProtocolPolicy
  /** Seconds, 1–10, default 10. */
  readonly connectionTimeoutS: number
  /** 1–3, default 3. */
  readonly connectionAttempts: number
  /** Seconds, 1–120, default 30: first byte and every gap between chunks. */
  readonly readTimeoutS: number
  /** Seconds, 1–120, default 5. */
  readonly keepaliveTimeoutS: number
  /** Seconds; whole-response deadline; undefined = none. */
  readonly responseCompletionTimeoutS: number | undefined
  /** Set by `--origin ID=URL`: send requests here instead of DomainName/ports. */
  readonly overrideUrl: string | undefined
}

/** Local extension: a folder served like an S3 bucket. */
export interface LocalDirectoryOriginConfig extends OriginBase {
  readonly kind: 'local'
  /** Absolute path, resolved from the config file's folder. */
  readonly directory: string
}

export type OriginConfig = CustomOriginConfig | LocalDirectoryOriginConfig

export interface OriginGroupConfig {
  readonly id: string
  readonly primaryOriginId: string
  readonly secondaryOriginId: string
  readonly failoverStatusCodes: readonly number[]
}

export interface FunctionAssociation {
  readonly eventType: 'viewer-request' | 'viewer-response'
  readonly functionArn: string
}

export interface LambdaFunctionAssociation {
  readonly eventType: 'viewer-request' | 'viewer-response' | 'origin-request' | 'origin-response'
  readonly lambdaFunctionArn: string
  readonly includeBody: boolean
}

/** Legacy cache settings (spec §3.9), kept as loaded until the cache issue compiles them. */
export interface ForwardedValuesConfig {
  readonly queryString: boolean
  readonly queryStringCacheKeys: readonly string[]
  readonly headers: readonly string[]
  readonly cookies: {
    readonly forward: 'none' | 'whitelist' | 'all'
    readonly names: readonly string[]
  }
}

export interface BehaviorConfig {
  /** '*' for the default behavior. */
  readonly pathPattern: string
  readonly targetOriginId: string
  readonly viewerProtocolPolicy: ViewerProtocolPolicy
  readonly allowedMethods: readonly HttpMethod[]
  readonly cachedMethods: readonly HttpMethod[]
  readonly compress: boolean
  readonly cachePolicyId: string | undefined
  readonly originRequestPolicyId: string | undefined
  readonly responseHeadersPolicyId: string | undefined
  readonly forwardedValues: ForwardedValuesConfig | undefined
  /** Legacy TTLs (seconds); used only with forwardedValues. */
  readonly minTtl: number
  readonly defaultTtl: number
  readonly maxTtl: number
  readonly functionAssociations: readonly FunctionAssociation[]
  readonly lambdaFunctionAssociations: readonly LambdaFunctionAssociation[]
  readonly trustedKeyGroups: readonly string[]
  readonly trustedSigners: readonly string[]
}

export interface CustomErrorResponseConfig {
  readonly errorCode: number
  readonly responsePagePath: string | undefined
  readonly responseCode: number | undefined
  readonly errorCachingMinTtl: number
}

export interface DistributionConfigModel {
  readonly enabled: boolean
  readonly comment: string
  readonly aliases: readonly string[]
  /** '' when none. */
  readonly defaultRootObject: string
  readonly origins: readonly OriginConfig[]
  readonly originGroups: readonly OriginGroupConfig[]
  readonly defaultBehavior: BehaviorConfig
  readonly behaviors: readonly BehaviorConfig[]
  readonly customErrorResponses: readonly CustomErrorResponseConfig[]
  readonly httpVersion: 'http1.1' | 'http2' | 'http3' | 'http2and3'
}

export interface ServerConfig {
  readonly port: number
  readonly host: string
  readonly adminPort: number
  /** Optional HTTPS listener (makes ViewerProtocolPolicy testable locally). */
  readonly tls:
    { readonly port: number; readonly certFile: string; readonly keyFile: string } | undefined
  readonly cache: { readonly maxSizeMB: number; readonly maxObjectSizeMB: number }
  /** Edge location code reported in X-Amz-Cf-Pop. */
  readonly pop: string
  /** Max request body bytes buffered/forwarded (0 = unlimited); CloudFront's is unbounded for custom origins. */
  readonly maxRequestBodyBytes: number
}

/** Everything the loader returns. Sections owned by later issues are kept as raw records. */
export interface EdgeConfig {
  readonly server: ServerConfig
  readonly distribution: DistributionConfigModel
  readonly cachePolicies: readonly Readonly<Record<string, unknown>>[]
  readonly originRequestPolicies: readonly Readonly<Record<string, unknown>>[]
  readonly responseHeadersPolicies: readonly Readonly<Record<string, unknown>>[]
  readonly functions: readonly Readonly<Record<string, unknown>>[]
  readonly keyValueStores: readonly Readonly<Record<string, unknown>>[]
  readonly lambdaFunctions: readonly Readonly<Record<string, unknown>>[]
  readonly keyGroups: readonly Readonly<Record<string, unknown>>[]
  /** KeyGroups' public keys, imported at load: group Id → (key Id → key) (spec §6.1). */
  readonly keyGroupKeys: ReadonlyMap<string, ReadonlyMap<string, KeyObject>>
  /** Absolute path of the file loaded, and its folder (relative paths resolve from it). */
  readonly sourceFile: string
  readonly sourceDir: string
  /** From the AWS API shape, when present. */
  readonly etag: string | undefined
  readonly distributionId: string | undefined
  readonly distributionDomain: string | undefined
}

/** One problem found while loading: a JSON-ish path, a message and the offending value. */
export interface ConfigProblem {
  readonly path: string
  readonly message: string
  readonly value?: unknown
  readonly severity: 'error' | 'warning'
}
