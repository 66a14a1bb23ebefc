// The compact event text (functions/viewer/event-text.ts, spec §7.2 event shape, §7.1 cost):
// which events take it, and that a function cannot tell it from the JSON form. Each row runs
// the same code on the same event twice, once through the compact text (invoke()), once
// through the JSON text (the driver called directly), and compares what the function returned.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { getQuickJS } from 'quickjs-emscripten'
import {
  viewerRequestEvent,
  viewerResponseEvent,
  type ViewerRequestInput,
} from '../../../functions/viewer/event.js'
import { compactEventText, isBuilt, jsonEventText } from '../../../functions/viewer/event-text.js'
import { compileViewerFunction, initViewerRuntime } from '../../../functions/viewer/runtime.js'
import { PRELUDE, REGISTER_SUFFIX } from '../../../functions/viewer/sandbox/prelude.js'
import { Vm } from '../../../functions/viewer/sandbox/vm.js'
import type { CfEvent, ViewerFunction } from '../../../functions/viewer/types.js'

const input = {
  method: 'GET',
  uri: '/a/b',
  querystring: 'q=1&q=2&flag&__proto__=p&constructor=c',
  headers: {
    host: 'example.com',
    accept: ['a/1', 'a/2'],
    'x-odd': 'tab\there, ünï',
    ['__proto__']: 'proto-header',
    constructor: 'ctor',
    hasownproperty: 'h',
    cookie: 'c=1; c=2; d=3; __proto__=x',
  },
  clientIp: '198.51.100.11',
  requestId: 'req-1',
  distributionDomainName: 'd111111abcdef8.cloudfront.net',
  distributionId: 'EDFDVBD6EXAMPLE',
}
const requestEvent = (): CfEvent => viewerRequestEvent(input)
const responseEvent = (): CfEvent =>
  viewerResponseEvent(input, {
    status: 200,
    headers: {
      'content-type': 'text/html',
      vary: ['x', 'y'],
      'set-cookie': ['s=1; Path=/; Secure', 's=2', 't=3; HttpOnly', 'u=4'],
    },
  })
const NOW = 1_700_000_000_000

let mod: Awaited<ReturnType<typeof getQuickJS>>
before(async () => {
  await initViewerRuntime()
  mod = await getQuickJS()
})

const spec = (code: string) =>
  ({ name: 't', runtime: 'cloudfront-js-2.0', code, kvs: undefined }) as const

/** What the function returns through invoke(). */
function viaInvoke(code: string, event: CfEvent): unknown {
  const fn = compileViewerFunction(spec(code))
  try {
    const inv = fn.invoke(event)
    if (!inv.ok) assert.fail(`${inv.error}: ${inv.message}`)
    return inv.result
  } finally {
    fn.dispose()
  }
}

/** What the function returns when the driver gets the event's JSON text. */
function viaJson(code: string, event: CfEvent): unknown {
  const vm = Vm.build(mod, spec(code), { deadline: Infinity, fired: false, overdue: 0 })
  try {
    let res = vm.call('invoke', jsonEventText(event, NOW))
    if ('out' in res && res.out === '') {
      assert.equal(vm.drainJobs(), undefined)
      res = vm.call('poll', 0)
    }
    if (!('out' in res)) assert.fail(`JSON: ${res.err}`)
    const out = res.out
    if (Array.isArray(out)) {
      assert.equal(out[0], 0)
      return out[1]
    }
    if (typeof out !== 'string') assert.fail(`JSON: an answer of type ${typeof out}`)
    if (out.startsWith('R0')) return JSON.parse(out.slice(2))
    const answer = JSON.parse(out) as { ok: number; r: unknown; p: number }
    assert.deepEqual([answer.ok, answer.p], [1, 0])
    return answer.r
  } finally {
    vm.dispose()
  }
}

