// The CloudFront Functions event (spec/cloudfront.md §7.2) as the one string the sandbox's driver
// takes (sandbox/prelude-event.ts decodes it). QuickJS parses JSON slowly, so an event of the
// shape event.ts builds travels as compact text: its strings as fields split by a separator,
// each querystring/headers/cookies part as JSON the driver parses only when the function reads
// it (§7.1 budget). Any other event (tests and `edgeproxy test-function` pass arbitrary ones)
// travels as JSON.
import type { CfEvent } from './types.js'

/** Separates the fields of a compact event. JSON text never holds it raw. */
export const FIELD = '\x1d'
// NUL cannot cross into the VM as text, a lone surrogate would arrive as U+FFFD and FIELD
// would split a field: a string field holding one (or any surrogate: requests never do) sends
// the event as JSON, which escapes them.
// eslint-disable-next-line no-control-regex -- NUL and FIELD are what it looks for
const UNSAFE = /[\0\x1d\ud800-\udfff]/

/** Field indexes of a compact event; field 0 is the format letter 'c'. */
export const FIELDS = {
  now: 1,
  /** Which optional strings are present: the PRESENT bits. */
  present: 2,
  version: 3,
  distributionDomainName: 4,
  distributionId: 5,
  eventType: 6,
  requestId: 7,
  ip: 8,
} as const

/** Then, in a viewer-request event: */
export const REQUEST_FIELDS = {
  method: 9,
  uri: 10,
  querystring: 11,
  headers: 12,
  cookies: 13,
} as const

/**
 * Or, in a viewer-response event. `request` is empty when the request is JSON data (always, for
 * an event event.ts built): the driver asks the host for its JSON (the `request` host operation,
 * see sandbox/vm.ts) when the function first reads it, which most viewer-response functions
 * never do. Otherwise it is the request's JSON, as in the JSON form.
 */
export const RESPONSE_FIELDS = {
  statusCode: 9,
  statusDescription: 10,
  request: 11,
  headers: 12,
  cookies: 13,
} as const

/** Bits naming the parts of the returned request/response the driver left out (see finish()
 * in sandbox/prelude.ts); the host puts the event's own objects back. */
export const PARTS = { querystring: 1, headers: 2, cookies: 4 } as const

/** Bits of the `present` field: the optional strings the event has. */
export const PRESENT = {
  distributionDomainName: 1,
  distributionId: 2,
  requestId: 4,
  statusDescription: 8,
} as const

let lastNow = NaN
let lastNowText = ''
/** String(nowMs), kept for the millisecond: calls in one millisecond share it (~0.2 µs each). */
function nowText(nowMs: number): string {
  if (nowMs !== lastNow) {
    lastNow = nowMs
    lastNowText = String(nowMs)
  }
  return lastNowText
}

/**
 * The driver's input: the compact text when the event allows it, else its JSON form.
 */
export function eventText(event: CfEvent, nowMs: number): string {
  return compactEventText(event, nowMs) ?? jsonEventText(event, nowMs)
}

/**
 * A letter naming the lazily parsed part ('q' request, 's' response, '-' none) and the
 * invocation start in ms (the frozen Date), '\n', the event's JSON with the lazy part as a
 * placeholder 0, then '\n' and the lazy part's JSON. A viewer-response function usually reads
 * only the response, a viewer-request one the request: that one is parsed with the rest.
 */
export function jsonEventText(event: CfEvent, nowMs: number): string {
  const { version, context, viewer, request, response } = event
  if (response === undefined) {
    return `-${nowText(nowMs)}\n${JSON.stringify({ version, context, viewer, request })}`
  }
  const lazyRequest =
    (context as { eventType?: unknown } | undefined)?.eventType === 'viewer-response'
  const lazy = JSON.stringify(lazyRequest ? request : response) as string | undefined
  if (lazy === undefined) {
    return `-${nowText(nowMs)}\n${JSON.stringify({ version, context, viewer, request, response })}`
  }
  const eager = lazyRequest
    ? JSON.stringify({ version, context, viewer, request: 0, response })
    : JSON.stringify({ version, context, viewer, request, response: 0 })
  return `${lazyRequest ? 'q' : 's'}${nowText(nowMs)}\n${eager}\n${lazy}`
}

