// Origin failures → CloudFront errors, in one table (spec §1.3): an origin that does not
// answer in time is a 504; one that cannot be reached or spoke nonsense is a 502.
// undici's and node's error codes exist only here (design.md §1 principle 4).
import { EdgeError, type ErrorCode } from '../errors.js'

const BY_CODE: Readonly<Record<string, ErrorCode>> = {
  UND_ERR_CONNECT_TIMEOUT: 'ORIGIN_CONNECT_TIMEOUT',
  ETIMEDOUT: 'ORIGIN_CONNECT_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ORIGIN_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'ORIGIN_TIMEOUT',
  EDGE_RESPONSE_COMPLETION_TIMEOUT: 'ORIGIN_TIMEOUT',
  ECONNREFUSED: 'ORIGIN_CONNECT',
  EHOSTUNREACH: 'ORIGIN_CONNECT',
  ENETUNREACH: 'ORIGIN_CONNECT',
  EADDRNOTAVAIL: 'ORIGIN_CONNECT',
  ECONNRESET: 'ORIGIN_CONNECT',
  EPIPE: 'ORIGIN_CONNECT',
  UND_ERR_SOCKET: 'ORIGIN_CONNECT',
  UND_ERR_CLOSED: 'ORIGIN_CONNECT',
  ENOTFOUND: 'ORIGIN_DNS',
  EAI_AGAIN: 'ORIGIN_DNS',
  EAI_FAIL: 'ORIGIN_DNS',
  UND_ERR_HEADERS_OVERFLOW: 'ORIGIN_HEADER_TOO_BIG',
  UND_ERR_INFO: 'ORIGIN_INVALID_RESPONSE',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'ORIGIN_INVALID_RESPONSE',
}

/** True for failures where nothing reached the origin: another attempt is safe. */
export function isConnectFailure(code: ErrorCode): boolean {
  return code === 'ORIGIN_CONNECT' || code === 'ORIGIN_CONNECT_TIMEOUT' || code === 'ORIGIN_DNS'
}

/** Codes that prove the request never reached the origin: safe to send again for any method. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
])

/** True when `err` proves nothing reached the origin (a reset or closed socket does not). */
export function neverSent(err: unknown): boolean {
  const code = err instanceof EdgeError ? errorCode(err.cause) : errorCode(err)
  return code !== undefined && NEVER_SENT.has(code)
}

export function mapOriginError(err: unknown): EdgeError {
  if (err instanceof EdgeError) return err
  const code = errorCode(err)
  const mapped: ErrorCode =
    (code !== undefined ? BY_CODE[code] : undefined) ??
    (code?.startsWith('HPE_') === true ? 'ORIGIN_INVALID_RESPONSE' : undefined) ??
    (code !== undefined && /CERT|SSL|TLS/.test(code) ? 'ORIGIN_CONNECT' : undefined) ??
    'ORIGIN_CONNECT'
  return new EdgeError(mapped, undefined, { cause: err })
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') return code
  // AggregateError from happy-eyeballs connects carries the codes on its members.
  const errors = (err as { errors?: unknown }).errors
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0])
  const cause = (err as { cause?: unknown }).cause
  return cause !== undefined && cause !== err ? errorCode(cause) : undefined
}
