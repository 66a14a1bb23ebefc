// Geo restriction (spec §0 step 3, §11.10) and CloudFront-Viewer-Country (§3.5) through real
// loopback servers: whitelist and blacklist with the trusted test header and with a CIDR
// table that places 127.0.0.1; a refused viewer gets the 403 HTML error (X-Cache Error) or
// the distribution's 403 page and the origin never hears of it; the origin sees the
// resolved country only when a policy forwards CloudFront-Viewer-Country.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const ALL_VIEWER_AND_CF = '33f36d7e-f396-46d9-90e0-52428a34d9dc' // AllViewerAndCloudFrontHeaders-2022-06
const HEADER = 'X-Edge-Test-Country'
const BLOCKED_CAUSE =
  'The Amazon CloudFront distribution is configured to block access from your country.'

async function get(proxy: Edgeproxy, path: string, country?: string) {
  const r = await request(`${proxy.url}${path}`, {
    headers: country === undefined ? {} : { [HEADER]: country },
  })
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
}

function distribution(
  origin: TestOrigin,
  geo: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    Origins: [customOrigin('app', origin.port)],
    DefaultCacheBehavior: behavior(undefined, 'app'),
    CacheBehaviors: [behavior('/cf/*', 'app', { OriginRequestPolicyId: ALL_VIEWER_AND_CF })],
    Restrictions: { GeoRestriction: geo },
    ...extra,
  }
}

describe('geo restriction with the trusted test header (§11.10)', () => {
  let origin: TestOrigin
  let allow: Edgeproxy
  let deny: Edgeproxy
  before(async () => {
    origin = await startOrigin()
    const Server = { Geo: { CountryHeader: HEADER, DefaultCountry: 'US' } }
    allow = await startProxy({
      Server,
      DistributionConfig: distribution(origin, {
        RestrictionType: 'whitelist',
        Locations: ['FR', 'DE'],
      }),
    })
    deny = await startProxy({
      Server,
      // The AWS API shape works the same.
      DistributionConfig: distribution(origin, {
        RestrictionType: 'blacklist',
        Quantity: 1,
        Items: ['FR'],
      }),
    })
  })
  after(async () => {
    await allow.close()
    await deny.close()
    await origin.close()
  })

  it('whitelist: a listed country passes', async () => {
    const r = await get(allow, '/a', 'FR')
    assert.equal(r.status, 200)
    assert.equal(r.text, 'origin saw /a')
  })

  it('whitelist: an unlisted country gets the 403 page; the origin is not asked', async () => {
    const before = origin.requests.length
    const r = await get(allow, '/b', 'US')
    assert.equal(r.status, 403)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.equal(r.headers['content-type'], 'text/html')
    assert.equal(r.headers['server'], 'CloudFront')
    assert.match(r.text, /<H1>403 Forbidden ERROR<\/H1>/)
    assert.ok(r.text.includes(BLOCKED_CAUSE), r.text)
    assert.equal(origin.requests.length, before)
  })

  it('whitelist: without the header the viewer is in DefaultCountry (US), refused', async () => {
    assert.equal((await get(allow, '/c')).status, 403)
  })

  it('the restriction is distribution-wide: every behavior and method', async () => {
    assert.equal((await get(allow, '/cf/x', 'US')).status, 403)
    const r = await request(`${allow.url}/cf/x`, { method: 'POST', headers: { [HEADER]: 'US' } })
    await r.body.text()
    assert.equal(r.statusCode, 403)
  })

  it('blacklist: the listed country is refused, others pass (lowercase header value too)', async () => {
    assert.equal((await get(deny, '/d', 'FR')).status, 403)
    assert.equal((await get(deny, '/d', 'fr')).status, 403)
    assert.equal((await get(deny, '/d', 'US')).status, 200)
    assert.equal((await get(deny, '/d')).status, 200)
  })

  it('the test header never reaches the origin', async () => {
    await get(deny, '/e', 'DE')
    assert.equal(origin.requests.at(-1)?.headers['x-edge-test-country'], undefined)
  })

  it('CloudFront-Viewer-Country carries the resolved country only where a policy forwards it', async () => {
    await get(deny, '/cf/1', 'DE')
    assert.equal(origin.requests.at(-1)?.headers['cloudfront-viewer-country'], 'DE')
    await get(deny, '/cf/2')
    assert.equal(origin.requests.at(-1)?.headers['cloudfront-viewer-country'], 'US')
    await get(deny, '/plain', 'DE')
    assert.equal(origin.requests.at(-1)?.url, '/plain')
    assert.equal(origin.requests.at(-1)?.headers['cloudfront-viewer-country'], undefined)
  })

  it('a viewer cannot forge CloudFront-Viewer-Country', async () => {
    const r = await request(`${deny.url}/cf/3`, {
      headers: { 'cloudfront-viewer-country': 'FR', [HEADER]: 'DE' },
    })
    await r.body.text()
    assert.equal(r.statusCode, 200)
    assert.equal(origin.requests.at(-1)?.headers['cloudfront-viewer-country'], 'DE')
  })
})

