// One row per accepted shape and default of the config loader (spec/cloudfront.md §1.3–§1.5,
// §3.9, §5; design.md §3): each loads without an error and yields the expected model values.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadConfigFile } from '../../../proxy/config/load.js'
import type { EdgeConfig } from '../../../proxy/config/types.js'
import { behavior, cacheBehavior, config, fixture, origin, TempDir, type Obj } from './helpers.js'

interface Row {
  readonly shape: string
  readonly file: Obj
  readonly check: (c: EdgeConfig, dir: string) => void
}

const twoOrigins = [origin(), origin({ Id: 'b' })]
const group = {
  Id: 'g',
  FailoverCriteria: { StatusCodes: [400, 403, 404, 416, 500, 502, 503, 504] },
  Members: [{ OriginId: 'app' }, { OriginId: 'b' }],
}
const legacy = (patch: Obj): Obj => ({
  DefaultCacheBehavior: { CachePolicyId: undefined, ...patch },
})

const ROWS: readonly Row[] = [
  {
    shape: 'defaults: Enabled true, HttpVersion http2, no aliases, no root object',
    file: config(),
    check: (c) => {
      const d = c.distribution
      assert.deepEqual(
        [d.enabled, d.httpVersion, d.aliases, d.defaultRootObject, d.comment],
        [true, 'http2', [], '', ''],
      )
    },
  },
  {
    shape:
      'custom origin defaults: ports 80/443, 3 attempts, 10 s connect, 30 s read, 5 s keep-alive',
    file: config({
      Origins: [
        {
          Id: 'app',
          DomainName: 'h',
          CustomOriginConfig: { OriginProtocolPolicy: 'match-viewer' },
        },
      ],
    }),
    check: (c) => {
      assert.deepEqual(c.distribution.origins[0], {
        kind: 'custom',
        id: 'app',
        domainName: 'h',
        originPath: '',
        customHeaders: [],
        httpPort: 80,
        httpsPort: 443,
        protocolPolicy: 'match-viewer',
        connectionAttempts: 3,
        connectionTimeoutS: 10,
        readTimeoutS: 30,
        keepaliveTimeoutS: 5,
        responseCompletionTimeoutS: undefined,
        overrideUrl: undefined,
      })
    },
  },
  {
    shape: 'range limits are accepted: ports 443 and 65535, attempts 1, timeouts 1 and 120',
    file: config({
      Origins: [
        origin({
          ConnectionAttempts: 1,
          ConnectionTimeout: 1,
          ResponseCompletionTimeout: 240,
          CustomOriginConfig: {
            HTTPPort: 443,
            HTTPSPort: 65535,
            OriginReadTimeout: 120,
            OriginKeepaliveTimeout: 120,
          },
        }),
      ],
    }),
    check: (c) => {
      const o = c.distribution.origins[0]
      assert.ok(o?.kind === 'custom')
      assert.deepEqual(
        [
          o.httpPort,
          o.httpsPort,
          o.connectionAttempts,
          o.connectionTimeoutS,
          o.readTimeoutS,
          o.keepaliveTimeoutS,
          o.responseCompletionTimeoutS,
        ],
        [443, 65535, 1, 1, 120, 120, 240],
      )
    },
  },
  {
    shape: 'an S3 origin loads as a custom origin, https-only on 443',
    file: config({
      Origins: [
        {
          Id: 'app',
          DomainName: 'b.s3.amazonaws.com',
          OriginPath: '/prod',
          S3OriginConfig: { OriginAccessIdentity: '', OriginReadTimeout: 45 },
        },
      ],
    }),
    check: (c) => {
      const o = c.distribution.origins[0]
      assert.ok(o?.kind === 'custom')
      assert.deepEqual(
        [o.protocolPolicy, o.httpsPort, o.originPath, o.readTimeoutS],
        ['https-only', 443, '/prod', 45],
      )
    },
  },
  {
    shape: 'a VPC origin (newer AWS feature) loads as an HTTPS custom origin',
    file: config({
      Origins: [
        {
          Id: 'app',
          DomainName: 'internal.example',
          VpcOriginConfig: { VpcOriginId: 'vo-1', OriginReadTimeout: 40 },
        },
      ],
    }),
    check: (c) => {
      const o = c.distribution.origins[0]
      assert.ok(o?.kind === 'custom')
      assert.deepEqual([o.protocolPolicy, o.httpsPort, o.readTimeoutS], ['https-only', 443, 40])
    },
  },
  {
    shape: 'a LocalDirectory origin resolves from the config file folder',
    file: config({
      Origins: [
        {
          Id: 'app',
          LocalDirectory: './site',
          OriginCustomHeaders: [{ HeaderName: 'X-A', HeaderValue: '1' }],
        },
      ],
    }),
    check: (c, dir) => {
      assert.deepEqual(c.distribution.origins[0], {
        kind: 'local',
        id: 'app',
        originPath: '',
        customHeaders: [{ name: 'X-A', value: '1' }],
        directory: join(dir, 'site'),
      })
    },
  },
  {
    shape: 'an origin group with every allowed failover code is a valid target',
    file: config({
      Origins: twoOrigins,
      OriginGroups: [group],
      DefaultCacheBehavior: { TargetOriginId: 'g' },
    }),
    check: (c) => {
      assert.deepEqual(c.distribution.originGroups, [
        {
          id: 'g',
          primaryOriginId: 'app',
          secondaryOriginId: 'b',
          failoverStatusCodes: [400, 403, 404, 416, 500, 502, 503, 504],
        },
      ])
      assert.equal(c.distribution.defaultBehavior.targetOriginId, 'g')
    },
  },
  {
    shape: 'the three method sets, in any order; CachedMethods defaults to GET, HEAD',
    file: config({
      DefaultCacheBehavior: {
        AllowedMethods: ['PATCH', 'HEAD', 'DELETE', 'GET', 'POST', 'OPTIONS', 'PUT'],
      },
      CacheBehaviors: [
        cacheBehavior('/a', { AllowedMethods: ['HEAD', 'GET'] }),
        cacheBehavior('/b', {
          AllowedMethods: ['OPTIONS', 'GET', 'HEAD'],
          CachedMethods: ['OPTIONS', 'HEAD', 'GET'],
        }),
      ],
    }),
    check: (c) => {
      const d = c.distribution
      assert.deepEqual(d.defaultBehavior.allowedMethods, [
        'GET',
        'HEAD',
        'OPTIONS',
        'PUT',
        'PATCH',
        'POST',
        'DELETE',
      ])
      assert.deepEqual(d.defaultBehavior.cachedMethods, ['GET', 'HEAD'])
      assert.deepEqual(d.behaviors[0]?.allowedMethods, ['GET', 'HEAD'])
      assert.deepEqual(d.behaviors[1]?.cachedMethods, ['GET', 'HEAD', 'OPTIONS'])
    },
  },
  {
    shape: 'a behavior with neither CachePolicyId nor ForwardedValues uses the legacy defaults',
    file: config(legacy({})),
    check: (c) => {
      const b = c.distribution.defaultBehavior
      assert.equal(b.cachePolicyId, undefined)
      assert.deepEqual(b.forwardedValues, {
        queryString: false,
        queryStringCacheKeys: [],
        headers: [],
        cookies: { forward: 'none', names: [] },
      })
      assert.deepEqual([b.minTtl, b.defaultTtl, b.maxTtl], [0, 86400, 31536000])
    },
  },
  {
    shape: 'legacy TTL defaults follow a large MinTTL',
    file: config(legacy({ MinTTL: 100000, ForwardedValues: { QueryString: true } })),
    check: (c) => {
      const b = c.distribution.defaultBehavior
      assert.deepEqual([b.minTtl, b.defaultTtl, b.maxTtl], [100000, 100000, 31536000])
      assert.equal(b.forwardedValues?.queryString, true)
    },
  },
  {
    shape: 'policies by name are stored in the Id fields',
    file: config({
      DefaultCacheBehavior: {
        CachePolicyId: undefined,
        CachePolicyName: 'Managed-CachingDisabled',
        OriginRequestPolicyName: 'Managed-AllViewer',
        ResponseHeadersPolicyName: 'Managed-CORS-With-Preflight',
      },
    }),
    check: (c) => {
      const b = c.distribution.defaultBehavior
      assert.deepEqual(
        [b.cachePolicyId, b.originRequestPolicyId, b.responseHeadersPolicyId, b.forwardedValues],
        ['Managed-CachingDisabled', 'Managed-AllViewer', 'Managed-CORS-With-Preflight', undefined],
      )
    },
  },
  {
    shape: 'custom error responses: ResponseCode as string, number or empty; TTL default 10',
    file: config({
      CustomErrorResponses: [
        { ErrorCode: 404, ResponsePagePath: '/404.html', ResponseCode: '200' },
        { ErrorCode: 500, ResponseCode: 503 },
        { ErrorCode: 502, ResponsePagePath: '', ResponseCode: '', ErrorCachingMinTTL: 0 },
      ],
    }),
    check: (c) => {
      assert.deepEqual(c.distribution.customErrorResponses, [
        {
          errorCode: 404,
          responsePagePath: '/404.html',
          responseCode: 200,
          errorCachingMinTtl: 10,
        },
        { errorCode: 500, responsePagePath: undefined, responseCode: 503, errorCachingMinTtl: 10 },
        {
          errorCode: 502,
          responsePagePath: undefined,
          responseCode: undefined,
          errorCachingMinTtl: 0,
        },
      ])
    },
  },
  {
    shape: 'DefaultRootObject may be a path with the allowed characters',
    file: config({ DefaultRootObject: 'dir/index_1-$~"\'&*.html' }),
    check: (c) => {
      assert.equal(c.distribution.defaultRootObject, 'dir/index_1-$~"\'&*.html')
    },
  },
  {
    shape: 'function associations and trusted key groups',
    file: config(
      {
        DefaultCacheBehavior: {
          FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: 'rewrite' }],
          LambdaFunctionAssociations: [
            { EventType: 'origin-response', LambdaFunctionARN: 'headers' },
          ],
          TrustedKeyGroups: ['kg'],
          TrustedSigners: ['self'],
        },
      },
      {
        KeyGroups: [
          {
            Id: 'kg',
            PublicKeys: [
              { Id: 'K1', EncodedKey: readFileSync(fixture('test-public-key.pem'), 'utf8') },
            ],
          },
        ],
      },
    ),
    check: (c) => {
      const b = c.distribution.defaultBehavior
      assert.deepEqual(b.functionAssociations, [
        { eventType: 'viewer-request', functionArn: 'rewrite' },
      ])
      assert.deepEqual(b.lambdaFunctionAssociations, [
        { eventType: 'origin-response', lambdaFunctionArn: 'headers', includeBody: false },
      ])
      assert.deepEqual([b.trustedKeyGroups, b.trustedSigners], [['kg'], ['self']])
    },
  },
  {
    shape: 'Server section with a TLS listener and a body limit',
    file: config(
      {},
      {
        Server: {
          Port: 0,
          Tls: { CertFile: 'file.txt', KeyFile: './file.txt' },
          MaxRequestBodyMB: 0.5,
          VerifyOriginTls: true,
        },
      },
    ),
    check: (c, dir) => {
      assert.equal(c.server.verifyOriginTls, true)
      assert.deepEqual(c.server.tls, {
        port: 8443,
        certFile: join(dir, 'file.txt'),
        keyFile: join(dir, 'file.txt'),
      })
      assert.deepEqual(
        [c.server.port, c.server.host, c.server.adminPort, c.server.maxRequestBodyBytes],
        [0, '127.0.0.1', 8081, 524288],
      )
    },
  },
  {
    shape: 'the later-issue sections stay plain records; get-cache-policy output is unwrapped',
    file: config(
      {},
      {
        CachePolicies: [
          { Id: 'cp1', CachePolicyConfig: { Name: 'one', MinTTL: 1 } },
          {
            CachePolicy: {
              Id: 'cp2',
              LastModifiedTime: 't',
              CachePolicyConfig: { Name: 'two', MinTTL: 2 },
            },
            ETag: 'E',
          },
        ],
        OriginRequestPolicies: [
          { OriginRequestPolicy: { Id: 'orp', OriginRequestPolicyConfig: { Name: 'o' } } },
        ],
        ResponseHeadersPolicies: [
          {
            ResponseHeadersPolicy: {
              Id: 'rhp',
              ResponseHeadersPolicyConfig: {
                Name: 'r',
                RemoveHeadersConfig: { Quantity: 1, Items: [{ Header: 'Server' }] },
              },
            },
          },
        ],
        KeyValueStores: [{ Name: 'kvs', DataFile: 'kvs.json' }],
      },
    ),
    check: (c) => {
      assert.deepEqual(
        c.cachePolicies.map((p) => p['Id']),
        ['cp1', 'cp2'],
      )
      assert.deepEqual(c.cachePolicies[1], {
        Id: 'cp2',
        LastModifiedTime: 't',
        CachePolicyConfig: { Name: 'two', MinTTL: 2 },
      })
      assert.equal(c.originRequestPolicies[0]?.['Id'], 'orp')
      assert.deepEqual(c.responseHeadersPolicies[0], {
        Id: 'rhp',
        ResponseHeadersPolicyConfig: { Name: 'r', RemoveHeadersConfig: [{ Header: 'Server' }] },
      })
      assert.deepEqual(c.keyValueStores, [{ Name: 'kvs', DataFile: 'kvs.json' }])
    },
  },
  {
    shape: 'CallerReference, Comment and Enabled may be given',
    file: config({ CallerReference: 'ref', Comment: 'hi', Enabled: false, Aliases: ['a.example'] }),
    check: (c) => {
      assert.deepEqual(
        [c.distribution.enabled, c.distribution.comment, c.distribution.aliases],
        [false, 'hi', ['a.example']],
      )
    },
  },
  {
    shape: 'a null field counts as absent (YAML `Key:` with nothing after it)',
    file: config({ Comment: null, DefaultCacheBehavior: { Compress: null } }),
    check: (c) => {
      assert.deepEqual(
        [c.distribution.comment, c.distribution.defaultBehavior.compress],
        ['', false],
      )
    },
  },
  {
    shape: 'a behavior may target the same origin as another',
    file: config({ CacheBehaviors: [cacheBehavior('/a'), behavior({ PathPattern: '/b/*.js' })] }),
    check: (c) => {
      assert.deepEqual(
        c.distribution.behaviors.map((b) => b.pathPattern),
        ['/a', '/b/*.js'],
      )
    },
  },
]

describe('config shapes that load', () => {
  const tmp = new TempDir()
  after(() => {
    tmp.remove()
  })
  for (const row of ROWS) {
    it(row.shape, () => {
      const { config: c, warnings } = loadConfigFile(tmp.write(row.file))
      assert.deepEqual(warnings, [])
      row.check(c, tmp.dir)
    })
  }
})
