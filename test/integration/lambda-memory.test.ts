// A Node.js Lambda@Edge handler's MemorySize covers its heap and ArrayBuffer memory through
// the proxy (spec §8.6): one array grown past the heap limit, one Buffer of 3 × MemorySize, or
// many kept Buffers summing past it, fail that request with 503 (LambdaExecutionError); the
// proxy carries on,
// other requests through the same pool and other functions succeed, and a handler under the
// limit keeps working (test/fixtures/lambda/node/memory.mjs).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/lambda/node', import.meta.url))

const viewerRequest = (name: string) => ({
  LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: name }],
})

describe('Lambda@Edge MemorySize covers ArrayBuffer memory (spec §8.6)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy

  before(async () => {
    origin = await startOrigin((req, res) => {
      const h = req.headers
      res.end(`${req.url ?? ''} bytes=${String(h['x-bytes'])} memory=${String(h['x-memory'])}`)
    })
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('a', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'a'),
        CacheBehaviors: [
          behavior('/mem/*', 'a', viewerRequest('memory')),
          behavior('/vr/*', 'a', viewerRequest('vreq')),
        ],
      },
      LambdaFunctions: [
        {
          Name: 'memory',
          CodeFile: join(FIXTURES, 'memory.mjs'),
          Runtime: 'nodejs20.x',
          MemorySize: 128,
          PoolSize: 2,
        },
        { Name: 'vreq', CodeFile: join(FIXTURES, 'vreq.mjs'), Runtime: 'nodejs20.x' },
      ],
    })
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  const get = async (path: string) => {
    const r = await request(`${proxy.url}${path}`)
    return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
  }

  it('one Buffer of 3 × MemorySize → 503; requests beside it and after it succeed', async () => {
    const [huge, ...others] = await Promise.all([
      get('/mem/huge'),
      get('/mem/ok'),
      get('/mem/ok'),
      get('/vr/old/page'),
    ])
    assert.equal(huge.status, 503)
    assert.match(huge.text, /Lambda function/)
    assert.equal(huge.headers['x-cache'], 'Error from cloudfront')
    for (const o of others) assert.equal(o.status, 200)
    // The failed worker was replaced: the same function and another one answer.
    const next = await Promise.all([get('/mem/ok'), get('/mem/ok'), get('/vr/old/again')])
    for (const n of next) assert.equal(n.status, 200)
    assert.equal(next[0].text, '/mem/ok bytes=undefined memory=ok')
    assert.match(next[2].text, /^\/vr\/new\/again /)
  })

  it('one array grown past the heap limit → 503, alone; the proxy carries on', async () => {
    const [heap, ...others] = await Promise.all([
      get('/mem/heap'),
      get('/mem/ok'),
      get('/vr/old/beside'),
    ])
    assert.equal(heap.status, 503)
    assert.match(heap.text, /Lambda function/)
    for (const o of others) assert.equal(o.status, 200)
    assert.equal((await get('/mem/ok')).status, 200)
  })

  it('many smaller Buffers kept past MemorySize → 503, and the pool recovers', async () => {
    const r = await get('/mem/many')
    assert.equal(r.status, 503)
    assert.equal((await get('/mem/ok')).status, 200)
  })

  it('a handler under MemorySize works, call after call', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await get('/mem/moderate')
      assert.equal(r.status, 200)
      assert.equal(r.text, `/mem/moderate bytes=${String(64 * 1024 * 1024)} memory=undefined`)
    }
  })

  it('metrics count the failures as kind memory', async () => {
    const text = await (await request(`${proxy.adminUrl}/metrics`)).body.text()
    assert.match(
      text,
      /edgeproxy_lambda_errors_total\{function="memory",event="viewer-request",kind="memory"\} 3/,
    )
    assert.match(text, /edgeproxy_lambda_pool_workers\{function="memory",state="idle"\} 2/)
  })
})
