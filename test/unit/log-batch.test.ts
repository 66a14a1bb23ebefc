// The stdout log destination's front (proxy/log-batch.ts): lines are held until their slab is
// full or the delay after the first of them has passed, then handed over in one write, in
// order, as views of a slab that is never written over once handed out; a line crossing the
// slab's end is kept whole; flushes on demand, and a failing destination never throws.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LogBatch } from '../../proxy/log-batch.js'

const turn = () => new Promise((r) => setImmediate(r))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const DELAY = 30

describe('LogBatch', () => {
  it('holds lines for the delay after the first, then hands them over in one write, in order', async () => {
    const writes: string[] = []
    const batch = new LogBatch({ write: (b: Buffer) => writes.push(b.toString()) }, DELAY)
    batch.write('a\n')
    await turn()
    batch.write('b\n')
    assert.deepEqual(writes, [], 'held')
    await sleep(DELAY * 3)
    assert.deepEqual(writes, ['a\nb\n'])
    batch.write('c\n')
    await sleep(DELAY * 3)
    assert.deepEqual(writes, ['a\nb\n', 'c\n'])
    batch.detach()
  })

  it('keeps a handed-over view intact and carries a line across a full slab whole', () => {
    const writes: Buffer[] = []
    const batch = new LogBatch({ write: (b: Buffer) => writes.push(b) }, DELAY)
    batch.write('first\n')
    batch.flushBatch()
    const line = `${'x'.repeat(1000)}\n`
    for (let i = 0; i < 100; i++) batch.write(line) // 100 kB: more than one 64 KiB slab
    // A line written by hand, split by room() in its middle, as access lines are.
    batch.begin()
    batch.room(3)
    batch.slab.write('ab', batch.pos, 'latin1')
    batch.pos += 2
    batch.room(200_000)
    batch.slab.write('c\n', batch.pos, 'latin1')
    batch.pos += 2
    assert.ok(writes.length >= 3, 'full slabs were handed over at once')
    batch.flushBatch()
    assert.equal(writes[0]?.toString(), 'first\n', 'the first view is not written over')
    const rest = Buffer.concat(writes.slice(1)).toString()
    assert.equal(rest, line.repeat(100) + 'abc\n')
    for (const w of writes.slice(1, -1))
      assert.ok(w.toString().endsWith('\n'), 'views end at a line')
    batch.detach()
  })

  it('writes pino lines as UTF-8', () => {
    const writes: Buffer[] = []
    const batch = new LogBatch({ write: (b: Buffer) => writes.push(b) })
    batch.write('é ✓ \u{1F600}\n')
    batch.flushBatch()
    assert.equal(Buffer.concat(writes).toString(), 'é ✓ \u{1F600}\n')
    batch.detach()
  })

  it('flushes at once on flushBatch and flush, then calls the destination flush', async () => {
    const writes: string[] = []
    let flushed = 0
    const batch = new LogBatch({
      write: (b: Buffer) => writes.push(b.toString()),
      flush: (cb?: (err?: Error) => void) => {
        flushed++
        cb?.()
      },
    })
    batch.write('a\n')
    batch.flushBatch()
    assert.deepEqual(writes, ['a\n'])
    batch.write('b\n')
    await new Promise<void>((resolve) => batch.flush(() => resolve()))
    assert.deepEqual(writes, ['a\n', 'b\n'])
    assert.equal(flushed, 1)
    batch.detach()
  })

  it('a flush clears the timer: a line written after it waits its own full delay', async () => {
    const writes: string[] = []
    const batch = new LogBatch({ write: (b: Buffer) => writes.push(b.toString()) }, DELAY * 2)
    batch.write('a\n')
    await sleep(DELAY)
    batch.flushBatch()
    batch.write('c\n')
    await sleep(DELAY * 1.5) // past the first line's delay, short of the second's
    assert.deepEqual(writes, ['a\n'], 'c is still held')
    await sleep(DELAY * 2)
    assert.deepEqual(writes, ['a\n', 'c\n'])
    batch.detach()
  })

  it('at exit hands the held lines over synchronously where the destination can', () => {
    const calls: string[] = []
    const sync = new LogBatch({
      write: (b: Buffer) => calls.push(`write ${b.toString()}`),
      writeSync: (b: Buffer) => calls.push(`writeSync ${b.toString()}`),
    })
    sync.write('a\n')
    sync.flushAtExit()
    assert.deepEqual(calls, ['writeSync a\n'])
    sync.detach()
    const plain: string[] = []
    const batch = new LogBatch({ write: (b: Buffer) => plain.push(b.toString()) })
    batch.write('b\n')
    batch.flushAtExit()
    assert.deepEqual(plain, ['b\n'])
    batch.detach()
  })

  it('survives a destination that throws', () => {
    const batch = new LogBatch({
      write: () => {
        throw new Error('destroyed')
      },
    })
    const stderr = process.stderr.write.bind(process.stderr)
    let said = ''
    process.stderr.write = (s: string | Uint8Array) => ((said += String(s)), true)
    try {
      batch.write('a\n')
      batch.flushBatch()
    } finally {
      process.stderr.write = stderr
    }
    assert.match(said, /log lines lost: Error: destroyed/)
    batch.detach()
  })
})
