// The optional HTTPS listener (Server.Tls) makes viewer protocol policies testable end to end
// (spec §11.5): https-only serves over HTTPS, redirect-to-https points at the TLS port; the
// access line (spec §11.8) carries ssl-protocol and ssl-cipher over HTTPS only.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent, request } from 'undici'
import { createLogger } from '../../proxy/log.js'
import type { Edgeproxy } from '../../proxy/main.js'
import { captureLines } from '../helpers/log-lines.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'
import { selfSigned } from '../helpers/tls.js'

describe('HTTPS listener (spec §11.5)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  const insecure = new Agent({ connect: { rejectUnauthorized: false } })
  const log = captureLines()

  before(async () => {
    origin = await startOrigin((req, res) => res.end(`scheme-blind ${req.url ?? ''}`))
    const { cert, key } = selfSigned()
    proxy = await startProxy(
      {
        Server: { Tls: { Port: 0, CertFile: 'cert.pem', KeyFile: 'key.pem' } },
        DistributionConfig: {
          Origins: [customOrigin('o', origin.port)],
          DefaultCacheBehavior: behavior(undefined, 'o', {
            ViewerProtocolPolicy: 'redirect-to-https',
          }),
          CacheBehaviors: [behavior('/secure/*', 'o', { ViewerProtocolPolicy: 'https-only' })],
        },
      },
      { files: { 'cert.pem': cert, 'key.pem': key }, logger: createLogger('info', log.sink) },
    )
  })
  after(async () => {
    await proxy.close()
    await origin.close()
    await insecure.close()
  })

  it('https-only: served over HTTPS', async () => {
    const r = await request(`${proxy.httpsUrl!}/secure/a`, { dispatcher: insecure })
    assert.equal(r.statusCode, 200)
    assert.equal(await r.body.text(), 'scheme-blind /secure/a')
  })

  it('https-only: 403 over HTTP', async () => {
    const r = await request(`${proxy.url}/secure/a`)
    assert.equal(r.statusCode, 403)
    await r.body.dump()
  })

  it('redirect-to-https: 301 to the TLS listener, then served there', async () => {
    const r = await request(`${proxy.url}/page?x=1`)
    assert.equal(r.statusCode, 301)
    await r.body.dump()
    const location = String(r.headers['location'])
    assert.equal(location, `${proxy.httpsUrl!}/page?x=1`)
    const followed = await request(location, { dispatcher: insecure })
    assert.equal(await followed.body.text(), 'scheme-blind /page?x=1')
  })

  it('logs ssl-protocol and ssl-cipher for each request of a TLS connection, none over HTTP', async () => {
    const one = new Agent({ connect: { rejectUnauthorized: false }, connections: 1 })
    for (const path of ['/secure/tls-1', '/secure/tls-2']) {
      const r = await request(`${proxy.httpsUrl!}${path}`, { dispatcher: one })
      await r.body.dump()
    }
    await one.close()
    await (await request(`${proxy.url}/plain-1`)).body.dump()
    await new Promise((r) => setTimeout(r, 250)) // lines are handed over within 100 ms
    const line = (stem: string) => {
      const found = log.lines.filter((l) => l['msg'] === 'access' && l['cs-uri-stem'] === stem)
      assert.equal(found.length, 1, stem)
      return found[0]!
    }
    const [first, second] = [line('/secure/tls-1'), line('/secure/tls-2')]
    assert.equal(first['c-port'], second['c-port'], 'one connection')
    for (const l of [first, second]) {
      assert.equal(l['cs-protocol'], 'https')
      assert.match(String(l['ssl-protocol']), /^TLSv1\.[23]$/)
      assert.match(String(l['ssl-cipher']), /^[A-Z0-9_-]+$/)
    }
    const plain = line('/plain-1')
    assert.equal(plain['cs-protocol'], 'http')
    assert.equal('ssl-protocol' in plain || 'ssl-cipher' in plain, false)
  })
})
