// The sandbox's string writer (functions/viewer/sandbox/string-writer.ts, spec §7.1 cost): every
// row must arrive in the QuickJS context exactly as quickjs-emscripten's own newString puts it
// there, through the fast path where it applies, also after the buffer and the WASM heap grow.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  getQuickJS,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
} from 'quickjs-emscripten'
import { StringWriter } from '../../../functions/viewer/sandbox/string-writer.js'

const ROWS: readonly [string, string][] = [
  ['empty', ''],
  [
    'ASCII event text',
    'c\x1d1700000000000\x1d7\x1d1.0\x1dGET\x1d/index.html\x1d{"a":{"value":"b"}}',
  ],
  ['Latin-1', 'héllo wörld ÿ'],
  ['three-byte UTF-8', '日本語のヘッダー値'],
  ['surrogate pair (takes newString)', 'emoji 😀 in a value'],
  ['lone surrogate (takes newString)', 'broken \ud800 half'],
  ['NUL ends a C string either way', 'before\0after'],
  ['control characters', '\x01\x02\x1e\x1f\x7f'],
  ['longer than the first buffer', 'x'.repeat(10_000) + 'ü'.repeat(3_000)],
  ['short again after growing', 'tiny'],
]

describe('StringWriter', () => {
  let rt: QuickJSRuntime
  let ctx: QuickJSContext
  let writer: StringWriter
  before(async () => {
    const mod = await getQuickJS()
    rt = mod.newRuntime()
    ctx = rt.newContext()
    writer = new StringWriter(ctx)
  })
  after(() => {
    writer.dispose()
    ctx.dispose()
    rt.dispose()
  })

  const read = (h: QuickJSHandle): string => {
    try {
      return ctx.getString(h)
    } finally {
      h.dispose()
    }
  }

  it('takes the encodeInto path with the pinned quickjs-emscripten', () => {
    assert.equal(writer.fast, true)
  })

  for (const [name, s] of ROWS) {
    it(`${name}: the context holds what newString would put there`, () => {
      assert.equal(read(writer.newString(s)), read(ctx.newString(s)))
    })
  }

  it('well-formed text arrives unchanged, the length as QuickJS counts it', () => {
    const s = 'GET /a?b=ü 日本 ' + 'y'.repeat(5000)
    const h = writer.newString(s)
    const len = ctx.getProp(h, 'length')
    assert.equal(ctx.getNumber(len), s.length)
    len.dispose()
    assert.equal(read(h), s)
  })

  it('still writes correctly after the WASM memory grows (HEAPU8 is replaced)', () => {
    assert.equal(read(writer.newString('before growth')), 'before growth')
    // 64 MB inside the context makes the WASM memory grow; the writer's old view detaches.
    const big = ctx.unwrapResult(ctx.evalCode('globalThis.big = "z".repeat(64 * 1024 * 1024)'))
    big.dispose()
    assert.equal(read(writer.newString('after growth ü')), 'after growth ü')
    ctx.unwrapResult(ctx.evalCode('globalThis.big = undefined')).dispose()
  })

  it('a context without the internals falls back to newString', () => {
    const stub: unknown = { newString: (s: string) => ctx.newString(s) }
    const bare = new StringWriter(stub as QuickJSContext)
    assert.equal(bare.fast, false)
    assert.equal(read(bare.newString('plain')), 'plain')
  })
})
