// Requests without a body are not dumped after their response (proxy/skip-dump.ts): node's
// IncomingMessage#_dump is not called for them, keep-alive and pipelining go on as before, and a
// request with a body is still dumped, so its unread bytes do not reach the next request.
import assert from 'node:assert/strict'
import { IncomingMessage } from 'node:http'
import { after, before, describe, it } from 'node:test'
import type { Edgeproxy } from '../../proxy/main.js'
import { FAST_HITS } from '../../proxy/fast-hit/front.js'
import { SKIP_DUMP } from '../../proxy/skip-dump.js'
import { countCalls, type CallCounter } from '../helpers/count-calls.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { cachingDistribution, startProxy } from '../helpers/proxy.js'
import { exchange, get } from '../helpers/raw-http.js'

const BODY = 'cached body'

describe('bodiless requests are not dumped', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  let port = 0
  let dumps: CallCounter

  before(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': String(BODY.length),
        'cache-control': 'max-age=600',
      })
      res.end(BODY)
    })
    proxy = await startProxy(cachingDistribution(origin.port))
    port = Number(new URL(proxy.url).port)
    // Only the proxy's viewer requests: the test's own origin never sees unread bodies here.
    dumps = countCalls(
      IncomingMessage.prototype,
      '_dump',
      (req) => req.url?.startsWith('/d/') === true,
    )
    await exchange(port, get('/d/obj'), 1) // the miss that stores it
  })

  after(async () => {
    dumps.restore()
    SKIP_DUMP.enabled = true
    await proxy.close()
    await origin.close()
  })

  it('pipelined keep-alive hits: every answer, none dumped', async () => {
    dumps.reset()
    const { responses, closed } = await exchange(port, get('/d/obj').repeat(10), 10)
    assert.equal(responses.length, 10)
    for (const r of responses) {
      assert.equal(r.head[0], 'HTTP/1.1 200 OK')
      assert.equal(r.body, BODY)
    }
    assert.equal(closed, false)
    assert.equal(dumps.count, 0)
  })

  it('a Content-Length: 0 request is bodiless too', async () => {
    dumps.reset()
    const { responses } = await exchange(port, get('/d/obj', 'Content-Length: 0\r\n'), 1)
    assert.equal(responses[0]?.body, BODY)
    assert.equal(dumps.count, 0)
  })

  it('a request with a body is still dumped, and the next request on the connection is answered', async () => {
    dumps.reset()
    const post = 'POST /d/obj HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 5\r\n\r\nhello'
    const { responses, closed } = await exchange(port, post + get('/d/obj'), 2)
    assert.equal(responses.length, 2)
    assert.equal(responses[0]?.head[0], 'HTTP/1.1 403 Forbidden')
    assert.equal(responses[1]?.body, BODY)
    assert.equal(closed, false)
    assert.equal(dumps.count, 1)
  })

  it('with the switch off, node dumps every request as before', async () => {
    SKIP_DUMP.enabled = false
    FAST_HITS.enabled = false // hits on the fast path have no IncomingMessage to dump
    dumps.reset()
    const { responses } = await exchange(port, get('/d/obj').repeat(3), 3)
    assert.equal(responses.length, 3)
    assert.equal(dumps.count, 3)
    SKIP_DUMP.enabled = true
    FAST_HITS.enabled = true
  })
})
