// MemorySize for the memory a Lambda@Edge Node.js worker holds outside its V8 heap (spec §8.6;
// design.md §3 "Lambda@Edge"). Installed by node-worker.ts before the handler's module loads.
//
// `--max-old-space-size` bounds a worker's heap (node-runner.ts), but ArrayBuffer memory
// (Buffers, typed arrays, SharedArrayBuffers, WebAssembly memories) lives outside it and Node
// offers no limit for it: unguarded, `Buffer.alloc(512 MB)` in a 128 MB function succeeds.
// Lambda counts everything a function holds, so a call that takes the worker over MemorySize
// fails as `memory` (the pipeline's 503 LambdaExecutionError, as for a heap exhaustion) and
// the worker is replaced.
//
// What was weighed:
// - A watchdog alone (measuring between awaits, terminating the worker) sees an allocation
//   only once it is made: a single 8 GB Buffer would already be in the process.
// - An address-space limit on the worker's process, as for Python: V8 reserves far more
//   address space than it uses (WebAssembly memories reserve 8 GB+ each), so RLIMIT_AS near
//   MemorySize breaks it.
// - Chosen: inside the worker, every JavaScript way to ask for ArrayBuffer memory by size is
//   wrapped — the ArrayBuffer, SharedArrayBuffer and typed array constructors, Buffer.alloc /
//   allocUnsafe / allocUnsafeSlow / from / copyBytesFrom and SlowBuffer (Node's own fs, zlib
//   and Buffer.concat allocate through Buffer.allocUnsafe, so they are covered too),
//   WebAssembly.Memory, resize/grow, and the copying methods (slice, map, filter, toReversed,
//   toSorted, with, structuredClone). An allocation that would take the worker's memory past
//   the limit throws a RangeError before anything is allocated, and the guard trips: the call
//   fails as `memory` even if the handler catches the error, every later allocation is
//   refused, and the runner terminates the worker. What allocates elsewhere (Node's C++, e.g.
//   crypto.randomBytes, TextEncoder, network reads; memories a WebAssembly module declares or
//   grows itself) is caught afterwards: at the end of each call and every 100 ms.
//
// The worker's memory is its isolate's V8 heap in use plus its external memory
// (v8.getHeapStatistics().external_memory: its ArrayBuffers, Buffers and WebAssembly
// memories), plus the SharedArrayBuffers and resizable
// buffers V8 does not count there (tracked here, released when collected). Node's
// process.memoryUsage().arrayBuffers would cost a /proc read per measurement and misses
// WebAssembly memory. The hot path stays cheap: allocations spend a credit (at most 1 MB, and
// never more than the room left at the last measurement); only when it runs out is the worker
// measured again (~0.5 µs). Garbage counts until collected, so before refusing, the guard runs
// a full collection and measures again — with a `gc` obtained once per worker through V8's
// expose-gc flag, set only while one private context is created (never the handler's global).
// Without it (say, the flag could not be set), garbage counts until V8 collects it on its own.
//
// The handler cannot undo the guard: the original constructors and methods are reachable from
// nothing it can see (prototypes' `constructor`, Buffer's prototype chain and the wrappers
// themselves lead to the wrappers, which are frozen), the guard calls only what it captured
// before the handler loaded, and Buffer.poolSize — which Node's allocator reads — is a fixed
// accessor that caps the pool at 1 MB. It is a resource limit, as Lambda's, not a sandbox:
// fresh intrinsics from a node:vm context, workers or processes the handler starts, and native
// addons are not limited.
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { types } from 'node:util'
import v8 from 'node:v8'
import vm from 'node:vm'

export interface MemoryGuard {
  /** Measures the worker now (collecting garbage first when over) and trips when it is over
   * MemorySize; true once tripped. */
  check(): boolean
  /** The limit was passed: every guarded allocation now fails; the worker is to be replaced. */
  readonly tripped: boolean
}

