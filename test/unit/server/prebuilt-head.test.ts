// prebuiltHead (proxy/prebuilt-head.ts): a hit head is written as text only where node's
// writeHead would write the same bytes; every row that must go through writeHead says why.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { prebuiltHead } from '../../../proxy/prebuilt-head.js'

const DATE = ['date', 'Tue, 24 Nov 2026 05:00:00 GMT']
const LENGTH = ['content-length', '5']

describe('prebuiltHead', () => {
  it('joins the status line and the headers in order, as writeHead would', () => {
    const head = [
      'content-type',
      'text/plain',
      ...LENGTH,
      ...DATE,
      'set-cookie',
      'a=1',
      'set-cookie',
      'b=2',
    ]
    assert.equal(
      prebuiltHead(200, head),
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n' +
        'date: Tue, 24 Nov 2026 05:00:00 GMT\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n',
    )
    assert.equal(
      prebuiltHead(404, [...LENGTH, ...DATE])?.split('\r\n')[0],
      'HTTP/1.1 404 Not Found',
    )
    assert.equal(prebuiltHead(299, [...LENGTH, ...DATE])?.split('\r\n')[0], 'HTTP/1.1 299 unknown')
  })

  const writeHeadDecides: readonly [string, number, readonly string[]][] = [
    ['204 has no body', 204, [...LENGTH, ...DATE]],
    ['304 has no body', 304, [...LENGTH, ...DATE]],
    ['1xx', 103, [...LENGTH, ...DATE]],
    ['no Content-Length (node adds framing)', 200, [...DATE]],
    ['no Date (node adds one)', 200, [...LENGTH]],
    ['Connection', 200, [...LENGTH, ...DATE, 'connection', 'close']],
    ['Keep-Alive', 200, [...LENGTH, ...DATE, 'Keep-Alive', 'timeout=1']],
    ['Transfer-Encoding', 200, [...LENGTH, ...DATE, 'transfer-encoding', 'chunked']],
    ['Trailer', 200, [...LENGTH, ...DATE, 'trailer', 'x']],
    ['Expect', 200, [...LENGTH, ...DATE, 'expect', '100-continue']],
    [
      'Content-Disposition (node re-encodes it)',
      200,
      [...LENGTH, ...DATE, 'content-disposition', 'inline'],
    ],
    ['an invalid name', 200, [...LENGTH, ...DATE, 'bad name', 'x']],
    ['an invalid value', 200, [...LENGTH, ...DATE, 'x-a', 'line\r\nbreak']],
  ]
  for (const [why, status, head] of writeHeadDecides) {
    it(`leaves it to writeHead: ${why}`, () => {
      assert.equal(prebuiltHead(status, head), undefined)
    })
  }
})
