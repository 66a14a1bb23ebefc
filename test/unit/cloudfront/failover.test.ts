// Spec §1.4: an origin group fails over for viewer GET/HEAD/OPTIONS when the primary answers
// with a configured status code, cannot be connected to, or times out — and never otherwise.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  FAILOVER_STATUS_CODES,
  failoverCodesProblem,
  shouldFailOver,
  type AttemptOutcome,
} from '../../../proxy/cloudfront/failover.js'
import { EdgeError, type ErrorCode } from '../../../proxy/errors.js'

const CONFIGURED = [404, 503]
const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']
const FAILS_OVER = new Set(['GET', 'HEAD', 'OPTIONS'])

const status = (s: number): AttemptOutcome => ({ kind: 'status', status: s })
const failed = (code: ErrorCode): AttemptOutcome => ({ kind: 'failed', error: new EdgeError(code) })

/** [what the primary did, the reason for a failover method (undefined: no failover)]. */
const OUTCOMES: readonly [string, AttemptOutcome, string | undefined][] = [
  ['404 (configured)', status(404), 'status 404'],
  ['503 (configured)', status(503), 'status 503'],
  ['200', status(200), undefined],
  ['304', status(304), undefined],
  ['301', status(301), undefined],
  ['500 (not configured)', status(500), undefined],
  ['403 (not configured)', status(403), undefined],
  ['connection refused', failed('ORIGIN_CONNECT'), 'connect failure'],
  ['DNS failure', failed('ORIGIN_DNS'), 'connect failure'],
  ['connect timeout', failed('ORIGIN_CONNECT_TIMEOUT'), 'timeout'],
  ['read timeout', failed('ORIGIN_TIMEOUT'), 'timeout'],
  ['invalid response', failed('ORIGIN_INVALID_RESPONSE'), undefined],
  ['oversized headers', failed('ORIGIN_HEADER_TOO_BIG'), undefined],
  ['a non-EdgeError', { kind: 'failed', error: new Error('bug') }, undefined],
]

describe('origin failover decision (spec §1.4)', () => {
  for (const method of METHODS) {
    for (const [what, outcome, reason] of OUTCOMES) {
      const expected = FAILS_OVER.has(method) ? reason : undefined
      it(`${method}, primary ${what} → ${expected ?? 'no failover'}`, () => {
        assert.equal(shouldFailOver(method, outcome, CONFIGURED), expected)
      })
    }
  }

  for (const code of FAILOVER_STATUS_CODES) {
    it(`GET fails over on ${String(code)} only when it is configured`, () => {
      assert.equal(shouldFailOver('GET', status(code), [code]), `status ${String(code)}`)
      const others = FAILOVER_STATUS_CODES.filter((c) => c !== code)
      assert.equal(shouldFailOver('GET', status(code), others), undefined)
    })
  }
})

describe('failover codes a function gives (spec §7.5)', () => {
  const ROWS: readonly [readonly number[], RegExp | undefined][] = [
    [[500, 502, 503, 504], undefined],
    [FAILOVER_STATUS_CODES, undefined],
    [[404], undefined],
    [[], /must not be empty/],
    [[503, 501], /501 is not one of 400, 403, 404, 416, 500, 502, 503, 504/],
    [[401], /401/],
  ]
  for (const [codes, problem] of ROWS) {
    it(`[${codes.join(', ')}] → ${problem === undefined ? 'accepted' : 'refused'}`, () => {
      const got = failoverCodesProblem(codes)
      if (problem === undefined) assert.equal(got, undefined)
      else assert.match(got ?? '', problem)
    })
  }
})
