// Origins (spec/cloudfront.md §1.3): custom origins, S3 REST origins (loaded as HTTPS custom
// origins on 443), the local LocalDirectory extension, OriginPath, timeouts and the origin custom
// headers with the forbidden names of §9.3; plus `--origin ID=URL` overrides (design.md §3).
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { checkCustomHeaders } from './validate-headers.js'
import type { Reader, Rec } from './fields.js'
import type { CustomOriginConfig, OriginConfig, OriginProtocolPolicy } from './types.js'

const ORIGIN_FIELDS = new Set([
  'Id',
  'DomainName',
  'OriginPath',
  'OriginCustomHeaders',
  'CustomOriginConfig',
  'S3OriginConfig',
  'VpcOriginConfig',
  'LocalDirectory',
  'ConnectionAttempts',
  'ConnectionTimeout',
  'ResponseCompletionTimeout',
])
const ORIGIN_IGNORED = new Set(['OriginShield', 'OriginAccessControlId'])
const CUSTOM_FIELDS = new Set([
  'HTTPPort',
  'HTTPSPort',
  'OriginProtocolPolicy',
  'OriginSSLProtocols',
  'OriginReadTimeout',
  'OriginKeepaliveTimeout',
])
const CUSTOM_IGNORED = new Set(['IpAddressType', 'OriginMtlsConfig'])
const S3_FIELDS = new Set(['OriginReadTimeout'])
const S3_IGNORED = new Set(['OriginAccessIdentity'])
const VPC_FIELDS = new Set(['OriginReadTimeout', 'OriginKeepaliveTimeout'])
const VPC_IGNORED = new Set(['VpcOriginId', 'OwnerAccountId'])
const KINDS = ['CustomOriginConfig', 'S3OriginConfig', 'VpcOriginConfig', 'LocalDirectory'] as const
const PROTOCOL_POLICIES: readonly OriginProtocolPolicy[] = [
  'http-only',
  'https-only',
  'match-viewer',
]
const SSL_PROTOCOLS = new Set(['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2'])

const PORT = {
  min: 80,
  max: 65535,
  allowed: (n: number) => n === 80 || n === 443 || (n >= 1024 && n <= 65535),
  describe: '80, 443 or from 1024 to 65535',
}
const ATTEMPTS = { min: 1, max: 3, fallback: 3 }
const CONNECT_TIMEOUT = { min: 1, max: 10, fallback: 10 }
const READ_TIMEOUT = { min: 1, max: 120, fallback: 30 }
const KEEPALIVE_TIMEOUT = { min: 1, max: 120, fallback: 5 }

/** Reads `Origins`; reports a missing or empty list and duplicate Ids. */
export function readOrigins(r: Reader, dist: Rec, sourceDir: string): OriginConfig[] {
  const list = dist['Origins']
  if (!r.has(dist, 'Origins')) r.error(r.at(dist, 'Origins'), 'is required')
  else if (Array.isArray(list) && list.length === 0) {
    r.error(r.paths.of(list), 'must list at least one origin')
  }
  const items = r.records(dist, 'Origins')
  const seen = new Map<string, string>()
  return items.map(({ item, path }) => {
    const origin = readOrigin(r, item, path, sourceDir)
    const first = seen.get(origin.id)
    if (first !== undefined) r.error(r.at(item, 'Id'), `duplicates the Id of ${first}`, origin.id)
    else if (origin.id !== '') seen.set(origin.id, path)
    return origin
  })
}

function readOrigin(r: Reader, o: Rec, path: string, sourceDir: string): OriginConfig {
  r.unknownKeys(o, ORIGIN_FIELDS, ORIGIN_IGNORED)
  const id = r.required(o, 'Id')
  const originPath = readOriginPath(r, o)
  const customHeaders = checkCustomHeaders(r, o, 'OriginCustomHeaders')
  const connectionAttempts = r.int(o, 'ConnectionAttempts', ATTEMPTS)
  const connectionTimeoutS = r.int(o, 'ConnectionTimeout', CONNECT_TIMEOUT)
  const kinds = KINDS.filter((k) => r.has(o, k))
  if (kinds.length > 1) {
    r.error(path, 'give exactly one of CustomOriginConfig, S3OriginConfig, LocalDirectory', kinds)
  }
  const base = { id, originPath, customHeaders }
  if (kinds[0] === 'LocalDirectory') {
    if (r.has(o, 'DomainName')) {
      r.error(r.at(o, 'DomainName'), 'is not used with LocalDirectory; give one or the other')
    }
    return { ...base, kind: 'local', directory: readDirectory(r, o, sourceDir) }
  }
  if (kinds[0] === undefined) {
    r.error(path, 'needs DomainName with CustomOriginConfig or S3OriginConfig, or LocalDirectory')
  }
  const domainName =
    kinds.length === 1 ? r.required(o, 'DomainName') : (r.string(o, 'DomainName') ?? '')
  const common = {
    ...base,
    domainName,
    connectionAttempts,
    connectionTimeoutS,
    overrideUrl: undefined,
  }
  const custom = readConnection(r, o, kinds[0])
  const completion = r.has(o, 'ResponseCompletionTimeout')
    ? r.int(o, 'ResponseCompletionTimeout', { min: 1, max: Infinity, fallback: 0 })
    : undefined
  if (completion !== undefined && completion !== 0 && completion < custom.readTimeoutS) {
    r.error(
      r.at(o, 'ResponseCompletionTimeout'),
      `must be at least the origin read timeout (${custom.readTimeoutS} s)`,
      completion,
    )
  }
  return { ...common, ...custom, responseCompletionTimeoutS: completion || undefined }
}