/** What the function returns for the event through the compact text and through JSON. */
function both(code: string, event: () => CfEvent): { compact: unknown; json: unknown } {
  assert.notEqual(compactEventText(event(), NOW), undefined, 'the event takes the compact text')
  return { compact: viaInvoke(code, event()), json: viaJson(code, event()) }
}

describe('compact event: what the function sees and returns equals the JSON form', () => {
  const rows: [string, string][] = [
    ['the request returned untouched', 'return e.request'],
    ['the request read, then returned', 'e.request.headers; e.request.cookies; return e.request'],
    ['one part read', 'e.request.querystring; return e.request'],
    ['the uri changed', "e.request.uri = '/index.html'; return e.request"],
    ['a part replaced', "e.request.headers = { a: { value: 'b' } }; return e.request"],
    ['a header mutated', "e.request.headers.host.value = 'other'; return e.request"],
    [
      'a header added with multiValue',
      "e.request.headers['x-n'] = { value: '1', multiValue: [{ value: '1' }, { value: '2' }] }; return e.request",
    ],
    ['a part deleted unread', 'delete e.request.headers; return e.request'],
    [
      'a part deleted after a read',
      'e.request.headers; delete e.request.headers; return e.request',
    ],
    ['a part set to undefined', 'e.request.cookies = undefined; return e.request'],
    ['JSON.stringify(event)', 'return JSON.stringify(e)'],
    ['JSON.stringify(event) twice', 'JSON.stringify(e); return JSON.stringify(e)'],
    [
      'keys, for…in, in, entries',
      "const r = e.request; const k = []; for (const x in r) k.push(x); return [Object.keys(r), k, 'headers' in r, 'nope' in r, Object.entries(r).length, Object.keys(e), Object.keys(e.context)]",
    ],
    ['spread', 'return { ...e.request, uri: "/s" }'],
    ['Object.assign', 'return Object.assign({}, e.request)'],
    ['the event itself', 'return e'],
    [
      'special names are own properties',
      "const h = e.request.headers, q = e.request.querystring, c = e.request.cookies; return [Object.keys(h), Object.hasOwn(h, '__proto__'), Object.getPrototypeOf(h) === Object.prototype, h.__proto__, h.constructor, h.hasownproperty, q.__proto__, q.constructor, c.__proto__, typeof h.hasOwnProperty]",
    ],
    [
      'multiValue shapes',
      'const r = e.request; return [r.querystring.q, r.querystring.flag, r.headers.accept, r.cookies.c]',
    ],
    [
      'a toJSON on the returned request',
      'e.request.toJSON = function () { return { uri: this.uri, h: this.headers } }; return e.request',
    ],
    [
      'a frozen request',
      "const r = Object.freeze(e.request); r.headers.host.value = 'x'; return [r.headers === r.headers, r, Object.isFrozen(r)]",
    ],
    [
      'assigning to a frozen request throws',
      "const r = Object.freeze(e.request); try { r.headers = {} } catch (x) { return x.name } return 'no throw'",
    ],
    [
      'a sealed request takes assignments',
      "const r = Object.seal(e.request); r.headers = { a: { value: 'b' } }; r.cookies; return r",
    ],
    [
      'an object inheriting the request',
      'const o = Object.create(e.request); const h = o.headers; o.cookies = 1; return [h, Object.keys(o), e.request.cookies, h === e.request.headers]',
    ],
    ['an async handler', 'await null; return e.request'],
    ['with a log line (the answer with logs)', "console.log('x'); return e.request"],
    // The 'U' answer (uriAnswer() in prelude.ts) and the cases that must fall back from it.
    ['the method changed', "e.request.method = 'POST'; return e.request"],
    ['a uri holding the field separator', "e.request.uri = '/a\\x1db'; return e.request"],
    ['a uri holding NUL', "e.request.uri = '/a\\0b'; return e.request"],
    ['a uri holding a lone surrogate', "e.request.uri = '/a\\ud800b'; return e.request"],
    ['a uri holding a surrogate pair', "e.request.uri = '/a\\ud83d\\ude00b'; return e.request"],
    [
      'a 511-character uri with NUL and a lone surrogate (the longest the answer carries)',
      "e.request.uri = '/\\0\\udc00' + 'x'.repeat(508); return e.request",
    ],
    [
      'a 512-character uri (past the answer: the object)',
      "e.request.uri = '/' + 'y'.repeat(511); return e.request",
    ],
    ['a 600-character rope uri', "e.request.uri = '/' + 'z'.repeat(599); return e.request"],
    [
      'the method the same, another string object',
      "e.request.method = 'GE' + 'T'; return e.request",
    ],
    ['a uri that is not a string', 'e.request.uri = 5; return e.request'],
    ['a statusCode added to the request', 'e.request.statusCode = 302; return e.request'],
    [
      'a part redefined as 0 without being read',
      "Object.defineProperty(e.request, 'headers', { value: 0, enumerable: true, writable: true, configurable: true }); return e.request",
    ],
    [
      'a uri getter that logs',
      "Object.defineProperty(e.request, 'uri', { get() { console.log('read'); return '/g' }, enumerable: true, configurable: true }); return e.request",
    ],
    ['the uri deleted', 'delete e.request.uri; return e.request'],
    [
      'RegExp.prototype.exec replaced, a NUL in the uri',
      "RegExp.prototype.exec = function () { return null }; e.request.uri = '/a\\0b'; return e.request",
    ],
    [
      'descriptors after a read',
      "e.request.headers; return Object.getOwnPropertyDescriptor(e.request, 'headers').writable",
    ],
  ]
  for (const [name, body] of rows) {
    it(name, () => {
      const { compact, json } = both(`async function handler(e) { ${body} }`, requestEvent)
      assert.deepEqual(compact, json)
    })
  }
  const responseRows: [string, string][] = [
    ['the response returned untouched', 'return e.response'],
    ['response cookies with attributes', 'return [e.response.cookies, e.response.headers.vary]'],
    [
      'a header added',
      "e.response.headers['x-frame-options'] = { value: 'DENY' }; return e.response",
    ],
    ['the status changed', 'e.response.statusCode = 404; return e.response'],
    ['the request read', 'return [e.request, JSON.stringify(e)]'],
    ['the request returned', 'return e.request'],
    ['keys', 'return [Object.keys(e), Object.keys(e.response), Object.keys(e.request)]'],
    [
      'a frozen event and response',
      'Object.freeze(e); Object.freeze(e.response); return [e.request === e.request, e.request.headers, e.response]',
    ],
  ]
  for (const [name, body] of responseRows) {
    it(`viewer-response: ${name}`, () => {
      const { compact, json } = both(`function handler(e) { ${body} }`, responseEvent)
      assert.deepEqual(compact, json)
    })
  }
})

