// The example Lambda@Edge handlers (functions/examples/lambda/, spec §8) through the proxy:
// the JWT check with jose against a JWKS file, origin selection by header, the form-to-JSON
// body rewrite (IncludeBody) and the origin 5xx → 302 redirect. Each example is copied with
// its data files (own keys, own origins) into a folder under dist/, where `jose` resolves.
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const REPO = fileURLToPath(new URL('../../..', import.meta.url))
const EXAMPLES = join(REPO, 'functions/examples/lambda')
const EXAMPLE_FILES = [
  'jwt-check.mjs',
  'origin-by-header.mjs',
  'form-to-json.mjs',
  'origin-error-redirect.mjs',
]

describe('example Lambda@Edge handlers (functions/examples/lambda)', () => {
  let app: TestOrigin
  let canary: TestOrigin
  let proxy: Edgeproxy
  let dir: string
  let privateKey: CryptoKey

  before(async () => {
    app = await startOrigin((req, res, body) => {
      if (req.url?.startsWith('/api/broken') === true) res.writeHead(500)
      res.end(`app ${req.url ?? ''} sub=${String(req.headers['x-user-sub'])} ${body.toString()}`)
    })
    canary = await startOrigin((req, res) => res.end(`canary ${req.url ?? ''}`))
    mkdirSync(join(REPO, 'dist'), { recursive: true })
    dir = mkdtempSync(join(REPO, 'dist', 'lambda-examples-'))
    for (const f of EXAMPLE_FILES) copyFileSync(join(EXAMPLES, f), join(dir, f))
    const keys = await generateKeyPair('ES256')
    privateKey = keys.privateKey
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test', alg: 'ES256' }
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }))
    writeFileSync(
      join(dir, 'origins.json'),
      JSON.stringify({ canary: { domainName: '127.0.0.1', port: canary.port, protocol: 'http' } }),
    )
    const fn = (file: string) => ({
      Name: file.replace('.mjs', ''),
      CodeFile: join(dir, file),
      Handler: 'handler',
      Runtime: 'nodejs20.x',
    })
    const assoc = (eventType: string, arn: string, includeBody = false) => ({
      EventType: eventType,
      LambdaFunctionARN: arn,
      IncludeBody: includeBody,
    })
    proxy = await startProxy({
      DistributionConfig: {
        Origins: [customOrigin('app', app.port)],
        DefaultCacheBehavior: behavior(undefined, 'app'),
        CacheBehaviors: [
          behavior('/api/*', 'app', {
            LambdaFunctionAssociations: [
              assoc('viewer-request', 'jwt-check'),
              assoc('origin-request', 'origin-by-header'),
              assoc('origin-response', 'origin-error-redirect'),
            ],
          }),
          behavior('/forms/*', 'app', {
            LambdaFunctionAssociations: [assoc('viewer-request', 'form-to-json', true)],
          }),
        ],
      },
      LambdaFunctions: EXAMPLE_FILES.map(fn),
    })
  })
  after(async () => {
    await proxy.close()
    await app.close()
    await canary.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const token = (audience = 'edge-api') =>
    new SignJWT({ sub: 'alice' })
      .setProtectedHeader({ alg: 'ES256', kid: 'test' })
      .setIssuer('https://auth.example.com')
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(privateKey)

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await request(`${proxy.url}${path}`, { headers })
    return { status: r.statusCode, headers: r.headers, text: await r.body.text() }
  }

  it('jwt-check: no token → 401 with WWW-Authenticate, generated at the edge', async () => {
    const r = await get('/api/me')
    assert.equal(r.status, 401)
    assert.match(String(r.headers['www-authenticate']), /^Bearer error="invalid_request"/)
    assert.equal(r.headers['x-cache'], 'LambdaGeneratedResponse from cloudfront')
  })

  it('jwt-check: a valid token passes, its subject reaches the origin', async () => {
    const r = await get('/api/me', { authorization: `Bearer ${await token()}` })
    assert.equal(r.status, 200)
    assert.match(r.text, /^app \/api\/me sub=alice/)
    assert.equal(app.requests.at(-1)!.headers['authorization'], undefined)
  })

  it('jwt-check: a token for another audience → 401 invalid_token', async () => {
    const r = await get('/api/me', { authorization: `Bearer ${await token('other')}` })
    assert.equal(r.status, 401)
    assert.match(String(r.headers['www-authenticate']), /invalid_token/)
  })

  it('origin-by-header: x-origin-select: canary goes to the canary origin', async () => {
    const auth = `Bearer ${await token()}`
    const r = await get('/api/items', { authorization: auth, 'x-origin-select': 'canary' })
    assert.equal(r.text, 'canary /api/items')
    const unknown = await get('/api/items', { authorization: auth, 'x-origin-select': 'nope' })
    assert.match(unknown.text, /^app \/api\/items/)
  })

  it('origin-error-redirect: an origin 500 → 302 to /maintenance.html', async () => {
    const r = await get('/api/broken', { authorization: `Bearer ${await token()}` })
    assert.equal(r.status, 302)
    assert.equal(r.headers['location'], '/maintenance.html')
  })

  it('form-to-json: a urlencoded POST reaches the origin as JSON', async () => {
    const r = await request(`${proxy.url}/forms/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Ada&tag=a&tag=b',
    })
    const text = await r.body.text()
    assert.equal(r.statusCode, 200)
    assert.match(text, /\{"name":"Ada","tag":\["a","b"\]\}$/)
    assert.equal(app.requests.at(-1)!.headers['content-type'], 'application/json')
  })
})
