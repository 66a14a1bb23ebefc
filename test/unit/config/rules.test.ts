// One row per validation rule of the config loader (spec/cloudfront.md §1.2–§1.5, §5, §9.3,
// §11.4; design.md §3 Server section): each bad shape yields exactly the listed errors, with
// the user's path and a message naming the rule.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { formatProblem } from '../../../proxy/config/load.js'
import {
  behavior,
  cacheBehavior,
  config,
  errorsOf,
  origin,
  TempDir,
  warningsOf,
  type Obj,
} from './helpers.js'

interface Row {
  readonly rule: string
  readonly file: Obj
  /** [path, part of the message] for every error, in order. */
  readonly errors: readonly (readonly [string, string])[]
  /** The `(got …)` of the first error, when the rule shows the value. */
  readonly got?: string
}

const D = 'DistributionConfig'
const O0 = `${D}.Origins[0]`
const DCB = `${D}.DefaultCacheBehavior`
const group = (patch: Obj = {}): Obj => ({
  Id: 'g',
  FailoverCriteria: { StatusCodes: [500, 502] },
  Members: [{ OriginId: 'app' }, { OriginId: 'b' }],
  ...patch,
})
const twoOrigins = [origin(), origin({ Id: 'b' })]
const headers = (names: readonly string[]): Obj =>
  origin({ OriginCustomHeaders: names.map((n) => ({ HeaderName: n, HeaderValue: 'v' })) })

