// Builds the CloudFront Functions event (spec/cloudfront.md §7.2) from plain request/response
// inputs: lowercase header keys, Cookie → `cookies`, Set-Cookie → `response.cookies`,
// `multiValue` only for repeated names, query values as sent, hop-by-hop and §8.5 disallowed
// headers hidden. No pipeline types: callers pass node-shaped headers.
import { STATUS_CODES } from 'node:http'
import { markBuilt } from './event-text.js'
import { connectionTokens, isExposedHeader } from './header-rules.js'
import type { CfEvent, CfRequest, CfResponse, CfResponseCookie, CfValue } from './types.js'

export interface ViewerRequestInput {
  readonly method: string
  readonly uri: string
  /** The raw query string, without '?'. */
  readonly querystring: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** node's `rawHeaders` ([name, value, …]): tells separate header lines apart. Only names
   * still present in `headers` are used, so callers can drop headers from `headers` alone. */
  readonly rawHeaders?: readonly string[]
  readonly clientIp: string
  readonly requestId: string
  readonly distributionDomainName: string
  readonly distributionId: string
}

export interface ViewerResponseInput {
  readonly status: number
  readonly statusText?: string
  readonly headers: Readonly<Record<string, string | string[]>>
}

/** The event; marked built (event-text.ts): pass it to invoke() unchanged. */
export function viewerRequestEvent(input: ViewerRequestInput): CfEvent {
  return markBuilt({
    version: '1.0',
    context: contextOf(input, 'viewer-request'),
    viewer: { ip: input.clientIp },
    request: requestOf(input),
  })
}

/** The event; marked built (event-text.ts): pass it to invoke() unchanged. */
export function viewerResponseEvent(
  requestInput: ViewerRequestInput,
  response: ViewerResponseInput,
): CfEvent {
  const lines = headerLines(response.headers, undefined)
  const headers: Record<string, CfValue> = {}
  const cookies: Record<string, CfResponseCookie> = {}
  for (const [name, values] of lines) {
    if (name === 'set-cookie') {
      for (const v of values) addResponseCookie(cookies, v)
    } else {
      put(headers, name, entryOf(values))
    }
  }
  const res: CfResponse = {
    statusCode: response.status,
    statusDescription: response.statusText ?? STATUS_CODES[response.status] ?? '',
    headers,
    cookies,
  }
  return markBuilt({
    version: '1.0',
    context: contextOf(requestInput, 'viewer-response'),
    viewer: { ip: requestInput.clientIp },
    request: requestOf(requestInput),
    response: res,
  })
}

function contextOf(input: ViewerRequestInput, eventType: CfEvent['context']['eventType']) {
  return {
    distributionDomainName: input.distributionDomainName,
    distributionId: input.distributionId,
    eventType,
    requestId: input.requestId,
  }
}

function requestOf(input: ViewerRequestInput): CfRequest {
  const headers: Record<string, CfValue> = {}
  const cookieLines: string[] = []
  for (const [name, values] of headerLines(input.headers, input.rawHeaders)) {
    if (name === 'cookie') cookieLines.push(...values)
    else put(headers, name, entryOf(values))
  }
  return {
    method: input.method,
    uri: input.uri,
    querystring: parseQuerystring(input.querystring),
    headers,
    cookies: parseCookies(cookieLines),
  }
}

/** Exposed headers as name → separate lines, in first-seen order. */
function headerLines(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  rawHeaders: readonly string[] | undefined,
): Map<string, string[]> {
  const present = new Map<string, string | string[]>()
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value !== undefined) present.set(name.toLowerCase(), value)
  }
  const hidden = connectionTokens(present.get('connection'))
  const out = new Map<string, string[]>()
  if (rawHeaders !== undefined) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toLowerCase()
      if (!present.has(name) || !isExposedHeader(name, hidden)) continue
      const list = out.get(name)
      if (list) list.push(rawHeaders[i + 1]!)
      else out.set(name, [rawHeaders[i + 1]!])
    }
  }
  // The names present but not in rawHeaders (set by the pipeline): their values as they are.
  // A name in `out` by now came from rawHeaders.
  for (const [name, value] of present) {
    // An empty list has no line; an empty string is one, with an empty value.
    if (out.has(name) || !isExposedHeader(name, hidden)) continue
    if (typeof value !== 'string' && value.length === 0) continue
    out.set(name, typeof value === 'string' ? [value] : [...value])
  }
  return out
}

// Names are data: `__proto__` becomes an own entry (JSON.parse makes it one too) and a name
// like `constructor` never finds Object.prototype's.
export function own<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined
}

export function put<T>(record: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') {
    Object.defineProperty(record, name, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    })
  } else {
    record[name] = value
  }
}

function entryOf(values: readonly string[]): CfValue {
  const first = values[0] ?? ''
  return values.length > 1
    ? { value: first, multiValue: values.map((value) => ({ value })) }
    : { value: first }
}

function addEntry(record: Record<string, CfValue>, name: string, value: string): void {
  const existing = own(record, name)
  if (existing === undefined) {
    put(record, name, { value })
  } else {
    existing.multiValue ??= [{ value: existing.value }]
    existing.multiValue.push({ value })
  }
}

/** `a=1&a=2&flag` → entries; values as sent (no decoding); `flag` has value ''. */
export function parseQuerystring(raw: string): Record<string, CfValue> {
  const out: Record<string, CfValue> = {}
  if (raw === '') return out
  for (const part of raw.replace(/^\?/, '').split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    addEntry(out, eq < 0 ? part : part.slice(0, eq), eq < 0 ? '' : part.slice(eq + 1))
  }
  return out
}

/** Cookie header lines → entries; `name=value` pairs split on ';', values as sent. */
export function parseCookies(lines: readonly string[]): Record<string, CfValue> {
  const out: Record<string, CfValue> = {}
  for (const line of lines) {
    for (const pair of line.split(';')) {
      const p = pair.trim()
      if (p === '') continue
      const eq = p.indexOf('=')
      addEntry(out, eq < 0 ? p : p.slice(0, eq).trim(), eq < 0 ? '' : p.slice(eq + 1).trim())
    }
  }
  return out
}

/** One Set-Cookie line → `{value, attributes}`; attributes = everything after the first ';'. */
function addResponseCookie(cookies: Record<string, CfResponseCookie>, line: string): void {
  const semi = line.indexOf(';')
  const pair = semi < 0 ? line : line.slice(0, semi)
  const eq = pair.indexOf('=')
  const name = (eq < 0 ? pair : pair.slice(0, eq)).trim()
  const value = eq < 0 ? '' : pair.slice(eq + 1).trim()
  const attributes = semi < 0 ? undefined : line.slice(semi + 1).trim()
  const item = attributes === undefined ? { value } : { value, attributes }
  const existing = own(cookies, name)
  if (existing === undefined) {
    put(cookies, name, { ...item })
  } else {
    existing.multiValue ??= [
      existing.attributes === undefined
        ? { value: existing.value }
        : { value: existing.value, attributes: existing.attributes },
    ]
    existing.multiValue.push(item)
  }
}
