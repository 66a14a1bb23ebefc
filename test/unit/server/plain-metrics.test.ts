// plain-metrics.ts against prom-client's own Counter and Histogram: the same observations give
// the same /metrics text and the same JSON (what the --workers primary aggregates).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client'
import type { CacheAdmin } from '../../../proxy/cache/admin-types.js'
import { Metrics } from '../../../proxy/metrics.js'
import { PlainCounter, PlainHistogram } from '../../../proxy/plain-metrics.js'

const BUCKETS = [0.001, 0.01, 0.1, 1, 10]

/** [label values, observed value] */
const OBSERVATIONS: readonly [readonly [string, string], number][] = [
  [['a', 'viewer-request'], 0.0005],
  [['a', 'viewer-request'], 0.001], // on a bound: that bucket (le is inclusive)
  [['a', 'viewer-request'], 0.0011],
  [['a', 'viewer-response'], 5],
  [['b', 'viewer-request'], 11], // above every bound: +Inf only
  [['b', 'viewer-request'], 0],
  [['a', 'viewer-request'], 1],
  [['q"uote\\', 'viewer-request'], 0.05], // label values are escaped alike
]

function both() {
  const ours = new Registry()
  const theirs = new Registry()
  const spec = {
    name: 'x_seconds',
    help: 'help text',
    labelNames: ['function', 'event'] as const,
    buckets: BUCKETS,
  }
  const h = new PlainHistogram({ ...spec, registry: ours })
  const c = new PlainCounter({ ...spec, name: 'x_total', registry: ours })
  const ph = new Histogram({ ...spec, labelNames: [...spec.labelNames], registers: [theirs] })
  const pc = new Counter({
    name: 'x_total',
    help: 'help text',
    labelNames: [...spec.labelNames],
    registers: [theirs],
  })
  for (const [[f, e], v] of OBSERVATIONS) {
    h.series(f, e).observe(v)
    c.series(f, e).n++
    ph.labels(f, e).observe(v)
    pc.labels(f, e).inc()
  }
  return { ours, theirs, h, c }
}

describe('plain-metrics', () => {
  it('writes the /metrics text prom-client writes for the same observations', async () => {
    const { ours, theirs } = both()
    const text = await ours.metrics()
    assert.equal(text, await theirs.metrics())
    assert.match(text, /x_seconds_bucket\{le="0.001",function="a",event="viewer-request"\} 2\n/)
    assert.match(text, /x_seconds_count\{function="b",event="viewer-request"\} 2\n/)
  })

  it('gives the JSON prom-client gives, so workers aggregate alike', async () => {
    const { ours, theirs } = both()
    // As the workers send it to the primary: JSON over IPC.
    const wire = async (r: Registry): Promise<unknown> =>
      JSON.parse(JSON.stringify(await r.getMetricsAsJSON()))
    assert.deepEqual(await wire(ours), await wire(theirs))
    const twice = AggregatorRegistry.aggregate([
      await ours.getMetricsAsJSON(),
      await ours.getMetricsAsJSON(),
    ])
    const expected = AggregatorRegistry.aggregate([
      await theirs.getMetricsAsJSON(),
      await theirs.getMetricsAsJSON(),
    ])
    assert.equal(await twice.metrics(), await expected.metrics())
    assert.match(await twice.metrics(), /x_total\{function="a",event="viewer-request"\} 8\n/)
  })

  it('resolves a series once: the same object for the same label values', () => {
    const { h, c } = both()
    assert.equal(h.series('a', 'viewer-request'), h.series('a', 'viewer-request'))
    assert.notEqual(c.series('a', 'viewer-request'), c.series('a', 'viewer-response'))
    assert.throws(() => c.series('a'), /x_total: 2 label values expected/)
  })

  it('reset() zeroes the series callers hold', async () => {
    const { ours, h } = both()
    const kept = h.series('a', 'viewer-request')
    ours.resetMetrics()
    kept.observe(0.5)
    const text = await ours.metrics()
    assert.match(text, /x_seconds_count\{function="a",event="viewer-request"\} 1\n/)
    assert.match(text, /x_seconds_count\{function="b",event="viewer-request"\} 0\n/)
    assert.match(text, /x_total\{function="a",event="viewer-request"\} 0\n/)
  })

  it('drops a non-finite observation instead of throwing', async () => {
    const { ours, h } = both()
    h.series('a', 'viewer-request').observe(NaN)
    h.series('a', 'viewer-request').observe(Infinity)
    assert.match(await ours.metrics(), /x_seconds_count\{function="a",event="viewer-request"\} 4\n/)
  })
})

describe('Metrics.functionRun', () => {
  const errors = (text: string): string[] =>
    text.split('\n').filter((l) => l.startsWith('edgeproxy_function_errors_total{'))
  it('shows an error series from its first error on, as prom-client children did', async () => {
    const stats = { objects: 0, bytes: 0, maxBytes: 1, hits: 0, misses: 0, refreshHits: 0 }
    const cache = {
      stats: () => ({ ...stats, evictions: 0, inFlight: 0 }),
    } as unknown as CacheAdmin
    const m = new Metrics(cache)
    m.functionRun('fn', 'viewer-request', 3, undefined)
    assert.deepEqual(errors(await m.text()), [])
    m.functionRun('fn', 'viewer-request', 100, 'invalid')
    m.functionRun('fn', 'viewer-request', 100, 'invalid')
    assert.deepEqual(errors(await m.text()), [
      'edgeproxy_function_errors_total{function="fn",event="viewer-request",kind="invalid"} 2',
    ])
    const text = await m.text()
    assert.match(
      text,
      /edgeproxy_function_invocations_total\{function="fn",event="viewer-request"\} 3\n/,
    )
    assert.match(
      text,
      /edgeproxy_function_compute_utilization_bucket\{le="5",function="fn",event="viewer-request"\} 1\n/,
    )
  })
})
