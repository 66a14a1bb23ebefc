// Lambda@Edge events and result validation (spec §8.2–§8.6): one row per rule — what a
// handler may return for each event, and which results are invalid (→ 502).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { edgeEvent, type CfEvent } from '../../../functions/edge/event.js'
import {
  interpretRequestResult,
  interpretResponseResult,
  LIMITS,
} from '../../../functions/edge/result.js'
import type { EdgeEventType } from '../../../functions/edge/types.js'

type Obj = Record<string, unknown>

function event(type: EdgeEventType, extra: Obj = {}): CfEvent {
  return edgeEvent({
    eventType: type,
    distributionDomainName: 'd123.cloudfront.net',
    distributionId: 'E123',
    requestId: 'req',
    clientIp: '203.0.113.1',
    method: 'POST',
    uri: '/a',
    querystring: 'x=1',
    headers: {
      host: 'example.com',
      via: '1.1 abc.cloudfront.net (CloudFront)',
      connection: 'keep-alive',
      'x-amz-cf-id': 'secret',
      'user-agent': 'test',
      'content-length': '3',
    },
    rawHeaders: ['Host', 'example.com', 'User-Agent', 'test'],
    ...(type.endsWith('response')
      ? { response: { status: 200, headers: { 'content-type': 'text/plain', via: 'v' } } }
      : {}),
    ...extra,
  })
}

/** The event's request (or response), deep-copied, with `change` applied. */
function changed(e: CfEvent, change: (o: Obj) => void, what: 'request' | 'response' = 'request') {
  const cf = e.Records[0].cf
  const copy = structuredClone(what === 'request' ? cf.request : cf.response) as unknown as Obj
  change(copy)
  return copy
}

const headers = (o: Obj) => o['headers'] as Record<string, { key?: string; value: string }[]>

describe('Lambda@Edge event (§8.2)', () => {
  it('has config, the request with {key, value} headers in wire casing, no hidden headers', () => {
    const cf = event('viewer-request').Records[0].cf
    assert.deepEqual(cf.config, {
      distributionDomainName: 'd123.cloudfront.net',
      distributionId: 'E123',
      eventType: 'viewer-request',
      requestId: 'req',
    })
    assert.deepEqual(cf.request.headers['host'], [{ key: 'Host', value: 'example.com' }])
    assert.deepEqual(cf.request.headers['via'], [
      { key: 'Via', value: '1.1 abc.cloudfront.net (CloudFront)' },
    ])
    assert.equal(cf.request.headers['connection'], undefined)
    assert.equal(cf.request.headers['x-amz-cf-id'], undefined)
    assert.equal(cf.request.querystring, 'x=1')
    assert.equal(cf.response, undefined)
  })

  it('response events carry status as a string and IncludeBody a base64 body', () => {
    const cf = event('origin-response').Records[0].cf
    assert.deepEqual(cf.response, {
      status: '200',
      statusDescription: 'OK',
      headers: {
        'content-type': [{ key: 'Content-Type', value: 'text/plain' }],
        via: [{ key: 'Via', value: 'v' }],
      },
    })
    const withBody = event('viewer-request', {
      body: { data: Buffer.from('abc'), truncated: true },
    })
    assert.deepEqual(withBody.Records[0].cf.request.body, {
      inputTruncated: true,
      action: 'read-only',
      encoding: 'base64',
      data: 'YWJj',
    })
  })
})

