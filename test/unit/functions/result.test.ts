// What a CloudFront Function may return (spec/cloudfront.md §7.2 modification rules, §7.3,
// §7.6, §8.5): one row per accepted form and per invalid form, for both viewer events.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { viewerRequestEvent, viewerResponseEvent } from '../../../functions/viewer/event.js'
import {
  interpretViewerRequestResult,
  interpretViewerResponseResult,
} from '../../../functions/viewer/result.js'
import type { CfEvent, CfRequest, CfResponse } from '../../../functions/viewer/types.js'

const input = {
  method: 'GET',
  uri: '/a',
  querystring: 'm=1&m=2&s=x',
  headers: {
    host: 'example.com',
    accept: ['a/1', 'a/2'],
    'x-one': 'v',
    cookie: 'c=1; c=2; d=3',
    'content-length': '0',
  },
  clientIp: '1.2.3.4',
  requestId: 'r',
  distributionDomainName: 'd.cloudfront.net',
  distributionId: 'E1',
}
const reqEvent = viewerRequestEvent(input)
const resEvent = viewerResponseEvent(input, {
  status: 200,
  headers: {
    'content-type': 'text/html',
    vary: ['x', 'y'],
    via: '1.1 origin',
    'set-cookie': ['s=1; Path=/', 's=2', 't=3; Secure'],
  },
})
const clone = <T>(v: T): T => structuredClone(v)
type Mutate<T> = (r: T & Record<string, unknown>) => unknown

const onRequest = (mutate: Mutate<CfRequest>) => {
  const r = clone(reqEvent.request) as CfRequest & Record<string, unknown>
  return interpretViewerRequestResult(mutate(r) ?? r, reqEvent)
}
const onResponse = (mutate: Mutate<CfResponse>, event: CfEvent = resEvent) => {
  const r = clone(event.response!) as CfResponse & Record<string, unknown>
  return interpretViewerResponseResult(mutate(r) ?? r, event)
}

