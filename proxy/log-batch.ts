// The stdout log destination's front (spec §11.8; issue #8: logging on costs little). Lines —
// pino's and the access lines alike, so their order is kept — are written as bytes into a
// 64 KiB slab, and a view of the slab (not a copy) goes to the real, asynchronous destination
// when the slab is full or FLUSH_MS after the first line held since the last hand-over, at
// flush(), at beforeExit (before pino ends the destination) and, synchronously, at exit. Access
// lines are written into the slab as bytes (access-line.ts), not built as strings. Handing
// sonic-boom a batch per event-loop turn cost several µs per request on this 2-core box (a
// thread-pool write every few lines); a batch per slab costs well under one. The destination
// must take Buffers (a Writable, or sonic-boom in 'buffer' mode).

/** What the batch hands its bytes to. */
export interface ByteDestination {
  write(chunk: Buffer): unknown
  flush?(cb?: (err?: Error) => void): void
  /** Writes before returning (at exit, where an asynchronous write would never finish). */
  writeSync?(chunk: Buffer): void
}

/** Where the bytes of a line are written: `begin()` starts it, then `slab[pos..]`, after
 * `room(n)` promised `n` of them (a slab replaced by room() keeps the line whole). */
export interface ByteSink {
  slab: Buffer
  pos: number
  begin(): void
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
  readonly #onTimer = () => this.flushBatch()
  readonly #onExit = () => this.flushAtExit()

  constructor(dest: ByteDestination, delayMs = FLUSH_MS) {
    this.#dest = dest
    this.#delayMs = delayMs
    // Prepended: pino registered its exit flush of `dest` first, and ours must run before it.
    // At beforeExit pino ends `dest` once it drains; the held lines must be in it by then.
    process.prependListener('beforeExit', this.#onTimer)
    process.prependListener('exit', this.#onExit)
  }

  /** Starts a line at `pos`. */
  begin(): void {
    this.#line = this.pos
    this.#timer ??= setTimeout(this.#onTimer, this.#delayMs).unref()
  }

  /** Makes room for `n` more bytes: a full slab is handed over and the line in progress is
   * carried to a new one. */
  room(n: number): void {
    if (this.slab.length - this.pos >= n) return
    const partial = this.slab.subarray(this.#line, this.pos)
    this.#handOver(this.#line)
    // Doubled past a slab: a line longer than one is not copied again at every room().
    this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB, 2 * (partial.length + n)))
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

  /** At process exit: the held lines, written before returning where the destination can. */
  flushAtExit(): void {
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
    } catch (err) {
      process.stderr.write(`edgeproxy: log lines lost: ${String(err)}\n`)
    }
  }
}
