// Calls a function in a QuickJS context with one argument and reads the string it returns
// (spec §7.1 cost: the driver is called once or twice per invocation). quickjs-emscripten's
// callFunction copies the argument pointers into a fresh malloc'ed array and wraps every
// pointer in a Lifetime (~1 µs a call), and getString finds the string's end byte by byte
// in JavaScript. This caller keeps one argv slot in the WASM heap for the context's life,
// calls QTS_Call on it, and decodes the returned C string as getString does (one TextDecoder
// over the bytes up to the NUL), finding the NUL with indexOf. That needs the context's
// internals (module, ffi, ctx, memory), checked once; without them it is callFunction and
// getString. callValue() reads a returned string the same way and any other value through
// QuickJS's binary writer (bjson.ts); it tells a string by the tag of the JSValue (NaN-boxed on
// wasm32: the high word), which it checks once against a string, a rope (a long concatenated
// string) and an object it makes, else it sends strings through the writer too.
// A flat string (not a rope) is read from its JSString in the heap when the layout checks out
// at start (`exact`): its length and width, then its Latin-1 or UTF-16 characters. That is
// faster than QTS_GetString's UTF-8 copy, and exact: a NUL does not end it and a lone
// surrogate stays itself (the driver relies on this for its 'U' answer, see prelude.ts).
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten'
import { readBjson, UNREADABLE } from './bjson.js'

interface Internals {
  readonly module: {
    readonly HEAPU8: Uint8Array
    _malloc(size: number): number
    _free(ptr: number): void
  }
  readonly ffi: {
    QTS_Call(ctx: number, fn: number, thisVal: number, argc: number, argv: number): number
    QTS_ResolveException(ctx: number, maybeException: number): number
    QTS_FreeValuePointer(ctx: number, value: number): void
    QTS_GetString(ctx: number, value: number): number
    QTS_FreeCString(ctx: number, str: number): void
    QTS_bjson_encode(ctx: number, value: number): number
    QTS_GetArrayBuffer(ctx: number, value: number): number
    QTS_GetArrayBufferLength(ctx: number, value: number): number
  }
  readonly ctx: { readonly value: number }
  readonly memory: { heapValueHandle(ptr: number): QuickJSHandle }
}

function internalsOf(ctx: QuickJSContext): Internals | undefined {
  const c = ctx as unknown as Partial<Internals>
  const f = c.ffi
  const ok =
    c.module?.HEAPU8 instanceof Uint8Array &&
    typeof c.module._malloc === 'function' &&
    typeof c.module._free === 'function' &&
    typeof f?.QTS_Call === 'function' &&
    typeof f.QTS_ResolveException === 'function' &&
    typeof f.QTS_FreeValuePointer === 'function' &&
    typeof f.QTS_GetString === 'function' &&
    typeof f.QTS_FreeCString === 'function' &&
    typeof f.QTS_bjson_encode === 'function' &&
    typeof f.QTS_GetArrayBuffer === 'function' &&
    typeof f.QTS_GetArrayBufferLength === 'function' &&
    typeof c.ctx?.value === 'number' &&
    typeof c.memory?.heapValueHandle === 'function'
  return ok ? (c as Internals) : undefined
}

// What emscripten's UTF8ToString (behind getString) decodes with: the default TextDecoder.
const decoder = new TextDecoder()
/** QuickJS's JS_TAG_STRING and JS_TAG_OBJECT. */
const TAG_STRING = -7
const TAG_OBJECT = -1

/** The string the function returned, or the handle of what it threw (the caller disposes). */
export type CallResult = { value: string } | { error: QuickJSHandle }
/**
 * What callValue() read: the value (as JSON.parse(JSON.stringify(value)) gives it), the handle
 * of what the function threw, or, when the binary writer or reader does not take the value,
 * the handle of the value itself. The caller disposes the handles.
 */
export type ValueResult =
  { value: unknown } | { error: QuickJSHandle } | { unreadable: QuickJSHandle }

export class DirectCaller {
  private readonly ctx: QuickJSContext
  private readonly internals: Internals | undefined
  /** One JSValue* slot in the WASM heap: the argv of every call. */
  private argv = 0
  private slot: Int32Array | undefined
  private heap: Uint8Array | undefined
  /** The heap as 32-bit words, for JSValue tags. */
  private words: Int32Array | undefined
  /** Whether a JSValue's tag is the high word at ptr + 4, as checked in the constructor. */
  private readonly tagged: boolean
  /** The tag of a long concatenated string (quickjs 2025 makes ropes of them), if another. */
  private ropeTag: number | undefined
  /** The heap as a Buffer, for the characters of flat strings. */
  private bytes: Buffer | undefined
  /** Whether flat strings are read from their JSString (checked in the constructor). */
  private readonly exactStrings: boolean

