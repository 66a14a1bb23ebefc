// The memory guard of Node.js Lambda@Edge workers (functions/edge/node-memory-guard.ts), each
// case in a fresh worker with a 128 MB heap limit and the guard installed for 128 MB: every way
// to ask for ArrayBuffer memory by size is refused before anything is allocated (the worker's
// external memory does not grow), kept buffers summing past the limit are refused at the one
// that passes it, garbage does not count once collected, copies are checked, what the guard
// cannot see is caught by check(), and the handler cannot take the guard apart.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Worker } from 'node:worker_threads'

const GUARD = new URL('../../../../functions/edge/node-memory-guard.js', import.meta.url).href
const MB = 1024 * 1024

interface Run {
  /** The message of what the code threw, if it did. */
  readonly error?: string
  /** What the code returned, as a string. */
  readonly value?: string
  /** What the guard reported through onExceeded. */
  readonly reports: readonly string[]
  readonly tripped: boolean
  /** check() after the code ran. */
  readonly checked: boolean
  /** How much the worker's external memory grew while the code ran, in MB. */
  readonly grewMB: number
}

// A CommonJS eval worker: installs the guard, runs `code` as the body of an async function.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const v8 = require('node:v8')
import(workerData.guard).then(async ({ installMemoryGuard }) => {
  const reports = []
  const guard = installMemoryGuard(128, (m) => reports.push(m))
  const external = () => v8.getHeapStatistics().external_memory
  const before = external()
  let error, value
  try {
    value = await (0, eval)('(async () => {' + workerData.code + '\\n})()')
  } catch (e) {
    error = String(e && e.message)
  }
  const grewMB = Math.round((external() - before) / ${MB})
  const tripped = guard.tripped
  const checked = guard.check()
  parentPort.postMessage({ error, value: value === undefined ? undefined : String(value), reports, tripped, checked, grewMB })
})`

async function run(code: string): Promise<Run> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { guard: GUARD, code },
    resourceLimits: { maxOldGenerationSizeMb: 128 },
  })
  try {
    return await new Promise<Run>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the worker exited (${String(code)})`)))
    })
  } finally {
    await worker.terminate()
  }
}

/** Refused before anything was allocated: a RangeError, the guard tripped, no growth. */
function refusedBefore(r: Run, what: string): void {
  assert.match(
    r.error ?? '',
    /^Cannot allocate \d+ MB: over the function's MemorySize of 128 MB/,
    what,
  )
  assert.equal(r.tripped, true, what)
  assert.equal(r.reports.length, 1, what)
  assert.match(r.reports[0] ?? '', /^exceeded MemorySize \(128 MB\): asked for \d+ MB/, what)
  assert.ok(r.grewMB < 8, `${what}: external memory grew by ${String(r.grewMB)} MB`)
}

