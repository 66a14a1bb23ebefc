// Origin-group failover end to end (spec §1.4, §0 step 14, §5, §7.5): the secondary is asked
// when the primary answers with a configured status, refuses the connection or times out —
// for GET/HEAD/OPTIONS only, every request starting at the primary; its answer is final,
// cached like any other, and an error from it takes the normal error path.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { closedPort } from '../helpers/ports.js'
import { behavior, startProxy } from '../helpers/proxy.js'

const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

const adHoc = (codes: string) => `import cf from 'cloudfront'
function handler(event) {
  cf.createRequestOriginGroup({
    originIds: [{ originId: 'p' }, { originId: 's' }],
    failoverCriteria: { statusCodes: ${codes} },
  })
  return event.request
}`
const FILES = { 'adhoc.js': adHoc('[503]'), 'adhoc-bad.js': adHoc('[503, 501]') }
const fn = (name: string) => ({ Name: name, Runtime: 'cloudfront-js-2.0', CodeFile: `${name}.js` })
const viewerRequest = (name: string) => ({
  FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: name }],
})

/** An origin loaded from the config: a made-up domain, sent to loopback by --origin. */
const origin = (id: string, extra: Record<string, unknown> = {}) => ({
  Id: id,
  DomainName: `${id}.example`,
  CustomOriginConfig: {
    HTTPPort: 80,
    OriginProtocolPolicy: 'http-only',
    OriginReadTimeout: 1,
  },
  ConnectionAttempts: 1,
  ConnectionTimeout: 1,
  ...extra,
})
const group = (id: string, primary: string, secondary: string, codes: number[]) => ({
  Id: id,
  FailoverCriteria: { StatusCodes: codes },
  Members: [{ OriginId: primary }, { OriginId: secondary }],
})

