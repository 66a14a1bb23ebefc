// HTTPS to a custom origin (spec §1.3): CloudFront refuses an origin whose certificate is not
// valid for its name (a 502); locally that check is off by default, so a self-signed
// development origin works, and `Server.VerifyOriginTls: true` turns it on.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'
import { selfSigned } from '../helpers/tls.js'

describe('origin TLS verification (spec §1.3)', () => {
  let origin: Server
  const proxies: Edgeproxy[] = []

  const proxyFor = async (server: Record<string, unknown>) => {
    const port = (origin.address() as AddressInfo).port
    const proxy = await startProxy({
      Server: server,
      DistributionConfig: {
        Origins: [customOrigin('o', port, { HTTPSPort: port, OriginProtocolPolicy: 'https-only' })],
        DefaultCacheBehavior: behavior(undefined, 'o'),
      },
    })
    proxies.push(proxy)
    return proxy
  }

  before(async () => {
    origin = createServer(selfSigned(), (_req, res) => res.end('from the TLS origin'))
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
  })

  after(async () => {
    await Promise.all(proxies.map((p) => p.close()))
    origin.closeAllConnections()
    await new Promise((resolve) => origin.close(resolve))
  })

  it('reaches a self-signed origin by default', async () => {
    const proxy = await proxyFor({})
    const r = await request(`${proxy.url}/x`)
    assert.equal(r.statusCode, 200)
    assert.equal(await r.body.text(), 'from the TLS origin')
  })

  it('with VerifyOriginTls: true, refuses it with a 502 as CloudFront does', async () => {
    const proxy = await proxyFor({ VerifyOriginTls: true })
    const r = await request(`${proxy.url}/x`)
    assert.equal(r.statusCode, 502)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    await r.body.dump()
  })
})
