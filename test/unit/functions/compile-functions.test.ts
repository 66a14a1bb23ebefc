// Loading the config's CloudFront Functions and KeyValueStores (design.md §3; spec §7.1, §7.4):
// maps by Name and ARN, problems with config paths, and association checks.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  checkFunctionAssociations,
  functionNameFromArn,
  loadFunctions,
} from '../../../proxy/config/compile-functions.js'
import type { EdgeConfig } from '../../../proxy/config/types.js'
import { viewerRequestEvent } from '../../../functions/viewer/event.js'

const FX = fileURLToPath(new URL('../../../../test/fixtures/functions/', import.meta.url))
type Obj = Record<string, unknown>
const ARN = 'arn:aws:cloudfront::123456789012:function/add'

function edge(functions: Obj[], keyValueStores: Obj[] = [], arns: string[] = []): EdgeConfig {
  const assoc = (functionArn: string) => ({ eventType: 'viewer-request', functionArn })
  return {
    functions,
    keyValueStores,
    sourceDir: FX,
    distribution: {
      defaultBehavior: { functionAssociations: arns.slice(0, 1).map(assoc) },
      behaviors: arns.slice(1).map((a) => ({ functionAssociations: [assoc(a)] })),
    },
  } as unknown as EdgeConfig
}
const event = viewerRequestEvent({
  method: 'GET',
  uri: '/old',
  querystring: '',
  headers: { host: 'h' },
  clientIp: '1.2.3.4',
  requestId: 'r',
  distributionDomainName: 'd',
  distributionId: 'E',
})

describe('functionNameFromArn', () => {
  for (const [arn, name] of [
    [ARN, 'add'],
    ['arn:aws-cn:cloudfront::123456789012:function/x-y_z', 'x-y_z'],
    ['plain-name', 'plain-name'],
    [
      'arn:aws:lambda:us-east-1:123456789012:function:f',
      'arn:aws:lambda:us-east-1:123456789012:function:f',
    ],
  ]) {
    it(`${arn} → ${name}`, () => assert.equal(functionNameFromArn(arn!), name))
  }
})