describe('compact event: unread parts come back as the event’s own objects', () => {
  it('the returned request holds the original parts, in their places', () => {
    const fn = compileViewerFunction({
      name: 't',
      runtime: 'cloudfront-js-2.0',
      code: "function handler(e) { e.request.uri = '/x'; e.request.extra = 1; return e.request }",
      kvs: undefined,
    })
    const event = requestEvent()
    const inv = fn.invoke(event)
    fn.dispose()
    if (!inv.ok) assert.fail(inv.message)
    const r = inv.result as Record<string, unknown>
    assert.deepEqual(Object.keys(r), [
      'method',
      'uri',
      'querystring',
      'headers',
      'cookies',
      'extra',
    ])
    assert.equal(r['headers'], event.request.headers)
    assert.equal(r['cookies'], event.request.cookies)
  })
})

describe("compact event: the 'U' answer of a request returned with only its uri changed", () => {
  const answerOf = (code: string): unknown => {
    const vm = Vm.build(mod, spec(code), { deadline: Infinity, fired: false, overdue: 0 })
    try {
      const res = vm.call('invoke', compactEventText(requestEvent(), NOW) ?? '')
      return 'out' in res ? res.out : res.err
    } finally {
      vm.dispose()
    }
  }
  it('is what the driver answers for the commonest rewrite', () => {
    assert.equal(
      answerOf("function handler(e) { e.request.uri = '/index.html'; return e.request }"),
      'U/index.html',
    )
  })
  it('carries a uri shorter than 512 characters exactly, NUL and lone surrogates included', () => {
    const uri = '/\0\udc00' + 'x'.repeat(508)
    const code = `function handler(e) { e.request.uri = ${JSON.stringify(uri)}; return e.request }`
    assert.equal(answerOf(code), 'U' + uri)
    const longer = `function handler(e) { e.request.uri = '/' + 'y'.repeat(511); return e.request }`
    assert.ok(Array.isArray(answerOf(longer)), '512 characters: the copy through the writer')
    const method = "function handler(e) { e.request.method = 'POST'; return e.request }"
    assert.ok(Array.isArray(answerOf(method)), 'another method: the copy through the writer')
  })
  it('without exact reading (cfg.exactText false), a uri a C string would garble is not sent', () => {
    // The driver alone, on a context of its own, as Vm.build sets it up.
    const rt = mod.newRuntime()
    const ctx = rt.newContext()
    try {
      const host = ctx.newFunction('host', () => ctx.undefined)
      const factory = ctx.unwrapResult(ctx.evalCode(PRELUDE, 'prelude.js', { strict: true }))
      const cfg = ctx.newString(JSON.stringify({ runtime: 'cloudfront-js-2.0', kvs: null }))
      const api = ctx.unwrapResult(ctx.callFunction(factory, ctx.undefined, host, cfg))
      for (const h of [host, factory, cfg]) h.dispose()
      const handler = `function handler(e) { e.request.uri = e.request.uri === '/a/b' ? '/ok' : '/a\\0b'; return e.request }`
      ctx.unwrapResult(ctx.evalCode(handler + REGISTER_SUFFIX, 'h.js', { strict: true })).dispose()
      ctx
        .getProp(api, 'seal')
        .consume((seal) => ctx.unwrapResult(ctx.callFunction(seal, ctx.undefined)).dispose())
      const invoke = ctx.getProp(api, 'invoke')
      api.dispose()
      const answer = (event: CfEvent): unknown => {
        const text = ctx.newString(compactEventText(event, NOW) ?? '')
        try {
          return ctx
            .unwrapResult(ctx.callFunction(invoke, ctx.undefined, text))
            .consume((h): unknown => ctx.dump(h))
        } finally {
          text.dispose()
        }
      }
      assert.equal(answer(requestEvent()), 'U/ok')
      const other = viewerRequestEvent({ ...input, uri: '/c' })
      assert.ok(Array.isArray(answer(other)), 'a NUL: the copy through the writer')
      invoke.dispose()
    } finally {
      ctx.dispose()
      rt.dispose()
    }
  })
  it('is not used once a part was read, or with a log line', () => {
    const read = answerOf('function handler(e) { e.request.headers; return e.request }')
    assert.ok(Array.isArray(read), 'a settled part: the copy through the binary writer')
    const logged = answerOf("function handler(e) { console.log('x'); return e.request }")
    assert.equal(typeof logged, 'string')
    assert.ok((logged as string).startsWith('{"ok":1'), 'logs travel in the envelope')
  })
  it('a uri getter runs once, and its log line is kept', () => {
    const fn = compileViewerFunction(
      spec(
        "function handler(e) { Object.defineProperty(e.request, 'uri', { get() { console.log('read'); return '/g' }, enumerable: true, configurable: true }); return e.request }",
      ),
    )
    const event = requestEvent()
    const inv = fn.invoke(event)
    fn.dispose()
    if (!inv.ok) assert.fail(inv.message)
    assert.deepEqual(inv.logs, ['read'])
    const r = inv.result as Record<string, unknown>
    assert.equal(r['uri'], '/g')
    assert.equal(r['headers'], event.request.headers)
  })
  it('the result holds the event’s own parts, in their places', () => {
    const fn = compileViewerFunction(
      spec("function handler(e) { e.request.uri = '/x'; return e.request }"),
    )
    const event = requestEvent()
    const inv = fn.invoke(event)
    fn.dispose()
    if (!inv.ok) assert.fail(inv.message)
    const r = inv.result as Record<string, unknown>
    assert.deepEqual(Object.keys(r), ['method', 'uri', 'querystring', 'headers', 'cookies'])
    assert.equal(r['uri'], '/x')
    assert.equal(r['querystring'], event.request.querystring)
    assert.equal(r['headers'], event.request.headers)
    assert.equal(r['cookies'], event.request.cookies)
  })
})