const MiB = 1024 * 1024
const WASM_PAGE = 65_536
/** Bytes guarded allocations may take between two measurements. */
const CREDIT_STEP = MiB
const CHECK_INTERVAL_MS = 100
/** Buffer.poolSize is capped here: Node allocates each pool past the guard. */
const POOL_MAX = MiB

type Fn = (this: unknown, ...args: unknown[]) => unknown
type Ctor = new (...args: unknown[]) => object
type Getter = (this: unknown) => unknown

// Everything the guard calls is captured here, before any handler code runs.
const call = Reflect.apply as (fn: Fn, self: unknown, args: readonly unknown[]) => unknown
const build = Reflect.construct as (c: Ctor, args: readonly unknown[], target: unknown) => object
const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf, setPrototypeOf, ownKeys } =
  Reflect
const { freeze } = Object
const { isArray } = Array
const { max, min, round, trunc } = Math
const toNumber = Number
const MAX_INDEX = Number.MAX_SAFE_INTEGER
const RangeErrorCtor = RangeError
const TypeErrorCtor = TypeError
const heapStatistics = v8.getHeapStatistics
const setFlags = v8.setFlagsFromString
const runInNewContext = vm.runInNewContext
const { isAnyArrayBuffer, isArrayBuffer, isSharedArrayBuffer, isTypedArray } = types
const iteratorKey = Symbol.iterator
const WeakMapCtor = WeakMap
const weakGet = method(WeakMap.prototype, 'get')
const weakSet = method(WeakMap.prototype, 'set')
const RegistryCtor = FinalizationRegistry
const register = method(FinalizationRegistry.prototype, 'register')
const setIntervalFn = setInterval
const TypedArrayProto = getPrototypeOf(Uint8Array.prototype) as object

function method(target: object, key: PropertyKey): Fn {
  const value: unknown = getOwnPropertyDescriptor(target, key)?.value
  if (typeof value !== 'function') throw new Error(`memory guard: no method ${String(key)}`)
  return value as Fn
}

function getter(target: object, key: PropertyKey): Getter {
  const get = getOwnPropertyDescriptor(target, key)?.get
  if (get === undefined) throw new Error(`memory guard: no getter ${String(key)}`)
  return get as Getter
}
const abByteLength = getter(ArrayBuffer.prototype, 'byteLength')
const abResizable = getter(ArrayBuffer.prototype, 'resizable')
const sabByteLength = getter(SharedArrayBuffer.prototype, 'byteLength')
const taByteLength = getter(TypedArrayProto, 'byteLength')
const taLength = getter(TypedArrayProto, 'length')
const taSet = method(TypedArrayProto, 'set')
// lib has no WebAssembly types without the DOM's.
const wasm = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly
const WasmMemory = wasm['Memory'] as Ctor & { prototype: object }
const wasmBuffer = getter(WasmMemory.prototype, 'buffer')

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const

let installed: MemoryGuard | undefined

/** Installs the guard in this worker (once) with a limit of `limitMB`; `onExceeded` is told
 * once, with why, when the worker passes it. */