describe('loadFunctions', () => {
  it('compiles CodeFile and inline Code; maps by Name and ARN; runtime defaults to 2.0', async () => {
    const { functions, problems } = await loadFunctions(
      edge([
        { Name: 'add', CodeFile: 'add-header.js', FunctionARN: ARN },
        {
          Name: 'inline',
          Runtime: 'cloudfront-js-1.0',
          Code: 'function handler(e) { return e.request }',
        },
      ]),
    )
    assert.deepEqual(problems, [])
    assert.deepEqual([...functions.keys()], ['add', ARN, 'inline'])
    assert.equal(functions.get('add')!.runtime, 'cloudfront-js-2.0')
    assert.equal(functions.get(ARN), functions.get('add'))
    const run = functions.get('add')!.invoke(event)
    assert.ok(run.ok)
    for (const f of new Set(functions.values())) f.dispose()
  })

  it('associates a KeyValueStore by Name (KeyValueStoreAssociations) and by ARN (KeyValueStore)', async () => {
    const kvsArn = 'arn:aws:cloudfront::123456789012:key-value-store/abc'
    const stores = [{ Name: 'redirects', Id: 'abc', ARN: kvsArn, DataFile: 'kvs-import.json' }]
    for (const f of [
      { Name: 'k', CodeFile: 'kvs-lookup.js', KeyValueStoreAssociations: ['redirects'] },
      { Name: 'k', CodeFile: 'kvs-lookup.js', KeyValueStore: kvsArn },
      {
        Name: 'k',
        CodeFile: 'kvs-lookup.js',
        KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: kvsArn }] },
      },
    ]) {
      const { functions, problems } = await loadFunctions(edge([f], stores))
      assert.deepEqual(problems, [])
      const run = functions.get('k')!.invoke(event)
      assert.ok(run.ok, JSON.stringify(run))
      assert.equal((run.result as { uri: string }).uri, '/new')
      functions.get('k')!.dispose()
    }
  })

  const rows: readonly {
    name: string
    functions: Obj[]
    stores?: Obj[]
    want: [string, RegExp][]
  }[] = [
    {
      name: 'bad Name',
      functions: [{ Name: 'a b', Code: 'x' }],
      want: [['Functions[0].Name', /letters/]],
    },
    {
      name: 'bad Runtime',
      functions: [{ Name: 'a', Runtime: 'nodejs', Code: 'x' }],
      want: [['Functions[0].Runtime', /cloudfront-js-2\.0/]],
    },
    {
      name: 'neither CodeFile nor Code',
      functions: [{ Name: 'a' }],
      want: [['Functions[0]', /exactly one of CodeFile or Code/]],
    },
    {
      name: 'missing CodeFile',
      functions: [{ Name: 'a', CodeFile: 'nope.js' }],
      want: [['Functions[0].CodeFile', /cannot read nope\.js/]],
    },
    {
      name: 'syntax error carries the QuickJS message',
      functions: [{ Name: 'a', CodeFile: 'syntax-error.js' }],
      want: [['Functions[0].CodeFile', /SyntaxError/]],
    },
    {
      name: 'code over 10 KB names the size',
      functions: [
        { Name: 'a', Code: `function handler(e){return e.request}//${'x'.repeat(10_300)}` },
      ],
      want: [['Functions[0].Code', /10\d{3} bytes; the limit is 10240/]],
    },
    {
      name: 'duplicate Name',
      functions: [
        { Name: 'a', CodeFile: 'add-header.js' },
        { Name: 'a', CodeFile: 'add-header.js' },
      ],
      want: [['Functions[1].Name', /another function/]],
    },
    {
      name: 'unknown store',
      functions: [{ Name: 'a', CodeFile: 'kvs-lookup.js', KeyValueStore: 'nope' }],
      want: [['Functions[0].KeyValueStore', /names no entry/]],
    },
    {
      name: 'two stores',
      functions: [{ Name: 'a', CodeFile: 'kvs-lookup.js', KeyValueStoreAssociations: ['s', 's'] }],
      stores: [{ Name: 's', DataFile: 'kvs-plain.json' }],
      want: [['Functions[0].KeyValueStoreAssociations[1]', /at most one/]],
    },
    {
      name: 'store with runtime 1.0',
      functions: [{ Name: 'a', Runtime: 'cloudfront-js-1.0', Code: 'x', KeyValueStore: 's' }],
      stores: [{ Name: 's', DataFile: 'kvs-plain.json' }],
      want: [['Functions[0].KeyValueStore', /cloudfront-js-2\.0/]],
    },
    {
      name: 'store file missing',
      functions: [],
      stores: [{ Name: 's', DataFile: 'none.json' }],
      want: [['KeyValueStores[0].DataFile', /none\.json: cannot read/]],
    },
    {
      name: 'store file missing (with a function)',
      functions: [{ Name: 'a', CodeFile: 'kvs-lookup.js', KeyValueStore: 's' }],
      stores: [{ Name: 's', DataFile: 'none.json' }],
      want: [['KeyValueStores[0].DataFile', /none\.json: cannot read/]],
    },
    {
      name: 'store without DataFile',
      functions: [{ Name: 'a', CodeFile: 'add-header.js' }],
      stores: [{ Name: 's' }],
      want: [['KeyValueStores[0].DataFile', /is required/]],
    },
  ]
  for (const row of rows) {
    it(`problem: ${row.name}`, async () => {
      const { functions, problems } = await loadFunctions(edge(row.functions, row.stores ?? []))
      assert.deepEqual(
        problems.map((p) => p.path),
        row.want.map(([path]) => path),
        JSON.stringify(problems),
      )
      row.want.forEach(([, m], i) => assert.match(problems[i]!.message, m))
      for (const f of new Set(functions.values())) f.dispose()
    })
  }
})

describe('checkFunctionAssociations', () => {
  const loaded = new Map([
    ['add', 1],
    [ARN, 1],
  ])
  it('accepts a name, an ARN, and an ARN of a named function', () => {
    const arn2 = 'arn:aws:cloudfront::999999999999:function/add'
    assert.deepEqual(checkFunctionAssociations(edge([], [], ['add', ARN, arn2]), loaded), [])
  })
  it('warns about unknown functions at the association path (an AWS export has no code)', () => {
    const problems = checkFunctionAssociations(
      edge([], [], ['nope', 'add', 'arn:aws:cloudfront::123456789012:function/gone']),
      loaded,
    )
    assert.deepEqual(
      problems.map((p) => [p.path, p.value, p.severity]),
      [
        [
          'DistributionConfig.DefaultCacheBehavior.FunctionAssociations[0].FunctionARN',
          'nope',
          'warning',
        ],
        [
          'DistributionConfig.CacheBehaviors[1].FunctionAssociations[0].FunctionARN',
          'arn:aws:cloudfront::123456789012:function/gone',
          'warning',
        ],
      ],
    )
  })
  it('does not repeat a problem for a configured function that failed to load', () => {
    assert.deepEqual(
      checkFunctionAssociations(edge([{ Name: 'broken' }], [], ['broken']), new Map()),
      [],
    )
  })
})
