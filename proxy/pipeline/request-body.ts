// The viewer's request body between the viewer and the origin (spec §8.4 IncludeBody): a
// Lambda@Edge function sees at most its limit (40 KB viewer, 1 MB origin) and only that much
// is read from the viewer; the rest stays in the stream and follows what was read to the
// origin, so a large upload is never held in memory whole. A body read to its end, or one a
// function replaced, goes on from memory.
import { Readable } from 'node:stream'
import type { HeaderRecord } from '../http-types.js'
import type { Exchange } from './exchange.js'

/** What was read of a body that is longer than any function has seen of it so far. */
export interface PartialBody {
  readonly chunks: Buffer[]
  bytes: number
  /** The viewer's stream, read as far as `chunks`; undefined once it has ended. */
  rest: AsyncIterator<unknown> | undefined
}

/** At most `limit` bytes of the body, reading the viewer's stream only as far as needed. */
export async function exposedBody(
  ex: Exchange,
  limit: number,
): Promise<{ data: Buffer; truncated: boolean }> {
  if (ex.requestBody === undefined) {
    const body = ex.viewer.hasBody ? ex.viewer.body : Readable.from([])
    const partial: PartialBody = ex.partialBody ?? {
      chunks: [],
      bytes: 0,
      // Iterated by hand, never returned: breaking off would destroy the viewer's stream.
      rest: body[Symbol.asyncIterator](),
    }
    ex.partialBody = partial
    while (partial.rest !== undefined && partial.bytes <= limit) {
      const next = await partial.rest.next()
      if (next.done === true) {
        partial.rest = undefined
      } else {
        const chunk = next.value as Buffer
        partial.chunks.push(chunk)
        partial.bytes += chunk.length
      }
    }
    if (partial.rest !== undefined) {
      const head = Buffer.concat(partial.chunks)
      partial.chunks.splice(0, partial.chunks.length, head)
      return { data: head.subarray(0, limit), truncated: true }
    }
    ex.requestBody = Buffer.concat(partial.chunks)
    ex.partialBody = undefined
  }
  const whole = ex.requestBody
  return whole.length > limit
    ? { data: whole.subarray(0, limit), truncated: true }
    : { data: whole, truncated: false }
}

/** A function's replacement body: what is left of the viewer's is read and dropped (a body
 * never read at all node drops itself when the response ends). */
export function replaceRequestBody(ex: Exchange, body: Buffer): void {
  const rest = ex.partialBody?.rest
  ex.partialBody = undefined
  ex.requestBody = body
  if (rest !== undefined) void drain(rest)
}

/** The body the origin gets (null without one); Content-Length set when it is in memory. */
export function originRequestBody(ex: Exchange, headers: HeaderRecord): Readable | null {
  if (!ex.viewer.hasBody) return null
  if (ex.requestBody !== undefined) {
    headers['content-length'] = String(ex.requestBody.length)
    return Readable.from([ex.requestBody])
  }
  const partial = ex.partialBody
  return partial === undefined ? ex.viewer.body : Readable.from(readOn(partial))
}

async function* readOn(partial: PartialBody): AsyncGenerator<Buffer> {
  yield* partial.chunks
  const rest = partial.rest
  if (rest === undefined) return
  for (;;) {
    const next = await rest.next()
    if (next.done === true) return
    yield next.value as Buffer
  }
}

async function drain(rest: AsyncIterator<unknown>): Promise<void> {
  try {
    while ((await rest.next()).done !== true);
  } catch {
    // The viewer went away: nothing left to drop.
  }
}
