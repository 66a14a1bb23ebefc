// The viewer-facing listeners (design.md §1): node:http (and node:https when Server.Tls is
// set) turn each request into an Exchange pinned to the current compiled distribution and
// run the pipeline; in front of the HTTP listener the fast hit path (fast-hit/) answers plain
// hits on the socket and hands every other request's connection to node:http. No CloudFront
// policy lives here. Also: 413 for heads too large for the parser (§11.9), and a graceful
// drain on close().
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFileSync } from 'node:fs'
import type { AddressInfo, Socket } from 'node:net'
import { Readable, type Duplex } from 'node:stream'
import { errorPageHtml } from './cloudfront/error-page.js'
import { installFastFront, type Answer } from './fast-hit/front.js'
import type { RequestHead } from './fast-hit/parse-head.js'
import { plainHit, writePlainHit, type PlainHit } from './fast-hit/plain-hit.js'
import type { CompiledDistribution } from './config/compile.js'
import type { Deps } from './deps.js'
import { ERRORS } from './errors.js'
import type { Exchange, ViewerRequest } from './pipeline/exchange.js'
import { runPipeline, type RunContext } from './pipeline/run.js'
import { skipDump } from './skip-dump.js'

/** Larger than CloudFront's 20,480-byte limit so recv can answer 413 itself. */
const PARSER_MAX_HEADER_BYTES = 64 * 1024

export interface ListenOptions {
  readonly port: number
  readonly host: string
  /** HTTPS listener; its port 0 picks a free one. */
  readonly tls?: { readonly port: number; readonly cert: Buffer; readonly key: Buffer }
}

export interface EdgeServer {
  readonly http: AddressInfo
  readonly https: AddressInfo | undefined
  /**
   * Swap the distribution new requests use. Requests in flight keep theirs; `retired` runs
   * once the last of them has finished.
   */
  setDistribution(dist: CompiledDistribution, retired?: () => void): void
  /** Stop accepting, let in-flight requests finish (up to `graceMs`), then close. */
  close(graceMs?: number): Promise<void>
}

export async function startEdgeServer(
  initial: CompiledDistribution,
  deps: Deps,
  options: ListenOptions,
): Promise<EdgeServer> {
  /** The distribution new requests get, with the count of requests still using it. */
  let gen: Generation = { dist: initial, inFlight: 0, retired: undefined }
  let closing = false
  let inFlight = 0
  let drained: (() => void) | undefined
  let httpsAddr: AddressInfo | undefined
  const ctx: RunContext = { deps, closing: () => closing }

  const finish = (ex: Exchange, g: Generation) => {
    try {
      deps.accessLog.record(ex, deps.clock.nowMs())
      deps.metrics.request(ex)
    } catch (err) {
      // Never lose the counters below (drain, reload) to a logging failure.
      deps.log.error({ err, reqId: ex.id }, 'access log or metrics failed')
    } finally {
      if (--g.inFlight === 0 && g.retired) g.retired()
      if (--inFlight === 0 && drained) drained()
    }
  }
  const handle = (scheme: 'http' | 'https') => (req: IncomingMessage, res: ServerResponse) => {
    inFlight++
    const g = gen
    g.inFlight++
    const viewer = nodeViewer(req, scheme, httpsAddr?.port)
    if (!viewer.hasBody) skipDump(req)
    const ex = newExchange(g.dist, deps, viewer, res, deps.clock.nowMs())
    const running = runPipeline(ex, ctx)
    if (running === undefined) finish(ex, g)
    else void running.then(() => finish(ex, g))
  }
  /** A plain hit answered on the socket (fast-hit/): synchronous, so never in flight. */
  const answerFast: Answer = (head, socket, tail) => {
    if (closing) return false
    const g = gen
    const now = deps.clock.nowMs()
    const sent = { headersSent: false, statusCode: 200 }
    const viewer = fastViewer(head, socket, httpsAddr?.port)
    // Never enters the pipeline: the access log and metrics read only these two fields.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const ex = newExchange(g.dist, deps, viewer, sent as ServerResponse, now)
    let hit: PlainHit | undefined
    try {
      hit = plainHit(ex, deps, now)
    } catch (err) {
      // The pipeline answers it (a 500 if the failure repeats there); never a crash.
      deps.log.error({ err, reqId: ex.id }, 'fast hit path failure')
      return false
    }
    if (hit === undefined) return false
    ex.headersAtMs = now
    ex.wireWritten = writePlainHit(socket, head.method, hit, ex.id, tail)
    ex.wireRead = head.size
    ex.bytesSent = head.method === 'HEAD' ? 0 : hit.body.length
    sent.headersSent = true
    sent.statusCode = hit.status
    inFlight++
    g.inFlight++
    finish(ex, g)
    return true
  }

  const servers: Server[] = []
  const http = createHttpServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, handle('http'))
  servers.push(http)
  const fast = installFastFront(http, answerFast)
  const httpAddr = await listen(http, options.port, options.host)
  if (options.tls) {
    const https = createHttpsServer(
      { maxHeaderSize: PARSER_MAX_HEADER_BYTES, cert: options.tls.cert, key: options.tls.key },
      handle('https'),
    )
    servers.push(https)
    httpsAddr = await listen(https, options.tls.port, options.host)
  }
  for (const s of servers) s.on('clientError', (err, socket) => onClientError(err, socket, deps))

  return {
    http: httpAddr,
    https: httpsAddr,
    setDistribution(next, retired) {
      const old = gen
      gen = { dist: next, inFlight: 0, retired: undefined }
      if (retired === undefined) return
      if (old.inFlight === 0) retired()
      else old.retired = retired
    },
    async close(graceMs = 30_000) {
      closing = true
      fast?.endAll()
      for (const s of servers) {
        s.close()
        s.closeIdleConnections()
      }
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve
          setTimeout(resolve, graceMs).unref()
        })
      }
      for (const s of servers) s.closeAllConnections()
    },
  }
}

