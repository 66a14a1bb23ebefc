// GET /metrics on the admin listener (design.md §3 "Metrics"): Prometheus text with requests
// by behavior, status and result type, origin latency, cache size and hit ratio, and
// CloudFront Function invocations, errors and compute utilization.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

async function get(url: string) {
  const r = await request(url)
  const text = await r.body.text()
  return { status: r.statusCode, headers: r.headers, text }
}

/** The value of one sample line, by its exact name and labels, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('admin /metrics', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  let text: string

  before(async () => {
    origin = await startOrigin((req, res) => {
      const status = req.url === '/missing' ? 404 : 200
      res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' })
      res.end('hello')
    })
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [customOrigin('app', origin.port)],
          DefaultCacheBehavior: behavior(undefined, 'app', {
            CachePolicyId: OPTIMIZED,
            OriginRequestPolicyId: undefined,
          }),
          CacheBehaviors: [
            behavior('/fn/*', 'app', {
              CachePolicyId: OPTIMIZED,
              OriginRequestPolicyId: undefined,
              FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: 'pick' }],
            }),
          ],
        },
        Functions: [{ Name: 'pick', Runtime: 'cloudfront-js-2.0', CodeFile: 'pick.js' }],
      },
      {
        files: {
          'pick.js': `function handler(event) {
  if (event.request.uri === '/fn/throw') throw new Error('boom')
  return event.request
}`,
        },
      },
    )
    await get(`${proxy.url}/a`)
    await get(`${proxy.url}/a`)
    await get(`${proxy.url}/a`)
    await get(`${proxy.url}/missing`)
    await get(`${proxy.url}/fn/ok`)
    await get(`${proxy.url}/fn/throw`)
    const r = await get(`${proxy.adminUrl}/metrics`)
    assert.equal(r.status, 200)
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/)
    text = r.text
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  it('counts requests by behavior, status and result type', () => {
    const req = (b: string, s: number, r: string) =>
      sample(text, `edgeproxy_requests_total{behavior="${b}",status="${String(s)}",result="${r}"}`)
    assert.equal(req('*', 200, 'Miss'), 1)
    assert.equal(req('*', 200, 'Hit'), 2)
    assert.equal(req('*', 404, 'Error'), 1)
    assert.equal(req('/fn/*', 200, 'Miss'), 1)
    assert.equal(req('/fn/*', 503, 'Error'), 1)
  })

  it('has an origin latency histogram per origin', () => {
    assert.equal(sample(text, 'edgeproxy_origin_duration_seconds_count{origin="app"}'), 3)
    assert.ok((sample(text, 'edgeproxy_origin_duration_seconds_sum{origin="app"}') ?? -1) > 0)
  })

  it('reports cache bytes, objects and the hit ratio', () => {
    assert.equal(sample(text, 'edgeproxy_cache_objects'), 3)
    assert.ok((sample(text, 'edgeproxy_cache_bytes') ?? 0) > 0)
    assert.equal(sample(text, 'edgeproxy_cache_max_bytes'), 256 * 1024 * 1024)
    assert.equal(sample(text, 'edgeproxy_cache_evictions_total'), 0)
    const ratio = sample(text, 'edgeproxy_cache_hit_ratio') ?? -1
    assert.ok(ratio > 0.3 && ratio < 0.5, String(ratio))
  })

  it('counts function invocations, errors and compute utilization', () => {
    const labels = '{function="pick",event="viewer-request"}'
    assert.equal(sample(text, `edgeproxy_function_invocations_total${labels}`), 2)
    assert.equal(
      sample(
        text,
        'edgeproxy_function_errors_total{function="pick",event="viewer-request",kind="execution"}',
      ),
      1,
    )
    assert.equal(sample(text, `edgeproxy_function_compute_utilization_count${labels}`), 2)
  })

  it('includes process metrics such as resident memory', () => {
    assert.ok((sample(text, 'edgeproxy_process_resident_memory_bytes') ?? 0) > 0)
    assert.ok((sample(text, 'edgeproxy_process_cpu_user_seconds_total') ?? 0) > 0)
    assert.ok(text.includes('edgeproxy_nodejs_heap_space_size_used_bytes{space="old"}'))
    assert.ok(text.includes('edgeproxy_nodejs_eventloop_lag_seconds '))
  })

  it('has no GC duration histogram (process-metrics.ts: it grew the old space)', () => {
    assert.ok(!text.includes('gc_duration'))
  })
})
