// The cache end to end (spec §3.1, §4, §10, §11.1, §11.2, §11.7) against a counting loopback
// origin: hits, keyed and unkeyed dimensions, collapsing, revalidation, stale serving, error
// caching, invalidation, the byte limit, compression, HEAD, ranges and viewer conditionals.
import assert from 'node:assert/strict'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
const HTML = `<!doctype html><title>t</title>${'<p>edge cached text</p>'.repeat(200)}`

async function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const r = await request(url, { headers, method: method as 'GET' })
  const body = Buffer.from(await r.body.arrayBuffer())
  return { status: r.statusCode, headers: r.headers, body, text: body.toString() }
}

describe('the cache (spec §4)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  /** Per-path scripted behavior of the origin. */
  const script = new Map<
    string,
    { delayMs?: number; status?: number; headers?: Record<string, string>; body?: string }
  >()
  let served = 0
  const count = (path: string) => origin.requests.filter((r) => r.url === path).length

  before(async () => {
    origin = await startOrigin(async (req, res) => {
      const path = req.url ?? '/'
      const bare = path.split('?')[0]!
      const s = script.get(bare) ?? script.get(`/${bare.split('/')[1] ?? ''}/*`) ?? {}
      if (s.delayMs !== undefined) await sleep(s.delayMs)
      const etag = '"v1"'
      if (req.headers['if-none-match'] === etag && s.status === undefined) {
        const headers = s.headers ?? {}
        res.writeHead(304, {
          etag,
          'cache-control': headers['cache-control'] ?? 'max-age=60',
          ...(headers['set-cookie'] === undefined ? {} : { 'set-cookie': headers['set-cookie'] }),
        })
        res.end()
        return
      }
      const body = Buffer.from(s.body ?? `body of ${path} #${String(++served)}`)
      res.writeHead(s.status ?? 200, {
        'content-type': 'text/html',
        'content-length': String(body.length),
        'cache-control': 'max-age=60',
        etag,
        'last-modified': 'Tue, 01 Sep 2026 00:00:00 GMT',
        ...s.headers,
      })
      res.end(body)
    })
    proxy = await startProxy({
      Server: { Cache: { MaxSizeMB: 1, MaxObjectSizeMB: 1 } },
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'o', {
          CachePolicyId: OPTIMIZED,
          OriginRequestPolicyId: '',
          AllowedMethods: ['GET', 'HEAD'],
          Compress: true,
        }),
        CacheBehaviors: [
          behavior('/secure/*', 'o', {
            CachePolicyId: OPTIMIZED,
            OriginRequestPolicyId: '',
            ResponseHeadersPolicyName: 'Managed-SecurityHeadersPolicy',
          }),
          behavior('/keyed/*', 'o', {
            CachePolicyId: 'keyed',
            OriginRequestPolicyId: '',
            AllowedMethods: ['GET', 'HEAD'],
          }),
        ],
        CustomErrorResponses: [{ ErrorCode: 404, ErrorCachingMinTTL: 2 }],
      },
      CachePolicies: [
        {
          Id: 'keyed',
          CachePolicyConfig: {
            Name: 'keyed',
            MinTTL: 0,
            DefaultTTL: 3600,
            MaxTTL: 86400,
            ParametersInCacheKeyAndForwardedToOrigin: {
              EnableAcceptEncodingGzip: false,
              EnableAcceptEncodingBrotli: false,
              HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['X-Key'] },
              CookiesConfig: { CookieBehavior: 'whitelist', Cookies: ['c'] },
              QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['v'] },
            },
          },
        },
      ],
    })
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  it('a hit after a miss, with Age, and the origin asked once', async () => {
    const a = await get(`${proxy.url}/hit`)
    const b = await get(`${proxy.url}/hit`)
    assert.equal(a.headers['x-cache'], 'Miss from cloudfront')
    assert.equal(b.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(b.text, a.text)
    assert.match(String(b.headers['age']), /^\d+$/)
    assert.equal(a.headers['age'], undefined)
    assert.equal(count('/hit'), 1)
  })

  it('a separate entry for each keyed dimension, none for unkeyed ones (§3.1)', async () => {
    const base = `${proxy.url}/keyed/x`
    const variants: [string, Record<string, string>][] = [
      ['?v=1', {}],
      ['?v=2', {}],
      ['?v=1', { 'x-key': 'a' }],
      ['?v=1', { 'x-key': 'b' }],
      ['?v=1', { cookie: 'c=1' }],
      ['?v=1', { cookie: 'c=2' }],
    ]
    for (const [q, h] of variants) {
      assert.equal(
        (await get(`${base}${q}`, h)).headers['x-cache'],
        'Miss from cloudfront',
        `${q} ${JSON.stringify(h)}`,
      )
    }
    const before = origin.requests.length
    const unkeyed: [string, Record<string, string>][] = [
      ['?v=1', { 'x-unkeyed': 'evil' }],
      ['?v=1&other=1', {}],
      ['?v=1', { cookie: 'c=1; other=2' }],
      ['?v=1', { 'accept-language': 'fr' }],
    ]
    for (const [q, h] of unkeyed) {
      const r = await get(`${base}${q}`, h)
      assert.equal(r.headers['x-cache'], 'Hit from cloudfront', `${q} ${JSON.stringify(h)}`)
    }
    assert.equal(origin.requests.length, before, 'unkeyed variations never reach the origin')
    for (const r of origin.requests) assert.equal(r.headers['x-unkeyed'], undefined)
    const withCookie = origin.requests.find(
      (r) => r.url === '/keyed/x?v=1' && r.headers.cookie !== undefined,
    )
    assert.equal(withCookie?.headers.cookie, 'c=1', 'only the keyed cookie is forwarded')
  })

  it('100 concurrent misses make 1 origin request (§11.1)', async () => {
    script.set('/collapse', { delayMs: 300 })
    const results = await Promise.all(
      Array.from({ length: 100 }, () => get(`${proxy.url}/collapse`)),
    )
    assert.equal(count('/collapse'), 1)
    for (const r of results) assert.equal(r.status, 200)
    assert.equal(new Set(results.map((r) => r.text)).size, 1)
  })

  it('an expired object is revalidated: 304 → RefreshHit (§4.4)', async () => {
    script.set('/revalidate', { headers: { 'cache-control': 'max-age=1' } })
    const first = await get(`${proxy.url}/revalidate`)
    await sleep(1100)
    const second = await get(`${proxy.url}/revalidate`)
    assert.equal(second.headers['x-cache'], 'RefreshHit from cloudfront')
    assert.equal(second.text, first.text)
    const conditional = origin.requests.filter((r) => r.url === '/revalidate')[1]
    assert.equal(conditional?.headers['if-none-match'], '"v1"')
    const third = await get(`${proxy.url}/revalidate`)
    assert.equal(third.headers['x-cache'], 'Hit from cloudfront', 'the refresh renewed the TTL')
  })

  it("a 304's Set-Cookie goes to the revalidating viewer only, never into the cache", async () => {
    script.set('/cookie304', { headers: { 'cache-control': 'max-age=1' } })
    await get(`${proxy.url}/cookie304`)
    await sleep(1100)
    script.set('/cookie304', { headers: { 'cache-control': 'max-age=60', 'set-cookie': 'who=A' } })
    const a = await get(`${proxy.url}/cookie304`)
    assert.equal(a.headers['x-cache'], 'RefreshHit from cloudfront')
    assert.equal(a.headers['set-cookie'], 'who=A')
    const b = await get(`${proxy.url}/cookie304`)
    assert.equal(b.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(b.headers['set-cookie'], undefined)
  })

  it('stale-while-revalidate answers at once while the origin takes 2 s', async () => {
    script.set('/swr', { headers: { 'cache-control': 'max-age=1, stale-while-revalidate=60' } })
    await get(`${proxy.url}/swr`)
    await sleep(1100)
    script.set('/swr', {
      delayMs: 2000,
      headers: { 'cache-control': 'max-age=1, stale-while-revalidate=60' },
    })
    const started = performance.now()
    const r = await get(`${proxy.url}/swr`)
    const elapsed = performance.now() - started
    assert.equal(r.status, 200)
    assert.ok(elapsed < 100, `took ${elapsed.toFixed(1)} ms`)
    await sleep(50)
    const again = await get(`${proxy.url}/swr`)
    assert.equal(again.status, 200)
    assert.equal(count('/swr'), 2, 'exactly one background refresh')
  })

  it('stale-if-error serves the stale object while the origin fails', async () => {
    script.set('/sie', { headers: { 'cache-control': 'max-age=1, stale-if-error=60' } })
    const first = await get(`${proxy.url}/sie`)
    await sleep(1100)
    script.set('/sie', { status: 503, body: 'down' })
    const r = await get(`${proxy.url}/sie`)
    assert.equal(r.status, 200)
    assert.equal(r.text, first.text)
    // §4.4: for the error-caching period the stale object is served without asking again.
    const asked = count('/sie')
    const again = await get(`${proxy.url}/sie`)
    assert.equal(again.text, first.text)
    assert.equal(count('/sie'), asked)
  })

  it('a 404 is cached for ErrorCachingMinTTL (§4.3)', async () => {
    script.set('/missing', { status: 404, headers: { 'cache-control': '' }, body: 'nope' })
    const a = await get(`${proxy.url}/missing`)
    const b = await get(`${proxy.url}/missing`)
    assert.equal(a.status, 404)
    assert.equal(b.status, 404)
    assert.equal(b.headers['x-cache'], 'Error from cloudfront')
    assert.equal(count('/missing'), 1)
    await sleep(2100)
    await get(`${proxy.url}/missing`)
    assert.equal(count('/missing'), 2)
  })

  it('gzip and br bodies decode to the original, compressed once (§10)', async () => {
    script.set('/page.html', { body: HTML })
    const br = await get(`${proxy.url}/page.html`, { 'accept-encoding': 'gzip, br' })
    const gz = await get(`${proxy.url}/page.html`, { 'accept-encoding': 'gzip' })
    const plain = await get(`${proxy.url}/page.html`)
    assert.equal(br.headers['content-encoding'], 'br')
    assert.equal(gz.headers['content-encoding'], 'gzip')
    assert.equal(plain.headers['content-encoding'], undefined)
    assert.equal(brotliDecompressSync(br.body).toString(), HTML)
    assert.equal(gunzipSync(gz.body).toString(), HTML)
    assert.equal(plain.text, HTML)
    assert.ok(br.body.length < HTML.length / 5)
    assert.equal(br.headers['etag'], 'W/"v1"')
    const revalidated = await get(`${proxy.url}/page.html`, {
      'accept-encoding': 'br',
      'if-none-match': 'W/"v1"',
    })
    assert.equal(revalidated.status, 304, 'a weak ETag matches weakly')
    const brHit = await get(`${proxy.url}/page.html`, { 'accept-encoding': 'br, gzip' })
    assert.equal(brHit.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(brotliDecompressSync(brHit.body).toString(), HTML)
  })

  it('HEAD, ranges and viewer conditionals are answered from a cached GET (§4.1, §11.2)', async () => {
    script.set('/range', { body: '0123456789' })
    await get(`${proxy.url}/range`)
    const head = await get(`${proxy.url}/range`, {}, 'HEAD')
    assert.equal(head.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(head.headers['content-length'], '10')
    assert.equal(head.body.length, 0)
    const part = await get(`${proxy.url}/range`, { range: 'bytes=2-4' })
    assert.equal(part.status, 206)
    assert.equal(part.text, '234')
    assert.equal(part.headers['content-range'], 'bytes 2-4/10')
    const bad = await get(`${proxy.url}/range`, { range: 'bytes=50-60' })
    assert.equal(bad.status, 416)
    const notModified = await get(`${proxy.url}/range`, { 'if-none-match': '"v1"' })
    assert.equal(notModified.status, 304)
    assert.equal(count('/range'), 1)
  })

  it('an invalidation of /img/* removes every variant (§11.7)', async () => {
    const urls = ['/img/a.png', '/img/a.png', '/img/sub/b.png', '/imgs/c.png']
    const enc = ['gzip', 'br', 'br', 'br']
    for (let i = 0; i < urls.length; i++)
      await get(`${proxy.url}${urls[i]!}`, { 'accept-encoding': enc[i]! })
    const r = await request(`${proxy.adminUrl}/invalidations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Paths: ['/img/*'] }),
    })
    assert.equal(r.statusCode, 201)
    await r.body.dump()
    for (let i = 0; i < urls.length; i++) {
      const again = await get(`${proxy.url}${urls[i]!}`, { 'accept-encoding': enc[i]! })
      const expected = urls[i]!.startsWith('/img/') ? 'Miss from cloudfront' : 'Hit from cloudfront'
      assert.equal(again.headers['x-cache'], expected, `${urls[i]!} ${enc[i]!}`)
    }
  })

  it('uncacheable results are not shared: collapsed followers go to the origin (§11.1)', async () => {
    // /keyed/* has MinTTL 0, so no-store is not cached (CachingOptimized's MinTTL 1 would be).
    script.set('/keyed/nostore', { delayMs: 200, headers: { 'cache-control': 'no-store' } })
    const results = await Promise.all(
      Array.from({ length: 20 }, () => get(`${proxy.url}/keyed/nostore`)),
    )
    assert.equal(count('/keyed/nostore'), 20)
    assert.equal(new Set(results.map((r) => r.text)).size, 20, 'every viewer got its own response')
  })

  it("a leader's Set-Cookie never reaches collapsed followers", async () => {
    let n = 0
    script.set('/cookie', {
      delayMs: 200,
      get headers() {
        return { 'cache-control': 'max-age=60', 'set-cookie': `user=${String(++n)}` }
      },
    })
    const results = await Promise.all(Array.from({ length: 10 }, () => get(`${proxy.url}/cookie`)))
    const cookies = results.map((r) => String(r.headers['set-cookie']))
    assert.equal(new Set(cookies).size, 10, cookies.join(' '))
  })

  it('an object over MaxObjectSizeMB streams through uncached, intact', async () => {
    const big = 'b'.repeat(1_500_000)
    script.set('/big.bin', { body: big, headers: { 'content-type': 'image/png' } })
    const a = await get(`${proxy.url}/big.bin`)
    const b = await get(`${proxy.url}/big.bin`)
    assert.equal(a.text, big)
    assert.equal(b.text, big)
    assert.equal(b.headers['x-cache'], 'Miss from cloudfront')
    assert.equal(count('/big.bin'), 2)
  })

  it('the response headers policy applies to misses and hits alike (§3.8)', async () => {
    for (const expected of ['Miss from cloudfront', 'Hit from cloudfront']) {
      const r = await get(`${proxy.url}/secure/page`)
      assert.equal(r.headers['x-cache'], expected)
      assert.equal(r.headers['strict-transport-security'], 'max-age=31536000')
      assert.equal(r.headers['x-content-type-options'], 'nosniff')
      assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN')
    }
  })

  it('the byte limit holds under 10× its size in distinct objects', async () => {
    script.set('/fill/*', { body: 'x'.repeat(50_000), headers: { 'content-type': 'image/png' } })
    for (let i = 0; i < 200; i++) await get(`${proxy.url}/fill/${String(i)}`)
    const stats = (await (await request(`${proxy.adminUrl}/cache/stats`)).body.json()) as {
      bytes: number
      maxBytes: number
      evictions: number
    }
    assert.equal(stats.maxBytes, 1024 * 1024)
    assert.ok(stats.bytes <= stats.maxBytes, `${String(stats.bytes)} bytes stored`)
    assert.ok(stats.evictions > 0)
  })
})

describe('stale-if-error while the origin is unreachable (§4.4)', () => {
  it('serves the stale object when the connection is refused', async () => {
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=60', 'content-length': '5' })
      res.end('stale')
    })
    const proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port)],
        DefaultCacheBehavior: behavior(undefined, 'o', {
          CachePolicyId: OPTIMIZED,
          OriginRequestPolicyId: '',
        }),
      },
    })
    try {
      assert.equal((await get(`${proxy.url}/x`)).text, 'stale')
      await origin.close()
      await sleep(1100)
      const r = await get(`${proxy.url}/x`)
      assert.equal(r.status, 200)
      assert.equal(r.text, 'stale')
      assert.equal(r.headers['x-cache'], 'Hit from cloudfront')
    } finally {
      await proxy.close()
    }
  })
})