export function installMemoryGuard(
  limitMB: number,
  onExceeded: (message: string) => void,
): MemoryGuard {
  if (installed !== undefined) return installed
  const limit = limitMB * MiB
  const gc = obtainGc()
  let credit = 0
  let tripped = false

  // SharedArrayBuffers, resizable ArrayBuffers and shared WebAssembly memories, which
  // external_memory leaves out: their current sizes, until collected.
  interface Tracked {
    bytes: number
  }
  const tracked = new WeakMapCtor<object, Tracked>()
  let trackedBytes = 0
  const registry = new RegistryCtor<Tracked>((t) => {
    trackedBytes -= t.bytes
  })
  const track = (owner: object, bytes: number): void => {
    const t = call(weakGet, tracked, [owner]) as Tracked | undefined
    if (t !== undefined) {
      trackedBytes += bytes - t.bytes
      t.bytes = bytes
      return
    }
    const fresh: Tracked = { bytes }
    call(weakSet, tracked, [owner, fresh])
    call(register, registry, [owner, fresh])
    trackedBytes += bytes
  }

  const measure = (): number => {
    const h = heapStatistics()
    return h.used_heap_size + h.external_memory + trackedBytes
  }
  const mb = (n: number): number => round(n / MiB)
  const amount = (n: number): string => (n < MiB ? `${n} bytes` : `${mb(n)} MB`)

  const trip = (detail: string): void => {
    if (tripped) return
    tripped = true
    credit = 0
    onExceeded(`exceeded MemorySize (${limitMB} MB): ${detail}`)
  }
  const over = `over the function's MemorySize of ${limitMB} MB`
  const refusal = (n: number, used?: number): RangeError =>
    new RangeErrorCtor(
      `Cannot allocate ${amount(n)}: ${over}` +
        (used === undefined ? '' : ` (${mb(used)} MB in use)`),
    )

  /** Lets `n` bytes be allocated, or throws (and trips) when they would pass the limit. With
   * `made`, they already are: only whether the worker is now over is checked. */
  const reserve = (n: number, made = false): void => {
    if (tripped) throw refusal(n)
    if (n <= credit) {
      credit -= n
      return
    }
    const ask = made ? 0 : n
    let used = measure()
    if (used + ask > limit && gc !== undefined) {
      gc()
      used = measure()
    }
    if (used + ask > limit) {
      trip(
        made
          ? `${mb(used)} MB in use`
          : `asked for ${amount(n)} of ArrayBuffer memory with ${mb(used)} MB in use`,
      )
      throw made ? new RangeErrorCtor(`Memory ${over} (${mb(used)} MB in use)`) : refusal(n, used)
    }
    credit = min(limit - used - ask, CREDIT_STEP)
  }

  const check = (): boolean => {
    if (tripped) return true
    let used = measure()
    if (used > limit && gc !== undefined) {
      gc()
      used = measure()
    }
    if (used > limit) trip(`${mb(used)} MB in use`)
    else credit = min(limit - used, CREDIT_STEP)
    return tripped
  }

  installArrayBuffer(reserve, track)
  installSharedArrayBuffer(reserve, track)
  for (const name of TYPED_ARRAYS) installTypedArray(name, reserve)
  installTypedArrayMethods(reserve)
  installBuffer(reserve)
  installWasmMemory(reserve, track)
  installStructuredClone(reserve)
  setIntervalFn(check, CHECK_INTERVAL_MS).unref()

  installed = {
    check,
    get tripped() {
      return tripped
    },
  }
  return installed
}

type Reserve = (n: number, made?: boolean) => void
type Track = (owner: object, bytes: number) => void

/** A full collection for this isolate: the process's own `gc` when it runs with
 * --expose-gc, else one from a private context created while the flag is briefly on. Other
 * threads creating a context at that moment may get a `gc` too (edgeproxy's main thread
 * creates none; a worker starting alongside just retries). */
function obtainGc(): (() => void) | undefined {
  let gc: unknown = (globalThis as { gc?: unknown }).gc
  for (let attempt = 0; typeof gc !== 'function' && attempt < 3; attempt++) {
    try {
      setFlags('--expose-gc')
      gc = runInNewContext('typeof gc === "function" ? gc : undefined')
    } catch {
      return undefined
    } finally {
      setFlags('--no-expose-gc')
    }
  }
  if (typeof gc !== 'function') return undefined
  const collect = gc as (options?: { type: 'minor' }) => void
  // The buffers a collection frees leave external_memory when their sweeping is finalized,
  // which the next collection does: a cheap minor one.
  return () => {
    collect()
    collect({ type: 'minor' })
  }
}

/** Whether a wrapper was called with `new` (TypeScript types new.target as always set). */
function constructing(target: unknown): boolean {
  return target !== undefined
}

