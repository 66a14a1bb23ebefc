// DistributionConfig's own fields (spec/cloudfront.md §1.2, §5, §11.4): Enabled (default true),
// Aliases, DefaultRootObject, HttpVersion and CustomErrorResponses, plus the origins and behaviors
// read by their own modules. Known AWS fields the emulator does not use load silently.
import { readBehaviors } from './validate-behaviors.js'
import { readGeoRestriction } from './validate-geo.js'
import { readOriginGroups } from './validate-groups.js'
import { applyOriginOverrides, readOrigins } from './validate-origins.js'
import type { Reader, Rec } from './fields.js'
import type { CustomErrorResponseConfig, DistributionConfigModel } from './types.js'

const DISTRIBUTION_FIELDS = new Set([
  'CallerReference',
  'Aliases',
  'DefaultRootObject',
  'Origins',
  'OriginGroups',
  'DefaultCacheBehavior',
  'CacheBehaviors',
  'CustomErrorResponses',
  'Comment',
  'Enabled',
  'HttpVersion',
  'Restrictions',
])
const DISTRIBUTION_IGNORED = new Set([
  'Logging',
  'PriceClass',
  'ViewerCertificate',
  'WebACLId',
  'IsIPV6Enabled',
  'ContinuousDeploymentPolicyId',
  'Staging',
  'AnycastIpListId',
  'TenantConfig',
  'ConnectionMode',
  'ViewerMtlsConfig',
  'ConnectionFunctionAssociation',
  'CacheTagConfig',
])
const ERROR_FIELDS = new Set([
  'ErrorCode',
  'ResponsePagePath',
  'ResponseCode',
  'ErrorCachingMinTTL',
])
const HTTP_VERSIONS = ['http1.1', 'http2', 'http3', 'http2and3'] as const
/** §11.4: letters, digits and _ - . * $ / ~ " ' & */
const ROOT_OBJECT_CHARS = /^[A-Za-z0-9_\-.*$/~"'&]*$/

export function readDistribution(
  r: Reader,
  dist: Rec,
  sourceDir: string,
  overrides: ReadonlyMap<string, string>,
): DistributionConfigModel {
  r.unknownKeys(dist, DISTRIBUTION_FIELDS, DISTRIBUTION_IGNORED)
  r.string(dist, 'CallerReference')
  const origins = readOrigins(r, dist, sourceDir)
  const originIds = new Set(origins.map((o) => o.id))
  const originGroups = readOriginGroups(r, dist, originIds)
  const groupIds = new Set(originGroups.map((g) => g.id))
  const targets = new Set([...originIds, ...groupIds])
  const { defaultBehavior, behaviors } = readBehaviors(r, dist, targets)
  const geoRestriction = readGeoRestriction(r, dist)
  return {
    enabled: r.bool(dist, 'Enabled', true),
    comment: r.string(dist, 'Comment') ?? '',
    aliases: r.strings(dist, 'Aliases'),
    defaultRootObject: readDefaultRootObject(r, dist),
    origins: applyOriginOverrides(r, origins, groupIds, overrides),
    originGroups,
    defaultBehavior,
    behaviors,
    customErrorResponses: readErrorResponses(r, dist),
    httpVersion: r.oneOf(dist, 'HttpVersion', HTTP_VERSIONS, 'http2'),
    ...(geoRestriction === undefined ? {} : { geoRestriction }),
  }
}

function readDefaultRootObject(r: Reader, dist: Rec): string {
  const v = r.string(dist, 'DefaultRootObject') ?? ''
  const at = r.at(dist, 'DefaultRootObject')
  if (v.startsWith('/')) r.error(at, 'must not start with /', v)
  else if (v.length > 255) r.error(at, 'must be at most 255 characters', v)
  else if (!ROOT_OBJECT_CHARS.test(v)) {
    r.error(at, `may only contain letters, digits and _ - . * $ / ~ " ' &`, v)
  } else return v
  return ''
}

function readErrorResponses(r: Reader, dist: Rec): CustomErrorResponseConfig[] {
  const seen = new Set<number>()
  const out: CustomErrorResponseConfig[] = []
  for (const { item } of r.records(dist, 'CustomErrorResponses')) {
    r.unknownKeys(item, ERROR_FIELDS)
    if (!r.has(item, 'ErrorCode')) r.error(r.at(item, 'ErrorCode'), 'is required')
    const errorCode = r.int(item, 'ErrorCode', { min: 400, max: 599, fallback: 0 })
    if (seen.has(errorCode)) {
      r.error(r.at(item, 'ErrorCode'), 'has a custom error response already', errorCode)
    }
    if (errorCode !== 0) seen.add(errorCode)
    const page = r.string(item, 'ResponsePagePath') ?? ''
    if (page !== '' && !page.startsWith('/')) {
      r.error(r.at(item, 'ResponsePagePath'), 'must start with /', page)
    }
    out.push({
      errorCode,
      responsePagePath: page === '' ? undefined : page,
      responseCode: readResponseCode(r, item),
      errorCachingMinTtl: r.int(item, 'ErrorCachingMinTTL', {
        min: 0,
        max: Infinity,
        fallback: 10,
      }),
    })
  }
  return out
}

/** A number (CloudFormation) or a numeric string (the API); '' means "keep the error's code". */
function readResponseCode(r: Reader, item: Rec): number | undefined {
  const v = r.get(item, 'ResponseCode')
  if (v === undefined || v === '') return undefined
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    r.error(r.at(item, 'ResponseCode'), 'must be a whole number or a string of digits', v)
  } else if (n < 200 || n > 599) {
    r.error(r.at(item, 'ResponseCode'), 'must be from 200 to 599', v)
  } else return n
  return undefined
}
