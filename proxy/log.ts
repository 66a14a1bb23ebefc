// Logging (design.md §1, spec §11.8): one pino root, and one access record per request at
// `done` carrying CloudFront's standard log fields — as a pino `access` line (info level) and,
// with `Server.AccessLog.File`, as CloudFront's tab-separated W3C file. The pino line adds the
// behavior, the origin that answered and an origin group's failover. Both destinations are
// asynchronous sonic-boom streams, flushed at exit; stdout's lines are batched by log-batch.ts,
// the file's by sonic-boom. LOG_LEVEL sets the level.
import { statSync } from 'node:fs'
import type { Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import { pino, type Logger } from 'pino'
import {
  dateAndTime,
  formatW3cLine,
  rangeOf,
  seconds,
  w3cHeader,
  W3C_FIELDS,
  type AccessRecord,
  type W3cField,
} from './cloudfront/access-log.js'
import type { AccessLogConfig } from './config/types.js'
import type { Exchange } from './pipeline/exchange.js'
import { HeldAccessLines, type LineValues } from './access-line.js'
import { LogBatch, type ByteDestination } from './log-batch.js'

/** The batch of each logger createLogger made, and its access lines (written into it as
 * bytes). */
const ownDestinations = new WeakMap<Logger, { batch: LogBatch; lines: HeldAccessLines }>()

export function createLogger(
  level = process.env['LOG_LEVEL'] ?? 'info',
  dest: ByteDestination = stdoutBytes(),
): Logger {
  const batch = new LogBatch(dest)
  const log = pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    batch,
  )
  const lines = new HeldAccessLines(batch, process.pid)
  batch.held = lines
  ownDestinations.set(log, { batch, lines })
  return log
}

/** sonic-boom in 'buffer' mode, as used here (its types say string). */
interface BufferBoom {
  sync: boolean
  on(event: 'write', listener: (bytes: number) => void): void
  write(chunk: Buffer): boolean
  flush(cb?: (err?: Error) => void): void
  flushSync(): void
}

/** Asynchronous stdout taking Buffers: each batch (log-batch.ts) is written as it comes, and
 * each completed write is reported (sonic-boom's 'write' event). At exit the last batch is
 * written synchronously: queued behind a write in flight, and flushed by sonic-boom's
 * flushSync, or written at once. */
function stdoutBytes(): ByteDestination {
  const opts = { dest: 1, sync: false, contentMode: 'buffer' } as const
  const boom = pino.destination(opts) as unknown as BufferBoom
  return {
    write: (chunk) => boom.write(chunk),
    flush: (cb) => boom.flush(cb),
    writeSync(chunk) {
      boom.sync = true
      boom.write(chunk)
      boom.flushSync()
    },
    onWritten: (listener) => boom.on('write', listener),
  }
}

export interface AccessLog {
  /** Records one finished exchange (no-op when no destination wants it). */
  record(ex: Exchange, nowMs: number): void
  /** Flushes and closes the W3C file, if any. */
  close(): Promise<void>
}

/** The access log for a logger and the optional `Server.AccessLog` file. */
export function createAccessLog(log: Logger, file: AccessLogConfig | undefined): AccessLog {
  // The level is followed rather than asked per line (pino's isLevelEnabled walks the logger's
  // levels and its comparison function: a few cache misses per request, measured).
  let toPino = log.isLevelEnabled('info')
  const onLevel = () => (toPino = log.isLevelEnabled('info'))
  log.on('level-change', onLevel)
  const w3c =
    file === undefined
      ? undefined
      : pino.destination({ dest: file.file, sync: false, minLength: 4096, mkdir: true })
  // A new (or empty) file starts with the two W3C header lines; an existing one is appended to.
  if (w3c !== undefined && file !== undefined && isEmpty(file.file)) w3c.write(w3cHeader())
  const cookies = file?.includeCookies ?? false
  // Our own logger's lines are written as bytes (access-line.ts); any other logger gets pino's.
  const own = ownDestinations.get(log)
  return {
    record(ex, nowMs) {
      if (!toPino && w3c === undefined) return
      const values = accessValues(ex, nowMs, cookies)
      // Made once, only for pino's own line or the W3C file.
      let rec: AccessRecord | undefined
      if (toPino && own !== undefined && ex.failedOver === undefined) {
        own.lines.add(values, Date.now())
      } else if (toPino) {
        rec = recordOf(values)
        log.info(
          {
            ...rec,
            reqId: ex.id,
            behavior: ex.behavior.id,
            origin: ex.origin?.id,
            failedOver: ex.failedOver,
            originMs: ex.originMs,
          },
          'access',
        )
      }
      if (w3c !== undefined) w3c.write(formatW3cLine(rec ?? recordOf(values)))
    },
    close() {
      log.off('level-change', onLevel)
      own?.batch.flushBatch()
      if (w3c === undefined) return Promise.resolve()
      return new Promise((resolve) => {
        w3c.once('close', () => resolve())
        w3c.end()
      })
    },
  }
}

function isEmpty(file: string): boolean {
  return (statSync(file, { throwIfNoEntry: false })?.size ?? 0) === 0
}

const kCounted = Symbol('edgeproxy.bytesCounted')
/** A connection's byte counts when its previous exchange finished, and its TLS socket. */
interface Counted {
  read: number
  written: number
  readonly tls: TLSSocket | undefined
}
type CountedSocket = Socket & { [kCounted]?: Counted }

