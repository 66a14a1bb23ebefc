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
  type AccessRecord,
} from './cloudfront/access-log.js'
import type { AccessLogConfig } from './config/types.js'
import type { Exchange } from './pipeline/exchange.js'
import { HeldAccessLines } from './access-line.js'
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
  const toPino = log.isLevelEnabled('info')
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
      const rec = accessRecord(ex, nowMs, cookies)
      // The level is read per line, as log.info would (a logger's level can change).
      if (own !== undefined && ex.failedOver === undefined && log.isLevelEnabled('info')) {
        const extra = {
          reqId: ex.id,
          behavior: ex.behavior.id,
          origin: ex.origin?.id,
          originMs: ex.originMs,
        }
        own.lines.add(rec, extra, Date.now())
      } else if (toPino) {
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
      w3c?.write(formatW3cLine(rec))
    },
    close() {
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
/** A connection's byte counts when its previous exchange finished. */
interface Counted {
  read: number
  written: number
}
type CountedSocket = Socket & { [kCounted]?: Counted }

/** Bytes this exchange moved on its connection since the previous exchange on it finished. */
function socketBytes(socket: CountedSocket): { read: number; written: number } {
  // Each read once: both are getters (bytesRead asks the native handle). One object per
  // connection holds the counts: a socket's shape varies, and loads and stores keyed on it are
  // megamorphic.
  const bytesRead = socket.bytesRead
  const bytesWritten = socket.bytesWritten
  const counted = socket[kCounted]
  if (counted === undefined) {
    socket[kCounted] = { read: bytesRead, written: bytesWritten }
    return { read: bytesRead, written: bytesWritten }
  }
  const bytes = { read: bytesRead - counted.read, written: bytesWritten - counted.written }
  counted.read = bytesRead
  counted.written = bytesWritten
  return bytes
}

/** CloudFront's 33 fields for one exchange (spec §11.8). */
export function accessRecord(ex: Exchange, nowMs: number, includeCookies: boolean): AccessRecord {
  const v = ex.viewer
  const h = v.headers
  const res = ex.res
  const sent = res.headersSent
  const { date, time } = dateAndTime(nowMs)
  const bytes = socketBytes(v.socket)
  const headers = ex.response?.headers
  const range = res.statusCode === 206 ? rangeOf(str(headers?.['content-range'])) : undefined
  const tls = v.socket instanceof TLSSocket ? v.socket : undefined
  const hungUp = ex.detailedResult === 'ClientHungUpRequest'
  return {
    date,
    time,
    'x-edge-location': ex.dist.pop,
    'sc-bytes': Math.max(bytes.written, ex.bytesSent),
    'c-ip': v.clientIp,
    'cs-method': v.method,
    'cs(Host)': ex.dist.distributionDomain,
    'cs-uri-stem': v.path,
    'sc-status': sent ? res.statusCode : '000',
    'cs(Referer)': str(h.referer),
    'cs(User-Agent)': str(h['user-agent']),
    'cs-uri-query': v.query,
    'cs(Cookie)': includeCookies ? str(h.cookie) : undefined,
    'x-edge-result-type': ex.resultType,
    'x-edge-request-id': ex.id,
    'x-host-header': str(h.host),
    'cs-protocol': v.scheme,
    'cs-bytes': bytes.read,
    'time-taken': seconds(nowMs - ex.startedAtMs),
    'x-forwarded-for': str(h['x-forwarded-for']),
    'ssl-protocol': tls?.getProtocol() ?? undefined,
    // null once the socket is gone (a viewer that hung up), whatever node's types say.
    'ssl-cipher': (tls?.getCipher() as { name: string } | null | undefined)?.name,
    'x-edge-response-result-type': hungUp || !sent ? 'Error' : ex.resultType,
    'cs-protocol-version': `HTTP/${v.httpVersion === '2.0' ? '2.0' : v.httpVersion}`,
    'fle-status': undefined,
    'fle-encrypted-fields': undefined,
    'c-port': v.clientPort,
    'time-to-first-byte': sent
      ? seconds((ex.headersAtMs === 0 ? nowMs : ex.headersAtMs) - ex.startedAtMs)
      : undefined,
    'x-edge-detailed-result-type': ex.detailedResult ?? ex.resultType,
    'sc-content-type': str(headers?.['content-type']),
    'sc-content-len': str(headers?.['content-length']) ?? bodyLength(ex),
    'sc-range-start': range?.[0],
    'sc-range-end': range?.[1],
  }
}

/** A body held in memory is sent with its length as Content-Length. */
function bodyLength(ex: Exchange): number | undefined {
  const body = ex.response?.body
  return Buffer.isBuffer(body) && ex.viewer.method !== 'HEAD' ? body.length : undefined
}

function str(v: string | string[] | number | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : typeof v === 'number' ? String(v) : v
}
