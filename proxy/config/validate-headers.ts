// Origin custom headers (spec/cloudfront.md §1.3 limits, §9.3 forbidden names): added to every
// origin request; at most 10, names ≤256 and values ≤1,783 characters, ≤10,240 in all.
import type { Reader, Rec } from './fields.js'
import type { CustomHeader } from './types.js'

const FORBIDDEN = new Set(
  [
    'Cache-Control',
    'Connection',
    'Content-Length',
    'Cookie',
    'Host',
    'If-Match',
    'If-Modified-Since',
    'If-None-Match',
    'If-Range',
    'If-Unmodified-Since',
    'Max-Forwards',
    'Pragma',
    'Proxy-Authorization',
    'Proxy-Connection',
    'Range',
    'Request-Range',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    'Via',
    'X-Real-Ip',
  ].map((h) => h.toLowerCase()),
)
const FORBIDDEN_PREFIXES = ['x-amz-', 'x-edge-']
const MAX_HEADERS = 10
const MAX_NAME = 256
const MAX_VALUE = 1783
const MAX_TOTAL = 10240
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** True when CloudFront refuses `name` as an origin custom header (§9.3). */
export function isForbiddenOriginHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return FORBIDDEN.has(lower) || FORBIDDEN_PREFIXES.some((p) => lower.startsWith(p))
}

export function checkCustomHeaders(r: Reader, o: Rec, key: string): CustomHeader[] {
  const items = r.records(o, key)
  const list = r.list(o, key)
  if (items.length > MAX_HEADERS) {
    r.error(r.paths.of(list), `must have at most ${MAX_HEADERS} headers`, items.length)
  }
  const seen = new Set<string>()
  let total = 0
  const out: CustomHeader[] = []
  for (const { item } of items) {
    r.unknownKeys(item, new Set(['HeaderName', 'HeaderValue']))
    const name = r.required(item, 'HeaderName')
    const value = r.string(item, 'HeaderValue') ?? ''
    if (!r.has(item, 'HeaderValue')) r.error(r.at(item, 'HeaderValue'), 'is required')
    const at = r.at(item, 'HeaderName')
    total += name.length + value.length
    if (name === '') continue
    if (!TOKEN.test(name)) r.error(at, 'is not a valid header name', name)
    else if (isForbiddenOriginHeader(name)) {
      r.error(at, 'cannot be set as an origin custom header', name)
    } else if (name.length > MAX_NAME) r.error(at, `must be at most ${MAX_NAME} characters`, name)
    else if (seen.has(name.toLowerCase())) r.error(at, 'is given twice', name)
    if (value.length > MAX_VALUE) {
      r.error(r.at(item, 'HeaderValue'), `must be at most ${MAX_VALUE} characters`, value)
    }
    seen.add(name.toLowerCase())
    out.push({ name, value })
  }
  if (total > MAX_TOTAL) {
    r.error(r.paths.of(list), `names and values must total at most ${MAX_TOTAL} characters`, total)
  }
  return out
}
