// CloudFront Functions through the proxy (spec §0 steps 8 and 20, §7): viewer-request rewrites,
// generated responses, origin switches; viewer-response headers, and where it does not run;
// function failures as 503 and invalid results as 502, with the process carrying on.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'
import { FUNCTION_BATCH } from '../../proxy/pipeline/function-batch.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
const DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad'

const FILES: Record<string, string> = {
  'rewrite.js': `function handler(event) {
  var r = event.request
  if (r.uri.startsWith('/old/')) r.uri = '/new/' + r.uri.slice(5)
  r.headers['x-rewritten'] = { value: 'yes' }
  return r
}`,
  'redirect.js': `function handler(event) {
  return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: 'https://example.com/' } } }
}`,
  'switch.js': `import cf from 'cloudfront'
function handler(event) {
  cf.selectRequestOriginById('b')
  return event.request
}`,
  'add-headers.js': `async function handler(event) {
  const res = event.response
  res.headers['x-fn'] = { value: 'added' }
  return res
}`,
  'replace-body.js': `function handler(event) {
  var res = event.response
  res.body = { encoding: 'text', data: 'replaced by the function' }
  return res
}`,
  'throws.js': `function handler(event) { throw new Error('boom') }`,
  'loop.js': `function handler(event) { if (event.request.uri === '/loop/forever') { for (;;) {} } return event.request }`,
  'invalid.js': `function handler(event) { event.request.headers['via'] = { value: 'nope' }; return event.request }`,
  'echo.js': `function handler(event) {
  return { statusCode: 200, statusDescription: 'OK', body: 'echo ' + event.request.querystring.n.value }
}`,
  'tag.js': `function handler(event) {
  var res = event.response
  res.headers['x-n'] = { value: event.request.querystring.n.value }
  return res
}`,
}

const fn = (name: string) => ({
  Name: name.replace('.js', ''),
  Runtime: 'cloudfront-js-2.0',
  CodeFile: name,
})
const assoc = (eventType: string, name: string) => ({
  FunctionAssociations: [{ EventType: eventType, FunctionARN: name }],
})

