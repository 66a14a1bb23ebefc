// Origin `Cache-Control` and HTTP-date parsing for the TTL rules (spec §4.2, §4.4; RFC 9111
// §5.2, RFC 9110 §5.6.7). Modeled on undici's parseCacheControlHeader: malformed values never
// throw; a bad numeric value counts as absent, and damaged no-store/no-cache/private still
// restrict (the safe reading).

/** Parsed response directives. Field-name lists are lowercase. */
export interface CacheControl {
  readonly maxAge: number | undefined
  readonly sMaxAge: number | undefined
  /** true = unqualified; a list = `no-cache="Set-Cookie"` (only those fields); false = absent. */
  readonly noCache: boolean | readonly string[]
  readonly noStore: boolean
  /** true = unqualified; a list = `private="…"`; false = absent. */
  readonly private: boolean | readonly string[]
  readonly public: boolean
  readonly mustRevalidate: boolean
  readonly proxyRevalidate: boolean
  readonly noTransform: boolean
  readonly immutable: boolean
  readonly staleWhileRevalidate: number | undefined
  readonly staleIfError: number | undefined
  /** Lowercase names of known directives that were ignored because their value was malformed. */
  readonly invalid: readonly string[]
}

/** Spec §4.2: max-age is honored up to 100 years; larger delta-seconds are capped there. */
export const MAX_DELTA_SECONDS = 100 * 365 * 86_400

const NUMERIC = ['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error'] as const
const RESTRICTIVE = ['no-store', 'no-cache', 'private'] as const
const FLAGS = ['public', 'no-transform', 'immutable'] as const
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

type Numeric = (typeof NUMERIC)[number]
type Restrictive = (typeof RESTRICTIVE)[number]

interface Part {
  readonly text: string
  /** Came after an unterminated quote: only restrictive directives are trusted. */
  readonly damaged: boolean
}

/**
 * Parses one or more `Cache-Control` field values. Duplicate numeric directives keep the
 * smallest valid value (the most restrictive, RFC 9111 §4.2.1); an invalid occurrence is
 * ignored and listed in `invalid`. Unknown directives are ignored (RFC 9111 §5.2.3).
 */
export function parseCacheControl(value: string | readonly string[] | undefined): CacheControl {
  const numbers = new Map<Numeric, number>()
  const lists = new Map<'no-cache' | 'private', true | string[]>()
  const flags = new Set<string>()
  const invalid = new Set<string>()
  const raw = value === undefined ? '' : typeof value === 'string' ? value : value.join(',')

  for (const part of splitDirectives(raw)) {
    const eq = part.text.indexOf('=')
    const rawKey = eq === -1 ? part.text : part.text.slice(0, eq)
    const key = rawKey.trim().toLowerCase()
    const rawValue = eq === -1 ? undefined : part.text.slice(eq + 1)
    const spaced = eq !== -1 && (rawKey !== rawKey.trimEnd() || rawValue !== rawValue?.trimStart())
    const damagedName = malformedRestrictive(key)
    if (damagedName !== undefined) {
      setRestrictive(lists, flags, damagedName, true)
    } else if (isNumeric(key)) {
      const n = part.damaged || spaced ? undefined : parseDelta(rawValue)
      if (n === undefined) invalid.add(key)
      else numbers.set(key, Math.min(n, numbers.get(key) ?? Infinity))
    } else if (key === 'no-store') {
      flags.add(key)
    } else if (key === 'no-cache' || key === 'private') {
      const fields = part.damaged || spaced ? undefined : parseFieldList(rawValue)
      setRestrictive(lists, flags, key, fields ?? true)
    } else if (key === 'must-revalidate' || key === 'proxy-revalidate') {
      if (!part.damaged) flags.add(key) // restrictive: honored even with a stray value
    } else if ((FLAGS as readonly string[]).includes(key)) {
      if (part.damaged || rawValue !== undefined) invalid.add(key)
      else flags.add(key)
    }
  }
  return {
    maxAge: numbers.get('max-age'),
    sMaxAge: numbers.get('s-maxage'),
    noCache: lists.get('no-cache') ?? false,
    noStore: flags.has('no-store'),
    private: lists.get('private') ?? false,
    public: flags.has('public'),
    mustRevalidate: flags.has('must-revalidate'),
    proxyRevalidate: flags.has('proxy-revalidate'),
    noTransform: flags.has('no-transform'),
    immutable: flags.has('immutable'),
    staleWhileRevalidate: numbers.get('stale-while-revalidate'),
    staleIfError: numbers.get('stale-if-error'),
    // A name is reported only when no valid occurrence supplied it.
    invalid: [...invalid].filter((k) => !flags.has(k) && !numbers.has(k as Numeric)),
  }
}

