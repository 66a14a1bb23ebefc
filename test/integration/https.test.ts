// The optional HTTPS listener (Server.Tls) makes viewer protocol policies testable end to end
// (spec §11.5): https-only serves over HTTPS, redirect-to-https points at the TLS port.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent, request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'
import { selfSigned } from '../helpers/tls.js'

describe('HTTPS listener (spec §11.5)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  const insecure = new Agent({ connect: { rejectUnauthorized: false } })

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
      { files: { 'cert.pem': cert, 'key.pem': key } },
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
})
