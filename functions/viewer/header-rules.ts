// Header name rules for CloudFront Functions events (spec/cloudfront.md §7.2, §7.3, §8.5):
// which headers a function never sees (hop-by-hop, disallowed), which it may read but not change
// (read-only per event type), and what makes a header name or value well formed.
import type { ViewerEventType } from './types.js'

/** §8.5 "Disallowed": not exposed to functions; a function adding one is a validation error. */
export const DISALLOWED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'trailer',
  'upgrade',
  'x-accel-buffering',
  'x-accel-charset',
  'x-accel-limit-rate',
  'x-accel-redirect',
  'x-amzn-auth',
  'x-amzn-cf-billing',
  'x-amzn-cf-id',
  'x-amzn-cf-xff',
  'x-amzn-errortype',
  'x-amzn-fle-profile',
  'x-amzn-header-count',
  'x-amzn-header-order',
  'x-amzn-lambda-integration-tag',
  'x-amzn-requestid',
  'x-cache',
  'x-forwarded-proto',
  'x-real-ip',
])

/** §8.5 wildcard entries `X-Amz-Cf-*` and `X-Edge-*`. */
export const DISALLOWED_PREFIXES: readonly string[] = ['x-amz-cf-', 'x-edge-']

/** Hop-by-hop headers (RFC 9110 §7.6.1) beyond the disallowed ones: never exposed either. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
])

/** §7.3/§8.5 read-only headers per viewer event: readable, but adding or changing one → 502. */
export const READ_ONLY_HEADERS: Readonly<Record<ViewerEventType, ReadonlySet<string>>> = {
  'viewer-request': new Set(['content-length', 'host', 'transfer-encoding', 'via']),
  'viewer-response': new Set(['warning', 'via']),
}

export function isDisallowedHeader(name: string): boolean {
  const n = name.toLowerCase()
  return DISALLOWED_HEADERS.has(n) || DISALLOWED_PREFIXES.some((p) => n.startsWith(p))
}

export function isReadOnlyHeader(event: ViewerEventType, name: string): boolean {
  return READ_ONLY_HEADERS[event].has(name.toLowerCase())
}

/**
 * Whether a header of an incoming message is shown to a function: not hop-by-hop, not named by
 * the message's Connection header, not disallowed. Cookie/Set-Cookie are shown as `cookies`.
 */
export function isExposedHeader(name: string, connectionTokens: ReadonlySet<string>): boolean {
  const n = name.toLowerCase()
  return !HOP_BY_HOP_HEADERS.has(n) && !connectionTokens.has(n) && !isDisallowedHeader(n)
}

/** The lowercase names a Connection header lists (RFC 9110 §7.6.1). */
const NO_TOKENS: ReadonlySet<string> = new Set<string>()

export function connectionTokens(
  value: string | readonly string[] | undefined,
): ReadonlySet<string> {
  if (value === undefined) return NO_TOKENS
  const values = typeof value === 'string' ? [value] : value
  return new Set(
    values.flatMap((v) => v.split(',').map((t) => t.trim().toLowerCase())).filter((t) => t),
  )
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// What node:http accepts in a field value: HTAB, visible ASCII, space and obs-text (latin-1).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

export function isValidHeaderName(name: string): boolean {
  return TOKEN.test(name)
}

export function isValidHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value)
}
