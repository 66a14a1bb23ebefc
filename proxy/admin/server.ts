// The admin listener (design.md §3 "Admin API"): a separate node:http server, normally on
// loopback, routing POST/GET /invalidations, GET /cache/stats, GET /metrics and GET /healthz to handlers.ts.
// Unknown paths answer 404 JSON; known paths with another method 405 with `Allow`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { AdminCache } from '../cache/admin-types.js'
import {
  cacheStats,
  createInvalidation,
  getInvalidation,
  healthz,
  metrics,
  listInvalidations,
  type AdminContext,
  type Handler,
  type MetricsSource,
} from './handlers.js'
import { sendError } from './http.js'
import { InvalidationRecords } from './records.js'

export interface AdminServerOptions {
  readonly port: number
  readonly host: string
  readonly cache: AdminCache
  readonly log: Logger
  /** Served as GET /metrics (Prometheus text). */
  readonly metrics?: MetricsSource
  /** Milliseconds since the epoch; defaults to Date.now. */
  readonly clock?: () => number
}

export interface AdminServer {
  readonly address: AddressInfo
  /** http://host:port */
  readonly url: string
  close(): Promise<void>
}

interface Route {
  readonly pattern: RegExp
  /** GET routes answer HEAD too. */
  readonly methods: Readonly<Partial<Record<string, Handler>>>
}

const ROUTES: readonly Route[] = [
  {
    pattern: /^\/invalidations\/?$/,
    methods: { POST: createInvalidation, GET: listInvalidations },
  },
  { pattern: /^\/invalidations\/([^/]+)$/, methods: { GET: getInvalidation } },
  { pattern: /^\/cache\/stats$/, methods: { GET: cacheStats } },
  { pattern: /^\/healthz$/, methods: { GET: healthz } },
  { pattern: /^\/metrics$/, methods: { GET: metrics } },
]

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const ctx: AdminContext = {
    cache: options.cache,
    log: options.log,
    clock: options.clock ?? Date.now,
    records: new InvalidationRecords(),
    metrics: options.metrics,
  }
  const server = createServer((req, res) => {
    void route(ctx, req, res).catch((err: unknown) => {
      ctx.log.error({ err, method: req.method, url: req.url }, 'admin request failed')
      if (!res.headersSent) {
        sendError(res, { status: 500, code: 'InternalError', message: 'internal error' })
      } else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    address,
    url: `http://${host}:${String(address.port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function route(ctx: AdminContext, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://admin')
  const method = req.method ?? 'GET'
  for (const r of ROUTES) {
    const m = r.pattern.exec(url.pathname)
    if (!m) continue
    const handler = r.methods[method] ?? (method === 'HEAD' ? r.methods['GET'] : undefined)
    if (handler === undefined) {
      req.resume()
      const allow = Object.keys(r.methods)
      if (allow.includes('GET')) allow.push('HEAD')
      sendError(
        res,
        {
          status: 405,
          code: 'MethodNotAllowed',
          message: `${method} is not allowed on ${url.pathname} (allowed: ${allow.join(', ')})`,
        },
        { allow: allow.join(', ') },
      )
      return
    }
    await handler(ctx, req, res, url, m.slice(1))
    return
  }
  req.resume()
  sendError(res, {
    status: 404,
    code: 'NotFound',
    message: `no admin endpoint ${url.pathname}; try POST /invalidations, GET /invalidations/{Id}, GET /cache/stats, GET /metrics, GET /healthz`,
  })
}
