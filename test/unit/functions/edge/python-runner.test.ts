// The Python Lambda@Edge runner (functions/edge/python-runner.ts) with real python3 processes:
// results, each failure kind, pool recovery, queueing, the Lambda context, big events,
// print() next to the protocol, close(), and the two example handlers.
// python3 is required: without it the first test fails (.ci/run installs it).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import {
  createPythonRunner,
  type PythonRunnerOptions,
} from '../../../../functions/edge/python-runner.js'
import type { EdgeFunctionSpec, EdgeOutcome, EdgeRunner } from '../../../../functions/edge/types.js'

// Tests run from dist/test/unit/functions/edge/: five levels up is the repo root.
const EXAMPLES = fileURLToPath(new URL('../../../../../functions/examples/', import.meta.url))

let dir = ''
/** python3's real executable: each runner would otherwise find it through its first start,
 * which is slow behind wrappers such as pyenv's shim. The examples below use plain python3. */
let python = ''
const runners: EdgeRunner[] = []

before(() => {
  const out = execFileSync(
    'python3',
    ['-c', 'import sys; print(sys.version_info[0], sys.executable)'],
    {
      encoding: 'utf8',
    },
  )
  const [major, executable] = out.trim().split(' ')
  assert.equal(major, '3', 'python3 must be installed for these tests')
  python = executable!
  dir = mkdtempSync(join(tmpdir(), 'edgeproxy-py-'))
})

after(async () => {
  await Promise.all(runners.map((r) => r.close()))
  rmSync(dir, { recursive: true, force: true })
})

let files = 0
/** Writes a handler module to the temp dir and returns a runner for it. */
function runner(
  code: string,
  spec: Partial<EdgeFunctionSpec> = {},
  options: PythonRunnerOptions = {},
): EdgeRunner {
  const codeFile = join(dir, `handler_${++files}.py`)
  writeFileSync(codeFile, code)
  const r = createPythonRunner(
    {
      name: `fn-${files}`,
      codeFile,
      handler: 'handler',
      runtime: 'python3.12',
      timeoutS: 5,
      memoryMB: 128,
      poolSize: 1,
      ...spec,
    },
    { python, ...options },
  )
  runners.push(r)
  return r
}

const call = (r: EdgeRunner, event: unknown, timeoutMs = 5000, requestId = 'req-1') =>
  r.invoke(event, { requestId, timeoutMs })

function expectOk(outcome: EdgeOutcome): unknown {
  if (!outcome.ok) assert.fail(`expected ok, got ${outcome.kind}: ${outcome.message}`)
  return outcome.result
}

function expectFailure(outcome: EdgeOutcome, kind: string): string {
  if (outcome.ok) assert.fail(`expected ${kind}, got ok: ${JSON.stringify(outcome.result)}`)
  assert.equal(outcome.kind, kind, outcome.message)
  return outcome.message
}

const cfEvent = (extra: Record<string, unknown> = {}) => ({
  Records: [{ cf: { config: { eventType: 'viewer-request' }, request: { uri: '/' }, ...extra } }],
})

describe('python runner: results', () => {
  const rows: { name: string; code: string; event: unknown; want: unknown }[] = [
    {
      name: 'a dict',
      code: 'def handler(event, context):\n    return {"uri": event["Records"][0]["cf"]["request"]["uri"], "n": 1}\n',
      event: cfEvent(),
      want: { uri: '/', n: 1 },
    },
    {
      name: 'a generated response, status as a string',
      code: 'def handler(event, context):\n    return {"status": "302", "headers": {"location": [{"key": "Location", "value": "/x"}]}}\n',
      event: cfEvent(),
      want: { status: '302', headers: { location: [{ key: 'Location', value: '/x' }] } },
    },
    {
      name: 'a generated response, status as a number',
      code: 'def handler(event, context):\n    return {"status": 404, "body": "n\\u00e9"}\n',
      event: {},
      want: { status: 404, body: 'né' },
    },
    {
      name: 'None',
      code: 'def handler(event, context):\n    return None\n',
      event: {},
      want: null,
    },
    {
      name: 'unicode and nesting survive both ways',
      code: 'def handler(event, context):\n    return event\n',
      event: { s: 'ü ☃ 😀', a: [1, 2.5, true, null, { b: '' }] },
      want: { s: 'ü ☃ 😀', a: [1, 2.5, true, null, { b: '' }] },
    },
  ]
  for (const row of rows) {
    it(row.name, async () => {
      const outcome = await call(runner(row.code), row.event)
      assert.deepEqual(expectOk(outcome), row.want)
      assert.ok(outcome.durationMs >= 0)
    })
  }

  it('a module next to the handler can be imported', async () => {
    writeFileSync(join(dir, 'sibling_helper.py'), 'def greet(n):\n    return "hi " + n\n')
    const r = runner(
      'import sibling_helper\ndef handler(event, context):\n    return sibling_helper.greet(event["n"])\n',
    )
    assert.equal(expectOk(await call(r, { n: 'bob' })), 'hi bob')
  })
})

