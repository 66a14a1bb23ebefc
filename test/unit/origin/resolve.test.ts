// Spec §8.1: the origin's host name is resolved before the origin-request function, and a
// failure is a 502 without the function. The lookup cache: IP literals are never looked up, a
// success is remembered for the TTL and no longer, a failure never, the oldest name goes first
// beyond the bound, concurrent checks share one lookup; the origin client looks up the host a
// connection would go to (the --origin override's, none for LocalDirectory).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CustomOriginConfig, OriginConfig } from '../../../proxy/config/types.js'
import { EdgeError } from '../../../proxy/errors.js'
import { OriginClients } from '../../../proxy/origin/client.js'
import { OriginResolver } from '../../../proxy/origin/resolve.js'
import { customOrigin } from '../../helpers/origin-config.js'

/** `sync`: answered at once, no lookup; `ok` / `dns`: a lookup that resolved / failed. */
type Outcome = 'sync' | 'ok' | 'dns'

interface Row {
  readonly name: string
  readonly ttlMs?: number
  readonly maxHosts?: number
  /** [time (ms), host, expected outcome] in order. */
  readonly steps: readonly (readonly [number, string, Outcome])[]
  /** The names the lookup was asked for, in order. */
  readonly lookups: readonly string[]
}

const ROWS: readonly Row[] = [
  {
    name: 'IP literals are never looked up',
    steps: [
      [0, '127.0.0.1', 'sync'],
      [0, '::1', 'sync'],
      [0, '[::1]', 'sync'],
      [0, '[2001:db8::1]', 'sync'],
    ],
    lookups: [],
  },
  {
    name: 'a success is remembered for the TTL (default 5 s), then looked up again',
    steps: [
      [0, 'a.test', 'ok'],
      [1, 'a.test', 'sync'],
      [4999, 'a.test', 'sync'],
      [5000, 'a.test', 'ok'],
      [5001, 'a.test', 'sync'],
    ],
    lookups: ['a.test', 'a.test'],
  },
  {
    name: 'a configured TTL',
    ttlMs: 100,
    steps: [
      [0, 'a.test', 'ok'],
      [99, 'a.test', 'sync'],
      [100, 'a.test', 'ok'],
    ],
    lookups: ['a.test', 'a.test'],
  },
  {
    name: 'a failure is never remembered',
    steps: [
      [0, 'down.invalid', 'dns'],
      [0, 'down.invalid', 'dns'],
      [1, 'down.invalid', 'dns'],
    ],
    lookups: ['down.invalid', 'down.invalid', 'down.invalid'],
  },
  {
    name: 'names are remembered separately',
    steps: [
      [0, 'a.test', 'ok'],
      [0, 'b.test', 'ok'],
      [1, 'a.test', 'sync'],
      [1, 'b.test', 'sync'],
      [1, 'down.invalid', 'dns'],
      [2, 'a.test', 'sync'],
    ],
    lookups: ['a.test', 'b.test', 'down.invalid'],
  },
  {
    name: 'beyond the bound the oldest name goes first',
    maxHosts: 2,
    steps: [
      [0, 'a.test', 'ok'],
      [1, 'b.test', 'ok'],
      [2, 'c.test', 'ok'],
      [3, 'c.test', 'sync'],
      [3, 'b.test', 'sync'],
      [3, 'a.test', 'ok'], // evicted by c; now b goes
      [4, 'b.test', 'ok'],
      [5, 'a.test', 'sync'],
    ],
    lookups: ['a.test', 'b.test', 'c.test', 'a.test', 'b.test'],
  },
  {
    name: 'a name looked up again after expiry is the newest',
    maxHosts: 2,
    ttlMs: 10,
    steps: [
      [0, 'a.test', 'ok'],
      [5, 'b.test', 'ok'],
      [10, 'a.test', 'ok'], // expired: looked up again, now newer than b
      [12, 'c.test', 'ok'], // evicts b, not a
      [13, 'a.test', 'sync'],
      [13, 'b.test', 'ok'],
    ],
    lookups: ['a.test', 'b.test', 'a.test', 'c.test', 'b.test'],
  },
]

/** A lookup that resolves every name except those under .invalid, recording what it was asked. */
function fakeLookup(asked: string[]) {
  return (host: string): Promise<unknown> => {
    asked.push(host)
    if (host.endsWith('.invalid')) {
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
          code: 'ENOTFOUND',
        }),
      )
    }
    return Promise.resolve([{ address: '192.0.2.1', family: 4 }])
  }
}

