// Spec §7.1 built-in modules, compared with Node: crypto digests and HMACs, the 1.0 / 2.0
// digest() default, Buffer / TextEncoder / TextDecoder / atob / btoa, querystring parse and
// stringify, and runtime 1.0's njs string helpers.
import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import querystring from 'node:querystring'
import { before, describe, it } from 'node:test'
import { compileViewerFunction, initViewerRuntime } from '../../../functions/viewer/runtime.js'
import type { CfEvent, FunctionRuntime } from '../../../functions/viewer/types.js'

const EVENT: CfEvent = {
  version: '1.0',
  context: { eventType: 'viewer-request' },
  viewer: { ip: '198.51.100.11' },
  request: { method: 'GET', uri: '/', querystring: {}, headers: {}, cookies: {} },
}
/** Evaluates `expr` inside a handler (module imports available in 2.0) and returns its value. */
function evalIn(expr: string, runtime: FunctionRuntime = 'cloudfront-js-2.0'): unknown {
  const code =
    runtime === 'cloudfront-js-2.0'
      ? `import crypto from 'crypto'\nimport qs from 'querystring'\nfunction handler() { return ${expr} }`
      : `var crypto = require('crypto'); var qs = require('querystring');\nfunction handler() { return ${expr} }`
  // A generous budget: these rows check behaviour, not speed.
  const fn = compileViewerFunction({ name: 'm', runtime, code, kvs: undefined, budgetMs: 1000 })
  const inv = fn.invoke(EVENT)
  fn.dispose()
  if (!inv.ok) assert.fail(`${inv.error}: ${inv.message}`)
  return inv.result
}

before(async () => initViewerRuntime())

describe('crypto (spec §7.1)', () => {
  const inputs = ['', 'abc', 'héllo wörld ✓ 😀', 'x'.repeat(5000)]
  for (const alg of ['md5', 'sha1', 'sha256']) {
    for (const enc of ['hex', 'base64', 'base64url'] as const) {
      it(`createHash(${alg}).digest(${enc}) matches node:crypto`, () => {
        const got = evalIn(
          `${JSON.stringify(inputs)}.map(s => crypto.createHash('${alg}').update(s).digest('${enc}'))`,
        )
        assert.deepEqual(
          got,
          inputs.map((s) => createHash(alg).update(s).digest(enc)),
        )
      })
      it(`createHmac(${alg}).digest(${enc}) matches node:crypto`, () => {
        const got = evalIn(
          `${JSON.stringify(inputs)}.map(s => crypto.createHmac('${alg}', 'k€y').update(s).update('+').digest('${enc}'))`,
        )
        assert.deepEqual(
          got,
          inputs.map((s) => createHmac(alg, 'k€y').update(s).update('+').digest(enc)),
        )
      })
    }
  }
  it('2.0 digest() without encoding is a Buffer; Buffer input and keys are raw bytes', () => {
    const got = evalIn(
      "(() => { const d = crypto.createHash('sha256').update(Buffer.from([0, 255, 128])).digest(); return [Buffer.isBuffer(d), d.length, crypto.createHmac('sha1', d).update(new Uint8Array([1, 2])).digest('hex')] })()",
    )
    const d = createHash('sha256')
      .update(Buffer.from([0, 255, 128]))
      .digest()
    assert.deepEqual(got, [
      true,
      32,
      createHmac('sha1', d)
        .update(Buffer.from([1, 2]))
        .digest('hex'),
    ])
  })
  it('1.0 digest() without encoding is a byte string usable as an HMAC key (SigV4 chain)', () => {
    const got = evalIn(
      "(function () { var k = crypto.createHmac('sha256', 'AWS4secret').update('20240101').digest(); return [typeof k, k.length, crypto.createHmac('sha256', k).update('us-east-1').digest('hex')] })()",
      'cloudfront-js-1.0',
    )
    const k = createHmac('sha256', 'AWS4secret').update('20240101').digest()
    assert.deepEqual(got, ['string', 32, createHmac('sha256', k).update('us-east-1').digest('hex')])
  })
  it('rejects other algorithms and a second digest()', () => {
    assert.match(
      String(
        evalIn("(() => { try { crypto.createHash('sha512') } catch (e) { return e.message } })()"),
      ),
      /not supported/,
    )
    assert.match(
      String(
        evalIn(
          "(() => { const h = crypto.createHash('md5'); h.digest('hex'); try { h.digest('hex') } catch (e) { return e.message } })()",
        ),
      ),
      /already called/,
    )
  })
})

