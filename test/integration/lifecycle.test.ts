// The CLI as users run it (design.md §3): `start` drains in-flight requests on SIGTERM and
// exits 0; the default distribution serves the demo (npm start).
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { request } from 'undici'
import { startEdgeproxy, type Edgeproxy } from '../../proxy/main.js'
import { REPO, startCli } from '../helpers/cli.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin } from '../helpers/proxy.js'

describe('graceful shutdown', () => {
  let origin: TestOrigin
  before(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('started\n')
      setTimeout(() => res.end('finished\n'), 800)
    })
  })
  after(() => origin.close())

  it('SIGTERM during a slow request lets that request finish, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-cli-'))
    const file = join(dir, 'distribution.json')
    writeFileSync(
      file,
      JSON.stringify({
        DistributionConfig: {
          Origins: [customOrigin('o', 8000)],
          DefaultCacheBehavior: behavior(undefined, 'o'),
        },
      }),
    )
    const cli = await startCli(['--config', file, '--port', '0', '--origin', `o=${origin.url}`])
    const r = await request(`${cli.url}/slow`)
    assert.equal(r.statusCode, 200)
    cli.child.kill('SIGTERM')
    assert.equal(await r.body.text(), 'started\nfinished\n')
    assert.equal(await cli.exited, 0)
    await assert.rejects(request(`${cli.url}/after`), 'no new requests after the drain')
  })
})

describe('the default distribution (npm start)', () => {
  let proxy: Edgeproxy
  before(async () => {
    proxy = await startEdgeproxy({
      configFile: join(REPO, 'config', 'distribution.yaml'),
      port: 0,
      logger: pino({ level: 'silent' }),
    })
  })
  after(() => proxy.close())

  it('GET / → 200 index.html through DefaultRootObject', async () => {
    const r = await request(`${proxy.url}/`)
    assert.equal(r.statusCode, 200)
    assert.match(String(r.headers['content-type']), /^text\/html/)
    assert.match(await r.body.text(), /edgeproxy/i)
  })

  it('the security-headers CloudFront Function runs on viewer-response, hits included', async () => {
    for (const expected of ['Miss from cloudfront', 'Hit from cloudfront']) {
      const r = await request(`${proxy.url}/about.html`)
      await r.body.dump()
      assert.equal(r.headers['x-cache'], expected)
      assert.match(String(r.headers['strict-transport-security']), /max-age=\d+/)
    }
  })

  it("a missing file → 404 from the directory origin, answered with the site's 404 page", async () => {
    const r = await request(`${proxy.url}/no-such-page.html`)
    assert.equal(r.statusCode, 404)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.match(await r.body.text(), /404/)
  })

  it('/api/… → JSON from the second origin', async () => {
    const r = await request(`${proxy.url}/api/status.json`)
    assert.equal(r.statusCode, 200)
    assert.match(String(r.headers['content-type']), /^application\/json/)
    assert.equal(typeof (await r.body.json()), 'object')
  })

  it('POST to /api/ is refused: the behavior allows GET, HEAD, OPTIONS only', async () => {
    const r = await request(`${proxy.url}/api/status.json`, { method: 'POST', body: '{}' })
    assert.equal(r.statusCode, 403)
    await r.body.dump()
  })
})
