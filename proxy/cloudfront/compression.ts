// Whether and how CloudFront compresses an origin response (spec §10, the eight conditions),
// and the headers of the compressed variant: Content-Encoding, the compressed Content-Length,
// a weak ETag (§9.1) and Vary: Accept-Encoding (§10 recommendation). Pure: the body itself is
// compressed by proxy/cache/compress.ts, once when the object is stored.
import type { HeaderRecord } from '../http-types.js'
import type { NormalizedAcceptEncoding } from './accept-encoding.js'
import type { BehaviorPolicies } from './policy-types.js'

export type { NormalizedAcceptEncoding }

export type ContentEncoding = 'br' | 'gzip'

export interface CompressionInput {
  /** The behavior's `Compress` flag (condition 1). */
  readonly compress: boolean
  readonly policies: BehaviorPolicies
  /** As normalized by the cache key module; undefined when the viewer sent none. */
  readonly acceptEncoding: NormalizedAcceptEncoding | undefined
  /** Viewer HTTP version as node reports it: '1.0', '1.1', '2.0'. */
  readonly httpVersion: string
  /** Origin response status and headers. */
  readonly status: number
  readonly headers: Readonly<HeaderRecord>
}

export const MIN_COMPRESS_LENGTH = 1_000
export const MAX_COMPRESS_LENGTH = 10_000_000

const COMPRESSIBLE_STATUSES: ReadonlySet<number> = new Set([200, 403, 404])

/** §10 condition 8: the media types CloudFront compresses, built once. */
export const COMPRESSIBLE_TYPES: ReadonlySet<string> = new Set([
  'application/dash+xml',
  'application/eot',
  'application/font',
  'application/font-sfnt',
  'application/javascript',
  'application/json',
  'application/opentype',
  'application/otf',
  'application/pkcs7-mime',
  'application/protobuf',
  'application/rss+xml',
  'application/truetype',
  'application/ttf',
  'application/vnd.apple.mpegurl',
  'application/vnd.mapbox-vector-tile',
  'application/vnd.ms-fontobject',
  'application/xhtml+xml',
  'application/xml',
  'application/x-font-opentype',
  'application/x-font-truetype',
  'application/x-font-ttf',
  'application/x-httpd-cgi',
  'application/x-javascript',
  'application/x-mpegurl',
  'application/x-opentype',
  'application/x-otf',
  'application/x-perl',
  'application/x-ttf',
  'font/eot',
  'font/opentype',
  'font/otf',
  'font/ttf',
  'image/svg+xml',
  'text/css',
  'text/csv',
  'text/html',
  'text/javascript',
  'text/js',
  'text/plain',
  'text/richtext',
  'text/tab-separated-values',
  'text/xml',
  'text/x-component',
  'text/x-java-source',
  'text/x-script',
  'vnd.apple.mpegurl',
])

/** One value of a header, or undefined when absent or repeated with different values. */
function single(value: string | string[] | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  const first = value[0]
  return value.every((v) => v === first) ? first : undefined
}

/** A valid Content-Length (digits only), or undefined. */
function contentLength(headers: Readonly<HeaderRecord>): number | undefined {
  const v = single(headers['content-length'])?.trim()
  return v !== undefined && /^\d{1,16}$/.test(v) ? Number(v) : undefined
}

/** The lowercase media type of Content-Type, parameters dropped. */
function mediaType(headers: Readonly<HeaderRecord>): string | undefined {
  const v = single(headers['content-type'])
  if (v === undefined) return undefined
  const semi = v.indexOf(';')
  return (semi === -1 ? v : v.slice(0, semi)).trim().toLowerCase()
}

/**
 * The encoding CloudFront would compress this response with, or undefined (§10). Brotli wins
 * when the viewer accepts both; only encodings enabled in the cache policy are used (legacy
 * ForwardedValues behaviors compress without the flags).
 */
export function chooseEncoding(input: CompressionInput): ContentEncoding | undefined {
  const { policies, headers } = input
  // 1. Behavior Compress=true.
  if (!input.compress) return undefined
  // 2. Encodings enabled in the cache policy (or legacy settings); not CachingDisabled.
  if (policies.cachingDisabled) return undefined
  const legacy = policies.legacy !== undefined
  const brOn = legacy || policies.cache.enableAcceptEncodingBrotli
  const gzipOn = legacy || policies.cache.enableAcceptEncodingGzip
  if (!brOn && !gzipOn) return undefined
  // 3. Accept-Encoding not explicitly part of the cache key.
  if (policies.cache.headers.names.includes('accept-encoding')) return undefined
  // 4. The viewer accepts br or gzip, and is not HTTP/1.0.
  if (input.httpVersion === '1.0') return undefined
  const ae = input.acceptEncoding
  const encoding: ContentEncoding | undefined =
    brOn && (ae === 'br,gzip' || ae === 'br')
      ? 'br'
      : gzipOn && (ae === 'br,gzip' || ae === 'gzip')
        ? 'gzip'
        : undefined
  if (encoding === undefined) return undefined
  // 5. Not already encoded (any Content-Encoding value, even identity).
  if (headers['content-encoding'] !== undefined) return undefined
  // 6. Status 200, 403 or 404.
  if (!COMPRESSIBLE_STATUSES.has(input.status)) return undefined
  // 7. A valid Content-Length within 1,000–10,000,000 inclusive.
  const length = contentLength(headers)
  if (length === undefined || length < MIN_COMPRESS_LENGTH || length > MAX_COMPRESS_LENGTH) {
    return undefined
  }
  // 8. A compressible media type.
  const type = mediaType(headers)
  if (type === undefined || !COMPRESSIBLE_TYPES.has(type)) return undefined
  return encoding
}

/**
 * §10/§9.1: a strong ETag becomes weak (`W/` prefix), a weak one is kept, an invalid one
 * (starting with neither `"` nor `W/`, the spec's test) is removed.
 */
export function weakEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined
  const t = etag.trim()
  if (t.startsWith('W/')) return t
  return t.startsWith('"') ? `W/${t}` : undefined
}

/** Adds `token` to a Vary value unless it (or `*`) is already listed; one comma-joined string. */
export function mergeVary(vary: string | string[] | undefined, token: string): string {
  const existing = vary === undefined ? '' : Array.isArray(vary) ? vary.join(', ') : vary
  const lower = token.toLowerCase()
  for (const part of existing.split(',')) {
    const p = part.trim().toLowerCase()
    if (p === lower || p === '*') return existing
  }
  return existing.trim() === '' ? token : `${existing}, ${token}`
}

/**
 * A new header record for the compressed variant: Content-Encoding, Content-Length of the
 * compressed body, a weak (or no) ETag, and Accept-Encoding merged into Vary.
 */
export function compressedHeaders(
  headers: Readonly<HeaderRecord>,
  encoding: ContentEncoding,
  compressedLength: number,
): HeaderRecord {
  const out: HeaderRecord = { ...headers }
  out['content-encoding'] = encoding
  out['content-length'] = String(compressedLength)
  const etag = weakEtag(single(headers['etag']))
  if (etag === undefined) delete out['etag']
  else out['etag'] = etag
  out['vary'] = mergeVary(headers['vary'], 'Accept-Encoding')
  return out
}
