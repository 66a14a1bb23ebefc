// Signed URL / cookie policies (spec §6.4, §6.6 steps 4 and 6): the canned policy CloudFront
// rebuilds, custom policy parsing (one statement, DateLessThan required), Resource wildcard
// matching section by section, and the time and source-IP conditions. Pure: time is `nowS`.

/** The request URL a policy's Resource is matched against (query without signing params). */
export interface RequestUrl {
  readonly scheme: string
  /** The Host header as sent (with a non-default port). */
  readonly host: string
  /** Raw path, still percent-encoded. */
  readonly path: string
  /** Raw query without `?`, '' when none. */
  readonly query: string
}

export type ResourceMatcher = (url: RequestUrl) => boolean

export interface SignedPolicy {
  /** Undefined: any URL (Resource omitted, or a canned policy already bound to its URL). */
  readonly resource: ResourceMatcher | undefined
  readonly dateLessThan: number
  readonly dateGreaterThan: number | undefined
  readonly sourceIp: Cidr | undefined
}

export interface Cidr {
  readonly base: number
  readonly bits: number
}

export type ConditionFailure = 'expired' | 'not-yet-valid' | 'ip' | 'resource'

/** `scheme://host/path?query` as the viewer sent it, no `?` when the query is empty. */
export function requestUrlString(u: RequestUrl): string {
  return `${u.scheme}://${u.host}${u.path}${u.query === '' ? '' : `?${u.query}`}`
}

/** The canned policy, byte for byte as the AWS SDK builds it (§6.4). */
export function cannedPolicy(resource: string, expires: number): string {
  return `{"Statement":[{"Resource":${JSON.stringify(resource)},"Condition":{"DateLessThan":{"AWS:EpochTime":${String(expires)}}}}]}`
}

const KNOWN_CONDITIONS = new Set(['DateLessThan', 'DateGreaterThan', 'IpAddress'])

/** A custom policy's JSON → the policy, or a sentence saying what is wrong with it. */
export function parsePolicy(json: string): SignedPolicy | string {
  let doc: unknown
  try {
    doc = JSON.parse(json)
  } catch {
    return 'the policy is not JSON'
  }
  if (!isObject(doc)) return 'the policy must be a JSON object'
  let statement = doc['Statement']
  if (Array.isArray(statement)) {
    if (statement.length !== 1) return 'the policy must have exactly one Statement'
    statement = statement[0]
  }
  if (!isObject(statement)) return 'Statement must be an object or a one-element list'
  const condition = statement['Condition']
  if (!isObject(condition)) return 'Statement.Condition is required'
  for (const name of Object.keys(condition)) {
    if (!KNOWN_CONDITIONS.has(name)) return `unknown condition ${name}`
  }
  const dateLessThan = epochOf(condition['DateLessThan'])
  if (dateLessThan === undefined) return 'DateLessThan.AWS:EpochTime is required (epoch seconds)'
  let dateGreaterThan: number | undefined
  if (condition['DateGreaterThan'] !== undefined) {
    dateGreaterThan = epochOf(condition['DateGreaterThan'])
    if (dateGreaterThan === undefined) return 'DateGreaterThan.AWS:EpochTime must be epoch seconds'
  }
  let sourceIp: Cidr | undefined
  const ip = condition['IpAddress']
  if (ip !== undefined) {
    const text = isObject(ip) ? ip['AWS:SourceIp'] : undefined
    sourceIp = typeof text === 'string' ? parseCidr(text) : undefined
    if (sourceIp === undefined) return 'IpAddress.AWS:SourceIp must be an IPv4 address or CIDR'
  }
  let resource: ResourceMatcher | undefined
  const r = statement['Resource']
  if (r !== undefined) {
    resource = typeof r === 'string' ? compileResource(r) : undefined
    if (resource === undefined) return 'Resource must start with http://, https:// or *://'
  }
  return { resource, dateLessThan, dateGreaterThan, sourceIp }
}

/** The first failing condition, or undefined when the request satisfies the policy. */
export function checkConditions(
  policy: SignedPolicy,
  url: RequestUrl,
  nowS: number,
  clientIp: string,
): ConditionFailure | undefined {
  if (!(nowS < policy.dateLessThan)) return 'expired'
  if (policy.dateGreaterThan !== undefined && !(nowS > policy.dateGreaterThan)) {
    return 'not-yet-valid'
  }
  if (policy.sourceIp !== undefined && !inCidr(clientIp, policy.sourceIp)) return 'ip'
  if (policy.resource !== undefined && !policy.resource(url)) return 'resource'
  return undefined
}

