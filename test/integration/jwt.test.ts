// The JWT authorizer (local extension) through real loopback servers: tokens from the
// Authorization header and from a cookie are accepted; missing, badly signed, expired,
// not-yet-valid, wrong-issuer, wrong-audience and wrong-algorithm tokens get 401 with the
// RFC 6750 challenge, a missing scope 403 — and the origin never sees a refused request. Key
// rotation: a rewritten JWKS file and a JWKS URL (fetches counted: cached, refetched on an
// unknown kid) let a new kid in without a restart; an unreachable JWKS URL is a 503.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { closedPort } from '../helpers/ports.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const ISSUER = 'https://issuer.test'
const AUDIENCE = 'edge-api'

interface Key {
  readonly kid: string
  readonly alg: string
  readonly privateKey: CryptoKey
  readonly jwk: JWK
}

async function newKey(kid: string, alg = 'ES256'): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

const jwks = (...keys: Key[]): string => JSON.stringify({ keys: keys.map((k) => k.jwk) })

interface TokenOptions {
  readonly iss?: string
  readonly aud?: string
  readonly expiresIn?: number
  readonly notBefore?: number
  readonly claims?: Readonly<Record<string, unknown>>
  readonly kid?: string
}

async function token(key: Key, o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ sub: 'user-1', ...o.claims })
    .setProtectedHeader({ alg: key.alg, kid: o.kid ?? key.kid })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(now + (o.notBefore ?? 0))
    .setExpirationTime(now + (o.expiresIn ?? 300))
    .sign(key.privateKey)
}

