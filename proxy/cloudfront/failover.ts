// Origin-group failover decision (spec §1.4, §0 step 14): for viewer GET/HEAD/OPTIONS only, the
// secondary is tried when the primary answers with a configured status code, cannot be
// connected to (all attempts failed) or times out. Pure: the fetch stage does the I/O.
import { EdgeError, type ErrorCode } from '../errors.js'

/** The status codes an origin group may fail over on (§1.4, console list). */
export const FAILOVER_STATUS_CODES: readonly number[] = [400, 403, 404, 416, 500, 502, 503, 504]

const FAILOVER_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS'])

/** What the primary did: answered with a status, or failed before its headers arrived. */
export type AttemptOutcome =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'failed'; readonly error: unknown }

/** Why the primary was abandoned, as logged: `status 503`, `connect failure` or `timeout`. */
export type FailoverReason = `status ${number}` | 'connect failure' | 'timeout'

/**
 * CloudFront's error codes that count as "the connection attempts failed" or "timed out".
 * UNCONFIRMED (§1.4 is silent): an invalid or oversized response is an answer, not a
 * connection failure, so it does not fail over.
 */
const ERROR_REASONS: Partial<Record<ErrorCode, FailoverReason>> = {
  ORIGIN_CONNECT: 'connect failure',
  ORIGIN_DNS: 'connect failure',
  ORIGIN_CONNECT_TIMEOUT: 'timeout',
  ORIGIN_TIMEOUT: 'timeout',
}

/** The reason to try the secondary, or undefined when the primary's result is final. */
export function shouldFailOver(
  method: string,
  outcome: AttemptOutcome,
  statusCodes: readonly number[],
): FailoverReason | undefined {
  if (!FAILOVER_METHODS.has(method)) return undefined
  if (outcome.kind === 'status') {
    const reason = `status ${String(outcome.status)}` as FailoverReason
    return statusCodes.includes(outcome.status) ? reason : undefined
  }
  return outcome.error instanceof EdgeError ? ERROR_REASONS[outcome.error.code] : undefined
}

/** Checks failover status codes a function gave (§7.5); a message when one is not allowed. */
export function failoverCodesProblem(statusCodes: readonly number[]): string | undefined {
  if (statusCodes.length === 0) return 'failoverCriteria.statusCodes must not be empty'
  const bad = statusCodes.find((c) => !FAILOVER_STATUS_CODES.includes(c))
  return bad === undefined
    ? undefined
    : `failover status code ${String(bad)} is not one of ${FAILOVER_STATUS_CODES.join(', ')}`
}
