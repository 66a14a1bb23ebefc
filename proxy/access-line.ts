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

/** The values of one line, in its order: CloudFront's 33 fields (W3C_FIELDS), then AccessExtra's
 * reqId, behavior, origin and originMs. log.ts builds it straight from the exchange: one array
 * per request, no record object besides. */
export type LineValues = readonly Value[]

type Value = string | number | undefined

/** AccessExtra's keys, in the line's order (after CloudFront's fields). */
const EXTRA_KEYS = ['reqId', 'behavior', 'origin', 'originMs'] as const satisfies ReadonlyArray<
  keyof AccessExtra
>

/** The values of a record and its extra, as a line writes them. */
export function lineValues(r: AccessRecord, extra: AccessExtra): LineValues {
  return [...W3C_FIELDS.map((f) => r[f]), ...EXTRA_KEYS.map((k) => extra[k])]
}

/** `,"key":` of each field as bytes, in the line's order (LineValues'). */
const KEYS = [...W3C_FIELDS, ...EXTRA_KEYS].map((name) =>
  Buffer.from(`,${JSON.stringify(name)}:`, 'latin1'),
)
/** How many values a line has. */
const LINE_FIELDS = KEYS.length
const TAIL = Buffer.from(',"msg":"access"}\n', 'latin1')

/** The line's parts: its head (level, time, pid; keyed by the time), the fields, its tail. Part
 * i of a field is LineValues' i - 1. */
const PARTS = 1 + LINE_FIELDS + 1
const LAST = PARTS - 1
/** The parts of the request id, new in every line: never compared with the previous line's (two
 * different ids of one length are compared character by character). The second is copied from
 * the first when both are the same string. */
const ID = 1 + W3C_FIELDS.indexOf('x-edge-request-id')
const REQ_ID = 1 + W3C_FIELDS.length

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
  /** The previous line's time and values. */
  #prevTime = NaN
  readonly #prev: Value[] = new Array<Value>(LINE_FIELDS).fill(undefined)
  /** Where each part of the previous (current) line starts in the slab, and where it ends. */
  #prevAt = new Int32Array(PARTS + 1)
  #curAt = new Int32Array(PARTS + 1)

  /** Writes the line pino writes for `log.info({...rec, ...extra}, 'access')` (`v` is
   * lineValues(rec, extra)), newline included. */
  write(out: ByteSink, v: LineValues, pid: number, nowMs: number): void {
    out.begin()
    const slabNo = out.slabNo
    const from = out.slab
    const prev = this.#prev
    const at = this.#curAt
    let same = out === this.#sink && slabNo === this.#slabNo && pid === this.#pid
    let run = -1
    if (same && nowMs === this.#prevTime) run = 0
    else {
      this.#prevTime = nowMs
      at[0] = out.pos
      head(out, nowMs, pid)
      if (out.slabNo !== slabNo) same = false
    }
    for (let i = 1; i < LAST; i++) {
      const x = v[i - 1]
      if (same && i !== ID && i !== REQ_ID && x === prev[i - 1]) {
        if (run < 0) run = i
        continue
      }
      prev[i - 1] = x
      if (run >= 0) {
        this.#copy(out, from, run, i)
        run = -1
      }
      at[i] = out.pos
      if (i === REQ_ID && x === v[ID - 1] && x !== undefined && out.slabNo === slabNo)
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
    // The tail is the same in every line.
    if (same) this.#copy(out, from, run < 0 ? LAST : run, PARTS)
    else {
      if (run >= 0) this.#copy(out, from, run, LAST)
      at[LAST] = out.pos
      copy(out, TAIL)
    }
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
 * The access lines of a log batch: each request's values are held, and the lines of HOLD
 * requests are written in one go, or sooner when the batch writes or hands over anything (a pino
 * line, a flush, its delay after the first held line, exit; set as the batch's `held`), so lines
 * keep their order and their delay.
 */
export class HeldAccessLines implements HeldLines {
  readonly #writer = new AccessLineWriter()
  /** values, time (ms) of each held line. */
  #held: Array<LineValues | number> = []
  readonly #batch: LogBatch
  readonly #pid: number

  constructor(batch: LogBatch, pid: number) {
    this.#batch = batch
    this.#pid = pid
  }

  /** Holds the line of one request that finished at `nowMs`. */
  add(values: LineValues, nowMs: number): void {
    const held = this.#held
    held.push(values, nowMs)
    if (held.length === 2) this.#batch.arm()
    else if (held.length === 2 * HOLD) this.writeHeld()
  }

  writeHeld(): void {
    const held = this.#held
    if (held.length === 0) return
    // Taken before writing: a line logged while these are written (by anything the batch's
    // destination calls) finds none held, and none is written twice.
    this.#held = []
    for (let i = 0; i < held.length; i += 2) {
      const values = held[i] as LineValues
      this.#writer.write(this.#batch, values, this.#pid, held[i + 1] as number)
    }
  }
}

/** Runs of bytes up to this long are copied in a loop, and strings up to SHORT_TEXT long: a
 * native call (copyWithin, write) costs more than the loop. */
const SHORT = 48
const SHORT_TEXT = 32

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
  const n = stop - start
  out.room(n)
  const p = out.pos
  const to = out.slab
  // The previous line ends before this one begins: a forward copy never reads what it wrote.
  if (n <= SHORT) for (let k = 0; k < n; k++) to[p + k] = from[start + k] as number
  else if (to === from) from.copyWithin(p, start, stop)
  else from.copy(to, p, start, stop)
  out.pos = p + n
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
  for (const [rec, extra] of lines) writer.write(sink, lineValues(rec, extra), pid, nowMs)
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
  // Printable ASCII but `"` and `\` is written between quotes as is: a short string character
  // by character, a longer one in one native write and then a look at the bytes it wrote.
  const n = v.length
  out.room(key.length + n + 2)
  copy(out, key)
  const slab = out.slab
  const start = out.pos
  slab[start] = 0x22
  if (n <= SHORT_TEXT ? plainChars(v, slab, start + 1) : plainWrite(v, slab, start + 1)) {
    slab[start + 1 + n] = 0x22
    out.pos = start + n + 2
    return
  }
  // Anything else (rare): pino's escaping, then UTF-8.
  const text = quoted(v)
  out.room(Buffer.byteLength(text))
  out.pos += out.slab.write(text, out.pos, 'utf8')
}

/** Copies a key or the tail (at most 32 bytes: short). */
function copy(out: ByteSink, b: Buffer): void {
  const n = b.length
  out.room(n)
  const slab = out.slab
  const p = out.pos
  for (let k = 0; k < n; k++) slab[p + k] = b[k] as number
  out.pos = p + n
}

/** Whether v is printable ASCII without `"` and `\`, written to `bytes` at `at` as it is
 * checked (room made for its length). */
function plainChars(v: string, bytes: Buffer, at: number): boolean {
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k)
    if (!plainByte(c)) return false
    bytes[at + k] = c
  }
  return true
}

/** plainChars in one native write, then a look at the bytes it wrote. If the UTF-8 of n
 * characters is n bytes of printable ASCII without `"` and `\`, every character was one: any
 * other character is written as bytes ≥ 0x80, or not at all when it does not fit before the
 * slab's end. */
function plainWrite(v: string, bytes: Buffer, at: number): boolean {
  const n = bytes.write(v, at, 'utf8')
  if (n !== v.length) return false
  for (let p = at; p < at + n; p++) if (!plainByte(bytes[p] as number)) return false
  return true
}

/** Printable ASCII but `"` and `\`: written between quotes as it is. */
function plainByte(c: number): boolean {
  return c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c
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