type Connection = Pick<
  CustomOriginConfig,
  'kind' | 'httpPort' | 'httpsPort' | 'protocolPolicy' | 'readTimeoutS' | 'keepaliveTimeoutS'
>

/** The connection settings of a custom, S3 (https-only, 443) or VPC origin. */
function readConnection(r: Reader, o: Rec, kind: (typeof KINDS)[number] | undefined): Connection {
  const s3 = { kind: 'custom', httpPort: 80, httpsPort: 443, protocolPolicy: 'https-only' } as const
  const defaults = { ...s3, readTimeoutS: 30, keepaliveTimeoutS: 5 }
  if (kind === 'S3OriginConfig' || kind === 'VpcOriginConfig') {
    const c = r.record(o, kind)
    if (c === undefined) return defaults
    const vpc = kind === 'VpcOriginConfig'
    r.unknownKeys(c, vpc ? VPC_FIELDS : S3_FIELDS, vpc ? VPC_IGNORED : S3_IGNORED)
    const keepaliveTimeoutS = r.int(c, 'OriginKeepaliveTimeout', KEEPALIVE_TIMEOUT)
    return { ...s3, readTimeoutS: r.int(c, 'OriginReadTimeout', READ_TIMEOUT), keepaliveTimeoutS }
  }
  const c = kind === 'CustomOriginConfig' ? r.record(o, kind) : undefined
  if (c === undefined) return defaults
  r.unknownKeys(c, CUSTOM_FIELDS, CUSTOM_IGNORED)
  if (!r.has(c, 'OriginProtocolPolicy')) r.error(r.at(c, 'OriginProtocolPolicy'), 'is required')
  r.strings(c, 'OriginSSLProtocols').forEach((p, i) => {
    if (!SSL_PROTOCOLS.has(p)) {
      const list = r.list(c, 'OriginSSLProtocols')
      r.error(r.paths.index(list, i), `must be one of ${[...SSL_PROTOCOLS].join(', ')}`, p)
    }
  })
  return {
    kind: 'custom',
    httpPort: r.int(c, 'HTTPPort', { ...PORT, fallback: 80 }),
    httpsPort: r.int(c, 'HTTPSPort', { ...PORT, fallback: 443 }),
    protocolPolicy: r.oneOf(c, 'OriginProtocolPolicy', PROTOCOL_POLICIES, 'http-only'),
    readTimeoutS: r.int(c, 'OriginReadTimeout', READ_TIMEOUT),
    keepaliveTimeoutS: r.int(c, 'OriginKeepaliveTimeout', KEEPALIVE_TIMEOUT),
  }
}

function readOriginPath(r: Reader, o: Rec): string {
  const p = r.string(o, 'OriginPath') ?? ''
  const at = r.at(o, 'OriginPath')
  if (p === '') return ''
  if (!p.startsWith('/')) r.error(at, 'must start with /', p)
  else if (p.endsWith('/')) r.error(at, 'must not end with /', p)
  else if (p.length > 255) r.error(at, 'must be at most 255 characters', p)
  else return p
  return ''
}

function readDirectory(r: Reader, o: Rec, sourceDir: string): string {
  const dir = r.required(o, 'LocalDirectory')
  if (dir === '') return ''
  const abs = resolve(sourceDir, dir)
  const stat = statSync(abs, { throwIfNoEntry: false })
  if (stat === undefined) r.error(r.at(o, 'LocalDirectory'), `folder not found: ${abs}`, dir)
  else if (!stat.isDirectory()) r.error(r.at(o, 'LocalDirectory'), `is not a folder: ${abs}`, dir)
  return abs
}

/**
 * Points origins at the URLs of `--origin ID=URL`; a LocalDirectory origin becomes a custom
 * origin for that URL. Problems are reported at the path `--origin ID`.
 */
export function applyOriginOverrides(
  r: Reader,
  origins: readonly OriginConfig[],
  groupIds: ReadonlySet<string>,
  overrides: ReadonlyMap<string, string>,
): OriginConfig[] {
  const valid = new Map<string, URL>()
  for (const [id, url] of overrides) {
    const at = `--origin ${id}`
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    if (!origins.some((o) => o.id === id)) {
      const why = groupIds.has(id)
        ? 'is an origin group; override its member origins instead'
        : 'names no origin'
      r.error(at, why, id)
    } else if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol)) {
      r.error(at, 'must be an http:// or https:// URL', url)
    } else valid.set(id, parsed)
  }
  return origins.map((o) => {
    const url = valid.get(o.id)
    if (url === undefined) return o
    if (o.kind === 'custom') return { ...o, overrideUrl: url.href }
    const https = url.protocol === 'https:'
    const port = url.port === '' ? undefined : Number(url.port)
    return {
      kind: 'custom',
      id: o.id,
      originPath: o.originPath,
      customHeaders: o.customHeaders,
      domainName: url.hostname,
      httpPort: https ? 80 : (port ?? 80),
      httpsPort: https ? (port ?? 443) : 443,
      protocolPolicy: https ? 'https-only' : 'http-only',
      connectionAttempts: ATTEMPTS.fallback,
      connectionTimeoutS: CONNECT_TIMEOUT.fallback,
      readTimeoutS: READ_TIMEOUT.fallback,
      keepaliveTimeoutS: KEEPALIVE_TIMEOUT.fallback,
      responseCompletionTimeoutS: undefined,
      overrideUrl: url.href,
    }
  })
}
