// The pino `access` line of one request, written as bytes without pino's generic serializer
// (spec §11.8; issue #8: logging on costs at most 10% of hit throughput). pino spends ~20 µs on
// an object of this many keys (a serializer and stringifier lookup and a key escape per key);
// this writes the same JSON into the log's byte slab (log-batch.ts), no line built as a string:
// keys as prepared bytes, in the record's order, undefined values left out, strings copied
// character by character and escaped as pino escapes them. It is used only for the root logger
// of createLogger (level, time, pid as its options write them); a line with an object value (an
// origin group's failover) goes through pino itself.
import { W3C_FIELDS, type AccessRecord } from './cloudfront/access-log.js'
import type { ByteSink } from './log-batch.js'

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

let headMs = -1
let headPid = -1
let head = Buffer.alloc(0)

/** Writes the line pino writes for `log.info({...rec, ...extra}, 'access')`, newline included. */
export function writeAccessLine(
  out: ByteSink,
  r: AccessRecord,
  extra: AccessExtra,
  pid: number,
  nowMs: number,
): void {
  if (nowMs !== headMs || pid !== headPid) {
    headMs = nowMs
    headPid = pid
    const iso = new Date(nowMs).toISOString()
    head = Buffer.from(`{"level":30,"time":"${iso}","pid":${String(pid)}`, 'latin1')
  }
  out.begin()
  copy(out, head)
  // Loaded by name, in KEYS' order (access-line.test compares whole lines with pino's): one
  // load keyed by 37 different names went megamorphic.
  // prettier-ignore
  const values = [
    r.date, r.time, r['x-edge-location'], r['sc-bytes'], r['c-ip'], r['cs-method'], r['cs(Host)'],
    r['cs-uri-stem'], r['sc-status'], r['cs(Referer)'], r['cs(User-Agent)'], r['cs-uri-query'],
    r['cs(Cookie)'], r['x-edge-result-type'], r['x-edge-request-id'], r['x-host-header'],
    r['cs-protocol'], r['cs-bytes'], r['time-taken'], r['x-forwarded-for'], r['ssl-protocol'],
    r['ssl-cipher'], r['x-edge-response-result-type'], r['cs-protocol-version'], r['fle-status'],
    r['fle-encrypted-fields'], r['c-port'], r['time-to-first-byte'],
    r['x-edge-detailed-result-type'], r['sc-content-type'], r['sc-content-len'],
    r['sc-range-start'], r['sc-range-end'],
    extra.reqId, extra.behavior, extra.origin, extra.originMs,
  ]
  for (let i = 0; i < values.length; i++) field(out, KEYS[i] as Buffer, values[i])
  copy(out, TAIL)
}

/** The same line as text (for tests and anyone without a slab). */
export function accessLine(
  rec: AccessRecord,
  extra: AccessExtra,
  pid: number,
  nowMs: number,
): string {
  const sink: ByteSink = {
    slab: Buffer.allocUnsafe(0),
    pos: 0,
    begin() {},
    room(n) {
      if (this.slab.length - this.pos >= n) return
      const slab = Buffer.allocUnsafe(2 * (this.pos + n))
      this.slab.copy(slab, 0, 0, this.pos)
      this.slab = slab
    },
  }
  writeAccessLine(sink, rec, extra, pid, nowMs)
  return sink.slab.toString('utf8', 0, sink.pos)
}

/** `,"key":` and the value as JSON; nothing for undefined. */
function field(out: ByteSink, key: Buffer, v: string | number | undefined): void {
  if (v === undefined) return
  if (typeof v === 'number') {
    copy(out, key)
    out.room(25) // the longest String(number), e.g. -0.0000012345678901234567
    if (Number.isSafeInteger(v) && v >= 0) digits(out, v)
    else out.pos += out.slab.write(Number.isFinite(v) ? String(v) : 'null', out.pos, 'latin1')
    return
  }
  // Printable ASCII is copied between quotes as is, one byte per character.
  out.room(key.length + v.length + 2)
  copy(out, key)
  const start = out.pos
  out.slab[out.pos++] = 0x22
  if (plain(out, v)) {
    out.slab[out.pos++] = 0x22
    return
  }
  // Anything else (rare): pino's escaping, then UTF-8.
  out.pos = start
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

/** Called, not looked up on the string: the values come in many string representations (flat,
 * sliced, cons), each its own map, and a `v.charCodeAt` load per character went megamorphic. */
// eslint-disable-next-line @typescript-eslint/unbound-method
const charCodeAt = String.prototype.charCodeAt

/** Copies printable ASCII without `"` and `\`; false (position unchanged) at any other. */
function plain(out: ByteSink, v: string): boolean {
  const slab = out.slab
  const n = v.length
  let p = out.pos
  for (let i = 0; i < n; i++) {
    const c = charCodeAt.call(v, i)
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false
    slab[p++] = c
  }
  out.pos = p
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