type Plain = Record<string, unknown>

const REQUEST_EVENT = ['version', 'context', 'viewer', 'request']
const RESPONSE_EVENT = [...REQUEST_EVENT, 'response']
const VIEWER_KEYS = ['ip']
const REQUEST_KEYS = ['method', 'uri', 'querystring', 'headers', 'cookies']
const RESPONSE_KEYS = ['statusCode', 'headers', 'cookies']
const DESCRIBED_RESPONSE_KEYS = ['statusCode', 'statusDescription', 'headers', 'cookies']
const CONTEXT_KEYS = ['distributionDomainName', 'distributionId', 'eventType', 'requestId']
const CONTEXT_BITS = [PRESENT.distributionDomainName, PRESENT.distributionId, 0, PRESENT.requestId]

/**
 * 'c' and the compact fields, or undefined when the event does not have the shape event.ts
 * builds: exactly its keys in its order (context keys other than eventType, and
 * statusDescription, may be missing), eventType matching the presence of a response, strings
 * where it has strings and a finite statusCode. The parts travel as JSON. Those the function
 * may return unread (the request's in viewer-request, the response's in viewer-response) must
 * be JSON data — plain objects, arrays and strings — so that the host can hand the original
 * back for one (see withParts() in runtime.ts). A viewer-response request of JSON data stays
 * out of the text until the function reads it (RESPONSE_FIELDS); another request (anything
 * JSON.stringify takes) travels as its JSON.
 */
export function compactEventText(event: CfEvent, nowMs: number): string | undefined {
  if (Built.has(event)) return builtEventText(event, nowMs)
  const e = event as unknown
  if (!isPlain(e)) return undefined
  const response = hasKeys(e, RESPONSE_EVENT)
  if (!response && !hasKeys(e, REQUEST_EVENT)) return undefined
  const { version, context, viewer, request } = e
  if (!isPlain(viewer) || !hasKeys(viewer, VIEWER_KEYS) || !isPlain(context)) return undefined
  if (context['eventType'] !== (response ? 'viewer-response' : 'viewer-request')) return undefined
  const keys = Object.keys(context)
  let present = 0
  let next = 0
  const strings: unknown[] = ['c', nowText(nowMs), '', version]
  for (let i = 0; i < CONTEXT_KEYS.length; i++) {
    const key = CONTEXT_KEYS[i]!
    if (keys[next] !== key) {
      strings.push('')
      continue
    }
    strings.push(context[key])
    present |= CONTEXT_BITS[i]!
    next++
  }
  // Left over: a key of another name, or out of order.
  if (next !== keys.length) return undefined
  strings.push(viewer['ip'])
  let json = ''
  let parts: unknown[]
  if (response) {
    const res = e['response']
    if (!isPlain(res)) return undefined
    const described = hasKeys(res, DESCRIBED_RESPONSE_KEYS)
    if (!described && !hasKeys(res, RESPONSE_KEYS)) return undefined
    const status = res['statusCode']
    if (typeof status !== 'number' || !Number.isFinite(status)) return undefined
    if (described) present |= PRESENT.statusDescription
    strings.push(String(status), described ? res['statusDescription'] : '')
    if (isData(request)) json = FIELD
    else {
      const requestJson = JSON.stringify(request) as string | undefined
      if (requestJson === undefined) return undefined
      json = FIELD + requestJson
    }
    parts = [res['headers'], res['cookies']]
  } else {
    if (!isPlain(request) || !hasKeys(request, REQUEST_KEYS)) return undefined
    strings.push(request['method'], request['uri'])
    parts = [request['querystring'], request['headers'], request['cookies']]
  }
  strings[FIELDS.present] = String(present)
  for (const s of strings) if (typeof s !== 'string') return undefined
  if (UNSAFE.test(strings.join(''))) return undefined
  for (const p of parts) if (!isPlain(p) || !isData(p)) return undefined
  return joinCompact(strings as string[], json, parts)
}

