// Spec §6.2–§6.6, one row per rule: CloudFront's base64 alphabet, Resource wildcard matching
// (§6.4), the conditions (dates, source IP), Statement shapes, URL-vs-cookie precedence
// (§6.3) and stripping of the signing parameters (§6.6 step 7).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decodeCloudFrontBase64,
  encodeCloudFrontBase64,
} from '../../../proxy/cloudfront/cloudfront-base64.js'
import {
  cannedPolicy,
  checkConditions,
  compileResource,
  inCidr,
  parseCidr,
  parsePolicy,
  type RequestUrl,
  type SignedPolicy,
} from '../../../proxy/cloudfront/signed-policy.js'
import {
  signingValues,
  splitSignedQuery,
  stripSigningParams,
} from '../../../proxy/cloudfront/signed-request.js'

function urlOf(s: string): RequestUrl {
  const m = /^([^:]+):\/\/([^/]+)([^?]*)(?:\?(.*))?$/.exec(s)
  if (!m) throw new Error(`bad test URL ${s}`)
  return { scheme: m[1]!, host: m[2]!, path: m[3]!, query: m[4] ?? '' }
}

describe('CloudFront base64 (§6.2)', () => {
  it('uses - _ ~ for + = /, not base64url', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0xfe])
    assert.equal(bytes.toString('base64'), '+/+//g==')
    assert.equal(encodeCloudFrontBase64(bytes), '-~-~~g__')
    assert.deepEqual(decodeCloudFrontBase64('-~-~~g__'), bytes)
  })
  it('rejects characters outside its alphabet and empty input', () => {
    for (const bad of ['+/+//g==', 'ab%3D', '', 'a b', '-~-~~g_ _']) {
      assert.equal(decodeCloudFrontBase64(bad), undefined, bad)
    }
  })
})

describe('Resource matching (§6.4)', () => {
  const rows: readonly (readonly [string, string, boolean, string])[] = [
    ['https://d.example/a/b.jpg', 'https://d.example/a/b.jpg', true, 'exact'],
    ['https://d.example/a/b.jpg', 'http://d.example/a/b.jpg', false, 'protocol differs'],
    ['https://d.example/a/b.jpg', 'https://d.example/a/b.jpg?x=1', false, 'no query allowed'],
    ['https://d.example/a/*', 'https://d.example/a/b/c.jpg', true, '* spans / in the path'],
    [
      'https://d.example/a/*',
      'https://d.example/a/b?x=1',
      true,
      'trailing * in path implies query',
    ],
    ['https://d.example/a/*', 'https://d.example/b/c', false, 'other path'],
    ['https://d.example/a*.jpg', 'https://d.example/a/x.jpg?q', false, 'no trailing *: no query'],
    ['https://d.example/a\\?x=*', 'https://d.example/a?x=1', true, '\\? starts the query'],
    ['https://d.example/a\\?x=*', 'https://d.example/a?y=1', false, 'query section differs'],
    ['https://d.example/a\\?x=*', 'https://d.example/a', false, 'query required'],
    ['https://d.example/a?c', 'https://d.example/abc', true, '? is one character'],
    ['https://d.example/a?c', 'https://d.example/ac', false, '? is exactly one character'],
    ['https://d.example/a?c', 'https://d.example/a?c', true, 'SDK: plain ? as separator'],
    ['https://*.example/x', 'https://d.example/x', true, '* in the domain'],
    ['https://*.example/x', 'https://d.other/x.example/x', false, 'domain * stops at /'],
    ['https://d.example*', 'https://d.example:8080/any/path?q=1', true, 'trailing * in domain'],
    ['https://d.example', 'https://d.example/', true, 'no path means /'],
    ['https://d.example', 'https://d.example/x', false, 'no path means / only'],
    ['*://d.example/x', 'http://d.example/x', true, '*:// matches http'],
    ['*://d.example/x', 'https://d.example/x', true, '*:// matches https'],
    ['*example.com', 'http://www.example.com/', true, 'leading * without protocol'],
    ['*example.com', 'https://example.com/', true, 'leading * without protocol, https'],
    ['*example.com', 'https://example.com/x', false, '*example.com ≡ *://*example.com/'],
    ['*', 'http://anything:1/at/all?x', true, '"*" matches everything'],
    ['HTTPS://D.EXAMPLE/x', 'https://d.example/x', true, 'protocol and domain ignore case'],
    ['https://d.example/X', 'https://d.example/x', false, 'path is case-sensitive'],
    ['https://d.example/a.b', 'https://d.example/aXb', false, '. is literal'],
  ]
  for (const [pattern, url, expected, rule] of rows) {
    it(`${rule}: ${pattern} ${expected ? 'matches' : 'does not match'} ${url}`, () => {
      const m = compileResource(pattern)
      assert.ok(m, `compiles ${pattern}`)
      assert.equal(m(urlOf(url)), expected)
    })
  }
  it('a Resource without http://, https:// or *:// is invalid', () => {
    for (const bad of ['ftp://d.example/x', 'd.example/x', '/x']) {
      assert.equal(compileResource(bad), undefined, bad)
    }
  })
})

