// `edgeproxy start --workers N` (design.md §3 "Workers"): workers share the listener, each
// with its own cache; the primary's admin API sums /cache/stats and /metrics, completes an
// invalidation only after every worker applied it, and replaces a worker that dies.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { startCli, type RunningCli } from '../helpers/cli.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin } from '../helpers/proxy.js'
import { closedPort } from '../helpers/ports.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'

/** One request on a new connection: the primary hands connections to workers in turn. */
async function get(url: string, init: { method?: string; body?: string } = {}) {
  const r = await request(url, {
    reset: true,
    method: (init.method ?? 'GET') as 'GET',
    ...(init.body === undefined
      ? {}
      : { body: init.body, headers: { 'content-type': 'application/json' } }),
  })
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
}

function workerPids(cli: RunningCli): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(cli.child.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map(Number)
  } catch {
    return []
  }
}

describe('--workers 2', () => {
  let origin: TestOrigin
  let cli: RunningCli
  let admin: string

  before(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=300' })
      res.end(`origin ${req.url ?? ''}`)
    })
    const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-workers-'))
    const file = join(dir, 'distribution.json')
    writeFileSync(
      file,
      JSON.stringify({
        DistributionConfig: {
          Origins: [customOrigin('app', origin.port)],
          DefaultCacheBehavior: behavior(undefined, 'app', { CachePolicyId: OPTIMIZED }),
        },
      }),
    )
    const adminPort = await closedPort()
    cli = await startCli([
      '--config',
      file,
      '--port',
      '0',
      '--admin-port',
      String(adminPort),
      '--workers',
      '2',
    ])
    admin = `http://127.0.0.1:${String(adminPort)}`
  })
  after(async () => {
    cli.child.kill('SIGTERM')
    assert.equal(await cli.exited, 0)
    await origin.close()
  })

  it('runs two workers behind one listener, each with its own cache', async () => {
    assert.equal(workerPids(cli).length, 2)
    for (let i = 0; i < 8; i++) assert.equal((await get(`${cli.url}/a`)).text, 'origin /a')
    const stats = JSON.parse((await get(`${admin}/cache/stats`)).text) as Record<string, number>
    // Round-robin reaches both workers: each stored /a once.
    assert.equal(stats['objects'], 2)
    assert.equal(stats['misses'], 2)
    assert.equal(stats['hits'], 6)
    assert.equal(origin.requests.filter((r) => r.url === '/a').length, 2)
  })

  it('sums /metrics over the workers', async () => {
    const text = (await get(`${admin}/metrics`)).text
    const line = text
      .split('\n')
      .find((l) => l.startsWith('edgeproxy_requests_total{behavior="*",status="200",result="Hit"}'))
    assert.ok(line !== undefined, text.slice(0, 500))
    assert.equal(Number(line.split(' ')[1]), 6)
  })

  it('completes an invalidation only after every worker applied it', async () => {
    const r = await get(`${admin}/invalidations`, {
      method: 'POST',
      body: JSON.stringify({ Paths: ['/a'] }),
    })
    assert.equal(r.status, 201)
    const record = JSON.parse(r.text) as { Invalidation: { Status: string } }
    assert.equal(record.Invalidation.Status, 'Completed')
    const stats = JSON.parse((await get(`${admin}/cache/stats`)).text) as Record<string, number>
    assert.equal(stats['objects'], 0)
    await get(`${cli.url}/a`)
    await get(`${cli.url}/a`)
    assert.equal(origin.requests.filter((r) => r.url === '/a').length, 4)
  })

  it('replaces a worker that dies and keeps serving', async () => {
    const [victim] = workerPids(cli)
    assert.ok(victim !== undefined)
    process.kill(victim, 'SIGKILL')
    const until = Date.now() + 10_000
    while (!(workerPids(cli).length === 2 && !workerPids(cli).includes(victim))) {
      if (Date.now() > until) throw new Error('no replacement worker within 10 s')
      await sleep(100)
    }
    for (let i = 0; i < 4; i++) assert.equal((await get(`${cli.url}/b`)).status, 200)
  })
})
