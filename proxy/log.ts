// Logging (design.md §1): one pino root; one structured access line per request at `done`
// (request id, method, uri, status, bytes, duration, behavior, origin — the one that
// answered — and the failover from an origin group's primary if any, result type).
// LOG_LEVEL sets the level (default info); `silent` turns logging off.
import { pino, type Logger } from 'pino'
import type { Exchange } from './pipeline/exchange.js'

export function createLogger(level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime })
}

export function logAccess(log: Logger, ex: Exchange, nowMs: number): void {
  if (!log.isLevelEnabled('info')) return
  log.info(
    {
      reqId: ex.id,
      method: ex.viewer.method,
      uri: ex.viewer.path,
      query: ex.viewer.query === '' ? undefined : ex.viewer.query,
      status: ex.res.statusCode,
      bytes: ex.bytesSent,
      durationMs: nowMs - ex.startedAtMs,
      originMs: ex.originMs,
      behavior: ex.behavior.id,
      origin: ex.origin?.id,
      failedOver: ex.failedOver,
      result: ex.resultType,
      detailedResult: ex.detailedResult,
      functionUtilization: ex.functionUtilization,
      clientIp: ex.viewer.clientIp,
    },
    'access',
  )
}
