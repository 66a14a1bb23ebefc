// The compiled shapes of CloudFront's cache, origin request and response headers policies
// (spec §1.7, §3.6–§3.9). Managed and custom policies and legacy ForwardedValues all compile
// to these; the cache key, origin forwarding and response headers modules read only these.

/** How a list of names selects values. Header names are lowercase; cookie and query names keep case. */
export type ListBehavior = 'none' | 'whitelist' | 'allExcept' | 'all'

export interface NameList {
  readonly behavior: ListBehavior
  readonly names: readonly string[]
}

export interface CachePolicy {
  readonly id: string
  readonly name: string
  /** Seconds. */
  readonly minTtl: number
  readonly defaultTtl: number
  readonly maxTtl: number
  /** Cache policies can only list headers (no all / allExcept). Names lowercase. */
  readonly headers: { readonly behavior: 'none' | 'whitelist'; readonly names: readonly string[] }
  readonly cookies: NameList
  readonly queryStrings: NameList
  readonly enableAcceptEncodingGzip: boolean
  readonly enableAcceptEncodingBrotli: boolean
}

export type OriginHeaderBehavior =
  'none' | 'whitelist' | 'allViewer' | 'allViewerAndWhitelistCloudFront' | 'allExcept'

export interface OriginRequestPolicy {
  readonly id: string
  readonly name: string
  /** Names lowercase. */
  readonly headers: { readonly behavior: OriginHeaderBehavior; readonly names: readonly string[] }
  readonly cookies: NameList
  readonly queryStrings: NameList
}

/** One header a response headers policy adds, and whether it replaces the origin's. */
export interface PolicyHeader {
  readonly name: string
  readonly value: string
  readonly override: boolean
}

export interface ResponseHeadersPolicy {
  readonly id: string
  readonly name: string
  readonly cors:
    | {
        readonly allowOrigins: readonly string[]
        readonly allowHeaders: readonly string[]
        readonly allowMethods: readonly string[]
        readonly allowCredentials: boolean
        readonly exposeHeaders: readonly string[]
        readonly maxAgeSec: number | undefined
        readonly originOverride: boolean
      }
    | undefined
  /** Security headers (HSTS, nosniff, frame options, …) and custom headers, in order. */
  readonly headers: readonly PolicyHeader[]
  /** Lowercase names removed from the origin response first. */
  readonly remove: readonly string[]
  readonly serverTiming: { readonly enabled: boolean; readonly samplingRate: number } | undefined
}

/**
 * What one behavior does with requests, compiled from its policies or its legacy
 * ForwardedValues (§3.9). `legacy` is set only for ForwardedValues behaviors.
 */
export interface BehaviorPolicies {
  readonly cache: CachePolicy
  readonly originRequest: OriginRequestPolicy | undefined
  readonly responseHeaders: ResponseHeadersPolicy | undefined
  readonly legacy:
    | {
        /** QueryString true: every query string is forwarded even if only some are keyed. */
        readonly forwardAllQueryStrings: boolean
        /** Headers ["*"]: everything forwarded and nothing cached. */
        readonly forwardAllHeaders: boolean
        /** Cookies.Forward none: Set-Cookie is stripped from responses. */
        readonly stripSetCookie: boolean
      }
    | undefined
  /** All TTLs 0 (CachingDisabled) or legacy Headers ["*"]: no caching, collapsing or compression. */
  readonly cachingDisabled: boolean
}
