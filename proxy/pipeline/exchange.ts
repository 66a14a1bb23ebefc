// The per-request record every stage reads and writes (style-anchors §9.2): the viewer's
// request as received, the pinned compiled distribution and behavior, the request sent to
// the origin and the response on its way to the viewer.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import type { ResultType } from '../cloudfront/headers.js'
import type { Release } from '../cache/collapse.js'
import type { CachedObject } from '../cache/store.js'
import type { CompiledBehavior, CompiledDistribution } from '../config/compile.js'
import type { OriginConfig } from '../config/types.js'
import type { EdgeError } from '../errors.js'
import type { HeaderRecord, OriginRequest } from '../http-types.js'
import type { FailoverReason } from '../cloudfront/failover.js'
import type { ChosenOrigin, FailoverGroup } from './function-origin.js'
import type { PartialBody } from './request-body.js'

export interface ViewerRequest {
  readonly method: string
  /** The request target exactly as sent (path and query). */
  readonly url: string
  /** Path without the query string, as sent. */
  readonly path: string
  /** Query string without `?` ('' when none). */
  readonly query: string
  readonly headers: IncomingMessage['headers']
  /** node's flat [name, value, …] list, as received. */
  readonly rawHeaders: readonly string[]
  readonly scheme: 'http' | 'https'
  readonly httpVersion: string
  readonly clientIp: string
  readonly clientPort: number
  /** The body stream (node's IncomingMessage). */
  readonly body: Readable
  /** The connection (for the access log's byte counts and TLS fields). */
  readonly socket: Socket
  readonly hasBody: boolean
  /** The port of the local HTTPS listener, if any (target of the HTTPS redirect). */
  readonly httpsPort: number | undefined
}

/** The response as it will be delivered. */
export interface PendingResponse {
  status: number
  /**
   * The headers. When `hit` is set these are a cached object's own headers, shared with
   * every other hit: deliver copies them before changing anything.
   */
  headers: HeaderRecord
  /** A hit answered whole from a cached object: its prebuilt head (a list, and as text when
   * it can be written as such) and the Age to add. */
  hit?: {
    readonly head: readonly string[]
    readonly text: string | undefined
    readonly age: number
  }
  /** A stream (origin), bytes (generated or cached) or nothing. */
  body: Readable | Buffer | null
}

export interface Exchange {
  readonly id: string
  readonly startedAtMs: number
  readonly dist: CompiledDistribution
  readonly viewer: ViewerRequest
  readonly res: ServerResponse
  behavior: CompiledBehavior
  /** The URI the pipeline works on: functions and the default root object may change it. */
  uri: string
  querystring: string
  /** The request headers the pipeline works on: the viewer's, or a viewer-request function's. */
  headers: Readonly<Record<string, string | string[] | undefined>>
  /** An origin chosen by a viewer-request function (spec §7.5) instead of the behavior's. */
  originOverride: ChosenOrigin | undefined
  /** Compute utilization of the functions that ran (for the access log and metrics). */
  functionUtilization: number | undefined
  /** The origin chosen for this request, once known (the secondary after a failover). */
  origin: OriginConfig | undefined
  /** Set by originRequest while the origin is a group's primary: fetch may fail over (§1.4). */
  failoverGroup: FailoverGroup | undefined
  /** Set by fetch when it left the primary: originRequest then builds for the secondary. */
  failedOver: FailedOver | undefined
  /**
   * Set by originRequest when the origin's host name did not resolve before the origin-request
   * function (spec §8.1; the function was skipped): fetch answers it as that attempt's failure.
   */
  originDnsError: EdgeError | undefined
  originRequest: OriginRequest | undefined
  response: PendingResponse | undefined
  resultType: ResultType
  /** x-edge-detailed-result-type for the log when it differs from resultType. */
  detailedResult: string | undefined
  /** Origin round-trip (headers received) in ms, when the origin was asked. */
  originMs: number | undefined
  bytesSent: number
  /**
   * The request's and the response's bytes on the wire, when the path that answered counted
   * them (the fast hit path, which reads a connection from its first byte); 0 otherwise, and
   * the access log counts them on the socket.
   */
  wireRead: number
  wireWritten: number
  /** When the response head was written (0 until then): time-to-first-byte (§11.8). */
  headersAtMs: number
  /** The cache key and normalized Accept-Encoding, once lookup computed them (§3.1). */
  cacheKey: { readonly key: string; readonly acceptEncoding: string | undefined } | undefined
  /** An expired stored object this request revalidates (§4.4), kept for stale-if-error. */
  stale: CachedObject | undefined
  /** Wakes requests collapsed onto this one (§11.1); set while this request leads its key. */
  releaseCollapse: Release | undefined
  /** When the origin fetch started: objects invalidated after it are not stored. */
  fetchStartedAtMs: number
  /** The viewer's body, once read whole for IncludeBody or replaced by a Lambda (§8.4). */
  requestBody: Buffer | undefined
  /** The part of a longer body read for IncludeBody; the rest is still in the stream. */
  partialBody: PartialBody | undefined
  /** The viewer's country once resolved (null: unknown); see pipeline/geo.ts. */
  viewerCountry: string | null | undefined
}

/** A failover that happened (§1.4), for the secondary's request and the logs. */
export interface FailedOver {
  readonly group: string
  readonly primary: string
  readonly reason: FailoverReason
}
