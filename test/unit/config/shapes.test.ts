// The file shapes the loader accepts (spec/cloudfront.md §1.1; design.md §3): an AWS CLI
// get-distribution-config export, get-distribution output, a bare DistributionConfig, a
// CloudFormation-shaped YAML file and the design.md example each load into the same model.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, describe, it } from 'node:test'
import { ConfigError } from '../../../proxy/errors.js'
import { checkConfigFile, formatProblem, loadConfigFile } from '../../../proxy/config/load.js'
import type { BehaviorConfig, CustomOriginConfig } from '../../../proxy/config/types.js'
import { config, errorsOf, fixture, FIXTURES, TempDir, warningsOf, type Obj } from './helpers.js'

const AWS_FIXTURE = fixture('aws-get-distribution-config.json')
const awsExport = (): Obj => JSON.parse(readFileSync(AWS_FIXTURE, 'utf8')) as Obj

const CUSTOM_DEFAULTS = {
  kind: 'custom',
  originPath: '',
  customHeaders: [],
  httpPort: 80,
  httpsPort: 443,
  connectionAttempts: 3,
  connectionTimeoutS: 10,
  readTimeoutS: 30,
  keepaliveTimeoutS: 5,
  responseCompletionTimeoutS: undefined,
  overrideUrl: undefined,
} as const

const BEHAVIOR_DEFAULTS = {
  allowedMethods: ['GET', 'HEAD'],
  cachedMethods: ['GET', 'HEAD'],
  compress: false,
  cachePolicyId: undefined,
  originRequestPolicyId: undefined,
  responseHeadersPolicyId: undefined,
  forwardedValues: undefined,
  minTtl: 0,
  defaultTtl: 86400,
  maxTtl: 31536000,
  functionAssociations: [],
  lambdaFunctionAssociations: [],
  trustedKeyGroups: [],
  trustedSigners: [],
} as const

