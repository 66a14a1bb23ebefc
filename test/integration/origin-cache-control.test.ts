// Origin-headers mode (config/examples/origin-cache-control.yaml): with MinTTL 0 / DefaultTTL 0
// the origin's Cache-Control decides, and edgeproxy behaves as an RFC 9111 shared cache
// wherever CloudFront's rules do not override it (spec §4.2–§4.5).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import { request } from 'undici'
import { startEdgeproxy, type Edgeproxy } from '../../proxy/main.js'
import { REPO } from '../helpers/cli.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'

type Reply = { status?: number; headers?: Record<string, string>; body?: string }

describe('origin-headers mode (RFC 9111 semantics)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  /** What the origin answers per path; a function sees the request. */
  const replies = new Map<string, (h: Record<string, string | string[] | undefined>) => Reply>()
  const count = (path: string) => origin.requests.filter((r) => r.url === path).length

  before(async () => {
    origin = await startOrigin((req, res) => {
      const reply = replies.get(req.url ?? '')?.(req.headers) ?? {}
      const body = Buffer.from(reply.body ?? `v${String(origin.requests.length)}`)
      res.writeHead(reply.status ?? 200, {
        'content-type': 'text/plain',
        'content-length': String(reply.status === 304 ? 0 : body.length),
        ...reply.headers,
      })
      res.end(reply.status === 304 ? undefined : body)
    })
    proxy = await startEdgeproxy({
      configFile: join(REPO, 'config', 'examples', 'origin-cache-control.yaml'),
      port: 0,
      adminPort: 0,
      originOverrides: new Map([['app', origin.url]]),
      logger: pino({ level: 'silent' }),
    })
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
    const r = await request(`${proxy.url}${path}`, { method: method as 'GET', headers })
    return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
  }
  const twice = async (path: string, headers: Record<string, string> = {}) => {
    await get(path, headers)
    return get(path, headers)
  }

  const REUSE: readonly [path: string, headers: () => Record<string, string>, reused: boolean][] = [
    ['/max-age', () => ({ 'cache-control': 'max-age=60' }), true],
    ['/s-maxage-wins', () => ({ 'cache-control': 's-maxage=0, max-age=60' }), false],
    [
      '/expires',
      () => ({
        date: new Date().toUTCString(),
        expires: new Date(Date.now() + 60_000).toUTCString(),
      }),
      true,
    ],
    [
      '/expires-past',
      () => ({
        date: new Date().toUTCString(),
        expires: new Date(Date.now() - 1000).toUTCString(),
      }),
      false,
    ],
    ['/age-used-up', () => ({ 'cache-control': 'max-age=10', age: '10' }), false],
    ['/no-store', () => ({ 'cache-control': 'no-store, max-age=60' }), false],
    ['/private', () => ({ 'cache-control': 'private, max-age=60' }), false],
    ['/nothing', () => ({}), false],
  ]
  for (const [path, headers, reused] of REUSE) {
    it(`${path}: ${reused ? 'reused' : 'not reused'}`, async () => {
      replies.set(path, () => ({ headers: headers() }))
      const second = await twice(path)
      assert.equal(count(path), reused ? 1 : 2)
      assert.equal(
        second.headers['x-cache'],
        reused ? 'Hit from cloudfront' : 'Miss from cloudfront',
      )
    })
  }

  it('no-cache is stored but revalidated on every use (304 → RefreshHit)', async () => {
    replies.set('/no-cache', (h) =>
      h['if-none-match'] === '"a"'
        ? { status: 304, headers: { etag: '"a"', 'cache-control': 'no-cache' } }
        : { headers: { etag: '"a"', 'cache-control': 'no-cache' }, body: 'stored' },
    )
    const second = await twice('/no-cache')
    assert.equal(second.headers['x-cache'], 'RefreshHit from cloudfront')
    assert.equal(second.text, 'stored')
    assert.equal(count('/no-cache'), 2)
  })

  it('a 304 updates the stored headers', async () => {
    let version = 1
    replies.set('/updated', (h) =>
      h['if-none-match'] === '"u"'
        ? {
            status: 304,
            headers: { etag: '"u"', 'cache-control': 'max-age=1', 'x-version': String(version) },
          }
        : { headers: { etag: '"u"', 'cache-control': 'max-age=1', 'x-version': String(version) } },
    )
    await get('/updated')
    version = 2
    await sleep(1100)
    const refreshed = await get('/updated')
    assert.equal(refreshed.headers['x-cache'], 'RefreshHit from cloudfront')
    assert.equal(refreshed.headers['x-version'], '2')
    const hit = await get('/updated')
    assert.equal(hit.headers['x-version'], '2')
  })

  it('must-revalidate: an expired object is not served when the origin fails', async () => {
    let down = false
    const reply = (): Reply =>
      down
        ? { status: 503, body: 'down' }
        : { headers: { 'cache-control': 'max-age=1, must-revalidate' } }
    replies.set('/must', reply)
    replies.set('/may', () =>
      down ? { status: 503, body: 'down' } : { headers: { 'cache-control': 'max-age=1' } },
    )
    await get('/must')
    await get('/may')
    await sleep(1100)
    down = true
    assert.equal((await get('/must')).status, 503)
    assert.equal(
      (await get('/may')).status,
      200,
      'CloudFront serves stale on 5xx without must-revalidate',
    )
  })

  it('a successful unsafe method invalidates its URL', async () => {
    replies.set('/item', () => ({ headers: { 'cache-control': 'max-age=60' } }))
    await get('/item')
    assert.equal((await get('/item')).headers['x-cache'], 'Hit from cloudfront')
    assert.equal((await get('/item', {}, 'POST')).status, 200)
    assert.equal((await get('/item')).headers['x-cache'], 'Miss from cloudfront')
  })

  it('Vary is honored: a different Accept-Language is not served the stored variant', async () => {
    replies.set('/lang', (h) => ({
      headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
      body: `lang ${String(h['accept-language'])}`,
    }))
    assert.equal((await get('/lang', { 'accept-language': 'en' })).text, 'lang en')
    const en = await get('/lang', { 'accept-language': 'en' })
    assert.equal(en.headers['x-cache'], 'Hit from cloudfront')
    assert.equal((await get('/lang', { 'accept-language': 'fr' })).text, 'lang fr')
  })

  it('Vary: * is never reused', async () => {
    replies.set('/star', () => ({ headers: { 'cache-control': 'max-age=60', vary: '*' } }))
    await twice('/star')
    assert.equal(count('/star'), 2)
  })

  it('every viewer header and all seven methods reach the origin', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST']) {
      const r = await get('/methods', { 'x-custom': method }, method)
      assert.equal(r.status, 200, method)
      const seen = origin.requests.at(-1)!
      assert.equal(seen.method, method)
      assert.equal(seen.headers['x-custom'], method)
    }
  })
})