/** Bytes a length argument asks for, as the constructor will read it (ToIndex); 0 when the
 * constructor will refuse it on its own. */
function lengthBytes(length: unknown, size: number): number {
  if (typeof length !== 'number') return 0
  const n = trunc(length)
  return n > 0 && n <= MAX_INDEX ? n * size : 0
}

/** A length or index argument converted once, here, so the original sees the same value. */
function numeric(value: unknown): unknown {
  if (value === undefined || typeof value === 'number') return value
  if (typeof value === 'bigint')
    throw new TypeErrorCtor('Cannot convert a BigInt value to a number')
  return toNumber(value)
}

function integer(value: unknown): number {
  const n = trunc(toNumber(value))
  return n === n ? n : 0
}

/** ToLength, for an array-like's length. */
function toLength(value: unknown): number {
  const n = integer(numeric(value))
  return n <= 0 ? 0 : min(n, MAX_INDEX)
}

/** The number of elements slice(start, end) takes from `length` (start and end numeric). */
function sliceCount(length: number, start: unknown, end: unknown): number {
  const s = integer(start)
  const e = end === undefined ? length : integer(end)
  const from = s < 0 ? max(length + s, 0) : min(s, length)
  const to = e < 0 ? max(length + e, 0) : min(e, length)
  return max(to - from, 0)
}

/** Replaces a constructor everywhere it is reachable: the global (or namespace) binding, its
 * prototype's `constructor`; the wrapper keeps the original's statics and prototype chain. */
function replaceConstructor(holder: object, name: string, original: Ctor, wrapper: Fn): void {
  const statics = ownKeys(original)
  for (const key of statics) {
    if (key === 'arguments' || key === 'caller') continue
    const d = getOwnPropertyDescriptor(original, key)
    if (d !== undefined) defineProperty(wrapper, key, d)
  }
  setPrototypeOf(wrapper, getPrototypeOf(original))
  const proto = (original as unknown as { prototype: object }).prototype
  const own = getOwnPropertyDescriptor(proto, 'constructor')
  defineProperty(proto, 'constructor', { ...own, value: wrapper })
  freeze(wrapper)
  const binding = getOwnPropertyDescriptor(holder, name)
  defineProperty(holder, name, { ...binding, value: wrapper })
}

/** The one method of an object literal: a method definition, not constructible, as built-in
 * methods are not. */
function only(methods: Record<string, Fn>): Fn {
  return Object.values(methods)[0]!
}

/** Replaces a method, keeping its name, length and attributes. */
function replaceMethod(target: object, key: string, make: (original: Fn) => Fn): Fn | undefined {
  const d = getOwnPropertyDescriptor(target, key)
  if (d === undefined || typeof d.value !== 'function') return undefined
  const original = d.value as Fn
  const wrapper = make(original)
  defineProperty(wrapper, 'name', { value: original.name })
  defineProperty(wrapper, 'length', { value: original.length })
  freeze(wrapper)
  defineProperty(target, key, { ...d, value: wrapper })
  return original
}