function isNumeric(key: string): key is Numeric {
  return (NUMERIC as readonly string[]).includes(key)
}

function setRestrictive(
  lists: Map<'no-cache' | 'private', true | string[]>,
  flags: Set<string>,
  key: Restrictive,
  fields: true | string[],
): void {
  if (key === 'no-store') {
    flags.add(key)
    return
  }
  const prev = lists.get(key)
  if (prev === true || fields === true) lists.set(key, true)
  else lists.set(key, [...new Set([...(prev ?? []), ...fields])])
}

/** `"no-store"`, `no-store;`, `private/x`: a damaged restrictive name still restricts. */
function malformedRestrictive(key: string): Restrictive | undefined {
  if (TOKEN.test(key)) return undefined
  for (const name of RESTRICTIVE) {
    if (key.startsWith(name) && !TOKEN.test(key.charAt(name.length))) return name
  }
  const stripped = key.replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, '')
  return RESTRICTIVE.find((name) => name === stripped)
}

/** delta-seconds, optionally quoted; undefined when not all digits. */
function parseDelta(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const v =
    value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
  if (!/^[0-9]+$/.test(v)) return undefined
  return Math.min(Number(v), MAX_DELTA_SECONDS)
}

/** `=a`, `="a, b"` → lowercase names; no value → undefined (unqualified); bad list → undefined. */
function parseFieldList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const v = value.trimEnd()
  const quoted = v.length >= 2 && v.startsWith('"') && v.endsWith('"')
  const names = (quoted ? v.slice(1, -1) : v).split(',').map((n) => n.trim().toLowerCase())
  if (!quoted && names.length > 1) return undefined
  return names.every((n) => TOKEN.test(n)) ? names : undefined
}

/** Splits at commas outside quoted strings; after an unterminated quote parts are `damaged`. */
function splitDirectives(value: string): Part[] {
  const parts: Part[] = []
  let start = 0
  let quoteAt = -1
  let escaped = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (quoteAt !== -1) {
      if (escaped) escaped = false
      else if (c === '\\') escaped = true
      else if (c === '"') quoteAt = -1
    } else if (c === '"') {
      quoteAt = i
    } else if (c === ',') {
      parts.push({ text: value.slice(start, i), damaged: false })
      start = i + 1
    }
  }
  if (quoteAt === -1) {
    parts.push({ text: value.slice(start), damaged: false })
  } else {
    // Unterminated quote: split the rest at every comma and trust none of its values.
    for (const text of value.slice(start).split(',')) parts.push({ text, damaged: true })
  }
  return parts.map((p) => ({ text: p.text.trim(), damaged: p.damaged })).filter((p) => p.text)
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)'
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)'
const MON = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)'
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})'
const IMF = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`, 'i')
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`, 'i')
const ASCTIME = new RegExp(`^${DAY} ${MON} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, 'i')

/**
 * An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, obsolete RFC 850 and asctime) as epoch ms, or
 * undefined. RFC 850 two-digit years more than 50 years after `nowMs`'s year mean the previous
 * century; without `nowMs`, 70–99 → 19xx and 00–69 → 20xx. The weekday is not cross-checked.
 */
export function parseHttpDate(value: string | undefined, nowMs?: number): number | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  let m = IMF.exec(v)
  if (m) return build(m[3], m[2], m[1], m[4], m[5], m[6])
  m = ASCTIME.exec(v)
  if (m) return build(m[6], m[1], m[2], m[3], m[4], m[5])
  m = RFC850.exec(v)
  if (!m) return undefined
  const yy = Number(m[3])
  let year: number
  if (nowMs === undefined) {
    year = yy >= 70 ? 1900 + yy : 2000 + yy
  } else {
    const current = new Date(nowMs).getUTCFullYear()
    year = current - (current % 100) + yy
    if (year > current + 50) year -= 100
  }
  return build(String(year), m[2], m[1], m[4], m[5], m[6])
}

/** Year, month name, day, hour, minute, second (regex groups) → epoch ms, validated. */
function build(...fields: (string | undefined)[]): number | undefined {
  const [y, mon, d, h, mi, s] = fields
  const year = Number(y)
  const month = MONTHS.indexOf((mon ?? '').toLowerCase())
  const day = Number(d?.trim())
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)]
  if (hour > 23 || minute > 59 || second > 60) return undefined
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined
  date.setUTCHours(hour, minute, Math.min(second, 59), 0)
  return date.getTime()
}
