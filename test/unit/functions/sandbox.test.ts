// Spec §7.1 isolation: no eval / Function constructor / require of other modules / process /
// timers; nothing reaches the host; prototype pollution stays in the sandbox and does not break
// marshalling; a call sees no state from a previous call that it did not create.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { compileViewerFunction, initViewerRuntime } from '../../../functions/viewer/runtime.js'
import type { CfEvent, FunctionRuntime, ViewerFunction } from '../../../functions/viewer/types.js'

const event = (uri = '/'): CfEvent => ({
  version: '1.0',
  context: { eventType: 'viewer-request' },
  viewer: { ip: '198.51.100.11' },
  request: { method: 'GET', uri, querystring: {}, headers: { host: { value: 'h' } }, cookies: {} },
})
const compile = (code: string, runtime: FunctionRuntime = 'cloudfront-js-2.0'): ViewerFunction =>
  compileViewerFunction({ name: 'sb', runtime, code, kvs: undefined })
function result(fn: ViewerFunction, uri = '/'): unknown {
  const inv = fn.invoke(event(uri))
  if (!inv.ok) assert.fail(`${inv.error}: ${inv.message}`)
  return inv.result
}
const probe = (expr: string, runtime?: FunctionRuntime) => {
  const fn = compile(
    `function handler() { try { return ${expr} } catch (e) { return 'threw ' + e.name } }`,
    runtime,
  )
  try {
    return result(fn)
  } finally {
    fn.dispose()
  }
}

before(async () => initViewerRuntime())

describe('absent or throwing globals (spec §7.1)', () => {
  const rows: [string, unknown][] = [
    ['typeof eval', 'undefined'],
    ['typeof process', 'undefined'],
    ['typeof setTimeout + typeof setInterval + typeof setImmediate', 'undefinedundefinedundefined'],
    ['typeof fetch + typeof XMLHttpRequest', 'undefinedundefined'],
    ["require('fs')", 'threw Error'],
    ["require('child_process')", 'threw Error'],
    ["Function('return this')()", 'threw TypeError'],
    ["(function () {}).constructor('return this')()", 'threw TypeError'],
    ["this === undefined ? 'strict' : this.constructor.constructor('return process')()", 'strict'],
    ["globalThis.constructor.constructor('return 1')()", 'threw TypeError'],
    ["(async function () {}).constructor('return 1')", 'threw TypeError'],
    ["(function* () {}).constructor('yield 1')", 'threw TypeError'],
    ['Object.getPrototypeOf(function () {}).constructor === Function', true],
    ['typeof __cf_boot', 'undefined'],
    ['typeof Math.random()', 'number'],
  ]
  for (const [expr, want] of rows) {
    it(`${expr} → ${JSON.stringify(want)}`, () => {
      assert.deepEqual(probe(expr), want)
    })
  }
  it('globalThis holds only language built-ins and the documented additions', () => {
    const names = probe('Object.getOwnPropertyNames(globalThis)') as string[]
    const extra = names.filter(
      (n) =>
        !/^[A-Z]/.test(n) &&
        ![
          'globalThis',
          'parseInt',
          'parseFloat',
          'isNaN',
          'isFinite',
          'decodeURI',
          'decodeURIComponent',
          'encodeURI',
          'encodeURIComponent',
          'escape',
          'unescape',
          'undefined',
          'handler',
        ].includes(n),
    )
    assert.deepEqual(extra.sort(), ['atob', 'btoa', 'console', 'require'])
  })
})

describe('host isolation and marshalling', () => {
  it('Object.prototype pollution stays in the sandbox and the next call still marshals', () => {
    const fn = compile(`function handler(e) {
  if (e.request.uri === '/pollute') {
    Object.prototype.polluted = 'yes'
    Object.prototype.toJSON = function () { return 'hijacked' }
    Array.prototype.toJSON = function () { return 'hijacked' }
    JSON.stringify = function () { return '"hijacked"' }
    JSON.parse = function () { return {} }
  }
  return { uri: e.request.uri, list: [1, 2], host: e.request.headers.host.value }
}`)
    assert.deepEqual(result(fn, '/pollute'), { uri: '/pollute', list: [1, 2], host: 'h' })
    assert.deepEqual(result(fn, '/next'), { uri: '/next', list: [1, 2], host: 'h' })
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined)
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'toJSON'), false)
    fn.dispose()
  })
  it('a non-configurable toJSON cannot hijack the result', () => {
    const plant = "Object.defineProperty(Object.prototype, 'toJSON', { value: () => 1 });"
    // Plain data leaves through the binary writer, which reads own properties only.
    const data = compile(`function handler() { ${plant} return { uri: '/x' } }`)
    assert.deepEqual(result(data), { uri: '/x' })
    data.dispose()
    // A result that needs JSON (a getter) cannot be stringified safely: an exception.
    const getter = compile(`function handler() { ${plant} return { get uri() { return '/x' } } }`)
    const inv = getter.invoke(event())
    assert.equal(inv.ok, false)
    getter.dispose()
  })
  it('an async result is read when it settles: a later job cannot change it', () => {
    const fn = compile(`async function handler() {
  const r = { uri: '/settled', list: [1] }
  Promise.resolve().then(() => Promise.resolve()).then(() => { r.uri = '/late'; r.list.push(2) })
  return r
}`)
    assert.deepEqual(result(fn), { uri: '/settled', list: [1] })
    fn.dispose()
  })
  it('a toJSON of its own is used even when it is not enumerable', () => {
    const fn = compile(`function handler() {
  const r = { uri: '/a' }
  Object.defineProperty(r, 'toJSON', { value: function () { return { uri: '/j' } } })
  return r
}`)
    assert.deepEqual(result(fn), { uri: '/j' })
    fn.dispose()
  })
  it('getters on the result run in the sandbox; the host receives plain data', () => {
    const fn = compile(
      "function handler() { return { get a() { return 'computed' }, f: function () {}, d: new Date(0) } }",
    )
    assert.deepEqual(result(fn), { a: 'computed', d: '1970-01-01T00:00:00.000Z' })
    fn.dispose()
  })
  it('a call does not see the previous event; globals the function set persist', () => {
    const fn = compile(`let seen = []
function handler(e) { seen.push(e.request.uri); return { seen: seen.slice(), marker: typeof globalThis.marker, set: (globalThis.marker = 1) } }`)
    assert.deepEqual(result(fn, '/one'), { seen: ['/one'], marker: 'undefined', set: 1 })
    assert.deepEqual(result(fn, '/two'), { seen: ['/one', '/two'], marker: 'number', set: 1 })
    fn.dispose()
  })
  it('Date and console replaced by the function do not break the driver', () => {
    const fn = compile('function handler(e) { Date = null; console = null; return e.request.uri }')
    assert.equal(result(fn, '/a'), '/a')
    assert.equal(result(fn, '/b'), '/b')
    fn.dispose()
  })
  it('two functions do not share globals', () => {
    const a = compile(
      'function handler() { globalThis.shared = (globalThis.shared || 0) + 1; return globalThis.shared }',
    )
    const b = compile('function handler() { return typeof globalThis.shared }')
    assert.equal(result(a), 1)
    assert.equal(result(b), 'undefined')
    a.dispose()
    b.dispose()
  })
})