describe('request event results (§8.3, §8.5)', () => {
  const vr = event('viewer-request')
  const valid: [string, unknown, (r: Obj) => void][] = [
    ['the request unchanged', changed(vr, () => undefined), (r) => assert.equal(r['uri'], '/a')],
    [
      'a new URI, query and header; key optional',
      changed(vr, (o) => {
        o['uri'] = '/b'
        o['querystring'] = ''
        headers(o)['x-new'] = [{ value: 'v' }]
      }),
      (r) => {
        assert.equal(r['uri'], '/b')
        assert.equal(r['querystring'], '')
        assert.equal((r['headers'] as Obj)['x-new'], 'v')
      },
    ],
    [
      'a generated response with a numeric status',
      { status: 302, headers: { location: [{ key: 'Location', value: '/x' }] } },
      (r) => {
        assert.equal(r['kind'], 'response')
        assert.equal(r['status'], 302)
      },
    ],
    [
      'a generated response with a base64 body',
      { status: '200', body: 'aGk=', bodyEncoding: 'base64' },
      (r) => assert.equal((r['body'] as Buffer).toString(), 'hi'),
    ],
  ]
  for (const [name, result, check] of valid) {
    it(`valid: ${name}`, () => {
      const r = interpretRequestResult(result, vr)
      assert.notEqual(r.kind, 'invalid', JSON.stringify(r))
      check(r as unknown as Obj)
    })
  }

  const invalid: [string, EdgeEventType, unknown, RegExp][] = [
    ['nothing returned', 'viewer-request', undefined, /no request/],
    ['a URI without /', 'viewer-request', changed(vr, (o) => (o['uri'] = 'b')), /uri/],
    [
      'a header value not an array',
      'viewer-request',
      changed(vr, (o) => (headers(o)['x'] = { value: 'v' } as never)),
      /array/,
    ],
    [
      'a key that is not the name',
      'viewer-request',
      changed(vr, (o) => (headers(o)['x'] = [{ key: 'Y', value: 'v' }])),
      /key/,
    ],
    [
      'a disallowed header added',
      'viewer-request',
      changed(vr, (o) => (headers(o)['x-cache'] = [{ value: 'v' }])),
      /disallowed header x-cache/,
    ],
    [
      'an X-Edge-* header added',
      'viewer-request',
      changed(vr, (o) => (headers(o)['x-edge-foo'] = [{ value: 'v' }])),
      /disallowed/,
    ],
    [
      'Host changed in viewer-request',
      'viewer-request',
      changed(vr, (o) => (headers(o)['host'] = [{ value: 'other' }])),
      /read-only header host/,
    ],
    [
      'Via removed in viewer-request',
      'viewer-request',
      changed(vr, (o) => delete headers(o)['via']),
      /read-only header via/,
    ],
    [
      'CloudFront-Viewer-Country added in viewer-request',
      'viewer-request',
      changed(vr, (o) => (headers(o)['cloudfront-viewer-country'] = [{ value: 'DE' }])),
      /CloudFront-Viewer-Country/,
    ],
    [
      'a header value with a control character',
      'viewer-request',
      changed(vr, (o) => (headers(o)['x-ctl'] = [{ value: 'a\u0001b' }])),
      /control character/,
    ],
    [
      'a header value with a line break',
      'viewer-request',
      changed(vr, (o) => (headers(o)['x-ctl'] = [{ value: 'a\r\nb' }])),
      /control character/,
    ],
    ['status 700', 'viewer-request', { status: '700' }, /200 to 599/],
    ['status 199', 'origin-request', { status: 199 }, /200 to 599/],
    ['204 with a body', 'viewer-request', { status: '204', body: 'x' }, /204/],
    [
      'invalid base64',
      'viewer-request',
      { status: '200', body: '!!', bodyEncoding: 'base64' },
      /base64/,
    ],
    [
      'a generated viewer-request response over 40 KB',
      'viewer-request',
      { status: '200', body: 'x'.repeat(LIMITS.viewer.generatedBytes + 1) },
      /over 40960/,
    ],
  ]
  for (const [name, type, result, reason] of invalid) {
    it(`invalid (502): ${name}`, () => {
      const r = interpretRequestResult(result, type === 'viewer-request' ? vr : event(type))
      assert.equal(r.kind, 'invalid')
      assert.match((r as { reason: string }).reason, reason)
    })
  }

  it('Host is writable in origin-request; Accept-Encoding is not', () => {
    const e = event('origin-request', { headers: { host: 'h', 'accept-encoding': 'gzip' } })
    const host = changed(e, (o) => (headers(o)['host'] = [{ value: 'other' }]))
    assert.equal(interpretRequestResult(host, e).kind, 'request')
    const ae = changed(e, (o) => (headers(o)['accept-encoding'] = [{ value: 'br' }]))
    assert.equal(interpretRequestResult(ae, e).kind, 'invalid')
  })

  it('a generated origin-request response may be up to 1 MB', () => {
    const body = 'x'.repeat(100 * 1024)
    assert.equal(
      interpretRequestResult({ status: '200', body }, event('origin-request')).kind,
      'response',
    )
  })

  it('IncludeBody replace: text and base64 bodies, size limits, bad base64', () => {
    const e = event('viewer-request', { body: { data: Buffer.from('abc'), truncated: false } })
    const replace = (body: Obj) => changed(e, (o) => (o['body'] = body))
    const text = interpretRequestResult(
      replace({ action: 'replace', encoding: 'text', data: 'new' }),
      e,
    )
    assert.equal(text.kind === 'request' && text.body?.toString(), 'new')
    const b64 = interpretRequestResult(
      replace({ action: 'replace', encoding: 'base64', data: 'aGk=' }),
      e,
    )
    assert.equal(b64.kind === 'request' && b64.body?.toString(), 'hi')
    const readOnly = interpretRequestResult(replace({ action: 'read-only', data: 'zzz' }), e)
    assert.equal(readOnly.kind === 'request' && readOnly.body, undefined)
    const big = replace({ action: 'replace', encoding: 'text', data: 'x'.repeat(41 * 1024) })
    assert.equal(interpretRequestResult(big, e).kind, 'invalid')
    const bad = replace({ action: 'replace', encoding: 'base64', data: 'a' })
    assert.equal(interpretRequestResult(bad, e).kind, 'invalid')
  })

  it('origin objects: unchanged is no change; custom and s3 are read; bad ports refused', () => {
    const origin = { custom: { domainName: 'a.example', port: 443, protocol: 'https', path: '' } }
    const e = event('origin-request', { origin })
    const same = interpretRequestResult(
      changed(e, () => undefined),
      e,
    )
    assert.equal(same.kind === 'request' && same.origin, undefined)
    const custom = { custom: { domainName: '127.0.0.1', port: 8081, protocol: 'http', path: '/p' } }
    const moved = interpretRequestResult(
      changed(e, (o) => (o['origin'] = custom)),
      e,
    )
    assert.deepEqual(moved.kind === 'request' && moved.origin, {
      kind: 'custom',
      domainName: '127.0.0.1',
      port: 8081,
      protocol: 'http',
      path: '/p',
      readTimeoutS: undefined,
      keepaliveTimeoutS: undefined,
      customHeaders: [],
    })
    const s3 = { s3: { domainName: 'b.s3.amazonaws.com', path: '', authMethod: 'none' } }
    const toS3 = interpretRequestResult(
      changed(e, (o) => (o['origin'] = s3)),
      e,
    )
    assert.equal(toS3.kind === 'request' && toS3.origin?.protocol, 'https')
    const badPort = { custom: { ...custom.custom, port: 81 } }
    assert.equal(
      interpretRequestResult(
        changed(e, (o) => (o['origin'] = badPort)),
        e,
      ).kind,
      'invalid',
    )
    const both = { ...custom, ...s3 }
    assert.equal(
      interpretRequestResult(
        changed(e, (o) => (o['origin'] = both)),
        e,
      ).kind,
      'invalid',
    )
  })
})

