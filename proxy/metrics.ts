// Prometheus metrics for the admin listener (design.md §3 "Metrics", issue #8): requests by
// behavior, status and result type, origin latency, cache size, hit ratio and evictions, and
// CloudFront Function invocations, errors and compute utilization, Lambda@Edge durations,
// errors and worker pools, plus process metrics (process-metrics.ts).
// Per request the cost is a few Map lookups and number increments: the request counts are plain
// numbers handed to prom-client when /metrics is scraped, and the per-call series are
// plain-metrics.ts's.
import { Counter, Gauge, Registry } from 'prom-client'
import type { CacheAdmin } from './cache/admin-types.js'
import type { EdgeRunner } from '../functions/edge/types.js'
import type { Exchange } from './pipeline/exchange.js'
import { PlainCounter, PlainHistogram } from './plain-metrics.js'
import { collectProcessMetrics } from './process-metrics.js'

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE

type FunctionEvent = 'viewer-request' | 'viewer-response'

interface RequestCount {
  readonly labels: [behavior: string, status: string, result: string]
  n: number
}

export class Metrics {
  readonly registry = new Registry()
  /**
   * Requests by behavior, status and result: plain counts, given to prom-client at scrape.
   * Nested by label so a request builds no key: the behavior id and the result type are
   * constant strings whose hashes V8 keeps, the status a small integer.
   */
  readonly #requestCounts = new Map<string, Map<number, Map<string, RequestCount>>>()
  readonly #origin: PlainHistogram<'origin'>
  readonly #fnCalls: PlainCounter<'function' | 'event'>
  readonly #fnErrors: PlainCounter<'function' | 'event' | 'kind'>
  readonly #fnUtilization: PlainHistogram<'function' | 'event'>
  readonly #lambdaDuration: PlainHistogram<'function' | 'event'>
  readonly #lambdaErrors: PlainCounter<'function' | 'event' | 'kind'>
  #lambdaRunners: () => Iterable<EdgeRunner> = () => []

