// Reads what QuickJS's binary object writer (JS_WriteObject, behind quickjs-emscripten's
// QTS_bjson_encode) makes of a function's result (spec §7.1 cost, §7.3 results): the result
// leaves the sandbox without JSON.stringify, which QuickJS runs at ~1 µs per header object
// against ~0.2 µs for the writer. The writer takes an object's own enumerable data properties
// in insertion order and throws on accessors, functions and other exotic objects; this reader
// takes the JSON-shaped subset (null, undefined, booleans, numbers, strings, plain objects,
// arrays) and gives what JSON.parse(JSON.stringify(value)) gives: undefined members dropped,
// undefined and holes in arrays null, NaN and ±Infinity null, -0 0. Anything else (a shared or
// cyclic object, a Date, a boxed primitive, a BigInt, an unknown version) is UNREADABLE: the
// caller then asks the driver for JSON, which handles every case.
//
// Layout (format version 5, quickjs 2025-09-13): version byte; LEB128 atom count, then each
// atom as a string; then the value. A string is LEB128 (length << 1 | wide) and `length`
// Latin-1 bytes or UTF-16LE units. An object is a LEB128 property count, then per property
// an atom reference (LEB128: n << 1 | 1 for an integer key n, i << 1 for atom i, 1-based)
// and the value. An array is a LEB128 length and the elements. int32 is zigzag LEB128.

import { Buffer } from 'node:buffer'

/** The format version this reader knows; another version is read as UNREADABLE. */
export const BJSON_VERSION = 5
/** What read() answers when the bytes hold something JSON-shaped data does not. */
export const UNREADABLE: unique symbol = Symbol('unreadable')

const TAG_NULL = 1
const TAG_UNDEFINED = 2
const TAG_FALSE = 3
const TAG_TRUE = 4
const TAG_INT32 = 5
const TAG_FLOAT64 = 6
const TAG_STRING = 7
const TAG_OBJECT = 8
const TAG_ARRAY = 9
/** Deeper than this is read as UNREADABLE (JSON then reports what it reports). */
const MAX_DEPTH = 256

/**
 * Buffer's own decoders, which toString(encoding, start, end) calls after checking its
 * arguments (node:buffer has had them since its start; they are not in its type declarations).
 */
interface Slicing {
  latin1Slice(start: number, end: number): string
  ucs2Slice(start: number, end: number): string
}
const HAS_SLICES = ['latin1Slice', 'ucs2Slice'].every(
  (m) => typeof (Buffer.prototype as unknown as Record<string, unknown>)[m] === 'function',
)
const viaToString = (b: Buffer): Slicing => ({
  latin1Slice: (start, end) => b.toString('latin1', start, end),
  ucs2Slice: (start, end) => b.toString('utf16le', start, end),
})
class Unreadable extends Error {}
const stop = (): never => {
  throw new Unreadable()
}
const float = new Float64Array(1)
const floatBytes = new Uint8Array(float.buffer)

class Reader {
  pos: number
  readonly atoms: string[] = []
  readonly bytes: Uint8Array
  /** The same bytes, for Buffer's string decoders. */
  readonly buf: Slicing
  readonly end: number
  constructor(bytes: Uint8Array, start: number, end: number) {
    this.bytes = bytes
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
    this.buf = HAS_SLICES ? (buf as unknown as Slicing) : viaToString(buf)
    this.pos = start
    this.end = end
  }

  byte(): number {
    if (this.pos >= this.end) stop()
    return this.bytes[this.pos++]!
  }

  leb(): number {
    const first = this.byte()
    if (first < 0x80) return first
    let v = first & 0x7f
    let scale = 0x80
    for (let i = 1; i < 5; i++) {
      const b = this.byte()
      v += (b & 0x7f) * scale
      if (b < 0x80) return v
      scale *= 0x80
    }
    return stop()
  }

  string(): string {
    const head = this.leb()
    const len = Math.floor(head / 2)
    const wide = head % 2 === 1
    const n = wide ? len * 2 : len
    const at = this.pos
    if (at + n > this.end) stop()
    this.pos = at + n
    // Not TextDecoder: its 'latin1' is windows-1252, its 'utf-16le' replaces lone surrogates.
    if (n === 0) return ''
    return wide ? this.buf.ucs2Slice(at, at + n) : this.buf.latin1Slice(at, at + n)
  }

  key(): string {
    const ref = this.leb()
    if (ref % 2 === 1) return String(Math.floor(ref / 2))
    const atom = this.atoms[ref / 2 - 1]
    return atom ?? stop()
  }

  value(depth: number): unknown {
    switch (this.byte()) {
      case TAG_NULL:
        return null
      case TAG_UNDEFINED:
        return depth === 0 ? null : undefined
      case TAG_FALSE:
        return false
      case TAG_TRUE:
        return true
      case TAG_INT32: {
        const u = this.leb()
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2
      }
      case TAG_FLOAT64: {
        if (this.pos + 8 > this.end) stop()
        floatBytes.set(this.bytes.subarray(this.pos, this.pos + 8))
        this.pos += 8
        const f = float[0]!
        return Number.isFinite(f) ? f + 0 : null
      }
      case TAG_STRING:
        return this.string()
      case TAG_OBJECT:
        return this.object(depth + 1)
      case TAG_ARRAY:
        return this.array(depth + 1)
      default:
        return stop()
    }
  }

  object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) stop()
    const n = this.leb()
    const o: Record<string, unknown> = {}
    for (let i = 0; i < n; i++) {
      const k = this.key()
      const v = this.value(depth)
      if (v === undefined) continue
      if (k === '__proto__')
        Object.defineProperty(o, k, {
          value: v,
          writable: true,
          enumerable: true,
          configurable: true,
        })
      else o[k] = v
    }
    return o
  }

  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) stop()
    const n = this.leb()
    if (n > this.end - this.pos) stop()
    const a: unknown[] = new Array<unknown>(n)
    for (let i = 0; i < n; i++) a[i] = this.value(depth) ?? null
    return a
  }
}

/**
 * The value in bytes[start, end), as JSON.parse(JSON.stringify(value)) would give it (the top
 * level: undefined becomes null), or UNREADABLE.
 */
export function readBjson(bytes: Uint8Array, start = 0, end = bytes.length): unknown {
  const r = new Reader(bytes, start, end)
  try {
    if (r.byte() !== BJSON_VERSION) return UNREADABLE
    const atoms = r.leb()
    for (let i = 0; i < atoms; i++) r.atoms.push(r.string())
    const v = r.value(0)
    return r.pos === end ? v : UNREADABLE
  } catch (e) {
    // A RangeError: a string longer than V8 takes.
    if (e instanceof Unreadable || e instanceof RangeError) return UNREADABLE
    throw e
  }
}
