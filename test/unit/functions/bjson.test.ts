// How a function's answer leaves the sandbox (functions/viewer/sandbox/bjson.ts and
// DirectCaller.callValue, spec §7.3): every plain-data row must read as the VM's own
// JSON.parse(JSON.stringify(value)) reads it, through the direct path and through the
// public-API fallback; what the binary writer or reader does not take comes back as the
// value's handle (the driver's json() then answers it); malformed bytes never throw.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newQuickJSWASMModule, type QuickJSContext } from 'quickjs-emscripten'
import { BJSON_VERSION, readBjson, UNREADABLE } from '../../../functions/viewer/sandbox/bjson.js'
import { DirectCaller, type ValueResult } from '../../../functions/viewer/sandbox/direct-call.js'
import { directCallers, type Callers } from '../../helpers/direct-callers.js'

/** [name, an expression]: its value must read as the VM's JSON of it. */
const PLAIN: readonly [string, string][] = [
  ['null', 'null'],
  ['undefined at the top (JSON: null)', 'undefined'],
  ['true and false', '[true, false]'],
  ['small and negative integers', '[0, 1, -1, 63, 64, -64, -65, 127, 128, 300000, -300000]'],
  ['int32 limits', '[2147483647, -2147483648]'],
  ['floats and large numbers', '[2.5, -0.1, 1e21, 12345678901, 2 ** 31, -(2 ** 31), 5e-324]'],
  ['-0, NaN and infinities', '[-0, NaN, Infinity, -Infinity, { z: -0, n: NaN }]'],
  ['empty string and object and array', '["", {}, []]'],
  ['Latin-1 with 0x80-0x9f', '"\\x80\\x85\\x9f é ÿ"'],
  ['UTF-16 and a surrogate pair', '"日本語 😀 €"'],
  ['a long Latin-1 string', '"x".repeat(5000) + "é"'],
  ['a long wide string', '"ü€".repeat(3000)'],
  [
    'a string built by concatenation',
    '(() => { let s = "a"; for (let i = 0; i < 300; i++) s += i; return s })()',
  ],
  [
    'headers',
    "({ statusCode: 200, headers: { 'content-type': { value: 'text/html' }, etag: { value: '\"x\"' }, 'x-m': { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] } }, cookies: 0 })",
  ],
  ['undefined members dropped', '({ a: undefined, b: 1, c: [undefined, 2] })'],
  [
    'holes and a long sparse-looking array',
    '[[1, , 3], (() => { const a = []; a[5] = 1; return a })()]',
  ],
  [
    'integer keys come first, as JSON orders them',
    "({ b: 1, 10: 'ten', 2: 'two', a: 2, '-1': 3, '01': 4 })",
  ],
  ['a __proto__ own key', 'JSON.parse(\'{"__proto__": {"x": 1}, "a": 2}\')'],
  ['a null-prototype object', "Object.assign(Object.create(null), { a: 1, b: 'two' })"],
  [
    'deleted and non-enumerable properties',
    "(() => { const o = { a: 1, b: 2, c: 3 }; delete o.b; Object.defineProperty(o, 'h', { value: 1 }); return o })()",
  ],
  ['symbol keys are left out', "({ [Symbol('s')]: 1, a: 2 })"],
  ['inherited properties are left out', '({ __proto__: { x: 1 }, a: 2 })'],
  ['frozen objects', 'Object.freeze({ a: Object.freeze([1, 2]) })'],
  ['the same string twice', "(() => { const v = 'shared'; return { a: v, b: v } })()"],
  ['nesting', '[[[[[[[[[[{ a: [[[[["deep"]]]]] }]]]]]]]]]]'],
  ['many atoms', 'Object.fromEntries(Array.from({ length: 300 }, (_, i) => ["k" + i, i]))'],
]

/** [name, an expression]: the writer or reader does not take it, so JSON answers it. */
const UNREADABLES: readonly [string, string][] = [
  ['a getter', '({ get a() { return 1 } })'],
  ['a function member', '({ f() {} })'],
  ['an own toJSON', '({ toJSON() { return 1 } })'],
  ['a Date', '({ d: new Date(0) })'],
  ['a boxed string', "[new String('x')]"],
  ['a BigInt', '[10n]'],
  ['a Proxy', 'new Proxy({ a: 1 }, {})'],
  ['one object in two places', "(() => { const v = { value: 'x' }; return { a: v, b: v } })()"],
  ['a cycle', '(() => { const o = {}; o.o = o; return o })()'],
]

