// Labelled counters and histograms whose per-event cost is a few number increments (issue #8
// "Metrics"; design.md §3). prom-client's `labels(...).inc()`/`.observe()` hash the label
// object on every call; here a caller resolves a series once (series()) and keeps it, and the
// registry reads the plain numbers when /metrics is scraped. What get() returns is what
// prom-client's Counter and Histogram return, so the text and the --workers aggregation
// (AggregatorRegistry sums per series) are the same.
import type { Registry } from 'prom-client'

/** One sample of get()'s answer, as prom-client's metrics give it. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>
  readonly value: number
  readonly metricName?: string
  /** prom-client's histogram buckets carry `exemplar: null` (none recorded). */
  readonly exemplar?: null
}

/** get()'s answer, as prom-client's metrics give it. */
interface MetricData {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'histogram'
  readonly values: Sample[]
  readonly aggregator: 'sum'
}

interface Spec<L extends string> {
  readonly name: string
  readonly help: string
  readonly labelNames: readonly L[]
  readonly registry: Registry
}

type Labels<L extends string> = Readonly<Record<L, string>>

/** Keeps one series per distinct label values, and registers itself. */
abstract class Plain<L extends string, S> {
  readonly name: string
  readonly help: string
  readonly aggregator = 'sum' as const
  abstract readonly type: 'counter' | 'histogram'
  readonly #labelNames: readonly L[]
  /** Label value → (next label's map … →) series: a lookup builds no key. */
  readonly #byValue = new Map<string, unknown>()
  /** The series in the order they were made (prom-client's order too). */
  readonly #series: { labels: Labels<L>; s: S }[] = []

  constructor(spec: Spec<L>) {
    this.name = spec.name
    this.help = spec.help
    this.#labelNames = spec.labelNames
    spec.registry.registerMetric(this as never)
  }

  protected abstract make(): S
  protected abstract zero(s: S): void

  /**
   * The series for these label values (in labelNames order), made at the first call: one Map
   * lookup per label, so callers on a hot path may call it each time.
   */
  series(...values: string[]): S {
    const last = this.#labelNames.length - 1
    if (values.length !== last + 1)
      throw new Error(`${this.name}: ${String(last + 1)} label values expected`)
    let map = this.#byValue
    for (let i = 0; i < last; i++) {
      let next = map.get(values[i]!) as Map<string, unknown> | undefined
      if (next === undefined) map.set(values[i]!, (next = new Map<string, unknown>()))
      map = next
    }
    let s = map.get(values[last]!) as S | undefined
    if (s === undefined) {
      s = this.make()
      const labels = Object.fromEntries(this.#labelNames.map((n, i) => [n, values[i]]))
      this.#series.push({ labels: labels as Labels<L>, s })
      map.set(values[last]!, s)
    }
    return s
  }

  protected entries(): Iterable<{ labels: Labels<L>; s: S }> {
    return this.#series
  }

  /** Registry.resetMetrics(): every series back to zero (callers keep theirs). */
  reset(): void {
    for (const { s } of this.#series) this.zero(s)
  }
}

export class CounterSeries {
  n = 0
}

export class PlainCounter<L extends string> extends Plain<L, CounterSeries> {
  readonly type = 'counter' as const

  protected make(): CounterSeries {
    return new CounterSeries()
  }

  protected zero(s: CounterSeries): void {
    s.n = 0
  }

  get(): Promise<MetricData> {
    const values: Sample[] = []
    for (const { labels, s } of this.entries()) values.push({ labels: { ...labels }, value: s.n })
    const { name, help, type, aggregator } = this
    return Promise.resolve({ name, help, type, values, aggregator })
  }
}

export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array
  sum = 0
  count = 0
  readonly #bounds: readonly number[]

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe(v: number): void {
    if (!Number.isFinite(v)) return // prom-client throws; a metric must never fail a request
    const bounds = this.#bounds
    let i = 0
    while (i < bounds.length && v > bounds[i]!) i++
    this.counts[i]!++
    this.sum += v
    this.count++
  }
}

export class PlainHistogram<L extends string> extends Plain<L, HistogramSeries> {
  readonly type = 'histogram' as const
  readonly #bounds: readonly number[]

  constructor(spec: Spec<L> & { readonly buckets: readonly number[] }) {
    super(spec)
    this.#bounds = [...spec.buckets].sort((a, b) => a - b)
  }

  protected make(): HistogramSeries {
    return new HistogramSeries(this.#bounds)
  }

  protected zero(s: HistogramSeries): void {
    s.counts.fill(0)
    s.sum = 0
    s.count = 0
  }

  get(): Promise<MetricData> {
    const values: Sample[] = []
    const bucket = `${this.name}_bucket`
    for (const { labels, s } of this.entries()) {
      let acc = 0
      for (let i = 0; i < this.#bounds.length; i++) {
        acc += s.counts[i]!
        const le = this.#bounds[i]!
        values.push({ labels: { le, ...labels }, value: acc, metricName: bucket, exemplar: null })
      }
      values.push({
        labels: { le: '+Inf', ...labels },
        value: s.count,
        metricName: bucket,
        exemplar: null,
      })
      values.push({ labels: { ...labels }, value: s.sum, metricName: `${this.name}_sum` })
      values.push({ labels: { ...labels }, value: s.count, metricName: `${this.name}_count` })
    }
    const { name, help, type, aggregator } = this
    return Promise.resolve({ name, help, type, values, aggregator })
  }
}
