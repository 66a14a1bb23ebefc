// Refusals before any origin is asked: viewer protocol policy (§11.5), allowed methods
// (§11.6) and size limits (§11.9), all against a real proxy; the origin must see nothing.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

/** Sends raw bytes and returns everything the server answers before it closes. */
function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.write(payload)
  })
}

describe('viewer rules (spec §11.5, §11.6, §11.9)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy

  before(async () => {
    origin = await startOrigin()
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'o'),
        CacheBehaviors: [
          behavior('/secure/*', 'o', { ViewerProtocolPolicy: 'https-only' }),
          behavior('/redirect/*', 'o', { ViewerProtocolPolicy: 'redirect-to-https' }),
          behavior('/readonly/*', 'o', { AllowedMethods: ['GET', 'HEAD'] }),
          behavior('/withoptions/*', 'o', { AllowedMethods: ['GET', 'HEAD', 'OPTIONS'] }),
        ],
      },
    })
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  it('redirect-to-https: GET → 301 with an https Location keeping path and query', async () => {
    const r = await request(`${proxy.url}/redirect/a?b=1`, { headers: { host: 'www.example.com' } })
    assert.equal(r.statusCode, 301)
    assert.equal(r.headers['location'], 'https://www.example.com/redirect/a?b=1')
    assert.equal(r.headers['x-cache'], 'Redirect from cloudfront')
    await r.body.dump()
  })

  it('redirect-to-https: POST → 307', async () => {
    const r = await request(`${proxy.url}/redirect/a`, { method: 'POST', body: 'x' })
    assert.equal(r.statusCode, 307)
    assert.match(String(r.headers['location']), /^https:\/\/127\.0\.0\.1\/redirect\/a$/)
    await r.body.dump()
  })

  it('https-only over HTTP → 403 with a CloudFront error page', async () => {
    const r = await request(`${proxy.url}/secure/x`)
    assert.equal(r.statusCode, 403)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.equal(r.headers['server'], 'CloudFront')
    const html = await r.body.text()
    assert.match(html, /ERROR: The request could not be satisfied/)
    assert.match(html, new RegExp(`Request ID: ${String(r.headers['x-amz-cf-id'])}`))
  })

  const METHODS: readonly [path: string, method: string, status: number][] = [
    ['/readonly/x', 'POST', 403],
    ['/readonly/x', 'DELETE', 403],
    ['/readonly/x', 'OPTIONS', 403],
    ['/withoptions/x', 'OPTIONS', 200],
    ['/withoptions/x', 'PUT', 403],
    ['/other', 'PATCH', 200],
    ['/other', 'TRACE', 403],
  ]
  for (const [path, method, status] of METHODS) {
    it(`${method} ${path} → ${String(status)} (AllowedMethods)`, async () => {
      const r = await request(`${proxy.url}${path}`, { method })
      assert.equal(r.statusCode, status)
      await r.body.dump()
    })
  }

  it('GET with a body → 403', async () => {
    const res = await rawExchange(
      proxy.server.http.port,
      'GET /other HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
    )
    assert.match(res, /^HTTP\/1\.1 403 /)
  })

  it('a URL over 8,192 bytes → 413 and the connection closes', async () => {
    const before = origin.requests.length
    const res = await rawExchange(
      proxy.server.http.port,
      `GET /${'a'.repeat(8200)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    )
    assert.match(res, /^HTTP\/1\.1 413 /)
    assert.match(res, /connection: close/i)
    assert.equal(origin.requests.length, before)
  })

  it('headers over 20,480 bytes → 413', async () => {
    const r = await request(`${proxy.url}/other`, { headers: { 'x-big': 'v'.repeat(21000) } })
    assert.equal(r.statusCode, 413)
    await r.body.dump()
  })

  it('headers too large for the parser (100 KB) → 413, not 431', async () => {
    const res = await rawExchange(
      proxy.server.http.port,
      `GET /other HTTP/1.1\r\nHost: x\r\nX-Huge: ${'v'.repeat(100_000)}\r\n\r\n`,
    )
    assert.match(res, /^HTTP\/1\.1 413 /)
  })

  it('none of the refused requests reached the origin', () => {
    for (const r of origin.requests) {
      assert.doesNotMatch(r.url, /^\/(secure|redirect|readonly)\//)
      assert.notEqual(r.method, 'TRACE')
    }
  })
})

describe('behaviors that require signed URLs (spec §6; more in signed-urls.test.ts)', () => {
  it('an unsigned request: 403 MissingKey, and the origin is never asked', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const pem = String(publicKey.export({ type: 'spki', format: 'pem' }))
    const origin = await startOrigin()
    const proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'o'),
        CacheBehaviors: [behavior('/private/*', 'o', { TrustedKeyGroups: ['kg-1'] })],
      },
      KeyGroups: [{ Id: 'kg-1', Name: 'kg-1', PublicKeys: [{ Id: 'K1', EncodedKey: pem }] }],
    })
    try {
      const r = await request(`${proxy.url}/private/report.pdf`)
      assert.equal(r.statusCode, 403)
      assert.equal(r.headers['content-type'], 'text/xml')
      assert.match(await r.body.text(), /<Code>MissingKey<\/Code>/)
      assert.equal(origin.requests.length, 0)
      const open = await request(`${proxy.url}/public`)
      assert.equal(open.statusCode, 200)
      await open.body.dump()
    } finally {
      await proxy.close()
      await origin.close()
    }
  })
})
