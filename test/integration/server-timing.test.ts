// Server-Timing from a response headers policy (spec §3.8, §9.1): on a sampled response, or
// always with `Pragma: server-timing`; the edge's metrics, with the origin's own value after
// them on a miss and dropped on a hit.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
const timingPolicy = (name: string, samplingRate: number) => ({
  Id: name,
  ResponseHeadersPolicyConfig: {
    Name: name,
    ServerTimingHeadersConfig: { Enabled: true, SamplingRate: samplingRate },
  },
})

describe('Server-Timing (spec §9.1)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy

  before(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'server-timing': 'app;dur=7' })
      res.end('body')
    })
    const cached = (policy: string) => ({
      CachePolicyId: OPTIMIZED,
      OriginRequestPolicyId: '',
      ResponseHeadersPolicyId: policy,
    })
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'o'),
        CacheBehaviors: [
          behavior('/always/*', 'o', cached('always')),
          behavior('/never/*', 'o', cached('never')),
        ],
      },
      ResponseHeadersPolicies: [timingPolicy('always', 100), timingPolicy('never', 0)],
    })
  })

  after(async () => {
    await proxy.close()
    await origin.close()
  })

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await request(`${proxy.url}${path}`, { headers })
    await r.body.dump()
    return r.headers
  }

  it('a miss: the edge metrics, then the origin value', async () => {
    const h = await get('/always/a')
    assert.equal(h['x-cache'], 'Miss from cloudfront')
    const v = String(h['server-timing'])
    assert.match(v, /^cdn-cache-miss,cdn-pop;desc="[^"]+",cdn-rid;desc="([^"]+)",/)
    assert.equal(/cdn-rid;desc="([^"]+)"/.exec(v)?.[1], h['x-amz-cf-id'])
    assert.match(v, /cdn-upstream-layer;desc="Origin",cdn-upstream-fbl;dur=\d+/)
    assert.match(v, /cdn-downstream-fbl;dur=\d+,app;dur=7$/)
  })

  it('a hit: cdn-cache-hit from the EDGE layer, the origin value dropped', async () => {
    const h = await get('/always/a')
    assert.equal(h['x-cache'], 'Hit from cloudfront')
    const v = String(h['server-timing'])
    assert.match(
      v,
      /^cdn-cache-hit,cdn-pop;desc="[^"]+",cdn-rid;desc="[^"]+",cdn-hit-layer;desc="EDGE"/,
    )
    assert.doesNotMatch(v, /app;dur|cdn-upstream/)
  })

  it('sampling 0 %: the origin value passes untouched, unless Pragma: server-timing asks', async () => {
    assert.equal((await get('/never/b'))['server-timing'], 'app;dur=7')
    const asked = String((await get('/never/b', { pragma: 'server-timing' }))['server-timing'])
    assert.match(asked, /^cdn-cache-hit,/)
  })
})