describe('interpretViewerRequestResult: a (modified) request', () => {
  it('a Cookie header the function added merges with its cookies, last among the headers', () => {
    const out = onRequest((r) => {
      r.headers = { cookie: { value: 'z=9' }, ...r.headers, 'x-b': { value: '1' } }
    })
    assert.equal(out.kind, 'request')
    assert.equal(out.headers['cookie'], 'z=9; c=1; c=2; d=3')
    assert.equal(Object.keys(out.headers).at(-1), 'cookie')
  })

  const rows: readonly { name: string; mutate: Mutate<CfRequest>; want: unknown }[] = [
    {
      name: 'unchanged: the original headers, cookie header rebuilt, query rebuilt',
      mutate: () => undefined,
      want: {
        kind: 'request',
        uri: '/a',
        querystring: 'm=1&m=2&s=x',
        headers: {
          host: 'example.com',
          accept: ['a/1', 'a/2'],
          'x-one': 'v',
          'content-length': '0',
          cookie: 'c=1; c=2; d=3',
        },
      },
    },
    {
      name: 'value changed on a multi-valued header: only the first replaced',
      mutate: (r) => void (r.headers['accept']!.value = 'z'),
      want: { accept: ['z', 'a/2'] },
    },
    {
      name: 'multiValue changed: it wins over value',
      mutate: (r) => {
        r.headers['accept']!.value = 'ignored'
        r.headers['accept']!.multiValue = [{ value: 'p' }, { value: 'q' }, { value: 'r' }]
      },
      want: { accept: ['p', 'q', 'r'] },
    },
    {
      name: 'multivalue (lowercase v) is accepted',
      mutate: (r) => {
        r.headers['accept'] = { value: 'a/1', multivalue: [{ value: 'k' }] } as never
      },
      want: { accept: 'k' },
    },
    {
      name: 'multiValue emptied: the header is removed',
      mutate: (r) => void (r.headers['accept']!.multiValue = []),
      want: { accept: undefined },
    },
    {
      name: 'a new header with multiValue',
      mutate: (r) => {
        r.headers['x-new'] = { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] }
      },
      want: { 'x-new': ['a', 'b'] },
    },
    {
      name: 'a header deleted, one replaced, one with an uppercase key lowercased',
      mutate: (r) => {
        delete r.headers['x-one']
        r.headers['X-Up'] = { value: 'u' }
      },
      want: { 'x-one': undefined, 'x-up': 'u' },
    },
    {
      name: 'a single value changed into multiValue',
      mutate: (r) => void (r.headers['x-one']!.multiValue = [{ value: 'v' }, { value: 'w' }]),
      want: { 'x-one': ['v', 'w'] },
    },
    {
      name: 'cookies: value change replaces the first, additions appended, cookie header rebuilt',
      mutate: (r) => {
        r.cookies['c']!.value = '9'
        r.cookies['e'] = { value: '5' }
        delete r.cookies['d']
      },
      want: { cookie: 'c=9; c=2; e=5' },
    },
    {
      name: 'cookies: all removed drops the cookie header',
      mutate: (r) => void (r.cookies = {}),
      want: { cookie: undefined },
    },
    {
      name: 'host removed: the read-only value is kept',
      mutate: (r) => {
        delete r.headers['host']
      },
      want: { host: 'example.com' },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const out = onRequest(row.mutate)
      assert.equal(out.kind, 'request', JSON.stringify(out))
      const want = row.want as Record<string, unknown>
      if ('kind' in want) assert.deepEqual(out, want)
      else for (const [k, v] of Object.entries(want)) assert.deepEqual(out.headers[k], v, k)
    })
  }

  const queries: readonly { name: string; mutate: Mutate<CfRequest>; want: [string, string] }[] = [
    {
      name: 'query object: value change replaces the first occurrence',
      mutate: (r) => void (r.querystring['m']!.value = '7'),
      want: ['/a', 'm=7&m=2&s=x'],
    },
    {
      name: 'query object: multiValue wins, new param, empty value written bare',
      mutate: (r) => {
        r.querystring['m']!.multiValue = [{ value: 'x' }]
        r.querystring['flag'] = { value: '' }
      },
      want: ['/a', 'm=x&s=x&flag'],
    },
    {
      name: 'query object: values are not re-encoded',
      mutate: (r) => void (r.querystring = { q: { value: 'a%20b+c' } }),
      want: ['/a', 'q=a%20b+c'],
    },
    {
      name: 'query string form (AWS samples), leading ? dropped',
      mutate: (r) => void ((r as Record<string, unknown>)['querystring'] = '?a=1&b=2'),
      want: ['/a', 'a=1&b=2'],
    },
    {
      name: 'uri changed; non-ASCII percent-encoded as UTF-8',
      mutate: (r) => void (r.uri = '/café/index.html'),
      want: ['/caf%C3%A9/index.html', 'm=1&m=2&s=x'],
    },
    {
      name: 'method unchanged is fine; querystring {} empties the query',
      mutate: (r) => void (r.querystring = {}),
      want: ['/a', ''],
    },
  ]
  for (const row of queries) {
    it(row.name, () => {
      const out = onRequest(row.mutate)
      assert.equal(out.kind, 'request', JSON.stringify(out))
      assert.deepEqual([out.uri, out.querystring], row.want)
    })
  }

  it('a header named __proto__ is an own header; constructor is not an original entry', () => {
    const out = onRequest((r) => {
      r.headers = JSON.parse('{"__proto__":{"value":"p"},"constructor":{"value":"c"}}') as never
    })
    if (out.kind !== 'request') assert.fail(JSON.stringify(out))
    assert.equal(Object.getPrototypeOf(out.headers), Object.prototype)
    assert.deepEqual(Object.getOwnPropertyDescriptor(out.headers, '__proto__')?.value, 'p')
    assert.equal(out.headers['constructor'], 'c')
  })
})

