// The CIDR → country table behind Server.Geo.CidrFile (spec §3.5, §11.10): lines `CIDR,CC`
// (IPv4 and IPv6, `#` comments), compiled once at load into sorted disjoint ranges searched
// by bisection. CIDR blocks nest or are disjoint, so overlaps resolve to the most specific
// block (longest prefix); of two identical blocks the first line wins. IPv4-mapped IPv6
// addresses (`::ffff:a.b.c.d`) are looked up as IPv4, in the file and at request time.
import type { CountryTable } from '../config/types.js'

export interface CidrEntry {
  readonly version: 4 | 6
  readonly start: bigint
  readonly end: bigint
  readonly prefix: number
  readonly country: string
  /** 1-based line in the file. */
  readonly line: number
}

export interface CidrProblem {
  readonly line: number
  readonly message: string
  readonly value: string
}

const COUNTRY = /^[A-Z]{2}$/
const V4_BITS = 32
const V6_BITS = 128
const MAPPED_PREFIX = 0xffffn << 32n

/** An address as a number: IPv4 (mapped IPv6 included) as version 4. */
export function parseIp(ip: string): { version: 4 | 6; value: bigint } | undefined {
  if (!ip.includes(':')) {
    const v4 = parseV4(ip)
    return v4 === undefined ? undefined : { version: 4, value: BigInt(v4) }
  }
  const v6 = parseV6(ip)
  if (v6 === undefined) return undefined
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn }
  return { version: 6, value: v6 }
}

/** Dotted quad → unsigned 32-bit number. */
export function parseV4(ip: string): number | undefined {
  const parts = ip.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined
    const octet = Number(p)
    if (octet > 255) return undefined
    n = n * 256 + octet
  }
  return n
}

function parseV6(ip: string): bigint | undefined {
  const zone = ip.indexOf('%')
  let s = zone === -1 ? ip : ip.slice(0, zone)
  let tail: number[] = []
  const lastColon = s.lastIndexOf(':')
  if (s.includes('.', lastColon)) {
    const v4 = parseV4(s.slice(lastColon + 1))
    if (v4 === undefined) return undefined
    tail = [v4 >>> 16, v4 & 0xffff]
    s = s.slice(0, lastColon + 1)
    if (!s.endsWith('::')) s = s.slice(0, -1)
  }
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const group = (part: string): number[] | undefined => {
    if (part === '') return []
    const out: number[] = []
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
      out.push(parseInt(g, 16))
    }
    return out
  }
  const head = group(halves[0] ?? '')
  const rest = halves.length === 2 ? group(halves[1] ?? '') : []
  if (head === undefined || rest === undefined) return undefined
  const given = head.length + rest.length + tail.length
  let groups: number[]
  if (halves.length === 2) {
    if (given > 7) return undefined
    groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail]
  } else {
    if (given !== 8) return undefined
    groups = [...head, ...tail]
  }
  let n = 0n
  for (const g of groups) n = (n << 16n) | BigInt(g)
  return n
}

/** One `CIDR` (a bare address is a /32 or /128) → its range, or a reason it is not one. */
export function parseCidr(
  text: string,
): { version: 4 | 6; start: bigint; end: bigint; prefix: number } | string {
  const slash = text.indexOf('/')
  const addr = slash === -1 ? text : text.slice(0, slash)
  const ip = addr.includes(':') ? parseV6(addr) : parseV4(addr)
  if (ip === undefined) return 'not an IPv4 or IPv6 address'
  let version: 4 | 6 = addr.includes(':') ? 6 : 4
  let bits = version === 4 ? V4_BITS : V6_BITS
  let prefix = bits
  if (slash !== -1) {
    const p = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return `the prefix length must be 0–${bits}`
    prefix = Number(p)
  }
  let value = BigInt(ip)
  // ::ffff:a.b.c.d/(96+n) is the IPv4 block a.b.c.d/n.
  if (version === 6 && prefix >= 96 && value >> 32n === 0xffffn) {
    version = 4
    bits = V4_BITS
    prefix -= 96
    value &= 0xffffffffn
  } else if (version === 6 && (value & ~((1n << 32n) - 1n)) === MAPPED_PREFIX && prefix < 96) {
    return 'a prefix shorter than /96 mixes mapped IPv4 with IPv6 addresses'
  }
  const hostBits = BigInt(bits - prefix)
  const start = (value >> hostBits) << hostBits
  if (start !== value) return 'has bits set after the prefix (not a network address)'
  return { version, start, end: start + (1n << hostBits) - 1n, prefix }
}