describe('Buffer, TextEncoder, TextDecoder, atob, btoa (spec §7.1, 2.0)', () => {
  const text = 'héllo ✓ 😀 ~~~???>>>'
  const rows: [string, string, unknown][] = [
    [
      'utf8 → hex',
      `Buffer.from(${JSON.stringify(text)}).toString('hex')`,
      Buffer.from(text).toString('hex'),
    ],
    [
      'utf8 → base64',
      `Buffer.from(${JSON.stringify(text)}, 'utf8').toString('base64')`,
      Buffer.from(text).toString('base64'),
    ],
    [
      'utf8 → base64url',
      `Buffer.from(${JSON.stringify(text)}).toString('base64url')`,
      Buffer.from(text).toString('base64url'),
    ],
    [
      'base64 → utf8',
      `Buffer.from('${Buffer.from(text).toString('base64')}', 'base64').toString()`,
      text,
    ],
    [
      'base64url → utf8',
      `Buffer.from('${Buffer.from(text).toString('base64url')}', 'base64url').toString('utf8')`,
      text,
    ],
    ['hex → bytes', "Array.from(Buffer.from('00ff10', 'hex'))", [0, 255, 16]],
    [
      'invalid utf8 → U+FFFD as Node',
      'Buffer.from([0x61, 0xc3, 0x28, 0xff, 0xe2, 0x82]).toString()',
      Buffer.from([0x61, 0xc3, 0x28, 0xff, 0xe2, 0x82]).toString(),
    ],
    [
      'byteLength',
      `[Buffer.byteLength(${JSON.stringify(text)}), Buffer.byteLength('aGk=', 'base64')]`,
      [Buffer.byteLength(text), 2],
    ],
    [
      'concat, slice, length',
      "(() => { const b = Buffer.concat([Buffer.from('ab'), Buffer.from('cd')]); const s = b.slice(1, 3); s[0] = 0x5a; return [b.length, b.toString(), s.toString(), Buffer.isBuffer(s)] })()",
      [4, 'aZcd', 'Zc', true],
    ],
    [
      'equals',
      "[Buffer.from('ab').equals(Buffer.from('ab')), Buffer.from('ab').equals(Buffer.from('ac'))]",
      [true, false],
    ],
    ['toString range', "Buffer.from('abcdef').toString('utf8', 1, 3)", 'bc'],
    [
      'TextEncoder',
      `Array.from(new TextEncoder().encode('é✓'))`,
      [...new TextEncoder().encode('é✓')],
    ],
    [
      'TextDecoder',
      'new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0xc3, 0xa9]))',
      'é',
    ],
    [
      'TextDecoder fatal',
      "(() => { try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])) } catch (e) { return e.name } })()",
      'TypeError',
    ],
    [
      'btoa / atob',
      "[btoa('hi\\u00ff'), atob('aGn/'), atob(' aG k= ')]",
      [btoa('hi\u00ff'), atob('aGn/'), 'hi'],
    ],
    [
      'atob rejects junk',
      "(() => { try { atob('a') } catch (e) { return e.name } })()",
      'InvalidCharacterError',
    ],
    ['require(buffer)', "require('buffer').Buffer === Buffer", true],
  ]
  for (const [name, expr, want] of rows) {
    it(name, () => {
      assert.deepEqual(evalIn(expr), want)
    })
  }
})