describe('python runner: failures', () => {
  it('a raised exception → exception "Type: message" with bounded traceback lines', async () => {
    const r = runner(
      'def inner(x):\n    raise ValueError("bad input " + x)\n\ndef handler(event, context):\n    return inner("7")\n',
    )
    const message = expectFailure(await call(r, {}), 'exception')
    assert.match(message, /^ValueError: bad input 7\nTraceback \(2 frames\):/)
    assert.match(message, /line 2, in inner/)
    assert.ok(message.length <= 2000)
    expectFailure(await call(r, {}), 'exception') // the same worker answers again
    assert.equal(r.stats().workers, 1)
  })

  it('a result that is not JSON → exception', async () => {
    const r = runner('def handler(event, context):\n    return {"s": {1, 2}}\n')
    assert.match(
      expectFailure(await call(r, {}), 'exception'),
      /^TypeError: .*not JSON serializable/,
    )
  })

  it('an infinite loop → timeout at the deadline; another worker is unaffected; the pool recovers', async () => {
    const r = runner(
      'import time\ndef handler(event, context):\n    if event.get("loop"):\n        while True:\n            pass\n    time.sleep(event.get("sleep", 0))\n    return "ok"\n',
      { poolSize: 2 },
    )
    // Warm both workers so the deadline measures the call, not python's start.
    await Promise.all([call(r, {}), call(r, {})])
    assert.equal(r.stats().workers, 2)
    const [looped, other] = await Promise.all([
      call(r, { loop: true }, 400),
      call(r, { sleep: 0.2 }),
    ])
    const message = expectFailure(looped, 'timeout')
    assert.match(message, /timed out after 400 ms/)
    assert.ok(looped.durationMs >= 395 && looped.durationMs < 1000, `${looped.durationMs} ms`)
    assert.equal(expectOk(other), 'ok')
    assert.equal(expectOk(await call(r, {})), 'ok')
    assert.equal(expectOk(await call(r, {})), 'ok')
    assert.ok(r.stats().workers <= 2)
  })

  it('allocating far beyond memoryMB → memory; a smaller allocation works; the pool recovers', async () => {
    const r = runner(
      'def handler(event, context):\n    b = bytearray(event["mb"] * 1024 * 1024)\n    return len(b)\n',
      { memoryMB: 64 },
    )
    assert.equal(expectOk(await call(r, { mb: 32 })), 32 * 1024 * 1024)
    assert.match(
      expectFailure(await call(r, { mb: 1024 }), 'memory'),
      /MemorySize 64 MB.*MemoryError/,
    )
    assert.equal(expectOk(await call(r, { mb: 1 })), 1024 * 1024)
  })

  it('a list that keeps growing → memory', async () => {
    const r = runner(
      'def handler(event, context):\n    keep = []\n    while True:\n        keep.append("x" * 100000 + str(len(keep)))\n',
      { memoryMB: 64 },
    )
    expectFailure(await call(r, {}), 'memory')
    const r2 = runner('def handler(event, context):\n    return 1\n', { memoryMB: 64 })
    assert.equal(expectOk(await call(r2, {})), 1)
  })

  const crashes = [
    { name: 'os._exit(3)', body: 'os._exit(3)', want: /exited with code 3/ },
    { name: 'SIGSEGV', body: 'os.kill(os.getpid(), signal.SIGSEGV)', want: /killed by SIGSEGV/ },
    { name: 'sys.exit(1)', body: 'sys.exit(1)', want: /exited with code 1/ },
  ]
  for (const row of crashes) {
    it(`${row.name} → crash; the next call gets a new worker`, async () => {
      const r = runner(
        `import os, signal, sys\ndef handler(event, context):\n    if event.get("die"):\n        ${row.body}\n    return os.getpid()\n`,
      )
      const before = expectOk(await call(r, {}))
      assert.match(expectFailure(await call(r, { die: true }), 'crash'), row.want)
      const afterPid = expectOk(await call(r, {}))
      assert.equal(typeof afterPid, 'number')
      assert.notEqual(afterPid, before)
    })
  }

  const broken = [
    {
      name: 'a syntax error',
      code: 'def handler(event, context)\n    return 1\n',
      handler: 'handler',
      want: /SyntaxError/,
    },
    {
      name: 'a missing handler',
      code: 'def other(event, context):\n    return 1\n',
      handler: 'handler',
      want: /has no attribute 'handler'/,
    },
    {
      name: 'an import that raises',
      code: 'import no_such_module_xyz\n',
      handler: 'handler',
      want: /ModuleNotFoundError/,
    },
    {
      name: 'a handler that is not callable',
      code: 'handler = 3\n',
      handler: 'handler',
      want: /not callable/,
    },
  ]
  for (const row of broken) {
    it(`${row.name} → every call is an exception naming the file and handler`, async () => {
      const r = runner(row.code, { handler: row.handler, poolSize: 2 })
      const outcomes = await Promise.all([call(r, {}), call(r, {}), call(r, {})])
      for (const o of outcomes) {
        const message = expectFailure(o, 'exception')
        assert.match(message, /^cannot load handler 'handler' from .*handler_\d+\.py: /)
        assert.match(message, row.want)
      }
      // Later calls fail at once, without starting python again.
      const again = await call(r, {})
      expectFailure(again, 'exception')
      assert.ok(again.durationMs < 50)
      assert.equal(r.stats().workers, 0)
    })
  }
})

