// The AWS-managed response headers policies of spec §3.8 (SimpleCORS, CORS-With-Preflight,
// SecurityHeadersPolicy and the two combinations) as compiled data; managed-policies.ts finds
// them by ID or name. Header names are lowercase.
import type { PolicyHeader, ResponseHeadersPolicy } from './policy-types.js'

type Cors = NonNullable<ResponseHeadersPolicy['cors']>

/** Allow-Origin `*` on CORS requests; the origin's CORS headers win. */
const SIMPLE_CORS: Cors = {
  allowOrigins: ['*'],
  allowHeaders: [],
  allowMethods: [],
  allowCredentials: false,
  exposeHeaders: [],
  maxAgeSec: undefined,
  originOverride: false,
}

/** Preflights also get Allow-Methods (all seven), Allow-Headers `*` (UNCONFIRMED), Expose `*`. */
const PREFLIGHT_CORS: Cors = {
  ...SIMPLE_CORS,
  allowHeaders: ['*'],
  allowMethods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
  exposeHeaders: ['*'],
}

/** SecurityHeadersPolicy ([3P] values): only X-Content-Type-Options overrides the origin's. */
const SECURITY_HEADERS: readonly PolicyHeader[] = [
  { name: 'strict-transport-security', value: 'max-age=31536000', override: false },
  { name: 'x-content-type-options', value: 'nosniff', override: true },
  { name: 'x-frame-options', value: 'SAMEORIGIN', override: false },
  { name: 'x-xss-protection', value: '1; mode=block', override: false },
  { name: 'referrer-policy', value: 'strict-origin-when-cross-origin', override: false },
]

const rhp = (
  id: string,
  name: string,
  cors: Cors | undefined,
  headers: readonly PolicyHeader[],
): ResponseHeadersPolicy => ({ id, name, cors, headers, remove: [], serverTiming: undefined })

export const MANAGED_RESPONSE_HEADERS_POLICIES: readonly ResponseHeadersPolicy[] = [
  rhp('60669652-455b-4ae9-85a4-c4c02393f86c', 'Managed-SimpleCORS', SIMPLE_CORS, []),
  rhp('5cc3b908-e619-4b99-88e5-2cf7f45965bd', 'Managed-CORS-With-Preflight', PREFLIGHT_CORS, []),
  rhp(
    '67f7725c-6f97-4210-82d7-5512b31e9d03',
    'Managed-SecurityHeadersPolicy',
    undefined,
    SECURITY_HEADERS,
  ),
  rhp(
    'e61eb60c-9c35-4d20-a928-2b84e02af89c',
    'Managed-CORS-and-SecurityHeadersPolicy',
    SIMPLE_CORS,
    SECURITY_HEADERS,
  ),
  rhp(
    'eaab4381-ed33-4a86-88ca-d9558dc6cd63',
    'Managed-CORS-with-preflight-and-SecurityHeadersPolicy',
    PREFLIGHT_CORS,
    SECURITY_HEADERS,
  ),
]