  constructor(ctx: QuickJSContext) {
    this.ctx = ctx
    const i = internalsOf(ctx)
    const argv = i?.module._malloc(4) ?? 0
    this.internals = argv === 0 ? undefined : i
    this.argv = argv
    this.tagged = this.internals !== undefined && this.checkTags(ctx)
    this.exactStrings = this.tagged && this.checkStrings(ctx)
  }

  /** True when calls take the direct path (tests check both). */
  get fast(): boolean {
    return this.internals !== undefined
  }

  /** True when a returned string (not a rope) comes back exactly, NULs and lone surrogates
   * included; else it is read as getString reads it (a NUL ends it, a lone surrogate is
   * U+FFFD). */
  get exact(): boolean {
    return this.exactStrings
  }

  /** fn(arg) with `this` undefined; fn must return a string (exactly, see `exact`; another
   * value is converted as getString converts it). */
  call(fn: QuickJSHandle, arg: QuickJSHandle): CallResult {
    const i = this.internals
    if (i === undefined) {
      const { ctx } = this
      const res = ctx.callFunction(fn, ctx.undefined, arg)
      if (res.error) return { error: res.error }
      try {
        return { value: ctx.getString(res.value) }
      } finally {
        res.value.dispose()
      }
    }
    const c = i.ctx.value
    const res = this.rawCall(i, c, fn, arg)
    if (typeof res !== 'number') return res
    try {
      const flat = this.exactStrings && this.tagOf(i, res) === TAG_STRING
      return { value: flat ? this.flat(i, res) : this.read(i, c, res) }
    } finally {
      i.ffi.QTS_FreeValuePointer(c, res)
    }
  }

  /** fn(arg) with `this` undefined; the value it returned, read through the binary writer. */
  callValue(fn: QuickJSHandle, arg: QuickJSHandle): ValueResult {
    const i = this.internals
    if (i === undefined) return this.slowCallValue(fn, arg)
    const c = i.ctx.value
    const res = this.rawCall(i, c, fn, arg)
    if (typeof res !== 'number') return res
    let value: unknown
    try {
      const tag = this.tagged ? this.tagOf(i, res) : undefined
      if (tag === TAG_STRING) value = this.exactStrings ? this.flat(i, res) : this.read(i, c, res)
      else if (tag !== undefined && tag === this.ropeTag) value = this.read(i, c, res)
      else value = this.encoded(i, c, res)
    } catch (e) {
      i.ffi.QTS_FreeValuePointer(c, res)
      throw e
    }
    // Unreadable: the value's handle goes to the caller.
    if (value === UNREADABLE) return { unreadable: i.memory.heapValueHandle(res) }
    i.ffi.QTS_FreeValuePointer(c, res)
    return { value }
  }

  /** The value read through the binary writer, or UNREADABLE (the writer's error cleared). */
  private encoded(i: Internals, c: number, value: number): unknown {
    const enc = i.ffi.QTS_bjson_encode(c, value)
    const err = i.ffi.QTS_ResolveException(c, enc)
    if (err !== 0) {
      i.ffi.QTS_FreeValuePointer(c, enc)
      i.ffi.QTS_FreeValuePointer(c, err)
      return UNREADABLE
    }
    try {
      // A malloc'ed copy of the ArrayBuffer's bytes (0 when out of memory), freed here.
      const ptr = i.ffi.QTS_GetArrayBuffer(c, enc)
      if (ptr === 0) return UNREADABLE
      try {
        const len = i.ffi.QTS_GetArrayBufferLength(c, enc)
        return readBjson(i.module.HEAPU8, ptr, ptr + len)
      } finally {
        i.module._free(ptr)
      }
    } finally {
      i.ffi.QTS_FreeValuePointer(c, enc)
    }
  }

  dispose(): void {
    if (this.argv !== 0) this.internals?.module._free(this.argv)
    this.argv = 0
    this.slot = undefined
  }

  private wordsOf(i: Internals): Int32Array {
    const heap = i.module.HEAPU8
    let words = this.words
    if (words === undefined || words.buffer !== heap.buffer) {
      words = this.words = new Int32Array(heap.buffer)
    }
    return words
  }

  private tagOf(i: Internals, ptr: number): number | undefined {
    return this.wordsOf(i)[(ptr >>> 2) + 1]
  }

