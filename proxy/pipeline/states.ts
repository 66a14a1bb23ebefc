// The request pipeline's states and its transition table (design.md §1, spec §0): the one
// place that says which step may follow which. The runner asserts every edge against it.
import type { ErrorCode } from '../errors.js'

export const STATES = [
  'recv',
  'authorize',
  'viewerRequest',
  'lookup',
  'originRequest',
  'fetch',
  'originResponse',
  'store',
  'errorPage',
  'viewerResponse',
  'deliver',
  'synth',
  'done',
] as const
export type State = (typeof STATES)[number]

/** What a generated (synth) response is. */
export type SynthSpec =
  | {
      readonly kind: 'error'
      readonly code: ErrorCode
      readonly detail?: string
      /** Extra response headers, e.g. WWW-Authenticate for a JWT refusal. */
      readonly headers?: Readonly<Record<string, string>>
    }
  | { readonly kind: 'redirect'; readonly status: 301 | 307; readonly location: string }

/** An edge: the next state and, for synth, what to generate. */
export type Transition =
  { readonly to: Exclude<State, 'synth'> } | { readonly to: 'synth'; readonly synth: SynthSpec }

/**
 * Allowed edges. Rows follow spec §0 and style-anchors §9.3:
 * - recv → synth: 413, disabled distribution, geo restriction (403), viewer protocol
 *   (301/307/403), method (403).
 * - authorize → synth: signed URL/cookie failure (403); JWT refusal (401/403/503).
 * - viewerRequest → deliver: a function-generated response, CloudFront Function or Lambda@Edge
 *   (not cached; no viewer-response); → synth: the function failed (503) or was invalid (502).
 * - viewerRequest → lookup when the method is cached for the behavior, else → originRequest.
 * - lookup → viewerResponse: fresh hit; → errorPage/deliver: a cached error (§4.3);
 *   → originRequest: miss or stale.
 * - originRequest → store: an origin-request Lambda@Edge generated the response (it is cached,
 *   and origin-response does not run for it); → synth: that function failed or was invalid;
 *   → fetch also when the origin's host name did not resolve before that function (§8.1: it
 *   is skipped, and fetch answers the failure as any connection failure).
 * - fetch → originRequest: an origin group's primary failed over (§1.4: configured status,
 *   connection failure or timeout; GET/HEAD/OPTIONS): the secondary's request is built, once.
 * - fetch → synth: origin unreachable / timed out (502/504); → viewerResponse: it failed but a
 *   stale object may be served instead (§4.4 stale-if-error); → originResponse otherwise.
 * - originResponse → store: after the origin-response Lambda@Edge, for every origin status
 *   (§0 step 15); → synth: that function failed (503) or was invalid (502).
 * - store → errorPage: 4xx/5xx with a custom error page; → deliver: other ≥ 400 (the
 *   viewer-response function does not run for them); → viewerResponse: the rest;
 *   → synth: the origin body failed before it was complete (never stored, 502).
 * - viewerResponse → deliver; → synth: its function (CloudFront or Lambda@Edge) failed.
 * - synth → errorPage: a generated error the distribution has a custom page for.
 */
export const TRANSITIONS: Readonly<Record<State, readonly State[]>> = {
  recv: ['authorize', 'synth'],
  authorize: ['viewerRequest', 'synth'],
  viewerRequest: ['lookup', 'originRequest', 'deliver', 'synth'],
  lookup: ['viewerResponse', 'errorPage', 'deliver', 'originRequest', 'synth'],
  originRequest: ['fetch', 'store', 'synth'],
  fetch: ['originResponse', 'originRequest', 'viewerResponse', 'errorPage', 'deliver', 'synth'],
  originResponse: ['store', 'synth'],
  store: ['errorPage', 'viewerResponse', 'deliver', 'synth'],
  errorPage: ['deliver'],
  viewerResponse: ['deliver', 'synth'],
  deliver: ['done'],
  synth: ['errorPage', 'deliver'],
  done: [],
}

/** The table as sets: the runner checks one edge per step of every request. */
const EDGES: ReadonlyMap<State, ReadonlySet<State>> = new Map(
  STATES.map((from) => [from, new Set(TRANSITIONS[from])]),
)

export function isAllowed(from: State, to: State): boolean {
  return EDGES.get(from)?.has(to) === true
}