describe('python runner: protocol and context', () => {
  it('print() and writes to fd 1 go to the log hook, not into the protocol', async () => {
    const lines: string[] = []
    const r = runner(
      'import os, sys\ndef handler(event, context):\n    print("hello from", context.aws_request_id)\n    print(\'{"id": 1, "ok": true, "result": "forged"}\')\n    os.write(1, b"raw fd write\\n")\n    sys.__stdout__.write("dunder stdout\\n")\n    return "real"\n',
      {},
      { log: (line) => lines.push(line) },
    )
    assert.equal(expectOk(await call(r, {}, 5000, 'abc-123')), 'real')
    assert.equal(expectOk(await call(r, {}, 5000, 'abc-124')), 'real')
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.ok(lines.includes('hello from abc-123'), lines.join('|'))
    assert.ok(lines.includes('raw fd write'))
    assert.ok(lines.includes('{"id": 1, "ok": true, "result": "forged"}'))
  })

  it('long log lines are cut', async () => {
    const lines: string[] = []
    const r = runner(
      'def handler(event, context):\n    print("y" * 100000)\n    return 1\n',
      {},
      {
        log: (line) => lines.push(line),
      },
    )
    expectOk(await call(r, {}))
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.ok(lines.length > 1)
    assert.ok(lines.every((l) => l.length <= 8192 + 2))
  })

  it('the context has the Lambda fields and a decreasing remaining time', async () => {
    const r = runner(
      'import time\ndef handler(event, context):\n    a = context.get_remaining_time_in_millis()\n    time.sleep(0.05)\n    b = context.get_remaining_time_in_millis()\n    return {k: getattr(context, k) for k in ("function_name", "function_version", "aws_request_id", "memory_limit_in_mb", "invoked_function_arn", "log_group_name", "log_stream_name")} | {"a": a, "b": b}\n',
      { name: 'my-fn', memoryMB: 256 },
    )
    const result = expectOk(await call(r, {}, 3000, 'req-42')) as Record<string, unknown>
    assert.equal(result['function_name'], 'us-east-1.my-fn')
    assert.equal(result['function_version'], '1')
    assert.equal(result['aws_request_id'], 'req-42')
    assert.equal(result['memory_limit_in_mb'], 256)
    assert.equal(
      result['invoked_function_arn'],
      'arn:aws:lambda:us-east-1:123456789012:function:my-fn:1',
    )
    assert.equal(result['log_group_name'], '/aws/lambda/us-east-1.my-fn')
    assert.match(String(result['log_stream_name']), /^\d{4}\/\d{2}\/\d{2}\/\[1\][0-9a-f]{32}$/)
    const a = result['a'] as number
    const b = result['b'] as number
    assert.ok(a <= 3000 && a > 0, `a=${a}`)
    assert.ok(b <= a - 40, `a=${a} b=${b}`)
  })

  it('the call timeout is the smaller of the event limit and the function Timeout', async () => {
    const r = runner(
      'def handler(event, context):\n    return context.get_remaining_time_in_millis()\n',
      {
        timeoutS: 1,
      },
    )
    await call(r, {}) // python's start is not part of this check
    const remaining = expectOk(await call(r, {}, 30000)) as number
    assert.ok(remaining <= 1000 && remaining > 0, `${remaining}`)
  })

  it('a 1 MB base64 body round-trips both ways', async () => {
    const raw = Buffer.alloc(1024 * 1024)
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 31) % 256
    const data = raw.toString('base64')
    const r = runner(
      'import base64\ndef handler(event, context):\n    req = event["Records"][0]["cf"]["request"]\n    raw = base64.b64decode(req["body"]["data"])\n    req["headers"]["x-len"] = [{"key": "X-Len", "value": str(len(raw))}]\n    return req\n',
    )
    const event = cfEvent({
      request: {
        uri: '/up',
        headers: {},
        body: { encoding: 'base64', inputTruncated: false, action: 'read-only', data },
      },
    })
    const result = expectOk(await call(r, event)) as {
      body: { data: string }
      headers: Record<string, unknown>
    }
    assert.equal(result.body.data, data)
    assert.deepEqual(result.headers['x-len'], [{ key: 'X-Len', value: String(1024 * 1024) }])
    // And again on the same worker: the line reader is back in step.
    assert.equal(
      (expectOk(await call(r, event)) as { body: { data: string } }).body.data.length,
      data.length,
    )
  })

  it('calls beyond poolSize wait in a FIFO queue and all succeed in order', async () => {
    const r = runner(
      'import time\nseen = []\ndef handler(event, context):\n    time.sleep(0.05)\n    seen.append(event["i"])\n    return list(seen)\n',
      { poolSize: 1 },
    )
    const pending = [0, 1, 2].map((i) => call(r, { i }))
    assert.deepEqual(r.stats(), { workers: 1, busy: 0, queued: 3 })
    const results = (await Promise.all(pending)).map(expectOk)
    assert.deepEqual(results, [[0], [0, 1], [0, 1, 2]])
    assert.deepEqual(r.stats(), { workers: 1, busy: 0, queued: 0 })
  })

  it('a queued call whose deadline passes before a worker is free → timeout', async () => {
    const r = runner(
      'import time\ndef handler(event, context):\n    time.sleep(event["s"])\n    return 1\n',
    )
    expectOk(await call(r, { s: 0 }))
    const [slow, waiting] = await Promise.all([call(r, { s: 0.5 }), call(r, { s: 0 }, 200)])
    assert.equal(expectOk(slow), 1)
    assert.match(expectFailure(waiting, 'timeout'), /before a worker was free/)
  })
})

