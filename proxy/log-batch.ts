// The stdout log destination's front (spec §11.8; issue #8: logging on costs little). Lines —
// pino's and the access lines alike, so their order is kept — are written as bytes into a
// 64 KiB slab, and a view of the slab (not a copy) goes to the real, asynchronous destination
// when the slab is full or FLUSH_MS after the first line it holds, whichever comes first, and
// at flush() and process exit (before pino's own exit flush). Access lines are written into the
// slab byte by byte (access-line.ts), so a logged request makes no string garbage. Handing
// sonic-boom a batch per event-loop turn cost ~8 µs per request on this 2-core box (a thread-pool
// write per few lines); a batch per slab costs well under one. The destination must take
// Buffers (a Writable, or sonic-boom in 'buffer' mode).

/** What the batch hands its bytes to. */
export interface ByteDestination {
  write(chunk: Buffer): unknown
  flush?(cb?: (err?: Error) => void): void
}

/** Where bytes of a line are written: `slab[pos..]`, after `room(n)` promised `n` of them. */
export interface ByteSink {
  slab: Buffer
  pos: number
  room(n: number): void
}

/** A slab's size: at ~800 bytes an access line, about 80 lines per write. */
const SLAB = 64 * 1024
/** How long a line may wait for its slab to fill. */
export const FLUSH_MS = 100

export class LogBatch implements ByteSink {
  slab = Buffer.allocUnsafeSlow(SLAB)
  pos = 0
  /** Where the bytes not yet handed over start. */
  #start = 0
  /** Where the line being written starts (kept whole when the slab is replaced). */
  #line = 0
  #timer: NodeJS.Timeout | undefined
  readonly #dest: ByteDestination
  readonly #delayMs: number
  readonly #onExit = () => this.flushBatch()

  constructor(dest: ByteDestination, delayMs = FLUSH_MS) {
    this.#dest = dest
    this.#delayMs = delayMs
    // Prepended: pino registered its exit flush of `dest` first, and ours must run before it.
    process.prependListener('exit', this.#onExit)
  }

  /** Starts a line at `pos`. */
  begin(): void {
    this.#line = this.pos
    this.#timer ??= setTimeout(this.#onExit, this.#delayMs).unref()
  }

  /** Makes room for `n` more bytes: a full slab is handed over and the line in progress is
   * carried to a new one. */
  room(n: number): void {
    if (this.slab.length - this.pos >= n) return
    const partial = this.slab.subarray(this.#line, this.pos)
    this.#handOver(this.#line)
    this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB, partial.length + n))
    this.pos = partial.copy(this.slab, 0)
    this.#start = this.#line = 0
  }

  /** A line of pino's own (any text). */
  write(line: string): void {
    this.begin()
    this.room(Buffer.byteLength(line))
    this.pos += this.slab.write(line, this.pos, 'utf8')
  }

  /** Hands the held lines over now; a failing destination loses them but never throws. */
  flushBatch(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#handOver(this.pos)
  }

  /** pino's logger.flush(): the held lines, then the destination's own flush. */
  flush(cb?: (err?: Error) => void): void {
    this.flushBatch()
    if (this.#dest.flush) this.#dest.flush(cb)
    else cb?.()
  }

  /** Stops listening for exit (a logger that is dropped, e.g. in tests). */
  detach(): void {
    this.flushBatch()
    process.removeListener('exit', this.#onExit)
  }

  /** Hands `slab[start, end)` to the destination. */
  #handOver(end: number): void {
    const start = this.#start
    if (end === start) return
    this.#start = end
    try {
      this.#dest.write(this.slab.subarray(start, end))
    } catch (err) {
      process.stderr.write(`edgeproxy: log lines lost: ${String(err)}\n`)
    }
  }
}