describe('AWS CLI get-distribution-config export', () => {
  it('loads into the expected model without a warning', () => {
    const { config: c, warnings } = loadConfigFile(AWS_FIXTURE)
    assert.deepEqual(warnings, [])
    assert.equal(c.etag, 'E2QWRUHEXAMPLE')
    assert.equal(c.distributionId, undefined)
    assert.equal(c.sourceDir, FIXTURES)
    const d = c.distribution
    assert.equal(d.enabled, true)
    assert.equal(d.comment, 'exported with aws cloudfront get-distribution-config')
    assert.deepEqual(d.aliases, ['www.example.com'])
    assert.equal(d.defaultRootObject, 'index.html')
    assert.equal(d.httpVersion, 'http2and3')
    assert.deepEqual(d.origins, [
      {
        ...CUSTOM_DEFAULTS,
        id: 'app',
        domainName: '127.0.0.1',
        customHeaders: [{ name: 'X-Origin-Verify', value: 'secret' }],
        httpPort: 8001,
        httpsPort: 8443,
        protocolPolicy: 'http-only',
        connectionAttempts: 2,
        connectionTimeoutS: 5,
        readTimeoutS: 20,
      },
      {
        ...CUSTOM_DEFAULTS,
        id: 'assets',
        domainName: '127.0.0.1',
        originPath: '/static',
        httpPort: 8002,
        protocolPolicy: 'match-viewer',
      },
    ])
    assert.deepEqual(d.originGroups, [
      {
        id: 'app-with-failover',
        primaryOriginId: 'app',
        secondaryOriginId: 'assets',
        failoverStatusCodes: [500, 502, 503],
      },
    ])
    assert.deepEqual(d.defaultBehavior, {
      ...BEHAVIOR_DEFAULTS,
      pathPattern: '*',
      targetOriginId: 'app-with-failover',
      viewerProtocolPolicy: 'redirect-to-https',
      allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      compress: true,
      cachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      originRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      responseHeadersPolicyId: '67f7725c-6f97-4210-82d7-5512b31e9d03',
      functionAssociations: [
        {
          eventType: 'viewer-request',
          functionArn: 'arn:aws:cloudfront::123456789012:function/rewrite',
        },
      ],
    } satisfies BehaviorConfig)
    assert.deepEqual(d.behaviors, [
      {
        ...BEHAVIOR_DEFAULTS,
        pathPattern: '/static/*',
        targetOriginId: 'assets',
        viewerProtocolPolicy: 'https-only',
        compress: true,
        cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        trustedKeyGroups: ['kg-1'],
      },
      {
        ...BEHAVIOR_DEFAULTS,
        pathPattern: '/api/*',
        targetOriginId: 'app',
        viewerProtocolPolicy: 'allow-all',
        allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        cachedMethods: ['GET', 'HEAD', 'OPTIONS'],
        forwardedValues: {
          queryString: true,
          queryStringCacheKeys: ['page'],
          headers: ['Origin', 'Accept-Language'],
          cookies: { forward: 'whitelist', names: ['session*'] },
        },
        defaultTtl: 60,
        maxTtl: 300,
        lambdaFunctionAssociations: [
          {
            eventType: 'origin-request',
            lambdaFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:api-auth:3',
            includeBody: true,
          },
        ],
      },
      {
        ...BEHAVIOR_DEFAULTS,
        pathPattern: '/img/*.png',
        targetOriginId: 'assets',
        viewerProtocolPolicy: 'allow-all',
        compress: true,
        cachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
      },
    ] satisfies BehaviorConfig[])
    assert.deepEqual(d.customErrorResponses, [
      {
        errorCode: 404,
        responsePagePath: '/errors/404.html',
        responseCode: 404,
        errorCachingMinTtl: 10,
      },
      {
        errorCode: 503,
        responsePagePath: undefined,
        responseCode: undefined,
        errorCachingMinTtl: 0,
      },
    ])
  })

  describe('problems point into the API shape', () => {
    const tmp = new TempDir()
    after(() => {
      tmp.remove()
    })
    const dist = (): Record<string, Obj> => awsExport()['DistributionConfig'] as Record<string, Obj>

    it('names CacheBehaviors.Items[2].PathPattern', () => {
      const file = awsExport()
      const d = dist()
      const items = (d['CacheBehaviors']?.['Items'] as Obj[]).map((b, i) =>
        i === 2 ? { ...b, PathPattern: '/img/ *.png' } : b,
      )
      const problems = tmp.problems({
        ...file,
        DistributionConfig: { ...d, CacheBehaviors: { Quantity: 3, Items: items } },
      })
      assert.deepEqual(
        errorsOf(problems).map((p) => p.path),
        ['DistributionConfig.CacheBehaviors.Items[2].PathPattern'],
      )
    })

    it('names AllowedMethods.CachedMethods and CustomHeaders by their API names', () => {
      const d = dist()
      const behavior = {
        ...d['DefaultCacheBehavior'],
        AllowedMethods: {
          Quantity: 2,
          Items: ['GET', 'HEAD'],
          CachedMethods: { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'] },
        },
      }
      const origins = d['Origins']?.['Items'] as Obj[]
      const app = {
        ...origins[0],
        CustomHeaders: { Quantity: 1, Items: [{ HeaderName: 'Via', HeaderValue: 'x' }] },
      }
      const problems = tmp.problems({
        KeyGroups: awsExport()['KeyGroups'],
        DistributionConfig: {
          ...d,
          DefaultCacheBehavior: behavior,
          Origins: { Quantity: 2, Items: [app, origins[1]] },
        },
      })
      assert.deepEqual(
        errorsOf(problems).map((p) => p.path),
        [
          'DistributionConfig.Origins.Items[0].CustomHeaders.Items[0].HeaderName',
          'DistributionConfig.DefaultCacheBehavior.AllowedMethods.CachedMethods',
        ],
      )
    })

    it('warns when Quantity disagrees with Items, and reads a missing Items as []', () => {
      const d = dist()
      const problems = tmp.problems({
        KeyGroups: awsExport()['KeyGroups'],
        DistributionConfig: {
          ...d,
          Aliases: { Quantity: 2, Items: ['a.example'] },
          CustomErrorResponses: { Quantity: 0 },
        },
      })
      assert.deepEqual(errorsOf(problems), [])
      assert.deepEqual(warningsOf(problems).map(formatProblem), [
        'warning: DistributionConfig.Aliases.Quantity: does not match the 1 item(s) of Items (got 2)',
      ])
    })
  })
})

describe('other file shapes', () => {
  const tmp = new TempDir()
  after(() => {
    tmp.remove()
  })

  it('get-distribution output: takes the distribution Id and domain from the outer object', () => {
    const { ETag, DistributionConfig, KeyGroups } = awsExport()
    const file = tmp.write({
      ETag,
      KeyGroups,
      Distribution: {
        Id: 'E1EXAMPLE',
        ARN: 'arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE',
        Status: 'Deployed',
        LastModifiedTime: '2024-01-01T00:00:00Z',
        InProgressInvalidationBatches: 0,
        DomainName: 'd111111abcdef8.cloudfront.net',
        ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
        ActiveTrustedKeyGroups: { Enabled: false, Quantity: 0 },
        DistributionConfig,
        AliasICPRecordals: [],
      },
    })
    const { config: c, warnings } = loadConfigFile(file)
    assert.deepEqual(warnings, [])
    assert.equal(c.distributionId, 'E1EXAMPLE')
    assert.equal(c.distributionDomain, 'd111111abcdef8.cloudfront.net')
    assert.equal(c.etag, 'E2QWRUHEXAMPLE')
    assert.equal(c.distribution.behaviors.length, 3)
    const bad = tmp.problems({
      Distribution: {
        Id: 'E1',
        DistributionConfig: config({ HttpVersion: 'x' })['DistributionConfig'],
      },
    })
    assert.deepEqual(
      errorsOf(bad).map((p) => p.path),
      ['Distribution.DistributionConfig.HttpVersion'],
    )
  })

  it('a bare DistributionConfig: paths start at the file root', () => {
    const bare = config()['DistributionConfig'] as Obj
    const { config: c } = loadConfigFile(tmp.write(bare))
    assert.equal(c.distribution.origins[0]?.id, 'app')
    assert.equal(c.server.port, 8080)
    const problems = tmp.problems({ ...bare, DefaultRootObject: '/x' })
    assert.deepEqual(
      errorsOf(problems).map((p) => p.path),
      ['DefaultRootObject'],
    )
  })

  it('CloudFormation-shaped YAML', () => {
    const { config: c, warnings } = loadConfigFile(fixture('cloudformation.yaml'))
    assert.deepEqual(warnings, [])
    assert.deepEqual(c.server, {
      port: 9080,
      host: '0.0.0.0',
      adminPort: 9081,
      tls: undefined,
      cache: { maxSizeMB: 64, maxObjectSizeMB: 8 },
      pop: 'IAD89-C2',
      maxRequestBodyBytes: 2 * 1024 * 1024,
      verifyOriginTls: false,
    })
    const d = c.distribution
    assert.deepEqual(d.aliases, ['cdn.example.com', 'static.example.com'])
    assert.deepEqual(d.origins, [
      {
        ...CUSTOM_DEFAULTS,
        id: 'web',
        domainName: '127.0.0.1',
        originPath: '/v1',
        customHeaders: [{ name: 'X-From-Cdn', value: 'yes' }],
        httpPort: 3000,
        protocolPolicy: 'http-only',
      },
      {
        ...CUSTOM_DEFAULTS,
        id: 'bucket',
        domainName: 'my-bucket.s3.us-east-1.amazonaws.com',
        protocolPolicy: 'https-only',
      },
    ] satisfies CustomOriginConfig[])
    assert.deepEqual(d.originGroups[0]?.failoverStatusCodes, [502, 504])
    assert.deepEqual(d.defaultBehavior.allowedMethods, ['GET', 'HEAD', 'OPTIONS'])
    assert.deepEqual(d.defaultBehavior.trustedKeyGroups, ['kg-main'])
    const [api, jpg] = d.behaviors
    assert.equal(api?.allowedMethods.length, 7)
    assert.deepEqual(api.forwardedValues?.headers, ['*'])
    assert.deepEqual([api.minTtl, api.defaultTtl, api.maxTtl], [0, 0, 0])
    assert.equal(jpg?.cachePolicyId, 'Managed-CachingOptimized')
    assert.equal(jpg.responseHeadersPolicyId, 'Managed-SecurityHeadersPolicy')
    assert.deepEqual(d.customErrorResponses, [
      { errorCode: 404, responsePagePath: '/404.html', responseCode: 200, errorCachingMinTtl: 30 },
    ])
  })

  it('the design.md §3 example, with paths relative to the file', () => {
    const { config: c, warnings } = loadConfigFile(fixture('design-example.yaml'))
    // The example leaves ViewerProtocolPolicy out of /api/*: it inherits the default's, with a word.
    assert.deepEqual(warnings.map(formatProblem), [
      "warning: DistributionConfig.CacheBehaviors[0].ViewerProtocolPolicy: is missing (AWS requires it); using the default behavior's allow-all",
    ])
    assert.equal(c.distribution.behaviors[0]?.viewerProtocolPolicy, 'allow-all')
    assert.deepEqual(c.server, {
      port: 8080,
      host: '127.0.0.1',
      adminPort: 8081,
      tls: undefined,
      cache: { maxSizeMB: 256, maxObjectSizeMB: 32 },
      pop: 'LOCAL1-C1',
      maxRequestBodyBytes: 0,
      verifyOriginTls: false,
    })
    const site = c.distribution.origins[1]
    assert.deepEqual(site, {
      kind: 'local',
      id: 'site',
      originPath: '',
      customHeaders: [],
      directory: `${FIXTURES}/site`,
    })
    assert.equal(c.distribution.defaultBehavior.targetOriginId, 'site')
    assert.equal(c.distribution.behaviors[0].cachePolicyId, 'Managed-CachingDisabled')
    assert.deepEqual(c.distribution.behaviors[0].lambdaFunctionAssociations, [
      { eventType: 'origin-request', lambdaFunctionArn: 'api-auth', includeBody: false },
    ])
    assert.deepEqual(c.functions, [
      {
        Name: 'security-headers',
        Runtime: 'cloudfront-js-2.0',
        CodeFile: '../functions/examples/security-headers.js',
      },
    ])
    assert.equal(c.lambdaFunctions[0]?.['Handler'], 'handler')
    assert.deepEqual(c.keyGroups, [])
  })

  it('three mistakes give exactly three errors, with their paths', () => {
    const problems = checkConfigFile(fixture('three-mistakes.yaml'))
    assert.deepEqual(problems.map(formatProblem), [
      'DistributionConfig.Origins[0].CustomOriginConfig.HTTPPort: must be 80, 443 or from 1024 to 65535 (got 8)',
      'DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy: must be one of allow-all, redirect-to-https, https-only (got "https-please")',
      'DistributionConfig.CacheBehaviors[1].TargetOriginId: names no origin or origin group (got "nowhere")',
    ])
    assert.throws(
      () => loadConfigFile(fixture('three-mistakes.yaml')),
      (err: unknown) => err instanceof ConfigError && err.problems.length === 3,
    )
  })
})