describe('geo restriction with a CIDR table (§3.5, §11.10)', () => {
  let origin: TestOrigin
  let pages: TestOrigin
  let blocked: Edgeproxy
  let open: Edgeproxy
  let unknown: Edgeproxy
  const files = { 'geo.csv': '# loopback is in Canada here\n127.0.0.0/8,CA\n::1/128,CA\n' }
  before(async () => {
    origin = await startOrigin()
    pages = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(`<p>geo page ${req.url ?? ''}</p>`)
    })
    const Server = { Geo: { CidrFile: 'geo.csv' } }
    blocked = await startProxy(
      {
        Server,
        DistributionConfig: {
          ...distribution(origin, { RestrictionType: 'blacklist', Locations: ['CA'] }),
          Origins: [customOrigin('app', origin.port), customOrigin('pages', pages.port)],
          CacheBehaviors: [behavior('/errors/*', 'pages')],
          CustomErrorResponses: [
            { ErrorCode: 403, ResponsePagePath: '/errors/geo.html', ResponseCode: 451 },
          ],
        },
      },
      { files },
    )
    open = await startProxy(
      {
        Server,
        DistributionConfig: distribution(origin, {
          RestrictionType: 'whitelist',
          Locations: ['CA'],
        }),
      },
      { files },
    )
    // Nothing places loopback and DefaultCountry is empty: unknown, so never refused.
    unknown = await startProxy(
      {
        Server: { Geo: { CidrFile: 'empty.csv', DefaultCountry: '' } },
        DistributionConfig: distribution(origin, {
          RestrictionType: 'whitelist',
          Locations: ['FR'],
        }),
      },
      { files: { 'empty.csv': '10.0.0.0/8,FR\n' } },
    )
  })
  after(async () => {
    await blocked.close()
    await open.close()
    await unknown.close()
    await origin.close()
    await pages.close()
  })

  it('a refused viewer gets the distribution’s 403 page, with its ResponseCode', async () => {
    const before = origin.requests.length
    const r = await get(blocked, '/x')
    assert.equal(r.status, 451)
    assert.equal(r.text, '<p>geo page /errors/geo.html</p>')
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.equal(origin.requests.length, before)
  })

  it('the whitelisted table country passes and is forwarded where a policy says so', async () => {
    const r = await get(open, '/cf/ok')
    assert.equal(r.status, 200)
    assert.equal(origin.requests.at(-1)?.headers['cloudfront-viewer-country'], 'CA')
  })

  it('no test header is trusted unless configured', async () => {
    assert.equal((await get(blocked, '/y', 'FR')).status, 451)
  })

  it('an unknown location is allowed and gets no CloudFront-Viewer-Country', async () => {
    const r = await get(unknown, '/cf/u')
    assert.equal(r.status, 200)
    assert.equal(origin.requests.at(-1)?.url, '/cf/u')
    assert.equal(origin.requests.at(-1)?.headers['cloudfront-viewer-country'], undefined)
  })
})
