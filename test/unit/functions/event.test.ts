// The CloudFront Functions event built from a request/response (spec/cloudfront.md §7.2, §8.5):
// one row per field and per multiValue rule, plus hidden (hop-by-hop, disallowed) headers.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  viewerRequestEvent,
  viewerResponseEvent,
  type ViewerRequestInput,
} from '../../../functions/viewer/event.js'
import type { CfEvent } from '../../../functions/viewer/types.js'

const base: ViewerRequestInput = {
  method: 'GET',
  uri: '/index.html',
  querystring: '',
  headers: { host: 'example.com' },
  clientIp: '198.51.100.11',
  requestId: 'req-1',
  distributionDomainName: 'd111111abcdef8.cloudfront.net',
  distributionId: 'EDFDVBD6EXAMPLE',
}
const req = (patch: Partial<ViewerRequestInput>) => viewerRequestEvent({ ...base, ...patch })

describe('viewerRequestEvent', () => {
  it('fills version, context, viewer, method and uri', () => {
    const e = req({})
    assert.deepEqual(e, {
      version: '1.0',
      context: {
        distributionDomainName: 'd111111abcdef8.cloudfront.net',
        distributionId: 'EDFDVBD6EXAMPLE',
        eventType: 'viewer-request',
        requestId: 'req-1',
      },
      viewer: { ip: '198.51.100.11' },
      request: {
        method: 'GET',
        uri: '/index.html',
        querystring: {},
        headers: { host: { value: 'example.com' } },
        cookies: {},
      },
    } satisfies CfEvent)
  })

  const rows: readonly {
    name: string
    input: Partial<ViewerRequestInput>
    pick: (e: CfEvent) => unknown
    want: unknown
  }[] = [
    {
      name: 'query: values as sent, no decoding',
      input: { querystring: 'a=%20b&c=d+e' },
      pick: (e) => e.request.querystring,
      want: { a: { value: '%20b' }, c: { value: 'd+e' } },
    },
    {
      name: 'query: a parameter without = has value ""',
      input: { querystring: 'flag&x=' },
      pick: (e) => e.request.querystring,
      want: { flag: { value: '' }, x: { value: '' } },
    },
    {
      name: 'query: repeated names get multiValue, value = the first',
      input: { querystring: 'm=a&n=1&m=b' },
      pick: (e) => e.request.querystring,
      want: {
        m: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] },
        n: { value: '1' },
      },
    },
    {
      name: 'query: empty segments are skipped, only the first = splits',
      input: { querystring: '&&a=b=c&' },
      pick: (e) => e.request.querystring,
      want: { a: { value: 'b=c' } },
    },
    {
      name: 'headers: keys are lowercase',
      input: { headers: { 'X-Custom': 'v', Host: 'h' } },
      pick: (e) => e.request.headers,
      want: { 'x-custom': { value: 'v' }, host: { value: 'h' } },
    },
    {
      name: 'headers: one line with commas stays one value',
      input: { headers: { accept: 'a/b, c/d' } },
      pick: (e) => e.request.headers,
      want: { accept: { value: 'a/b, c/d' } },
    },
    {
      name: 'headers: an array (separate lines) gives multiValue',
      input: { headers: { accept: ['a/b', 'c/d'] } },
      pick: (e) => e.request.headers,
      want: { accept: { value: 'a/b', multiValue: [{ value: 'a/b' }, { value: 'c/d' }] } },
    },
    {
      name: 'headers: rawHeaders tell separate lines apart',
      input: {
        headers: { accept: 'a/b, c/d', host: 'h' },
        rawHeaders: ['Host', 'h', 'Accept', 'a/b', 'accept', 'c/d'],
      },
      pick: (e) => e.request.headers,
      want: {
        host: { value: 'h' },
        accept: { value: 'a/b', multiValue: [{ value: 'a/b' }, { value: 'c/d' }] },
      },
    },
    {
      name: 'headers: an empty list is no line, an empty string is an empty value',
      input: { headers: { host: 'h', 'x-none': [], 'x-empty': '' } },
      pick: (e) => e.request.headers,
      want: { host: { value: 'h' }, 'x-empty': { value: '' } },
    },
    {
      name: 'headers: rawHeaders names missing from headers are dropped',
      input: { headers: { host: 'h' }, rawHeaders: ['Host', 'h', 'X-Gone', '1'] },
      pick: (e) => e.request.headers,
      want: { host: { value: 'h' } },
    },
    {
      name: 'headers: names not in rawHeaders (set since) come after, as their values are',
      input: {
        headers: {
          host: 'h',
          'x-set': ['1', '2'],
          'x-one': 'o',
          'x-private': 'p',
          connection: 'x-private',
        },
        rawHeaders: ['Host', 'h', 'X-Private', 'p', 'Connection', 'x-private'],
      },
      pick: (e) => e.request.headers,
      want: {
        host: { value: 'h' },
        'x-set': { value: '1', multiValue: [{ value: '1' }, { value: '2' }] },
        'x-one': { value: 'o' },
      },
    },
    {
      name: 'headers: undefined values are skipped',
      input: { headers: { host: 'h', 'x-a': undefined } },
      pick: (e) => e.request.headers,
      want: { host: { value: 'h' } },
    },
    {
      name: 'headers: hop-by-hop, Connection-named and §8.5 disallowed ones are hidden',
      input: {
        headers: {
          host: 'h',
          connection: 'keep-alive, x-private',
          'keep-alive': '5',
          te: 'trailers',
          upgrade: 'h2c',
          'x-private': '1',
          'proxy-authorization': 'x',
          expect: '100-continue',
          'x-amz-cf-id': 'i',
          'x-edge-location': 'l',
          'x-forwarded-proto': 'https',
          'x-real-ip': '1.1.1.1',
          'x-cache': 'Hit',
          'x-amzn-trace-id': 'kept',
          'transfer-encoding': 'chunked',
        },
      },
      pick: (e) => Object.keys(e.request.headers),
      want: ['host', 'x-amzn-trace-id', 'transfer-encoding'],
    },
    {
      name: 'cookies: parsed out of headers',
      input: { headers: { host: 'h', cookie: 'a=1; b=2' } },
      pick: (e) => [e.request.cookies, 'cookie' in e.request.headers],
      want: [{ a: { value: '1' }, b: { value: '2' } }, false],
    },
    {
      name: 'cookies: repeated names (and separate lines) give multiValue',
      input: { headers: { cookie: ['a=1; b=2', 'a=3'] } },
      pick: (e) => e.request.cookies,
      want: { a: { value: '1', multiValue: [{ value: '1' }, { value: '3' }] }, b: { value: '2' } },
    },
    {
      name: 'cookies: values as sent, a bare name has value ""',
      input: { headers: { cookie: 'q=%22x%22;flag; ;e=' } },
      pick: (e) => e.request.cookies,
      want: { q: { value: '%22x%22' }, flag: { value: '' }, e: { value: '' } },
    },
  ]
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(row.pick(req(row.input)), row.want))
  }

  it('names like __proto__ and constructor are own entries; Object.prototype stays clean', () => {
    const e = req({
      querystring: '__proto__=1&__proto__=2&constructor=c&toString=t',
      headers: { host: 'h', cookie: '__proto__=x; hasOwnProperty=y; constructor=z' },
    })
    const q = e.request.querystring
    assert.deepEqual(Object.keys(q), ['__proto__', 'constructor', 'toString'])
    assert.equal(Object.getPrototypeOf(q), Object.prototype)
    assert.deepEqual(Object.getOwnPropertyDescriptor(q, '__proto__')?.value, {
      value: '1',
      multiValue: [{ value: '1' }, { value: '2' }],
    })
    assert.deepEqual(JSON.parse(JSON.stringify(e.request.cookies)), {
      ['__proto__']: { value: 'x' },
      hasOwnProperty: { value: 'y' },
      constructor: { value: 'z' },
    })
    assert.equal(Object.hasOwn(Object.prototype, 'multiValue'), false)
    assert.equal(Object.hasOwn(Object, 'multiValue'), false)
  })
})

