// The pino `access` line of one request, written as bytes without pino's generic serializer
// (spec §11.8; issue #8: logging on costs at most 10% of hit throughput). pino spends ~20 µs on
// an object of this many keys (a serializer and stringifier lookup and a key escape per key);
// this writes the same JSON into the log's byte slab (log-batch.ts), no line built as a string:
// keys as prepared bytes, in the record's order, undefined values left out, strings written as
// UTF-8 and escaped as pino escapes them where they need it, every run of fields whose values
// equal the previous line's copied from that line, and the lines of 32 requests written in one
// go. It is used only for the root logger of createLogger (level, time, pid as its options write
// them); a line with an object value (an origin group's failover) goes through pino itself.
import { W3C_FIELDS, type AccessRecord } from './cloudfront/access-log.js'
import type { ByteSink, HeldLines, LogBatch } from './log-batch.js'

/** What the line adds to CloudFront's fields (log.ts). */
export interface AccessExtra {
  readonly reqId: string
  readonly behavior: string
  readonly origin: string | undefined
  readonly originMs: number | undefined
}

/** `,"key":` of each field as bytes, in the line's order (the record's, then AccessExtra's). */
const KEYS = [...W3C_FIELDS, 'reqId', 'behavior', 'origin', 'originMs'].map((name) =>
  Buffer.from(`,${JSON.stringify(name)}:`, 'latin1'),
)
const TAIL = Buffer.from(',"msg":"access"}\n', 'latin1')

/** The line's parts: its head (level, time, pid; keyed by the time), the fields, its tail. */
const PARTS = 1 + KEYS.length + 1
const LAST = PARTS - 1
/** The parts of the request id, new in every line: never compared with the previous line's (two
 * different ids of one length are compared character by character). The second is copied from
 * the first when both are the same string. */
const ID = 1 + W3C_FIELDS.indexOf('x-edge-request-id')
const REQ_ID = 1 + W3C_FIELDS.length

type Value = string | number | undefined

/**
 * Writes access lines into a sink, each as a copy of the previous line where its values are
 * the same. Most of a line repeats the line before it (date and time, location, host, method,
 * path, status, result types, content type, behavior), so a line costs one comparison per
 * field, a copy per run of unchanged fields, and the encoding of the fields that changed (the
 * request ids, the viewer's port, the timings). The previous line is copied from only while it
 * is in the sink's current slab (ByteSink.slabNo): a replaced slab is used again once written.
 */
export class AccessLineWriter {
  #sink: ByteSink | undefined
  /** slabNo of the slab the previous line is in; -1 when there is none to copy from. */
  #slabNo = -1
  #pid = -1
  /** The previous line's values. */
  readonly #prev: Value[] = new Array<Value>(PARTS).fill(undefined)
  /** Where each part of the previous (current) line starts in the slab, and where it ends. */
  #prevAt = new Int32Array(PARTS + 1)
  #curAt = new Int32Array(PARTS + 1)

