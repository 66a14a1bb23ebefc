// The stdout log destination's front (proxy/log-batch.ts): lines are held until their slab is
// full or the delay after the first of them has passed, then handed over in one write, in
// order, as views of a slab that is never written over once handed out; a line crossing the
// slab's end is kept whole; flushes on demand, and a failing destination never throws. With a
// destination that reports its completed writes (onWritten), a replaced slab is kept intact
// until all of it is reported written, then used again; without one, never used again.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LogBatch, SLAB, type ByteDestination } from '../../proxy/log-batch.js'

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
    const count = Math.ceil((1.5 * SLAB) / line.length) // more than one slab
    for (let i = 0; i < count; i++) batch.write(line)
    // A line written by hand, split by room() in its middle, as access lines are.
    batch.begin()
    batch.room(3)
    batch.slab.write('ab', batch.pos, 'latin1')
    batch.pos += 2
    batch.room(3 * SLAB)
    batch.slab.write('c\n', batch.pos, 'latin1')
    batch.pos += 2
    assert.ok(writes.length >= 3, 'full slabs were handed over at once')
    batch.flushBatch()
    assert.equal(writes[0]?.toString(), 'first\n', 'the first view is not written over')
    const rest = Buffer.concat(writes.slice(1)).toString()
    assert.equal(rest, line.repeat(count) + 'abc\n')
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

  it('keeps a replaced slab intact until all of it is reported written, then uses it again', () => {
    const d = laterDest()
    const batch = new LogBatch(d.dest, LONG)
    const lines = writer(batch)
    while (d.views.length < 4) lines.put(1)
    const held = d.views.slice()
    const copies = held.map((v) => Buffer.from(v))
    const replaced = new Set(held.map((v) => v.buffer))
    // Ten slabs more, none of their writes reported: every slab is a new one.
    const slabs = [batch.slab.buffer]
    const slabNo = batch.slabNo
    while (batch.slabNo < slabNo + 10) {
      lines.put(1)
      if (batch.slab.buffer !== slabs.at(-1)) slabs.push(batch.slab.buffer)
    }
    assert.equal(new Set([...slabs, ...replaced]).size, slabs.length + replaced.size)
    held.forEach((v, i) => assert.ok(v.equals(copies[i]!), `view ${String(i)} intact`))
    // All reported: the next slab is one of those replaced.
    d.report()
    const next = batch.slabNo
    while (batch.slabNo === next) lines.put(1)
    assert.ok(replaced.has(batch.slab.buffer) || slabs.includes(batch.slab.buffer), 'used again')
    // Writes reported a few lines after they are made: a few slabs, used in turn.
    const used = new Set<ArrayBufferLike>()
    const from = batch.slabNo
    for (let i = 0; i < 4000; i++) {
      lines.put(1)
      if (i % 5 === 0) d.report()
      used.add(batch.slab.buffer)
    }
    assert.ok(batch.slabNo - from >= 20, `many slabs filled (${String(batch.slabNo - from)})`)
    assert.ok(used.size <= 5, `from a few buffers (${String(used.size)})`)
    batch.flushBatch()
    d.report()
    // Copied as each write was reported: every line, in order.
    assert.equal(Buffer.concat(d.written).toString(), lines.text())
    batch.detach()
  })

  it('does not use a slab again while part of it is still unreported', () => {
    const d = laterDest()
    const batch = new LogBatch(d.dest, LONG)
    const lines = writer(batch)
    lines.put(20)
    batch.flushBatch() // the first of the two views of the first slab
    const first = batch.slab
    while (batch.slab === first) lines.put(1)
    const [a, b] = d.views
    assert.ok(a && b && d.views.length === 2)
    assert.equal(a.buffer, first.buffer)
    assert.equal(b.buffer, first.buffer)
    const copies = [Buffer.from(a), Buffer.from(b)]
    d.report(1) // a, whole
    d.reportPart(b.length - 1) // all of b but its last byte
    for (let k = 0; k < 3; k++) {
      const slabNo = batch.slabNo
      while (batch.slabNo === slabNo) lines.put(1)
      assert.notEqual(batch.slab.buffer, first.buffer, 'not used again')
    }
    assert.ok(a.equals(copies[0]!) && b.equals(copies[1]!), 'its views intact')
    d.reportPart(1) // b's last byte
    const slabNo = batch.slabNo
    while (batch.slabNo === slabNo) lines.put(1)
    assert.equal(batch.slab.buffer, first.buffer, 'used again once all of it is written')
    batch.flushBatch()
    d.report()
    assert.equal(Buffer.concat(d.written).toString(), lines.text())
    batch.detach()
  })

  it('never uses a slab again for a destination that does not report its writes', () => {
    const views: Buffer[] = []
    const copies: Buffer[] = []
    const batch = new LogBatch(
      {
        write: (b: Buffer) => {
          views.push(b)
          copies.push(Buffer.from(b))
        },
      },
      LONG,
    )
    const lines = writer(batch)
    const slabs = new Set<ArrayBufferLike>()
    for (let i = 0; i < 1500; i++) {
      lines.put(1)
      if (i % 97 === 0) batch.flushBatch()
      slabs.add(batch.slab.buffer)
    }
    batch.flushBatch()
    assert.ok(batch.slabNo >= 10, `slabs filled (${String(batch.slabNo)})`)
    assert.equal(slabs.size, batch.slabNo + 1, 'every slab a new one')
    views.forEach((v, i) => assert.ok(v.equals(copies[i]!), `view ${String(i)} intact`))
    assert.equal(Buffer.concat(views).toString(), lines.text())
    batch.detach()
  })

  it('a write that throws loses its lines, not the accounting of the others', () => {
    const d = laterDest()
    let fail = false
    let lost: Buffer | undefined
    const write = d.dest.write.bind(d.dest)
    d.dest.write = (b: Buffer) => {
      if (!fail) return write(b)
      lost = Buffer.from(b)
      throw new Error('EPIPE')
    }
    const batch = new LogBatch(d.dest, LONG)
    const lines = writer(batch)
    const stderr = process.stderr.write.bind(process.stderr)
    let said = ''
    process.stderr.write = (s: string | Uint8Array) => ((said += String(s)), true)
    try {
      const first = batch.slab
      while (batch.slab === first) lines.put(1) // handed over
      const second = batch.slab
      fail = true
      while (batch.slab === second) lines.put(1) // lost
      fail = false
      d.report()
      // Both replaced slabs are written (the lost bytes were never counted as handed over):
      // the next two slabs are those two.
      const next = new Set<ArrayBufferLike>()
      for (let k = 0; k < 2; k++) {
        const slabNo = batch.slabNo
        while (batch.slabNo === slabNo) lines.put(1)
        next.add(batch.slab.buffer)
      }
      assert.deepEqual(next, new Set([first.buffer, second.buffer]))
      for (let i = 0; i < 500; i++) lines.put(1)
      batch.flushBatch()
      d.report()
    } finally {
      process.stderr.write = stderr
    }
    assert.match(said, /log lines lost: Error: EPIPE/)
    assert.ok(lost)
    const all = lines.text()
    const [kept] = d.written
    assert.ok(kept)
    assert.equal(all.slice(kept.length, kept.length + lost.length), lost.toString())
    assert.equal(
      Buffer.concat(d.written).toString(),
      all.slice(0, kept.length) + all.slice(kept.length + lost.length),
    )
    batch.detach()
  })

  it('a destination reporting each write as it makes it gets every line, from a few slabs', () => {
    const written: Buffer[] = []
    let listener: (bytes: number) => void = () => {}
    const batch = new LogBatch(
      {
        write: (b: Buffer) => {
          written.push(Buffer.from(b))
          listener(b.length)
        },
        onWritten: (l) => (listener = l),
      },
      LONG,
    )
    const lines = writer(batch)
    const used = new Set<ArrayBufferLike>()
    for (let i = 0; i < 2000; i++) {
      lines.put(1)
      used.add(batch.slab.buffer)
    }
    batch.flushBatch()
    assert.ok(batch.slabNo >= 10, `slabs filled (${String(batch.slabNo)})`)
    assert.ok(used.size <= 3, `from a few buffers (${String(used.size)})`)
    assert.equal(Buffer.concat(written).toString(), lines.text())
    batch.detach()
  })
})

