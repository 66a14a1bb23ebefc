// A cache hit's response head as text (design.md §1 principle 6; spec §9.1 for the headers a
// hit adds). node's writeHead validates and concatenates every header of every response; a
// stored object's head is validated and joined once, when it is stored, and a hit writes it
// with its three per-request headers (Age, X-Cache, X-Amz-Cf-Id) as one string.
//
// Writing text uses two fields of node:http's ServerResponse that are not public API —
// `_header` and `_headerSent`, exactly what writeHead itself sets. The text path is taken only
// where writeHead would produce this very head: a head with Content-Length and Date and none
// of the headers node treats specially, on a keep-alive HTTP/1.1 response whose head is not
// written yet. Anything else, or a node whose ServerResponse lacks those fields, goes through
// writeHead; so does every response while PREBUILT_HEADS.enabled is false.
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http'
import type { ServerResponse } from 'node:http'

/** The switch for the text path (tests compare both paths; a hit is correct either way). */
export const PREBUILT_HEADS = { enabled: true }

/** Headers whose presence changes what node's writeHead adds or decides (its matchHeader). */
const SPECIAL = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'expect',
  'content-disposition',
])

/**
 * The status line and headers of `head` (node's flat [name, value, …] list) as node's
 * writeHead would write them, without the blank line; undefined when writeHead must decide
 * (a bodiless status, a special header, no Content-Length or Date, an invalid header).
 */
export function prebuiltHead(status: number, head: readonly string[]): string | undefined {
  if (status < 200 || status === 204 || status === 304) return undefined
  let text = `HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? 'unknown'}\r\n`
  let length = false
  let date = false
  for (let i = 0; i + 1 < head.length; i += 2) {
    const name = head[i]!
    const value = head[i + 1]!
    const lower = name.toLowerCase()
    if (SPECIAL.has(lower)) return undefined
    try {
      validateHeaderName(name)
      validateHeaderValue(name, value)
    } catch {
      return undefined
    }
    if (lower === 'content-length') length = true
    else if (lower === 'date') date = true
    text += `${name}: ${value}\r\n`
  }
  return length && date ? text : undefined
}

/** The ServerResponse fields writeHead reads and sets (node 20's _http_outgoing.js); each
 * may be missing from another node, which then takes writeHead. */
interface Internals {
  _header: string | null | undefined
  _headerSent: boolean | undefined
  shouldKeepAlive: boolean | undefined
  _removedConnection: boolean | undefined
  _defaultKeepAlive: boolean | undefined
  _keepAliveTimeout: number | undefined
  _maxRequestsPerSocket: number | undefined
  maxRequestsOnConnectionReached: boolean | undefined
}

let tailTimeout = -1
let tailMax: number | undefined = -1
let tail = ''

/**
 * Writes `text` plus Age, X-Cache and X-Amz-Cf-Id as the head of `res` when writeHead would
 * write the same; false (nothing written) when the caller must use writeHead.
 */
export function writePrebuiltHead(
  res: ServerResponse,
  status: number,
  text: string,
  age: number,
  xCache: string,
  id: string,
): boolean {
  const r = res as unknown as Internals
  if (
    !PREBUILT_HEADS.enabled ||
    r._header !== null ||
    r._headerSent !== false ||
    r.shouldKeepAlive !== true ||
    r._removedConnection !== false ||
    r._defaultKeepAlive !== true ||
    r.maxRequestsOnConnectionReached !== false ||
    typeof r._keepAliveTimeout !== 'number'
  ) {
    return false
  }
  if (r._keepAliveTimeout !== tailTimeout || r._maxRequestsPerSocket !== tailMax) {
    tailTimeout = r._keepAliveTimeout
    tailMax = r._maxRequestsPerSocket
    tail = keepAliveTail(tailTimeout, tailMax)
  }
  res.statusCode = status
  res.statusMessage = STATUS_CODES[status] ?? 'unknown'
  r._header = hitHeadText(text, age, xCache, id, tail)
  r._headerSent = false
  return true
}

/** A hit's whole head: the stored text, its three per-request headers, then `tail`. */
export function hitHeadText(
  text: string,
  age: number,
  xCache: string,
  id: string,
  tail: string,
): string {
  return `${text}age: ${String(age)}\r\nx-cache: ${xCache}\r\nx-amz-cf-id: ${id}\r\n${tail}`
}

/** What node's _storeHeader appends to a keep-alive response with Content-Length. */
export function keepAliveTail(timeoutMs: number, max: number | undefined): string {
  if (timeoutMs === 0) return 'Connection: keep-alive\r\n\r\n'
  const limit = ~~(max ?? 0) > 0 ? `, max=${String(max)}` : ''
  return `Connection: keep-alive\r\nKeep-Alive: timeout=${String(Math.floor(timeoutMs / 1000))}${limit}\r\n\r\n`
}