function installArrayBuffer(reserve: Reserve, track: Track): void {
  const Original = ArrayBuffer as unknown as Ctor
  const wrapper = function ArrayBuffer(
    this: unknown,
    length?: unknown,
    options?: unknown,
  ): unknown {
    const target: unknown = new.target
    if (target === undefined) return call(Original as unknown as Fn, this, [length, options])
    if (typeof length === 'number' && options === undefined) {
      reserve(lengthBytes(length, 1))
      return target === wrapper ? new Original(length) : build(Original, [length], target)
    }
    const n = numeric(length)
    reserve(lengthBytes(n, 1))
    const buffer = build(Original, [n, options], target)
    if (call(abResizable, buffer, []) === true)
      track(buffer, call(abByteLength, buffer, []) as number)
    return buffer
  }
  replaceConstructor(globalThis, 'ArrayBuffer', Original, wrapper)
  const proto = ArrayBuffer.prototype
  replaceMethod(proto, 'slice', (slice) =>
    only({
      slice(this: unknown, ...args: unknown[]): unknown {
        if (!isArrayBuffer(this)) return call(slice, this, args)
        args[0] = numeric(args[0])
        args[1] = numeric(args[1])
        reserve(sliceCount(call(abByteLength, this, []) as number, args[0], args[1]))
        return call(slice, this, args)
      },
    }),
  )
  replaceMethod(proto, 'resize', (resize) =>
    only({
      resize(this: unknown, ...args: unknown[]): unknown {
        if (!isArrayBuffer(this)) return call(resize, this, args)
        args[0] = numeric(args[0])
        reserve(max(lengthBytes(args[0], 1) - (call(abByteLength, this, []) as number), 0))
        const out = call(resize, this, args)
        track(this, call(abByteLength, this, []) as number)
        return out
      },
    }),
  )
  // Node 21+: transfer() moves the memory, and a longer length allocates the difference.
  for (const key of ['transfer', 'transferToFixedLength']) {
    replaceMethod(proto, key, (transfer) =>
      only({
        transfer(this: unknown, ...args: unknown[]): unknown {
          if (!isArrayBuffer(this)) return call(transfer, this, args)
          args[0] = numeric(args[0])
          reserve(max(lengthBytes(args[0], 1) - (call(abByteLength, this, []) as number), 0))
          const out = call(transfer, this, args) as object
          if (call(abResizable, this, []) === true) track(this, 0)
          if (call(abResizable, out, []) === true) track(out, call(abByteLength, out, []) as number)
          return out
        },
      }),
    )
  }
}

function installSharedArrayBuffer(reserve: Reserve, track: Track): void {
  const Original = SharedArrayBuffer as unknown as Ctor
  const byteLength = (b: unknown) => call(sabByteLength, b, []) as number
  const wrapper = function SharedArrayBuffer(this: unknown, ...args: unknown[]): unknown {
    if (!constructing(new.target)) return call(Original as unknown as Fn, this, args)
    args[0] = numeric(args[0])
    reserve(lengthBytes(args[0], 1))
    const buffer = build(Original, args, new.target)
    track(buffer, byteLength(buffer))
    return buffer
  }
  replaceConstructor(globalThis, 'SharedArrayBuffer', Original, wrapper)
  const proto = SharedArrayBuffer.prototype
  replaceMethod(proto, 'slice', (slice) =>
    only({
      slice(this: unknown, ...args: unknown[]): unknown {
        if (!isSharedArrayBuffer(this)) return call(slice, this, args)
        args[0] = numeric(args[0])
        args[1] = numeric(args[1])
        reserve(sliceCount(byteLength(this), args[0], args[1]))
        const out = call(slice, this, args)
        if (isSharedArrayBuffer(out)) track(out, byteLength(out))
        return out
      },
    }),
  )
  replaceMethod(proto, 'grow', (grow) =>
    only({
      grow(this: unknown, ...args: unknown[]): unknown {
        if (!isSharedArrayBuffer(this)) return call(grow, this, args)
        args[0] = numeric(args[0])
        reserve(max(lengthBytes(args[0], 1) - byteLength(this), 0))
        const out = call(grow, this, args)
        track(this, byteLength(this))
        return out
      },
    }),
  )
}

