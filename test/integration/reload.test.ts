// Hot reload (design.md §3 "Reload"): reload() re-reads, validates and compiles the file and
// swaps it in; a bad file is refused with all its errors while the old one keeps serving;
// requests in flight finish on the config they started with; cached objects survive unless
// their behavior's cache key changed; a change of the file and SIGHUP reload the CLI.
import assert from 'node:assert/strict'
import type { ServerResponse } from 'node:http'
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startCli } from '../helpers/cli.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
const cached = { CachePolicyId: OPTIMIZED, OriginRequestPolicyId: undefined }

async function get(url: string) {
  const r = await request(url)
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
}

/** Polls until `check` holds (bounded), for reloads triggered by the file or a signal. */
async function eventually(check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${String(ms)} ms`)
    await sleep(50)
  }
}

describe('hot reload', () => {
  let a: TestOrigin
  let b: TestOrigin
  const named = (name: string) => (url: string | undefined, res: ServerResponse) => {
    const slow = url?.startsWith('/slow') === true
    const send = () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=300' })
      res.end(`${name} ${url ?? ''}`)
    }
    if (slow) setTimeout(send, 400)
    else send()
  }
  before(async () => {
    const onA = named('a')
    const onB = named('b')
    a = await startOrigin((req, res) => onA(req.url, res))
    b = await startOrigin((req, res) => onB(req.url, res))
  })
  after(async () => {
    await a.close()
    await b.close()
  })

  const config = (target: string, extra: Record<string, unknown> = {}) => ({
    DistributionConfig: {
      Origins: [customOrigin('a', a.port), customOrigin('b', b.port)],
      DefaultCacheBehavior: behavior(undefined, target, { ...cached, ...extra }),
    },
  })
  const rewrite = (proxy: Edgeproxy, c: unknown) =>
    writeFileSync(proxy.config.sourceFile, JSON.stringify(c))

  describe('reload()', () => {
    let proxy: Edgeproxy
    before(async () => {
      proxy = await startProxy(config('a'))
    })
    after(() => proxy.close())

    it('swaps in the new config; requests in flight finish on the old one', async () => {
      assert.equal((await get(`${proxy.url}/x`)).text, 'a /x')
      const inFlight = get(`${proxy.url}/slow/1`)
      await sleep(100)
      rewrite(proxy, config('b'))
      const result = await proxy.reload()
      assert.equal(result.ok, true)
      assert.equal((await inFlight).text, 'a /slow/1')
      // The origin changed, so the key identity changed: /x is fetched from b anew.
      assert.equal((await get(`${proxy.url}/x`)).text, 'b /x')
      assert.equal((await get(`${proxy.url}/new`)).text, 'b /new')
      assert.equal(proxy.config.distribution.defaultBehavior.targetOriginId, 'b')
    })

    it('refuses a bad config with all its errors and keeps serving', async () => {
      const before = (await get(`${proxy.url}/y`)).text
      writeFileSync(
        proxy.config.sourceFile,
        JSON.stringify({
          DistributionConfig: {
            Origins: [customOrigin('a', a.port)],
            DefaultCacheBehavior: behavior(undefined, 'nope', {
              ViewerProtocolPolicy: 'sometimes',
            }),
          },
        }),
      )
      const result = await proxy.reload()
      assert.equal(result.ok, false)
      const paths = result.problems.map((p) => p.path)
      assert.ok(
        paths.includes('DistributionConfig.DefaultCacheBehavior.TargetOriginId'),
        paths.join(),
      )
      assert.ok(
        paths.includes('DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy'),
        paths.join(),
      )
      assert.equal((await get(`${proxy.url}/y`)).text, before)
      const invalidJson = join(proxy.config.sourceDir, 'distribution.json')
      writeFileSync(invalidJson, '{ not json')
      assert.equal((await proxy.reload()).ok, false)
      assert.equal((await get(`${proxy.url}/y`)).text, before)
    })
  })

  describe('the cache across reloads', () => {
    let proxy: Edgeproxy
    const count = (path: string) => a.requests.filter((r) => r.url === path).length
    before(async () => {
      proxy = await startProxy(config('a'))
    })
    after(() => proxy.close())

    it('keeps objects when the key is unchanged, drops them when it changed', async () => {
      await get(`${proxy.url}/keep`)
      await get(`${proxy.url}/keep`)
      assert.equal(count('/keep'), 1)
      // Another TTL setting and a new behavior elsewhere: same key identity for '*'.
      rewrite(proxy, {
        DistributionConfig: {
          ...config('a').DistributionConfig,
          CacheBehaviors: [behavior('/other/*', 'b', cached)],
        },
      })
      assert.equal((await proxy.reload()).ok, true)
      const kept = await get(`${proxy.url}/keep`)
      assert.equal(kept.headers['x-cache'], 'Hit from cloudfront')
      assert.equal(count('/keep'), 1)
      // Query strings join the key (Managed-CachingOptimizedForUncompressedObjects keeps none;
      // UseOriginCacheControlHeaders-QueryStrings keys on all of them): the object is refetched.
      rewrite(proxy, config('a', { CachePolicyId: '4cc15a8a-d715-48a4-82b8-cc0b614638fe' }))
      assert.equal((await proxy.reload()).ok, true)
      const refetched = await get(`${proxy.url}/keep`)
      assert.equal(refetched.headers['x-cache'], 'Miss from cloudfront')
      assert.equal(count('/keep'), 2)
    })
  })

  it('reloads the CLI when the file changes and on SIGHUP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-reload-'))
    const file = join(dir, 'distribution.json')
    writeFileSync(file, JSON.stringify(config('a')))
    const cli = await startCli(['--config', file, '--port', '0', '--admin-port', '0'])
    try {
      assert.equal((await get(`${cli.url}/w`)).text, 'a /w')
      // Replaced by a rename, as editors and deploy tools do.
      writeFileSync(join(dir, 'next.json'), JSON.stringify(config('b')))
      renameSync(join(dir, 'next.json'), file)
      await eventually(async () => (await get(`${cli.url}/w2`)).text === 'b /w2')
      // SIGHUP: write without the watcher noticing a difference in time, then signal.
      writeFileSync(file, JSON.stringify(config('a', { Compress: true })))
      cli.child.kill('SIGHUP')
      await eventually(async () => (await get(`${cli.url}/w3`)).text === 'a /w3')
    } finally {
      cli.child.kill('SIGTERM')
      await cli.exited
    }
  })
})