/** The compact text: the string fields, the field between (viewer-response's request), the parts. */
function joinCompact(strings: readonly string[], json: string, parts: readonly unknown[]): string {
  let text = strings[0] ?? ''
  for (let i = 1; i < strings.length; i++) text += FIELD + strings[i]!
  text += json
  for (const p of parts) text += FIELD + JSON.stringify(p)
  return text
}

/** A constructor that returns the object it is given: a subclass's private field lands on it. */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- it exists to be extended
class Stamp {
  constructor(o: object) {
    return o
  }
}
/**
 * Events event.ts built: their shape is known (see markBuilt). A private field, not a WeakSet:
 * each WeakSet entry is an ephemeron V8's scavenger must process, which cost ~0.8 µs per
 * event (a loop of building and marking events: 1.7 µs with the WeakSet, 0.9 µs with this).
 */
class Built extends Stamp {
  #built = true
  /** Takes anything: an event from a file (test-function) may be any JSON value. */
  static has(o: unknown): boolean {
    return typeof o === 'object' && o !== null && #built in o
  }
}

/**
 * Marks an event event.ts has just built, of the shape compactEventText() checks for: every
 * context key, strings where it has strings, statusDescription always, a request and parts of
 * JSON data. Its compact text then skips the shape checks; only its strings are searched for
 * UNSAFE characters. The caller must not change the event before it is invoked (nor, for a
 * viewer-response event, while: its request is read then).
 */
export function markBuilt(event: CfEvent): CfEvent {
  new Built(event)
  return event
}

/** Whether event.ts built the event (and, by contract, nobody changed it since). */
export function isBuilt(event: CfEvent): boolean {
  return Built.has(event)
}

/** compactEventText() for a marked event: the same text, without re-checking the shape. */
function builtEventText(e: CfEvent, nowMs: number): string | undefined {
  const { context: c, request: q, response: s } = e
  const all = PRESENT.distributionDomainName | PRESENT.distributionId | PRESENT.requestId
  const present = s === undefined ? all : all | PRESENT.statusDescription
  const d = c.distributionDomainName ?? ''
  const id = c.distributionId ?? ''
  const rid = c.requestId ?? ''
  const ip = e.viewer.ip
  const at = nowText(nowMs)
  const has = String(present)
  const v = e.version
  const t = c.eventType
  if (s === undefined) {
    if (UNSAFE.test(d + id + rid + ip + q.method + q.uri)) return undefined
    const strings = ['c', at, has, v, d, id, t, rid, ip, q.method, q.uri]
    return joinCompact(strings, '', [q.querystring, q.headers, q.cookies])
  }
  const desc = s.statusDescription ?? ''
  if (UNSAFE.test(d + id + rid + ip + desc)) return undefined
  const strings = ['c', at, has, v, d, id, t, rid, ip, String(s.statusCode), desc]
  return joinCompact(strings, FIELD, [s.headers, s.cookies])
}

/** Nesting deeper than this is not taken for JSON data (a cycle ends there too). */
const MAX_DATA_DEPTH = 32

/** JSON data: plain objects, arrays and strings; JSON.stringify() makes text of it, unchanged. */
function isData(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return true
  if (depth === MAX_DATA_DEPTH) return false
  if (Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype) {
    for (let i = 0; i < v.length; i++) if (!isData(v[i], depth + 1)) return false
    return true
  }
  if (!isPlain(v)) return false
  for (const k of Object.keys(v)) if (!isData(v[k], depth + 1)) return false
  return true
}

function isPlain(v: unknown): v is Plain {
  if (typeof v !== 'object' || v === null) return false
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

function hasKeys(o: Plain, want: readonly string[]): boolean {
  const keys = Object.keys(o)
  if (keys.length !== want.length) return false
  for (let i = 0; i < keys.length; i++) if (keys[i] !== want[i]) return false
  return true
}