  /** Writes the line pino writes for `log.info({...rec, ...extra}, 'access')`, newline
   * included. */
  write(out: ByteSink, r: AccessRecord, extra: AccessExtra, pid: number, nowMs: number): void {
    // Loaded by name, in KEYS' order (access-line.test compares whole lines with pino's): one
    // load keyed by 37 different names went megamorphic. A new array, not one kept: storing
    // this request's (young) strings into a long-lived array costs a write barrier each.
    // prettier-ignore
    const v: Value[] = [
      nowMs,
      r.date, r.time, r['x-edge-location'], r['sc-bytes'], r['c-ip'], r['cs-method'], r['cs(Host)'],
      r['cs-uri-stem'], r['sc-status'], r['cs(Referer)'], r['cs(User-Agent)'], r['cs-uri-query'],
      r['cs(Cookie)'], r['x-edge-result-type'], r['x-edge-request-id'], r['x-host-header'],
      r['cs-protocol'], r['cs-bytes'], r['time-taken'], r['x-forwarded-for'], r['ssl-protocol'],
      r['ssl-cipher'], r['x-edge-response-result-type'], r['cs-protocol-version'], r['fle-status'],
      r['fle-encrypted-fields'], r['c-port'], r['time-to-first-byte'],
      r['x-edge-detailed-result-type'], r['sc-content-type'], r['sc-content-len'],
      r['sc-range-start'], r['sc-range-end'],
      extra.reqId, extra.behavior, extra.origin, extra.originMs,
      undefined, // the tail
    ]
    out.begin()
    const slabNo = out.slabNo
    const from = out.slab
    const prev = this.#prev
    const at = this.#curAt
    let same = out === this.#sink && slabNo === this.#slabNo && pid === this.#pid
    let run = -1
    for (let i = 0; i < PARTS; i++) {
      const x = v[i]
      if (same && i !== ID && i !== REQ_ID && x === prev[i]) {
        if (run < 0) run = i
        continue
      }
      prev[i] = x
      if (run >= 0) {
        this.#copy(out, from, run, i)
        run = -1
      }
      at[i] = out.pos
      if (i === 0) head(out, nowMs, pid)
      else if (i === LAST) copy(out, TAIL)
      else if (i === REQ_ID && x === v[ID] && x !== undefined && out.slabNo === slabNo)
        copyValue(
          out,
          KEYS[i - 1] as Buffer,
          (at[ID] as number) + (KEYS[ID - 1] as Buffer).length,
          at[ID + 1] as number,
        )
      else field(out, KEYS[i - 1] as Buffer, x)
      // A slab replaced in the middle of the line: the rest is not copied from the old one.
      if (out.slabNo !== slabNo) same = false
    }
    if (run >= 0) this.#copy(out, from, run, PARTS)
    at[PARTS] = out.pos
    // The next line copies from this one only if the whole of it is in one slab.
    this.#sink = out
    this.#slabNo = out.slabNo === slabNo ? slabNo : -1
    this.#pid = pid
    this.#curAt = this.#prevAt
    this.#prevAt = at
  }

  /** Copies parts [first, end) of the previous line, which is in `from`, to the line. */
  #copy(out: ByteSink, from: Buffer, first: number, end: number): void {
    const prevAt = this.#prevAt
    const start = prevAt[first] as number
    const p = copyFrom(out, from, start, prevAt[end] as number)
    for (let k = first; k < end; k++) this.#curAt[k] = (prevAt[k] as number) - start + p
  }
}

/** Lines held before they are written: a run of lines written together keeps the writer's code
 * and data in the CPU's caches; one line at a time, between requests, cost twice as much. */
const HOLD = 32

/**
 * The access lines of a log batch: each request's record is held, and the lines of HOLD records
 * are written in one go, or sooner when the batch writes or hands over anything (a pino line, a
 * flush, its delay after the first held record, exit; set as the batch's `held`), so lines keep
 * their order and their delay.
 */
export class HeldAccessLines implements HeldLines {
  readonly #writer = new AccessLineWriter()
  /** record, extra, time (ms) of each held line. */
  #held: Array<AccessRecord | AccessExtra | number> = []
  readonly #batch: LogBatch
  readonly #pid: number

  constructor(batch: LogBatch, pid: number) {
    this.#batch = batch
    this.#pid = pid
  }

  /** Holds the line of one request that finished at `nowMs`. */
  add(rec: AccessRecord, extra: AccessExtra, nowMs: number): void {
    const held = this.#held
    held.push(rec, extra, nowMs)
    if (held.length === 3) this.#batch.arm()
    else if (held.length === 3 * HOLD) this.writeHeld()
  }

  writeHeld(): void {
    const held = this.#held
    if (held.length === 0) return
    // Taken before writing: a line logged while these are written (by anything the batch's
    // destination calls) finds none held, and none is written twice.
    this.#held = []
    for (let i = 0; i < held.length; i += 3) {
      const rec = held[i] as AccessRecord
      const extra = held[i + 1] as AccessExtra
      this.#writer.write(this.#batch, rec, extra, this.#pid, held[i + 2] as number)
    }
  }
}

/** `,"key":` and the value already written at `slab[start, stop)` of the line. */
function copyValue(out: ByteSink, key: Buffer, start: number, stop: number): void {
  const from = out.slab
  copy(out, key)
  copyFrom(out, from, start, stop)
}

/** Copies `from[start, stop)` to the line and returns where the copy starts. `from` is the
 * sink's slab or one that room() has just replaced: that is not written over before a later
 * one is, so it is copied from. */
