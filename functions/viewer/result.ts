// Validates and converts what a CloudFront Function returned (spec/cloudfront.md §7.2 rules,
// §7.3 return values, §7.6 errors, §8.5 header restrictions). The value is untrusted: anything
// malformed becomes { kind: 'invalid', reason } (a 502 at the edge), never an exception.
import type { HeaderRecord } from '../../proxy/http-types.js'
import { own, put } from './event.js'
import {
  isDisallowedHeader,
  isValidHeaderName,
  isValidHeaderValue,
  READ_ONLY_HEADERS,
} from './header-rules.js'
import { isBuilt } from './event-text.js'
import type { CfEvent, CfResponseCookie, CfValue, ViewerEventType } from './types.js'

/** UNCONFIRMED (§7.3): the Lambda@Edge viewer limit, applied to function-set bodies. */
export const MAX_BODY_BYTES = 40 * 1024
export const MAX_URI_AND_QUERY = 8192
// Standard alphabet, padding optional; no whitespace.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/
// Anything but visible ASCII and non-ASCII: space, control characters and DEL.
const SPACE_OR_CONTROL = /[^\x21-\x7e\x80-\uffff]/

export type Invalid = { readonly kind: 'invalid'; readonly reason: string }
interface ResponseOutcome<B> {
  kind: 'response'
  status: number
  statusText: string | undefined
  headers: HeaderRecord
  body: B
}
export type ViewerRequestOutcome =
  | { kind: 'request'; uri: string; querystring: string; headers: HeaderRecord }
  | ResponseOutcome<Buffer>
  | Invalid
/** body undefined: send the original body. */
export type ViewerResponseOutcome = ResponseOutcome<Buffer | undefined> | Invalid

/** An untrusted object; the fields read are declared so they can be read with a dot. */
type Obj = Record<string, unknown> &
  Partial<Record<'statusCode' | 'statusDescription' | 'body' | 'method' | 'uri', unknown>> &
  Partial<Record<'querystring' | 'headers' | 'cookies' | 'value' | 'attributes', unknown>> &
  Partial<Record<'multiValue' | 'multivalue' | 'data' | 'encoding', unknown>>
interface Item {
  value: string
  attributes?: string | undefined
}
class InvalidResult extends Error {}
const fail = (reason: string): never => {
  throw new InvalidResult(reason)
}

export function interpretViewerRequestResult(
  result: unknown,
  original: CfEvent,
): ViewerRequestOutcome {
  return guard(() => {
    const r = asObject(result, 'the returned value')
    if (r.statusCode !== undefined) {
      const res = responseParts(r, undefined, 'viewer-request')
      return { kind: 'response', ...res, body: body(r.body) ?? Buffer.alloc(0) }
    }
    const o = original.request
    if (r.method !== undefined && r.method !== o.method) fail('request.method is read-only')
    const uri = r.uri === undefined ? o.uri : encodeNonAscii(string(r.uri, 'request.uri'))
    if (!uri.startsWith('/')) fail(`request.uri must start with '/' (got ${JSON.stringify(uri)})`)
    if (SPACE_OR_CONTROL.test(uri)) fail('request.uri contains a space or control character')
    const querystring = query(r.querystring, o.querystring)
    if (uri.length + (querystring === '' ? 0 : querystring.length + 1) > MAX_URI_AND_QUERY) {
      fail(`request.uri plus query string exceed ${MAX_URI_AND_QUERY} characters`)
    }
    const built = isBuilt(original)
    const headers = headerLists(r.headers, o.headers, 'request.headers', 'viewer-request', built)
    const cookie = headers.get('cookie') ?? []
    for (const [n, items] of entries(r.cookies, o.cookies, 'request.cookies', false)) {
      for (const i of items) cookie.push(`${n}=${i.value}`)
    }
    // Last among the headers, as the merged Cookie line always was.
    headers.delete('cookie')
    if (cookie.length > 0) headers.set('cookie', [cookie.join('; ')])
    return { kind: 'request', uri, querystring, headers: toRecord(headers) }
  })
}