  constructor(cache: CacheAdmin) {
    const registry = this.registry
    const registers = [registry]
    collectProcessMetrics(this.registry, 'edgeproxy_')
    const requestCounts = this.#requestCounts
    new Counter({
      name: 'edgeproxy_requests_total',
      help: 'Viewer requests answered, by behavior path pattern, status and x-edge-result-type',
      labelNames: ['behavior', 'status', 'result'],
      registers,
      collect() {
        this.reset()
        for (const byStatus of requestCounts.values()) {
          for (const byResult of byStatus.values()) {
            for (const { labels, n } of byResult.values()) this.labels(...labels).inc(n)
          }
        }
      },
    })
    this.#origin = new PlainHistogram({
      name: 'edgeproxy_origin_duration_seconds',
      help: 'Origin round trip until the response headers arrived',
      labelNames: ['origin'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registry,
    })
    this.#fnCalls = new PlainCounter({
      name: 'edgeproxy_function_invocations_total',
      help: 'CloudFront Function invocations',
      labelNames: ['function', 'event'],
      registry,
    })
    this.#fnErrors = new PlainCounter({
      name: 'edgeproxy_function_errors_total',
      help: 'CloudFront Function failures: execution (503) or invalid result (502)',
      labelNames: ['function', 'event', 'kind'],
      registry,
    })
    this.#fnUtilization = new PlainHistogram({
      name: 'edgeproxy_function_compute_utilization',
      help: 'CloudFront Function compute utilization (percent of the budget), per invocation',
      labelNames: ['function', 'event'],
      buckets: [1, 5, 10, 20, 30, 50, 70, 90, 100],
      registry,
    })
    this.#lambdaDuration = new PlainHistogram({
      name: 'edgeproxy_lambda_duration_seconds',
      help: 'Lambda@Edge call duration (in its worker), per function and event',
      labelNames: ['function', 'event'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30],
      registry,
    })
    this.#lambdaErrors = new PlainCounter({
      name: 'edgeproxy_lambda_errors_total',
      help: 'Lambda@Edge failures: exception, timeout, memory, crash (503) or invalid (502)',
      labelNames: ['function', 'event', 'kind'],
      registry,
    })
    const runners = () => this.#lambdaRunners()
    new Gauge({
      name: 'edgeproxy_lambda_pool_workers',
      help: 'Lambda@Edge workers per function and state (idle, busy) and calls queued',
      labelNames: ['function', 'state'],
      registers,
      collect() {
        this.reset()
        for (const r of runners()) {
          const s = r.stats()
          this.labels(r.spec.name, 'busy').set(s.busy)
          this.labels(r.spec.name, 'idle').set(s.workers - s.busy)
          this.labels(r.spec.name, 'queued').set(s.queued)
        }
      },
    })
    cacheGauges(this.registry, cache)
  }

  /** Where the pool gauge finds the running distribution's Lambda@Edge runners. */
  watchLambdaRunners(runners: () => Iterable<EdgeRunner>): void {
    this.#lambdaRunners = runners
  }

  /** One Lambda@Edge call; `failure` when it did not produce a usable result. */
  lambdaRun(name: string, event: string, durationMs: number, failure: string | undefined): void {
    if (failure !== undefined) this.#lambdaErrors.series(name, event, failure).n++
    if (failure === 'invalid') return // counted when the call itself was
    this.#lambdaDuration.series(name, event).observe(durationMs / 1000)
  }

  /** One finished viewer request (called with the access log record). */
  request(ex: Exchange): void {
    const status = ex.res.headersSent ? ex.res.statusCode : 0
    const behavior = ex.behavior.id
    const result = ex.resultType
    let byStatus = this.#requestCounts.get(behavior)
    if (byStatus === undefined)
      this.#requestCounts.set(behavior, (byStatus = new Map<number, Map<string, RequestCount>>()))
    let byResult = byStatus.get(status)
    if (byResult === undefined) byStatus.set(status, (byResult = new Map<string, RequestCount>()))
    const count = byResult.get(result)
    if (count !== undefined) count.n++
    else byResult.set(result, { labels: [behavior, String(status), result], n: 1 })
    if (ex.originMs !== undefined && ex.origin !== undefined) {
      this.#origin.series(ex.origin.id).observe(ex.originMs / 1000)
    }
  }

  /** One CloudFront Function call; `failure` when it did not produce a usable result. */
  functionRun(
    name: string,
    event: FunctionEvent,
    utilization: number,
    failure: 'execution' | 'invalid' | undefined,
  ): void {
    this.#fnCalls.series(name, event).n++
    this.#fnUtilization.series(name, event).observe(utilization)
    // An error series appears at its first error, as a prom-client child did.
    if (failure !== undefined) this.#fnErrors.series(name, event, failure).n++
  }

  text(): Promise<string> {
    return this.registry.metrics()
  }
}

/** Cache size, objects, hit ratio and evictions, read from the store when scraped. */
function cacheGauges(registry: Registry, cache: CacheAdmin): void {
  const registers = [registry]
  const gauge = (
    name: string,
    help: string,
    read: () => number,
    aggregator: 'sum' | 'average' = 'sum',
  ) =>
    new Gauge({
      name,
      help,
      registers,
      // How the --workers primary combines the workers' values.
      aggregator,
      collect() {
        this.set(read())
      },
    })
  gauge('edgeproxy_cache_bytes', 'Bytes held by the memory cache', () => cache.stats().bytes)
  gauge(
    'edgeproxy_cache_max_bytes',
    'The memory cache bound (Server.Cache.MaxSizeMB)',
    () => cache.stats().maxBytes,
  )
  gauge('edgeproxy_cache_objects', 'Objects held by the memory cache', () => cache.stats().objects)
  gauge(
    'edgeproxy_cache_in_flight',
    'Origin fetches leading a cache key',
    () => cache.stats().inFlight,
  )
  gauge(
    'edgeproxy_cache_hit_ratio',
    'Hits (and RefreshHits) over cacheable lookups since start',
    () => {
      const s = cache.stats()
      const hits = s.hits + s.refreshHits
      return hits + s.misses === 0 ? 0 : hits / (hits + s.misses)
    },
    'average',
  )
  let evicted = 0
  new Counter({
    name: 'edgeproxy_cache_evictions_total',
    help: 'Objects evicted by the byte bound (LRU)',
    registers,
    collect() {
      const now = cache.stats().evictions
      this.inc(now - evicted)
      evicted = now
    },
  })
}