const ROWS: readonly Row[] = [
  // required fields
  {
    rule: 'DistributionConfig is required',
    file: { Server: { Port: 8080 } },
    errors: [[D, 'is required']],
  },
  {
    rule: 'Origins is required',
    file: config({ Origins: undefined }),
    errors: [
      [`${D}.Origins`, 'is required'],
      [`${DCB}.TargetOriginId`, 'names no origin'],
    ],
  },
  {
    rule: 'Origins must not be empty',
    file: config({ Origins: [] }),
    errors: [
      [`${D}.Origins`, 'at least one origin'],
      [`${DCB}.TargetOriginId`, 'names no origin'],
    ],
  },
  {
    rule: 'DefaultCacheBehavior is required',
    file: config({ DefaultCacheBehavior: undefined }),
    errors: [[DCB, 'is required']],
  },
  {
    rule: 'TargetOriginId is required',
    file: config({ DefaultCacheBehavior: { TargetOriginId: undefined } }),
    errors: [[`${DCB}.TargetOriginId`, 'is required']],
  },
  {
    rule: 'ViewerProtocolPolicy is required',
    file: config({ DefaultCacheBehavior: { ViewerProtocolPolicy: undefined } }),
    errors: [[`${DCB}.ViewerProtocolPolicy`, 'is required']],
  },
  {
    rule: 'PathPattern is required on CacheBehaviors',
    file: config({ CacheBehaviors: [behavior()] }),
    errors: [[`${D}.CacheBehaviors[0].PathPattern`, 'is required']],
  },
  {
    rule: 'an origin Id is required',
    file: config({ Origins: [origin({ Id: undefined }), origin()] }),
    errors: [[`${O0}.Id`, 'is required']],
  },
  // enums
  {
    rule: 'ViewerProtocolPolicy enum',
    file: config({ DefaultCacheBehavior: { ViewerProtocolPolicy: 'https' } }),
    errors: [
      [`${DCB}.ViewerProtocolPolicy`, 'must be one of allow-all, redirect-to-https, https-only'],
    ],
    got: '"https"',
  },
  {
    rule: 'OriginProtocolPolicy enum',
    file: config({ Origins: [origin({ CustomOriginConfig: { OriginProtocolPolicy: 'tcp' } })] }),
    errors: [[`${O0}.CustomOriginConfig.OriginProtocolPolicy`, 'must be one of http-only']],
  },
  {
    rule: 'OriginProtocolPolicy is required',
    file: config({
      Origins: [origin({ CustomOriginConfig: { OriginProtocolPolicy: undefined } })],
    }),
    errors: [[`${O0}.CustomOriginConfig.OriginProtocolPolicy`, 'is required']],
  },
  {
    rule: 'HttpVersion enum',
    file: config({ HttpVersion: 'http4' }),
    errors: [[`${D}.HttpVersion`, 'must be one of http1.1, http2, http3, http2and3']],
  },
  {
    rule: 'OriginSSLProtocols items',
    file: config({
      Origins: [origin({ CustomOriginConfig: { OriginSSLProtocols: ['TLSv1.3'] } })],
    }),
    errors: [[`${O0}.CustomOriginConfig.OriginSSLProtocols[0]`, 'must be one of SSLv3']],
  },
  // numeric ranges (§1.3)
  {
    rule: 'ConnectionAttempts 1–3',
    file: config({ Origins: [origin({ ConnectionAttempts: 4 })] }),
    errors: [[`${O0}.ConnectionAttempts`, 'must be from 1 to 3']],
    got: '4',
  },
  {
    rule: 'ConnectionAttempts is whole',
    file: config({ Origins: [origin({ ConnectionAttempts: 1.5 })] }),
    errors: [[`${O0}.ConnectionAttempts`, 'must be a whole number']],
  },
  {
    rule: 'ConnectionTimeout 1–10',
    file: config({ Origins: [origin({ ConnectionTimeout: 11 })] }),
    errors: [[`${O0}.ConnectionTimeout`, 'must be from 1 to 10']],
  },
  {
    rule: 'OriginReadTimeout 1–120',
    file: config({ Origins: [origin({ CustomOriginConfig: { OriginReadTimeout: 121 } })] }),
    errors: [[`${O0}.CustomOriginConfig.OriginReadTimeout`, 'must be from 1 to 120']],
  },
  {
    rule: 'OriginKeepaliveTimeout 1–120',
    file: config({ Origins: [origin({ CustomOriginConfig: { OriginKeepaliveTimeout: 0 } })] }),
    errors: [[`${O0}.CustomOriginConfig.OriginKeepaliveTimeout`, 'must be from 1 to 120']],
  },
  {
    rule: 'HTTPPort 80, 443 or 1024–65535',
    file: config({ Origins: [origin({ CustomOriginConfig: { HTTPPort: 1000 } })] }),
    errors: [[`${O0}.CustomOriginConfig.HTTPPort`, 'must be 80, 443 or from 1024 to 65535']],
  },
  {
    rule: 'HTTPSPort 80, 443 or 1024–65535',
    file: config({ Origins: [origin({ CustomOriginConfig: { HTTPSPort: 70000 } })] }),
    errors: [[`${O0}.CustomOriginConfig.HTTPSPort`, 'must be 80, 443 or from 1024 to 65535']],
  },
  {
    rule: 'ResponseCompletionTimeout ≥ OriginReadTimeout',
    file: config({ Origins: [origin({ ResponseCompletionTimeout: 10 })] }),
    errors: [[`${O0}.ResponseCompletionTimeout`, 'at least the origin read timeout (30 s)']],
  },
  // wrong types show the value
  {
    rule: 'a number given as a string',
    file: config({ Origins: [origin({ CustomOriginConfig: { HTTPPort: '8000' } })] }),
    errors: [[`${O0}.CustomOriginConfig.HTTPPort`, 'must be a whole number']],
    got: '"8000"',
  },
  {
    rule: 'a list given as an object',
    file: config({ Origins: BASE_ORIGIN_OBJECT() }),
    errors: [
      [`${D}.Origins`, 'must be a list'],
      [`${DCB}.TargetOriginId`, 'names no origin'],
    ],
  },
  {
    rule: 'a string given as a number',
    file: config({ Comment: 42 }),
    errors: [[`${D}.Comment`, 'must be a string']],
    got: '42',
  },
  {
    rule: 'Enabled is a boolean',
    file: config({ Enabled: 'yes' }),
    errors: [[`${D}.Enabled`, 'must be true or false']],
    got: '"yes"',
  },
  {
    rule: 'Compress is a boolean',
    file: config({ DefaultCacheBehavior: { Compress: 1 } }),
    errors: [[`${DCB}.Compress`, 'must be true or false']],
  },
  // OriginPath
  {
    rule: 'OriginPath starts with /',
    file: config({ Origins: [origin({ OriginPath: 'prod' })] }),
    errors: [[`${O0}.OriginPath`, 'must start with /']],
  },
  {
    rule: 'OriginPath has no trailing /',
    file: config({ Origins: [origin({ OriginPath: '/prod/' })] }),
    errors: [[`${O0}.OriginPath`, 'must not end with /']],
  },
  // unique Ids and targets
  {
    rule: 'origin Ids are unique',
    file: config({ Origins: [origin(), origin()] }),
    errors: [[`${D}.Origins[1].Id`, `duplicates the Id of ${O0}`]],
  },
  {
    rule: 'origins and origin groups share one Id namespace',
    file: config({ Origins: twoOrigins, OriginGroups: [group({ Id: 'b' })] }),
    errors: [[`${D}.OriginGroups[0].Id`, 'is already the Id of an origin']],
  },
  {
    rule: 'TargetOriginId names an origin or origin group',
    file: config({ DefaultCacheBehavior: { TargetOriginId: 'nope' } }),
    errors: [[`${DCB}.TargetOriginId`, 'names no origin or origin group']],
  },
  // origin groups (§1.4)
  {
    rule: 'origin group has exactly two members',
    file: config({
      Origins: twoOrigins,
      OriginGroups: [group({ Members: [{ OriginId: 'app' }] })],
    }),
    errors: [[`${D}.OriginGroups[0].Members`, 'exactly two origins']],
  },
  {
    rule: 'origin group members exist',
    file: config({
      Origins: twoOrigins,
      OriginGroups: [group({ Members: [{ OriginId: 'app' }, { OriginId: 'c' }] })],
    }),
    errors: [[`${D}.OriginGroups[0].Members[1].OriginId`, 'names no origin']],
  },
  {
    rule: 'origin group members differ',
    file: config({
      Origins: twoOrigins,
      OriginGroups: [group({ Members: [{ OriginId: 'app' }, { OriginId: 'app' }] })],
    }),
    errors: [[`${D}.OriginGroups[0]`, 'must be different origins']],
  },
  {
    rule: 'failover codes ⊂ 400 403 404 416 500 502 503 504',
    file: config({
      Origins: twoOrigins,
      OriginGroups: [group({ FailoverCriteria: { StatusCodes: [500, 501] } })],
    }),
    errors: [[`${D}.OriginGroups[0].FailoverCriteria.StatusCodes[1]`, 'must be one of 400, 403']],
  },
  {
    rule: 'failover codes are required',
    file: config({ Origins: twoOrigins, OriginGroups: [group({ FailoverCriteria: undefined })] }),
    errors: [[`${D}.OriginGroups[0].FailoverCriteria`, 'is required']],
  },
  // methods (§1.5, §11.6)
  {
    rule: 'AllowedMethods is one of the three sets',
    file: config({ DefaultCacheBehavior: { AllowedMethods: ['GET', 'POST'] } }),
    errors: [[`${DCB}.AllowedMethods`, 'must be exactly one of these method sets']],
    got: '["GET","POST"]',
  },
  {
    rule: 'AllowedMethods are upper-case method names',
    file: config({ DefaultCacheBehavior: { AllowedMethods: ['get', 'head'] } }),
    errors: [[`${DCB}.AllowedMethods`, 'must be exactly one of these method sets']],
  },
  {
    rule: 'CachedMethods is GET,HEAD or GET,HEAD,OPTIONS',
    file: config({ DefaultCacheBehavior: { CachedMethods: ['GET'] } }),
    errors: [[`${DCB}.CachedMethods`, 'must be exactly one of these method sets']],
  },
  {
    rule: 'CachedMethods ⊂ AllowedMethods',
    file: config({ DefaultCacheBehavior: { CachedMethods: ['GET', 'HEAD', 'OPTIONS'] } }),
    errors: [[`${DCB}.CachedMethods`, 'must be among AllowedMethods (OPTIONS is not)']],
  },
  // path patterns (§2)
  {
    rule: 'PathPattern characters',
    file: config({ CacheBehaviors: [cacheBehavior('/a b/*')] }),
    errors: [
      [`${D}.CacheBehaviors[0].PathPattern`, 'contains a character CloudFront does not allow'],
    ],
  },
  {
    rule: 'PathPattern length',
    file: config({ CacheBehaviors: [cacheBehavior(`/${'a'.repeat(255)}`)] }),
    errors: [[`${D}.CacheBehaviors[0].PathPattern`, 'at most 255 characters']],
  },
  {
    rule: 'no duplicate path patterns (leading / optional)',
    file: config({ CacheBehaviors: [cacheBehavior('/api/*'), cacheBehavior('api/*')] }),
    errors: [
      [
        `${D}.CacheBehaviors[1].PathPattern`,
        `duplicates the path pattern of ${D}.CacheBehaviors[0]`,
      ],
    ],
  },
  // DefaultRootObject (§11.4)
  {
    rule: 'DefaultRootObject has no leading /',
    file: config({ DefaultRootObject: '/index.html' }),
    errors: [[`${D}.DefaultRootObject`, 'must not start with /']],
  },
  {
    rule: 'DefaultRootObject ≤ 255 characters',
    file: config({ DefaultRootObject: 'a'.repeat(256) }),
    errors: [[`${D}.DefaultRootObject`, 'at most 255 characters']],
  },
  {
    rule: 'DefaultRootObject characters',
    file: config({ DefaultRootObject: 'index?.html' }),
    errors: [[`${D}.DefaultRootObject`, 'may only contain']],
  },
  // CustomErrorResponses (§5)
  {
    rule: 'ErrorCode 400–599',
    file: config({ CustomErrorResponses: [{ ErrorCode: 399 }] }),
    errors: [[`${D}.CustomErrorResponses[0].ErrorCode`, 'must be from 400 to 599']],
  },
  {
    rule: 'ErrorCode is required',
    file: config({ CustomErrorResponses: [{ ErrorCachingMinTTL: 5 }] }),
    errors: [[`${D}.CustomErrorResponses[0].ErrorCode`, 'is required']],
  },
  {
    rule: 'ErrorCode is unique',
    file: config({ CustomErrorResponses: [{ ErrorCode: 404 }, { ErrorCode: 404 }] }),
    errors: [[`${D}.CustomErrorResponses[1].ErrorCode`, 'has a custom error response already']],
  },
  {
    rule: 'ResponsePagePath starts with /',
    file: config({ CustomErrorResponses: [{ ErrorCode: 404, ResponsePagePath: '404.html' }] }),
    errors: [[`${D}.CustomErrorResponses[0].ResponsePagePath`, 'must start with /']],
  },
  {
    rule: 'ResponseCode 200–599 (string form)',
    file: config({ CustomErrorResponses: [{ ErrorCode: 404, ResponseCode: '700' }] }),
    errors: [[`${D}.CustomErrorResponses[0].ResponseCode`, 'must be from 200 to 599']],
    got: '"700"',
  },
  {
    rule: 'ResponseCode is a number',
    file: config({ CustomErrorResponses: [{ ErrorCode: 404, ResponseCode: 'ok' }] }),
    errors: [[`${D}.CustomErrorResponses[0].ResponseCode`, 'must be a whole number']],
  },
  {
    rule: 'ErrorCachingMinTTL ≥ 0',
    file: config({ CustomErrorResponses: [{ ErrorCode: 500, ErrorCachingMinTTL: -1 }] }),
    errors: [[`${D}.CustomErrorResponses[0].ErrorCachingMinTTL`, 'must be of at least 0']],
  },
  // origin custom headers (§1.3, §9.3)
  {
    rule: 'forbidden origin custom header name',
    file: config({ Origins: [headers(['Host'])] }),
    errors: [
      [`${O0}.OriginCustomHeaders[0].HeaderName`, 'cannot be set as an origin custom header'],
    ],
    got: '"Host"',
  },
  {
    rule: 'forbidden X-Amz- and X-Edge- prefixes',
    file: config({ Origins: [headers(['x-amz-date', 'X-Edge-Location', 'X-Ok'])] }),
    errors: [
      [`${O0}.OriginCustomHeaders[0].HeaderName`, 'cannot be set as an origin custom header'],
      [`${O0}.OriginCustomHeaders[1].HeaderName`, 'cannot be set as an origin custom header'],
    ],
  },
  {
    rule: 'at most 10 origin custom headers',
    file: config({ Origins: [headers(Array.from({ length: 11 }, (_, i) => `X-H${i}`))] }),
    errors: [[`${O0}.OriginCustomHeaders`, 'at most 10 headers']],
  },
  {
    rule: 'origin custom header names are unique',
    file: config({ Origins: [headers(['X-A', 'x-a'])] }),
    errors: [[`${O0}.OriginCustomHeaders[1].HeaderName`, 'is given twice']],
  },
  // cache settings
  {
    rule: 'CachePolicyId and ForwardedValues are exclusive',
    file: config({ DefaultCacheBehavior: { ForwardedValues: { QueryString: true } } }),
    errors: [[`${DCB}.ForwardedValues`, 'not both']],
  },
  {
    rule: 'CachePolicyId and CachePolicyName are exclusive',
    file: config({ DefaultCacheBehavior: { CachePolicyName: 'Managed-CachingDisabled' } }),
    errors: [[`${DCB}.CachePolicyName`, 'give either CachePolicyId or CachePolicyName']],
  },
  {
    rule: 'an origin request policy needs a cache policy',
    file: config({
      DefaultCacheBehavior: {
        CachePolicyId: undefined,
        OriginRequestPolicyName: 'Managed-AllViewer',
      },
    }),
    errors: [[`${DCB}.OriginRequestPolicyName`, 'needs a cache policy']],
  },
  {
    rule: 'legacy DefaultTTL ≥ MinTTL',
    file: config({
      DefaultCacheBehavior: { CachePolicyId: undefined, MinTTL: 100, DefaultTTL: 50 },
    }),
    errors: [[`${DCB}.DefaultTTL`, 'must be at least MinTTL (100)']],
  },
  {
    rule: 'legacy Cookies.Forward enum',
    file: config({
      DefaultCacheBehavior: {
        CachePolicyId: undefined,
        ForwardedValues: { Cookies: { Forward: 'some' } },
      },
    }),
    errors: [[`${DCB}.ForwardedValues.Cookies.Forward`, 'must be one of none, whitelist, all']],
  },
  // edge function associations
  {
    rule: 'CloudFront Functions only on viewer events',
    file: config({
      DefaultCacheBehavior: {
        FunctionAssociations: [{ EventType: 'origin-request', FunctionARN: 'f' }],
      },
    }),
    errors: [
      [
        `${DCB}.FunctionAssociations[0].EventType`,
        'must be one of viewer-request, viewer-response',
      ],
    ],
  },
  {
    rule: 'one function per event type',
    file: config({
      DefaultCacheBehavior: {
        LambdaFunctionAssociations: [
          { EventType: 'origin-request', LambdaFunctionARN: 'a' },
          { EventType: 'origin-request', LambdaFunctionARN: 'b' },
        ],
      },
    }),
    errors: [[`${DCB}.LambdaFunctionAssociations[1].EventType`, 'one function per event type']],
  },
  {
    rule: 'no Lambda@Edge on viewer events next to CloudFront Functions',
    file: config({
      DefaultCacheBehavior: {
        FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: 'f' }],
        LambdaFunctionAssociations: [{ EventType: 'viewer-response', LambdaFunctionARN: 'l' }],
      },
    }),
    errors: [
      [`${DCB}.LambdaFunctionAssociations[0].EventType`, 'cannot be a Lambda@Edge viewer event'],
    ],
  },
  {
    rule: 'FunctionARN is required',
    file: config({
      DefaultCacheBehavior: { FunctionAssociations: [{ EventType: 'viewer-request' }] },
    }),
    errors: [[`${DCB}.FunctionAssociations[0].FunctionARN`, 'is required']],
  },
  // origin kinds
  {
    rule: 'an origin needs a kind',
    file: config({ Origins: [{ Id: 'app', DomainName: '127.0.0.1' }] }),
    errors: [[O0, 'needs DomainName with CustomOriginConfig or S3OriginConfig, or LocalDirectory']],
  },
  {
    rule: 'DomainName is required with CustomOriginConfig',
    file: config({ Origins: [origin({ DomainName: undefined })] }),
    errors: [[`${O0}.DomainName`, 'is required']],
  },
  {
    rule: 'CustomOriginConfig and S3OriginConfig are exclusive',
    file: config({ Origins: [origin({ S3OriginConfig: {} })] }),
    errors: [[O0, 'give exactly one of']],
  },
  {
    rule: 'LocalDirectory excludes DomainName',
    file: config({ Origins: [{ Id: 'app', LocalDirectory: 'site', DomainName: 'x' }] }),
    errors: [[`${O0}.DomainName`, 'is not used with LocalDirectory']],
  },
  {
    rule: 'LocalDirectory excludes CustomOriginConfig',
    file: config({ Origins: [origin({ DomainName: undefined, LocalDirectory: 'site' })] }),
    errors: [[O0, 'give exactly one of']],
  },
  {
    rule: 'LocalDirectory must exist',
    file: config({ Origins: [{ Id: 'app', LocalDirectory: './missing' }] }),
    errors: [[`${O0}.LocalDirectory`, 'folder not found']],
    got: '"./missing"',
  },
  {
    rule: 'LocalDirectory must be a folder',
    file: config({ Origins: [{ Id: 'app', LocalDirectory: 'file.txt' }] }),
    errors: [[`${O0}.LocalDirectory`, 'is not a folder']],
  },
  // Server section (design.md §3)
  {
    rule: 'Server.Port is a port number',
    file: config({}, { Server: { Port: 'x', AdminPort: 70000 } }),
    errors: [
      ['Server.Port', 'must be a whole number'],
      ['Server.AdminPort', 'must be from 0 to 65535'],
    ],
    got: '"x"',
  },
  {
    rule: 'Server.Tls files must exist',
    file: config({}, { Server: { Tls: { CertFile: 'file.txt', KeyFile: 'nope.pem' } } }),
    errors: [['Server.Tls.KeyFile', 'file not found']],
  },
  {
    rule: 'Server.Tls.CertFile is required',
    file: config({}, { Server: { Tls: { KeyFile: 'file.txt' } } }),
    errors: [['Server.Tls.CertFile', 'is required']],
  },
  {
    rule: 'Server sizes are numbers ≥ 0',
    file: config({}, { Server: { Cache: { MaxSizeMB: -1 }, MaxRequestBodyMB: 'big' } }),
    errors: [
      ['Server.Cache.MaxSizeMB', 'at least 0'],
      ['Server.MaxRequestBodyMB', 'at least 0'],
    ],
  },
  {
    rule: 'Server.VerifyOriginTls is a boolean',
    file: config({}, { Server: { VerifyOriginTls: 'yes' } }),
    errors: [['Server.VerifyOriginTls', 'must be true or false']],
  },
  {
    rule: 'Server is an object',
    file: config({}, { Server: 'fast' }),
    errors: [['Server', 'must be an object']],
  },
  // later-issue sections
  {
    rule: 'policy sections are lists of objects',
    file: config({}, { CachePolicies: ['x'], Functions: { Name: 'f' } }),
    errors: [
      ['CachePolicies[0]', 'must be an object'],
      ['Functions', 'must be a list'],
    ],
  },
]

