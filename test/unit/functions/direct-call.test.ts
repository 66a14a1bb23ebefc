// The sandbox's direct caller (functions/viewer/sandbox/direct-call.ts, spec §7.1 cost): a
// returned string comes back exactly through the direct path (NULs, lone surrogates and a
// leading BOM included, which getString loses), also after the WASM heap grows; anything else
// as quickjs-emscripten's callFunction + getString return it. The fallback a context without
// the internals takes returns what getString returns.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten'
import type { CallResult, DirectCaller } from '../../../functions/viewer/sandbox/direct-call.js'
import { directCallers, type Callers } from '../../helpers/direct-callers.js'

/** [name, the function's source, its argument]. */
const ROWS: readonly [string, string, string | number][] = [
  ['empty string', '(a) => ""', 0],
  ['the argument back', '(a) => a', 'c\x1d1700000000000\x1d{"a":{"value":"b"}}'],
  ['Latin-1', '(a) => "héllo wörld ÿ"', 0],
  ['three-byte UTF-8', '(a) => "日本語のヘッダー値"', 0],
  ['surrogate pair', '(a) => "emoji 😀 in a value"', 0],
  ['lone surrogate', '(a) => "broken \\ud800 half"', 0],
  ['a leading BOM', '(a) => "\\ufeffafter"', 0],
  ['NUL (a C string ends there)', '(a) => "before\\0after"', 0],
  ['control characters', '(a) => "\\x01\\x02\\x1e\\x1f\\x7f"', 0],
  ['a number argument', '(a) => "n=" + (a + 1)', 41],
  ['long', '(a) => "x".repeat(10000) + "ü".repeat(3000)', 0],
  ['not a string: converted', '(a) => 12.5', 0],
  ['a thrown Error', '(a) => { throw new TypeError("bad " + a) }', 'input'],
  ['a thrown string', '(a) => { throw "just text" }', 0],
]

/** What the call returned, as comparable data; disposes what it gets. */
function settle(ctx: QuickJSContext, res: CallResult): unknown {
  if ('value' in res) return { value: res.value }
  try {
    return { error: ctx.dump(res.error) as unknown }
  } finally {
    res.error.dispose()
  }
}

describe('DirectCaller', () => {
  let callers: Callers
  let ctx: QuickJSContext
  let caller: DirectCaller
  let fallback: DirectCaller
  before(async () => {
    callers = await directCallers()
    ;({ ctx, caller, fallback } = callers)
  })
  after(() => callers.dispose())

  /** fn(arg) through `call`, and what callFunction + getString make of the same call. */
  const run = (call: (fn: QuickJSHandle, arg: QuickJSHandle) => CallResult, row: string[]) => {
    const [, source, a] = row as [string, string, string | number]
    const fn = ctx.unwrapResult(ctx.evalCode(source))
    const arg = typeof a === 'string' ? ctx.newString(a) : ctx.newNumber(a)
    try {
      return settle(ctx, call(fn, arg))
    } finally {
      arg.dispose()
      fn.dispose()
    }
  }
  const publicApi = (fn: QuickJSHandle, arg: QuickJSHandle): CallResult => {
    const res = ctx.callFunction(fn, ctx.undefined, arg)
    if (res.error) return { error: res.error }
    return { value: res.value.consume((h) => ctx.getString(h)) }
  }

  it('takes the direct path with the pinned quickjs-emscripten', () => {
    assert.equal(caller.fast, true)
    assert.equal(fallback.fast, false)
  })

  /** What the row's function returns when node runs it: a string the direct path returns as it
   * is (a flat string is read exactly, see DirectCaller.exact), else undefined. */
  const exactly = (row: readonly [string, string, string | number]): string | undefined => {
    try {
      const fn = (0, eval)(row[1]) as (a: string | number) => unknown
      const out = fn(row[2])
      return typeof out === 'string' ? out : undefined
    } catch {
      return undefined
    }
  }

  for (const row of ROWS) {
    const exact = exactly(row)
    it(`${row[0]}: the direct path returns the string exactly, else what getString returns`, () => {
      assert.deepEqual(
        run((f, a) => caller.call(f, a), row as string[]),
        exact !== undefined ? { value: exact } : run(publicApi, row as string[]),
      )
    })
    it(`${row[0]}: the fallback returns the same`, () => {
      assert.deepEqual(
        run((f, a) => fallback.call(f, a), row as string[]),
        run(publicApi, row as string[]),
      )
    })
  }

  it('well-formed text comes back unchanged', () => {
    const s = 'R0{"statusCode":200,"h":"ü 日本 😀"}' + 'y'.repeat(5000)
    assert.deepEqual(
      run((f, a) => caller.call(f, a), ['', '(a) => a', s]),
      { value: s },
    )
  })

  it('still reads and writes correctly after the WASM memory grows (HEAPU8 is replaced)', () => {
    const row = ['', '(a) => a + " ü"', 'before growth']
    assert.deepEqual(
      run((f, a) => caller.call(f, a), row),
      { value: 'before growth ü' },
    )
    // The call itself grows the memory: the argv slot was written before, the answer is read
    // after, from the new HEAPU8.
    const grow = ['', '(a) => { globalThis.big = "z".repeat(64 * 1024 * 1024); return a }', 'mid']
    assert.deepEqual(
      run((f, a) => caller.call(f, a), grow),
      { value: 'mid' },
    )
    const later = ['', '(a) => a + " ü"', 'after growth']
    assert.deepEqual(
      run((f, a) => caller.call(f, a), later),
      { value: 'after growth ü' },
    )
    ctx.unwrapResult(ctx.evalCode('globalThis.big = undefined')).dispose()
  })
})
