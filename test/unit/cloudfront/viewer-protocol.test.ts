// Spec §11.5 (viewer protocol policy) and §11.9 (size limits), one row per rule.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ViewerProtocolPolicy } from '../../../proxy/config/types.js'
import { checkRequestSize } from '../../../proxy/cloudfront/request-limits.js'
import {
  decideViewerProtocol,
  httpsLocation,
  isKnownMethod,
} from '../../../proxy/cloudfront/viewer-protocol.js'

type Row = [ViewerProtocolPolicy, 'http' | 'https', string, string, string]
const ROWS: readonly Row[] = [
  ['allow-all', 'http', 'GET', '1.1', 'pass'],
  ['allow-all', 'https', 'POST', '1.1', 'pass'],
  ['redirect-to-https', 'https', 'GET', '1.1', 'pass'],
  ['redirect-to-https', 'http', 'GET', '1.1', 'redirect 301'],
  ['redirect-to-https', 'http', 'HEAD', '1.1', 'redirect 301'],
  ['redirect-to-https', 'http', 'GET', '1.0', 'redirect 301'],
  ['redirect-to-https', 'http', 'POST', '1.1', 'redirect 307'],
  ['redirect-to-https', 'http', 'PUT', '1.1', 'redirect 307'],
  ['redirect-to-https', 'http', 'DELETE', '1.1', 'redirect 307'],
  ['redirect-to-https', 'http', 'OPTIONS', '1.1', 'redirect 307'],
  ['redirect-to-https', 'http', 'PATCH', '1.1', 'redirect 307'],
  ['redirect-to-https', 'http', 'POST', '1.0', 'refuse'],
  ['https-only', 'http', 'GET', '1.1', 'refuse'],
  ['https-only', 'https', 'GET', '1.1', 'pass'],
]

describe('viewer protocol policy (spec §11.5)', () => {
  for (const [policy, scheme, method, version, expected] of ROWS) {
    it(`${policy}, ${method} over ${scheme} HTTP/${version} → ${expected}`, () => {
      const d = decideViewerProtocol(policy, scheme, method, version)
      assert.equal(d.kind === 'redirect' ? `redirect ${String(d.status)}` : d.kind, expected)
    })
  }
  const LOCATIONS: readonly [string, string, number | undefined, string][] = [
    ['example.com', '/a?b=1', undefined, 'https://example.com/a?b=1'],
    ['example.com:8080', '/a', undefined, 'https://example.com/a'],
    ['127.0.0.1:8080', '/a', 8443, 'https://127.0.0.1:8443/a'],
    ['[::1]:8080', '/', 8443, 'https://[::1]:8443/'],
    ['example.com', '/', 443, 'https://example.com/'],
  ]
  for (const [host, url, port, expected] of LOCATIONS) {
    it(`Location for Host ${host}${url} (https port ${String(port)}) → ${expected}`, () => {
      assert.equal(httpsLocation(host, url, port), expected)
    })
  }
  it('knows exactly the seven CloudFront methods (§11.6)', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']) {
      assert.equal(isKnownMethod(m), true, m)
    }
    for (const m of ['TRACE', 'CONNECT', 'PROPFIND', 'get'])
      assert.equal(isKnownMethod(m), false, m)
  })
})

describe('request size limits (spec §11.9)', () => {
  it('accepts a URL of exactly 8,192 bytes', () => {
    assert.equal(checkRequestSize('GET', '/' + 'a'.repeat(8191), []), undefined)
  })
  it('refuses a URL of 8,193 bytes', () => {
    assert.equal(checkRequestSize('GET', '/' + 'a'.repeat(8192), []), 'url')
  })
  it('counts request line and headers against 20,480 bytes', () => {
    // "GET / HTTP/1.1\r\n" = 16 bytes; "x: v\r\n" = name + value + 4.
    const value = (n: number) => ['x', 'v'.repeat(n)]
    assert.equal(checkRequestSize('GET', '/', value(20480 - 16 - 5)), undefined)
    assert.equal(checkRequestSize('GET', '/', value(20480 - 16 - 4)), 'head')
  })
})
