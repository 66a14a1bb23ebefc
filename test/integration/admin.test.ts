// The admin API (design.md §3 "Admin API", "Invalidations") over real HTTP, with a fake
// cache standing in for the store (test/helpers/fake-cache.ts). The `edgeproxy invalidate`
// command and the start-up wiring are in admin-cli.test.ts.
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { pino } from 'pino'
import { request } from 'undici'
import {
  InvalidationRecords,
  MAX_RECORDS,
  type Invalidation,
  type InvalidationSummary,
} from '../../proxy/admin/records.js'
import { startAdminServer, type AdminServer } from '../../proxy/admin/server.js'
import { FakeCache } from '../helpers/fake-cache.js'

const NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678)
let cache: FakeCache
let admin: AdminServer

before(async () => {
  cache = new FakeCache()
  admin = await startAdminServer({
    port: 0,
    host: '127.0.0.1',
    cache,
    log: pino({ level: 'silent' }),
    clock: () => NOW,
  })
})
after(() => admin.close())
beforeEach(() => cache.reset())

async function call(method: string, path: string, body?: unknown, type = 'application/json') {
  const r = await request(`${admin.url}${path}`, {
    method: method as 'GET',
    ...(body === undefined
      ? {}
      : {
          body: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': type },
        }),
  })
  const text = await r.body.text()
  const json = r.headers['content-type']?.toString().startsWith('application/json')
    ? (JSON.parse(text) as Body)
    : {}
  return { status: r.statusCode, headers: r.headers, text, json }
}

/** What the admin API answers, as far as these tests read it. */
interface Body {
  readonly Invalidation?: Invalidation
  readonly Error?: { readonly Code: string; readonly Message: string; readonly Field?: string }
  readonly InvalidationList?: {
    readonly Quantity: number
    readonly IsTruncated: boolean
    readonly NextMarker?: string
    readonly Items: readonly InvalidationSummary[]
  }
}

function inv(r: { json: Body; text: string }): Invalidation {
  return r.json.Invalidation ?? assert.fail(`no Invalidation in ${r.text}`)
}

function error(r: { json: Body; text: string }): NonNullable<Body['Error']> {
  return r.json.Error ?? assert.fail(`no Error in ${r.text}`)
}

