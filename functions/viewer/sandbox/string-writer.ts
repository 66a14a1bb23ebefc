// Moves a host string into a QuickJS context (spec §7.1 cost: the event text crosses on every
// invocation). quickjs-emscripten's newString measures the string, mallocs, encodes it with
// emscripten's per-character stringToUTF8 and frees again: 1.8 µs for a 333-byte event, 10 µs
// for 2 KB of browser headers. This writer encodes with TextEncoder.encodeInto into one buffer
// kept in the WASM heap (0.6 µs and 3.8 µs), then makes the string as newString does
// (QTS_NewString copies it). That needs the context's internals (module, ffi, memory), checked
// once; without them, and for strings holding a surrogate (encodeInto writes U+FFFD for a lone
// one where stringToUTF8 writes the surrogate itself), it is newString.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten'

interface Internals {
  readonly module: {
    readonly HEAPU8: Uint8Array
    _malloc(size: number): number
    _free(ptr: number): void
  }
  readonly ffi: { QTS_NewString(ctx: number, str: number): number }
  readonly ctx: { readonly value: number }
  readonly memory: { heapValueHandle(ptr: number): QuickJSHandle }
}

function internalsOf(ctx: QuickJSContext): Internals | undefined {
  const c = ctx as unknown as Partial<Internals>
  const ok =
    c.module?.HEAPU8 instanceof Uint8Array &&
    typeof c.module._malloc === 'function' &&
    typeof c.module._free === 'function' &&
    typeof c.ffi?.QTS_NewString === 'function' &&
    typeof c.ctx?.value === 'number' &&
    typeof c.memory?.heapValueHandle === 'function'
  return ok ? (c as Internals) : undefined
}

const encoder = new TextEncoder()
const SURROGATE = /[\ud800-\udfff]/
const MIN_BYTES = 4096

export class StringWriter {
  private readonly ctx: QuickJSContext
  private readonly internals: Internals | undefined
  private ptr = 0
  private cap = 0
  /** The buffer's view; remade when the WASM memory grows (HEAPU8 is then a new array). */
  private view: Uint8Array | undefined
  private heap: Uint8Array | undefined

  constructor(ctx: QuickJSContext) {
    this.ctx = ctx
    this.internals = internalsOf(ctx)
  }

  /** True when strings take the encodeInto path (tests check both). */
  get fast(): boolean {
    return this.internals !== undefined
  }

  /** A new string handle holding `s`; the caller disposes it. */
  newString(s: string): QuickJSHandle {
    const i = this.internals
    if (i === undefined || SURROGATE.test(s)) return this.ctx.newString(s)
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the terminating NUL.
    const need = s.length * 3 + 1
    if (need > this.cap && !this.grow(i, need)) return this.ctx.newString(s)
    const heap = i.module.HEAPU8
    let view = this.view
    if (view === undefined || heap !== this.heap) {
      view = this.view = heap.subarray(this.ptr, this.ptr + this.cap)
      this.heap = heap
    }
    const { written } = encoder.encodeInto(s, view)
    view[written] = 0
    return i.memory.heapValueHandle(i.ffi.QTS_NewString(i.ctx.value, this.ptr))
  }

  dispose(): void {
    if (this.ptr !== 0) this.internals?.module._free(this.ptr)
    this.ptr = 0
    this.cap = 0
    this.view = undefined
  }

  /** False when the WASM heap has no room (newString then reports that its own way). */
  private grow(i: Internals, need: number): boolean {
    const cap = Math.max(need, MIN_BYTES, this.cap * 2)
    const ptr = i.module._malloc(cap)
    if (ptr === 0) return false
    if (this.ptr !== 0) i.module._free(this.ptr)
    this.ptr = ptr
    this.cap = cap
    this.view = undefined
    return true
  }
}