describe('viewerResponseEvent', () => {
  const res = (headers: Record<string, string | string[]>, status = 200, statusText?: string) =>
    viewerResponseEvent(base, { status, ...(statusText ? { statusText } : {}), headers })

  it('has eventType viewer-response, the request and the response', () => {
    const e = res({ 'content-type': 'text/html' })
    assert.equal(e.context.eventType, 'viewer-response')
    assert.deepEqual(e.request, req({}).request)
    assert.deepEqual(e.response, {
      statusCode: 200,
      statusDescription: 'OK',
      headers: { 'content-type': { value: 'text/html' } },
      cookies: {},
    })
  })

  const rows: readonly {
    name: string
    event: CfEvent
    pick: (e: CfEvent) => unknown
    want: unknown
  }[] = [
    {
      name: 'statusDescription: the reason phrase given',
      event: res({}, 404, 'Nope'),
      pick: (e) => [e.response?.statusCode, e.response?.statusDescription],
      want: [404, 'Nope'],
    },
    {
      name: 'statusDescription: the standard phrase by default',
      event: res({}, 404),
      pick: (e) => e.response?.statusDescription,
      want: 'Not Found',
    },
    {
      name: 'Set-Cookie: value and attributes after the first ;',
      event: res({ 'set-cookie': 'ID=id1234; Path=/; Secure' }),
      pick: (e) => [e.response?.cookies, 'set-cookie' in (e.response?.headers ?? {})],
      want: [{ ID: { value: 'id1234', attributes: 'Path=/; Secure' } }, false],
    },
    {
      name: 'Set-Cookie: no attributes key without ;',
      event: res({ 'set-cookie': ['a=1', 'b=2; HttpOnly'] }),
      pick: (e) => e.response?.cookies,
      want: { a: { value: '1' }, b: { value: '2', attributes: 'HttpOnly' } },
    },
    {
      name: 'Set-Cookie: a repeated name gives multiValue with attributes',
      event: res({ 'set-cookie': ['a=1; Path=/', 'a=2'] }),
      pick: (e) => e.response?.cookies,
      want: {
        a: {
          value: '1',
          attributes: 'Path=/',
          multiValue: [{ value: '1', attributes: 'Path=/' }, { value: '2' }],
        },
      },
    },
    {
      name: 'headers: arrays give multiValue; disallowed and hop-by-hop hidden',
      event: res({
        vary: ['a', 'b'],
        'x-cache': 'Miss from cloudfront',
        'x-amz-cf-pop': 'X',
        connection: 'close',
        'keep-alive': 'timeout=5',
        via: '1.1 x',
        warning: '110 x',
      }),
      pick: (e) => e.response?.headers,
      want: {
        vary: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] },
        via: { value: '1.1 x' },
        warning: { value: '110 x' },
      },
    },
  ]
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(row.pick(row.event), row.want))
  }

  it('a Set-Cookie named __proto__ is an own cookie', () => {
    const cookies = res({ 'set-cookie': ['__proto__=1; Path=/', '__proto__=2'] }).response!.cookies
    assert.deepEqual(Object.keys(cookies), ['__proto__'])
    assert.equal(Object.getPrototypeOf(cookies), Object.prototype)
    assert.equal(Object.hasOwn(Object.prototype, 'multiValue'), false)
  })
})
