// LambdaFunctions and LambdaFunctionAssociations (design.md §3 "Lambda@Edge"; spec §1.5,
// §8.6): entries checked with config paths, runtimes, ARNs, IncludeBody, and the timeouts
// each event gets; `edgeproxy validate`'s function problems include Lambda's.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { functionProblems } from '../../../proxy/config/compile-functions.js'
import {
  bindEdgeFunctions,
  checkLambdaAssociations,
  lambdaNameFromArn,
  resolveLambdaFunctions,
  type LoadedLambda,
} from '../../../proxy/config/compile-lambda.js'
import type { BehaviorConfig, EdgeConfig } from '../../../proxy/config/types.js'
import type { EdgeRunner } from '../../../functions/edge/types.js'

const dir = mkdtempSync(join(tmpdir(), 'edgeproxy-lambda-config-'))
writeFileSync(join(dir, 'fn.mjs'), 'export const handler = async (e) => e.Records[0].cf.request\n')

type Obj = Record<string, unknown>
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:auth'

function config(lambdaFunctions: Obj[], associations: Obj[] = []): EdgeConfig {
  return {
    lambdaFunctions,
    sourceDir: dir,
    distribution: {
      defaultBehavior: { lambdaFunctionAssociations: associations },
      behaviors: [],
    },
  } as unknown as EdgeConfig
}

const problems = (fns: Obj[]) =>
  resolveLambdaFunctions(config(fns)).problems.map((p) => `${p.path}: ${p.message}`)

describe('LambdaFunctions entries', () => {
  it('a complete entry resolves: Handler file.function, defaults for the rest', () => {
    const { resolved, problems } = resolveLambdaFunctions(
      config([
        { Name: 'auth', CodeFile: 'fn.mjs', Handler: 'index.handler', Runtime: 'nodejs20.x' },
      ]),
    )
    assert.deepEqual(problems, [])
    const first = resolved[0]!
    assert.equal(first.spec.handler, 'handler')
    assert.equal(first.spec.codeFile, join(dir, 'fn.mjs'))
    assert.equal(first.spec.memoryMB, 128)
    assert.equal(first.spec.poolSize, 2)
    assert.equal(first.timeoutS, undefined)
  })

  const rows: [string, Obj, RegExp][] = [
    ['no Name', { CodeFile: 'fn.mjs' }, /LambdaFunctions\[0\]\.Name: must be/],
    [
      'a missing CodeFile',
      { Name: 'a', CodeFile: 'nope.mjs' },
      /\.CodeFile: cannot read nope\.mjs/,
    ],
    [
      'an unknown runtime',
      { Name: 'a', CodeFile: 'fn.mjs', Runtime: 'java21' },
      /\.Runtime: must be/,
    ],
    [
      'a python 2 runtime',
      { Name: 'a', CodeFile: 'fn.py', Runtime: 'python2.7' },
      /\.Runtime: must be/,
    ],
    ['Timeout over 30 s', { Name: 'a', CodeFile: 'fn.mjs', Timeout: 31 }, /\.Timeout: must be/],
    ['MemorySize under 128', { Name: 'a', CodeFile: 'fn.mjs', MemorySize: 64 }, /\.MemorySize/],
    ['PoolSize 0', { Name: 'a', CodeFile: 'fn.mjs', PoolSize: 0 }, /\.PoolSize/],
    ['a Handler that is no name', { Name: 'a', CodeFile: 'fn.mjs', Handler: 'a.1x' }, /\.Handler/],
  ]
  for (const [name, entry, expected] of rows) {
    it(`reports ${name}`, () => {
      const found = problems([entry])
      assert.ok(
        found.some((p) => expected.test(p)),
        found.join('\n'),
      )
    })
  }
})

describe('LambdaFunctionAssociations', () => {
  const assoc = (arn: string, eventType = 'origin-request', includeBody = false) => ({
    eventType,
    lambdaFunctionArn: arn,
    includeBody,
  })
  const check = (arn: string, eventType?: string, includeBody?: boolean) =>
    checkLambdaAssociations(
      config([{ Name: 'auth', CodeFile: 'fn.mjs' }], [assoc(arn, eventType, includeBody)]),
    )

  it('names and numbered-version ARNs resolve', () => {
    assert.deepEqual(check('auth'), [])
    assert.deepEqual(check(`${ARN}:3`), [])
    assert.equal(lambdaNameFromArn(`${ARN}:3`), 'auth')
  })

  it('$LATEST and aliases are errors; unknown functions a warning', () => {
    assert.equal(check(`${ARN}:$LATEST`)[0]?.severity, 'error')
    assert.equal(check(`${ARN}:live`)[0]?.severity, 'error')
    assert.equal(check(ARN)[0]?.severity, 'error')
    const unknown = check('other')[0]!
    assert.equal(unknown.severity, 'warning')
    assert.equal(
      unknown.path,
      'DistributionConfig.DefaultCacheBehavior.LambdaFunctionAssociations[0].LambdaFunctionARN',
    )
  })

  it('IncludeBody on a response event is a warning', () => {
    assert.equal(check('auth', 'origin-response', true)[0]?.severity, 'warning')
  })

  it('each event gets its default timeout, capped at its limit (5 s viewer, 30 s origin)', () => {
    const runner = { spec: { name: 'auth' } } as unknown as EdgeRunner
    const lambdas = new Map<string, LoadedLambda>([
      ['auth', { runner, timeoutS: undefined }],
      ['long', { runner, timeoutS: 20 }],
    ])
    const b = (arn: string, eventType: string) =>
      ({ lambdaFunctionAssociations: [assoc(arn, eventType, true)] }) as unknown as BehaviorConfig
    assert.equal(
      bindEdgeFunctions(b('auth', 'viewer-request'), lambdas).viewerRequest?.timeoutMs,
      5000,
    )
    assert.equal(
      bindEdgeFunctions(b('auth', 'origin-request'), lambdas).originRequest?.timeoutMs,
      30000,
    )
    assert.equal(
      bindEdgeFunctions(b('long', 'viewer-response'), lambdas).viewerResponse?.timeoutMs,
      5000,
    )
    assert.equal(
      bindEdgeFunctions(b('long', 'origin-response'), lambdas).originResponse?.timeoutMs,
      20000,
    )
    assert.equal(
      bindEdgeFunctions(b('long', 'origin-response'), lambdas).originResponse?.includeBody,
      false,
    )
    assert.equal(bindEdgeFunctions(b('nope', 'origin-response'), lambdas).originResponse, undefined)
  })
})

describe('validate reports Lambda problems (edgeproxy validate)', () => {
  it('a function with a runtime edgeproxy cannot run', async () => {
    const file = join(dir, 'distribution.json')
    writeFileSync(
      file,
      JSON.stringify({
        DistributionConfig: {
          Origins: [
            {
              Id: 'a',
              DomainName: '127.0.0.1',
              CustomOriginConfig: { OriginProtocolPolicy: 'http-only' },
            },
          ],
          DefaultCacheBehavior: {
            TargetOriginId: 'a',
            ViewerProtocolPolicy: 'allow-all',
            CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
            LambdaFunctionAssociations: [{ EventType: 'origin-request', LambdaFunctionARN: 'py' }],
          },
        },
        LambdaFunctions: [
          { Name: 'py', CodeFile: 'fn.mjs', Handler: 'handler', Runtime: 'ruby3.3' },
        ],
      }),
    )
    const found = await functionProblems(file)
    assert.deepEqual(
      found.map((p) => p.path),
      ['LambdaFunctions[0].Runtime'],
    )
  })
})
