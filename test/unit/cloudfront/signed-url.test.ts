// The verifier (spec §6.6) and the signer (§6.5): our signer matches @aws-sdk/cloudfront-signer
// byte for byte (RSA PKCS#1 v1.5 is deterministic); a remembered signature still has its time,
// IP and resource conditions checked on every request; each failure kind in §6.6 order.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { describe, it } from 'node:test'
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer'
import { signCookies, signUrl } from '../../../proxy/cloudfront/sign.js'
import { SignedUrlVerifier, type SignedRequest } from '../../../proxy/cloudfront/signed-url.js'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const privateKey = String(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }))
const verifier = new SignedUrlVerifier(new Map([['K1', rsa.publicKey]]))

function req(url: string, cookie?: string, clientIp = '10.0.0.1'): SignedRequest {
  const u = new URL(url)
  return {
    scheme: u.protocol.slice(0, -1),
    host: u.host,
    path: u.pathname,
    query: u.search.slice(1),
    cookie,
    clientIp,
  }
}

describe('sign.ts matches @aws-sdk/cloudfront-signer', () => {
  for (const algorithm of ['SHA1', 'SHA256'] as const) {
    it(`canned URL and cookies, ${algorithm}`, () => {
      const url = 'https://d.example/a/b.txt?x=1'
      const ours = signUrl({
        url,
        keyPairId: 'K1',
        privateKey,
        expires: 2000000000,
        hashAlgorithm: algorithm,
      })
      const sdk = getSignedUrl({
        url,
        keyPairId: 'K1',
        privateKey,
        dateLessThan: 2000000000 * 1000,
        algorithm,
      })
      assert.equal(ours, sdk)
      const c = getSignedCookies({
        url,
        keyPairId: 'K1',
        privateKey,
        dateLessThan: 2000000000 * 1000,
        algorithm,
      })
      assert.deepEqual(
        signCookies({
          url,
          keyPairId: 'K1',
          privateKey,
          expires: 2000000000,
          hashAlgorithm: algorithm,
        }),
        {
          ...c,
          'CloudFront-Expires': String(c['CloudFront-Expires']),
        },
      )
    })
  }
})

describe('SignedUrlVerifier (§6.6)', () => {
  const url = 'https://d.example/a.txt?keep=1'
  const signed = signUrl({ url, keyPairId: 'K1', privateKey, expires: 1000 })

  it('accepts, strips the signing parameters, and re-checks time on a remembered signature', () => {
    assert.deepEqual(verifier.check(req(signed), 999), {
      ok: true,
      mode: 'url',
      querystring: 'keep=1',
    })
    assert.deepEqual(verifier.check(req(signed), 999), {
      ok: true,
      mode: 'url',
      querystring: 'keep=1',
    })
    assert.deepEqual(verifier.check(req(signed), 1000), { ok: false, failure: 'expired' })
  })

  it('re-checks the IP of a remembered custom policy', () => {
    const policy = JSON.stringify({
      Statement: {
        Resource: 'https://d.example/*',
        Condition: {
          DateLessThan: { 'AWS:EpochTime': 9e9 },
          IpAddress: { 'AWS:SourceIp': '10.0.0.0/8' },
        },
      },
    })
    const u = signUrl({ url, keyPairId: 'K1', privateKey, policy })
    assert.equal(verifier.check(req(u), 1).ok, true)
    assert.deepEqual(verifier.check(req(u, undefined, '11.0.0.1'), 1), { ok: false, failure: 'ip' })
    assert.equal(verifier.check(req(u, undefined, '::ffff:10.1.2.3'), 1).ok, true)
  })

  it('a dot segment never matches a signed Resource (an origin could resolve it elsewhere)', () => {
    const policy = JSON.stringify({
      Statement: [
        {
          Resource: 'https://d.example/public/*',
          Condition: { DateLessThan: { 'AWS:EpochTime': 9e9 } },
        },
      ],
    })
    const sign = (path: string) =>
      signUrl({ url: `https://d.example${path}`, keyPairId: 'K1', privateKey, policy })
    const raw = (signedUrl: string, path: string): SignedRequest => ({
      ...req(signedUrl),
      path,
    })
    assert.equal(verifier.check(req(sign('/public/a.txt')), 1).ok, true)
    for (const path of [
      '/public/../private/x',
      '/public/%2e%2e/private/x',
      '/public/./a.txt',
      '/public/..',
    ]) {
      assert.deepEqual(verifier.check(raw(sign('/public/a.txt'), path), 1), {
        ok: false,
        failure: 'resource',
      })
    }
    assert.equal(verifier.check(raw(sign('/public/a..b'), '/public/a..b'), 1).ok, true)
  })

  const rows: readonly (readonly [string, SignedRequest, string])[] = [
    ['nothing signed', req(url), 'missing-key'],
    ['empty Key-Pair-Id', req(signed.replace('Key-Pair-Id=K1', 'Key-Pair-Id=')), 'missing-key'],
    ['unknown key', req(signed.replace('Key-Pair-Id=K1', 'Key-Pair-Id=K2')), 'unknown-key'],
    ['unknown Hash-Algorithm', req(`${signed}&Hash-Algorithm=MD5`), 'malformed'],
    ['no Signature', req(signed.replace(/&Signature=[^&]*/, '')), 'malformed'],
    ['Expires not a number', req(signed.replace('Expires=1000', 'Expires=soon')), 'malformed'],
    ['wrong Hash-Algorithm', req(`${signed}&Hash-Algorithm=SHA256`), 'bad-signature'],
    ['query changed', req(signed.replace('keep=1', 'keep=2')), 'bad-signature'],
    ['host changed', req(signed.replace('d.example', 'e.example')), 'bad-signature'],
    ['scheme changed', req(signed.replace('https:', 'http:')), 'bad-signature'],
  ]
  for (const [rule, r, failure] of rows) {
    it(rule, () => assert.deepEqual(verifier.check(r, 1), { ok: false, failure }))
  }

  it('cookie mode: canned cookies for the URL', () => {
    const c = signCookies({ url, keyPairId: 'K1', privateKey, expires: 1000 })
    const header = Object.entries(c)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ')
    assert.deepEqual(verifier.check(req(url, header), 1), {
      ok: true,
      mode: 'cookie',
      querystring: 'keep=1',
    })
  })
})