describe('CloudFront Functions in the pipeline (spec §7)', () => {
  let a: TestOrigin
  let b: TestOrigin
  let proxy: Edgeproxy

  before(async () => {
    a = await startOrigin((req, res) => {
      if (req.url?.startsWith('/cut/') === true) {
        // Headers and a few bytes, then the connection drops: the body fails mid-stream.
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' })
        res.write('partial')
        setImmediate(() => res.socket?.destroy())
        return
      }
      const status = req.url?.startsWith('/vr/missing') === true ? 404 : 200
      res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' })
      res.end(`A ${req.url ?? ''} ${String(req.headers['x-rewritten'])}`)
    })
    b = await startOrigin((req, res) => res.end(`B ${req.url ?? ''}`))
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [customOrigin('a', a.port), customOrigin('b', b.port)],
          DefaultCacheBehavior: behavior(undefined, 'a'),
          CacheBehaviors: [
            behavior('/old/*', 'a', assoc('viewer-request', 'rewrite')),
            behavior('/go/*', 'a', assoc('viewer-request', 'redirect')),
            behavior('/switch/*', 'a', assoc('viewer-request', 'switch')),
            behavior('/vr/*', 'a', {
              ...assoc('viewer-response', 'add-headers'),
              CachePolicyId: OPTIMIZED,
              OriginRequestPolicyId: '',
            }),
            behavior('/https/*', 'a', {
              ...assoc('viewer-response', 'add-headers'),
              ViewerProtocolPolicy: 'redirect-to-https',
            }),
            behavior('/replace/*', 'a', assoc('viewer-response', 'replace-body')),
            behavior('/throws/*', 'a', assoc('viewer-request', 'throws')),
            behavior('/loop/*', 'a', assoc('viewer-request', 'loop')),
            behavior('/invalid/*', 'a', assoc('viewer-request', 'invalid')),
            behavior('/echo/*', 'a', assoc('viewer-request', 'echo')),
            behavior('/tag/*', 'a', assoc('viewer-response', 'tag')),
            behavior('/cut/*', 'a', {
              ...assoc('viewer-response', 'add-headers'),
              CachePolicyId: DISABLED,
            }),
          ],
        },
        Functions: Object.keys(FILES).map(fn),
      },
      { files: FILES },
    )
  })
  after(async () => {
    await proxy.close()
    await a.close()
    await b.close()
  })

  const get = async (path: string) => {
    const r = await request(`${proxy.url}${path}`)
    return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
  }

  it('viewer-request rewrites the URI and adds a header; the behavior stays', async () => {
    const r = await get('/old/page?x=1')
    assert.equal(r.text, 'A /new/page?x=1 yes')
  })

  it('a generated response goes straight to the viewer, the origin untouched', async () => {
    const before = a.requests.length
    const r = await get('/go/anywhere')
    assert.equal(r.status, 302)
    assert.equal(r.headers['location'], 'https://example.com/')
    assert.equal(r.headers['x-cache'], 'FunctionGeneratedResponse from cloudfront')
    assert.equal(r.headers['server'], 'CloudFront')
    assert.equal(a.requests.length, before)
  })

  it('selectRequestOriginById switches the origin (§7.5)', async () => {
    assert.equal((await get('/switch/x')).text, 'B /switch/x')
  })

  it('viewer-response adds headers on a miss and on a hit, without changing the cached object', async () => {
    const miss = await get('/vr/page')
    const hit = await get('/vr/page')
    assert.equal(miss.headers['x-fn'], 'added')
    assert.equal(hit.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(hit.headers['x-fn'], 'added')
    assert.equal(hit.text, miss.text)
  })

  it('viewer-response replaces a streamed, uncached body (the origin body is released safely)', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await get('/replace/x')
      assert.equal(r.text, 'replaced by the function')
      assert.equal(r.headers['content-length'], String('replaced by the function'.length))
    }
    assert.equal((await get('/other')).status, 200, 'the proxy is still serving')
  })

  it('viewer-response does not run for an origin 404 (§0 step 20)', async () => {
    const r = await get('/vr/missing')
    assert.equal(r.status, 404)
    assert.equal(r.headers['x-fn'], undefined)
  })

  it('viewer-response does not run for the HTTP→HTTPS redirect', async () => {
    const r = await get('/https/x')
    assert.equal(r.status, 301)
    assert.equal(r.headers['x-fn'], undefined)
  })

  it('an exception is a 503 with CloudFront\u2019s error page', async () => {
    const r = await get('/throws/x')
    assert.equal(r.status, 503)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.match(r.text, /503 Service Unavailable ERROR/)
  })

  it('an infinite loop is a 503, and the function and the process carry on', async () => {
    assert.equal((await get('/loop/forever')).status, 503)
    assert.equal((await get('/loop/fine')).status, 200)
    assert.equal((await get('/other')).status, 200)
  })

  it('an invalid result (a read-only header changed) is a 502', async () => {
    const r = await get('/invalid/x')
    assert.equal(r.status, 502)
  })

  // The calls of one event-loop turn run as a batch (function-batch.ts): concurrent requests,
  // some failing, must each get their own function's answer, batched or not.
  for (const enabled of [true, false]) {
    it(`concurrent calls keep every request's own result, with failures among them (batching ${enabled ? 'on' : 'off'})`, async () => {
      FUNCTION_BATCH.enabled = enabled
      try {
        const paths = Array.from({ length: 48 }, (_, i) =>
          i % 16 === 5
            ? '/throws/x'
            : i % 16 === 9
              ? '/loop/forever'
              : i % 2 === 0
                ? `/echo/x?n=${String(i)}`
                : `/tag/x?n=${String(i)}`,
        )
        const answers = await Promise.all(paths.map((p) => get(p)))
        answers.forEach((r, i) => {
          const p = paths[i]!
          if (p.startsWith('/throws') || p.startsWith('/loop')) assert.equal(r.status, 503, p)
          else if (p.startsWith('/echo')) assert.equal(r.text, `echo ${String(i)}`, p)
          else assert.equal(r.headers['x-n'], String(i), p)
        })
      } finally {
        FUNCTION_BATCH.enabled = true
      }
    })
  }

  it('origin bodies that fail mid-stream under a viewer-response function never take the proxy down', async () => {
    const cut = await Promise.all(
      Array.from({ length: 24 }, () =>
        request(`${proxy.url}/cut/x`).then(
          async (r) => {
            await r.body.text().catch(() => undefined)
            return r.statusCode
          },
          () => 0,
        ),
      ),
    )
    for (const status of cut) assert.ok(status === 0 || status === 200, String(status))
    assert.equal((await get('/other')).status, 200, 'the proxy is still serving')
  })
})
