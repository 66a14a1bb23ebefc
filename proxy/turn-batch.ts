// The stdout log destination's front (spec §11.8; issue #8: logging on costs little): every
// line of the turn — pino's and the access lines (access-line.ts) alike, so their order is
// kept — is handed to the real destination once, at the end of the event-loop turn. sonic-boom
// measures its last pending buffer (Buffer.byteLength, up to 16 KiB) on every write, which per
// line cost more than building the line. Lines still held are handed over at `flush()`, and at
// process exit before pino's own exit flush.
import type { DestinationStream } from 'pino'

interface Flushable extends DestinationStream {
  flush?(cb?: (err?: Error) => void): void
}

export class TurnBatch implements DestinationStream {
  #text = ''
  readonly #dest: Flushable
  readonly #onExit = () => this.flushBatch()

  constructor(dest: Flushable) {
    this.#dest = dest
    // Prepended: pino registered its exit flush of `dest` first, and ours must run before it.
    process.prependListener('exit', this.#onExit)
  }

  write(line: string): void {
    if (this.#text === '') setImmediate(this.#onExit)
    this.#text += line
  }

  /** Hands the held lines over now; a failing destination loses them but never throws. */
  flushBatch(): void {
    const text = this.#text
    if (text === '') return
    this.#text = ''
    try {
      this.#dest.write(text)
    } catch (err) {
      process.stderr.write(`edgeproxy: log lines lost: ${String(err)}\n`)
    }
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
}
