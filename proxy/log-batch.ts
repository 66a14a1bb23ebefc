// The stdout log destination's front (spec §11.8; issue #8: logging on costs little). Lines —
// pino's and the access lines alike, so their order is kept — are written as bytes into a
// 1 MiB slab, and a view of the slab (not a copy) goes to the real, asynchronous destination
// when the slab is full or FLUSH_MS after the first line held since the last hand-over, at
// flush(), at beforeExit (before pino ends the destination) and, synchronously, at exit. Access
// lines are written into the slab as bytes (access-line.ts), not built as strings. Each
// asynchronous write costs a thread-pool round trip (a wake-up, the write, a wake-up of the
// event loop): once per event-loop turn it cost several µs per request on this 2-core box, once
// per 64 KiB about 1 µs. Handing a 256 KiB view to sonic-boom's fs.write took 33–56 µs
// (median) of the event loop's time on this VM, a 1 MiB one 75 µs (a sync write of 256 KiB to
// /dev/null took 13–16 µs): 0.13 µs a request at 320 lines a slab, 0.06 µs at 1,300. A slab is
// used again once the destination reports all of it written (a fresh one costs cache misses and
// page faults as it is filled); until then it is never written over. The destination must take
// Buffers (a Writable, or sonic-boom in 'buffer' mode).

/** What the batch hands its bytes to. */
export interface ByteDestination {
  write(chunk: Buffer): unknown
  flush?(cb?: (err?: Error) => void): void
  /** Writes before returning (at exit, where an asynchronous write would never finish). */
  writeSync?(chunk: Buffer): void
  /** Calls `listener` with the byte count of each completed write, in the order of the
   * writes: a slab whose bytes are all written is used again (a warm one, not a fresh one). */
  onWritten?(listener: (bytes: number) => void): void
}

/** Lines held outside the slab (access-line.ts holds records and writes their lines in runs):
 * written into it before any other line and before any hand-over, so order is kept. */
export interface HeldLines {
  writeHeld(): void
}

/** Where the bytes of a line are written: `begin()` starts it, then `slab[pos..]`, after
 * `room(n)` promised `n` of them (a slab replaced by room() keeps the line whole). */
export interface ByteSink {
  slab: Buffer
  pos: number
  /** Counts the slabs: changes whenever `slab` is replaced. */
  slabNo: number
  begin(): void
  room(n: number): void
}

/** A slab's size: at ~800 bytes an access line, about 1,300 lines per write. */
export const SLAB = 1024 * 1024
/** How long a line may wait for its slab to fill. */
export const FLUSH_MS = 100
/** Written slabs kept for use again, and replaced slabs followed until they are written (a
 * destination that stops writing leaves the rest to the garbage collector). */
const SPARE = 3
const FOLLOWED = 16

export class LogBatch implements ByteSink {
  slab: Buffer = Buffer.allocUnsafeSlow(SLAB)
  pos = 0
  slabNo = 0
  /** Where the bytes not yet handed over start. */
  #start = 0
  /** Where the line being written starts (kept whole when the slab is replaced). */
  #line = 0
  #timer: NodeJS.Timeout | undefined
  readonly #dest: ByteDestination
  readonly #delayMs: number
  readonly #onTimer = () => this.flushBatch()
  readonly #onExit = () => this.flushAtExit()
  /** Bytes handed to the destination, and bytes it has written, since the start. */
  #handed = 0
  #written = 0
  /** Replaced slabs, each with the count of handed bytes that ends it, oldest first. */
  readonly #retired: Array<{ readonly slab: Buffer; readonly end: number }> = []
  readonly #spare: Buffer[] = []
  /** Lines held for this batch elsewhere, if any. */
  held: HeldLines | undefined

  constructor(dest: ByteDestination, delayMs = FLUSH_MS) {
    this.#dest = dest
    this.#delayMs = delayMs
    // Prepended: pino registered its exit flush of `dest` first, and ours must run before it.
    // At beforeExit pino ends `dest` once it drains; the held lines must be in it by then.
    process.prependListener('beforeExit', this.#onTimer)
    process.prependListener('exit', this.#onExit)
    dest.onWritten?.((bytes) => this.#onWritten(bytes))
  }

  /** Starts a line at `pos`. */
  begin(): void {
    this.#line = this.pos
    this.arm()
  }

  /** Starts the delay, if not started, after which the held lines are handed over. */
  arm(): void {
    this.#timer ??= setTimeout(this.#onTimer, this.#delayMs).unref()
  }

  /** Makes room for `n` more bytes: a full slab is handed over and the line in progress is
   * carried to a new one. */
  room(n: number): void {
    if (this.slab.length - this.pos >= n) return
    const partial = this.slab.subarray(this.#line, this.pos)
    this.#handOver(this.#line)
    // Only a destination that reports its writes gets its slabs back.
    if (this.#dest.onWritten !== undefined && this.slab.length === SLAB) {
      if (this.#retired.length === FOLLOWED) this.#retired.shift()
      this.#retired.push({ slab: this.slab, end: this.#handed })
    }
    const size = partial.length + n
    // Doubled past a slab: a line longer than one is not copied again at every room().
    this.slab =
      size <= SLAB
        ? (this.#spare.pop() ?? Buffer.allocUnsafeSlow(SLAB))
        : Buffer.allocUnsafeSlow(Math.max(SLAB, 2 * size))
    this.slabNo++
    this.pos = partial.copy(this.slab, 0)
    this.#start = this.#line = 0
  }

  /** A line of pino's own (any text). */
  write(line: string): void {
    this.held?.writeHeld()
    this.begin()
    this.room(Buffer.byteLength(line))
    this.pos += this.slab.write(line, this.pos, 'utf8')
  }

  /** Hands the held lines over now; a failing destination loses them but never throws. */
  flushBatch(): void {
    this.held?.writeHeld()
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#handOver(this.pos)
  }

  /** At process exit: the held lines, written before returning where the destination can. */
  flushAtExit(): void {
    this.held?.writeHeld()
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#handOver(this.pos, true)
  }

  /** pino's logger.flush(): the held lines handed over, then the destination's own flush. */
  flush(cb?: (err?: Error) => void): void {
    this.flushBatch()
    if (this.#dest.flush) this.#dest.flush(cb)
    else cb?.()
  }

  /** Stops listening for exit (a logger that is dropped, e.g. in tests). */
  detach(): void {
    this.flushBatch()
    process.removeListener('beforeExit', this.#onTimer)
    process.removeListener('exit', this.#onExit)
  }

  /** Hands `slab[start, end)` to the destination. */
  #handOver(end: number, sync = false): void {
    const start = this.#start
    if (end === start) return
    this.#start = end
    const bytes = this.slab.subarray(start, end)
    try {
      if (sync && this.#dest.writeSync) this.#dest.writeSync(bytes)
      else this.#dest.write(bytes)
      this.#handed += end - start
    } catch (err) {
      process.stderr.write(`edgeproxy: log lines lost: ${String(err)}\n`)
    }
  }

  /** A write completed: the retired slabs whose bytes are all written are free again. */
  #onWritten(bytes: number): void {
    this.#written += bytes
    const retired = this.#retired
    for (
      let done = retired[0];
      done !== undefined && done.end <= this.#written;
      done = retired[0]
    ) {
      retired.shift()
      if (this.#spare.length < SPARE) this.#spare.push(done.slab)
    }
  }
}
