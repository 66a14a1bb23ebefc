// Regressions from the review of the cache engine (unit level): a too-large body handed back
// by collectBody releases its source even when destroyed unread; weak ETags compare weakly
// (RFC 9110 §8.8.3.2); only a provably unsent request is retried for unsafe methods.
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { collectBody } from '../../proxy/cache/body.js'
import { evaluateConditions } from '../../proxy/cloudfront/conditional.js'
import { neverSent } from '../../proxy/origin/errors.js'

describe('review regressions', () => {
  it('a too-large stream destroyed before its first read destroys its source', async () => {
    const source = new Readable({ read() {} })
    source.push(Buffer.alloc(10))
    source.push(Buffer.alloc(10))
    const collected = await collectBody(source, 15)
    if (collected.kind !== 'too-large') assert.fail('expected too-large')
    collected.stream.destroy()
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(source.destroyed, true)
  })

  const META = { etag: 'W/"abc"', lastModified: Date.parse('2026-01-01T00:00:00Z'), size: 10 }
  const ROWS: readonly [Record<string, string>, string][] = [
    [{ 'if-none-match': 'W/"abc"' }, 'not-modified'],
    [{ 'if-none-match': '"abc"' }, 'not-modified'],
    [{ 'if-none-match': '"other"' }, 'full'],
    [{ 'if-match': '"abc"' }, 'precondition-failed'],
    [{ 'if-match': '*' }, 'full'],
  ]
  for (const [headers, kind] of ROWS) {
    it(`stored weak ETag, ${JSON.stringify(headers)} → ${kind}`, () => {
      assert.equal(evaluateConditions(META, headers).kind, kind)
    })
  }

  const CODES: readonly [string, boolean][] = [
    ['ECONNREFUSED', true],
    ['UND_ERR_CONNECT_TIMEOUT', true],
    ['ENOTFOUND', true],
    ['ECONNRESET', false],
    ['UND_ERR_SOCKET', false],
    ['UND_ERR_HEADERS_TIMEOUT', false],
  ]
  for (const [code, sent] of CODES) {
    it(`${code}: ${sent ? 'never reached the origin' : 'may have reached the origin'}`, () => {
      assert.equal(neverSent(Object.assign(new Error(code), { code })), sent)
    })
  }
})