describe('interpretViewerRequestResult: a generated response', () => {
  const gen = (r: unknown) => interpretViewerRequestResult(r, reqEvent)
  it('status, description, headers, cookies → set-cookie, text body', () => {
    assert.deepEqual(
      gen({
        statusCode: 302,
        statusDescription: 'Found',
        headers: { location: { value: 'https://x/' } },
        cookies: { a: { value: '1', attributes: 'Path=/' }, b: { value: '2' } },
        body: 'moved',
      }),
      {
        kind: 'response',
        status: 302,
        statusText: 'Found',
        headers: { location: 'https://x/', 'set-cookie': ['a=1; Path=/', 'b=2'] },
        body: Buffer.from('moved'),
      },
    )
  })
  const bodies: readonly [string, unknown, string][] = [
    ['no body: empty', undefined, ''],
    ['{encoding: text}', { encoding: 'text', data: 'hé' }, 'hé'],
    ['{data} defaults to text', { data: 'plain' }, 'plain'],
    [
      '{encoding: base64}',
      { encoding: 'base64', data: Buffer.from('bin\0').toString('base64') },
      'bin\0',
    ],
    ['base64 without padding', { encoding: 'base64', data: 'YWI' }, 'ab'],
  ]
  for (const [name, body, want] of bodies) {
    it(`body ${name}`, () => {
      const out = gen({ statusCode: 200, ...(body === undefined ? {} : { body }) })
      assert.equal(out.kind, 'response', JSON.stringify(out))
      {
        assert.equal(out.body.toString('latin1'), Buffer.from(want).toString('latin1'))
        assert.equal(out.statusText, undefined)
      }
    })
  }
})

const DISALLOWED = [
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'trailer',
  'upgrade',
  'x-accel-buffering',
  'x-accel-charset',
  'x-accel-limit-rate',
  'x-accel-redirect',
  'x-amz-cf-anything',
  'x-amzn-auth',
  'x-amzn-cf-billing',
  'x-amzn-cf-id',
  'x-amzn-cf-xff',
  'x-amzn-errortype',
  'x-amzn-fle-profile',
  'x-amzn-header-count',
  'x-amzn-header-order',
  'x-amzn-lambda-integration-tag',
  'x-amzn-requestid',
  'x-cache',
  'x-edge-anything',
  'x-forwarded-proto',
  'x-real-ip',
]

