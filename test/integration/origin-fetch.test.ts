// Origin fetch end to end (spec §1.3, §3.4, §9.1, §9.2): headers both ways, request bodies
// streamed intact, responses streamed before the origin finishes, 502 for a refused origin,
// 504 past OriginReadTimeout, OriginPath and custom headers.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { closedPort } from '../helpers/ports.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

describe('origin fetch (spec §1.3, §3.4, §9)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  let releaseStream: (() => void) | undefined

  before(async () => {
    origin = await startOrigin((req, res, body) => {
      const url = req.url ?? ''
      if (url.startsWith('/stall')) return // never answers
      if (url.startsWith('/echo')) {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'x-body-sha256': createHash('sha256').update(body).digest('hex'),
          connection: 'keep-alive, x-hop',
          'x-hop': 'must be removed',
          'keep-alive': 'timeout=77',
        })
        res.end(body)
        return
      }
      if (url.startsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.write('first chunk\n')
        releaseStream = () => res.end('last chunk\n')
        return
      }
      res.writeHead(200, { 'content-type': 'text/plain', via: '1.1 upstream' })
      res.end('ok')
    })
    const refused = await closedPort()
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [
          {
            ...customOrigin('o', origin.port, { OriginReadTimeout: 1 }),
            OriginCustomHeaders: [{ HeaderName: 'X-Origin-Verify', HeaderValue: 'secret' }],
          },
          { ...customOrigin('down', refused), ConnectionAttempts: 2 },
          { ...customOrigin('prefixed', origin.port), OriginPath: '/v2' },
        ],
        DefaultCacheBehavior: behavior(undefined, 'o'),
        CacheBehaviors: [
          behavior('/down/*', 'down'),
          behavior('/prefixed/*', 'prefixed'),
          behavior('/bare/*', 'o', { OriginRequestPolicyId: '' }),
        ],
      },
    })
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  it('sends CloudFront request headers and drops hop-by-hop ones (§3.4, §9.2)', async () => {
    const r = await request(`${proxy.url}/headers`, {
      headers: {
        'x-forwarded-for': '203.0.113.9',
        'user-agent': 'test-agent',
        'x-origin-verify': 'spoofed',
        'x-edge-foo': 'x',
        'x-real-ip': '1.2.3.4',
        'proxy-authorization': 'Basic x',
        'x-keep': 'yes',
      },
    })
    await r.body.dump()
    const seen = origin.requests.at(-1)!
    assert.equal(seen.url, '/headers')
    assert.equal(seen.headers.host, '127.0.0.1')
    assert.equal(seen.headers['user-agent'], 'test-agent', 'AllViewerExceptHostHeader forwards it')
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1')
    assert.match(String(seen.headers.via), /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/)
    assert.equal(seen.headers['x-amz-cf-id'], r.headers['x-amz-cf-id'])
    assert.equal(seen.headers['x-origin-verify'], 'secret', 'custom header overwrites the viewer')
    assert.equal(seen.headers['x-edge-foo'], undefined)
    assert.equal(seen.headers['x-real-ip'], undefined)
    assert.equal(seen.headers['proxy-authorization'], undefined)
    assert.equal(seen.headers['x-keep'], 'yes')
  })

  it("without an origin request policy only CloudFront's own headers go (§3.4 policy mode)", async () => {
    const r = await request(`${proxy.url}/bare/x?q=1`, {
      headers: { 'user-agent': 'test-agent', 'x-keep': 'yes', cookie: 'a=1', accept: 'text/html' },
    })
    await r.body.dump()
    const seen = origin.requests.at(-1)!
    assert.equal(seen.url, '/bare/x', 'no query string in the key or an ORP: none forwarded')
    assert.equal(seen.headers['user-agent'], 'Amazon CloudFront')
    assert.equal(seen.headers['x-keep'], undefined)
    assert.equal(seen.headers.cookie, undefined)
    assert.equal(seen.headers.accept, undefined)
    assert.equal(seen.headers.host, '127.0.0.1')
    assert.ok(seen.headers['x-amz-cf-id'])
  })

  it('adds CloudFront response headers (§9.1)', async () => {
    const r = await request(`${proxy.url}/plain`)
    assert.equal(await r.body.text(), 'ok')
    assert.equal(r.headers['x-cache'], 'Miss from cloudfront')
    assert.match(String(r.headers['x-amz-cf-pop']), /^[A-Z]{3,}\d+-[A-Z]\d+$/)
    assert.match(String(r.headers['x-amz-cf-id']), /^[A-Za-z0-9_-]{54}==$/)
    assert.match(
      String(r.headers['via']),
      /^1\.1 upstream, 1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/,
    )
  })

  it('removes hop-by-hop and Connection-listed response headers', async () => {
    const r = await request(`${proxy.url}/echo`, { method: 'POST', body: 'x' })
    await r.body.dump()
    assert.equal(r.headers['x-hop'], undefined)
    assert.notEqual(r.headers['keep-alive'], 'timeout=77', "the origin's Keep-Alive is its own")
  })

  it('a 3 MB POST body reaches the origin intact', async () => {
    const payload = randomBytes(3 * 1024 * 1024)
    const r = await request(`${proxy.url}/echo`, { method: 'POST', body: payload })
    const back = Buffer.from(await r.body.arrayBuffer())
    assert.equal(r.statusCode, 200)
    const digest = createHash('sha256').update(payload).digest('hex')
    assert.equal(r.headers['x-body-sha256'], digest)
    assert.equal(origin.requests.at(-1)!.body.length, payload.length)
    assert.ok(back.equals(payload))
  })

  it('a chunked POST body (no Content-Length) reaches the origin intact', async () => {
    const chunks = Readable.from([Buffer.from('part one, '), Buffer.from('part two')])
    const r = await request(`${proxy.url}/echo`, { method: 'PUT', body: chunks })
    assert.equal(await r.body.text(), 'part one, part two')
  })

  it('streams a response to the viewer before the origin has finished it', async () => {
    const r = await request(`${proxy.url}/stream`)
    assert.equal(r.statusCode, 200)
    const it = r.body[Symbol.asyncIterator]()
    const first = await it.next()
    assert.match(String(first.value), /first chunk/)
    // The origin has not ended the response yet; release it only now.
    assert.ok(releaseStream, 'origin is still holding the response open')
    releaseStream()
    let rest = ''
    for (let n = await it.next(); n.done !== true; n = await it.next()) rest += String(n.value)
    assert.match(rest, /last chunk/)
  })

  it('applies OriginPath (§1.3)', async () => {
    const r = await request(`${proxy.url}/prefixed/a?q=1`)
    await r.body.dump()
    assert.equal(origin.requests.at(-1)!.url, '/v2/prefixed/a?q=1')
  })

  it('502 when the origin refuses the connection', async () => {
    const r = await request(`${proxy.url}/down/x`)
    assert.equal(r.statusCode, 502)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.match(await r.body.text(), /502 Bad Gateway ERROR/)
  })

  it('504 when the origin stalls past OriginReadTimeout (1 s)', async () => {
    const started = Date.now()
    const r = await request(`${proxy.url}/stall`, { method: 'POST', body: 'x' })
    const elapsed = Date.now() - started
    assert.equal(r.statusCode, 504)
    assert.match(await r.body.text(), /504 Gateway Timeout ERROR/)
    assert.ok(elapsed >= 900 && elapsed < 5000, `took ${String(elapsed)} ms`)
  })

  it('GET past OriginReadTimeout is tried ConnectionAttempts times, then 504', async () => {
    const before = origin.requests.length
    const r = await request(`${proxy.url}/stall-get`)
    assert.equal(r.statusCode, 504)
    await r.body.dump()
    assert.equal(origin.requests.length - before, 3, 'default ConnectionAttempts is 3')
  })
})
