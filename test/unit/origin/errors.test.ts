// Spec §1.3: origin failures map to 502 (cannot connect / invalid response) or 504 (no answer
// in time), in one table.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EdgeError } from '../../../proxy/errors.js'
import { isConnectFailure, mapOriginError } from '../../../proxy/origin/errors.js'

const ROWS: readonly [code: string, status: number, errorCode: string][] = [
  ['ECONNREFUSED', 502, 'ORIGIN_CONNECT'],
  ['ECONNRESET', 502, 'ORIGIN_CONNECT'],
  ['UND_ERR_SOCKET', 502, 'ORIGIN_CONNECT'],
  ['ENOTFOUND', 502, 'ORIGIN_DNS'],
  ['EAI_AGAIN', 502, 'ORIGIN_DNS'],
  ['UND_ERR_CONNECT_TIMEOUT', 504, 'ORIGIN_CONNECT_TIMEOUT'],
  ['UND_ERR_HEADERS_TIMEOUT', 504, 'ORIGIN_TIMEOUT'],
  ['UND_ERR_BODY_TIMEOUT', 504, 'ORIGIN_TIMEOUT'],
  ['UND_ERR_HEADERS_OVERFLOW', 502, 'ORIGIN_HEADER_TOO_BIG'],
  ['HPE_INVALID_CONSTANT', 502, 'ORIGIN_INVALID_RESPONSE'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 502, 'ORIGIN_CONNECT'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 502, 'ORIGIN_CONNECT'],
  ['SOMETHING_NEW', 502, 'ORIGIN_CONNECT'],
]

describe('origin error mapping (spec §1.3)', () => {
  for (const [code, status, errorCode] of ROWS) {
    it(`${code} → ${String(status)} ${errorCode}`, () => {
      const e = mapOriginError(Object.assign(new Error(code), { code }))
      assert.equal(e.status, status)
      assert.equal(e.code, errorCode)
    })
  }
  it('reads the code of an AggregateError member (happy eyeballs)', () => {
    const agg = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])
    assert.equal(mapOriginError(agg).code, 'ORIGIN_CONNECT')
  })
  it('passes EdgeErrors through', () => {
    const e = new EdgeError('ORIGIN_TIMEOUT')
    assert.equal(mapOriginError(e), e)
  })
  it('only connection failures are safe to retry for every method', () => {
    assert.equal(isConnectFailure('ORIGIN_CONNECT'), true)
    assert.equal(isConnectFailure('ORIGIN_CONNECT_TIMEOUT'), true)
    assert.equal(isConnectFailure('ORIGIN_TIMEOUT'), false)
    assert.equal(isConnectFailure('ORIGIN_INVALID_RESPONSE'), false)
  })
})
