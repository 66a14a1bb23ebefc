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
  /** Local extension: the Name of a JwtAuthorizers entry this behavior requires (jwt.ts). */
  readonly jwtAuthorizer?: string | undefined
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
  /** Restrictions.GeoRestriction (spec §11.10); absent means none. */
  readonly geoRestriction?: GeoRestrictionConfig | undefined
}

/** Spec §1.6, §11.10: `whitelist` allows only, `blacklist` refuses, the listed countries. */
export interface GeoRestrictionConfig {
  readonly restrictionType: 'none' | 'whitelist' | 'blacklist'
  /** ISO-3166-1 alpha-2, uppercase. */
  readonly locations: readonly string[]
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
  /** Server.Geo: where a viewer's country comes from (spec §3.5, §11.10); absent = always US. */
  readonly geo?: GeoSourceConfig | undefined
  /** `Server.AccessLog`: CloudFront's W3C access log file (spec §11.8), when set. */
  readonly accessLog?: AccessLogConfig | undefined
  /** `Server.VerifyOriginTls`: refuse an HTTPS origin whose certificate is invalid for its
   * name, as CloudFront does (a 502); off by default for local self-signed origins (§1.3). */
  readonly verifyOriginTls: boolean
}

export interface AccessLogConfig {
  /** Absolute path of the W3C log file (appended to; created with its folder). */
  readonly file: string
  /** Log the Cookie header (CloudFront's `IncludeCookies`); off by default. */
  readonly includeCookies: boolean
}

/** A viewer's country: the trusted header, else the CIDR table, else defaultCountry. */
export interface GeoSourceConfig {
  /** Lowercase header name; for tests and local runs only (any viewer may set it). */
  readonly countryHeader: string | undefined
  /** The CIDR → country table, read and compiled at load (geo/cidr-table.ts). */
  readonly cidrFile: string | undefined
  readonly table: CountryTable | undefined
  /** undefined: unknown (allowed by geo restriction, no CloudFront-Viewer-Country). */
  readonly defaultCountry: string | undefined
}

/** A compiled CIDR → country table. */
export interface CountryTable {
  readonly size: number
  lookup(ip: string): string | undefined
}

/** JwtAuthorizers[] (local extension): how a behavior's JWT is found and verified. */
export interface JwtAuthorizerConfig {
  readonly name: string
  readonly jwks:
    | {
        readonly kind: 'file'
        readonly file: string
        /** The key set as read at load; the file is re-read on an unknown kid. */
        readonly keys: { readonly keys: readonly Readonly<Record<string, unknown>>[] }
      }
    | { readonly kind: 'url'; readonly url: string }
  readonly issuers: readonly string[]
  readonly audiences: readonly string[]
  /** Lowercase header name (default authorization); a `Bearer ` prefix is removed. */
  readonly tokenHeader: string
  readonly tokenCookie: string | undefined
  readonly algorithms: readonly string[]
  readonly clockToleranceS: number
  readonly requiredScopes: readonly string[]
  readonly requiredClaims: Readonly<Record<string, string | number | boolean>>
  /** Least seconds between two JWKS reloads caused by unknown kids. */
  readonly jwksCooldownS: number
  /** URL key sets: seconds a fetched set is used before it is fetched again. */
  readonly jwksMaxAgeS: number
  readonly realm: string
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
  /** JwtAuthorizers (local extension), validated. */
  readonly jwtAuthorizers?: readonly JwtAuthorizerConfig[] | undefined
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
