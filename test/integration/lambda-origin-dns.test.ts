// Spec §8.1, §8.6: CloudFront resolves the origin's domain name *before* the origin-request
// Lambda@Edge; a name that does not resolve is a 502 and the function does not run. Through a
// real loopback proxy: a DomainName under the reserved .invalid TLD (RFC 2606, never resolves)
// answers the same page as without a function and leaves the function's record empty;
// `localhost` resolves and the function runs; with an --origin override the host connected to
// is the one looked up; an origin group's primary that does not resolve fails over to the
// secondary, where the function runs once.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, startProxy } from '../helpers/proxy.js'

const REPO = fileURLToPath(new URL('../../..', import.meta.url))
const RECORDER = join(REPO, 'test/fixtures/lambda/node/oreq-record.cjs')
const UNRESOLVABLE = 'edgeproxy-test.invalid'

const oreq = {
  LambdaFunctionAssociations: [{ EventType: 'origin-request', LambdaFunctionARN: 'record' }],
}

describe('origin-request Lambda@Edge after the origin DNS lookup (spec §8.1)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-dns-'))
  const logs: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
  )
  let n = 0

  before(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end(`origin saw ${req.url ?? ''} ran=${String(req.headers['x-oreq-ran'])}`)
    })
    const custom = (id: string, domainName: string) => ({
      Id: id,
      DomainName: domainName,
      CustomOriginConfig: { HTTPPort: origin.port, OriginProtocolPolicy: 'http-only' },
      ConnectionAttempts: 1,
      ConnectionTimeout: 1,
    })
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [
            custom('gone', UNRESOLVABLE),
            custom('local', 'localhost'),
            // Sent to loopback by --origin: its own DomainName is never looked up.
            custom('overridden', `shop.${UNRESOLVABLE}`),
          ],
          OriginGroups: [
            {
              Id: 'g',
              FailoverCriteria: { StatusCodes: [503] },
              Members: [{ OriginId: 'gone' }, { OriginId: 'local' }],
            },
          ],
          DefaultCacheBehavior: behavior(undefined, 'local', oreq),
          CacheBehaviors: [
            behavior('/gone/*', 'gone', oreq),
            behavior('/gone-plain/*', 'gone'),
            behavior('/overridden/*', 'overridden', oreq),
            behavior('/group/*', 'g', oreq),
          ],
        },
        LambdaFunctions: [
          { Name: 'record', CodeFile: RECORDER, Handler: 'handler', Runtime: 'nodejs20.x' },
        ],
      },
      {
        logger,
        originOverrides: new Map([['overridden', origin.url]]),
      },
    )
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  /** A GET whose origin-request calls (if any) are recorded in a file of its own. */
  const get = async (path: string) => {
    const record = join(dir, `calls-${String(++n)}.txt`)
    const r = await request(`${proxy.url}${path}`, { headers: { 'x-record-to': record } })
    const text = await r.body.text()
    const calls = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : []
    return { status: r.statusCode, headers: r.headers, text, calls }
  }
  const access = (path: string) =>
    logs.find((l) => l['msg'] === 'access' && l['cs-uri-stem'] === path)

  it('a DomainName that does not resolve → 502, X-Cache Error, the function not run', async () => {
    const r = await get('/gone/page')
    assert.equal(r.status, 502)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.equal(r.headers['content-type'], 'text/html')
    assert.match(r.text, /ERROR: The request could not be satisfied/)
    assert.match(r.text, /resolve the origin domain name/)
    assert.deepEqual(r.calls, [])
    assert.equal(origin.requests.length, 0)
    const line = access('/gone/page')
    assert.ok(line, 'an access line')
    assert.equal(line['x-edge-detailed-result-type'], 'OriginDnsError')
    assert.equal(line['origin'], 'gone')
    assert.ok(
      logs.some(
        (l) => l['msg'] === 'origin host name lookup failed: origin-request function skipped',
      ),
    )
  })

  it('answers as the same origin does without a function', async () => {
    const [withFn, without] = [await get('/gone/a'), await get('/gone-plain/a')]
    assert.equal(without.status, withFn.status)
    assert.equal(without.headers['x-cache'], withFn.headers['x-cache'])
    assert.equal(without.headers['content-type'], withFn.headers['content-type'])
    // The same page but for the request id.
    const page = (t: string) => t.replace(/Request ID: .*/, '')
    assert.equal(page(without.text), page(withFn.text))
    assert.equal(
      access('/gone-plain/a')?.['x-edge-detailed-result-type'],
      access('/gone/a')?.['x-edge-detailed-result-type'],
    )
  })

  it('a failure is not remembered: every request looks the name up, none runs the function', async () => {
    const rs = [await get('/gone/1'), await get('/gone/2'), await get('/gone/3')]
    for (const r of rs) {
      assert.equal(r.status, 502)
      assert.deepEqual(r.calls, [])
    }
  })

  it('localhost resolves: the function runs and the request succeeds', async () => {
    const before = origin.requests.length
    const r = await get('/page')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'origin saw /page ran=yes')
    assert.deepEqual(r.calls, ['/page'])
    assert.equal(origin.requests.length, before + 1)
    // Again within the lookup's TTL (remembered): still runs every time on a miss.
    const again = await get('/page')
    assert.equal(again.status, 200)
    assert.deepEqual(again.calls, ['/page'])
  })

  it('with --origin the host connected to is looked up, not the DomainName', async () => {
    const r = await get('/overridden/x')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'origin saw /overridden/x ran=yes')
    assert.deepEqual(r.calls, ['/overridden/x'])
  })

  it("an origin group's primary that does not resolve fails over; the function runs once", async () => {
    const r = await get('/group/x')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'origin saw /group/x ran=yes')
    assert.deepEqual(r.calls, ['/group/x'])
    const line = access('/group/x')
    assert.ok(line, 'an access line')
    assert.equal(line['origin'], 'local')
    assert.deepEqual(line['failedOver'], {
      group: 'g',
      primary: 'gone',
      reason: 'connect failure',
    })
  })
})
