// Spec §7.1–§7.5: compiling functions (size, syntax, handler lookup), script vs module syntax,
// async handlers, console capture, the frozen Date, KeyValueStore reads and the recorded
// origin helpers of the CloudFront Functions runtime.
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { compileViewerFunction, initViewerRuntime } from '../../../functions/viewer/runtime.js'
import {
  FunctionCompileError,
  type CfEvent,
  type FunctionRuntime,
  type Invocation,
  type KeyValueStore,
} from '../../../functions/viewer/types.js'

const event = (eventType: 'viewer-request' | 'viewer-response' = 'viewer-request'): CfEvent => ({
  version: '1.0',
  context: { eventType },
  viewer: { ip: '198.51.100.11' },
  request: { method: 'GET', uri: '/a/b', querystring: {}, headers: {}, cookies: {} },
  ...(eventType === 'viewer-response'
    ? { response: { statusCode: 200, headers: {}, cookies: {} } }
    : {}),
})
const store: KeyValueStore = {
  name: 'kvs-main',
  id: 'a1b2c3',
  arn: 'arn:aws:cloudfront::123:key-value-store/a1b2c3',
  get: (k) => ({ greeting: 'héllo', doc: '{"n":1}' })[k],
  meta: () => ({
    creationDateTime: '2024-01-01T00:00:00Z',
    lastUpdatedDateTime: '2024-02-01T00:00:00Z',
    keyCount: 2,
  }),
}
function run(
  code: string,
  opts: { runtime?: FunctionRuntime; kvs?: KeyValueStore; ev?: CfEvent } = {},
): Invocation {
  const fn = compileViewerFunction({
    name: 't',
    runtime: opts.runtime ?? 'cloudfront-js-2.0',
    code,
    kvs: opts.kvs,
  })
  try {
    return fn.invoke(opts.ev ?? event())
  } finally {
    fn.dispose()
  }
}
function failure(inv: Invocation): Extract<Invocation, { ok: false }> {
  if (inv.ok) assert.fail('expected the invocation to fail')
  return inv
}
function ok(inv: Invocation): unknown {
  if (!inv.ok) assert.fail(`${inv.error}: ${inv.message}`)
  return inv.result
}

before(async () => initViewerRuntime())

describe('compileViewerFunction (spec §7.1)', () => {
  const rows: [string, string, RegExp][] = [
    [
      'syntax error with line',
      'function handler(e) {\n  return e +;\n}',
      /SyntaxError.*\(line 2\)/,
    ],
    ['unterminated code', 'function handler( {', /SyntaxError.*\(line 1\)/],
    ['no handler', 'function handle(e) { return e }', /no handler function found/],
    ['handler not a function', 'var handler = 1', /no handler function found/],
    ['top-level throw', 'throw new Error("boom")\nfunction handler(e) {}', /Error: boom/],
    ['unknown module', "import x from 'fs'\nfunction handler(e) {}", /Cannot find module 'fs'/],
  ]
  for (const [name, code, re] of rows) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () =>
          compileViewerFunction({ name: 'f', runtime: 'cloudfront-js-2.0', code, kvs: undefined }),
        (e: unknown) => e instanceof FunctionCompileError && re.test(e.message),
      )
    })
  }
  it('module syntax is a syntax error in 1.0', () => {
    const code = "import cf from 'cloudfront'\nfunction handler(e) { return 1 }"
    assert.throws(
      () =>
        compileViewerFunction({ name: 'f', runtime: 'cloudfront-js-1.0', code, kvs: undefined }),
      FunctionCompileError,
    )
  })
})

