// Spec §2 end to end: first-match routing among overlapping patterns to two real origins,
// `*`, `?`, case sensitivity, default root object (§11.4), and the OriginPath prefix (§1.3).
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

describe('behavior routing (spec §2)', () => {
  let a: TestOrigin
  let b: TestOrigin
  let proxy: Edgeproxy

  before(async () => {
    a = await startOrigin((req, res) => res.end(`A ${req.url ?? ''}`))
    b = await startOrigin((req, res) => res.end(`B ${req.url ?? ''}`))
    proxy = await startProxy({
      DistributionConfig: {
        DefaultRootObject: 'index.html',
        Origins: [
          customOrigin('a', a.port),
          { ...customOrigin('b', b.port), OriginPath: '/prefix' },
        ],
        DefaultCacheBehavior: behavior(undefined, 'a'),
        CacheBehaviors: [
          behavior('/api/v1/*', 'b'),
          behavior('/api/*', 'a'),
          behavior('*.json', 'b'),
          behavior('/img/??.png', 'b'),
          behavior('/Docs/*', 'b'),
        ],
      },
    })
  })
  after(async () => {
    await proxy.close()
    await a.close()
    await b.close()
  })

  const ROWS: readonly [path: string, body: string, rule: string][] = [
    ['/api/v1/users', 'B /prefix/api/v1/users', 'first of three overlapping patterns wins'],
    ['/api/v1/x.json', 'B /prefix/api/v1/x.json', 'earlier pattern wins over *.json'],
    ['/api/v2/x.json', 'A /api/v2/x.json', '/api/* comes before *.json'],
    ['/data/x.json', 'B /prefix/data/x.json', '* spans directories'],
    ['/data/x.JSON', 'A /data/x.JSON', 'case-sensitive: falls to the default'],
    ['/img/ab.png', 'B /prefix/img/ab.png', '?? matches two characters'],
    ['/img/abc.png', 'A /img/abc.png', '?? does not match three'],
    ['/Docs/guide', 'B /prefix/Docs/guide', 'case-sensitive directory matches'],
    ['/docs/guide', 'A /docs/guide', 'lower-case path does not match /Docs/*'],
    [
      '/api/v1/users?x=1',
      'B /prefix/api/v1/users?x=1',
      'query string ignored for matching, forwarded',
    ],
    ['/other', 'A /other', 'default behavior last'],
    ['/', 'A /index.html', 'default root object for /'],
    ['/?a=1', 'A /index.html?a=1', 'default root object keeps the query'],
  ]
  for (const [path, body, rule] of ROWS) {
    it(`${path}: ${rule}`, async () => {
      const r = await request(`${proxy.url}${path}`)
      assert.equal(r.statusCode, 200)
      assert.equal(await r.body.text(), body)
    })
  }

  it('does not apply the default root object to subdirectories (§11.4)', async () => {
    const r = await request(`${proxy.url}/sub/`)
    assert.equal(await r.body.text(), 'A /sub/')
  })
})