async function get(proxy: Edgeproxy, path: string, headers: Record<string, string> = {}) {
  const r = await request(`${proxy.url}${path}`, { headers })
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` })
const challenge = (r: { headers: Record<string, unknown> }) => r.headers['www-authenticate']

describe('JWT authorizer: accept and reject', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  let key: Key
  let other: Key
  let rsa: Key
  before(async () => {
    origin = await startOrigin()
    key = await newKey('k1')
    other = await newKey('k1') // same kid, different key: a forged signature
    rsa = await newKey('r1', 'RS256')
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [customOrigin('app', origin.port)],
          DefaultCacheBehavior: behavior(undefined, 'app'),
          CacheBehaviors: [
            behavior('/api/*', 'app', { JwtAuthorizer: 'users' }),
            behavior('/admin/*', 'app', { JwtAuthorizer: 'admins' }),
          ],
        },
        JwtAuthorizers: [
          {
            Name: 'users',
            JwksFile: 'jwks.json',
            Issuer: ISSUER,
            Audience: [AUDIENCE, 'other-api'],
            TokenCookie: 'session',
            Algorithms: ['ES256'],
          },
          {
            Name: 'admins',
            JwksFile: 'jwks.json',
            Issuer: ISSUER,
            Audience: AUDIENCE,
            Algorithms: ['ES256', 'RS256'],
            RequiredScopes: ['admin'],
            RequiredClaims: { tenant: 'acme' },
          },
        ],
      },
      { files: { 'jwks.json': jwks(key, rsa) } },
    )
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  it('a behavior without an authorizer is open', async () => {
    assert.equal((await get(proxy, '/public')).status, 200)
  })

  it('accepts a valid token in the Authorization header', async () => {
    const r = await get(proxy, '/api/a', bearer(await token(key)))
    assert.equal(r.status, 200)
    assert.equal(r.text, 'origin saw /api/a')
    assert.equal(origin.requests.at(-1)?.url, '/api/a')
  })

  it('accepts a valid token in the cookie, and any listed audience', async () => {
    const t = await token(key, { aud: 'other-api' })
    const r = await get(proxy, '/api/b', { cookie: `theme=dark; session=${t}` })
    assert.equal(r.status, 200)
  })

  type Headers = Record<string, string>
  const refusals: readonly [string, () => Headers | Promise<Headers>, RegExp][] = [
    ['no token', () => ({}), /^Bearer realm="edgeproxy"$/],
    ['another scheme', () => ({ authorization: 'Basic dTpw' }), /^Bearer realm="edgeproxy"$/],
    [
      'a malformed token',
      () => bearer('not.a.jwt'),
      /error="invalid_token", error_description="malformed token"/,
    ],
    [
      'a bad signature',
      async () => bearer(await token(other)),
      /error_description="invalid signature"/,
    ],
    [
      'an expired token',
      async () => bearer(await token(key, { expiresIn: -60 })),
      /error_description="the token has expired"/,
    ],
    [
      'a token not valid yet',
      async () => bearer(await token(key, { notBefore: 600 })),
      /error_description="the token is not valid yet"/,
    ],
    [
      'a wrong issuer',
      async () => bearer(await token(key, { iss: 'https://evil.test' })),
      /error_description="unexpected issuer"/,
    ],
    [
      'a wrong audience',
      async () => bearer(await token(key, { aud: 'someone-else' })),
      /error_description="unexpected audience"/,
    ],
    [
      'a disallowed algorithm',
      async () => bearer(await token(rsa)),
      /error_description="algorithm not allowed"/,
    ],
    [
      'an unknown kid',
      async () => bearer(await token(key, { kid: 'nobody' })),
      /error_description="no key matches the token"/,
    ],
  ]
  for (const [what, headers, want] of refusals) {
    it(`401 for ${what}; the origin never sees it`, async () => {
      const before = origin.requests.length
      const r = await get(proxy, '/api/x', await headers())
      assert.equal(r.status, 401)
      assert.match(String(challenge(r)), want)
      assert.equal(r.headers['x-cache'], 'Error from cloudfront')
      assert.equal(r.headers['content-type'], 'text/html')
      assert.match(r.text, /<H1>401 Unauthorized ERROR<\/H1>/)
      assert.equal(r.headers['cache-control'], undefined)
      assert.equal(origin.requests.length, before)
    })
  }

  it('403 insufficient_scope for a valid token without the scope or claims', async () => {
    const before = origin.requests.length
    const noScope = await get(
      proxy,
      '/admin/x',
      bearer(await token(key, { claims: { tenant: 'acme' } })),
    )
    assert.equal(noScope.status, 403)
    assert.match(
      String(challenge(noScope)),
      /^Bearer realm="edgeproxy", error="insufficient_scope", error_description="missing scope admin", scope="admin"$/,
    )
    const wrongTenant = await get(
      proxy,
      '/admin/x',
      bearer(await token(key, { claims: { scope: 'read admin', tenant: 'other' } })),
    )
    assert.equal(wrongTenant.status, 403)
    assert.match(String(challenge(wrongTenant)), /claim tenant does not match/)
    assert.equal(origin.requests.length, before)
  })

  it('accepts the scope from `scope` or `scp`, and RS256 where allowed', async () => {
    const a = await token(key, { claims: { scope: 'read admin', tenant: 'acme' } })
    assert.equal((await get(proxy, '/admin/a', bearer(a))).status, 200)
    const b = await token(rsa, { claims: { scp: ['admin'], tenant: 'acme' } })
    assert.equal((await get(proxy, '/admin/b', bearer(b))).status, 200)
  })
})

describe('JWT authorizer: key rotation', () => {
  let origin: TestOrigin
  let keys: TestOrigin
  let proxy: Edgeproxy
  let old: Key
  let rotated: Key
  let served: string
  const fetches = () => keys.requests.length
  before(async () => {
    origin = await startOrigin()
    old = await newKey('2024-01')
    rotated = await newKey('2024-02')
    served = jwks(old)
    keys = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(served)
    })
    const down = await closedPort()
    const authorizer = { Issuer: ISSUER, Audience: AUDIENCE, JwksCooldownSeconds: 0 }
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [customOrigin('app', origin.port)],
          DefaultCacheBehavior: behavior(undefined, 'app'),
          CacheBehaviors: [
            behavior('/file/*', 'app', { JwtAuthorizer: 'file' }),
            behavior('/url/*', 'app', { JwtAuthorizer: 'url' }),
            behavior('/down/*', 'app', { JwtAuthorizer: 'down' }),
          ],
        },
        JwtAuthorizers: [
          { Name: 'file', JwksFile: 'jwks.json', ...authorizer },
          { Name: 'url', JwksUrl: `${keys.url}/.well-known/jwks.json`, ...authorizer },
          { Name: 'down', JwksUrl: `http://127.0.0.1:${String(down)}/jwks.json`, ...authorizer },
        ],
      },
      { files: { 'jwks.json': jwks(old) } },
    )
  })
  after(async () => {
    await proxy.close()
    await origin.close()
    await keys.close()
  })

  it('JWKS file: a new kid is accepted once the file holds it, without a restart', async () => {
    const file = join(proxy.config.sourceDir, 'jwks.json')
    assert.equal((await get(proxy, '/file/a', bearer(await token(old)))).status, 200)
    const fresh = bearer(await token(rotated))
    assert.equal((await get(proxy, '/file/b', fresh)).status, 401)
    writeFileSync(file, jwks(old, rotated))
    assert.equal((await get(proxy, '/file/c', fresh)).status, 200)
    // The old key is retired: its tokens stop working after the next reload.
    writeFileSync(file, jwks(rotated))
    const third = await newKey('2024-03')
    assert.equal((await get(proxy, '/file/d', bearer(await token(third)))).status, 401)
    assert.equal((await get(proxy, '/file/e', bearer(await token(old)))).status, 401)
    assert.equal((await get(proxy, '/file/f', fresh)).status, 200)
  })

  it('JWKS URL: fetched once and cached, refetched on an unknown kid', async () => {
    assert.equal(fetches(), 0, 'nothing is fetched before a token needs a key')
    const t = bearer(await token(old))
    assert.equal((await get(proxy, '/url/a', t)).status, 200)
    assert.equal((await get(proxy, '/url/b', t)).status, 200)
    assert.equal(fetches(), 1)
    assert.equal(keys.requests[0]?.url, '/.well-known/jwks.json')
    served = jwks(old, rotated)
    assert.equal((await get(proxy, '/url/c', bearer(await token(rotated)))).status, 200)
    assert.equal(fetches(), 2)
    assert.equal((await get(proxy, '/url/d', bearer(await token(rotated)))).status, 200)
    assert.equal(fetches(), 2)
  })

  it('JWKS URL unreachable: 503 without a challenge; the origin is not asked', async () => {
    const before = origin.requests.length
    const r = await get(proxy, '/down/a', bearer(await token(old)))
    assert.equal(r.status, 503)
    assert.equal(challenge(r), undefined)
    assert.equal(r.headers['x-cache'], 'Error from cloudfront')
    assert.equal(origin.requests.length, before)
  })
})