export function interpretViewerResponseResult(
  result: unknown,
  original: CfEvent,
): ViewerResponseOutcome {
  return guard(() => {
    const r = asObject(result, 'the returned value')
    if (r.statusCode === undefined) fail('the returned response has no statusCode')
    return {
      kind: 'response',
      ...responseParts(r, original, 'viewer-response'),
      body: body(r.body),
    }
  })
}

function guard<T>(run: () => T): T | Invalid {
  try {
    return run()
  } catch (err) {
    return { kind: 'invalid', reason: err instanceof Error ? err.message : String(err) }
  }
}

/** Status, description and headers (with Set-Cookie) of a generated or modified response. */
function responseParts(r: Obj, original: CfEvent | undefined, event: ViewerEventType) {
  const o = original?.response
  const status = r.statusCode
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    fail(`response.statusCode must be an integer 100–599 (got ${JSON.stringify(status)})`)
  }
  const desc = r.statusDescription
  if (desc !== undefined && typeof desc !== 'string') {
    fail('response.statusDescription must be a string')
  }
  // A changed status with the old description keeps the old text out (e.g. 404 "OK").
  const keepDesc = o === undefined || status === o.statusCode || desc !== o.statusDescription
  const built = original !== undefined && isBuilt(original)
  const headers = headerLists(r.headers, o?.headers ?? {}, 'response.headers', event, built)
  const cookies = entries(r.cookies, o?.cookies ?? {}, 'response.cookies', true)
  const setCookie = [...(headers.get('set-cookie') ?? [])]
  for (const [name, items] of cookies) {
    for (const i of items)
      setCookie.push(`${name}=${i.value}${i.attributes ? `; ${i.attributes}` : ''}`)
  }
  headers.delete('set-cookie')
  if (setCookie.length > 0) headers.set('set-cookie', setCookie)
  return {
    status: status as number,
    statusText: keepDesc ? (desc as string | undefined) : undefined,
    headers: toRecord(headers),
  }
}

function headerLists(
  value: unknown,
  original: Readonly<Record<string, CfValue>>,
  what: string,
  event: ViewerEventType,
  built: boolean,
): Map<string, string[]> {
  const lists = new Map<string, string[]>()
  if (built && (value === undefined || value === original)) {
    // Missing, or the event's own headers returned unread (withParts() in runtime.ts), of an
    // event event.ts built: what the request or response had, lowercase names and exposed
    // headers only, read-only ones included. Nothing to check.
    for (const name of Object.keys(original)) {
      const e = original[name]!
      lists.set(name, e.multiValue === undefined ? [e.value] : e.multiValue.map((i) => i.value))
    }
    return lists
  }
  for (const [name, items] of entries(value, original, what, false)) {
    const n = name.toLowerCase()
    if (!isValidHeaderName(n)) fail(`${what}: ${JSON.stringify(name)} is not a valid header name`)
    if (isDisallowedHeader(n)) fail(`${what}: header ${JSON.stringify(n)} cannot be added (§8.5)`)
    for (const i of items) {
      if (!isValidHeaderValue(i.value)) fail(`${what}.${n}: invalid characters in the value`)
    }
    lists.set(n, [...(lists.get(n) ?? []), ...items.map((i) => i.value)])
  }
  for (const name of READ_ONLY_HEADERS[event]) {
    const o = original[name]
    const before = o === undefined ? undefined : itemsOf(o).map((i) => i.value)
    const after = lists.get(name)
    if (after === undefined && before !== undefined) {
      lists.set(name, before) // a removed read-only header is kept (UNCONFIRMED)
    } else if (after !== undefined && (before === undefined || !same(after, before))) {
      fail(`${what}: header ${JSON.stringify(name)} is read-only in ${event}`)
    }
  }
  return lists
}

/** A querystring/headers/cookies object resolved to name → items (§7.2 multiValue rules). */
function entries(
  value: unknown,
  original: Readonly<Record<string, CfValue | CfResponseCookie>>,
  what: string,
  withAttributes: boolean,
): Map<string, Item[]> {
  const out = new Map<string, Item[]>()
  // Missing, or the event's own object returned unread (see withParts() in runtime.ts).
  if (value === undefined || value === original) {
    for (const [n, e] of Object.entries(original)) out.set(n, itemsOf(e))
    return out
  }
  for (const [name, entry] of Object.entries(asObject(value, what))) {
    if (entry === undefined) continue
    const items = resolve(entry, own(original, name), `${what}.${name}`, withAttributes)
    if (items.length > 0) out.set(name, items)
  }
  return out
}

