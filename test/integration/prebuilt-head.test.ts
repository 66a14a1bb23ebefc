// A cache hit's head written as prebuilt text (proxy/prebuilt-head.ts) against node's own
// writeHead: the same bytes but for Age and X-Amz-Cf-Id, keep-alive and pipelining intact,
// and writeHead still used where node must decide (Connection: close, HTTP/1.0, HEAD framing).
import assert from 'node:assert/strict'
import { ServerResponse } from 'node:http'
import { after, before, describe, it } from 'node:test'
import type { Edgeproxy } from '../../proxy/main.js'
import { PREBUILT_HEADS } from '../../proxy/prebuilt-head.js'
import { countCalls, type CallCounter } from '../helpers/count-calls.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { exchange, get, masked } from '../helpers/raw-http.js'
import { cachingDistribution, startProxy } from '../helpers/proxy.js'

const BODY = 'x'.repeat(300)

describe('prebuilt hit heads', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  let port: number
  let writeHeads: CallCounter

  before(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': String(BODY.length),
        'cache-control': 'max-age=600',
        'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
        etag: '"v1"',
      })
      res.end(req.method === 'HEAD' ? undefined : BODY)
    })
    proxy = await startProxy(cachingDistribution(origin.port))
    port = Number(new URL(proxy.url).port)
    writeHeads = countCalls(ServerResponse.prototype, 'writeHead')
    await exchange(port, get('/obj'), 1) // the miss that stores it
  })

  after(async () => {
    writeHeads.restore()
    PREBUILT_HEADS.enabled = true
    await proxy.close()
    await origin.close()
  })

  it('writes keep-alive hits as text, byte for byte what writeHead writes', async () => {
    writeHeads.reset()
    const text = await exchange(port, get('/obj'), 1)
    assert.equal(writeHeads.count, 0, 'the hit went through writeHead')
    PREBUILT_HEADS.enabled = false
    const node = await exchange(port, get('/obj'), 1)
    PREBUILT_HEADS.enabled = true
    assert.equal(writeHeads.count, 1)
    assert.deepEqual(masked(text.responses[0]!.head), masked(node.responses[0]!.head))
    const head = text.responses[0]!.head
    assert.equal(head[0], 'HTTP/1.1 200 OK')
    assert.ok(head.includes('x-cache: Hit from cloudfront'))
    assert.ok(head.includes('Connection: keep-alive'))
    assert.deepEqual(
      head.filter((l) => l.startsWith('set-cookie')),
      ['set-cookie: a=1; Path=/', 'set-cookie: b=2; Path=/'],
    )
    assert.equal(text.responses[0]!.body, BODY)
    assert.equal(text.closed, false)
  })

  it('serves sequential and pipelined hits on one connection', async () => {
    const { responses, closed } = await exchange(port, get('/obj') + get('/obj') + get('/obj'), 3)
    assert.equal(responses.length, 3)
    for (const r of responses) {
      assert.equal(r.head[0], 'HTTP/1.1 200 OK')
      assert.equal(r.body, BODY)
    }
    const ids = new Set(responses.map((r) => r.head.find((l) => l.startsWith('x-amz-cf-id'))))
    assert.equal(ids.size, 3, 'each response carries its own request id')
    assert.equal(closed, false)
  })

  it('leaves Connection: close, HTTP/1.0 and HEAD framing to node', async () => {
    writeHeads.reset()
    const close = await exchange(port, get('/obj', 'Connection: close\r\n'), 1)
    assert.ok(close.responses[0]!.head.includes('Connection: close'))
    assert.equal(close.responses[0]!.body, BODY)
    assert.equal(close.closed, true)
    const http10 = await exchange(port, 'GET /obj HTTP/1.0\r\nHost: edge.test\r\n\r\n', 1)
    assert.equal(http10.responses[0]!.body, BODY)
    assert.equal(writeHeads.count, 2)
    const head = await exchange(
      port,
      'HEAD /obj HTTP/1.1\r\nHost: edge.test\r\n\r\n' + get('/obj'),
      2,
    )
    assert.equal(head.responses[0]!.head[0], 'HTTP/1.1 200 OK')
    assert.ok(head.responses[0]!.head.includes(`content-length: ${String(BODY.length)}`))
    assert.equal(head.responses[0]!.body, '')
    assert.equal(head.responses[1]!.body, BODY, 'the response after a HEAD is framed right')
  })
})
