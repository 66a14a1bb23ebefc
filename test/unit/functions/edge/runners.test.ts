// Runner choice by Runtime (functions/edge/runners.ts, design.md §3 "Lambda@Edge") and where
// a handler's logs go without a log sink (the proxy gives one: test/integration/lambda-logs):
// a Node handler's console.log to the process's stdout and console.error to its stderr, a
// Python handler's print() and logging to its stderr — run in a child process standing in for
// the proxy, whose output the test reads.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { promisify } from 'node:util'
import { runtimeProblem } from '../../../../functions/edge/runners.js'

const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-runners-'))
const runnersUrl = new URL('../../../../functions/edge/runners.js', import.meta.url).href

/** Starts a runner for `file` with createRunner() in a fresh node, calls it once, closes it. */
async function runOnce(file: string, code: string, runtime: string) {
  const codeFile = join(dir, file)
  writeFileSync(codeFile, code)
  const script = `
    const { createRunner } = await import(${JSON.stringify(runnersUrl)})
    const r = createRunner({ name: 'logs', codeFile: ${JSON.stringify(codeFile)},
      handler: 'handler', runtime: ${JSON.stringify(runtime)}, timeoutS: 5, memoryMB: 128,
      poolSize: 1 })
    const out = await r.invoke({ n: 1 }, { requestId: 'r', timeoutMs: 10000 })
    await r.close()
    process.stdout.write('OUTCOME ' + JSON.stringify(out.ok ? out.result : out) + '\\n')`
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    timeout: 20_000,
  })
}

describe('Lambda@Edge runners (runners.ts)', () => {
  it('takes nodejs<N>.x and python3.<N> runtimes and names what it cannot run', () => {
    const table: [string, boolean][] = [
      ['nodejs20.x', true],
      ['nodejs18.x', true],
      ['python3.12', true],
      ['python3.9', true],
      ['java21', false],
      ['python2.7', false],
      ['nodejs', false],
    ]
    for (const [runtime, ok] of table) {
      const problem = runtimeProblem(runtime)
      assert.equal(problem === undefined, ok, runtime)
      if (!ok) assert.match(problem ?? '', /nodejs<N>\.x or python3\.<N>/)
    }
  })

  it("a Node handler's console.log reaches the proxy's stdout, console.error its stderr", async () => {
    const { stdout, stderr } = await runOnce(
      'logs.mjs',
      `export const handler = async (e) => {
        console.log('node says hello on stdout')
        console.error('node says hello on stderr')
        return e.n + 1
      }`,
      'nodejs20.x',
    )
    assert.match(stdout, /^node says hello on stdout$/m)
    assert.match(stderr, /^node says hello on stderr$/m)
    assert.match(stdout, /^OUTCOME 2$/m)
  })

  it("a Python handler's print() and logging reach the proxy's stderr", async () => {
    const { stdout, stderr } = await runOnce(
      'logs.py',
      [
        'import logging, sys',
        'def handler(event, context):',
        "    print('python says hello')",
        "    print('python to stderr', file=sys.stderr)",
        "    logging.getLogger().warning('python logs a warning')",
        "    return event['n'] + 1",
      ].join('\n'),
      'python3.12',
    )
    assert.match(stderr, /^python says hello$/m)
    assert.match(stderr, /^python to stderr$/m)
    assert.match(stderr, /python logs a warning/)
    assert.match(stdout, /^OUTCOME 2$/m)
  })
})
