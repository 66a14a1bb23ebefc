// The Node.js Lambda@Edge runner (spec §8.6; design.md §3): handler styles (ESM and CommonJS,
// async, callback, synchronous), the Lambda context, failures as outcomes (exception, timeout,
// memory — of the heap, including the allocations V8 aborts a process for, and of
// ArrayBuffers) with the failed worker replaced, workers as processes that do not outlive the
// proxy, and the queue beyond the pool.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { createNodeRunner, workerExecArgv } from '../../../functions/edge/node-runner.js'
import type { EdgeFunctionSpec, EdgeRunner } from '../../../functions/edge/types.js'

const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-lambda-'))
const runners: EdgeRunner[] = []

function runner(file: string, code: string, extra: Partial<EdgeFunctionSpec> = {}): EdgeRunner {
  const codeFile = join(dir, file)
  writeFileSync(codeFile, code)
  const r = createNodeRunner({
    name: file.replace(/\W/g, '-'),
    codeFile,
    handler: 'handler',
    runtime: 'nodejs20.x',
    timeoutS: 5,
    memoryMB: 128,
    poolSize: 1,
    ...extra,
  })
  runners.push(r)
  return r
}

const ctx = (timeoutMs = 2000) => ({ requestId: 'req-1', timeoutMs })