function BASE_ORIGIN_OBJECT(): Obj {
  return origin()
}

describe('config rules: each bad shape gives exactly its errors', () => {
  const tmp = new TempDir()
  after(() => {
    tmp.remove()
  })
  for (const row of ROWS) {
    it(row.rule, () => {
      const errors = errorsOf(tmp.problems(row.file))
      assert.deepEqual(
        errors.map((e) => e.path),
        row.errors.map(([path]) => path),
        errors.map(formatProblem).join('\n'),
      )
      errors.forEach((e, i) => {
        const part = row.errors[i]?.[1] ?? ''
        assert.ok(
          e.message.includes(part),
          `${formatProblem(e)} should say ${JSON.stringify(part)}`,
        )
      })
      if (row.got !== undefined) {
        assert.ok(errors[0] !== undefined)
        assert.ok(formatProblem(errors[0]).endsWith(` (got ${row.got})`), formatProblem(errors[0]))
      }
    })
  }
})

describe('config rules: unknown fields warn, known AWS fields load silently', () => {
  const tmp = new TempDir()
  after(() => {
    tmp.remove()
  })
  it('warns about unknown fields of the distribution, origins, behaviors and nested objects', () => {
    const problems = tmp.problems(
      config({
        Frobnicate: true,
        Origins: [origin({ Colour: 'red', CustomOriginConfig: { Speed: 3 } })],
        DefaultCacheBehavior: { Turbo: true },
        CacheBehaviors: [cacheBehavior('/x', { ForwardedValues: undefined, Extra: 1 })],
      }),
    )
    assert.deepEqual(errorsOf(problems), [])
    assert.deepEqual(
      warningsOf(problems).map((w) => w.path),
      [
        `${D}.Frobnicate`,
        `${O0}.Colour`,
        `${O0}.CustomOriginConfig.Speed`,
        `${DCB}.Turbo`,
        `${D}.CacheBehaviors[0].Extra`,
      ],
    )
    assert.equal(
      formatProblem(warningsOf(problems)[0]!),
      `warning: ${D}.Frobnicate: unknown field, ignored`,
    )
  })

  it('accepts the known AWS fields it does not use without a word', () => {
    const problems = tmp.problems(
      config({
        PriceClass: 'PriceClass_All',
        Logging: { Enabled: false },
        ViewerCertificate: { CloudFrontDefaultCertificate: true },
        WebACLId: '',
        IsIPV6Enabled: true,
        Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
        ContinuousDeploymentPolicyId: '',
        Staging: false,
        AnycastIpListId: 'a',
        TenantConfig: {},
        ConnectionMode: 'direct',
        ViewerMtlsConfig: {},
        ConnectionFunctionAssociation: {},
        CacheTagConfig: { HeaderName: 'Cache-Tag' },
        CallerReference: 'ref',
        Origins: [
          origin({
            OriginShield: { Enabled: false },
            OriginAccessControlId: '',
            ResponseCompletionTimeout: 60,
            CustomOriginConfig: { IpAddressType: 'ipv4', OriginMtlsConfig: {} },
          }),
        ],
        DefaultCacheBehavior: {
          SmoothStreaming: false,
          FieldLevelEncryptionId: '',
          RealtimeLogConfigArn: '',
          GrpcConfig: { Enabled: false },
        },
      }),
    )
    assert.deepEqual(problems, [])
  })
})