describe('python runner: close()', () => {
  it('ends every process; pending calls get crash "runner closed"; later calls too', async () => {
    const r = runner(
      'import os, time\ndef handler(event, context):\n    time.sleep(event.get("s", 0))\n    return os.getpid()\n',
      { poolSize: 2 },
    )
    const pids = (await Promise.all([call(r, { s: 0.3 }), call(r, { s: 0.3 })])).map(
      expectOk,
    ) as number[]
    assert.equal(r.stats().workers, 2)
    const pending = [call(r, { s: 5 }), call(r, { s: 5 }), call(r, { s: 5 })]
    await r.close()
    for (const o of await Promise.all(pending))
      assert.match(expectFailure(o, 'crash'), /runner closed/)
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' })
    expectFailure(await call(r, {}), 'crash')
    assert.deepEqual(r.stats(), { workers: 0, busy: 0, queued: 0 })
  })

  it('no python3 children are left once every runner is closed', async () => {
    await Promise.all(runners.map((r) => r.close()))
    let out = ''
    try {
      out = execFileSync('pgrep', ['-P', String(process.pid), 'python3'], { encoding: 'utf8' })
    } catch (err) {
      assert.equal((err as { status?: number }).status, 1, 'pgrep: no match is status 1')
    }
    assert.equal(out.trim(), '')
  })
})

