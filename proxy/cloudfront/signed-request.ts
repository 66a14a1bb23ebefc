// Where a signed request carries its signature (spec §6.2, §6.3, §6.6 step 1): the signing
// query parameters (URL mode) or the CloudFront-* cookies (cookie mode). A URL with any of
// Expires, Policy, Signature or Key-Pair-Id is a signed URL and its cookies are ignored.

/** The signing query parameters, removed before the cache key and the origin (§6.6 step 7). */
export const SIGNING_PARAMS: ReadonlySet<string> = new Set([
  'Expires',
  'Policy',
  'Signature',
  'Key-Pair-Id',
  'Hash-Algorithm',
])

/** The signed cookies' names (§6.3). */
export const SIGNING_COOKIES: ReadonlySet<string> = new Set([
  'CloudFront-Expires',
  'CloudFront-Policy',
  'CloudFront-Signature',
  'CloudFront-Key-Pair-Id',
  'CloudFront-Hash-Algorithm',
])

/** Parameters whose presence makes a URL signed (§6.2); Hash-Algorithm alone does not. */
const URL_MARKERS: ReadonlySet<string> = new Set(['Expires', 'Policy', 'Signature', 'Key-Pair-Id'])

export interface SigningValues {
  readonly mode: 'url' | 'cookie'
  readonly expires: string | undefined
  readonly policy: string | undefined
  readonly signature: string | undefined
  readonly keyPairId: string | undefined
  readonly hashAlgorithm: string | undefined
}

export interface SignedQuery {
  /** The query without the signing parameters, the others in their order ('' when none). */
  readonly rest: string
  /** The signing parameters found (first occurrence, percent-decoded), by name. */
  readonly found: ReadonlyMap<string, string>
  /** Whether the URL is signed, so cookies are not consulted. */
  readonly signedUrl: boolean
}

const NOTHING: ReadonlyMap<string, string> = new Map()

/** Splits a raw query string (without `?`) into the signing parameters and the rest. */
export function splitSignedQuery(query: string): SignedQuery {
  if (query === '') return { rest: '', found: NOTHING, signedUrl: false }
  let found: Map<string, string> | undefined
  const kept: string[] = []
  let signedUrl = false
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    if (!SIGNING_PARAMS.has(name)) {
      kept.push(pair)
      continue
    }
    if (URL_MARKERS.has(name)) signedUrl = true
    found ??= new Map()
    if (!found.has(name)) found.set(name, eq < 0 ? '' : percentDecode(pair.slice(eq + 1)))
  }
  if (found === undefined) return { rest: query, found: NOTHING, signedUrl: false }
  return { rest: kept.join('&'), found, signedUrl }
}

/** The query without the signing parameters (§6.6 step 7). */
export function stripSigningParams(query: string): string {
  return splitSignedQuery(query).rest
}

/** URL mode when the URL is signed, else cookie mode (§6.3 precedence). */
export function signingValues(
  query: SignedQuery,
  cookieHeader: string | string[] | undefined,
): SigningValues {
  if (query.signedUrl) {
    const f = query.found
    return {
      mode: 'url',
      expires: f.get('Expires'),
      policy: f.get('Policy'),
      signature: f.get('Signature'),
      keyPairId: f.get('Key-Pair-Id'),
      hashAlgorithm: f.get('Hash-Algorithm'),
    }
  }
  const c = new Map<string, string>()
  if (cookieHeader !== undefined) {
    const text = typeof cookieHeader === 'string' ? cookieHeader : cookieHeader.join('; ')
    for (const part of text.split(';')) {
      const eq = part.indexOf('=')
      const name = part.slice(0, eq).trim()
      if (eq > 0 && SIGNING_COOKIES.has(name) && !c.has(name)) {
        c.set(name, percentDecode(unquote(part.slice(eq + 1).trim())))
      }
    }
  }
  return {
    mode: 'cookie',
    expires: c.get('CloudFront-Expires'),
    policy: c.get('CloudFront-Policy'),
    signature: c.get('CloudFront-Signature'),
    keyPairId: c.get('CloudFront-Key-Pair-Id'),
    hashAlgorithm: c.get('CloudFront-Hash-Algorithm'),
  }
}

function percentDecode(v: string): string {
  if (!v.includes('%')) return v
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v
}
