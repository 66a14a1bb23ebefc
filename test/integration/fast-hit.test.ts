// The fast hit path (proxy/fast-hit/): plain hits answered on the socket are byte for byte what
// the node:http path answers, with the same access line and metrics; every other request hands
// its connection to node:http in order (pipelined, split heads, bodies, bad heads); shutdown
// ends the connections still on the fast path.
import assert from 'node:assert/strict'
import { ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { after, before, beforeEach, describe, it } from 'node:test'
import { pino } from 'pino'
import { FAST_HITS } from '../../proxy/fast-hit/front.js'
import type { Edgeproxy } from '../../proxy/main.js'
import { captureLines } from '../helpers/log-lines.js'
import { countCalls, type CallCounter } from '../helpers/count-calls.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { exchange, get, masked } from '../helpers/raw-http.js'
import {
  behavior,
  CACHING_OPTIMIZED,
  cachingDistribution,
  customOrigin,
  startProxy,
} from '../helpers/proxy.js'

const BODY = 'y'.repeat(700)

describe('fast hit path', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  let port: number
  /** Responses node:http finished (the fast path makes none). */
  let nodeEnds: CallCounter
  const { lines, sink } = captureLines()

  before(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': String(BODY.length),
        'cache-control': 'max-age=600',
        etag: '"v1"',
      })
      res.end(req.method === 'HEAD' ? undefined : BODY)
    })
    proxy = await startProxy(cachingDistribution(origin.port), {
      logger: pino({ level: 'info' }, sink),
    })
    port = Number(new URL(proxy.url).port)
    nodeEnds = countCalls(ServerResponse.prototype, 'end')
    await exchange(port, get('/obj'), 1) // the miss that stores it
  })

  beforeEach(() => {
    nodeEnds.reset()
    lines.length = 0
    FAST_HITS.enabled = true
  })

  after(async () => {
    nodeEnds.restore()
    FAST_HITS.enabled = true
    await proxy.close()
    await origin.close()
  })

  const accessLines = () => lines.filter((l) => l['msg'] === 'access')

  it('answers a plain hit itself, with the bytes and access line of the node:http path', async () => {
    const fast = await exchange(port, get('/obj', 'User-Agent: t/1\r\nReferer: /r\r\n'), 1)
    assert.equal(nodeEnds.count, 0, 'node:http answered the hit')
    FAST_HITS.enabled = false
    const node = await exchange(port, get('/obj', 'User-Agent: t/1\r\nReferer: /r\r\n'), 1)
    assert.equal(nodeEnds.count, 1)
    assert.deepEqual(masked(fast.responses[0]!.head), masked(node.responses[0]!.head))
    assert.equal(fast.responses[0]!.body, BODY)
    assert.ok(fast.responses[0]!.head.includes('x-cache: Hit from cloudfront'))
    assert.equal(fast.closed, false)

    const [a, b] = accessLines()
    assert.ok(a && b)
    const perRequest = ['time', 'date', 'x-edge-request-id', 'c-port', 'reqId']
    perRequest.push('time-taken', 'time-to-first-byte')
    const same = (l: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(l).filter(([k]) => !perRequest.includes(k)))
    assert.deepEqual(same(a), same(b))
    assert.equal(a['x-edge-result-type'], 'Hit')
    assert.equal(a['sc-status'], 200)
    assert.equal(a['cs(User-Agent)'], 't/1')
    assert.equal(a['cs(Referer)'], '/r')
    assert.ok(Number(a['sc-bytes']) > BODY.length)
    assert.ok(Number(a['cs-bytes']) > 0)
  })

  it('counts a fast hit in the request metrics and the cache hit counter', async () => {
    const sample = async () => {
      const text = await (await fetch(`${proxy.adminUrl}/metrics`)).text()
      const line = text
        .split('\n')
        .find((l) =>
          l.startsWith('edgeproxy_requests_total{behavior="*",status="200",result="Hit"}'),
        )
      return Number(line?.split(' ')[1] ?? 0)
    }
    const before = await sample()
    nodeEnds.reset() // the admin listener's answer
    await exchange(port, get('/obj') + get('/obj'), 2)
    assert.equal(nodeEnds.count, 0)
    assert.equal((await sample()) - before, 2)
  })

  it('hands a pipelined range request, and the rest of its connection, to node in order', async () => {
    const { responses, closed } = await exchange(
      port,
      get('/obj') + get('/obj', 'Range: bytes=0-9\r\n') + get('/obj') + get('/obj'),
      4,
    )
    assert.deepEqual(
      responses.map((r) => r.head[0]),
      ['HTTP/1.1 200 OK', 'HTTP/1.1 206 Partial Content', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'],
    )
    assert.equal(responses[1]!.body, BODY.slice(0, 10))
    assert.equal(responses[3]!.body, BODY)
    assert.equal(nodeEnds.count, 3, 'the range request and both after it went to node')
    assert.equal(closed, false)
    const ids = accessLines().map((l) => l['x-edge-request-id'])
    assert.equal(new Set(ids).size, 4)
  })

  it('logs the bytes of each request and response: fast hits exactly, none twice at a hand-over', async () => {
    const range = get('/obj', 'Range: bytes=0-9\r\n')
    const requests = [get('/obj'), get('/obj', 'X-Pad: pppp\r\n'), range, get('/obj')]
    const { responses } = await exchange(port, requests.join(''), 4)
    assert.equal(nodeEnds.count, 2, 'the range request and the one after it went to node')
    const onWire = responses.map((r) => r.head.join('\r\n').length + 4 + r.body.length)
    const lines = accessLines()
    assert.equal(lines.length, 4)
    // The fast path counts its own; node's exchanges share what the socket counted after them.
    for (const i of [0, 1]) {
      assert.equal(lines[i]!['cs-bytes'], requests[i]!.length, `request ${String(i)}`)
      assert.equal(lines[i]!['sc-bytes'], onWire[i], `response ${String(i)}`)
    }
    // The rest of the chunk was read before the hand-over: the first of node's exchanges gets it.
    assert.equal(lines[2]!['cs-bytes'], requests[2]!.length + requests[3]!.length)
    assert.equal(lines[3]!['cs-bytes'], 0)
    // What the fast path wrote is not counted again for node's first exchange.
    assert.equal(lines[2]!['sc-bytes'], onWire[2])
  })

  it('serves HEAD hits without a body, framed for the next request', async () => {
    const { responses } = await exchange(
      port,
      'HEAD /obj HTTP/1.1\r\nHost: edge.test\r\n\r\n' + get('/obj'),
      2,
    )
    assert.ok(responses[0]!.head.includes(`content-length: ${String(BODY.length)}`))
    assert.equal(responses[0]!.body, '')
    assert.equal(responses[1]!.body, BODY)
    assert.equal(nodeEnds.count, 0)
  })

  it('hands a head split across packets to node, which answers it', async () => {
    const text = get('/obj')
    const answer = await rawRoundTrip(port, [text.slice(0, 9), text.slice(9)])
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/)
    assert.match(answer, /x-cache: Hit from cloudfront/)
    assert.equal(nodeEnds.count, 1)
  })

  it('hands a request with a body to node after fast hits on the same connection', async () => {
    const post = 'POST /obj HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 3\r\n\r\nabc'
    const { responses } = await exchange(port, get('/obj') + post + get('/obj'), 3)
    assert.equal(responses[0]!.head[0], 'HTTP/1.1 200 OK')
    assert.equal(responses[1]!.head[0], 'HTTP/1.1 403 Forbidden', 'POST is not allowed here')
    assert.equal(responses[2]!.body, BODY)
    assert.equal(nodeEnds.count, 2)
  })

  it('leaves a malformed head to node, which refuses it', async () => {
    const answer = await rawRoundTrip(port, ['GET /obj HTTP/1.1\r\nBad Name: x\r\n\r\n'])
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/)
  })

  it('leaves a request without Host to node, which refuses it', async () => {
    const answer = await rawRoundTrip(port, ['GET /obj HTTP/1.1\r\n\r\n'])
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/)
  })

  it('leaves Proxy-Connection: close to node, which closes the connection', async () => {
    const r = await exchange(port, get('/obj', 'Proxy-Connection: close\r\n'), 1)
    assert.equal(r.responses[0]!.body, BODY)
    assert.equal(r.closed, true)
    assert.equal(nodeEnds.count, 1)
  })

  it('leaves hits of behaviors with a viewer function or a response headers policy to node', async () => {
    const cached = { CachePolicyId: CACHING_OPTIMIZED, OriginRequestPolicyId: '' }
    const config = {
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'o', cached),
        CacheBehaviors: [
          behavior('/rhp/*', 'o', {
            ...cached,
            ResponseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03', // SecurityHeaders
          }),
          behavior('/fn/*', 'o', {
            ...cached,
            FunctionAssociations: [{ EventType: 'viewer-response', FunctionARN: 'tag' }],
          }),
        ],
      },
      Functions: [{ Name: 'tag', Runtime: 'cloudfront-js-2.0', CodeFile: 'tag.js' }],
    }
    const tag = `function handler(event) {
  event.response.headers['x-tag'] = { value: 'ran' }
  return event.response
}`
    const own = await startProxy(config, { files: { 'tag.js': tag } })
    const ownPort = Number(new URL(own.url).port)
    try {
      for (const [path, line] of [
        ['/rhp/x', 'x-frame-options: SAMEORIGIN'],
        ['/fn/x', 'x-tag: ran'],
      ] as const) {
        await exchange(ownPort, get(path), 1) // stores it
        nodeEnds.reset()
        const { responses } = await exchange(ownPort, get(path), 1)
        assert.ok(responses[0]!.head.includes('x-cache: Hit from cloudfront'), path)
        assert.ok(responses[0]!.head.includes(line), `${path}: ${responses[0]!.head.join(' | ')}`)
        assert.equal(nodeEnds.count, 1, `${path} went through node:http`)
      }
    } finally {
      await own.close()
    }
  })

  it('ends the connections still on the fast path at shutdown', async () => {
    const own = await startProxy(cachingDistribution(origin.port))
    const ownPort = Number(new URL(own.url).port)
    await exchange(ownPort, get('/obj'), 1) // stores it
    const socket = connect(ownPort, '127.0.0.1')
    const ended = new Promise<string>((resolve) => {
      let got = ''
      socket.on('data', (c: Buffer) => (got += c.toString('latin1')))
      socket.on('end', () => resolve(got))
    })
    socket.write(get('/obj'))
    await new Promise((r) => setTimeout(r, 50))
    const started = Date.now()
    await own.close()
    const got = await ended
    socket.destroy()
    assert.match(got, /x-cache: Hit from cloudfront/)
    assert.ok(Date.now() - started < 2000, 'close waited on an idle fast connection')
  })
})

/** Writes `parts` with a pause between them and returns what came back within 300 ms. */
function rawRoundTrip(port: number, parts: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let got = ''
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')))
    socket.on('error', reject)
    let i = 0
    const next = () => {
      if (i < parts.length) {
        socket.write(parts[i++]!)
        setTimeout(next, 30)
      } else {
        setTimeout(() => {
          socket.destroy()
          resolve(got)
        }, 300)
      }
    }
    next()
  })
}