describe('handler forms (spec §7.1)', () => {
  const rows: [string, FunctionRuntime, string][] = [
    ['1.0 script', 'cloudfront-js-1.0', 'function handler(event) { return event.request.uri }'],
    ['2.0 script', 'cloudfront-js-2.0', 'function handler(event) { return event.request.uri }'],
    ['2.0 const arrow', 'cloudfront-js-2.0', 'const handler = (event) => event.request.uri'],
    [
      '2.0 module, unexported handler',
      'cloudfront-js-2.0',
      "import cf from 'cloudfront'\nimport crypto from 'crypto'\nfunction handler(event) { return event.request.uri }",
    ],
    [
      '2.0 async',
      'cloudfront-js-2.0',
      'async function handler(event) { await null; return event.request.uri }',
    ],
    [
      '2.0 promise',
      'cloudfront-js-2.0',
      'function handler(event) { return Promise.resolve(event.request.uri) }',
    ],
  ]
  for (const [name, runtime, code] of rows) {
    it(`${name} returns the handler result`, () => {
      assert.equal(ok(run(code, { runtime })), '/a/b')
    })
  }
  it('a modified request comes back whole', () => {
    const code = "function handler(e) { e.request.uri = '/index.html'; return e.request }"
    assert.deepEqual(ok(run(code)), { ...event().request, uri: '/index.html' })
  })
  it('the event is the one passed in (JSON round trip of every part)', () => {
    assert.deepEqual(
      ok(run('function handler(e) { return e }', { ev: event('viewer-response') })),
      event('viewer-response'),
    )
  })
  const errors: [string, string, RegExp][] = [
    ['a throw', 'function handler() { throw new TypeError("bad") }', /^TypeError: bad$/],
    ['a rejection', 'async function handler() { throw new Error("nope") }', /^Error: nope$/],
    ['a thrown string', 'function handler() { throw "plain" }', /^plain$/],
    [
      'a never-settling promise',
      'function handler() { return new Promise(() => {}) }',
      /never settled/,
    ],
  ]
  for (const [name, code, re] of errors) {
    it(`${name} is error 'exception' with the message`, () => {
      const inv = failure(run(code))
      assert.equal(inv.error, 'exception')
      assert.match(inv.message, re)
    })
  }
  it('state the function set persists between calls; utilization is 0..100', () => {
    const fn = compileViewerFunction({
      name: 'n',
      runtime: 'cloudfront-js-2.0',
      kvs: undefined,
      code: 'let n = 0\nfunction handler() { return ++n }',
    })
    assert.equal(ok(fn.invoke(event())), 1)
    const inv = fn.invoke(event())
    assert.equal(ok(inv), 2)
    assert.ok(inv.computeUtilization >= 0 && inv.computeUtilization <= 100)
    fn.dispose()
    assert.equal(fn.invoke(event()).ok, false)
  })
})

describe('console and Date (spec §7.1)', () => {
  it('captures console.log/info/warn/error, objects as JSON', () => {
    const code =
      "function handler() { console.log('a', 1, {x: [1]}); console.info('b'); console.warn(null); console.error(new Error('e')); return 0 }"
    assert.deepEqual(run(code).logs, ['a 1 {"x":[1]}', 'b', 'null', 'Error: e'])
  })
  it('truncates the logs at 10 KB in total and keeps logs of a failed call', () => {
    const inv = run(
      "function handler() { for (var i = 0; i < 30; i++) console.log('x'.repeat(1000)); throw new Error('late') }",
    )
    assert.equal(inv.ok, false)
    assert.equal(inv.logs.join('').length, 10240)
    assert.equal(inv.logs.length, 11)
  })
  it('Date is frozen at the invocation start', () => {
    const before = Date.now()
    const r = ok(
      run(
        'function handler() { var a = Date.now(); for (var i = 0; i < 1e3; i++); return [a, Date.now(), new Date().getTime(), new Date(0).getTime(), new Date() instanceof Date] }',
      ),
    ) as unknown[]
    assert.equal(r[0], r[1])
    assert.equal(r[0], r[2])
    assert.ok((r[0] as number) >= before && (r[0] as number) <= Date.now())
    assert.deepEqual(r.slice(3), [0, true])
  })
})

