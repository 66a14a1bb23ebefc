// Origin access (spec §1.3): one undici Pool per origin target with keep-alive, connect
// timeout, read timeout (first byte and every gap), response completion timeout and
// connection attempts; bodies stream both ways. LocalDirectory origins are answered from the filesystem.
// The host name lookup an origin-request Lambda@Edge waits for (§8.1) is resolve.ts.
import { Pool } from 'undici'
import type { CustomOriginConfig, OriginConfig } from '../config/types.js'
import type { OriginFetcher } from '../deps.js'
import type { EdgeError } from '../errors.js'
import type { OriginRequest, OriginResponse } from '../http-types.js'
import { isConnectFailure, mapOriginError, neverSent } from './errors.js'
import { fetchFromDirectory } from './local-directory.js'
import { OriginResolver } from './resolve.js'

/** CloudFront's limit on origin response headers (spec §11.9). */
const MAX_ORIGIN_HEADER_BYTES = 20480

export interface OriginClientOptions {
  /** Verify origin TLS certificates (spec §1.3 says configurable; off locally by default). */
  readonly verifyTls: boolean
  /** Pools kept open (default 256): functions may name a new origin per request (§7.5, §8),
   * so the least recently used pool beyond this is closed once its requests finish. */
  readonly maxPools?: number
  /** Looks origin host names up before an origin-request function (§8.1); tests pass their own. */
  readonly resolver?: OriginResolver
}

const DEFAULT_MAX_POOLS = 256

export class OriginClients implements OriginFetcher {
  readonly #pools = new Map<string, Pool>()
  readonly #options: OriginClientOptions
  readonly #resolver: OriginResolver

  constructor(options: OriginClientOptions = { verifyTls: false }) {
    this.#options = options
    this.#resolver = options.resolver ?? new OriginResolver()
  }

  /** §8.1: the host a connection would go to, looked up (see OriginFetcher.resolve). */
  resolve(origin: OriginConfig): Promise<EdgeError | undefined> | undefined {
    if (origin.kind === 'local') return undefined
    return this.#resolver.check(connectHost(origin), origin.connectionTimeoutS * 1000)
  }

  async fetch(
    origin: OriginConfig,
    req: OriginRequest,
    viewerScheme: 'http' | 'https',
  ): Promise<OriginResponse> {
    if (origin.kind === 'local') return fetchFromDirectory(origin, req)
    const pool = this.#pool(origin, originUrl(origin, viewerScheme))
    // A streamed body cannot be sent twice, so only bodiless requests are tried again.
    const attempts = req.body === null ? origin.connectionAttempts : 1
    const readTimeoutMs = origin.readTimeoutS * 1000
    const deadline = completionDeadline(origin.responseCompletionTimeoutS)
    let failure: EdgeError | undefined
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const r = await pool.request({
          method: req.method,
          path: req.path,
          headers: req.headers,
          body: req.body,
          headersTimeout: readTimeoutMs,
          bodyTimeout: readTimeoutMs,
          ...(deadline === undefined ? {} : { signal: deadline.signal }),
        })
        if (deadline !== undefined) r.body.once('close', deadline.clear)
        return {
          status: r.statusCode,
          headers: r.headers as OriginResponse['headers'],
          body: r.body,
        }
      } catch (err) {
        if (deadline?.signal.aborted === true) {
          deadline.clear()
          throw mapOriginError(deadline.signal.reason)
        }
        failure = mapOriginError(err)
        // GET/HEAD are tried again after any connection failure or read timeout (§1.3); other
        // methods only when the request provably never reached the origin.
        const idempotent = req.method === 'GET' || req.method === 'HEAD'
        const retry = idempotent
          ? isConnectFailure(failure.code) || failure.code === 'ORIGIN_TIMEOUT'
          : neverSent(err)
        if (!retry) break
      }
    }
    deadline?.clear()
    throw failure ?? mapOriginError(new Error('no connection attempt made'))
  }

  #pool(origin: CustomOriginConfig, url: string): Pool {
    // Timeouts are pool settings: an origin a function changed them for gets its own pool.
    const key = `${origin.id} ${url} ${String(origin.connectionTimeoutS)} ${String(origin.keepaliveTimeoutS)}`
    let pool = this.#pools.get(key)
    if (pool !== undefined) {
      // Most recently used last: the Map's order is the eviction order.
      this.#pools.delete(key)
      this.#pools.set(key, pool)
    } else {
      const keepAliveMs = origin.keepaliveTimeoutS * 1000
      pool = new Pool(url, {
        connect: {
          timeout: origin.connectionTimeoutS * 1000,
          rejectUnauthorized: this.#options.verifyTls,
        },
        keepAliveTimeout: keepAliveMs,
        keepAliveMaxTimeout: keepAliveMs,
        maxHeaderSize: MAX_ORIGIN_HEADER_BYTES,
        pipelining: 1,
      })
      this.#pools.set(key, pool)
      this.#evict()
    }
    return pool
  }

  /** Open pools (for tests and stats). */
  get poolCount(): number {
    return this.#pools.size
  }

  #evict(): void {
    const max = this.#options.maxPools ?? DEFAULT_MAX_POOLS
    for (const [key, pool] of this.#pools) {
      if (this.#pools.size <= max) return
      this.#pools.delete(key)
      // close() lets the requests already on it finish.
      void pool.close().catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()]
    this.#pools.clear()
    await Promise.all(pools.map((p) => p.close()))
  }
}

/**
 * An origin's ResponseCompletionTimeout (spec §1.2): the whole response — every attempt, the
 * head and the last body byte — within that many seconds, else the request is aborted: a 504
 * before the head, a cut body (never cached) after it.
 */
function completionDeadline(
  seconds: number | undefined,
): { signal: AbortSignal; clear: () => void } | undefined {
  if (seconds === undefined) return undefined
  const controller = new AbortController()
  const reason = Object.assign(new Error(`the origin's response took over ${String(seconds)} s`), {
    code: 'EDGE_RESPONSE_COMPLETION_TIMEOUT',
  })
  const timer = setTimeout(() => controller.abort(reason), seconds * 1000)
  timer.unref()
  return { signal: controller.signal, clear: () => clearTimeout(timer) }
}

/** Where to connect: the --origin override, else scheme and port per OriginProtocolPolicy. */
export function originUrl(origin: CustomOriginConfig, viewerScheme: 'http' | 'https'): string {
  if (origin.overrideUrl !== undefined) return new URL(origin.overrideUrl).origin
  const scheme =
    origin.protocolPolicy === 'match-viewer'
      ? viewerScheme
      : origin.protocolPolicy === 'https-only'
        ? 'https'
        : 'http'
  const port = scheme === 'https' ? origin.httpsPort : origin.httpPort
  const host = origin.domainName.includes(':') ? `[${origin.domainName}]` : origin.domainName
  return `${scheme}://${host}:${String(port)}`
}

/** The host name (or IP literal) a connection goes to: the --origin override's, else DomainName. */
function connectHost(origin: CustomOriginConfig): string {
  return origin.overrideUrl !== undefined ? new URL(origin.overrideUrl).hostname : origin.domainName
}

/** The Host header CloudFront sends (§3.4): the DomainName, or the override URL's host. */
export function originHostHeader(origin: OriginConfig): string {
  if (origin.kind === 'local') return 'localhost'
  return origin.overrideUrl !== undefined ? new URL(origin.overrideUrl).host : origin.domainName
}