describe('response event results (§8.3)', () => {
  it('origin-response may change the status, headers and replace the body', () => {
    const e = event('origin-response')
    const res = changed(
      e,
      (o) => {
        o['status'] = '302'
        headers(o)['location'] = [{ value: '/x' }]
        o['body'] = ''
      },
      'response',
    )
    const r = interpretResponseResult(res, e)
    if (r.kind !== 'response') assert.fail(JSON.stringify(r))
    assert.equal(r.status, 302)
    assert.equal(r.body?.length, 0)
  })

  it('no body key keeps the origin body', () => {
    const e = event('origin-response')
    const r = interpretResponseResult(
      changed(e, () => undefined, 'response'),
      e,
    )
    assert.equal(r.kind === 'response' && r.body, undefined)
  })

  it('viewer-response cannot change the status; Via and Warning are read-only', () => {
    const e = event('viewer-response')
    const status = changed(e, (o) => (o['status'] = '201'), 'response')
    assert.match(JSON.stringify(interpretResponseResult(status, e)), /cannot change the status/)
    const via = changed(e, (o) => delete headers(o)['via'], 'response')
    assert.match(JSON.stringify(interpretResponseResult(via, e)), /read-only header via/)
    const warning = changed(e, (o) => (headers(o)['warning'] = [{ value: 'w' }]), 'response')
    assert.match(JSON.stringify(interpretResponseResult(warning, e)), /read-only header warning/)
  })

  it('origin-response: status outside 200–599 and Transfer-Encoding added are invalid', () => {
    const e = event('origin-response')
    const bad = changed(e, (o) => (o['status'] = '600'), 'response')
    assert.equal(interpretResponseResult(bad, e).kind, 'invalid')
    const te = changed(
      e,
      (o) => (headers(o)['transfer-encoding'] = [{ value: 'chunked' }]),
      'response',
    )
    assert.equal(interpretResponseResult(te, e).kind, 'invalid')
  })
})