describe('KeyValueStore (spec §7.4)', () => {
  const kv = (body: string) => `import cf from 'cloudfront'\nasync function handler() { ${body} }`
  const rows: [string, string, unknown][] = [
    ['get text', "return await cf.kvs().get('greeting')", 'héllo'],
    ['get format text', "return await cf.kvs().get('greeting', { format: 'string' })", 'héllo'],
    ['get json', "return await cf.kvs().get('doc', { format: 'json' })", { n: 1 }],
    [
      'get bytes',
      "const b = await cf.kvs().get('greeting', { format: 'bytes' }); return [Buffer.isBuffer(b), b.length, b.toString('hex')]",
      [true, 6, '68c3a96c6c6f'],
    ],
    [
      'missing key rejects KeyNotFound',
      "try { await cf.kvs().get('nope') } catch (e) { return e.name }",
      'KeyNotFound',
    ],
    [
      'exists',
      "const k = cf.kvs(); return [await k.exists('doc'), await k.exists('nope')]",
      [true, false],
    ],
    ['meta', 'return await cf.kvs().meta()', store.meta()],
    [
      'by name, id and arn',
      "return [cf.kvs('kvs-main'), cf.kvs('a1b2c3'), cf.kvs(" +
        JSON.stringify(store.arn) +
        ')].length',
      3,
    ],
    [
      'id mismatch throws',
      "try { cf.kvs('other') } catch (e) { return e.message }",
      'KeyValueStore other is not associated with this function',
    ],
  ]
  for (const [name, body, want] of rows) {
    it(name, () => {
      assert.deepEqual(ok(run(kv(body), { kvs: store })), want)
    })
  }
  it('cf.kvs() throws when no store is associated', () => {
    assert.match(
      String(ok(run(kv('try { cf.kvs() } catch (e) { return e.message }')))),
      /No KeyValueStore/,
    )
  })
})

describe('origin helpers (spec §7.5)', () => {
  const cf = (body: string) =>
    `import cf from 'cloudfront'\nfunction handler(e) { ${body}; return e.request }`
  it('records calls in order', () => {
    const inv = run(
      cf(`cf.updateRequestOrigin({ domainName: 'api.example.com', connectionAttempts: 2, timeouts: { readTimeout: 20 }, originShield: { enabled: true, region: 'us-east-1' }, customHeaders: { 'x-k': 'v' } });
        cf.selectRequestOriginById('s3-origin');
        cf.createRequestOriginGroup({ originIds: [{ originId: 'a' }, 'b'], failoverCriteria: { statusCodes: [500, 503] } })`),
    )
    if (!inv.ok) assert.fail(inv.message)
    assert.deepEqual(inv.originSelections, [
      {
        kind: 'update',
        props: {
          domainName: 'api.example.com',
          connectionAttempts: 2,
          timeouts: { readTimeout: 20 },
          originShield: { enabled: true, region: 'us-east-1' },
          customHeaders: { 'x-k': 'v' },
        },
      },
      { kind: 'select', originId: 's3-origin' },
      { kind: 'group', originIds: ['a', 'b'], statusCodes: [500, 503] },
    ])
  })
  const bad: [string, RegExp][] = [
    [
      'cf.updateRequestOrigin({ connectionAttempts: 4 })',
      /connectionAttempts must be an integer from 1 to 3/,
    ],
    ["cf.updateRequestOrigin({ domainName: 'a.com:8080' })", /domainName must be a DNS name/],
    ['cf.updateRequestOrigin({ colour: 1 })', /unknown property colour/],
    ["cf.updateRequestOrigin({ customHeaders: { 'X-Up': 'v' } })", /must be a lowercase token/],
    ['cf.updateRequestOrigin({ originShield: { enabled: true } })', /region is required/],
    ['cf.updateRequestOrigin("x")', /must be an object/],
    ['cf.selectRequestOriginById(42)', /must be a non-empty string/],
    [
      "cf.createRequestOriginGroup({ originIds: ['a'], failoverCriteria: { statusCodes: [500] } })",
      /at least 2/,
    ],
    [
      "cf.createRequestOriginGroup({ originIds: ['a', 'b'], failoverCriteria: { statusCodes: [200] } })",
      /from 400 to 599/,
    ],
  ]
  for (const [call, re] of bad) {
    it(`${call} throws inside the function`, () => {
      assert.match(failure(run(cf(call))).message, re)
    })
  }
  it('is refused in viewer-response', () => {
    const code =
      "import cf from 'cloudfront'\nfunction handler(e) { cf.selectRequestOriginById('x'); return e.response }"
    const inv = failure(run(code, { ev: event('viewer-response') }))
    assert.match(inv.message, /only be used in a viewer-request/)
  })
})