describe('origin-group failover (spec §1.4)', () => {
  let p: TestOrigin
  let s: TestOrigin
  let proxy: Edgeproxy
  const logs: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
  )

  before(async () => {
    p = await startOrigin((req, res) => {
      const url = req.url ?? ''
      if (url.includes('/stall')) return // never answers
      const m = /\/s(\d{3})\//.exec(url)
      res.writeHead(m ? Number(m[1]) : 200, { 'content-type': 'text/plain' })
      res.end(`P ${url}`)
    })
    s = await startOrigin((req, res) => {
      const url = req.url ?? ''
      if (url.includes('sstall')) return
      if (url.includes('reval')) {
        const fresh = req.headers['if-none-match'] === '"v1"'
        res.writeHead(fresh ? 304 : 200, { etag: '"v1"', 'cache-control': 'max-age=1' })
        res.end(fresh ? undefined : 'revalidated body')
        return
      }
      const status = url.includes('sfail') ? 503 : 200
      res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' })
      res.end(`S ${url} ${String(req.headers['x-which'])}`)
    })
    const refused = `http://127.0.0.1:${String(await closedPort())}`
    const which = (v: string) => ({
      OriginCustomHeaders: [{ HeaderName: 'X-Which', HeaderValue: v }],
    })
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [
            origin('p', which('primary')),
            origin('s', { ...which('secondary'), OriginPath: '/backup' }),
            origin('refused'),
            origin('refused2'),
          ],
          OriginGroups: [
            group('g', 'p', 's', [404, 503]),
            group('g-refused', 'refused', 's', [503]),
            group('g-down', 'refused', 'refused2', [503]),
          ],
          DefaultCacheBehavior: behavior(undefined, 'g'),
          CacheBehaviors: [
            behavior('/refused/*', 'g-refused'),
            behavior('/down/*', 'g-down'),
            behavior('/cached/*', 'g', {
              CachePolicyId: CACHING_OPTIMIZED,
              OriginRequestPolicyId: '',
            }),
            behavior('/errors/*', 's'),
            behavior('/fn/*', 'p', viewerRequest('adhoc')),
            behavior('/fnbad/*', 'p', viewerRequest('adhoc-bad')),
          ],
          CustomErrorResponses: [{ ErrorCode: 500, ResponsePagePath: '/errors/500.html' }],
        },
        Functions: [fn('adhoc'), fn('adhoc-bad')],
      },
      {
        files: FILES,
        logger,
        originOverrides: new Map([
          ['p', p.url],
          ['s', s.url],
          ['refused', refused],
          ['refused2', refused],
        ]),
      },
    )
  })
  after(async () => {
    await proxy.close()
    await p.close()
    await s.close()
  })

  const send = async (path: string, method = 'GET') => {
    const r = await request(`${proxy.url}${path}`, { method })
    return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
  }
  const logged = async (match: (l: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const line = logs.find(match)
      if (line !== undefined) return line
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return assert.fail('no such log line')
  }
  /** Requests each origin received for `path` (either side of an OriginPath). */
  const seen = (o: TestOrigin, path: string) => o.requests.filter((r) => r.url.endsWith(path))

  it('a configured 503 fails over; every request starts at the primary again', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await send('/s503/a')
      assert.equal(r.status, 200)
      assert.equal(r.text, 'S /backup/s503/a secondary')
      assert.equal(r.headers['x-cache'], 'Miss from cloudfront')
    }
    assert.equal(seen(p, '/s503/a').length, 2)
    assert.equal(seen(s, '/s503/a').length, 2)
  })

  it('the failover is logged, and the access line names the origin that answered', async () => {
    const r = await send('/s503/logged')
    const id = r.headers['x-amz-cf-id']
    const failover = logs.find((l) => l['msg'] === 'origin failover' && l['reqId'] === id)
    assert.deepEqual(
      [failover?.['group'], failover?.['primary'], failover?.['secondary'], failover?.['reason']],
      ['g', 'p', 's', 'status 503'],
    )
    // The access line is written once the response is done, maybe just after the viewer has it.
    const access = await logged((l) => l['msg'] === 'access' && l['reqId'] === id)
    assert.equal(access['origin'], 's')
    assert.deepEqual(access['failedOver'], { group: 'g', primary: 'p', reason: 'status 503' })
    await send('/refused/logged')
    assert.ok(logs.some((l) => l['primary'] === 'refused' && l['reason'] === 'connect failure'))
  })

  it('a configured 404 fails over', async () => {
    const r = await send('/s404/a')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'S /backup/s404/a secondary')
  })

  it('the secondary gets its own Host, custom headers and OriginPath', async () => {
    await send('/s503/headers?q=1')
    const [primary] = seen(p, '/s503/headers?q=1')
    const [secondary] = seen(s, '/s503/headers?q=1')
    assert.ok(primary && secondary)
    assert.equal(primary.url, '/s503/headers?q=1')
    assert.equal(primary.headers['host'], new URL(p.url).host)
    assert.equal(primary.headers['x-which'], 'primary')
    assert.equal(secondary.url, '/backup/s503/headers?q=1')
    assert.equal(secondary.headers['host'], new URL(s.url).host)
    assert.equal(secondary.headers['x-which'], 'secondary')
  })

  it('a refused connection fails over', async () => {
    const r = await send('/refused/a')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'S /backup/refused/a secondary')
  })

  it('a primary that times out (OriginReadTimeout) fails over', async () => {
    const r = await send('/stall/a')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'S /backup/stall/a secondary')
    assert.equal(seen(p, '/stall/a').length, 1)
    assert.ok(logs.some((l) => l['primary'] === 'p' && l['reason'] === 'timeout'))
  })

  it('a status not in the list is returned, with its custom error page (§5)', async () => {
    const r = await send('/s500/a')
    assert.equal(r.status, 500)
    assert.equal(r.text, 'S /backup/errors/500.html secondary')
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.equal(seen(s, '/s500/a').length, 0)
  })

  it('POST never fails over: the primary’s answer is returned', async () => {
    const r = await send('/s503/post', 'POST')
    assert.equal(r.status, 503)
    assert.equal(r.text, 'P /s503/post')
    assert.equal(seen(s, '/s503/post').length, 0)
  })

  for (const method of ['HEAD', 'OPTIONS']) {
    it(`${method} fails over`, async () => {
      const r = await send(`/s503/${method}`, method)
      assert.equal(r.status, 200)
      const [secondary] = seen(s, `/s503/${method}`)
      assert.equal(secondary?.method, method)
    })
  }

  it('the secondary’s 2xx is cached: the next request is a Hit, no origin asked', async () => {
    const first = await send('/cached/s503/x')
    assert.equal(first.status, 200)
    assert.equal(first.headers['x-cache'], 'Miss from cloudfront')
    const asked = p.requests.length + s.requests.length
    const second = await send('/cached/s503/x')
    assert.equal(second.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(second.text, 'S /backup/cached/s503/x secondary')
    assert.equal(p.requests.length + s.requests.length, asked)
  })

  it('a revalidation that fails over sends the stored validators to the secondary', async () => {
    assert.equal((await send('/cached/s503/reval')).text, 'revalidated body')
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const r = await send('/cached/s503/reval')
    assert.equal(r.headers['x-cache'], 'RefreshHit from cloudfront')
    assert.equal(r.text, 'revalidated body')
    const revalidation = seen(s, '/cached/s503/reval')[1]
    assert.equal(revalidation?.headers['if-none-match'], '"v1"')
    assert.equal(seen(p, '/cached/s503/reval')[1]?.headers['if-none-match'], '"v1"')
  })

  it('the secondary’s error is final: no further failover', async () => {
    const r = await send('/s503/sfail')
    assert.equal(r.status, 503)
    assert.equal(r.text, 'S /backup/s503/sfail secondary')
  })

  it('both refused → 502', async () => {
    const r = await send('/down/a')
    assert.equal(r.status, 502)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
  })

  it('both time out → 504', async () => {
    const r = await send('/stall/sstall')
    assert.equal(r.status, 504)
    assert.equal(seen(s, '/stall/sstall').length, 1)
  })

  it('an ad-hoc group from createRequestOriginGroup fails over (§7.5)', async () => {
    const r = await send('/fn/s503/a')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'S /backup/fn/s503/a secondary')
    const ok = await send('/fn/ok')
    assert.equal(ok.text, 'P /fn/ok')
    assert.equal(seen(s, '/fn/ok').length, 0)
  })

  it('createRequestOriginGroup with a code outside the list is a function error (502)', async () => {
    const r = await send('/fnbad/s503/a')
    assert.equal(r.status, 502)
    assert.equal(seen(p, '/fnbad/s503/a').length, 0)
  })
})