describe('callValue: plain data reads as JSON reads it', () => {
  let callers: Callers
  let ctx: QuickJSContext
  let caller: DirectCaller
  let fallback: DirectCaller
  before(async () => {
    callers = await directCallers()
    ;({ ctx, caller, fallback } = callers)
  })
  after(() => callers.dispose())

  /** What callValue answers for `() => expr`, handles disposed. */
  const answer = (c: DirectCaller, expr: string): { value: unknown } | 'unreadable' | 'error' => {
    const fn = ctx.unwrapResult(ctx.evalCode(`(() => ${expr})`))
    const arg = ctx.newNumber(0)
    let res: ValueResult
    try {
      res = c.callValue(fn, arg)
    } finally {
      arg.dispose()
      fn.dispose()
    }
    if ('value' in res) return { value: res.value }
    if ('error' in res) {
      res.error.dispose()
      return 'error'
    }
    res.unreadable.dispose()
    return 'unreadable'
  }
  /** The VM's JSON of the value, parsed here (undefined at the top is null, as JSON answers). */
  const viaJson = (expr: string): unknown => {
    const text = ctx.getString(ctx.unwrapResult(ctx.evalCode(`JSON.stringify(${expr}) ?? 'null'`)))
    return JSON.parse(text)
  }

  it('takes the direct path and tells strings by their tag', () => {
    assert.equal(caller.fast, true)
    assert.equal(fallback.fast, false)
  })
  for (const [name, expr] of PLAIN) {
    it(`${name}: direct`, () => assert.deepEqual(answer(caller, expr), { value: viaJson(expr) }))
    it(`${name}: fallback`, () =>
      assert.deepEqual(answer(fallback, expr), { value: viaJson(expr) }))
  }
  it('key order: integer keys ascending, then strings in insertion order', () => {
    const got = answer(caller, "({ b: 1, 10: 'ten', 2: 'two', a: 2 })") as { value: object }
    assert.deepEqual(Object.keys(got.value), ['2', '10', 'b', 'a'])
  })
  it('a __proto__ key is an own property, not the prototype', () => {
    const got = answer(caller, 'JSON.parse(\'{"__proto__": {"x": 1}}\')') as { value: object }
    assert.equal(Object.getPrototypeOf(got.value), Object.prototype)
    assert.deepEqual(Object.getOwnPropertyDescriptor(got.value, '__proto__')?.value, { x: 1 })
  })
  it('a lone surrogate survives the writer (a string inside an answer, or alone on the fallback)', () => {
    assert.deepEqual(answer(caller, '["a\\ud800b"]'), { value: ['a\ud800b'] })
    assert.deepEqual(answer(fallback, '"a\\udc00b"'), { value: 'a\udc00b' })
  })
  it('NUL and lone surrogates: the writer and the flat-string read keep them', () => {
    assert.equal(caller.exact, true)
    assert.deepEqual(answer(caller, '["a\\0b"]'), { value: ['a\0b'] })
    assert.deepEqual(answer(caller, '"a\\0b"'), { value: 'a\0b' })
    assert.deepEqual(answer(caller, '"a\\ud800b\\0"'), { value: 'a\ud800b\0' })
    assert.deepEqual(answer(caller, '"\\ufeffbom first"'), { value: '\ufeffbom first' })
    assert.deepEqual(answer(caller, '"Latin-1 \\x80\\x9f\\xe9\\xff"'), {
      value: 'Latin-1 \x80\x9f\xe9\xff',
    })
  })
  it('a long concatenated string (a rope) reads like any string', () => {
    const expr = "'R7' + 'x'.repeat(1000) + 'é'"
    assert.deepEqual(answer(caller, expr), { value: `R7${'x'.repeat(1000)}é` })
  })
  it('the writer runs no code of the function: an inherited index getter leaves a hole null', () => {
    ctx
      .unwrapResult(
        ctx.evalCode(
          "globalThis.hits = 0; Object.defineProperty(Array.prototype, 1, { get() { globalThis.hits++; return 'g' }, configurable: true })",
        ),
      )
      .dispose()
    try {
      assert.deepEqual(answer(caller, '[1, , 3]'), { value: [1, null, 3] })
      assert.equal(ctx.getNumber(ctx.unwrapResult(ctx.evalCode('globalThis.hits'))), 0)
    } finally {
      ctx.unwrapResult(ctx.evalCode('delete Array.prototype[1]')).dispose()
    }
  })
  it('many answers do not grow the WASM heap (the bytes read are freed)', () => {
    const heap = (): number =>
      (ctx as unknown as { module: { HEAPU8: Uint8Array } }).module.HEAPU8.length
    // Warm up, then 4,000 answers of ~20 KB: 80 MB if each one leaked.
    for (let n = 0; n < 50; n++) answer(caller, "({ s: 'x'.repeat(20000) })")
    const before = heap()
    for (let n = 0; n < 4000; n++) answer(caller, "({ s: 'x'.repeat(20000) })")
    assert.ok(
      heap() - before < 16 * 1024 * 1024,
      `the heap grew by ${String(heap() - before)} bytes`,
    )
  })
  for (const [name, expr] of UNREADABLES) {
    it(`${name}: the value's handle comes back (direct and fallback)`, () => {
      assert.equal(answer(caller, expr), 'unreadable')
      assert.equal(answer(fallback, expr), 'unreadable')
    })
  }
  it('a throw is an error, not an unreadable value', () => {
    assert.equal(answer(caller, '(() => { throw new Error("x") })()'), 'error')
  })
})