function resolve(
  entry: unknown,
  original: CfValue | CfResponseCookie | undefined,
  what: string,
  withAttributes: boolean,
): Item[] {
  const e = asObject(entry, what)
  const item = (o: Obj, w: string): Item => ({
    value: string(o.value, `${w}.value`),
    ...(withAttributes && o.attributes !== undefined
      ? { attributes: string(o.attributes, `${w}.attributes`) }
      : {}),
  })
  const mv = e.multiValue ?? e.multivalue
  const before = original === undefined ? [] : itemsOf(original)
  if (mv !== undefined) {
    if (!Array.isArray(mv)) fail(`${what}.multiValue must be an array`)
    const list = (mv as unknown[]).map((m, i) =>
      item(asObject(m, `${what}.multiValue[${i}]`), `${what}.multiValue[${i}]`),
    )
    if (!sameItems(list, before) && (list.length > 0 || original !== undefined)) return list
  }
  const first = item(e, what)
  if (original === undefined) return [first]
  return sameItems([first], before.slice(0, 1)) ? before : [first, ...before.slice(1)]
}

function itemsOf(e: CfValue | CfResponseCookie): Item[] {
  const list: Item[] = e.multiValue ?? [e]
  return list.map((i) =>
    'attributes' in i ? { value: i.value, attributes: i.attributes } : { value: i.value },
  )
}

function sameItems(a: readonly Item[], b: readonly Item[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.value === b[i]!.value && (x.attributes ?? '') === (b[i]!.attributes ?? ''))
  )
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function query(value: unknown, original: Readonly<Record<string, CfValue>>): string {
  let qs: string
  if (value === original && Object.keys(original).length === 0) return ''
  if (typeof value === 'string') {
    qs = encodeNonAscii(value.replace(/^\?/, ''))
  } else {
    const parts: string[] = []
    for (const [name, items] of entries(value, original, 'request.querystring', false)) {
      for (const i of items) parts.push(i.value === '' ? name : `${name}=${i.value}`)
    }
    qs = encodeNonAscii(parts.join('&'))
  }
  if (SPACE_OR_CONTROL.test(qs) || qs.includes('#')) {
    fail('request.querystring contains a space, control character or #')
  }
  return qs
}

function body(value: unknown): Buffer | undefined {
  if (value === undefined) return undefined
  let buf: Buffer
  if (typeof value === 'string') {
    buf = Buffer.from(value, 'utf8')
  } else {
    const b = asObject(value, 'response.body')
    const data = string(b.data, 'response.body.data')
    const encoding = b.encoding ?? 'text'
    if (encoding === 'text') buf = Buffer.from(data, 'utf8')
    else if (encoding === 'base64') {
      if (!BASE64.test(data)) fail('response.body.data is not valid base64')
      buf = Buffer.from(data, 'base64')
    } else
      return fail(
        `response.body.encoding must be 'text' or 'base64' (got ${JSON.stringify(encoding)})`,
      )
  }
  if (buf.length > MAX_BODY_BYTES)
    fail(`response.body is ${buf.length} bytes; the limit is ${MAX_BODY_BYTES}`)
  return buf
}

function toRecord(lists: ReadonlyMap<string, readonly string[]>): HeaderRecord {
  const out: HeaderRecord = {}
  for (const [name, values] of lists) {
    if (values.length > 0) put(out, name, values.length === 1 ? values[0]! : [...values])
  }
  return out
}

function asObject(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(
      `${what} must be an object (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})`,
    )
  }
  return value as Obj
}

function string(value: unknown, what: string): string {
  return typeof value === 'string' ? value : fail(`${what} must be a string (got ${typeof value})`)
}

/** Percent-encodes characters outside printable ASCII as UTF-8 (§7.2: URI/query are UTF-8). */
function encodeNonAscii(s: string): string {
  return NON_ASCII.test(s) ? s.replace(/[^\p{ASCII}]+/gu, (m) => encodeURIComponent(m)) : s
}
// eslint-disable-next-line no-control-regex -- ASCII is 0x00-0x7f
const NON_ASCII = /[^\x00-\x7f]/
