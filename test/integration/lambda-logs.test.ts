// What a Lambda@Edge handler prints through the proxy (design.md §3 "Lambda@Edge"; CloudWatch
// keeps one log stream per function): each line becomes a record of the proxy's logger naming
// the function and the stream, so the proxy's stdout stays one JSON record per line.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { request } from 'undici'
import type { Edgeproxy } from '../../proxy/main.js'
import { startOrigin, type TestOrigin } from '../helpers/origin.js'
import { behavior, customOrigin, startProxy } from '../helpers/proxy.js'

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/lambda', import.meta.url))
const viewerRequest = (name: string) => ({
  LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: name }],
})

describe('Lambda@Edge handler output goes to the proxy log', () => {
  let origin: TestOrigin
  let proxy: Edgeproxy
  const records: Record<string, unknown>[] = []

  before(async () => {
    origin = await startOrigin((_req, res) => res.end('ok'))
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n'))
          if (l !== '') records.push(JSON.parse(l) as Record<string, unknown>)
        done()
      },
    })
    proxy = await startProxy(
      {
        DistributionConfig: {
          Origins: [customOrigin('a', origin.port)],
          DefaultCacheBehavior: behavior(undefined, 'a', viewerRequest('logger')),
          CacheBehaviors: [behavior('/py/*', 'a', viewerRequest('pylogger'))],
        },
        LambdaFunctions: [
          { Name: 'logger', CodeFile: join(FIXTURES, 'node/logs.mjs'), Runtime: 'nodejs20.x' },
          { Name: 'pylogger', CodeFile: join(FIXTURES, 'python/logs.py'), Runtime: 'python3.12' },
        ],
      },
      { logger: pino({ level: 'info' }, sink) },
    )
  })
  after(async () => {
    await proxy.close()
    await origin.close()
  })

  /** The function's records once `count` arrived: the lines travel from the worker process
   * on their own pipes, beside its answer. */
  async function linesOf(fn: string, count: number) {
    const of = () => records.filter((l) => l['lambda'] === fn)
    for (let i = 0; i < 100 && of().length < count; i++) {
      await new Promise((ok) => setTimeout(ok, 20))
    }
    return of()
      .map((l) => [l['stream'], l['msg'], l['level']])
      .sort()
  }

  it("a Node handler's lines are records naming the function and the stream", async () => {
    const r = await request(`${proxy.url}/some/page`)
    assert.equal(r.statusCode, 200)
    await r.body.text()
    assert.deepEqual(await linesOf('logger', 2), [
      ['stderr', 'warned /some/page', 30],
      ['stdout', 'handled /some/page', 30],
    ])
  })

  it("a Python handler's print() and logging are records too (its stdout is its stderr)", async () => {
    const r = await request(`${proxy.url}/py/page`)
    assert.equal(r.statusCode, 200)
    await r.body.text()
    assert.deepEqual(await linesOf('pylogger', 2), [
      ['stderr', 'logged /py/page', 30],
      ['stderr', 'printed /py/page', 30],
    ])
  })
})
