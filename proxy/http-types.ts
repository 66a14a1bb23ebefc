// The one internal HTTP representation shared by the pipeline, the origins and the runtimes.
// Headers use node's own shape (lowercase name → value or values) so neither node:http nor
// undici output needs converting; foreign shapes (CloudFront event {key,value} lists) live
// only in the function runtimes' adapters (design.md §1, principle 4).
import type { Readable } from 'node:stream'

export type HeaderRecord = Record<string, string | string[]>

/** A request as sent to an origin (after the pipeline applied OriginPath, policies, §9.2). */
export interface OriginRequest {
  readonly method: string
  /** Path plus query string, already prefixed with the origin's OriginPath. */
  readonly path: string
  readonly headers: HeaderRecord
  /** Streamed request body, or null when there is none. */
  readonly body: Readable | null
}

/** A response from an origin: status, headers and a body that streams (never buffered whole). */
export interface OriginResponse {
  readonly status: number
  readonly headers: HeaderRecord
  /** null for bodiless responses (HEAD, 204, 304). */
  readonly body: Readable | null
}
