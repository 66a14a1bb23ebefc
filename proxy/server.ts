// The viewer-facing listeners (design.md §1): node:http (and node:https when Server.Tls is
// set) turn each request into an Exchange pinned to the current compiled distribution and
// run the pipeline. No CloudFront policy lives here. Also: 413 for heads too large for the
// parser (§11.9), and a graceful drain on close().
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { errorPageHtml } from './cloudfront/error-page.js'
import type { CompiledDistribution } from './config/compile.js'
import type { Deps } from './deps.js'
import { ERRORS } from './errors.js'
import type { Exchange } from './pipeline/exchange.js'
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
    const ex = newExchange(g.dist, deps, req, res, scheme, httpsAddr?.port)
    const running = runPipeline(ex, ctx)
    if (running === undefined) finish(ex, g)
    else void running.then(() => finish(ex, g))
  }

  const servers: Server[] = []
  const http = createHttpServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, handle('http'))
  servers.push(http)
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

function newExchange(
  dist: CompiledDistribution,
  deps: Deps,
  req: IncomingMessage,
  res: ServerResponse,
  scheme: 'http' | 'https',
  httpsPort: number | undefined,
): Exchange {
  const url = originForm(req.url ?? '/')
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  const query = q === -1 ? '' : url.slice(q + 1)
  const headers = req.headers
  const hasBody =
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0')
  const ip = req.socket.remoteAddress ?? ''
  if (!hasBody) skipDump(req)
  return {
    id: deps.newRequestId(),
    startedAtMs: deps.clock.nowMs(),
    dist,
    viewer: {
      method: req.method ?? 'GET',
      url,
      path,
      query,
      headers,
      rawHeaders: req.rawHeaders,
      scheme,
      httpVersion: req.httpVersion,
      clientIp: ip.startsWith('::ffff:') ? ip.slice(7) : ip,
      clientPort: req.socket.remotePort ?? 0,
      body: req,
      socket: req.socket,
      hasBody,
      httpsPort,
    },
    res,
    behavior: dist.defaultBehavior,
    uri: path,
    querystring: query,
    headers,
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