function installTypedArray(name: (typeof TYPED_ARRAYS)[number], reserve: Reserve): void {
  const holder = globalThis as unknown as Record<string, unknown>
  const Original = holder[name] as (Ctor & { BYTES_PER_ELEMENT: number }) | undefined
  if (typeof Original !== 'function') return
  const size = Original.BYTES_PER_ELEMENT
  // (length) is the common case: `new` of the original directly is much faster than
  // Reflect.construct, and makes the same object when new.target is the wrapper.
  const wrapper = {
    [name]: function (this: unknown, source?: unknown, offset?: unknown, length?: unknown) {
      const target: unknown = new.target
      if (target === undefined) return call(Original as unknown as Fn, this, [source])
      if (typeof source === 'number') {
        reserve(lengthBytes(source, size))
        return target === wrapper ? new Original(source) : build(Original, [source], target)
      }
      if ((typeof source !== 'object' && typeof source !== 'function') || source === null) {
        const n = numeric(source)
        reserve(lengthBytes(n, size))
        return build(Original, [n], target)
      }
      if (isAnyArrayBuffer(source)) {
        return target === wrapper
          ? new Original(source, offset, length)
          : build(Original, [source, offset, length], target)
      }
      if (isTypedArray(source)) {
        reserve(lengthBytes(call(taLength, source, []), size))
        return build(Original, [source], target)
      }
      if (isArray(source)) {
        // V8 copies an array by its length (holes become 0: a sparse array costs nothing).
        reserve(lengthBytes(source.length, size))
        return build(Original, [source], target)
      }
      if ((source as Record<symbol, unknown>)[iteratorKey] != null) {
        // Another iterable is first collected into a list on the heap, which bounds it.
        const made = build(Original, [source], target)
        reserve(call(taByteLength, made, []) as number, true)
        return made
      }
      // An array-like: its length read once, then filled as the constructor would.
      const n = toLength((source as { length?: unknown }).length)
      reserve(lengthBytes(n, size))
      const made = build(Original, [n], target)
      call(taSet, made, [source])
      return made
    },
  }[name]!
  replaceConstructor(globalThis, name, Original, wrapper)
}

function installTypedArrayMethods(reserve: Reserve): void {
  const proto = TypedArrayProto
  const whole = (self: unknown) => call(taByteLength, self, []) as number
  // Same length as the source: map, toReversed, toSorted, with.
  for (const key of ['map', 'toReversed', 'toSorted', 'with']) {
    replaceMethod(proto, key, (method) =>
      only({
        copy(this: unknown, ...args: unknown[]): unknown {
          if (isTypedArray(this)) reserve(whole(this))
          return call(method, this, args)
        },
      }),
    )
  }
  replaceMethod(proto, 'slice', (slice) =>
    only({
      slice(this: unknown, ...args: unknown[]): unknown {
        if (!isTypedArray(this)) return call(slice, this, args)
        args[0] = numeric(args[0])
        args[1] = numeric(args[1])
        const length = call(taLength, this, []) as number
        const count = sliceCount(length, args[0], args[1])
        reserve(length === 0 ? 0 : (count * whole(this)) / length)
        return call(slice, this, args)
      },
    }),
  )
  // filter keeps an unknown part of the source: checked once made (it is at most the source).
  replaceMethod(proto, 'filter', (filter) =>
    only({
      filter(this: unknown, ...args: unknown[]): unknown {
        const out = call(filter, this, args)
        reserve(whole(out), true)
        return out
      },
    }),
  )
}

