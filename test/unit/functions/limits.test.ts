// Spec §7.1 / §7.6 limits: the 10 KB code size, the execution budget (an infinite loop is
// error 'budget' and the function keeps working), the memory limit, deep recursion, and
// compute utilization.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import {
  MAX_CODE_BYTES,
  compileViewerFunction,
  initViewerRuntime,
} from '../../../functions/viewer/runtime.js'
import {
  FunctionCompileError,
  type CfEvent,
  type Invocation,
  type ViewerFunction,
} from '../../../functions/viewer/types.js'

const event = (uri: string): CfEvent => ({
  version: '1.0',
  context: { eventType: 'viewer-request' },
  viewer: { ip: '198.51.100.11' },
  request: { method: 'GET', uri, querystring: {}, headers: {}, cookies: {} },
})
const compile = (code: string, budgetMs?: number) =>
  compileViewerFunction({
    name: 'lim',
    runtime: 'cloudfront-js-2.0',
    code,
    kvs: undefined,
    ...(budgetMs === undefined ? {} : { budgetMs }),
  })
const errorOf = (inv: Invocation) => (inv.ok ? 'ok' : inv.error)

before(async () => initViewerRuntime())

describe('code size (spec §7.1: 10 KB)', () => {
  const body = 'function handler(e) { return 1 }\n'
  it('accepts exactly 10,240 bytes of UTF-8', () => {
    const code = body + '/*' + 'x'.repeat(MAX_CODE_BYTES - body.length - 4) + '*/'
    assert.equal(Buffer.byteLength(code), 10240)
    compile(code).dispose()
  })
  it('rejects 10,241 bytes, naming the size (multi-byte characters counted as UTF-8)', () => {
    const code = body + '//' + 'é'.repeat((MAX_CODE_BYTES - body.length - 1) / 2)
    assert.equal(Buffer.byteLength(code), 10241)
    assert.throws(
      () => compile(code),
      (e: unknown) =>
        e instanceof FunctionCompileError && /10241 bytes; the limit is 10240/.test(e.message),
    )
  })
})

describe('execution budget (spec §7.1, §7.6)', () => {
  let loopy: ViewerFunction
  before(() => {
    loopy = compile(`let calls = 0
function handler(e) {
  calls++
  if (e.request.uri === '/loop') for (;;) {}
  if (e.request.uri === '/async') return (async () => { for (;;) await null })()
  if (e.request.uri === '/catch') { try { for (;;) {} } catch (x) { return 'caught' } }
  return 'fine ' + calls
}`)
  })
  for (const uri of ['/loop', '/async', '/catch']) {
    it(`${uri}: an infinite loop is 'budget' (not catchable) and the next call works`, () => {
      const inv = loopy.invoke(event(uri))
      assert.equal(errorOf(inv), 'budget')
      assert.ok(inv.computeUtilization >= 100)
      const next = loopy.invoke(event('/ok'))
      assert.equal(errorOf(next), 'ok')
      if (next.ok) assert.match(String(next.result), /^fine \d+$/)
    })
  }
  it('a top-level infinite loop fails the compile', () => {
    assert.throws(() => compile('for (;;) {}\nfunction handler() {}'), /compile budget/)
  })
  it('budgetMs is configurable; utilization is capped at 100 on success', () => {
    const fn = compile(
      'function handler() { const t = Date.now(); let i = 0; while (i < 3e5) i++; return i }',
      1,
    )
    const inv = fn.invoke(event('/'))
    assert.ok(inv.computeUtilization <= 100 || !inv.ok)
    fn.dispose()
  })
})

describe('memory (spec §7.1: 2 MB)', () => {
  let fn: ViewerFunction
  before(() => {
    // A generous budget, so the growing array meets the memory limit before the deadline.
    fn = compile(
      `let kept
function handler(e) {
  const n = Number(e.request.uri.slice(1))
  if (n < 0) { kept = []; for (;;) kept.push({ i: kept.length }) }
  return 'x'.repeat(n).length
}`,
      1000,
    )
  })
  it('a 1 MB allocation works', () => {
    assert.equal(errorOf(fn.invoke(event('/1000000'))), 'ok')
  })
  for (const [name, uri] of [
    ['a 2 MB string', `/${String(2 * 1024 * 1024)}`],
    ['an ever-growing array kept in a global', '/-1'],
  ]) {
    it(`${name} is 'memory' and the next call works`, () => {
      const inv = fn.invoke(event(uri!))
      assert.equal(errorOf(inv), 'memory')
      assert.equal(errorOf(fn.invoke(event('/10'))), 'ok')
    })
  }
  it('deep recursion is stopped (memory) and the next call works', () => {
    const rec = compile(
      'function down(n) { return down(n + 1) + 1 }\nfunction handler(e) { return e.request.uri === "/deep" ? down(0) : "ok" }',
    )
    assert.equal(errorOf(rec.invoke(event('/deep'))), 'memory')
    assert.equal(errorOf(rec.invoke(event('/'))), 'ok')
    rec.dispose()
  })
  it('moderate recursion (1,000 frames) works', () => {
    const rec = compile(
      'function down(n) { return n === 0 ? 0 : down(n - 1) + 1 }\nfunction handler() { return down(1000) }',
    )
    const inv = rec.invoke(event('/'))
    assert.deepEqual(inv.ok && inv.result, 1000)
    rec.dispose()
  })
})