describe('invalid results', () => {
  const invalid = (name: string, run: () => { kind: string; reason?: string }, match: RegExp) => {
    it(name, () => {
      const out = run()
      assert.equal(out.kind, 'invalid', JSON.stringify(out))
      assert.match(out.reason ?? '', match)
    })
  }
  const gen = (r: unknown) => () => interpretViewerRequestResult(r, reqEvent)

  for (const h of DISALLOWED) {
    invalid(
      `viewer-request adds disallowed ${h}`,
      () => onRequest((r) => void (r.headers[h] = { value: '1' })),
      new RegExp(h),
    )
    invalid(
      `viewer-response adds disallowed ${h}`,
      () => onResponse((r) => void (r.headers[h] = { value: '1' })),
      new RegExp(h),
    )
  }
  for (const h of ['content-length', 'host', 'transfer-encoding', 'via']) {
    invalid(
      `viewer-request sets read-only ${h}`,
      () => onRequest((r) => void (r.headers[h] = { value: '9' })),
      new RegExp(`${h}.*read-only`),
    )
  }
  for (const h of ['warning', 'via']) {
    invalid(
      `viewer-response changes read-only ${h}`,
      () => onResponse((r) => void (r.headers[h] = { value: '9' })),
      new RegExp(`${h}.*read-only`),
    )
  }
  invalid('method changed', () => onRequest((r) => void (r.method = 'POST')), /method is read-only/)
  invalid('uri without /', () => onRequest((r) => void (r.uri = 'a')), /must start with/)
  invalid(
    'uri not a string',
    () => onRequest((r) => void ((r as Record<string, unknown>)['uri'] = 5)),
    /uri must be a string/,
  )
  invalid('uri with a space', () => onRequest((r) => void (r.uri = '/a b')), /space or control/)
  invalid(
    'uri + query over 8,192',
    () => onRequest((r) => void (r.uri = `/${'a'.repeat(8192)}`)),
    /8192/,
  )
  invalid(
    'query with a space',
    () => onRequest((r) => void (r.querystring['s']!.value = 'a b')),
    /querystring/,
  )
  invalid(
    'query string with #',
    () => onRequest((r) => void ((r as Record<string, unknown>)['querystring'] = 'a=#')),
    /#/,
  )
  invalid(
    'query string with a control char',
    () => onRequest((r) => void ((r as Record<string, unknown>)['querystring'] = 'a=\u0001')),
    /control/,
  )
  invalid(
    'header value not a string',
    () => onRequest((r) => void (r.headers['x-n'] = { value: 1 } as never)),
    /x-n\.value must be a string/,
  )
  invalid(
    'header entry not an object',
    () => onRequest((r) => void (r.headers['x-n'] = 'v' as never)),
    /x-n must be an object/,
  )
  invalid(
    'header value with CR/LF',
    () => onRequest((r) => void (r.headers['x-n'] = { value: 'a\r\nb' })),
    /invalid characters/,
  )
  invalid(
    'header name not a token',
    () => onRequest((r) => void (r.headers['x n'] = { value: 'a' })),
    /not a valid header name/,
  )
  invalid(
    'multiValue not an array',
    () => onRequest((r) => void (r.headers['accept'] = { value: 'a', multiValue: 'b' } as never)),
    /multiValue must be an array/,
  )
  invalid(
    'multiValue element without value',
    () => onRequest((r) => void (r.headers['accept'] = { value: 'a', multiValue: [{}] } as never)),
    /multiValue\[0\]\.value/,
  )
  invalid(
    'headers not an object',
    () => onRequest((r) => void ((r as Record<string, unknown>)['headers'] = [])),
    /headers must be an object/,
  )
  invalid(
    'cookies not an object',
    () => onRequest((r) => void ((r as Record<string, unknown>)['cookies'] = 'a=1')),
    /cookies must be an object/,
  )
  invalid('result undefined', gen(undefined), /must be an object/)
  invalid('result a string', gen('x'), /must be an object/)
  invalid('result null', gen(null), /null/)
  invalid('status 99', gen({ statusCode: 99 }), /100–599/)
  invalid('status 600', gen({ statusCode: 600 }), /100–599/)
  invalid('status 200.5', gen({ statusCode: 200.5 }), /integer/)
  invalid('status as a string', gen({ statusCode: '200' }), /integer/)
  invalid(
    'statusDescription a number',
    gen({ statusCode: 200, statusDescription: 1 }),
    /statusDescription/,
  )
  invalid(
    'invalid base64',
    gen({ statusCode: 200, body: { encoding: 'base64', data: 'a*b=' } }),
    /base64/,
  )
  invalid(
    'base64 bad length',
    gen({ statusCode: 200, body: { encoding: 'base64', data: 'abcde' } }),
    /base64/,
  )
  invalid(
    'unknown encoding',
    gen({ statusCode: 200, body: { encoding: 'gzip', data: '' } }),
    /encoding/,
  )
  invalid('body a number', gen({ statusCode: 200, body: 5 }), /body must be an object/)
  invalid('body data missing', gen({ statusCode: 200, body: { encoding: 'text' } }), /body\.data/)
  invalid('body over 40 KB', gen({ statusCode: 200, body: 'x'.repeat(40 * 1024 + 1) }), /40960/)
  invalid(
    'generated response sets content-length',
    gen({ statusCode: 200, headers: { 'content-length': { value: '0' } } }),
    /content-length/,
  )
  invalid(
    'generated response adds x-cache',
    gen({ statusCode: 200, headers: { 'x-cache': { value: 'Hit' } } }),
    /x-cache/,
  )
  invalid(
    'response cookie attributes not a string',
    gen({ statusCode: 200, cookies: { a: { value: '1', attributes: 2 } } }),
    /attributes/,
  )
  invalid(
    'viewer-response result without statusCode',
    () => interpretViewerResponseResult({ headers: {} }, resEvent),
    /statusCode/,
  )
  invalid(
    'viewer-response bad status',
    () => onResponse((r) => void (r.statusCode = 1000)),
    /100–599/,
  )
  invalid(
    'viewer-response bad base64 body',
    () =>
      onResponse(
        (r) => void ((r as Record<string, unknown>)['body'] = { encoding: 'base64', data: '%%%%' }),
      ),
    /base64/,
  )
})

