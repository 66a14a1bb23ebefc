// IncludeBody with a body longer than a Lambda@Edge may see (spec §8.4: 40 KB viewer, 1 MB
// origin): the function gets the first bytes with inputTruncated, the origin gets the whole
// body byte for byte, and it streams — the origin receives the start before the viewer has
// sent the end, so a large upload is never held in memory whole.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { LIMITS } from '../../functions/edge/result.js'
import type { Edgeproxy } from '../../proxy/main.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/lambda/node/', import.meta.url))
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

interface Received {
  bytes: number
  hash: string
  seen: string
}

describe('IncludeBody with a long body (spec §8.4)', () => {
  let origin: Server
  let proxy: Edgeproxy
  /** What the origin got per path, as it streams in. */
  const received = new Map<string, Received>()

  before(async () => {
    origin = createServer((req, res) => {
      const hash = createHash('sha256')
      const r: Received = { bytes: 0, hash: '', seen: String(req.headers['x-seen']) }
      received.set(req.url ?? '', r)
      req.on('data', (chunk: Buffer) => {
        r.bytes += chunk.length
        hash.update(chunk)
      })
      req.on('end', () => {
        r.hash = hash.digest('hex')
        res.end('stored')
      })
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    const port = (origin.address() as AddressInfo).port
    const peek = (eventType: string) => ({
      LambdaFunctionAssociations: [
        { EventType: eventType, LambdaFunctionARN: 'peek', IncludeBody: true },
      ],
    })
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('o', port)],
        DefaultCacheBehavior: behavior(undefined, 'o'),
        CacheBehaviors: [
          behavior('/viewer/*', 'o', peek('viewer-request')),
          behavior('/origin/*', 'o', peek('origin-request')),
        ],
      },
      LambdaFunctions: [
        {
          Name: 'peek',
          CodeFile: join(FIXTURES, 'peek.mjs'),
          Handler: 'handler',
          Runtime: 'nodejs20.x',
        },
      ],
    })
  })

  after(async () => {
    await proxy.close()
    origin.closeAllConnections()
    await new Promise((resolve) => origin.close(resolve))
  })

  /** POSTs `first`, waits for `between` to resolve, then sends `second` and ends. */
  function post(path: string, first: Buffer, second: Buffer, between: () => Promise<unknown>) {
    return new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}${path}`, {
        method: 'POST',
        headers: { 'content-length': String(first.length + second.length) },
      })
      req.on('response', (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.write(first)
      between().then(
        () => req.end(second),
        (err: unknown) => {
          req.destroy()
          reject(err instanceof Error ? err : new Error(String(err)))
        },
      )
    })
  }

  /** Resolves once the origin has received `bytes` of `path`; rejects after `ms`. */
  async function originHas(path: string, bytes: number, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      if ((received.get(path)?.bytes ?? 0) >= bytes) return
      await sleep(10)
    }
    throw new Error(
      `the origin did not receive ${String(bytes)} bytes of ${path} in ${String(ms)} ms`,
    )
  }

  const cases = [
    { event: 'viewer-request', path: '/viewer/upload', limit: LIMITS.viewer.exposedBodyBytes },
    { event: 'origin-request', path: '/origin/upload', limit: LIMITS.origin.exposedBodyBytes },
  ]
  for (const { event, path, limit } of cases) {
    it(`${event}: the function sees ${String(limit)} bytes, the origin the whole body as it streams`, async () => {
      const first = randomBytes(limit + 256 * 1024)
      const second = randomBytes(2 * 1024 * 1024)
      // The viewer holds back the end until the origin has more than the function saw.
      const status = await post(path, first, second, () => originHas(path, limit + 1))
      assert.equal(status, 200)
      await originHas(path, first.length + second.length)
      for (let i = 0; i < 100 && received.get(path)?.hash === ''; i++) await sleep(10)
      const r = received.get(path)!
      assert.equal(r.bytes, first.length + second.length)
      assert.equal(r.hash, sha(Buffer.concat([first, second])))
      assert.equal(r.seen, `${String(limit)} true`)
    })
  }

  it('a body shorter than the limit is shown whole and still reaches the origin', async () => {
    const body = randomBytes(1000)
    const status = await post('/viewer/small', body, Buffer.alloc(0), () => Promise.resolve())
    assert.equal(status, 200)
    await originHas('/viewer/small', 1000)
    for (let i = 0; i < 100 && received.get('/viewer/small')?.hash === ''; i++) await sleep(10)
    assert.equal(received.get('/viewer/small')!.hash, sha(body))
    assert.equal(received.get('/viewer/small')!.seen, '1000 false')
  })
})
