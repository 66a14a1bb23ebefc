// Validating what a Lambda@Edge handler returned (spec §8.3–§8.6): a request to continue with
// (URI, query, headers, a replaced body, another origin) or a generated response, or the
// (modified) response of a response event. Anything malformed — headers not in CloudFront's
// shape, disallowed or changed read-only headers, a status outside 200–599, an oversized or
// badly encoded body — is `invalid`, which the pipeline answers with 502.
import { isDisallowedHeader } from '../viewer/header-rules.js'
import type { CfEvent, CfHeaders, CfOrigin } from './event.js'
import type { EdgeEventType } from './types.js'

type Headers = Record<string, string | string[]>

export interface EdgeLimits {
  /** Generated response, headers and body (§8.3). */
  readonly generatedBytes: number
  /** A replacement request body as text / as base64 (§8.4). */
  readonly bodyTextBytes: number
  readonly bodyBase64Chars: number
  /** The body IncludeBody exposes (§8.4). */
  readonly exposedBodyBytes: number
}

const KB = 1024
const MB = 1024 * 1024
export const LIMITS: Readonly<Record<'viewer' | 'origin', EdgeLimits>> = {
  viewer: {
    generatedBytes: 40 * KB,
    bodyTextBytes: 40 * KB,
    bodyBase64Chars: Math.floor(53.2 * KB),
    exposedBodyBytes: 40 * KB,
  },
  origin: {
    generatedBytes: 1 * MB,
    bodyTextBytes: 1 * MB,
    bodyBase64Chars: Math.floor(1.33 * MB),
    exposedBodyBytes: 1 * MB,
  },
}

export function limitsOf(event: EdgeEventType): EdgeLimits {
  return event.startsWith('viewer-') ? LIMITS.viewer : LIMITS.origin
}

/** §8.5 read-only headers per event: readable, but adding, changing or removing one → 502. */
export const LAMBDA_READ_ONLY: Readonly<Record<EdgeEventType, ReadonlySet<string>>> = {
  'viewer-request': new Set(['content-length', 'host', 'transfer-encoding', 'via']),
  'origin-request': new Set([
    'accept-encoding',
    'content-length',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'transfer-encoding',
    'via',
  ]),
  'origin-response': new Set(['transfer-encoding', 'via']),
  'viewer-response': new Set(['warning', 'via']),
}

/** An origin a request-event handler returned (§8.2 `origin.custom` / `origin.s3`). */
export interface ReturnedOrigin {
  readonly kind: 'custom' | 's3'
  readonly domainName: string
  readonly port: number
  readonly protocol: 'http' | 'https'
  /** '' or `/prefix`. */
  readonly path: string
  readonly readTimeoutS: number | undefined
  readonly keepaliveTimeoutS: number | undefined
  readonly customHeaders: readonly { readonly name: string; readonly value: string }[]
}

export interface GeneratedResponse {
  readonly kind: 'response'
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
}

export type RequestResult =
  | {
      readonly kind: 'request'
      readonly uri: string
      readonly querystring: string
      readonly headers: Headers
      /** The replacement body (`action: replace`), else undefined: the original goes on. */
      readonly body: Buffer | undefined
      /** Set when the handler changed the origin (origin events). */
      readonly origin: ReturnedOrigin | undefined
    }
  | GeneratedResponse
  | Invalid

export type ResponseResult =
  | {
      readonly kind: 'response'
      readonly status: number
      readonly headers: Headers
      /** The replacement body, else undefined: the original body goes on. */
      readonly body: Buffer | undefined
    }
  | Invalid

export interface Invalid {
  readonly kind: 'invalid'
  readonly reason: string
}

class Refusal extends Error {}
const refuse = (reason: string): never => {
  throw new Refusal(reason)
}