function copyFrom(out: ByteSink, from: Buffer, start: number, stop: number): number {
  out.room(stop - start)
  const p = out.pos
  if (out.slab === from) from.copyWithin(p, start, stop)
  else from.copy(out.slab, p, start, stop)
  out.pos = p + stop - start
  return p
}

/** `{"level":30,"time":"…","pid":…`, as pino's options in createLogger write them. */
function head(out: ByteSink, nowMs: number, pid: number): void {
  const text = `{"level":30,"time":"${new Date(nowMs).toISOString()}","pid":${String(pid)}`
  out.room(text.length)
  out.pos += out.slab.write(text, out.pos, 'latin1')
}

/** A line as text (for tests and anyone without a slab). */
export function accessLine(
  rec: AccessRecord,
  extra: AccessExtra,
  pid: number,
  nowMs: number,
): string {
  return accessLines([[rec, extra]], pid, nowMs)
}

/** Lines written one after the other by one writer, as text. */
export function accessLines(
  lines: ReadonlyArray<readonly [AccessRecord, AccessExtra]>,
  pid: number,
  nowMs: number,
): string {
  const sink: ByteSink = {
    slab: Buffer.allocUnsafe(0),
    pos: 0,
    slabNo: 0,
    begin() {},
    room(n) {
      if (this.slab.length - this.pos >= n) return
      const slab = Buffer.allocUnsafe(2 * (this.pos + n))
      this.slab.copy(slab, 0, 0, this.pos)
      this.slab = slab
      this.slabNo++
    },
  }
  const writer = new AccessLineWriter()
  for (const [rec, extra] of lines) writer.write(sink, rec, extra, pid, nowMs)
  return sink.slab.toString('utf8', 0, sink.pos)
}

/** `,"key":` and the value as JSON; nothing for undefined. */
function field(out: ByteSink, key: Buffer, v: Value): void {
  if (typeof v === 'number') {
    copy(out, key)
    out.room(25) // the longest String(number), e.g. -0.0000012345678901234567
    if (Number.isSafeInteger(v) && v >= 0) digits(out, v)
    else out.pos += out.slab.write(Number.isFinite(v) ? String(v) : 'null', out.pos, 'latin1')
    return
  }
  if (typeof v !== 'string') return
  // Printable ASCII but `"` and `\` is written between quotes as is: one native write, then a
  // look at the bytes it wrote (a loop over the characters cost ~6 ns each: 0.3 µs per id).
  out.room(key.length + v.length + 2)
  copy(out, key)
  const slab = out.slab
  const start = out.pos
  slab[start] = 0x22
  const n = slab.write(v, start + 1, 'utf8')
  if (n === v.length && plain(slab, start + 1, start + 1 + n)) {
    slab[start + 1 + n] = 0x22
    out.pos = start + n + 2
    return
  }
  // Anything else (rare): pino's escaping, then UTF-8.
  const text = quoted(v)
  out.room(Buffer.byteLength(text))
  out.pos += out.slab.write(text, out.pos, 'utf8')
}

/** Copies bytes. */
function copy(out: ByteSink, b: Buffer): void {
  out.room(b.length)
  out.slab.set(b, out.pos)
  out.pos += b.length
}

/** Whether `bytes[from, to)` are printable ASCII without `"` and `\`. If the UTF-8 of n
 * characters is n such bytes, every character was one: any other character is written as bytes
 * ≥ 0x80, or not at all when it does not fit before the slab's end. */
function plain(bytes: Buffer, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = bytes[p] as number
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false
  }
  return true
}

/** A non-negative safe integer in decimal (room already made). */
function digits(out: ByteSink, n: number): void {
  let width = 1
  for (let t = n; t >= 10; t = Math.floor(t / 10)) width++
  const slab = out.slab
  let p = out.pos + width
  out.pos = p
  do {
    slab[--p] = 0x30 + (n % 10)
    n = Math.floor(n / 10)
  } while (n > 0)
}

/** Node before 25: pino's own escaping (_asString), which differs from JSON.stringify only in
 * writing a lone surrogate raw (its UTF-8 encoding then makes it U+FFFD). */
const PINO_ESCAPES = Number(process.versions.node.split('.')[0]) < 25

function quoted(value: string): string {
  if (!PINO_ESCAPES || value.length > 100 || hasControl(value)) return JSON.stringify(value)
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 32) return true
  return false
}
