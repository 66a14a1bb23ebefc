// Custom error responses (spec §5): the page comes through the behavior matching its path and
// is cached there; ResponseCode replaces the status; CloudFront's own 502s get pages too; a
// page that cannot be had yields its own status; viewer-response functions do not run.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { closedPort } from '../helpers/ports.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

describe('custom error responses (spec §5)', () => {
  let app: TestOrigin
  let pages: TestOrigin
  let proxy: Edgeproxy
  const pageFetches = () => pages.requests.length

  before(async () => {
    app = await startOrigin((req, res) => {
      const status = Number(/\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200)
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end(`app ${String(status)}`)
    })
    pages = await startOrigin((req, res) => {
      if (req.url === '/errors/missing.html') {
        res.writeHead(404, { 'content-type': 'text/plain' })
        res.end('no such page')
        return
      }
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'max-age=300' })
      res.end(`<h1>page ${req.url ?? ''}</h1>`)
    })
    const down = await closedPort()
    const fn = `function handler(event) { var r = event.response; r.headers['x-fn'] = { value: 'ran' }; return r }`
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [
            customOrigin('app', app.port),
            customOrigin('pages', pages.port),
            customOrigin('down', down),
          ],
          DefaultCacheBehavior: behavior(undefined, 'app', {
            FunctionAssociations: [{ EventType: 'viewer-response', FunctionARN: 'mark' }],
          }),
          CacheBehaviors: [
            behavior('/errors/*', 'pages', { CachePolicyId: OPTIMIZED, OriginRequestPolicyId: '' }),
            behavior('/down/*', 'down'),
          ],
          CustomErrorResponses: [
            { ErrorCode: 404, ResponsePagePath: '/errors/404.html', ResponseCode: 200 },
            { ErrorCode: 502, ResponsePagePath: '/errors/502.html', ResponseCode: '503' },
            { ErrorCode: 500, ResponsePagePath: '/errors/missing.html' },
            { ErrorCode: 503, ErrorCachingMinTTL: 0 },
          ],
        },
        Functions: [{ Name: 'mark', Runtime: 'cloudfront-js-2.0', CodeFile: 'mark.js' }],
      },
      { files: { 'mark.js': fn } },
    )
  })
  after(async () => {
    await proxy.close()
    await app.close()
    await pages.close()
  })

  const get = async (path: string) => {
    const r = await request(`${proxy.url}${path}`)
    return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
  }

  it('an origin 404 is answered with the page and ResponseCode, without viewer-response', async () => {
    const r = await get('/status/404')
    assert.equal(r.status, 200)
    assert.equal(r.text, '<h1>page /errors/404.html</h1>')
    assert.equal(r.headers['content-type'], 'text/html')
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.equal(r.headers['x-fn'], undefined)
  })

  it('the page is cached under its own behavior', async () => {
    const before = pageFetches()
    await get('/status/404?again=1')
    assert.equal(pageFetches(), before)
  })

  it('a CloudFront-generated 502 gets its page and ResponseCode (a string in the API shape)', async () => {
    const r = await get('/down/x')
    assert.equal(r.status, 503)
    assert.equal(r.text, '<h1>page /errors/502.html</h1>')
  })

  it('a page that cannot be had yields the page origin\u2019s status, not the original', async () => {
    const r = await get('/status/500')
    assert.equal(r.status, 404)
    assert.equal(r.text, 'no such page')
  })

  it('an ErrorCode without ResponsePagePath only tunes caching: the error goes out as it is', async () => {
    const r = await get('/status/503')
    assert.equal(r.status, 503)
    assert.equal(r.text, 'app 503')
  })

  it('a success is untouched and the viewer-response function runs', async () => {
    const r = await get('/status/200')
    assert.equal(r.status, 200)
    assert.equal(r.headers['x-fn'], 'ran')
  })
})
