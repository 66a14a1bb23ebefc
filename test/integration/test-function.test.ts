// `edgeproxy test-function` end to end (design.md §3; spec/cloudfront.md §7.2–§7.6): the built
// CLI prints AWS's TestResult shape; execution and validation errors go into
// FunctionErrorMessage with exit 0; usage and compile errors exit 2.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runCli, REPO } from '../helpers/cli.js'

const FX = join(REPO, 'test/fixtures/functions')
const fx = (name: string) => join(FX, name)
const REQ = fx('event-request.json')
const RES = fx('event-response.json')
const tmp = mkdtempSync(join(tmpdir(), 'edgeproxy-tf-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

interface TestResult {
  FunctionSummary: {
    Name: string
    Status: string
    FunctionConfig: { Comment: string; Runtime: string }
    FunctionMetadata: { FunctionARN: string; Stage: string; LastModifiedTime: string }
  }
  ComputeUtilization: string
  FunctionExecutionLogs: string[]
  FunctionErrorMessage: string
  FunctionOutput: string
}

async function testFunction(args: readonly string[]): Promise<TestResult> {
  const r = await runCli(['test-function', ...args])
  assert.equal(r.code, 0, r.stderr)
  const parsed = JSON.parse(r.stdout) as { TestResult: TestResult }
  assert.deepEqual(Object.keys(parsed), ['TestResult'])
  assert.ok(r.stdout.includes('\n  "TestResult": {'), 'pretty-printed')
  return parsed.TestResult
}

describe('edgeproxy test-function', () => {
  it('viewer-request: FunctionOutput is {request}, logs, summary, utilization as a string', async () => {
    const t = await testFunction([fx('add-header.js'), '--event', REQ])
    assert.deepEqual(t.FunctionSummary, {
      Name: 'add-header',
      Status: 'UNPUBLISHED',
      FunctionConfig: { Comment: '', Runtime: 'cloudfront-js-2.0' },
      FunctionMetadata: {
        FunctionARN: 'arn:aws:cloudfront::000000000000:function/add-header',
        Stage: 'DEVELOPMENT',
        LastModifiedTime: t.FunctionSummary.FunctionMetadata.LastModifiedTime,
      },
    })
    assert.match(t.ComputeUtilization, /^\d+$/)
    assert.deepEqual(t.FunctionExecutionLogs, ['uri /old'])
    assert.equal(t.FunctionErrorMessage, '')
    const out = JSON.parse(t.FunctionOutput) as {
      request: { headers: Record<string, unknown>; querystring: Record<string, unknown> }
    }
    assert.deepEqual(out.request.headers['x-added'], { value: 'yes' })
    // `multivalue` in the event file reached the function as `multiValue`.
    assert.deepEqual(out.request.querystring['a'], {
      value: '1',
      multiValue: [{ value: '1' }, { value: '2' }],
    })
  })

  it('viewer-request generated response: FunctionOutput is {response}', async () => {
    const t = await testFunction([
      fx('redirect.js'),
      '--event',
      REQ,
      '--runtime',
      'cloudfront-js-1.0',
    ])
    assert.equal(t.FunctionSummary.FunctionConfig.Runtime, 'cloudfront-js-1.0')
    assert.deepEqual(JSON.parse(t.FunctionOutput), {
      response: {
        statusCode: 302,
        statusDescription: 'Found',
        headers: { location: { value: 'https://example.com/old' } },
      },
    })
  })

  it('viewer-response: FunctionOutput is {response}; --stage is echoed', async () => {
    const t = await testFunction([fx('response-headers.js'), '--event', RES, '--stage', 'LIVE'])
    assert.equal(t.FunctionSummary.FunctionMetadata.Stage, 'LIVE')
    const out = JSON.parse(t.FunctionOutput) as {
      response: { headers: Record<string, unknown>; cookies: Record<string, unknown> }
    }
    assert.deepEqual(out.response.headers['strict-transport-security'], {
      value: 'max-age=63072000',
    })
    assert.deepEqual(out.response.cookies['seen'], { value: '1', attributes: 'Path=/' })
  })

  it('--kvs NAME=FILE: cf.kvs() reads the store', async () => {
    const t = await testFunction([
      fx('kvs-lookup.js'),
      '--event',
      REQ,
      '--kvs',
      `redirects=${fx('kvs-import.json')}`,
    ])
    assert.equal(t.FunctionErrorMessage, '')
    assert.equal((JSON.parse(t.FunctionOutput) as { request: { uri: string } }).request.uri, '/new')
  })

  it('an exception goes into FunctionErrorMessage (exit 0)', async () => {
    const t = await testFunction([fx('throws.js'), '--event', REQ])
    assert.match(t.FunctionErrorMessage, /boom/)
    assert.equal(t.FunctionOutput, '')
  })

  it('an invalid result (disallowed header) goes into FunctionErrorMessage (exit 0)', async () => {
    const t = await testFunction([fx('adds-x-cache.js'), '--event', REQ])
    assert.match(t.FunctionErrorMessage, /x-cache/)
    assert.equal(t.FunctionOutput, '')
  })

  const bigFile = join(tmp, 'big.js')
  writeFileSync(bigFile, `function handler(e) { return e.request }\n//${'x'.repeat(11_000)}\n`)
  const badEvent = join(tmp, 'bad.json')
  writeFileSync(badEvent, '{not json')
  const noRequest = join(tmp, 'no-request.json')
  writeFileSync(noRequest, '{"version":"1.0","context":{"eventType":"viewer-request"}}')
  const exits2: readonly [string, string[], RegExp][] = [
    ['no FILE', ['--event', REQ], /needs one function FILE/],
    ['no --event', [fx('add-header.js')], /--event/],
    ['bad --runtime', [fx('add-header.js'), '--event', REQ, '--runtime', 'js'], /--runtime/],
    ['bad --stage', [fx('add-header.js'), '--event', REQ, '--stage', 'x'], /--stage/],
    ['bad --kvs', [fx('add-header.js'), '--event', REQ, '--kvs', 'novalue'], /NAME=FILE/],
    ['unknown flag', [fx('add-header.js'), '--event', REQ, '--nope'], /nope/],
    ['event not JSON', [fx('add-header.js'), '--event', badEvent], /not valid JSON/],
    ['event without request', [fx('add-header.js'), '--event', noRequest], /request/],
    ['missing event file', [fx('add-header.js'), '--event', join(tmp, 'none.json')], /cannot read/],
    ['syntax error', [fx('syntax-error.js'), '--event', REQ], /SyntaxError|expect|syntax/i],
    ['code over 10 KB', [bigFile, '--event', REQ], /bytes; the limit is 10240/],
    [
      '--kvs with runtime 1.0',
      [
        fx('kvs-lookup.js'),
        '--event',
        REQ,
        '--runtime',
        'cloudfront-js-1.0',
        '--kvs',
        `a=${fx('kvs-plain.json')}`,
      ],
      /cloudfront-js-2.0/,
    ],
  ]
  for (const [name, args, match] of exits2) {
    it(`exit 2: ${name}`, async () => {
      const r = await runCli(['test-function', ...args])
      assert.equal(r.code, 2, r.stdout + r.stderr)
      assert.match(r.stderr, match)
      assert.equal(r.stdout, '')
    })
  }
})