function installBuffer(reserve: Reserve): void {
  const require = createRequire(import.meta.url)
  const bufferModule = require('node:buffer') as Record<string, unknown>
  const B = Buffer as unknown as Record<string, unknown>
  const byteLength = method(Buffer, 'byteLength')
  const size = (n: unknown) => lengthBytes(n, 1)
  for (const key of ['alloc', 'allocUnsafe', 'allocUnsafeSlow']) {
    replaceMethod(B, key, (alloc) =>
      only({
        alloc(this: unknown, ...args: unknown[]): unknown {
          reserve(size(args[0]))
          return call(alloc, this, args)
        },
      }),
    )
  }
  replaceMethod(B, 'from', (from) =>
    only({
      from(this: unknown, ...args: unknown[]): unknown {
        const value = args[0]
        if (typeof value === 'string') {
          reserve(call(byteLength, undefined, [value, args[1]]) as number)
          return call(from, this, args)
        }
        if (typeof value !== 'object' || value === null || isAnyArrayBuffer(value)) {
          return call(from, this, args) // a view on the buffer, or refused
        }
        // What Node's fromObject reads: an array-like's length, or a toJSON()'s data.
        const o = value as { length?: unknown; type?: unknown; data?: unknown }
        const length = o.length
        let n = typeof length === 'number' ? size(length) : 0
        if (o.type === 'Buffer' && isArray(o.data)) n = max(n, o.data.length)
        reserve(n)
        const out = call(from, this, args)
        // valueOf() or Symbol.toPrimitive gave a string or another object: checked once made.
        const made = call(taByteLength, out, []) as number
        if (made > n) reserve(made - n, true)
        return out
      },
    }),
  )
  replaceMethod(B, 'copyBytesFrom', (copy) =>
    only({
      copyBytesFrom(this: unknown, ...args: unknown[]): unknown {
        const out = call(copy, this, args)
        reserve(call(taByteLength, out, []) as number, true)
        return out
      },
    }),
  )
  // Node makes each pool of Buffer.poolSize bytes past the guard: the size is capped, fixed.
  let poolSize = min(toNumber(B['poolSize']), POOL_MAX)
  defineProperty(B, 'poolSize', {
    get: () => poolSize,
    set: (value: unknown) => {
      const n = toNumber(value)
      poolSize = n > POOL_MAX ? POOL_MAX : n
    },
    enumerable: true,
    configurable: false,
  })
  // Buffer's statics inherit from Uint8Array: the guarded one.
  setPrototypeOf(Buffer, Uint8Array)
  replaceMethod(bufferModule, 'SlowBuffer', (slow) =>
    only({
      SlowBuffer(this: unknown, ...args: unknown[]): unknown {
        reserve(size(args[0]))
        return call(slow, this, args)
      },
    }),
  )
  syncBuiltinESMExports()
}

function installWasmMemory(reserve: Reserve, track: Track): void {
  const Original = WasmMemory
  const size = (memory: object) => {
    const buffer = call(wasmBuffer, memory, [])
    return isSharedArrayBuffer(buffer) ? (call(sabByteLength, buffer, []) as number) : undefined
  }
  const wrapper = function Memory(this: unknown, ...args: unknown[]): unknown {
    if (!constructing(new.target)) return call(Original as unknown as Fn, this, args)
    const descriptor = args[0] as { initial?: unknown; minimum?: unknown } | null | undefined
    const pages = descriptor?.initial ?? descriptor?.minimum
    reserve(lengthBytes(typeof pages === 'number' ? pages : 0, WASM_PAGE))
    const memory = build(Original, args, new.target)
    // Shared memories are not in external_memory: tracked (a module's own are not seen).
    const shared = size(memory)
    if (shared !== undefined) track(memory, shared)
    return memory
  }
  replaceConstructor(wasm, 'Memory', Original, wrapper)
  replaceMethod(Original.prototype, 'grow', (grow) =>
    only({
      grow(this: unknown, ...args: unknown[]): unknown {
        call(wasmBuffer, this, []) // a TypeError unless this is a Memory
        args[0] = numeric(args[0])
        reserve(lengthBytes(args[0], WASM_PAGE))
        const out = call(grow, this, args)
        const shared = size(this as object)
        if (shared !== undefined) track(this as object, shared)
        return out
      },
    }),
  )
}

function installStructuredClone(reserve: Reserve): void {
  // A clone is at most the size of what it copies, which the worker already holds: checked
  // once made (a full measurement, whatever the credit).
  replaceMethod(globalThis, 'structuredClone', (clone) =>
    only({
      structuredClone(this: unknown, ...args: unknown[]): unknown {
        const out = call(clone, this, args)
        reserve(Infinity, true)
        return out
      },
    }),
  )
}
