// The effects the pipeline is given (design.md §1 principle 3): clock, origin access, logger
// and request ids, built once at start-up; tests pass real loopback origins or fakes.
import type { Logger } from 'pino'
import type { AccessLog } from './log.js'
import type { Metrics } from './metrics.js'
import type { Collapser } from './cache/collapse.js'
import type { CacheStore } from './cache/store.js'
import type { OriginConfig } from './config/types.js'
import type { EdgeError } from './errors.js'
import type { OriginRequest, OriginResponse } from './http-types.js'

export interface Clock {
  nowMs(): number
}

export const systemClock: Clock = { nowMs: () => Date.now() }

export interface OriginFetcher {
  /**
   * Sends one request to an origin (all connection attempts included). Resolves with the
   * response once its headers arrived; rejects with an EdgeError (502/504) otherwise.
   */
  fetch(
    origin: OriginConfig,
    req: OriginRequest,
    viewerScheme: 'http' | 'https',
  ): Promise<OriginResponse>
  /**
   * Resolves the origin's host name as a connection to it would (spec §8.1: before the
   * origin-request function runs). Undefined when there is nothing to wait for (a local or
   * IP-literal origin, a name resolved moments ago); else resolves with undefined when the name
   * resolved, or with the ORIGIN_DNS error (502) when it did not.
   */
  resolve(origin: OriginConfig): Promise<EdgeError | undefined> | undefined
  close(): Promise<void>
}

export interface Deps {
  readonly clock: Clock
  readonly origins: OriginFetcher
  readonly cache: CacheStore
  readonly collapser: Collapser
  readonly log: Logger
  /** The per-request access record (pino line and W3C file, spec §11.8). */
  readonly accessLog: AccessLog
  /** Prometheus metrics, scraped from the admin listener's /metrics. */
  readonly metrics: Metrics
  readonly newRequestId: () => string
}
