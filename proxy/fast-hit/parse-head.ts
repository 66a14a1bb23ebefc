// The request heads the fast hit path reads itself (design.md §1 principle 6; spec §0 step 1):
// a conservative subset of HTTP/1.1 that node's parser (llhttp) reads the same way — GET or
// HEAD, an origin-form target of URI characters, HTTP/1.1, a Host, at most 100 `name: value`
// lines of printable ASCII, each name once, and nothing that changes how the connection or a
// body is framed (Content-Length, Transfer-Encoding, Upgrade, Expect, a Connection or
// Proxy-Connection other than keep-alive).
// Anything else is not refused here: the connection goes to node:http, which decides.
// The result has node's shapes: `rawHeaders` as sent (values trimmed), `headers` by
// lower-case name, so the pipeline's policy code reads either the same way.

export interface RequestHead {
  readonly method: 'GET' | 'HEAD'
  /** The target as sent (path and query). */
  readonly url: string
  readonly rawHeaders: string[]
  readonly headers: Record<string, string>
  /** Offset just past this head's blank line in the chunk. */
  readonly next: number
  /** The head's bytes, request line to blank line. */
  readonly size: number
}

const END = Buffer.from('\r\n\r\n', 'latin1')
/** Lines of HTAB and printable ASCII, each ended by CRLF (the last one's CRLF is END's). */
const HEAD_TEXT = /^(?:[\t\x20-\x7e]*\r\n)*[\t\x20-\x7e]*$/
/** An origin-form target of RFC 3986 characters (unreserved, reserved but `#[]`, `%`). */
const TARGET = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/
/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Names whose presence changes framing or the connection (llhttp reads Proxy-Connection as
 * Connection), or that node shapes as a list (a request Set-Cookie): node decides those. */
const NODE_DECIDES = new Set([
  'content-length',
  'transfer-encoding',
  'upgrade',
  'expect',
  'proxy-connection',
  'set-cookie',
])
/** Far below node's maxHeadersCount (2000), past which node drops headers. */
const MAX_HEADERS = 100

/**
 * The head starting at `start` when the whole head is in `chunk` and is one this module
 * reads; undefined otherwise (incomplete, another method or version, anything unusual).
 */
export function parseHead(chunk: Buffer, start: number): RequestHead | undefined {
  const end = chunk.indexOf(END, start)
  if (end === -1) return undefined
  const text = chunk.toString('latin1', start, end)
  if (!HEAD_TEXT.test(text)) return undefined
  let eol = text.indexOf('\r\n')
  if (eol === -1) eol = text.length
  const method = requestMethod(text)
  if (method === undefined) return undefined
  const urlEnd = eol - 9 // ' HTTP/1.1'
  if (!text.startsWith(' HTTP/1.1', urlEnd)) return undefined
  const url = text.slice(method.length + 1, urlEnd)
  if (!TARGET.test(url)) return undefined
  const rawHeaders: string[] = []
  const headers: Record<string, string> = {}
  for (let at = eol + 2; at < text.length + 2;) {
    let lineEnd = text.indexOf('\r\n', at)
    if (lineEnd === -1) lineEnd = text.length
    const colon = text.indexOf(':', at)
    if (colon === -1 || colon > lineEnd) return undefined
    const name = text.slice(at, colon)
    if (!TOKEN.test(name)) return undefined
    const lower = name.toLowerCase()
    // A repeated name (node merges or drops those) or one of Object.prototype's.
    if (lower in headers || NODE_DECIDES.has(lower)) return undefined
    const value = text.slice(colon + 1, lineEnd).trim()
    if (lower === 'connection' && value.toLowerCase() !== 'keep-alive') return undefined
    rawHeaders.push(name, value)
    headers[lower] = value
    at = lineEnd + 2
  }
  // node answers a request without Host 400 (its requireHostHeader, on by default).
  if (headers['host'] === undefined || rawHeaders.length > 2 * MAX_HEADERS) return undefined
  return { method, url, rawHeaders, headers, next: end + 4, size: end + 4 - start }
}

function requestMethod(text: string): 'GET' | 'HEAD' | undefined {
  if (text.startsWith('GET /')) return 'GET'
  if (text.startsWith('HEAD /')) return 'HEAD'
  return undefined
}
