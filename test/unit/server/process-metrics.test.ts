// Process metrics (proxy/process-metrics.ts): prom-client's default collectors less the GC
// duration histogram, so a prom-client update that adds or renames a collector shows here.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { collectProcessMetrics, LEFT_OUT_COLLECTORS } from '../../../proxy/process-metrics.js'

const names = async (r: Registry): Promise<string[]> =>
  (await r.getMetricsAsJSON()).map((m) => m.name).sort()

describe('collectProcessMetrics', () => {
  it('registers the default metrics but the GC duration histogram, with the prefix', async () => {
    const defaults = new Registry()
    collectDefaultMetrics({ register: defaults, prefix: 'p_' })
    const ours = new Registry()
    collectProcessMetrics(ours, 'p_')
    const want = (await names(defaults)).filter((n) => n !== 'p_nodejs_gc_duration_seconds')
    assert.deepEqual(await names(ours), want)
    assert.ok(want.includes('p_process_resident_memory_bytes'))
  })

  it('leaves out only collectors prom-client has', () => {
    for (const name of LEFT_OUT_COLLECTORS)
      assert.ok(collectDefaultMetrics.metricsList.includes(name))
  })
})