interface Generation {
  readonly dist: CompiledDistribution
  inFlight: number
  retired: (() => void) | undefined
}

/**
 * The exchange of one request. `res` is node's response, or for a fast-path hit a record of
 * the two fields the access log and metrics read once it is written (headersSent, statusCode).
 */
function newExchange(
  dist: CompiledDistribution,
  deps: Deps,
  viewer: ViewerRequest,
  res: ServerResponse,
  nowMs: number,
): Exchange {
  return {
    id: deps.newRequestId(),
    startedAtMs: nowMs,
    dist,
    viewer,
    res,
    behavior: dist.defaultBehavior,
    uri: viewer.path,
    querystring: viewer.query,
    headers: viewer.headers,
    originOverride: undefined,
    functionUtilization: undefined,
    origin: undefined,
    failoverGroup: undefined,
    failedOver: undefined,
    originDnsError: undefined,
    originRequest: undefined,
    response: undefined,
    resultType: 'Miss',
    detailedResult: undefined,
    originMs: undefined,
    bytesSent: 0,
    wireRead: 0,
    wireWritten: 0,
    headersAtMs: 0,
    cacheKey: undefined,
    stale: undefined,
    releaseCollapse: undefined,
    fetchStartedAtMs: 0,
    // Every field is set here, so all exchanges share one object shape (fast property access).
    requestBody: undefined,
    partialBody: undefined,
    viewerCountry: undefined,
  }
}

function hasBody(headers: IncomingMessage['headers']): boolean {
  return (
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0')
  )
}

function nodeViewer(
  req: IncomingMessage,
  scheme: 'http' | 'https',
  httpsPort: number | undefined,
): ViewerRequest {
  const url = originForm(req.url ?? '/')
  const q = url.indexOf('?')
  return {
    method: req.method ?? 'GET',
    url,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    scheme,
    httpVersion: req.httpVersion,
    clientIp: plainIp(req.socket.remoteAddress),
    clientPort: req.socket.remotePort ?? 0,
    body: req,
    socket: req.socket,
    hasBody: hasBody(req.headers),
    httpsPort,
  }
}

/** A body stream for requests that have none (fast-path heads have no body by definition). */
const NO_BODY = Readable.from([])

function fastViewer(
  head: RequestHead,
  socket: Socket,
  httpsPort: number | undefined,
): ViewerRequest {
  const url = head.url
  const q = url.indexOf('?')
  return {
    method: head.method,
    url,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: head.headers,
    rawHeaders: head.rawHeaders,
    scheme: 'http',
    httpVersion: '1.1',
    clientIp: plainIp(socket.remoteAddress),
    clientPort: socket.remotePort ?? 0,
    body: NO_BODY,
    socket,
    hasBody: false,
    httpsPort,
  }
}

function plainIp(ip: string | undefined): string {
  if (ip === undefined) return ''
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip
}

/** Absolute-form targets (`http://host/path`) are reduced to their path and query. */
function originForm(url: string): string {
  if (url.startsWith('/')) return url
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)
  if (m) return url.slice(m[0].length) || '/'
  return `/${url}`
}

/** Heads the parser refused: too large → 413 (§11.9), anything else → 400; then close. */
function onClientError(err: Error & { code?: string }, socket: Duplex, deps: Deps): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const code = err.code === 'HPE_HEADER_OVERFLOW' ? 'REQUEST_TOO_LARGE' : 'BAD_REQUEST'
  const { status, cause } = ERRORS[code]
  const id = deps.newRequestId()
  const body = errorPageHtml(status, cause, id)
  const reason = status === 413 ? 'Request Entity Too Large' : 'Bad Request'
  socket.end(
    `HTTP/1.1 ${String(status)} ${reason}\r\nContent-Type: text/html\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n` +
      `Connection: close\r\nServer: CloudFront\r\nX-Cache: Error from cloudfront\r\nX-Amz-Cf-Id: ${id}\r\n\r\n${body}`,
  )
  deps.log.info(
    { reqId: id, status, detailedResult: ERRORS[code].detail, err: err.message },
    'access',
  )
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

export function readTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(certFile), key: readFileSync(keyFile) }
}