describe('callValue: the WASM memory grows during the call', () => {
  it('the answer is read from the new heap', async () => {
    // A module of its own: its heap starts small, so 64 MB surely grows it.
    const mod = await newQuickJSWASMModule()
    const ctx = mod.newContext()
    const caller = new DirectCaller(ctx)
    const internals = ctx as unknown as { module: { HEAPU8: Uint8Array } }
    const before = internals.module.HEAPU8.buffer
    const call = (source: string): ValueResult => {
      const fn = ctx.unwrapResult(ctx.evalCode(source))
      const arg = ctx.newNumber(0)
      try {
        return caller.callValue(fn, arg)
      } finally {
        arg.dispose()
        fn.dispose()
      }
    }
    try {
      const grow =
        '(() => { globalThis.big = "z".repeat(64 * 1024 * 1024); return { a: ["after", 1] } })'
      assert.deepEqual(call(grow), { value: { a: ['after', 1] } })
      assert.notEqual(internals.module.HEAPU8.buffer, before, 'the memory grew')
      assert.deepEqual(call('(() => "a string after growth")'), { value: 'a string after growth' })
    } finally {
      caller.dispose()
      ctx.dispose()
    }
  })
})

describe('readBjson: malformed bytes are UNREADABLE, never an exception', () => {
  // {a: "c"}: version, 1 atom "a", object of 1 property: atom 1, string "c".
  const good = [BJSON_VERSION, 1, 2, 0x61, 8, 1, 2, 7, 2, 0x63]
  it('the well-formed bytes read', () => {
    assert.deepEqual(readBjson(Uint8Array.from(good)), { a: 'c' })
  })
  it('a range inside a larger buffer reads', () => {
    const bytes = Uint8Array.from([9, 9, ...good, 9])
    assert.deepEqual(readBjson(bytes, 2, 2 + good.length), { a: 'c' })
  })
  const rows: [string, number[]][] = [
    ['empty', []],
    ['another version', [BJSON_VERSION + 1, ...good.slice(1)]],
    ['cut short at every length', []],
    ['trailing bytes', [...good, 1]],
    ['an atom reference past the table', [BJSON_VERSION, 0, 8, 1, 2, 1]],
    ['an unknown tag', [BJSON_VERSION, 0, 0x7f]],
    ['a reference tag', [BJSON_VERSION, 0, 0x13, 0]],
    ['a string longer than the bytes', [BJSON_VERSION, 0, 7, 0x7e, 0x61]],
    ['an array longer than the bytes', [BJSON_VERSION, 0, 9, 0x7f, 1]],
    ['a LEB128 that never ends', [BJSON_VERSION, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ]
  for (const [name, bytes] of rows) {
    it(name, () => {
      if (name.startsWith('cut short')) {
        for (let n = 0; n < good.length; n++) {
          assert.equal(readBjson(Uint8Array.from(good.slice(0, n))), UNREADABLE, `length ${n}`)
        }
        return
      }
      assert.equal(readBjson(Uint8Array.from(bytes)), UNREADABLE)
    })
  }
})