describe('interpretViewerResponseResult', () => {
  const rows: readonly {
    name: string
    mutate: Mutate<CfResponse>
    want: Record<string, unknown>
  }[] = [
    {
      name: 'unchanged: original headers and set-cookie, body kept (undefined)',
      mutate: () => undefined,
      want: {
        status: 200,
        statusText: 'OK',
        body: undefined,
        headers: {
          'content-type': 'text/html',
          vary: ['x', 'y'],
          via: '1.1 origin',
          'set-cookie': ['s=1; Path=/', 's=2', 't=3; Secure'],
        },
      },
    },
    {
      name: 'status changed without a description: text left to the default',
      mutate: (r) => void (r.statusCode = 404),
      want: { status: 404, statusText: undefined },
    },
    {
      name: 'status and description changed',
      mutate: (r) => {
        r.statusCode = 403
        r.statusDescription = 'Go away'
      },
      want: { status: 403, statusText: 'Go away' },
    },
    {
      name: 'headers added, changed (first of multi), removed',
      mutate: (r) => {
        r.headers['x-frame-options'] = { value: 'DENY' }
        r.headers['vary']!.value = 'z'
        delete r.headers['content-type']
      },
      want: {
        headers: {
          vary: ['z', 'y'],
          via: '1.1 origin',
          'x-frame-options': 'DENY',
          'set-cookie': ['s=1; Path=/', 's=2', 't=3; Secure'],
        },
      },
    },
    {
      name: 'cookies: value change keeps the rest, attributes changed, new cookie',
      mutate: (r) => {
        r.cookies['s']!.value = '9'
        r.cookies['t']!.attributes = 'HttpOnly'
        r.cookies['u'] = { value: '4', attributes: 'Max-Age=1' }
      },
      want: { 'set-cookie': ['s=9; Path=/', 's=2', 't=3; HttpOnly', 'u=4; Max-Age=1'] },
    },
    {
      name: 'cookies: multiValue wins',
      mutate: (r) => void (r.cookies['s']!.multiValue = [{ value: 'only' }]),
      want: { 'set-cookie': ['s=only', 't=3; Secure'] },
    },
    {
      name: 'body replaced by a string',
      mutate: (r) => void ((r as Record<string, unknown>)['body'] = 'new'),
      want: { body: Buffer.from('new') },
    },
    {
      name: 'body replaced with base64',
      mutate: (r) =>
        void ((r as Record<string, unknown>)['body'] = { encoding: 'base64', data: 'aGk=' }),
      want: { body: Buffer.from('hi') },
    },
    {
      name: 'via removed: the read-only value is kept',
      mutate: (r) => {
        delete r.headers['via']
      },
      want: { via: '1.1 origin' },
    },
  ]
  for (const row of rows) {
    it(row.name, () => {
      const out = onResponse(row.mutate)
      assert.equal(out.kind, 'response', JSON.stringify(out))
      for (const [k, v] of Object.entries(row.want)) {
        if (k in out) assert.deepEqual(out[k as keyof typeof out], v, k)
        else assert.deepEqual(out.headers[k], v, k)
      }
    })
  }
})

describe('headers returned unread (the parts runtime.ts hands back as the event had them)', () => {
  it("a built event's request headers go back as the request had them", () => {
    const r = { ...reqEvent.request }
    const out = interpretViewerRequestResult(r, reqEvent)
    assert.equal(out.kind, 'request')
    // Everything but the cookie header, which goes back as the cookies part rebuilds it.
    const { cookie, ...rest } = out.headers
    assert.deepEqual(rest, {
      host: 'example.com',
      accept: ['a/1', 'a/2'],
      'x-one': 'v',
      'content-length': '0',
    })
    assert.equal(cookie, 'c=1; c=2; d=3')
  })

  it("a built event's response headers go back as the response had them", () => {
    const out = interpretViewerResponseResult({ ...resEvent.response }, resEvent)
    assert.equal(out.kind, 'response')
    assert.deepEqual(out.headers['vary'], ['x', 'y'])
    assert.equal(out.headers['content-type'], 'text/html')
  })

  // A hand-made event (tests, test-function) is not trusted: its own headers are checked and
  // normalized like any returned ones.
  const handMade = (headers: Record<string, { value: string }>): CfEvent => ({
    ...clone(reqEvent),
    request: { ...clone(reqEvent.request), headers },
  })
  it("a hand-made event's mixed-case names are lowercased", () => {
    const e = handMade({ 'X-Up': { value: '1' } })
    const out = interpretViewerRequestResult({ ...e.request }, e)
    assert.equal(out.kind, 'request')
    assert.equal(out.headers['x-up'], '1')
  })
  it("a hand-made event's disallowed header is refused", () => {
    const e = handMade({ upgrade: { value: 'websocket' } })
    assert.equal(interpretViewerRequestResult({ ...e.request }, e).kind, 'invalid')
  })
})
