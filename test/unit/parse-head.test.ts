// The fast hit path's request heads (proxy/fast-hit/parse-head.ts): what it reads, in node's
// shapes, and every kind of head it leaves to node:http (undefined).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseHead } from '../../proxy/fast-hit/parse-head.js'

const parse = (text: string, start = 0) => parseHead(Buffer.from(text, 'latin1'), start)

describe('parseHead', () => {
  it('reads a GET head in node shapes: raw names as sent, values trimmed, lower-case keys', () => {
    const text = 'GET /a/b.css?x=1&y=%20 HTTP/1.1\r\nHost: edge.test\r\nX-Thing:  v w \t\r\n\r\n'
    const head = parse(text)
    assert.deepEqual(head, {
      method: 'GET',
      url: '/a/b.css?x=1&y=%20',
      rawHeaders: ['Host', 'edge.test', 'X-Thing', 'v w'],
      headers: { host: 'edge.test', 'x-thing': 'v w' },
      next: text.length,
      size: text.length,
    })
  })

  it('reads HEAD, a head without headers, an empty value and Connection: keep-alive', () => {
    assert.equal(parse('HEAD / HTTP/1.1\r\nHost: a\r\n\r\n')?.method, 'HEAD')
    assert.deepEqual(parse('GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n')?.headers, {
      host: 'a',
      'x-empty': '',
    })
    assert.ok(parse('GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive\r\n\r\n'))
    const hundred = Array.from({ length: 99 }, (_, i) => `X-${String(i)}: v\r\n`).join('')
    assert.equal(parse(`GET / HTTP/1.1\r\nHost: a\r\n${hundred}\r\n`)?.rawHeaders.length, 200)
  })

  it('reads the second of two pipelined heads from its offset', () => {
    const one = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n'
    const two = 'GET /2 HTTP/1.1\r\nHost: b\r\n\r\n'
    const first = parse(one + two)
    assert.equal(first?.next, one.length)
    const second = parse(one + two, one.length)
    assert.equal(second?.url, '/2')
    assert.equal(second.next, one.length + two.length)
    assert.equal(first.size, one.length)
    assert.equal(second.size, two.length)
  })

  const leftToNode: ReadonlyArray<readonly [string, string]> = [
    ['an incomplete head', 'GET / HTTP/1.1\r\nHost: a\r\n'],
    ['no Host (node answers 400)', 'GET / HTTP/1.1\r\nX-A: 1\r\n\r\n'],
    ['Proxy-Connection: close', 'GET / HTTP/1.1\r\nHost: a\r\nProxy-Connection: close\r\n\r\n'],
    ['a request Set-Cookie', 'GET / HTTP/1.1\r\nHost: a\r\nSet-Cookie: a=1\r\n\r\n'],
    [
      'more than 100 headers',
      `GET / HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 100 }, (_, i) => `X-${String(i)}: v\r\n`).join('')}\r\n`,
    ],
    ['POST', 'POST / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a lower-case method', 'get / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a\r\n\r\n'],
    ['HTTP/2.0 in the request line', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n'],
    ['an absolute-form target', 'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a fragment in the target', 'GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a quote in the target', 'GET /a"b HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['two spaces after the method', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['Content-Length', 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n'],
    ['Transfer-Encoding', 'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['Upgrade', 'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n'],
    ['Expect', 'GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n'],
    ['Connection: close', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
    ['Connection: upgrade', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, upgrade\r\n\r\n'],
    ['a repeated name', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\n\r\n'],
    ['a name of Object.prototype', 'GET / HTTP/1.1\r\nHost: a\r\n__proto__: x\r\n\r\n'],
    ['constructor', 'GET / HTTP/1.1\r\nHost: a\r\nConstructor: x\r\n\r\n'],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n'],
    ['a line without a colon', 'GET / HTTP/1.1\r\nHost: a\r\nX-A\r\n\r\n'],
    ['an empty name', 'GET / HTTP/1.1\r\nHost: a\r\n: a\r\n\r\n'],
    ['a folded line', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n'],
    ['a bare LF', 'GET / HTTP/1.1\r\nHost: a\nX-A: 1\r\n\r\n'],
    ['a bare CR', 'GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n'],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n'],
    ['a byte above 0x7e in a value', 'GET / HTTP/1.1\r\nHost: caf\u00e9\r\n\r\n'],
    ['DEL in a value', 'GET / HTTP/1.1\r\nHost: a\u007f\r\n\r\n'],
  ]
  for (const [what, text] of leftToNode) {
    it(`leaves ${what} to node`, () => {
      assert.equal(parse(text), undefined)
    })
  }
})
