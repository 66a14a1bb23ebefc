// Where spec/cloudfront.md says UNCONFIRMED and we took its recommendation, the choice is a
// named switch here, so it is written down once and can be flipped in one line. Statuses for
// undocumented cases (TRACE → 403, disabled distribution → 403, oversized origin headers →
// 502) are rows of the error registry in proxy/errors.ts instead.

export interface Switches {
  /** §2: match behaviors against an RFC 3986-normalized copy of the path (unreserved
   * percent-escapes decoded, dot segments removed); origins and functions see the original. */
  readonly normalizePathForMatching: boolean
  /** §2: `?` in a path pattern also matches `/`. */
  readonly questionMarkMatchesSlash: boolean
  /** §11.4: the default root object also applies to `/?query`. */
  readonly defaultRootObjectWithQuery: boolean
  /** §6.3: the CloudFront-* signed-cookie cookies are never part of the cache key (they still
   * reach the origin when the cookie settings select them). */
  readonly signingCookiesOutOfCacheKey: boolean
}

export const SWITCHES: Switches = {
  normalizePathForMatching: true,
  questionMarkMatchesSlash: true,
  defaultRootObjectWithQuery: true,
  signingCookiesOutOfCacheKey: true,
}
