// Conditional and range requests against a stored object (RFC 9110 §13.2.2 order, §14):
// If-Match / If-Unmodified-Since → 412, If-None-Match / If-Modified-Since → 304, then a
// single byte range (If-Range honored) → 206 or 416. Pure: the LocalDirectory origin uses it
// today, and answering viewers from a cached object (spec §4, §11.2) can use it too.
import type { HeaderRecord } from '../http-types.js'

/** What the conditional/range decision needs to know about an object. */
export interface ObjectMeta {
  /** Quoted entity tag, strong or weak (`W/"…"`). */
  readonly etag: string
  /** Epoch ms truncated to whole seconds (HTTP dates have no finer precision). */
  readonly lastModified: number
  readonly size: number
}

export type Decision =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'precondition-failed'; readonly condition: string }
  | { readonly kind: 'unsatisfiable' }

/**
 * RFC 9110 §13.2.2 for a GET/HEAD of an existing object: If-Match (strong), else
 * If-Unmodified-Since → 412; If-None-Match (weak, `*`), else If-Modified-Since → 304; then a
 * single byte range honoring If-Range (§14). Multiple or malformed ranges are ignored (200).
 */
export function evaluateConditions(meta: ObjectMeta, headers: HeaderRecord): Decision {
  const ifMatch = header(headers, 'if-match')
  if (ifMatch !== undefined) {
    if (!matchesAny(ifMatch, meta.etag, false)) {
      return { kind: 'precondition-failed', condition: 'If-Match' }
    }
  } else {
    const since = parseDate(header(headers, 'if-unmodified-since'))
    if (since !== undefined && meta.lastModified > since) {
      return { kind: 'precondition-failed', condition: 'If-Unmodified-Since' }
    }
  }
  const ifNoneMatch = header(headers, 'if-none-match')
  if (ifNoneMatch !== undefined) {
    if (matchesAny(ifNoneMatch, meta.etag, true)) return { kind: 'not-modified' }
  } else {
    const since = parseDate(header(headers, 'if-modified-since'))
    if (since !== undefined && meta.lastModified <= since) return { kind: 'not-modified' }
  }
  const range = headers['range']
  if (typeof range !== 'string' || !ifRangeHolds(meta, header(headers, 'if-range'))) {
    return { kind: 'full' }
  }
  return parseRange(range, meta.size)
}

/** One header as a string (lists joined with `, `). */
export function header(headers: HeaderRecord, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

function parseDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

/** Whether an entity-tag list (or `*`) matches; weak comparison ignores `W/`, strong refuses it. */
/**
 * RFC 9110 §8.8.3.2: weak comparison matches opaque tags whatever their W/ prefix; strong
 * comparison needs both tags strong. The stored `etag` may itself be weak (`W/"…"`).
 */
function matchesAny(list: string, etag: string, weak: boolean): boolean {
  if (list.trim() === '*') return true
  const storedWeak = etag.startsWith('W/')
  const tag = storedWeak ? etag.slice(2) : etag
  for (const m of list.matchAll(/(W\/)?("[^"]*")/g)) {
    if (m[2] === tag && (weak || (m[1] === undefined && !storedWeak))) return true
  }
  return false
}

function ifRangeHolds(meta: ObjectMeta, ifRange: string | undefined): boolean {
  if (ifRange === undefined) return true
  const v = ifRange.trim()
  if (v.startsWith('"')) return v === meta.etag
  if (v.startsWith('W/')) return false
  return parseDate(v) === meta.lastModified
}

function parseRange(value: string, size: number): Decision {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value)
  if (m === null) return { kind: 'full' }
  const [, first = '', last = ''] = m
  if (first === '') {
    if (last === '') return { kind: 'full' }
    const n = Number(last)
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Number(last)
  if (end < start && last !== '') return { kind: 'full' }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end: Math.min(end, size - 1) }
}