describe('compact event: state across invocations', () => {
  let fn: ViewerFunction
  before(() => {
    fn = compileViewerFunction({
      name: 'keep',
      runtime: 'cloudfront-js-2.0',
      code: `let first
function handler(e) {
  if (first === undefined) { first = e; return 'stored' }
  return e.request.uri === '/read' ? first.request.headers : first.request
}`,
      kvs: undefined,
    })
  })
  after(() => fn.dispose())
  const other = (uri: string): CfEvent =>
    viewerRequestEvent({ ...input, uri, headers: { host: 'other.example' }, querystring: '' })
  it('an event stored in a global', () => {
    const inv = fn.invoke(requestEvent())
    assert.deepEqual(inv.ok && inv.result, 'stored')
  })
  it('its headers, read on a later invocation, are its own', () => {
    const inv = fn.invoke(other('/read'))
    if (!inv.ok) assert.fail(inv.message)
    assert.deepEqual(inv.result, requestEvent().request.headers)
  })
  it('its request, returned unread on a later invocation, is its own', () => {
    const inv = fn.invoke(other('/next'))
    if (!inv.ok) assert.fail(inv.message)
    assert.deepEqual(inv.result, requestEvent().request)
  })
})

describe('compact event: a request kept only through what inherits it, or a closure', () => {
  // The request gets its fields when the invocation ends, if anything still reaches it
  // (retireOwn() in prelude-event.ts): here only an object inheriting it, or a closure.
  let fn: ViewerFunction
  before(() => {
    fn = compileViewerFunction(
      spec(`let child
let later
function handler(e) {
  if (child === undefined) {
    child = Object.create(e.request)
    const r = e.request
    later = () => r.cookies
    return 'kept'
  }
  return [child.headers, later(), child.querystring === Object.getPrototypeOf(child).querystring]
}`),
    )
  })
  after(() => fn.dispose())
  it('its parts read on a later invocation are its own', () => {
    const first = fn.invoke(requestEvent())
    assert.deepEqual(first.ok && first.result, 'kept')
    const other = viewerRequestEvent({ ...input, headers: { host: 'other.example' } })
    const inv = fn.invoke(other)
    if (!inv.ok) assert.fail(inv.message)
    const own = requestEvent().request
    assert.deepEqual(inv.result, [own.headers, own.cookies, true])
  })
})