describe('querystring (spec §7.1), row by row against node:querystring', () => {
  const parseRows: [string, ...unknown[]][] = [
    ['a=1&b=2'],
    ['a=1&a=2&a=3&b'],
    ['flag&empty=&=v&&x=%20y+z'],
    ['k%C3%A9=v%E2%9C%93'],
    ['bad=%E0%A4%A&pct=%zz&lone=%'],
    ['a=1;b=2', ';'],
    ['a:1|b:2', '|', ':'],
    ['a=1&b=2&c=3', '&', '=', { maxKeys: 2 }],
    ['x=%41+B', '&', '=', { decodeURIComponent: 'upper' }],
    [''],
  ]
  for (const [input, ...args] of parseRows) {
    it(`parse(${JSON.stringify([input, ...args])})`, () => {
      const opts = args[2] as { decodeURIComponent?: string; maxKeys?: number } | undefined
      const custom = opts?.decodeURIComponent === 'upper'
      const optsSrc = custom
        ? '{ decodeURIComponent: (s) => decodeURIComponent(s).toUpperCase() }'
        : JSON.stringify(opts ?? null)
      const got = evalIn(
        `qs.parse(${JSON.stringify(input)}, ${JSON.stringify(args[0] ?? null)}, ${JSON.stringify(args[1] ?? null)}, ${optsSrc})`,
      )
      const nodeOpts: querystring.ParseOptions | undefined = custom
        ? { decodeURIComponent: (s: string) => decodeURIComponent(s).toUpperCase() }
        : (opts as querystring.ParseOptions | undefined)
      assert.deepEqual(got, {
        ...querystring.parse(input, args[0] as string, args[1] as string, nodeOpts),
      })
    })
  }
  it('parse honours maxKeys 1000 by default', () => {
    const input = Array.from({ length: 1005 }, (_, i) => `k${String(i)}=${String(i)}`).join('&')
    assert.equal(evalIn(`Object.keys(qs.parse(${JSON.stringify(input)})).length`), 1000)
  })
  const objects: [string, querystring.ParsedUrlQueryInput][] = [
    ["{ a: '1', b: ['x', 'y z'], c: '' }", { a: '1', b: ['x', 'y z'], c: '' }],
    [
      "{ 'k é': 'v&=✓', n: 3, t: true, u: undefined, nul: null, o: {}, e: [], big: 1e21 }",
      {
        'k é': 'v&=✓',
        n: 3,
        t: true,
        u: undefined,
        nul: null,
        o: {},
        e: [],
        big: 1e21,
      } as unknown as querystring.ParsedUrlQueryInput,
    ],
  ]
  for (const [src, obj] of objects) {
    it(`stringify/encode(${src})`, () => {
      const want = querystring.stringify(obj)
      assert.deepEqual(
        evalIn(`[qs.stringify(${src}), qs.encode(${src}), qs.stringify(${src}, ';', ':')]`),
        [want, want, querystring.stringify(obj, ';', ':')],
      )
    })
  }
  it('escape / unescape / decode', () => {
    const got = evalIn(
      "[qs.escape('a b&é'), qs.unescape('a%20b%26%C3%A9'), qs.unescape('%E0%A4%A'), qs.decode('a=1').a]",
    )
    assert.deepEqual(got, [
      querystring.escape('a b&é'),
      'a b&é',
      querystring.unescape('%E0%A4%A'),
      '1',
    ])
  })
  it('works through require in 1.0', () => {
    assert.deepEqual(evalIn("qs.parse('a=1&a=2')", 'cloudfront-js-1.0'), { a: ['1', '2'] })
  })
})

describe('runtime 1.0 string helpers (spec §7.1)', () => {
  const rows: [string, string, unknown][] = [
    ['toUTF8', "'é'.toUTF8()", '\u00c3\u00a9'],
    ['fromUTF8', "'\\u00c3\\u00a9'.fromUTF8()", 'é'],
    ['fromUTF8 of invalid bytes', "'\\u00ff'.fromUTF8()", null],
    ['toBytes', "['abc'.toBytes(), '✓'.toBytes(), 'abcd'.toBytes(1, 3)]", ['abc', null, 'bc']],
    ['fromBytes', "'\\u00e9'.fromBytes()", 'é'],
    [
      'String.bytesFrom hex / array',
      "[String.bytesFrom('6869', 'hex'), String.bytesFrom([104, 105]), '6869'.bytesFrom('hex')]",
      ['hi', 'hi', 'hi'],
    ],
    ['no Buffer in 1.0', 'typeof Buffer', 'undefined'],
  ]
  for (const [name, expr, want] of rows) {
    it(name, () => {
      assert.deepEqual(evalIn(expr, 'cloudfront-js-1.0'), want)
    })
  }
})
