// CloudFront standard access logs (spec §11.8): the 33 W3C fields in CloudFront's order, the
// two header lines, and the value encoding (characters 0–32, ≥127 and < > " # % { } | \ ^ ~
// [ ] ` ' space are percent-encoded; a missing value is `-`). Pure: the record comes in whole.

/** The fields of one log record, named as CloudFront names them, in CloudFront's order. */
export const W3C_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'cs(Cookie)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
] as const
export type W3cField = (typeof W3C_FIELDS)[number]

/** One record: every field, `undefined` where CloudFront writes `-`. */
export type AccessRecord = { readonly [K in W3cField]: string | number | undefined }

/** The two lines that open a W3C log file. */
export function w3cHeader(): string {
  return `#Version: 1.0\n#Fields: ${W3C_FIELDS.join(' ')}\n`
}

/** One tab-separated line (with its newline). */
export function formatW3cLine(record: AccessRecord): string {
  let line = ''
  for (let i = 0; i < W3C_FIELDS.length; i++) {
    const v = record[W3C_FIELDS[i] as W3cField]
    if (i > 0) line += '\t'
    line += v === undefined || v === '' ? '-' : typeof v === 'number' ? String(v) : encodeValue(v)
  }
  return `${line}\n`
}

// Characters CloudFront percent-encodes in log values, besides controls, space and non-ASCII.
const ENCODED = new Set('<>"#%{}|\\^~[]`\''.split(''))

/** Percent-encodes what §11.8 lists, as UTF-8 bytes; everything else is kept. */
export function encodeValue(v: string): string {
  let plain = true
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c <= 32 || c >= 127 || ENCODED.has(v[i] as string)) {
      plain = false
      break
    }
  }
  if (plain) return v
  let out = ''
  for (const byte of Buffer.from(v, 'utf8')) {
    const ch = String.fromCharCode(byte)
    out +=
      byte <= 32 || byte >= 127 || ENCODED.has(ch)
        ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : ch
  }
  return out
}

/** `date` and `time` fields (UTC) of an instant. */
export function dateAndTime(ms: number): { readonly date: string; readonly time: string } {
  const second = Math.floor(ms / 1000)
  if (second !== lastSecond) {
    const iso = new Date(second * 1000).toISOString()
    lastSecond = second
    lastDateTime = { date: iso.slice(0, 10), time: iso.slice(11, 19) }
  }
  return lastDateTime
}

/** dateAndTime of the last second asked for: every request of one second shares it. */
let lastSecond = NaN
let lastDateTime = { date: '', time: '' }

/** seconds() of the whole milliseconds below one second, as made: most requests take one. */
const SUB_SECOND: string[] = []

/** Seconds with three decimals, as time-taken and time-to-first-byte are written. */
export function seconds(ms: number): string {
  if (ms >= 0 && ms < 1000 && Number.isInteger(ms))
    return (SUB_SECOND[ms] ??= (ms / 1000).toFixed(3))
  return (Math.max(0, ms) / 1000).toFixed(3)
}

/** `sc-range-start`/`sc-range-end` from a 206's Content-Range (`bytes 0-99/1000`). */
export function rangeOf(contentRange: string | undefined): [number, number] | undefined {
  if (contentRange === undefined) return undefined
  const m = /^bytes (\d+)-(\d+)\//.exec(contentRange)
  return m ? [Number(m[1]), Number(m[2])] : undefined
}