describe('compact event: which events take it', () => {
  // Copies: these rows change events, and a built event must reach invoke() unchanged.
  const base = (): CfEvent => structuredClone(requestEvent())
  const response = (): CfEvent => structuredClone(responseEvent())
  const rows: [string, () => unknown, boolean][] = [
    ['an event.ts viewer-request event', requestEvent, true],
    ['an event.ts viewer-response event', responseEvent, true],
    ['a copy of one', base, true],
    ['a copy of a viewer-response one', response, true],
    [
      'a context with eventType only',
      () => ({ ...base(), context: { eventType: 'viewer-request' } }),
      true,
    ],
    [
      'a response without statusDescription',
      () => {
        const e = response()
        delete e.response!.statusDescription
        return e
      },
      true,
    ],
    [
      'NUL, separators and surrogates inside parts (JSON there)',
      () => {
        const e = base()
        e.request.headers['x-odd'] = { value: '\0\x1c\x1d\x1e\x1f 😀 \ud800' }
        return e
      },
      true,
    ],
    [
      'viewer-response: a request of another shape, with NUL and surrogates (JSON there)',
      () => ({
        ...response(),
        request: { uri: '/\0😀\ud800', method: 'GET', extra: [1, null], headers: {} },
      }),
      true,
    ],
    ['NUL in the uri', () => ({ ...base(), request: { ...base().request, uri: '/a\0' } }), false],
    [
      'the separator in the uri',
      () => ({ ...base(), request: { ...base().request, uri: '/a\x1d' } }),
      false,
    ],
    [
      'a surrogate in the uri',
      () => ({ ...base(), request: { ...base().request, uri: '/😀' } }),
      false,
    ],
    ['an extra event key', () => ({ ...base(), extra: 1 }), false],
    [
      'keys in another order',
      () => {
        const { version, ...rest } = base()
        return { ...rest, version }
      },
      false,
    ],
    [
      'context keys in another order',
      () => ({
        ...base(),
        context: { eventType: 'viewer-request', requestId: 'r', distributionId: 'd' },
      }),
      false,
    ],
    ['a context without eventType', () => ({ ...base(), context: { requestId: 'r' } }), false],
    [
      'viewer-response eventType without a response',
      () => ({ ...base(), context: { eventType: 'viewer-response' } }),
      false,
    ],
    ['a number for the uri', () => ({ ...base(), request: { ...base().request, uri: 7 } }), false],
    [
      'a request key missing',
      () => {
        const e = base() as { request: Partial<CfEvent['request']> }
        delete e.request.cookies
        return e
      },
      false,
    ],
    [
      'a number inside a part',
      () => ({ ...base(), request: { ...base().request, headers: { a: { value: 1 } } } }),
      false,
    ],
    [
      'undefined inside a part',
      () => ({ ...base(), request: { ...base().request, cookies: { a: { value: undefined } } } }),
      false,
    ],
    [
      'a Date inside a part',
      () => ({ ...base(), request: { ...base().request, querystring: { a: new Date(0) } } }),
      false,
    ],
    [
      'a hole in a multiValue',
      () => ({
        ...base(),
        request: {
          ...base().request,
          // eslint-disable-next-line no-sparse-arrays
          headers: { a: { value: 'x', multiValue: [{ value: 'x' }, , { value: 'y' }] } },
        },
      }),
      false,
    ],
    [
      'a NaN statusCode',
      () => ({ ...response(), response: { ...responseEvent().response!, statusCode: NaN } }),
      false,
    ],
  ]
  for (const [name, event, compact] of rows) {
    it(`${name}: ${compact ? 'compact' : 'JSON'}, and the function sees the same event`, () => {
      const e = event() as CfEvent
      assert.equal(compactEventText(e, NOW) !== undefined, compact)
      const code = 'function handler(e) { return [JSON.stringify(e), e.request.uri] }'
      assert.deepEqual(viaInvoke(code, e), viaJson(code, e))
    })
  }
})

