// Signed URLs and signed cookies end to end (spec §6): URLs and cookies made by the official
// @aws-sdk/cloudfront-signer (canned and custom, SHA-1 and SHA-256, RSA and ECDSA) reach the
// origin without their signing parameters; every kind of bad signature is a 403 with §6.6's
// XML body (or the custom error page); differently signed URLs share one cache entry.
import assert from 'node:assert/strict'
import { generateKeyPairSync, sign } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer'
import { request } from 'undici'
import { encodeCloudFrontBase64 } from '../../proxy/cloudfront/cloudfront-base64.js'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6'
const XML = '<?xml version="1.0" encoding="UTF-8"?>'
const MISSING_KEY = `${XML}<Error><Code>MissingKey</Code><Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>`
const UNKNOWN_KEY = `${XML}<Error><Code>AccessDenied</Code><Message>Unknown Key</Message></Error>`
const DENIED = `${XML}<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>`

const pem = (k: { export(o: { type: 'spki' | 'pkcs8'; format: 'pem' }): string | Buffer }) =>
  String(k.export({ type: 'spki', format: 'pem' }))
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const privatePem = (k: typeof rsa) => String(k.privateKey.export({ type: 'pkcs8', format: 'pem' }))
const KEYS = {
  rsa: { keyPairId: 'K2RSATESTKEY01', privateKey: privatePem(rsa) },
  ec: { keyPairId: 'K2ECTESTKEY001', privateKey: privatePem(ec) },
  other: { keyPairId: 'K2OTHERKEY0001', privateKey: privatePem(other) },
}
const inOneHour = () => new Date(Date.now() + 3600_000)

