// Calls a function in a QuickJS context with one argument and reads the string it returns
// (spec §7.1 cost: the driver is called once or twice per invocation). quickjs-emscripten's
// callFunction copies the argument pointers into a fresh malloc'ed array and wraps every
// pointer in a Lifetime (~1 µs a call), and getString finds the string's end byte by byte
// in JavaScript. This caller keeps one argv slot in the WASM heap for the context's life,
// calls QTS_Call on it, and decodes the returned C string as getString does (one TextDecoder
// over the bytes up to the NUL), finding the NUL with indexOf. That needs the context's
// internals (module, ffi, ctx, memory), checked once; without them it is callFunction and
// getString.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten'

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
    typeof c.ctx?.value === 'number' &&
    typeof c.memory?.heapValueHandle === 'function'
  return ok ? (c as Internals) : undefined
}

// What emscripten's UTF8ToString (behind getString) decodes with: the default TextDecoder.
const decoder = new TextDecoder()

/** The string the function returned, or the handle of what it threw (the caller disposes). */
export type CallResult = { value: string } | { error: QuickJSHandle }

export class DirectCaller {
  private readonly ctx: QuickJSContext
  private readonly internals: Internals | undefined
  /** One JSValue* slot in the WASM heap: the argv of every call. */
  private argv = 0
  private slot: Int32Array | undefined
  private heap: Uint8Array | undefined

  constructor(ctx: QuickJSContext) {
    this.ctx = ctx
    const i = internalsOf(ctx)
    const argv = i?.module._malloc(4) ?? 0
    this.internals = argv === 0 ? undefined : i
    this.argv = argv
  }

  /** True when calls take the direct path (tests check both). */
  get fast(): boolean {
    return this.internals !== undefined
  }

  /** fn(arg) with `this` undefined; fn must return a string (read as getString reads it). */
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
    if (err !== 0) {
      i.ffi.QTS_FreeValuePointer(c, res)
      return { error: i.memory.heapValueHandle(err) }
    }
    try {
      return { value: this.read(i, c, res) }
    } finally {
      i.ffi.QTS_FreeValuePointer(c, res)
    }
  }

  dispose(): void {
    if (this.argv !== 0) this.internals?.module._free(this.argv)
    this.argv = 0
    this.slot = undefined
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