describe('Node.js Lambda@Edge runner', () => {
  after(async () => {
    await Promise.all(runners.map((r) => r.close()))
  })

  it('runs an async ESM handler and gives it the Lambda context', async () => {
    const r = runner(
      'ctx.mjs',
      `export const handler = async (event, context) => ({
        got: event.x, name: context.functionName, version: context.functionVersion,
        id: context.awsRequestId, waits: context.callbackWaitsForEmptyEventLoop,
        remaining: context.getRemainingTimeInMillis() })`,
    )
    const out = await r.invoke({ x: 1 }, ctx())
    assert.equal(out.ok, true)
    const res = (out as { result: Record<string, unknown> }).result
    assert.equal(res['got'], 1)
    assert.equal(res['name'], 'us-east-1.ctx-mjs')
    assert.equal(res['version'], '1')
    assert.equal(res['id'], 'req-1')
    assert.equal(res['waits'], true)
    assert.ok((res['remaining'] as number) > 1000 && (res['remaining'] as number) <= 2000)
  })

  it('runs a CommonJS callback handler, a synchronous one and context.succeed', async () => {
    const cb = runner(
      'cb.cjs',
      `exports.handler = (e, c, callback) => setTimeout(() => callback(null, 'cb'), 5)`,
    )
    const sync = runner('sync.cjs', `module.exports.handler = (e) => 'sync ' + e`)
    const succeed = runner('succeed.cjs', `exports.handler = (e, c, cb) => c.succeed('ok')`)
    assert.deepEqual(await cb.invoke(null, ctx()).then((o) => o.ok && o.result), 'cb')
    assert.deepEqual(await sync.invoke('e', ctx()).then((o) => o.ok && o.result), 'sync e')
    assert.deepEqual(await succeed.invoke(null, ctx()).then((o) => o.ok && o.result), 'ok')
  })

  it('a throw, a rejection and callback(err) are exceptions; the worker stays', async () => {
    const r = runner(
      'errors.mjs',
      `export async function handler(e, c, cb) {
        if (e === 'throw') throw new TypeError('bad')
        if (e === 'cb') return cb(new Error('called back'))
        return 'fine'
      }`,
    )
    const thrown = await r.invoke('throw', ctx())
    if (thrown.ok) assert.fail('expected an exception')
    assert.equal(thrown.kind, 'exception')
    assert.match(thrown.message, /TypeError: bad/)
    const cb = await r.invoke('cb', ctx())
    assert.equal(!cb.ok && cb.kind, 'exception')
    assert.equal((await r.invoke('x', ctx())).ok, true)
  })

  it('a module without the handler is an exception naming it', async () => {
    const r = runner('none.mjs', `export const other = () => 1`)
    const out = await r.invoke(null, ctx())
    assert.equal(!out.ok && out.kind, 'exception')
    assert.match(!out.ok ? out.message : '', /no function named handler/)
  })

  it('a call past its deadline times out; the worker is replaced and the next call runs', async () => {
    const r = runner(
      'loop.mjs',
      `export const handler = async (e) => { if (e === 'loop') for (;;) {} return 'done' }`,
    )
    const out = await r.invoke('loop', ctx(300))
    assert.equal(!out.ok && out.kind, 'timeout')
    assert.ok(out.durationMs >= 290)
    assert.deepEqual(await r.invoke('x', ctx()).then((o) => o.ok && o.result), 'done')
    assert.equal(r.stats().workers, 1)
  })

  it('a worker out of memory fails with kind memory and is replaced', async () => {
    const r = runner(
      'oom.mjs',
      `export const handler = async (e) => {
        if (e !== 'oom') return 'alive'
        const hog = []
        for (;;) hog.push(new Array(1e4).fill(hog.length + 0.5))
      }`,
    )
    const out = await r.invoke('oom', ctx(20_000))
    assert.equal(!out.ok && out.kind, 'memory')
    assert.deepEqual(await r.invoke('x', ctx()).then((o) => o.ok && o.result), 'alive')
  })

  // V8 aborts the process for each of these (nodejs/node#47224): with worker_threads that was
  // the proxy. Each runs while another function's call is in flight; that this test process
  // is still here to assert anything is half the test. An array longer than V8 allows is a
  // crash (as Lambda's Runtime.ExitError), not a MemorySize failure.
  for (const [what, code, kind, message] of [
    [
      'one array grown by push()',
      'const a = []; for (;;) a.push(a.length + 0.5)',
      'memory',
      /^exceeded MemorySize \(128 MB\)$/,
    ],
    [
      'one new Array(1e8) filled',
      'new Array(1e8).fill(0.5)',
      'memory',
      /^exceeded MemorySize \(128 MB\)$/,
    ],
    [
      'a string split into too long an array',
      "'x'.repeat(2 ** 27).split('')",
      'crash',
      /^the worker exited \(signal SIG\w+\): # Fatal JavaScript invalid size error/,
    ],
  ] as const) {
    it(`${what}: the call fails as ${kind}, alone; the worker is replaced`, async () => {
      const file = `abort-${what.replace(/\W+/g, '-')}.mjs`
      const r = runner(
        file,
        `export const handler = async (e) => { if (e === 'go') { ${code} } return 'alive' }`,
      )
      const other = runner(
        `bystander-${file}`,
        `export const handler = (e) => new Promise((ok) => setTimeout(() => ok(e), 300))`,
      )
      const bystander = other.invoke('still here', ctx(20_000))
      const out = await r.invoke('go', ctx(20_000))
      if (out.ok) assert.fail(`expected a ${kind} failure`)
      assert.equal(out.kind, kind)
      assert.match(out.message, message)
      assert.deepEqual(await bystander.then((o) => o.ok && o.result), 'still here')
      assert.deepEqual(await r.invoke('x', ctx()).then((o) => o.ok && o.result), 'alive')
      assert.equal(r.stats().workers, 1)
    })
  }

  it('a worker that dies during a call is a crash naming the error', async () => {
    const r = runner(
      'crash.mjs',
      `export const handler = (e) => new Promise(() => {
        if (e === 'die') setTimeout(() => { throw new RangeError('late failure') }, 5)
      })`,
    )
    const out = await r.invoke('die', ctx())
    if (out.ok) assert.fail('expected a crash')
    assert.equal(out.kind, 'crash')
    assert.match(out.message, /^the worker exited \(code 1\): RangeError: late failure/)
  })

  it("workers see Lambda's environment variables", async () => {
    const r = runner(
      'env.mjs',
      `export const handler = async () => [process.env.AWS_LAMBDA_FUNCTION_NAME,
        process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, process.env.AWS_REGION]`,
      { memoryMB: 256 },
    )
    assert.deepEqual(await r.invoke(null, ctx()).then((o) => o.ok && o.result), [
      'env-mjs',
      '256',
      'us-east-1',
    ])
  })

  it('workers do not outlive the process that started them', async () => {
    const codeFile = join(dir, 'pid.mjs')
    writeFileSync(codeFile, 'export const handler = async () => process.pid')
    const runnerUrl = new URL('../../../functions/edge/node-runner.js', import.meta.url).href
    // A proxy that exits without closing its runners (a crash, a SIGKILL of the parent).
    const script = `
      const { createNodeRunner } = await import(${JSON.stringify(runnerUrl)})
      const r = createNodeRunner({ name: 'pid', codeFile: ${JSON.stringify(codeFile)},
        handler: 'handler', runtime: 'nodejs20.x', timeoutS: 5, memoryMB: 128, poolSize: 1 })
      const out = await r.invoke(null, { requestId: 'r', timeoutMs: 5000 })
      console.log(out.result)
      process.exit(0)`
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 10_000 },
    )
    const pid = Number(stdout.trim())
    assert.ok(pid > 0, `the worker's pid (got ${JSON.stringify(stdout)})`)
    const alive = () => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    }
    for (let i = 0; i < 50 && alive(); i++) await new Promise((ok) => setTimeout(ok, 50))
    assert.equal(alive(), false, `worker ${String(pid)} still runs after its parent exited`)
  })

  it('MemorySize is the heap limit of each worker process', () => {
    const table: [number, string[]][] = [
      [128, ['--max-old-space-size=128', '--max-semi-space-size=2']],
      [512, ['--max-old-space-size=512', '--max-semi-space-size=8']],
      [10240, ['--max-old-space-size=10240', '--max-semi-space-size=8']],
    ]
    for (const [mb, argv] of table) assert.deepEqual(workerExecArgv(mb), argv, `${String(mb)} MB`)
  })

  describe('MemorySize covers ArrayBuffer memory (node-memory-guard.ts)', () => {
    const MB = 1024 * 1024
    const buffers = () =>
      runner(
        'buffers.mjs',
        `const MB = ${MB}
        const kept = []
        export const handler = async (e) => {
          if (e === 'huge') return Buffer.alloc(384 * MB).length
          if (e === 'caught') {
            try { return Buffer.alloc(384 * MB).length } catch (err) { return 'caught ' + err.name }
          }
          if (e === 'many') {
            const local = []
            for (let i = 0; i < 24; i++) local.push(new Uint8Array(8 * MB))
            return local.length
          }
          if (e === 'across') {
            kept.push(Buffer.alloc(50 * MB))
            return kept.length
          }
          if (e === 'moderate') return Buffer.alloc(64 * MB, 1).length
          return 'alive'
        }`,
      )

    it('one Buffer of 3 × MemorySize fails the call as memory; the worker is replaced', async () => {
      const r = buffers()
      const out = await r.invoke('huge', ctx())
      if (out.ok) assert.fail('expected a memory failure')
      assert.equal(out.kind, 'memory')
      assert.match(out.message, /^exceeded MemorySize \(128 MB\): asked for 384 MB/)
      assert.deepEqual(await r.invoke('x', ctx()).then((o) => o.ok && o.result), 'alive')
      assert.equal(r.stats().workers, 1)
    })

    it('the call fails even when the handler catches the RangeError', async () => {
      const out = await buffers().invoke('caught', ctx())
      assert.equal(!out.ok && out.kind, 'memory')
    })

    it('many smaller buffers kept past MemorySize fail, in one call or across calls', async () => {
      const r = buffers()
      const many = await r.invoke('many', ctx())
      assert.equal(!many.ok && many.kind, 'memory')
      // 50 MB kept per call: the third call would pass 128 MB.
      const across = [
        await r.invoke('across', ctx()),
        await r.invoke('across', ctx()),
        await r.invoke('across', ctx()),
      ]
      assert.deepEqual(
        across.map((o) => (o.ok ? o.result : o.kind)),
        [1, 2, 'memory'],
      )
      assert.deepEqual(await r.invoke('x', ctx()).then((o) => o.ok && o.result), 'alive')
    })

    it('a handler under MemorySize works call after call (its garbage is collected)', async () => {
      const r = buffers()
      for (let i = 0; i < 4; i++) {
        const out = await r.invoke('moderate', ctx())
        assert.deepEqual(out.ok && out.result, 64 * MB, `call ${String(i)}`)
      }
    })

    it('memory the guard cannot see being allocated is caught when the call ends', async () => {
      // A fresh node:vm context has its own, unguarded ArrayBuffer (README: not a sandbox).
      const r = runner(
        'unseen.mjs',
        `import vm from 'node:vm'
        let kept
        export const handler = async () => {
          kept = new (vm.runInNewContext('ArrayBuffer'))(160 * ${MB})
          return kept.byteLength
        }`,
      )
      const out = await r.invoke(null, ctx())
      if (out.ok) assert.fail('expected a memory failure')
      assert.equal(out.kind, 'memory')
      assert.match(out.message, /MB in use$/)
    })
  })

  it('calls beyond the pool wait in the queue', async () => {
    const r = runner(
      'slow.mjs',
      `export const handler = (e) => new Promise((res) => setTimeout(() => res(e), 50))`,
    )
    const pending = [r.invoke(1, ctx()), r.invoke(2, ctx()), r.invoke(3, ctx())]
    assert.equal(r.stats().queued, 2)
    const results = await Promise.all(pending)
    assert.deepEqual(
      results.map((o) => o.ok && o.result),
      [1, 2, 3],
    )
  })

  it('a worker that dies while idle is replaced on the next call, not in a loop', async () => {
    // Only the first worker dies (it leaves a marker); waiting is bounded, not a fixed sleep,
    // so a slow start on a loaded machine cannot fail the test.
    const marker = join(dir, 'dies.marker')
    const r = runner(
      'dies.mjs',
      `import { existsSync, writeFileSync } from 'node:fs'
      if (!existsSync(${JSON.stringify(marker)})) {
        writeFileSync(${JSON.stringify(marker)}, '')
        setTimeout(() => { throw new Error('late failure') }, 20)
      }
      export const handler = async () => 'up'`,
    )
    const t0 = Date.now()
    while (!existsSync(marker) || r.stats().workers !== 0) {
      assert.ok(Date.now() - t0 < 10_000, 'the first worker never died')
      await new Promise((res) => setTimeout(res, 20))
    }
    // No restart loop: nothing replaces the dead worker until a call needs one.
    await new Promise((res) => setTimeout(res, 200))
    assert.equal(r.stats().workers, 0)
    const out = await r.invoke(null, ctx())
    assert.deepEqual(out.ok && out.result, 'up')
  })

  it('after close every call fails without rejecting', async () => {
    const r = runner('closed.mjs', `export const handler = async () => 1`)
    await r.close()
    const out = await r.invoke(null, ctx())
    assert.equal(!out.ok && out.kind, 'crash')
  })

  it('a call waiting for a busy pool times out at its own deadline, queueing included', async () => {
    const r = runner(
      'busy.mjs',
      `export const handler = async (e) => { await new Promise((ok) => setTimeout(ok, e.ms)); return e.ms }`,
    )
    const long = r.invoke({ ms: 600 }, ctx(2000))
    const t0 = Date.now()
    const waiting = await r.invoke({ ms: 1 }, ctx(150))
    const waited = Date.now() - t0
    assert.equal(waiting.ok, false)
    assert.equal((waiting as { kind: string }).kind, 'timeout')
    assert.match((waiting as { message: string }).message, /waiting for a free worker/)
    assert.ok(waited < 550, `answered after ${String(waited)} ms, not at its 150 ms deadline`)
    assert.deepEqual(await long, { ok: true, result: 600, durationMs: (await long).durationMs })
    const next = await r.invoke({ ms: 1 }, ctx(1000))
    assert.equal(next.ok, true)
  })
})
