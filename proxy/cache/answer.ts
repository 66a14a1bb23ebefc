// Answering a viewer from a stored object (spec §4.4, §4.5, §11.2): Age, then the viewer's
// own conditional and range headers evaluated against the object — 304 when its validators
// match, 206 for a satisfiable single range of a full 200 object, 416 when unsatisfiable.
// The stored headers are copied, never changed.
import { evaluateConditions } from '../cloudfront/conditional.js'
import type { HeaderRecord } from '../http-types.js'
import type { PendingResponse } from '../pipeline/exchange.js'
import type { CachedObject } from './store.js'

/** Headers a 304 keeps (RFC 9110 §15.4.5). */
const NOT_MODIFIED_KEEPS = [
  'cache-control',
  'content-location',
  'date',
  'etag',
  'expires',
  'vary',
  'last-modified',
  'age',
] as const

export function answerFromObject(
  object: CachedObject,
  viewerHeaders: Readonly<Record<string, string | string[] | undefined>>,
  ageSeconds: number | undefined,
): PendingResponse {
  const plain = object.status !== 200 || !hasConditionalOrRange(viewerHeaders)
  if (plain && ageSeconds !== undefined) {
    // The common hit: nothing is copied; deliver writes the prebuilt head (store.ts).
    const shared = object.headers as HeaderRecord
    return {
      status: object.status,
      headers: shared,
      body: object.body,
      hit: { head: object.hitHead, text: object.hitHeadText, age: ageSeconds },
    }
  }
  const headers: HeaderRecord = { ...object.headers }
  // Age goes on responses served from the cache, not on the miss that stored them (§4.5).
  if (ageSeconds !== undefined) headers['age'] = String(ageSeconds)
  if (plain) return { status: object.status, headers, body: object.body }
  const decision = evaluateConditions(
    {
      etag: object.etag ?? '',
      lastModified: object.lastModified === undefined ? NaN : Date.parse(object.lastModified),
      size: object.body.length,
    },
    viewerHeaders as HeaderRecord,
  )
  switch (decision.kind) {
    case 'full':
      return { status: 200, headers, body: object.body }
    case 'not-modified': {
      const kept: HeaderRecord = {}
      for (const name of NOT_MODIFIED_KEEPS) {
        const v = headers[name]
        if (v !== undefined) kept[name] = v
      }
      return { status: 304, headers: kept, body: null }
    }
    case 'partial': {
      const size = object.body.length
      headers['content-range'] =
        `bytes ${String(decision.start)}-${String(decision.end)}/${String(size)}`
      headers['content-length'] = String(decision.end - decision.start + 1)
      return {
        status: 206,
        headers,
        body: object.body.subarray(decision.start, decision.end + 1),
      }
    }
    case 'unsatisfiable':
      return {
        status: 416,
        headers: {
          'content-range': `bytes */${String(object.body.length)}`,
          'content-length': '0',
        },
        body: null,
      }
    case 'precondition-failed':
      return { status: 412, headers: { 'content-length': '0' }, body: null }
  }
}

export function hasConditionalOrRange(h: Readonly<Record<string, unknown>>): boolean {
  return (
    h['range'] !== undefined ||
    h['if-none-match'] !== undefined ||
    h['if-modified-since'] !== undefined ||
    h['if-match'] !== undefined ||
    h['if-unmodified-since'] !== undefined
  )
}
