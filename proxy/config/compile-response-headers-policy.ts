// Compiles a custom response headers policy (spec §3.8, §1.7): CORS lists, the security headers
// (HSTS → `max-age=N; includeSubDomains; preload`, X-XSS-Protection, frame options, referrer
// policy, CSP ≤1,783), custom headers (name ≤256, value ≤1,783), headers it may not remove and
// Server-Timing. Header names come out lowercase, in the order CloudFront's blocks are listed.
import type { PolicyHeader, ResponseHeadersPolicy } from '../cloudfront/policy-types.js'
import { isHeaderName, NAME_QUOTA, type PolicySource } from './compile-policy-fields.js'
import type { Reader, Rec } from './fields.js'

export const RESPONSE_HEADERS_POLICY_FIELDS: ReadonlySet<string> = new Set([
  ...['Name', 'Comment', 'CorsConfig', 'SecurityHeadersConfig', 'ServerTimingHeadersConfig'],
  ...['CustomHeadersConfig', 'RemoveHeadersConfig'],
])
const CORS_FIELDS = new Set([
  ...['AccessControlAllowOrigins', 'AccessControlAllowHeaders', 'AccessControlAllowMethods'],
  ...['AccessControlAllowCredentials', 'AccessControlExposeHeaders', 'AccessControlMaxAgeSec'],
  'OriginOverride',
])
/** Each SecurityHeadersConfig block and the header it sets. */
const SECURITY_HEADER_NAMES: Readonly<Record<string, string>> = {
  StrictTransportSecurity: 'strict-transport-security',
  ContentTypeOptions: 'x-content-type-options',
  FrameOptions: 'x-frame-options',
  XSSProtection: 'x-xss-protection',
  ReferrerPolicy: 'referrer-policy',
  ContentSecurityPolicy: 'content-security-policy',
}
const SECURITY_FIELDS = new Set(Object.keys(SECURITY_HEADER_NAMES))
const CORS_METHODS = ['GET', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'ALL'] as const
/** What `ALL` stands for, in the order the managed CORS-With-Preflight policy sends them. */
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']
const FRAME_OPTIONS = ['DENY', 'SAMEORIGIN'] as const
const REFERRER_POLICIES = (
  'no-referrer no-referrer-when-downgrade origin origin-when-cross-origin same-origin ' +
  'strict-origin strict-origin-when-cross-origin unsafe-url'
).split(' ')
/** Response headers a policy may not remove (§3.8); `*` ends a prefix. */
const NOT_REMOVABLE = [
  ...['connection', 'content-encoding', 'content-length', 'expect', 'host', 'keep-alive'],
  ...['proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'trailer'],
  ...['transfer-encoding', 'upgrade', 'via', 'warning', 'x-accel-buffering', 'x-accel-charset'],
  ...['x-accel-limit-rate', 'x-accel-redirect', 'x-amz-cf-*', 'x-amzn-auth', 'x-amzn-cf-billing'],
  ...['x-amzn-cf-id', 'x-amzn-cf-xff', 'x-amzn-errortype', 'x-amzn-fle-profile'],
  ...['x-amzn-header-count', 'x-amzn-header-order', 'x-amzn-lambda-integration-tag'],
  ...['x-amzn-requestid', 'x-cache', 'x-edge-*', 'x-forwarded-proto', 'x-real-ip'],
]
const MAX_VALUE = 1783
const MAX_HEADER_NAME = 256
const WHOLE = { min: 0, max: Infinity, fallback: 0 }

export function compileResponseHeadersPolicy(r: Reader, src: PolicySource): ResponseHeadersPolicy {
  const c = src.config
  const headers = readSecurityHeaders(r, r.record(c, 'SecurityHeadersConfig'))
  const security = new Set(headers.map((h) => h.name))
  const custom = readCustomHeaders(r, c, security)
  return {
    id: src.id,
    name: src.name,
    cors: readCors(r, r.record(c, 'CorsConfig')),
    headers: [...headers, ...custom],
    remove: readRemoveHeaders(r, c),
    serverTiming: readServerTiming(r, r.record(c, 'ServerTimingHeadersConfig')),
  }
}

function readCors(r: Reader, cors: Rec | undefined): ResponseHeadersPolicy['cors'] {
  if (cors === undefined) return undefined
  r.unknownKeys(cors, CORS_FIELDS)
  if (!r.has(cors, 'AccessControlAllowOrigins')) {
    r.error(r.at(cors, 'AccessControlAllowOrigins'), 'is required')
  }
  const origins = r.strings(cors, 'AccessControlAllowOrigins')
  origins.forEach((o, i) => {
    if (o !== '*' && o.includes('*') && !/^([a-z][a-z0-9+.-]*:\/\/)?\*\.[^*]+$/i.test(o)) {
      const list = r.list(cors, 'AccessControlAllowOrigins')
      r.error(
        r.paths.index(list, i),
        'may use * only alone or as the leftmost label (*.example.org)',
        o,
      )
    }
  })
  const methods = r.strings(cors, 'AccessControlAllowMethods')
  const list = r.list(cors, 'AccessControlAllowMethods')
  methods.forEach((m, i) => {
    if (!(CORS_METHODS as readonly string[]).includes(m)) {
      r.error(r.paths.index(list, i), `must be one of ${CORS_METHODS.join(', ')}`, m)
    }
  })
  const maxAge = r.has(cors, 'AccessControlMaxAgeSec')
    ? r.int(cors, 'AccessControlMaxAgeSec', WHOLE)
    : undefined
  return {
    allowOrigins: origins,
    allowHeaders: r.strings(cors, 'AccessControlAllowHeaders'),
    allowMethods: methods.includes('ALL')
      ? ALL_METHODS
      : methods.filter((m) => ALL_METHODS.includes(m)),
    allowCredentials: r.bool(cors, 'AccessControlAllowCredentials', false),
    exposeHeaders: r.strings(cors, 'AccessControlExposeHeaders'),
    maxAgeSec: maxAge,
    originOverride: r.bool(cors, 'OriginOverride', false),
  }
}

function readSecurityHeaders(r: Reader, sec: Rec | undefined): PolicyHeader[] {
  if (sec === undefined) return []
  r.unknownKeys(sec, SECURITY_FIELDS)
  const out: PolicyHeader[] = []
  const block = (key: string, fields: readonly string[], value: (b: Rec) => string): void => {
    const b = r.record(sec, key)
    if (b === undefined) return
    r.unknownKeys(b, new Set(['Override', ...fields]))
    const name = SECURITY_HEADER_NAMES[key] ?? key.toLowerCase()
    out.push({ name, value: value(b), override: r.bool(b, 'Override', false) })
  }
  block(
    'StrictTransportSecurity',
    ['AccessControlMaxAgeSec', 'IncludeSubdomains', 'Preload'],
    (b) => {
      if (!r.has(b, 'AccessControlMaxAgeSec'))
        r.error(r.at(b, 'AccessControlMaxAgeSec'), 'is required')
      const parts = [`max-age=${r.int(b, 'AccessControlMaxAgeSec', WHOLE)}`]
      if (r.bool(b, 'IncludeSubdomains', false)) parts.push('includeSubDomains')
      if (r.bool(b, 'Preload', false)) parts.push('preload')
      return parts.join('; ')
    },
  )
  block('ContentTypeOptions', [], () => 'nosniff')
  block('FrameOptions', ['FrameOption'], (b) => requiredOneOf(r, b, 'FrameOption', FRAME_OPTIONS))
  block('XSSProtection', ['Protection', 'ModeBlock', 'ReportUri'], (b) => xss(r, b))
  block('ReferrerPolicy', ['ReferrerPolicy'], (b) =>
    requiredOneOf(r, b, 'ReferrerPolicy', REFERRER_POLICIES),
  )
  block('ContentSecurityPolicy', ['ContentSecurityPolicy'], (b) => {
    const csp = r.required(b, 'ContentSecurityPolicy')
    if (csp.length > MAX_VALUE) {
      r.error(
        r.at(b, 'ContentSecurityPolicy'),
        `must be at most ${MAX_VALUE} characters`,
        csp.length,
      )
    }
    return csp
  })
  return out
}

/** `0`, `1`, `1; mode=block` or `1; report=URI` (§3.8: ModeBlock and ReportUri not both). */
function xss(r: Reader, b: Rec): string {
  if (!r.has(b, 'Protection')) r.error(r.at(b, 'Protection'), 'is required')
  const on = r.bool(b, 'Protection', false)
  const modeBlock = r.bool(b, 'ModeBlock', false)
  const reportUri = r.string(b, 'ReportUri')
  if (modeBlock && reportUri !== undefined) {
    r.error(r.at(b, 'ReportUri'), 'cannot be given together with ModeBlock true', reportUri)
  }
  if (!on && (modeBlock || reportUri !== undefined)) {
    r.warn(r.at(b, modeBlock ? 'ModeBlock' : 'ReportUri'), 'is ignored when Protection is false')
  }
  if (!on) return '0'
  if (modeBlock) return '1; mode=block'
  return reportUri === undefined || reportUri === '' ? '1' : `1; report=${reportUri}`
}

function requiredOneOf(r: Reader, b: Rec, key: string, allowed: readonly string[]): string {
  if (!r.has(b, key)) r.error(r.at(b, key), 'is required')
  return r.oneOf(b, key, allowed, allowed[0] ?? '')
}

function readCustomHeaders(r: Reader, c: Rec, security: ReadonlySet<string>): PolicyHeader[] {
  const out: PolicyHeader[] = []
  const seen = new Set<string>()
  for (const { item, header } of headerEntries(r, c, 'CustomHeadersConfig', [
    'Value',
    'Override',
  ])) {
    if (!r.has(item, 'Value')) r.error(r.at(item, 'Value'), 'is required')
    const value = r.string(item, 'Value') ?? ''
    if (value.length > MAX_VALUE) {
      r.error(r.at(item, 'Value'), `must be at most ${MAX_VALUE} characters`, value.length)
    }
    const override = r.bool(item, 'Override', false)
    if (header === undefined) continue
    if (security.has(header)) {
      r.error(r.at(item, 'Header'), 'is already set by SecurityHeadersConfig', header)
    } else if (seen.has(header)) {
      r.error(r.at(item, 'Header'), 'is listed twice in CustomHeadersConfig', header)
    } else out.push({ name: header, value, override })
    seen.add(header)
  }
  return out
}

function readRemoveHeaders(r: Reader, c: Rec): string[] {
  const out: string[] = []
  for (const { item, header } of headerEntries(r, c, 'RemoveHeadersConfig', [])) {
    if (header === undefined) continue
    const fixed = NOT_REMOVABLE.some((n) =>
      n.endsWith('*') ? header.startsWith(n.slice(0, -1)) : n === header,
    )
    if (fixed)
      r.error(r.at(item, 'Header'), 'cannot be removed by a response headers policy', header)
    else if (!out.includes(header)) out.push(header)
  }
  return out
}

/** The `{Header, …}` entries of a custom/remove list (≤10), each with its valid lowercase name. */
function headerEntries(
  r: Reader,
  c: Rec,
  key: string,
  fields: readonly string[],
): { item: Rec; header: string | undefined }[] {
  const entries = r.records(c, key)
  if (entries.length > NAME_QUOTA) {
    r.error(r.at(c, key), `may hold at most ${NAME_QUOTA} headers (quota)`, entries.length)
  }
  return entries.map(({ item }) => {
    r.unknownKeys(item, new Set(['Header', ...fields]))
    return { item, header: headerName(r, item) }
  })
}

/** The lowercase `Header` of a custom/remove entry, or undefined after reporting why not. */
function headerName(r: Reader, item: Rec): string | undefined {
  const header = r.required(item, 'Header')
  if (header === '') return undefined
  if (!isHeaderName(header)) {
    r.error(r.at(item, 'Header'), 'is not a valid header name', header)
    return undefined
  }
  if (header.length > MAX_HEADER_NAME) {
    r.error(r.at(item, 'Header'), `must be at most ${MAX_HEADER_NAME} characters`, header.length)
  }
  return header.toLowerCase()
}

function readServerTiming(r: Reader, st: Rec | undefined): ResponseHeadersPolicy['serverTiming'] {
  if (st === undefined) return undefined
  r.unknownKeys(st, new Set(['Enabled', 'SamplingRate']))
  if (!r.has(st, 'Enabled')) r.error(r.at(st, 'Enabled'), 'is required')
  const enabled = r.bool(st, 'Enabled', false)
  const raw = r.get(st, 'SamplingRate')
  let samplingRate = 0
  if (raw === undefined) {
    if (enabled) r.error(r.at(st, 'SamplingRate'), 'is required when Enabled is true')
  } else if (typeof raw !== 'number' || !(raw >= 0 && raw <= 100) || !fourDecimals(raw)) {
    r.error(r.at(st, 'SamplingRate'), 'must be a number from 0 to 100 with at most 4 decimals', raw)
  } else samplingRate = raw
  return { enabled, samplingRate }
}

function fourDecimals(n: number): boolean {
  return Math.abs(Math.round(n * 10000) - n * 10000) < 1e-6
}
