// An origin's ResponseCompletionTimeout (spec §1.2, §1.3): the whole response within that many
// seconds over every attempt, or the request is ended — a 504 while no head has come, a cut
// body after it (a cached behavior's 502, never stored) — even when every gap between bytes
// is shorter than OriginReadTimeout.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

describe('ResponseCompletionTimeout', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  const count = (part: string) => origin.requests.filter((r) => r.url.includes(part)).length

  before(async () => {
    origin = await startOrigin(async (req, res) => {
      const url = req.url ?? ''
      if (url.includes('/slow-head')) await sleep(1500)
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' })
      // Gaps of 400 ms (under the 1 s read timeout), about 3.2 s in all.
      for (let i = 0; i < 8 && url.includes('/trickle'); i++) {
        res.write(`chunk ${String(i)}\n`)
        await sleep(400)
      }
      res.end('end\n')
    })
    const timeouts = { OriginReadTimeout: 1 }
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [
          { ...customOrigin('bounded', origin.port, timeouts), ResponseCompletionTimeout: 2 },
          customOrigin('open', origin.port, timeouts),
        ],
        DefaultCacheBehavior: behavior(undefined, 'bounded'),
        CacheBehaviors: [
          behavior('/cached/*', 'bounded', { CachePolicyId: OPTIMIZED, OriginRequestPolicyId: '' }),
          behavior('/open/*', 'open'),
        ],
      },
    })
  })

  after(async () => {
    await proxy.close()
    await origin.close()
  })

  const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const started = Date.now()
    const value = await run()
    return [value, Date.now() - started]
  }

  it('cuts a streamed body still arriving at the deadline', async () => {
    const [cut, ms] = await timed(async () => {
      const r = await request(`${proxy.url}/trickle/a`)
      assert.equal(r.statusCode, 200)
      return r.body.text().then(
        () => false,
        () => true,
      )
    })
    assert.equal(cut, true, 'the viewer connection is cut, not ended cleanly')
    assert.ok(ms >= 1800 && ms < 3000, `cut after ${String(ms)} ms`)
  })

  it('a cached behavior answers 502 and stores nothing', async () => {
    const [status, ms] = await timed(async () => {
      const r = await request(`${proxy.url}/cached/trickle/b`)
      await r.body.dump()
      return r.statusCode
    })
    assert.equal(status, 502)
    assert.ok(ms >= 1800 && ms < 3000, `502 after ${String(ms)} ms`)
    const again = await request(`${proxy.url}/cached/trickle/b`)
    await again.body.dump()
    assert.equal(count('/cached/trickle/b'), 2, 'the cut object was not stored')
  })

  it('answers 504 when no head has come by the deadline, whatever attempts are left', async () => {
    const [status, ms] = await timed(async () => {
      const r = await request(`${proxy.url}/slow-head`)
      await r.body.dump()
      return r.statusCode
    })
    assert.equal(status, 504)
    // Read timeouts of 1 s: the second attempt is cut at 2 s, the third never made.
    assert.ok(ms >= 1800 && ms < 2600, `504 after ${String(ms)} ms`)
    assert.equal(count('/slow-head'), 2)
  })

  it('without it, the same slow body arrives whole', async () => {
    const r = await request(`${proxy.url}/open/trickle/c`)
    assert.equal(r.statusCode, 200)
    assert.match(await r.body.text(), /chunk 7\nend\n$/)
  })
})