describe('POST /invalidations', () => {
  it('{"Paths": [...]} → 201, Location, a Completed AWS record; every /img/ variant removed', async () => {
    const r = await call('POST', '/invalidations', { Paths: ['/img/*'] })
    assert.equal(r.status, 201, r.text)
    const record = inv(r)
    assert.match(record.Id, /^I[A-Z0-9]{13}$/)
    assert.equal(r.headers['location'], `/invalidations/${record.Id}`)
    assert.equal(record.Status, 'Completed')
    assert.equal(record.CreateTime, '2025-01-02T03:04:05.678Z')
    assert.deepEqual(record.InvalidationBatch.Paths, { Quantity: 1, Items: ['/img/*'] })
    assert.equal(typeof record.InvalidationBatch.CallerReference, 'string')
    assert.deepEqual(cache.removed, [
      [
        { uri: '/img/a.png', query: '' },
        { uri: '/img/a.png', query: 'w=100' },
        { uri: '/img/sub/b.png', query: '' },
      ],
    ])
  })

  it("AWS's InvalidationBatch shape → 201; CallerReference kept; /a misses /a?x=1", async () => {
    const batch = { Paths: { Quantity: 2, Items: ['/a', '/index.html'] }, CallerReference: 'r-1' }
    const r = await call('POST', '/invalidations', { InvalidationBatch: batch })
    assert.equal(r.status, 201, r.text)
    assert.deepEqual(inv(r).InvalidationBatch, batch)
    assert.deepEqual(cache.removed, [
      [
        { uri: '/a', query: '' },
        { uri: '/index.html', query: '' },
      ],
    ])
    const again = await call('POST', '/invalidations', { InvalidationBatch: batch })
    assert.equal(again.status, 201, 'the same CallerReference and paths is the same request')
    assert.equal(inv(again).Id, inv(r).Id)
    assert.equal(cache.removed.length, 1, 'not applied twice')
    const other = await call('POST', '/invalidations', {
      InvalidationBatch: { ...batch, Paths: { Quantity: 1, Items: ['/b'] } },
    })
    assert.equal(other.status, 409)
    assert.equal(error(other).Code, 'InvalidationBatchAlreadyExists')
  })

  const BAD: readonly [body: unknown, field: string, message: RegExp][] = [
    [['/a'], '(body)', /JSON object/],
    [{}, 'Paths', /is required/],
    [{ Paths: '/a' }, 'Paths', /list of paths/],
    [{ Paths: [] }, 'Paths', /at least one path/],
    [{ Paths: ['/ok', 'img/*'] }, 'Paths[1]', /"img\/\*" must start with \//],
    [{ Paths: ['/img/*.jpg'] }, 'Paths[0]', /"\/img\/\*\.jpg" \* is allowed only as the last/],
    [{ Paths: ['/café'] }, 'Paths[0]', /percent-encoded/],
    [{ Paths: [7] }, 'Paths[0]', /must be a string/],
    [
      { InvalidationBatch: { Paths: { Quantity: 1, Items: ['/a'] } } },
      'InvalidationBatch.CallerReference',
      /required/,
    ],
    [
      { InvalidationBatch: { Paths: { Quantity: 2, Items: ['/a'] }, CallerReference: 'x' } },
      'InvalidationBatch.Paths.Quantity',
      /is 2 but Items has 1/,
    ],
    [
      { InvalidationBatch: { Paths: { Quantity: 1, Items: ['a'] }, CallerReference: 'x' } },
      'InvalidationBatch.Paths.Items[0]',
      /must start with \//,
    ],
  ]
  for (const [body, field, message] of BAD) {
    it(`400 naming ${field} for ${JSON.stringify(body)}`, async () => {
      const r = await call('POST', '/invalidations', body)
      assert.equal(r.status, 400, r.text)
      assert.equal(error(r).Field, field)
      assert.match(error(r).Message, message)
      assert.deepEqual(cache.removed, [], 'nothing invalidated')
    })
  }

  it('400 for a body that is not JSON, 415 for a non-JSON type, 413 over 1 MB', async () => {
    const bad = await call('POST', '/invalidations', '{"Paths": [')
    assert.equal(bad.status, 400)
    assert.equal(error(bad).Code, 'MalformedInput')
    const form = await call(
      'POST',
      '/invalidations',
      'Paths=/a',
      'application/x-www-form-urlencoded',
    )
    assert.equal(form.status, 415)
    assert.match(error(form).Message, /application\/json/)
    const big = await call('POST', '/invalidations', {
      Paths: ['/a'],
      Pad: 'x'.repeat(1024 * 1024),
    })
    assert.equal(big.status, 413)
    assert.deepEqual(cache.removed, [])
  })
})

describe('GET /invalidations', () => {
  it('by Id → the record; unknown Id → 404 JSON', async () => {
    const created = await call('POST', '/invalidations', { Paths: ['/a'] })
    const id = inv(created).Id
    const r = await call('GET', `/invalidations/${id}`)
    assert.equal(r.status, 200)
    assert.deepEqual(r.json, created.json)
    const missing = await call('GET', '/invalidations/INOSUCHTHING00')
    assert.equal(missing.status, 404)
    assert.equal(error(missing).Code, 'NoSuchInvalidation')
  })

  it('the list is newest first, in the InvalidationList shape', async () => {
    const first = await call('POST', '/invalidations', { Paths: ['/a'] })
    const second = await call('POST', '/invalidations', { Paths: ['/index.html'] })
    const r = await call('GET', '/invalidations?MaxItems=2')
    assert.equal(r.status, 200)
    const list = r.json.InvalidationList ?? assert.fail(r.text)
    assert.equal(list.Quantity, 2)
    assert.deepEqual(
      list.Items.map((i) => i.Id),
      [inv(second).Id, inv(first).Id],
    )
    assert.equal(list.Items[0]?.Status, 'Completed')
    assert.equal(list.IsTruncated, true)
    assert.equal(list.NextMarker, inv(first).Id)
  })
})

describe('invalidation records', () => {
  it(`keeps the last ${MAX_RECORDS}; the oldest is forgotten with its CallerReference`, () => {
    const records = new InvalidationRecords(2)
    const a = records.create(['/a'], 'ref-a', NOW)
    const b = records.create(['/b'], undefined, NOW)
    const c = records.create(['/c'], undefined, NOW)
    assert.equal(records.get(a.Id), undefined)
    assert.equal(records.byCallerReference('ref-a'), undefined)
    assert.deepEqual(
      records.list().map((s) => s.Id),
      [c.Id, b.Id],
    )
    assert.equal(b.Status, 'InProgress', 'new records start InProgress')
    records.complete(b.Id)
    assert.equal(records.get(b.Id)?.Status, 'Completed')
  })
})

describe('other endpoints', () => {
  it('GET /cache/stats → the cache statistics as JSON', async () => {
    const r = await call('GET', '/cache/stats')
    assert.equal(r.status, 200)
    assert.deepEqual(r.json, cache.stats())
  })

  it('GET /healthz → 200 ok', async () => {
    const r = await call('GET', '/healthz')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'ok')
  })

  it('unknown path → 404 JSON; wrong method → 405 JSON with Allow', async () => {
    const missing = await call('GET', '/nope')
    assert.equal(missing.status, 404)
    assert.equal(error(missing).Code, 'NotFound')
    const wrong = await call('DELETE', '/invalidations')
    assert.equal(wrong.status, 405)
    assert.equal(wrong.headers['allow'], 'POST, GET, HEAD')
  })
})