/**
 * A Resource pattern → matcher (§6.4): sections `protocol://domain/path\?query`, `*` = 0+ and
 * `?` = 1 character within its own section; a trailing `*` in the path also matches any query,
 * a trailing `*` in the domain any path and query; `*example.com` means `*://*example.com/`;
 * `"*"` matches everything. Undefined when the pattern has no valid protocol.
 */
export function compileResource(pattern: string): ResourceMatcher | undefined {
  if (pattern === '*') return () => true
  const strict = compileSections(pattern)
  // The AWS SDK writes a URL's query into Resource with a plain `?` (getSignedUrl with a
  // dateGreaterThan or ipAddress). For interop, when Resource has no `\?`, its first `?` after
  // the domain may also be read as the query separator (emulator choice, UNCONFIRMED).
  const q = pattern.indexOf('?', pattern.indexOf('://') + 3)
  if (strict === undefined || pattern.includes('\\?') || q < 0) return strict
  const loose = compileSections(`${pattern.slice(0, q)}\\?${pattern.slice(q + 1)}`)
  return loose === undefined ? strict : (u) => strict(u) || loose(u)
}

function compileSections(pattern: string): ResourceMatcher | undefined {
  let p = pattern
  if (!/^(https?|\*):\/\//i.test(p)) {
    if (!p.startsWith('*') || p.includes('://')) return undefined
    p = `*://${p}`
  }
  const protoEnd = p.indexOf('://')
  const protocol = sectionRegex(p.slice(0, protoEnd), '[^:/]', 'i')
  const rest = p.slice(protoEnd + 3)
  const slash = rest.indexOf('/')
  const domainText = slash < 0 ? rest : rest.slice(0, slash)
  const domain = sectionRegex(domainText, '[^/]', 'i')
  let path: RegExp | undefined // undefined: any path
  let query: RegExp | undefined // undefined: any query
  if (slash < 0) {
    if (!domainText.endsWith('*')) {
      path = /^\/$/
      query = /^$/
    }
  } else {
    const pathAndQuery = rest.slice(slash)
    const q = pathAndQuery.indexOf('\\?')
    const pathText = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)
    path = sectionRegex(pathText, '[^?]', '')
    if (q >= 0) query = sectionRegex(pathAndQuery.slice(q + 2), '.', '')
    else if (!pathText.endsWith('*')) query = /^$/
  }
  return (u) =>
    protocol.test(u.scheme) &&
    domain.test(u.host) &&
    (path === undefined || path.test(u.path)) &&
    (query === undefined || query.test(u.query))
}

function sectionRegex(section: string, anyChar: string, flags: string): RegExp {
  let body = ''
  for (let i = 0; i < section.length; i++) {
    const c = section[i]!
    if (c === '\\' && section[i + 1] === '?') {
      body += '\\?'
      i++
    } else if (c === '*') body += `${anyChar}*`
    else if (c === '?') body += anyChar
    else body += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^${body}$`, `s${flags}`)
}

/** `a.b.c.d` or `a.b.c.d/n` (IPv4 only, §6.4). */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, mask, extra] = text.split('/')
  if (addr === undefined || extra !== undefined) return undefined
  const base = parseIpv4(addr)
  if (base === undefined) return undefined
  if (mask === undefined) return { base, bits: 32 }
  if (!/^\d{1,2}$/.test(mask) || Number(mask) > 32) return undefined
  return { base, bits: Number(mask) }
}

/** The viewer's IPv4 address (also from `::ffff:a.b.c.d`); undefined for real IPv6. */
export function parseIpv4(ip: string): number | undefined {
  const text = /^::ffff:/i.test(ip) ? ip.slice(7) : ip
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined
    n = n * 256 + Number(part)
  }
  return n
}

/** Whether `ip` is in `cidr`; an IPv6 viewer never matches an IPv4 range. */
export function inCidr(ip: string, cidr: Cidr): boolean {
  const n = parseIpv4(ip)
  if (n === undefined) return false
  if (cidr.bits === 0) return true
  const shift = 32 - cidr.bits
  return Math.floor(n / 2 ** shift) === Math.floor(cidr.base / 2 ** shift)
}

function epochOf(v: unknown): number | undefined {
  const t = isObject(v) ? v['AWS:EpochTime'] : undefined
  if (typeof t === 'number' && Number.isInteger(t) && t >= 0) return t
  if (typeof t === 'string' && /^\d{1,12}$/.test(t)) return Number(t)
  return undefined
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
