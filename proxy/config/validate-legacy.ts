// Legacy cache settings of a behavior without a cache policy (spec/cloudfront.md §3.9):
// ForwardedValues plus MinTTL/DefaultTTL/MaxTTL, with the API's defaults (0, 86,400 or MinTTL
// if larger, 31,536,000 or DefaultTTL if larger). A behavior with neither uses the defaults.
import type { Reader, Rec } from './fields.js'
import type { ForwardedValuesConfig } from './types.js'

const FORWARDED_FIELDS = new Set(['QueryString', 'Cookies', 'Headers', 'QueryStringCacheKeys'])
const COOKIE_FIELDS = new Set(['Forward', 'WhitelistedNames'])
const FORWARD = ['none', 'whitelist', 'all'] as const
const TTL = { min: 0, max: Infinity, fallback: 0 }

export const DEFAULT_FORWARDED_VALUES: ForwardedValuesConfig = {
  queryString: false,
  queryStringCacheKeys: [],
  headers: [],
  cookies: { forward: 'none', names: [] },
}

export interface LegacyTtls {
  readonly minTtl: number
  readonly defaultTtl: number
  readonly maxTtl: number
}

export const DEFAULT_TTLS: LegacyTtls = { minTtl: 0, defaultTtl: 86400, maxTtl: 31536000 }

export function readForwardedValues(r: Reader, b: Rec): ForwardedValuesConfig {
  const fv = r.record(b, 'ForwardedValues')
  if (fv === undefined) return DEFAULT_FORWARDED_VALUES
  r.unknownKeys(fv, FORWARDED_FIELDS)
  const cookies = r.record(fv, 'Cookies')
  let forward: (typeof FORWARD)[number] = 'none'
  let names: string[] = []
  if (cookies !== undefined) {
    r.unknownKeys(cookies, COOKIE_FIELDS)
    forward = r.oneOf(cookies, 'Forward', FORWARD, 'none')
    names = r.strings(cookies, 'WhitelistedNames')
    if (forward !== 'whitelist' && names.length > 0) {
      r.warn(r.at(cookies, 'WhitelistedNames'), 'is only used when Forward is whitelist')
    }
  }
  return {
    queryString: r.bool(fv, 'QueryString', false),
    queryStringCacheKeys: r.strings(fv, 'QueryStringCacheKeys'),
    headers: r.strings(fv, 'Headers'),
    cookies: { forward, names },
  }
}

/** Reads the legacy TTLs; `forwardsAllHeaders` (Headers: ['*']) requires MinTTL 0. */
export function readLegacyTtls(r: Reader, b: Rec, forwardsAllHeaders: boolean): LegacyTtls {
  const minTtl = r.int(b, 'MinTTL', TTL)
  const defaultTtl = r.int(b, 'DefaultTTL', { ...TTL, fallback: Math.max(86400, minTtl) })
  const maxTtl = r.int(b, 'MaxTTL', { ...TTL, fallback: Math.max(31536000, defaultTtl) })
  if (defaultTtl < minTtl) {
    r.error(r.at(b, 'DefaultTTL'), `must be at least MinTTL (${minTtl})`, defaultTtl)
  }
  if (maxTtl < defaultTtl) {
    r.error(r.at(b, 'MaxTTL'), `must be at least DefaultTTL (${defaultTtl})`, maxTtl)
  }
  if (forwardsAllHeaders && minTtl !== 0) {
    r.error(r.at(b, 'MinTTL'), 'must be 0 when ForwardedValues.Headers is ["*"]', minTtl)
  }
  return { minTtl, defaultTtl, maxTtl }
}
