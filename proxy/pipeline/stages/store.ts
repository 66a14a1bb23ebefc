// store — the caching decision (spec §0 step 16, §4, §10). A 304 to a revalidation refreshes
// the stored object (RefreshHit); a 5xx to one serves the stale object where allowed (§4.4).
// Otherwise the response is stored when §4.2/§4.3 say so and it fits: read whole (incomplete
// bodies are never stored), compressed once if §10 allows, then served from memory. Larger
// or uncacheable responses stream through. Collapsed followers are woken in every case.
// Where the origin controls caching, a successful unsafe method invalidates its URI.
// Exits: via route.ts — viewerResponse, errorPage or deliver.
import { answerFromObject } from '../../cache/answer.js'
import { originControlled } from '../../cache/vary.js'
import { admitResponse, refreshedObject, staleOnError } from '../../cache/admit.js'
import { ageSeconds } from '../../cloudfront/freshness.js'
import type { Deps } from '../../deps.js'
import { EdgeError } from '../../errors.js'
import { discardBody } from '../../origin/discard.js'
import type { Exchange, PendingResponse } from '../exchange.js'
import type { Transition } from '../states.js'
import { afterStored } from './route.js'

const UNSAFE: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export async function store(ex: Exchange, deps: Deps): Promise<Transition> {
  const outcome: Outcome = { shareable: false }
  try {
    return await decide(ex, deps, outcome)
  } finally {
    ex.releaseCollapse?.(outcome.shareable)
    ex.releaseCollapse = undefined
  }
}

/** What collapsed followers learn: whether the stored object is theirs to use too. */
interface Outcome {
  shareable: boolean
}

async function decide(ex: Exchange, deps: Deps, outcome: Outcome): Promise<Transition> {
  const r = ex.response
  if (r === undefined) throw new Error('store without a response')
  const now = deps.clock.nowMs()
  const stale = ex.stale

  if (stale !== undefined && r.status === 304) {
    discardBody(r.body)
    const refreshed = refreshedObject(stale, r.headers, now, ex, deps)
    deps.cache.countHit('refresh')
    ex.resultType = 'RefreshHit'
    ex.response = answerFromObject(refreshed, ex.headers, ageSeconds(refreshed, now))
    // The 304's Set-Cookie goes to this viewer only (never stored, never to followers).
    const cookie = r.headers['set-cookie']
    outcome.shareable = cookie === undefined
    if (cookie !== undefined) withOwnCookie(ex.response, cookie)
    return afterStored(ex)
  }
  const standIn = staleOnError(ex, deps, r.status, now)
  if (standIn !== undefined) {
    discardBody(r.body)
    ex.response = standIn
    return afterStored(ex)
  }

  // RFC 9111 §4.4, where the origin controls caching: a successful unsafe request
  // invalidates what is stored for its URI.
  if (UNSAFE.has(ex.viewer.method) && r.status < 400 && originControlled(ex.behavior.policies)) {
    deps.cache.deleteUri(ex.uri)
  }
  let admitted
  try {
    admitted = await admitResponse(ex, deps, r, now)
  } catch (err) {
    if (!(err instanceof EdgeError)) throw err
    return { to: 'synth', synth: { kind: 'error', code: err.code, detail: err.message } }
  }
  if (admitted !== undefined) {
    outcome.shareable = admitted.shareable && admitted.setCookie === undefined
    ex.response = answerFromObject(admitted.object, ex.headers, undefined)
    // The viewer who caused the fetch gets the cookies even when the cache keeps none.
    if (admitted.setCookie !== undefined) ex.response.headers['set-cookie'] = admitted.setCookie
  }
  return afterStored(ex)
}

/** Gives one viewer's response its own Set-Cookie, on a copy of any shared cached headers. */
function withOwnCookie(r: PendingResponse, cookie: string | string[]): void {
  const age = r.hit === undefined ? {} : { age: String(r.hit.age) }
  r.headers = { ...r.headers, ...age, 'set-cookie': cookie }
  delete r.hit
}
