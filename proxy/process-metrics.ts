// Process metrics for the admin listener's /metrics (design.md §3 "Metrics", issue #8):
// prom-client's default collectors — CPU, memory, heap and heap spaces, event loop lag,
// handles, file descriptors, version — without its GC duration histogram. That one watches
// every garbage collection through a PerformanceObserver, and Node 20 builds each `gc` entry
// with fresh deprecation wrappers that ended up in the old space: under a hit load (about 20
// scavenges a second) the heap left after each scavenge grew 4.3 MB a minute with it and
// stayed flat without it (--trace-gc, 30 s at 26–29k req/s), which showed as a climbing RSS.
import { createRequire } from 'node:module'
import { collectDefaultMetrics, type Registry } from 'prom-client'

/** prom-client default collectors left out (names as in collectDefaultMetrics.metricsList). */
export const LEFT_OUT_COLLECTORS: readonly string[] = ['gc']

type Collector = (registry: Registry, config: Readonly<Record<string, unknown>>) => void
const require = createRequire(import.meta.url)

/** Registers prom-client's default collectors but LEFT_OUT_COLLECTORS, names prefixed. */
export function collectProcessMetrics(registry: Registry, prefix: string): void {
  // What collectDefaultMetrics passes each collector (its default precision included).
  const config = { register: registry, prefix, eventLoopMonitoringPrecision: 10 }
  for (const name of collectDefaultMetrics.metricsList) {
    if (LEFT_OUT_COLLECTORS.includes(name)) continue
    // prom-client has no "exports" map: its collectors are lib/metrics/<name>.js.
    const collector = require(`prom-client/lib/metrics/${name}.js`) as Collector
    collector(registry, config)
  }
}
