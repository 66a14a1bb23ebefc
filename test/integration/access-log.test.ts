// Access logs (spec §11.8): the W3C file of Server.AccessLog and the pino access line carry
// CloudFront's standard fields for hits, misses, ranges, errors and query strings.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Writable } from 'node:stream'
import { pino } from 'pino'
import { request } from 'undici'
import { W3C_FIELDS } from '../../proxy/cloudfront/access-log.js'
import { ConfigError } from '../../proxy/errors.js'
import { createLogger } from '../../proxy/log.js'
import type { Edgeproxy } from '../../proxy/main.js'
import { captureLines } from '../helpers/log-lines.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
const BODY = 'x'.repeat(1000)

async function get(url: string, headers: Record<string, string> = {}) {
  const r = await request(url, { headers })
  await r.body.arrayBuffer()
  return r.statusCode
}

function config(origin: TestOrigin, server: Record<string, unknown> = {}) {
  return {
    Server: server,
    DistributionConfig: {
      Origins: [customOrigin('app', origin.port)],
      DefaultCacheBehavior: behavior(undefined, 'app', {
        CachePolicyId: OPTIMIZED,
        OriginRequestPolicyId: undefined,
      }),
    },
  }
}

describe('access logs (spec §11.8)', () => {
  let origin: TestOrigin
  before(async () => {
    origin = await startOrigin((req, res) => {
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no')
        return
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' })
      res.end(BODY)
    })
  })
  after(() => origin.close())

  describe('the W3C file (Server.AccessLog)', () => {
    let proxy: Edgeproxy
    let file: string
    let rows: Record<string, string>[]

    before(async () => {
      file = join(mkdtempSync(join(tmpdir(), 'edgeproxy-log-')), 'logs', 'access.log')
      proxy = await startProxy(config(origin, { AccessLog: { File: file } }))
      await get(`${proxy.url}/a.txt?v=1`, { 'user-agent': 'tester 1.0', referer: 'http://r/' })
      await get(`${proxy.url}/a.txt?v=1`)
      await get(`${proxy.url}/a.txt?v=1`, { range: 'bytes=10-19' })
      await get(`${proxy.url}/missing`)
      await proxy.close()
      const lines = readFileSync(file, 'utf8').split('\n')
      assert.equal(lines[0], '#Version: 1.0')
      assert.equal(lines[1], `#Fields: ${W3C_FIELDS.join(' ')}`)
      rows = lines
        .slice(2)
        .filter((l) => l !== '')
        .map((l) => {
          const cells = l.split('\t')
          assert.equal(cells.length, 33, l)
          return Object.fromEntries(W3C_FIELDS.map((f, i) => [f, cells[i] ?? '']))
        })
    })

    it('writes one record per request, with the two header lines first', () => {
      assert.equal(rows.length, 4)
    })

    it('records a miss then a hit with CloudFront’s fields', () => {
      const [miss, hit] = rows as [Record<string, string>, Record<string, string>]
      assert.match(miss['date']!, /^\d{4}-\d\d-\d\d$/)
      assert.match(miss['time']!, /^\d\d:\d\d:\d\d$/)
      assert.equal(miss['x-edge-location'], 'LOCAL1-C1')
      assert.equal(miss['c-ip'], '127.0.0.1')
      assert.equal(miss['cs-method'], 'GET')
      assert.match(miss['cs(Host)']!, /\.cloudfront\.net$/)
      assert.equal(miss['cs-uri-stem'], '/a.txt')
      assert.equal(miss['sc-status'], '200')
      assert.equal(miss['cs(Referer)'], 'http://r/')
      assert.equal(miss['cs(User-Agent)'], 'tester%201.0')
      assert.equal(miss['cs-uri-query'], 'v=1')
      assert.equal(miss['cs(Cookie)'], '-')
      assert.equal(miss['x-edge-result-type'], 'Miss')
      assert.equal(hit['x-edge-result-type'], 'Hit')
      assert.equal(hit['x-edge-response-result-type'], 'Hit')
      assert.equal(hit['x-edge-detailed-result-type'], 'Hit')
      assert.match(miss['x-edge-request-id']!, /^[A-Za-z0-9_-]{20,}=*$/)
      assert.notEqual(miss['x-edge-request-id'], hit['x-edge-request-id'])
      assert.equal(miss['x-host-header'], new URL(proxy.url).host)
      assert.equal(miss['cs-protocol'], 'http')
      assert.equal(miss['cs-protocol-version'], 'HTTP/1.1')
      assert.equal(miss['sc-content-type'], 'text/plain')
      assert.equal(miss['sc-content-len'], '1000')
      assert.match(miss['time-taken']!, /^\d+\.\d{3}$/)
      assert.match(miss['time-to-first-byte']!, /^\d+\.\d{3}$/)
      assert.ok(Number(miss['time-to-first-byte']) <= Number(miss['time-taken']))
      assert.match(miss['c-port']!, /^\d+$/)
      for (const f of ['x-forwarded-for', 'ssl-protocol', 'ssl-cipher', 'fle-status']) {
        assert.equal(miss[f], '-', f)
      }
    })

    it('counts bytes with headers: sc-bytes above the body, cs-bytes the request head', () => {
      const [miss, hit] = rows as [Record<string, string>, Record<string, string>]
      assert.ok(Number(miss['sc-bytes']) > 1000, miss['sc-bytes'])
      assert.ok(Number(miss['sc-bytes']) < 2000, miss['sc-bytes'])
      assert.ok(Number(hit['sc-bytes']) > 1000, hit['sc-bytes'])
      assert.ok(Number(miss['cs-bytes']) > 30, miss['cs-bytes'])
      assert.ok(Number(hit['cs-bytes']) < 500, hit['cs-bytes'])
    })

    it('records a range answer with its start and end', () => {
      const range = rows[2]!
      assert.equal(range['sc-status'], '206')
      assert.equal(range['sc-range-start'], '10')
      assert.equal(range['sc-range-end'], '19')
    })

    it('records an origin 404 as Error with no query', () => {
      const missing = rows[3]!
      assert.equal(missing['sc-status'], '404')
      assert.equal(missing['x-edge-result-type'], 'Error')
      assert.equal(missing['cs-uri-query'], '-')
    })

    it('appends to an existing file without repeating the header', async () => {
      const again = await startProxy(config(origin, { AccessLog: { File: file } }))
      await get(`${again.url}/a.txt`, { cookie: 'a=b' })
      await again.close()
      const lines = readFileSync(file, 'utf8').split('\n')
      assert.equal(lines.filter((l) => l.startsWith('#Version')).length, 1)
      const last = lines
        .filter((l) => l !== '')
        .at(-1)!
        .split('\t')
      assert.equal(last[W3C_FIELDS.indexOf('cs(Cookie)')], '-')
    })

    it('logs cookies only with IncludeCookies', async () => {
      const withCookies = await startProxy(
        config(origin, { AccessLog: { File: file, IncludeCookies: true } }),
      )
      await get(`${withCookies.url}/a.txt`, { cookie: 'session=s 1' })
      await withCookies.close()
      const last = readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!.split('\t')
      assert.equal(last[W3C_FIELDS.indexOf('cs(Cookie)')], 'session=s%201')
    })
  })

  it('puts the same fields on the pino access line', async () => {
    const { lines, sink } = captureLines()
    const proxy = await startProxy(config(origin), { logger: pino({ level: 'info' }, sink) })
    await get(`${proxy.url}/b.txt?x=1`)
    await proxy.close()
    const access = lines.filter((l) => l['msg'] === 'access')
    assert.equal(access.length, 1)
    const line = access[0]!
    assert.equal(line['cs-uri-stem'], '/b.txt')
    assert.equal(line['cs-uri-query'], 'x=1')
    assert.equal(line['sc-status'], 200)
    assert.equal(line['x-edge-result-type'], 'Miss')
    assert.equal(line['behavior'], '*')
    assert.equal(line['origin'], 'app')
    assert.equal(typeof line['x-edge-request-id'], 'string')
  })

  it('writes the same access line as text through its own logger (createLogger)', async () => {
    const own = captureLines()
    const plain = captureLines()
    for (const [logger, out] of [
      [createLogger('info', own.sink), own],
      [pino({ level: 'info', base: { pid: process.pid } }, plain.sink), plain],
    ] as const) {
      const proxy = await startProxy(config(origin), { logger })
      await get(`${proxy.url}/own.txt?q=1`, { 'user-agent': 'a "quoted" agent' })
      await get(`${proxy.url}/own.txt?q=1`, { 'user-agent': 'a "quoted" agent' })
      await proxy.close()
      assert.equal(out.lines.filter((l) => l['msg'] === 'access').length, 2)
    }
    // Values that differ between the two proxies or two requests; the keys and their order don't.
    const perRun = ['time', 'x-edge-request-id', 'reqId', 'c-port', 'time-taken', 'date']
    perRun.push('time-to-first-byte', 'cs(Host)', 'x-host-header', 'originMs')
    const shape = (l: Record<string, unknown>) =>
      Object.entries(l).map(([k, v]) => [k, perRun.includes(k) ? typeof v : v])
    const mine = own.lines.filter((l) => l['msg'] === 'access')
    const theirs = plain.lines.filter((l) => l['msg'] === 'access')
    assert.deepEqual(mine.map(shape), theirs.map(shape))
    assert.deepEqual(
      mine.map((l) => l['x-edge-result-type']),
      ['Miss', 'Hit'],
    )
    assert.equal(mine[0]!['cs(User-Agent)'], 'a "quoted" agent')
    assert.match(String(mine[0]!['time']), /^\d\d:\d\d:\d\d$/) // the record's, after pino's
  })

  it('follows the logger’s level as it changes while the proxy runs', async () => {
    for (const make of [
      (sink: Writable) => createLogger('warn', sink),
      (sink: Writable) => pino({ level: 'warn' }, sink),
    ]) {
      const out = captureLines()
      const logger = make(out.sink)
      const proxy = await startProxy(config(origin), { logger })
      const paths = ['/lv1.txt', '/lv2.txt', '/lv3.txt', '/lv4.txt']
      await get(`${proxy.url}${paths[0]!}`) // warn: no line
      logger.level = 'info'
      await get(`${proxy.url}${paths[1]!}`)
      await get(`${proxy.url}${paths[1]!}`) // a hit (the fast path on the own logger)
      logger.level = 'error'
      await get(`${proxy.url}${paths[2]!}`)
      logger.level = 'debug'
      await get(`${proxy.url}${paths[3]!}`)
      await proxy.close()
      const access = out.lines.filter((l) => l['msg'] === 'access')
      assert.deepEqual(
        access.map((l) => [l['cs-uri-stem'], l['x-edge-result-type']]),
        [
          [paths[1], 'Miss'],
          [paths[1], 'Hit'],
          [paths[3], 'Miss'],
        ],
      )
    }
  })

  it('rejects a folder as the log file', async () => {
    await assert.rejects(
      startProxy(config(origin, { AccessLog: { File: tmpdir() } })),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some(
          (p) => p.path === 'Server.AccessLog.File' && p.message.startsWith('is not a file'),
        ),
    )
  })
})