describe('signed URLs and cookies (spec §6)', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  let base: string

  before(async () => {
    origin = await startOrigin()
    const signed = { TrustedKeyGroups: ['kg-rsa', 'kg-ec'] }
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [customOrigin('o', origin.port)],
          DefaultCacheBehavior: behavior(undefined, 'o'),
          CacheBehaviors: [
            behavior('/private/*', 'o', signed),
            behavior('/cached/*', 'o', { ...signed, CachePolicyId: OPTIMIZED }),
          ],
        },
        KeyGroups: [
          { Id: 'kg-rsa', PublicKeys: [{ Id: KEYS.rsa.keyPairId, EncodedKeyFile: 'rsa.pem' }] },
          { Id: 'kg-ec', PublicKeys: [{ Id: KEYS.ec.keyPairId, EncodedKey: pem(ec.publicKey) }] },
          {
            Id: 'kg-other',
            PublicKeys: [{ Id: KEYS.other.keyPairId, EncodedKey: pem(other.publicKey) }],
          },
        ],
      },
      { files: { 'rsa.pem': pem(rsa.publicKey) } },
    )
    base = proxy.url
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const r = await request(url, { headers })
    return { status: r.statusCode, headers: r.headers, body: await r.body.text() }
  }
  const originSaw = (path: string) => origin.requests.filter((q) => q.url.startsWith(path))

  describe('accepted: made by @aws-sdk/cloudfront-signer', () => {
    const rows = [
      { kind: 'canned', alg: 'SHA1', key: 'rsa' },
      { kind: 'canned', alg: 'SHA256', key: 'rsa' },
      { kind: 'canned', alg: 'SHA1', key: 'ec' },
      { kind: 'canned', alg: 'SHA256', key: 'ec' },
      { kind: 'custom', alg: 'SHA1', key: 'rsa' },
      { kind: 'custom', alg: 'SHA256', key: 'ec' },
    ] as const
    for (const [i, row] of rows.entries()) {
      it(`URL, ${row.kind}, ${row.alg}, ${row.key.toUpperCase()}`, async () => {
        const path = `/private/url-${String(i)}.txt`
        const url =
          row.kind === 'canned'
            ? getSignedUrl({
                ...KEYS[row.key],
                algorithm: row.alg,
                url: `${base}${path}?app=1&b=2`,
                dateLessThan: inOneHour(),
              })
            : getSignedUrl({
                ...KEYS[row.key],
                algorithm: row.alg,
                url: `${base}${path}?app=1&b=2`,
                dateLessThan: inOneHour(),
                dateGreaterThan: new Date(Date.now() - 60_000),
                ipAddress: '127.0.0.0/8',
              })
        assert.equal(url.includes(row.kind === 'canned' ? 'Expires=' : 'Policy='), true)
        const r = await get(url)
        assert.equal(r.status, 200, r.body)
        assert.equal(r.body, `origin saw ${path}?app=1&b=2`)
        assert.deepEqual(
          originSaw(path).map((q) => q.url),
          [`${path}?app=1&b=2`],
        )
      })

      it(`cookies, ${row.kind}, ${row.alg}, ${row.key.toUpperCase()}`, async () => {
        const path = `/private/cookie-${String(i)}.txt`
        const cookies =
          row.kind === 'canned'
            ? getSignedCookies({
                ...KEYS[row.key],
                algorithm: row.alg,
                url: `${base}${path}`,
                dateLessThan: inOneHour(),
              })
            : getSignedCookies({
                ...KEYS[row.key],
                algorithm: row.alg,
                policy: JSON.stringify({
                  Statement: [
                    {
                      Resource: `http://127.0.0.1:*/private/cookie-*`,
                      Condition: {
                        DateLessThan: { 'AWS:EpochTime': Math.round(Date.now() / 1000) + 60 },
                      },
                    },
                  ],
                }),
              })
        const cookie = Object.entries(cookies)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join('; ')
        const r = await get(`${base}${path}`, { cookie: `app=x; ${cookie}` })
        assert.equal(r.status, 200, r.body)
        assert.equal(originSaw(path).length, 1)
      })
    }

    it('a signed URL wins over (bad) signed cookies', async () => {
      const path = '/private/precedence.txt'
      const url = getSignedUrl({ ...KEYS.rsa, url: `${base}${path}`, dateLessThan: inOneHour() })
      const r = await get(url, { cookie: 'CloudFront-Key-Pair-Id=NOPE; CloudFront-Signature=x' })
      assert.equal(r.status, 200)
    })

    it('accepts raw r||s ECDSA signatures as well as DER', async () => {
      const path = '/private/p1363.txt'
      const expires = Math.round(Date.now() / 1000) + 60
      const policy = `{"Statement":[{"Resource":"${base}${path}","Condition":{"DateLessThan":{"AWS:EpochTime":${String(expires)}}}}]}`
      const sig = sign('sha256', Buffer.from(policy), {
        key: ec.privateKey,
        dsaEncoding: 'ieee-p1363',
      })
      const url = `${base}${path}?Expires=${String(expires)}&Signature=${encodeCloudFrontBase64(sig)}&Key-Pair-Id=${KEYS.ec.keyPairId}&Hash-Algorithm=SHA256`
      assert.equal((await get(url)).status, 200)
    })
  })

  describe('refused with the §6.6 403', () => {
    const canned = (path: string, extra: Partial<{ dateLessThan: Date }> = {}) =>
      getSignedUrl({ ...KEYS.rsa, url: `${base}${path}`, dateLessThan: inOneHour(), ...extra })
    const rows: { name: string; url: () => string; cookie?: () => string; body: string }[] = [
      { name: 'unsigned', url: () => `${base}/private/r.txt`, body: MISSING_KEY },
      {
        name: 'missing Key-Pair-Id',
        url: () => canned('/private/r.txt').replace(/&Key-Pair-Id=[^&]*/, ''),
        body: MISSING_KEY,
      },
      {
        name: 'tampered signature',
        url: () =>
          canned('/private/r.txt').replace(
            /Signature=(.)/,
            (_m, c: string) => `Signature=${c === 'A' ? 'B' : 'A'}`,
          ),
        body: DENIED,
      },
      {
        name: 'tampered expiry',
        url: () =>
          canned('/private/r.txt').replace(
            /Expires=(\d+)/,
            (_m, e: string) => `Expires=${String(Number(e) + 1)}`,
          ),
        body: DENIED,
      },
      {
        name: 'tampered path',
        url: () => canned('/private/r.txt').replace('/r.txt', '/s.txt'),
        body: DENIED,
      },
      {
        name: 'expired',
        url: () => canned('/private/r.txt', { dateLessThan: new Date(Date.now() - 1000) }),
        body: DENIED,
      },
      {
        name: 'not yet valid',
        url: () =>
          getSignedUrl({
            ...KEYS.rsa,
            url: `${base}/private/r.txt`,
            dateLessThan: inOneHour(),
            dateGreaterThan: new Date(Date.now() + 600_000),
          }),
        body: DENIED,
      },
      {
        name: 'wrong IP',
        url: () =>
          getSignedUrl({
            ...KEYS.rsa,
            url: `${base}/private/r.txt`,
            dateLessThan: inOneHour(),
            ipAddress: '192.0.2.0/24',
          }),
        body: DENIED,
      },
      {
        name: 'wrong resource',
        url: () =>
          getSignedUrl({
            ...KEYS.rsa,
            url: `${base}/private/r.txt`,
            policy: JSON.stringify({
              Statement: [
                {
                  Resource: `${base}/other/*`,
                  Condition: { DateLessThan: { 'AWS:EpochTime': 4102444800 } },
                },
              ],
            }),
          }),
        body: DENIED,
      },
      {
        name: 'unknown key (a key group the behavior does not trust)',
        url: () =>
          getSignedUrl({ ...KEYS.other, url: `${base}/private/r.txt`, dateLessThan: inOneHour() }),
        body: UNKNOWN_KEY,
      },
      {
        name: 'right key id, wrong private key',
        url: () =>
          getSignedUrl({
            keyPairId: KEYS.rsa.keyPairId,
            privateKey: KEYS.other.privateKey,
            url: `${base}/private/r.txt`,
            dateLessThan: inOneHour(),
          }),
        body: DENIED,
      },
      {
        name: 'undecodable policy',
        url: () =>
          `${base}/private/r.txt?Policy=%%%&Signature=abc&Key-Pair-Id=${KEYS.rsa.keyPairId}`,
        body: DENIED,
      },
      {
        name: 'tampered cookie',
        url: () => `${base}/private/r.txt`,
        cookie: () =>
          Object.entries(
            getSignedCookies({
              ...KEYS.rsa,
              url: `${base}/private/other.txt`,
              dateLessThan: inOneHour(),
            }),
          )
            .map(([k, v]) => `${k}=${String(v)}`)
            .join('; '),
        body: DENIED,
      },
    ]
    for (const row of rows) {
      it(row.name, async () => {
        const before = origin.requests.length
        const r = await get(row.url(), row.cookie === undefined ? {} : { cookie: row.cookie() })
        assert.equal(r.status, 403)
        assert.equal(r.body, row.body)
        assert.equal(r.headers['content-type'], 'text/xml')
        assert.equal(r.headers['x-cache'], 'Error from cloudfront')
        assert.equal(origin.requests.length, before, 'the origin is never asked')
      })
    }
  })

  it('two differently signed URLs for one object share one cache entry', async () => {
    const path = '/cached/shared.txt'
    const a = getSignedUrl({ ...KEYS.rsa, url: `${base}${path}`, dateLessThan: inOneHour() })
    const b = getSignedUrl({
      ...KEYS.ec,
      algorithm: 'SHA256',
      url: `${base}${path}`,
      dateLessThan: new Date(Date.now() + 7200_000),
    })
    assert.notEqual(a, b)
    const first = await request(a)
    await first.body.text()
    assert.equal(first.headers['x-cache'], 'Miss from cloudfront')
    const second = await request(b)
    assert.equal(await second.body.text(), `origin saw ${path}`)
    assert.equal(second.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(originSaw(path).length, 1)
    // A hit still needs a valid signature.
    const unsigned = await get(`${base}${path}`)
    assert.equal(unsigned.status, 403)
  })

  it('signed cookies are not part of the cache key (§6.3)', async () => {
    const path = '/cached/cookie.txt'
    const jar = (key: typeof KEYS.rsa) =>
      Object.entries(getSignedCookies({ ...key, url: `${base}${path}`, dateLessThan: inOneHour() }))
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('; ')
    assert.equal((await get(`${base}${path}`, { cookie: jar(KEYS.rsa) })).status, 200)
    const again = await get(`${base}${path}`, { cookie: jar(KEYS.ec) })
    assert.equal(again.headers['x-cache'], 'Hit from cloudfront')
    assert.equal(originSaw(path).length, 1)
  })

  it('an unsigned behavior next to a signed one is unaffected', async () => {
    const r = await get(`${base}/public/page.txt?Expires=1&Signature=x`)
    assert.equal(r.status, 200)
    assert.equal(r.body, 'origin saw /public/page.txt?Expires=1&Signature=x')
  })
})

describe('signed URL failures and custom error responses (spec §5, §6.6)', () => {
  it('a custom error page for 403 replaces the XML body', async () => {
    const origin = await startOrigin()
    const pages = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<h1>please sign in</h1>')
    })
    const proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('o', origin.port), customOrigin('pages', pages.port)],
        DefaultCacheBehavior: behavior(undefined, 'o', { TrustedKeyGroups: ['kg'] }),
        CacheBehaviors: [behavior('/errors/*', 'pages')],
        CustomErrorResponses: [
          { ErrorCode: 403, ResponsePagePath: '/errors/403.html', ErrorCachingMinTTL: 0 },
        ],
      },
      KeyGroups: [{ Id: 'kg', PublicKeys: [{ Id: 'K1', EncodedKey: pem(rsa.publicKey) }] }],
    })
    try {
      const r = await request(`${proxy.url}/secret.txt`)
      assert.equal(r.statusCode, 403)
      assert.equal(await r.body.text(), '<h1>please sign in</h1>')
      assert.equal(origin.requests.length, 0)
    } finally {
      await proxy.close()
      await origin.close()
      await pages.close()
    }
  })
})