function guard<T>(f: () => T): T | Invalid {
  try {
    return f()
  } catch (err) {
    if (err instanceof Refusal) return { kind: 'invalid', reason: err.message }
    throw err
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The result of a viewer-request or origin-request handler. */
export function interpretRequestResult(result: unknown, event: CfEvent): RequestResult {
  return guard(() => {
    const cf = event.Records[0].cf
    const type = cf.config.eventType
    if (!isRecord(result)) return refuse('the function returned no request or response object')
    if ('status' in result) return generatedResponse(result, type)
    const uri = result['uri']
    if (typeof uri !== 'string' || !uri.startsWith('/'))
      refuse('uri must be a string starting with /')
    const qs = result['querystring'] ?? ''
    if (typeof qs !== 'string') refuse('querystring must be a string')
    const headers = checkedHeaders(
      result['headers'],
      'request headers',
      cf.request.headers,
      LAMBDA_READ_ONLY[type],
    )
    if (
      type === 'viewer-request' &&
      headers['cloudfront-viewer-country'] !== undefined &&
      cf.request.headers['cloudfront-viewer-country'] === undefined
    )
      refuse('a viewer-request function cannot add CloudFront-Viewer-Country')
    const body = cf.request.body === undefined ? undefined : replacedBody(result['body'], type)
    const origin =
      cf.request.origin === undefined ||
      JSON.stringify(result['origin']) === JSON.stringify(cf.request.origin)
        ? undefined
        : returnedOrigin(result['origin'])
    return { kind: 'request', uri: uri as string, querystring: qs as string, headers, body, origin }
  })
}

/** The result of an origin-response or viewer-response handler. */
export function interpretResponseResult(result: unknown, event: CfEvent): ResponseResult {
  return guard(() => {
    const cf = event.Records[0].cf
    const type = cf.config.eventType
    const original = cf.response
    if (!isRecord(result) || original === undefined)
      return refuse('the function returned no response object')
    const status = statusOf(result['status'])
    if (type === 'viewer-response' && status !== Number(original.status))
      refuse('a viewer-response function cannot change the status code')
    const headers = checkedHeaders(
      result['headers'],
      'response headers',
      original.headers,
      LAMBDA_READ_ONLY[type],
    )
    const body = result['body'] === undefined ? undefined : responseBody(result, status)
    if (body !== undefined) checkSize(headers, body, type)
    return { kind: 'response', status, headers, body }
  })
}

function generatedResponse(r: Record<string, unknown>, type: EdgeEventType): GeneratedResponse {
  const status = statusOf(r['status'])
  const headers = r['headers'] === undefined ? {} : checkedHeaders(r['headers'], 'headers')
  const body = r['body'] === undefined ? Buffer.alloc(0) : responseBody(r, status)
  checkSize(headers, body, type)
  return { kind: 'response', status, headers, body }
}

function statusOf(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : NaN
  if (!Number.isInteger(n) || n < 200 || n > 599)
    refuse(
      `status must be an HTTP status from 200 to 599 (got ${(JSON.stringify(v) as string | undefined) ?? 'nothing'})`,
    )
  return n
}

function responseBody(r: Record<string, unknown>, status: number): Buffer {
  const body = r['body']
  const encoding = r['bodyEncoding'] ?? 'text'
  if (typeof body !== 'string') return refuse('body must be a string')
  if (encoding !== 'text' && encoding !== 'base64') refuse('bodyEncoding must be text or base64')
  const bytes = encoding === 'base64' ? decodeBase64(body) : Buffer.from(body)
  if (status === 204 && bytes.length > 0) refuse('a 204 response cannot have a body')
  return bytes
}

function checkSize(headers: Headers, body: Buffer, type: EdgeEventType): void {
  let size = body.length
  for (const [name, v] of Object.entries(headers)) {
    for (const value of typeof v === 'string' ? [v] : v) size += name.length + value.length + 4
  }
  const limit = limitsOf(type).generatedBytes
  if (size > limit)
    refuse(`the response (headers and body) is ${String(size)} bytes, over ${String(limit)}`)
}

function decodeBase64(data: string): Buffer {
  if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) refuse('invalid base64 body')
  return Buffer.from(data, 'base64')
}

function replacedBody(v: unknown, type: EdgeEventType): Buffer | undefined {
  if (v === undefined || v === null) return undefined
  if (!isRecord(v)) return refuse('body must be an object')
  if (v['action'] !== 'replace') return undefined
  const data = v['data']
  if (typeof data !== 'string') return refuse('body.data must be a string')
  const limits = limitsOf(type)
  if (v['encoding'] === 'base64') {
    if (data.length > limits.bodyBase64Chars) refuse('the replaced body is too large')
    return decodeBase64(data)
  }
  if (v['encoding'] !== 'text') refuse('body.encoding must be text or base64')
  const bytes = Buffer.from(data)
  if (bytes.length > limits.bodyTextBytes) refuse('the replaced body is too large')
  return bytes
}

/**
 * CloudFront's header map, checked against §8.5, as the pipeline's header record. `readOnly`
 * names the headers that must come back as they were in `original` (none for a generated
 * response or an origin's custom headers).
 */
function checkedHeaders(
  v: unknown,
  what: string,
  original: CfHeaders = {},
  readOnly: ReadonlySet<string> = NONE,
): Headers {
  if (!isRecord(v)) return refuse(`${what} must be an object`)
  const out: Headers = {}
  for (const [name, list] of Object.entries(v)) {
    if (name !== name.toLowerCase()) refuse(`header name ${name} must be lowercase in the map`)
    if (!Array.isArray(list)) refuse(`header ${name} must be an array of {key, value}`)
    const values: string[] = []
    for (const item of list as unknown[]) {
      if (!isRecord(item) || typeof item['value'] !== 'string')
        return refuse(`header ${name} must be an array of {key, value} with string values`)
      const key = item['key']
      if (key !== undefined && (typeof key !== 'string' || key.toLowerCase() !== name))
        refuse(`header ${name} has a key that is not its name (${JSON.stringify(key)})`)
      // Any control character but tab (node would refuse the header when it is sent).
      if (hasControlCharacter(item['value'])) refuse(`header ${name} has a control character`)
      values.push(item['value'])
    }
    if (isDisallowedHeader(name)) refuse(`the function added the disallowed header ${name}`)
    if (values.length > 0) out[name] = values.length === 1 ? (values[0] as string) : values
  }
  for (const name of readOnly) {
    const before = (original[name] ?? []).map((h) => h.value)
    const value = out[name]
    const after = value === undefined ? [] : typeof value === 'string' ? [value] : value
    if (JSON.stringify(before) !== JSON.stringify(after))
      refuse(`the function tried to add, delete, or change the read-only header ${name}`)
  }
  return out
}

const NONE: ReadonlySet<string> = new Set()

function returnedOrigin(v: unknown): ReturnedOrigin {
  if (!isRecord(v)) return refuse('origin must be an object with custom or s3')
  const custom = v['custom']
  const s3 = v['s3']
  if ((custom === undefined) === (s3 === undefined))
    refuse('origin needs exactly one of custom, s3')
  const o = custom ?? s3
  if (!isRecord(o)) return refuse('origin.custom / origin.s3 must be an object')
  const at = custom !== undefined ? 'origin.custom' : 'origin.s3'
  const domainName = o['domainName']
  if (typeof domainName !== 'string' || domainName === '' || domainName.length > 253)
    refuse(`${at}.domainName must be a host name of at most 253 characters`)
  const path = o['path'] ?? ''
  if (typeof path !== 'string' || (path !== '' && (!path.startsWith('/') || path.endsWith('/'))))
    refuse(`${at}.path must be empty or start with / and not end with /`)
  const protocol = custom === undefined ? 'https' : o['protocol']
  if (protocol !== 'http' && protocol !== 'https') refuse(`${at}.protocol must be http or https`)
  const port = custom === undefined ? 443 : o['port']
  if (
    typeof port !== 'number' ||
    !Number.isInteger(port) ||
    !(port === 80 || port === 443 || (port >= 1024 && port <= 65535))
  )
    refuse(`${at}.port must be 80, 443 or 1024–65535`)
  const timeout = (name: string, min: number, max: number): number | undefined => {
    const t = o[name]
    if (t === undefined) return undefined
    if (typeof t !== 'number' || t < min || t > max)
      refuse(`${at}.${name} must be ${String(min)}–${String(max)} seconds`)
    return t as number
  }
  const customHeaders = o['customHeaders'] ?? {}
  const checked = checkedHeaders(customHeaders, `${at}.customHeaders`)
  return {
    kind: custom !== undefined ? 'custom' : 's3',
    domainName: domainName as string,
    port: port as number,
    protocol: protocol as 'http' | 'https',
    path: path as string,
    readTimeoutS: timeout('readTimeout', 1, 180),
    keepaliveTimeoutS: timeout('keepaliveTimeout', 1, 60),
    customHeaders: Object.entries(checked).flatMap(([name, value]) =>
      (typeof value === 'string' ? [value] : value).map((x) => ({ name, value: x })),
    ),
  }
}

export type { CfOrigin }

/** A character below 0x20 other than tab, or DEL. */
function hasControlCharacter(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true
  }
  return false
}