/** Parses the file's text; bad lines are reported and skipped. */
export function parseCidrFile(text: string): { entries: CidrEntry[]; problems: CidrProblem[] } {
  const entries: CidrEntry[] = []
  const problems: CidrProblem[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1
    const content = raw.replace(/#.*/, '').trim()
    if (content === '') return
    const fields = content.split(',').map((f) => f.trim())
    if (fields.length !== 2) {
      problems.push({ line, message: 'must be `CIDR,CC`', value: raw })
      return
    }
    const [cidr = '', country = ''] = fields
    const range = parseCidr(cidr)
    if (typeof range === 'string') {
      problems.push({ line, message: range, value: cidr })
      return
    }
    if (!COUNTRY.test(country)) {
      problems.push({
        line,
        message: 'the country must be two uppercase letters (ISO-3166-1 alpha-2)',
        value: country,
      })
      return
    }
    entries.push({ ...range, country, line })
  })
  return { entries, problems }
}

interface Segment {
  start: bigint
  end: bigint
  country: string
}

/**
 * Nested blocks → disjoint segments where the innermost block wins. Sorted by start, outer
 * (longer) blocks first; a stack holds the blocks still open at the cursor.
 */
export function flatten(entries: readonly CidrEntry[]): Segment[] {
  const sorted = entries
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        a.e.start !== b.e.start
          ? a.e.start < b.e.start
            ? -1
            : 1
          : a.e.end !== b.e.end
            ? a.e.end > b.e.end
              ? -1
              : 1
            : b.i - a.i, // identical blocks: the first line ends up innermost, so it wins
    )
    .map(({ e }) => e)
  const out: Segment[] = []
  const stack: CidrEntry[] = []
  let cursor = 0n
  const emit = (start: bigint, end: bigint, country: string) => {
    if (start > end) return
    const last = out[out.length - 1]
    if (last !== undefined && last.country === country && last.end + 1n === start) last.end = end
    else out.push({ start, end, country })
  }
  const closeBefore = (pos: bigint) => {
    for (let top = stack[stack.length - 1]; top !== undefined && top.end < pos;) {
      emit(cursor, top.end, top.country)
      cursor = top.end + 1n
      stack.pop()
      top = stack[stack.length - 1]
    }
  }
  for (const e of sorted) {
    closeBefore(e.start)
    const top = stack[stack.length - 1]
    if (top !== undefined) emit(cursor, e.start - 1n, top.country)
    cursor = e.start
    stack.push(e)
  }
  closeBefore(1n << 129n)
  return out
}

/** Builds the lookup: IPv4 ranges as plain numbers, IPv6 as bigints, both bisected. */
export function compileCountryTable(entries: readonly CidrEntry[]): CountryTable {
  const v4 = flatten(entries.filter((e) => e.version === 4))
  const v6 = flatten(entries.filter((e) => e.version === 6))
  const v4Starts = Float64Array.from(v4, (s) => Number(s.start))
  const v4Ends = Float64Array.from(v4, (s) => Number(s.end))
  const v4Countries = v4.map((s) => s.country)
  const v6Starts = v6.map((s) => s.start)
  const v6Ends = v6.map((s) => s.end)
  const v6Countries = v6.map((s) => s.country)
  return {
    size: entries.length,
    lookup(ip: string): string | undefined {
      if (!ip.includes(':')) {
        const n = parseV4(ip)
        return n === undefined ? undefined : find(v4Starts, v4Ends, v4Countries, n)
      }
      const parsed = parseIp(ip)
      if (parsed === undefined) return undefined
      return parsed.version === 4
        ? find(v4Starts, v4Ends, v4Countries, Number(parsed.value))
        : find(v6Starts, v6Ends, v6Countries, parsed.value)
    },
  }
}

/** The segment holding `n`: the last start ≤ n, if its end reaches n. */
function find<T extends number | bigint>(
  starts: ArrayLike<T>,
  ends: ArrayLike<T>,
  countries: readonly string[],
  n: T,
): string | undefined {
  let lo = 0
  let hi = starts.length - 1
  let at = -1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    if ((starts[mid] as T) <= n) {
      at = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return at >= 0 && (ends[at] as T) >= n ? countries[at] : undefined
}