describe('python runner: the example handlers', () => {
  const example = (file: string, handler = 'handler') => {
    const r = createPythonRunner({
      name: file,
      codeFile: join(EXAMPLES, file),
      handler,
      runtime: 'python3.12',
      timeoutS: 5,
      memoryMB: 128,
      poolSize: 1,
    })
    runners.push(r)
    return r
  }
  const viewerRequest = (headers: Record<string, string>, uri = '/shop', method = 'GET') => ({
    Records: [
      {
        cf: {
          config: { eventType: 'viewer-request', requestId: 'r1' },
          request: {
            clientIp: '203.0.113.1',
            method,
            uri,
            querystring: 'x=1',
            headers: Object.fromEntries(
              Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [{ key: k, value: v }]]),
            ),
          },
        },
      },
    ],
  })

  it('lambda_redirect_by_country.py', async () => {
    const r = example('lambda_redirect_by_country.py')
    const rows: { event: unknown; status?: string; location?: string }[] = [
      {
        event: viewerRequest({ 'CloudFront-Viewer-Country': 'DE' }),
        status: '302',
        location: '/de/shop?x=1',
      },
      { event: viewerRequest({ 'X-Country': 'fr' }), status: '302', location: '/fr/shop?x=1' },
      { event: viewerRequest({ 'CloudFront-Viewer-Country': 'US' }) },
      { event: viewerRequest({ 'CloudFront-Viewer-Country': 'DE' }, '/de/shop') },
      { event: viewerRequest({ 'CloudFront-Viewer-Country': 'DE' }, '/shop', 'POST') },
    ]
    for (const row of rows) {
      const result = expectOk(await call(r, row.event)) as Record<string, unknown>
      if (row.status === undefined) {
        assert.equal(
          result['uri'],
          (row.event as ReturnType<typeof viewerRequest>).Records[0]!.cf.request.uri,
        )
      } else {
        assert.equal(result['status'], row.status)
        assert.deepEqual((result['headers'] as Record<string, unknown>)['location'], [
          { key: 'Location', value: row.location },
        ])
      }
    }
  })

  it('lambda_origin_errors.py', async () => {
    const r = example('lambda_origin_errors.py')
    const originResponse = (status: string, headers: Record<string, unknown> = {}) => ({
      Records: [
        {
          cf: {
            config: { eventType: 'origin-response' },
            request: { uri: '/page', method: 'GET', headers: {} },
            response: { status, statusDescription: 'x', headers },
          },
        },
      ],
    })
    const ok = expectOk(
      await call(
        r,
        originResponse('200', {
          'x-frame-options': [{ key: 'X-Frame-Options', value: 'SAMEORIGIN' }],
        }),
      ),
    ) as { status: string; headers: Record<string, { value: string }[]> }
    assert.equal(ok.status, '200')
    assert.equal(ok.headers['x-frame-options']![0]!.value, 'SAMEORIGIN')
    assert.equal(ok.headers['x-content-type-options']![0]!.value, 'nosniff')
    assert.match(ok.headers['strict-transport-security']![0]!.value, /^max-age=/)
    const failed = expectOk(await call(r, originResponse('503'))) as {
      status: string
      headers: Record<string, { value: string }[]>
    }
    assert.equal(failed.status, '302')
    assert.equal(failed.headers['location']![0]!.value, '/errors/unavailable.html')
  })
})