  /**
   * The flat string whose JSValue is at ptr, from its JSString (quickjs.c): a 32-bit reference
   * count, then len (31 bits) and is_wide_char (the top bit), the hash and hash_next words,
   * then the characters from byte 16: Latin-1 bytes, or UTF-16 code units.
   */
  private flat(i: Internals, ptr: number): string {
    const words = this.wordsOf(i)
    const str = words[ptr >>> 2]! >>> 0
    const head = words[(str >>> 2) + 1]! >>> 0
    const len = head & 0x7fffffff
    const start = str + 16
    let bytes = this.bytes
    if (bytes === undefined || bytes.buffer !== words.buffer) {
      bytes = this.bytes = Buffer.from(words.buffer)
    }
    return head >>> 31 === 0
      ? bytes.toString('latin1', start, start + len)
      : bytes.toString('utf16le', start, start + 2 * len)
  }

  /** Whether flat() reads strings this build makes as they are (else read() is used). */
  private checkStrings(ctx: QuickJSContext): boolean {
    const i = this.internals
    if (i === undefined) return false
    // [source, the string it makes]: Latin-1 with a NUL, UTF-16 with a lone surrogate, longer.
    const probes: [string, string][] = [
      ["'t\\0\\xff' + ''", 't\0\xff'],
      ["'\\u0100\\ud800\\0x' + ''", '\u0100\ud800\0x'],
      ["'y'.repeat(300)", 'y'.repeat(300)],
    ]
    return probes.every(([source, want]) => {
      const h = ctx.unwrapResult(ctx.evalCode(source))
      try {
        return this.tagOf(i, h.value) === TAG_STRING && this.flat(i, h.value) === want
      } finally {
        h.dispose()
      }
    })
  }

  private checkTags(ctx: QuickJSContext): boolean {
    const i = this.internals
    if (i === undefined) return false
    const s = ctx.newString('tag')
    const o = ctx.newObject()
    const rope = ctx.unwrapResult(ctx.evalCode("'x'.repeat(1000) + 'y'.repeat(1000)"))
    try {
      const ok = this.tagOf(i, s.value) === TAG_STRING && this.tagOf(i, o.value) === TAG_OBJECT
      if (ok && ctx.typeof(rope) === 'string') {
        const tag = this.tagOf(i, rope.value)
        if (tag !== TAG_STRING && tag !== TAG_OBJECT) this.ropeTag = tag
      }
      return ok
    } finally {
      s.dispose()
      o.dispose()
      rope.dispose()
    }
  }

  /** QTS_Call on the kept argv: the returned value's pointer, or the thrown value's handle. */
  private rawCall(
    i: Internals,
    c: number,
    fn: QuickJSHandle,
    arg: QuickJSHandle,
  ): number | { error: QuickJSHandle } {
    const heap = i.module.HEAPU8
    let slot = this.slot
    if (slot === undefined || heap !== this.heap) {
      // HEAPU8 is a new array once the WASM memory has grown.
      slot = this.slot = new Int32Array(heap.buffer, this.argv, 1)
      this.heap = heap
    }
    slot[0] = arg.value
    const res = i.ffi.QTS_Call(c, fn.value, this.ctx.undefined.value, 1, this.argv)
    const err = i.ffi.QTS_ResolveException(c, res)
    if (err === 0) return res
    i.ffi.QTS_FreeValuePointer(c, res)
    return { error: i.memory.heapValueHandle(err) }
  }

  /**
   * callValue() through quickjs-emscripten's public API. (A writer's error stays pending in
   * the context there: the public API has no call that clears it; the next error replaces it.)
   */
  private slowCallValue(fn: QuickJSHandle, arg: QuickJSHandle): ValueResult {
    const { ctx } = this
    const res = ctx.callFunction(fn, ctx.undefined, arg)
    if (res.error) return { error: res.error }
    let value: unknown = UNREADABLE
    try {
      const enc = ctx.encodeBinaryJSON(res.value)
      try {
        const bytes = ctx.getArrayBuffer(enc)
        try {
          value = readBjson(bytes.value)
        } finally {
          bytes.dispose()
        }
      } finally {
        enc.dispose()
      }
    } catch {
      // The writer threw (getArrayBuffer then finds no buffer): the value is not plain data.
    }
    if (value === UNREADABLE) return { unreadable: res.value }
    res.value.dispose()
    return { value }
  }

  private read(i: Internals, c: number, value: number): string {
    const ptr = i.ffi.QTS_GetString(c, value)
    if (ptr === 0) return ''
    // After the call: the memory may have grown since the argv was written.
    const heap = i.module.HEAPU8
    const text = decoder.decode(heap.subarray(ptr, heap.indexOf(0, ptr)))
    i.ffi.QTS_FreeCString(c, ptr)
    return text
  }
}