describe('policy parsing (§6.4)', () => {
  const stmt = (condition: unknown, extra: object = {}) =>
    JSON.stringify({ Statement: [{ Condition: condition, ...extra }] })
  it('canned policy is byte-exact', () => {
    assert.equal(
      cannedPolicy('https://d.example/a?b=1', 1700000000),
      '{"Statement":[{"Resource":"https://d.example/a?b=1","Condition":{"DateLessThan":{"AWS:EpochTime":1700000000}}}]}',
    )
  })
  it('Statement as an object or a one-element list', () => {
    const c = { DateLessThan: { 'AWS:EpochTime': 10 } }
    for (const doc of [{ Statement: { Condition: c } }, { Statement: [{ Condition: c }] }]) {
      const p = parsePolicy(JSON.stringify(doc))
      assert.equal(typeof p, 'object')
      assert.equal((p as SignedPolicy).dateLessThan, 10)
    }
  })
  const bad: readonly (readonly [string, string])[] = [
    ['not json', '{'],
    ['two statements', JSON.stringify({ Statement: [{}, {}] })],
    ['no Condition', JSON.stringify({ Statement: [{ Resource: '*' }] })],
    ['DateLessThan required', stmt({ DateGreaterThan: { 'AWS:EpochTime': 1 } })],
    ['DateLessThan not a number', stmt({ DateLessThan: { 'AWS:EpochTime': 'soon' } })],
    [
      'bad CIDR',
      stmt({ DateLessThan: { 'AWS:EpochTime': 9 }, IpAddress: { 'AWS:SourceIp': '1.2.3/8' } }),
    ],
    [
      'IPv6 source',
      stmt({ DateLessThan: { 'AWS:EpochTime': 9 }, IpAddress: { 'AWS:SourceIp': '::1/128' } }),
    ],
    ['unknown condition', stmt({ DateLessThan: { 'AWS:EpochTime': 9 }, Referer: {} })],
    ['bad Resource', stmt({ DateLessThan: { 'AWS:EpochTime': 9 } }, { Resource: 'ftp://x/' })],
  ]
  for (const [rule, json] of bad) {
    it(`rejected: ${rule}`, () => assert.equal(typeof parsePolicy(json), 'string'))
  }
})