/** Longer than any test: slabs are handed over as they fill, or by flushBatch. */
const LONG = 60_000

/** Slabs are this many times 64 KiB: lines scale with them, so each test fills as many. */
const SCALE = SLAB / 65536

/** Numbered lines of 100 to 1000 bytes (times SCALE) written into `batch`, and their text. */
function writer(batch: LogBatch): { put(n: number): void; text(): string } {
  const all: string[] = []
  return {
    put(n) {
      for (let k = 0; k < n; k++) {
        const i = all.length
        const line = `${String(i).padStart(6, '0')} ${'x'.repeat((93 + ((i * 37) % 900)) * SCALE)}\n`
        all.push(line)
        batch.write(line)
      }
    },
    text: () => all.join(''),
  }
}

/** A destination whose writes complete when the test says: report(count) reports the oldest
 * `count` writes not yet reported (all by default), in order, and reportPart(bytes) the next
 * `bytes` of them, as a write done in parts; each is copied once all of it is reported. */
function laterDest(): {
  dest: ByteDestination
  views: Buffer[]
  written: Buffer[]
  report(count?: number): void
  reportPart(bytes: number): void
} {
  const views: Buffer[] = []
  const pending: Buffer[] = []
  const written: Buffer[] = []
  let listener: (bytes: number) => void = () => {}
  /** Bytes of pending[0] already reported. */
  let part = 0
  const reportPart = (bytes: number) => {
    const view = pending[0]
    assert.ok(view && part + bytes <= view.length, 'reports only bytes handed over')
    part += bytes
    if (part === view.length) {
      written.push(Buffer.from(view))
      pending.shift()
      part = 0
    }
    listener(bytes)
  }
  return {
    dest: {
      write: (b: Buffer) => views.push(b) && pending.push(b),
      onWritten: (l) => (listener = l),
    },
    views,
    written,
    report(count = pending.length) {
      for (let k = 0; k < count; k++) reportPart((pending[0]?.length ?? 0) - part)
    },
    reportPart,
  }
}
