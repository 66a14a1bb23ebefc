// The origin client's pools (proxy/origin/client.ts): one per origin target, at most maxPools
// open — functions may name a new origin per request (spec §7.5, §8) — the least recently used
// closed first, and a request already on an evicted pool still completes.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { CustomOriginConfig } from '../../proxy/config/types.js'
import { OriginClients } from '../../proxy/origin/client.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'

const originOf = (id: string, port: number): CustomOriginConfig => ({
  kind: 'custom',
  id,
  originPath: '',
  customHeaders: [],
  domainName: '127.0.0.1',
  httpPort: port,
  httpsPort: 443,
  protocolPolicy: 'http-only',
  connectionAttempts: 1,
  connectionTimeoutS: 5,
  readTimeoutS: 10,
  keepaliveTimeoutS: 5,
  responseCompletionTimeoutS: undefined,
  overrideUrl: undefined,
})

async function text(client: OriginClients, origin: CustomOriginConfig, path: string) {
  const r = await client.fetch(origin, { method: 'GET', path, headers: {}, body: null }, 'http')
  const chunks: Buffer[] = []
  for await (const c of r.body as AsyncIterable<Buffer>) chunks.push(c)
  return Buffer.concat(chunks).toString()
}

describe('origin pools', () => {
  const origins: TestOrigin[] = []
  const client = new OriginClients({ verifyTls: false, maxPools: 2 })

  before(async () => {
    for (let i = 0; i < 3; i++) {
      origins.push(
        await startOrigin(async (req, res) => {
          if (req.url === '/slow') await sleep(300)
          res.end(`origin ${String(i)} ${req.url ?? ''}`)
        }),
      )
    }
  })

  after(async () => {
    await client.close()
    for (const o of origins) await o.close()
  })

  it('keeps at most maxPools open, closing the least recently used', async () => {
    const [a, b, c] = origins.map((o, i) => originOf(`o${String(i)}`, o.port))
    assert.equal(await text(client, a!, '/1'), 'origin 0 /1')
    assert.equal(await text(client, b!, '/1'), 'origin 1 /1')
    assert.equal(await text(client, a!, '/2'), 'origin 0 /2') // a is now the most recent
    assert.equal(await text(client, c!, '/1'), 'origin 2 /1') // evicts b
    assert.equal(client.poolCount, 2)
    assert.equal(await text(client, b!, '/2'), 'origin 1 /2', 'an evicted origin gets a new pool')
    assert.equal(client.poolCount, 2)
  })

  it('lets a request on an evicted pool finish', async () => {
    const [a, b, c] = origins.map((o, i) => originOf(`o${String(i)}`, o.port))
    const slow = text(client, a!, '/slow')
    await sleep(50)
    await text(client, b!, '/3')
    await text(client, c!, '/3') // a is the least recently used now: evicted while in flight
    assert.equal(await slow, 'origin 0 /slow')
    assert.equal(client.poolCount, 2)
  })
})