describe('conditions (§6.4, §6.6 step 6)', () => {
  const url = urlOf('https://d.example/a')
  const policy = (c: object, resource?: string): SignedPolicy => {
    const p = parsePolicy(
      JSON.stringify({
        Statement: [{ Condition: c, ...(resource ? { Resource: resource } : {}) }],
      }),
    )
    if (typeof p === 'string') throw new Error(p)
    return p
  }
  const lt = { DateLessThan: { 'AWS:EpochTime': 1000 } }
  const rows: readonly (readonly [string, SignedPolicy, number, string, string | undefined])[] = [
    ['before DateLessThan', policy(lt), 999.9, '1.2.3.4', undefined],
    ['at DateLessThan', policy(lt), 1000, '1.2.3.4', 'expired'],
    ['after DateLessThan', policy(lt), 1001, '1.2.3.4', 'expired'],
    [
      'at DateGreaterThan',
      policy({ ...lt, DateGreaterThan: { 'AWS:EpochTime': 500 } }),
      500,
      '1.2.3.4',
      'not-yet-valid',
    ],
    [
      'after DateGreaterThan',
      policy({ ...lt, DateGreaterThan: { 'AWS:EpochTime': 500 } }),
      501,
      '1.2.3.4',
      undefined,
    ],
    [
      'IP in /24',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } }),
      1,
      '192.0.2.77',
      undefined,
    ],
    [
      'IP outside /24',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } }),
      1,
      '192.0.3.1',
      'ip',
    ],
    [
      'IP /32',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '192.0.2.1/32' } }),
      1,
      '192.0.2.1',
      undefined,
    ],
    [
      'IP /32 other',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '192.0.2.1/32' } }),
      1,
      '192.0.2.2',
      'ip',
    ],
    [
      'bare IP = /32',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '192.0.2.1' } }),
      1,
      '192.0.2.2',
      'ip',
    ],
    [
      'IPv4-mapped IPv6 viewer',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '127.0.0.0/8' } }),
      1,
      '::ffff:127.0.0.1',
      undefined,
    ],
    [
      'IPv6 viewer never matches',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '0.0.0.0/0' } }),
      1,
      '::1',
      'ip',
    ],
    [
      '/0 matches any IPv4',
      policy({ ...lt, IpAddress: { 'AWS:SourceIp': '0.0.0.0/0' } }),
      1,
      '8.8.8.8',
      undefined,
    ],
    ['resource matches', policy(lt, 'https://d.example/*'), 1, '1.2.3.4', undefined],
    ['resource differs', policy(lt, 'https://other.example/*'), 1, '1.2.3.4', 'resource'],
  ]
  for (const [rule, p, now, ip, expected] of rows) {
    it(rule, () => assert.equal(checkConditions(p, url, now, ip), expected))
  }
  it('CIDR parsing', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { base: 10 * 2 ** 24, bits: 8 })
    assert.equal(parseCidr('10.0.0.0/33'), undefined)
    assert.equal(parseCidr('256.0.0.0/8'), undefined)
    assert.equal(inCidr('10.255.1.1', parseCidr('10.0.0.0/8')!), true)
    assert.equal(inCidr('11.0.0.0', parseCidr('10.0.0.0/8')!), false)
  })
})

describe('where the signature is (§6.2, §6.3) and stripping it (§6.6 step 7)', () => {
  it('strips the signing parameters, keeping the others in order', () => {
    assert.equal(
      stripSigningParams(
        'b=2&Expires=1&a=1&Signature=s&Key-Pair-Id=K&z=&Hash-Algorithm=SHA256&Policy=p',
      ),
      'b=2&a=1&z=',
    )
    assert.equal(stripSigningParams('Expires=1&Signature=s&Key-Pair-Id=K'), '')
    assert.equal(stripSigningParams('expires=1&x'), 'expires=1&x', 'names are case-sensitive')
  })
  it('any of Expires, Policy, Signature, Key-Pair-Id makes a signed URL; cookies are ignored', () => {
    const cookie = 'CloudFront-Key-Pair-Id=C; CloudFront-Signature=cs; CloudFront-Expires=9'
    for (const q of ['Expires=1', 'Policy=p', 'Signature=s', 'Key-Pair-Id=K']) {
      const v = signingValues(splitSignedQuery(`a=1&${q}`), cookie)
      assert.equal(v.mode, 'url', q)
      assert.notEqual(v.keyPairId, 'C')
    }
  })
  it('Hash-Algorithm alone does not make a signed URL', () => {
    const v = signingValues(splitSignedQuery('Hash-Algorithm=SHA256'), 'CloudFront-Key-Pair-Id=C')
    assert.equal(v.mode, 'cookie')
    assert.equal(v.keyPairId, 'C')
    assert.equal(v.hashAlgorithm, undefined)
  })
  it('cookie mode reads the CloudFront-* cookies', () => {
    const v = signingValues(splitSignedQuery('a=1'), [
      'x=1; CloudFront-Policy=p_; CloudFront-Signature=s~',
      'CloudFront-Key-Pair-Id=K; CloudFront-Hash-Algorithm=SHA256',
    ])
    assert.deepEqual(v, {
      mode: 'cookie',
      expires: undefined,
      policy: 'p_',
      signature: 's~',
      keyPairId: 'K',
      hashAlgorithm: 'SHA256',
    })
  })
  it('URL values are percent-decoded', () => {
    const v = signingValues(splitSignedQuery('Key-Pair-Id=K%31&Signature=a%7Eb'), undefined)
    assert.equal(v.keyPairId, 'K1')
    assert.equal(v.signature, 'a~b')
  })
})