/**
 * The bytes this exchange moved on its connection since the previous exchange on it finished,
 * and the connection's TLS socket. The fast hit path counts its bytes itself: the socket's
 * counts are getters with a measurable share of a record's cost (both look the handle up by a
 * megamorphic key, bytesRead then asks it, bytesWritten copies the write queue).
 */
function wireBytes(ex: Exchange): {
  read: number
  written: number
  tls: TLSSocket | undefined
} {
  // One object per connection holds its counts: a socket's shape varies, and loads and stores
  // keyed on it are megamorphic.
  const socket = ex.viewer.socket as CountedSocket
  let counted = socket[kCounted]
  if (ex.wireRead > 0) {
    // The fast path reads a plain-HTTP connection from its first byte: nothing came before.
    counted ??= socket[kCounted] = { read: 0, written: 0, tls: undefined }
    counted.read += ex.wireRead
    counted.written += ex.wireWritten
    return { read: ex.wireRead, written: ex.wireWritten, tls: undefined }
  }
  // Each count is read once.
  const bytesRead = socket.bytesRead
  const bytesWritten = socket.bytesWritten
  if (counted === undefined) {
    // Once per connection: instanceof walks the socket's prototype chain.
    const tls = socket instanceof TLSSocket ? socket : undefined
    socket[kCounted] = { read: bytesRead, written: bytesWritten, tls }
    return { read: bytesRead, written: bytesWritten, tls }
  }
  const bytes = {
    read: bytesRead - counted.read,
    written: bytesWritten - counted.written,
    tls: counted.tls,
  }
  counted.read = bytesRead
  counted.written = bytesWritten
  return bytes
}

/**
 * CloudFront's 33 fields for one exchange (spec §11.8), then the access line's reqId, behavior,
 * origin and originMs: the values of its line (access-line.ts), in one array.
 */
function accessValues(ex: Exchange, nowMs: number, includeCookies: boolean): LineValues {
  const v = ex.viewer
  const h = v.headers
  const res = ex.res
  const sent = res.headersSent
  const { date, time } = dateAndTime(nowMs)
  const { read, written, tls } = wireBytes(ex)
  const headers = ex.response?.headers
  const range = res.statusCode === 206 ? rangeOf(str(headers?.['content-range'])) : undefined
  const hungUp = ex.detailedResult === 'ClientHungUpRequest'
  const firstByte = sent
    ? seconds((ex.headersAtMs === 0 ? nowMs : ex.headersAtMs) - ex.startedAtMs)
    : undefined
  // In W3C_FIELDS' order, then the line's own.
  return [
    date,
    time,
    ex.dist.pop, // x-edge-location
    Math.max(written, ex.bytesSent), // sc-bytes
    v.clientIp, // c-ip
    v.method, // cs-method
    ex.dist.distributionDomain, // cs(Host)
    v.path, // cs-uri-stem
    sent ? res.statusCode : '000', // sc-status
    str(h.referer), // cs(Referer)
    str(h['user-agent']), // cs(User-Agent)
    v.query, // cs-uri-query
    includeCookies ? str(h.cookie) : undefined, // cs(Cookie)
    ex.resultType, // x-edge-result-type
    ex.id, // x-edge-request-id
    str(h.host), // x-host-header
    v.scheme, // cs-protocol
    read, // cs-bytes
    seconds(nowMs - ex.startedAtMs), // time-taken
    str(h['x-forwarded-for']), // x-forwarded-for
    tls?.getProtocol() ?? undefined, // ssl-protocol
    // null once the socket is gone (a viewer that hung up), whatever node's types say.
    (tls?.getCipher() as { name: string } | null | undefined)?.name, // ssl-cipher
    hungUp || !sent ? 'Error' : ex.resultType, // x-edge-response-result-type
    protocolVersion(v.httpVersion), // cs-protocol-version
    undefined, // fle-status
    undefined, // fle-encrypted-fields
    v.clientPort, // c-port
    firstByte, // time-to-first-byte
    ex.detailedResult ?? ex.resultType, // x-edge-detailed-result-type
    str(headers?.['content-type']), // sc-content-type
    str(headers?.['content-length']) ?? bodyLength(ex), // sc-content-len
    range?.[0], // sc-range-start
    range?.[1], // sc-range-end
    ex.id, // reqId
    ex.behavior.id, // behavior
    ex.origin?.id, // origin
    ex.originMs, // originMs
  ]
}

/** The record of a line's values: CloudFront's 33 fields, keyed by name (spec §11.8). */
function recordOf(values: LineValues): AccessRecord {
  const r: Record<string, string | number | undefined> = {}
  for (let i = 0; i < W3C_FIELDS.length; i++) r[W3C_FIELDS[i] as W3cField] = values[i]
  return r as AccessRecord
}

/** cs-protocol-version of node's httpVersion; the usual ones made once (a string built per
 * request is compared with the previous line's character by character). */
function protocolVersion(httpVersion: string): string {
  if (httpVersion === '1.1') return 'HTTP/1.1'
  return httpVersion === '2.0' ? 'HTTP/2.0' : `HTTP/${httpVersion}`
}

/** A body held in memory is sent with its length as Content-Length. */
function bodyLength(ex: Exchange): number | undefined {
  const body = ex.response?.body
  return Buffer.isBuffer(body) && ex.viewer.method !== 'HEAD' ? body.length : undefined
}

function str(v: string | string[] | number | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : typeof v === 'number' ? String(v) : v
}
