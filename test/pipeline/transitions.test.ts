// The transition table (design.md §1, spec §0): every documented edge is allowed and the
// edges CloudFront's rules forbid are not (e.g. origin triggers on a hit, viewer-response
// after a custom error page or a generated error).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isAllowed, STATES, TRANSITIONS, type State } from '../../proxy/pipeline/states.js'

const ALLOWED: readonly [State, State, string][] = [
  ['recv', 'synth', 'protocol / method / size refusals'],
  ['recv', 'authorize', 'behavior matched'],
  ['authorize', 'synth', 'signed URL failure → 403'],
  ['authorize', 'viewerRequest', 'authorized'],
  ['viewerRequest', 'deliver', 'viewer-request function generated a response'],
  ['viewerRequest', 'lookup', 'cached method'],
  ['viewerRequest', 'originRequest', 'method not cached for the behavior'],
  ['lookup', 'viewerResponse', 'fresh hit'],
  ['lookup', 'originRequest', 'miss or stale'],
  ['lookup', 'deliver', 'a cached error without a custom error page'],
  ['lookup', 'errorPage', 'a cached error with a custom error page'],
  ['fetch', 'viewerResponse', 'origin failed, stale object served (stale-if-error)'],
  ['originRequest', 'store', 'origin-request function generated a response (cached)'],
  ['originRequest', 'fetch', 'go to the origin'],
  ['fetch', 'originResponse', 'origin answered'],
  ['fetch', 'synth', 'origin unreachable or timed out'],
  ['fetch', 'originRequest', 'origin group primary failed: try the secondary (§1.4)'],
  ['originResponse', 'store', 'hook ran'],
  ['store', 'errorPage', 'custom error response configured'],
  ['store', 'viewerResponse', 'status < 400'],
  ['store', 'deliver', '≥ 400 without custom error response'],
  ['synth', 'errorPage', 'generated error with a custom page'],
  ['deliver', 'done', 'written'],
  [
    'viewerRequest',
    'synth',
    'viewer-request function failed (503) or returned an invalid result (502)',
  ],
  ['originRequest', 'synth', 'origin-request Lambda@Edge failed (503) or was invalid (502)'],
  ['originResponse', 'synth', 'origin-response Lambda@Edge failed (503) or was invalid (502)'],
  ['viewerResponse', 'synth', 'viewer-response function failed (503) or was invalid (502)'],
]

const FORBIDDEN: readonly [State, State, string][] = [
  ['lookup', 'fetch', 'the origin-request step is never skipped on a miss'],
  ['lookup', 'originResponse', 'a hit never runs origin-response'],
  ['lookup', 'store', 'a hit is not stored again'],
  ['viewerRequest', 'viewerResponse', 'a generated viewer-request response skips viewer-response'],
  ['errorPage', 'viewerResponse', 'viewer-response does not run for custom error pages'],
  ['synth', 'viewerResponse', 'viewer-response does not run for generated errors or redirects'],
  ['recv', 'viewerRequest', 'authorization always runs first'],
  ['fetch', 'store', 'origin-response always runs before caching'],
  ['originRequest', 'originResponse', 'a generated origin-request response skips origin-response'],
  ['originRequest', 'viewerResponse', 'an origin-request response is stored first (it is cached)'],
  ['deliver', 'synth', 'nothing follows a written response'],
  ['done', 'recv', 'done is final'],
]

describe('pipeline transition table', () => {
  for (const [from, to, why] of ALLOWED) {
    it(`${from} → ${to} is allowed: ${why}`, () => assert.equal(isAllowed(from, to), true))
  }
  for (const [from, to, why] of FORBIDDEN) {
    it(`${from} → ${to} is forbidden: ${why}`, () => assert.equal(isAllowed(from, to), false))
  }
  it('every state but done can reach done', () => {
    const reach = (s: State, seen = new Set<State>()): boolean => {
      if (s === 'done') return true
      if (seen.has(s)) return false
      seen.add(s)
      return TRANSITIONS[s].some((n) => reach(n, seen))
    }
    for (const s of STATES) assert.equal(reach(s), true, s)
  })
})