describe('built events (markBuilt): the text without shape checks is the checked text', () => {
  const response = { status: 404, headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1' } }
  const described = { ...response, statusText: 'Gone Fishing' }
  const rows: [string, Partial<ViewerRequestInput>, boolean][] = [
    ['the test input', {}, true],
    ['no query, no cookies, no headers', { querystring: '', headers: {} }, true],
    ['non-ASCII and JSON-special characters', { uri: '/ü/"\\/\u2028', querystring: 'a="b"' }, true],
    ['an empty distribution id', { distributionId: '' }, true],
    ['a NUL in the uri takes the JSON form', { uri: '/a\0b' }, false],
    ['the field separator in the ip takes the JSON form', { clientIp: '1.2.3.4\x1d' }, false],
    ['a lone surrogate in the request id takes the JSON form', { requestId: 'r\ud800' }, false],
  ]
  for (const [name, change, compact] of rows) {
    const i: ViewerRequestInput = { ...input, ...change }
    const events: [string, () => CfEvent][] = [
      ['viewer-request', () => viewerRequestEvent(i)],
      ['viewer-response', () => viewerResponseEvent(i, response)],
      ['viewer-response with a description', () => viewerResponseEvent(i, described)],
    ]
    for (const [type, event] of events) {
      it(`${name} (${type})`, () => {
        const built = event()
        // A structured clone is not marked: it takes the checked path.
        const checked = compactEventText(structuredClone(built), NOW)
        // In viewer-response the request travels as JSON, which escapes what the uri holds.
        if (type === 'viewer-request' || !('uri' in change)) {
          assert.equal(checked !== undefined, compact)
        }
        assert.equal(compactEventText(built, NOW), checked)
      })
    }
  }
})

describe('isBuilt: only the events event.ts built', () => {
  const rows: [string, () => unknown, boolean][] = [
    ['a viewer-request event', () => viewerRequestEvent(input), true],
    [
      'a viewer-response event',
      () => viewerResponseEvent(input, { status: 200, headers: {} }),
      true,
    ],
    ['a spread copy', () => ({ ...viewerRequestEvent(input) }), false],
    ['a structured clone', () => structuredClone(viewerRequestEvent(input)), false],
    ['a plain object', () => ({}), false],
    ['null (an event file may hold any JSON)', () => null, false],
    ['a string', () => 'event', false],
    ['a number', () => 5, false],
  ]
  for (const [name, value, built] of rows) {
    it(name, () => {
      const v = value()
      assert.equal(isBuilt(v as CfEvent), built)
      if (!built) assert.doesNotThrow(() => compactEventText(v as CfEvent, NOW))
    })
  }
})

describe('compact event: prototype tampering does not reach the driver', () => {
  it('replaced built-ins on one call, a correct event on the next', () => {
    const fn = compileViewerFunction({
      name: 't',
      runtime: 'cloudfront-js-2.0',
      code: `let n = 0
function handler(e) {
  if (n++ === 0) {
    String.prototype.split = function () { return [] }
    String.prototype.indexOf = function () { return -1 }
    WeakMap.prototype.get = function () { return undefined }
    WeakMap.prototype.has = function () { return false }
    Object.defineProperties = null
    Object.defineProperty(Object.prototype, 'host', { set: function () {}, configurable: true })
    Object.freeze(Object.prototype)
    return 0
  }
  return [e.request.headers.host, e.request.headers.constructor, JSON.stringify(e)]
}`,
      kvs: undefined,
    })
    fn.invoke(requestEvent())
    const inv = fn.invoke(requestEvent())
    fn.dispose()
    if (!inv.ok) assert.fail(inv.message)
    const e = requestEvent()
    assert.deepEqual(inv.result, [
      e.request.headers['host'],
      e.request.headers['constructor'],
      JSON.stringify(e),
    ])
  })
})

describe('viewer-response: the request stays with the host until the function reads it', () => {
  // The compact text holds the request's JSON only when the request is not JSON data.
  const rows: [string, () => CfEvent, boolean][] = [
    ['an event.ts event', responseEvent, false],
    ['a copy of one', () => structuredClone(responseEvent()), false],
    [
      'a request of another shape, of JSON data',
      () => ({ ...responseEvent(), request: { uri: '/x', list: ['a', { b: 'c' }] } as never }),
      false,
    ],
    [
      'a request holding a number',
      () => ({ ...responseEvent(), request: { uri: '/x', n: 1 } as never }),
      true,
    ],
    [
      'a request nested deeper than the data check goes',
      () => {
        let deep: unknown = 'leaf'
        for (let i = 0; i < 40; i++) deep = { d: deep }
        return { ...responseEvent(), request: deep as never }
      },
      true,
    ],
  ]
  for (const [name, event, inText] of rows) {
    it(`${name}: the request is ${inText ? '' : 'not '}in the text, and reads the same`, () => {
      const e = event()
      const text = compactEventText(e, NOW)
      assert.notEqual(text, undefined)
      assert.equal(text!.includes(JSON.stringify(e.request)), inText)
      const code =
        'function handler(e) { return [e.request, JSON.stringify(e), e.request === e.request] }'
      assert.deepEqual(viaInvoke(code, e), viaJson(code, e))
    })
  }

  // The host serializes the request (JSON.stringify: one ownKeys of the request) only when the
  // function reads it, or keeps the event past the invocation. The data check is the other one.
  const counted: [string, string, number][] = [
    ['not read', 'return e.response', 1],
    ['read', 'e.request; return e.response', 2],
    ['read twice', 'e.request; e.request.headers; return e.request', 2],
    ['the event kept in a global', 'kept = e; return e.response', 2],
    ['the event kept in a closure', 'later = () => e; return e.response', 2],
    ['an object inheriting the event kept', 'kept = Object.create(e); return 0', 2],
    ['only the response kept', 'kept = e.response; return 0', 1],
    ['the event returned', 'return e', 2],
    ['the event thrown', 'throw { e: e }', 2],
    ['an exception, the event dropped', 'throw new Error("x")', 1],
  ]
  for (const [name, body, ownKeys] of counted) {
    it(`${name}: the request is serialized ${ownKeys === 1 ? 'never' : 'once'}`, () => {
      let calls = 0
      // A copy: not marked built, so the request is checked for JSON data first.
      const e = structuredClone(responseEvent())
      e.request = new Proxy(e.request, {
        ownKeys(target) {
          calls++
          return Reflect.ownKeys(target)
        },
      })
      const fn = compileViewerFunction(spec(`let kept, later\nfunction handler(e) { ${body} }`))
      try {
        fn.invoke(e)
      } finally {
        fn.dispose()
      }
      assert.equal(calls, ownKeys)
    })
  }
})

describe('viewer-response: a kept event’s request, read on a later invocation, is its own', () => {
  // Each function keeps the first event (so that the host has moved on when it is read) and
  // returns its request on the second invocation.
  const rows: [string, string][] = [
    ['kept in a global', 'if (n++ === 0) { kept = e; return e.response } return kept.request'],
    [
      'kept in a closure',
      'if (n++ === 0) { later = () => e.request; return e.response } return later()',
    ],
    [
      'kept by an object inheriting it',
      'if (n++ === 0) { kept = Object.create(e); return e.response } return kept.request',
    ],
    [
      'kept, then the invocation threw',
      'if (n++ === 0) { kept = e; throw new Error("x") } return kept.request',
    ],
    [
      'kept by a promise that never settles',
      'if (n++ === 0) { kept = e; return new Promise(() => {}) } return kept.request',
    ],
    [
      'kept by an async handler that settled',
      'if (n++ === 0) { kept = e; await null; return e.response } return kept.request',
    ],
    [
      'awaiting in a job the next invocation resumes',
      'if (n++ === 0) { await new Promise((r) => { resume = r }); kept = e.request; return 0 } resume(); await null; await null; return kept',
    ],
  ]
  for (const [name, body] of rows) {
    it(name, () => {
      const fn = compileViewerFunction(
        spec(`let n = 0, kept, later, resume\nasync function handler(e) { ${body} }`),
      )
      try {
        const first = responseEvent()
        fn.invoke(first)
        const second = viewerResponseEvent(
          { ...input, uri: '/second', headers: { host: 'second.example' } },
          { status: 200, headers: {} },
        )
        const inv = fn.invoke(second)
        if (!inv.ok) assert.fail(inv.message)
        assert.deepEqual(inv.result, first.request)
      } finally {
        fn.dispose()
      }
    })
  }
})
