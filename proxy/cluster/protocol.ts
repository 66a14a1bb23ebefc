// The primary ↔ worker messages of `--workers N` (design.md §3 "Workers"): the primary asks,
// every worker answers with the same id. Workers announce their listeners once ready.
import type { CacheStats } from '../cache/admin-types.js'

export type Ask =
  | {
      readonly edgeproxy: 'ask'
      readonly id: number
      readonly op: 'invalidate'
      readonly paths: readonly string[]
    }
  | { readonly edgeproxy: 'ask'; readonly id: number; readonly op: 'stats' | 'metrics' | 'reload' }

export type Answer = {
  readonly edgeproxy: 'answer'
  readonly id: number
  /** invalidate: objects removed; stats: CacheStats; metrics: prom-client JSON; reload: ok. */
  readonly value?: number | CacheStats | unknown[] | boolean
  readonly error?: string
}

export interface Ready {
  readonly edgeproxy: 'ready'
  readonly url: string
  readonly httpsUrl: string | undefined
}

export function isAsk(m: unknown): m is Ask {
  return typeof m === 'object' && m !== null && (m as { edgeproxy?: unknown }).edgeproxy === 'ask'
}
export function isAnswer(m: unknown): m is Answer {
  return (
    typeof m === 'object' && m !== null && (m as { edgeproxy?: unknown }).edgeproxy === 'answer'
  )
}
export function isReady(m: unknown): m is Ready {
  return typeof m === 'object' && m !== null && (m as { edgeproxy?: unknown }).edgeproxy === 'ready'
}