describe('origin host name lookups before origin-request (spec §8.1)', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const asked: string[] = []
      let now = 0
      const resolver = new OriginResolver({
        lookup: fakeLookup(asked),
        nowMs: () => now,
        ...(row.ttlMs === undefined ? {} : { ttlMs: row.ttlMs }),
        ...(row.maxHosts === undefined ? {} : { maxHosts: row.maxHosts }),
      })
      for (const [at, host, expected] of row.steps) {
        now = at
        const out = resolver.check(host)
        const label = `${host} at ${String(at)} ms`
        if (expected === 'sync') {
          assert.equal(out, undefined, label)
          continue
        }
        assert.ok(out instanceof Promise, `${label}: a lookup`)
        const err = await out
        if (expected === 'ok') assert.equal(err, undefined, label)
        else {
          assert.ok(err instanceof EdgeError, label)
          assert.equal(err.code, 'ORIGIN_DNS')
          assert.equal(err.status, 502)
          assert.equal((err.cause as { code?: string }).code, 'ENOTFOUND')
        }
        if (row.maxHosts !== undefined) assert.ok(resolver.size <= row.maxHosts)
      }
      assert.deepEqual(asked, row.lookups)
    })
  }

  it('concurrent checks of one name share one lookup', async () => {
    const asked: string[] = []
    let finish: () => void = () => undefined
    const resolver = new OriginResolver({
      lookup: (host) => {
        asked.push(host)
        return new Promise((resolve) => (finish = () => resolve([])))
      },
    })
    const first = resolver.check('a.test')
    const second = resolver.check('a.test')
    assert.equal(first, second)
    finish()
    assert.deepEqual(await Promise.all([first, second]), [undefined, undefined])
    assert.equal(resolver.check('a.test'), undefined)
    assert.deepEqual(asked, ['a.test'])
  })

  it('the system lookup resolves localhost and fails a .invalid name (RFC 2606)', async () => {
    const resolver = new OriginResolver()
    assert.equal(await resolver.check('localhost'), undefined)
    const err = await resolver.check('edgeproxy-test.invalid')
    assert.ok(err instanceof EdgeError)
    assert.equal(err.code, 'ORIGIN_DNS')
  })
})

describe('OriginClients.resolve: the host a connection would go to (spec §8.1)', () => {
  const custom = (domainName: string, overrideUrl?: string): CustomOriginConfig =>
    customOrigin('o', domainName, overrideUrl)
  const local: OriginConfig = {
    kind: 'local',
    id: 'l',
    directory: '/x',
    originPath: '',
    customHeaders: [],
  }

  const ROWS: readonly [name: string, origin: OriginConfig, looked: readonly string[]][] = [
    ['a DomainName', custom('shop.test'), ['shop.test']],
    ['an IPv4 DomainName', custom('127.0.0.1'), []],
    ['an IPv6 DomainName', custom('::1'), []],
    ['an --origin override to an IP', custom('shop.invalid', 'http://127.0.0.1:8080/'), []],
    ['an --origin override to an IPv6 address', custom('shop.invalid', 'http://[::1]:8080/'), []],
    [
      'an --origin override to a name',
      custom('shop.invalid', 'https://dev.test:8443/'),
      ['dev.test'],
    ],
    ['a LocalDirectory origin', local, []],
  ]
  for (const [name, origin, looked] of ROWS) {
    it(`${name} → ${looked.length === 0 ? 'no lookup' : looked.join(', ')}`, async () => {
      const asked: string[] = []
      const client = new OriginClients({
        verifyTls: false,
        resolver: new OriginResolver({ lookup: fakeLookup(asked) }),
      })
      const out = client.resolve(origin)
      if (looked.length === 0) assert.equal(out, undefined)
      else assert.equal(await out, undefined)
      assert.deepEqual(asked, looked)
      await client.close()
    })
  }
})

describe('a lookup slower than the origin ConnectionTimeout', () => {
  const hanging = (): Promise<unknown> => new Promise(() => {})

  it('is a connect timeout (504) once the timeout passes, not a DNS failure', async () => {
    const resolver = new OriginResolver({ lookup: hanging })
    const t0 = performance.now()
    const err = await resolver.check('slow.test', 40)
    assert.ok(err instanceof EdgeError)
    assert.deepEqual([err.code, err.status], ['ORIGIN_CONNECT_TIMEOUT', 504])
    assert.ok(performance.now() - t0 >= 35)
  })

  it('goes on: a late success is remembered for the next request', async () => {
    let answer: (v: unknown) => void = () => {}
    const resolver = new OriginResolver({ lookup: () => new Promise((r) => (answer = r)) })
    const err = await resolver.check('late.test', 20)
    assert.equal(err?.code, 'ORIGIN_CONNECT_TIMEOUT')
    answer([{ address: '127.0.0.1', family: 4 }])
    await new Promise((r) => setImmediate(r))
    assert.equal(resolver.check('late.test', 20), undefined)
  })

  it('a lookup within the timeout is its own outcome', async () => {
    const resolver = new OriginResolver({ lookup: () => Promise.reject(new Error('ENOTFOUND')) })
    assert.equal((await resolver.check('down.invalid', 1000))?.code, 'ORIGIN_DNS')
  })

  it("OriginClients.resolve waits at most the origin's ConnectionTimeout", async () => {
    const client = new OriginClients({
      verifyTls: false,
      resolver: new OriginResolver({ lookup: hanging }),
    })
    const origin = { ...customOrigin('o', 'slow.test'), connectionTimeoutS: 0.05 }
    assert.equal((await client.resolve(origin))?.code, 'ORIGIN_CONNECT_TIMEOUT')
    await client.close()
  })
})
