// `edgeproxy invalidate` (design.md §3 "Commands") run as a child process against a real
// admin server over a fake cache; the client's timeout; and startEdgeproxy starting and
// closing the admin listener when it is given a cache.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, beforeEach, describe, it } from 'node:test'
import { pino } from 'pino'
import { request } from 'undici'
import { AdminClientError, invalidateViaAdmin } from '../../proxy/admin/client.js'
import type { Invalidation } from '../../proxy/admin/records.js'
import { startAdminServer, type AdminServer } from '../../proxy/admin/server.js'
import { startEdgeproxy } from '../../proxy/main.js'
import { runCli } from '../helpers/cli.js'
import { FakeCache } from '../helpers/fake-cache.js'
import { behavior, customOrigin } from '../helpers/proxy.js'

const silent = pino({ level: 'silent' })

/** A throwaway node:http server on a free loopback port. */
async function listen(handler?: RequestListener) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
  const close = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  }
  return { url, close }
}

describe('edgeproxy invalidate', () => {
  const cache = new FakeCache()
  let admin: AdminServer
  before(async () => {
    admin = await startAdminServer({ port: 0, host: '127.0.0.1', cache, log: silent })
  })
  after(() => admin.close())
  beforeEach(() => cache.reset())

  it('POSTs the paths, waits for Completed, prints the Id alone; exit 0', async () => {
    const r = await runCli(['invalidate', '--admin', admin.url, '/img/*', '/a?x=1'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^I[A-Z0-9]{13}\n$/)
    const res = await request(`${admin.url}/invalidations/${r.stdout.trim()}`)
    const { Invalidation: record } = (await res.body.json()) as { Invalidation: Invalidation }
    assert.equal(record.Status, 'Completed')
    assert.deepEqual(record.InvalidationBatch.Paths.Items, ['/img/*', '/a?x=1'])
    assert.equal(cache.removed[0]?.length, 4, 'three /img/ variants and /a?x=1')
  })

  it('a bad path → exit 2 with the reason, nothing sent', async () => {
    const r = await runCli(['invalidate', '--admin', admin.url, '/ok', '/img/*.jpg'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /"\/img\/\*\.jpg": \* is allowed only as the last character/)
    assert.equal(r.stdout, '')
    assert.deepEqual(cache.removed, [])
  })

  it('no paths, or an --admin that is not a URL → exit 2', async () => {
    assert.equal((await runCli(['invalidate', '--admin', admin.url])).code, 2)
    const r = await runCli(['invalidate', '--admin', 'localhost:8081', '/a'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--admin takes an http:\/\/ URL/)
  })

  it('connection refused → a message naming the URL, exit 1', async () => {
    const gone = await listen()
    await gone.close()
    const r = await runCli(['invalidate', '--admin', gone.url, '/a'])
    assert.equal(r.code, 1)
    assert.match(
      r.stderr,
      new RegExp(`cannot reach the admin API at ${gone.url}: connection refused`),
    )
  })

  it('gives up when the invalidation stays InProgress past the timeout', async () => {
    const stuck = await listen((req, res) => {
      req.resume()
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ Invalidation: { Id: 'ISTUCK0000000A', Status: 'InProgress' } }))
    })
    try {
      await assert.rejects(
        invalidateViaAdmin(stuck.url, ['/a'], { timeoutMs: 300, pollMs: 50 }),
        (err) =>
          err instanceof AdminClientError &&
          /ISTUCK0000000A was still InProgress/.test(err.message),
      )
    } finally {
      await stuck.close()
    }
  })
})

describe('startEdgeproxy and the admin listener', () => {
  function configFile(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'edgeproxy-admin-')), 'distribution.json')
    const config = {
      Server: { Host: '127.0.0.1' },
      DistributionConfig: {
        Origins: [customOrigin('o', 8000)],
        DefaultCacheBehavior: behavior(undefined, 'o'),
      },
    }
    writeFileSync(file, JSON.stringify(config))
    return file
  }

  it('serves the admin API on adminUrl (loopback) and closes it with the proxy', async () => {
    const proxy = await startEdgeproxy({
      configFile: configFile(),
      port: 0,
      adminPort: 0,
      logger: silent,
    })
    const adminUrl = proxy.adminUrl
    assert.match(adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
    const r = await request(`${adminUrl}/healthz`)
    assert.equal(await r.body.text(), 'ok')
    await proxy.close()
    await assert.rejects(request(`${adminUrl}/healthz`))
  })
})