describe('Node.js Lambda@Edge memory guard', () => {
  const huge = 384 * MB
  const single: Record<string, string> = {
    'Buffer.alloc': `globalThis.k = Buffer.alloc(${huge})`,
    'Buffer.allocUnsafe': `globalThis.k = Buffer.allocUnsafe(${huge})`,
    'Buffer.allocUnsafeSlow': `globalThis.k = Buffer.allocUnsafeSlow(${huge})`,
    'Buffer() (deprecated)': `globalThis.k = Buffer(${huge})`,
    'Buffer.from(array-like)': `globalThis.k = Buffer.from({ length: ${huge} })`,
    'Buffer.from(toJSON data)': `globalThis.k = Buffer.from({ type: 'Buffer', data: new Array(${huge}) })`,
    SlowBuffer: `globalThis.k = require('node:buffer').SlowBuffer(${huge})`,
    'new ArrayBuffer': `globalThis.k = new ArrayBuffer(${huge})`,
    'new SharedArrayBuffer': `globalThis.k = new SharedArrayBuffer(${huge})`,
    'new Float64Array(length)': `globalThis.k = new Float64Array(${huge / 8})`,
    'new Uint8Array(sparse array)': `globalThis.k = new Uint8Array(new Array(${huge}))`,
    'new Uint8Array(array-like)': `globalThis.k = new Uint8Array({ length: ${huge} })`,
    'Uint8Array.from(array-like)': `globalThis.k = Uint8Array.from({ length: ${huge} })`,
    'a subclass': `class X extends Int32Array { constructor() { super(${huge / 4}) } }; globalThis.k = new X()`,
    'Reflect.construct': `globalThis.k = Reflect.construct(Uint8Array, [${huge}], function () {})`,
    'ArrayBuffer resize': `const b = new ArrayBuffer(1, { maxByteLength: ${2 * huge} }); globalThis.k = b; b.resize(${huge})`,
    'SharedArrayBuffer grow': `const b = new SharedArrayBuffer(1, { maxByteLength: ${2 * huge} }); globalThis.k = b; b.grow(${huge})`,
    'new WebAssembly.Memory': `globalThis.k = new WebAssembly.Memory({ initial: ${huge / 65536} })`,
    'WebAssembly.Memory grow': `const m = new WebAssembly.Memory({ initial: 1 }); globalThis.k = m; m.grow(${huge / 65536})`,
  }
  for (const [what, code] of Object.entries(single)) {
    it(`refuses 3 × MemorySize before allocating it: ${what}`, async () => {
      refusedBefore(await run(code), what)
    })
  }

  it('refuses the kept buffer that passes the limit, however small', async () => {
    const many = await run(
      `globalThis.k = []; for (let i = 0; i < 24; i++) k.push(Buffer.alloc(${8 * MB}))`,
    )
    assert.match(many.error ?? '', /^Cannot allocate 8 MB: .* \(1[12]\d MB in use\)$/)
    assert.ok(many.grewMB > 100 && many.grewMB <= 128, `grew ${String(many.grewMB)} MB`)
    const small = await run(
      `globalThis.k = []; for (let i = 0; i < 200000; i++) k.push(Buffer.allocUnsafe(1024))`,
    )
    assert.match(small.error ?? '', /^Cannot allocate 1024 bytes: /)
    const shared = await run(
      `globalThis.k = []; for (let i = 0; i < 24; i++) k.push(new SharedArrayBuffer(${8 * MB}))`,
    )
    assert.match(shared.error ?? '', /^Cannot allocate 8 MB: /)
  })

  it('lets a handler under the limit work, and collects garbage before refusing', async () => {
    const moderate = await run(`globalThis.k = Buffer.alloc(${64 * MB}); return k.length`)
    assert.deepEqual(
      [moderate.value, moderate.tripped, moderate.checked],
      [String(64 * MB), false, false],
    )
    // 40 MB kept while 20 MB buffers come and go, 1.2 GB in all.
    const churn = await run(
      `const live = Buffer.alloc(${40 * MB}); let n = 0
      for (let i = 0; i < 60; i++) n += Buffer.alloc(${20 * MB}).length
      globalThis.k = live; return n`,
    )
    assert.deepEqual([churn.value, churn.tripped], [String(1200 * MB), false])
  })

  it('checks copies: concat, structuredClone, slice and toReversed, species or not', async () => {
    const copies: Record<string, string> = {
      concat: `const p = Buffer.alloc(${60 * MB}); globalThis.k = Buffer.concat([p, p])`,
      slice: `const p = new Uint8Array(${60 * MB}); p.constructor = undefined; globalThis.k = [p.slice(), p.slice()]`,
      'ArrayBuffer slice': `const p = new ArrayBuffer(${60 * MB}); p.constructor = undefined; globalThis.k = [p.slice(0), p.slice(0)]`,
      toReversed: `const p = new Uint8Array(${60 * MB}); globalThis.k = [p.toReversed(), p.toReversed()]`,
    }
    for (const [what, code] of Object.entries(copies)) {
      const r = await run(code)
      assert.match(r.error ?? '', /^Cannot allocate 60 MB|^Cannot allocate 120 MB/, what)
      assert.ok(r.grewMB <= 128, `${what} grew ${String(r.grewMB)} MB`)
    }
    // A clone is checked once made (it copies what the worker already holds).
    const clone = await run(
      `const p = Buffer.alloc(${60 * MB}); globalThis.k = [structuredClone(p), structuredClone(p)]`,
    )
    assert.match(clone.error ?? '', /^Memory over the function's MemorySize of 128 MB/)
    assert.equal(clone.tripped, true)
  })

  it('check() catches memory allocated where the guard does not look', async () => {
    const r = await run(
      `globalThis.k = new (require('node:vm').runInNewContext('ArrayBuffer'))(${160 * MB}); return 'made'`,
    )
    assert.deepEqual([r.value, r.tripped, r.checked], ['made', false, true])
    assert.match(r.reports[0] ?? '', /^exceeded MemorySize \(128 MB\): 16\d MB in use$/)
  })

  it('stays tripped: a caught refusal still fails, and every later allocation too', async () => {
    const r = await run(
      `try { Buffer.alloc(${huge}) } catch {}
      try { new Uint8Array(16) } catch (e) { return e.message }`,
    )
    assert.equal(r.value, "Cannot allocate 16 bytes: over the function's MemorySize of 128 MB")
    assert.equal(r.reports.length, 1)
  })

  it('cannot be undone from the handler', async () => {
    const attempts: Record<string, string> = {
      "Buffer's prototype": `const O = Object.getPrototypeOf(Buffer); globalThis.k = new O(${huge})`,
      'Uint8Array.prototype.constructor': `const O = Object.getPrototypeOf(Buffer.prototype).constructor; globalThis.k = new O(${huge})`,
      "an ArrayBuffer's constructor": `const O = new ArrayBuffer(1).constructor; globalThis.k = new O(${huge})`,
      'what the guard calls, patched': `require('node:v8').getHeapStatistics = () => ({ used_heap_size: 0, external_memory: 0 })
        Reflect.construct = () => ({}); Reflect.apply = () => undefined
        WeakMap.prototype.get = () => undefined; Math.min = () => Infinity
        globalThis.k = Buffer.alloc(${huge})`,
      'the wrappers, changed': `Object.defineProperty(Buffer, 'alloc', { value: Buffer.alloc }); Uint8Array.BYTES_PER_ELEMENT = 0
        globalThis.k = Buffer.alloc(${huge})`,
    }
    for (const [what, code] of Object.entries(attempts)) refusedBefore(await run(code), what)
    // Node makes its Buffer pools past the guard: their size is capped and cannot be redefined.
    const pool = await run(
      `Buffer.poolSize = ${1024 * MB}
      let redefined = 'redefined'
      try { Object.defineProperty(Buffer, 'poolSize', { value: ${1024 * MB} }) } catch { redefined = 'refused' }
      globalThis.k = []; for (let i = 0; i < 100; i++) k.push(Buffer.allocUnsafe(1000))
      return Buffer.poolSize + ' ' + redefined`,
    )
    assert.deepEqual([pool.value, pool.grewMB < 8], [`${String(MB)} refused`, true])
  })

  it('leaves ordinary use alone', async () => {
    const r = await run(`
      const out = []
      out.push(Buffer.from('héllo').toString('base64'), Buffer.from('aGk=', 'base64').toString())
      out.push(Array.from(new Uint8Array([1, 2, 3]).map((x) => x * 2)).join())
      out.push(new Float64Array({ length: 2, 0: 1.5 })[0], new Uint16Array(new Set([7]))[0])
      out.push(new Uint8Array(new ArrayBuffer(8), 2, 3).length, new ArrayBuffer(10).slice(-4).byteLength)
      out.push(Buffer.concat([Buffer.from('a'), Buffer.alloc(1, 'b')]).toString())
      out.push(new Uint8Array([3, 1, 2]).toSorted().join(''), new Int8Array(4).with(1, -1)[1])
      class Sub extends Uint8Array {}
      out.push(new Sub(2) instanceof Sub, new Sub(2) instanceof Uint8Array, Buffer.alloc(1) instanceof Uint8Array)
      out.push(Uint8Array.name, Uint8Array.length, Uint8Array.BYTES_PER_ELEMENT, Object.getPrototypeOf(Buffer) === Uint8Array)
      out.push(require('node:zlib').gunzipSync(require('node:zlib').gzipSync('zz')).toString())
      try { Uint8Array(1) } catch (e) { out.push(e.constructor.name) }
      try { new ArrayBuffer(-1) } catch (e) { out.push(e.constructor.name) }
      return out.join(' ')`)
    assert.equal(
      r.value,
      'aMOpbGxv hi 2,4,6 1.5 7 3 4 ab 123 -1 true true true Uint8Array 3 1 true zz TypeError RangeError',
    )
    assert.deepEqual([r.tripped, r.checked, r.reports], [false, false, []])
  })
})
